"""Formative assessments and summative evaluation recommendations (PAR only).

Draft -> finalize. A finalized document is immutable; a correction is a new draft that references it
(``supersedes_id``). Acknowledgements (signature = receipt, not agreement) attach to finalized documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..core import clock, rules
from ..core.enums import DocumentKind, DocumentStatus
from ..core.errors import ImmutableRecord, RuleViolation, ValidationError
from ..store.models import Acknowledgement, AssessmentDocument, Educator, EvidenceItem
from .base import Service

FINAL_EVALUATION_REFUSAL = (
    "The final summative evaluation carries the ESP Panel's ratings: it changes only when the Panel revises its "
    "decision, which generates a new version."
)
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
                cyc = self._svc.compliance._cycle_on(s, educator_id, self.today())
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

    def finalize_problems(self, document_id: str) -> list[str]:
        """What must be filled in before this document can be finalized (empty: it can be). The Finalize
        dialog shows these; ``finalize`` refuses while there are any."""
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            return self._problems(doc)

    def _problems(self, doc: AssessmentDocument) -> list[str]:
        out: list[str] = []
        missing = [c for c in self._svc.rubric.standard_codes() if not (doc.ratings.get(c) or {}).get("rating")]
        if missing:
            out.append(f"Rate every standard (missing: {', '.join(missing)}).")
        bare = [c for c in self._svc.rubric.standard_codes()
                if (doc.ratings.get(c) or {}).get("rating") and not (doc.ratings[c].get("rationale") or "").strip()]
        if bare:
            out.append(f"Write the rationale for standard {', '.join(bare)}: what the evidence shows.")
        if not doc.overall_rating:
            out.append("Give an overall rating.")
        elif not (doc.overall_rationale or "").strip():
            out.append("Write the rationale for the overall rating.")
        return out

    def finalize(self, *, document_id: str) -> AssessmentDocument:
        with self.session() as s:
            doc = self._editable(s, document_id)
            problems = self._problems(doc)
            if problems:
                raise ValidationError("Before finalizing: " + " ".join(problems))
            doc.status = DocumentStatus.FINAL.value
            doc.finalized_at = clock.now()
            doc.content_sha256 = content_hash(doc)
            return doc

    def correct(self, *, document_id: str) -> AssessmentDocument:
        """Start a correction of a finalized document: a new draft, version + 1, referencing the old one."""
        with self.session() as s:
            old = self.get(s, AssessmentDocument, document_id, what="Document")
            if old.kind == DocumentKind.FINAL_EVALUATION:
                raise RuleViolation(FINAL_EVALUATION_REFUSAL)
            if old.status != DocumentStatus.FINAL:
                raise RuleViolation("Only a finalized document needs a correction; edit the draft instead.")
            self._check_evaluative(s, old.educator_id)
            new = AssessmentDocument(educator_id=old.educator_id, kind=old.kind, cycle_id=old.cycle_id,
                                     status=DocumentStatus.DRAFT.value, version_no=old.version_no + 1,
                                     supersedes_id=old.id, author_name=self._author(),
                                     ratings=json.loads(json.dumps(old.ratings)), overall_rating=old.overall_rating,
                                     overall_rationale=old.overall_rationale,
                                     goals_progress_summary=old.goals_progress_summary, audience=old.audience)
            s.add(new)
            return new

    def acknowledge(self, *, document_id: str, signer_name: str, signed_on: date | None = None,
                    comment: str | None = None, signer_role: str = "educator") -> Acknowledgement:
        """Record a signature. The educator's signature acknowledges receipt, not agreement."""
        if not signer_name.strip():
            raise ValidationError("Enter the name of the person signing.")
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Document")
            if doc.status != DocumentStatus.FINAL:
                raise RuleViolation("Only a finalized document can be acknowledged.")
            ack = Acknowledgement(document_id=doc.id, educator_id=doc.educator_id, signer_name=signer_name.strip(),
                                  signer_role=signer_role, signed_on=signed_on or self.today(), comment=comment,
                                  audience=doc.audience)
            s.add(ack)
            return ack

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
