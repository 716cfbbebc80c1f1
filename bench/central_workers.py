"""esp-central throughput on 1 and on 2 worker processes, PostgreSQL, measured in one run.

A throwaway PostgreSQL cluster (initdb; as the `postgres` user when run as root), one database per run,
`esp-central serve --workers N` as a real process. Twelve simulated CTs push concurrently (asyncio, request
bodies built before the clock starts, so the load generator costs little); each push carries 200 new
records. Prints figures, then the headline JSON line:
    {"metric": "central_push_rps_2_workers_vs_1", "value": <pushes/s on 2 workers / on 1>, "goal": 1.6}
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

CTS, PUSHES_PER_CT, BATCH = 12, 8, 200
TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    """`root` and its descendants (from /proc: no psutil here)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """user+sys CPU seconds of each live process (threads included)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[p] - before.get(p, 0.0) for p in after)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="esp-bench-pg-"))
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = "postgres"
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.sock):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.root / "data"), "-A", "trust", "-U", "postgres", "--no-sync")
        opts = f"-k {self.sock} -p {self.port} -c listen_addresses='' -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.root / "data"), "-o", opts, "-l", str(self.root / "log"), "-w", "start")

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=120)

    def postmaster(self) -> int:
        return int((self.root / "data" / "postmaster.pid").read_text().split()[0])

    def new_db(self) -> str:
        import psycopg

        name = "b_" + uuid.uuid4().hex[:10]
        with psycopg.connect(host=str(self.sock), port=self.port, user="postgres", dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@/{name}?host={self.sock}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def server_env(src: Path | None) -> dict[str, str]:
    """The environment of esp-central's processes: `src` (another checkout's src/, --compare) comes first."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def esp_central(data_dir: Path, db_url: str, *args: str, src: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data_dir), "--db", db_url, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300, env=server_env(src))


def bodies(n: int) -> list[bytes]:
    now = dt.datetime.now(dt.UTC).isoformat()
    educator = str(uuid.uuid4())
    out = []
    for _ in range(n):
        changes = [
            {
                "client_change_id": str(uuid.uuid4()),
                "base_version": 0,
                "record": {
                    "type": "coaching_activity",
                    "id": str(uuid.uuid4()),
                    "version": 1,
                    "audience": "educator",
                    "educator_id": educator,
                    "updated_at": now,
                    "payload": {"kind": "meeting", "notes": "Fictional coaching notes, about a paragraph long. " * 4},
                },
            }
            for _ in range(BATCH)
        ]
        out.append(json.dumps({"changes": changes}).encode())
    return out


async def push_all(url: str, tokens: list[str], work: dict[str, list[bytes]]) -> float:
    """Every CT pushes its bodies one after the other, all CTs at once. Plain HTTP/1.1 over asyncio streams
    with requests built beforehand: the generator shares the machine's cores with the server, so it is kept
    as cheap as possible (an HTTP client library costs several times more per request)."""
    host, port = url.removeprefix("http://").split(":")

    async def ct(token: str) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for body in work[token]:
                head = (
                    f"POST /v1/sync/push HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                writer.write(head + body)
                await writer.drain()
                status = await reader.readline()
                assert b" 200 " in status, status
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(ct(t) for t in tokens))
    return time.perf_counter() - start


