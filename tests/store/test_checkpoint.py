"""WAL checkpoints and search index merges run when the store is quiet, not inside a commit (store/checkpoint.py),
and lose nothing.

"Checkpointed" is checked from the outside: a copy of the database file alone (no WAL) holds what was written.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from esp_desktop.services import Services
from esp_desktop.store.vault import Store, Vault
from tests.helpers import note_writer
from tests.helpers.cases import enrolled
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
        done = cp.done
        time.sleep(0.3)
        assert cp.done == done, "a checkpoint's own connection does not call for another one"
    finally:
        store.close()
    assert not cp._thread.is_alive()


def test_a_store_dropped_without_closing_does_not_live_on(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from esp_desktop.store.checkpoint import Checkpointer

    monkeypatch.setattr(Checkpointer, "IDLE_WAKE", 0.05)
    store = Vault(data_dir).unlock(PASSPHRASE)
    Services(store).caseload.add_educator(given_name="Left", family_name="Open")
    thread, ref = store.checkpointer._thread, weakref.ref(store.checkpointer)
    del store
    assert _wait_for(lambda: (gc.collect(), ref() is None)[1]), "the engine and its files are freed"
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_closing_the_store_checkpoints(data_dir: Path, tmp_path: Path) -> None:
    store = Vault(data_dir).unlock(PASSPHRASE)
    store.checkpointer.pace(quiet=3600, longest=3600)
    Services(store).caseload.add_educator(given_name="Locked", family_name="Away")
    store.close()  # lock, quit
    assert "Away" in _names_in_database_file_alone(data_dir, tmp_path)


@pytest.mark.parametrize("every", [3600.0, 0.0], ids=["lines-only-in-the-wal", "checkpoints-during-the-burst"])
def test_sigkill_loses_no_acknowledged_line(data_dir: Path, every: float) -> None:
    """Killed with every line still in the WAL, or with checkpoints running beside the writes: every line
    reported as committed is there after reopening."""
    proc = note_writer.start(data_dir, str(every))
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


def _index_segments(store: Store) -> int:
    """How many segments the search index has (FTS5's structure record: a 4-byte cookie, an optional version
    marker, then varints: levels, segments)."""
    with store.engine.connect() as conn:
        block: bytes = conn.execute(text("SELECT block FROM search_index_data WHERE id = 10")).scalar_one()
    i = 8 if block[4:8] == b"\xff\x00\x00\x01" else 4
    for _ in range(2):  # both counts are small: one byte each
        assert block[i] < 0x80
        i += 1
    return block[i - 1]


def test_typed_lines_leave_index_merges_to_a_quiet_moment(data_dir: Path) -> None:
    store = Vault(data_dir).unlock(PASSPHRASE)
    try:
        with store.engine.connect() as conn:  # no merge inside a commit (migration 0011)
            assert conn.execute(text("SELECT v FROM search_index_config WHERE k = 'automerge'")).scalar() == 0
        cp = store.checkpointer
        cp.pace(quiet=3600, longest=3600)  # not quiet yet
        svc = Services(store)
        o = svc.observations.start(educator_id=enrolled(svc, given_name="Merge", family_name="Test").id,
                                   kind="unannounced")
        before = _index_segments(store)
        for i in range(12):  # fewer than FTS5's crisis merge (16 segments on a level)
            svc.observations.add_note(observation_id=o.id, text=f"fractions line {i}")
        assert _index_segments(store) == before + 12, "each commit only added its own small segment"
        assert cp.merged == 0

        cp.pace(quiet=0.05, longest=3600)  # quiet: the thread merges, then copies the WAL
        assert _wait_for(lambda: cp.done >= 1)
        assert cp.merged >= 1
        assert _index_segments(store) <= 4
        with store.engine.begin() as conn:  # FTS5's own check of the merged index against its rows
            conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 1)"))
        hits = {h.record_id for h in svc.search.search("fractions", limit=50)}
        assert {n.id for n in svc.observations.notes(o.id)} <= hits, "every line is still found"
    finally:
        store.close()


def test_merging_stops_when_the_store_is_used_again(data_dir: Path) -> None:
    store = Vault(data_dir).unlock(PASSPHRASE)
    try:
        cp = store.checkpointer
        cp.pace(quiet=3600, longest=3600)
        svc = Services(store)
        o = svc.observations.start(educator_id=enrolled(svc, given_name="Busy", family_name="Again").id,
                                   kind="unannounced")
        for i in range(12):
            svc.observations.add_note(observation_id=o.id, text=f"line {i}")
        steps = 0
        real = cp._connection

        @contextlib.contextmanager
        def used_meanwhile() -> Iterator[Any]:  # each merge step's connection; the CT reads during the first step
            nonlocal steps
            steps += 1
            if steps == 1:
                ct = threading.Thread(target=svc.caseload.educators)
                ct.start()
                ct.join()
            with real() as conn:
                yield conn

        cp._connection = used_meanwhile  # type: ignore[method-assign]
        assert cp.merge_index() is False
        cp._connection = real  # type: ignore[method-assign]
        assert steps == 1, "no further step once the store was used"
        assert cp.merge_index() is True, "the next quiet moment merges the rest"
        assert cp.merged >= 1
    finally:
        store.close()
