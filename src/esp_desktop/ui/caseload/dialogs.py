"""Dialogs of the caseload screen: add/edit educator, refer, intake, cap override, complete/exit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import clock
from ...core.enums import Program, label


def qdate(d: date | None = None) -> QDate:
    d = d or clock.today()
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date | None = None, *, name: str) -> QDateEdit:
    w = QDateEdit(qdate(d))
    w.setCalendarPopup(True)
    w.setDisplayFormat("dd MMM yyyy")
    w.setAccessibleName(name)
    return w


class FormDialog(QDialog):
    """A titled form with OK/Cancel; subclasses add rows to ``self.form`` and override ``valid``."""

    def __init__(self, title: str, parent: QWidget | None, *, ok_text: str = "Save") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.buttons)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def line(self, caption: str, value: str | None = "", *, name: str | None = None) -> QLineEdit:
        w = QLineEdit(value or "")
        w.setAccessibleName(name or caption.replace("&", "").rstrip(":"))
        w.textChanged.connect(self.revalidate)
        self.form.addRow(caption, w)
        return w

    def text(self, caption: str, *, name: str) -> QPlainTextEdit:
        w = QPlainTextEdit()
        w.setAccessibleName(name)
        w.setTabChangesFocus(True)
        w.setMaximumHeight(90)
        w.textChanged.connect(self.revalidate)
        self.form.addRow(caption, w)
        return w

    def revalidate(self) -> None:
        self.ok.setEnabled(self.valid())

    def valid(self) -> bool:
        return True


class EducatorDialog(FormDialog):
    def __init__(self, parent: QWidget | None, sites: list, educator=None) -> None:  # noqa: ANN001
        super().__init__(
            "Edit educator" if educator else "Add educator", parent, ok_text="Save" if educator else "Add"
        )
        e = educator
        self.given = self.line("&Given name:", e.given_name if e else "", name="Given name")
        self.family = self.line("&Family name:", e.family_name if e else "", name="Family name")
        self.employee_id = self.line("&Employee id:", e.employee_id if e else "", name="Employee id")
        self.email = self.line("E&mail:", e.email if e else "", name="Email")
        self.subject = self.line("&Role / subject:", e.role_subject if e else "", name="Role or subject")
        self.grade = self.line("&Grade band:", e.grade_band if e else "", name="Grade band")
        self.sites = QListWidget()
        self.sites.setAccessibleName("Sites")
        self.sites.setMaximumHeight(110)
        chosen = set(e.site_ids) if e else set()
        for s in sites:
            it = QListWidgetItem(s.name)
            it.setData(Qt.ItemDataRole.UserRole, s.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            self.sites.addItem(it)
        self.form.addRow("&Sites:", self.sites)
        self.revalidate()

    def valid(self) -> bool:
        return bool(self.given.text().strip() and self.family.text().strip())

    def values(self) -> dict:
        site_ids = [
            self.sites.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sites.count())
            if self.sites.item(i).checkState() == Qt.CheckState.Checked
        ]

        def opt(w: QLineEdit) -> str | None:
            return w.text().strip() or None

        return {
            "given_name": self.given.text().strip(),
            "family_name": self.family.text().strip(),
            "employee_id": opt(self.employee_id),
            "email": opt(self.email),
            "role_subject": opt(self.subject),
            "grade_band": opt(self.grade),
            "site_ids": site_ids,
        }


class ReferDialog(FormDialog):
    def __init__(self, parent: QWidget | None, name: str) -> None:
        super().__init__(f"Refer {name}", parent, ok_text="Refer")
        self.program = QComboBox()
        self.program.setAccessibleName("Program")
        for p in Program:
            self.program.addItem(label(p.value), p.value)
        self.form.addRow("&Program:", self.program)
        self.referred_on = date_edit(name="Referred on")
        self.form.addRow("Referred &on:", self.referred_on)
        self.source = self.line("Referral &source:", "", name="Referral source")

    def values(self) -> dict:
        return {
            "program": self.program.currentData(),
            "referred_on": pydate(self.referred_on.date()),
            "referral_source": self.source.text().strip() or None,
        }


class IntakeDialog(FormDialog):
    def __init__(self, parent: QWidget | None, name: str) -> None:
        super().__init__(f"Intake meeting with {name}", parent, ok_text="Record intake")
        self.set_intro("Every educator meets the CT to hear about the program before enrolling.")
        self.held_on = date_edit(name="Held on")
        self.form.addRow("&Held on:", self.held_on)
        self.attendees = self.line("&Attendees:", name="Attendees")
        self.notes = self.text("&Notes:", name="Intake notes")
        self.explained = QCheckBox("Program, confidentiality and timelines explained")
        self.explained.setChecked(True)
        self.explained.setAccessibleName("Program explained")
        self.form.addRow("", self.explained)

    def values(self) -> dict:
        return {
            "held_on": pydate(self.held_on.date()),
            "attendees": self.attendees.text().strip() or None,
            "notes": self.notes.toPlainText().strip() or None,
            "program_explained": self.explained.isChecked(),
        }


class CapOverrideDialog(FormDialog):
    """Shown when enrolling would exceed the caseload cap: enrol anyway only with a reason."""

    def __init__(self, parent: QWidget | None, message: str) -> None:
        super().__init__("Caseload cap reached", parent, ok_text="Enrol anyway")
        self.set_intro(message)
        self.reason = self.text("&Reason:", name="Override reason")
        self.revalidate()

    def valid(self) -> bool:
        return bool(self.reason.toPlainText().strip())

    def value(self) -> str:
        return self.reason.toPlainText().strip()


class EndDialog(FormDialog):
    """Complete or exit an enrolment; exiting needs a reason."""

    def __init__(self, parent: QWidget | None, name: str, *, exiting: bool) -> None:
        super().__init__(
            f"{'Exit' if exiting else 'Complete'} {name}",
            parent,
            ok_text="Exit from program" if exiting else "Mark completed",
        )
        self.exiting = exiting
        self.ended_on = date_edit(name="Ended on")
        self.form.addRow("&Ended on:", self.ended_on)
        self.reason = self.text("&Reason:" if exiting else "&Notes:", name="Reason" if exiting else "Notes")
        self.revalidate()

    def valid(self) -> bool:
        return not self.exiting or bool(self.reason.toPlainText().strip())

    def values(self) -> dict:
        return {"ended_on": pydate(self.ended_on.date()), "reason": self.reason.toPlainText().strip()}
