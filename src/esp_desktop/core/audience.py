"""The confidentiality rule: which reader may see a record of which audience.

This table is the single source of truth; exports, reports and the central server all call ``visible_to``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .enums import Audience, Reader

READERS: dict[Audience, frozenset[Reader]] = {
    # Scripted notes and the CT's own thinking: never leaves the CT.
    Audience.CT_PRIVATE: frozenset({Reader.CT}),
    # Shared with the educator; the panel reviewing the case sees the same.
    Audience.EDUCATOR: frozenset({Reader.CT, Reader.EDUCATOR, Reader.PANEL}),
    # Case material for the ESP Panel only (e.g. rating rationale before it is shared).
    Audience.PANEL: frozenset({Reader.CT, Reader.PANEL}),
    # Shared with the administrator; the educator is entitled to what their administrator receives.
    Audience.ADMIN: frozenset({Reader.CT, Reader.PANEL, Reader.ADMIN, Reader.EDUCATOR}),
}


def visible_to(audience: str | Audience, reader: str | Reader) -> bool:
    """True if a record with ``audience`` may be shown to ``reader``."""
    return Reader(reader) in READERS[Audience(audience)]


def audiences_for(reader: str | Reader) -> frozenset[Audience]:
    """Every record audience that ``reader`` may see."""
    r = Reader(reader)
    return frozenset(a for a, readers in READERS.items() if r in readers)


def filter_visible(records: Iterable, reader: str | Reader) -> list:
    """Keep the records (objects with an ``audience`` attribute) that ``reader`` may see."""
    allowed = audiences_for(reader)
    return [r for r in records if Audience(r.audience) in allowed]
