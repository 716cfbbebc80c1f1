"""The evaluation rubric, loaded from data (``resources/rubric/*.json``) so a district can swap it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..resources import resource_path

DEFAULT_RUBRIC = "ma-teacher-2018.json"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    standard: str
    description: str = ""
    elements: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Tag:
    code: str
    name: str


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    version: str
    source: dict
    standards: tuple[Standard, ...]
    ratings: tuple[tuple[str, str, int], ...]  # (code, name, rank)
    plan_types: tuple[tuple[str, str], ...]
    evidence_categories: tuple[tuple[str, str], ...]
    equity_tags: tuple[Tag, ...]
    _by_code: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for s in self.standards for i in s.indicators]

    def indicator(self, code: str) -> Indicator:
        return self._by_code[code]

    def is_indicator(self, code: str) -> bool:
        return code in self._by_code

    def is_equity_tag(self, code: str) -> bool:
        return any(t.code == code for t in self.equity_tags)

    def standard_codes(self) -> list[str]:
        return [s.code for s in self.standards]

    def standard_of(self, indicator_code: str) -> str:
        return self._by_code[indicator_code].standard

    def rating_codes(self) -> list[str]:
        return [r[0] for r in self.ratings]

    def rating_name(self, code: str) -> str:
        return next((n for c, n, _ in self.ratings if c == code), code)

    def plan_type_name(self, code: str | None) -> str:
        return next((n for c, n in self.plan_types if c == code), code or "")

    def tag_name(self, code: str) -> str:
        if code in self._by_code:
            return self._by_code[code].name
        return next((t.name for t in self.equity_tags if t.code == code), code)


def parse_rubric(data: dict) -> Rubric:
    standards = []
    by_code: dict[str, Indicator] = {}
    for s in data["standards"]:
        inds = []
        for i in s["indicators"]:
            ind = Indicator(
                code=i["code"],
                name=i["name"],
                standard=s["code"],
                description=i.get("description", ""),
                elements=tuple((e["code"], e["name"]) for e in i.get("elements", [])),
            )
            if ind.code in by_code:
                raise ValueError(f"duplicate indicator code {ind.code}")
            by_code[ind.code] = ind
            inds.append(ind)
        standards.append(Standard(code=s["code"], name=s["name"], indicators=tuple(inds)))
    equity: list[Tag] = []
    for ts in data.get("tag_sets", []):
        equity.extend(Tag(t["code"], t["name"]) for t in ts["tags"])
    return Rubric(
        id=data["id"],
        title=data["title"],
        version=str(data.get("version", "")),
        source=data.get("source", {}),
        standards=tuple(standards),
        ratings=tuple((r["code"], r["name"], int(r["rank"])) for r in data["ratings"]),
        plan_types=tuple((p["code"], p["name"]) for p in data["plan_types"]),
        evidence_categories=tuple((c["code"], c["name"]) for c in data["evidence_categories"]),
        equity_tags=tuple(equity),
        _by_code=by_code,
    )


@lru_cache(maxsize=4)
def load_rubric(path: str | None = None) -> Rubric:
    """Load a rubric file (default: the shipped Massachusetts classroom teacher rubric)."""
    p = Path(path) if path else resource_path("rubric", DEFAULT_RUBRIC)
    return parse_rubric(json.loads(p.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def shipped_rubrics() -> dict[str, Rubric]:
    """Every rubric shipped in ``resources/rubric/`` by id (DESE 2018, Boston's 2012-structure rubric)."""
    out: dict[str, Rubric] = {}
    for p in sorted(resource_path("rubric").glob("*.json")):
        if p.name.endswith(".schema.json") or p.name.startswith("crosswalk"):
            continue
        r = load_rubric(str(p))
        out[r.id] = r
    return out


def rubric_for(rubric_id: str | None, default: Rubric) -> Rubric:
    """The rubric a cycle names (``default``, the app's rubric, when it names none or one not shipped)."""
    if not rubric_id or rubric_id == default.id:
        return default
    return shipped_rubrics().get(rubric_id, default)
