"""What core/policy.py needs to know about stored records, loaded once per output (a few narrow queries).

    facts = Facts.load(session)
    subject = facts.subject(record)            # a policy.Subject: plain values, usable after the session closed
    policy.decide(reader, subject)

Exports, PDFs (through services), search and the sync envelope all describe records this way, so they
cannot disagree about a record's program history, sites or parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..core import policy
from ..core.policy import Subject
from .models import RECORD_TYPES, Educator, Enrolment


@dataclass(frozen=True)
class _Parent:
    id: str
    audience: str
    educator_id: str | None


@dataclass
class Facts:
    programs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # educator id -> program history
    sites: dict[str, frozenset[str]] = field(default_factory=dict)  # educator id -> site ids
    # (parent type, link value) -> the live parent; link value is the parent's id, or for a parent that
    # names its child (evidence.attachment_id) the child's id
    parents: dict[tuple[str, str], _Parent] = field(default_factory=dict)

    @classmethod
    def load(cls, s: Session | Connection) -> Facts:
        history: dict[str, list[str]] = defaultdict(list)
        # Every live enrolment, ended ones included: the program rule looks at the whole history.
        for educator_id, program in s.execute(
            select(Enrolment.educator_id, Enrolment.program)
            .where(Enrolment.deleted.is_(False))
            .order_by(Enrolment.created_at)
        ):
            history[educator_id].append(program)
        facts = cls(programs={k: tuple(v) for k, v in history.items()})
        facts.sites = {i: frozenset(ids or ()) for i, ids in s.execute(select(Educator.id, Educator.site_ids))}
        for ptype, children in policy.CHILDREN.items():
            model: Any = RECORD_TYPES[ptype]
            has_case = "educator_id" in model.__table__.columns
            names = [g.link for g in (policy.entry(c).parent for c in children) if g and g.on_parent]
            cols = [model.id, model.audience, model.educator_id if has_case else model.id]
            cols += [getattr(model, n) for n in names]
            for pid, audience, case, *named in s.execute(select(*cols).where(model.deleted.is_(False))):
                found = _Parent(pid, audience, case if has_case else None)
                facts.parents[(ptype, pid)] = found
                for child_id in named:
                    if child_id:
                        facts.parents[(ptype, child_id)] = found
        return facts

    def _parent(self, rtype: str, get: Callable[[str], Any]) -> tuple[str | None, Subject | None]:
        """(the parent's id, its subject) for a gated type; (None, None) when the link is empty."""
        gate = policy.entry(rtype).parent
        if gate is None:
            return None, None
        link = get("id") if gate.on_parent else get(gate.link)
        found = self.parents.get((gate.type, link)) if link else None
        if found is None:
            # Linked to something gone (or a child nothing names any more): fail closed.
            return (link if link and not gate.on_parent else None), (Subject.missing(gate.type) if link else None)
        return found.id, self._subject(gate.type, found.audience, found.educator_id, None)

    def _subject(self, rtype: str, audience: str, educator_id: str | None, parent: Subject | None) -> Subject:
        return Subject(rtype, audience, educator_id, self.programs.get(educator_id or "", ()),
                       self.sites.get(educator_id or "", frozenset()), parent)

    def subject_of(self, rtype: str, data: Mapping[str, Any]) -> Subject:
        """The policy's view of a record given as its JSON form (or any mapping of its columns)."""
        _pid, parent = self._parent(rtype, data.get)
        return self._subject(rtype, data["audience"], _case(rtype, data.get), parent)

    def subject(self, obj: Any) -> Subject:
        """The policy's view of a record (an ORM object or detached snapshot with the record's attributes)."""
        return self.subject_of(obj.__record_type__, _Attrs(obj))

    def envelope(self, rtype: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """What esp-central needs to apply the policy without reading the record (sync/protocol.py): the
        record's effective audience (a child travels as privately as its parent), its parent's id and its
        educator's program history and sites."""
        pid, parent = self._parent(rtype, data.get)
        educator_id = _case(rtype, data.get)
        s = self._subject(rtype, data["audience"], educator_id, parent)
        out: dict[str, Any] = {"audience": policy.effective_audience(s).value, "parent_id": pid}
        if educator_id:
            out["case"] = {"programs": list(s.programs), "sites": sorted(s.sites)}
        return out

    def parent_id(self, obj: Any) -> str | None:
        return self._parent(obj.__record_type__, _Attrs(obj).get)[0]


def _case(rtype: str, get: Callable[[str], Any]) -> str | None:
    return get("id") if rtype == "educator" else get("educator_id")


class _Attrs(Mapping[str, Any]):
    """An object's attributes as a read-only mapping (ORM objects and detached snapshots alike)."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self._obj, key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
