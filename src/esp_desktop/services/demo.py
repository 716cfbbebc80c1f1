"""A fictional demo caseload, built through the services (so it exercises the same rules as a user would).

Every name, school and note here is invented. ``load_demo`` may only call service methods that some screen
also calls (a test parses this module and checks it), so everything the demo makes, a CT can make, edit and
remove. The records it creates are marked (store/changes.py reports them) so that "Remove demo data" removes
exactly those, however long the CT has kept them next to real ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

from ..core import clock
from ..store.changes import Changes
from ..store.hooks import DEMO_REMOVAL
from ..store.models import RECORD_TYPES, Educator, EvaluationCycle, Meta, Observation, PanelCase, Person, Site
from .base import Service

if TYPE_CHECKING:
    from . import Services

DEMO_KEY = "demo_records"
NOT_MARKED = frozenset({"ct_profile"})  # the CT's own profile: the wizard overwrites the demo one with theirs

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
    """Fill an empty store with the demo caseload (marked as demo records). Returns counts of what was created."""
    with svc.store.changes.collect() as seen:
        counts = _build(svc, today=today, seed=seed)
    svc.demo.mark(Changes.union(seen))
    return counts


def _build(svc: Services, *, today: date | None, seed: int) -> dict[str, int]:
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
                                        feedback="Strength: a clear objective, named at the start and revisited "
                                                 "in the exit ticket.",
                                        next_steps="Plan questions that require every student to respond "
                                                   "(whiteboards, turn-and-talk).")
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
        ratings = {std: {"rating": r, "rationale": "Evidence from observations and artifacts to date."}
                   for std, r in zip(svc.rubric.standard_codes(), ["proficient", "needs_improvement", "proficient",
                                                                   "proficient"], strict=False)}
        svc.assessments.save_draft(document_id=doc.id, ratings=ratings, overall_rating="needs_improvement",
                                   overall_rationale="Growth in planning; classroom routines still inconsistent.")
        svc.assessments.finalize(document_id=doc.id)
        meeting = svc.panel.create_meeting(location="Central Office, Room 204")
        for eid in par_ids[:2]:
            svc.panel.add_case(meeting_id=meeting.id, educator_id=eid, purpose="Mid-cycle progress review")
    return counts


@dataclass(frozen=True)
class DemoSummary:
    demo_records: int  # live records the demo loader made
    added_by_you: int  # records the CT added to demo educators (removed with them)
    educators: int  # demo educators still on file


class DemoService(Service):
    """Which records are demo records, and removing exactly those (File › Remove demo data)."""

    def mark(self, changes: Changes) -> None:
        with self.session() as s:
            row = s.get(Meta, DEMO_KEY) or Meta(key=DEMO_KEY, value={"records": []})
            have = {tuple(r) for r in row.value.get("records", [])}
            have |= {r for r in changes.records if r[0] not in NOT_MARKED}
            row.value = {"records": sorted(have)}
            s.add(row)

    def _marked(self, s: Any) -> set[tuple[str, str]]:
        row = s.get(Meta, DEMO_KEY)
        return {(t, i) for t, i in row.value.get("records", [])} if row else set()

    def summary(self) -> DemoSummary | None:
        """None when there is no demo data (never loaded, or already removed)."""
        with self.session() as s:
            plan = self._plan(s)
        if plan is None:
            return None
        demo, extra, educators = plan
        return DemoSummary(len(demo), len(extra), len(educators))

    def _plan(self, s: Any) -> tuple[list[Any], list[Any], set[str]] | None:
        marked = self._marked(s)
        if not marked:
            return None
        demo: list[Any] = []
        for rtype, rid in sorted(marked):
            model = RECORD_TYPES.get(rtype)
            obj = s.get(model, rid) if model else None
            if obj is not None and not obj.deleted:
                demo.append(obj)
        if not demo:
            return None
        educators = {o.id for o in demo if isinstance(o, Educator)}
        ids = {o.id for o in demo}
        extra: list[Any] = []
        for rtype, model in RECORD_TYPES.items():
            if rtype in ("educator",) or "educator_id" not in model.__table__.c:  # type: ignore[attr-defined]
                continue
            q = self.live(model).where(model.educator_id.in_(educators))  # type: ignore[attr-defined]
            extra += [o for o in s.scalars(q) if o.id not in ids]
        # Sites, people and meetings that real records still use stay (the CT adopted them).
        gone = ids | {o.id for o in extra}
        used: set[str] = set()
        for e in s.scalars(self.live(Educator)):
            if e.id not in gone:
                used.update(e.site_ids)
        used |= {o.site_id for o in s.scalars(self.live(Observation)) if o.id not in gone and o.site_id}
        used |= {c.secondary_evaluator_id for c in s.scalars(self.live(EvaluationCycle))
                 if c.id not in gone and c.secondary_evaluator_id}
        used |= {c.meeting_id for c in s.scalars(self.live(PanelCase)) if c.id not in gone}
        demo = [o for o in demo if not (isinstance(o, Site | Person) or o.__record_type__ == "panel_meeting")
                or o.id not in used]
        return demo, extra, educators

    def remove(self) -> DemoSummary:
        """Remove the demo records (and what the CT added to demo educators); keep everything else."""
        with self.session() as s:
            plan = self._plan(s)
            if plan is None:
                return DemoSummary(0, 0, 0)
            demo, extra, educators = plan
            s.info[DEMO_REMOVAL] = {o.id for o in demo + extra}  # fictional finalized documents may go too
            for o in demo + extra:
                o.deleted = True
            row = s.get(Meta, DEMO_KEY)
            if row is not None:
                row.value = {"records": []}
        return DemoSummary(len(demo), len(extra), len(educators))
