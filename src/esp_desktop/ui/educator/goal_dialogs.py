"""Dialogs of the overview: add or edit a goal (and close it: met, partly met, not met, closed), add a progress
check, add or edit a prescription. Errors stay in the dialog, nothing typed is lost."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from ...core.enums import GoalKind, GoalStatus, PrescriptionStatus, label
from ..widgets.drafts import restorable
from ..widgets.fields import AudienceCombo, pydate
from ..widgets.forms import FormDialog
from ..widgets.tagpicker import TagField

GOAL_STATUSES = [s.value for s in GoalStatus if s != GoalStatus.DISCONTINUED]
RX_STATUSES = [s.value for s in PrescriptionStatus]


def _text(dlg: FormDialog, caption: str, value: str | None, name: str, height: int = 120) -> QPlainTextEdit:
    return dlg.text(caption, value, name=name, height=height)


@restorable("goal")
class GoalDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str, cycle_id: str | None = None,
                 goal_id: str | None = None) -> None:
        g = next((x for x in ctx.svc.goals.for_educator(educator_id) if x.id == goal_id), None) if goal_id else None
        super().__init__(ctx, "Edit goal" if g else "Add goal", parent, width=560)
        self.educator_id, self.cycle_id, self.goal = educator_id, cycle_id, g
        self.kind = self.combo("&Kind", [(label(k.value), k.value) for k in GoalKind], g.kind if g else None,
                               name="Goal kind")
        self.title = self.line("&Title", g.title if g else "", name="Goal title")
        self.statement = _text(self, "&Statement", g.statement if g else "", "SMART goal statement")
        self.statement.setPlaceholderText("Specific, measurable, time-bound")
        self.baseline: QLineEdit = self.line("&Baseline", g.baseline if g else "", name="Baseline")
        self.target = self.line("Tar&get", g.target if g else "", name="Target")
        self.measure = self.line("&Measure", g.measure if g else "", name="Measure")
        self.due = self.date("&Due", g.due_on if g else None, name="Goal due date")
        self.status = None
        if g is not None:
            self.status = self.combo("St&atus", [(label(s), s) for s in GOAL_STATUSES], g.status, name="Goal status")
        self.tags = TagField(ctx.svc.rubric)
        self.tags.setAccessibleName("Goal indicators and equity areas")
        if g is not None:
            self.tags.set_codes([*g.indicator_codes, *getattr(g, "equity_codes", [])])
        self.row("&Indicators && equity", self.tags)
        self.audience = AudienceCombo()
        self.audience.set_value(g.audience if g else "educator")
        self.audience.setEnabled(g is None)  # an existing goal's audience changes from its badge (right-click)
        self.row("Audi&ence", self.audience)
        self.resize(560, 600)

    def draft_args(self) -> dict[str, Any]:
        return {"educator_id": self.educator_id, "cycle_id": self.cycle_id,
                "goal_id": self.goal.id if self.goal else None}

    def save(self, *, force: bool = False) -> Any:
        ind, eq = self.tags.codes()
        fields = dict(
            kind=str(self.kind.currentData()),
            title=self.title.text(),
            statement=self.statement.toPlainText(),
            baseline=self.baseline.text() or None,
            target=self.target.text() or None,
            measure=self.measure.text() or None,
            due_on=pydate(self.due.date()),
            indicator_codes=ind,
            equity_codes=eq,
        )
        goals = self.ctx.svc.goals
        if self.goal is None:
            return goals.add(educator_id=self.educator_id, cycle_id=self.cycle_id, audience=self.audience.value(),
                             **fields)
        assert self.status is not None
        return goals.update(self.goal.id, status=self.status.currentData(),
                            unchanged_since=None if force else self.goal.updated_at, **fields)


@restorable("goal_progress")
class ProgressDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, goal_id: str, educator_id: str) -> None:
        goal = next(g for g in ctx.svc.goals.for_educator(educator_id) if g.id == goal_id)
        super().__init__(ctx, "Add progress check", parent)
        self.goal, self.educator_id = goal, educator_id
        self.set_intro(f"<b>{goal.title}</b>")
        self.checked_on = self.date("&Checked on", name="Checked on")
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.percent.setAccessibleName("Progress percent")
        self.row("&Progress", self.percent)
        self.note = _text(self, "&Note", "", "Progress note")
        self.resize(460, 320)

    def draft_args(self) -> dict[str, Any]:
        return {"goal_id": self.goal.id, "educator_id": self.educator_id}

    def save(self, *, force: bool = False) -> Any:
        return self.ctx.svc.goals.add_progress(
            goal_id=self.goal.id,
            note=self.note.toPlainText(),
            checked_on=pydate(self.checked_on.date()),
            percent=self.percent.value(),
        )


@restorable("prescription")
class PrescriptionDialog(FormDialog):
    """A prescription/recommendation aligned to rubric indicators (the service requires at least one)."""

    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str, cycle_id: str | None = None,
                 prescription_id: str | None = None) -> None:
        p = next((x for x in ctx.svc.goals.prescriptions(educator_id) if x.id == prescription_id), None)
        super().__init__(ctx, "Edit prescription" if p else "Add prescription", parent, width=560)
        self.educator_id, self.cycle_id, self.rx = educator_id, cycle_id, p
        self.concern = _text(self, "&Concern", p.concern if p else "", "Area of concern")
        self.concern.setPlaceholderText("What the evidence shows needs to change")
        self.action = _text(self, "&Action", p.action if p else "", "Prescribed action")
        self.action.setPlaceholderText("What the educator will do, and the support the CT provides")
        self.resources = self.line("&Resources", p.resources if p else "", name="Resources")
        self.due = self.date("&Due", p.due_on if p else None, name="Prescription due date")
        self.status = None
        if p is not None:
            self.status = self.combo("Stat&us", [(label(s), s) for s in RX_STATUSES], p.status,
                                     name="Prescription status")
        self.tags = TagField(ctx.svc.rubric)
        self.tags.setAccessibleName("Prescription indicators")
        if p is not None:
            self.tags.set_codes(p.indicator_codes)
        self.row("&Indicators", self.tags)
        self.audience = AudienceCombo()
        self.audience.set_value(p.audience if p else "educator")
        self.audience.setEnabled(p is None)
        self.row("Audi&ence", self.audience)
        self.resize(560, 600)

    def draft_args(self) -> dict[str, Any]:
        return {"educator_id": self.educator_id, "cycle_id": self.cycle_id,
                "prescription_id": self.rx.id if self.rx else None}

    def save(self, *, force: bool = False) -> Any:
        ind, _eq = self.tags.codes()
        fields = dict(
            indicator_codes=ind,
            concern=self.concern.toPlainText(),
            action=self.action.toPlainText(),
            resources=self.resources.text() or None,
            due_on=pydate(self.due.date()),
        )
        goals = self.ctx.svc.goals
        if self.rx is None:
            return goals.add_prescription(educator_id=self.educator_id, cycle_id=self.cycle_id,
                                          audience=self.audience.value(), **fields)
        assert self.status is not None
        return goals.update_prescription(self.rx.id, status=self.status.currentData(),
                                         unchanged_since=None if force else self.rx.updated_at, **fields)