def run(cluster: Cluster, workers: int, src: Path | None = None, label: str = "") -> tuple[float, dict[str, float]]:
    """Pushes per second with `workers` worker processes (a fresh database and data directory), and the CPU ms
    per push of esp-central, PostgreSQL and the load generator; `src`: the esp-central code to run (another
    checkout's src/), by default this one's."""
    data_dir = Path(tempfile.mkdtemp(prefix="esp-bench-central-"))
    try:
        db_url = cluster.new_db()
        esp_central(data_dir, db_url, "init", src=src)
        codes = [
            esp_central(data_dir, db_url, "user", "add", "--name", f"CT {i}", "--role", "ct", src=src).stdout.split()[-1]
            for i in range(CTS)
        ]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data_dir), "--db", db_url]
        proc = subprocess.Popen(
            [*cmd, "serve", "--port", str(port), "--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=server_env(src),
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{url}/v1/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("esp-central did not start")
                time.sleep(0.2)
            tokens = [httpx.post(f"{url}/v1/enrol", json={"code": c, "device_name": "bench"}).json()["token"] for c in codes]
            warm = {t: bodies(1) for t in tokens}  # connections, imports and caches of every worker
            asyncio.run(push_all(url, tokens, warm))
            work = {t: bodies(PUSHES_PER_CT) for t in tokens}
            server_pids, pg_pids = _tree(proc.pid), _tree(cluster.postmaster())
            cpu0 = cpu_seconds(server_pids), cpu_seconds(pg_pids), time.process_time()
            load0 = os.getloadavg()[0]
            seconds = asyncio.run(push_all(url, tokens, work))
            # the trees again: processes started meanwhile (a connection pool growing) count from zero
            cpu1 = cpu_seconds(_tree(proc.pid)), cpu_seconds(_tree(cluster.postmaster())), time.process_time()
            load1 = os.getloadavg()[0]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        pushes = CTS * PUSHES_PER_CT
        # CPU of each process that did work: with several workers, whether both carried the load
        busy = sorted((cpu1[0][p] - cpu0[0].get(p, 0.0) for p in cpu1[0]), reverse=True)
        shares = "/".join(f"{c:.1f}" for c in busy[:workers])
        per_push = {
            "esp-central": spent(cpu0[0], cpu1[0]) / pushes * 1000,
            "postgres": spent(cpu0[1], cpu1[1]) / pushes * 1000,
            "load generator": (cpu1[2] - cpu0[2]) / pushes * 1000,
        }
        print(f"{label}{workers} worker(s): {pushes} pushes of {BATCH} records in {seconds:.2f} s: "
              f"{pushes / seconds:.1f} pushes/s, {pushes * BATCH / seconds:.0f} records/s; CPU ms per push: "
              + ", ".join(f"{k} {v:.1f}" for k, v in per_push.items())
              + f"; busiest processes' CPU s {shares}; load average {load0:.1f} -> {load1:.1f}", flush=True)
        return pushes / seconds, per_push
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def spread(values: list[float]) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "no run"
    return f"median {statistics.median(values):.1f} (min {min(values):.1f}, max {max(values):.1f})"


def ceiling(one: list[dict[str, float]], two: list[dict[str, float]]) -> str:
    """The best 2/1 ratio these CPU costs allow on an otherwise idle 2-core machine: one worker is capped by one
    core (1/W pushes per ms), two workers by both cores shared with PostgreSQL and the generator (2/(W+P+G)).
    On a busy machine the wall-clock ratio follows the other processes' load; this follows the code."""
    if not one or not two:
        return "CPU bound on 2 cores: no run"
    w1 = statistics.median(c["esp-central"] for c in one)
    w2, p, g = (statistics.median(c[k] for c in two) for k in ("esp-central", "postgres", "load generator"))
    return (f"CPU bound on 2 idle cores 2*W1/(W2+P+G) = 2*{w1:.1f}/({w2:.1f}+{p:.1f}+{g:.1f}) = "
            f"{2 * w1 / (w2 + p + g):.2f} (CPU ms per push, medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each configuration, alternated")
    parser.add_argument("--compare", type=Path, help="another checkout (its src/ is run too, alternated): before/after")
    args = parser.parse_args()
    if not shutil.which("initdb"):
        print("PostgreSQL (initdb, pg_ctl) is not on PATH; skipped", file=sys.stderr)
        print(json.dumps({"metric": "central_push_rps_2_workers_vs_1", "value": None, "goal": 1.6}))
        return
    cluster = Cluster()
    results: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[dict[str, float]]] = {}
    sources: list[tuple[str, Path | None]] = [("", None)]
    if args.compare:
        sources = [("before: ", (args.compare / "src").resolve()), ("after: ", None)]
    try:
        # Alternate 1 and 2 workers (and before/after): other load on a shared machine hits all of them.
        for _ in range(args.rounds):
            for label, src in sources:
                for workers in (1, 2):
                    try:
                        rps, per_push = run(cluster, workers, src, label)
                        cpu.setdefault((label, workers), []).append(per_push)
                    except RuntimeError as exc:  # e.g. workers killed as hung while starting (a busy machine)
                        print(f"{label}{workers} worker(s): {exc}", flush=True)
                        rps = math.nan
                    results.setdefault((label, workers), []).append(rps)
    finally:
        cluster.stop()
    for label, _src in sources:
        one, two = results[(label, 1)], results[(label, 2)]
        ratios = [b / a for a, b in zip(one, two, strict=True)]
        print(f"{label}pushes/s on 1 worker {spread(one)}; on 2 {spread(two)}; 2/1 per round {spread(ratios)}")
        print(f"{label}{ceiling(cpu.get((label, 1), []), cpu.get((label, 2), []))}")
    one, two = results[("after: " if args.compare else "", 1)], results[("after: " if args.compare else "", 2)]
    best = [max((v for v in runs if not math.isnan(v)), default=math.nan) for runs in (one, two)]
    value = None if math.isnan(best[0] + best[1]) else round(best[1] / best[0], 2)
    print(json.dumps({"metric": "central_push_rps_2_workers_vs_1", "value": value, "goal": 1.6}))


if __name__ == "__main__":
    main()
