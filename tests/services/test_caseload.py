from __future__ import annotations

from datetime import date

import pytest

from esp_desktop.core.errors import CaseloadCapExceeded, NotFound, RuleViolation, ValidationError


def _enrol(svc, i: int, program: str = "PAR", *, override: str | None = None):
    e = svc.caseload.add_educator(given_name=f"Test{i}", family_name="Educator", employee_id=f"X{i}")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    return e, svc.caseload.enrol(enrolment_id=en.id, override_reason=override)


def test_enrolment_requires_intake_meeting(svc) -> None:
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    en = svc.caseload.refer(educator_id=e.id, program="PA")
    with pytest.raises(RuleViolation, match="intake meeting"):
        svc.caseload.enrol(enrolment_id=en.id)
    svc.caseload.schedule_intake(enrolment_id=en.id, on=date(2026, 9, 3))
    with pytest.raises(RuleViolation, match="intake meeting"):
        svc.caseload.enrol(enrolment_id=en.id)  # scheduled is not held
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 3), notes="Explained PA.")
    done = svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 10))
    assert done.status == "enrolled" and done.enrolled_on == date(2026, 9, 10)


def test_caseload_cap_warns_and_needs_override_reason(svc) -> None:
    for i in range(12):
        _enrol(svc, i, "PA" if i % 2 else "PAR")
    assert svc.caseload.active_count() == 12
    e = svc.caseload.add_educator(given_name="Thirteenth", family_name="Teacher")
    en = svc.caseload.refer(educator_id=e.id, program="PAR")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    with pytest.raises(CaseloadCapExceeded) as info:
        svc.caseload.enrol(enrolment_id=en.id)
    assert info.value.active == 12 and "override" in str(info.value)
    with pytest.raises(CaseloadCapExceeded):
        svc.caseload.enrol(enrolment_id=en.id, override_reason="   ")
    assert svc.caseload.enrolment(e.id).status == "intake_scheduled"  # nothing changed by the refusals
    ok = svc.caseload.enrol(enrolment_id=en.id, override_reason="Panel approved a 13th case for this term")
    assert ok.status == "enrolled" and ok.cap_override_reason.startswith("Panel approved")
    assert svc.caseload.active_count() == 13


def test_informal_coaching_does_not_count_toward_cap(svc) -> None:
    for i in range(12):
        _enrol(svc, i)
    _e, en = _enrol(svc, 99, "informal")
    assert en.status == "enrolled" and svc.caseload.active_count() == 12


def test_exit_needs_reason_and_frees_a_place(svc) -> None:
    _e, en = _enrol(svc, 1)
    with pytest.raises(ValidationError):
        svc.caseload.exit(enrolment_id=en.id, reason=" ")
    out = svc.caseload.exit(enrolment_id=en.id, reason="Transferred to another district")
    assert out.status == "exited" and svc.caseload.active_count() == 0
    with pytest.raises(RuleViolation):
        svc.caseload.enrol(enrolment_id=en.id)


def test_one_open_enrolment_per_educator(svc) -> None:
    e, _ = _enrol(svc, 1)
    with pytest.raises(RuleViolation, match="open enrolment"):
        svc.caseload.refer(educator_id=e.id, program="PA")


def test_resolve_educator_by_name_id_and_ambiguity(svc) -> None:
    a = svc.caseload.add_educator(given_name="Zoë", family_name="O'Brien-Ramírez", employee_id="E1")
    svc.caseload.add_educator(given_name="Zoe", family_name="Park")
    assert svc.caseload.resolve_educator("o'brien").id == a.id
    assert svc.caseload.resolve_educator("E1").id == a.id
    assert svc.caseload.resolve_educator(a.id).id == a.id
    with pytest.raises(ValidationError, match="several"):
        svc.caseload.resolve_educator("zo")
    with pytest.raises(NotFound):
        svc.caseload.resolve_educator("nobody")


def test_pa_records_cannot_be_shared_with_administrators(svc) -> None:
    e, _ = _enrol(svc, 1, "PA")
    with pytest.raises(RuleViolation, match="confidential"):
        svc.coaching.log(educator_id=e.id, kind="co_planning", minutes=30, audience="admin")
    act = svc.coaching.log(educator_id=e.id, kind="co_planning", minutes=30)
    from esp_desktop.store.models import CoachingActivity

    with pytest.raises(RuleViolation):
        svc.coaching.set_audience(CoachingActivity, act.id, "admin")
    assert svc.coaching.set_audience(CoachingActivity, act.id, "panel").audience == "panel"


def test_history_counts_for_the_write_guard_too(svc) -> None:
    e, en = _enrol(svc, 1, "PAR")
    act = svc.coaching.log(educator_id=e.id, kind="co_planning", minutes=30, audience="admin")
    svc.caseload.exit(enrolment_id=en.id, reason="moving to coaching")
    svc.caseload.refer(educator_id=e.id, program="PA")
    with pytest.raises(RuleViolation, match="school administrator"):
        svc.coaching.log(educator_id=e.id, kind="co_planning", minutes=30, audience="admin")
    assert svc.coaching.for_educator(e.id)[0].id == act.id  # the old label stays; reading ignores it (policy)


def test_parent_audience_change_resends_its_children(svc) -> None:
    from esp_desktop.store.models import Observation, ScriptNote

    e, _ = _enrol(svc, 1, "PA")  # observations need an enrolment
    o = svc.observations.start(educator_id=e.id, kind="announced")
    n = svc.observations.add_note(observation_id=o.id, text="line", audience="educator")
    with svc.store.session() as s:
        s.get(ScriptNote, n.id).sync_dirty = False
    svc.observations.set_audience(Observation, o.id, "ct_private")
    after = svc.observations.notes(o.id)[0]
    assert after.audience == "educator" and after.version == n.version + 1 and after.sync_dirty


