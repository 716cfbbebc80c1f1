"""Dialogs of the overview: add a goal, add a progress check. Errors stay in the dialog, nothing is lost."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...core.enums import GoalKind
from ..context import AppContext
from ..widgets.fields import AudienceCombo, MessageBar, date_edit, enum_combo, pydate
from ..widgets.tagpicker import TagField
from ..widgets.write import ui_write


def _text(name: str, height: int = 60) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMaximumHeight(height * 2)
    return t


class _Dialog(QDialog):
    saved = Signal(str)
    ctx: AppContext

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.message = MessageBar(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)

    def _save(self) -> None:
        done = ui_write(self, self.save, ctx=self.ctx, report=self.message.show_error)
        if done is None:
            return  # the message is shown in the dialog; nothing typed is lost
        self.saved.emit(done.value.id)
        self.accept()

    def save(self) -> Any:
        raise NotImplementedError


class GoalDialog(_Dialog):
    def __init__(
        self, ctx: AppContext, educator_id: str, cycle_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Add goal", parent)
        self.ctx, self.educator_id, self.cycle_id = ctx, educator_id, cycle_id
        self.kind = enum_combo("Goal kind", [k.value for k in GoalKind])
        self.title = QLineEdit()
        self.title.setAccessibleName("Goal title")
        self.statement = _text("SMART goal statement")
        self.statement.setPlaceholderText("Specific, measurable, time-bound")
        self.baseline = QLineEdit()
        self.baseline.setAccessibleName("Baseline")
        self.target = QLineEdit()
        self.target.setAccessibleName("Target")
        self.measure = QLineEdit()
        self.measure.setAccessibleName("Measure")
        self.due = date_edit("Goal due date")
        self.tags = TagField(ctx.svc.rubric)
        self.audience = AudienceCombo()
        self.audience.set_value("educator")
        for text, w in (
            ("Kind", self.kind),
            ("Title", self.title),
            ("Statement", self.statement),
            ("Baseline", self.baseline),
            ("Target", self.target),
            ("Measure", self.measure),
            ("Due", self.due),
            ("Indicators", self.tags),
            ("Audience", self.audience),
        ):
            self.form.addRow(text, w)
        self.finish_layout()
        self.resize(560, 640)

    def save(self) -> Any:
        ind, _eq = self.tags.codes()
        g = self.ctx.svc.goals.add(
            educator_id=self.educator_id,
            kind=str(self.kind.currentData()),
            title=self.title.text(),
            statement=self.statement.toPlainText(),
            baseline=self.baseline.text() or None,
            target=self.target.text() or None,
            measure=self.measure.text() or None,
            due_on=pydate(self.due.date()),
            indicator_codes=ind,
            cycle_id=self.cycle_id,
            audience=self.audience.value(),
        )
        return g


class ProgressDialog(_Dialog):
    def __init__(self, ctx: AppContext, goal: Any, parent: QWidget | None = None) -> None:
        super().__init__("Add progress check", parent)
        self.ctx, self.goal = ctx, goal
        self.checked_on = date_edit("Checked on")
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.percent.setAccessibleName("Progress percent")
        self.note = _text("Progress note")
        lab = QLabel(f"<b>{goal.title}</b>")
        lab.setWordWrap(True)
        self.form.addRow(lab)
        self.form.addRow("Checked on", self.checked_on)
        self.form.addRow("Progress", self.percent)
        self.form.addRow("Note", self.note)
        self.finish_layout()
        self.resize(460, 300)

    def save(self) -> Any:
        p = self.ctx.svc.goals.add_progress(
            goal_id=self.goal.id,
            note=self.note.toPlainText(),
            checked_on=pydate(self.checked_on.date()),
            percent=self.percent.value(),
        )
        return p


class PrescriptionDialog(_Dialog):
    """A prescription/recommendation aligned to rubric indicators (the service requires at least one)."""

    def __init__(
        self, ctx: AppContext, educator_id: str, cycle_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Add prescription", parent)
        self.ctx, self.educator_id, self.cycle_id = ctx, educator_id, cycle_id
        self.concern = _text("Area of concern")
        self.concern.setPlaceholderText("What the evidence shows needs to change")
        self.action = _text("Prescribed action")
        self.action.setPlaceholderText("What the educator will do, and the support the CT provides")
        self.resources = QLineEdit()
        self.resources.setAccessibleName("Resources")
        self.due = date_edit("Prescription due date")
        self.tags = TagField(ctx.svc.rubric)
        self.audience = AudienceCombo()
        self.audience.set_value("educator")
        for text, w in (
            ("Concern", self.concern),
            ("Action", self.action),
            ("Resources", self.resources),
            ("Due", self.due),
            ("Indicators", self.tags),
            ("Audience", self.audience),
        ):
            self.form.addRow(text, w)
        self.finish_layout()
        self.resize(560, 600)

    def save(self) -> Any:
        ind, _eq = self.tags.codes()
        p = self.ctx.svc.goals.add_prescription(
            educator_id=self.educator_id,
            indicator_codes=ind,
            concern=self.concern.toPlainText(),
            action=self.action.toPlainText(),
            resources=self.resources.text() or None,
            due_on=pydate(self.due.date()),
            cycle_id=self.cycle_id,
            audience=self.audience.value(),
        )
        return p
