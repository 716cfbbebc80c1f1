"""Plain, frozen view models: what each PDF document says, with no database or reportlab in sight.

`assemble.py` builds these from the core services for one reader (audience) and leaves out every record
that reader may not see. Every item that comes from a record carries that record's ``audience`` so the
renderer can check again (`check_visible`) that nothing slipped through: defence in depth.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from esp_desktop.reports.cycle_viewmodels import DecisionVM

from esp_desktop.core import policy


class DocumentKind(StrEnum):
    OBSERVATION = "observation"
    FORMATIVE = "formative"
    SUMMATIVE = "summative"
    PANEL_PACKET = "panel-packet"
    AGENDA = "agenda"
    MINUTES = "minutes"
    FINAL_EVALUATION = "final-evaluation"
    SELF_ASSESSMENT = "self-assessment"
    EDUCATOR_PLAN = "educator-plan"
    PROGRESS_REPORT = "progress-report"


DOCUMENT_TITLES = {
    DocumentKind.OBSERVATION: "Observation Report",
    DocumentKind.FORMATIVE: "Formative Assessment",
    DocumentKind.SUMMATIVE: "Summative Evaluation Recommendation",
    DocumentKind.PANEL_PACKET: "ESP Panel Packet",
    DocumentKind.AGENDA: "ESP Panel Meeting Agenda",
    DocumentKind.MINUTES: "ESP Panel Meeting Minutes",
    DocumentKind.FINAL_EVALUATION: "Final Summative Evaluation",
    DocumentKind.SELF_ASSESSMENT: "Educator Self-Assessment",
    DocumentKind.EDUCATOR_PLAN: "Educator Plan",
    DocumentKind.PROGRESS_REPORT: "Progress Report to the ESP Panel",
}

# The readers' names come from the confidentiality policy (one name per reader everywhere).
READER_LABELS: dict[str, str] = {k.value: name for k, name in policy.READER_NAMES.items()}


# --------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class DocumentMeta:
    kind: DocumentKind
    document_id: str
    audience: str  # the reader: educator | panel | admin
    generated_at: datetime
    author: str  # the CT who exports it
    subject: str  # educator name, or the meeting for an agenda
    organisation: str = "Educator Supports Program"
    omitted: tuple[str, ...] = ()  # what the policy left out, in words the reader may be told

    @property
    def title(self) -> str:
        return DOCUMENT_TITLES[self.kind]


@dataclass(frozen=True)
class StandardRef:
    code: str  # "I"
    name: str  # "Curriculum, Planning, and Assessment"


@dataclass(frozen=True)
class IndicatorRef:
    code: str  # "I-A"
    name: str  # "Curriculum and Planning"
    standard: str  # "I"


@dataclass(frozen=True)
class Rubric:
    """The rubric the case is assessed against (data, so a district can swap it)."""

    name: str
    standards: tuple[StandardRef, ...]
    indicators: tuple[IndicatorRef, ...]
    id: str = ""

    def indicator(self, code: str) -> IndicatorRef | None:
        return next((i for i in self.indicators if i.code == code), None)

    def standard(self, code: str) -> StandardRef | None:
        return next((s for s in self.standards if s.code == code), None)


@dataclass(frozen=True)
class EducatorVM:
    audience: str
    id: str
    name: str
    employee_id: str = ""
    role: str = ""  # role / subject
    grade_band: str = ""
    sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusEventVM:
    audience: str
    on: date
    status: str  # referred, intake scheduled, enrolled, ...
    reason: str = ""


@dataclass(frozen=True)
class CaseVM:
    """The educator's enrolment (program, status, referral): from the enrolment record."""

    audience: str
    program: str  # PA | PAR | informal
    program_label: str  # "Peer Assistance and Review (PAR)"
    status: str
    referral_reason: str = ""
    history: tuple[StatusEventVM, ...] = ()


@dataclass(frozen=True)
class CycleVM:
    """The evaluation cycle (PAR only): from the cycle record."""

    audience: str
    plan_type: str
    start: date
    end: date
    secondary_evaluator: str = ""


def is_evaluative(case: CaseVM | None, cycle: CycleVM | None) -> bool:
    """PAR (the CT evaluates) if the reader can tell: an evaluation cycle exists only in PAR."""
    return cycle is not None or (case is not None and case.program == "PAR")


@dataclass(frozen=True)
class ScriptNoteVM:
    audience: str
    at: str  # "09:14" (time within the lesson)
    text: str
    indicators: tuple[str, ...] = ()
    equity_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecommendationVM:
    """A prescription / recommendation / next step, aligned to indicators."""

    audience: str
    text: str
    indicators: tuple[str, ...] = ()
    on: date | None = None
    due: date | None = None


