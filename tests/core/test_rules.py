from __future__ import annotations

from datetime import date

import pytest

from esp_desktop.core import rules
from esp_desktop.core.enums import ObservationKind


def test_schedule_spreads_one_announced_and_four_unannounced_over_the_cycle() -> None:
    slots = rules.observation_schedule(date(2026, 9, 1), date(2027, 1, 29))  # 150 days
    assert [s.kind for s in slots] == [ObservationKind.ANNOUNCED] + [ObservationKind.UNANNOUNCED] * 4
    assert [s.due_on for s in slots] == [date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 30),
                                         date(2026, 12, 30), date(2027, 1, 29)]
    assert slots[-1].due_on == date(2027, 1, 29)


def test_schedule_degenerate_cycle_puts_everything_on_the_last_day() -> None:
    d = date(2026, 10, 1)
    assert {s.due_on for s in rules.observation_schedule(d, d)} == {d}
    assert rules.observation_schedule(d, d, announced=0, unannounced=0) == []


@pytest.mark.parametrize(("due", "done", "state"), [
    (date(2026, 11, 1), None, "late"),
    (date(2026, 11, 25), None, "due_soon"),
    (date(2026, 12, 9), None, "due_soon"),
    (date(2026, 12, 10), None, "upcoming"),
    (date(2026, 11, 1), date(2026, 11, 2), "done"),
])
def test_item_state(due: date, done: date | None, state: str) -> None:
    assert rules.item_state(due, done, date(2026, 11, 25)) == state


def test_caseload_cap_counts_pa_and_par_only() -> None:
    assert not rules.cap_exceeded(11)
    assert rules.cap_exceeded(12)
    assert rules.counts_toward_cap("PA") and rules.counts_toward_cap("PAR")
    assert not rules.counts_toward_cap("informal")
    assert rules.is_evaluative("PAR") and not rules.is_evaluative("PA") and not rules.is_evaluative("informal")


@pytest.mark.parametrize(("year", "month", "expected"), [
    (2026, 12, date(2026, 12, 7)), (2027, 2, date(2027, 2, 1)), (2026, 6, date(2026, 6, 1)),
    (2026, 11, date(2026, 11, 2)),
])
def test_panel_meets_first_monday(year: int, month: int, expected: date) -> None:
    assert rules.first_monday(year, month) == expected
    assert expected.weekday() == 0


def test_next_panel_date_rolls_into_next_month_and_year() -> None:
    assert rules.next_panel_date(date(2026, 12, 8)) == date(2027, 1, 4)
    assert rules.next_panel_date(date(2026, 12, 7)) == date(2026, 12, 7)




def test_formative_assessment_is_due_mid_cycle() -> None:
    assert rules.formative_due(date(2026, 9, 1), date(2027, 1, 29)) == date(2026, 11, 15)  # day 75 of 150
    assert rules.formative_due(date(2026, 9, 1), date(2026, 9, 2)) == date(2026, 9, 1)


def test_next_school_year_follows_a_label_and_refuses_anything_else() -> None:
    assert rules.next_school_year("2026-27") == "2027-28"
    assert rules.next_school_year("2099-00") == "2100-01"
    with pytest.raises(ValueError, match="not a school year"):
        rules.next_school_year("banana")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 9, 8), date(2027, 5, 31)),  # a September start ends the next May
        (date(2027, 1, 4), date(2027, 5, 31)),  # 147 days: this May
        (date(2027, 3, 15), date(2028, 5, 31)),  # 77 days to this May is too short: the next one
    ],
)
def test_default_cycle_end_is_the_last_of_may_at_least_90_days_on(start: date, expected: date) -> None:
    assert rules.default_cycle_end(start) == expected
