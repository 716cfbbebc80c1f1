"""The app's GC policy (ui/gcpolicy.py): long-lived objects frozen a while after unlocking, released at lock so
nothing of a locked session outlives it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from esp_desktop.ui import gcpolicy
from esp_desktop.ui.context import AppContext


class _Data:  # a record of the session, in a reference cycle (only the cyclic collector frees it)
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def ctx(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setattr(gcpolicy, "SETTLE_MS", 0)
    c = AppContext(tmp_path)
    gcpolicy.follow(c)
    try:
        yield c
    finally:
        gc.unfreeze()  # the freeze is process-wide: never leave it to the next test


def _settled(qapp) -> None:
    for _ in range(20):
        qapp.processEvents()


def test_unlocked_objects_are_frozen_and_lock_frees_them(qapp, ctx: AppContext) -> None:
    data = _Data()
    ref = weakref.ref(data)
    ctx.services = object()  # type: ignore[assignment]  # unlocked
    ctx.storeUnlocked.emit()
    _settled(qapp)
    assert gc.get_freeze_count() > 0
    del data
    gc.collect()
    assert ref() is not None, "frozen: full collections pass it by"

    ctx.services = None
    ctx.storeLocked.emit()
    assert gc.get_freeze_count() == 0
    assert ref() is None, "locked: the session's data is collected"


def test_a_lock_before_the_settle_time_freezes_nothing(qapp, ctx: AppContext) -> None:
    ctx.services = object()  # type: ignore[assignment]
    ctx.storeUnlocked.emit()
    ctx.services = None  # locked before the timer fires
    ctx.storeLocked.emit()
    _settled(qapp)
    assert gc.get_freeze_count() == 0


def test_garbage_of_the_oldest_generation_is_not_frozen(qapp, ctx: AppContext) -> None:
    """A cycle already promoted to generation 2 before the freeze (a failed unlock's traceback holding the typed
    passphrase, say) is collected by the freeze's own pass, not kept alive for the session."""
    gc.collect()  # empty the young generations, so the next objects' promotion is ours to control
    data = _Data()
    ref = weakref.ref(data)
    gc.collect(1)  # promoted into generation 2
    gc.collect(1)
    del data
    assert ref() is not None, "a cycle: only the cyclic collector frees it"
    ctx.services = object()  # type: ignore[assignment]
    ctx.storeUnlocked.emit()
    _settled(qapp)
    assert gc.get_freeze_count() > 0
    assert ref() is None, "garbage is collected before what is alive is frozen"
