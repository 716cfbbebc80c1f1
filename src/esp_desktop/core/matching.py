"""Matching an educator's learning priorities with professional learning: ranked options, each with its reasons.

Pure, standard library only. ``rank_options`` scores every catalog offering against the educator's priorities
(which priority it serves, and how directly), the distance from the educator's school, the schedule and the grade
band / subject, and says why in plain words. An offering that serves no priority, or whose sessions are all past,
is not an option.

Distances (docs/learning.md): a district-provided distance table between school codes wins (it knows the roads);
otherwise the straight-line distance between the two schools' coordinates, in miles; otherwise "distance unknown",
which neither helps nor hurts.

Score, the sum of:
  priority fit   tagged with the priority 3.0 | through the Essentials crosswalk 2.0 (primary) / 1.0 (related) |
                 an indicator of the same Standard 0.5; x0.8 for the second priority
  distance       online 0.75 | same school 1.0 | <= 2 mi 1.0 | <= 5 mi 0.5 | <= 10 mi 0 | farther -0.5
  schedule       next session within 30 days 1.0 | later 0.5 | after the priority's due date -0.5 |
                 on request (peer-model visits) 0.5 | during the school day -0.25 | after school 0.25
  grade / subject  matches 0.5 each | clearly another band -1.0 | another subject -0.5
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from . import timefmt

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = dict(zip(WEEKDAY_CODES, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
SCHOOL_DAY_ENDS = time(14, 30)  # a session starting earlier needs class coverage
SOON_DAYS = 30
EARTH_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    name: str
    code: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Offering:
    """A catalog entry as plain values."""

    id: str
    title: str
    kind: str
    codes: tuple[str, ...]  # indicators and Essentials it addresses
    grade_bands: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    place: Place | None = None
    online: bool = False
    session_dates: tuple[date, ...] = ()
    weekdays: tuple[str, ...] = ()  # on-request visits (peer models): "tue", "thu"
    start_time: time | None = None


@dataclass(frozen=True)
class Priority:
    code: str
    rank: int = 1  # 1 or 2


@dataclass(frozen=True)
class Learner:
    priorities: tuple[Priority, ...]
    places: tuple[Place, ...] = ()  # the educator's school(s)
    grade_band: str | None = None
    subject: str | None = None
    due: date | None = None  # by when the priority should show in practice (goal due date, end of cycle)


@dataclass(frozen=True)
class Option:
    offering: Offering
    score: float
    serves: str  # the priority code it serves best
    reasons: tuple[str, ...]
    miles: float | None = None
    next_on: date | None = None


@dataclass(frozen=True)
class Rubricish:
    """What matching needs to know about codes: names, each indicator's Standard, and the Essentials crosswalk."""

    names: Mapping[str, str] = field(default_factory=dict)
    standard_of: Mapping[str, str] = field(default_factory=dict)  # indicator -> Standard
    crosswalk: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # code -> {code: strength}, both ways

    def name(self, code: str) -> str:
        n = self.names.get(code)
        return f"{code} {n}" if n else code


# --- distances ----------------------------------------------------------------------------------------------------


