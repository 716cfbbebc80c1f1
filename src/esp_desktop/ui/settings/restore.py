"""Restore from a backup (File › Restore from backup…): pick the archive, type the passphrase it was made
with; the app locks, moves the current store aside (never deletes it) and installs the backup."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ..widgets.common import error_text, muted


class RestoreDialog(QDialog):
    """Asks for the backup's passphrase and checks it before anything is locked or moved."""

    def __init__(self, data_dir: Path, archive: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ...services.vault import backup_info

        self.archive, self.data_dir = archive, data_dir
        self.setWindowTitle("Restore from backup")
        self.setMinimumWidth(520)
        info = backup_info(archive)
        made = info.get("created_at")
        when = timefmt.screen_datetime(datetime.fromisoformat(made)) if made else "an unknown date"
        intro = QLabel(f"<b>{archive.name}</b> was written on {when}.")
        intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Backup passphrase")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        note = muted(
            "esp-desktop locks, moves your current store aside (to a folder named “…before-restore-…” next to "
            f"{data_dir.name}; nothing is deleted) and opens the backup. Everything recorded since the backup "
            "was written stays in the moved-aside folder only. Afterwards, unlock with the passphrase the backup "
            "was made with."
        )
        form = QFormLayout()
        form.addRow("Backup &passphrase:", self.passphrase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def accept(self) -> None:
        from ...services.vault import check_backup_passphrase

        try:
            check_backup_passphrase(self.archive, self.passphrase.text())
        except Exception as exc:  # noqa: BLE001 - wrong passphrase, damaged file: said in the dialog
            self.error.setText(error_text(exc))
            self.passphrase.selectAll()
            return
        super().accept()


def restore(archive: Path, data_dir: Path, passphrase: str) -> dict[str, Any]:
    """Runs off the GUI thread once the store is locked."""
    from ...services import vault

    return vault.restore(archive, data_dir, passphrase, force=True)
