from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from esp_desktop.core.errors import RuleViolation

TODAY = date(2026, 11, 25)


def _par(svc, *, start: date = date(2026, 9, 1), end: date = date(2027, 1, 29)):
    e = svc.caseload.add_educator(given_name="Minh", family_name="Nguyễn")
    en = svc.caseload.refer(educator_id=e.id, program="PAR")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 20))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 8, 25))
    cyc = svc.compliance.start_cycle(educator_id=e.id, start_on=start, end_on=end, plan_type="directed_growth")
    return e, cyc


def _observe(svc, e, kind: str, day: date, *, finish: bool = True):
    o = svc.observations.start(educator_id=e.id, kind=kind, observed_on=day,
                               started_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
    svc.observations.add_note(observation_id=o.id, text="Students working in pairs.", indicator_codes=["II-A"])
    if finish:
        svc.observations.give_feedback(observation_id=o.id, on=day, feedback="Plan questions for every student.")
        svc.observations.finish(observation_id=o.id, finished_at=datetime(day.year, day.month, day.day, 9, 45,
                                                                          tzinfo=UTC))
    return o


def test_cycle_requires_par_and_minimum_observations(svc) -> None:
    e = svc.caseload.add_educator(given_name="Priya", family_name="Raman")
    en = svc.caseload.refer(educator_id=e.id, program="PA")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 20))
    svc.caseload.enrol(enrolment_id=en.id)
    with pytest.raises(RuleViolation, match="PAR"):
        svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 1), end_on=date(2027, 1, 1),
                                   plan_type="directed_growth")
    e2, _ = _par(svc)
    with pytest.raises(RuleViolation, match="at least 1 announced and 4 unannounced"):
        svc.compliance.start_cycle(educator_id=e2.id, start_on=date(2027, 2, 1), end_on=date(2027, 6, 1),
                                   plan_type="improvement", required_unannounced=3)


def test_counting_and_due_dates(svc) -> None:
    e, cyc = _par(svc)
    cc = svc.compliance.compliance(cyc.id, today=TODAY)
    assert (cc.announced_done, cc.unannounced_done) == (0, 0)
    assert [i.state for i in cc.items if i.what == "observation"] == ["late", "late", "due_soon", "upcoming", "upcoming"]
    _observe(svc, e, "announced", date(2026, 9, 20))
    _observe(svc, e, "unannounced", date(2026, 10, 15))
    _observe(svc, e, "unannounced", date(2026, 11, 20))
    _observe(svc, e, "unannounced", date(2026, 11, 21), finish=False)  # in progress: does not count yet
    _observe(svc, e, "unannounced", date(2026, 8, 28))  # before the cycle: does not count
    cc = svc.compliance.compliance(cyc.id, today=TODAY)
    assert (cc.announced_done, cc.unannounced_done) == (1, 2)
    assert not cc.compliant
    states = {i.label: i.state for i in cc.items}
    assert states["Announced observation 1"] == "done"
    assert states["Unannounced observation 2"] == "done"
    assert states["Unannounced observation 3"] == "upcoming"  # 2026-12-30 is in the winter recess: 2027-01-04
    cycle_steps = [i for i in cc.items if i.state != "done" and i.what != "progress_report"]
    nxt = min(cycle_steps, key=lambda i: i.due_on)
    assert nxt.label == "Formative assessment" and nxt.due_on == date(2026, 11, 16)  # not Sunday
    # the progress reports to the Panel are due items of the cycle too (issue 14), so next_due may be one
    assert cc.next_due.due_on <= nxt.due_on and cc.next_due.what in ("progress_report", "formative")


def test_due_items_across_caseload_within_14_days(svc) -> None:
    e, cyc = _par(svc, start=date(2026, 10, 1), end=date(2027, 3, 30))  # 180 days: slots every 36 days
    items = svc.compliance.due_items(today=date(2026, 11, 10))  # announced 1 was due 11-06
    assert [(i.label, i.state) for i in items if i.what == "observation"] == [("Announced observation 1", "late")]
    # the first progress report to the Panel: 30 school days after the cycle's start (the school calendar closes
    # Columbus Day and Veterans Day)
    assert [(i.label, i.due_on, i.state) for i in items if i.what == "progress_report"] == [
        ("Progress report 1 to the Panel", date(2026, 11, 16), "due_soon")]
    items = svc.compliance.due_items(today=date(2026, 12, 1))  # unannounced 1: 12-12 is a Saturday, so 12-14
    assert ("Unannounced observation 1", "due_soon") in [(i.label, i.state) for i in items]
    _observe(svc, e, "announced", date(2026, 11, 2))
    labels = [i.label for i in svc.compliance.due_items(today=date(2026, 11, 3))]
    assert "Announced observation 1" not in labels


def test_formative_deadline_satisfied_by_final_document(svc) -> None:
    e, cyc = _par(svc)
    assert {i.what: i.state for i in svc.compliance.compliance(cyc.id, today=TODAY).items}["formative"] == "late"
    doc = svc.assessments.draft(educator_id=e.id, kind="formative", cycle_id=cyc.id)
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(document_id=doc.id, standard=std, rating="proficient", rationale="ok")
    svc.assessments.set_overall(document_id=doc.id, rating="proficient", rationale="ok")
    svc.assessments.finalize(document_id=doc.id)
    assert {i.what: i.state for i in svc.compliance.compliance(cyc.id, today=TODAY).items}["formative"] == "done"


def test_dashboard_and_contact_summary(svc) -> None:
    e, cyc = _par(svc)
    _observe(svc, e, "announced", date(2026, 11, 10))
    dash = svc.compliance.dashboard(today=TODAY)
    assert len(dash) == 1 and dash[0].cycle.id == cyc.id
    summary = svc.compliance.contact_summary(today=TODAY)[e.id]
    assert summary.last_visit_on == date(2026, 11, 10) and summary.days_since_visit == 15
