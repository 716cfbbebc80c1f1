"""Who may read what in the district bridge (platform posts, CSV/XLSX tables, the caseload report).

Every visibility decision of the bridge goes through ``Scope.shows``, which describes the record to the
confidentiality policy (``core/policy.py``: a ``Subject`` with its educator's program history and sites and, for a
child, its parent) and asks ``policy.decide``. What the policy leaves out is tallied in ``Scope.omissions`` so each
output can say so (never silently empty), in the words the policy allows for its reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ..core import policy
from ..core.enums import ReaderKind
from ..core.errors import ValidationError
from ..store.facts import Facts


@dataclass
class Scope:
    """One reader (``policy.Reader``: who, and which cases) and what the store knows about every educator."""

    reader: policy.Reader
    programs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # educator id -> programs, oldest first
    sites: Mapping[str, frozenset[str]] = field(default_factory=dict)  # educator id -> site ids
    omissions: policy.Omissions = field(init=False)

    def __post_init__(self) -> None:
        self.omissions = policy.Omissions(self.reader)

    def subject(self, record: Any, parent: Any = None) -> policy.Subject:
        rtype = record.__record_type__
        educator_id = getattr(record, "educator_id", None)
        audience = "ct_private" if getattr(record, "deleted", False) else record.audience  # a deleted parent hides
        gate = policy.entry(rtype).parent
        parent_subject = None
        if gate is not None:
            if parent is not None:
                parent_subject = self.subject(parent)
            elif gate.required:
                parent_subject = policy.Subject.missing(gate.type)  # callers pass the parent; without it: hidden
        return policy.Subject(rtype, audience, educator_id,
                              self.programs.get(educator_id, ()) if educator_id else (),
                              self.sites.get(educator_id, frozenset()) if educator_id else frozenset(),
                              parent_subject)

    def shows(self, record: Any, *, parent: Any = None, tally: bool = True) -> bool:
        """May the reader see ``record`` (a child together with its ``parent``)? Withheld records are tallied in
        ``omissions`` unless ``tally`` is False (a second look at a record already counted)."""
        if record is None or getattr(record, "deleted", False):
            return False  # a deleted record is not "left out": it is gone
        s = self.subject(record, parent)
        if tally:
            return self.omissions.note(s)
        return policy.readable(self.reader, s)

    def covers(self, educator_id: str) -> bool:
        """Is this educator inside the reader's scope (before any record's label is looked at)?"""
        r = self.reader
        if r.educators is not None and educator_id not in r.educators:
            return False
        return r.sites is None or bool(r.sites & self.sites.get(educator_id, frozenset()))

    def keep(self, records: Iterable[Any]) -> list[Any]:
        return [r for r in records if self.shows(r)]

    def left_out(self) -> list[str]:
        """What was left out, as the reader of the output may be told it (never that a PA case exists)."""
        return self.omissions.lines(for_reader=True)

    @property
    def reader_name(self) -> str:
        return self.reader.name


def parse_reader(value: str | ReaderKind, allowed: Iterable[ReaderKind]) -> ReaderKind:
    allowed = tuple(allowed)
    try:
        kind = ReaderKind(value)
    except ValueError:
        kind = None
    if kind not in allowed:
        names = ", ".join(k.value for k in allowed)
        raise ValidationError(f"Unknown reader {value!r}: choose one of {names}.")
    return kind


def build_scope(s: Session, kind: ReaderKind, *, educator_id: str | None = None, site_id: str | None = None,
                with_private: bool = False) -> Scope:
    """A scope for a reader of ``kind``: the educator reads one case (``educator_id``); the school administrator
    one site's educators (``site_id``) or one educator; the policy refuses a reader without the scope it needs."""
    reader = policy.reader(kind, educator=educator_id, sites=[site_id] if site_id else None,
                           with_private=with_private)
    if kind is not ReaderKind.EDUCATOR and educator_id:
        reader = policy.Reader(reader.kind, frozenset({educator_id}), reader.sites, reader.with_private)
    facts = Facts.load(s)  # the same program history and sites as exports, PDFs, search and sync
    return Scope(reader, facts.programs, facts.sites)
