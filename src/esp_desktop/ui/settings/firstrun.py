"""First-run wizard: welcome, your name, a passphrase (strength meter, no-recovery warning), options, create.

The store is created (Argon2id, schema, optional demo caseload and backup) off the GUI thread; the wizard's
``result_value`` is then ``(store, services)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...core import clock
from ...core.errors import EspError
from ...services import Services, vault
from ...services.vault import MIN_PASSPHRASE, MIN_SCORE, Store, passphrase_strength
from ...settings import USE_KEYRING, Settings
from ..widgets import tasks
from ..widgets.common import error_text
from ..widgets.icons import app_icon
from ..widgets.style import LATE, OK, WARN
from .unlock import open_services

STRENGTH = [("Very weak", LATE), ("Weak", LATE), ("Fair", WARN), ("Good", OK), ("Strong", OK)]


def _label(text: str, *, wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.RichText)
    return lab


class WelcomePage(QWizardPage):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setTitle("Welcome to esp-desktop")
        self.setSubTitle("Your caseload, observations and evidence, kept encrypted on this computer.")
        lay = QVBoxLayout(self)
        lay.addWidget(
            _label(
                "This short setup creates your private, encrypted store. Everything you record stays on this "
                "computer, protected by a passphrase only you know."
            )
        )
        folder = _label(f"<b>Data folder:</b> {data_dir}")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(folder)
        lay.addStretch(1)


class ProfilePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("About you")
        self.setSubTitle("Your name appears on the documents you write as consulting teacher.")
        self.name = QLineEdit()
        self.name.setAccessibleName("Your name")
        self.email = QLineEdit()
        self.email.setAccessibleName("Your email (optional)")
        form = QFormLayout(self)
        form.addRow("Your &name:", self.name)
        form.addRow("&Email (optional):", self.email)
        self.registerField("name*", self.name)
        self.registerField("email", self.email)


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Choose a passphrase")
        self.setSubTitle(
            f"At least {MIN_PASSPHRASE} characters, and at least \"{STRENGTH[MIN_SCORE][0]}\" on the meter. "
            "A few unrelated words are easy to type and hard to guess."
        )
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Repeat passphrase")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Passphrase strength")
        self.strength = QLabel(" ")
        self.strength.setAccessibleName("Passphrase strength description")
        self.strength.setWordWrap(True)
        self.mismatch = QLabel()
        self.mismatch.setObjectName("error")
        warning = _label(
            "<b>Your passphrase cannot be recovered.</b> Nobody, including the program's authors, can open "
            "your store without it. Write it down somewhere safe, and keep an encrypted backup "
            "(offered on the next page)."
        )
        warning.setObjectName("warning")
        self.remember = QCheckBox("Remember on this computer (unlock automatically with the system keyring)")
        self.remember.setAccessibleName("Remember on this computer")
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("muted")
        self.keyring_note.setWordWrap(True)
        if not vault.keyring_available():
            self.remember.setEnabled(False)
            self.keyring_note.setText(
                "No system keyring was found on this computer, so you will type your "
                "passphrase at every start. That is the safest choice anyway."
            )
        else:
            self.keyring_note.setText("Only choose this if nobody else uses your computer account.")

        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.strength, 2)
        form.addRow("Strength:", meter_row)
        form.addRow("&Repeat:", self.confirm)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.mismatch)
        lay.addWidget(warning)
        lay.addWidget(self.remember)
        lay.addWidget(self.keyring_note)
        lay.addStretch(1)
        self.registerField("passphrase*", self.passphrase)
        self.registerField("remember", self.remember)
        self.passphrase.textChanged.connect(self._update)
        self.confirm.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        p = self.passphrase.text()
        if p:
            strength = passphrase_strength(p)  # the same rule as the command line's
            score = strength.score
            name, colour = STRENGTH[score]
            tip = strength.problem or ""
            if len(p) < MIN_PASSPHRASE:
                name, colour = "Too short", LATE
            self.meter.setValue(score)
            self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
            self.strength.setText(f"{name}. {tip}".strip())
        else:
            self.meter.setValue(0)
            self.strength.setText(" ")
        c = self.confirm.text()
        self.mismatch.setText("The two passphrases differ." if c and c != p else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        p = self.passphrase.text()
        return p == self.confirm.text() and passphrase_strength(p).ok


class OptionsPage(QWizardPage):
    """Demo data and backup; pressing Create builds the store in the background."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Almost done")
        self.setSubTitle("Choose what to start with, then create your encrypted store.")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create store")
        self.demo = QCheckBox("Load a fictional demo caseload to explore the program")
        self.demo.setAccessibleName("Load a fictional demo caseload")
        self.backup = QCheckBox("Write an encrypted backup after creating the store")
        self.backup.setAccessibleName("Write an encrypted backup")
        self.backup_path = QLineEdit(str(Path.home() / f"esp-backup-{clock.today():%Y-%m-%d}.espbak"))
        self.backup_path.setAccessibleName("Backup file")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose backup file")
        browse.clicked.connect(self._browse)
        self.backup.toggled.connect(self.backup_path.setEnabled)
        self.backup.toggled.connect(browse.setEnabled)
        self.backup_path.setEnabled(False)
        browse.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Setup status")
        row = QHBoxLayout()
        row.addWidget(self.backup_path, 1)
        row.addWidget(browse)
        lay = QVBoxLayout(self)
        lay.addWidget(self.demo)
        lay.addWidget(
            _label(
                "Every name, school and note in the demo is invented. You can add your own "
                "educators next to it."
            )
        )
        lay.addSpacing(8)
        lay.addWidget(self.backup)
        lay.addLayout(row)
        lay.addStretch(1)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        self.done = False
        self.busy = False

    def _browse(self) -> None:
        f, _ = QFileDialog.getSaveFileName(
            self, "Backup file", self.backup_path.text(), "esp-desktop backup (*.espbak)"
        )
        if f:
            self.backup_path.setText(f)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.done:
            return True
        if not self.busy:
            self.wiz.start_create()
        return False

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.status.setText(text)
        self.status.setObjectName("muted" if busy else "error")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        for w in (self.demo, self.backup):
            w.setEnabled(not busy)
        for b in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton):
            btn = self.wiz.button(b)
            if btn:
                btn.setEnabled(not busy)


