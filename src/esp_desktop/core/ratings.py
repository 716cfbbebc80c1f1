"""The rating rules of 603 CMR 35 as pure functions: what a formative, a summative and a Panel decision need.

- 35.08(4): "to be rated Proficient overall, a teacher shall, at a minimum, have been rated Proficient on" the
  Curriculum, Planning, and Assessment Standard (I) and the Teaching All Students Standard (II). DESE applies the
  same floor to Exemplary overall. It has no exception, so it cannot be overridden.
- 35.08(3): a summative rests on evidence from multiple categories (products of practice, multiple measures of
  student learning, other evidence): at least two of them must be cited, and every standard has a rationale.
- A summative closes the cycle: it comes after the cycle's required observations and its formative assessment.
  A legitimate exception (the educator leaves the district, a long leave) may override this with a written
  justification, which prints on the document and goes to the audit log.
- Formative ratings are optional: a formative may report progress on goals only.

Every function returns ``Problem``s with messages written for a consulting teacher; services raise them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .enums import DocumentKind, label

PROFICIENT_OR_BETTER = frozenset({"proficient", "exemplary"})
GATE_STANDARDS = ("I", "II")
MIN_EVIDENCE_CATEGORIES = 2
CATEGORY_NAMES = {
    "products_of_practice": "products of practice",
    "student_learning": "multiple measures of student learning",
    "other_evidence": "other evidence",
}

# Stable rule codes: stored with an override and printed with it.
RULE_PROFICIENT_FLOOR = "35.08(4)"
RULE_UNRATED = "all_standards_rated"
RULE_OVERALL = "overall_rating"
RULE_OVERALL_RATIONALE = "overall_rationale"
RULE_RATIONALE = "rationale_per_standard"
RULE_EVIDENCE = "evidence_categories"
RULE_FORMATIVE_CONTENT = "formative_content"
RULE_OVERALL_NEEDS_STANDARDS = "overall_needs_standards"
RULE_SUMMATIVE_TIMING = "summative_after_cycle_work"
RULE_PANEL_MODIFY = "panel_modify_needs_rating"

RULE_TITLES = {
    RULE_PROFICIENT_FLOOR: "Proficient overall needs Proficient on Standards I and II (603 CMR 35.08(4))",
    RULE_EVIDENCE: "Evidence from at least two categories (603 CMR 35.08(3))",
    RULE_SUMMATIVE_TIMING: "Summative after the cycle's observations and formative assessment",
}


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str  # what is wrong (printed on a document finalized by exception)
    overridable: bool = False
    advice: str = ""  # what the CT can do about it (shown on screen, not printed)

    @property
    def text(self) -> str:
        return f"{self.message} {self.advice}".strip()


@dataclass(frozen=True)
class StandardEntry:
    rating: str | None = None
    rationale: str = ""
    evidence_categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sheet:
    """What a formative or summative document says, as plain data."""

    kind: str
    ratings: Mapping[str, StandardEntry] = field(default_factory=dict)
    overall: str | None = None
    goals_progress: str = ""
    overall_rationale: str = ""


@dataclass(frozen=True)
class CycleWork:
    """Where the cycle stands when a summative is finalized (facts from the compliance service)."""

    today: date
    announced_missing: int = 0
    unannounced_missing: int = 0
    formative_due: bool = False  # does the cycle plan a formative assessment?
    formative_final: bool = False
    last_observation_on: date | None = None


def _standard(code: str) -> str:
    return f"Standard {code}"


def _rating(code: str | None) -> str:
    return label(code) if code else "not rated"


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def proficient_floor(ratings: Mapping[str, str | None], overall: str | None) -> list[Problem]:
    """603 CMR 35.08(4): Proficient or Exemplary overall only with at least Proficient on Standards I and II."""
    if overall not in PROFICIENT_OR_BETTER:
        return []
    low = [s for s in GATE_STANDARDS if ratings.get(s) not in PROFICIENT_OR_BETTER]
    if not low:
        return []
    detail = _join([f"{_standard(s)} is {_rating(ratings.get(s))}" for s in low])
    return [Problem(
        RULE_PROFICIENT_FLOOR,
        f"An overall rating of {label(overall)} needs at least Proficient on Standard I (Curriculum, Planning, and "
        f"Assessment) and Standard II (Teaching All Students), 603 CMR 35.08(4); {detail}. Lower the overall "
        "rating, or revisit those standards.",
    )]


def holds_proficient_floor(ratings: Mapping[str, str | None], overall: str | None) -> bool:
    return not proficient_floor(ratings, overall)


def _rationale_problems(sheet: Sheet, rated: Iterable[str]) -> list[Problem]:
    missing = [s for s in rated if not (sheet.ratings[s].rationale or "").strip()]
    if not missing:
        return []
    return [Problem(RULE_RATIONALE, f"Write the rationale for standard {', '.join(missing)}: what the evidence shows.")]


def _overall_rationale(sheet: Sheet) -> list[Problem]:
    if sheet.overall and not sheet.overall_rationale.strip():
        return [Problem(RULE_OVERALL_RATIONALE, "Write the rationale for the overall rating.")]
    return []


def sheet_problems(sheet: Sheet, *, standards: Sequence[str], work: CycleWork | None = None) -> list[Problem]:
    """Everything that stops ``sheet`` from being finalized (hard problems first, then overridable ones)."""
    ratings = {s: (sheet.ratings.get(s) or StandardEntry()).rating for s in standards}
    rated = [s for s in standards if ratings[s]]
    unrated = [s for s in standards if not ratings[s]]
    entries = {s: sheet.ratings.get(s) or StandardEntry() for s in standards}
    sheet = Sheet(sheet.kind, entries, sheet.overall, sheet.goals_progress, sheet.overall_rationale)
    out: list[Problem] = []
    if sheet.kind == DocumentKind.SUMMATIVE:
        if unrated:
            out.append(Problem(RULE_UNRATED, f"Rate every standard (missing: {', '.join(unrated)})."))
        if not sheet.overall:
            out.append(Problem(RULE_OVERALL, "Give an overall rating."))
        out += _rationale_problems(sheet, rated)
        out += _overall_rationale(sheet)
        cats = sorted({c for s in standards for c in entries[s].evidence_categories})
        if len(cats) < MIN_EVIDENCE_CATEGORIES:
            cited = _join([CATEGORY_NAMES.get(c, c) for c in cats]) or "no evidence"
            out.append(Problem(
                RULE_EVIDENCE,
                "A summative rests on evidence from at least two categories (products of practice, multiple "
                f"measures of student learning, other evidence), 603 CMR 35.08(3); this one cites {cited}. Link "
                "evidence from another category to a standard.",
            ))
    else:
        if not rated and not sheet.overall and not sheet.goals_progress.strip():
            out.append(Problem(
                RULE_FORMATIVE_CONTENT,
                "A formative assessment needs ratings or a summary of progress on goals (ratings are optional).",
            ))
        if sheet.overall and unrated:
            out.append(Problem(
                RULE_OVERALL_NEEDS_STANDARDS,
                f"An overall rating sums up every standard: rate {', '.join(unrated)} too, or leave the overall "
                "rating empty (formative ratings are optional).",
            ))
        out += _rationale_problems(sheet, rated)
        out += _overall_rationale(sheet)
    out += proficient_floor(ratings, sheet.overall)
    if sheet.kind == DocumentKind.SUMMATIVE and work is not None:
        out += summative_timing(work)
    return out


def summative_timing(work: CycleWork) -> list[Problem]:
    """A summative comes after the cycle's required observations and its formative (overridable)."""
    missing = []
    if work.announced_missing > 0:
        missing.append(f"{work.announced_missing} announced observation(s)")
    if work.unannounced_missing > 0:
        missing.append(f"{work.unannounced_missing} unannounced observation(s)")
    if work.formative_due and not work.formative_final:
        missing.append("its formative assessment")
    if not missing:
        return []
    return [Problem(
        RULE_SUMMATIVE_TIMING,
        f"The cycle still needs {_join(missing)}: a summative comes after the cycle's last observation and "
        "formative assessment.",
        overridable=True,
        advice="Finalize now only for a documented exception (for example, the educator leaves the district), "
               "with a written justification.",
    )]


def panel_problems(decision: str, final_ratings: Mapping[str, str], final_overall: str | None) -> list[Problem]:
    """The Panel's final ratings follow 35.08(4) like the CT's recommendation."""
    out: list[Problem] = []
    if decision == "modify_rating" and not final_overall and not final_ratings:
        out.append(Problem(RULE_PANEL_MODIFY, "To modify the rating, enter the Panel's final ratings."))
    out += proficient_floor(dict(final_ratings), final_overall)
    return out


def hard(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not p.overridable]


def overridable(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.overridable]