@dataclass(frozen=True)
class ConferenceNoteVM:
    audience: str
    text: str


@dataclass(frozen=True)
class ObservationVM:
    audience: str
    id: str
    announced: bool
    on: date
    site: str = ""
    class_period: str = ""
    duration_minutes: int = 0
    observer: str = ""
    pre_conference: tuple[ConferenceNoteVM, ...] = ()
    post_conference: tuple[ConferenceNoteVM, ...] = ()
    feedback: tuple[ConferenceNoteVM, ...] = ()
    notes: tuple[ScriptNoteVM, ...] = ()
    next_steps: tuple[RecommendationVM, ...] = ()
    standing: str = ""  # how it counts toward the cycle minimum ("Counts toward ...", "Not counted: ...")
    notes_withheld: int = 0  # script lines recorded but not for this reader (never "no notes were recorded")

    @property
    def kind_label(self) -> str:
        return "Announced" if self.announced else "Unannounced"

    @property
    def indicators(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for n in self.notes:
            for code in n.indicators:
                seen.setdefault(code, None)
        return tuple(seen)


@dataclass(frozen=True)
class EvidenceVM:
    audience: str
    id: str
    label: str  # short citation label, "E3"
    on: date
    title: str
    category: str  # MA evidence category
    kind: str  # observation note, artifact, student work, ...
    indicators: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    has_attachment: bool = False


@dataclass(frozen=True)
class ProgressCheckVM:
    audience: str
    on: date
    value: str
    note: str = ""


@dataclass(frozen=True)
class GoalVM:
    audience: str
    id: str
    kind: str  # "Student learning" | "Professional practice"
    statement: str
    baseline: str = ""
    target: str = ""
    status: str = ""
    progress: tuple[ProgressCheckVM, ...] = ()


@dataclass(frozen=True)
class CoachingActivityVM:
    audience: str
    on: date
    kind: str  # co-teaching, modelling, ...
    minutes: int


@dataclass(frozen=True)
class ComplianceRowVM:
    """Derived from the cycle (not a record): done vs required for one observation type."""

    label: str  # "Announced observations"
    required: int
    done: int
    done_dates: tuple[date, ...] = ()
    next_due: date | None = None
    status: str = ""  # "Complete", "On track", "Due soon", "Late"
    not_shown: int = 0  # counted in ``done`` but not visible to this reader (the count stays honest)
    counts: bool = True  # False: listed for information (a secondary evaluator's observations)


@dataclass(frozen=True)
class EvidenceRefVM:
    audience: str
    label: str  # "E3" or "Obs 2025-10-14"
    title: str = ""


@dataclass(frozen=True)
class StandardRatingVM:
    standard: str  # "I"
    rating: str  # "" when not rated
    rationale: str = ""
    evidence: tuple[EvidenceRefVM, ...] = ()


@dataclass(frozen=True)
class OverrideVM:
    """A program rule this document was finalized against, with the written justification."""

    rule: str  # what the rule says ("Summative after the cycle's observations and formative assessment")
    problem: str  # what was not met when it was finalized
    justification: str
    by: str
    on: date | None = None


@dataclass(frozen=True)
class ResponseVM:
    """The educator's written response to this version (its own dated record)."""

    audience: str
    received_on: date
    text: str


@dataclass(frozen=True)
class AcknowledgementVM:
    audience: str
    educator_signed_on: date | None = None
    evaluator_signed_on: date | None = None
    educator_comment: str = ""


@dataclass(frozen=True)
class AssessmentVM:
    """A formative assessment or summative evaluation recommendation (one version)."""

    audience: str
    id: str
    kind: str  # formative | summative
    status: str  # draft | final
    version: int
    dated: date
    author: str
    plan_type: str = ""
    period_start: date | None = None
    period_end: date | None = None
    secondary_evaluator: str = ""
    ratings: tuple[StandardRatingVM, ...] = ()
    overall_rating: str = ""
    overall_rationale: str = ""
    supersedes: str = ""  # id of the corrected earlier version
    finalized_on: date | None = None
    acknowledgement: AcknowledgementVM | None = None
    overrides: tuple[OverrideVM, ...] = ()
    responses: tuple[ResponseVM, ...] = ()
    goals_progress: str = ""  # the CT's summary of progress on goals (a formative may report only this)

    @property
    def rated(self) -> bool:
        return bool(self.overall_rating) or any(r.rating for r in self.ratings)


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class ObservationReportDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    observation: ObservationVM
    rubric: Rubric


@dataclass(frozen=True)
class AssessmentDoc:
    """Formative assessment or summative evaluation recommendation (meta.kind tells which)."""

    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    assessment: AssessmentVM
    rubric: Rubric
    goals: tuple[GoalVM, ...] = ()


@dataclass(frozen=True)
class LearningMatchVM:
    audience: str
    title: str  # the professional learning offered
    priority: str  # "II-B Learning Environment"
    status: str  # "Tried in class"
    offered: date
    attended: date | None = None
    tried: date | None = None
    follow_up: str = ""  # the follow-up evidence's title ("" none, or not visible to this reader)


@dataclass(frozen=True)
class PDSessionVM:
    audience: str
    title: str
    on: date
    goal: str
    commitment: str = ""  # what this educator committed to try


@dataclass(frozen=True)
class LearningSupportVM:
    """Support provided and learning matched (issue 18): priorities, matches and how far each went, CT-led PD."""

    priorities: tuple[tuple[str, str], ...] = ()  # (audience, "1. II-B Learning Environment (active)")
    matches: tuple[LearningMatchVM, ...] = ()
    sessions: tuple[PDSessionVM, ...] = ()
    top_needs: tuple[str, ...] = ()  # "II-B Learning Environment": shown to the CT's own readers only


@dataclass(frozen=True)
class PanelPacketDoc:
    meta: DocumentMeta
    educator: EducatorVM
    case: CaseVM | None
    cycle: CycleVM | None
    ct_name: str
    rubric: Rubric
    compliance: tuple[ComplianceRowVM, ...] = ()
    minimum_exception: str = ""  # why this cycle requires fewer observations than 1 + 4 (audited exception)
    observations: tuple[ObservationVM, ...] = ()
    evidence: tuple[EvidenceVM, ...] = ()
    goals: tuple[GoalVM, ...] = ()
    coaching: tuple[CoachingActivityVM, ...] = ()
    recommendations: tuple[RecommendationVM, ...] = ()
    formatives: tuple[AssessmentVM, ...] = ()
    recommendation: AssessmentVM | None = None  # the CT's summative rating recommendation
    learning: LearningSupportVM | None = None
    decision: DecisionVM | None = None  # the Panel's current decision, once recorded (and readable)
    decision_withheld: bool = False  # a decision exists but this reader may not see it


@dataclass(frozen=True)
class AgendaItemVM:
    audience: str
    educator_name: str
    program: str
    ct_name: str
    sites: tuple[str, ...] = ()
    cycle: str = ""  # "2025-09-02 – 2026-06-12"
    decision: str = ""  # what the panel must decide
    recommendation: str = ""  # the CT's recommended rating / action
    educator_id: str = ""


@dataclass(frozen=True)
class MeetingVM:
    audience: str
    id: str
    on: date
    title: str = "ESP Panel meeting"
    time: str = ""
    location: str = ""
    chair: str = ""
    items: tuple[AgendaItemVM, ...] = ()


@dataclass(frozen=True)
class AgendaDoc:
    meta: DocumentMeta
    meeting: MeetingVM


Document = ObservationReportDoc | AssessmentDoc | PanelPacketDoc | AgendaDoc


# --------------------------------------------------------------------------- checks and hashing


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def audiences(obj: Any) -> list[tuple[str, tuple]]:
    """(audience, where) for every record-derived item in a view model tree; `path_of(where)` names the item.

    The renderer checks every item of every document (`redaction.check_visible`): the items' paths are only
    spelled out for an item that fails, so the walk builds a small tuple per level, not a string per item.
    """
    out: list[tuple[str, tuple]] = []
    _collect(obj, (), out)
    return out


def _collect(obj: Any, where: tuple, out: list[tuple[str, tuple]]) -> None:
    if isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            if isinstance(item, (tuple, list)) or dataclasses.is_dataclass(item):
                _collect(item, (where, i), out)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if isinstance(obj, DocumentMeta):
            return  # meta.audience is the reader, not a record's audience
        for name in _field_names(type(obj)):
            value = getattr(obj, name)
            if name == "audience" and isinstance(value, str):
                out.append((value, where))
            elif isinstance(value, (tuple, list)) or dataclasses.is_dataclass(value):
                _collect(value, (where, name), out)


def path_of(where: tuple, root: str = "doc") -> str:
    """``doc.observations[2].notes[5]`` for a `where` from `audiences`."""
    parts: list[str] = []
    while where:
        where, step = where
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return root + "".join(reversed(parts))


def _plain(obj: Any) -> Any:
    """View model -> JSON-able data (like dataclasses.asdict, without its deep copies)."""
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    if isinstance(obj, (tuple, list)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: _plain(getattr(obj, name)) for name in _field_names(type(obj))}
    raise TypeError(f"not serialisable: {type(obj).__name__}")


def content_sha256(doc: Any) -> str:
    """SHA-256 of the canonical JSON of the view model: printed on every page and kept in the audit log."""
    payload = json.dumps(_plain(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
