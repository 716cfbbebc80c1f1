"""Issue 14's "Done when": one PAR case through the whole Massachusetts cycle, from an empty store, through the
services a screen calls, checking every PDF along the way (text via pypdf; pages rendered with pdftoppm when it
is installed, into ESP_LOOK_DIR if set, so a person can look at them).

self-assessment -> Educator Plan -> observations -> formative -> progress report -> summative recommendation ->
ESP Panel meeting with quorum and vote -> final summative evaluation -> packet with the decision filled in ->
minutes (with a revision) -> acknowledgement -> written response three days later.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path

import pytest
from pypdf import PdfReader

from esp_desktop.core import clock
from esp_desktop.reports.service import ReportService

MEMBERS = ["Erin Berg", "Jerome Doyle", "Ana Ruiz", "Sam Lee", "Kim Park"]


@contextmanager
def on(day: date) -> Iterator[None]:
    with clock.use(clock.FixedClock.on(day, hour=10, running=True)):
        yield


def text_of(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def look(path: Path) -> None:
    """Render the pages to PNG (for a person to look at) when poppler is there."""
    target = os.environ.get("ESP_LOOK_DIR")
    if not target or not shutil.which("pdftoppm"):
        return
    Path(target).mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(Path(target) / path.stem)], check=True)


@pytest.fixture
def export(svc, tmp_path: Path):
    def run(kind: str, reader: str, **kw: str) -> str:
        path = tmp_path / f"{kind}-{reader}-{len(list(tmp_path.iterdir()))}.pdf"
        result = ReportService(svc).export(kind=kind, audience=reader, path=path, **kw)
        assert result.pages >= 1 and path.exists()
        look(path)
        return text_of(path)

    return run


def test_a_par_case_through_the_whole_cycle(svc, export) -> None:
    cl = svc.caseload
    with on(date(2026, 8, 24)):
        cl.set_profile(name="Jordan Ellis", school_year="2026-27")
        site = cl.add_site(name="Harborview K-8 School")
        e = cl.add_educator(given_name="Lan", family_name="Nguyễn Thị", employee_id="E7001", role_subject="Grade 5",
                            site_ids=[site.id])
        en = cl.refer(educator_id=e.id, program="PAR", referral_source="Principal")
        cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 24))
        cl.enrol(enrolment_id=en.id)
    with on(date(2026, 9, 8)):
        cycle = svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 6, 10),
                                           plan_type="directed_growth")

    # Step 1: the educator's self-assessment, from her form
    with on(date(2026, 9, 15)):
        sa = svc.self_assessments.draft(educator_id=e.id)
        for std, (good, grow) in {"I": ("Unit planning", "Using exit-ticket data"),
                                  "II": ("Warm rapport", "Transitions and routines"),
                                  "III": ("Weekly family notes", "Conferences in home languages"),
                                  "IV": ("Grade-team meetings", "Seeking feedback")}.items():
            svc.self_assessments.set_entry(document_id=sa.id, standard=std, strengths=good, areas_to_grow=grow)
        svc.self_assessments.update(sa.id, completed_on=date(2026, 9, 14), reflection="My focus: routines.")
        svc.self_assessments.finalize(document_id=sa.id)
    t = export("self-assessment", "educator", educator_id=e.id)
    assert "Educator Self-Assessment" in t and "Transitions and routines" in t and "My focus: routines." in t
    assert "Final, version 1" in t and "September 14, 2026" in t

    # Step 2: the Educator Plan, its goal and prescription linked, signed by both
    with on(date(2026, 9, 22)):
        plan = svc.plans.draft(educator_id=e.id, focus="Routines that protect learning time.")
        goal = svc.goals.add(educator_id=e.id, kind="professional_practice", title="Routines", cycle_id=cycle.id,
                             statement="By January, transitions take under two minutes.", baseline="6 min",
                             target="2 min")
        rx = svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Transitions",
                                        action="Rehearse the morning routine with a visual timer.",
                                        due_on=date(2026, 10, 30))
        svc.plans.link_goal(plan_id=plan.id, goal_id=goal.id)
        svc.plans.link_prescription(plan_id=plan.id, prescription_id=rx.id)
        svc.plans.set_actions(plan.id, [{"action": "Co-plan routines weekly", "supports": "CT co-planning",
                                         "due_on": date(2026, 12, 18)}])
        svc.plans.set_timeline(plan.id, [{"on": date(2026, 10, 30), "what": "First benchmark"}])
        svc.plans.sign(plan_id=plan.id, role="evaluator")
        assert svc.plans.sign(plan_id=plan.id, role="educator").status == "final"
    t = export("educator-plan", "educator", educator_id=e.id)
    for s in ("Educator Plan", "Directed Growth Plan", "transitions take under two minutes",
              "Rehearse the morning routine", "Co-plan routines weekly", "First benchmark", "Jordan Ellis",
              "September 22, 2026"):
        assert s in t, s
    assert "December 18, 2026" in t and "2026-12-18" not in t  # the action's "By" date, as documents print dates

    # Observations: 1 announced + 4 unannounced, with evidence and coaching
    ev1 = svc.evidence.add(educator_id=e.id, title="Routine plan", category="products_of_practice",
                           kind="lesson_plan", collected_on=date(2026, 9, 29), indicator_codes=["II-B"])
    ev2 = svc.evidence.add(educator_id=e.id, title="Exit tickets, unit 2", category="student_learning",
                           kind="student_work", collected_on=date(2026, 10, 20), indicator_codes=["I-B"])
    for n, (day, kind) in enumerate([(date(2026, 9, 29), "announced"), (date(2026, 10, 14), "unannounced"),
                                     (date(2026, 10, 28), "unannounced"), (date(2026, 11, 10), "unannounced"),
                                     (date(2026, 11, 19), "unannounced")], 1):
        with on(day):
            o = svc.observations.start(educator_id=e.id, kind=kind, observed_on=day, site_id=site.id,
                                       class_period="Period 2", audience="educator",
                                       started_at=clock.at_local(day, time(9, 0)))
            svc.observations.add_note(observation_id=o.id, text=f"Transition {n} took {7 - n} minutes",
                                      indicator_codes=["II-B"])
            svc.observations.update(o.id, feedback=f"Routine {n} is tighter. Keep the timer visible.")
            svc.observations.finish(observation_id=o.id, finished_at=clock.at_local(day, time(9, 45)))
            svc.observations.give_feedback(observation_id=o.id, on=day)  # from then it counts (issue 11)
            svc.coaching.log(educator_id=e.id, kind="co_planning", held_on=day, minutes=45)
    with on(date(2026, 11, 20)):
        svc.goals.add_progress(goal_id=goal.id, note="Transitions now 3 minutes.", percent=60,
                               checked_on=date(2026, 11, 20))
        f = svc.assessments.draft(educator_id=e.id, kind="formative")
        for std in ("I", "II", "III", "IV"):
            svc.assessments.set_rating(document_id=f.id, standard=std, rating="needs_improvement",
                                       rationale=f"Formative evidence for {std}.", evidence_ids=[ev1.id])
        svc.assessments.set_overall(document_id=f.id, rating="needs_improvement", rationale="Growing.",
                                    goals_progress_summary="Halfway to the goal.")
        svc.assessments.finalize(document_id=f.id)

    # A progress report to the Panel, drafted from the period
    with on(date(2026, 11, 23)):
        r = svc.progress.draft(educator_id=e.id)
        assert "Routine 4 is tighter." in r.observations and "Co-planning: 5 sessions, 3 h 45 min" in r.support
        svc.progress.finalize(report_id=r.id)
    t = export("progress-report", "panel", educator_id=e.id)
    assert "Progress report 1 to the ESP Panel" in t and "Routine 1 is tighter." in t and "60%" in t
    assert "Transition 1 took" not in t  # scripted lines are CT-private
    # dates as documents print them; the report is late: it answers the first due date (30 school days after the
    # cycle's start), missed on October 22, and covers the cycle so far
    assert "September 8, 2026 – November 23, 2026" in t and "October 22, 2026" in t
    assert "2026-09-08" not in t and "2026-10-22" not in t

    # The summative recommendation
    with on(date(2026, 12, 14)):
        s = svc.assessments.draft(educator_id=e.id, kind="summative")
        for std, rating in {"I": "proficient", "II": "proficient", "III": "proficient", "IV": "proficient"}.items():
            svc.assessments.set_rating(document_id=s.id, standard=std, rating=rating, rationale=f"Evidence for {std}.",
                                       evidence_ids=[ev1.id, ev2.id])
        svc.assessments.set_overall(document_id=s.id, rating="proficient", rationale="Steady growth.")
        rec = svc.assessments.finalize(document_id=s.id)
    t = export("summative", "panel", educator_id=e.id)
    assert "Summative Evaluation Recommendation" in t

    # The ESP Panel meeting: roster, agenda, attendance with quorum, the vote and the decision
    with on(date(2026, 12, 28)):
        for n in MEMBERS:
            svc.panel.add_member(name=n, seat="BTU" if n < "K" else "BPS", role="chair" if n == "Erin Berg" else "member")
        meeting = svc.panel.create_meeting(meets_on=date(2027, 1, 4), location="Bolling Building, Room 204")
        svc.panel.update_meeting(meeting.id, chair="Erin Berg")
        case = svc.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Final summative rating",
                                  recommendation_id=rec.id)
    t = export("panel-packet", "panel", educator_id=e.id)
    assert "Panel decision" in t and "To be completed by the ESP Panel" in t
    assert "Accept the consulting teacher's recommendation" in t and "Defer to a later meeting" in t
    with on(date(2027, 1, 4)):
        svc.panel.update_case(case.id, presentation="Five observations; routines improved from 6 to 3 minutes.",
                              discussion="Members asked about Standard III; the CT described family notes.")
        svc.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS[:4], absent=MEMBERS[4:])
        ratings = {"I": "proficient", "II": "proficient", "III": "needs_improvement", "IV": "proficient"}
        motion, decision = svc.panel.vote_and_decide(
            case_id=case.id, decision="modify_rating", votes_for=3, votes_against=1, moved_by="Ana Ruiz",
            seconded_by="Sam Lee", final_ratings=ratings, final_overall="proficient",
            rationale="Standard III needs a stronger family-engagement record.")
        assert motion.carried and decision is not None and decision.recorded_by == "Jordan Ellis"
    t = export("minutes", "panel", meeting_id=meeting.id)
    for s in ("ESP Panel Meeting Minutes", "Erin Berg; Jerome Doyle; Ana Ruiz; Sam Lee", "Kim Park",
              "3 — met", "Majority of the votes cast", "Five observations", "Members asked about Standard III",
              "moved by Ana Ruiz", "3 for, 1 against, 0 abstaining", "CARRIED", "Modify the recommended ratings",
              "Needs Improvement", "recorded by Jordan Ellis"):
        assert s in t, s

    # The final summative evaluation, from the decision
    with on(date(2027, 1, 5)):
        fe = svc.final_evaluations.generate(decision_id=decision.id)
        fe = svc.final_evaluations.finalize(document_id=fe.id)
    for reader in ("educator", "admin"):
        t = export("final-evaluation", reader, educator_id=e.id)
        for s in ("Final Summative Evaluation", "Final (ESP Panel)", "Recommended (CT)", "Modify the recommended",
                  "3 for, 1 against, 0 abstaining", "Standard III needs a stronger", "Evidence for III.",
                  fe.content_sha256):
            assert s in t, (reader, s)
        # evidence is shared with the educator, not the administrator: the index says so rather than going blank
        assert ("Exit tickets, unit 2" in t) is (reader == "educator")
        assert ("No evidence cited in the ratings is visible to this reader" in t) is (reader == "admin")
    # the packet made after the decision shows it filled in
    t = export("panel-packet", "panel", educator_id=e.id)
    assert "To be completed by the ESP Panel" not in t and "Printed from the decision record" in t
    assert "Decision: Modify the recommended ratings" in t and "vote 3 for, 1 against, 0 abstaining" in t

    # A later meeting revises the decision: the history stays in the minutes and the audit log
    with on(date(2027, 2, 1)):
        later = svc.panel.create_meeting(meets_on=date(2027, 2, 1))
        case2 = svc.panel.add_case(meeting_id=later.id, educator_id=e.id, purpose="Reconsideration (Standard III)")
        svc.panel.record_attendance(meeting_id=later.id, present=MEMBERS)
        _, revised = svc.panel.vote_and_decide(
            case_id=case2.id, decision="accept_recommendation", votes_for=5, supersedes_id=decision.id,
            revision_reason="The CT brought the family-conference log for Standard III.")
        fe2 = svc.final_evaluations.finalize(
            document_id=svc.final_evaluations.generate(decision_id=revised.id).id)
        assert fe2.version_no == 2 and fe2.supersedes_id == fe.id
    t = export("minutes", "panel", meeting_id=later.id)
    assert "Earlier decisions revised at this meeting" in t and "superseded by version 2" in t
    assert "revises version 1 of January 4, 2027" in t and "family-conference log" in t
    assert "log for Standard III. " in t and "III.." not in t  # the reason's own full stop, not a second one
    t = export("minutes", "panel", meeting_id=meeting.id)
    assert "superseded by version 2 of February 1, 2027" in t and "Modify the recommended ratings" in t
    assert any(a.action == "panel_decision_revised" for a in svc.audit.history(educator_id=e.id))
    t = export("final-evaluation", "educator", educator_id=e.id)
    assert "version 2" in t and "The Panel revised its decision (version 2)" in t
    assert "log for Standard III. " in t and "III.." not in t
