"""Evaluation cycles and cycle compliance (PAR: at least 1 announced + 4 unannounced observations).

Compliance tells the truth (``core/compliance_rules.py``): only finished, past, CT-conducted observations shared
with the educator, with feedback given, count; unannounced ones must be spaced out; due dates fall on school days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock, rules
from ..core import compliance_rules as cr
from ..core.enums import Audience, DocumentStatus, EnrolmentStatus, ObservationKind, ObservationStatus, Program
from ..core.errors import RuleViolation, ValidationError
from ..core.rubric import shipped_rubrics
from ..core.school_calendar import Calendars
from ..store.models import (
    AssessmentDocument,
    CoachingActivity,
    Contact,
    Educator,
    Enrolment,
    EvaluationCycle,
    Observation,
)
from .base import Service
from .caseload import open_enrolment

CYCLE_FIELDS = ("start_on", "end_on", "plan_type", "secondary_evaluator_id", "formative_due_on", "summative_due_on",
                "required_announced", "required_unannounced", "minimum_exception", "rubric_id")


@dataclass(frozen=True)
class DueItem:
    educator_id: str
    educator_name: str
    cycle_id: str
    what: str  # "observation" | "feedback" | "formative" | "summative"
    kind: str | None  # announced/unannounced for observations and their feedback
    due_on: date
    state: str  # late | due_soon | upcoming | done
    label: str
    done_on: date | None = None
    record_id: str | None = None  # the observation or document that satisfied it (feedback: the observation)


@dataclass(frozen=True)
class ObservationLine:
    """One observation of the cycle as compliance sees it: whether it counts, and why not."""

    observation_id: str
    kind: str
    observed_on: date
    audience: str
    counts: bool
    reason: str
    secondary: bool  # conducted by the secondary evaluator: listed apart, never counted for the CT
    observer_person_id: str | None = None
    feedback_due_on: date | None = None
    feedback_given_on: date | None = None


@dataclass(frozen=True)
class CycleCompliance:
    cycle: EvaluationCycle
    announced_done: int
    announced_required: int
    unannounced_done: int
    unannounced_required: int
    items: list[DueItem] = field(default_factory=list)
    observations: list[ObservationLine] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return (self.announced_done >= self.announced_required
                and self.unannounced_done >= self.unannounced_required)

    @property
    def late(self) -> list[DueItem]:
        return [i for i in self.items if i.state == "late"]

    @property
    def next_due(self) -> DueItem | None:
        open_items = [i for i in self.items if i.state != "done"]
        return min(open_items, key=lambda i: i.due_on) if open_items else None

    @property
    def counted(self) -> list[ObservationLine]:
        return [o for o in self.observations if o.counts]

    @property
    def secondary(self) -> list[ObservationLine]:
        return [o for o in self.observations if o.secondary]

    @property
    def not_counted(self) -> list[ObservationLine]:
        """The CT's own observations in the cycle that do not count, each with its reason."""
        return [o for o in self.observations if not o.counts and not o.secondary]

    @property
    def minimum_exception(self) -> str | None:
        return self.cycle.minimum_exception


@dataclass(frozen=True)
class CycleRecords:
    """What one cycle's compliance reads from the store: its observations (in date order) and the final formative
    and summative documents that satisfy its steps. ``ComplianceService.records_in`` loads them for many cycles in
    a few queries (the dashboard, the caseload's next due items) instead of a few queries per cycle."""

    observations: list[Any]  # rows: id, educator_id, kind, status, observed_on, observer_person_id, audience,
    #                               feedback_given_on
    final_documents: dict[str, Any]  # id, educator_id, kind, cycle_id, finalized_at (None: not finalized yet)


@dataclass(frozen=True)
class ContactSummary:
    educator_id: str
    last_contact_on: date | None
    last_visit_on: date | None  # observation or in-person coaching
    days_since_visit: int | None