def miles_between(a: Place, b: Place) -> float | None:
    """Great-circle distance in miles (None without coordinates)."""
    if not (a.located and b.located):
        return None
    assert a.latitude is not None and a.longitude is not None and b.latitude is not None and b.longitude is not None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """'42.331, -71.081' (decimal degrees, latitude first) -> (42.331, -71.081); '' -> None.
    Raises ValueError with a message for the CT."""
    text = text.strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise ValueError("Write the location as latitude, longitude in decimal degrees, e.g. 42.331, -71.081.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("A latitude is between -90 and 90, a longitude between -180 and 180.")
    return lat, lon


@dataclass(frozen=True)
class DistanceTable:
    """A district-provided table of distances between school codes (miles), read in both directions."""

    miles: Mapping[frozenset[str], float] = field(default_factory=dict)

    def between(self, a: str | None, b: str | None) -> float | None:
        if not a or not b:
            return None
        if _key(a) == _key(b):
            return 0.0
        return self.miles.get(frozenset({_key(a), _key(b)}))

    def __len__(self) -> int:
        return len(self.miles)


def _key(code: str) -> str:
    return code.strip().casefold()


def parse_distance_rows(rows: Iterable[Sequence[str]]) -> DistanceTable:
    """Rows of (school code, school code, miles), header optional. Raises ValueError naming the bad row."""
    out: dict[frozenset[str], float] = {}
    for n, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 3:
            raise ValueError(f"row {n} needs two school codes and a distance in miles")
        try:
            miles = float(cells[2].replace(",", "."))
        except ValueError:
            if n == 1:
                continue  # a header row
            raise ValueError(f"row {n}: {cells[2]!r} is not a distance in miles") from None
        if miles < 0 or not math.isfinite(miles):
            raise ValueError(f"row {n}: a distance cannot be negative")
        out[frozenset({_key(cells[0]), _key(cells[1])})] = miles
    return DistanceTable(out)


def distance(learner: Learner, offering: Offering, table: DistanceTable | None) -> tuple[float | None, Place | None]:
    """The shortest known distance from any of the educator's schools, and which school."""
    if offering.place is None:
        return None, None
    best: tuple[float | None, Place | None] = (None, None)
    for home in learner.places:
        d = table.between(home.code, offering.place.code) if table is not None else None
        if d is None and home.code and offering.place.code and _key(home.code) == _key(offering.place.code):
            d = 0.0
        if d is None:
            d = miles_between(home, offering.place)
        if d is not None and (best[0] is None or d < best[0]):
            best = (d, home)
    return best


# --- grade bands and subjects -------------------------------------------------------------------------------------

_GRADE = {"pk": -1, "prek": -1, "k": 0, "kindergarten": 0}


def grades(band: str | None) -> set[int] | None:
    """'K-5' -> {0..5}; 'Grade 4' -> {4}; '6–8' -> {6,7,8}; 'PK-2'; None when nothing readable (e.g. 'all')."""
    if not band:
        return None
    text = band.casefold().replace("–", "-").replace("—", "-").replace("grades", "").replace("grade", "")
    tokens = re.findall(r"\bpre-?k\b|\bpk\b|\bk(?:indergarten)?\b|\d{1,2}|-|\bto\b", text)
    out: set[int] = set()
    values: list[int | str] = []
    for t in tokens:
        if t in ("-", "to"):
            values.append("-")
            continue
        values.append(_GRADE.get(t.replace("-", ""), -1) if not t.isdigit() else int(t))
    i = 0
    while i < len(values):
        v = values[i]
        if isinstance(v, int):
            if i + 2 < len(values) and values[i + 1] == "-" and isinstance(values[i + 2], int):
                hi = values[i + 2]
                assert isinstance(hi, int)
                out.update(range(v, hi + 1))
                i += 3
                continue
            out.add(v)
        i += 1
    return {g for g in out if -1 <= g <= 12} or None


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 2}


# --- ranking ------------------------------------------------------------------------------------------------------


def _fit(priority: str, offering: Offering, rb: Rubricish) -> tuple[float, str] | None:
    codes = set(offering.codes)
    if priority in codes:
        return 3.0, f"tagged {priority}"
    best: tuple[float, str] | None = None
    for other, strength in rb.crosswalk.get(priority, {}).items():
        if other in codes:
            got = (2.0 if strength == "primary" else 1.0, f"through the Essentials crosswalk: {other} ({strength})")
            if best is None or got[0] > best[0]:
                best = got
    if best is None and priority in rb.standard_of:
        std = rb.standard_of[priority]
        same = sorted(c for c in codes if rb.standard_of.get(c) == std)
        if same:
            best = (0.5, f"same Standard {std} ({', '.join(same)})")
    return best


def _weekdays(codes: Iterable[str]) -> str:
    return ", ".join(WEEKDAY_NAMES.get(c, c) for c in codes)