class FirstRunWizard(QWizard):
    def __init__(self, data_dir: Path, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.settings = settings
        self.result_value: tuple[Store, Services] | None = None
        self.backup_error: str | None = None
        self.setWindowTitle("Set up esp-desktop")
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.profile = ProfilePage()
        self.secret = PassphrasePage()
        self.options_page = OptionsPage(self)
        for page in (WelcomePage(self.data_dir), self.profile, self.secret, self.options_page):
            self.addPage(page)
        self.resize(640, 520)

    def start_create(self) -> None:
        name = self.profile.name.text().strip()
        email = self.profile.email.text().strip() or None
        passphrase = self.secret.passphrase.text()
        remember = self.secret.remember.isChecked() and self.secret.remember.isEnabled()
        demo = self.options_page.demo.isChecked()
        backup = (
            Path(self.options_page.backup_path.text()).expanduser() if self.options_page.backup.isChecked() else None
        )
        data_dir, settings = self.data_dir, self.settings

        def work():  # noqa: ANN202 - runs off the GUI thread
            return create_store(
                data_dir,
                settings,
                name=name,
                email=email,
                passphrase=passphrase,
                remember=remember,
                demo=demo,
                backup=backup,
            )

        self.options_page.set_busy(True, "Creating your encrypted store…")
        tasks.run_in_background(self, work, on_done=self._created, on_error=self._failed)

    def _created(self, result) -> None:  # noqa: ANN001
        store, services, remembered, backup_error = result
        self.backup_error = backup_error
        if remembered:
            self.settings.set(USE_KEYRING, True)
        self.result_value = (store, services)
        self.options_page.set_busy(False, "")
        self.options_page.done = True
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.options_page.set_busy(False, error_text(exc))


def create_store(
    data_dir: Path,
    settings: Settings,
    *,
    name: str,
    email: str | None,
    passphrase: str,
    remember: bool,
    demo: bool,
    backup: Path | None,
) -> tuple[Store, Services, bool, str | None]:
    """Create the store and do the first-run extras.

    Returns (store, services, remembered_in_keyring, backup_error_or_None).
    """
    from ...services.demo import load_demo

    store = vault.create(data_dir, passphrase)
    try:
        svc = open_services(store, settings)
        if demo:
            load_demo(svc)
        prev = svc.caseload.profile()  # the demo brings a fictional CT profile; keep its school year only
        svc.caseload.set_profile(name=name, email=email, school_year=prev.school_year if prev else None)
        remembered = vault.remember_in_keyring(store) if remember else False
    except BaseException:
        vault.lock(store)
        raise
    backup_error = None
    if backup is not None:  # a failed backup must not undo a created store: report it, the CT can retry
        try:
            vault.backup(svc, backup)
        except (OSError, EspError) as exc:
            backup_error = f"The store was created, but the backup could not be written: {error_text(exc)}"
    return store, svc, remembered, backup_error
