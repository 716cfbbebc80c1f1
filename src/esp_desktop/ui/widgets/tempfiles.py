"""Decrypted temporary copies of attachments, opened with the system viewer and removed afterwards.

Copies live in one private folder (mode 0700) per app run; ``cleanup()`` deletes them and is called when the
educator page is cleared, when the store locks and when the app quits. We cannot know when an external viewer
has finished with a file, so the copy stays until one of those moments.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


class OpenedCopies:
    def __init__(self) -> None:
        self.folder: Path | None = None
        atexit.register(self.cleanup)  # last resort if the app exits without aboutToQuit

    def write(self, filename: str, data: bytes) -> Path:
        if self.folder is None or not self.folder.exists():
            self.folder = Path(tempfile.mkdtemp(prefix="esp-open-"))  # mkdtemp: owner-only permissions
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
        return sorted(p for p in self.folder.rglob("*") if p.is_file()) if self.folder else []

    def cleanup(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
