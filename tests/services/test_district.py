"""Post to the district platform: the form of an observation and of a final document, only what the educator may
see, posts and "changed since posted", and the queue of what waits to be posted. From an empty store."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from esp_desktop.core.errors import RuleViolation

DAY = date(2026, 11, 3)


def _at(minute: int) -> datetime:
    return datetime.combine(DAY, time(14, minute), tzinfo=UTC)


def _par_educator(svc, name: str = "Ana"):
    cl = svc.caseload
    cl.set_profile(name="Jordan Ellis")
    site = cl.add_site(name="Harborview K-8 School")
    e = cl.add_educator(given_name=name, family_name="Silva", employee_id=f"E-{name}", site_ids=[site.id])
    en = cl.refer(educator_id=e.id, program="PAR", referred_on=date(2026, 8, 20))
    cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 27))
    cl.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
    svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 5, 28),
                               plan_type="directed_growth")
    return e, site


# (text, indicator codes, audience): shareable lines are those the educator may see (educator, admin)
LINES = [
    ("Do Now posted; students start within two minutes.", ["I-A"], "educator"),
    ("Turn-and-talk with sentence frames for multilingual learners.", ["II-A", "II-D"], "educator"),
    ("Exit ticket collected and sorted by the teacher.", ["I-B", "I-C", "I-B"], "admin"),
    ("Students line up for lunch.", [], "educator"),
    ("PRIVATE hunch: management is the lever, not content.", ["II-B"], "ct_private"),
    ("PANELONLY note for the panel's review.", ["II-A"], "panel"),
    ("Six of 24 students off task at the back table.", ["II-B"], "educator"),
]


def _observe(svc, e, site):
    o = svc.observations.start(educator_id=e.id, kind="unannounced", observed_on=DAY, site_id=site.id,
                               class_period="Period 2 - Math", started_at=_at(0))
    notes = [svc.observations.add_note(observation_id=o.id, text=t, indicator_codes=list(dict.fromkeys(c)),
                                       audience=a, at=_at(3 + 4 * i))
             for i, (t, c, a) in enumerate(LINES)]
    svc.observations.update(o.id, feedback="Clear objective, revisited at the end.",
                            next_steps="Plan whiteboard checks for every student.")
    svc.observations.finish(observation_id=o.id, finished_at=_at(45))
    return o, notes


def test_platform_text_has_every_shareable_line_once_under_each_indicator_and_no_private_line(svc) -> None:
    e, site = _par_educator(svc)
    o, notes = _observe(svc, e, site)
    form = svc.district.observation_form(o.id)
    text = form.all_text()

    assert "PRIVATE" not in text and "PANELONLY" not in text
    for f in form.fields:
        assert "PRIVATE" not in f.text and "PANELONLY" not in f.text
    shareable = [(t, list(dict.fromkeys(c))) for t, c, a in LINES if a in ("educator", "admin")]
    evidence = {f.key: f for f in form.fields if f.key.startswith("evidence:")}
    for t, codes in shareable:
        for code in codes or ["untagged"]:
            field = evidence[f"evidence:{code}"]
            assert field.text.count(t) == 1, (t, code)
        # and under no other indicator
        others = [k for k in evidence if k.split(":")[1] not in (codes or ["untagged"])]
        assert all(t not in evidence[k].text for k in others), t
    # the form order: context, evidence in rubric order, feedback, next steps
    keys = [f.key for f in form.fields]
    assert keys == ["context", "evidence:I-A", "evidence:I-B", "evidence:I-C", "evidence:II-A", "evidence:II-B",
                    "evidence:II-D", "evidence:untagged", "feedback", "next_steps"]
    assert form.field("evidence:II-A").title == "II-A Instruction"
    # each line carries its local time (the session clock's zone is the machine's: UTC here)
    assert "14:07  Turn-and-talk" in form.field("evidence:II-A").text
    assert "Harborview K-8 School" in form.field("context").text
    assert form.field("feedback").text == "Clear objective, revisited at the end."
    assert form.field("next_steps").text == "Plan whiteboard checks for every student."
    # never silently empty: the left-out lines are counted
    assert "Not offered: 1 scripted line is CT-private." in form.left_out
    assert "Not offered: 1 scripted line is not shared with the educator." in form.left_out
    assert any("no rubric indicator" in n for n in form.left_out)


def test_times_are_local(svc) -> None:
    from zoneinfo import ZoneInfo

    from esp_desktop.core import clock

    e, site = _par_educator(svc)
    o, _ = _observe(svc, e, site)
    with clock.use(clock.FixedClock(datetime(2026, 11, 25, 15, tzinfo=UTC), ZoneInfo("America/New_York"))):
        form = svc.district.observation_form(o.id)
    assert "09:07  Turn-and-talk" in form.field("evidence:II-A").text  # 14:07 UTC is 09:07 EST
    assert "09:00–09:45 EST" in form.field("context").text


def test_posting_is_refused_for_pa_unfinished_and_unshared_observations(svc) -> None:
    e, site = _par_educator(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced", observed_on=DAY, site_id=site.id)
    with pytest.raises(RuleViolation, match="Finish the observation"):
        svc.district.observation_form(o.id)
    svc.observations.finish(observation_id=o.id)
    svc.observations.set_audience(type(o), o.id, "panel")
    with pytest.raises(RuleViolation, match="not shared with the educator"):
        svc.district.mark_posted(record_type="observation", record_id=o.id)
    assert svc.district.posts("observation", o.id) == []

    cl = svc.caseload
    pa = cl.add_educator(given_name="Priya", family_name="Raman")
    en = cl.refer(educator_id=pa.id, program="PA")
    cl.record_intake(enrolment_id=en.id, held_on=DAY)
    cl.enrol(enrolment_id=en.id, enrolled_on=DAY)
    po = svc.observations.start(educator_id=pa.id, kind="announced", observed_on=DAY)
    svc.observations.finish(observation_id=po.id)
    with pytest.raises(RuleViolation, match="non-evaluative and confidential"):
        svc.district.observation_form(po.id)
    assert all(i.educator_id != pa.id for i in svc.district.queue(include_posted=True))


def test_posted_then_changed_names_the_changed_fields_and_private_edits_do_not_count(svc) -> None:
    e, site = _par_educator(svc)
    o, notes = _observe(svc, e, site)
    assert svc.district.state("observation", o.id).state == "not_posted"
    assert [i.record_id for i in svc.district.queue()] == [o.id]

    post = svc.district.mark_posted(record_type="observation", record_id=o.id)
    st = svc.district.state("observation", o.id)
    assert (st.state, st.posted_by) == ("posted", "Jordan Ellis") and st.posted_at == post.posted_at
    assert svc.district.queue() == []

    private = notes[4]
    svc.observations.edit_note(private.id, text="PRIVATE: a different hunch")
    assert svc.district.state("observation", o.id).state == "posted"  # nothing the educator sees changed

    svc.observations.edit_note(notes[6].id, text="Five of 24 students off task.")
    st = svc.district.state("observation", o.id)
    assert st.state == "changed" and st.changed == ("II-B Learning Environment",)
    (item,) = svc.district.queue()
    assert item.state.state == "changed"

    svc.observations.edit_note(notes[1].id, audience="ct_private")  # un-sharing a line changes two indicators
    assert set(svc.district.state("observation", o.id).changed) == {
        "II-A Instruction", "II-B Learning Environment", "II-D Cultural Proficiency"}

    svc.district.mark_posted(record_type="observation", record_id=o.id)
    assert svc.district.state("observation", o.id).state == "posted"
    assert len(svc.district.posts("observation", o.id)) == 2
    last = svc.district.posts("observation", o.id)[-1]
    svc.district.undo_post(record_type="observation", post_id=last.id)
    assert svc.district.state("observation", o.id).state == "changed"


def _final_formative(svc, e):
    a = svc.assessments
    doc = a.draft(educator_id=e.id, kind="formative")
    ev = svc.evidence.add(educator_id=e.id, title="Unit 4 lesson plan", category="products_of_practice",
                          kind="lesson_plan", collected_on=date(2026, 10, 1))
    hidden = svc.evidence.add(educator_id=e.id, title="SECRET draft rubric notes", category="other_evidence",
                              kind="other", audience="ct_private")
    for std in svc.rubric.standard_codes():
        a.set_rating(document_id=doc.id, standard=std, rating="proficient", rationale=f"Rationale {std}.",
                     evidence_ids=[ev.id, hidden.id] if std == "I" else [])
    a.set_overall(document_id=doc.id, rating="proficient", rationale="Solid growth.")
    return a.finalize(document_id=doc.id)


def test_assessment_form_final_only_and_a_correction_is_changed_since_posted(svc) -> None:
    e, _ = _par_educator(svc)
    draft = svc.assessments.draft(educator_id=e.id, kind="summative")
    with pytest.raises(RuleViolation, match="Finalize"):
        svc.district.assessment_form(draft.id)
    svc.assessments.delete_draft(draft.id)

    doc = _final_formative(svc, e)
    form = svc.district.assessment_form(doc.id)
    assert [f.key for f in form.fields] == ["document", "standard:I", "standard:II", "standard:III", "standard:IV",
                                           "overall", "goals"]
    assert form.field("standard:I").text.startswith("Rating: Proficient\n\nRationale I.")
    assert "Unit 4 lesson plan" in form.field("standard:I").text
    assert "SECRET" not in form.all_text()
    assert form.left_out == ("Not named: 1 evidence item is CT-private.",)

    svc.district.mark_posted(record_type="assessment", record_id=doc.id)
    assert svc.district.queue() == []
    fix = svc.assessments.correct(document_id=doc.id)
    svc.assessments.set_overall(document_id=fix.id, rating="needs_improvement", rationale="Routines slipped.")
    svc.assessments.finalize(document_id=fix.id)
    st = svc.district.state("assessment", fix.id)
    assert st.state == "changed" and "Overall rating" in st.changed and "Standard I: " not in " ".join(st.changed)
    (item,) = svc.district.queue()
    assert (item.record_id, item.what) == (fix.id, "Formative assessment (version 2)")
