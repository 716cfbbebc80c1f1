"""The CLI contract scripts rely on, run as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from esp_desktop.store.models import RECORD_TYPES
from tests.helpers.env import PASSPHRASE


def run(*args: str, data_dir: Path, passphrase: str | None = PASSPHRASE, env: dict | None = None,
        input_: str | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k not in ("ESP_PASSPHRASE", "ESP_DATA_DIR")}
    if passphrase is not None:
        e["ESP_PASSPHRASE"] = passphrase
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "esp_desktop", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=e, input=input_, timeout=120)


def test_version() -> None:
    from esp_desktop import __version__

    out = subprocess.run([sys.executable, "-m", "esp_desktop", "--version"], capture_output=True, text=True)
    assert out.stdout.strip() == f"esp-desktop {__version__}"


def test_init_demo_search_export_import_check(tmp_path: Path) -> None:
    d = tmp_path / "store"
    r = run("init", data_dir=d)
    assert r.returncode == 0, r.stderr
    assert run("init", data_dir=d).returncode != 0  # refuses to overwrite
    assert run("demo", data_dir=d).returncode == 0
    r = run("search", "routines", data_dir=d)
    assert r.returncode == 0 and len(r.stdout.splitlines()) >= 4
    assert all(len(line.split("\t")) == 4 for line in r.stdout.splitlines())
    out = tmp_path / "all.json"
    r = run("export", "--format", "json", "-o", str(out), data_dir=d)
    assert r.returncode == 0
    doc = json.loads(out.read_text())
    assert doc["format"] == "esp-desktop-export" and len(doc["educator"]) == 9
    # the CT's own copy leaves CT-private records out, and says so
    assert doc["script_note"] and all(n["audience"] != "ct_private" for n in doc["script_note"])
    assert "scripted lines" in r.stderr and "are CT-private." in r.stderr
    assert any(o["type"] == "script_note" and o["reason"] == "private" for o in doc["omitted"])
    for rtype in RECORD_TYPES:
        for rec in doc[rtype]:
            assert {"id", "type", "audience", "updated_at"} <= set(rec)
    r = run("export", "--audience", "educator", data_dir=d)
    assert r.returncode == 1 and "for one educator" in r.stderr
    one = doc["educator"][0]
    r = run("export", "--audience", "educator", "--educator", one["id"], data_dir=d)
    edu = json.loads(r.stdout)
    assert [e["id"] for e in edu["educator"]] == [one["id"]]
    assert all(rec["audience"] in ("educator", "admin") for t in RECORD_TYPES for rec in edu[t])
    assert all(rec.get("educator_id") in (None, one["id"]) for t in RECORD_TYPES for rec in edu[t])
    assert "outside the case(s) the educator may see" in r.stderr
    r = run("export", "--audience", "admin", data_dir=d)
    assert r.returncode == 1 and "needs a scope" in r.stderr
    full = tmp_path / "full.json"
    r = run("export", "--include-private", "-o", str(full), data_dir=d)
    assert r.returncode == 0 and "WARNING" in r.stderr and "in clear" in r.stderr
    assert any(n["audience"] == "ct_private" for n in json.loads(full.read_text())["script_note"])
    d2 = tmp_path / "other"
    assert run("init", data_dir=d2).returncode == 0
    r = run("import", str(out), data_dir=d2)
    assert r.returncode == 0 and "0 updated" in r.stdout
    r = run("import", str(out), data_dir=d2)
    assert "0 new, 0 updated" in r.stdout
    r = run("import", str(full), data_dir=d2)  # a file with private records imports too
    assert r.returncode == 0 and "Imported: 0 new" not in r.stdout
    assert run("check", data_dir=d2).stdout.startswith("OK")


def test_backup_restore_and_passwd(tmp_path: Path) -> None:
    d = tmp_path / "store"
    run("init", data_dir=d)
    run("demo", data_dir=d)
    archive = tmp_path / "b.espbak"
    assert run("backup", "-o", str(archive), data_dir=d).returncode == 0
    r = run("restore", str(archive), data_dir=d)
    assert r.returncode != 0 and "already exists" in r.stderr
    d2 = tmp_path / "restored"
    assert run("restore", str(archive), data_dir=d2).returncode == 0
    assert run("check", data_dir=d2).returncode == 0
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase\n")
    assert run("passwd", "--new-passphrase-file", str(new), data_dir=d2).returncode == 0
    assert run("check", data_dir=d2).returncode == 2
    pf = tmp_path / "pf"
    pf.write_text("a brand new passphrase\n")
    assert run("--passphrase-file", str(pf), "check", data_dir=d2, passphrase=None).returncode == 0


@pytest.mark.parametrize("case", ["wrong", "missing-key", "corrupt-db", "no-store", "bad-import", "no-tty"])
def test_bad_input_gives_one_line_error_without_traceback(tmp_path: Path, case: str) -> None:
    d = tmp_path / "store"
    run("init", data_dir=d)
    args, kw = ["check"], {}
    if case == "wrong":
        kw = {"passphrase": "definitely wrong"}
    elif case == "missing-key":
        (d / "esp.key").unlink()
    elif case == "corrupt-db":
        db = d / "esp.db"
        raw = bytearray(db.read_bytes())
        raw[:2048] = os.urandom(2048)
        db.write_bytes(bytes(raw))
        for p in d.glob("esp.db-*"):
            p.unlink()
    elif case == "no-store":
        d = tmp_path / "empty"
    elif case == "bad-import":
        bad = tmp_path / "bad.json"
        bad.write_text("{ this is not json")
        args = ["import", str(bad)]
    elif case == "no-tty":
        kw = {"passphrase": None}
    r = run(*args, data_dir=d, **kw)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("esp-desktop: ")
