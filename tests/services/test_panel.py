"""The ESP Panel's meeting record: members, attendance and quorum, motions and votes, versioned decisions."""

from __future__ import annotations

from datetime import date

import pytest

from esp_desktop.core import panel_rules
from esp_desktop.core.enums import PanelDecision
from esp_desktop.core.errors import ImmutableRecord, RuleViolation, ValidationError
from esp_desktop.store.models import PanelDecisionRecord

MEMBERS = ["Erin Berg", "Jerome Doyle", "Ana Ruiz", "Sam Lee", "Kim Park"]


# A documented exception (603 CMR 35): these tests are about the Panel, not the cycle's observations
EXCEPTION = "The educator leaves the district at the end of the term; the Panel meets first."

def _educator(svc, program: str, given: str = "Darnell"):
    e = svc.caseload.add_educator(given_name=given, family_name="Whitaker")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    svc.caseload.enrol(enrolment_id=en.id)
    return e


def _recommendation(svc, e, overall: str = "proficient"):
    svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 6, 10),
                               plan_type="directed_growth")
    ev = svc.evidence.add(educator_id=e.id, title="Unit plan", category="products_of_practice", kind="lesson_plan")
    # 35.08(3): a summative rests on evidence from at least two categories
    ev2 = svc.evidence.add(educator_id=e.id, title="Common assessment results", category="student_learning",
                           kind="student_work")
    doc = svc.assessments.draft(educator_id=e.id, kind="summative")
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(document_id=doc.id, standard=std, rating="proficient", rationale=f"R {std}",
                                   evidence_ids=[ev.id, ev2.id])
    svc.assessments.set_overall(document_id=doc.id, rating=overall, rationale="Growth across the cycle.")
    return svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)


@pytest.fixture
def meeting(svc):
    for n in MEMBERS:
        svc.panel.add_member(name=n, seat="BTU" if n < "K" else "BPS")
    svc.caseload.set_profile(name="Jordan Ellis")
    return svc.panel.create_meeting(meets_on=date(2026, 11, 2))


def test_quorum_defaults_to_a_majority_of_the_roster_and_is_configurable(svc, meeting) -> None:
    rec = svc.panel.meeting_record(meeting.id)
    assert rec.quorum == 3 and rec.present == 0 and not rec.quorate
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS[:2], absent=MEMBERS[2:])
    assert not svc.panel.meeting_record(meeting.id).quorate
    svc.panel.update_meeting(meeting.id, quorum=2)
    rec = svc.panel.meeting_record(meeting.id)
    assert rec.quorum == 2 and rec.quorate
    assert rec.attendance.absent == MEMBERS[2:] and rec.attendance.recorded_by == "Jordan Ellis"
    svc.panel.save_settings(quorum=4, majority_rule="two_thirds_of_votes_cast", progress_every=20)
    svc.panel.update_meeting(meeting.id, quorum=None)
    assert svc.panel.meeting_record(meeting.id).quorum == 4
    assert svc.panel.meeting_record(meeting.id).majority_rule == "two_thirds_of_votes_cast"


def test_no_vote_without_quorum_and_the_majority_rule_decides(svc, meeting) -> None:
    e = _educator(svc, "PA")
    case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Exit review")
    with pytest.raises(RuleViolation, match="no quorum"):
        svc.panel.record_motion(case_id=case.id, text="Release", votes_for=1)
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS[:4])
    with pytest.raises(RuleViolation, match="only 4 member"):
        svc.panel.record_motion(case_id=case.id, text="Release", votes_for=3, votes_against=2)
    tie = svc.panel.record_motion(case_id=case.id, text="Release", votes_for=2, votes_against=2)
    assert not tie.carried and tie.present == 4 and tie.quorum == 3
    svc.panel.update_meeting(meeting.id, majority_rule="majority_of_members_present")
    m = svc.panel.record_motion(case_id=case.id, text="Release", votes_for=2, votes_against=0, abstentions=2)
    assert not m.carried  # 2 of 4 present is not more than half
    m = svc.panel.record_motion(case_id=case.id, text="Release", votes_for=3, votes_against=0, abstentions=1)
    assert m.carried and m.majority_rule == "majority_of_members_present"


