"""Decrypted temporary copies of attachments, opened with the system viewer and removed afterwards.

Copies live in one private folder (mode 0700) per app run; ``cleanup()`` deletes them and is called when the
educator page is cleared, when the store locks and when the app quits. We cannot know when an external viewer
has finished with a file, so the copy stays until one of those moments.

A run that crashed (or was killed) cannot clean up: each folder holds a lock file locked for as long as its app
runs, and ``sweep_leftovers()`` (at start, and whenever copies are first needed) deletes every folder of ours
whose lock is free - another running app's copies are left alone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import filelock
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

PREFIX = "esp-open-"
LOCK_NAME = ".in-use"


def sweep_leftovers(root: Path | None = None) -> int:
    """Delete the copy folders left by app runs that ended without cleaning up. Returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != _uid():
                continue
        except OSError:
            continue
        lock = filelock.FileLock(str(folder / LOCK_NAME), timeout=0)
        try:
            lock.acquire()
        except (filelock.Timeout, OSError):
            continue  # a running app's folder
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        finally:
            lock.release()
    return removed


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


class OpenedCopies:
    def __init__(self) -> None:
        self.folder: Path | None = None
        self._lock: filelock.BaseFileLock | None = None
        atexit.register(self.cleanup)  # last resort if the app exits without aboutToQuit
        sweep_leftovers()

    def write(self, filename: str, data: bytes) -> Path:
        if self.folder is None or not self.folder.exists():
            self.folder = Path(tempfile.mkdtemp(prefix=PREFIX))  # mkdtemp: owner-only permissions
            # Held while this app runs: sweep_leftovers() in another run leaves the folder alone.
            self._lock = filelock.FileLock(str(self.folder / LOCK_NAME), timeout=0)
            self._lock.acquire()
        sub = self.folder / uuid.uuid4().hex[:8]
        sub.mkdir(mode=0o700)
        path = sub / (Path(filename).name or "attachment")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return path

    def open(self, filename: str, data: bytes) -> Path:
        path = self.write(filename, data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def files(self) -> list[Path]:
        if not self.folder:
            return []
        return sorted(p for p in self.folder.rglob("*") if p.is_file() and p.name != LOCK_NAME)

    def cleanup(self) -> None:
        if self._lock is not None:
            self._lock.release()  # first: Windows cannot delete a locked file
            self._lock = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
