"""Pure program rules (no database): caseload cap, observation schedule, panel dates, evaluative programs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .enums import ObservationKind, Program

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


def observation_schedule(start: date, end: date, *, announced: int = 1, unannounced: int = 4) -> list[Slot]:
    """Spread the required observations evenly over the cycle.

    The cycle is cut into as many equal slices as there are required observations; each is due at the end of
    its slice. Announced observations come first (they follow a pre-conference early in the cycle), then the
    unannounced ones. A zero-length cycle puts everything due on its last day.
    """
    total = announced + unannounced
    if total <= 0:
        return []
    span = max((end - start).days, 0)
    kinds = [ObservationKind.ANNOUNCED] * announced + [ObservationKind.UNANNOUNCED] * unannounced
    return [
        Slot(index=i, kind=k, due_on=start + timedelta(days=round(span * (i + 1) / total)))
        for i, k in enumerate(kinds)
    ]


def formative_due(start: date, end: date) -> date:
    """Formative assessment by default at the middle of the cycle."""
    return start + timedelta(days=(end - start).days // 2)


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
    """The ESP Panel meets on the first Monday of the month by default."""
    weekday_of_first, _ = calendar.monthrange(year, month)  # Monday == 0
    return date(year, month, 1 + (7 - weekday_of_first) % 7)


def next_panel_date(today: date) -> date:
    """The next first-Monday meeting on or after ``today``."""
    d = first_monday(today.year, today.month)
    if d >= today:
        return d
    y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return first_monday(y, m)


SCHOOL_YEAR_STARTS = (7, 1)  # a school year runs July 1 to June 30 (e.g. "2026-27")


def school_year_of(day: date) -> str:
    """The school year a date falls in, written the usual way: "2026-27"."""
    first = day.year if (day.month, day.day) >= SCHOOL_YEAR_STARTS else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def parse_school_year(text: str) -> int | None:
    """The first calendar year of "2026-27" (or "2026-2027"), None if it is not a school year."""
    t = text.strip().replace("–", "-").replace("/", "-")
    parts = t.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    first, second = int(parts[0]), parts[1]
    expected = f"{(first + 1) % 100:02d}" if len(second) == 2 else str(first + 1)
    return first if second == expected else None


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
