"""Crosswalks between rubrics: the same code can mean different things (II-C is Cultural Proficiency in Boston's
2012-structure rubric, Student Learning in DESE's 2018 rubric), so a tag is translated into the rubric of the
document it prints on. Data: ``resources/rubric/crosswalk-*.json``, read in both directions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ..resources import resource_path


def _level(code: str) -> int:
    """1 for an indicator (``II-C``), 2 for an element (``II-C-1``)."""
    return code.count("-")


@dataclass(frozen=True)
class Crosswalk:
    id: str
    from_id: str
    to_id: str
    forward: dict[str, tuple[str, ...]]
    verified: dict[str, bool]
    unmatched_to: dict[str, str]

    def translate(self, code: str, from_id: str, to_id: str) -> tuple[str, ...] | None:
        """Codes in ``to_id`` for ``code`` of ``from_id``; () when there is no equivalent; None when this
        crosswalk does not join the two rubrics."""
        if (from_id, to_id) == (self.from_id, self.to_id):
            return self.forward.get(code, ())
        if (from_id, to_id) == (self.to_id, self.from_id):
            back = [f for f, tos in self.forward.items() if code in tos and _level(f) == _level(code)]
            return tuple(sorted(back, key=_sort_key))
        return None


def _sort_key(code: str) -> tuple[int, ...]:
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
    parts = code.split("-")
    return (roman.get(parts[0], 99), *(ord(p) if p.isalpha() else int(p) for p in parts[1:]))


@lru_cache(maxsize=1)
def load_crosswalks() -> tuple[Crosswalk, ...]:
    out = []
    for p in sorted(resource_path("rubric").glob("crosswalk-*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append(Crosswalk(
            id=d["id"], from_id=d["from"], to_id=d["to"],
            forward={m["from"]: tuple(m["to"]) for m in d["map"]},
            verified={m["from"]: bool(m["verified"]) for m in d["map"]},
            unmatched_to={u["code"]: u["note"] for u in d["unmatched_to"]},
        ))
    return tuple(out)


def translate(code: str, from_id: str, to_id: str) -> tuple[str, ...]:
    """``code`` of rubric ``from_id`` as codes of rubric ``to_id`` (() when it has no equivalent there)."""
    if from_id == to_id:
        return (code,)
    for cw in load_crosswalks():
        got = cw.translate(code, from_id, to_id)
        if got is not None:
            return got
    return ()
