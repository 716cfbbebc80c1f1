"""Defence in depth: the renderer refuses a view model holding anything its reader may not see."""

from __future__ import annotations

from esp_desktop.reports.viewmodels import Document, iter_audiences

try:  # the single audience rule lives in core (architecture.md)
    from esp_desktop.core.audience import visible_to
except ImportError:  # pragma: no cover - until the core package lands
    _READERS = {
        "ct_private": frozenset({"ct"}),
        "educator": frozenset({"ct", "educator", "panel"}),
        "panel": frozenset({"ct", "panel"}),
        "admin": frozenset({"ct", "panel", "admin", "educator"}),
    }

    def visible_to(record_audience: str, reader: str) -> bool:  # type: ignore[misc]
        return reader in _READERS.get(record_audience, frozenset())


READERS = ("educator", "panel", "admin")


class RedactionError(RuntimeError):
    """A document was about to carry an item its reader may not see (an assembler bug)."""


def check_visible(doc: Document, reader: str) -> None:
    if reader not in READERS:
        raise RedactionError(f"Unknown audience {reader!r}: choose one of {', '.join(READERS)}.")
    if doc.meta.audience != reader:
        raise RedactionError(f"Document was assembled for {doc.meta.audience!r}, not for {reader!r}.")
    for path, audience in iter_audiences(doc):
        # ct_private is checked on its own so a permissive rule change can never leak CT notes.
        if audience == "ct_private" or not visible_to(audience, reader):
            raise RedactionError(f"{path} has audience {audience!r}, which {reader!r} may not see.")
