"""Pure program rules (no database): caseload cap, observation schedule, panel dates, evaluative programs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .enums import ObservationKind, Program
from .school_calendar import Calendars, parse_school_year, school_year_of

__all__ = ["parse_school_year", "school_year_of"]  # re-exported: the school-year helpers callers know from here

CASELOAD_CAP = 12
DUE_SOON_DAYS = 14
EVALUATIVE_PROGRAMS = frozenset({Program.PAR})
CAPPED_PROGRAMS = frozenset({Program.PA, Program.PAR})


def is_evaluative(program: str) -> bool:
    """Only PAR produces ratings; PA is strictly non-evaluative coaching, informal is coaching too."""
    return Program(program) in EVALUATIVE_PROGRAMS


def counts_toward_cap(program: str) -> bool:
    return Program(program) in CAPPED_PROGRAMS


def cap_exceeded(active: int, cap: int = CASELOAD_CAP) -> bool:
    """Would enrolling one more PA/PAR educator exceed the cap?"""
    return active + 1 > cap


@dataclass(frozen=True)
class Slot:
    """One required observation in a cycle and when it is due."""

    index: int
    kind: ObservationKind
    due_on: date


def observation_schedule(start: date, end: date, *, announced: int = 1, unannounced: int = 4,
                         cal: Calendars | None = None) -> list[Slot]:
    """Spread the required observations evenly over the cycle.

    The cycle is cut into as many equal slices as there are required observations; each is due at the end of
    its slice, on a school day of ``cal`` (never a weekend or a holiday). Announced observations come first (they
    follow a pre-conference early in the cycle), then the unannounced ones. A zero-length cycle puts everything
    due on its last day.
    """
    total = announced + unannounced
    if total <= 0:
        return []
    span = max((end - start).days, 0)
    kinds = [ObservationKind.ANNOUNCED] * announced + [ObservationKind.UNANNOUNCED] * unannounced
    slots = []
    for i, k in enumerate(kinds):
        due = start + timedelta(days=round(span * (i + 1) / total))
        slots.append(Slot(index=i, kind=k, due_on=cal.due_on(due, not_after=end) if cal else due))
    return slots


def formative_due(start: date, end: date, cal: Calendars | None = None) -> date:
    """Formative assessment by default at the middle of the cycle (on a school day of ``cal``)."""
    due = start + timedelta(days=(end - start).days // 2)
    return cal.due_on(due, not_after=end) if cal else due


def summative_due(start: date, end: date, cal: Calendars | None = None) -> date:
    """Summative by default on the cycle's last day, or the last school day before it."""
    return cal.previous_school_day(end) if cal else end


def item_state(due_on: date, done_on: date | None, today: date, *, soon_days: int = DUE_SOON_DAYS) -> str:
    """done / late / due_soon / upcoming."""
    if done_on is not None:
        return "done"
    if due_on < today:
        return "late"
    if due_on <= today + timedelta(days=soon_days):
        return "due_soon"
    return "upcoming"


def first_monday(year: int, month: int) -> date:
    """The first Monday of a month (the Panel's default is the first *school* Monday: ``Calendars``)."""
    weekday_of_first, _ = calendar.monthrange(year, month)  # Monday == 0
    return date(year, month, 1 + (7 - weekday_of_first) % 7)


def next_panel_date(today: date, cal: Calendars | None = None) -> date:
    """The next default Panel meeting on or after ``today``: the first school Monday of a school month with a
    calendar (Labor Day, New Year's Day and the summer are skipped), else the first Monday."""
    if cal is not None:
        return cal.next_panel_date(today)
    d = first_monday(today.year, today.month)
    if d >= today:
        return d
    y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return first_monday(y, m)


# school_year_of / parse_school_year live in core/school_calendar.py (one place); imported above for callers here.


def next_school_year(label: str) -> str:
    first = parse_school_year(label)
    if first is None:
        raise ValueError(f"not a school year: {label!r}")
    return f"{first + 1}-{(first + 2) % 100:02d}"


def default_cycle_end(start: date) -> date:
    """A new cycle's suggested end: the last day of May that is at least 90 days after ``start`` (summative
    recommendations go to the Panel before the school year closes). The CT can change it."""
    end = date(start.year, 5, 31)
    while (end - start).days < 90:
        end = date(end.year + 1, 5, 31)
    return end
