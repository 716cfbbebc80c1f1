"""Application-wide state shared by the screens: the unlocked services, settings and events.

Signals are named as events in the past tense (``storeChanged``, ``storeLocked``) and requests as
``...Requested`` (``openRecordRequested``), as in KeePassXC.

Screens never announce their own writes: the store publishes what every commit changed (``store/changes.py``,
whoever wrote: a screen, a background task, sync) and ``storeChanged`` hands it to every open screen on the GUI
thread. ``ui.widgets.write.ui_write`` delivers it as soon as a write returns, so a screen is current by the
time the next line of the caller runs; changes committed on other threads arrive through the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ..settings import Settings

if TYPE_CHECKING:  # the store's code loads after the unlock window shows (ui/preload.py)
    from ..services import Services
    from ..services.vault import Changes, Store


class AppContext(QObject):
    storeChanged = Signal(object)  # Changes: what the commits since the last delivery changed (GUI thread)
    storeUnlocked = Signal()
    storeLocked = Signal()
    lockRequested = Signal()
    openRecordRequested = Signal(str, str)  # record type ("educator", "observation", ...), record id
    statusMessage = Signal(str)
    _wake = Signal()  # internal: a commit on any thread asks the GUI thread to deliver

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.settings = Settings(self.data_dir)
        self._store: Store | None = None
        self.services: Services | None = None
        self._pending: list[Changes] = []
        self._pending_lock = threading.Lock()
        self._unsubscribe: Any = None
        self.is_unattended = False  # locking (maybe idle): writes must not stop to ask the CT anything
        self._waking = False  # _wake connected (with the first store: not before the unlock window's first frame)

    # --- the unlocked store ---------------------------------------------------------------------------------
    @property
    def store(self) -> Store | None:
        return self._store

    @store.setter
    def store(self, store: Store | None) -> None:
        """Attach (or with None, detach) a store: its commits are delivered to ``storeChanged`` from now on."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._pending_lock:
            self._pending.clear()  # a locked store's changes are nobody's business any more
        self._store = store
        feed = getattr(store, "changes", None)
        if feed is not None:
            if not self._waking:  # the connection type is a `Qt.*` enum: not named before the first frame (ui/app.py)
                from PySide6.QtCore import Qt

                self._wake.connect(self.flush_changes, Qt.ConnectionType.QueuedConnection)
                self._waking = True
            self._unsubscribe = feed.subscribe(self._committed)

    @contextmanager
    def unattended(self) -> Iterator[None]:
        self.is_unattended, before = True, self.is_unattended
        try:
            yield
        finally:
            self.is_unattended = before

    @property
    def svc(self) -> Services:
        if self.services is None:
            raise RuntimeError("the store is locked")
        return self.services

    @property
    def open_store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is locked")
        return self._store

    # --- what changed -------------------------------------------------------------------------------------
    def _committed(self, changes: Changes) -> None:
        """Called by the store on the committing thread (GUI, worker or sync)."""
        with self._pending_lock:
            self._pending.append(changes)
        self._wake.emit()  # queued: delivered on the GUI thread, by the event loop or flush_changes()

    def flush_changes(self) -> None:
        """Deliver the pending changes now (GUI thread). Called after every UI write and by the event loop."""
        with self._pending_lock:
            batch, self._pending = self._pending, []
        if batch and self.services is not None:
            from ..services.vault import Changes  # loaded: a store is open

            self.storeChanged.emit(Changes.union(batch))
