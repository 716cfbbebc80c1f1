"""School calendars: school days, due dates that never land on a weekend or holiday, the Panel's school Mondays."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esp_desktop.core import rules
from esp_desktop.core.school_calendar import (
    Calendars,
    Closure,
    SchoolCalendar,
    school_year_of,
    school_year_start,
)

ROOT = Path(__file__).resolve().parents[2]
CAL = Calendars()


def test_default_rules_file_validates_against_its_schema() -> None:
    folder = ROOT / "resources" / "calendar"
    schema = json.loads((folder / "calendar.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads((folder / "boston-like.json").read_text(encoding="utf-8")), schema)


def test_a_boston_like_year() -> None:
    year = CAL.for_year("2026-27")
    assert year.first_day == date(2026, 9, 10)  # the Thursday after Labor Day (September 7)
    assert year.school_day_count() == 180 and year.last_day.month == 6
    assert not year.edited
    closed = {d: year.why_closed(d) for d in (date(2026, 10, 12), date(2026, 11, 26), date(2026, 12, 30),
                                             date(2027, 1, 18), date(2027, 2, 17), date(2027, 4, 21),
                                             date(2027, 5, 31), date(2026, 11, 28), date(2026, 8, 31))}
    assert closed == {
        date(2026, 10, 12): "Indigenous Peoples' Day", date(2026, 11, 26): "Thanksgiving recess",
        date(2026, 12, 30): "Winter recess", date(2027, 1, 18): "Martin Luther King Jr. Day",
        date(2027, 2, 17): "February vacation", date(2027, 4, 21): "April vacation",
        date(2027, 5, 31): "Memorial Day", date(2026, 11, 28): "a weekend", date(2026, 8, 31): "outside the school year",
    }
    assert CAL.is_school_day(date(2026, 11, 25))


def test_school_years() -> None:
    assert school_year_of(date(2026, 7, 1)) == "2026-27" and school_year_of(date(2027, 6, 30)) == "2026-27"
    assert school_year_of(date(2000, 1, 3)) == "1999-00"
    with pytest.raises(ValueError):
        school_year_start("2026-28")


def test_panel_meets_on_the_first_school_monday_of_school_months() -> None:
    assert CAL.first_school_monday(2026, 7) is None and CAL.first_school_monday(2026, 8) is None  # summer
    assert CAL.first_school_monday(2025, 9) == date(2025, 9, 8)  # Labor Day was September 1
    assert CAL.first_school_monday(2026, 9) == date(2026, 9, 14)  # not Labor Day (7), not before the first day
    assert CAL.first_school_monday(2029, 1) == date(2029, 1, 8)  # January 1, 2029 is a Monday: New Year's Day
    assert CAL.next_panel_date(date(2026, 6, 20)) == date(2026, 9, 14)  # skips July and August
    assert CAL.next_panel_date(date(2026, 12, 7)) == date(2026, 12, 7)
    assert rules.first_monday(2026, 9) == date(2026, 9, 7)  # the plain first Monday is Labor Day


def test_school_day_arithmetic() -> None:
    assert CAL.add_school_days(date(2026, 11, 23), 5) == date(2026, 12, 2)  # skips Thanksgiving and the weekend
    assert CAL.school_days_between(date(2026, 11, 2), date(2026, 11, 9)) == 5
    assert CAL.school_days_between(date(2026, 11, 9), date(2026, 11, 13)) == 3  # Veterans Day
    assert CAL.due_on(date(2026, 12, 26)) == date(2027, 1, 4)  # forward out of the winter recess
    assert CAL.due_on(date(2027, 6, 26)) == CAL.for_year("2026-27").last_day  # back: not into next September
    assert CAL.due_on(date(2027, 1, 16), not_after=date(2027, 1, 17)) == date(2027, 1, 15)  # not past the cycle


def test_an_edited_year_replaces_the_rules_for_that_year_only() -> None:
    edited = SchoolCalendar("2026-27", date(2026, 9, 3), date(2027, 6, 17),
                            (Closure(date(2026, 11, 3), date(2026, 11, 3), "Election Day"),), edited=True)
    cals = Calendars({"2026-27": edited})
    assert cals.why_closed(date(2026, 11, 3)) == "Election Day"
    assert cals.is_school_day(date(2026, 10, 12))  # the district kept school on that Monday
    assert cals.for_year("2027-28") == CAL.for_year("2027-28")
    assert SchoolCalendar.from_dict(edited.to_dict()) == edited
    assert edited.problems() == []
    bad = SchoolCalendar("2026-27", date(2027, 6, 1), date(2026, 9, 1), (Closure(date(2026, 11, 5),
                                                                                 date(2026, 11, 4), " "),))
    assert len(bad.problems()) == 3


days = st.dates(min_value=date(2024, 7, 1), max_value=date(2031, 6, 30))


@settings(max_examples=300)
@given(days, st.integers(min_value=1, max_value=400))
def test_generated_due_dates_never_fall_on_a_weekend_or_holiday(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    due = [s.due_on for s in rules.observation_schedule(start, end, cal=CAL)]
    due += [rules.formative_due(start, end, CAL), rules.summative_due(start, end, CAL)]
    due += [CAL.add_school_days(start, n) for n in (1, 5, 10)]
    due += [CAL.due_on(start), CAL.next_panel_date(start)]
    assert all(CAL.is_school_day(d) for d in due), [(d, CAL.why_closed(d)) for d in due if not CAL.is_school_day(d)]
    assert CAL.next_panel_date(start).weekday() == 0


def test_without_a_calendar_many_due_dates_land_on_weekends() -> None:
    """What the issue measured (29% on weekends): the plain schedule, kept for comparison."""
    plain = [s.due_on for n in range(200)
             for s in rules.observation_schedule(date(2026, 9, 1) + timedelta(days=n), date(2027, 5, 1))]
    assert sum(d.weekday() >= 5 for d in plain) / len(plain) > 0.2
