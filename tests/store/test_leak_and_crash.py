"""No plaintext on disk, and committed writes survive a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from esp_desktop.services import demo
from tests.helpers import note_writer
from tests.helpers.env import PASSPHRASE


def _needles() -> list[bytes]:
    words = set()
    for given, family, subject, *_ in demo.EDUCATORS:
        words |= {given, family, subject}
    for text, *_ in demo.SCRIPT:
        words.add(text[:30])
    words |= {t[:30] for t in demo.PRIVATE_THOUGHTS}
    words |= {site[0] for site in demo.SITES}
    words |= {"Jordan Ellis", "Renée Castellanos", "Increase student discourse", "Fictional lesson plan"}
    out = []
    for w in words:
        # A 3-byte needle such as "ESL" turns up in ~5% of random 750 KB ciphertexts by chance: short words are
        # covered by the longer needles of the same records (names, sites, script lines) instead.
        if len(w.encode("utf-8")) >= 6:
            out += [w.encode("utf-8"), w.encode("utf-16-le")]
    return out


def test_no_plaintext_anywhere_in_the_data_dir(tmp_path: Path) -> None:
    d = tmp_path / "store"
    env = {**os.environ, "ESP_PASSPHRASE": PASSPHRASE}
    for cmd in (["init"], ["demo"], ["search", "routines"], ["check"]):
        subprocess.run([sys.executable, "-m", "esp_desktop", "--data-dir", str(d), *cmd], env=env, check=True,
                       capture_output=True)
    files = [p for p in d.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".bin") for p in files)  # attachments exist
    needles = _needles()
    for p in files:
        blob = p.read_bytes()
        leaked = [n for n in needles if n in blob]
        assert not leaked, f"{p.name} contains plaintext: {leaked[:3]}"


def test_sigkill_during_burst_of_writes_loses_no_committed_record(data_dir: Path) -> None:
    proc = note_writer.start(data_dir)
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first[0] == "ready"
    obs_id = first[1]
    acknowledged = 0
    deadline = time.monotonic() + 60
    while acknowledged < 150 and time.monotonic() < deadline:
        acknowledged = int(proc.stdout.readline().split()[0])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acknowledged >= 150

    from esp_desktop.services import Services
    from esp_desktop.store.check import check_store
    from esp_desktop.store.vault import Vault

    s = Vault(data_dir).unlock(PASSPHRASE)
    notes = Services(s).observations.notes(obs_id)
    texts = [n.text for n in notes]
    # Every line the writer reported as committed is there, in order, without gaps or duplicates.
    assert texts[:acknowledged] == [f"line {i}" for i in range(1, acknowledged + 1)]
    assert len(texts) in (acknowledged, acknowledged + 1)
    assert check_store(s).ok
    s.close()
