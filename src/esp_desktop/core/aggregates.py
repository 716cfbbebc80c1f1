"""Needs at school and district level without identifying anyone: what a CT's device sends, and how esp-central
adds it up. Pure, standard library only; shared by the client (services/learning.py) and the server.

What leaves the device (``Submission``): per school code, the number of educators with learning priorities and
the number with each priority code. No names, ids, dates, free text or anything per educator. Who may count:
only educators the program rule lets a school administrator know of (``policy.admin_may_know``: PAR, never Peer
Assistance or informal coaching, now or before). The rule is the policy's, not a copy of it.

What the program office reads (``aggregate``): the sums over every CT's latest submission, per school and for the
district, with small numbers suppressed:

* a school with fewer than ``MIN_EDUCATORS`` educators is shown only as "fewer than 5" (no counts at all);
* within a row that is shown, a priority count from 1 to ``MIN_EDUCATORS - 1`` is shown as "fewer than 5";
* complementary suppression: when exactly one school of the district is suppressed, the smallest other school
  is suppressed too, so the district total minus the shown schools cannot reveal it;
* the district row follows the same rules (fewer than 5 educators in all: nothing shown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import policy

MIN_EDUCATORS = 5
UNKNOWN_SCHOOL = "(no school)"


@dataclass(frozen=True)
class EducatorPriorities:
    """One educator's active priorities, as the client reads them (never sent as such)."""

    programs: tuple[str, ...]  # program history, oldest first
    schools: tuple[str, ...]  # school codes (or names)
    codes: tuple[str, ...]  # indicator / Essential codes


def may_contribute(programs: Iterable[str]) -> bool:
    """Only educators whose whole history is PAR: the program rule of core/policy.py."""
    return policy.admin_may_know(programs)


@dataclass(frozen=True)
class SchoolCounts:
    school: str
    educators: int
    counts: Mapping[str, int] = field(default_factory=dict)  # code -> educators with that priority


@dataclass(frozen=True)
class Submission:
    school_year: str
    schools: tuple[SchoolCounts, ...]
    district: SchoolCounts = SchoolCounts("", 0)  # each educator once, however many schools they serve

    def as_json(self) -> dict[str, object]:
        def one(c: SchoolCounts) -> dict[str, object]:
            return {"school": c.school, "educators": c.educators, "counts": dict(sorted(c.counts.items()))}

        return {"school_year": self.school_year, "district": one(self.district),
                "schools": [one(c) for c in self.schools]}


def submission(rows: Iterable[EducatorPriorities], *, school_year: str) -> Submission:
    """The counts a CT's device sends. An educator at two schools counts at each (never twice at one)."""
    educators: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    everyone = 0
    district: dict[str, int] = {}
    for r in rows:
        if not r.codes or not may_contribute(r.programs):
            continue
        everyone += 1
        for code in set(r.codes):
            district[code] = district.get(code, 0) + 1
        for school in dict.fromkeys(r.schools or (UNKNOWN_SCHOOL,)):
            educators[school] = educators.get(school, 0) + 1
            per = counts.setdefault(school, {})
            for code in set(r.codes):
                per[code] = per.get(code, 0) + 1
    return Submission(school_year, tuple(SchoolCounts(s, educators[s], counts[s]) for s in sorted(educators)),
                      SchoolCounts("", everyone, district))


# --- esp-central: adding up and suppressing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One published row: ``educators``/``counts`` are None where suppressed ("fewer than 5")."""

    school: str  # "" for the district row
    educators: int | None
    counts: Mapping[str, int | None]
    suppressed: bool

    def as_json(self) -> dict[str, object]:
        return {"school": self.school or None, "educators": self.educators, "suppressed": self.suppressed,
                "counts": dict(sorted(self.counts.items()))}


def _row(school: str, educators: int, counts: Mapping[str, int]) -> Row:
    if educators < MIN_EDUCATORS:
        return Row(school, None, {}, True)
    return Row(school, educators, {c: (n if n >= MIN_EDUCATORS else None) for c, n in counts.items() if n > 0},
               False)


def aggregate(submissions: Iterable[Submission]) -> tuple[Row, list[Row]]:
    """The district row and the school rows, from every CT's latest submission for one school year."""
    educators: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    total = 0
    district_counts: dict[str, int] = {}
    for sub in submissions:
        total += max(0, int(sub.district.educators))
        for code, n in sub.district.counts.items():
            district_counts[code] = district_counts.get(code, 0) + max(0, int(n))
        for c in sub.schools:
            educators[c.school] = educators.get(c.school, 0) + max(0, int(c.educators))
            per = counts.setdefault(c.school, {})
            for code, n in c.counts.items():
                per[code] = per.get(code, 0) + max(0, int(n))
    rows = {s: _row(s, educators[s], counts[s]) for s in sorted(educators)}
    hidden = [s for s, r in rows.items() if r.suppressed]
    shown = sorted((s for s, r in rows.items() if not r.suppressed), key=lambda s: (educators[s], s))
    if len(hidden) == 1 and shown:
        rows[shown[0]] = Row(shown[0], None, {}, True)
    return _row("", total, district_counts), list(rows.values())


def parse_submission(data: Mapping[str, object]) -> Submission:
    """A submission from its JSON form (raises ValueError on anything else: only counts are accepted)."""
    def one(d: object) -> SchoolCounts:
        if not isinstance(d, Mapping) or set(d) - {"school", "educators", "counts"}:
            raise ValueError("a row holds only school, educators and counts")
        counts = d.get("counts") or {}
        if not isinstance(counts, Mapping) or not all(isinstance(k, str) and len(k) <= 20 and isinstance(v, int)
                                                      and v >= 0 for k, v in counts.items()):
            raise ValueError("counts are code -> a whole number")
        n = d.get("educators")
        if not isinstance(n, int) or n < 0 or any(v > n for v in counts.values()):
            raise ValueError("educators is a whole number, at least every count")
        return SchoolCounts(str(d.get("school") or ""), n, dict(counts))

    if set(data) - {"school_year", "district", "schools"}:
        raise ValueError("a submission holds only school_year, district and schools")
    schools = data.get("schools") or []
    if not isinstance(schools, list):
        raise ValueError("schools is a list")
    return Submission(str(data.get("school_year") or ""), tuple(one(x) for x in schools), one(data.get("district")))
