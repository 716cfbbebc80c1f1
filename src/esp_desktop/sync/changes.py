"""Local changes going out: collect the dirty records, make their envelopes and change ids, and record the
server's answers (marking pushed records clean) with bulk Core statements.

A change id is derived from (device, record, base version, local version, content digest). A push retried
after a crash sends the same ids, so the server answers "already done" instead of applying it twice; an
edit that differs from what was sent earlier (a store restored from a backup, a copy of the store used on a
second computer) always gets a new id, so it is never mistaken for a replay and dropped.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pydantic_core
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.engine import Connection

from ..store.bulk import executemany
from ..store.facts import Facts
from ..store.models import RECORD_TYPES, SyncConflict, SyncRecordState
from ..store.records import row_to_dict
from . import crypto
from .apply import canonical_and_digest, chunks, table_of

CHANGE_NS = uuid.UUID("6f1d7a52-3c1e-4f0e-9a55-2b8f6f0c5e11")
_STATE: Any = SyncRecordState.__table__
_CONFLICT: Any = SyncConflict.__table__


@dataclass
class Outgoing:
    """One pending change, ready to send: ``wire`` is its JSON text inside the push request (each record is
    serialised once: the same canonical text gives the content digest, the payload or the sealed plaintext)."""

    record_id: str
    record_type: str
    local_version: int
    base_version: int
    deleted: bool
    data: dict[str, Any]
    change_id: str
    wire: str
    digest: str  # content_digest(data): kept as the server's digest once accepted
    resolves: list[str] = field(default_factory=list)

    def with_fresh_id(self) -> Outgoing:
        """The same change under a new random id (after the server answered ``replay_mismatch``)."""
        fresh = str(uuid.uuid4())
        return replace(self, change_id=fresh, wire=self.wire.replace(self.change_id, fresh, 1))


def change_id(device_id: str, rid: str, base: int, local_version: int, canonical: str,
              resolves: list[str] | None = None) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    settles = ",".join(sorted(resolves)) if resolves else ""
    return str(uuid.uuid5(CHANGE_NS, f"{device_id}:{rid}:{base}:{local_version}:{digest}:{settles}"))


def push_body(batch: list[Outgoing]) -> bytes:
    return ('{"changes":[' + ",".join(c.wire for c in batch) + "]}").encode()


def batches(changes: list[Outgoing], *, max_count: int, max_bytes: int) -> Iterator[list[Outgoing]]:
    """Push requests of at most ``max_count`` changes and ``max_bytes`` of body (the server's limits)."""
    batch: list[Outgoing] = []
    size = len(push_body([]))
    for c in changes:
        extra = len(c.wire.encode()) + 1
        if batch and (len(batch) >= max_count or size + extra > max_bytes):
            yield batch
            batch, size = [], len(push_body([]))
        batch.append(c)
        size += extra
    if batch:
        yield batch


def dirty_rows(conn: Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """(record type, JSON form) of every record changed here since the server last saw it."""
    for rtype in RECORD_TYPES:
        t = table_of(rtype)
        for row in conn.execute(select(t).where(t.c.sync_dirty.is_(True))).mappings():
            yield rtype, row_to_dict(rtype, row)


def bases(conn: Connection) -> dict[str, int]:
    return {r[0]: r[1] for r in conn.execute(select(_STATE.c.record_id, _STATE.c.server_version))}


def pending_resolutions(conn: Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid, rid in conn.execute(
        select(_CONFLICT.c.conflict_id, _CONFLICT.c.record_id).where(_CONFLICT.c.resolution_pending.is_(True))
    ):
        out.setdefault(rid, []).append(cid)
    return {rid: sorted(cids) for rid, cids in out.items()}


def server_live_count(conn: Connection) -> int:
    """How many records are live on the server as far as this device knows: those the server has seen and
    that are not deleted here, plus those being deleted now. Tombstones are not records a CT can lose."""
    total = 0
    for rtype in RECORD_TYPES:
        t = table_of(rtype)
        total += conn.execute(
            select(func.count()).select_from(t.join(_STATE, _STATE.c.record_id == t.c.id))
            .where(t.c.deleted.is_(False) | t.c.sync_dirty.is_(True))
        ).scalar() or 0
    return total


def build_outgoing(
    conn: Connection,
    *,
    device_id: str,
    key: bytes,
    upload: Callable[[str], str],
) -> list[Outgoing]:
    """Every pending change as a push-request entry. ``upload(attachment_id)`` sends an attachment's encrypted
    file first and returns its content address."""
    known = bases(conn)
    resolves = pending_resolutions(conn)
    sealer = crypto.Sealer(key)
    facts = Facts.load(conn)
    out: list[Outgoing] = []
    for rtype, data in dirty_rows(conn):
        rid = data["id"]
        base = known.get(rid, 0)
        canonical, digest = canonical_and_digest(data)
        env: dict[str, Any] = {
            "type": rtype,
            "id": rid,
            "version": data["version"],
            "deleted": bool(data["deleted"]),
            "educator_id": data.get("educator_id"),
            "updated_at": data["updated_at"],
        }
        # The effective audience (a child travels as privately as its parent: an attachment of CT-private
        # evidence is sealed, file key included), the parent's id and the educator's program history and
        # sites: what esp-central needs to apply core/policy.py without reading the record. The payload keeps
        # the record's own label.
        env.update(facts.envelope(rtype, data))
        if rtype == "attachment" and not data["deleted"]:
            env["attachment_sha256"] = upload(rid)
        if env["audience"] == "ct_private":
            # Sealed for the version the server gives an accepted change: base + 1.
            env["ciphertext"] = sealer.seal_text(canonical, record_type=rtype, record_id=rid, version=base + 1)
            record_json = pydantic_core.to_json(env).decode()
        else:
            record_json = pydantic_core.to_json(env).decode()[:-1] + ',"payload":' + canonical + "}"
        ccid = change_id(device_id, rid, base, data["version"], canonical, resolves.get(rid))
        head = f'{{"client_change_id":"{ccid}","base_version":{base},'
        if resolves.get(rid):
            head += f'"resolves":{json.dumps(resolves[rid])},'
        out.append(Outgoing(rid, rtype, data["version"], base, bool(data["deleted"]), data, ccid,
                            head + '"record":' + record_json + "}", digest, resolves.get(rid, [])))
    return out


def mark_synced(conn: Connection, rows: list[tuple[str, str, int, int]]) -> None:
    """(type, id, version sent, server version): clean again unless edited while the push was on the wire.
    The server's version number becomes the local one, so every device shows the same."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for rtype, rid, sent, new in rows:
        by_type.setdefault(rtype, []).append({"b_id": rid, "b_sent": sent, "b_new": new})
    for rtype, params in by_type.items():
        t = table_of(rtype)
        executemany(
            conn,
            update(t)
            .where(and_(t.c.id == bindparam("b_id"), t.c.version == bindparam("b_sent")))
            .values(version=bindparam("b_new"), sync_dirty=False),
            params,
        )


def local_versions(conn: Connection, items: list[tuple[str, str]]) -> dict[str, int]:
    """Current local version of (type, id) pairs."""
    by_type: dict[str, list[str]] = {}
    for rtype, rid in items:
        by_type.setdefault(rtype, []).append(rid)
    out: dict[str, int] = {}
    for rtype, ids in by_type.items():
        t = table_of(rtype)
        for part in chunks(ids):
            out.update((r[0], r[1]) for r in conn.execute(select(t.c.id, t.c.version).where(t.c.id.in_(part))))
    return out


def clear_resolutions(conn: Connection, conflict_ids: list[str]) -> None:
    for part in chunks(conflict_ids):
        conn.execute(update(_CONFLICT).where(_CONFLICT.c.conflict_id.in_(part)).values(resolution_pending=False))
