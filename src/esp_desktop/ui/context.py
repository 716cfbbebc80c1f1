"""Application-wide state shared by the screens: the unlocked services, settings and events.

Signals are named as events in the past tense (``recordChanged``, ``storeLocked``) and requests as
``...Requested`` (``openRecordRequested``), as in KeePassXC.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..services import Services
from ..settings import Settings
from ..store.vault import Store


class AppContext(QObject):
    recordChanged = Signal(str, str)  # record type, record id: emitted after a service write succeeded
    storeUnlocked = Signal()
    storeLocked = Signal()
    lockRequested = Signal()
    openRecordRequested = Signal(str, str)  # record type ("educator", "observation", ...), record id
    statusMessage = Signal(str)

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.settings = Settings(self.data_dir)
        self.store: Store | None = None
        self.services: Services | None = None

    @property
    def svc(self) -> Services:
        if self.services is None:
            raise RuntimeError("the store is locked")
        return self.services

    @property
    def open_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("the store is locked")
        return self.store

    def changed(self, record_type: str, record_id: str = "") -> None:
        self.recordChanged.emit(record_type, record_id)
