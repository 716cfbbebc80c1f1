"""Sync conflicts, for the CT: list them and settle them, locally (no server needed).

A conflict is a version of a record that the server did not apply because the record had changed on another
device meanwhile. The sync engine keeps it (``SyncConflict``) beside the version in use; the CT chooses. The
choice is a local edit, sent to the server (with the conflict's id) at the next sync, which closes the
conflict on the CT's other devices too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..core.errors import NotFound, ValidationError
from ..store.models import RECORD_TYPES, SyncConflict
from ..store.records import apply_record_dict, record_to_dict
from .base import Service


@dataclass(frozen=True)
class Conflict:
    """One conflict: ``other`` is the version kept aside, ``current`` the version in use here ({} if the record
    is deleted or missing here)."""

    conflict_id: str
    record_id: str
    record_type: str
    base_version: int
    server_version: int
    received_at: datetime
    resolved: bool
    other: dict[str, Any]
    current: dict[str, Any]


class ConflictService(Service):
    def list(self, *, include_resolved: bool = False) -> list[Conflict]:
        with self.session() as s:
            q = select(SyncConflict).order_by(SyncConflict.received_at, SyncConflict.conflict_id)
            if not include_resolved:
                q = q.where(SyncConflict.resolved.is_(False))
            out = []
            for row in s.scalars(q):
                model = RECORD_TYPES.get(row.record_type)
                obj = s.get(model, row.record_id) if model is not None else None
                current = record_to_dict(obj) if obj is not None and not obj.deleted else {}
                out.append(Conflict(row.conflict_id, row.record_id, row.record_type, row.base_version,
                                    row.server_version, row.received_at, row.resolved, dict(row.data), current))
            return out

    def count(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(SyncConflict)
                                .where(SyncConflict.resolved.is_(False))) or 0)

    def resolve(self, conflict_id: str, *, keep: str) -> None:
        """Settle a conflict: ``keep="mine"`` makes the version kept aside the current one (a new local edit),
        ``keep="theirs"`` keeps the current version. Either way the next sync tells the server."""
        if keep not in ("mine", "theirs"):
            raise ValidationError("Choose which version to keep: 'mine' (the one kept aside) or 'theirs'.")
        with self.session() as s:
            row = s.get(SyncConflict, conflict_id)
            if row is None:
                raise NotFound("That conflict was not found.")
            if row.resolved:
                raise ValidationError("That conflict is already resolved.")
            model = RECORD_TYPES.get(row.record_type)
            if model is None:
                raise ValidationError("This version of esp-desktop does not know that kind of record.")
            obj = s.get(model, row.record_id)
            if keep == "mine" or obj is None:
                current = record_to_dict(obj) if obj is not None else {}
                merged = {
                    **current,
                    **row.data,
                    "type": row.record_type,
                    "id": row.record_id,
                    "version": (obj.version if obj is not None else row.server_version),
                }
                apply_record_dict(s, merged, keep_newer_local=False)
                obj = s.get(model, row.record_id)
                assert obj is not None
            obj.sync_dirty = True
            row.resolved = True
            row.resolution_pending = True
