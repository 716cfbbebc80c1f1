"""The one clock: every read of the current time in esp-desktop goes through this module.

Records store UTC (``now()``); people see local time (``to_local()``, ``today()``), and the date a CT means by
"today" is the local date, so an evening Panel meeting in Boston is not dated tomorrow. Tests swap the clock
(``use(FixedClock(...))``) instead of patching ``datetime`` in every module, as KeePassXC's ``Clock`` does.

The local zone is the operating system's (``TZ`` on Linux/macOS, the Windows setting), unless a clock is given
an explicit zone. Converting with ``astimezone()`` applies the zone's rules at each instant, so daylight saving
is right for dates on either side of a change.
"""

from __future__ import annotations

import contextlib
import threading
import time as time_module
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = ["Clock", "FixedClock", "at_local", "local_now", "now", "to_local", "today", "use", "zone_name"]


class Clock:
    """The system clock in UTC, shown in the system's local zone (or ``zone`` if given)."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self.zone = zone

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)

    def to_local(self, instant: datetime) -> datetime:
        """``instant`` (naive values are taken as UTC) in the local zone."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        return instant.astimezone(self.zone) if self.zone is not None else instant.astimezone()

    def local_now(self) -> datetime:
        return self.to_local(self.now())

    def at_local(self, day: date, wall: time) -> datetime:
        """The instant (aware UTC) when local clocks show ``wall`` on ``day``."""
        naive = datetime.combine(day, wall)
        local = naive.replace(tzinfo=self.zone) if self.zone is not None else naive.astimezone()
        return local.astimezone(UTC)

    def today(self) -> date:
        """The local calendar date."""
        return self.local_now().date()


class FixedClock(Clock):
    """A clock set to a chosen instant (tests, benchmarks). It stands still until moved, or with
    ``running=True`` it ticks on from that instant at the real pace (timestamps stay ordered)."""

    def __init__(self, at: datetime, zone: tzinfo | None = None, *, running: bool = False) -> None:
        super().__init__(zone)
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)
        self._running = running
        self._started = time_module.monotonic()
        self._lock = threading.Lock()

    @classmethod
    def on(cls, day: date, *, hour: int = 12, zone: tzinfo | None = None, running: bool = False) -> FixedClock:
        """Local ``hour`` o'clock on ``day`` in ``zone`` (the system zone if None)."""
        return cls(Clock(zone).at_local(day, time(hour)), zone, running=running)

    def now(self) -> datetime:
        with self._lock:
            if self._running:
                return self._at + timedelta(seconds=time_module.monotonic() - self._started)
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = at if at.tzinfo else at.replace(tzinfo=UTC)
            self._started = time_module.monotonic()

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._at += timedelta(**delta)
        return self.now()


_clock: Clock = Clock()


def current() -> Clock:
    return _clock


def install(clock: Clock) -> Clock:
    """Make ``clock`` the process clock; returns the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextlib.contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """``with clock.use(FixedClock(...)):`` the process reads ``clock`` inside the block."""
    previous = install(clock)
    try:
        yield clock
    finally:
        install(previous)


def now() -> datetime:
    """The current instant (aware UTC): what records store."""
    return _clock.now()


def local_now() -> datetime:
    return _clock.local_now()


def today() -> date:
    """The local date: "today" as the CT means it."""
    return _clock.today()


def to_local(instant: datetime) -> datetime:
    return _clock.to_local(instant)


def at_local(day: date, wall: time) -> datetime:
    """The instant (aware UTC) of local wall-clock time ``wall`` on ``day``."""
    return _clock.at_local(day, wall)


def zone_name(instant: datetime | None = None) -> str:
    """The local zone's abbreviation at ``instant`` (e.g. ``EST``/``EDT``, ``IST``), or its UTC offset."""
    local = to_local(instant or now())
    name = local.tzname() or ""
    if name and not name.startswith(("+", "-")):
        return name
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
