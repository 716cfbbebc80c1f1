"""Fictional sample view models: for the bench, the renderer tests and the example images.

Every person, school and note here is invented. `scale` multiplies observations, notes and evidence so the
bench can produce a long (~40 page) panel packet.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from esp_desktop.reports.viewmodels import (
    AcknowledgementVM,
    AgendaDoc,
    AgendaItemVM,
    AssessmentDoc,
    AssessmentVM,
    CaseVM,
    CoachingActivityVM,
    ComplianceRowVM,
    ConferenceNoteVM,
    CycleVM,
    DocumentKind,
    DocumentMeta,
    EducatorVM,
    EvidenceRefVM,
    EvidenceVM,
    GoalVM,
    IndicatorRef,
    MeetingVM,
    ObservationReportDoc,
    ObservationVM,
    PanelPacketDoc,
    ProgressCheckVM,
    RecommendationVM,
    Rubric,
    ScriptNoteVM,
    StandardRatingVM,
    StandardRef,
    StatusEventVM,
)

SAMPLE_RUBRIC = Rubric(
    name="Sample classroom teacher rubric (for tests and examples)",
    standards=(
        StandardRef("I", "Curriculum, Planning, and Assessment"),
        StandardRef("II", "Teaching All Students"),
        StandardRef("III", "Family and Community Engagement"),
        StandardRef("IV", "Professional Culture"),
    ),
    indicators=(
        IndicatorRef("I-A", "Curriculum and Planning", "I"),
        IndicatorRef("I-B", "Assessment", "I"),
        IndicatorRef("I-C", "Analysis", "I"),
        IndicatorRef("II-A", "Instruction", "II"),
        IndicatorRef("II-B", "Learning Environment", "II"),
        IndicatorRef("II-C", "Cultural Proficiency", "II"),
        IndicatorRef("II-D", "Expectations", "II"),
        IndicatorRef("III-A", "Engagement", "III"),
        IndicatorRef("III-B", "Collaboration", "III"),
        IndicatorRef("III-C", "Communication", "III"),
        IndicatorRef("IV-A", "Reflection", "IV"),
        IndicatorRef("IV-B", "Professional Growth", "IV"),
        IndicatorRef("IV-C", "Collaboration", "IV"),
        IndicatorRef("IV-D", "Decision-Making", "IV"),
        IndicatorRef("IV-E", "Shared Responsibility", "IV"),
        IndicatorRef("IV-F", "Professional Responsibilities", "IV"),
    ),
)

CT = "Marisol Díaz-Whitaker"
EDUCATOR_NAMES = (
    "Nguyễn Thị Lan",
    "Zoë Castellanos",
    "Siobhán O'Brien-Ramírez",
    "王芳 (Wang Fang)",
    "Darnell Okafor",
    "Ingrid Solberg-Mensah",
    "Tomás Ferreira",
    "Aaliyah Brooks",
    "Kwame Asante-Boateng",
    "Héloïse Marchetti",
    "Priya Raghunathan",
    "Bartholomew Quinn",
)
SITES = (
    "Riverside K-8 School",
    "Harbor View Middle School",
    "Elm Street Elementary",
    "Mill Pond High School",
)

_NOTE_TEXTS = (
    "T: \u201cTurn to your partner and explain why the denominator stays the same.\u201d 22 of 26 students "
    "turn and talk; two pairs off-task near the window.",
    "Objective posted on board: \u201cI can compare fractions with unlike denominators.\u201d T refers to it "
    "at the start; students do not reference it.",
    "T circulates with clipboard, records which students used the number line. Conferred with 5 students.",
    "S: \u201cIs it bigger because the number is bigger?\u201d T: \u201cWhat does the 8 tell us about the "
    "size of each piece?\u201d Wait time ~4 s.",
    "Transition from mini-lesson to stations took 6 min; materials not pre-set at two stations.",
    "Exit ticket: 3 items, collected at 10:41. T says she will sort them into three groups for tomorrow.",
    "Word wall includes Spanish and Vietnamese cognates; T invites a student to explain in Spanish first.",
    "Two students with IEP accommodations receive the graphic organizer; one uses it, one does not start.",
    "T uses cold-call with name sticks; 9 different students answer in the first 15 minutes.",
    "Classroom norms posted and referenced once (\u201cvoices at level 1\u201d); "
    "noise rises during stations.",
)
_LONG = (
    "During the post-conference we looked at the exit tickets together. Roughly two thirds of the class "
    "could compare fractions with unlike denominators using a number line, but fewer than half could explain "
    "their reasoning in words. We agreed that the mini-lesson modelled the procedure clearly and that the "
    "turn-and-talk produced real mathematical talk. The educator noticed on her own that the transition to "
    "stations cost instructional time and proposed pre-setting materials. We co-planned a short routine for "
    "the next lesson in which students first sort the exit tickets into \u201csame numerator\u201d and "
    "\u201csame denominator\u201d cases, then justify to a partner."
)
_GOALS = (
    (
        "Student learning",
        "By June, 80% of students in period 3 will score at least 3 of 4 on the unit "
        "fraction-reasoning task, as measured by the common assessment.",
        "34% (September diagnostic)",
        "80%",
    ),
    (
        "Professional practice",
        "I will plan and use a checking-for-understanding routine in every lesson and "
        "adjust the next day's grouping from the evidence, documented weekly in my planning book.",
        "Routine used in 1 of 5 observed lessons",
        "Routine in 5 of 5 lessons",
    ),
)
_COACHING = (
    "co-planning",
    "modelling",
    "lesson feedback",
    "co-teaching",
    "peer observation",
    "goal-setting",
    "PD resource",
)
_CATEGORIES = (
    "Products of practice",
    "Multiple measures of student learning",
    "Other evidence (student/staff feedback)",
)
_KINDS = ("observation note", "artifact", "student work", "IEP/data review", "lesson plan")
_RATINGS = ("Proficient", "Needs Improvement", "Proficient", "Proficient")


def _meta(kind: DocumentKind, subject: str, audience: str) -> DocumentMeta:
    return DocumentMeta(
        kind=kind,
        document_id="00000000-0000-4000-8000-0000000000" + f"{list(DocumentKind).index(kind):02d}",
        audience=audience,
        generated_at=datetime(2026, 3, 2, 15, 30),
        author=CT,
        subject=subject,
    )


def sample_educator(name: str = EDUCATOR_NAMES[0]) -> EducatorVM:
    return EducatorVM(
        audience="admin",
        id="ed-1",
        name=name,
        employee_id="E-104227",
        role="Grade 5 mathematics",
        grade_band="3–5",
        sites=(SITES[0],),
    )


def sample_case() -> CaseVM:
    return CaseVM(
        audience="panel",
        program="PAR",
        program_label="Peer Assistance and Review (PAR)",
        status="Enrolled",
        referral_reason="Referred by the school principal after a Needs Improvement summative rating in "
        "Standard II; accepted by the ESP Panel in September.",
        history=(
            StatusEventVM("panel", date(2025, 9, 2), "Referred", "Principal referral"),
            StatusEventVM("panel", date(2025, 9, 5), "Intake scheduled", "Intake on September 5"),
            StatusEventVM("panel", date(2025, 9, 8), "Enrolled", "Panel accepted the referral"),
        ),
    )


def sample_cycle() -> CycleVM:
    return CycleVM(
        audience="educator",
        plan_type="Directed Growth Plan",
        start=date(2025, 9, 8),
        end=date(2026, 5, 29),
        secondary_evaluator="Principal R. Adeyemi",
    )


def _observations(rng: random.Random, n: int, notes_per: int) -> tuple[ObservationVM, ...]:
    out = []
    codes = [i.code for i in SAMPLE_RUBRIC.indicators if i.standard in ("I", "II")]
    for k in range(n):
        day = date(2025, 9, 22) + timedelta(days=21 * k)
        notes = tuple(
            ScriptNoteVM(
                "educator",
                f"{9 + (j * 4) // 60:02d}:{(j * 4) % 60:02d}",
                rng.choice(_NOTE_TEXTS),
                indicators=tuple(sorted(rng.sample(codes, rng.choice((1, 1, 2))))),
                equity_areas=("Culturally and linguistically sustaining practices",) if j % 5 == 3 else (),
            )
            for j in range(notes_per)
        )
        out.append(
            ObservationVM(
                audience="educator",
                id=f"obs-{k}",
                announced=(k == 0),
                on=day,
                site=SITES[0],
                class_period=f"Grade 5 math, period {2 + k % 3}",
                duration_minutes=45,
                observer=CT,
                pre_conference=(
                    ConferenceNoteVM(
                        "educator",
                        "Lesson 4.3 on comparing fractions. The educator asked "
                        "me to watch how she checks for understanding during stations.",
                    ),
                )
                if k == 0
                else (),
                post_conference=(ConferenceNoteVM("educator", _LONG),),
                notes=notes,
                next_steps=(
                    RecommendationVM(
                        "educator",
                        "Pre-set station materials before the lesson; aim for a transition under 2 minutes.",
                        ("II-B",),
                        due=day + timedelta(14),
                    ),
                    RecommendationVM(
                        "educator", "Use the exit-ticket sort to form next-day groups.", ("I-B", "I-C")
                    ),
                ),
            )
        )
    return tuple(out)


def _evidence(rng: random.Random, n: int) -> tuple[EvidenceVM, ...]:
    titles = (
        "Unit 4 lesson plan with CFU checkpoints",
        "Exit tickets, fractions (sorted)",
        "Student work sample: number-line justification",
        "Common assessment item analysis",
        "Family newsletter (English/Spanish/Vietnamese)",
        "IEP accommodation tracker",
        "Grade-level team meeting notes",
        "Student survey results, autumn",
    )
    codes = [i.code for i in SAMPLE_RUBRIC.indicators]
    return tuple(
        EvidenceVM(
            "educator",
            f"ev-{k}",
            f"E{k + 1}",
            date(2025, 9, 15) + timedelta(days=5 * k),
            titles[k % len(titles)],
            rng.choice(_CATEGORIES),
            rng.choice(_KINDS),
            indicators=tuple(sorted(rng.sample(codes, rng.choice((1, 2))))),
            tags=("fractions",),
        )
        for k in range(n)
    )


def _goals() -> tuple[GoalVM, ...]:
    return tuple(
        GoalVM(
            "educator",
            f"goal-{k}",
            kind,
            statement,
            baseline,
            target,
            "On track",
            progress=(
                ProgressCheckVM("educator", date(2025, 11, 14), "52%", "Mid-unit check"),
                ProgressCheckVM("educator", date(2026, 1, 30), "64%", "Unit 5 common assessment"),
            ),
        )
        for k, (kind, statement, baseline, target) in enumerate(_GOALS)
    )


def _assessment(kind: str, evidence: tuple[EvidenceVM, ...], *, final: bool = True) -> AssessmentVM:
    ratings = []
    for i, std in enumerate(SAMPLE_RUBRIC.standards):
        refs = tuple(
            EvidenceRefVM(e.audience, e.label, e.title)
            for e in evidence
            if any(c.split("-")[0] == std.code for c in e.indicators)
        )[:4]
        ratings.append(
            StandardRatingVM(
                std.code,
                _RATINGS[i],
                rationale=(
                    f"Evidence for Standard {std.code} comes from the observations and the artifacts listed. "
                    + _LONG
                ),
                evidence=refs,
            )
        )
    return AssessmentVM(
        audience="educator",
        id=f"{kind}-1",
        kind=kind,
        status="final" if final else "draft",
        version=1,
        dated=date(2026, 1, 23) if kind == "formative" else date(2026, 5, 15),
        author=CT,
        plan_type="Directed Growth Plan",
        period_start=date(2025, 9, 8),
        period_end=date(2026, 1, 23) if kind == "formative" else date(2026, 5, 29),
        secondary_evaluator="Principal R. Adeyemi",
        ratings=tuple(ratings),
        overall_rating="Proficient" if kind == "summative" else "Needs Improvement",
        overall_rationale="Taken together the evidence shows steady growth in planning and assessment; the "
        "learning environment has improved but is not yet consistent across periods.",
        acknowledgement=AcknowledgementVM(
            "educator", educator_signed_on=date(2026, 1, 27), evaluator_signed_on=date(2026, 1, 23)
        )
        if final
        else None,
    )


def sample_observation_report(
    audience: str = "educator", *, name: str = EDUCATOR_NAMES[0]
) -> ObservationReportDoc:
    rng = random.Random(7)
    obs = _observations(rng, 2, 14)[1]
    return ObservationReportDoc(
        meta=_meta(DocumentKind.OBSERVATION, name, audience),
        educator=sample_educator(name),
        case=_case_for(audience),
        cycle=sample_cycle(),
        ct_name=CT,
        observation=obs,
        rubric=SAMPLE_RUBRIC,
    )


def _case_for(audience: str) -> CaseVM | None:
    # The enrolment is panel-only in the samples, as in the store's defaults.
    return sample_case() if audience == "panel" else None


def sample_assessment(
    kind: DocumentKind = DocumentKind.FORMATIVE, audience: str = "educator", *, name: str = EDUCATOR_NAMES[0]
) -> AssessmentDoc:
    ev = _evidence(random.Random(3), 12)
    a = _assessment(
        "formative" if kind is DocumentKind.FORMATIVE else "summative",
        ev,
        final=kind is DocumentKind.FORMATIVE,
    )
    return AssessmentDoc(
        meta=_meta(kind, name, audience),
        educator=sample_educator(name),
        case=_case_for(audience),
        cycle=sample_cycle(),
        ct_name=CT,
        assessment=a,
        rubric=SAMPLE_RUBRIC,
        goals=_goals(),
    )


def sample_panel_packet(
    audience: str = "panel", *, scale: int = 1, name: str = EDUCATOR_NAMES[0]
) -> PanelPacketDoc:
    rng = random.Random(11)
    observations = _observations(rng, 5 * scale, 10)
    evidence = _evidence(rng, 14 * scale)
    coaching = tuple(
        CoachingActivityVM(
            "educator",
            date(2025, 9, 20) + timedelta(days=3 * k),
            _COACHING[k % 7],
            rng.choice((30, 45, 60, 90)),
        )
        for k in range(30 * scale)
    )
    compliance = (
        ComplianceRowVM("Announced observations", 1, 1, (observations[0].on,), None, "Complete"),
        ComplianceRowVM(
            "Unannounced observations",
            4,
            min(4, len(observations) - 1),
            tuple(o.on for o in observations[1:5]),
            None,
            "Complete",
        ),
    )
    return PanelPacketDoc(
        meta=_meta(DocumentKind.PANEL_PACKET, name, audience),
        educator=sample_educator(name),
        case=_case_for(audience),
        cycle=sample_cycle(),
        ct_name=CT,
        rubric=SAMPLE_RUBRIC,
        compliance=compliance,
        observations=observations,
        evidence=evidence,
        goals=_goals(),
        coaching=coaching,
        recommendations=observations[0].next_steps,
        formatives=(_assessment("formative", evidence),),
        recommendation=_assessment("summative", evidence, final=False),
    )


def sample_agenda(audience: str = "panel", *, cases: int = 12) -> AgendaDoc:
    items = []
    for i in range(cases):
        name = EDUCATOR_NAMES[i % len(EDUCATOR_NAMES)]
        par = i % 3 != 2
        items.append(
            AgendaItemVM(
                audience="panel",
                educator_id=f"ed-{i}",
                educator_name=name,
                program="PAR" if par else "PA",
                ct_name=CT if i % 2 == 0 else "Jonah Whitfield",
                sites=(SITES[i % len(SITES)],),
                cycle="Sep 2025 – May 2026",
                decision="Final summative rating" if par else "Successful completion of PA support",
                recommendation=("Proficient" if i % 4 else "Needs Improvement") if par else "Completed",
            )
        )
    meeting = MeetingVM(
        audience="panel",
        id="meeting-1",
        on=date(2026, 6, 1),
        time="4:00–6:00 pm",
        location="Bolling Building, Room 3 (fictional)",
        chair="Dr. Evelyn Park",
        items=tuple(items),
    )
    return AgendaDoc(
        meta=_meta(DocumentKind.AGENDA, f"Panel meeting {meeting.on.isoformat()}", audience), meeting=meeting
    )
