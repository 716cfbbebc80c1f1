"""Issue 16, sync side: each test reproduces a way to lose or expose data and proves it is closed.

Restores, edits racing a push, imports, the mass-deletion guard, interrupted pulls, concurrent syncs, a server
that replays old ciphertexts or sends crafted ids, and plain-http servers - against a real esp-central.
Conflicts are read from the ``sync_conflict`` table directly, so each scenario reads the same on any version.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from esp_desktop.core.errors import EspError
from esp_desktop.store.models import Educator, ScriptNote, SyncConflict
from esp_desktop.store.vault import Vault
from esp_desktop.sync.client import MassDeletion, SyncClient, SyncError
from tests.sync.test_client import PASSPHRASE, Device, _cli_sync, _server_rows

SQLITE = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


@pytest.fixture
def stores(tmp_path: Path, _template_stores: dict[str, Path]) -> tuple[Path, Path]:
    """Two data folders of one CT: A with the demo caseload, B empty (a second device)."""
    import shutil

    return (Path(shutil.copytree(_template_stores["demo"], tmp_path / "A")),
            Path(shutil.copytree(_template_stores["empty"], tmp_path / "B")))


def run_cli(data_dir: Path, *args: str, passphrase: str = PASSPHRASE, env: dict | None = None
            ) -> subprocess.CompletedProcess:
    pw = data_dir.parent / "pw-cli.txt"
    pw.write_text(passphrase)
    return subprocess.run(
        [sys.executable, "-m", "esp_desktop.cli", "--data-dir", str(data_dir), "--passphrase-file", str(pw), *args],
        env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )


def versions_seen(dev: Device, record_id: str, field: str) -> set[Any]:
    """The value of ``field`` in the current record and in every conflict copy of it on ``dev``."""
    with dev.store.session() as s:
        obj = s.get(Educator, record_id)
        seen = {getattr(obj, field)} if obj is not None else set()
        for c in s.scalars(select(SyncConflict).where(SyncConflict.record_id == record_id)):
            seen.add(c.data.get(field))
    return seen


def enrol_both(served: Any, stores: tuple[Path, Path]) -> tuple[Device, Device]:
    a, b = Device(served, stores[0]), Device(served, stores[1])
    a.enrol()
    b.enrol()
    a.client.sync()
    b.client.sync()
    return a, b


class Wrapping(httpx.BaseTransport):
    """The real network, with a hook before each request (to race an edit against a push, or cut the link)."""

    def __init__(self, before: Any) -> None:
        self.inner = httpx.HTTPTransport()
        self.before = before
        self.calls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        self.before(request, self.calls)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


# ------------------------------------------------------------------ 1: restored store, edits never "replayed"
@SQLITE
def test_edit_after_restoring_a_backup_is_not_swallowed_as_a_replay(served, stores, tmp_path):
    a, b = enrol_both(served, stores)
    educator = a.svc.caseload.educators()[0].id
    a.close()
    backup = tmp_path / "before.espbackup"
    assert run_cli(stores[0], "backup", "-o", str(backup)).returncode == 0
    a = Device(served, stores[0])
    a.svc.caseload.update_educator(educator, role_subject="edited after the backup")
    a.client.sync()
    a.close()
    done = run_cli(stores[0], "restore", "--force", str(backup))
    assert done.returncode == 0, done.stderr
    # The CT keeps working on the restored store: the same record, edited again from the same base version.
    a = Device(served, stores[0])
    a.svc.caseload.update_educator(educator, role_subject="edited after the restore")
    a.client.sync()
    b.client.sync()
    a.client.sync()
    try:
        # Neither edit is lost: one is current, the other kept as a conflict copy, on both devices.
        for dev in (a, b):
            assert {"edited after the backup", "edited after the restore"} <= versions_seen(dev, educator, "role_subject")
        assert a.snapshot() == b.snapshot()
        assert a.dirty() == 0
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ 3: an edit made while the push is on the wire
@SQLITE
def test_edit_saved_while_a_push_is_on_the_wire_survives_a_conflict(served, stores):
    a, b = enrol_both(served, stores)
    educator = a.svc.caseload.educators()[0].id
    b.svc.caseload.update_educator(educator, role_subject="tablet")
    b.client.sync()
    a.svc.caseload.update_educator(educator, role_subject="laptop, first")

    def edit_during_push(request: httpx.Request, calls: list[str]) -> None:
        if request.url.path == "/v1/sync/push" and calls.count("/v1/sync/push") == 1:
            a.svc.caseload.update_educator(educator, role_subject="laptop, second")  # saved mid-push

    racing = SyncClient(a.store, server_url=served.url, passphrase=PASSPHRASE, transport=Wrapping(edit_during_push))
    try:
        rep = racing.sync()
    finally:
        racing.close()
    assert rep.conflicts == 1
    assert a.svc.caseload.educator(educator).role_subject == "laptop, second"  # not overwritten by "tablet"
    assert a.dirty() >= 1
    a.client.sync()
    b.client.sync()
    a.client.sync()
    try:
        for dev in (a, b):
            assert {"tablet", "laptop, first", "laptop, second"} <= versions_seen(dev, educator, "role_subject")
        assert a.snapshot() == b.snapshot() and a.dirty() == 0 == b.dirty()
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ 4: imported records are synced
@SQLITE
def test_imported_records_are_sent_at_the_next_sync(served, stores):
    source, target = Device(served, stores[0]), Device(served, stores[1])
    try:
        doc = source.svc.transfer.export()
        target.enrol()
        counts = target.svc.transfer.import_(doc)
        assert counts["created"] > 50
        rep = target.client.sync()
        assert rep.pushed == counts["created"]
        assert target.dirty() == 0 and _server_rows(served, "records") == counts["created"]
    finally:
        source.close()
        target.close()


# ------------------------------------------------------------------ 5: the mass-deletion guard ignores tombstones
@SQLITE
def test_mass_deletion_guard_does_not_count_tombstones(served, stores):
    dev = Device(served, stores[1])  # an empty store: only the records made here
    try:
        dev.enrol()
        ids = [dev.svc.caseload.add_educator(given_name=f"E{i}", family_name="Fictional").id for i in range(20)]
        dev.client.sync()
        for i in ids[:10]:  # half: not a mass deletion
            dev.svc.caseload.delete_educator(i)
        dev.client.sync()
        for i in ids[10:]:  # all that is left
            dev.svc.caseload.delete_educator(i)
        with pytest.raises(MassDeletion):
            dev.client.sync()
        assert dev.dirty() == 10
        dev.client.sync(allow_mass_delete=True)
        assert dev.dirty() == 0
    finally:
        dev.close()


# ------------------------------------------------------------------ 6: an interrupted pull makes progress
@SQLITE
def test_an_interrupted_pull_keeps_the_pages_it_applied(served, stores):
    a, b = Device(served, stores[0]), Device(served, stores[1])
    a.enrol()
    b.enrol()
    a.client.sync()
    total = len(a.snapshot())

    def drop_third_pull(request: httpx.Request, calls: list[str]) -> None:
        if calls.count("/v1/sync/pull") == 3:
            raise httpx.ConnectError("the link dropped")

    flaky = SyncClient(b.store, server_url=served.url, passphrase=PASSPHRASE, batch_size=20,
                       transport=Wrapping(drop_third_pull))
    try:
        with pytest.raises(SyncError):
            flaky.sync()
    finally:
        flaky.close()
    assert len(b.snapshot()) >= 40  # two pages of 20 were applied and committed before the link dropped
    b.client.sync()
    try:
        assert len(b.snapshot()) == total and b.snapshot() == a.snapshot()
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ 7: one sync at a time per store
@SQLITE
def test_a_second_sync_of_the_same_store_waits_its_turn(served, stores, tmp_path):
    a_dir = stores[0]
    dev = Device(served, a_dir)
    dev.enrol()
    dev.close()
    flag = tmp_path / "stalled"
    first = _cli_sync(a_dir, served.url, "--batch-size", "50",
                      env={"ESP_SYNC_STALL_AT": "pull_chunk_applied", "ESP_SYNC_STALL_FILE": str(flag)})
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = run_cli(a_dir, "sync", "--server", served.url)
        assert second.returncode == 1
        assert second.stderr.strip() == (
            "esp-desktop: Another sync of this store is running; try again when it has finished."
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    done = run_cli(a_dir, "sync", "--server", served.url)
    assert done.returncode == 0, done.stderr
    dev = Device(served, a_dir)
    try:
        assert dev.dirty() == 0 and _server_rows(served, "records") == len(dev.snapshot())
    finally:
        dev.close()


# ------------------------------------------------------------------ 8: passphrase, key wrap, version-bound AEAD
@SQLITE
def test_server_copy_of_the_sync_key_is_costly_and_follows_a_passphrase_change(served, stores, tmp_path):
    from esp_desktop.core.errors import ValidationError
    from esp_desktop.store.keys import DEFAULT_KDF
    from esp_desktop.sync.crypto import SyncKeyError

    dev = Device(served, stores[0])
    dev.enrol()
    dev.client.sync()
    dev.close()
    with served.central.engine.connect() as conn:
        blob = conn.execute(text("SELECT blob FROM sync_keys")).scalar_one()
    kdf = json.loads(base64.b64decode(blob))["kdf"]
    assert kdf["memory_cost"] >= 4 * DEFAULT_KDF["memory_cost"]  # each offline guess is much costlier
    assert kdf["memory_cost"] * kdf["iterations"] >= 8 * DEFAULT_KDF["memory_cost"] * DEFAULT_KDF["iterations"]

    weak = run_cli(stores[0], "passwd", env={"ESP_NEW_PASSPHRASE": "password1234"})
    assert weak.returncode != 0 and "too easy to guess" in weak.stderr and len(weak.stderr.splitlines()) == 1
    new = "umbrella orchard piano kettle"
    done = run_cli(stores[0], "passwd", env={"ESP_NEW_PASSPHRASE": new})
    assert done.returncode == 0, done.stderr
    assert run_cli(stores[0], "sync", "--server", served.url, passphrase=new).returncode == 0

    third = Vault(tmp_path / "third").create(new)
    try:
        code = served.central.user_code(name="Ms Okafor")
        with_old = SyncClient(third, server_url=served.url, passphrase=PASSPHRASE)
        with_old.enrol(code, device_name="third")
        with pytest.raises(SyncKeyError):
            with_old.sync()  # the old passphrase no longer opens the server's copy
        with_old.close()
        with_new = SyncClient(third, server_url=served.url, passphrase=new)
        with_new.sync()
        with_new.close()
    finally:
        third.close()
    with pytest.raises(ValidationError, match="too easy to guess"):
        Vault(tmp_path / "weak").create("password1234")


@SQLITE
def test_a_server_cannot_replay_an_older_ciphertext_of_a_private_record(served, stores):
    a, b = Device(served, stores[0]), Device(served, stores[1])
    a.enrol()
    b.enrol()
    with a.store.session() as s:
        note = s.scalars(select(ScriptNote).where(ScriptNote.audience == "ct_private", ScriptNote.deleted.is_(False))
                         ).first()
        assert note is not None
        note_id = note.id
    a.svc.observations.edit_note(note_id, text="first version of a private note")
    a.client.sync()
    with served.central.engine.connect() as conn:
        old = conn.execute(text("SELECT ciphertext FROM records WHERE record_id = :r"), {"r": note_id}).scalar_one()
    a.svc.observations.edit_note(note_id, text="second version of a private note")
    a.client.sync()
    with served.central.engine.begin() as conn:  # the hostile server serves the old ciphertext as the newest
        conn.execute(text("UPDATE records SET ciphertext = :c WHERE record_id = :r"), {"c": old, "r": note_id})
    try:
        with pytest.raises(EspError, match="cannot be decrypted"):
            b.client.sync()
        with b.store.session() as s:
            replayed = s.get(ScriptNote, note_id)
            assert replayed is None or replayed.text != "first version of a private note"
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------ 9: crafted ids never reach a path
TRAVERSAL = "../../escaped-from-the-data-folder.x"  # 36 characters, like a UUID; lands beside the data folder
assert len(TRAVERSAL) == 36


def _attachment_record(record_id: str) -> dict[str, Any]:
    now = "2026-11-25T10:00:00+00:00"
    return {"id": record_id, "type": "attachment", "audience": "educator", "created_at": now, "updated_at": now,
            "version": 1, "deleted": False, "educator_id": None, "filename": "x.txt", "media_type": "text/plain",
            "size": 3, "sha256": "0" * 64, "file_key": "00" * 32}


@SQLITE
def test_a_hostile_server_cannot_write_outside_the_data_folder(served, stores, tmp_path):
    dev = Device(served, stores[1])
    dev.enrol()
    dev.client.sync()
    blob = b"payload written by a hostile server"
    sha = __import__("hashlib").sha256(blob).hexdigest()
    env = {"type": "attachment", "id": TRAVERSAL, "version": 1, "deleted": False, "audience": "educator",
           "educator_id": None, "updated_at": "2026-11-25T10:00:00+00:00",
           "payload": _attachment_record(TRAVERSAL), "attachment_sha256": sha}

    def hostile(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sync/pull":
            return httpx.Response(200, json={"records": [{"seq": 10**6, "record": env, "conflict": None}],
                                             "next_cursor": 10**6, "more": False, "scope": "ct:x",
                                             "server_epoch": dev.client.state().server_epoch, "head_seq": 10**6})
        if request.url.path.startswith("/v1/attachments/"):
            return httpx.Response(200, content=blob)
        return httpx.Response(404, json={"detail": "not here"})

    c = SyncClient(dev.store, server_url=served.url, passphrase=PASSPHRASE, transport=httpx.MockTransport(hostile))
    try:
        with pytest.raises(EspError, match="does not follow the sync protocol"):  # the id is not a UUID
            c.sync()
    finally:
        c.close()
        dev.close()
    target = (Path(stores[1]) / "attachments" / f"{TRAVERSAL}.bin").resolve()
    assert not target.is_relative_to(stores[1]) and not target.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file() and blob in p.read_bytes()] == []


# ------------------------------------------------------------------ 20: plain http only on this computer
def test_plain_http_to_another_computer_is_refused(store):
    with pytest.raises(EspError, match="not encrypted"):
        SyncClient(store, server_url="http://192.0.2.10:8443")
    for ok in ("http://127.0.0.1:8443", "http://localhost:8443", "http://[::1]:8443", "https://192.0.2.10:8443"):
        SyncClient(store, server_url=ok).close()
    SyncClient(store, server_url="http://192.0.2.10:8443", allow_insecure_http=True).close()


# ------------------------------------------------------------------ 2: a server that lost commits
class Central:
    """A real esp-central on a SQLite file that can be stopped, restored from a backup and started again."""

    def __init__(self, root: Path) -> None:
        self.data_dir = root / "central"
        self.data_dir.mkdir()
        self.db_url = f"sqlite:///{self.data_dir / 'central.db'}"
        from esp_desktop.server import db

        engine = db.make_engine(self.db_url)
        db.upgrade(engine)
        engine.dispose()
        self.start()

    def start(self) -> None:
        from esp_desktop.server import db
        from esp_desktop.server.app import create_app
        from esp_desktop.server.security import RateLimiter
        from esp_desktop.server.service import Central as CentralService
        from tests.helpers.central import ThreadedServer

        self.engine = db.make_engine(self.db_url)
        self.central = CentralService(engine=self.engine, data_dir=self.data_dir)
        generous = RateLimiter(capacity=1000, per_second=100)
        self.app = create_app(central=self.central, enrol_limiter=generous, auth_limiter=generous)
        self.srv = ThreadedServer(self.app)
        self.srv.__enter__()
        self.url = f"http://127.0.0.1:{self.srv.port}"

    def stop(self) -> None:
        self.srv.__exit__()
        os.close(self.app.state.serving_lock)  # what stopping the process does
        self.engine.dispose()

    def snapshot(self, target: Path) -> None:
        import sqlite3

        src, dst = sqlite3.connect(self.data_dir / "central.db"), sqlite3.connect(target)
        src.backup(dst)
        src.close()
        dst.close()

    def restore(self, backup: Path) -> None:
        from esp_desktop.server.restore import restore

        self.stop()
        restore(self.data_dir, self.db_url, backup)
        self.start()

    def rows(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


class Laptop:
    def __init__(self, data_dir: Path, central: Central) -> None:
        self.store = Vault(data_dir).unlock(PASSPHRASE)
        from esp_desktop.services import Services

        self.svc = Services(self.store)
        self.central = central

    def sync(self) -> Any:
        c = SyncClient(self.store, server_url=self.central.url, passphrase=PASSPHRASE)
        try:
            return c.sync()
        finally:
            c.close()

    def enrol(self) -> None:
        try:
            code = self.central.central.add_user(name="Ms Okafor", role="ct")
        except Exception:  # noqa: BLE001 - the second device: the user exists
            code = self.central.central.user_code(name="Ms Okafor")
        c = SyncClient(self.store, server_url=self.central.url, passphrase=PASSPHRASE)
        c.enrol(code, device_name="laptop")
        c.close()

    def snapshot(self) -> dict[str, dict]:
        return Device.snapshot(self)  # type: ignore[arg-type]

    def dirty(self) -> int:
        return Device.dirty(self)  # type: ignore[arg-type]


def test_devices_recover_everything_after_the_server_is_restored_from_an_older_backup(stores, tmp_path):
    central = Central(tmp_path)
    a, b = Laptop(stores[0], central), Laptop(stores[1], central)
    try:
        a.enrol()
        b.enrol()
        a.sync()
        b.sync()
        nightly = tmp_path / "nightly.db"
        central.snapshot(nightly)
        # after the nightly backup: edits, a new record and a deletion reach the server and the other device
        first, second, third = (e.id for e in a.svc.caseload.educators()[:3])
        a.svc.caseload.update_educator(first, role_subject="edited after the backup")
        new = a.svc.caseload.add_educator(given_name="Added", family_name="After Backup").id
        b.svc.caseload.update_educator(second, grade_band="6-8 (after the backup)")
        a.sync()
        b.sync()
        a.sync()
        expected = a.snapshot()
        assert b.snapshot() == expected
        # the server's disk dies; the administrator restores last night's backup (a new epoch)
        central.restore(nightly)
        assert central.rows("records") < len(expected)
        a.svc.caseload.update_educator(third, role_subject="edited after the restore")
        b.sync()
        a.sync()
        b.sync()
        final = a.snapshot()
        assert b.snapshot() == final
        assert final[first]["role_subject"] == "edited after the backup"
        assert final[second]["grade_band"] == "6-8 (after the backup)"
        assert final[third]["role_subject"] == "edited after the restore"
        assert new in final and not final[new]["deleted"]
        # nothing lost, nothing duplicated, no spurious conflicts
        assert central.rows("records") == len(final)
        assert central.rows("conflicts") == 0
        assert a.dirty() == 0 == b.dirty()
        # every record on the server is the one the devices hold
        with central.engine.connect() as conn:
            server_versions = dict(conn.execute(text("SELECT record_id, version FROM records")).all())
        assert server_versions == {rid: d["version"] for rid, d in final.items()}
    finally:
        a.store.close()
        b.store.close()
        central.stop()
