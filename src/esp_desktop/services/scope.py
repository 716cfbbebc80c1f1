"""Who may read what in the district bridge (platform posts, CSV/XLSX tables, the caseload report).

Every visibility decision of the bridge goes through ``Scope.shows``, and its rule lives in one function,
``readable``. Today that function applies ``core.audience.visible_to`` plus the program rule the confidentiality
policy (issue 10) is about: nothing about an educator who is, or ever was, in Peer Assistance or informal coaching
reaches a school administrator, whatever the record's audience label. When ``core/policy.py`` lands, ``readable``
calls it instead, and nothing else in the bridge changes.

A scope also narrows what a reader gets to a set of educators: the educator reads only their own case; the school
administrator only educators at a named site (or one named educator).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.audience import visible_to
from ..core.enums import Program, Reader
from ..core.errors import ValidationError
from ..store.models import Educator, Enrolment

READER_NAMES = {
    Reader.CT: "you (the CT)",
    Reader.EDUCATOR: "the educator",
    Reader.PANEL: "the ESP Panel",
    Reader.ADMIN: "the school administrator",
}


def readable(reader: Reader, audience: str, programs: frozenset[str] | None) -> bool:
    """THE rule of the bridge: may ``reader`` read a record with ``audience`` of an educator whose programs (every
    enrolment, current and earlier) are ``programs``? ``programs`` is None for records of no educator."""
    if audience == "ct_private" and reader is not Reader.CT:
        return False  # checked on its own, so a permissive audience table can never leak CT notes
    if not visible_to(audience, reader):
        return False
    if reader is Reader.ADMIN and programs is not None:
        # PA and informal coaching are confidential from administrators, including history from an earlier
        # program; an educator with no enrolment is no administrator's business either.
        return bool(programs) and programs <= {Program.PAR.value}
    return True


@dataclass(frozen=True)
class Scope:
    """One reader, optionally narrowed to one educator or to the educators at one site."""

    reader: Reader
    educator_id: str | None = None
    site_id: str | None = None
    programs: Mapping[str, frozenset[str]] = field(default_factory=dict)  # educator id -> every program
    sites: Mapping[str, frozenset[str]] = field(default_factory=dict)  # educator id -> site ids

    def covers(self, educator_id: str) -> bool:
        """Is this educator inside the scope at all (before any record's audience is looked at)?"""
        if self.educator_id is not None and educator_id != self.educator_id:
            return False
        if self.site_id is not None and self.site_id not in self.sites.get(educator_id, frozenset()):
            return False
        return True

    def shows(self, record: Any, *, parent_shown: bool = True) -> bool:
        """May the reader see ``record`` (an object with ``audience`` and, for case records, ``educator_id``)?
        A child record is shown only if its parent is (``parent_shown``)."""
        if record is None or getattr(record, "deleted", False) or not parent_shown:
            return False
        educator_id = getattr(record, "educator_id", None)
        if educator_id is not None and not self.covers(educator_id):
            return False
        programs = self.programs.get(educator_id, frozenset()) if educator_id is not None else None
        return readable(self.reader, record.audience, programs)

    def keep(self, records: Iterable[Any]) -> list[Any]:
        return [r for r in records if self.shows(r)]

    @property
    def reader_name(self) -> str:
        return READER_NAMES[self.reader]


def parse_reader(value: str | Reader, allowed: Iterable[Reader]) -> Reader:
    allowed = tuple(allowed)
    try:
        reader = Reader(value)
    except ValueError:
        reader = None
    if reader not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise ValidationError(f"Unknown reader {value!r}: choose one of {names}.")
    return reader


def build_scope(s: Session, reader: Reader, *, educator_id: str | None = None, site_id: str | None = None) -> Scope:
    """A scope for ``reader``. The educator reads one case (``educator_id`` is required); the school
    administrator reads one site's educators or one educator (``site_id`` or ``educator_id`` is required)."""
    if reader is Reader.EDUCATOR and not educator_id:
        raise ValidationError("Choose the educator: an educator may only read their own case.")
    if reader is Reader.ADMIN and not (educator_id or site_id):
        raise ValidationError("Choose the school (or one educator): an administrator reads only their own school.")
    programs: dict[str, set[str]] = defaultdict(set)
    for en in s.scalars(select(Enrolment).where(Enrolment.deleted.is_(False))):
        programs[en.educator_id].add(en.program)
    sites = {e.id: frozenset(e.site_ids or ()) for e in s.scalars(select(Educator).where(Educator.deleted.is_(False)))}
    return Scope(reader=reader, educator_id=educator_id, site_id=site_id,
                 programs={k: frozenset(v) for k, v in programs.items()}, sites=sites)
