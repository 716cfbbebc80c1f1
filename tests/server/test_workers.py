"""esp-central on several worker processes (issue 15 item 3): sequence numbers and cursors hold across
processes, with no in-process lock to lean on."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from esp_desktop.server import db, workers
from esp_desktop.server.service import Central
from tests.helpers.central import CentralProcess, change, envelope
from tests.helpers.server_fixtures import BACKENDS, make_db_url

CTS, DEVICES_PER_CT, PUSHES, BATCH = 4, 3, 8, 25  # 12 concurrent pushers, 2,400 records


def _initialised(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> tuple[Path, str]:
    data_dir = tmp_path / "central"
    data_dir.mkdir()
    db_url, _ = make_db_url(backend, tmp_path, request)
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    engine.dispose()
    return data_dir, db_url


def _enrol(url: str, code: str, name: str) -> httpx.Client:
    r = httpx.post(f"{url}/v1/enrol", json={"code": code, "device_name": name}, timeout=60)
    r.raise_for_status()
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {r.json()['token']}"}, timeout=120)


class Puller:
    """A device that pulls all the time (small pages) while the others push: a cursor that ever passed a
    sequence number committed later would miss a record for good."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.cursor = 0
        self.seqs: list[int] = []
        self.ids: list[str] = []

    def pull_once(self) -> None:
        while True:
            r = self.client.post("/v1/sync/pull", json={"cursor": self.cursor, "limit": 37})
            assert r.status_code == 200, r.text
            body = r.json()
            for item in body["records"]:
                self.seqs.append(item["seq"])
                self.ids.append(item["record"]["id"])
            assert body["next_cursor"] >= self.cursor
            self.cursor = body["next_cursor"]
            if not body["more"]:
                return


SITE = "00000000-0000-4000-8000-00000000517e"
PAR_AT_SITE = {"programs": ["PAR"], "sites": [SITE]}


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_twelve_pushers_every_device_pulls_every_record_once(backend, tmp_path, request):
    data_dir, db_url = _initialised(tmp_path, backend, request)
    central = Central(engine=db.make_engine(db_url), data_dir=data_dir)
    codes = {}
    for c in range(CTS):
        codes[f"CT {c}"] = [central.add_user(name=f"CT {c}", role="ct")]
        codes[f"CT {c}"] += [central.user_code(name=f"CT {c}") for _ in range(DEVICES_PER_CT - 1)]
    # a school administrator at one site reads the admin-labelled records of PAR cases there, from every CT
    admin_code = central.add_user(name="Dr Admin", role="admin", sites=[SITE])
    central.engine.dispose()

    with CentralProcess(data_dir, db_url, workers=2) as server:
        assert len(server.children()) >= 2, server.output()
        devices = {ct: [_enrol(server.url, code, f"{ct} #{i}") for i, code in enumerate(cs)] for ct, cs in codes.items()}
        admin = Puller(_enrol(server.url, admin_code, "office"))
        pushed: dict[str, set[str]] = {ct: set() for ct in devices}
        errors: list[str] = []
        lock = threading.Lock()
        done = threading.Event()

        incremental: dict[str, list[Puller]] = {ct: [] for ct in devices}

        def pusher(ct: str, client: httpx.Client) -> None:
            try:
                educator = str(uuid.uuid4())
                own = Puller(client)
                incremental[ct].append(own)
                for _ in range(PUSHES):
                    # every record goes to the school administrator too (audience admin, a PAR case at their
                    # site): the administrator's device sees the commits of all twelve pushers interleaved
                    recs = [envelope(audience="admin", educator_id=educator, case=PAR_AT_SITE) for _ in range(BATCH)]
                    r = client.post("/v1/sync/push", json={"changes": [change(x) for x in recs]})
                    assert r.status_code == 200, r.text
                    assert {x["status"] for x in r.json()["results"]} == {"accepted"}
                    with lock:
                        pushed[ct].update(x["id"] for x in recs)
                    own.pull_once()
            except Exception as exc:  # noqa: BLE001 - reported below with the thread's name
                errors.append(f"{ct}: {exc!r}")

        def office() -> None:
            try:
                while not done.is_set():
                    admin.pull_once()
            except Exception as exc:  # noqa: BLE001
                errors.append(f"admin: {exc!r}")

        threads = [threading.Thread(target=pusher, args=(ct, c)) for ct, cs in devices.items() for c in cs]
        watcher = threading.Thread(target=office)
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        done.set()
        watcher.join(600)
        assert errors == []

        everything = set().union(*pushed.values())
        assert len(everything) == CTS * DEVICES_PER_CT * PUSHES * BATCH
        # each device, pulling on from where it stopped (it pulled after each of its pushes, while the others
        # pushed), and pulling again from zero: exactly its CT's records, once each
        for ct, pullers in incremental.items():
            for own in pullers:
                own.pull_once()
                assert len(own.ids) == len(set(own.ids)), "a record was pulled twice"
                assert set(own.ids) == pushed[ct], f"{len(pushed[ct] - set(own.ids))} records skipped by the cursor"
        for ct, clients in devices.items():
            for client in clients:
                fresh = Puller(client)
                fresh.pull_once()
                assert sorted(fresh.ids) == sorted(pushed[ct])
                assert fresh.seqs == sorted(set(fresh.seqs))
        # the office pulled while the twelve pushed: every record exactly once, in sequence order, no gaps
        admin.pull_once()
        assert len(admin.ids) == len(set(admin.ids)), "a record was pulled twice"
        assert set(admin.ids) == everything, f"{len(everything - set(admin.ids))} records skipped by the cursor"
        assert admin.seqs == sorted(admin.seqs)
        for clients in devices.values():
            for client in clients:
                client.close()
        admin.client.close()


