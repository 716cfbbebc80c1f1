"""The app's one policy for Python's cyclic garbage collector (issue 15: a typed line must not wait for it).

A full collection walks every object the process holds: modules, Qt wrappers, the ORM's mappers and compiled
statements, ~145k objects once an educator's capture screen is open, ~110 ms of CPU on the project machine, and it
runs on whatever the GUI thread is doing at the time (an Enter in the capture screen included). Nearly all of those
objects live as long as the process. So a while after the store is unlocked (the caseload shown), what is alive
then is moved out of the collector's reach (``gc.freeze``): a later full collection walks only what was made
since. Young generations are collected as before.

Locking clears the session's data: the freeze is dropped and everything collected at once, so nothing of the
locked session is kept alive by it; the next unlock freezes again. Wired once, in ui.app.run.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

from .context import AppContext

SETTLE_MS = 5000  # after the unlock: the caseload has loaded and painted well before this (issue 15: ~0.2-0.5 s)


def follow(ctx: AppContext) -> None:
    """Freeze a while after each unlock, release at each lock (and already now if the store is open)."""
    ctx.storeUnlocked.connect(lambda: QTimer.singleShot(SETTLE_MS, lambda: settle(ctx)))
    ctx.storeLocked.connect(release)
    if ctx.services is not None:  # unlocked before the window showed (keyring, first run)
        QTimer.singleShot(SETTLE_MS, lambda: settle(ctx))


def settle(ctx: AppContext) -> None:
    """Move what is alive now out of the full collections' way (nothing if the store was locked meanwhile)."""
    if ctx.services is None:
        return
    # A full pass first (~0.1 s, once, seconds after the unlock): garbage already promoted to the oldest generation,
    # e.g. a failed unlock's traceback whose frames hold the typed passphrase, must not be frozen alive until lock.
    gc.collect()
    gc.freeze()


def release() -> None:
    """Locked: everything back under the collector, and the locked session's garbage collected now."""
    gc.unfreeze()
    gc.collect()
