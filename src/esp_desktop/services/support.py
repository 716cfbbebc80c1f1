"""Evidence (with encrypted attachments), goals and progress, prescriptions, coaching log and contact log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from ..core.enums import (
    CoachingKind,
    ContactMode,
    EvidenceCategory,
    EvidenceKind,
    GoalKind,
    GoalStatus,
    PrescriptionStatus,
)
from ..core.errors import RuleViolation, ValidationError
from ..store.models import (
    Attachment,
    CoachingActivity,
    Contact,
    Educator,
    EvidenceItem,
    Goal,
    GoalProgress,
    Prescription,
    new_id,
)
from .base import Service


def _enum(enum: type[StrEnum], value: str, what: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ValidationError(f"Unknown {what} {value!r}; choose one of: {allowed}.") from None


def _check_minutes(minutes: object) -> None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 24 * 60:
        raise ValidationError("Minutes must be between 0 and 1440.")


class EvidenceService(Service):
    def add(self, *, educator_id: str, title: str, category: str, kind: str, collected_on: date | None = None,
            description: str | None = None, indicator_codes: Sequence[str] = (), equity_codes: Sequence[str] = (),
            tags: Sequence[str] = (), audience: str | None = None, observation_id: str | None = None,
            file: Path | None = None, file_data: bytes | None = None, filename: str | None = None,
            contributed_by_person_id: str | None = None) -> EvidenceItem:
        audience = self.check_audience(audience, "evidence")
        if not title.strip():
            raise ValidationError("Give the evidence a title.")
        category = _enum(EvidenceCategory, category, "evidence category")
        kind = _enum(EvidenceKind, kind, "evidence kind")
        self.check_codes(indicator_codes, equity_codes)
        if file is not None:
            file_data, filename = Path(file).read_bytes(), filename or Path(file).name
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            ev = EvidenceItem(educator_id=educator_id, title=title.strip(), description=description,
                              category=category, kind=kind, collected_on=collected_on or self.today(),
                              indicator_codes=list(indicator_codes), equity_codes=list(equity_codes),
                              tags=list(tags), audience=self.check_audience(audience), observation_id=observation_id,
                              contributed_by_person_id=contributed_by_person_id)
            if file_data is not None:
                att = self._seal(educator_id, file_data, filename or "attachment", audience)
                s.add(att)
                ev.attachment_id = att.id
            s.add(ev)
            return ev

    def _seal(self, educator_id: str, data: bytes, filename: str, audience: str) -> Attachment:
        att_id = new_id()
        sealed = self.store.attachments.put(att_id, data, filename)
        return Attachment(id=att_id, educator_id=educator_id, filename=Path(filename).name,
                          media_type=sealed.media_type, size=sealed.size, sha256=sealed.sha256,
                          file_key=sealed.file_key, audience=audience)

    def attach(self, evidence_id: str, *, file: Path) -> EvidenceItem:
        data = Path(file).read_bytes()
        with self.session() as s:
            ev = self.get(s, EvidenceItem, evidence_id, what="Evidence")
            att = self._seal(ev.educator_id, data, Path(file).name, ev.audience)
            s.add(att)
            ev.attachment_id = att.id
            return ev

    def update(self, evidence_id: str, *, unchanged_since: datetime | None = None,
               **fields: object) -> EvidenceItem:
        with self.session() as s:
            ev = self.get(s, EvidenceItem, evidence_id, what="Evidence")
            self.check_unchanged(ev, unchanged_since, "evidence item")
            if "category" in fields:
                fields["category"] = _enum(EvidenceCategory, str(fields["category"]), "evidence category")
            if "kind" in fields:
                fields["kind"] = _enum(EvidenceKind, str(fields["kind"]), "evidence kind")
            self.check_codes(fields.get("indicator_codes", ()), fields.get("equity_codes", ()))  # type: ignore[arg-type]
            self.apply_fields(ev, dict(fields), ("title", "description", "category", "kind", "collected_on",
                                                  "indicator_codes", "equity_codes", "tags"))
            return ev

    def attachment(self, attachment_id: str) -> Attachment:
        with self.session() as s:
            return self.get(s, Attachment, attachment_id, what="Attachment")

    def read_attachment(self, attachment_id: str) -> tuple[Attachment, bytes]:
        att = self.attachment(attachment_id)
        return att, self.store.attachments.get(att.id, att.file_key, att.sha256)

    def for_educator(self, educator_id: str) -> list[EvidenceItem]:
        with self.session() as s:
            q = self.live(EvidenceItem).where(EvidenceItem.educator_id == educator_id)
            return list(s.scalars(q.order_by(EvidenceItem.collected_on.desc())))

    def item(self, evidence_id: str) -> EvidenceItem:
        with self.session() as s:
            return self.get(s, EvidenceItem, evidence_id, what="Evidence")

    def delete(self, evidence_id: str) -> None:
        """Delete an evidence item (and its file). Evidence cited by a finalized document is part of that
        document and stays."""
        from ..store.models import AssessmentDocument

        with self.session() as s:
            ev = self.get(s, EvidenceItem, evidence_id, what="Evidence")
            for doc in s.scalars(self.live(AssessmentDocument).where(
                    AssessmentDocument.educator_id == ev.educator_id, AssessmentDocument.status == "final")):
                if any(ev.id in (r or {}).get("evidence_ids", []) for r in doc.ratings.values()):
                    raise RuleViolation(f"“{ev.title}” is cited by a finalized {doc.kind} document, so it "
                                        "cannot be deleted.")
            ev.deleted = True
            if ev.attachment_id:
                att = s.get(Attachment, ev.attachment_id)
                if att is not None:
                    att.deleted = True


class GoalService(Service):
    def add(self, *, educator_id: str, kind: str, title: str, statement: str, baseline: str | None = None,
            target: str | None = None, measure: str | None = None, due_on: date | None = None,
            indicator_codes: Sequence[str] = (), equity_codes: Sequence[str] = (), cycle_id: str | None = None,
            audience: str | None = None) -> Goal:
        audience = self.check_audience(audience, "goal")
        kind = _enum(GoalKind, kind, "goal kind")
        if not statement.strip():
            raise ValidationError("Write the goal statement (specific, measurable, time-bound).")
        self.check_codes(indicator_codes, equity_codes)
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            g = Goal(educator_id=educator_id, kind=kind, title=title.strip() or statement[:60], statement=statement,
                     baseline=baseline, target=target, measure=measure, due_on=due_on,
                     indicator_codes=list(indicator_codes), equity_codes=list(equity_codes), cycle_id=cycle_id,
                     audience=self.check_audience(audience))
            s.add(g)
            return g

    def update(self, goal_id: str, *, unchanged_since: datetime | None = None, **fields: object) -> Goal:
        """Edit a goal, or close it: status met, partly met, not met or closed."""
        if "status" in fields:
            fields["status"] = _enum(GoalStatus, str(fields["status"]), "goal status")
        if "kind" in fields:
            fields["kind"] = _enum(GoalKind, str(fields["kind"]), "goal kind")
        if "statement" in fields and not str(fields["statement"] or "").strip():
            raise ValidationError("Write the goal statement (specific, measurable, time-bound).")
        self.check_codes(fields.get("indicator_codes", ()), fields.get("equity_codes", ()))  # type: ignore[arg-type]
        with self.session() as s:
            g = self.get(s, Goal, goal_id, what="Goal")
            self.check_unchanged(g, unchanged_since, "goal")
            self.apply_fields(g, dict(fields), ("title", "statement", "baseline", "target", "measure", "due_on",
                                                 "indicator_codes", "equity_codes", "status", "kind"))
            return g

    def add_progress(self, *, goal_id: str, note: str, checked_on: date | None = None,
                     percent: int | None = None) -> GoalProgress:
        if percent is not None and not 0 <= percent <= 100:
            raise ValidationError("Progress is a percentage between 0 and 100.")
        with self.session() as s:
            g = self.get(s, Goal, goal_id, what="Goal")
            p = GoalProgress(goal_id=g.id, educator_id=g.educator_id, checked_on=checked_on or self.today(),
                             note=note, percent=percent, audience=g.audience)
            s.add(p)
            return p

    def for_educator(self, educator_id: str) -> list[Goal]:
        with self.session() as s:
            return list(s.scalars(self.live(Goal).where(Goal.educator_id == educator_id).order_by(Goal.created_at)))

    def progress(self, goal_id: str) -> list[GoalProgress]:
        with self.session() as s:
            q = self.live(GoalProgress).where(GoalProgress.goal_id == goal_id).order_by(GoalProgress.checked_on)
            return list(s.scalars(q))

    def add_prescription(self, *, educator_id: str, indicator_codes: Sequence[str], concern: str, action: str,
                         resources: str | None = None, due_on: date | None = None, cycle_id: str | None = None,
                         audience: str | None = None) -> Prescription:
        audience = self.check_audience(audience, "prescription")
        if not indicator_codes:
            raise ValidationError("Align the prescription to at least one rubric indicator.")
        self.check_codes(indicator_codes)
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            p = Prescription(educator_id=educator_id, indicator_codes=list(indicator_codes), concern=concern,
                             action=action, resources=resources, due_on=due_on, cycle_id=cycle_id,
                             audience=self.check_audience(audience))
            s.add(p)
            return p

    def update_prescription(self, prescription_id: str, *, unchanged_since: datetime | None = None,
                            **fields: object) -> Prescription:
        """Edit a prescription, or close it (status met, not met or closed)."""
        if "indicator_codes" in fields:
            if not fields["indicator_codes"]:
                raise ValidationError("Align the prescription to at least one rubric indicator.")
            self.check_codes(fields["indicator_codes"])  # type: ignore[arg-type]
        with self.session() as s:
            p = self.get(s, Prescription, prescription_id, what="Prescription")
            self.check_unchanged(p, unchanged_since, "prescription")
            if "status" in fields:
                fields["status"] = _enum(PrescriptionStatus, str(fields["status"]), "status")
            self.apply_fields(p, dict(fields), ("concern", "action", "resources", "due_on", "status",
                                                 "indicator_codes"))
            return p

    def prescriptions(self, educator_id: str) -> list[Prescription]:
        with self.session() as s:
            q = self.live(Prescription).where(Prescription.educator_id == educator_id)
            return list(s.scalars(q.order_by(Prescription.created_at)))


class CoachingService(Service):
    def log(self, *, educator_id: str, kind: str, held_on: date | None = None, minutes: int = 0,
            notes: str | None = None, resources: str | None = None, indicator_codes: Sequence[str] = (),
            equity_codes: Sequence[str] = (), audience: str | None = None) -> CoachingActivity:
        audience = self.check_audience(audience, "coaching")
        kind = _enum(CoachingKind, kind, "coaching activity")
        _check_minutes(minutes)
        self.check_codes(indicator_codes, equity_codes)
        held_on = held_on or self.today()
        if held_on > self.today():
            raise ValidationError("Log coaching on or after the day it took place.")
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            self._svc.caseload.require_enrolled(s, educator_id, on=held_on, what="coaching")
            a = CoachingActivity(educator_id=educator_id, kind=kind, held_on=held_on, minutes=minutes,
                                 notes=notes, resources=resources, indicator_codes=list(indicator_codes),
                                 equity_codes=list(equity_codes), audience=self.check_audience(audience))
            s.add(a)
            return a

    def update(self, activity_id: str, *, unchanged_since: datetime | None = None,
               **fields: object) -> CoachingActivity:
        with self.session() as s:
            a = self.get(s, CoachingActivity, activity_id, what="Coaching entry")
            self.check_unchanged(a, unchanged_since, "coaching entry")
            if "kind" in fields:
                fields["kind"] = _enum(CoachingKind, str(fields["kind"]), "coaching activity")
            if "minutes" in fields:
                _check_minutes(fields["minutes"])
            if "held_on" in fields and fields["held_on"] != a.held_on:
                day = fields["held_on"]
                if not isinstance(day, date) or day > self.today():
                    raise ValidationError("Log coaching on or after the day it took place.")
                self._svc.caseload.require_enrolled(s, a.educator_id, on=day, what="coaching")
            self.apply_fields(a, dict(fields), ("kind", "held_on", "minutes", "notes", "resources",
                                                 "indicator_codes", "equity_codes"))
            return a

    def for_educator(self, educator_id: str) -> list[CoachingActivity]:
        with self.session() as s:
            q = self.live(CoachingActivity).where(CoachingActivity.educator_id == educator_id)
            return list(s.scalars(q.order_by(CoachingActivity.held_on.desc())))

    def minutes_by_kind(self, educator_id: str) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for a in self.for_educator(educator_id):
            totals[a.kind] += a.minutes
        return dict(totals)

    def log_contact(self, *, person_name: str, summary: str, contacted_on: date | None = None,
                    educator_id: str | None = None, person_id: str | None = None, person_role: str | None = None,
                    mode: str = ContactMode.IN_PERSON, audience: str | None = None) -> Contact:
        audience = self.check_audience(audience, "contact")
        mode = _enum(ContactMode, mode, "contact mode")
        if not summary.strip():
            raise ValidationError("Summarise the contact.")
        with self.session() as s:
            if educator_id:
                self.get(s, Educator, educator_id, what="Educator")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            c = Contact(educator_id=educator_id, person_id=person_id, person_name=person_name,
                        person_role=person_role, contacted_on=contacted_on or self.today(), mode=mode,
                        summary=summary, audience=self.check_audience(audience))
            s.add(c)
            return c

    def contacts(self, educator_id: str | None = None) -> list[Contact]:
        with self.session() as s:
            q = self.live(Contact)
            if educator_id:
                q = q.where(Contact.educator_id == educator_id)
            return list(s.scalars(q.order_by(Contact.contacted_on.desc())))
