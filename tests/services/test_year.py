"""Service writes a school year needs from an empty store (issue 12): profile, cap, school year, sites, people,
educators removed or archived, cycles edited, goals and prescriptions closed, deletes where the rules allow,
edits that never overwrite a change made elsewhere, and removing exactly the demo records."""

from __future__ import annotations

from datetime import date

import pytest

from esp_desktop.core.errors import ChangedElsewhere, RuleViolation, ValidationError


def _enrolled(svc, program: str = "PAR", name: str = "Ana"):
    e = svc.caseload.add_educator(given_name=name, family_name="Example")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 10))
    svc.caseload.enrol(enrolment_id=en.id)
    return e, en


def test_profile_cap_needs_a_reason_and_school_year_is_checked(svc) -> None:
    svc.caseload.set_profile(name="Jordan Ellis", school_year="2026-27")
    with pytest.raises(ValidationError, match="Say why"):
        svc.caseload.set_profile(name="Jordan Ellis", caseload_cap=14)
    p = svc.caseload.set_profile(name="Jordan Ellis", caseload_cap=14, cap_reason="Panel approved in October")
    assert (p.caseload_cap, p.cap_reason) == (14, "Panel approved in October")
    p = svc.caseload.set_profile(name="Jordan E.", email="j@example.org", school_year="2026-27")
    assert p.caseload_cap == 14 and p.cap_reason == "Panel approved in October", "None keeps the cap"
    p = svc.caseload.set_profile(name="Jordan E.", caseload_cap=12)
    assert p.cap_reason is None
    with pytest.raises(ValidationError, match="school year like"):
        svc.caseload.set_profile(name="Jordan E.", school_year="2026-28")
    with pytest.raises(ChangedElsewhere):
        svc.caseload.set_profile(name="X", unchanged_since=date(2020, 1, 1))  # type: ignore[arg-type]


def test_school_year_rollover_continues_some_and_ends_the_rest(svc) -> None:
    svc.caseload.set_profile(name="Jordan Ellis", school_year="2026-27")
    a, en_a = _enrolled(svc, "PAR", "Ana")
    b, en_b = _enrolled(svc, "PA", "Bo")
    assert en_a.school_year == "2026-27", "a referral belongs to the CT's school year"
    out = svc.caseload.start_school_year(school_year="2027-28", continuing=[en_a.id], ended_on=date(2027, 6, 30))
    assert out == {"continued": 1, "ended": 1}
    assert svc.caseload.enrolment(a.id).school_year == "2027-28" and svc.caseload.enrolment(a.id).status == "enrolled"
    ended = svc.caseload.enrolment(b.id)
    assert ended.status == "completed" and ended.end_reason == "End of school year 2026-27"
    assert svc.caseload.school_year() == "2027-28"
    with pytest.raises(RuleViolation, match="already working"):
        svc.caseload.start_school_year(school_year="2027-28")


def test_sites_rename_archive_and_people(svc) -> None:
    site = svc.caseload.add_site(name="Harbor K-8", code="HV")
    with pytest.raises(ValidationError, match="already a site"):
        svc.caseload.add_site(name="harbor k-8")
    renamed = svc.caseload.update_site(site.id, name="Harborview K-8", code="HV", unchanged_since=site.updated_at)
    with pytest.raises(ChangedElsewhere):
        svc.caseload.update_site(site.id, name="Stale", unchanged_since=site.updated_at)
    svc.caseload.archive_site(site.id)
    assert [s.name for s in svc.caseload.sites()] == ["Harborview K-8"]
    assert svc.caseload.sites(include_archived=False) == []
    assert renamed.name == "Harborview K-8"
    p = svc.caseload.add_person(name="Dr. Castellanos", role="principal", site_id=site.id)
    p = svc.caseload.update_person(p.id, name="Dr. R. Castellanos", role="principal", email="r@example.org")
    assert p.email == "r@example.org"
    svc.caseload.delete_person(p.id)
    assert svc.caseload.people() == []


