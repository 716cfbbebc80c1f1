"""Export/import of the whole store as a JSON document.

Export document: ``{"format": "esp-desktop-export", "format_version": 1, "exported_at", "audience",
"<record type>": [ <record JSON form, see store/records.py> ... ], ...}``. Attachment records carry their file
content as ``content_base64`` so an export is complete on its own. The CT's own full export (no audience) also
carries ``"sync_conflicts"``: the versions kept aside by sync conflicts (an import leaves them out: they are
records' other versions, not records).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.audience import visible_to
from ..core.errors import ValidationError
from ..store.models import RECORD_TYPES, SyncConflict
from ..store.records import apply_record_dict, record_to_dict
from .base import Service

EXPORT_FORMAT = "esp-desktop-export"
CONFLICTS_KEY = "sync_conflicts"  # not a record type: versions kept aside by sync, in the CT's full export only
EXPORT_VERSION = 1
# Parents whose visibility gates their children (a note of a hidden observation stays hidden).
PARENT_OF: dict[str, tuple[str, str]] = {
    "script_note": ("observation_id", "observation"),
    "goal_progress": ("goal_id", "goal"),
    "acknowledgement": ("document_id", "assessment"),
    "panel_case": ("meeting_id", "panel_meeting"),
}




def export_document(s: Session, *, reader: str | None = None, include_deleted: bool = False) -> dict[str, Any]:
    """Every record as JSON; with ``reader`` only what that audience may see (never CT-private)."""


    doc: dict[str, Any] = {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION,
                           "exported_at": clock.now().isoformat(), "audience": reader or "ct"}
    visible_ids: dict[str, set[str]] = {}
    # Parents first so children can be gated on them.
    order = sorted(RECORD_TYPES, key=lambda t: t in PARENT_OF)
    for rtype in order:
        model = RECORD_TYPES[rtype]
        q = select(model)
        if not include_deleted:
            q = q.where(model.deleted.is_(False))
        rows = []
        for obj in s.scalars(q.order_by(model.created_at)):
            if reader and not visible_to(obj.audience, reader):
                continue
            if reader and rtype in PARENT_OF:
                fk, ptype = PARENT_OF[rtype]
                if getattr(obj, fk) not in visible_ids.get(ptype, set()):
                    continue
            rows.append(record_to_dict(obj))
        visible_ids[rtype] = {r["id"] for r in rows}
        doc[rtype] = rows
    if reader is None:
        # The CT's own full export is complete: it also carries the versions kept aside by sync conflicts
        # (open or settled), which exist nowhere else once the CT's devices are gone.
        doc[CONFLICTS_KEY] = [
            {"conflict_id": c.conflict_id, "record_type": c.record_type, "record_id": c.record_id,
             "base_version": c.base_version, "server_version": c.server_version, "resolved": c.resolved,
             "received_at": c.received_at.isoformat(), "data": c.data}
            for c in s.scalars(select(SyncConflict).order_by(SyncConflict.received_at))
        ]
    return doc


def import_document(s: Session, doc: dict[str, Any]) -> dict[str, int]:
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise ValidationError("This file is not an esp-desktop export.")
    if doc.get("format_version") != EXPORT_VERSION:
        raise ValidationError(f"Unsupported export version {doc.get('format_version')!r}.")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for rtype in RECORD_TYPES:
        rows = doc.get(rtype, [])
        if not isinstance(rows, list):
            raise ValidationError(f"{rtype} must be a list.")
        for d in rows:
            if not isinstance(d, dict):
                raise ValidationError(f"{rtype} entries must be objects.")
            d = dict(d)
            d.setdefault("type", rtype)
            # Imported records are not on the sync server yet: marked for the next sync (not clean).
            counts[apply_record_dict(s, d, mark_dirty=True)] += 1
    return counts


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
