"""esp-central throughput on 1 and on 2 worker processes, PostgreSQL, measured in one run.

A throwaway PostgreSQL cluster (initdb; as the `postgres` user when run as root), one database per run,
`esp-central serve --workers N` as a real process. Twelve simulated CTs push concurrently (asyncio, request
bodies built before the clock starts, so the load generator costs little); each push carries 200 new
records. Prints figures, then the headline JSON line:
    {"metric": "central_push_rps_2_workers_vs_1", "value": <pushes/s on 2 workers / on 1>, "goal": 1.6}
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

CTS, PUSHES_PER_CT, BATCH = 12, 8, 200


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


def esp_central(data_dir: Path, db_url: str, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data_dir), "--db", db_url, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, **kw)  # type: ignore[call-overload]


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


def run(cluster: Cluster, workers: int) -> float:
    """Pushes per second with `workers` worker processes (a fresh database and data directory)."""
    data_dir = Path(tempfile.mkdtemp(prefix="esp-bench-central-"))
    try:
        db_url = cluster.new_db()
        esp_central(data_dir, db_url, "init")
        codes = [
            esp_central(data_dir, db_url, "user", "add", "--name", f"CT {i}", "--role", "ct").stdout.split()[-1]
            for i in range(CTS)
        ]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data_dir), "--db", db_url]
        proc = subprocess.Popen(
            [*cmd, "serve", "--port", str(port), "--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
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
            seconds = asyncio.run(push_all(url, tokens, work))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        pushes = CTS * PUSHES_PER_CT
        print(f"{workers} worker(s): {pushes} pushes of {BATCH} records in {seconds:.2f} s: "
              f"{pushes / seconds:.1f} pushes/s, {pushes * BATCH / seconds:.0f} records/s")
        return pushes / seconds
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    if not shutil.which("initdb"):
        print("PostgreSQL (initdb, pg_ctl) is not on PATH; skipped", file=sys.stderr)
        print(json.dumps({"metric": "central_push_rps_2_workers_vs_1", "value": None, "goal": 1.6}))
        return
    cluster = Cluster()
    try:
        # Alternate 1 and 2 workers, twice, and take each one's best: other load on a shared machine hits both.
        one, two = [], []
        for _ in range(2):
            one.append(run(cluster, 1))
            two.append(run(cluster, 2))
    finally:
        cluster.stop()
    print(json.dumps({"metric": "central_push_rps_2_workers_vs_1", "value": round(max(two) / max(one), 2), "goal": 1.6}))


if __name__ == "__main__":
    main()
