"""Build document view models from the core services, for one reader.

The rule: a record is included only if ``core.policy.decide(reader, subject)`` allows it (label, scope, the
program rule, the parent gate); the facts it judges by come from ``services.disclosure.facts()``. What the
document's content leaves out is counted (``self.omitted``) and stated in the PDF. The renderer checks the
result again (`redaction.check_visible`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from esp_desktop.core import clock, policy, timefmt
from esp_desktop.core.crosswalk import translate
from esp_desktop.core.enums import DocumentStatus, ObservationKind
from esp_desktop.core.errors import NotFound, RuleViolation
from esp_desktop.core.rubric import rubric_for
from esp_desktop.reports import viewmodels as vm
from esp_desktop.reports.redaction import NotVisible
from esp_desktop.reports.render import new_document_id
from esp_desktop.services import Services
from esp_desktop.services.calendars import panel_start

T = TypeVar("T")
D = TypeVar("D")

PROGRAM_LABELS = {
    "PAR": "Peer Assistance and Review (PAR)",
    "PA": "Peer Assistance (PA), non-evaluative",
    "informal": "Informal coaching",
}
STATUS_LABELS = {
    "referred": "Referred",
    "intake_scheduled": "Intake scheduled",
    "enrolled": "Enrolled",
    "completed": "Completed",
    "exited": "Exited",
}


def _words(code: str | None) -> str:
    """'co_planning' -> 'Co-planning'; 'lesson_plan' -> 'Lesson plan'."""
    if not code:
        return ""
    text = code.replace("co_", "co-").replace("_", " ")
    return text[:1].upper() + text[1:]


def _texts(audience: str, *texts: str | None) -> tuple[vm.ConferenceNoteVM, ...]:
    return tuple(vm.ConferenceNoteVM(audience, t.strip()) for t in texts if t and t.strip())


class Assembler:
    """Reads through the services (never the database) and returns frozen view models."""

    def __init__(self, services: Services, *, reader: str | policy.Reader, now: datetime | None = None) -> None:
        r = reader if isinstance(reader, policy.Reader) else policy.reader(reader)
        if r.kind.value not in policy.OUTPUT_READERS:
            raise RuleViolation(f"Unknown audience {r.kind.value!r}: choose educator, panel or admin.")
        self.svc = services
        self.reader = r
        self.facts = services.disclosure.facts()
        self.omitted = policy.Omissions(r)
        self._decided: dict[tuple[str, str], policy.Reason | None] = {}
        self._counted: set[tuple[str, str]] = set()
        self.now = now or clock.now()
        self._doc_rubric = services.rubric
        self.rubric = self._rubric()
        self._sites = {s.id: s.name for s in services.caseload.sites() if self._visible(s)}
        self._people = {p.id: p for p in services.caseload.people()}
        profile = services.caseload.profile()
        self.ct_name = profile.name if profile and self._visible(profile) else "Consulting teacher"

    # --- the policy -------------------------------------------------------------------------------------

    def _decide(self, record: Any) -> policy.Reason | None:
        key = (record.__record_type__, record.id)
        if key not in self._decided:
            self._decided[key] = policy.decide(self.reader, self.facts.subject(record))
        return self._decided[key]

    def _visible(self, record: Any) -> bool:
        """May the reader see it? (A look-up: not counted as left out.)"""
        return record is not None and not getattr(record, "deleted", False) and self._decide(record) is None

    def _keep(self, records: Iterable[T]) -> list[T]:
        """The records of the document's content the reader may see; the rest are counted as left out."""
        out = []
        for r in records:
            why = self._decide(r)
            if why is None:
                out.append(r)
            elif (key := (r.__record_type__, r.id)) not in self._counted:  # type: ignore[attr-defined]
                self._counted.add(key)
                self.omitted.add(key[0], why)
        return out

    def stamped(self, doc: D) -> D:
        """``doc`` stating what its reader is not shown (in words that reader may be told)."""
        lines = tuple(self.omitted.lines(for_reader=True))
        meta = dataclasses.replace(doc.meta, omitted=lines)  # type: ignore[attr-defined]
        return dataclasses.replace(doc, meta=meta)  # type: ignore[type-var]

    # --- shared pieces ---------------------------------------------------------------------------------

    def _rubric(self) -> vm.Rubric:
        """The document's rubric. Tags are stored in the app's rubric; codes without an equivalent in the
        document's rubric are printed as ``II-C*`` with their own name and source rubric, never dropped."""
        r, app = self._doc_rubric, self.svc.rubric
        foreign = tuple(
            vm.IndicatorRef(f"{i.code}*", f"{i.name} ({app.title}; no equivalent in this rubric)", i.standard)
            for i in app.indicators
            if r.id != app.id and not translate(i.code, app.id, r.id)
        )
        return vm.Rubric(
            name=f"{r.title} ({r.version})" if r.version else r.title,
            standards=tuple(vm.StandardRef(s.code, s.name) for s in r.standards),
            indicators=tuple(vm.IndicatorRef(i.code, i.name, i.standard) for i in r.indicators) + foreign,
            id=r.id,
        )

    def _use_rubric_of(self, cycle_rec: Any) -> None:
        """Print this document with the rubric its cycle records (the app's rubric without a cycle)."""
        self._doc_rubric = rubric_for(getattr(cycle_rec, "rubric_id", None), self.svc.rubric)
        self.rubric = self._rubric()

    def _tags(self, codes: Iterable[str] | None) -> tuple[str, ...]:
        """Indicator codes of the app's rubric as codes of the document's rubric (crosswalk)."""
        app, doc = self.svc.rubric.id, self._doc_rubric.id
        out: dict[str, None] = {}
        for code in codes or ():
            for c in translate(code, app, doc) or (f"{code}*",):
                out.setdefault(c, None)
        return tuple(out)

    def _meta(self, kind: vm.DocumentKind, subject: str) -> vm.DocumentMeta:
        return vm.DocumentMeta(
            kind=kind,
            document_id=new_document_id(),
            audience=self.reader.kind.value,
            generated_at=self.now,
            author=self.ct_name,
            subject=subject,
        )

    def _require(self, record: Any, what: str) -> None:
        why = self._decide(record)
        if why is None:
            return
        name = self.reader.name
        raise NotVisible({
            policy.Reason.PROGRAM: f"{what} cannot go to {name}: this educator is, or was, in Peer Assistance or "
            "informal coaching, which is confidential. Documents for the educator and the ESP Panel still can.",
            policy.Reason.SCOPE: f"{what} is not part of what {name} may see ({policy.READER_ROLES[self.reader.kind]}).",
            policy.Reason.PRIVATE: f"{what} is CT-private, so it cannot be exported for {name}. Change who may see it "
            "first, or choose another reader.",
            policy.Reason.AUDIENCE: f"{what} is shared with {policy.who_may_read(record.audience)} only, so it cannot "
            f"be exported for {name}. Change who may see it first, or choose another reader.",
            policy.Reason.PARENT: f"{what} belongs to a record that is not shared with {name}.",
        }.get(why, f"{what} cannot be exported for {name}."))

    def educator(self, educator_id: str) -> vm.EducatorVM:
        e = self.svc.caseload.educator(educator_id)
        self._require(e, f"The record of {e.display_name}")
        return vm.EducatorVM(
            audience=e.audience,
            id=e.id,
            name=e.display_name,
            employee_id=e.employee_id or "",
            role=e.role_subject or "",
            grade_band=e.grade_band or "",
            sites=tuple(self._sites[s] for s in e.site_ids if s in self._sites),
        )

    def case(self, educator_id: str) -> vm.CaseVM | None:
        en = self.svc.caseload.enrolment(educator_id)
        if en is None or not self._keep([en]):
            return None
        history = [
            (en.referred_on, "referred", en.referral_source or ""),
            (en.intake_scheduled_on, "intake_scheduled", ""),
            (en.enrolled_on, "enrolled", en.cap_override_reason or ""),
            (en.ended_on, en.status if en.status in ("completed", "exited") else "", en.end_reason or ""),
        ]
        return vm.CaseVM(
            audience=en.audience,
            program=en.program,
            program_label=PROGRAM_LABELS.get(en.program, en.program),
            status=STATUS_LABELS.get(en.status, _words(en.status)),
            referral_reason=f"Referral source: {en.referral_source}" if en.referral_source else "",
            history=tuple(
                vm.StatusEventVM(en.audience, d, STATUS_LABELS.get(s, _words(s)), why)
                for d, s, why in history
                if d and s
            ),
        )

    def cycle(self, educator_id: str) -> tuple[vm.CycleVM | None, Any]:
        c = self.svc.compliance.current_cycle(educator_id)
        if c is None or not self._keep([c]):
            return None, None
        second = self._people.get(c.secondary_evaluator_id or "")
        second_name = second.name if second is not None and self._visible(second) else ""
        return vm.CycleVM(
            audience=c.audience,
            plan_type=self.svc.rubric.plan_type_name(c.plan_type),
            start=c.start_on,
            end=c.end_on,
            secondary_evaluator=second_name,
        ), c

    def observation(self, o: Any, *, recorded: Sequence[Any], prescriptions: Sequence[vm.RecommendationVM] = (),
                    standing: str = "") -> vm.ObservationVM:
        """`o` with its script lines `recorded` (``ObservationService.notes_for``), the visible ones printed."""
        # Child records: only when the observation itself is visible (callers check), and only visible notes.
        notes = self._keep(recorded)
        observer = self._people.get(o.observer_person_id or "")
        return vm.ObservationVM(
            audience=o.audience,
            id=o.id,
            announced=o.kind == ObservationKind.ANNOUNCED,
            on=o.observed_on,
            site=self._sites.get(o.site_id or "", ""),
            class_period=o.class_period or "",
            duration_minutes=o.duration_minutes or _minutes(o.started_at, o.finished_at),
            observer=observer.name
            if observer is not None and self._visible(observer)
            else self.ct_name,
            pre_conference=_texts(o.audience, o.pre_conference_notes),
            post_conference=_texts(o.audience, o.post_conference_notes),
            feedback=_texts(o.audience, o.feedback, f"Next steps: {o.next_steps.strip()}" if o.next_steps else None),
            notes=tuple(
                vm.ScriptNoteVM(
                    n.audience,
                    timefmt.doc_time(n.at, empty=""),
                    n.text,
                    self._tags(n.indicator_codes),
                    tuple(self.svc.rubric.tag_name(c) for c in (n.equity_codes or ())),
                )
                for n in sorted(notes, key=lambda n: (n.seq, n.at))
            ),
            next_steps=tuple(prescriptions),
            standing=standing,
            notes_withheld=len(recorded) - len(notes),
        )

    def prescriptions(self, educator_id: str) -> list[vm.RecommendationVM]:
        out = []
        for p in self._keep(self.svc.goals.prescriptions(educator_id)):
            text = f"{p.action.strip()} (concern: {p.concern.strip()})" if p.concern else p.action
            out.append(vm.RecommendationVM(p.audience, text, self._tags(p.indicator_codes), due=p.due_on))
        return out

    def evidence(self, educator_id: str) -> list[vm.EvidenceVM]:
        cats = dict(self.svc.rubric.evidence_categories)
        items = sorted(
            self._keep(self.svc.evidence.for_educator(educator_id)),
            key=lambda e: (e.collected_on, e.created_at),
        )
        return [
            vm.EvidenceVM(
                e.audience,
                e.id,
                f"E{i}",
                e.collected_on,
                e.title,
                cats.get(e.category, _words(e.category)),
                _words(e.kind),
                self._tags(e.indicator_codes),
                tuple(e.tags or ()),
                has_attachment=bool(e.attachment_id),
            )
            for i, e in enumerate(items, 1)
        ]

    def goals(self, educator_id: str) -> list[vm.GoalVM]:
        out = []
        for g in self._keep(self.svc.goals.for_educator(educator_id)):
            checks = self._keep(self.svc.goals.progress(g.id))
            out.append(
                vm.GoalVM(
                    g.audience,
                    g.id,
                    _words(g.kind),
                    g.statement,
                    g.baseline or "",
                    g.target or "",
                    _words(g.status),
                    progress=tuple(
                        vm.ProgressCheckVM(
                            c.audience, c.checked_on, f"{c.percent}%" if c.percent is not None else "", c.note
                        )
                        for c in sorted(checks, key=lambda c: c.checked_on)
                    ),
                )
            )
        return out

    def assessment(self, doc: Any, evidence: Sequence[vm.EvidenceVM]) -> vm.AssessmentVM:
        by_id = {e.id: e for e in evidence}  # only visible evidence can be cited
        ratings = []
        for std in self.svc.rubric.standard_codes():
            r = doc.ratings.get(std) or {}
            refs = tuple(
                vm.EvidenceRefVM(by_id[i].audience, by_id[i].label, by_id[i].title)
                for i in r.get("evidence_ids", [])
                if i in by_id
            )
            ratings.append(
                vm.StandardRatingVM(std, self._rating(r.get("rating")), r.get("rationale") or "", refs)
            )
        acks = [
            a
            for a in self._keep(self.svc.assessments.acknowledgements(doc.id))
            if a.signer_role == "educator"
        ]
        ack = acks[-1] if acks else None
        cycle = self._cycle_of(doc)
        second = self._people.get(cycle.secondary_evaluator_id or "") if cycle else None
        # the local day: a document finalized after an evening meeting in Boston is dated that evening's day
        finalized = clock.to_local(doc.finalized_at).date() if doc.finalized_at else None
        responses = self._keep(self.svc.assessments.responses(doc.id))
        return vm.AssessmentVM(
            audience=doc.audience,
            id=doc.id,
            kind=doc.kind,
            status="final" if doc.status == DocumentStatus.FINAL else doc.status,
            version=doc.version_no,
            dated=finalized or clock.to_local(doc.updated_at).date(),
            author=doc.author_name,
            plan_type=self.svc.rubric.plan_type_name(cycle.plan_type)
            if cycle and self._visible(cycle)
            else "",
            period_start=cycle.start_on if cycle and self._visible(cycle) else None,
            period_end=(finalized or cycle.end_on) if cycle and self._visible(cycle) else None,
            secondary_evaluator=second.name if second is not None and self._visible(second) else "",
            ratings=tuple(ratings),
            overall_rating=self._rating(doc.overall_rating),
            overall_rationale=doc.overall_rationale or "",
            supersedes=(doc.supersedes_id or "")[:8],
            finalized_on=finalized,
            acknowledgement=vm.AcknowledgementVM(ack.audience, ack.signed_on, finalized, ack.comment or "")
            if ack
            else None,
            overrides=tuple(
                vm.OverrideVM(
                    o.get("title") or o.get("rule", ""),
                    o.get("message", ""),
                    o.get("justification", ""),
                    o.get("by", ""),
                    clock.to_local(datetime.fromisoformat(o["at"])).date() if o.get("at") else None,
                )
                for o in (doc.overrides or [])
            ),
            responses=tuple(vm.ResponseVM(r.audience, r.received_on, r.text) for r in responses),
            goals_progress=doc.goals_progress_summary or "",
        )

    def _cycle_of(self, doc: Any) -> Any:
        """The cycle a document belongs to (its own, else the educator's current one)."""
        if doc.cycle_id:
            try:
                return self.svc.compliance.cycle(doc.cycle_id)
            except NotFound:
                pass
        return self.svc.compliance.current_cycle(doc.educator_id)

    def _rating(self, code: str | None) -> str:
        return self.svc.rubric.rating_name(code) if code else ""

    def _assessments(self, educator_id: str, kind: str) -> list[Any]:
        superseded = self.svc.assessments.superseded_ids(educator_id)
        docs = [
            d
            for d in self.svc.assessments.for_educator(educator_id, kind=kind)
            if d.id not in superseded and d.status != DocumentStatus.SUPERSEDED
        ]
        return self._keep(docs)

    # --- documents ------------------------------------------------------------------------------------

    def observation_report(self, *, educator_id: str, observation_id: str) -> vm.ObservationReportDoc:
        educator = self.educator(educator_id)
        o = self.svc.observations.observation(observation_id)
        if o.educator_id != educator_id:
            raise NotFound(f"Observation {observation_id[:8]} does not belong to {educator.name}.")
        self._require(o, f"The observation of {timefmt.doc_date(o.observed_on)}")
        cycle, cycle_rec = self.cycle(educator_id)
        self._use_rubric_of(self._observation_cycle(o) or cycle_rec)
        return vm.ObservationReportDoc(
            meta=self._meta(vm.DocumentKind.OBSERVATION, educator.name),
            educator=educator,
            case=self.case(educator_id),
            cycle=cycle,
            ct_name=self.ct_name,
            observation=self.observation(o, recorded=self.svc.observations.notes(o.id),
                                         prescriptions=self.prescriptions(educator_id)),
            rubric=self.rubric,
        )

    def _observation_cycle(self, o: Any) -> Any:
        if o.cycle_id:
            try:
                return self.svc.compliance.cycle(o.cycle_id)
            except NotFound:
                return None
        return None

    def assessment_doc(
        self, *, educator_id: str, kind: str, document_id: str | None = None
    ) -> vm.AssessmentDoc:
        educator = self.educator(educator_id)
        if not self.svc.assessments.can_rate(educator_id):
            raise RuleViolation(
                f"{educator.name} is not in PAR: there are no formative or summative ratings "
                "to export (PA and informal coaching are non-evaluative)."
            )
        if document_id:
            doc = self.svc.assessments.document(document_id)
            if doc.educator_id != educator_id or doc.kind != kind:
                raise NotFound(f"Document {document_id[:8]} is not a {kind} document of {educator.name}.")
            self._require(doc, f"The {kind} document")
        else:
            docs = self._assessments(educator_id, kind)
            if not docs:
                what = (
                    "formative assessment" if kind == "formative" else "summative evaluation recommendation"
                )
                raise NotFound(f"{educator.name} has no {what} that {self.reader.name} may see.")
            doc = docs[-1]
        self._use_rubric_of(self._cycle_of(doc))
        evidence = self.evidence(educator_id)
        cycle, _ = self.cycle(educator_id)
        return vm.AssessmentDoc(
            meta=self._meta(vm.DocumentKind(kind), educator.name),
            educator=educator,
            case=self.case(educator_id),
            cycle=cycle,
            ct_name=self.ct_name,
            assessment=self.assessment(doc, evidence),
            rubric=self.rubric,
            goals=tuple(self.goals(educator_id)),
        )

    def panel_packet(self, *, educator_id: str) -> vm.PanelPacketDoc:
        educator = self.educator(educator_id)
        cycle, cycle_rec = self.cycle(educator_id)
        self._use_rubric_of(cycle_rec)
        compliance: tuple[vm.ComplianceRowVM, ...] = ()
        standing: dict[str, str] = {}
        minimum_exception = ""
        if cycle_rec is not None:
            cc = self.svc.compliance.compliance(cycle_rec.id)
            compliance = self._compliance(cc)
            standing = {ln.observation_id: _standing(ln) for ln in cc.observations}
            minimum_exception = cycle_rec.minimum_exception or ""
        visible = self._keep(self.svc.observations.for_educator(educator_id))
        scripts = self.svc.observations.notes_for(o.id for o in visible)  # one query, not one per observation
        observations = [self.observation(o, recorded=scripts[o.id], standing=standing.get(o.id, "")) for o in visible]
        evidence = self.evidence(educator_id)
        coaching = [
            vm.CoachingActivityVM(c.audience, c.held_on, _words(c.kind), c.minutes or 0)
            for c in self._keep(self.svc.coaching.for_educator(educator_id))
        ]
        formatives, recommendation = [], None
        if self.svc.assessments.can_rate(educator_id):
            formatives = [self.assessment(d, evidence) for d in self._assessments(educator_id, "formative")]
            summatives = self._assessments(educator_id, "summative")
            recommendation = self.assessment(summatives[-1], evidence) if summatives else None
        return vm.PanelPacketDoc(
            meta=self._meta(vm.DocumentKind.PANEL_PACKET, educator.name),
            educator=educator,
            case=self.case(educator_id),
            cycle=cycle,
            ct_name=self.ct_name,
            rubric=self.rubric,
            compliance=compliance,
            minimum_exception=minimum_exception,
            observations=tuple(sorted(observations, key=lambda o: o.on)),
            evidence=tuple(evidence),
            goals=tuple(self.goals(educator_id)),
            coaching=tuple(coaching),
            recommendations=tuple(self.prescriptions(educator_id)),
            formatives=tuple(formatives),
            recommendation=recommendation,
            learning=self.learning_support(educator_id),
        )

    def learning_support(self, educator_id: str) -> vm.LearningSupportVM:
        """Support provided and learning matched: what the reader may see of priorities, matches and sessions."""
        from ..core.learning import MATCH_STATUS_NAMES

        lrn = self.svc.learning
        summary = lrn.support_summary(educator_id)
        names = lrn.code_names()
        prios = tuple((p.audience, f"{p.rank}. {p.code} {names.get(p.code, '')} ({_words(p.status).lower()})")
                      for p in self._keep(summary.priorities))
        evidence = {e.id: e for e in self.svc.evidence.for_educator(educator_id)}
        matches = []
        for m in self._keep(summary.matches):
            ev = evidence.get(m.evidence_id or "")
            matches.append(vm.LearningMatchVM(
                m.audience, m.entry_title, f"{m.priority_code} {names.get(m.priority_code, '')}".strip(),
                MATCH_STATUS_NAMES.get(m.status, m.status), m.offered_on, m.attended_on, m.tried_on,
                ev.title if ev is not None and self._visible(ev) else ""))
        kept = {s.id for s in self._keep([sess for sess, _a in summary.sessions])}
        sessions = tuple(vm.PDSessionVM(sess.audience, sess.title, sess.held_on, sess.goal,
                                        a.get("commitment") or sess.commitment or "")
                         for sess, a in summary.sessions if sess.id in kept)
        return vm.LearningSupportVM(prios, tuple(matches), sessions)

    def _visible_observation_ids(self, educator_id: str) -> set[str]:
        return {o.id for o in self.svc.observations.for_educator(educator_id) if self._visible(o)}

    def _compliance(self, cc: Any) -> tuple[vm.ComplianceRowVM, ...]:
        """Rows whose counts match what the packet shows: "done" is the true count, its dates are the ones this
        reader can see, and ``not_shown`` says how many counted observations the reader cannot see."""
        shown = self._visible_observation_ids(cc.cycle.educator_id)
        rows = []
        for kind, label, done, required in (
            ("announced", "Announced observations", cc.announced_done, cc.announced_required),
            ("unannounced", "Unannounced observations", cc.unannounced_done, cc.unannounced_required),
        ):
            items = [i for i in cc.items if i.what == "observation" and i.kind == kind]
            counted = [ln for ln in cc.counted if ln.kind == kind]
            open_items = [i for i in items if i.state != "done"]
            nxt = min(open_items, key=lambda i: i.due_on) if open_items else None
            if done >= required:
                status = "Complete"
            elif any(i.state == "late" for i in items):
                status = "Late"
            elif nxt is not None and nxt.state == "due_soon":
                status = "Due soon"
            else:
                status = "On track"
            rows.append(
                vm.ComplianceRowVM(
                    label,
                    required,
                    done,
                    tuple(ln.observed_on for ln in counted if ln.observation_id in shown),
                    nxt.due_on if nxt else None,
                    status,
                    not_shown=sum(1 for ln in counted if ln.observation_id not in shown),
                )
            )
        feedback = [i for i in cc.items if i.what == "feedback"]
        if feedback:
            on_time = [i for i in feedback if i.state == "done" and "(given late)" not in i.label]
            late = [i for i in feedback if i.state == "late" or "(given late)" in i.label]
            open_fb = [i for i in feedback if i.state != "done"]
            nxt_fb = min(open_fb, key=lambda i: i.due_on) if open_fb else None
            rows.append(
                vm.ComplianceRowVM(
                    "Feedback given on time",
                    len(feedback),
                    len(on_time),
                    (),
                    nxt_fb.due_on if nxt_fb else None,
                    "Late" if late else ("Complete" if not open_fb else "On track"),
                )
            )
        secondary = cc.secondary
        if secondary:
            rows.append(
                vm.ComplianceRowVM(
                    "Secondary evaluator's observations (not counted)",
                    0,
                    len(secondary),
                    tuple(ln.observed_on for ln in secondary if ln.observation_id in shown),
                    None,
                    "Listed only",
                    not_shown=sum(1 for ln in secondary if ln.observation_id not in shown),
                    counts=False,
                )
            )
        for i in cc.items:
            if i.what in ("formative", "summative"):
                rows.append(
                    vm.ComplianceRowVM(
                        i.label,
                        1,
                        1 if i.state == "done" else 0,
                        (i.done_on,) if i.done_on else (),
                        None if i.state == "done" else i.due_on,
                        "Complete" if i.state == "done" else _words(i.state),
                    )
                )
        return tuple(rows)

    def agenda(self, *, meeting_id: str, educator_id: str | None = None) -> vm.AgendaDoc:
        meeting = self.svc.panel.meeting(meeting_id)
        self._require(meeting, f"The ESP Panel meeting of {timefmt.doc_date(meeting.meets_on)}")
        items = []
        for a in self.svc.panel.agenda(meeting_id):
            case = a.case
            if (educator_id and case.educator_id != educator_id) or not self._keep([case]):
                continue
            e = self.svc.caseload.educator(case.educator_id)
            if not self._keep([e]):
                continue
            cycle, _ = self.cycle(case.educator_id)
            items.append(
                vm.AgendaItemVM(
                    audience=case.audience,
                    educator_id=e.id,
                    educator_name=e.display_name,
                    program=a.program or "",
                    ct_name=self.ct_name,
                    sites=tuple(self._sites[s] for s in e.site_ids if s in self._sites),
                    cycle=f"{_month(cycle.start)} – {_month(cycle.end)}" if cycle else "",
                    decision=case.purpose,
                    recommendation=self._recommended(case),
                )
            )
        start = panel_start(meeting, self.svc.calendars.settings().panel_time)
        mvm = vm.MeetingVM(
            audience=meeting.audience,
            id=meeting.id,
            on=meeting.meets_on,
            time=timefmt.doc_time(start, zone=True),
            location=meeting.location or "",
            items=tuple(items),
        )
        return vm.AgendaDoc(
            meta=self._meta(vm.DocumentKind.AGENDA, f"ESP Panel, {timefmt.doc_date(meeting.meets_on)}"), meeting=mvm
        )

    def _recommended(self, case: Any) -> str:
        doc = None
        if case.recommendation_id:
            try:
                doc = self.svc.assessments.document(case.recommendation_id)
            except NotFound:
                doc = None
        elif self.svc.assessments.can_rate(case.educator_id):
            docs = self._assessments(case.educator_id, "summative")
            doc = docs[-1] if docs else None
        if doc is None or not self._visible(doc) or not doc.overall_rating:
            return ""
        return self._rating(doc.overall_rating)


def _standing(line: Any) -> str:
    if line.counts:
        return "Counts toward the cycle minimum"
    if line.secondary:
        return "Secondary evaluator's observation: listed, not counted toward the consulting teacher's minimum"
    return f"Not counted toward the cycle minimum: {line.reason}"


def _month(d: date) -> str:
    return f"{timefmt.MONTHS[d.month - 1][:3]} {d.year}"


def _minutes(start: datetime | None, end: datetime | None) -> int:
    if start and end and end > start:
        return int((end - start).total_seconds() // 60)
    return 0
