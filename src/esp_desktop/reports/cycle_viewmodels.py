"""View models of the ESP Panel's documents and the cycle's own: minutes, the final summative evaluation, the
self-assessment, the Educator Plan and the progress report to the Panel. Plain frozen data, like viewmodels.py:
every item from a record carries that record's ``audience`` so the renderer can check it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from esp_desktop.reports.viewmodels import (
    AcknowledgementVM,
    CaseVM,
    CycleVM,
    DocumentMeta,
    EducatorVM,
    EvidenceRefVM,
    EvidenceVM,
    GoalVM,
    MeetingVM,
    RecommendationVM,
    Rubric,
)

# --------------------------------------------------------------------------- the Panel


@dataclass(frozen=True)
class AttendanceVM:
    audience: str
    present: tuple[str, ...]
    absent: tuple[str, ...] = ()
    others: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class MotionVM:
    audience: str
    text: str
    moved_by: str
    seconded_by: str
    tally: str  # "4 for, 1 against, 0 abstaining"
    carried: bool
    outcome: str  # "carried: 4 for, ... (majority of the votes cast, 5 present)"
    recorded_by: str
    notes: str = ""


@dataclass(frozen=True)
class DecisionVM:
    """One version of the Panel's decision on a case."""

    audience: str
    id: str
    version: int
    decision: str  # the label, from the one vocabulary (core.enums.PanelDecision)
    decided_on: date
    meeting_on: date | None
    ratings: tuple[tuple[str, str], ...] = ()  # (standard code, rating name); empty: no final ratings
    overall: str = ""
    rationale: str = ""
    recorded_by: str = ""
    vote: str = ""
    revises: str = ""  # "version 1 of 2 November 2026" when this one revises another
    revision_reason: str = ""
    superseded_by: str = ""  # "version 2 of 23 November 2026" when a later decision replaced this one


@dataclass(frozen=True)
class MinutesCaseVM:
    audience: str
    position: int
    educator_name: str
    program: str
    presenter: str
    purpose: str
    presentation: str = ""
    discussion: str = ""
    recommendation: str = ""  # the CT's recommended overall rating
    motions: tuple[MotionVM, ...] = ()
    decisions: tuple[DecisionVM, ...] = ()  # recorded at this meeting, oldest first


@dataclass(frozen=True)
class MinutesDoc:
    meta: DocumentMeta
    meeting: MeetingVM
    rubric: Rubric
    quorum: int
    majority_rule: str
    attendance: AttendanceVM | None
    quorate: bool
    cases: tuple[MinutesCaseVM, ...] = ()
    revised: tuple[DecisionVM, ...] = ()  # earlier meetings' decisions that this meeting revised


# --------------------------------------------------------------------------- the final summative evaluation


@dataclass(frozen=True)
class FinalRatingVM:
    standard: str
    final: str  # the Panel's
    recommended: str  # the CT's
    rationale: str = ""
    evidence: tuple[EvidenceRefVM, ...] = ()


@dataclass(frozen=True)
class ResponseVM:
    audience: str
    received_on: date
    text: str


@dataclass(frozen=True)
class FinalEvaluationVM:
    audience: str
    id: str
    version: int
    status: str  # draft | final
    decision: str
    decided_on: date | None
    meeting_on: date | None
    vote: str
    decision_version: int
    revision_reason: str
    recommendation_version: int | None
    ratings: tuple[FinalRatingVM, ...]
    overall: str
    overall_recommended: str
    rationale: str
    goals_progress: str = ""
    supersedes: str = ""
    finalized_on: date | None = None
    content_sha256: str = ""
    acknowledgement: AcknowledgementVM | None = None
    responses: tuple[ResponseVM, ...] = ()


@dataclass(frozen=True)
class FinalEvaluationDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    rubric: Rubric
    evaluation: FinalEvaluationVM
    evidence: tuple[EvidenceVM, ...] = ()


# --------------------------------------------------------------------------- steps 1 and 2, progress reports


@dataclass(frozen=True)
class SelfAssessmentEntryVM:
    standard: str
    strengths: str
    areas_to_grow: str


@dataclass(frozen=True)
class SelfAssessmentVM:
    audience: str
    id: str
    version: int
    status: str
    completed_on: date | None
    source: str  # "Entered by the consulting teacher from the educator's form" | "Imported from form.csv ..."
    entries: tuple[SelfAssessmentEntryVM, ...]
    reflection: str = ""
    finalized_on: date | None = None
    content_sha256: str = ""


@dataclass(frozen=True)
class SelfAssessmentDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    rubric: Rubric
    self_assessment: SelfAssessmentVM


@dataclass(frozen=True)
class PlanActionVM:
    action: str
    supports: str
    due: date | None = None


@dataclass(frozen=True)
class PlanVM:
    audience: str
    id: str
    version: int
    status: str
    plan_type: str
    start: date
    end: date
    duration: str  # "40 weeks (9 months)"
    focus: str = ""
    goals: tuple[GoalVM, ...] = ()
    prescriptions: tuple[RecommendationVM, ...] = ()
    actions: tuple[PlanActionVM, ...] = ()
    timeline: tuple[tuple[date, str], ...] = ()
    evaluator_name: str = ""
    evaluator_signed_on: date | None = None
    educator_name: str = ""
    educator_signed_on: date | None = None
    finalized_on: date | None = None
    content_sha256: str = ""
    supersedes: str = ""


@dataclass(frozen=True)
class PlanDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    rubric: Rubric
    plan: PlanVM


@dataclass(frozen=True)
class ProgressReportVM:
    audience: str
    id: str
    version: int
    status: str
    period_start: date
    period_end: date
    due_on: date | None
    observations: str = ""
    goal_progress: str = ""
    support: str = ""
    next_steps: str = ""
    finalized_on: date | None = None
    content_sha256: str = ""
    number: int = 0  # the n-th report on this case


@dataclass(frozen=True)
class ProgressReportDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    report: ProgressReportVM


CycleDocument = MinutesDoc | FinalEvaluationDoc | SelfAssessmentDoc | PlanDoc | ProgressReportDoc