def test_remove_an_educator_without_records_archive_one_with_records(svc) -> None:
    mistake = svc.caseload.add_educator(given_name="Typo", family_name="Person")
    svc.caseload.remove_educator(mistake.id)
    assert svc.caseload.educators() == []
    e, en = _enrolled(svc, "PA")
    with pytest.raises(RuleViolation, match="cannot be removed. Archive"):
        svc.caseload.remove_educator(e.id)
    with pytest.raises(RuleViolation, match="open enrolment"):
        svc.caseload.archive_educator(e.id)
    svc.caseload.complete(enrolment_id=en.id)
    svc.caseload.archive_educator(e.id)
    assert svc.caseload.caseload(include_ended=True) == []
    assert [r.educator.id for r in svc.caseload.caseload(include_ended=True, include_archived=True)] == [e.id]


def test_deletes_where_the_rules_allow(svc) -> None:
    e, _ = _enrolled(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    svc.observations.add_note(observation_id=o.id, text="Started by mistake")
    svc.observations.delete(o.id)
    assert svc.observations.for_educator(e.id) == [] and svc.observations.notes(o.id) == []
    done = svc.observations.start(educator_id=e.id, kind="announced")
    svc.observations.finish(observation_id=done.id)
    with pytest.raises(RuleViolation, match="finished observation"):
        svc.observations.delete(done.id)

    ev = svc.evidence.add(educator_id=e.id, title="Plan", category="products_of_practice", kind="lesson_plan",
                          file_data=b"x", filename="p.txt")
    spare = svc.evidence.add(educator_id=e.id, title="Spare", category="student_learning", kind="student_work")
    svc.evidence.delete(spare.id)
    doc = svc.assessments.draft(educator_id=e.id, kind="formative")
    svc.assessments.delete_draft(doc.id)
    doc = svc.assessments.draft(educator_id=e.id, kind="formative")
    ratings = {std: {"rating": "proficient", "rationale": "Observed twice.", "evidence_ids": [ev.id]}
               for std in svc.rubric.standard_codes()}
    svc.assessments.save_draft(document_id=doc.id, ratings=ratings, overall_rating="proficient",
                               overall_rationale="Steady growth.")
    svc.assessments.finalize(document_id=doc.id)
    with pytest.raises(RuleViolation, match="cited by a finalized"):
        svc.evidence.delete(ev.id)
    assert [x.title for x in svc.evidence.for_educator(e.id)] == ["Plan"]


def test_finalize_refuses_empty_rationales_and_says_what_is_missing(svc) -> None:
    e, _ = _enrolled(svc)
    doc = svc.assessments.draft(educator_id=e.id, kind="formative")
    stds = svc.rubric.standard_codes()
    ratings = {std: {"rating": "proficient", "rationale": "" if std == stds[1] else "Seen."} for std in stds}
    saved = svc.assessments.save_draft(document_id=doc.id, ratings=ratings, overall_rating="proficient")
    problems = svc.assessments.finalize_problems(doc.id)
    assert problems == [f"Write the rationale for standard {stds[1]}: what the evidence shows.",
                        "Write the rationale for the overall rating."]
    with pytest.raises(ValidationError, match="Before finalizing"):
        svc.assessments.finalize(document_id=doc.id)
    with pytest.raises(ChangedElsewhere):
        svc.assessments.save_draft(document_id=doc.id, ratings={}, overall_rating=None,
                                   unchanged_since=doc.updated_at)
    assert svc.assessments.document(doc.id).status == "draft" and saved.overall_rating == "proficient"


def test_goals_keep_equity_areas_and_close_prescriptions_close(svc) -> None:
    e, _ = _enrolled(svc)
    g = svc.goals.add(educator_id=e.id, kind="professional_practice", title="Discourse",
                      statement="75% of students explain their reasoning.", indicator_codes=["II-A"],
                      equity_codes=["EQ-3"])
    assert svc.goals.for_educator(e.id)[0].equity_codes == ["EQ-3"]
    g2 = svc.goals.update(g.id, status="partially_met", equity_codes=["EQ-1", "EQ-3"], unchanged_since=g.updated_at)
    with pytest.raises(ChangedElsewhere):
        svc.goals.update(g.id, status="met", unchanged_since=g.updated_at)
    assert (g2.status, g2.equity_codes) == ("partially_met", ["EQ-1", "EQ-3"])
    svc.goals.update(g.id, status="closed")
    rx = svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Routines", action="Rehearse")
    rx = svc.goals.update_prescription(rx.id, action="Rehearse three routines", status="closed")
    assert rx.status == "closed"
    with pytest.raises(ValidationError, match="at least one rubric indicator"):
        svc.goals.update_prescription(rx.id, indicator_codes=[])


def test_script_lines_deleted_together_come_back_and_are_shared_together(svc) -> None:
    e, _ = _enrolled(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    ids = [svc.observations.add_note(observation_id=o.id, text=f"Line {i}").id for i in range(4)]
    assert svc.observations.delete_notes(ids[1:3]) == 2
    assert [n.text for n in svc.observations.notes(o.id)] == ["Line 0", "Line 3"]
    svc.observations.restore_notes(ids[1:3])
    assert len(svc.observations.notes(o.id)) == 4
    svc.observations.set_notes_audience(ids[:2], audience="educator")
    assert [n.audience for n in svc.observations.notes(o.id)] == ["educator", "educator", "ct_private", "ct_private"]


def test_cycle_edit_checks_dates_and_plan(svc) -> None:
    e, _ = _enrolled(svc)
    c = svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 15), end_on=date(2027, 5, 30),
                                   plan_type="directed_growth")
    c2 = svc.compliance.update_cycle(c.id, plan_type="improvement", end_on=date(2027, 6, 10),
                                     unchanged_since=c.updated_at)
    assert (c2.plan_type, c2.end_on) == ("improvement", date(2027, 6, 10))
    with pytest.raises(ValidationError, match="end after"):
        svc.compliance.update_cycle(c.id, end_on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="Unknown plan type"):
        svc.compliance.update_cycle(c.id, plan_type="banana")


