"""The sync engine against a real esp-central: convergence, conflicts, kills, revocation, mass deletion."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from esp_desktop.services import Services
from esp_desktop.store.models import RECORD_TYPES, SyncConflict
from esp_desktop.store.records import record_to_dict
from esp_desktop.store.vault import Vault
from esp_desktop.sync.client import DeviceRefused, MassDeletion, NotEnrolled, Progress, SyncClient
from tests.helpers.env import PASSPHRASE


@pytest.fixture
def stores(tmp_path: Path, _template_stores: dict[str, Path]):
    """Two data folders of one CT: A with the demo caseload, B empty (a second device)."""
    a = shutil.copytree(_template_stores["demo"], tmp_path / "A")
    b = shutil.copytree(_template_stores["empty"], tmp_path / "B")
    return a, b


class Device:
    def __init__(self, served, data_dir: Path, user: str = "Ms Okafor") -> None:
        self.served, self.data_dir, self.user = served, data_dir, user
        self.store = Vault(data_dir).unlock(PASSPHRASE)
        self.svc = Services(self.store)
        self.client = SyncClient(self.store, server_url=served.url, passphrase=PASSPHRASE)

    def enrol(self) -> None:
        try:
            code = self.served.central.add_user(name=self.user, role="ct")
        except Exception:  # noqa: BLE001
            code = self.served.central.user_code(name=self.user)
        self.client.enrol(code, device_name=self.data_dir.name)

    def snapshot(self) -> dict[str, dict]:
        """Every record (tombstones included) in its JSON form, minus local-only bookkeeping."""
        out = {}
        with self.store.session() as s:
            for model in RECORD_TYPES.values():
                for obj in s.scalars(select(model)):
                    d = record_to_dict(obj)
                    out[obj.id] = d
        return out

    def dirty(self) -> int:
        with self.store.session() as s:
            return sum(
                s.scalar(select(func.count()).select_from(m).where(m.sync_dirty.is_(True))) or 0
                for m in RECORD_TYPES.values()
            )

    def close(self) -> None:
        self.client.close()
        self.store.close()


@pytest.fixture
def devices(served, stores):
    a, b = Device(served, stores[0]), Device(served, stores[1])
    a.enrol()
    b.enrol()
    yield a, b
    a.close()
    b.close()


def _server_rows(served, table: str) -> int:
    with served.central.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_two_devices_of_one_ct_converge(devices, served):
    a, b = devices
    before = a.snapshot()
    assert len(before) > 50
    rep = a.client.sync()
    assert rep.pushed == len(before) and rep.conflicts == 0 and a.dirty() == 0
    assert b.client.sync().pulled >= len(before)
    assert b.snapshot() == a.snapshot()
    # private records made the trip end to end (decrypted on B), and the server holds only ciphertext
    private = [d for d in a.snapshot().values() if d["audience"] == "ct_private"]
    assert private and all(b.snapshot()[d["id"]] == d for d in private)
    # attachments travel as encrypted blobs and open on B with the key carried by their record
    attachments = [d for d in a.snapshot().values() if d["type"] == "attachment" and not d["deleted"]]
    assert attachments
    for d in attachments:
        assert b.svc.evidence.read_attachment(d["id"])[1] == a.svc.evidence.read_attachment(d["id"])[1]
    # a second sync on both sides changes nothing
    snap = a.snapshot()
    a.client.sync()
    b.client.sync()
    assert a.snapshot() == snap == b.snapshot()
    assert _server_rows(served, "conflicts") == 0
    assert a.client.last_sync() is not None


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_offline_edits_on_both_sides_converge_with_conflicts_kept(devices):
    a, b = devices
    a.client.sync()
    b.client.sync()
    educators = a.svc.caseload.educators()
    shared, only_b, gone = educators[0], educators[1], educators[2]
    # both devices offline: the same educator edited on both, another only on B, a third deleted on A
    a.svc.caseload.update_educator(shared.id, role_subject="Grade 5 science (laptop)")
    b.svc.caseload.update_educator(shared.id, role_subject="Grade 5 science (tablet)")
    b.svc.caseload.update_educator(only_b.id, grade_band="6-8")
    a.svc.caseload.delete_educator(gone.id)
    a.client.sync()
    rep = b.client.sync()
    assert rep.conflicts == 1
    a.client.sync()
    assert a.snapshot() == b.snapshot()
    final = a.snapshot()
    assert final[shared.id]["role_subject"] == "Grade 5 science (laptop)"  # server's copy stays current
    assert final[only_b.id]["grade_band"] == "6-8"
    assert final[gone.id]["deleted"] is True
    # both versions are kept: the tablet's edit is a conflict on both devices
    conflicts_a, conflicts_b = a.svc.conflicts.list(), b.svc.conflicts.list()
    assert [c.conflict_id for c in conflicts_a] == [c.conflict_id for c in conflicts_b]
    assert conflicts_b[0].other["role_subject"] == "Grade 5 science (tablet)"
    # the CT keeps the tablet's version; after syncing, both devices agree and the conflict is closed
    b.svc.conflicts.resolve(conflicts_b[0].conflict_id, keep="mine")
    b.client.sync()
    a.client.sync()
    assert a.snapshot() == b.snapshot()
    assert a.snapshot()[shared.id]["role_subject"] == "Grade 5 science (tablet)"
    assert a.svc.conflicts.list() == [] and b.svc.conflicts.list() == []
    assert a.dirty() == 0 and b.dirty() == 0


def _cli_sync(data_dir: Path, url: str, *extra: str, env: dict | None = None) -> subprocess.Popen:
    pw = data_dir.parent / "pw.txt"
    pw.write_text(PASSPHRASE)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "esp_desktop.cli",
            "--data-dir",
            str(data_dir),
            "--passphrase-file",
            str(pw),
            "sync",
            "--server",
            url,
            *extra,
        ],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_at(point: str, data_dir: Path, url: str, tmp_path: Path) -> None:
    flag = tmp_path / f"stalled-{point}"
    proc = _cli_sync(
        data_dir,
        url,
        "--batch-size",
        "50",
        env={"ESP_SYNC_STALL_AT": point, "ESP_SYNC_STALL_FILE": str(flag)},
    )
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sync never reached the stall point"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)  # PostgreSQL ordering: see test_server_sync
def test_sigkill_mid_push_and_mid_pull_loses_and_duplicates_nothing(served, stores, tmp_path):
    a_dir, b_dir = stores
    for d in (a_dir, b_dir):
        dev = Device(served, d)
        dev.enrol()
        dev.close()
    # A is killed after the server applied its first batch but before A recorded the answer
    _kill_at("push_answered", a_dir, served.url, tmp_path)
    done = _cli_sync(a_dir, served.url)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    # B is killed after applying its first pulled chunk
    _kill_at("pull_chunk_applied", b_dir, served.url, tmp_path)
    done = _cli_sync(b_dir, served.url)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    a, b = Device(served, a_dir), Device(served, b_dir)
    try:
        snap = a.snapshot()
        assert a.dirty() == 0 and b.dirty() == 0
        assert b.snapshot() == snap
        # nothing duplicated on the server: one row per record, one processed change per record, no
        # conflicts from the batch whose answer was lost (the next sync's pull found those records on the
        # server exactly as they are here and adopted them instead of sending them again)
        assert _server_rows(served, "records") == len(snap)
        assert _server_rows(served, "processed_changes") == len(snap)
        assert _server_rows(served, "conflicts") == 0
        with served.central.engine.connect() as conn:
            details = [r[0] for r in conn.execute(text("SELECT detail FROM audit_log WHERE action = 'push'"))]
        accepted = sum(int(d.split("accepted=")[1].split()[0]) for d in details)
        assert accepted == len(snap)
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_revoked_device_is_refused(devices, served):
    a, b = devices
    a.client.sync()
    served.central.revoke_device(device_id=a.client.state().device_id)
    with pytest.raises(DeviceRefused, match="revoked"):
        a.client.sync()
    b.client.sync()  # the CT's other device still works


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_mass_deletion_stops_and_asks(devices):
    a, b = devices
    a.client.sync()
    b.client.sync()
    for e in a.svc.caseload.educators():
        a.svc.caseload.delete_educator(e.id)
    with pytest.MonkeyPatch.context() as mp:
        import esp_desktop.sync.client as client_mod

        mp.setattr(client_mod, "MASS_DELETE_FRACTION", 0.0)  # the demo has few educators among many records
        with pytest.raises(MassDeletion, match="Nothing was deleted"):
            a.client.sync()
        assert a.dirty() > 0
        a.client.sync(allow_mass_delete=True)
        live_before = sum(1 for d in b.snapshot().values() if not d["deleted"])
        with pytest.raises(MassDeletion):
            b.client.sync()
        assert sum(1 for d in b.snapshot().values() if not d["deleted"]) == live_before
        b.client.sync(allow_mass_delete=True)
    assert a.snapshot() == b.snapshot()
    with b.store.session() as s:
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 0


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_tls_server_is_verified_and_a_pinned_certificate_is_trusted(served, stores, tmp_path):
    from esp_desktop.server.security import write_dev_cert
    from esp_desktop.sync.client import UntrustedServer
    from tests.helpers.central import ThreadedServer

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    write_dev_cert(cert, key, hostnames=["localhost", "127.0.0.1"])
    code = served.central.add_user(name="Ms Okafor", role="ct")
    store = Vault(stores[0]).unlock(PASSPHRASE)
    with ThreadedServer(served.central_app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as srv:
        url = f"https://127.0.0.1:{srv.port}"
        unpinned = SyncClient(store, server_url=url, passphrase=PASSPHRASE)
        with pytest.raises(UntrustedServer, match="--ca-cert"):
            unpinned.enrol(code, device_name="laptop")
        unpinned.close()
        pinned = SyncClient(store, server_url=url, passphrase=PASSPHRASE, ca_cert=cert)
        pinned.enrol(code, device_name="laptop")
        assert pinned.sync().pushed > 0
        pinned.close()
    store.close()


class _Node:
    pass


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_a_sync_pauses_cyclic_gc_and_frees_its_own_cycles_before_it_returns(devices, stores, served):
    a, b = devices
    during: list[bool] = []
    freed: list[bool] = []  # at each page: the cycles made at the earlier pages are gone already
    made: list[weakref.ref[_Node]] = []

    def progress(p: Progress) -> None:  # runs inside the sync, after each page (and once when done)
        during.append(gc.isenabled())
        if p.phase != "done":
            freed.append(all(r() is None for r in made))
        node = _Node()
        node.me = node  # a reference cycle: only the cyclic collector can free it
        made.append(weakref.ref(node))

    assert gc.isenabled()
    a.client.progress = b.client.progress = progress
    a.client.batch_size = b.client.batch_size = 20  # many pages: garbage stays bounded by a page
    assert a.client.sync().pushed > 50
    assert b.client.sync().pulled > 50
    assert gc.get_count()[1:] == (0, 0), "its end is a full pass: no older generation's collection is left due"
    assert len(during) > 6 and not any(during), "no automatic collection during the sync"
    assert all(freed), "each page's cycles are freed before the next page ends"
    assert gc.isenabled(), "the previous setting is restored"
    assert made and all(r() is None for r in made), "the cycles a sync made are freed inside the sync"
    # a sync that fails restores the setting too; one that starts with collections off leaves them off
    unenrolled = Vault(stores[1].parent / "C").create(PASSPHRASE)
    try:
        with pytest.raises(NotEnrolled):
            SyncClient(unenrolled, server_url=served.url).sync()
    finally:
        unenrolled.close()
    assert gc.isenabled()
    gc.disable()
    try:
        a.client.sync()
        assert not gc.isenabled()
    finally:
        gc.enable()
