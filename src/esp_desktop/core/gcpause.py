"""Python's cyclic collector paused for a burst of work: the one pause the app's parts share.

A burst that makes many objects which live on (the preload's imports, a sync's pending changes) pays for
allocation-driven collections that re-examine those objects again and again. ``paused()`` turns automatic
collection off for its length and puts back the setting it found. Pauses compose: they may overlap across threads
(a sync starting while the preload still loads), and collection comes back on only when the last one ends, and
only if it was on when the first one began. What to collect afterwards is the caller's choice (a sync collects its
own garbage inside its measured time). ``ui/gcpolicy.py`` is the app's policy for the collector between bursts.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausers = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _pausers, _was_enabled
    with _lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _lock:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()
