"""The one pause of Python's cyclic collector (core/gcpause.py), shared by the preload and sync."""

from __future__ import annotations

import gc

import pytest

from esp_desktop.core import gcpause


def test_overlapping_pauses_end_with_the_last_one() -> None:
    """A sync that starts while the preload still loads: the preload ending first must not turn collection back on
    under the running sync, and the setting found by the first pause comes back when the last one ends."""
    assert gc.isenabled()
    first, second = gcpause.paused(), gcpause.paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled(), "still paused: the second pause is running"
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_failing_burst_restores_the_setting_and_a_pause_never_turns_collection_on() -> None:
    with pytest.raises(RuntimeError):
        with gcpause.paused():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled(), "it was off before the pause: someone else's setting stays"
    finally:
        gc.enable()
