"""Dialogs of the caseload screen, each saving itself: add/edit educator, refer, intake, enrol (with the
PAR evaluation cycle in the same step, and the cap override reason when the caseload is full), complete/exit,
and the evaluation cycle (also used by the educator's Overview)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from ...core import clock, rules
from ...core.compliance_rules import STANDARD_ANNOUNCED, STANDARD_UNANNOUNCED
from ...core.enums import Program, label
from ...core.errors import CaseloadCapExceeded
from ...core.rubric import shipped_rubrics
from ..widgets.drafts import restorable
from ..widgets.fields import pydate, qdate
from ..widgets.forms import FormDialog, date_field

__all__ = ["date_edit", "pydate", "qdate"]  # (also used by the panel page)


def date_edit(d: date | None = None, *, name: str) -> QDateEdit:
    return date_field(name, d)


@restorable("educator")
class EducatorDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str | None = None) -> None:
        svc = ctx.svc
        e = svc.caseload.educator(educator_id) if educator_id else None
        super().__init__(ctx, "Edit educator" if e else "Add educator", parent, ok_text="Save" if e else "Add")
        self.educator = e
        self.given = self.line("&Given name:", e.given_name if e else "", name="Given name", required=True)
        self.family = self.line("&Family name:", e.family_name if e else "", name="Family name", required=True)
        self.employee_id = self.line("&Employee id:", e.employee_id if e else "", name="Employee id")
        self.email = self.line("E&mail:", e.email if e else "", name="Email")
        self.subject = self.line("&Role / subject:", e.role_subject if e else "", name="Role or subject")
        self.grade = self.line("Grade &band:", e.grade_band if e else "", name="Grade band")
        self.sites = QListWidget()
        self.sites.setAccessibleName("Sites")
        self.sites.setMaximumHeight(110)
        chosen = set(e.site_ids) if e else set()
        for s in svc.caseload.sites():
            if s.archived and s.id not in chosen:
                continue
            it = QListWidgetItem(s.name + (" (archived)" if s.archived else ""))
            it.setData(Qt.ItemDataRole.UserRole, s.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            self.sites.addItem(it)
        self.row("&Sites:", self.sites)
        if self.sites.count() == 0:
            self.set_intro("No schools yet: add them with Program › Sites…, then tick them here.")
        self.revalidate()

    def draft_args(self) -> dict[str, Any]:
        return {"educator_id": self.educator.id if self.educator else None}

    def values(self) -> dict[str, Any]:
        site_ids = [
            self.sites.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sites.count())
            if self.sites.item(i).checkState() == Qt.CheckState.Checked
        ]

        def opt(w: Any) -> str | None:
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

    def save(self, *, force: bool = False) -> Any:
        cl = self.ctx.svc.caseload
        if self.educator is None:
            return cl.add_educator(**self.values())
        since = None if force else self.educator.updated_at
        return cl.update_educator(self.educator.id, unchanged_since=since, **self.values())


@restorable("refer")
class ReferDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str) -> None:
        e = ctx.svc.caseload.educator(educator_id)
        super().__init__(ctx, f"Refer {e.display_name}", parent, ok_text="Refer")
        self.educator_id = educator_id
        self.program = self.combo("&Program:", [(label(p.value), p.value) for p in Program], name="Program")
        self.referred_on = self.date("Referred &on:", name="Referred on")
        self.source = self.line("Referral &source:", "", name="Referral source")

    def draft_args(self) -> dict[str, Any]:
        return {"educator_id": self.educator_id}

    def save(self, *, force: bool = False) -> Any:
        return self.ctx.svc.caseload.refer(
            educator_id=self.educator_id,
            program=self.program.currentData(),
            referred_on=pydate(self.referred_on.date()),
            referral_source=self.source.text().strip() or None,
        )


@restorable("intake")
class IntakeDialog(FormDialog):
    """The intake meeting: record one that was held, or plan one."""

    def __init__(self, ctx: Any, parent: QWidget | None, enrolment_id: str, educator_id: str) -> None:
        e = ctx.svc.caseload.educator(educator_id)
        super().__init__(ctx, f"Intake meeting with {e.display_name}", parent, ok_text="Save intake")
        self.enrolment_id, self.educator_id = enrolment_id, educator_id
        self.set_intro("Every educator meets the CT to hear about the program before enrolling.")
        self.held = QRadioButton("The meeting was &held")
        self.held.setAccessibleName("Meeting held")
        self.planned = QRadioButton("The meeting is &planned")
        self.planned.setAccessibleName("Meeting planned")
        group = QButtonGroup(self)
        group.addButton(self.held)
        group.addButton(self.planned)
        self.held.setChecked(True)
        self.form.addRow("", self.held)
        self.form.addRow("", self.planned)
        self.held_on = self.date("&On:", name="Held on")
        self.attendees = self.line("&Attendees:", name="Attendees")
        self.notes = self.text("&Notes:", name="Intake notes")
        self.explained = self.check("Program, confidentiality and timelines explained", True, name="Program explained")
        self.held.toggled.connect(self._mode)
        self._mode()

    def _mode(self, *_: Any) -> None:
        held = self.held.isChecked()
        for w in (self.attendees, self.notes, self.explained):
            w.setEnabled(held)
        self.ok.setText("Record intake" if held else "Plan intake")

    def draft_args(self) -> dict[str, Any]:
        return {"enrolment_id": self.enrolment_id, "educator_id": self.educator_id}

    def save(self, *, force: bool = False) -> Any:
        cl = self.ctx.svc.caseload
        day = pydate(self.held_on.date())
        if self.planned.isChecked():
            return cl.schedule_intake(enrolment_id=self.enrolment_id, on=day)
        return cl.record_intake(
            enrolment_id=self.enrolment_id,
            held_on=day,
            attendees=self.attendees.text().strip() or None,
            notes=self.notes.toPlainText().strip() or None,
            program_explained=self.explained.isChecked(),
        )


class CycleFields(QWidget):
    """Plan type, dates, rubric, required observations and secondary evaluator of a PAR evaluation cycle (due
    dates follow the dates, on school days, until the CT changes them; fewer than 1 + 4 observations need a
    written justification)."""

    def __init__(self, ctx: Any, cycle: Any = None, *, start: date | None = None) -> None:
        super().__init__()
        svc = ctx.svc
        self._cal = svc.calendars.calendars()
        start = cycle.start_on if cycle else (start or clock.today())
        end = cycle.end_on if cycle else rules.default_cycle_end(start)
        self.plan = QComboBox()
        self.plan.setAccessibleName("Plan type")
        for code, name in svc.rubric.plan_types:
            self.plan.addItem(name, code)
        # PAR cycles are usually directed growth or improvement plans, not self-directed ones
        self.plan.setCurrentIndex(max(0, self.plan.findData(cycle.plan_type if cycle else "directed_growth")))
        self.start = date_field("Cycle start", start)
        self.end = date_field("Cycle end", end)
        self.formative = date_field("Formative due", cycle.formative_due_on if cycle and cycle.formative_due_on
                                    else rules.formative_due(start, end, self._cal))
        self.summative = date_field("Summative due", cycle.summative_due_on if cycle and cycle.summative_due_on
                                    else rules.summative_due(start, end, self._cal))
        self.rubric = QComboBox()
        self.rubric.setAccessibleName("Rubric of this cycle's documents")
        self.rubric.setToolTip("Documents of this cycle print their standards and tags with this rubric's codes "
                               "and names (Boston's 2012-structure rubric or DESE's 2018 one)")
        for rid, r in {svc.rubric.id: svc.rubric, **shipped_rubrics()}.items():
            self.rubric.addItem(f"{r.title} ({r.version})", rid)
        self.rubric.setCurrentIndex(max(0, self.rubric.findData((cycle.rubric_id if cycle else None)
                                                                or svc.rubric.id)))
        self.announced = QSpinBox()
        self.announced.setRange(0, 10)
        self.announced.setAccessibleName("Announced observations required")
        self.announced.setValue(cycle.required_announced if cycle else STANDARD_ANNOUNCED)
        self.unannounced = QSpinBox()
        self.unannounced.setRange(0, 20)
        self.unannounced.setAccessibleName("Unannounced observations required")
        self.unannounced.setValue(cycle.required_unannounced if cycle else STANDARD_UNANNOUNCED)
        self.exception = QLineEdit((cycle.minimum_exception or "") if cycle else "")
        self.exception.setAccessibleName("Why fewer observations are required")
        self.exception.setPlaceholderText("Only with fewer than 1 + 4: e.g. enrolled in February after a leave")
        self.second = QComboBox()
        self.second.setAccessibleName("Secondary evaluator")
        self.second.addItem("(none)", None)
        for p in svc.caseload.people():
            self.second.addItem(f"{p.name} · {label(p.role)}", p.id)
        if cycle and cycle.secondary_evaluator_id:
            self.second.setCurrentIndex(max(0, self.second.findData(cycle.secondary_evaluator_id)))
        f = QFormLayout(self)
        f.setContentsMargins(0, 0, 0, 0)
        f.addRow("&Plan type:", self.plan)
        f.addRow("Cycle &starts:", self.start)
        f.addRow("Cycle en&ds:", self.end)
        f.addRow("&Formative due:", self.formative)
        f.addRow("S&ummative due:", self.summative)
        f.addRow("&Rubric:", self.rubric)
        need = QHBoxLayout()
        need.addWidget(self.announced)
        need.addWidget(QLabel("announced,"))
        need.addWidget(self.unannounced)
        need.addWidget(QLabel("unannounced"))
        need.addStretch(1)
        f.addRow("Observations &required:", need)
        f.addRow("Why fe&wer:", self.exception)
        f.addRow("Secondary e&valuator:", self.second)
        self.announced.valueChanged.connect(self._minimum_changed)
        self.unannounced.valueChanged.connect(self._minimum_changed)
        self._minimum_changed()
        self._auto = cycle is None
        self.formative.dateChanged.connect(self._manual)
        self.summative.dateChanged.connect(self._manual)
        self.start.dateChanged.connect(self._follow)
        self.end.dateChanged.connect(self._follow)

    def _minimum_changed(self, *_: Any) -> None:
        lower = (self.announced.value() < STANDARD_ANNOUNCED
                 or self.unannounced.value() < STANDARD_UNANNOUNCED)
        self.exception.setEnabled(lower)  # a justified, audited exception (late enrolment, a leave)

    def _manual(self, *_: Any) -> None:
        if not self._following:
            self._auto = False

    _following = False

    def _follow(self, *_: Any) -> None:
        if not self._auto:
            return
        s, e = pydate(self.start.date()), pydate(self.end.date())
        self._following = True
        if e > s:
            self.formative.setDate(qdate(rules.formative_due(s, e, self._cal)))
            self.summative.setDate(qdate(rules.summative_due(s, e, self._cal)))
        self._following = False

    def values(self) -> dict[str, Any]:
        return {
            "plan_type": self.plan.currentData(),
            "start_on": pydate(self.start.date()),
            "end_on": pydate(self.end.date()),
            "formative_due_on": pydate(self.formative.date()),
            "summative_due_on": pydate(self.summative.date()),
            "secondary_evaluator_id": self.second.currentData(),
            "rubric_id": self.rubric.currentData(),
            "required_announced": self.announced.value(),
            "required_unannounced": self.unannounced.value(),
            "minimum_exception": self.exception.text().strip() if self.exception.isEnabled() else None,
        }


@restorable("cycle")
class CycleDialog(FormDialog):
    """Start (or edit) the PAR evaluation cycle: plan type, dates, secondary evaluator."""

    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str, cycle_id: str | None = None) -> None:
        svc = ctx.svc
        e = svc.caseload.educator(educator_id)
        cycle = next((c for c in svc.compliance.cycles(educator_id) if c.id == cycle_id), None) if cycle_id else None
        super().__init__(ctx, f"{'Edit' if cycle else 'Start'} the evaluation cycle of {e.display_name}", parent,
                         ok_text="Save" if cycle else "Start cycle")
        self.educator_id, self.cycle = educator_id, cycle
        if cycle is None:
            self.set_intro("A PAR cycle requires at least 1 announced and 4 unannounced observations (fewer only "
                           "with a written justification, which is audited); the due dates below fall on school "
                           "days and are suggestions you can change.")
        self.fields = CycleFields(ctx, cycle)
        self.form.addRow(self.fields)

    def draft_args(self) -> dict[str, Any]:
        return {"educator_id": self.educator_id, "cycle_id": self.cycle.id if self.cycle else None}

    def save(self, *, force: bool = False) -> Any:
        comp = self.ctx.svc.compliance
        v = self.fields.values()
        if self.cycle is None:
            return comp.start_cycle(educator_id=self.educator_id, **v)
        return comp.update_cycle(self.cycle.id, unchanged_since=None if force else self.cycle.updated_at, **v)


@restorable("enrol")
class EnrolDialog(FormDialog):
    """Enrol after the intake: a full caseload asks for the override reason here, and a PAR educator's
    evaluation cycle can start in the same step."""

    def __init__(self, ctx: Any, parent: QWidget | None, enrolment_id: str, educator_id: str) -> None:
        svc = ctx.svc
        e = svc.caseload.educator(educator_id)
        en = svc.caseload.enrolment(educator_id)
        super().__init__(ctx, f"Enrol {e.display_name}", parent, ok_text="Enrol", width=520)
        self.enrolment_id, self.educator_id = enrolment_id, educator_id
        self.program = en.program if en else ""
        self._enrolled = False
        self.enrolled_on = self.date("&Enrolled on:", name="Enrolled on")
        self.reason = None
        try:
            svc.caseload.check_cap(enrolment_id=enrolment_id)
        except CaseloadCapExceeded as exc:
            self.set_intro(str(exc))
            self.reason = self.text("Override &reason:", name="Override reason", required=True)
        self.start_cycle: QCheckBox | None = None
        if self.program == Program.PAR:
            self.start_cycle = QCheckBox("Start the evaluation &cycle now")
            self.start_cycle.setAccessibleName("Start the evaluation cycle now")
            self.start_cycle.setChecked(True)
            self.cycle_box = QGroupBox("Evaluation cycle")
            self.cycle = CycleFields(ctx, start=clock.today())
            QFormLayout(self.cycle_box).addRow(self.cycle)
            self.form.addRow("", self.start_cycle)
            self.form.addRow(self.cycle_box)
            self.start_cycle.toggled.connect(self.cycle_box.setEnabled)
            self.enrolled_on.dateChanged.connect(lambda d: self.cycle.start.setDate(d))
        self.revalidate()

    def draft_args(self) -> dict[str, Any]:
        return {"enrolment_id": self.enrolment_id, "educator_id": self.educator_id}

    def save(self, *, force: bool = False) -> Any:
        svc = self.ctx.svc
        if not self._enrolled:
            en = svc.caseload.enrol(
                enrolment_id=self.enrolment_id,
                enrolled_on=pydate(self.enrolled_on.date()),
                override_reason=self.reason.toPlainText().strip() if self.reason is not None else None,
            )
            self._enrolled = True
            self.enrolled_on.setEnabled(False)
            if self.reason is not None:
                self.reason.setReadOnly(True)
            self.set_intro("Enrolled. Now the evaluation cycle: correct what the message says, or untick "
                           "“Start the evaluation cycle now” to start it later from the educator's Overview.")
        else:
            en = svc.caseload.enrolment(self.educator_id)
        if self.start_cycle is not None and self.start_cycle.isChecked():
            svc.compliance.start_cycle(educator_id=self.educator_id, **self.cycle.values())
        return en


@restorable("end")
class EndDialog(FormDialog):
    """Complete or exit an enrolment; exiting needs a reason."""

    def __init__(self, ctx: Any, parent: QWidget | None, enrolment_id: str, educator_id: str,
                 exiting: bool) -> None:
        e = ctx.svc.caseload.educator(educator_id)
        super().__init__(ctx, f"{'Exit' if exiting else 'Complete'} {e.display_name}", parent,
                         ok_text="Exit from program" if exiting else "Mark completed")
        self.enrolment_id, self.educator_id, self.exiting = enrolment_id, educator_id, exiting
        self.ended_on = self.date("&Ended on:", name="Ended on")
        self.reason = self.text("&Reason:" if exiting else "&Notes:", name="Reason" if exiting else "Notes",
                                required=exiting)
        self.revalidate()

    def draft_args(self) -> dict[str, Any]:
        return {"enrolment_id": self.enrolment_id, "educator_id": self.educator_id, "exiting": self.exiting}

    def save(self, *, force: bool = False) -> Any:
        cl = self.ctx.svc.caseload
        fn = cl.exit if self.exiting else cl.complete
        return fn(enrolment_id=self.enrolment_id, ended_on=pydate(self.ended_on.date()),
                  reason=self.reason.toPlainText().strip())
