"""Export/import of the whole store as a JSON document.

Export document: ``{"format": "esp-desktop-export", "format_version": 1, "exported_at", "audience",
"prepared_for", ["educators"], ["sites"], "omitted": [{type, reason, count}], "<record type>": [ <record JSON
form, see store/records.py> ... ], ...}``. Which records go in is decided by core/policy.py, for one reader.
Attachment records carry their file content as ``content_base64`` so an export is complete on its own.
The CT's own copy also carries ``"sync_conflicts"``: the versions kept aside by sync conflicts (an import
leaves them out: they are other versions of records, not records).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock, policy
from ..core.enums import Audience, ReaderKind
from ..core.errors import ValidationError
from ..store.facts import Facts
from ..store.models import RECORD_TYPES, SyncConflict
from ..store.records import apply_record_dict, record_to_dict
from .base import Service

EXPORT_FORMAT = "esp-desktop-export"
CONFLICTS_KEY = "sync_conflicts"  # not a record type: versions kept aside by sync, in the CT's full export only
EXPORT_VERSION = 1

ReaderArg = policy.Reader | str | None


def as_reader(reader: ReaderArg) -> policy.Reader:
    """None: the CT's own copy without CT-private records; a kind name: that reader, unscoped."""
    if reader is None:
        return policy.reader("ct", with_private=False)
    return reader if isinstance(reader, policy.Reader) else policy.reader(reader)


def export_document(s: Session, *, reader: ReaderArg = None,
                    include_deleted: bool = False) -> tuple[dict[str, Any], policy.Omissions]:
    """Every record ``reader`` may read (core/policy.py decides), as JSON, and what was left out.

    The document states what was left out (``omitted``), in the words its reader may be told.
    """
    r = as_reader(reader)
    facts = Facts.load(s)
    omitted = policy.Omissions(r)
    doc: dict[str, Any] = {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION,
                           "exported_at": clock.now().isoformat(), "audience": r.kind.value,
                           "prepared_for": r.name}
    if r.educators is not None:
        doc["educators"] = sorted(r.educators)
    if r.sites is not None:
        doc["sites"] = sorted(r.sites)
    for rtype, model in RECORD_TYPES.items():
        q = select(model)
        if not include_deleted:
            q = q.where(model.deleted.is_(False))
        doc[rtype] = [record_to_dict(obj) for obj in s.scalars(q.order_by(model.created_at))
                      if omitted.note(facts.subject(obj))]
    doc["omitted"] = omitted.as_json(for_reader=True)
    if r.kind is ReaderKind.CT:
        _add_conflicts(s, doc, with_private=r.with_private)
    return doc, omitted


def _add_conflicts(s: Session, doc: dict[str, Any], *, with_private: bool) -> None:
    """The CT's own copy is complete: it also carries the versions kept aside by sync conflicts (open or
    settled), which exist nowhere else once the CT's devices are gone. A CT-private one only with the private
    records, and the document says how many were left out."""
    kept, left_out = [], 0
    for c in s.scalars(select(SyncConflict).order_by(SyncConflict.received_at, SyncConflict.conflict_id)):
        if not with_private and c.data.get("audience") == Audience.CT_PRIVATE.value:
            left_out += 1
            continue
        kept.append({"conflict_id": c.conflict_id, "record_type": c.record_type, "record_id": c.record_id,
                     "base_version": c.base_version, "server_version": c.server_version, "resolved": c.resolved,
                     "received_at": c.received_at.isoformat(), "data": c.data})
    doc[CONFLICTS_KEY] = kept
    if left_out:
        doc["omitted"].append({"type": CONFLICTS_KEY, "reason": policy.Reason.PRIVATE.value, "count": left_out})


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
    def export(self, *, reader: ReaderArg = None, with_files: bool = True) -> dict[str, Any]:
        """The export document for ``reader`` (default: the CT's own copy without CT-private records)."""
        return self.export_with_omissions(reader=reader, with_files=with_files)[0]

    def preview(self, *, reader: ReaderArg = None) -> policy.Omissions:
        """What an export for ``reader`` would leave out, without writing anything (for dialogs)."""
        with self.session() as s:
            return export_document(s, reader=reader)[1]

    def export_with_omissions(self, *, reader: ReaderArg = None,
                              with_files: bool = True) -> tuple[dict[str, Any], policy.Omissions]:
        with self.session() as s:
            doc, omitted = export_document(s, reader=reader)
        if with_files:
            for att in doc.get("attachment", []):
                data = self.store.attachments.get(att["id"], att["file_key"], att["sha256"])
                att["content_base64"] = base64.b64encode(data).decode("ascii")
        counts = {k: len(doc[k]) for k in RECORD_TYPES}
        r = omitted.reader
        self._svc.audit.log(action="export", detail={
            "format": "json", "audience": r.kind.value, "with_private": r.with_private,
            "educators": sorted(r.educators or ()), "sites": sorted(r.sites or ()), "counts": counts,
            "omitted": omitted.as_json()})
        return doc, omitted

    @staticmethod
    def record_count(doc: dict[str, Any]) -> int:
        """How many records an export document holds (all record types)."""
        return sum(len(doc.get(t, [])) for t in RECORD_TYPES)

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
