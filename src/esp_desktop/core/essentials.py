"""The BPS Essentials for Instructional Equity (+ Culturally and Linguistically Sustaining Practices) and their
crosswalk to rubric indicators, loaded from data (``resources/essentials/bps-essentials.json``).

The Essentials' codes are the rubric's equity tag set (``EQ-1`` ... ``EQ-5``): a script line, an evidence item or a
goal is tagged with them directly. The crosswalk says which indicators each Essential draws on, per rubric (the same
indicator code means different things in DESE 2018 and Boston's 2012-structure rubric), so that evidence tagged with
an indicator also tells something about an Essential (needs profile) and a session tagged with an Essential can serve
an indicator priority (matching).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..resources import resource_path

DEFAULT_FILE = "bps-essentials.json"
PRIMARY, RELATED = "primary", "related"
STRENGTHS = (PRIMARY, RELATED)


@dataclass(frozen=True)
class Essential:
    code: str
    name: str
    short: str
    summary: str
    source: str  # a source id of the file
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class Link:
    """One line of the crosswalk: ``essential`` draws on ``indicator`` (``primary`` or ``related``)."""

    essential: str
    indicator: str
    strength: str
    verified: bool
    why: str


@dataclass(frozen=True)
class Essentials:
    id: str
    title: str
    tag_set: str
    essentials: tuple[Essential, ...]
    sources: dict[str, dict[str, str]]
    links: dict[str, tuple[Link, ...]]  # rubric id -> crosswalk lines
    note: str = ""
    _by_code: dict[str, Essential] = field(default_factory=dict, compare=False, repr=False)

    def codes(self) -> list[str]:
        return [e.code for e in self.essentials]

    def get(self, code: str) -> Essential | None:
        return self._by_code.get(code)

    def is_essential(self, code: str) -> bool:
        return code in self._by_code

    def crosswalk(self, rubric_id: str) -> tuple[Link, ...]:
        """The lines for one rubric (empty when the file has none for it: then nothing is inferred)."""
        return self.links.get(rubric_id, ())

    def indicators_of(self, essential: str, rubric_id: str) -> dict[str, str]:
        """Indicator code -> strength, for one Essential."""
        return {lk.indicator: lk.strength for lk in self.crosswalk(rubric_id) if lk.essential == essential}

    def essentials_of(self, indicator: str, rubric_id: str) -> dict[str, str]:
        """Essential code -> strength, for one indicator."""
        return {lk.essential: lk.strength for lk in self.crosswalk(rubric_id) if lk.indicator == indicator}


def parse_essentials(data: dict) -> Essentials:
    essentials = tuple(
        Essential(code=e["code"], name=e["name"], short=e["short"], summary=e["summary"], source=e["source"],
                  verified=bool(e["verified"]), note=e.get("note", ""))
        for e in data["essentials"]
    )
    by_code = {e.code: e for e in essentials}
    if len(by_code) != len(essentials):
        raise ValueError("duplicate Essential code")
    sources = {s["id"]: {k: str(v) for k, v in s.items()} for s in data["sources"]}
    links: dict[str, tuple[Link, ...]] = {}
    for rubric_id, lines in data["crosswalk"]["rubrics"].items():
        out = []
        for ln in lines:
            if ln["essential"] not in by_code:
                raise ValueError(f"crosswalk names an unknown Essential {ln['essential']!r}")
            if ln["strength"] not in STRENGTHS:
                raise ValueError(f"crosswalk strength {ln['strength']!r} is not one of {STRENGTHS}")
            out.append(Link(ln["essential"], ln["indicator"], ln["strength"], bool(ln["verified"]), ln["why"]))
        links[rubric_id] = tuple(out)
    for e in essentials:
        if e.source not in sources:
            raise ValueError(f"Essential {e.code} names an unknown source {e.source!r}")
    return Essentials(id=data["id"], title=data["title"], tag_set=data["tag_set"], essentials=essentials,
                      sources=sources, links=links, note=data["crosswalk"].get("note", ""), _by_code=by_code)


@lru_cache(maxsize=2)
def load_essentials(path: str | None = None) -> Essentials:
    p = Path(path) if path else resource_path("essentials", DEFAULT_FILE)
    return parse_essentials(json.loads(p.read_text(encoding="utf-8")))
