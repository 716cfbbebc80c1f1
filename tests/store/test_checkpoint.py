"""WAL checkpoints run when the store is quiet, not inside a commit (store/checkpoint.py), and lose nothing.

"Checkpointed" is checked from the outside: a copy of the database file alone (no WAL) holds what was written.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from esp_desktop.services import Services
from esp_desktop.store.vault import Vault
from tests.helpers.env import PASSPHRASE


def _names_in_database_file_alone(data_dir: Path, tmp: Path) -> set[str]:
    """The educators a copy of ``esp.db`` without its WAL holds: what has been checkpointed."""
    copy = tmp / f"copy{len(list(tmp.glob('copy*')))}"
    copy.mkdir()
    for name in ("esp.db", "esp.key"):
        shutil.copy2(data_dir / name, copy / name)
    s = Vault(copy).unlock(PASSPHRASE)
    try:
        return {e.family_name for e in Services(s).caseload.educators()}
    finally:
        s.close()


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_commits_leave_the_checkpoint_to_a_quiet_moment(data_dir: Path, tmp_path: Path) -> None:
    store = Vault(data_dir).unlock(PASSPHRASE)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0  # no checkpoint inside a commit
        cp = store.checkpointer
        cp.pace(quiet=3600, longest=3600)  # not quiet yet
        svc = Services(store)
        names = {f"Typed{i}" for i in range(40)}
        for n in sorted(names):
            svc.caseload.add_educator(given_name="Line", family_name=n)
        assert cp.done == 0
        assert not names & _names_in_database_file_alone(data_dir, tmp_path), "only the WAL holds them so far"

        svc.caseload.add_educator(given_name="Line", family_name="Last")
        cp.pace(quiet=0.05, longest=3600)  # the store is quiet: the checkpoint comes on its own, off the committing thread
        assert _wait_for(lambda: cp.done >= 1)
        assert names | {"Last"} <= _names_in_database_file_alone(data_dir, tmp_path)
        assert _wait_for(lambda: not any(t.name == "wal-checkpoint" for t in threading.enumerate())), \
            "the thread ends when nothing is left to copy"
    finally:
        store.close()


def test_closing_the_store_checkpoints(data_dir: Path, tmp_path: Path) -> None:
    store = Vault(data_dir).unlock(PASSPHRASE)
    store.checkpointer.pace(quiet=3600, longest=3600)
    Services(store).caseload.add_educator(given_name="Locked", family_name="Away")
    store.close()  # lock, quit
    assert "Away" in _names_in_database_file_alone(data_dir, tmp_path)


WRITER = r"""
import sys
from esp_desktop.store.vault import Vault
from esp_desktop.services import Services
store = Vault(sys.argv[1]).unlock(sys.argv[2])
store.checkpointer.pace(quiet=float(sys.argv[3]), longest=float(sys.argv[3]))
svc = Services(store)
e = svc.caseload.add_educator(given_name="Crash", family_name="Test")
en = svc.caseload.refer(educator_id=e.id, program="PA")
svc.caseload.record_intake(enrolment_id=en.id, held_on=en.referred_on)
svc.caseload.enrol(enrolment_id=en.id)
o = svc.observations.start(educator_id=e.id, kind="unannounced")
print("ready", o.id, flush=True)
i = 0
while True:
    i += 1
    svc.observations.add_note(observation_id=o.id, text=f"line {i}")
    print(i, store.checkpointer.done, flush=True)
"""


@pytest.mark.parametrize("every", [3600.0, 0.0], ids=["lines-only-in-the-wal", "checkpoints-during-the-burst"])
def test_sigkill_loses_no_acknowledged_line(data_dir: Path, every: float) -> None:
    """Killed with every line still in the WAL, or with checkpoints running beside the writes: every line
    reported as committed is there after reopening."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), PASSPHRASE, str(every)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first[0] == "ready"
    obs_id = first[1]
    acknowledged = checkpoints = 0
    deadline = time.monotonic() + 60
    while (acknowledged < 120 or (every == 0 and checkpoints < 3)) and time.monotonic() < deadline:
        acknowledged, checkpoints = map(int, proc.stdout.readline().split())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acknowledged >= 120
    assert (checkpoints >= 3) if every == 0 else (checkpoints == 0)
    if every:
        assert (data_dir / "esp.db-wal").stat().st_size > 100 * 4096, "the lines were in the WAL alone"

    s = Vault(data_dir).unlock(PASSPHRASE)
    try:
        texts = [n.text for n in Services(s).observations.notes(obs_id)]
        assert texts[:acknowledged] == [f"line {i}" for i in range(1, acknowledged + 1)]
        assert len(texts) in (acknowledged, acknowledged + 1)
    finally:
        s.close()
