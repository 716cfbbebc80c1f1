"""An educator's needs profile: where their practice most needs support, from what the CT has already captured.

Pure scoring, standard library only. Services turn records into ``Signal``s with the builders below (one rule per
kind of record, so the weights live here and nowhere else); ``build_profile`` weighs them by recency and sums them
per rubric indicator and per Essential. Nothing here is new data entry.

What each kind of record says, and its base weight (per code it is tagged with):

=====================  ========================================================================  ===========
record                 why it signals a need                                                     base weight
=====================  ========================================================================  ===========
open prescription      the CT prescribed a change there and it is not met yet                    3.0
prescription not met   the concern stands                                                        2.5
prescription met       recent history (fades quickly)                                            0.5
practice goal          an active professional-practice goal, scaled by progress not yet made     2.0 x (1-p)
student-learning goal  an active student-learning goal, scaled by progress not yet made          1.0 x (1-p)
goal not/partly met    a closed goal that was not (fully) met                                    1.5 / 0.75
formative rating       Needs Improvement / Unsatisfactory on a Standard: each of its indicators  0.6 / 1.0
rated evidence         an evidence item cited for a Needs Improvement / Unsatisfactory rating    1.0
evidence item          tagged evidence: where the CT is collecting                               1.0
script line            a tagged line (capped at 1.5 per code per observation)                    0.5
PD commitment          what the educator committed to try after a CT-led PD session              1.0
=====================  ========================================================================  ===========

Tags say where the evidence is, not whether it shows a strength; prescriptions, low ratings and goals say where the
need is, so they weigh most. Recency: a signal's weight halves every ``HALF_LIFE_DAYS`` days; an open prescription or
an active goal keeps at least ``OPEN_FLOOR`` of it however old (it is still in force).

Essentials: a signal tagged with an Essential counts for it in full; a signal tagged with indicators also counts for
each Essential the crosswalk links to them (``core/essentials.py``), at ``VIA_PRIMARY`` or ``VIA_RELATED`` of its
weight, once per signal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

HALF_LIFE_DAYS = 60
OPEN_FLOOR = 0.5
LINE_CAP = 1.5  # tagged lines of one observation count at most this much per code
VIA_PRIMARY, VIA_RELATED = 0.5, 0.25
# Score thresholds of the heat map's levels 1..4 (level 0: no signal).
LEVELS = (0.05, 1.0, 2.5, 4.5)
LEVEL_NAMES = ("no signal", "low", "moderate", "high", "very high")


class Source(StrEnum):
    SCRIPT_LINE = "script_line"
    EVIDENCE = "evidence"
    RATED_EVIDENCE = "rated_evidence"
    PRESCRIPTION = "prescription"
    RATING = "rating"
    GOAL = "goal"
    COMMITMENT = "commitment"


SOURCE_NAMES: dict[Source, str] = {
    Source.SCRIPT_LINE: "Script line",
    Source.EVIDENCE: "Evidence",
    Source.RATED_EVIDENCE: "Evidence cited for a rating",
    Source.PRESCRIPTION: "Prescription",
    Source.RATING: "Rating",
    Source.GOAL: "Goal",
    Source.COMMITMENT: "PD commitment",
}


@dataclass(frozen=True)
class Signal:
    source: Source
    codes: tuple[str, ...]  # indicator and Essential codes the record is tagged with
    on: date  # when it was observed, collected, last updated
    weight: float  # base weight (the builders below)
    record_type: str  # where it came from, to open it
    record_id: str
    summary: str  # one line for the CT
    group: str = ""  # lines of one observation share ``LINE_CAP``
    still_open: bool = False  # an open prescription, an active goal


# --- the builders: one rule per kind of record -------------------------------------------------------------------


def script_line(*, codes: Iterable[str], on: date, note_id: str, observation_id: str, text: str) -> Signal:
    return Signal(Source.SCRIPT_LINE, tuple(codes), on, 0.5, "script_note", note_id, text, group=observation_id)


def evidence(*, codes: Iterable[str], on: date, evidence_id: str, title: str) -> Signal:
    return Signal(Source.EVIDENCE, tuple(codes), on, 1.0, "evidence", evidence_id, title)


PRESCRIPTION_WEIGHTS = {"open": 3.0, "in_progress": 3.0, "not_met": 2.5, "met": 0.5}


def prescription(*, codes: Iterable[str], status: str, on: date, prescription_id: str, concern: str) -> Signal | None:
    weight = PRESCRIPTION_WEIGHTS.get(status)
    if weight is None:  # closed: no longer a signal
        return None
    return Signal(Source.PRESCRIPTION, tuple(codes), on, weight, "prescription", prescription_id, concern,
                  still_open=status in ("open", "in_progress"))


RATING_WEIGHTS = {"unsatisfactory": 1.0, "needs_improvement": 0.6}


def rating(*, standard: str, rating_code: str, indicators: Sequence[str], on: date, document_id: str,
           document: str) -> Signal | None:
    """A rating on a Standard spreads to each of its indicators (a prior; tags and prescriptions say which)."""
    weight = RATING_WEIGHTS.get(rating_code)
    if weight is None or not indicators:
        return None
    return Signal(Source.RATING, tuple(indicators), on, weight, "assessment", document_id,
                  f"{document}: Standard {standard} rated {rating_code.replace('_', ' ')}")


def rated_evidence(*, codes: Iterable[str], on: date, evidence_id: str, title: str, rating_code: str) -> Signal | None:
    if rating_code not in RATING_WEIGHTS:
        return None
    return Signal(Source.RATED_EVIDENCE, tuple(codes), on, 1.0, "evidence", evidence_id,
                  f"{title} (cited for {rating_code.replace('_', ' ')})")


def goal(*, codes: Iterable[str], kind: str, status: str, percent: int | None, on: date, goal_id: str,
         title: str) -> Signal | None:
    left = 1.0 - (max(0, min(100, percent)) / 100 if percent is not None else 0.0)
    if status == "active":
        weight = (2.0 if kind == "professional_practice" else 1.0) * left
    elif status == "not_met":
        weight = 1.5
    elif status == "partially_met":
        weight = 0.75
    else:  # met, closed, discontinued
        return None
    if weight <= 0:
        return None
    done = f" ({percent}% done)" if percent is not None and status == "active" else ""
    return Signal(Source.GOAL, tuple(codes), on, weight, "goal", goal_id, title + done, still_open=status == "active")


def commitment(*, codes: Iterable[str], on: date, attendance_id: str, text: str) -> Signal:
    return Signal(Source.COMMITMENT, tuple(codes), on, 1.0, "pd_attendance", attendance_id, text)


# --- the profile --------------------------------------------------------------------------------------------------


def recency(on: date, today: date, *, still_open: bool = False) -> float:
    """1.0 today, 0.5 after ``HALF_LIFE_DAYS`` (a date in the future counts as today)."""
    factor: float = 0.5 ** (max(0, (today - on).days) / HALF_LIFE_DAYS)
    return max(factor, OPEN_FLOOR) if still_open else factor


def level_of(score: float) -> int:
    return sum(1 for t in LEVELS if score >= t)


@dataclass(frozen=True)
class Contribution:
    signal: Signal
    amount: float  # what it adds to the cell after recency, crosswalk and caps
    via: str = ""  # "II-B (primary)" when it counts for an Essential through the crosswalk


@dataclass
class Cell:
    code: str
    score: float = 0.0
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def level(self) -> int:
        return level_of(self.score)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


@dataclass
class Profile:
    today: date
    cells: dict[str, Cell]  # every indicator and Essential, in rubric order, scored or not

    def cell(self, code: str) -> Cell:
        return self.cells[code]

    def top(self, n: int = 3) -> list[Cell]:
        """The ``n`` strongest needs (level 1 and above), strongest first; ties in rubric order."""
        order = {c: i for i, c in enumerate(self.cells)}
        ranked = sorted((c for c in self.cells.values() if c.level >= 1), key=lambda c: (-c.score, order[c.code]))
        return ranked[:n]

    @property
    def empty(self) -> bool:
        return all(c.level == 0 for c in self.cells.values())


def build_profile(signals: Iterable[Signal], *, today: date, indicators: Sequence[str], essentials: Sequence[str],
                  crosswalk: Mapping[str, Mapping[str, str]]) -> Profile:
    """Score every indicator and Essential.

    ``crosswalk``: indicator code -> {Essential code: "primary" | "related"} for the rubric the codes belong to.
    Codes that are neither an indicator nor an Essential of this rubric are left out (never guessed).
    """
    cells = {c: Cell(c) for c in [*indicators, *essentials]}
    known_essentials = set(essentials)
    capped: dict[tuple[str, str], float] = defaultdict(float)  # (code, observation) -> line weight used
    for sig in signals:
        base = sig.weight * recency(sig.on, today, still_open=sig.still_open)
        if base <= 0:
            continue
        direct = [c for c in dict.fromkeys(sig.codes) if c in cells]
        via: dict[str, tuple[float, str]] = {}
        for code in direct:
            for ess, strength in crosswalk.get(code, {}).items():
                if ess not in known_essentials or ess in direct:
                    continue
                factor = VIA_PRIMARY if strength == "primary" else VIA_RELATED
                if factor > via.get(ess, (0.0, ""))[0]:
                    via[ess] = (factor, f"{code} ({strength})")
        targets = [(c, base, "") for c in direct] + [(e, base * f, how) for e, (f, how) in via.items()]
        for code, amount, how in targets:
            if sig.source is Source.SCRIPT_LINE:
                room = LINE_CAP - capped[(code, sig.group)]
                amount = min(amount, max(0.0, room))
                capped[(code, sig.group)] += amount
            if amount <= 0:
                continue
            cell = cells[code]
            cell.score += amount
            cell.contributions.append(Contribution(sig, amount, how))
    for cell in cells.values():
        cell.contributions.sort(key=lambda k: (-k.amount, -k.signal.on.toordinal()))
    return Profile(today, cells)