class ComplianceService(Service):
    def _cal(self, s: Session) -> Calendars:
        return self._svc.calendars.calendars_in(s)

    def _check_cycle(self, s: Session, c: EvaluationCycle, *, exclude_id: str | None = None) -> None:
        others = [(o.start_on, o.end_on) for o in s.scalars(self.live(EvaluationCycle).where(
            EvaluationCycle.educator_id == c.educator_id)) if o.id != exclude_id]
        if c.rubric_id is not None and c.rubric_id not in shipped_rubrics() and c.rubric_id != self._svc.rubric.id:
            raise ValidationError(f"Unknown rubric {c.rubric_id!r}.")
        problems = cr.cycle_problems(
            start_on=c.start_on, end_on=c.end_on, plan_type=c.plan_type,
            plan_types=[code for code, _ in self._svc.rubric.plan_types],
            required_announced=c.required_announced, required_unannounced=c.required_unannounced,
            exception_reason=c.minimum_exception, formative_due_on=c.formative_due_on,
            summative_due_on=c.summative_due_on, other_cycles=others, cal=self._cal(s))
        if problems:
            error = RuleViolation if any("requires at least" in p or "overlap" in p for p in problems) \
                else ValidationError
            raise error(" ".join(problems))

    def _audit_minimum(self, s: Session, c: EvaluationCycle) -> None:
        if c.required_announced < cr.STANDARD_ANNOUNCED or c.required_unannounced < cr.STANDARD_UNANNOUNCED:
            self.audit_in(s, action="override", record=c, detail={
                "rule": "cycle_minimum", "justification": (c.minimum_exception or "").strip(),
                "required_announced": c.required_announced, "required_unannounced": c.required_unannounced})

    def start_cycle(self, *, educator_id: str, start_on: date, end_on: date, plan_type: str,
                    secondary_evaluator_id: str | None = None, required_announced: int = cr.STANDARD_ANNOUNCED,
                    required_unannounced: int = cr.STANDARD_UNANNOUNCED, formative_due_on: date | None = None,
                    summative_due_on: date | None = None, minimum_exception: str | None = None,
                    rubric_id: str | None = None) -> EvaluationCycle:
        """Start a PAR evaluation cycle. Fewer than 1 announced + 4 unannounced observations only with a written
        justification (``minimum_exception``: late enrolment, a leave), which is audited and printed."""
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            en = self._svc.caseload.active_enrolment_in(s, educator_id)
            if en is None or en.program != Program.PAR or en.status != EnrolmentStatus.ENROLLED:
                raise RuleViolation("Evaluation cycles are for educators enrolled in PAR.")
            cal = self._cal(s)
            ok_dates = end_on > start_on
            c = EvaluationCycle(
                educator_id=educator_id, enrolment_id=en.id, start_on=start_on, end_on=end_on, plan_type=plan_type,
                secondary_evaluator_id=secondary_evaluator_id, required_announced=required_announced,
                required_unannounced=required_unannounced,
                formative_due_on=formative_due_on or (rules.formative_due(start_on, end_on, cal) if ok_dates else None),
                summative_due_on=summative_due_on or (rules.summative_due(start_on, end_on, cal) if ok_dates else None),
                minimum_exception=(minimum_exception or "").strip() or None,
                rubric_id=rubric_id or self._svc.rubric.id)
            self._check_cycle(s, c)
            s.add(c)
            self._audit_minimum(s, c)
            return c

    def update_cycle(self, cycle_id: str, *, unchanged_since: datetime | None = None,
                     **fields: object) -> EvaluationCycle:
        """Change a cycle (the Edit cycle dialog); the same rules as at its start apply to the result."""
        with self.session() as s:
            c = self.get(s, EvaluationCycle, cycle_id, what="Cycle")
            self.check_unchanged(c, unchanged_since, "cycle")
            before = (c.required_announced, c.required_unannounced, c.minimum_exception)
            cal = self._cal(s)
            if ("start_on" in fields or "end_on" in fields) and c.end_on > c.start_on:
                # due dates that were the defaults follow the new dates; dates the CT chose stay
                old_f = rules.formative_due(c.start_on, c.end_on, cal)
                old_s = rules.summative_due(c.start_on, c.end_on, cal)
                start = fields.get("start_on", c.start_on)
                end = fields.get("end_on", c.end_on)
                if isinstance(start, date) and isinstance(end, date) and end > start:
                    if "formative_due_on" not in fields and c.formative_due_on == old_f:
                        fields["formative_due_on"] = rules.formative_due(start, end, cal)
                    if "summative_due_on" not in fields and c.summative_due_on == old_s:
                        fields["summative_due_on"] = rules.summative_due(start, end, cal)
            if "minimum_exception" in fields:
                fields["minimum_exception"] = str(fields["minimum_exception"] or "").strip() or None
            self.apply_fields(c, dict(fields), CYCLE_FIELDS)
            self._check_cycle(s, c, exclude_id=c.id)
            if (c.required_announced, c.required_unannounced, c.minimum_exception) != before:
                self._audit_minimum(s, c)
            return c

    def cycles(self, educator_id: str) -> list[EvaluationCycle]:
        with self.session() as s:
            q = self.live(EvaluationCycle).where(EvaluationCycle.educator_id == educator_id)
            return list(s.scalars(q.order_by(EvaluationCycle.start_on)))

    def cycle(self, cycle_id: str) -> EvaluationCycle:
        with self.session() as s:
            return self.get(s, EvaluationCycle, cycle_id, what="Cycle")

    def current_cycle(self, educator_id: str, on: date | None = None) -> EvaluationCycle | None:
        with self.session() as s:
            return self.cycle_on_in(s, educator_id, on or self.today())

    def cycle_on_in(self, s: Session, educator_id: str, on: date) -> EvaluationCycle | None:
        """The cycle running on ``on`` (else the latest), inside the caller's unit of work ``s``."""
        return _cycle_on(s.scalars(self.live(EvaluationCycle).where(EvaluationCycle.educator_id == educator_id)
                                   .order_by(EvaluationCycle.start_on.desc())), on)

    def cycles_by_educator_in(self, s: Session) -> dict[str, list[EvaluationCycle]]:
        """Every educator's cycles, newest first, in one query (educator id -> cycles)."""
        by_educator: dict[str, list[EvaluationCycle]] = {}
        for c in s.scalars(self.live(EvaluationCycle).order_by(EvaluationCycle.start_on.desc())):
            by_educator.setdefault(c.educator_id, []).append(c)
        return by_educator

    def current_cycles_in(self, s: Session, cycles: dict[str, list[EvaluationCycle]] | None = None,
                          ) -> dict[str, EvaluationCycle]:
        """Each educator's cycle that started last by today (else their first one): the plan shown beside them.
        ``cycles``: ``cycles_by_educator_in``, when the caller has it already."""
        today = self.today()
        by_educator = self.cycles_by_educator_in(s) if cycles is None else cycles
        return {eid: next((c for c in newest_first if c.start_on <= today), newest_first[-1])
                for eid, newest_first in by_educator.items() if newest_first}

    def compliance(self, cycle_id: str, *, today: date | None = None) -> CycleCompliance:
        with self.session() as s:
            c = self.get(s, EvaluationCycle, cycle_id, what="Cycle")
            e = self.get(s, Educator, c.educator_id, what="Educator")
            return self._compliance(s, c, e.display_name, today or self.today())

    def _compliance(self, s: Session, c: EvaluationCycle, name: str, today: date,
                    cal: Calendars | None = None, settings: cr.ComplianceSettings | None = None, *,
                    progress_reports: bool = True, records: CycleRecords | None = None,
                    progress_finals: Sequence[Any] | None = None,
                    progress_every: int | None = None) -> CycleCompliance:
        """One cycle's compliance. ``records``, ``progress_finals`` and ``progress_every`` come preloaded when
        many cycles are computed at once (``dashboard``); the rules applied are the same either way."""
        cal = cal or self._cal(s)
        settings = settings or self._svc.calendars.settings_in(s)
        records = records or self.records_in(s, [c])[c.id]
        obs = records.observations
        by_id = {o.id: o for o in obs}
        standing = cr.standings([cr.ObservationFacts(
            id=o.id, kind=o.kind, observed_on=o.observed_on, finished=o.status == ObservationStatus.FINISHED,
            by_ct=o.observer_person_id is None, shared=o.audience != Audience.CT_PRIVATE,
            feedback_given_on=o.feedback_given_on) for o in obs], today=today, cal=cal, settings=settings)
        lines = [ObservationLine(
            st.facts.id, st.facts.kind, st.facts.observed_on, by_id[st.facts.id].audience, st.counts, st.reason,
            st.secondary, by_id[st.facts.id].observer_person_id, st.feedback_due_on, st.facts.feedback_given_on)
            for st in standing]
        done = {k: [ln for ln in lines if ln.counts and ln.kind == k]
                for k in (ObservationKind.ANNOUNCED, ObservationKind.UNANNOUNCED)}
        items: list[DueItem] = []
        used = {k: 0 for k in done}
        for slot in rules.observation_schedule(c.start_on, c.end_on, announced=c.required_announced,
                                               unannounced=c.required_unannounced, cal=cal):
            pool = done[slot.kind]
            o = pool[used[slot.kind]] if used[slot.kind] < len(pool) else None
            used[slot.kind] += 1
            label = f"{slot.kind.value.capitalize()} observation {used[slot.kind]}"
            items.append(DueItem(c.educator_id, name, c.id, "observation", slot.kind.value, slot.due_on,
                                 rules.item_state(slot.due_on, o.observed_on if o else None, today), label,
                                 o.observed_on if o else None, o.observation_id if o else None))
        for ln in lines:
            if ln.feedback_due_on is None:
                continue
            state = cr.feedback_state(ln.feedback_due_on, ln.feedback_given_on, today)
            label = f"Feedback on the {ln.kind} observation of {ln.observed_on.isoformat()}"
            if state == "given_late":
                label += " (given late)"
            items.append(DueItem(c.educator_id, name, c.id, "feedback", ln.kind, ln.feedback_due_on,
                                 "done" if state == "given_late" else state, label, ln.feedback_given_on,
                                 ln.observation_id))
        for kind, due in (("formative", c.formative_due_on), ("summative", c.summative_due_on)):
            if due is None:
                continue
            due = cal.due_on(due, not_after=max(c.end_on, due))
            doc = records.final_documents.get(kind)
            done_on = clock.to_local(doc.finalized_at).date() if doc and doc.finalized_at else None
            label = "Formative assessment" if kind == "formative" else "Summative recommendation"
            items.append(DueItem(c.educator_id, name, c.id, kind, None, due,
                                 rules.item_state(due, done_on, today), label, done_on, doc.id if doc else None))
        e = s.get(Educator, c.educator_id) if progress_reports else None
        if e is not None:  # the progress reports to the ESP Panel are due items of the cycle too (issue 14)
            items += self._svc.progress.items_for(s, e, c, today, cal=cal, finals=progress_finals,
                                                  every=progress_every)
        return CycleCompliance(
            cycle=c,
            announced_done=len(done[ObservationKind.ANNOUNCED]), announced_required=c.required_announced,
            unannounced_done=len(done[ObservationKind.UNANNOUNCED]), unannounced_required=c.required_unannounced,
            items=sorted(items, key=lambda i: i.due_on),
            observations=lines,
        )

    def _final_document(self, s: Session, c: EvaluationCycle, kind: str) -> AssessmentDocument | None:
        doc: AssessmentDocument | None = _final_for(c, kind, s.scalars(self.live(AssessmentDocument).where(
            AssessmentDocument.educator_id == c.educator_id, AssessmentDocument.kind == kind,
            AssessmentDocument.status == DocumentStatus.FINAL.value,
        ).order_by(AssessmentDocument.finalized_at, AssessmentDocument.id)))
        return doc

    def records_in(self, s: Session, cycles: Sequence[EvaluationCycle]) -> dict[str, CycleRecords]:
        """Each cycle's observations and final formative/summative documents (cycle id -> records), read in two
        queries however many cycles there are."""
        if not cycles:
            return {}
        ids = sorted({c.educator_id for c in cycles})
        lo, hi = min(c.start_on for c in cycles), max(c.end_on for c in cycles)
        # Only the columns the rules read (the documents' ratings and texts stay on disk).
        obs: dict[str, list[Any]] = {}  # rows of the columns below
        for o in s.execute(select(
                Observation.id, Observation.educator_id, Observation.kind, Observation.status,
                Observation.observed_on, Observation.observer_person_id, Observation.audience,
                Observation.feedback_given_on,
        ).where(
                Observation.deleted.is_(False), Observation.educator_id.in_(ids),
                Observation.observed_on >= lo, Observation.observed_on <= hi,
        ).order_by(Observation.observed_on, Observation.created_at, Observation.id)):
            obs.setdefault(o.educator_id, []).append(o)
        docs: dict[str, list[Any]] = {}  # rows of the columns below
        for d in s.execute(select(
                AssessmentDocument.id, AssessmentDocument.educator_id, AssessmentDocument.kind,
                AssessmentDocument.cycle_id, AssessmentDocument.finalized_at,
        ).where(
                AssessmentDocument.deleted.is_(False), AssessmentDocument.educator_id.in_(ids),
                AssessmentDocument.kind.in_(_STEP_DOCUMENTS), AssessmentDocument.status == DocumentStatus.FINAL.value,
        ).order_by(AssessmentDocument.finalized_at, AssessmentDocument.id)):
            docs.setdefault(d.educator_id, []).append(d)
        out = {}
        for c in cycles:
            mine = docs.get(c.educator_id, [])
            out[c.id] = CycleRecords(
                observations=[o for o in obs.get(c.educator_id, []) if c.start_on <= o.observed_on <= c.end_on],
                final_documents={kind: _final_for(c, kind, mine) for kind in _STEP_DOCUMENTS})
        return out

    def dashboard(self, *, today: date | None = None) -> list[CycleCompliance]:
        """Compliance of the current cycle of every actively enrolled PAR educator."""
        today = today or self.today()
        with self.session() as s:
            return self.dashboard_in(s, today)

    def dashboard_in(self, s: Session, today: date, *, educators: Sequence[Educator] | None = None,
                     enrolments: dict[str, list[Enrolment]] | None = None,
                     cycles: dict[str, list[EvaluationCycle]] | None = None) -> list[CycleCompliance]:
        """``dashboard`` inside the caller's unit of work: a handful of queries for the whole caseload (the
        caseload table shows each educator's next due item from it, right after the unlock). ``educators``
        (live ones), ``enrolments`` and ``cycles`` (``..._by_educator_in``): when the caller has read them already."""
        cal, settings = self._cal(s), self._svc.calendars.settings_in(s)
        if enrolments is None:
            enrolments = self._svc.caseload.enrolments_by_educator_in(s)
        if cycles is None:
            cycles = self.cycles_by_educator_in(s)
        cases: list[tuple[EvaluationCycle, Educator]] = []
        for e in (s.scalars(self.live(Educator)) if educators is None else educators):
            en = open_enrolment(enrolments.get(e.id, ()))
            if en is None or en.program != Program.PAR or en.status != EnrolmentStatus.ENROLLED:
                continue
            c = _cycle_on(cycles.get(e.id, ()), today)
            if c is not None:
                cases.append((c, e))
        records = self.records_in(s, [c for c, _ in cases])
        finals = self._svc.progress.finals_in(s, [e.id for _, e in cases])
        every = self._svc.panel.settings_in(s).progress_every
        out = [self._compliance(s, c, e.display_name, today, cal, settings, records=records[c.id],
                                progress_finals=finals.get(e.id, []), progress_every=every) for c, e in cases]
        return sorted(out, key=lambda cc: (cc.next_due.due_on if cc.next_due else date.max))

    @staticmethod
    def open_items(cycles: Iterable[CycleCompliance], *, horizon: date) -> list[DueItem]:
        """What is not done and due by ``horizon`` across these cycles: late first, then by date and name."""
        items = [i for cc in cycles for i in cc.items if i.state != "done" and i.due_on <= horizon]
        return sorted(items, key=lambda i: (i.state != "late", i.due_on, i.educator_name))

    def due_items(self, *, within_days: int = rules.DUE_SOON_DAYS, today: date | None = None) -> list[DueItem]:
        """What is late, or due in the next ``within_days`` days, across the caseload."""
        today = today or self.today()
        return self.open_items(self.dashboard(today=today), horizon=today + timedelta(days=within_days))

    def contact_summary(self, *, today: date | None = None) -> dict[str, ContactSummary]:
        """Last contact and days since the last visit, for everyone on the caseload."""
        today = today or self.today()
        out: dict[str, ContactSummary] = {}
        with self.session() as s:
            for e in s.scalars(self.live(Educator)):
                dates_c = [x.contacted_on for x in s.scalars(self.live(Contact).where(Contact.educator_id == e.id))]
                visits = [o.observed_on for o in s.scalars(self.live(Observation).where(Observation.educator_id == e.id))]
                coach = [a.held_on for a in s.scalars(self.live(CoachingActivity).where(
                    CoachingActivity.educator_id == e.id))]
                last_visit = max(visits + coach, default=None)
                last_contact = max(dates_c + coach + visits, default=None)
                out[e.id] = ContactSummary(e.id, last_contact, last_visit,
                                           (today - last_visit).days if last_visit else None)
        return out


_STEP_DOCUMENTS = ("formative", "summative")


def _cycle_on(cycles_newest_first: Iterable[EvaluationCycle], on: date) -> EvaluationCycle | None:
    """The cycle running on ``on``, else the latest one even if it has ended (cycles newest first)."""
    latest = None
    for c in cycles_newest_first:
        if c.start_on <= on <= c.end_on:
            return c
        latest = latest or c
    return latest


def _final_for(c: EvaluationCycle, kind: str, finals_in_order: Iterable[Any]) -> Any:
    """The first final document of ``kind`` for this cycle (or for no cycle in particular) satisfies its step
    (documents, or rows of their kind and cycle_id, in the order they were finalized)."""
    return next((d for d in finals_in_order if d.kind == kind and d.cycle_id in (c.id, None)), None)

