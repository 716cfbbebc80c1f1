"""How dates and times are written for people: one format per context, local time, portable everywhere.

Never ``%-d`` (glibc only; it raises on Windows): day numbers are formatted from ``.day``. Month and weekday
names come from fixed English tables, so documents read the same whatever the machine's locale.

| context   | date              | time / date and time                        |
|-----------|-------------------|---------------------------------------------|
| screen    | ``Wed 25 Nov 2026`` | ``14:19``, ``Wed 25 Nov 2026 14:19``        |
| document  | ``November 25, 2026`` | ``November 25, 2026, 14:19 EST``          |
| compact   | ``2026-11-25``    | ``2026-11-25 14:19``  (tables, file names)  |
"""

from __future__ import annotations

from datetime import date, datetime

from . import clock

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NONE = "—"


def _local(value: datetime) -> datetime:
    return clock.to_local(value)


def _day(value: date | datetime) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


# --- screens ---------------------------------------------------------------------------------------------


def screen_date(value: date | datetime | None, *, empty: str = "") -> str:
    """``Wed 25 Nov 2026`` (a datetime is shown as its local date)."""
    if value is None:
        return empty
    d = _day(value)
    return f"{WEEKDAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]} {d.year}"


def screen_time(value: datetime | None, *, seconds: bool = False, empty: str = "") -> str:
    """``14:19`` (or ``14:19:05``) in local time."""
    if value is None:
        return empty
    t = _local(value)
    return f"{t:%H:%M:%S}" if seconds else f"{t:%H:%M}"


def screen_datetime(value: datetime | None, *, empty: str = "") -> str:
    """``Wed 25 Nov 2026 14:19`` in local time."""
    if value is None:
        return empty
    return f"{screen_date(value)} {screen_time(value)}"


# --- documents (PDFs) ------------------------------------------------------------------------------------


def doc_date(value: date | datetime | None, *, empty: str = NONE) -> str:
    """``November 25, 2026`` (a datetime is printed as its local date)."""
    if value is None:
        return empty
    d = _day(value)
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def doc_time(value: datetime | None, *, zone: bool = False, empty: str = NONE) -> str:
    """``14:19`` local time, with the zone (``14:19 EST``) when asked."""
    if value is None:
        return empty
    t = _local(value)
    return f"{t:%H:%M} {clock.zone_name(value)}" if zone else f"{t:%H:%M}"


def doc_datetime(value: datetime | None, *, empty: str = NONE) -> str:
    """``November 25, 2026, 14:19 EST``: local time with its zone, as every document prints instants."""
    if value is None:
        return empty
    return f"{doc_date(value)}, {doc_time(value, zone=True)}"


# --- compact (tables, file names, CSV) -------------------------------------------------------------------


def iso_date(value: date | datetime | None, *, empty: str = NONE) -> str:
    """``2026-11-25`` (local date of a datetime)."""
    if value is None:
        return empty
    return _day(value).isoformat()


def iso_datetime(value: datetime | None, *, empty: str = NONE) -> str:
    """``2026-11-25 14:19`` local time."""
    if value is None:
        return empty
    return f"{_local(value):%Y-%m-%d %H:%M}"
