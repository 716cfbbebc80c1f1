"""The final summative evaluation: generated from the ESP Panel's decision on a PAR case.

It is an assessment document of kind ``final_evaluation`` (so the educator's acknowledgement and written response
work as for every finalized document): the Panel's final ratings per standard and overall, the CT's recommended
rating beside each, the rationale (the CT's per standard, the Panel's overall), the evidence the recommendation
cites, and its basis (which decision version, which vote, which recommendation), all in the content hash.
The CT cannot edit the ratings: a change is a revised Panel decision and a new version of this document.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock, panel_rules, policy, timefmt
from ..core.enums import Audience, DocumentKind, DocumentStatus, label
from ..core.errors import RuleViolation, ValidationError
from ..store.models import AssessmentDocument, Enrolment, PanelDecisionRecord, PanelMeeting, PanelMotion
from .assessments import content_hash
from .base import Service

PANEL_AUTHOR = "ESP Panel"
KIND = DocumentKind.FINAL_EVALUATION.value


class FinalEvaluationService(Service):
    def generate(self, *, decision_id: str) -> AssessmentDocument:
        """A draft final evaluation from a decision that sets final ratings (the current version of it)."""
        with self.session() as s:
            d = self.get(s, PanelDecisionRecord, decision_id, what="Panel decision")
            if not panel_rules.gives_final_ratings(d.decision):
                raise RuleViolation(f"“{label(d.decision)}” sets no final ratings: there is no final evaluation "
                                    "to generate from it.")
            current = self._svc.panel._current_for_educator(s, d.educator_id)
            if current is None or current.id != d.id:
                raise RuleViolation(f"This decision was revised (version {current.version_no if current else '?'} "
                                    "is current): generate the final evaluation from the current version.")
            docs = self._docs(s, d.educator_id)
            mine = [x for x in docs if (x.basis or {}).get("decision_id") == d.id]
            if mine:
                state = "a draft" if mine[-1].status == DocumentStatus.DRAFT else "final"
                raise RuleViolation(f"The final evaluation of this decision already exists ({state}, version "
                                    f"{mine[-1].version_no}): open it.")
            drafts = [x for x in docs if x.status == DocumentStatus.DRAFT]
            if drafts:
                raise RuleViolation("A draft final evaluation from an earlier decision is still open: delete it "
                                    "first (its decision was revised).")
            finals = [x for x in docs if x.status == DocumentStatus.FINAL]
            replaced = {x.supersedes_id for x in finals}
            previous = next((x for x in reversed(finals) if x.id not in replaced), None)
            doc = self._build(s, d, previous)
            s.add(doc)
            return doc

    def _docs(self, s: Session, educator_id: str) -> list[AssessmentDocument]:
        return sorted(s.scalars(self.live(AssessmentDocument).where(
            AssessmentDocument.educator_id == educator_id, AssessmentDocument.kind == KIND)),
            key=lambda x: (x.version_no, x.created_at))

    def _build(self, s: Session, d: PanelDecisionRecord, previous: AssessmentDocument | None) -> AssessmentDocument:
        rec = s.get(AssessmentDocument, d.recommendation_id) if d.recommendation_id else None
        rec_ratings: dict[str, Any] = (rec.ratings or {}) if rec is not None else {}
        ratings = {}
        for std in self._svc.rubric.standard_codes():
            r = rec_ratings.get(std) or {}
            ratings[std] = {"rating": d.final_ratings.get(std), "rationale": r.get("rationale") or "",
                            "evidence_ids": list(r.get("evidence_ids") or []), "recommended": r.get("rating")}
        meeting = s.get(PanelMeeting, d.meeting_id)
        motion = s.get(PanelMotion, d.motion_id) if d.motion_id else None
        basis = {
            "decision_id": d.id, "decision_version": d.version_no, "decision": d.decision,
            "decided_on": d.decided_on.isoformat(), "meeting_id": d.meeting_id,
            "meeting_on": meeting.meets_on.isoformat() if meeting else None,
            "vote": panel_rules.Tally(motion.votes_for, motion.votes_against, motion.abstentions).line()
            if motion else None,
            "recorded_by": d.recorded_by, "revision_reason": d.revision_reason,
            "recommendation_id": rec.id if rec else None, "recommendation_version": rec.version_no if rec else None,
            "recommended_overall": rec.overall_rating if rec else None,
        }
        programs = list(s.scalars(select(Enrolment.program).where(Enrolment.educator_id == d.educator_id,
                                                                   Enrolment.deleted.is_(False))))
        # PAR only: the school administrator receives the final evaluation, unless the educator was ever in PA
        audience = Audience.ADMIN if policy.audience_refusal(programs, Audience.ADMIN) is None else Audience.EDUCATOR
        rationale = d.rationale or f"The ESP Panel decided on {timefmt.doc_date(d.decided_on)}: {label(d.decision)}."
        return AssessmentDocument(
            educator_id=d.educator_id, cycle_id=rec.cycle_id if rec else None, kind=KIND,
            status=DocumentStatus.DRAFT.value, version_no=(previous.version_no + 1) if previous else 1,
            supersedes_id=previous.id if previous else None, author_name=PANEL_AUTHOR, ratings=ratings,
            overall_rating=d.final_overall, overall_rationale=rationale,
            goals_progress_summary=rec.goals_progress_summary if rec else None, basis=basis,
            audience=audience.value)

    def finalize(self, *, document_id: str) -> AssessmentDocument:
        with self.session() as s:
            doc = self.get(s, AssessmentDocument, document_id, what="Final evaluation")
            if doc.kind != KIND:
                raise ValidationError("That is not a final summative evaluation.")
            if doc.status != DocumentStatus.DRAFT:
                raise RuleViolation("This final evaluation is already final.")
            d = s.get(PanelDecisionRecord, (doc.basis or {}).get("decision_id") or "")
            current = self._svc.panel._current_for_educator(s, doc.educator_id)
            if d is None or d.deleted or current is None or current.id != d.id:
                raise RuleViolation("The Panel's decision this draft was generated from was revised: delete the "
                                    "draft and generate the final evaluation again.")
            missing = [std for std in self._svc.rubric.standard_codes() if not (doc.ratings.get(std) or {}).get("rating")]
            if missing or not doc.overall_rating:
                raise ValidationError("The Panel's decision lacks final ratings for "
                                      f"{', '.join(missing) or 'the overall rating'}.")
            doc.status = DocumentStatus.FINAL.value
            doc.finalized_at = clock.now()
            doc.content_sha256 = content_hash(doc)
            return doc

    def for_educator(self, educator_id: str) -> list[AssessmentDocument]:
        with self.session() as s:
            return self._docs(s, educator_id)

    def current(self, educator_id: str) -> AssessmentDocument | None:
        """The final evaluation in force: the newest final version (else the newest draft)."""
        docs = self.for_educator(educator_id)
        finals = [x for x in docs if x.status == DocumentStatus.FINAL]
        replaced = {x.supersedes_id for x in finals}
        live = [x for x in finals if x.id not in replaced]
        pick = live or docs
        return pick[-1] if pick else None