def test_decision_follows_a_carried_motion_and_never_overwrites(svc, meeting) -> None:
    e = _educator(svc, "PAR")
    rec_doc = _recommendation(svc, e)
    case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Summative review")
    with pytest.raises(RuleViolation, match="motion"):
        svc.panel.record_decision(case_id=case.id, decision="accept_recommendation")
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS)
    motion, d = svc.panel.vote_and_decide(case_id=case.id, decision="accept_recommendation", votes_for=4,
                                          votes_against=1, moved_by="Erin Berg", seconded_by="Kim Park",
                                          rationale="Evidence supports Proficient.")
    assert motion.carried and d is not None and d.version_no == 1 and d.motion_id == motion.id
    assert d.final_ratings == {s: "proficient" for s in svc.rubric.standard_codes()}
    assert d.final_overall == "proficient" and d.recommendation_id == rec_doc.id
    with pytest.raises(RuleViolation, match="never overwritten"):
        svc.panel.vote_and_decide(case_id=case.id, decision="continue_support", votes_for=5)
    # refused before anything was written: no second motion
    assert len(svc.panel.motions(case.id)) == 1
    with pytest.raises(RuleViolation, match="decided"):
        svc.panel.remove_case(case.id)


def test_a_recorded_decision_is_frozen_by_the_store(svc, meeting) -> None:
    e = _educator(svc, "PA")
    case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Exit")
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS)
    _, d = svc.panel.vote_and_decide(case_id=case.id, decision="release_from_program", votes_for=5,
                                     rationale="Goals met.")
    with pytest.raises(ImmutableRecord), svc.store.session() as s:
        s.get(PanelDecisionRecord, d.id).rationale = "changed"
    assert svc.panel.decision(d.id).rationale == "Goals met."


def test_a_later_meeting_revises_and_the_history_stays(svc, meeting) -> None:
    e = _educator(svc, "PAR")
    _recommendation(svc, e)
    case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Summative review")
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS)
    _, first = svc.panel.vote_and_decide(case_id=case.id, decision="accept_recommendation", votes_for=5)
    later = svc.panel.create_meeting(meets_on=date(2026, 11, 23))
    case2 = svc.panel.add_case(meeting_id=later.id, educator_id=e.id, purpose="Reconsideration")
    svc.panel.record_attendance(meeting_id=later.id, present=MEMBERS[:3])
    ratings = dict.fromkeys(svc.rubric.standard_codes(), "proficient") | {"IV": "needs_improvement"}
    with pytest.raises(ValidationError, match="why"):
        svc.panel.vote_and_decide(case_id=case2.id, decision="modify_rating", votes_for=3, final_ratings=ratings,
                                  final_overall="proficient", supersedes_id=first.id)
    _, second = svc.panel.vote_and_decide(case_id=case2.id, decision="modify_rating", votes_for=3,
                                          final_ratings=ratings, final_overall="proficient", supersedes_id=first.id,
                                          revision_reason="New evidence on Standard IV.")
    assert second.version_no == 2 and second.supersedes_id == first.id
    history = svc.panel.decision_history(e.id)
    assert [d.version_no for d in history] == [1, 2]
    assert svc.panel.current_decision(e.id).id == second.id
    with pytest.raises(RuleViolation, match="already revised"):
        svc.panel.vote_and_decide(case_id=case2.id, decision="continue_support", votes_for=3,
                                  supersedes_id=first.id, revision_reason="Again")
    minutes = svc.panel.meeting_record(later.id)
    assert [d.id for d in minutes.revised] == [first.id] and first.id in minutes.superseded_ids
    old_minutes = svc.panel.meeting_record(meeting.id)
    assert [d.id for d in old_minutes.decisions] == [first.id] and first.id in old_minutes.superseded_ids
    audit = [a for a in svc.audit.history(educator_id=e.id) if a.action == "panel_decision_revised"]
    assert audit and audit[0].detail["was"] == "accept_recommendation" and audit[0].detail["version"] == 2


