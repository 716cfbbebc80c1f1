"""Evaluation cycles and cycle compliance (PAR: at least 1 announced + 4 unannounced observations)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ..core import rules
from ..core.enums import DocumentStatus, EnrolmentStatus, ObservationKind, ObservationStatus, Program
from ..core.errors import RuleViolation, ValidationError
from ..store.models import AssessmentDocument, CoachingActivity, Contact, Educator, EvaluationCycle, Observation
from .base import Service


@dataclass(frozen=True)
class DueItem:
    educator_id: str
    educator_name: str
    cycle_id: str
    what: str  # "observation" | "formative" | "summative"
    kind: str | None  # announced/unannounced for observations
    due_on: date
    state: str  # late | due_soon | upcoming | done
    label: str
    done_on: date | None = None
    record_id: str | None = None  # the observation or document that satisfied it


@dataclass(frozen=True)
class CycleCompliance:
    cycle: EvaluationCycle
    announced_done: int
    announced_required: int
    unannounced_done: int
    unannounced_required: int
    items: list[DueItem] = field(default_factory=list)

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


@dataclass(frozen=True)
class ContactSummary:
    educator_id: str
    last_contact_on: date | None
    last_visit_on: date | None  # observation or in-person coaching
    days_since_visit: int | None


class ComplianceService(Service):
    def start_cycle(self, *, educator_id: str, start_on: date, end_on: date, plan_type: str,
                    secondary_evaluator_id: str | None = None, required_announced: int = 1,
                    required_unannounced: int = 4, formative_due_on: date | None = None,
                    summative_due_on: date | None = None) -> EvaluationCycle:
        if end_on <= start_on:
            raise ValidationError("The cycle must end after it starts.")
        if plan_type not in [c for c, _ in self._svc.rubric.plan_types]:
            raise ValidationError(f"Unknown plan type {plan_type!r}.")
        if required_announced < 1 or required_unannounced < 4:
            raise RuleViolation("A PAR cycle requires at least 1 announced and 4 unannounced observations.")
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            en = self._svc.caseload._current(s, educator_id)
            if en is None or en.program != Program.PAR or en.status != EnrolmentStatus.ENROLLED:
                raise RuleViolation("Evaluation cycles are for educators enrolled in PAR.")
            c = EvaluationCycle(educator_id=educator_id, enrolment_id=en.id, start_on=start_on, end_on=end_on,
                                plan_type=plan_type, secondary_evaluator_id=secondary_evaluator_id,
                                required_announced=required_announced, required_unannounced=required_unannounced,
                                formative_due_on=formative_due_on or rules.formative_due(start_on, end_on),
                                summative_due_on=summative_due_on or end_on)
            s.add(c)
            return c

    def update_cycle(self, cycle_id: str, *, unchanged_since: datetime | None = None,
                     **fields: object) -> EvaluationCycle:
        """Change a cycle's plan type, dates or secondary evaluator (the Edit cycle dialog)."""
        if "plan_type" in fields and fields["plan_type"] not in [c for c, _ in self._svc.rubric.plan_types]:
            raise ValidationError(f"Unknown plan type {fields['plan_type']!r}.")
        with self.session() as s:
            c = self.get(s, EvaluationCycle, cycle_id, what="Cycle")
            self.check_unchanged(c, unchanged_since, "cycle")
            self.apply_fields(c, dict(fields), ("start_on", "end_on", "plan_type", "secondary_evaluator_id",
                                                 "formative_due_on", "summative_due_on"))
            if c.end_on <= c.start_on:
                raise ValidationError("The cycle must end after it starts.")
            return c

    def cycles(self, educator_id: str) -> list[EvaluationCycle]:
        with self.session() as s:
            q = self.live(EvaluationCycle).where(EvaluationCycle.educator_id == educator_id)
            return list(s.scalars(q.order_by(EvaluationCycle.start_on)))

    def current_cycle(self, educator_id: str, on: date | None = None) -> EvaluationCycle | None:
        with self.session() as s:
            return self._cycle_on(s, educator_id, on or self.today())

    def _cycle_on(self, s: Session, educator_id: str, on: date) -> EvaluationCycle | None:
        cycles = list(s.scalars(self.live(EvaluationCycle).where(EvaluationCycle.educator_id == educator_id)
                                .order_by(EvaluationCycle.start_on.desc())))
        for c in cycles:
            if c.start_on <= on <= c.end_on:
                return c
        return cycles[0] if cycles else None  # the latest one, even if it has ended

    def current_cycles_in(self, s: Session) -> dict[str, EvaluationCycle]:
        today = self.today()
        out: dict[str, EvaluationCycle] = {}
        for c in s.scalars(self.live(EvaluationCycle).order_by(EvaluationCycle.start_on)):
            prev = out.get(c.educator_id)
            if prev is None or c.start_on <= today:
                out[c.educator_id] = c
        return out

    def compliance(self, cycle_id: str, *, today: date | None = None) -> CycleCompliance:
        with self.session() as s:
            c = self.get(s, EvaluationCycle, cycle_id, what="Cycle")
            e = self.get(s, Educator, c.educator_id, what="Educator")
            return self._compliance(s, c, e.display_name, today or self.today())

    def _compliance(self, s: Session, c: EvaluationCycle, name: str, today: date) -> CycleCompliance:
        obs = list(s.scalars(self.live(Observation).where(
            Observation.educator_id == c.educator_id,
            Observation.status == ObservationStatus.FINISHED.value,
            Observation.observed_on >= c.start_on, Observation.observed_on <= c.end_on,
        ).order_by(Observation.observed_on)))
        done = {k: [o for o in obs if o.kind == k] for k in (ObservationKind.ANNOUNCED, ObservationKind.UNANNOUNCED)}
        items: list[DueItem] = []
        used = {k: 0 for k in done}
        for slot in rules.observation_schedule(c.start_on, c.end_on, announced=c.required_announced,
                                               unannounced=c.required_unannounced):
            pool = done[slot.kind]
            o = pool[used[slot.kind]] if used[slot.kind] < len(pool) else None
            used[slot.kind] += 1
            label = f"{slot.kind.value.capitalize()} observation {used[slot.kind]}"
            items.append(DueItem(c.educator_id, name, c.id, "observation", slot.kind.value, slot.due_on,
                                 rules.item_state(slot.due_on, o.observed_on if o else None, today), label,
                                 o.observed_on if o else None, o.id if o else None))
        for kind, due in (("formative", c.formative_due_on), ("summative", c.summative_due_on)):
            if due is None:
                continue
            doc = s.scalars(self.live(AssessmentDocument).where(
                AssessmentDocument.educator_id == c.educator_id, AssessmentDocument.kind == kind,
                AssessmentDocument.status == DocumentStatus.FINAL.value,
                (AssessmentDocument.cycle_id == c.id) | AssessmentDocument.cycle_id.is_(None),
            ).order_by(AssessmentDocument.finalized_at)).first()
            done_on = doc.finalized_at.date() if doc and doc.finalized_at else None
            label = "Formative assessment" if kind == "formative" else "Summative recommendation"
            items.append(DueItem(c.educator_id, name, c.id, kind, None, due,
                                 rules.item_state(due, done_on, today), label, done_on, doc.id if doc else None))
        return CycleCompliance(
            cycle=c,
            announced_done=len(done[ObservationKind.ANNOUNCED]), announced_required=c.required_announced,
            unannounced_done=len(done[ObservationKind.UNANNOUNCED]), unannounced_required=c.required_unannounced,
            items=sorted(items, key=lambda i: i.due_on),
        )

    def dashboard(self, *, today: date | None = None) -> list[CycleCompliance]:
        """Compliance of the current cycle of every actively enrolled PAR educator."""
        today = today or self.today()
        out = []
        with self.session() as s:
            for e in s.scalars(self.live(Educator)):
                en = self._svc.caseload._current(s, e.id)
                if en is None or en.program != Program.PAR or en.status != EnrolmentStatus.ENROLLED:
                    continue
                c = self._cycle_on(s, e.id, today)
                if c is not None:
                    cc = self._compliance(s, c, e.display_name, today)
                    # the progress reports to the ESP Panel are due on the same dashboard (issue 14)
                    reports = self._svc.progress.items_for(s, e, c, today)
                    out.append(replace(cc, items=sorted([*cc.items, *reports], key=lambda i: i.due_on)))
        return sorted(out, key=lambda cc: (cc.next_due.due_on if cc.next_due else date.max))

    def due_items(self, *, within_days: int = rules.DUE_SOON_DAYS, today: date | None = None) -> list[DueItem]:
        """What is late, or due in the next ``within_days`` days, across the caseload."""
        today = today or self.today()
        horizon = today + timedelta(days=within_days)
        items = [i for cc in self.dashboard(today=today) for i in cc.items
                 if i.state != "done" and i.due_on <= horizon]
        return sorted(items, key=lambda i: (i.state != "late", i.due_on, i.educator_name))

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
