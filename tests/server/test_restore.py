"""Issue 16 item 2: a server database that goes back in time (restored from a backup, or lost commits) gets a
new epoch, and what it lost is taken back from the devices. Real `esp-central` processes, SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from esp_desktop.server import db
from esp_desktop.server.service import Central
from tests.helpers.central import CentralProcess, change, envelope, pull_all, push
from tests.helpers.server_fixtures import BACKENDS, PgCluster, make_db_url


def esp_central(data_dir: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data_dir), "--db", db_url, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _setup(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str, str]:
    data_dir = tmp_path / "central"
    db_url, _ = make_db_url(backend, tmp_path, request)
    assert esp_central(data_dir, db_url, "init").returncode == 0
    central = Central(engine=db.make_engine(db_url), data_dir=data_dir)
    code = central.add_user(name="Ms Okafor", role="ct")
    central.engine.dispose()
    return data_dir, db_url, code


def _pg(request: pytest.FixtureRequest) -> PgCluster:
    return request.getfixturevalue("pg_cluster")


def _pg_args(cluster: PgCluster) -> list[str]:
    return ["-h", str(cluster.sockdir), "-p", str(cluster.port), "-U", "postgres"]


def _backup(backend: str, data_dir: Path, db_url: str, target: Path, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        done = esp_central(data_dir, db_url, "backup", str(target))  # online, while the server runs
        assert done.returncode == 0, done.stderr
    else:
        dbname = str(make_url(db_url).database)
        subprocess.run(["pg_dump", *_pg_args(_pg(request)), "-Fc", "-f", str(target), dbname], check=True)


def _put_back_by_hand(backend: str, db_url: str, backup: Path, request: pytest.FixtureRequest) -> None:
    """What an operator does without telling esp-central: copy the file back, or pg_restore."""
    if backend == "sqlite":
        database = Path(db_url.removeprefix("sqlite:///"))
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(backup, database)
    else:
        cluster = _pg(request)
        dbname = str(make_url(db_url).database)
        subprocess.run(["dropdb", *_pg_args(cluster), dbname], check=True)
        subprocess.run(["createdb", *_pg_args(cluster), dbname], check=True)
        subprocess.run(["pg_restore", *_pg_args(cluster), "-d", dbname, str(backup)], check=True)


def _client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", ["esp-central restore", "by hand"])
def test_restored_server_gets_a_new_epoch_and_takes_back_what_it_lost(backend, how, tmp_path, request):
    data_dir, db_url, code = _setup(backend, tmp_path, request)
    backup = tmp_path / "nightly.backup"
    educator = str(uuid.uuid4())
    with CentralProcess(data_dir, db_url) as server:
        token = httpx.post(f"{server.url}/v1/enrol", json={"code": code, "device_name": "laptop"}).json()["token"]
        ct = _client(server.url, token)
        before = [envelope(educator_id=educator, payload={"n": i}) for i in range(3)]
        first = ct.post("/v1/sync/push", json={"changes": [change(r) for r in before]}).json()
        epoch = first["server_epoch"]
        _backup(backend, data_dir, db_url, backup, request)
        # after the backup: two new records and an edit, acknowledged, then lost with the restore
        after = [envelope(educator_id=educator, payload={"n": 10 + i}) for i in range(2)]
        edited = dict(before[0], payload={"n": 0, "edited": True})
        results = push(ct, *[change(r) for r in after], change(edited, base_version=1))
        assert [r["status"] for r in results] == ["accepted"] * 3 and results[2]["version"] == 2
        _, cursor = pull_all(ct)
        refused = esp_central(data_dir, db_url, "restore", *([str(backup)] if backend == "sqlite" else []))
        assert refused.returncode == 1 and "stop it first" in refused.stderr
        ct.close()

    if how == "by hand":
        _put_back_by_hand(backend, db_url, backup, request)
    else:
        if backend == "postgres":
            _put_back_by_hand(backend, db_url, backup, request)  # pg_restore, then:
            done = esp_central(data_dir, db_url, "restore")
        else:
            done = esp_central(data_dir, db_url, "restore", str(backup))
        assert done.returncode == 0, done.stderr
        assert "new server epoch" in done.stdout

    with CentralProcess(data_dir, db_url) as server:
        ct = _client(server.url, token)
        me = ct.get("/v1/me").json()
        # the device learns that the server went back: a new epoch (the head alone could not tell: it may
        # well be above the device's cursor again)
        assert me["server_epoch"] != epoch
        records, _ = pull_all(ct)
        assert sorted(x["record"]["payload"]["n"] for x in records) == [0, 1, 2]  # what the backup held
        # the device sends again what the server lacks, with the versions it holds: nothing is a conflict
        again = push(ct, *[change(r, base_version=1) for r in after], change(edited, base_version=2))
        assert [r["status"] for r in again] == ["accepted"] * 3, again
        records, new_cursor = pull_all(ct)
        latest = {x["record"]["id"]: x["record"] for x in records}
        assert sorted(r["payload"]["n"] for r in latest.values()) == [0, 1, 2, 10, 11]
        assert latest[before[0]["id"]]["payload"]["edited"] is True and latest[before[0]["id"]]["version"] == 3
        ct.close()
    del cursor, new_cursor


@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_lost_commits_are_noticed_while_the_server_runs(served):
    """Commits acknowledged and then gone (power loss on a database that did not flush them): the next
    request sees the database below what the server handed out and starts a new epoch."""
    ct, _ = served.enrol("Ms Okafor")
    push(ct, change(envelope()))
    epoch = ct.get("/v1/me").json()["server_epoch"]
    newest = push(ct, change(envelope()))[0]
    assert ct.get("/v1/me").json()["server_epoch"] == epoch
    with served.central.engine.begin() as conn:
        conn.execute(text("DELETE FROM records WHERE seq = :s"), {"s": newest["seq"]})
    body = ct.post("/v1/sync/pull", json={"cursor": 0}).json()
    assert body["server_epoch"] != epoch
    with served.central.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log"))]
    assert "epoch.rotate" in actions


def test_sqlite_is_synchronous_full_by_default(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()
    os.environ["ESP_CENTRAL_SQLITE_SYNCHRONOUS"] = "NORMAL"
    try:
        engine = db.make_engine(f"sqlite:///{tmp_path / 'other.db'}")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        engine.dispose()
    finally:
        del os.environ["ESP_CENTRAL_SQLITE_SYNCHRONOUS"]


@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_a_record_the_server_lacks_is_taken_whatever_its_base_version(served):
    ct, _ = served.enrol("Ms Okafor")
    rec = envelope(version=7)
    result = push(ct, change(rec, base_version=6))[0]
    assert result["status"] == "accepted" and result["version"] == 7
