"""A fictional demo caseload, built through the services (so it exercises the same rules as a user would).

Every name, school and note here is invented.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from ..core import clock
from . import Services

SITES = [("Harborview K-8 School", "HV"), ("Juniper Hill Elementary", "JH"), ("Fernwood Upper School", "FW"),
         ("Quarry Point Academy", "QP")]

# (given, family, subject, grade band, program, site indexes, plan type)
EDUCATORS = [
    ("Zoë", "O'Brien-Ramírez", "Grade 4 self-contained", "K-5", "PAR", [1], "directed_growth"),
    ("Minh", "Nguyễn", "Mathematics", "6-8", "PAR", [0], "improvement"),
    ("Fang", "Wang (王芳)", "Mandarin / World Languages", "9-12", "PAR", [2, 3], "directed_growth"),
    ("Darnell", "Whitaker", "Biology", "9-12", "PAR", [3], "improvement"),
    ("Priya", "Raman", "Grade 2", "K-5", "PA", [1], None),
    ("Tomasz", "Kowalczyk", "Physical Education", "K-8", "PA", [0, 1], None),
    ("Aisling", "Ó Súilleabháin", "English Language Arts", "6-8", "PA", [0], None),
    ("Marisol", "Echeverría", "ESL", "K-5", "informal", [1], None),
    ("Kwame", "Mensah-Boateng", "Special Education (inclusion)", "6-8", "PAR", [0], None),  # referred only
]

SCRIPT = [
    ("Do Now on board: 'Estimate 38 x 21.' Students begin within 2 minutes.", ["I-A"], []),
    ("T circulates, confers with table 3 about strategies; 6 of 24 students off task at back table.", ["II-B"],
     ["EQ-1"]),
    ("T asks 'Who can explain their thinking?' - 4 hands, same students as yesterday.", ["II-A"], ["EQ-3"]),
    ("Turn-and-talk: partners explain strategy; sentence frames posted for multilingual learners.", ["II-A", "II-D"],
     ["EQ-2"]),
    ("Exit ticket collected; T says she will regroup tomorrow based on results.", ["I-B", "I-C"], ["EQ-4"]),
    ("Transition to centers took 6 minutes; routines not yet automatic.", ["II-B"], []),
    ("T names learning objective and connects to yesterday's lesson.", ["I-A", "II-E"], []),
]
PRIVATE_THOUGHTS = [
    "My hunch: classroom management is the lever here, not content knowledge. Check with site coach first.",
    "Seemed tired and rushed today; ask gently about workload at the post-conference.",
]


def load_demo(svc: Services, *, today: date | None = None, seed: int = 7) -> dict[str, int]:
    """Fill an empty store with the demo caseload. Returns counts of what was created."""
    rnd = random.Random(seed)
    today = today or clock.today()
    cl = svc.caseload
    if cl.educators():
        raise ValueError("The demo caseload only loads into an empty store.")
    cl.set_profile(name="Jordan Ellis", email="j.ellis@example.org", employee_id="CT-0042", school_year="2026-27")
    sites = [cl.add_site(name=n, code=c) for n, c in SITES]
    principal = cl.add_person(name="Dr. Renée Castellanos", role="principal", site_id=sites[0].id,
                              email="r.castellanos@example.org")
    coach = cl.add_person(name="Sam Oyelaran", role="site_coach", site_id=sites[1].id)
    counts = {"educators": 0, "observations": 0, "notes": 0, "evidence": 0, "coaching": 0, "goals": 0}
    start = today - timedelta(days=70)
    end = today + timedelta(days=110)
    par_ids = []
    for i, (given, family, subject, band, program, site_idx, plan) in enumerate(EDUCATORS):
        e = cl.add_educator(given_name=given, family_name=family, employee_id=f"E{104200 + i * 37}",
                            role_subject=subject, grade_band=band, site_ids=[sites[k].id for k in site_idx],
                            email=f"{given[0].lower()}.{i}@example.org")
        counts["educators"] += 1
        en = cl.refer(educator_id=e.id, program=program, referred_on=start - timedelta(days=30),
                      referral_source="Self-referral" if program != "PAR" else "Principal referral")
        if plan is None and program == "PAR":
            cl.schedule_intake(enrolment_id=en.id, on=today + timedelta(days=5))
            continue
        cl.record_intake(enrolment_id=en.id, held_on=start - timedelta(days=20), attendees=f"{given} {family}, CT",
                         notes="Explained program, confidentiality and timelines; educator asked about PD hours.")
        cl.enrol(enrolment_id=en.id, enrolled_on=start - timedelta(days=14))
        site_id = sites[site_idx[0]].id
        if program == "PAR" and plan is not None:
            par_ids.append(e.id)
            cyc = svc.compliance.start_cycle(educator_id=e.id, start_on=start, end_on=end, plan_type=plan,
                                             secondary_evaluator_id=principal.id if i == 1 else None)
            n_obs = [3, 2, 4, 0][i % 4]
            for k in range(n_obs):
                kind = "announced" if k == 0 else "unannounced"
                day = start + timedelta(days=12 + k * 14 + rnd.randint(0, 4))
                o = svc.observations.start(educator_id=e.id, kind=kind, observed_on=day, site_id=site_id,
                                           class_period=f"Period {rnd.randint(1, 6)} - {subject}",
                                           started_at=clock.at_local(day, time(9, 5)))
                for j, (txt, inds, eq) in enumerate(rnd.sample(SCRIPT, 5)):
                    # Low-inference evidence lines are shared with the educator after the post-conference;
                    # the CT's own interpretations stay CT-private (the default).
                    svc.observations.add_note(observation_id=o.id, text=txt, indicator_codes=inds, equity_codes=eq,
                                              at=clock.at_local(day, time(9, 5 + j * 6)),
                                              audience="educator")
                    counts["notes"] += 1
                svc.observations.add_note(observation_id=o.id, text=rnd.choice(PRIVATE_THOUGHTS),
                                          at=clock.at_local(day, time(9, 40)))
                svc.observations.update(o.id, pre_conference_notes="Lesson goals reviewed; focus on discourse."
                                        if kind == "announced" else None,
                                        post_conference_on=day + timedelta(days=2),
                                        feedback_given_on=day + timedelta(days=2),
                                        post_conference_notes="Discussed pacing and checks for understanding.",
                                        feedback="Strength: clear objective. Next step: plan questions that "
                                                 "require every student to respond (whiteboards, turn-and-talk).")
                svc.observations.finish(observation_id=o.id,
                                        finished_at=clock.at_local(day, time(9, 50)))
                counts["observations"] += 1
            g = svc.goals.add(educator_id=e.id, kind="professional_practice", cycle_id=cyc.id,
                              title="Increase student discourse",
                              statement="By the end of the cycle, at least 75% of students will explain their "
                                        "reasoning orally or in writing in every lesson observed.",
                              baseline="About 20% of students explain reasoning (first observation).",
                              target="75% of students in every observed lesson", indicator_codes=["II-A"],
                              due_on=end)
            svc.goals.add_progress(goal_id=g.id, note="Turn-and-talk routine introduced; 40% observed.", percent=40,
                                   checked_on=today - timedelta(days=10))
            svc.goals.add(educator_id=e.id, kind="student_learning", cycle_id=cyc.id, title="Fraction fluency",
                          statement="80% of students will score 70% or higher on the unit 5 common assessment.",
                          baseline="45% met the benchmark on unit 3.", target="80%", indicator_codes=["I-B"],
                          due_on=end)
            counts["goals"] += 2
            svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"],
                                       concern="Transitions and routines take instructional time.",
                                       action="Co-plan and rehearse three routines; CT models the first one.",
                                       resources="Routines planning template", due_on=today + timedelta(days=21))
        for k in range(3):
            kind = ["co_planning", "modelling", "lesson_feedback", "co_teaching", "pd_resource"][(i + k) % 5]
            svc.coaching.log(educator_id=e.id, kind=kind, held_on=start + timedelta(days=5 + k * 17),
                             minutes=rnd.choice([30, 45, 60, 90]),
                             notes=f"{kind.replace('_', ' ').capitalize()} session on questioning strategies.",
                             indicator_codes=["II-A"], equity_codes=["EQ-3"])
            counts["coaching"] += 1
        svc.evidence.add(educator_id=e.id, title="Unit 4 lesson plan", category="products_of_practice",
                         kind="lesson_plan", collected_on=start + timedelta(days=20), indicator_codes=["I-A"],
                         description="Lesson plan with objectives, checks for understanding, differentiation.",
                         file_data=b"Fictional lesson plan for the demo caseload.\n", filename="unit4-plan.txt")
        svc.evidence.add(educator_id=e.id, title="Exit ticket results", category="student_learning",
                         kind="student_work", collected_on=start + timedelta(days=34), indicator_codes=["I-B", "I-C"],
                         equity_codes=["EQ-4"], description="22 exit tickets; 14 met the objective.")
        counts["evidence"] += 2
        svc.coaching.log_contact(educator_id=e.id, person_name=coach.name, person_role="site_coach",
                                 contacted_on=today - timedelta(days=rnd.randint(3, 25)),
                                 summary="Aligned coaching focus with the site coach.")
    # A formative assessment for the first PAR educator; a panel meeting with two cases on the agenda.
    if par_ids:
        doc = svc.assessments.draft(educator_id=par_ids[0], kind="formative")
        for std, r in zip(svc.rubric.standard_codes(), ["proficient", "needs_improvement", "proficient",
                                                        "proficient"], strict=False):
            svc.assessments.set_rating(document_id=doc.id, standard=std, rating=r,
                                       rationale="Evidence from observations and artifacts to date.")
        svc.assessments.set_overall(document_id=doc.id, rating="needs_improvement",
                                    rationale="Growth in planning; classroom routines still inconsistent.")
        svc.assessments.finalize(document_id=doc.id)
        meeting = svc.panel.create_meeting(location="Central Office, Room 204")
        for eid in par_ids[:2]:
            svc.panel.add_case(meeting_id=meeting.id, educator_id=eid, purpose="Mid-cycle progress review")
    return counts