def test_one_decision_vocabulary_by_program(svc, meeting) -> None:
    assert set(panel_rules.decision_options("PAR")) == set(PanelDecision)
    assert PanelDecision.MODIFY_RATING not in panel_rules.decision_options("PA")
    e = _educator(svc, "PA")
    case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Exit")
    svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS)
    with pytest.raises(RuleViolation, match="only for PAR"):
        svc.panel.vote_and_decide(case_id=case.id, decision="modify_rating", votes_for=5,
                                  final_ratings={"I": "proficient"}, final_overall="proficient")
    with pytest.raises(RuleViolation, match="sets no final ratings"):
        svc.panel.vote_and_decide(case_id=case.id, decision="release_from_program", votes_for=5,
                                  final_overall="proficient")
    _, d = svc.panel.vote_and_decide(case_id=case.id, decision="release_from_program", votes_for=5)
    assert d.decision == "release_from_program" and d.final_ratings == {} and d.final_overall is None


def test_agenda_order_presentation_and_discussion(svc, meeting) -> None:
    a, b = _educator(svc, "PA", "Ana"), _educator(svc, "PAR", "Bea")
    ca = svc.panel.add_case(meeting_id=meeting.id, educator_id=a.id, purpose="Exit")
    cb = svc.panel.add_case(meeting_id=meeting.id, educator_id=b.id, purpose="Review")
    assert [i.case.id for i in svc.panel.agenda(meeting.id)] == [ca.id, cb.id]
    svc.panel.move_case(cb.id, by=-1)
    assert [i.case.id for i in svc.panel.agenda(meeting.id)] == [cb.id, ca.id]
    svc.panel.update_case(ca.id, presentation="Met both goals.", discussion="Members asked about peer visits.")
    item = svc.panel.case(ca.id)
    assert item.case.presentation == "Met both goals." and item.case.presenter == "Jordan Ellis"
    svc.panel.remove_case(ca.id)
    assert [i.case.id for i in svc.panel.agenda(meeting.id)] == [cb.id]


def test_cases_due_for_the_meeting_and_what_is_missing(svc, meeting, tmp_path) -> None:
    from esp_desktop.reports.service import ReportService

    par = _educator(svc, "PAR", "Bea")
    svc.compliance.start_cycle(educator_id=par.id, start_on=date(2026, 9, 8), end_on=date(2026, 10, 30),
                               plan_type="directed_growth")  # summative due before the meeting
    pa = _educator(svc, "PA", "Cal")
    svc.panel.add_case(meeting_id=meeting.id, educator_id=pa.id, purpose="Exit")
    _educator(svc, "PAR", "Dee")  # no cycle: not due
    rows = {r.educator_name: r for r in svc.panel_review.due_cases(meeting.id)}
    assert set(rows) == {"Bea Whitaker", "Cal Whitaker"}
    assert rows["Cal Whitaker"].on_agenda and rows["Cal Whitaker"].missing == ("No packet generated yet",)
    bea = rows["Bea Whitaker"]
    assert not bea.on_agenda and bea.why_due.startswith("Summative due")
    assert any(m.startswith("No recent progress report") for m in bea.missing)
    assert "Summative recommendation not finalized" in bea.missing
    ReportService(svc).export(kind="panel-packet", audience="panel", path=tmp_path / "p.pdf", educator_id=pa.id)
    assert svc.panel_review.due_cases(meeting.id)[0].ready  # the agenda case, now with a fresh packet
    svc.coaching.log(educator_id=pa.id, kind="co_planning", minutes=30)
    cal = next(r for r in svc.panel_review.due_cases(meeting.id) if r.educator_id == pa.id)
    assert cal.missing[0].startswith("Packet not regenerated since changes")
