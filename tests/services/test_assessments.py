from __future__ import annotations

from datetime import date

import pytest

from esp_desktop.core.errors import ImmutableRecord, RuleViolation, ValidationError
from esp_desktop.services import Actor, Services

EXCEPTION = "The educator resigns at the end of December; the district asked for the summative now."


def _educator(svc, program: str):
    e = svc.caseload.add_educator(given_name="Darnell", family_name="Whitaker")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 2))
    if program == "PAR":
        svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 14), end_on=date(2027, 5, 28),
                                   plan_type="directed_growth")
    return e


@pytest.mark.parametrize("program", ["PA", "informal"])
def test_non_evaluative_programs_get_no_ratings(svc, program: str) -> None:
    e = _educator(svc, program)
    assert not svc.assessments.can_rate(e.id)
    with pytest.raises(RuleViolation, match="non-evaluative coaching"):
        svc.assessments.draft(educator_id=e.id, kind="formative")
    assert svc.assessments.for_educator(e.id) == []


def _filled(svc, e):
    ev = svc.evidence.add(educator_id=e.id, title="Lesson plan", category="products_of_practice", kind="lesson_plan")
    ev2 = svc.evidence.add(educator_id=e.id, title="Unit test results", category="student_learning",
                           kind="student_work")
    doc = svc.assessments.draft(educator_id=e.id, kind="summative")
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(document_id=doc.id, standard=std, rating="proficient",
                                   rationale=f"Rationale {std}", evidence_ids=[ev.id, ev2.id])
    svc.assessments.set_overall(document_id=doc.id, rating="proficient", rationale="Consistent growth.")
    return doc


def test_finalize_requires_all_ratings_then_is_immutable(svc) -> None:
    e = _educator(svc, "PAR")
    doc = svc.assessments.draft(educator_id=e.id, kind="summative")
    svc.assessments.set_rating(document_id=doc.id, standard="I", rating="proficient", rationale="Plans units.")
    with pytest.raises(ValidationError, match="missing: II, III, IV"):
        svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)
    doc = _filled(svc, e)
    final = svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)
    assert final.status == "final" and len(final.content_sha256) == 64
    with pytest.raises(ImmutableRecord, match="correction"):
        svc.assessments.set_rating(document_id=doc.id, standard="I", rating="exemplary")
    with pytest.raises(ImmutableRecord):
        svc.assessments.set_overall(document_id=doc.id, rating="exemplary")
    assert svc.assessments.document(doc.id).ratings["I"]["rating"] == "proficient"


def test_finalized_document_audience_and_existence_are_frozen(svc) -> None:
    from esp_desktop.services.assessments import content_hash
    from esp_desktop.store.models import AssessmentDocument

    e = _educator(svc, "PAR")
    doc = svc.assessments.finalize(document_id=_filled(svc, e).id, justification=EXCEPTION)
    with pytest.raises(ImmutableRecord, match="fixed when it was finalized"):
        svc.assessments.set_audience(AssessmentDocument, doc.id, "admin")
    with pytest.raises(ImmutableRecord, match="cannot be deleted"):
        svc.assessments.soft_delete(AssessmentDocument, doc.id)
    with pytest.raises(ImmutableRecord):  # not through the store either: the flush hook asks the policy
        with svc.store.session() as s:
            s.get(AssessmentDocument, doc.id).overall_rationale = "rewritten"
    kept = svc.assessments.document(doc.id)
    assert (kept.audience, kept.deleted, kept.version) == (doc.audience, False, doc.version)
    assert kept.content_sha256 == content_hash(kept)
    # the audience is part of the hash: the same content for another reader is another document
    kept.audience = "panel"
    assert content_hash(kept) != doc.content_sha256
    # a draft can still be re-labelled and deleted
    draft = svc.assessments.draft(educator_id=e.id, kind="formative")
    assert svc.assessments.set_audience(AssessmentDocument, draft.id, "panel").audience == "panel"
    svc.assessments.delete_draft(draft.id)


