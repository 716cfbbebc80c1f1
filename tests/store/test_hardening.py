"""Issue 16, store and command-line side: concurrent writers, permissions, one-line errors, KDF bounds,
crafted import ids, conflict copies in the CLI and in the full export. Each test fails on the code before."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, text

from esp_desktop.core.errors import EspError, ValidationError
from esp_desktop.store.vault import Vault
from tests.helpers.cases import enrolled
from tests.helpers.env import PASSPHRASE


def cli(data_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    pw = data_dir.parent / "pw.txt"
    pw.write_text(PASSPHRASE)
    return subprocess.run(
        [sys.executable, "-m", "esp_desktop.cli", "--data-dir", str(data_dir), "--passphrase-file", str(pw), *args],
        env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("esp-desktop: "), done.stderr
    return lines[0]


# ------------------------------------------------------------------ 7: unique script-note numbers
def test_concurrent_writers_never_share_a_script_note_number(data_dir: Path) -> None:
    from esp_desktop.services import Services

    first, second = Vault(data_dir).unlock(PASSPHRASE), Vault(data_dir).unlock(PASSPHRASE)
    try:
        svc = Services(first)
        e = enrolled(svc, family_name="Fictional")
        obs = svc.observations.start(educator_id=e.id, kind="announced")
        both_ready = threading.Barrier(2, timeout=20)

        def meet_before_insert(_conn, _cursor, statement, *_a) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO SCRIPT_NOTE"):
                both_ready.wait()  # both writers have done everything up to their INSERT

        errors: list[BaseException] = []

        def write(store, line: str) -> None:
            try:
                Services(store).observations.add_note(observation_id=obs.id, text=line)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        for s in (first, second):
            event.listen(s.engine, "before_cursor_execute", meet_before_insert)
        threads = [threading.Thread(target=write, args=(s, f"line from writer {i}")) for i, s in enumerate((first, second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for s in (first, second):
            event.remove(s.engine, "before_cursor_execute", meet_before_insert)
        assert errors == []
        seqs = sorted(n.seq for n in svc.observations.notes(obs.id))
        assert seqs == [1, 2]
    finally:
        first.close()
        second.close()


# ------------------------------------------------------------------ 8: one passphrase rule
def test_weak_passphrases_are_refused_everywhere(tmp_path: Path, data_dir: Path) -> None:
    for weak in ("password1234", "qwertyuiop", "aaaaaaaaaaaa", "short"):
        with pytest.raises(ValidationError):
            Vault(tmp_path / "w").create(weak)
    from esp_desktop.store.vault import passphrase_strength  # the rule the windows' meters show

    assert not passphrase_strength("password1234").ok and passphrase_strength("maple river lantern 42").ok
    s = Vault(data_dir).unlock(PASSPHRASE)
    with pytest.raises(ValidationError, match="too easy to guess"):
        s.change_passphrase(PASSPHRASE, "password1234")
    s.close()
    done = cli(tmp_path / "new", "init", env={"ESP_PASSPHRASE": ""})  # the file's passphrase is strong: works
    assert done.returncode == 0, done.stderr
    weak_file = tmp_path / "weak.txt"
    weak_file.write_text("password1234")
    done = subprocess.run([sys.executable, "-m", "esp_desktop.cli", "--data-dir", str(tmp_path / "weak"),
                           "--passphrase-file", str(weak_file), "init"], capture_output=True, text=True, timeout=120)
    assert "too easy to guess" in one_line_error(done)
    assert not (tmp_path / "weak" / "esp.key").exists()


# ------------------------------------------------------------------ 9: crafted ids in an import
def test_an_import_cannot_name_a_path_outside_the_data_folder(svc, tmp_path: Path) -> None:
    import base64
    import hashlib

    content = b"file content from a crafted export"
    traversal = "../../escaped-from-the-data-folder.x"  # 36 characters, like a UUID
    att = {"id": traversal, "filename": "x.txt", "media_type": "text/plain", "size": len(content),
           "sha256": hashlib.sha256(content).hexdigest(), "file_key": "11" * 32, "audience": "educator",
           "content_base64": base64.b64encode(content).decode()}
    doc = {"format": "esp-desktop-export", "format_version": 1, "attachment": [att]}
    with pytest.raises(ValidationError, match="UUID"):
        svc.transfer.import_(doc)
    target = (Path(svc.store.data_dir) / "attachments" / f"{traversal}.bin").resolve()
    assert not target.is_relative_to(svc.store.data_dir) and not target.exists()
    from esp_desktop.store.attachments import AttachmentStore

    with pytest.raises(EspError):
        AttachmentStore(tmp_path).path_for("../../etc/passwd-000000000000000000")


# ------------------------------------------------------------------ 16: owner-only data folder
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_data_folder_and_store_files_are_owner_only(tmp_path: Path, data_dir: Path) -> None:
    from esp_desktop.services import Services

    old = os.umask(0o022)
    try:
        store = Vault(tmp_path / "fresh").create(PASSPHRASE)
        Services(store).evidence  # noqa: B018 - nothing to do, just open
        store.close()
    finally:
        os.umask(old)

    def loose(folder: Path) -> list[str]:
        out = []
        for p in [folder, *folder.rglob("*")]:
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode & 0o077:
                out.append(f"{p.name} {oct(mode)}")
        return out

    assert loose(tmp_path / "fresh") == []
    # an existing store with loose permissions is tightened when it is opened
    os.chmod(data_dir, 0o755)
    for p in data_dir.iterdir():
        if p.is_file():
            os.chmod(p, 0o644)
    Vault(data_dir).unlock(PASSPHRASE).close()
    assert loose(data_dir) == []


# ------------------------------------------------------------------ 17: one line, no traceback, no leftovers
def _enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["backup", "restore", "passwd"])
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(command: str, demo_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import tarfile

    from esp_desktop import cli as cli_mod
    from esp_desktop.store import backup, keys

    pw = tmp_path / "pw.txt"
    pw.write_text(PASSPHRASE)
    base = ["--data-dir", str(demo_dir), "--passphrase-file", str(pw)]
    archive = tmp_path / "out" / "b.espbackup"
    archive.parent.mkdir()
    key_before = (demo_dir / "esp.key").read_bytes()
    if command == "backup":
        monkeypatch.setattr(backup.os, "fsync", _enospc)
        argv = [*base, "backup", "-o", str(archive)]
    elif command == "restore":
        assert cli_mod.main([*base, "backup", "-o", str(archive)]) == 0
        capsys.readouterr()
        monkeypatch.setattr(tarfile.TarFile, "extractall", _enospc)
        argv = ["--data-dir", str(tmp_path / "restored"), "--passphrase-file", str(pw), "restore", str(archive)]
    else:
        monkeypatch.setattr(keys.os, "fsync", _enospc)
        monkeypatch.setenv("ESP_NEW_PASSPHRASE", "umbrella orchard piano kettle")
        argv = [*base, "passwd"]
    assert cli_mod.main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("esp-desktop: The disk is full."), err
    leftovers = [p.name for p in tmp_path.rglob("*") if p.suffix in (".part", ".tmp")]
    assert leftovers == []
    assert (demo_dir / "esp.key").read_bytes() == key_before
    assert not (tmp_path / "restored").exists() or not any((tmp_path / "restored").iterdir())


def _flip_a_data_page(db: Path) -> None:
    raw = bytearray(db.read_bytes())
    page = 4096
    # one byte inside every page of the file's second half: whichever tables live there (the demo grows), the
    # export reads at least one of them
    pages = len(raw) // page
    for n in range(pages // 2, pages):
        raw[n * page + 2000] ^= 0xFF
    db.write_bytes(bytes(raw))


def test_a_damaged_page_gives_one_line_in_export_and_a_report_in_check(demo_dir: Path, tmp_path: Path) -> None:
    # the WAL is checkpointed into the database file when the template store was closed
    _flip_a_data_page(demo_dir / "esp.db")
    line = one_line_error(cli(demo_dir, "export", "-o", str(tmp_path / "out.json")))
    assert "damaged" in line
    done = cli(demo_dir, "check")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "PROBLEM" in done.stdout or "damaged" in done.stderr


def test_leftover_temporary_files_are_removed_when_the_store_opens(data_dir: Path) -> None:
    (data_dir / "attachments").mkdir(exist_ok=True)
    stale = [data_dir / "esp.key.tmp", data_dir / "attachments" / f"{uuid.uuid4()}.tmp"]
    fresh = data_dir / "attachments" / f"{uuid.uuid4()}.tmp"
    for p in [*stale, fresh]:
        p.write_bytes(b"half-written")
    old = time.time() - 3600
    for p in stale:
        os.utime(p, (old, old))
    Vault(data_dir).unlock(PASSPHRASE).close()
    assert [p.exists() for p in stale] == [False, False]
    assert fresh.exists()  # possibly a write in progress in another window: left alone


# ------------------------------------------------------------------ 18: bounds on KDF parameters
@pytest.mark.parametrize("field,value", [("memory_cost", 2**31), ("iterations", 10**9), ("lanes", 0),
                                         ("iterations", "3")])
def test_absurd_kdf_parameters_fail_fast_and_clearly(data_dir: Path, field: str, value: object) -> None:
    kf = json.loads((data_dir / "esp.key").read_text())
    kf["kdf"][field] = value
    (data_dir / "esp.key").write_text(json.dumps(kf))
    started = time.monotonic()
    line = one_line_error(cli(data_dir, "export"))
    assert "out of range" in line or "damaged" in line
    assert time.monotonic() - started < 60


def test_a_wrapped_sync_key_with_absurd_parameters_is_refused_without_deriving() -> None:
    import base64

    from esp_desktop.sync import crypto

    blob = crypto.wrap_sync_key(b"k" * 32, "umbrella orchard piano kettle", key_id="x",
                                kdf={"name": "argon2id", "iterations": 1, "lanes": 1, "memory_cost": 8192,
                                     "length": 32})
    doc = json.loads(base64.b64decode(blob))
    doc["kdf"]["iterations"] = 10**9
    hostile = base64.b64encode(json.dumps(doc).encode()).decode()
    started = time.monotonic()
    with pytest.raises(crypto.SyncKeyError, match="damaged"):
        crypto.unwrap_sync_key(hostile, "umbrella orchard piano kettle", key_id="x")
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------ 21: conflict copies in the CLI and export
def test_conflict_copies_are_listed_resolved_and_exported(demo_dir: Path) -> None:
    from esp_desktop.services import Services
    from esp_desktop.store.models import SyncConflict

    store = Vault(demo_dir).unlock(PASSPHRASE)
    svc = Services(store)
    e = svc.caseload.educators()[0]
    cid = str(uuid.uuid4())
    with store.session() as s:
        s.add(SyncConflict(conflict_id=cid, record_id=e.id, record_type="educator", base_version=1,
                           server_version=2, data={"id": e.id, "type": "educator", "role_subject": "other device"}))
    store.close()
    listed = cli(demo_dir, "conflicts")
    assert listed.returncode == 0, listed.stderr
    assert cid in listed.stdout and "role_subject" in listed.stdout
    out = demo_dir.parent / "full.json"
    assert cli(demo_dir, "export", "-o", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    assert [c["conflict_id"] for c in doc["sync_conflicts"]] == [cid]
    assert doc["sync_conflicts"][0]["data"]["role_subject"] == "other device"
    assert cli(demo_dir, "export", "--audience", "panel", "-o", str(out)).returncode == 0
    assert "sync_conflicts" not in json.loads(out.read_text())  # never in an audience's export
    done = cli(demo_dir, "conflicts", "--resolve", cid[:8], "--keep", "mine")
    assert done.returncode == 0, done.stderr
    assert "No sync conflicts." in cli(demo_dir, "conflicts").stdout
    store = Vault(demo_dir).unlock(PASSPHRASE)
    try:
        assert Services(store).caseload.educator(e.id).role_subject == "other device"
        with store.engine.connect() as conn:
            pending = conn.execute(text("SELECT resolution_pending FROM sync_conflict")).scalar_one()
        assert pending  # told to the server at the next sync
    finally:
        store.close()
