"""Defence in depth: the renderer refuses a view model holding anything its reader may not see."""

from __future__ import annotations

from esp_desktop.core.errors import RuleViolation
from esp_desktop.core.policy import OUTPUT_READERS, label_allows
from esp_desktop.reports.cycle_viewmodels import CycleDocument
from esp_desktop.reports.viewmodels import Document, audiences, path_of

READERS = OUTPUT_READERS  # the readers a PDF is prepared for (core/policy.py)


class RedactionError(RuntimeError):
    """A document was about to carry an item its reader may not see (an assembler bug)."""


class NotVisible(RuleViolation):
    """The document's subject (observation, meeting, assessment) may not be shown to the chosen reader."""


def check_visible(doc: Document | CycleDocument, reader: str) -> None:
    if reader not in READERS:
        raise RedactionError(f"Unknown audience {reader!r}: choose one of {', '.join(READERS)}.")
    if doc.meta.audience != reader:
        raise RedactionError(f"Document was assembled for {doc.meta.audience!r}, not for {reader!r}.")
    for audience, where in audiences(doc):
        # ct_private is checked on its own so a permissive rule change can never leak CT notes.
        if audience == "ct_private" or not label_allows(audience, reader):
            raise RedactionError(f"{path_of(where)} has audience {audience!r}, which {reader!r} may not see.")
