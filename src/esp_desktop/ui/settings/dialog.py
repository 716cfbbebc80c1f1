"""Settings (auto-lock, data folder, keyring, passphrase) and About."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import __version__
from ...core import timefmt
from ...services import vault
from ...services.vault import passphrase_strength
from ...settings import AUTO_LOCK_MINUTES, THEME, USE_KEYRING
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_text, muted
from ..widgets.icons import app_icon
from ..widgets.style import tone


def _secret(name: str) -> QLineEdit:
    w = QLineEdit()
    w.setEchoMode(QLineEdit.EchoMode.Password)
    w.setAccessibleName(name)
    return w


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, sync=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Settings")
        from ..sync.dialogs import SyncSettings

        self.sync = SyncSettings(sync, ctx.settings)  # sync: the window's SyncController (None: disabled)
        self.setMinimumWidth(520)
        st = ctx.settings

        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("Never")
        self.minutes.setValue(st.get(AUTO_LOCK_MINUTES))
        self.minutes.setAccessibleName("Auto-lock after idle minutes")
        folder = QLineEdit(str(ctx.data_dir))
        folder.setReadOnly(True)
        folder.setAccessibleName("Data folder")
        self.keyring = QCheckBox("Remember the key on this computer (system keyring)")
        self.keyring.setAccessibleName("Remember on this computer")
        self.keyring.setChecked(st.get(USE_KEYRING))
        available = vault.keyring_available()
        self.keyring.setEnabled(available and ctx.store is not None)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for text, value in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(st.get(THEME))))
        general = QGroupBox("General")
        gv = QVBoxLayout(general)  # wrapped notes below the form (a form row cuts their second line)
        gf = QFormLayout()
        gv.addLayout(gf)
        gf.addRow("&Lock after:", self.minutes)
        gf.addRow("T&heme:", self.theme)
        gf.addRow("Data folder:", folder)
        gf.addRow("", self.keyring)
        if not available:
            gv.addWidget(muted("No system keyring was found, so the passphrase is asked at every start."))

        self.old = _secret("Current passphrase")
        self.new = _secret("New passphrase")
        self.repeat = _secret("Repeat new passphrase")
        self.change_btn = QPushButton("Change passphrase")
        self.change_btn.setAccessibleName("Change passphrase")
        self.change_btn.clicked.connect(self.change_passphrase)
        self.change_btn.setEnabled(ctx.store is not None)
        self.change_msg = QLabel()
        self.change_msg.setWordWrap(True)
        self.change_msg.setAccessibleName("Passphrase change result")
        secret = QGroupBox("Passphrase")
        sf = QFormLayout(secret)
        sf.addRow("&Current:", self.old)
        sf.addRow("&New:", self.new)
        sf.addRow("&Repeat:", self.repeat)
        sf.addRow("", self.change_btn)
        sf.addRow(self.change_msg)

        school = QGroupBox("School calendar and deadlines")
        scf = QFormLayout(school)
        self.calendar_summary = muted()
        self.calendar_btn = QPushButton("School calendar…")
        self.calendar_btn.setAccessibleName("School calendar")
        self.calendar_btn.setEnabled(ctx.services is not None)
        self.calendar_btn.clicked.connect(self.open_calendar)
        scf.addRow(self.calendar_summary)
        scf.addRow("", self.calendar_btn)
        self._summarise_calendar()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # three tabs, so the dialog fits a 1024x700 laptop screen (KeePassXC's settings are tabbed the same way)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        first = QWidget()
        fl = QVBoxLayout(first)
        fl.addWidget(general)
        fl.addWidget(school)
        fl.addStretch(1)
        self.tabs.addTab(first, "&General")
        sync_tab = QWidget()
        syl = QVBoxLayout(sync_tab)
        syl.addWidget(self.sync)
        syl.addStretch(1)
        self.tabs.addTab(sync_tab, "S&ync")
        secret_tab = QWidget()
        sel = QVBoxLayout(secret_tab)
        sel.addWidget(secret)
        sel.addStretch(1)
        self.tabs.addTab(secret_tab, "&Passphrase")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(buttons)

    def _summarise_calendar(self) -> None:
        if self.ctx.services is None:
            self.calendar_summary.setText("Unlock to see the school calendar.")
            return
        svc = self.ctx.svc
        cal, st = svc.calendars.calendar(), svc.calendars.settings()
        origin = "edited" if cal.edited else "default rules, not yet checked against the district calendar"
        self.calendar_summary.setText(
            f"{cal.school_year}: {timefmt.screen_date(cal.first_day)} to {timefmt.screen_date(cal.last_day)} "
            f"({origin}). Feedback due {st.feedback_school_days} school days after an observation; unannounced "
            f"observations {st.spacing_school_days} school days apart; the Panel meets at {st.panel_time}.")

    def open_calendar(self) -> None:
        from .calendar import SchoolCalendarDialog

        SchoolCalendarDialog(self.ctx, self).exec()
        self._summarise_calendar()

    def accept(self) -> None:
        st = self.ctx.settings
        st.set(AUTO_LOCK_MINUTES, self.minutes.value())
        if self.theme.currentData() != st.get(THEME):
            st.set(THEME, self.theme.currentData())
            from PySide6.QtWidgets import QApplication

            from ..app import apply_theme

            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, str(self.theme.currentData()))
        want = self.keyring.isChecked() and self.keyring.isEnabled()
        store = self.ctx.store
        if store is not None and self.keyring.isEnabled() and want != st.get(USE_KEYRING):
            if want and not vault.remember_in_keyring(store):
                self.keyring.setChecked(False)
                want = False
            elif not want:
                vault.forget_keyring(store)
            st.set(USE_KEYRING, want)
        self.sync.save()
        super().accept()

    def _say(self, text: str, *, error: bool) -> None:
        self.change_msg.setObjectName("error" if error else "muted")
        self.change_msg.setText(text)
        self.change_msg.style().unpolish(self.change_msg)
        self.change_msg.style().polish(self.change_msg)

    def change_passphrase(self) -> None:
        store = self.ctx.store
        old, new = self.old.text(), self.new.text()
        if store is None:
            return
        if new != self.repeat.text():
            self._say("The two new passphrases differ.", error=True)
            return
        problem = passphrase_strength(new).problem  # the same rule as the command line's and the first-run's
        if problem:
            self._say(problem, error=True)
            return
        self.change_btn.setEnabled(False)
        self._say("Changing…", error=False)

        def done(_r: object) -> None:
            self.change_btn.setEnabled(True)
            for w in (self.old, self.new, self.repeat):
                w.clear()
            self._say("Passphrase changed. Use the new one from now on.", error=False)

        def failed(exc: BaseException) -> None:
            self.change_btn.setEnabled(True)
            self._say(error_text(exc), error=True)

        def work() -> None:
            from ...sync.client import rewrap_sync_key

            vault.change_passphrase(store, old, new)
            rewrap_sync_key(store, new)  # the server's copy of the sync key follows at the next sync

        tasks.run_in_background(self, work, on_done=done, on_error=failed)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About esp-desktop")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            f"<h3>esp-desktop {__version__}</h3>"
            "<p>Offline-first workbench for consulting teachers of an Educator Supports Program.</p>"
            "<p>Your data stays encrypted on this computer (SQLCipher, Argon2id).</p>"
            f"<p style='color:{tone('muted')}'>Python {platform.python_version()} · "
            f"Qt for Python {pyside_version}<br>"
            "Icons: Lucide (ISC licence) · MIT licence</p>"
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setAccessibleName("About text")
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(logo)
        lay.addWidget(text)
        lay.addWidget(buttons)
        self.setMinimumWidth(380)
