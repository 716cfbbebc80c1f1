"""One app window per data folder: a second start brings the first window forward, or takes over if the first
process is gone.

    guard = InstanceGuard(data_dir)
    if not guard.acquire():      # another esp-desktop has this folder: it was asked to show its window
        return 0
    guard.showRequested.connect(window.bring_forward)

The lock is a ``QLockFile`` in the data folder: it records the owner's process id, and a lock left by a process
that is no longer running (a crash, a power cut) is recognised as stale and taken over. A local socket named
after the folder carries the "show your window" request from the second start to the first.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ..core.errors import AlreadyOpen

log = logging.getLogger(__name__)
LOCK_NAME = "esp-desktop.lock"
SHOW = b"show\n"


def server_name(data_dir: Path) -> str:
    """A per-user, per-folder socket name (short: some systems limit socket paths to ~100 bytes)."""
    digest = hashlib.sha256(str(Path(data_dir).expanduser().resolve()).encode()).hexdigest()[:20]
    return f"esp-desktop-{digest}"


class InstanceGuard(QObject):
    showRequested = Signal()  # a second start on the same data folder asked this window to come forward

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.name = server_name(self.data_dir)
        self.lock: QLockFile | None = None
        self.server: QLocalServer | None = None

    def acquire(self, *, ask_timeout_ms: int = 3000) -> bool:
        """True: this process owns the folder now. False: another running esp-desktop owns it and was asked to
        bring its window forward. Raises ``AlreadyOpen`` if the owner is running but does not answer."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self.data_dir / LOCK_NAME))
        lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
        if lock.tryLock(0):
            self.lock = lock
            self._listen()
            return True
        if lock.error() == QLockFile.LockError.LockFailedError:
            if self._ask_to_show(ask_timeout_ms):
                return False
            info = lock.getLockInfo()  # (pid, host, app) when the owner is known
            pid = info[0] if isinstance(info, tuple) and info and isinstance(info[0], int) else None
            raise AlreadyOpen(
                f"esp-desktop is already open on this data folder{f' (process {pid})' if pid else ''} but does "
                "not answer. Close that window (or end that process), then start again."
            )
        raise AlreadyOpen(f"The data folder {self.data_dir} cannot be locked for this window "
                          "(is it read-only?). Choose a folder you can write to.")

    def _ask_to_show(self, timeout_ms: int) -> bool:
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(SHOW)
        sock.flush()  # usually writes it all at once; else wait for the rest
        ok = sock.bytesToWrite() == 0 or sock.waitForBytesWritten(timeout_ms)
        sock.disconnectFromServer()
        return ok

    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed owner
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            log.warning("second-start requests will not reach this window: %s", self.server.errorString())
            return
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if bytes(sock.readAll().data()).startswith(SHOW.strip()):
            self.showRequested.emit()

    def relock(self, data_dir: Path | None = None) -> None:
        """Take the lock again (after a restore moved the old folder aside, lock file included)."""
        self.release()
        if data_dir is not None:
            self.data_dir = Path(data_dir).expanduser().resolve()
        self.acquire()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
