"""The unlock screen: passphrase in, store open (Argon2id runs off the GUI thread), plain words when wrong."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services import vault
from ...settings import RUBRIC_FILE, Settings
from .. import preload
from ..widgets.common import error_text, muted
from ..widgets.icons import app_icon

if TYPE_CHECKING:  # loaded on a background thread while the CT types (ui/preload.py)
    from ...services import Services
    from ...services.vault import Store


def open_services(store: Store, settings: Settings) -> Services:
    """Services over an unlocked store with the configured rubric (safe to call off the GUI thread)."""
    return vault.open_services(store, rubric_file=settings.get(RUBRIC_FILE) or None)


def unlock_with_passphrase(data_dir: Path, passphrase: str, settings: Settings) -> tuple[Store, Services]:
    """Off the GUI thread: Argon2id runs while the store's code is still loading (ui/preload.py); the store
    is opened once both are done (the other screens' code is not waited for)."""
    data_key = vault.unlock_key(data_dir, passphrase, in_helper=True)  # Argon2id's 64 MiB in a helper process
    preload.wait_for_store()
    store = vault.open_with_key(data_dir, data_key)
    try:
        return store, open_services(store, settings)
    except BaseException:
        vault.lock(store)
        raise


class UnlockScreen(QWidget):
    """Emits ``unlocked((store, services))`` once the passphrase opened the store."""

    unlocked = Signal(object)

    def __init__(self, data_dir: Path, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.settings = settings
        self.busy = False

        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(440)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel("esp-desktop is locked")
        title.setObjectName("pageTitle")
        hint = muted("Enter your passphrase to open your caseload.")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.returnPressed.connect(self.submit)
        self.button = QPushButton("Unlock")
        self.button.setProperty("primary", True)
        self.button.setAccessibleName("Unlock")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.error = QLabel()
        self.passphrase.textEdited.connect(self._typing)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Unlock error")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate while the key is derived
        self.progress.setTextVisible(False)
        self.progress.hide()
        folder = muted(f"Data folder: {self.data_dir}")
        folder.setProperty("selectable", True)
        # centred and selectable by the style sheet (qproperty-*): naming a `Qt.*` enum here would build all of the
        # Qt namespace's Python enums before the first frame (~30 ms, issue 15)
        for label in (logo, title, hint):
            label.setProperty("centered", True)

        row = QHBoxLayout()
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.button)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(28, 24, 28, 24)
        lay.setSpacing(10)
        lay.addWidget(logo)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addSpacing(6)
        lay.addLayout(row)
        lay.addWidget(self.progress)
        lay.addWidget(self.error)
        lay.addWidget(folder)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(card, 2)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(2)

    def _typing(self, _text: str) -> None:
        self.error.clear()
        vault.start_key_helper()  # the helper that will open the key file loads while the CT types

    def reset(self) -> None:
        self.passphrase.clear()
        self.error.clear()
        self._set_busy(False)
        self.passphrase.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.passphrase.setEnabled(not busy)
        self.button.setEnabled(not busy)
        self.progress.setVisible(busy)

    def submit(self) -> None:
        if self.busy:
            return
        text = self.passphrase.text()
        if not text:
            self.error.setText("Enter your passphrase.")
            return
        self.error.clear()
        self._set_busy(True)
        # submitted before the window's first frame started the background load: it starts now, beside Argon2id;
        # the other screens' code waits until the first screen after the unlock is shown (MainWindow)
        preload.hold()
        preload.start()
        from ..widgets import tasks  # not needed before the first frame (issue 15)

        tasks.run_in_background(
            self,
            lambda: unlock_with_passphrase(self.data_dir, text, self.settings),
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, result: tuple[Store, Services]) -> None:
        # still busy: the window shows this card until the first screen has its data, and reset()s it when locked
        self.passphrase.clear()
        self.unlocked.emit(result)

    def _failed(self, exc: BaseException) -> None:
        preload.resume()
        self._set_busy(False)
        self.error.setText(error_text(exc))
        self.passphrase.selectAll()
        self.passphrase.setFocus()
