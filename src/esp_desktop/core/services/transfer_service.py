"""Export/import of the whole store as JSON (see core/transfer.py for the format).

Attachment records carry their file content as ``content_base64`` so an export is complete on its own.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from ..errors import ValidationError
from ..transfer import export_document, import_document
from .base import Service


class TransferService(Service):
    def export(self, *, reader: str | None = None, with_files: bool = True) -> dict[str, Any]:
        with self.session() as s:
            doc = export_document(s, reader=reader)
        if with_files:
            for att in doc.get("attachment", []):
                data = self.store.attachments.get(att["id"], att["file_key"], att["sha256"])
                att["content_base64"] = base64.b64encode(data).decode("ascii")
        counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
        self._svc.audit.log(action="export", detail={"format": "json", "audience": reader or "ct", "counts": counts})
        return doc

    def import_(self, doc: dict[str, Any]) -> dict[str, int]:
        files: list[tuple[dict[str, Any], bytes]] = []
        for att in doc.get("attachment", []) if isinstance(doc, dict) else []:
            if isinstance(att, dict) and "content_base64" in att:
                att = dict(att)
                try:
                    data = base64.b64decode(att.pop("content_base64"), validate=True)
                except (ValueError, TypeError):
                    raise ValidationError("An attachment's content is not valid base64.") from None
                if hashlib.sha256(data).hexdigest() != att.get("sha256"):
                    raise ValidationError(f"Attachment {att.get('filename')!r} does not match its checksum.")
                files.append((att, data))
        if files:
            doc = dict(doc)
            doc["attachment"] = [a for a, _ in files] + [
                a for a in doc["attachment"] if not (isinstance(a, dict) and "content_base64" in a)]
        # Imported records keep their own versions and timestamps, so re-importing is a no-op.
        with self.store.session(actor=self._svc.actor.name, applying_remote=True) as s:
            counts = import_document(s, doc)
        for att, data in files:
            if not self.store.attachments.path_for(att["id"]).exists():
                self.store.attachments.put(att["id"], data, att["filename"], key=bytes.fromhex(att["file_key"]))
        self._svc.audit.log(action="import", detail=counts)
        return counts