def score_option(learner: Learner, offering: Offering, *, today: date, rubric: Rubricish,
                 distances: DistanceTable | None = None) -> Option | None:
    """The option ``offering`` is for ``learner`` (None: it serves no priority, or its sessions are over)."""
    best: tuple[float, Priority, str] | None = None
    for p in learner.priorities:
        fit = _fit(p.code, offering, rubric)
        if fit is None:
            continue
        value = fit[0] * (1.0 if p.rank <= 1 else 0.8)
        if best is None or value > best[0]:
            best = (value, p, fit[1])
    if best is None:
        return None
    score, prio, how = best
    reasons = [f"Serves priority {prio.rank}, {rubric.name(prio.code)} ({how})."]

    upcoming = sorted(d for d in offering.session_dates if d >= today)
    next_on = upcoming[0] if upcoming else None
    if offering.session_dates and not upcoming and not offering.weekdays:
        return None  # every session is past
    if next_on is not None:
        days = (next_on - today).days
        left = f"; {len(upcoming)} sessions left" if len(upcoming) > 1 else ""
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        if learner.due is not None and next_on > learner.due:
            score -= 0.5
            reasons.append(f"Next session {timefmt.screen_date(next_on)} is after the priority's due date "
                           f"({timefmt.screen_date(learner.due)}).")
        elif days <= SOON_DAYS:
            score += 1.0
            reasons.append(f"Next session {timefmt.screen_date(next_on)} ({when}){left}.")
        else:
            score += 0.5
            reasons.append(f"Next session {timefmt.screen_date(next_on)} ({when}){left}.")
    elif offering.weekdays:
        score += 0.5
        reasons.append(f"Visits on request: {_weekdays(offering.weekdays)}.")
    else:
        reasons.append("No fixed schedule given.")
    if not offering.online:
        if offering.start_time is not None and offering.start_time >= time(15, 0):
            score += 0.25
            reasons.append(f"After school ({offering.start_time:%H:%M}).")
        elif (offering.start_time is not None and offering.start_time < SCHOOL_DAY_ENDS) or offering.weekdays:
            score -= 0.25
            reasons.append("During the school day: needs class coverage.")

    miles: float | None = None
    if offering.online:
        score += 0.75
        reasons.append("Online: no travel.")
    else:
        miles, home = distance(learner, offering, distances)
        where = offering.place.name if offering.place else "its site"
        if miles is None:
            reasons.append(f"Distance unknown (no coordinates or district distance for {where}).")
        elif miles == 0:
            score += 1.0
            reasons.append(f"At the educator's own school ({where}).")
        else:
            score += 1.0 if miles <= 2 else 0.5 if miles <= 5 else 0.0 if miles <= 10 else -0.5
            reasons.append(f"{where}: about {miles:.1f} miles from {home.name if home else 'the school'}.")

    want, have = grades(learner.grade_band), set().union(*(grades(b) or set() for b in offering.grade_bands))
    if want and have:
        if want & have:
            score += 0.5
            reasons.append(f"Grade band fits ({', '.join(offering.grade_bands)}).")
        else:
            score -= 1.0
            reasons.append(f"For grades {', '.join(offering.grade_bands)} (the educator teaches {learner.grade_band}).")
    if learner.subject and offering.subjects:
        mine = _words(learner.subject)
        if any(_words(s) & mine for s in offering.subjects):
            score += 0.5
            reasons.append(f"Subject fits ({', '.join(offering.subjects)}).")
        elif not any(s.casefold() in ("all", "any", "all subjects") for s in offering.subjects):
            score -= 0.5
            reasons.append(f"For {', '.join(offering.subjects)}.")
    return Option(offering, round(score, 3), prio.code, tuple(reasons), miles, next_on)


def rank_options(learner: Learner, offerings: Iterable[Offering], *, today: date, rubric: Rubricish,
                 distances: DistanceTable | None = None, limit: int | None = None) -> list[Option]:
    """Every offering that serves a priority, best first (ties: sooner, then title)."""
    out = [o for o in (score_option(learner, off, today=today, rubric=rubric, distances=distances)
                       for off in offerings) if o is not None]
    far = date.max
    out.sort(key=lambda o: (-o.score, o.next_on or far, o.offering.title.casefold()))
    return out[:limit] if limit is not None else out
