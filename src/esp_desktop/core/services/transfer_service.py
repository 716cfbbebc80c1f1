"""Export/import of the whole store as JSON (see core/transfer.py for the format)."""

from __future__ import annotations

from typing import Any

from ..transfer import export_document, import_document
from .base import Service


class TransferService(Service):
    def export(self, *, reader: str | None = None) -> dict[str, Any]:
        with self.session() as s:
            doc = export_document(s, reader=reader)
        counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
        self._svc.audit.log(action="export", detail={"format": "json", "audience": reader or "ct", "counts": counts})
        return doc

    def import_(self, doc: dict[str, Any]) -> dict[str, int]:
        # Imported records keep their own versions and timestamps, so re-importing is a no-op.
        with self.store.session(actor=self._svc.actor.name, applying_remote=True) as s:
            counts = import_document(s, doc)
        self._svc.audit.log(action="import", detail=counts)
        return counts
