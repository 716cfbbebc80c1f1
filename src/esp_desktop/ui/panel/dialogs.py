"""Dialogs of the Panel meetings screen: the Panel's members and rules, a meeting's details, the attendance.

Each dialog collects values; the page performs the write (one UI write idiom, ``ui_write``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.enums import MajorityRule, label
from ..context import AppContext
from ..widgets.drafts import restorable
from ..widgets.fields import pydate, set_combo
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.style import set_tone
from ..widgets.write import ui_write

ROLE_LABELS = {"chair": "Chair", "co_chair": "Co-chair", "member": "Member"}


def _buttons(dialog: QDialog, ok_text: str = "Save") -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setProperty("primary", True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def majority_combo(name: str, *, inherit: str | None = None) -> QComboBox:
    c = QComboBox()
    c.setAccessibleName(name)
    if inherit is not None:
        c.addItem(f"The program's rule ({label(inherit).lower()})", None)
    for r in MajorityRule:
        c.addItem(label(r.value), r.value)
    return c


class MembersDialog(QDialog):
    """The Panel's roster and the program's rules (quorum, majority, progress reports). Roster edits are written
    as they are made; the rules when Save is pressed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("panelMembersDialog")
        self.setWindowTitle("ESP Panel: members and rules")
        self.setMinimumWidth(560)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Panel members")
        self.table.setHorizontalHeaderLabels(["Name", "Seat", "Role"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.name = QLineEdit()
        self.name.setAccessibleName("New member's name")
        self.name.setPlaceholderText("Name")
        self.seat = QLineEdit()
        self.seat.setAccessibleName("Seat")
        self.seat.setPlaceholderText("Seat, e.g. BTU or BPS")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for value, text in ROLE_LABELS.items():
            self.role.addItem(text, value)
        set_combo(self.role, "member")
        self.add_btn = QPushButton(icon("plus"), "Add member")
        self.add_btn.setAccessibleName("Add member")
        self.add_btn.clicked.connect(self.add_member)
        self.remove_btn = QPushButton(icon("trash-2"), "Remove")
        self.remove_btn.setAccessibleName("Remove member")
        self.remove_btn.clicked.connect(self.remove_member)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_tone(self.error, "late")
        add_row = QHBoxLayout()
        add_row.addWidget(self.name, 2)
        add_row.addWidget(self.seat, 1)
        add_row.addWidget(self.role)
        add_row.addWidget(self.add_btn)
        add_row.addWidget(self.remove_btn)

        settings = ctx.svc.panel.settings()
        self.quorum = QSpinBox()
        self.quorum.setAccessibleName("Quorum")
        self.quorum.setRange(0, 40)
        self.quorum.setSpecialValueText("A majority of the members")
        self.quorum.setValue(settings.quorum or 0)
        self.majority = majority_combo("Majority rule")
        set_combo(self.majority, settings.majority_rule)
        self.every = QSpinBox()
        self.every.setAccessibleName("Progress reports every")
        self.every.setRange(5, 120)
        self.every.setSuffix(" school days")
        self.every.setValue(settings.progress_every)
        rules = QGroupBox("The program's rules")
        f = QFormLayout(rules)
        f.addRow("&Quorum:", self.quorum)
        f.addRow("&Majority:", self.majority)
        f.addRow("&Progress reports to the Panel every:", self.every)

        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Members of the ESP Panel (joint labour-management):"))
        lay.addWidget(self.table, 1)
        lay.addLayout(add_row)
        lay.addWidget(self.error)
        lay.addWidget(rules)
        lay.addWidget(_buttons(self))
        self.members: list[Any] = []
        self.reload()

    def reload(self) -> None:
        self.members = self.ctx.svc.panel.members()
        self.table.setRowCount(len(self.members))
        for r, m in enumerate(self.members):
            for c, text in enumerate((m.name, m.seat or "", ROLE_LABELS.get(m.role, m.role))):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.remove_btn.setEnabled(bool(self.members))

    def _report(self, exc: BaseException | str) -> None:
        self.error.setText(str(exc))

    def add_member(self) -> None:
        name, seat, role = self.name.text(), self.seat.text(), self.role.currentData()
        done = ui_write(self, lambda: self.ctx.svc.panel.add_member(name=name, seat=seat, role=role), ctx=self.ctx,
                        report=self._report)
        if done is not None:
            self.error.clear()
            self.name.clear()
            self.seat.clear()
            self.reload()

    def remove_member(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.members):
            return
        m = self.members[row]
        if ui_write(self, lambda: self.ctx.svc.panel.remove_member(m.id), ctx=self.ctx, report=self._report):
            self.reload()

    def values(self) -> dict[str, Any]:
        return {"quorum": self.quorum.value() or None, "majority_rule": self.majority.currentData(),
                "progress_every": self.every.value()}


@restorable("panel_meeting")
class MeetingDialog(FormDialog):
    """A panel meeting's date, place, chair, notes, quorum and majority rule (created here if there is none on
    that day yet). Saves itself (``FormDialog``); reopened with what was typed after a lock."""

    def __init__(self, ctx: Any, parent: QWidget | None, meets_on: str, meeting_id: str | None = None) -> None:
        m = ctx.svc.panel.meeting(meeting_id) if meeting_id else None
        super().__init__(ctx, "Panel meeting" if m else "New panel meeting", parent,
                         ok_text="Save" if m else "Create meeting")
        self.setObjectName("panelMeetingDialog")
        self.meeting = m
        panel = ctx.svc.panel
        settings = panel.settings()
        self.meets_on = self.date("&Date:", m.meets_on if m else date.fromisoformat(meets_on), name="Meeting date")
        self.start_time = self.line("&Starts at:", (m.start_time if m else None) or panel.default_time(),
                                    name="Meeting start time (HH:MM, local time)")
        self.location = self.line("&Location:", m.location if m else "", name="Meeting location")
        self.chair = QComboBox()
        self.chair.setAccessibleName("Chair")
        self.chair.setEditable(True)
        self.chair.addItem("", None)
        for member in panel.members():
            self.chair.addItem(member.name, member.name)
        self.chair.setCurrentText((m.chair if m else "") or "")
        self.row("C&hair:", self.chair)
        self.quorum = QSpinBox()
        self.quorum.setAccessibleName("Quorum for this meeting")
        self.quorum.setRange(0, 40)
        self.quorum.setSpecialValueText("The program's quorum")
        self.quorum.setValue((m.quorum if m else None) or 0)
        self.row("&Quorum:", self.quorum)
        self.majority = majority_combo("Majority rule for this meeting", inherit=settings.majority_rule)
        set_combo(self.majority, m.majority_rule if m else None)
        self.row("&Majority:", self.majority)
        self.notes = self.text("&Notes:", m.notes if m else "", name="Meeting notes")

    def draft_args(self) -> dict[str, Any]:
        return {"meets_on": pydate(self.meets_on.date()).isoformat(),
                "meeting_id": self.meeting.id if self.meeting else None}

    def save(self, *, force: bool = False) -> Any:
        panel = self.ctx.svc.panel
        values = dict(meets_on=pydate(self.meets_on.date()), location=self.location.text(),
                      notes=self.notes.toPlainText() or None, chair=self.chair.currentText(),
                      quorum=self.quorum.value() or None, majority_rule=self.majority.currentData(),
                      start_time=self.start_time.text().strip() or None)
        if self.meeting is None:
            return panel.create_meeting(**values)
        return panel.update_meeting(self.meeting.id, unchanged_since=None if force else self.meeting.updated_at,
                                    **values)


class AttendanceDialog(QDialog):
    """Tick the members present; everyone on the roster not ticked is recorded as absent."""

    def __init__(self, members: Sequence[str], present: Sequence[str], others: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelAttendanceDialog")
        self.setWindowTitle("Attendance")
        self.setMinimumWidth(380)
        self.list = QListWidget()
        self.list.setAccessibleName("Members present")
        names = list(dict.fromkeys([*members, *present]))
        for n in names:
            it = QListWidgetItem(n)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if n in present else Qt.CheckState.Unchecked)
            self.list.addItem(it)
        self.others = QLineEdit(others)
        self.others.setAccessibleName("Also present")
        self.others.setPlaceholderText("Presenters, program staff, guests")
        self.count = QLabel()
        self.list.itemChanged.connect(lambda _i: self._count())
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Members present:" if names else
                             "No members on the roster yet: add them under “Members and rules…”."))
        lay.addWidget(self.list, 1)
        lay.addWidget(self.count)
        f = QFormLayout()
        f.addRow("Also &present:", self.others)
        lay.addLayout(f)
        lay.addWidget(_buttons(self, "Record attendance"))
        self._count()

    def _count(self) -> None:
        self.count.setText(f"{len(self.present())} present")

    def _names(self, state: Qt.CheckState) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == state]

    def present(self) -> list[str]:
        return self._names(Qt.CheckState.Checked)

    def absent(self) -> list[str]:
        return self._names(Qt.CheckState.Unchecked)

