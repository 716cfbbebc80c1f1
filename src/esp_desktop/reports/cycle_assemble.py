"""Build the Panel's and the cycle's document view models for one reader (the rules of assemble.py: a record is
included only if its reader may see it, a child only with its parent, and a document whose subject the reader
may not see is refused with a plain message)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from esp_desktop.core import panel_rules, timefmt
from esp_desktop.core.enums import DocumentStatus, label
from esp_desktop.core.errors import NotFound, RuleViolation
from esp_desktop.reports import cycle_viewmodels as cvm
from esp_desktop.reports import viewmodels as vm
from esp_desktop.reports.assemble import Assembler


class CycleAssembler(Assembler):
    # --- the Panel -----------------------------------------------------------------------------------------

    def _motion(self, m: Any) -> cvm.MotionVM:
        tally = panel_rules.Tally(m.votes_for, m.votes_against, m.abstentions)
        result = panel_rules.outcome(tally, present=m.present, rule=m.majority_rule)
        return cvm.MotionVM(m.audience, m.text, m.moved_by or "", m.seconded_by or "", tally.line(), m.carried,
                            result.reason, m.recorded_by, m.notes or "")

    def decision_vm(self, d: Any, *, by_id: dict[str, Any], meetings: dict[str, date]) -> cvm.DecisionVM:
        rubric = self.svc.rubric
        later = next((x for x in by_id.values() if x.supersedes_id == d.id), None)
        old = by_id.get(d.supersedes_id or "")
        motion = None
        if d.motion_id:
            motion = next((m for m in self.svc.panel.motions(d.case_id) if m.id == d.motion_id), None)
        return cvm.DecisionVM(
            audience=d.audience, id=d.id, version=d.version_no, decision=label(d.decision), decided_on=d.decided_on,
            meeting_on=meetings.get(d.meeting_id),
            ratings=tuple((std, rubric.rating_name(d.final_ratings[std])) for std in rubric.standard_codes()
                          if d.final_ratings.get(std)),
            overall=self._rating(d.final_overall), rationale=d.rationale or "", recorded_by=d.recorded_by,
            vote=panel_rules.Tally(motion.votes_for, motion.votes_against, motion.abstentions).line() if motion
            and self._visible(motion) else "",
            revises=f"version {old.version_no} of {timefmt.doc_date(old.decided_on)}" if old else "",
            revision_reason=d.revision_reason or "",
            superseded_by=f"version {later.version_no} of {timefmt.doc_date(later.decided_on)}" if later else "",
        )

    def minutes(self, *, meeting_id: str) -> cvm.MinutesDoc:
        rec = self.svc.panel.meeting_record(meeting_id)
        m = rec.meeting
        self._require(m, f"The ESP Panel meeting of {timefmt.doc_date(m.meets_on)}")
        meetings = {x.id: x.meets_on for x in self.svc.panel.meetings()}
        cases: list[cvm.MinutesCaseVM] = []
        for item in rec.items:
            c = item.case
            if not self._keep([c]):  # counted as left out, and said so on the document
                continue
            history = {d.id: d for d in self.svc.panel.decision_history(c.educator_id)}
            here = [d for d in sorted(history.values(), key=lambda d: d.version_no)
                    if d.meeting_id == m.id and d.case_id == c.id]
            decisions = [self.decision_vm(d, by_id=history, meetings=meetings) for d in self._keep(here)]
            rec_doc = self.svc.panel.recommendation(c.id)
            cases.append(cvm.MinutesCaseVM(
                audience=c.audience, position=len(cases) + 1, educator_name=item.educator_name,
                program=item.program or "", presenter=c.presenter or self.ct_name, purpose=c.purpose,
                presentation=c.presentation or "", discussion=c.discussion or "",
                recommendation=self._rating(rec_doc.overall_rating) if rec_doc and self._visible(rec_doc)
                else "",
                motions=tuple(self._motion(x) for x in self._keep(item.motions)),
                decisions=tuple(decisions)))
        revised = []
        for d in rec.revised:
            if self._visible(d):
                history = {x.id: x for x in self.svc.panel.decision_history(d.educator_id)}
                revised.append(self.decision_vm(d, by_id=history, meetings=meetings))
        att = rec.attendance if rec.attendance and self._keep([rec.attendance]) else None
        return cvm.MinutesDoc(
            meta=self._meta(vm.DocumentKind.MINUTES, f"ESP Panel, {timefmt.doc_date(m.meets_on)}"),
            meeting=vm.MeetingVM(audience=m.audience, id=m.id, on=m.meets_on, location=m.location or "",
                                 chair=m.chair or "", time=_meeting_time(m)),
            rubric=self.rubric, quorum=rec.quorum, majority_rule=label(rec.majority_rule),
            attendance=cvm.AttendanceVM(att.audience, tuple(att.present), tuple(att.absent), att.others or "",
                                        att.recorded_by) if att else None,
            quorate=rec.quorate, cases=tuple(cases), revised=tuple(revised))

    def panel_packet(self, *, educator_id: str) -> vm.PanelPacketDoc:
        """The packet, with the decision page filled in once the Panel has decided."""
        doc = super().panel_packet(educator_id=educator_id)
        decision, withheld = self.packet_decision(educator_id)
        return dataclasses.replace(doc, decision=decision, decision_withheld=withheld)

    def packet_decision(self, educator_id: str) -> tuple[cvm.DecisionVM | None, bool]:
        """The Panel's current decision for the packet's decision page: (its view model, withheld?)."""
        d = self.svc.panel.current_decision(educator_id)
        if d is None:
            return None, False
        if not self._visible(d):
            return None, True
        history = {x.id: x for x in self.svc.panel.decision_history(educator_id)}
        meetings = {x.id: x.meets_on for x in self.svc.panel.meetings()}
        return self.decision_vm(d, by_id=history, meetings=meetings), False

    # --- the final summative evaluation ------------------------------------------------------------------------

    def final_evaluation_doc(self, *, educator_id: str, document_id: str | None = None) -> cvm.FinalEvaluationDoc:
        educator = self.educator(educator_id)
        if document_id:
            doc = self.svc.assessments.document(document_id)
            if doc.educator_id != educator_id or doc.kind != "final_evaluation":
                raise NotFound(f"Document {document_id[:8]} is not a final evaluation of {educator.name}.")
        else:
            current = self.svc.final_evaluations.current(educator_id)
            if current is None:
                raise NotFound(f"{educator.name} has no final summative evaluation yet: the ESP Panel decides "
                               "first, then the CT generates it from the decision.")
            doc = current
        self._require(doc, "The final summative evaluation")
        evidence = self.evidence(educator_id)
        by_id = {e.id: e for e in evidence}
        ratings = []
        for std in self.svc.rubric.standard_codes():
            r = doc.ratings.get(std) or {}
            refs = tuple(vm.EvidenceRefVM(by_id[i].audience, by_id[i].label, by_id[i].title)
                         for i in r.get("evidence_ids", []) if i in by_id)
            ratings.append(cvm.FinalRatingVM(std, self._rating(r.get("rating")), self._rating(r.get("recommended")),
                                             r.get("rationale") or "", refs))
        cited = {ref.label for r in ratings for ref in r.evidence}
        basis = doc.basis or {}
        acks = [a for a in self._keep(self.svc.assessments.acknowledgements(doc.id))
                if a.signer_role == "educator"]
        ack = acks[-1] if acks else None
        finalized = doc.finalized_at.date() if doc.finalized_at else None
        ev = cvm.FinalEvaluationVM(
            audience=doc.audience, id=doc.id, version=doc.version_no,
            status="final" if doc.status == DocumentStatus.FINAL else "draft",
            decision=label(basis.get("decision")), decided_on=_day(basis.get("decided_on")),
            meeting_on=_day(basis.get("meeting_on")), vote=basis.get("vote") or "",
            decision_version=int(basis.get("decision_version") or 1),
            revision_reason=basis.get("revision_reason") or "",
            recommendation_version=basis.get("recommendation_version"), ratings=tuple(ratings),
            overall=self._rating(doc.overall_rating), overall_recommended=self._rating(basis.get("recommended_overall")),
            rationale=doc.overall_rationale or "", goals_progress=doc.goals_progress_summary or "",
            supersedes=(doc.supersedes_id or "")[:8], finalized_on=finalized, content_sha256=doc.content_sha256 or "",
            acknowledgement=vm.AcknowledgementVM(ack.audience, ack.signed_on, finalized, ack.comment or "")
            if ack else None,
            responses=self._responses(doc.id))
        cycle, _ = self.cycle(educator_id)
        return cvm.FinalEvaluationDoc(
            meta=self._meta(vm.DocumentKind.FINAL_EVALUATION, educator.name), educator=educator,
            case=self.case(educator_id), cycle=cycle, ct_name=self.ct_name, rubric=self.rubric, evaluation=ev,
            evidence=tuple(e for e in evidence if e.label in cited))

    def _responses(self, document_id: str) -> tuple[cvm.ResponseVM, ...]:
        # The educator's written responses (issue 11's records), when that service is present.
        responses = getattr(self.svc.assessments, "responses", None)
        if responses is None:
            return ()
        return tuple(cvm.ResponseVM(r.audience, r.received_on, r.text)
                     for r in self._keep(responses(document_id)))

    # --- steps 1 and 2, progress reports -------------------------------------------------------------------------

    def _doc(self, service: Any, educator_id: str, document_id: str | None, what: str) -> Any:
        educator = self.educator(educator_id)
        doc = service.document(document_id) if document_id else service.current(educator_id)
        if doc is None or doc.educator_id != educator_id:
            raise NotFound(f"{educator.name} has no {what} yet.")
        self._require(doc, f"The {what}")
        return doc

    def self_assessment_doc(self, *, educator_id: str, document_id: str | None = None) -> cvm.SelfAssessmentDoc:
        doc = self._doc(self.svc.self_assessments, educator_id, document_id, "self-assessment")
        educator = self.educator(educator_id)
        entries = tuple(cvm.SelfAssessmentEntryVM(std, (doc.entries.get(std) or {}).get("strengths", ""),
                                                  (doc.entries.get(std) or {}).get("areas_to_grow", ""))
                        for std in self.svc.rubric.standard_codes())
        source = ("Entered by the consulting teacher from the educator's form" if doc.source != "imported" else
                  f"Imported from the educator's file {doc.source_file} (SHA-256 {(doc.source_sha256 or '')[:12]})")
        cycle, _ = self.cycle(educator_id)
        return cvm.SelfAssessmentDoc(
            meta=self._meta(vm.DocumentKind.SELF_ASSESSMENT, educator.name), educator=educator,
            case=self.case(educator_id), cycle=cycle, ct_name=self.ct_name, rubric=self.rubric,
            self_assessment=cvm.SelfAssessmentVM(
                doc.audience, doc.id, doc.version_no, _status(doc), doc.completed_on, source, entries,
                doc.reflection or "", doc.finalized_at.date() if doc.finalized_at else None,
                doc.content_sha256 or ""))

    def plan_doc(self, *, educator_id: str, document_id: str | None = None) -> cvm.PlanDoc:
        educator = self.educator(educator_id)  # first: a reader who may not know of the educator learns nothing more
        if not self.svc.assessments.can_rate(educator_id):
            raise RuleViolation("The Educator Plan is part of the evaluation cycle (PAR): this educator has none.")
        plan = self._doc(self.svc.plans, educator_id, document_id, "Educator Plan")
        goal_ids = {g.id for g in self.svc.plans.goals(plan.id)}
        goals = tuple(g for g in self.goals(educator_id) if g.id in goal_ids)
        rx_ids = {p.id for p in self.svc.plans.prescriptions(plan.id)}
        rxs = tuple(vm.RecommendationVM(p.audience, f"{p.action.strip()} (concern: {p.concern.strip()})"
                                        if p.concern else p.action, tuple(p.indicator_codes or ()), due=p.due_on)
                    for p in self._keep(self.svc.goals.prescriptions(educator_id)) if p.id in rx_ids)
        weeks = (plan.end_on - plan.start_on).days // 7
        cycle, _ = self.cycle(educator_id)
        return cvm.PlanDoc(
            meta=self._meta(vm.DocumentKind.EDUCATOR_PLAN, educator.name), educator=educator,
            case=self.case(educator_id), cycle=cycle, ct_name=self.ct_name, rubric=self.rubric,
            plan=cvm.PlanVM(
                audience=plan.audience, id=plan.id, version=plan.version_no, status=_status(plan),
                plan_type=self.svc.rubric.plan_type_name(plan.plan_type), start=plan.start_on, end=plan.end_on,
                duration=f"{weeks} weeks ({timefmt.doc_date(plan.start_on)} to {timefmt.doc_date(plan.end_on)})",
                focus=plan.focus or "", goals=goals, prescriptions=rxs,
                actions=tuple(cvm.PlanActionVM(a.get("action", ""), a.get("supports", ""), _day(a.get("due_on")))
                              for a in plan.actions or []),
                timeline=tuple((d, t.get("what", "")) for t in plan.timeline or [] if (d := _day(t.get("on")))),
                evaluator_name=plan.evaluator_name or "", evaluator_signed_on=plan.evaluator_signed_on,
                educator_name=plan.educator_name or "", educator_signed_on=plan.educator_signed_on,
                finalized_on=plan.finalized_at.date() if plan.finalized_at else None,
                content_sha256=plan.content_sha256 or "", supersedes=(plan.supersedes_id or "")[:8]))

    def progress_doc(self, *, educator_id: str, document_id: str | None = None) -> cvm.ProgressReportDoc:
        r = self._doc(self.svc.progress, educator_id, document_id, "progress report to the Panel")
        educator = self.educator(educator_id)
        finals = [x for x in self.svc.progress.for_educator(educator_id)
                  if x.status == DocumentStatus.FINAL and x.supersedes_id is None]
        number = next((i for i, x in enumerate(finals, 1) if x.id == r.id or x.id == r.supersedes_id),
                      len(finals) + 1)
        cycle, _ = self.cycle(educator_id)
        return cvm.ProgressReportDoc(
            meta=self._meta(vm.DocumentKind.PROGRESS_REPORT, educator.name), educator=educator,
            case=self.case(educator_id), cycle=cycle, ct_name=self.ct_name,
            report=cvm.ProgressReportVM(
                r.audience, r.id, r.version_no, _status(r), r.period_start, r.period_end, r.due_on,
                r.observations or "", r.goal_progress or "", r.support or "", r.next_steps or "",
                r.finalized_at.date() if r.finalized_at else None, r.content_sha256 or "", number))


def _status(doc: Any) -> str:
    return "final" if doc.status == DocumentStatus.FINAL else "draft"


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _meeting_time(m: Any) -> str:
    # The meeting's start time (issue 11 adds it to the meeting record).
    start = getattr(m, "start_time", None)
    return str(start) if start else ""
