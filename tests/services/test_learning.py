"""Learning Match services (issue 18) from an empty store: needs from what is captured, priorities that seed the
practice goal, the catalog (consent, CSV round trip), ranked options with reasons, the match log, CT-led PD
sessions feeding the needs profile, and the de-identified counts (no PA educator ever counts)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from esp_desktop.core import aggregates
from esp_desktop.core.errors import ValidationError

TODAY = date(2026, 11, 25)


def enrolled(svc, *, program: str = "PAR", name: str = "Ana", site_ids=(), grade_band: str | None = "3-5",
             subject: str | None = "Grade 4 ELA"):
    e = svc.caseload.add_educator(given_name=name, family_name="Example", site_ids=list(site_ids),
                                  grade_band=grade_band, role_subject=subject)
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 10))
    svc.caseload.enrol(enrolment_id=en.id)
    return e


def captured(svc, educator_id: str) -> None:
    """What a CT has already captured: tagged evidence, an open prescription, a practice goal."""
    svc.evidence.add(educator_id=educator_id, title="Exit tickets, week 3", category="products_of_practice", kind="artifact",
                     collected_on=TODAY - timedelta(days=5), indicator_codes=["I-B"])
    svc.goals.add_prescription(educator_id=educator_id, indicator_codes=["II-B"], concern="Transitions lose time",
                               action="Rehearse routines")
    svc.evidence.add(educator_id=educator_id, title="Student survey", category="products_of_practice", kind="artifact",
                     collected_on=TODAY - timedelta(days=10), indicator_codes=["II-D"], equity_codes=["EQ-5"])


def catalog(svc, site_code: str = "HALE") -> list:
    return [
        svc.learning.add_entry(kind="district_pd", title="Routines that give back time", indicator_codes=["II-B"],
                               site_name="Hale School", site_code=site_code, latitude=42.33, longitude=-71.08,
                               session_dates=[(TODAY + timedelta(days=9)).isoformat()], start_time="15:30",
                               grade_bands=["K-5"]),
        svc.learning.add_entry(kind="practice_network", title="Safe and sustaining classrooms network",
                               equity_codes=["EQ-1"], online=True,
                               session_dates=[(TODAY + timedelta(days=20)).isoformat()]),
        svc.learning.add_entry(kind="peer_model", title="Ms. Lee's grade 4 room", indicator_codes=["II-B"],
                               site_name="Lee Academy", latitude=42.30, longitude=-71.06, weekdays=["tue", "thu"],
                               consent_on=TODAY - timedelta(days=30), consent_note="Email of 26 Oct, in CT files"),
        svc.learning.add_entry(kind="union_session", title="Assessment literacy", indicator_codes=["I-B"]),
    ]


def test_needs_priority_options_and_match_log_from_an_empty_store(svc) -> None:
    site = svc.caseload.add_site(name="Hale School", code="HALE", latitude=42.331, longitude=-71.081)
    e = enrolled(svc, site_ids=[site.id])
    assert svc.learning.needs(e.id).profile.empty
    captured(svc, e.id)
    view = svc.learning.needs(e.id)
    top = [c.code for c in view.profile.top(3)]
    assert top[0] == "II-B" and len(top) == 3
    assert view.profile.cell("II-B").contributions[0].signal.record_type == "prescription"
    assert view.profile.cell("EQ-5").score > 0, "evidence tagged with an Essential counts for it"

    assert svc.learning.options(e.id) == [], "no priority, nothing to match"
    p = svc.learning.set_priority(educator_id=e.id, code="II-B", why="Transitions")
    goals = svc.goals.for_educator(e.id)
    assert [g.id for g in goals] == [p.goal_id] and goals[0].indicator_codes == ["II-B"]
    assert goals[0].kind == "professional_practice", "the priority seeded the practice goal"
    p2 = svc.learning.set_priority(educator_id=e.id, code="EQ-1", prescription_action="Co-plan a morning meeting")
    assert p2.rank == 2 and svc.goals.for_educator(e.id)[0].equity_codes == ["EQ-1"], "the same goal, aligned"
    rx = [x for x in svc.goals.prescriptions(e.id) if x.id == p2.prescription_id]
    assert rx and rx[0].indicator_codes, "an Essential's prescription is aligned to its primary indicators"
    with pytest.raises(ValidationError, match="at most two"):
        svc.learning.set_priority(educator_id=e.id, code="I-B")
    with pytest.raises(ValidationError, match="already a priority"):
        svc.learning.set_priority(educator_id=e.id, code="II-B")

    entries = catalog(svc)
    options = svc.learning.options(e.id)
    assert len(options) >= 3
    assert options[0].offering.title == "Routines that give back time"
    assert any("Serves priority 1" in r for r in options[0].reasons)
    assert any("miles" in r or "own school" in r for r in options[0].reasons)
    assert all(o.offering.title != "Assessment literacy" for o in options), "serves no priority"

    m = svc.learning.log_match(educator_id=e.id, entry_id=options[0].offering.id, priority_code=options[0].serves,
                               reasons=options[0].reasons)
    assert m.status == "offered" and m.offered_on == TODAY
    with pytest.raises(ValidationError, match="already offered"):
        svc.learning.log_match(educator_id=e.id, entry_id=m.entry_id, priority_code="II-B")
    ev = svc.evidence.add(educator_id=e.id, title="Transition timed: 2 min", category="products_of_practice",
                          kind="artifact", indicator_codes=["II-B"])
    m = svc.learning.advance_match(m.id, status="tried", evidence_id=ev.id)
    assert (m.accepted_on, m.attended_on, m.tried_on, m.evidence_id) == (TODAY, TODAY, TODAY, ev.id)
    m = svc.learning.advance_match(m.id, status="accepted")
    assert m.attended_on is None and m.tried_on is None, "stepping back clears the later steps"
    svc.learning.remove_entry(entries[0].id)
    assert svc.learning.matches(e.id)[0].entry_title == "Routines that give back time", "the log keeps the title"


def test_site_location_is_both_or_neither(svc) -> None:
    with pytest.raises(ValidationError, match="both"):
        svc.caseload.add_site(name="Lee", latitude=42.3)
    site = svc.caseload.add_site(name="Lee", latitude=42.3, longitude=-71.0)
    site = svc.caseload.update_site(site.id, name="Lee Academy", latitude=42.31, longitude=-71.01)
    assert (site.latitude, site.longitude) == (42.31, -71.01)


def test_peer_models_need_recorded_consent(svc) -> None:
    with pytest.raises(ValidationError, match="consent"):
        svc.learning.add_entry(kind="peer_model", title="Room 12", indicator_codes=["II-B"])
    e = svc.learning.add_entry(kind="peer_model", title="Room 12", consent_on=TODAY, consent_note="Signed form")
    with pytest.raises(ValidationError, match="consent"):
        svc.learning.update_entry(e.id, consent_note="")
    with pytest.raises(ValidationError, match="Unknown rubric tag"):
        svc.learning.add_entry(kind="district_pd", title="x", indicator_codes=["Z-9"])
    with pytest.raises(ValidationError, match="Unknown kind"):
        svc.learning.add_entry(kind="webinar", title="x")


def test_catalog_csv_round_trip_and_problems(svc, tmp_path: Path) -> None:
    catalog(svc)
    out = svc.learning.export_catalog(path=tmp_path / "catalog.csv")
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("kind,title,provider")
    assert "II-B" in text and "tue; thu" in text
    svc.learning.update_entry(svc.learning.catalog()[0].id, description="changed here")
    bad = tmp_path / "more.csv"
    bad.write_text(text + "peer_model,No consent room,,,II-B,,,,,,,,no,,,,,,,\n"
                   + "district_pd,New one,,,I-B;EQ-4,,,,,,,,yes,2027-01-14,,,,,,\n", encoding="utf-8")
    dry = svc.learning.import_catalog(path=bad, dry_run=True)
    assert (dry.added, dry.updated, len(dry.problems)) == (1, 4, 1) and "row 6" in dry.problems[0]
    assert len(svc.learning.catalog()) == 4, "a dry run writes nothing"
    done = svc.learning.import_catalog(path=bad)
    assert (done.added, done.updated) == (1, 4)
    new = next(x for x in svc.learning.catalog() if x.title == "New one")
    assert new.indicator_codes == ["I-B"] and new.equity_codes == ["EQ-4"] and new.online
    assert new.session_dates == ["2027-01-14"]
    headless = tmp_path / "x.csv"
    headless.write_text("name,when\nx,y\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="kind and title"):
        svc.learning.import_catalog(path=headless)


def test_ct_led_pd_commitments_feed_the_needs_profile(svc) -> None:
    e = enrolled(svc)
    assert svc.learning.needs(e.id).profile.cell("I-B").score == 0
    sess = svc.learning.add_session(title="Checks for understanding", held_on=TODAY - timedelta(days=3),
                                    goal="Use hinge questions", knowledge="Why hinge questions", practice="Write 3",
                                    commitment="Try one hinge question a day", indicator_codes=["I-B"],
                                    attendees=[{"educator_id": e.id}, {"name": "Guest Teacher"}])
    assert [a["name"] for a in sess.attendees] == ["Ana Example", "Guest Teacher"]
    cell = svc.learning.needs(e.id).profile.cell("I-B")
    assert cell.score > 0 and cell.contributions[0].signal.record_type == "pd_attendance"
    assert "hinge question a day" in cell.contributions[0].signal.summary
    with pytest.raises(ValidationError, match="goal"):
        svc.learning.add_session(title="x", held_on=TODAY, goal=" ")
    svc.learning.remove_session(sess.id)
    assert svc.learning.needs(e.id).profile.cell("I-B").score == 0
    summary = svc.learning.support_summary(e.id)
    assert summary.sessions == []


def test_aggregate_submission_counts_only_par_educators_and_nothing_identifying(svc) -> None:
    site = svc.caseload.add_site(name="Hale School", code="HALE")
    par = [enrolled(svc, name=f"P{i}", site_ids=[site.id]) for i in range(3)]
    pa = enrolled(svc, program="PA", name="Quiet", site_ids=[site.id])
    for e in [*par, pa]:
        svc.learning.set_priority(educator_id=e.id, code="II-B", seed_goal=False)
    sub = svc.learning.aggregate_submission(school_year="2026-27")
    assert sub.district.educators == 3 and sub.schools[0].counts == {"II-B": 3}, "the PA educator never counts"
    blob = repr(sub.as_json())
    for e in [*par, pa]:
        assert e.id not in blob and e.given_name not in blob
    assert set(sub.as_json()) == {"school_year", "district", "schools"}
    assert aggregates.parse_submission(sub.as_json()) == sub


def test_a_district_distance_table_wins_over_coordinates(svc, tmp_path: Path) -> None:
    site = svc.caseload.add_site(name="Hale School", code="HALE", latitude=42.331, longitude=-71.081)
    e = enrolled(svc, site_ids=[site.id])
    svc.learning.set_priority(educator_id=e.id, code="II-B", seed_goal=False)
    catalog(svc, site_code="LEE")
    near = next(o for o in svc.learning.options(e.id) if o.offering.title == "Routines that give back time")
    assert near.miles is not None and near.miles < 1
    table = tmp_path / "distances.csv"
    table.write_text("from,to,miles\nLEE,HALE,3.4\nHALE,hale,0\nHALE,MAR,9\n", encoding="utf-8")
    assert svc.learning.import_distances(path=table) == 3
    routed = next(o for o in svc.learning.options(e.id) if o.offering.title == "Routines that give back time")
    assert routed.miles == 3.4 and any("3.4 miles" in r for r in routed.reasons), "the district knows the roads"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,miles\nHALE,LEE,far\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="row 2"):
        svc.learning.import_distances(path=bad)


def test_team_needs_across_the_caseload(svc) -> None:
    a, b = enrolled(svc, name="Ana"), enrolled(svc, name="Ben")
    for e in (a, b):
        svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Transitions", action="Rehearse")
    svc.learning.set_priority(educator_id=a.id, code="II-B", seed_goal=False)
    team = svc.learning.team_needs()
    assert team[0][:4] == ("II-B", "Learning Environment", 2, 1)