def test_panel_meetings_are_created_edited_and_deleted(svc) -> None:
    m = svc.panel.create_meeting(meets_on=date(2026, 12, 7), location="Room 204")
    with pytest.raises(RuleViolation, match="already a panel meeting"):
        svc.panel.create_meeting(meets_on=date(2026, 12, 7))
    m = svc.panel.update_meeting(m.id, meets_on=date(2026, 12, 14), location="Room 210")
    assert (m.meets_on, m.location) == (date(2026, 12, 14), "Room 210")
    e, _ = _enrolled(svc)
    case = svc.panel.add_case(meeting_id=m.id, educator_id=e.id, purpose="Review")
    with pytest.raises(RuleViolation, match="remove them first"):
        svc.panel.delete_meeting(m.id)
    svc.panel.remove_case(case.id)
    svc.panel.delete_meeting(m.id)
    assert svc.panel.meetings() == []


def test_remove_demo_data_removes_exactly_the_demo_records(demo_svc) -> None:
    svc = demo_svc
    before = svc.demo.summary()
    assert before is not None and before.educators == 9 and before.added_by_you == 0
    site = next(s for s in svc.caseload.sites() if s.name.startswith("Harborview"))
    mine = svc.caseload.add_educator(given_name="Real", family_name="Teacher", site_ids=[site.id])
    minh = next(e for e in svc.caseload.educators() if e.given_name == "Minh")
    svc.coaching.log(educator_id=minh.id, kind="co_planning", minutes=30, notes="Added by the CT")
    assert svc.demo.summary().added_by_you == 1
    removed = svc.demo.remove()
    assert removed.educators == 9 and removed.added_by_you == 1
    assert [e.display_name for e in svc.caseload.educators()] == ["Real Teacher"]
    assert [s.name for s in svc.caseload.sites()] == ["Harborview K-8 School"], "a site in real use stays"
    assert svc.panel.meetings() == [] and svc.caseload.people() == []
    assert svc.caseload.profile() is not None, "the CT's profile is not demo data"
    assert svc.demo.summary() is None and svc.demo.remove().demo_records == 0
    assert svc.caseload.educator(mine.id).site_ids == [site.id]
