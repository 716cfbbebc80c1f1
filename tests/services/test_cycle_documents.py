"""Steps 1-2 of the cycle (self-assessment, Educator Plan), progress reports to the Panel, and the final summative
evaluation generated from the Panel's decision."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from esp_desktop.core.errors import ImmutableRecord, RuleViolation, ValidationError
from esp_desktop.store.models import Observation

STANDARDS = ("I", "II", "III", "IV")


# A documented exception (603 CMR 35): these tests are about the Panel, not the cycle's observations
EXCEPTION = "The educator leaves the district at the end of the term; the Panel meets first."

def _educator(svc, program: str = "PAR", given: str = "Darnell"):
    e = svc.caseload.add_educator(given_name=given, family_name="Whitaker")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 20))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 8, 25))
    if program == "PAR":
        svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 6, 10),
                                   plan_type="directed_growth")
    return e


# --- self-assessment ---------------------------------------------------------------------------------------------


def test_self_assessment_entered_by_the_ct_then_final_and_frozen(svc) -> None:
    e = _educator(svc)
    doc = svc.self_assessments.draft(educator_id=e.id)
    for std in STANDARDS[:3]:
        svc.self_assessments.set_entry(document_id=doc.id, standard=std, strengths=f"Strong {std}",
                                       areas_to_grow=f"Grow {std}")
    with pytest.raises(ValidationError, match="missing: IV") as err:
        svc.self_assessments.finalize(document_id=doc.id)
    assert "date the educator completed" in str(err.value)
    svc.self_assessments.set_entry(document_id=doc.id, standard="IV", areas_to_grow="Collaborate more")
    with pytest.raises(ValidationError, match="future"):
        svc.self_assessments.update(doc.id, completed_on=date(2027, 1, 1))
    svc.self_assessments.update(doc.id, completed_on=date(2026, 9, 15), reflection="I want to grow in II-B.")
    final = svc.self_assessments.finalize(document_id=doc.id)
    assert final.status == "final" and len(final.content_sha256) == 64 and final.source == "entered"
    with pytest.raises(ImmutableRecord):
        svc.self_assessments.set_entry(document_id=doc.id, standard="I", strengths="changed")
    fix = svc.self_assessments.correct(document_id=doc.id)
    assert fix.version_no == 2 and fix.supersedes_id == doc.id and fix.entries == final.entries
    with pytest.raises(RuleViolation, match="already exists"):
        svc.self_assessments.correct(document_id=doc.id)
    assert svc.self_assessments.current(e.id).id == doc.id  # a draft correction does not replace the final


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_self_assessment_imported_from_the_template_the_educator_filled_in(svc, tmp_path: Path,
                                                                          suffix: str) -> None:
    e = _educator(svc)
    form = svc.self_assessments.write_template(tmp_path / f"form{suffix}", educator_id=e.id)
    text = form.read_text(encoding="utf-8-sig")
    assert "Curriculum, Planning, and Assessment" in text and "Darnell Whitaker" in text
    if suffix == ".json":
        data = json.loads(text)
        data["completed_on"] = "2026-09-20"
        data["reflection"] = "Pacing is my focus."
        for std in STANDARDS:
            data["standards"][std].update(strengths=f"S{std}, with “quotes”, commas", areas_to_grow=f"G{std}")
        form.write_text(json.dumps(data), encoding="utf-8")
    else:
        rows = list(csv.reader(io.StringIO(text)))  # as a spreadsheet would save it
        for row in rows:
            if row and row[0] == "Completed on":
                row[1:] = ["2026-09-20"]
            elif row and row[0] == "Reflection":
                row[1:] = ["Pacing is my focus."]
            elif row and row[0] in STANDARDS:
                row[2:] = [f"S{row[0]}, with “quotes”, commas", f"G{row[0]}"]
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        form.write_text(buf.getvalue(), encoding="utf-8-sig")
    doc = svc.self_assessments.import_file(educator_id=e.id, path=form)
    assert doc.source == "imported" and doc.source_file == form.name and len(doc.source_sha256) == 64
    assert doc.completed_on == date(2026, 9, 20) and doc.reflection == "Pacing is my focus."
    assert doc.entries["II"] == {"strengths": "SII, with “quotes”, commas", "areas_to_grow": "GII"}
    assert svc.self_assessments.finalize(document_id=doc.id).status == "final"


def test_a_bad_form_is_refused_with_a_plain_message_and_nothing_is_written(svc, tmp_path: Path) -> None:
    e = _educator(svc)
    other = _educator(svc, given="Priya")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a valid self-assessment form"):
        svc.self_assessments.import_file(educator_id=e.id, path=bad)
    form = svc.self_assessments.write_template(tmp_path / "f.json", educator_id=other.id)
    data = json.loads(form.read_text(encoding="utf-8"))
    data["standards"]["I"]["strengths"] = "x"
    form.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="filled in by Priya Whitaker"):
        svc.self_assessments.import_file(educator_id=e.id, path=form)
    data["educator"], data["completed_on"] = "", "20/09/2026"
    form.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        svc.self_assessments.import_file(educator_id=e.id, path=form)
    data["completed_on"], data["standards"]["V"] = "", {"strengths": "?"}
    form.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="Unknown standard"):
        svc.self_assessments.import_file(educator_id=e.id, path=form)
    csv_form = tmp_path / "f.csv"
    csv_form.write_text("Name,Darnell\nhello,world\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 1"):
        svc.self_assessments.import_file(educator_id=e.id, path=csv_form)
    assert svc.self_assessments.for_educator(e.id) == []


# --- Educator Plan ---------------------------------------------------------------------------------------------


def test_educator_plan_goals_link_to_it_and_it_is_final_when_both_sign(svc) -> None:
    e = _educator(svc)
    pa = _educator(svc, "PA", "Priya")
    with pytest.raises(RuleViolation, match="non-evaluative"):
        svc.plans.draft(educator_id=pa.id)
    plan = svc.plans.draft(educator_id=e.id, focus="Classroom routines and questioning.")
    assert plan.plan_type == "directed_growth" and plan.start_on == date(2026, 9, 8)
    with pytest.raises(ValidationError, match="not ready to sign"):
        svc.plans.sign(plan_id=plan.id, role="evaluator")
    g = svc.goals.add(educator_id=e.id, kind="professional_practice", title="Routines",
                      statement="By January, transitions take under 2 minutes.")
    p = svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Transitions",
                                   action="Practise routines with a timer.")
    svc.plans.link_goal(plan_id=plan.id, goal_id=g.id)
    svc.plans.link_prescription(plan_id=plan.id, prescription_id=p.id)
    svc.plans.set_actions(plan.id, [{"action": "Co-plan weekly", "supports": "CT co-planning, 45 min",
                                     "due_on": date(2026, 12, 18)}])
    with pytest.raises(ValidationError, match="outside the plan"):
        svc.plans.set_timeline(plan.id, [{"on": date(2027, 8, 1), "what": "Check-in"}])
    svc.plans.set_timeline(plan.id, [{"on": date(2027, 1, 15), "what": "Formative check"},
                                     {"on": "2026-10-30", "what": "First benchmark"}])
    svc.caseload.set_profile(name="Jordan Ellis")
    signed = svc.plans.sign(plan_id=plan.id, role="evaluator", signed_on=date(2026, 9, 22))
    assert signed.evaluator_name == "Jordan Ellis" and signed.status == "draft"
    svc.plans.update(plan.id, focus="Routines, questioning and pacing.")  # the words changed: sign again
    assert svc.plans.document(plan.id).evaluator_signed_on is None
    svc.plans.sign(plan_id=plan.id, role="evaluator", signed_on=date(2026, 9, 22))
    with pytest.raises(ValidationError, match="someone else"):
        svc.plans.sign(plan_id=plan.id, role="educator", name="Priya Whitaker")
    final = svc.plans.sign(plan_id=plan.id, role="educator", signed_on=date(2026, 9, 23))
    assert final.status == "final" and final.educator_name == "Darnell Whitaker" and final.content_sha256
    assert [x["what"] for x in final.timeline] == ["First benchmark", "Formative check"]
    with pytest.raises(ImmutableRecord):
        svc.plans.link_goal(plan_id=plan.id, goal_id=g.id, linked=False)
    fix = svc.plans.correct(plan_id=plan.id)
    assert [x.id for x in svc.plans.goals(fix.id)] == [g.id]  # goals follow the plan through its versions
    assert [x.id for x in svc.plans.prescriptions(plan.id)] == [p.id]
    assert fix.educator_signed_on is None and fix.version_no == 2


# --- progress reports ------------------------------------------------------------------------------------------


def test_progress_report_drafted_from_the_period_and_only_what_the_panel_may_read(svc) -> None:
    e = _educator(svc)
    o = svc.observations.start(educator_id=e.id, kind="unannounced", observed_on=date(2026, 10, 14))
    svc.observations.add_note(observation_id=o.id, text="A private hunch about workload")
    svc.observations.update(o.id, feedback="Routines are tighter. Next: cold-calling.", class_period="Period 2")
    svc.observations.finish(observation_id=o.id)
    hidden = svc.observations.start(educator_id=e.id, kind="announced", observed_on=date(2026, 10, 20))
    svc.observations.finish(observation_id=hidden.id)
    svc.observations.set_audience(Observation, hidden.id, "ct_private")
    g = svc.goals.add(educator_id=e.id, kind="professional_practice", title="Routines", statement="Under 2 min.")
    svc.goals.add_progress(goal_id=g.id, note="Transitions now 3 minutes. Improving.", percent=40,
                           checked_on=date(2026, 10, 21))
    svc.coaching.log(educator_id=e.id, kind="co_planning", held_on=date(2026, 10, 2), minutes=45)
    svc.coaching.log(educator_id=e.id, kind="co_planning", held_on=date(2026, 10, 9), minutes=45)
    svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Transitions",
                               action="Rehearse the routine. Then time it.", due_on=date(2026, 12, 4))
    sched = svc.progress.schedule(e.id)
    assert sched.every == 30 and sched.slots[0].state == "late" and sched.slots[0].sent_on is None
    r = svc.progress.draft(educator_id=e.id)
    assert r.period_start == date(2026, 9, 8) and r.period_end == date(2026, 11, 25)
    assert "unannounced observation (Period 2). Feedback: Routines are tighter." in r.observations
    assert "announced observation" not in r.observations.replace("unannounced", "")  # the CT-private one
    assert "hunch" not in " ".join([r.observations, r.goal_progress, r.support, r.next_steps])
    assert "Routines (active)" in r.goal_progress and "40%" in r.goal_progress
    assert "Co-planning: 2 sessions, 1 h 30 min" in r.support
    assert "Rehearse the routine." in r.next_steps
    with pytest.raises(RuleViolation, match="already in draft"):
        svc.progress.draft(educator_id=e.id)
    svc.progress.update(r.id, next_steps="")
    with pytest.raises(ValidationError, match="next steps"):
        svc.progress.finalize(report_id=r.id)
    svc.progress.update(r.id, next_steps="Observe period 2 again in December.")
    final = svc.progress.finalize(report_id=r.id)
    assert final.status == "final" and final.audience == "panel"
    sched = svc.progress.schedule(e.id)
    assert sched.slots[0].state == "done" and sched.slots[0].sent_on == date(2026, 11, 25)
    assert sched.slots[1].state != "done"
    with pytest.raises(RuleViolation, match="already covers today"):
        svc.progress.draft(educator_id=e.id)
    items = [i for i in svc.progress.due_items() if i.educator_id == e.id]
    assert items[0].what == "progress_report" and items[0].state == "done"
    assert all(i.due_on.weekday() < 5 for i in items)
    # the compliance dashboard lists them with the cycle's other due dates
    cc = next(c for c in svc.compliance.dashboard() if c.cycle.educator_id == e.id)
    on_dashboard = [i for i in cc.items if i.what == "progress_report"]
    assert [(i.due_on, i.state) for i in on_dashboard] == [(i.due_on, i.state) for i in items]
    assert cc.items == sorted(cc.items, key=lambda i: i.due_on)


def test_progress_reports_are_for_par_and_the_interval_is_configurable(svc) -> None:
    pa = _educator(svc, "PA", "Priya")
    with pytest.raises(RuleViolation, match="PAR cases"):
        svc.progress.draft(educator_id=pa.id)
    e = _educator(svc)
    n30 = len(svc.progress.schedule(e.id).slots)
    svc.panel.save_settings(quorum=None, majority_rule="majority_of_votes_cast", progress_every=15)
    sched = svc.progress.schedule(e.id)
    assert sched.every == 15 and len(sched.slots) > n30
    first, second = sched.slots[0].due_on, sched.slots[1].due_on
    cal = svc.calendars.calendars()  # school days of the school calendar (issue 11): holidays do not count
    assert cal.school_days_between(first, second) == 15 and cal.is_school_day(second)


# --- final summative evaluation -------------------------------------------------------------------------------


def _decided(svc, e, decision: str = "accept_recommendation", **kw):
    ev = svc.evidence.add(educator_id=e.id, title="Unit plan", category="products_of_practice", kind="lesson_plan")
    # 35.08(3): a summative rests on evidence from at least two categories
    ev2 = svc.evidence.add(educator_id=e.id, title="Common assessment results", category="student_learning",
                           kind="student_work")
    doc = svc.assessments.draft(educator_id=e.id, kind="summative")
    for std in STANDARDS:
        svc.assessments.set_rating(document_id=doc.id, standard=std, rating="proficient",
                                   rationale=f"CT rationale {std}", evidence_ids=[ev.id, ev2.id])
    svc.assessments.set_overall(document_id=doc.id, rating="proficient", rationale="Growth.")
    rec = svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)
    svc.panel.add_member(name="Erin Berg")
    m = svc.panel.create_meeting(meets_on=date(2026, 11, 2))
    case = svc.panel.add_case(meeting_id=m.id, educator_id=e.id, purpose="Summative review")
    svc.panel.record_attendance(meeting_id=m.id, present=["Erin Berg"])
    _, d = svc.panel.vote_and_decide(case_id=case.id, decision=decision, votes_for=1,
                                     rationale="The Panel agrees.", **kw)
    return rec, d


def test_final_evaluation_from_the_decision_with_the_recommendation_beside(svc) -> None:
    e = _educator(svc)
    ratings = dict.fromkeys(STANDARDS, "proficient") | {"III": "needs_improvement"}
    rec, d = _decided(svc, e, "modify_rating", final_ratings=ratings, final_overall="proficient")
    doc = svc.final_evaluations.generate(decision_id=d.id)
    assert doc.kind == "final_evaluation" and doc.author_name == "ESP Panel" and doc.status == "draft"
    assert doc.ratings["III"] == {"rating": "needs_improvement", "rationale": "CT rationale III",
                                  "evidence_ids": rec.ratings["III"]["evidence_ids"], "recommended": "proficient"}
    assert doc.overall_rationale == "The Panel agrees." and doc.audience == "admin"  # PAR only: the principal too
    assert doc.basis["decision_id"] == d.id and doc.basis["vote"] == "1 for, 0 against, 0 abstaining"
    assert doc.basis["recommendation_version"] == 1 and doc.basis["recommended_overall"] == "proficient"
    with pytest.raises(RuleViolation, match="already exists"):
        svc.final_evaluations.generate(decision_id=d.id)
    with pytest.raises(RuleViolation, match="Panel's ratings"):
        svc.assessments.set_rating(document_id=doc.id, standard="III", rating="proficient")
    final = svc.final_evaluations.finalize(document_id=doc.id)
    assert final.status == "final" and len(final.content_sha256) == 64
    with pytest.raises(RuleViolation, match="revises its decision"):
        svc.assessments.correct(document_id=doc.id)
    # the Panel revises at a later meeting: a new version of the final evaluation
    later = svc.panel.create_meeting(meets_on=date(2026, 11, 23))
    case2 = svc.panel.add_case(meeting_id=later.id, educator_id=e.id, purpose="Reconsideration")
    svc.panel.record_attendance(meeting_id=later.id, present=["Erin Berg"])
    _, d2 = svc.panel.vote_and_decide(case_id=case2.id, decision="accept_recommendation", votes_for=1,
                                      supersedes_id=d.id, revision_reason="New evidence for Standard III.")
    with pytest.raises(RuleViolation, match="revised"):
        svc.final_evaluations.generate(decision_id=d.id)
    v2 = svc.final_evaluations.generate(decision_id=d2.id)
    assert v2.version_no == 2 and v2.supersedes_id == doc.id and v2.ratings["III"]["rating"] == "proficient"
    assert v2.basis["decision_version"] == 2 and v2.basis["revision_reason"] == "New evidence for Standard III."
    svc.final_evaluations.finalize(document_id=v2.id)
    assert svc.final_evaluations.current(e.id).id == v2.id


def test_no_final_evaluation_without_final_ratings(svc) -> None:
    e = _educator(svc)
    _, d = _decided(svc, e, "continue_support")
    with pytest.raises(RuleViolation, match="sets no final ratings"):
        svc.final_evaluations.generate(decision_id=d.id)
