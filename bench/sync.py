"""Sync throughput: 10,000 records pushed from one device and pulled into a second, over loopback, against
the raw HTTP transfer of exactly the same bytes (same requests, same batching) in the same run.

A real esp-central (uvicorn, SQLite) and two real encrypted stores; a quarter of the records are
ct_private (end-to-end encrypted). Prints one line per figure; the last line is the headline JSON:
    {"metric": "sync_vs_raw_transfer", "value": <sync time / raw time>, "goal": 5, "stretch": 2}

``--floor`` also prints the databases' own share: every SQL statement the sync ran (both stores and
esp-central's database) is captured at the driver and replayed raw, after the sync, on copies of the three
databases taken just before it (same statements, same parameters, same commits).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from esp_desktop.server import db
from esp_desktop.server.app import create_app
from esp_desktop.server.security import RateLimiter
from esp_desktop.server.service import Central
from esp_desktop.store.models import CoachingActivity, Educator, ScriptNote
from esp_desktop.store.vault import Vault
from esp_desktop.sync.client import SyncClient

N = 10_000
PASSPHRASE = "bench passphrase for sync"


class Served:
    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def fill(store: Any) -> None:
    """10,000 records: 100 educators, coaching entries (clear) and script notes (ct_private)."""
    with store.session() as s:
        educators = [Educator(given_name=f"Bench{i}", family_name="Fictional") for i in range(100)]
        s.add_all(educators)
        n_rest = N - len(educators)
        for i in range(n_rest):
            e = educators[i % len(educators)].id
            if i % 3 == 0:
                s.add(
                    ScriptNote(
                        observation_id=e,
                        educator_id=e,
                        seq=i,
                        at=store_now(),
                        offset_seconds=i,
                        text=f"Students discuss the text in pairs; teacher circulates ({i})",
                        indicator_codes=["I-A"],
                        equity_codes=[],
                    )
                )
            else:
                s.add(
                    CoachingActivity(
                        educator_id=e,
                        kind="co_planning",
                        held_on=date(2026, 10, 1),
                        minutes=45,
                        notes=f"Co-planned the unit opener with exit tickets ({i})",
                        indicator_codes=["II-A", "I-B"],
                        equity_codes=[],
                    )
                )


def store_now() -> Any:
    from esp_desktop.core import clock

    return clock.now()


def record_traffic(client: SyncClient, log: list[tuple[str, bytes, bytes]]) -> None:
    """Keep every request body and response body, to replay the same bytes raw."""
    original = client.http.request

    def request(method: str, url: str, **kw: Any) -> httpx.Response:
        r = original(method, url, **kw)
        body = json.dumps(kw["json"]).encode() if "json" in kw else b""
        if url.startswith("/v1/sync/"):
            log.append((url, body, r.content))
        return r

    client.http.request = request  # type: ignore[method-assign,assignment]


def raw_app(blobs: list[bytes]) -> Starlette:
    async def sink(request: Request) -> Response:
        await request.body()
        index = int(request.path_params["i"])
        return Response(blobs[index], media_type="application/json")

    return Starlette(routes=[Route("/raw/{i:int}", sink, methods=["POST"])])


Log = list[tuple[str, str | None, Any, bool]]  # (kind: x(ecute) c(ommit) r(ollback), SQL, parameters, many)


def capture(engine: Engine, log: Log) -> None:
    def executed(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        log.append(("x", statement, parameters, many))

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", lambda _conn: log.append(("c", None, None, False)))
    event.listen(engine, "rollback", lambda _conn: log.append(("r", None, None, False)))


def replay(raw: Any, log: Log) -> tuple[float, float]:
    """Run a captured log on a raw driver connection: (wall, CPU) seconds."""
    cur = raw.cursor()
    t0, c0 = time.perf_counter(), time.process_time()
    for kind, statement, parameters, many in log:
        if kind != "x":
            if raw.driver_connection.in_transaction:
                raw.commit() if kind == "c" else raw.rollback()
        elif many:
            cur.executemany(statement, parameters)
        else:
            cur.execute(statement, parameters)
            if cur.description:
                cur.fetchall()
    raw.commit()
    return time.perf_counter() - t0, time.process_time() - c0


def floor(snap: Path, logs: dict[str, Log]) -> None:
    total_w = total_c = 0.0
    for name, log in logs.items():
        if name == "central":
            engine = db.make_engine(f"sqlite:///{snap / 'central.db'}")
            raw = engine.raw_connection()
        else:
            store = Vault(snap / name).unlock(PASSPHRASE)
            raw = store.engine.raw_connection()
        rows = sum(len(p) if many else 1 for kind, _, p, many in log if kind == "x")
        commits = sum(1 for kind, *_ in log if kind == "c")
        w, c = replay(raw, log)
        total_w, total_c = total_w + w, total_c + c
        print(f"floor, {name}: {rows} rows in {sum(1 for k, *_ in log if k == 'x')} statements, {commits} commits, "
              f"replayed raw: {w:.3f} s, CPU {c:.3f} s")
        raw.close()
    print(f"floor, the three databases' own work: {total_w:.3f} s, CPU {total_c:.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", action="store_true", help="also replay the sync's SQL raw (the databases' share)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="esp-bench-sync-"))
    logs: dict[str, Log] = {"A": [], "B": [], "central": []}
    try:
        engine = db.make_engine(f"sqlite:///{root / 'central.db'}")
        db.upgrade(engine)
        central = Central(engine=engine, data_dir=root / "central")
        lenient = RateLimiter(capacity=1000, per_second=1000)
        server = Served(create_app(central=central, enrol_limiter=lenient, auth_limiter=lenient))
        a_store = Vault(root / "A").create(PASSPHRASE)
        b_store = Vault(root / "B").create(PASSPHRASE)
        fill(a_store)
        a = SyncClient(a_store, server_url=server.url, passphrase=PASSPHRASE)
        b = SyncClient(b_store, server_url=server.url, passphrase=PASSPHRASE)
        a.enrol(central.add_user(name="Bench CT", role="ct"), device_name="A")
        b.enrol(central.user_code(name="Bench CT"), device_name="B")
        a.sync_key()
        b.sync_key()  # the one-off Argon2id unwrap is not part of the throughput figure

        traffic: list[tuple[str, bytes, bytes]] = []
        record_traffic(a, traffic)
        record_traffic(b, traffic)
        if args.floor:
            for e in (a_store.engine, b_store.engine, engine):
                with e.begin() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            for name in ("A", "B"):
                shutil.copytree(root / name, root / "snap" / name)
            shutil.copy(root / "central.db", root / "snap" / "central.db")
            capture(a_store.engine, logs["A"])
            capture(b_store.engine, logs["B"])
            capture(engine, logs["central"])
        t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
        pushed = a.sync()
        t_push, c_push, m_push = time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0
        assert pushed.pushed == N, pushed
        t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
        rep = b.sync()
        t_pull, c_pull, m_pull = time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0
        assert rep.pulled >= N, rep
        with b_store.session() as s:
            from sqlalchemy import func, select

            got = sum(
                s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Educator, CoachingActivity, ScriptNote)
            )
        assert got == N, got
        # the same bytes, the same number of requests, to a server that does nothing with them
        raw = Served(raw_app([resp for _, _, resp in traffic]))
        sent = sum(len(req) + len(resp) for _, req, resp in traffic)
        with httpx.Client(base_url=raw.url) as http:
            t0 = time.perf_counter()
            for i, (_, req, _) in enumerate(traffic):
                r = http.post(f"/raw/{i}", content=req, headers={"content-type": "application/json"})
                assert len(r.content) == len(traffic[i][2])
            t_raw = time.perf_counter() - t0
        raw.stop()
        server.stop()
        a.close()
        b.close()
        a_store.close()
        b_store.close()
        engine.dispose()
        if args.floor:
            floor(root / "snap", logs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    t_sync = t_push + t_pull
    print(f"records: {N} ({len(traffic)} requests, {sent / 1e6:.1f} MB over loopback)")
    # CPU time of the whole process: client and esp-central (threads here) together; less load-sensitive. The
    # client syncs on this thread, so its own CPU is this thread's; the rest is esp-central's (event loop and
    # worker threads). Both share one interpreter here: a sync's pause of the cyclic GC covers the server too.
    print(f"push: {t_push:.2f} s ({N / t_push:.0f} records/s), CPU {c_push:.2f} s "
          f"(client {m_push:.2f} s, esp-central {c_push - m_push:.2f} s)")
    print(f"pull and apply: {t_pull:.2f} s ({N / t_pull:.0f} records/s), CPU {c_pull:.2f} s "
          f"(client {m_pull:.2f} s, esp-central {c_pull - m_pull:.2f} s)")
    print(f"raw transfer of the same bytes: {t_raw:.3f} s")
    print(json.dumps({"metric": "sync_records_per_s", "value": round(N / t_sync), "goal": 5000}))
    print(json.dumps({"metric": "sync_vs_raw_transfer", "value": round(t_sync / t_raw, 2), "goal": 5, "stretch": 2}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
