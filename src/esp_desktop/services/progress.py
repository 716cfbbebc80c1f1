"""Periodic progress reports to the ESP Panel on each PAR case (every 30 school days by default).

A report is drafted from what happened since the last one (observations, goal progress, support given, next
steps), edited by the CT, then finalized (hashed, frozen) and printed on one page for the Panel. The draft only
uses records the Panel may read: CT-private notes never reach it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import panel_rules, policy, rules, timefmt
from ..core.enums import DocumentStatus, EnrolmentStatus, ObservationStatus, Program, label
from ..core.errors import RuleViolation, ValidationError
from ..core.school_calendar import Calendars
from ..store.models import (
    CoachingActivity,
    Educator,
    EvaluationCycle,
    Goal,
    GoalProgress,
    Observation,
    Prescription,
    ProgressReport,
)
from .compliance import DueItem
from .cycle_docs import DocumentService

FIELDS = ("observations", "goal_progress", "support", "next_steps")
MAX_FIELD = 2500  # characters: the report is one page


@dataclass(frozen=True)
class ProgressSlot:
    due_on: date
    sent_on: date | None
    state: str  # done | late | due_soon | upcoming


@dataclass(frozen=True)
class ProgressSchedule:
    educator_id: str
    educator_name: str
    cycle: EvaluationCycle
    every: int  # school days
    slots: tuple[ProgressSlot, ...]
    last_sent: date | None

    @property
    def next_due(self) -> ProgressSlot | None:
        return next((s for s in self.slots if s.state != "done"), None)


def _visible_to_panel(record: object) -> bool:
    return policy.label_allows(getattr(record, "audience", "ct_private"), policy.PANEL)


class ProgressReportService(DocumentService):
    model = ProgressReport
    noun = "progress report"

    # --- when they are due -----------------------------------------------------------------------------------

    def _schedule(self, s: Session, e: Educator, cycle: EvaluationCycle, today: date, *,
                  cal: Calendars | None = None, finals: Sequence[Any] | None = None,
                  every: int | None = None) -> ProgressSchedule:
        """``cal``, ``finals`` (the educator's final reports, from ``finals_in``) and ``every`` (the Panel's
        setting): already read by a caller that schedules many cycles at once (the compliance dashboard)."""
        every = self._svc.panel.settings_in(s).progress_every if every is None else every
        cal = cal or self._svc.calendars.calendars_in(s)
        dues = panel_rules.progress_due_dates(cycle.start_on, cycle.end_on, every=every,
                                              add_school_days=cal.add_school_days)
        if finals is None:
            finals = self.finals_in(s, [e.id]).get(e.id, [])
        sent = [d.finalized_at.date() for d in finals
                if d.finalized_at and d.supersedes_id is None]  # a correction re-sends a report, it is not a new one
        matched = panel_rules.progress_schedule(dues, sent, start=cycle.start_on)
        slots = tuple(ProgressSlot(due, done, rules.item_state(due, done, today)) for due, done in matched)
        return ProgressSchedule(e.id, e.display_name, cycle, every, slots, max(sent, default=None))

    def finals_in(self, s: Session, educator_ids: Sequence[str]) -> dict[str, list[Any]]:
        """When these educators' final progress reports were sent (educator_id, finalized_at, supersedes_id), by
        educator: one query for a whole caseload."""
        out: dict[str, list[Any]] = {}
        for r in s.execute(select(ProgressReport.educator_id, ProgressReport.finalized_at, ProgressReport.supersedes_id)
                           .where(ProgressReport.deleted.is_(False), ProgressReport.educator_id.in_(educator_ids),
                                  ProgressReport.status == DocumentStatus.FINAL.value)):
            out.setdefault(r.educator_id, []).append(r)
        return out

    def schedule(self, educator_id: str, *, today: date | None = None) -> ProgressSchedule | None:
        """When this PAR case's progress reports are due, and which were sent (None: no evaluation cycle)."""
        today = today or self.today()
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            cycle = self._svc.compliance.cycle_on_in(s, educator_id, today)
            return None if cycle is None else self._schedule(s, e, cycle, today)

    def due_items(self, *, today: date | None = None) -> list[DueItem]:
        """Every enrolled PAR educator's progress reports, for the compliance dashboard."""
        today = today or self.today()
        out: list[DueItem] = []
        with self.session() as s:
            for e in s.scalars(self.live(Educator)):
                en = self._svc.caseload.active_enrolment_in(s, e.id)
                if en is None or en.program != Program.PAR or en.status != EnrolmentStatus.ENROLLED:
                    continue
                cycle = self._svc.compliance.cycle_on_in(s, e.id, today)
                if cycle is not None:
                    out += self.items_for(s, e, cycle, today)
        return sorted(out, key=lambda i: (i.due_on, i.educator_name))

    def items_for(self, s: Session, e: Educator, cycle: EvaluationCycle, today: date, *,
                  cal: Calendars | None = None, finals: Sequence[Any] | None = None,
                  every: int | None = None) -> list[DueItem]:
        """One cycle's progress reports as compliance items (``what == "progress_report"``)."""
        sched = self._schedule(s, e, cycle, today, cal=cal, finals=finals, every=every)
        return [DueItem(e.id, e.display_name, cycle.id, "progress_report", None, slot.due_on, slot.state,
                        f"Progress report {n} to the Panel", slot.sent_on) for n, slot in enumerate(sched.slots, 1)]

    # --- the report -------------------------------------------------------------------------------------------

    def draft(self, *, educator_id: str) -> ProgressReport:
        """A draft covering the days since the last report (or the cycle's start), filled in from the records."""
        today = self.today()
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            program = self._svc.caseload.program_of(s, educator_id)
            if program != Program.PAR:
                raise RuleViolation(f"Progress reports to the Panel are for PAR cases; {e.display_name} is in "
                                    f"{program or 'no program'}.")
            if any(d.status == DocumentStatus.DRAFT for d in s.scalars(self.live(ProgressReport).where(
                    ProgressReport.educator_id == educator_id))):
                raise RuleViolation(f"A progress report on {e.display_name} is already in draft: finish it first.")
            cycle = self._svc.compliance.cycle_on_in(s, educator_id, today)
            if cycle is None:
                raise RuleViolation(f"Start {e.display_name}'s evaluation cycle first: reports follow its dates.")
            last = max((d.period_end for d in s.scalars(self.live(ProgressReport).where(
                ProgressReport.educator_id == educator_id, ProgressReport.status == DocumentStatus.FINAL.value))),
                default=None)
            start = (last + timedelta(days=1)) if last else cycle.start_on
            if start > today:
                raise RuleViolation("The last report already covers today: the next one covers the days after it.")
            sched = self._schedule(s, e, cycle, today)
            nxt = sched.next_due
            text = self._compose(s, e.id, start, today, cycle)
            r = ProgressReport(educator_id=e.id, cycle_id=cycle.id, period_start=start, period_end=today,
                               due_on=nxt.due_on if nxt else None, status=DocumentStatus.DRAFT.value, **text)
            s.add(r)
            return r

    def _compose(self, s: Session, educator_id: str, start: date, end: date,
                 cycle: EvaluationCycle) -> dict[str, str]:
        def between(day: date | None) -> bool:
            return day is not None and start <= day <= end

        obs = [o for o in s.scalars(self.live(Observation).where(
            Observation.educator_id == educator_id, Observation.status == ObservationStatus.FINISHED.value)
            .order_by(Observation.observed_on)) if between(o.observed_on) and _visible_to_panel(o)]
        obs_lines = []
        for o in obs:
            head = f"{timefmt.doc_date(o.observed_on)}: {label(o.kind).lower()} observation"
            if o.class_period:
                head += f" ({o.class_period})"
            fb = _first_sentence(o.feedback)
            obs_lines.append(f"{head}{'. Feedback: ' + fb if fb else '.'}")
        goal_lines = []
        for g in s.scalars(self.live(Goal).where(Goal.educator_id == educator_id).order_by(Goal.created_at)):
            if not _visible_to_panel(g):
                continue
            checks = [c for c in s.scalars(self.live(GoalProgress).where(GoalProgress.goal_id == g.id)
                                           .order_by(GoalProgress.checked_on))
                      if between(c.checked_on) and _visible_to_panel(c)]
            line = f"{g.title} ({label(g.status).lower()})"
            if checks:
                c = checks[-1]
                pct = f"{c.percent}% on " if c.percent is not None else "checked "
                line += f": {pct}{timefmt.doc_date(c.checked_on)}. {_first_sentence(c.note)}"
            else:
                line += ": no progress check in this period."
            goal_lines.append(line)
        acts = [a for a in s.scalars(self.live(CoachingActivity).where(CoachingActivity.educator_id == educator_id))
                if between(a.held_on) and _visible_to_panel(a)]
        counts: Counter[str] = Counter()
        minutes: Counter[str] = Counter()
        for a in acts:
            counts[a.kind] += 1
            minutes[a.kind] += a.minutes or 0
        support = [f"{label(k)}: {n} session{'s' if n != 1 else ''}, {_hours(minutes[k])}"
                   for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        steps = []
        for p in s.scalars(self.live(Prescription).where(Prescription.educator_id == educator_id)
                           .order_by(Prescription.created_at)):
            if p.status in ("open", "in_progress") and _visible_to_panel(p):
                due = f" (by {timefmt.doc_date(p.due_on)})" if p.due_on else ""
                steps.append(f"{_first_sentence(p.action)}{due}")
        cc = self._svc.compliance._compliance(s, cycle, "", end, progress_reports=False)  # the cycle's own steps
        nxt = cc.next_due
        if nxt is not None:
            steps.append(f"Next on the cycle: {nxt.label.lower()}, due {timefmt.doc_date(nxt.due_on)}.")
        return {
            "observations": "\n".join(obs_lines) or "No observations in this period.",
            "goal_progress": "\n".join(goal_lines) or "No goals are set yet.",
            "support": "\n".join(support) or "No coaching sessions were logged in this period.",
            "next_steps": "\n".join(steps) or "",
        }

    def update(self, report_id: str, **fields: str | None) -> ProgressReport:
        for k, v in fields.items():
            if k in FIELDS and v is not None and len(v) > MAX_FIELD:
                raise ValidationError(f"Keep each part under {MAX_FIELD} characters: the report is one page.")
        with self.session() as s:
            r = self._editable(s, report_id)
            self.apply_fields(r, {k: (v or "").strip() or None for k, v in fields.items()}, FIELDS)
            return r

    def finalize(self, *, report_id: str) -> ProgressReport:
        with self.session() as s:
            r = self._editable(s, report_id)
            if not any((getattr(r, f) or "").strip() for f in FIELDS):
                raise ValidationError("The report is empty: write what happened since the last one.")
            if not (r.next_steps or "").strip():
                raise ValidationError("Write the next steps: the Panel reads what comes next.")
            self._seal(r)
            return r

    def correct(self, *, report_id: str) -> ProgressReport:
        with self.session() as s:
            return self._start_correction(s, self._doc(s, report_id), (
                "educator_id", "cycle_id", "period_start", "period_end", "due_on", *FIELDS))


def _first_sentence(text: str | None, limit: int = 220) -> str:
    t = " ".join((text or "").split())
    if not t:
        return ""
    cut = t.find(". ")
    t = t[: cut + 1] if 0 < cut < limit else t
    return t if len(t) <= limit else t[: limit - 1].rstrip() + "…"


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"
