"""School calendars: which days are school days, so due dates and Panel meetings skip weekends and holidays.

A school year (``2026-27``) runs from July 1 to June 30; its calendar has a first and a last day and closures
(holidays and breaks). Years the CT has not edited come from default rules (``resources/calendar/*.json``).
Pure: no database, no clock; the services pass in what is stored.
"""

from __future__ import annotations

import calendar as stdcal
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

from ..resources import resource_path

DEFAULT_RULES = "boston-like.json"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEARCH_LIMIT = 800  # days: a search for a school day never runs away (two summers fit in it)
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def school_year_of(day: date) -> str:
    """The school year a date falls in, written the usual way: ``2026-27`` for July 1, 2026 to June 30, 2027."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def parse_school_year(text: str) -> int | None:
    """The first calendar year of "2026-27" (or "2026-2027"), None if it is not a school year."""
    t = text.strip().replace("–", "-").replace("/", "-")
    parts = t.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    first, second = int(parts[0]), parts[1]
    expected = f"{(first + 1) % 100:02d}" if len(second) == 2 else str(first + 1)
    return first if second == expected else None


def school_year_start(school_year: str) -> int:
    """The first calendar year of a school year written ``2026-27`` (the form calendars are stored under)."""
    first = parse_school_year(school_year or "") if _YEAR.match(school_year or "") else None
    if first is None:
        raise ValueError(f"{school_year!r} is not a school year like 2026-27.")
    return first


def school_year_bounds(school_year: str) -> tuple[date, date]:
    y = school_year_start(school_year)
    return date(y, 7, 1), date(y + 1, 6, 30)


@dataclass(frozen=True)
class Closure:
    """A holiday (one day) or a break; ``end`` is inclusive."""

    start: date
    end: date
    name: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolCalendar:
    school_year: str
    first_day: date
    last_day: date
    closures: tuple[Closure, ...] = ()
    edited: bool = False  # False: made from the default rules

    def closure_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)

    def is_school_day(self, day: date) -> bool:
        return day in self._school_days

    @cached_property
    def _school_days(self) -> frozenset[date]:
        # Due dates walk the calendar day by day (every cycle's schedule, every progress report): a set answers
        # each day at once instead of scanning every closure. The rule is the one below, applied once per day.
        days, d = set(), self.first_day
        while d <= self.last_day:
            if d.weekday() < 5 and self.closure_on(d) is None:
                days.add(d)
            d += timedelta(days=1)
        return frozenset(days)

    def school_day_count(self) -> int:
        n, d = 0, self.first_day
        while d <= self.last_day:
            n += self.is_school_day(d)
            d += timedelta(days=1)
        return n

    def why_closed(self, day: date) -> str:
        """Plain words for a day that is not a school day ("" if it is one)."""
        if self.is_school_day(day):
            return ""
        c = self.closure_on(day)
        if c is not None:
            return c.name
        if day.weekday() >= 5:
            return "a weekend"
        return "outside the school year" if day < self.first_day or day > self.last_day else "not a school day"

    def problems(self) -> list[str]:
        """What is wrong with an edited calendar, in plain words (empty: it is fine)."""
        out: list[str] = []
        try:
            lo, hi = school_year_bounds(self.school_year)
        except ValueError as exc:
            return [str(exc)]
        if not lo <= self.first_day <= hi or not lo <= self.last_day <= hi:
            out.append(f"The first and last day must fall in the school year {self.school_year} (July to June).")
        if self.last_day <= self.first_day:
            out.append("The last day must come after the first day.")
        for c in self.closures:
            if not c.name.strip():
                out.append("Every holiday or break needs a name.")
            if c.end < c.start:
                out.append(f"{c.name or 'A break'} ends before it starts.")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "school_year": self.school_year,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "closures": [{"name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat()}
                         for c in self.closures],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, edited: bool = True) -> SchoolCalendar:
        closures = tuple(sorted(
            (Closure(date.fromisoformat(c["start"]), date.fromisoformat(c["end"]), str(c["name"]))
             for c in data.get("closures", [])),
            key=lambda c: (c.start, c.end),
        ))
        return cls(str(data["school_year"]), date.fromisoformat(data["first_day"]),
                   date.fromisoformat(data["last_day"]), closures, edited)


# --- default rules ---------------------------------------------------------------------------------------


def _weekday(name: str) -> int:
    return WEEKDAYS.index(name)


def _resolve(rule: Mapping[str, Any], start_year: int) -> date:
    month = int(rule["month"])
    year = start_year if month >= 7 else start_year + 1
    kind = rule["kind"]
    if kind == "fixed":
        return date(year, month, int(rule["day"]))
    wd = _weekday(rule["weekday"])
    if kind == "nth_weekday":
        first = date(year, month, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (int(rule["n"]) - 1))
    if kind == "last_weekday":
        last = date(year, month, stdcal.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - wd) % 7)
    raise ValueError(f"unknown date rule {kind!r}")


@dataclass(frozen=True)
class DefaultRules:
    id: str
    title: str
    data: Mapping[str, Any] = field(repr=False)

    def calendar(self, school_year: str) -> SchoolCalendar:
        y = school_year_start(school_year)
        after = _resolve(self.data["first_day"]["after"], y)
        wd = _weekday(self.data["first_day"]["weekday"])
        first = after + timedelta(days=(wd - after.weekday() - 1) % 7 + 1)
        closures = tuple(sorted(
            (Closure(s, s + timedelta(days=int(c["days"]) - 1), c["name"])
             for c in self.data["closures"] for s in [_resolve(c["start"], y)]),
            key=lambda c: (c.start, c.end),
        ))
        draft = SchoolCalendar(school_year, first, date(y + 1, 6, 30), closures)
        need, d, last = int(self.data["school_days"]), first, first
        while need > 0 and d <= draft.last_day:
            if draft.is_school_day(d):
                need, last = need - 1, d
            d += timedelta(days=1)
        return SchoolCalendar(school_year, first, last, closures)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> DefaultRules:
    p = resource_path("calendar", DEFAULT_RULES) if path is None else path
    with open(p, encoding="utf-8") as fh:
        data = json.load(fh)
    return DefaultRules(data["id"], data["title"], data)


# --- a set of school years -------------------------------------------------------------------------------


class Calendars:
    """Every school year: the edited ones as stored, the others from the default rules."""

    def __init__(self, stored: Mapping[str, SchoolCalendar] | None = None, rules: DefaultRules | None = None) -> None:
        self.rules = rules or load_rules()
        self._stored = dict(stored or {})
        self._made: dict[str, SchoolCalendar] = {}

    def for_year(self, school_year: str) -> SchoolCalendar:
        cal = self._stored.get(school_year) or self._made.get(school_year)
        if cal is None:
            cal = self._made[school_year] = self.rules.calendar(school_year)
        return cal

    def for_date(self, day: date) -> SchoolCalendar:
        return self.for_year(school_year_of(day))

    def is_school_day(self, day: date) -> bool:
        return self.for_date(day).is_school_day(day)

    def why_closed(self, day: date) -> str:
        return self.for_date(day).why_closed(day)

    def next_school_day(self, day: date) -> date:
        """``day`` if it is a school day, else the next one."""
        d = day
        for _ in range(_SEARCH_LIMIT):
            if self.is_school_day(d):
                return d
            d += timedelta(days=1)
        raise ValueError(f"no school day within {_SEARCH_LIMIT} days after {day}")

    def previous_school_day(self, day: date) -> date:
        """``day`` if it is a school day, else the one before."""
        d = day
        for _ in range(_SEARCH_LIMIT):
            if self.is_school_day(d):
                return d
            d -= timedelta(days=1)
        raise ValueError(f"no school day within {_SEARCH_LIMIT} days before {day}")

    def due_on(self, day: date, *, not_after: date | None = None) -> date:
        """A due date on a school day: ``day`` moved forward to the next school day, or back to the one before
        when moving forward would leave ``day``'s school year or go past ``not_after`` (e.g. the cycle's end)."""
        fwd = self.next_school_day(day)
        if school_year_of(fwd) != school_year_of(day) or (not_after is not None and fwd > not_after):
            return self.previous_school_day(day)
        return fwd

    def add_school_days(self, day: date, n: int) -> date:
        """The ``n``-th school day after ``day`` (``n`` >= 1); ``day`` itself need not be a school day."""
        d, left = day, max(n, 1)
        for _ in range(_SEARCH_LIMIT):
            d += timedelta(days=1)
            if self.is_school_day(d):
                left -= 1
                if left == 0:
                    return d
        raise ValueError(f"fewer than {n} school days within {_SEARCH_LIMIT} days after {day}")

    def school_days_between(self, earlier: date, later: date) -> int:
        """School days after ``earlier`` up to and including ``later`` (Monday to next Monday: 5)."""
        n, d = 0, earlier + timedelta(days=1)
        while d <= later:
            n += self.is_school_day(d)
            d += timedelta(days=1)
        return n

    def first_school_monday(self, year: int, month: int) -> date | None:
        """The first Monday of the month that is a school day (None in a month without school, e.g. July)."""
        d = date(year, month, 1)
        d += timedelta(days=(0 - d.weekday()) % 7)
        while d.month == month:
            if self.is_school_day(d):
                return d
            d += timedelta(days=7)
        return None

    def next_panel_date(self, today: date) -> date:
        """The ESP Panel's default meeting: the first school Monday of a school month, on or after ``today``."""
        y, m = today.year, today.month
        for _ in range(24):
            d = self.first_school_monday(y, m)
            if d is not None and d >= today:
                return d
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        raise ValueError("no school Monday in the next two years: check the school calendar")