def test_correction_is_a_new_version_referencing_the_old(svc) -> None:
    e = _educator(svc, "PAR")
    doc = svc.assessments.finalize(document_id=_filled(svc, e).id, justification=EXCEPTION)
    fix = svc.assessments.correct(document_id=doc.id)
    assert fix.supersedes_id == doc.id and fix.version_no == 2 and fix.status == "draft"
    svc.assessments.set_rating(document_id=fix.id, standard="II", rating="needs_improvement", rationale="Fixed",
                               evidence_ids=doc.ratings["II"]["evidence_ids"])
    svc.assessments.set_overall(document_id=fix.id, rating="needs_improvement", rationale="Corrected.")
    svc.assessments.finalize(document_id=fix.id, justification=EXCEPTION)
    assert svc.assessments.superseded_ids(e.id) == {doc.id}
    assert svc.assessments.document(doc.id).ratings["II"]["rating"] == "proficient"


def test_acknowledgement_only_on_final_documents(svc) -> None:
    e = _educator(svc, "PAR")
    doc = _filled(svc, e)
    with pytest.raises(RuleViolation):
        svc.assessments.acknowledge(document_id=doc.id, signer_name="Darnell Whitaker")
    svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)
    ack = svc.assessments.acknowledge(document_id=doc.id, signer_name="Darnell Whitaker",
                                      signed_on=date(2026, 11, 25), comment="I disagree with Standard II.")
    assert ack.signer_role == "educator" and svc.assessments.acknowledgements(doc.id)[0].id == ack.id


def test_secondary_evaluator_cannot_author(svc) -> None:
    e = _educator(svc, "PAR")
    principal = svc.caseload.add_person(name="Dr. Renée Castellanos", role="principal")
    as_principal = Services(svc.store, actor=Actor(name="Dr. Renée Castellanos", kind="secondary_evaluator",
                                                   person_id=principal.id))
    o = as_principal.observations.start(educator_id=e.id, kind="unannounced", observer_person_id=principal.id)
    as_principal.observations.add_note(observation_id=o.id, text="Observed by the principal.")
    with pytest.raises(RuleViolation, match="primary evaluator"):
        as_principal.assessments.draft(educator_id=e.id, kind="formative")


def test_unknown_rating_and_standard_rejected(svc) -> None:
    e = _educator(svc, "PAR")
    doc = svc.assessments.draft(educator_id=e.id, kind="formative")
    with pytest.raises(ValidationError):
        svc.assessments.set_rating(document_id=doc.id, standard="V", rating="proficient")
    with pytest.raises(ValidationError):
        svc.assessments.set_rating(document_id=doc.id, standard="I", rating="great")


def test_panel_decision_ratings_only_for_par(svc) -> None:
    par = _educator(svc, "PAR")
    pa = svc.caseload.add_educator(given_name="Priya", family_name="Raman")
    en = svc.caseload.refer(educator_id=pa.id, program="PA")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    svc.caseload.enrol(enrolment_id=en.id)
    m = svc.panel.create_meeting()
    assert m.meets_on == date(2026, 12, 7)  # first school Monday after 2026-11-25
    c_par = svc.panel.add_case(meeting_id=m.id, educator_id=par.id, purpose="Summative rating")
    c_pa = svc.panel.add_case(meeting_id=m.id, educator_id=pa.id, purpose="Release from PA")
    with pytest.raises(RuleViolation):
        svc.panel.add_case(meeting_id=m.id, educator_id=pa.id, purpose="again")
    svc.panel.add_member(name="Erin Berg")
    svc.panel.record_attendance(meeting_id=m.id, present=["Erin Berg"])
    full = dict.fromkeys(svc.rubric.standard_codes(), "proficient")
    _, d = svc.panel.vote_and_decide(case_id=c_par.id, decision="modify_rating", votes_for=1, final_ratings=full,
                                     final_overall="proficient")
    assert d is not None and d.final_ratings == full
    with pytest.raises(RuleViolation, match="PAR"):
        svc.panel.vote_and_decide(case_id=c_pa.id, decision="modify_rating", votes_for=1, final_ratings=full,
                                  final_overall="proficient")
    _, d = svc.panel.vote_and_decide(case_id=c_pa.id, decision="release_from_program", votes_for=1)
    assert d is not None and d.final_overall is None
    assert [a.educator_name for a in svc.panel.agenda(m.id)] == ["Darnell Whitaker", "Priya Raman"]