def test_duplicate_employee_id_refused(svc) -> None:
    svc.caseload.add_educator(given_name="A", family_name="B", employee_id="E7")
    with pytest.raises(ValidationError, match="already on file"):
        svc.caseload.add_educator(given_name="C", family_name="D", employee_id="E7")


def test_find_site_by_id_code_name_prefix_or_unique_part(svc) -> None:
    from esp_desktop.core.errors import NotFound, ValidationError

    a = svc.caseload.add_site(name="Hernández K-8", code="HKE")
    b = svc.caseload.add_site(name="Henderson Upper", code="HUP")
    assert svc.caseload.find_site(a.id).id == a.id
    assert svc.caseload.find_site("hke").id == a.id and svc.caseload.find_site("henderson upper").id == b.id
    assert svc.caseload.find_site(b.id[:8]).id == b.id
    assert svc.caseload.find_site("K-8").id == a.id
    with pytest.raises(ValidationError, match="several schools"):
        svc.caseload.find_site("He")
    with pytest.raises(NotFound, match="No school matches"):
        svc.caseload.find_site("Lincoln")


def _next_due_by_dashboard(svc) -> dict[str, tuple]:
    """Each educator's next due item as the compliance dashboard shows it, cycle by cycle."""
    out = {}
    for cc in svc.compliance.dashboard():
        single = svc.compliance.compliance(cc.cycle.id)  # the cycle on its own: its own queries
        assert single.items == cc.items and single.observations == cc.observations
        nd = cc.next_due
        out[cc.cycle.educator_id] = (nd.due_on, nd.label, nd.state == "late") if nd else (None, "", False)
    return out


def _check_next_due_matches_dashboard(svc) -> list:
    rows = svc.caseload.caseload(include_ended=True, include_archived=True)
    expected = _next_due_by_dashboard(svc)
    for r in rows:
        assert (r.next_due, r.next_due_label, r.late) == expected.get(r.educator.id, (None, "", False)), \
            r.educator.display_name
    return rows


def test_caseload_next_due_is_the_compliance_dashboards(svc) -> None:
    from datetime import UTC, datetime

    def par(i: int, start: date, end: date, *, cycle: bool = True):
        e = svc.caseload.add_educator(given_name=f"Test{i}", family_name="Educator", employee_id=f"X{i}")
        en = svc.caseload.refer(educator_id=e.id, program="PAR", referred_on=date(2026, 8, 20))
        svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 25))
        en = svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
        if cycle:
            svc.compliance.start_cycle(educator_id=e.id, start_on=start, end_on=end, plan_type="directed_growth")
        return e, en

    def observe(e, kind: str, day: date, *, feedback: bool = True) -> None:
        o = svc.observations.start(educator_id=e.id, kind=kind, observed_on=day,
                                   started_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
        svc.observations.add_note(observation_id=o.id, text="Students explain their reasoning.",
                                  indicator_codes=["II-A"])
        if feedback:
            svc.observations.give_feedback(observation_id=o.id, on=day, feedback="Plan a question for each pair.")
        svc.observations.finish(observation_id=o.id,
                                finished_at=datetime(day.year, day.month, day.day, 9, 45, tzinfo=UTC))

    # several PAR cases in different states, PA and informal ones beside them
    a, _ = par(1, date(2026, 9, 8), date(2027, 1, 29))
    observe(a, "announced", date(2026, 9, 22))
    observe(a, "unannounced", date(2026, 10, 14))
    observe(a, "unannounced", date(2026, 11, 18), feedback=False)  # its feedback is the open item
    par(2, date(2026, 9, 8), date(2027, 6, 15))  # nothing done yet: late items
    c, _ = par(3, date(2026, 9, 8), date(2027, 6, 15))
    observe(c, "announced", date(2026, 9, 15))
    report = svc.progress.draft(educator_id=c.id)
    svc.progress.update(report.id, observations="Two visits.", next_steps="Unannounced visit in December.")
    svc.progress.finalize(report_id=report.id)
    par(4, date(2026, 9, 8), date(2027, 6, 15), cycle=False)  # enrolled, no cycle yet: nothing due
    e5, en5 = par(5, date(2026, 9, 8), date(2027, 6, 15))
    svc.caseload.complete(enrolment_id=en5.id, reason="Moved district.")  # ended: off the dashboard
    for i, program in ((6, "PA"), (7, "PA"), (8, "informal")):
        _enrol(svc, i, program)

    rows = _check_next_due_matches_dashboard(svc)
    shown = {r.educator.employee_id: r for r in rows}
    assert shown["X2"].late and shown["X2"].next_due is not None
    assert shown["X1"].next_due is not None and shown["X3"].next_due is not None
    assert all(shown[x].next_due is None for x in ("X4", "X5", "X6", "X7", "X8"))
    assert {r.next_due_label for r in rows} - {""}  # something is due: the comparison is not all-empty


def test_caseload_next_due_matches_the_dashboard_on_the_demo_caseload(demo_svc) -> None:
    rows = _check_next_due_matches_dashboard(demo_svc)
    programs = {r.enrolment.program for r in rows if r.enrolment}
    assert {"PAR", "PA"} <= programs and sum(r.next_due is not None for r in rows) >= 2
