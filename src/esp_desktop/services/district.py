"""Post to the district platform: an observation or a formative/summative document laid out in the platform's form
order (``core/platform.py``), what was posted when and by whom, and what still waits to be posted.

Only what the educator may see is offered (``services/scope.py``): the platform is the educator's evaluation
record. Only PAR work goes there; Peer Assistance and informal coaching are non-evaluative and confidential.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..core import clock, rules, timefmt
from ..core.enums import DocumentStatus, ObservationStatus, ReaderKind, label
from ..core.errors import NotFound, RuleViolation
from ..core.platform import (
    CONTEXT,
    DOCUMENT,
    EVIDENCE,
    FEEDBACK,
    NEXT_STEPS,
    OVERALL,
    PLATFORM,
    STANDARDS,
    FormField,
    PlatformForm,
    PostState,
)
from ..store.models import (
    AssessmentDocument,
    AssessmentPost,
    CTProfile,
    Educator,
    Enrolment,
    EvidenceItem,
    Observation,
    ObservationPost,
    Person,
    ScriptNote,
    Site,
)
from .base import Service
from .scope import Scope, build_scope

PLATFORM_READER = ReaderKind.EDUCATOR  # the platform is the educator's evaluation record
POST_MODELS: dict[str, tuple[type[ObservationPost] | type[AssessmentPost], str]] = {
    "observation": (ObservationPost, "observation_id"),
    "assessment": (AssessmentPost, "document_id"),
}


@dataclass(frozen=True)
class PostingItem:
    """A finished observation or final document that is not on the platform yet (or changed since)."""

    educator_id: str
    educator_name: str
    record_type: str  # "observation" | "assessment"
    record_id: str
    what: str  # "Unannounced observation" / "Formative assessment (version 2)"
    on: date  # observed on / finalized on
    state: PostState


def _lines(*pairs: tuple[str, str | None]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in pairs if v)


class DistrictService(Service):
    # --- the form -----------------------------------------------------------------------------------------

    def form(self, record_type: str, record_id: str) -> PlatformForm:
        if record_type == "observation":
            return self.observation_form(record_id)
        if record_type == "assessment":
            return self.assessment_form(record_id)
        raise NotFound(f"Only observations and assessments are posted to {PLATFORM}.")

    def observation_form(self, observation_id: str) -> PlatformForm:
        with self.session() as s:
            return self._observation_form(s, self.get(s, Observation, observation_id, what="Observation"))

    def assessment_form(self, document_id: str) -> PlatformForm:
        with self.session() as s:
            return self._assessment_form(s, self.get(s, AssessmentDocument, document_id, what="Document"))

    def _scope(self, s: Session, educator_id: str) -> Scope:
        return build_scope(s, PLATFORM_READER, educator_id=educator_id)

    def _check_case(self, s: Session, educator: Educator, scope: Scope) -> None:
        program = self._svc.caseload.program_of(s, educator.id)
        if program is None or not rules.is_evaluative(program):
            raise RuleViolation(
                f"{educator.display_name} is in {label(program) if program else 'no program'}: that work is "
                f"non-evaluative and confidential, so nothing of it is posted to {PLATFORM}."
            )
        if not scope.shows(educator):
            raise RuleViolation(f"The record of {educator.display_name} is not shared with the educator.")

    def _observation_form(self, s: Session, o: Observation) -> PlatformForm:
        e = self.get(s, Educator, o.educator_id, what="Educator")
        scope = self._scope(s, e.id)
        self._check_case(s, e, scope)
        when = timefmt.screen_date(o.observed_on)
        if not scope.shows(o):
            raise RuleViolation(
                f"The observation of {when} is not shared with the educator, so nothing of it can be posted. "
                "Change who may see it first."
            )
        if o.status != ObservationStatus.FINISHED:
            raise RuleViolation(f"Finish the observation of {when} before posting it to {PLATFORM}.")
        rubric = self._svc.rubric
        notes = list(s.scalars(self.live(ScriptNote).where(ScriptNote.observation_id == o.id)
                               .order_by(ScriptNote.seq, ScriptNote.at)))
        shared = [n for n in notes if scope.shows(n, parent=o)]
        site = s.get(Site, o.site_id) if o.site_id else None
        observer = s.get(Person, o.observer_person_id) if o.observer_person_id else None
        ct = s.scalars(self.live(CTProfile)).first()
        observer_name = observer.name if observer is not None and scope.shows(observer) else (ct.name if ct else "")
        span = ""
        if o.started_at:
            end = f"–{timefmt.doc_time(o.finished_at, zone=True)}" if o.finished_at else ""
            span = f"{timefmt.doc_time(o.started_at)}{end}"
            if o.duration_minutes:
                span += f" ({o.duration_minutes} minutes)"
        context = _lines(
            ("Date", timefmt.doc_date(o.observed_on)),
            ("Type", f"{label(o.kind)} observation"),
            ("Time", span),
            ("School", site.name if site is not None and scope.shows(site) else None),
            ("Class / period", o.class_period),
            ("Observer", observer_name),
            ("Pre-conference", timefmt.doc_date(o.pre_conference_on) if o.pre_conference_on else None),
        )
        if o.pre_conference_notes and o.pre_conference_notes.strip():
            context += f"\n\nPre-conference notes:\n{o.pre_conference_notes.strip()}"
        fields = [FormField("context", CONTEXT, CONTEXT, context)]

        # Evidence: every shared line under each indicator it is tagged with, indicators in rubric order.
        by_code: dict[str, list[ScriptNote]] = {}
        untagged: list[ScriptNote] = []
        for n in shared:
            codes = [c for c in dict.fromkeys(n.indicator_codes or ()) if rubric.is_indicator(c)]
            for c in codes:
                by_code.setdefault(c, []).append(n)
            if not codes:
                untagged.append(n)
        for ind in rubric.indicators:
            if ind.code in by_code:
                fields.append(FormField(f"evidence:{ind.code}", EVIDENCE, f"{ind.code} {ind.name}",
                                        "\n".join(self._line(n) for n in by_code[ind.code])))
        if untagged:
            fields.append(FormField("evidence:untagged", EVIDENCE, "Not aligned to an indicator",
                                    "\n".join(self._line(n) for n in untagged)))
        if o.post_conference_on or (o.post_conference_notes and o.post_conference_notes.strip()):
            summary = _lines(("Post-conference", timefmt.doc_date(o.post_conference_on)
                              if o.post_conference_on else None))
            if o.post_conference_notes and o.post_conference_notes.strip():
                summary = f"{summary}\n\n{o.post_conference_notes.strip()}".strip()
            fields.append(FormField("post_conference", FEEDBACK, "Post-conference summary", summary))
        fields.append(FormField("feedback", FEEDBACK, FEEDBACK, (o.feedback or "").strip()))
        fields.append(FormField("next_steps", NEXT_STEPS, NEXT_STEPS, (o.next_steps or "").strip()))

        left_out = [f"Not offered: {line}" for line in scope.left_out()]
        if untagged:
            left_out.append(f"{len(untagged)} shared line(s) have no rubric indicator: they are listed under "
                            "'Not aligned to an indicator'. Tag them to place them under an indicator.")
        if not shared:
            left_out.append("No script line is shared with the educator, so there is no evidence to post.")
        return PlatformForm("observation", o.id, e.id, e.display_name,
                            f"{label(o.kind)} observation, {when}", tuple(fields), tuple(left_out))

    @staticmethod
    def _line(n: ScriptNote) -> str:
        return f"{timefmt.doc_time(n.at)}  {n.text.strip()}"

    def _assessment_form(self, s: Session, doc: AssessmentDocument) -> PlatformForm:
        e = self.get(s, Educator, doc.educator_id, what="Educator")
        scope = self._scope(s, e.id)
        self._check_case(s, e, scope)
        what = label(doc.kind)
        if not scope.shows(doc):
            raise RuleViolation(f"This {what.lower()} is not shared with the educator, so it cannot be posted.")
        if doc.status != DocumentStatus.FINAL:
            raise RuleViolation(f"Finalize the {what.lower()} before posting it to {PLATFORM}.")
        rubric = self._svc.rubric
        dated = clock.to_local(doc.finalized_at).date() if doc.finalized_at else self.today()
        cycle = self._svc.compliance.cycle_on_in(s, e.id, dated)
        cycle_shown = cycle is not None and scope.shows(
            cycle, parent=s.get(Enrolment, cycle.enrolment_id) if cycle.enrolment_id else None)
        head = _lines(
            ("Document", f"{what}, version {doc.version_no}"),
            ("Corrects", f"version {doc.version_no - 1}" if doc.supersedes_id else None),
            ("Finalized", timefmt.doc_date(doc.finalized_at) if doc.finalized_at else None),
            ("Evaluator", doc.author_name),
            ("Plan", rubric.plan_type_name(cycle.plan_type) if cycle is not None and cycle_shown else None),
            ("Cycle", f"{timefmt.doc_date(cycle.start_on)} to {timefmt.doc_date(cycle.end_on)}"
             if cycle is not None and cycle_shown else None),
        )
        fields = [FormField("document", DOCUMENT, DOCUMENT, head)]
        evidence = {ev.id: ev for ev in s.scalars(self.live(EvidenceItem).where(EvidenceItem.educator_id == e.id))}
        for std in rubric.standards:
            r = doc.ratings.get(std.code) or {}
            parts = [f"Rating: {rubric.rating_name(r['rating'])}" if r.get("rating") else "Rating: (not rated)"]
            if (r.get("rationale") or "").strip():
                parts.append(r["rationale"].strip())
            # only the cited evidence is looked at (and tallied when it is withheld)
            refs = [evidence[i] for i in r.get("evidence_ids", []) if i in evidence and scope.shows(evidence[i])]
            if refs:
                parts.append("Evidence: " + "; ".join(
                    f"{ev.title} ({timefmt.doc_date(ev.collected_on)})" for ev in refs))
            fields.append(FormField(f"standard:{std.code}", STANDARDS, f"Standard {std.code}: {std.name}",
                                    "\n\n".join(parts)))
        overall = [f"Rating: {rubric.rating_name(doc.overall_rating)}" if doc.overall_rating else "Rating: (none)"]
        if (doc.overall_rationale or "").strip():
            overall.append((doc.overall_rationale or "").strip())
        fields.append(FormField("overall", OVERALL, "Overall rating", "\n\n".join(overall)))
        fields.append(FormField("goals", OVERALL, "Progress toward goals", (doc.goals_progress_summary or "").strip()))
        left_out = [f"Not named: {line}" for line in scope.left_out()]
        return PlatformForm("assessment", doc.id, e.id, e.display_name, f"{what}, version {doc.version_no}",
                            tuple(fields), tuple(left_out))

    # --- posts --------------------------------------------------------------------------------------------

    def mark_posted(self, *, record_type: str, record_id: str) -> ObservationPost | AssessmentPost:
        """Record that the CT posted the record's current form on the platform (now, by the CT)."""
        model, fk = self._post_model(record_type)
        with self.session() as s:
            form = self._form_in(s, record_type, record_id)
            ct = s.scalars(self.live(CTProfile)).first()
            post = model(educator_id=form.educator_id, posted_at=clock.now(),
                         posted_by=ct.name if ct is not None else self._svc.actor.name,
                         content_sha256=form.content_sha256, field_hashes=form.field_hashes, **{fk: record_id})
            s.add(post)
            return post

    def undo_post(self, *, record_type: str, post_id: str) -> None:
        """The record was marked as posted by mistake: forget that post."""
        model, _ = self._post_model(record_type)
        self.soft_delete(model, post_id)

    def posts(self, record_type: str, record_id: str) -> list[Any]:
        model, fk = self._post_model(record_type)
        with self.session() as s:
            return self._posts(s, model, fk, record_id)

    def _posts(self, s: Session, model: Any, fk: str, record_id: str) -> list[Any]:
        q = self.live(model).where(getattr(model, fk) == record_id).order_by(model.posted_at)
        return list(s.scalars(q))

    def state(self, record_type: str, record_id: str) -> PostState:
        with self.session() as s:
            return self._state(s, record_type, record_id, self._form_in(s, record_type, record_id))

    def _state(self, s: Session, record_type: str, record_id: str, form: PlatformForm) -> PostState:
        model, fk = self._post_model(record_type)
        posts = self._posts(s, model, fk, record_id)
        if not posts and record_type == "assessment":
            # A correction replaces a posted version: the platform shows the old one until it is posted again.
            for older in self._superseded_chain(s, record_id):
                posts = self._posts(s, model, fk, older)
                if posts:
                    break
        if not posts:
            return PostState("not_posted")
        last = posts[-1]
        if getattr(last, fk) == record_id and last.content_sha256 == form.content_sha256:
            return PostState("posted", last.posted_at, last.posted_by)
        changed = tuple(self._title(f.key) if f.title == f.key else f.title
                        for f in form.changed_since(last.field_hashes or {}))
        return PostState("changed", last.posted_at, last.posted_by, changed)

    def _title(self, key: str) -> str:
        """The title of a field that is no longer on the form (its last evidence line was removed)."""
        kind, _, code = key.partition(":")
        if kind == "evidence" and self._svc.rubric.is_indicator(code):
            ind = self._svc.rubric.indicator(code)
            return f"{ind.code} {ind.name}"
        return key

    def _superseded_chain(self, s: Session, document_id: str) -> Iterator[str]:
        doc = s.get(AssessmentDocument, document_id)
        seen = {document_id}
        while doc is not None and doc.supersedes_id and doc.supersedes_id not in seen:
            seen.add(doc.supersedes_id)
            yield doc.supersedes_id
            doc = s.get(AssessmentDocument, doc.supersedes_id)

    def _form_in(self, s: Session, record_type: str, record_id: str) -> PlatformForm:
        if record_type == "observation":
            return self._observation_form(s, self.get(s, Observation, record_id, what="Observation"))
        if record_type == "assessment":
            return self._assessment_form(s, self.get(s, AssessmentDocument, record_id, what="Document"))
        raise NotFound(f"Only observations and assessments are posted to {PLATFORM}.")

    @staticmethod
    def _post_model(record_type: str) -> tuple[Any, str]:
        try:
            return POST_MODELS[record_type]
        except KeyError:
            raise NotFound(f"Only observations and assessments are posted to {PLATFORM}.") from None

    # --- what waits to be posted --------------------------------------------------------------------------

    def queue(self, *, include_posted: bool = False) -> list[PostingItem]:
        """Finished observations and final documents of PAR educators that the educator may see and that are not
        on the platform as they are now: never posted, or changed since they were posted."""
        out: list[PostingItem] = []
        with self.session() as s:
            for e in s.scalars(self.live(Educator).order_by(Educator.family_name, Educator.given_name)):
                program = self._svc.caseload.program_of(s, e.id)
                if program is None or not rules.is_evaluative(program):
                    continue
                scope = self._scope(s, e.id)
                if not scope.shows(e):
                    continue
                for o in s.scalars(self.live(Observation).where(
                        Observation.educator_id == e.id,
                        Observation.status == ObservationStatus.FINISHED.value).order_by(Observation.observed_on)):
                    if scope.shows(o):
                        out.append(self._item(s, e, "observation", o.id, f"{label(o.kind)} observation",
                                              o.observed_on, self._observation_form(s, o)))
                docs = list(s.scalars(self.live(AssessmentDocument).where(
                    AssessmentDocument.educator_id == e.id,
                    AssessmentDocument.status == DocumentStatus.FINAL.value)))
                replaced = {d.supersedes_id for d in docs if d.supersedes_id}
                for d in docs:
                    if d.id in replaced or not scope.shows(d):
                        continue
                    out.append(self._item(s, e, "assessment", d.id, f"{label(d.kind)} (version {d.version_no})",
                                          clock.to_local(d.finalized_at or d.updated_at).date(),
                                          self._assessment_form(s, d)))
        out = [i for i in out if include_posted or i.state.state != "posted"]
        return sorted(out, key=lambda i: (i.state.state != "changed", i.on, i.educator_name))

    def _item(self, s: Session, e: Educator, record_type: str, record_id: str, what: str, on: date,
              form: PlatformForm) -> PostingItem:
        return PostingItem(e.id, e.display_name, record_type, record_id, what, on,
                           self._state(s, record_type, record_id, form))
