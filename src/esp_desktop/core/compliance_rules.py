"""Which observations count toward a PAR cycle's minimum, and when feedback is due: pure rules.

An observation counts only if it really happened and the educator heard about it: finished, not dated in the
future, conducted by the consulting teacher (a secondary evaluator's observations are listed apart), shared
with the educator (a CT-private visit is informal), with feedback given. Unannounced observations must be
spread out: one that comes fewer than ``spacing`` school days after the previous counted one does not count.
Feedback is due ``feedback_days`` school days after the observation and is late when that day passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .enums import ObservationKind
from .school_calendar import Calendars

DEFAULT_SPACING_SCHOOL_DAYS = 5
DEFAULT_FEEDBACK_SCHOOL_DAYS = 5
DEFAULT_PANEL_TIME = "17:30"  # ESP Panel meetings are held after school
STANDARD_ANNOUNCED = 1
STANDARD_UNANNOUNCED = 4


@dataclass(frozen=True)
class ComplianceSettings:
    spacing_school_days: int = DEFAULT_SPACING_SCHOOL_DAYS
    feedback_school_days: int = DEFAULT_FEEDBACK_SCHOOL_DAYS
    panel_time: str = DEFAULT_PANEL_TIME

    def problems(self) -> list[str]:
        out = []
        if not 0 <= self.spacing_school_days <= 30:
            out.append("The spacing between unannounced observations is between 0 and 30 school days.")
        if not 1 <= self.feedback_school_days <= 30:
            out.append("Feedback is due between 1 and 30 school days after an observation.")
        if not valid_hhmm(self.panel_time):
            out.append("Give the Panel's start time as HH:MM, for example 17:30.")
        return out


def valid_hhmm(text: str | None) -> bool:
    if not text or len(text) != 5 or text[2] != ":":
        return False
    hh, mm = text[:2], text[3:]
    return hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60


@dataclass(frozen=True)
class ObservationFacts:
    id: str
    kind: str
    observed_on: date
    finished: bool
    by_ct: bool
    shared: bool  # not CT-private
    feedback_given_on: date | None


@dataclass(frozen=True)
class Standing:
    """How one observation of the cycle stands."""

    facts: ObservationFacts
    counts: bool
    reason: str  # why it does not count ("" when it counts)
    feedback_due_on: date | None  # None when no feedback is owed (not finished, not the CT's, future)

    @property
    def secondary(self) -> bool:
        return not self.facts.by_ct


def feedback_due(observed_on: date, cal: Calendars, days: int = DEFAULT_FEEDBACK_SCHOOL_DAYS) -> date:
    return cal.add_school_days(observed_on, days)


def standings(observations: Sequence[ObservationFacts], *, today: date, cal: Calendars,
              settings: ComplianceSettings = ComplianceSettings()) -> list[Standing]:
    """Each observation (of one cycle) with whether it counts and why not; in date order."""
    out: list[Standing] = []
    last_unannounced: date | None = None
    for o in sorted(observations, key=lambda o: (o.observed_on, o.id)):
        due = None
        if o.finished and o.by_ct and o.shared and o.observed_on <= today:
            due = feedback_due(o.observed_on, cal, settings.feedback_school_days)
        reason = ""
        if not o.finished:
            reason = "not finished yet"
        elif o.observed_on > today:
            reason = "dated in the future"
        elif not o.by_ct:
            reason = "conducted by the secondary evaluator (listed separately)"
        elif not o.shared:
            reason = "CT-private: not shared with the educator"
        elif o.feedback_given_on is None:
            reason = "feedback not given yet"
        elif o.kind == ObservationKind.UNANNOUNCED and last_unannounced is not None:
            gap = cal.school_days_between(last_unannounced, o.observed_on)
            if gap < settings.spacing_school_days:
                reason = (f"only {gap} school day(s) after the unannounced observation of "
                          f"{last_unannounced.isoformat()} (at least {settings.spacing_school_days} apart)")
        counts = not reason
        if counts and o.kind == ObservationKind.UNANNOUNCED:
            last_unannounced = o.observed_on
        out.append(Standing(o, counts, reason, due))
    return out


def feedback_state(due_on: date, given_on: date | None, today: date, *, soon_days: int = 3) -> str:
    """done / late (given after the due date counts as done but late: ``given_late``) / due_soon / upcoming."""
    if given_on is not None:
        return "given_late" if given_on > due_on else "done"
    if due_on < today:
        return "late"
    return "due_soon" if due_on <= today + timedelta(days=soon_days) else "upcoming"


def cycle_problems(*, start_on: date, end_on: date, plan_type: str, plan_types: Sequence[str],
                   required_announced: int, required_unannounced: int, exception_reason: str | None,
                   formative_due_on: date | None, summative_due_on: date | None,
                   other_cycles: Sequence[tuple[date, date]], cal: Calendars | None = None) -> list[str]:
    """What is wrong with an evaluation cycle's dates, plan and minimum (empty: it is fine)."""
    out: list[str] = []
    if end_on <= start_on:
        out.append("The cycle must end after it starts.")
    if plan_type not in plan_types:
        out.append(f"Unknown plan type {plan_type!r}; choose one of: {', '.join(plan_types)}.")
    if required_announced < 0 or required_unannounced < 0:
        out.append("The number of required observations cannot be negative.")
    elif ((required_announced < STANDARD_ANNOUNCED or required_unannounced < STANDARD_UNANNOUNCED)
          and not (exception_reason or "").strip()):
        out.append("A PAR cycle requires at least 1 announced and 4 unannounced observations. A lower minimum "
                   "needs a written justification (for example, late enrolment or a leave of absence).")
    for what, due in (("formative", formative_due_on), ("summative", summative_due_on)):
        if due is None or end_on <= start_on:
            continue
        if not start_on <= due <= end_on:
            out.append(f"The {what} due date must fall within the cycle.")
        elif cal is not None and not cal.is_school_day(due):
            out.append(f"The {what} due date {due.isoformat()} is not a school day ({cal.why_closed(due)}).")
    for s, e in other_cycles:
        if start_on <= e and s <= end_on:
            out.append(f"This educator already has a cycle from {s.isoformat()} to {e.isoformat()}; cycles of one "
                       "educator cannot overlap.")
    return out
