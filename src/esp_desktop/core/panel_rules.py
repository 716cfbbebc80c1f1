"""The ESP Panel's rules as pure functions: which decisions a case can get, quorum, when a motion carries, and
when the CT's periodic progress reports to the Panel are due.

The Panel is joint labour-management; it meets monthly and "will determine final evaluation ratings" for PAR
cases (PA and informal coaching are non-evaluative: no ratings, ever). Every function answers plain values or
messages written for a consulting teacher; services raise them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .enums import MajorityRule, PanelDecision, Program, label

D = PanelDecision
RATING_DECISIONS: frozenset[PanelDecision] = frozenset({D.ACCEPT_RECOMMENDATION, D.MODIFY_RATING})
_PAR_OPTIONS = (D.ACCEPT_RECOMMENDATION, D.MODIFY_RATING, D.CONTINUE_SUPPORT, D.RELEASE_FROM_PROGRAM,
                D.REFER_ELSEWHERE, D.DEFER)
_COACHING_OPTIONS = (D.RELEASE_FROM_PROGRAM, D.CONTINUE_SUPPORT, D.REFER_ELSEWHERE, D.DEFER)

DEFAULT_MAJORITY = MajorityRule.VOTES_CAST
DEFAULT_PROGRESS_EVERY = 30  # school days between two progress reports to the Panel (PAR)
MAX_PANEL_SIZE = 40


def decision_options(program: str | None) -> tuple[PanelDecision, ...]:
    """The decisions the Panel may take for a case, in the order screens and the packet list them."""
    return _PAR_OPTIONS if program == Program.PAR else _COACHING_OPTIONS


def gives_final_ratings(decision: str) -> bool:
    """Does this decision set final ratings (and so lead to a final summative evaluation)?"""
    return PanelDecision(decision) in RATING_DECISIONS


def decision_problems(*, decision: str, program: str | None, final_ratings: Mapping[str, str | None],
                      final_overall: str | None, standards: Sequence[str],
                      has_recommendation: bool) -> list[str]:
    """What stops a decision from being recorded (the 35.08(4) floor is checked by ``core.ratings``)."""
    try:
        d = PanelDecision(decision)
    except ValueError:
        return [f"Unknown Panel decision {decision!r}."]
    out: list[str] = []
    rated = {k: v for k, v in final_ratings.items() if v}
    if d not in decision_options(program):
        return [f"“{label(d)}” is only for PAR cases: PA and informal coaching are non-evaluative, so the Panel "
                "sets no ratings for them."]
    if d not in RATING_DECISIONS:
        if rated or final_overall:
            out.append(f"“{label(d)}” sets no final ratings: clear them, or choose "
                       f"“{label(D.ACCEPT_RECOMMENDATION)}” or “{label(D.MODIFY_RATING)}”.")
        return out
    if d is D.ACCEPT_RECOMMENDATION and not has_recommendation:
        out.append("There is no finalized summative recommendation to accept: the CT finalizes it first, or the "
                   "Panel sets the ratings itself (“Modify the recommended ratings”).")
    if d is D.MODIFY_RATING:
        missing = [s for s in standards if not rated.get(s)]
        if missing:
            out.append(f"Give the Panel's final rating for every standard (missing: {', '.join(missing)}).")
        if not final_overall:
            out.append("Give the Panel's final overall rating.")
    return out


# --- attendance and votes ------------------------------------------------------------------------------------


def default_quorum(roster_size: int) -> int:
    """A majority of the Panel's active members (at least one)."""
    return max(1, roster_size // 2 + 1)


def quorum_met(present: int, quorum: int) -> bool:
    return present >= quorum


@dataclass(frozen=True)
class Tally:
    votes_for: int = 0
    against: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Votes cast: for and against (an abstention is not a vote cast)."""
        return self.votes_for + self.against

    @property
    def total(self) -> int:
        return self.votes_for + self.against + self.abstain

    def line(self) -> str:
        return f"{self.votes_for} for, {self.against} against, {self.abstain} abstaining"

    @staticmethod
    def of(votes: Iterable[str]) -> Tally:
        vs = list(votes)
        return Tally(vs.count("for"), vs.count("against"), vs.count("abstain"))


@dataclass(frozen=True)
class Outcome:
    carried: bool
    reason: str  # "carried: 4 for, 1 against, 0 abstaining (majority of the votes cast)"


def tally_problems(tally: Tally, *, present: int, quorum: int) -> list[str]:
    out = []
    if min(tally.votes_for, tally.against, tally.abstain) < 0:
        out.append("Vote counts cannot be negative.")
    if tally.total > present:
        out.append(f"{tally.total} votes were recorded but only {present} member(s) are present: record who "
                   "attended first, or correct the count.")
    if not quorum_met(present, quorum):
        out.append(f"The Panel has no quorum ({present} present, {quorum} needed): it cannot vote. Record the "
                   "members present, or change the quorum if the program's rules allow.")
    return out


def outcome(tally: Tally, *, present: int, rule: str) -> Outcome:
    """Does the motion carry under ``rule``? (A tie never carries.)"""
    r = MajorityRule(rule)
    if r is MajorityRule.VOTES_CAST:
        carried = tally.votes_for > tally.against
    elif r is MajorityRule.MEMBERS_PRESENT:
        carried = Fraction(tally.votes_for) > Fraction(present, 2)
    else:
        carried = tally.cast > 0 and Fraction(tally.votes_for, tally.cast) >= Fraction(2, 3)
    word = "carried" if carried else "did not carry"
    return Outcome(carried, f"{word}: {tally.line()} ({label(r).lower()}, {present} present)")


# --- progress reports to the Panel ------------------------------------------------------------------------------


def progress_due_dates(start: date, end: date, *, every: int,
                       add_school_days: Callable[[date, int], date]) -> list[date]:
    """Every ``every`` school days from the cycle's start, up to its end (no report due on the start day)."""
    if every < 1:
        raise ValueError("every must be at least one school day")
    out: list[date] = []
    d = start
    while True:
        d = add_school_days(d, every)
        if d > end or (out and d <= out[-1]):
            return out
        out.append(d)


def progress_schedule(due_dates: Sequence[date], reported: Iterable[date], *,
                      start: date = date.min) -> list[tuple[date, date | None]]:
    """Match reports to due dates: (due date, the day the report covering it was sent, or None).

    Due date k is covered by the earliest unused report sent after due date k-1 (after ``start`` for the
    first): on time if sent by the due date, late after it. A report sent early for one period does not cover
    the next one too.
    """
    pool = sorted(reported)
    used = [False] * len(pool)
    out: list[tuple[date, date | None]] = []
    previous = start
    for due in due_dates:
        found = None
        for i, day in enumerate(pool):
            if not used[i] and day > previous:
                used[i], found = True, day
                break
        out.append((due, found))
        previous = due
    return out