def _sockets_by_pid(pids: list[int], port: int) -> dict[int, tuple[int, int]]:
    """(listening sockets, established connections) on `port` held by each process: socket inodes of its
    descriptors matched against the kernel's TCP tables."""
    states: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:  # the local address' port
                states[fields[9]] = fields[3]  # inode -> state (0A listening, 01 established)
    held = {}
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        links = [os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir)]
        mine = [states.get(link[8:-1]) for link in links if link.startswith("socket:[")]
        held[pid] = (mine.count("0A"), mine.count("01"))
    return held


@pytest.mark.slow
@pytest.mark.skipif(not workers.balanced(), reason="connections spread over workers by SO_REUSEPORT (Linux)")
def test_connections_spread_over_the_workers(tmp_path, request):
    """Each worker listens on its own socket: long-lived connections (a CT's sync) are not all accepted by
    whichever worker woke first (with one shared socket, twelve CTs syncing at once all landed on one worker)."""
    data_dir, db_url = _initialised(tmp_path, "sqlite", request)
    Central(engine=db.make_engine(db_url), data_dir=data_dir).engine.dispose()
    with CentralProcess(data_dir, db_url, workers=2) as server:
        kids = server.children()
        assert len(kids) >= 2, server.output()
        # 24 connections opened at once (as twelve CTs starting a sync together): the kernel completes them
        # before any worker accepts. Each is hashed to a worker's own socket, so all 24 on one worker has a
        # probability of 2**-23; with one shared socket, the first worker to wake took them all.
        # The workers are stopped meanwhile, so that none of them accepts before all 24 wait.
        deadline = time.monotonic() + 90
        while len(workers_ := [pid for pid, n in _sockets_by_pid(kids, server.port).items() if n[0]]) < 2:
            assert time.monotonic() < deadline, server.output()  # both workers listening
            time.sleep(0.2)
        for pid in workers_:
            os.kill(pid, signal.SIGSTOP)
        try:
            conns = [socket.create_connection(("127.0.0.1", server.port), timeout=60) for _ in range(24)]
        finally:
            for pid in workers_:
                os.kill(pid, signal.SIGCONT)
        try:
            for conn in conns:
                conn.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            for conn in conns:
                assert conn.recv(4096).startswith(b"HTTP/1.1 200 ")
            held = _sockets_by_pid(workers_, server.port)
            assert sum(n[1] for n in held.values()) == 24, held
            assert all(n[1] > 0 for n in held.values()), held
        finally:
            for conn in conns:
                conn.close()
