"""The one clock and the people-facing time formats: local time, zone stated, portable (no ``%-d``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from esp_desktop.core import clock, timefmt

BOSTON = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


def test_local_time_and_zone_in_documents() -> None:
    note = datetime(2026, 11, 25, 19, 19, tzinfo=UTC)  # 14:19 in Boston, 00:49 next day in Kolkata
    with clock.use(clock.FixedClock(note, BOSTON)):
        assert timefmt.doc_time(note) == "14:19"
        assert timefmt.doc_datetime(note) == "November 25, 2026, 14:19 EST"
        assert timefmt.screen_datetime(note) == "Wed 25 Nov 2026 14:19"
    with clock.use(clock.FixedClock(note, KOLKATA)):
        assert timefmt.doc_datetime(note) == "November 26, 2026, 00:49 IST"
        assert clock.today() == date(2026, 11, 26)


def test_evening_meeting_is_dated_the_local_day() -> None:
    evening = clock.Clock(BOSTON).at_local(date(2026, 12, 7), time(19, 30))
    assert evening.tzinfo is UTC and evening.day == 8  # already tomorrow in UTC
    with clock.use(clock.FixedClock(evening, BOSTON)):
        assert clock.today() == date(2026, 12, 7)
        assert timefmt.doc_date(clock.now()) == "December 7, 2026"


def test_daylight_saving_follows_each_instant() -> None:
    with clock.use(clock.FixedClock(datetime(2026, 7, 1, tzinfo=UTC), BOSTON)):
        summer = datetime(2026, 7, 1, 18, 0, tzinfo=UTC)
        winter = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
        assert timefmt.doc_time(summer, zone=True) == "14:00 EDT"
        assert timefmt.doc_time(winter, zone=True) == "13:00 EST"


def test_single_digit_days_without_platform_specific_directives() -> None:
    assert timefmt.doc_date(date(2026, 3, 2)) == "March 2, 2026"
    assert timefmt.screen_date(date(2026, 3, 2)) == "Mon 2 Mar 2026"
    assert timefmt.iso_date(None) == "—" and timefmt.screen_date(None) == ""


def test_fixed_clock_stands_still_or_runs() -> None:
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)
    still = clock.FixedClock(start)
    assert still.now() == still.now() == start
    assert still.advance(minutes=5) == datetime(2026, 1, 5, 15, 5, tzinfo=UTC)
    running = clock.FixedClock(start, running=True)
    assert start <= running.now() <= running.now()


@pytest.mark.parametrize("zone", [BOSTON, KOLKATA])
def test_at_local_round_trips(zone: ZoneInfo) -> None:
    instant = clock.Clock(zone).at_local(date(2026, 11, 25), time(9, 5))
    with clock.use(clock.FixedClock(instant, zone)):
        assert timefmt.screen_time(instant) == "09:05"


def test_zone_name_falls_back_to_offset() -> None:
    odd = ZoneInfo("Asia/Kathmandu")  # abbreviation is "+0545" in the tz database
    with clock.use(clock.FixedClock(datetime(2026, 1, 1, tzinfo=UTC), odd)):
        assert clock.zone_name() == "UTC+05:45"


def test_the_process_clock_can_be_swapped_and_set() -> None:
    assert clock.Clock(BOSTON).now().tzinfo is UTC  # the system clock: aware UTC, whatever the local zone
    fixed = clock.FixedClock(datetime(2026, 1, 5, 15, 0, tzinfo=UTC), BOSTON)
    previous = clock.install(fixed)
    try:
        assert clock.current() is fixed
        assert clock.local_now() == datetime(2026, 1, 5, 10, 0, tzinfo=BOSTON)
        fixed.set(datetime(2026, 7, 1, 12, 0))  # a naive instant is taken as UTC
        assert clock.now() == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
        assert clock.local_now().hour == 8  # EDT in July
    finally:
        clock.install(previous)
    assert clock.current() is previous


def test_a_missing_value_prints_as_the_placeholder() -> None:
    assert timefmt.screen_time(None) == "" and timefmt.screen_datetime(None, empty="-") == "-"
    for fmt in (timefmt.doc_date, timefmt.doc_time, timefmt.doc_datetime, timefmt.iso_date, timefmt.iso_datetime):
        assert fmt(None) == timefmt.NONE
        assert fmt(None, empty="(not held)") == "(not held)"


def test_naive_instants_are_utc_and_compact_formats_are_local() -> None:
    with clock.use(clock.FixedClock(datetime(2026, 11, 25, 15, 0, tzinfo=UTC), BOSTON)):
        assert clock.to_local(datetime(2026, 11, 26, 3, 30)) == datetime(2026, 11, 25, 22, 30, tzinfo=BOSTON)
        evening = clock.at_local(date(2026, 11, 25), time(22, 30))
        assert evening == datetime(2026, 11, 26, 3, 30, tzinfo=UTC)
        assert timefmt.iso_date(evening) == "2026-11-25"  # the local date, not UTC's
        assert timefmt.iso_datetime(evening) == "2026-11-25 22:30"
