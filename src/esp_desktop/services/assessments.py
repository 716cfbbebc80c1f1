"""Formative assessments and summative evaluation recommendations (PAR only).

Draft -> finalize. Finalizing checks the rating rules of 603 CMR 35 (``core/ratings.py``); a rule with a
legitimate exception is finalized only with a written justification, kept on the document and in the audit log.
A finalized document is immutable; a correction is a new draft that references it (``supersedes_id``), one at a
time. The educator acknowledges each finalized version once (signature = receipt, not agreement) and may answer it
with a written response, a dated record of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..core import clock, ratings, rules
from ..core.enums import DocumentKind, DocumentStatus
from ..core.errors import ImmutableRecord, RuleViolation, ValidationError
from ..store.models import (
    Acknowledgement,
    AssessmentDocument,
    Educator,
    EducatorResponse,
    EvaluationCycle,
    EvidenceItem,
)
from .base import Service

FINAL_EVALUATION_REFUSAL = (
    "The final summative evaluation carries the ESP Panel's ratings: it changes only when the Panel revises its "
    "decision, which generates a new version."
)
MIN_JUSTIFICATION = 20  # characters: a reason a reader can check, not "ok"


class NeedsJustification(RuleViolation):
    """Finalizing breaks a rule that allows a documented exception: retry with a written justification."""

    def __init__(self, problems: list[ratings.Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(p.text for p in problems))


PA_REFUSAL = (
    "{name} is in {program}, which is non-evaluative coaching: the CT does not give ratings. "
    "Formative and summative ratings are only for educators enrolled in PAR."
)


def content_hash(doc: AssessmentDocument) -> str:
    """SHA-256 over the evaluative content and who may read it (both frozen when finalized, core/policy.py),
    so a printed copy can be matched to the record."""
    body = {
        "audience": doc.audience,
        "educator_id": doc.educator_id, "kind": doc.kind, "version_no": doc.version_no,
        "ratings": doc.ratings, "overall_rating": doc.overall_rating, "overall_rationale": doc.overall_rationale,
        "goals_progress_summary": doc.goals_progress_summary, "supersedes_id": doc.supersedes_id,
    }
    if doc.overrides:  # only when present, so documents finalized before overrides existed keep their hash
        body["overrides"] = doc.overrides
    if doc.basis:  # a final summative evaluation: the Panel decision and recommendation it rests on
        body["basis"] = doc.basis
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class AssessmentService(Service):
    def _check_evaluative(self, s: Session, educator_id: str) -> Educator:
        e = self.get(s, Educator, educator_id, what="Educator")
        program = self._svc.caseload.program_of(s, educator_id)
        if program is None or not rules.is_evaluative(program):
            raise RuleViolation(PA_REFUSAL.format(name=e.display_name, program=program or "no program"))
        actor = self._svc.actor
        if not actor.is_ct:
            raise RuleViolation(
                "Only the consulting teacher, as primary evaluator, may write formative and summative documents; "
                "a secondary evaluator contributes observations and evidence."
            )
        return e

    def draft(self, *, educator_id: str, kind: str, cycle_id: str | None = None,
              audience: str | None = None) -> AssessmentDocument:
        audience = self.check_audience(audience, "assessment")
        try:
            kind = DocumentKind(kind).value
        except ValueError:
            raise ValidationError("A document is either formative or summative.") from None
        with self.session() as s:
            self._check_evaluative(s, educator_id)
            if cycle_id is None:
                cyc = self._svc.compliance.cycle_on_in(s, educator_id, self.today())
                cycle_id = cyc.id if cyc else None
            doc = AssessmentDocument(educator_id=educator_id, kind=kind, cycle_id=cycle_id,
                                     status=DocumentStatus.DRAFT.value, author_name=self._author(),
                                     ratings={}, audience=self.check_audience(audience))
            s.add(doc)
            return doc

    def _author(self) -> str:
        p = self._svc.caseload.profile()
        return p.name if p else self._svc.actor.name

    def _editable(self, s: Session, document_id: str) -> AssessmentDocument:
        doc = self.get(s, AssessmentDocument, document_id, what="Document")
        if doc.kind == DocumentKind.FINAL_EVALUATION:
            raise RuleViolation(FINAL_EVALUATION_REFUSAL)
        if doc.status != DocumentStatus.DRAFT:
            raise ImmutableRecord(
                "This document is finalized and cannot be changed. Create a correction: a new version that "
                "references it."
            )
        self._check_evaluative(s, doc.educator_id)
        return doc

    def _check_rating(self, rating: str | None) -> None:
        if rating is not None and rating not in self._svc.rubric.rating_codes():
            raise ValidationError(f"Unknown rating {rating!r}.")

    def set_rating(self, *, document_id: str, standard: str, rating: str | None, rationale: str = "",
                   evidence_ids: Sequence[str] = ()) -> AssessmentDocument:
        if standard not in self._svc.rubric.standard_codes():
            raise ValidationError(f"Unknown standard {standard!r}.")
        self._check_rating(rating)
        with self.session() as s:
            doc = self._editable(s, document_id)
            for eid in evidence_ids:
                ev = self.get(s, EvidenceItem, eid, what="Evidence")
                if ev.educator_id != doc.educator_id:
                    raise ValidationError("Evidence must belong to the same educator.")
            ratings = dict(doc.ratings)
            ratings[standard] = {"rating": rating, "rationale": rationale, "evidence_ids": list(evidence_ids)}
            doc.ratings = ratings  # reassign: JSON columns track replacement, not in-place mutation
            return doc

    def set_overall(self, *, document_id: str, rating: str | None, rationale: str = "",
                    goals_progress_summary: str | None = None) -> AssessmentDocument:
        self._check_rating(rating)
        with self.session() as s:
            doc = self._editable(s, document_id)
            doc.overall_rating, doc.overall_rationale = rating, rationale
            if goals_progress_summary is not None:
                doc.goals_progress_summary = goals_progress_summary
            return doc

    def save_draft(self, *, document_id: str, ratings: dict[str, dict[str, Any]], overall_rating: str | None,
                   overall_rationale: str = "", goals_progress_summary: str | None = None,
                   unchanged_since: datetime | None = None) -> AssessmentDocument:
        """Save the whole draft at once (the form's Save): ``ratings`` maps a standard to
        ``{"rating", "rationale", "evidence_ids"}``. Refuses to overwrite a version changed elsewhere."""
        codes = self._svc.rubric.standard_codes()
        for std, r in ratings.items():
            if std not in codes:
                raise ValidationError(f"Unknown standard {std!r}.")
            self._check_rating(r.get("rating"))
        self._check_rating(overall_rating)
        with self.session() as s:
            doc = self._editable(s, document_id)
            self.check_unchanged(doc, unchanged_since, "document")
            new = dict(doc.ratings)
            for std, r in ratings.items():
                ids = list(r.get("evidence_ids") or [])
                for eid in ids:
                    if self.get(s, EvidenceItem, eid, what="Evidence").educator_id != doc.educator_id:
                        raise ValidationError("Evidence must belong to the same educator.")
                new[std] = {"rating": r.get("rating"), "rationale": r.get("rationale") or "", "evidence_ids": ids}
            doc.ratings = new
            doc.overall_rating, doc.overall_rationale = overall_rating, overall_rationale
            doc.goals_progress_summary = goals_progress_summary
            return doc

    def _sheet(self, s: Session, doc: AssessmentDocument) -> ratings.Sheet:
        entries = {}
        for std, r in (doc.ratings or {}).items():
            r = r or {}
            cats = set()
            for eid in r.get("evidence_ids") or []:
                ev = s.get(EvidenceItem, eid)
                if ev is not None and not ev.deleted:
                    cats.add(ev.category)
            entries[std] = ratings.StandardEntry(r.get("rating"), r.get("rationale") or "", frozenset(cats))
        return ratings.Sheet(doc.kind, entries, doc.overall_rating, doc.goals_progress_summary or "",
                             doc.overall_rationale or "")

    def _cycle_work(self, s: Session, doc: AssessmentDocument) -> ratings.CycleWork | None:
        if doc.kind != DocumentKind.SUMMATIVE or not doc.cycle_id:
            return None
        c = s.get(EvaluationCycle, doc.cycle_id)
        if c is None or c.deleted:
            return None
        e = self.get(s, Educator, c.educator_id, what="Educator")
        today = self.today()
        cc = self._svc.compliance._compliance(s, c, e.display_name, today)
        formative = self._svc.compliance._final_document(s, c, DocumentKind.FORMATIVE.value)
        counted = [o.observed_on for o in cc.counted]
        return ratings.CycleWork(
            today=today,
            announced_missing=max(0, cc.announced_required - cc.announced_done),
            unannounced_missing=max(0, cc.unannounced_required - cc.unannounced_done),
            formative_due=c.formative_due_on is not None, formative_final=formative is not None,
            last_observation_on=max(counted, default=None),
        )

    @staticmethod
    def _has_cycle(s: Session, doc: AssessmentDocument) -> bool:
        c = s.get(EvaluationCycle, doc.cycle_id) if doc.cycle_id else None
        return c is not None and not c.deleted

    def finalize_problems(self, document_id: str) -> list[str]:
        """What stands between this draft and finalizing it, in words (empty: it can be finalized). The rules of
        ``core/ratings.py``; ``problems`` says which of them allow an exception with a justification."""
        return [p.text for p in self.problems(document_id)]

    def problems(self, document_id: str) -> list[ratings.Problem]:
        """What stands between this draft and finalizing it (the Finalize dialog shows these)."""
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            return ratings.sheet_problems(self._sheet(s, doc), standards=self._svc.rubric.standard_codes(),
                                          work=self._cycle_work(s, doc))

    def finalize(self, *, document_id: str, justification: str | None = None) -> AssessmentDocument:
        """Finalize a draft. Hard rule problems refuse (all of them in one message); a rule that allows an
        exception refuses with ``NeedsJustification`` unless ``justification`` explains it."""
        with self.session() as s:
            doc = self._editable(s, document_id)
            found = ratings.sheet_problems(self._sheet(s, doc), standards=self._svc.rubric.standard_codes(),
                                           work=self._cycle_work(s, doc))
            hard = ratings.hard(found)
            if doc.kind == DocumentKind.SUMMATIVE and not self._has_cycle(s, doc):
                hard.insert(0, ratings.Problem("cycle", "A summative closes an evaluation cycle: start the "
                                                        "educator's cycle first."))
            if hard:
                raise ValidationError("Before finalizing: " + " ".join(p.text for p in hard))
            soft = ratings.overridable(found)
            reason = (justification or "").strip()
            if soft and len(reason) < MIN_JUSTIFICATION:
                raise NeedsJustification(soft)
            now = clock.now()
            doc.overrides = [{"rule": p.rule, "title": ratings.RULE_TITLES.get(p.rule, p.rule), "message": p.message,
                              "justification": reason, "by": self._author(), "at": now.isoformat()} for p in soft]
            doc.status = DocumentStatus.FINAL.value
            doc.finalized_at = now
            doc.content_sha256 = content_hash(doc)
            for o in doc.overrides:
                self.audit_in(s, action="override", record=doc,
                              detail={"rule": o["rule"], "justification": reason, "message": o["message"]})
            return doc

    def _successor(self, s: Session, doc: AssessmentDocument) -> AssessmentDocument | None:
        """The live correction of ``doc`` (draft or final), if any."""
        return s.scalars(self.live(AssessmentDocument).where(AssessmentDocument.supersedes_id == doc.id)).first()

    def correct(self, *, document_id: str) -> AssessmentDocument:
        """Start a correction of a finalized document: a new draft, version + 1, referencing the old one. One
        correction at a time: a version that already has one cannot be corrected again."""
        with self.session() as s:
            old = self.get(s, AssessmentDocument, document_id, what="Document")
            if old.kind == DocumentKind.FINAL_EVALUATION:
                raise RuleViolation(FINAL_EVALUATION_REFUSAL)
            if old.status != DocumentStatus.FINAL:
                raise RuleViolation("Only a finalized document needs a correction; edit the draft instead.")
            self._check_evaluative(s, old.educator_id)
            nxt = self._successor(s, old)
            if nxt is not None:
                state = "is being drafted" if nxt.status == DocumentStatus.DRAFT else "is final"
                raise RuleViolation(
                    f"Version {nxt.version_no}, the correction of version {old.version_no}, already {state}: "
                    f"{'finish or delete that draft' if nxt.status == DocumentStatus.DRAFT else 'correct it instead'}"
                    " rather than starting a second one.")
            new = AssessmentDocument(educator_id=old.educator_id, kind=old.kind, cycle_id=old.cycle_id,
                                     status=DocumentStatus.DRAFT.value, version_no=old.version_no + 1,
                                     supersedes_id=old.id, author_name=self._author(),
                                     ratings=json.loads(json.dumps(old.ratings)), overall_rating=old.overall_rating,
                                     overall_rationale=old.overall_rationale,
                                     goals_progress_summary=old.goals_progress_summary, audience=old.audience,
                                     overrides=[])
            s.add(new)
            return new

    def _finalized_day(self, doc: AssessmentDocument) -> date:
        return clock.to_local(doc.finalized_at).date() if doc.finalized_at else self.today()

    def _check_received(self, doc: AssessmentDocument, day: date, what: str) -> None:
        final_day = self._finalized_day(doc)
        if day < final_day:
            raise ValidationError(f"{what} cannot be dated before the document was finalized "
                                  f"({final_day.isoformat()}).")
        if day > self.today():
            raise ValidationError(f"{what} cannot be dated in the future.")

    def acknowledge(self, *, document_id: str, signer_name: str | None = None, signed_on: date | None = None,
                    comment: str | None = None, signer_role: str = "educator") -> Acknowledgement:
        """Record the educator's signature on one finalized version (receipt, not agreement): once per version,
        by the educator of the case, dated between finalization and today; never on a superseded version."""
        if signer_role != "educator":
            raise ValidationError("The acknowledgement is the educator's signature; the evaluator's is the "
                                  "finalization itself.")
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            if doc.status != DocumentStatus.FINAL:
                raise RuleViolation("Only a finalized document can be acknowledged.")
            nxt = self._successor(s, doc)
            if nxt is not None and nxt.status == DocumentStatus.FINAL:
                raise RuleViolation(f"Version {doc.version_no} was replaced by version {nxt.version_no}: the "
                                    "educator acknowledges the current version.")
            e = self.get(s, Educator, doc.educator_id, what="Educator")
            name = " ".join((signer_name or e.display_name).split())
            if name.casefold() != " ".join(e.display_name.split()).casefold():
                raise ValidationError(f"The acknowledgement is signed by the educator of this case, "
                                      f"{e.display_name}; {name!r} is someone else.")
            day = signed_on or self.today()
            self._check_received(doc, day, "The signature")
            prior = s.scalars(self.live(Acknowledgement).where(Acknowledgement.document_id == doc.id,
                                                               Acknowledgement.signer_role == "educator")).first()
            if prior is not None:
                raise RuleViolation(f"Version {doc.version_no} was already acknowledged on "
                                    f"{prior.signed_on.isoformat()}; a version is acknowledged once.")
            ack = Acknowledgement(document_id=doc.id, educator_id=doc.educator_id, signer_name=e.display_name,
                                  signer_role="educator", signed_on=day, comment=(comment or "").strip() or None,
                                  audience=doc.audience)
            s.add(ack)
            return ack

    def add_response(self, *, document_id: str, text: str, received_on: date | None = None) -> EducatorResponse:
        """The educator's written response to a finalized version: its own dated record (it may come days after
        the acknowledgement), printed with the version it answers."""
        if not text.strip():
            raise ValidationError("Enter the educator's written response.")
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            if doc.status != DocumentStatus.FINAL:
                raise RuleViolation("The educator responds to a finalized document, not to a draft.")
            day = received_on or self.today()
            self._check_received(doc, day, "The response")
            r = EducatorResponse(document_id=doc.id, educator_id=doc.educator_id, received_on=day,
                                 text=text.strip(), audience=doc.audience)
            s.add(r)
            return r

    def responses(self, document_id: str) -> list[EducatorResponse]:
        with self.session() as s:
            q = self.live(EducatorResponse).where(EducatorResponse.document_id == document_id)
            return list(s.scalars(q.order_by(EducatorResponse.received_on, EducatorResponse.created_at)))

    def acknowledgements(self, document_id: str) -> list[Acknowledgement]:
        with self.session() as s:
            q = self.live(Acknowledgement).where(Acknowledgement.document_id == document_id)
            return list(s.scalars(q.order_by(Acknowledgement.signed_on)))

    def document(self, document_id: str) -> AssessmentDocument:
        with self.session() as s:
            return self.get(s, AssessmentDocument, document_id, what="Document")

    def for_educator(self, educator_id: str, *, kind: str | None = None) -> list[AssessmentDocument]:
        with self.session() as s:
            q = self.live(AssessmentDocument).where(AssessmentDocument.educator_id == educator_id)
            if kind:
                q = q.where(AssessmentDocument.kind == kind)
            return list(s.scalars(q.order_by(AssessmentDocument.created_at)))

    def superseded_ids(self, educator_id: str) -> set[str]:
        """Documents replaced by a finalized correction."""
        return {d.supersedes_id for d in self.for_educator(educator_id)
                if d.supersedes_id and d.status == DocumentStatus.FINAL}

    def can_rate(self, educator_id: str) -> bool:
        """Does this educator get rating forms at all? (PA and informal: no.)"""
        with self.session() as s:
            program = self._svc.caseload.program_of(s, educator_id)
        return program is not None and rules.is_evaluative(program)

    def delete_draft(self, document_id: str) -> None:
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            if doc.kind != DocumentKind.FINAL_EVALUATION:  # a final evaluation's draft may go: it is regenerated
                doc = self._editable(s, document_id)
            elif doc.status != DocumentStatus.DRAFT:
                raise ImmutableRecord("This final evaluation is final and stays on record.")
            doc.deleted = True
