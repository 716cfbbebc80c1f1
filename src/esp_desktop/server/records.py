"""Records: push (with conflicts and idempotent replays), pull by sequence number, and the CT's sync key.

Every write bumps the ``counters`` row first, so sequence numbers commit in order.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from esp_desktop.server import access
from esp_desktop.server.base import Clash, Database, Forbidden, NotFound, Principal, aware, utcnow
from esp_desktop.server.models import Conflict, Counter, ProcessedChange, Record, SyncKey
from esp_desktop.sync import protocol as P


def _envelope(r: Any) -> P.RecordEnvelope:
    """A stored row as the protocol model, without validating again: rows were validated when pushed, and
    pulls are the hot path of a sync (validation would cost four times the serialisation)."""
    return P.RecordEnvelope.model_construct(
        type=r["type"],
        id=uuid.UUID(r["record_id"]),
        version=r["version"],
        deleted=r["deleted"],
        audience=r["audience"],
        educator_id=uuid.UUID(r["educator_id"]) if r["educator_id"] else None,
        updated_at=aware(r["updated_at"]),
        payload=json.loads(r["payload"]) if r["payload"] is not None else None,
        ciphertext=r["ciphertext"],
        attachment_sha256=r["attachment_sha256"],
    )


@dataclass
class _Batch:
    """Rows one push will write with bulk statements."""

    inserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: list[dict[str, Any]] = field(default_factory=list)


class Records(Database):
    @staticmethod
    def _next_seq(session: Session, n: int) -> int:
        """Reserve n sequence numbers; returns the first. Row-locks the counter until commit."""
        new_top = session.execute(
            update(Counter)
            .where(Counter.name == "seq")
            .values(value=Counter.value + n)
            .returning(Counter.value)
        ).scalar_one()
        return int(new_top) - n + 1

    def current_seq(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(Counter.value).where(Counter.name == "seq")) or 0)

    # ------------------------------------------------------------------ push
    def push(self, who: Principal, req: P.PushRequest, *, remote: str | None = None) -> P.PushResponse:
        if who.role != "ct":
            raise Forbidden("only a consulting teacher's device can push records")
        ccids = [str(c.client_change_id) for c in req.changes]
        rids = {str(c.record.id) for c in req.changes}
        results: list[P.PushResult] = []
        counts = {"accepted": 0, "conflict": 0, "rejected": 0, "replayed": 0}
        with self._write() as session:
            first = self._next_seq(session, len(req.changes) + sum(len(c.resolves) for c in req.changes))
            seqs = iter(range(first, first + 10**9))
            done = {
                p.client_change_id: p.result
                for p in session.scalars(
                    select(ProcessedChange).where(
                        ProcessedChange.owner_id == who.user_id, ProcessedChange.client_change_id.in_(ccids)
                    )
                )
            }
            # Plain dicts and bulk statements, not ORM objects: a push is up to 500 records and this is
            # the server's hot path.
            cols = list(Record.__table__.columns)
            rows: dict[str, dict[str, Any]] = {
                r["record_id"]: dict(r)
                for r in session.execute(select(*cols).where(Record.record_id.in_(rids))).mappings()
            }
            batch = _Batch()
            now = utcnow()
            for change in req.changes:
                ccid = str(change.client_change_id)
                if ccid in done:
                    result = P.PushResult.model_validate_json(done[ccid]).model_copy(
                        update={"replayed": True}
                    )
                    counts["replayed"] += 1
                    results.append(result)
                    continue
                result = self._apply(session, who, change, rows, batch, seqs, now)
                counts[result.status] += 1
                batch.processed.append(
                    {
                        "owner_id": who.user_id,
                        "client_change_id": ccid,
                        "result": result.model_dump_json(),
                        "created_at": now,
                    }
                )
                results.append(result)
            if batch.inserts:
                session.execute(insert(Record), list(batch.inserts.values()))
            if batch.updates:
                session.execute(update(Record), list(batch.updates.values()))
            if batch.processed:
                session.execute(insert(ProcessedChange), batch.processed)
            self._audit(
                session,
                who=who,
                action="push",
                count=len(req.changes),
                detail=" ".join(f"{k}={v}" for k, v in counts.items()),
                remote=remote,
            )
            top = session.scalar(select(Counter.value).where(Counter.name == "seq"))
        return P.PushResponse(results=results, cursor=int(top or 0))

    def _apply(
        self,
        session: Session,
        who: Principal,
        change: P.Change,
        rows: dict[str, dict[str, Any]],
        batch: _Batch,
        seqs: Iterator[int],
        now: dt.datetime,
    ) -> P.PushResult:
        env = change.record
        rid = str(env.id)
        ccid = change.client_change_id
        row = rows.get(rid)
        if row is not None and row["owner_id"] != who.user_id:
            return P.PushResult(
                client_change_id=ccid,
                record_id=env.id,
                status="rejected",
                message="this record belongs to another user",
            )
        if row is not None and change.base_version != row["version"]:
            # Edited elsewhere since this device last saw it: keep the server copy, store the incoming
            # edit as a conflict copy that every device of the CT receives, and let the CT decide.
            conflict = Conflict(
                conflict_id=str(uuid.uuid4()),
                record_id=rid,
                owner_id=who.user_id,
                device_id=who.device_id,
                base_version=change.base_version,
                server_version=row["version"],
                envelope=env.model_dump_json(),
                resolved=False,
                created_at=now,
                seq=next(seqs),
            )
            session.add(conflict)
            return P.PushResult(
                client_change_id=ccid,
                record_id=env.id,
                status="conflict",
                version=row["version"],
                seq=conflict.seq,
                conflict_id=uuid.UUID(conflict.conflict_id),
                server_record=_envelope(row),
                message="the record was changed on another device; both versions are kept",
            )
        version = (row["version"] if row is not None else change.base_version) + 1
        seq = next(seqs)
        fields: dict[str, Any] = {
            "type": env.type,
            "version": version,
            "deleted": env.deleted,
            "audience": env.audience,
            "educator_id": str(env.educator_id) if env.educator_id else None,
            "case_id": str(env.educator_id) if env.educator_id else (rid if env.type == "educator" else None),
            "updated_at": env.updated_at,
            "payload": json.dumps(env.payload, separators=(",", ":")) if env.payload is not None else None,
            "ciphertext": env.ciphertext,
            "attachment_sha256": env.attachment_sha256,
            "seq": seq,
        }
        if row is None:
            row = {"record_id": rid, "owner_id": who.user_id, **fields}
            rows[rid] = row
            batch.inserts[rid] = row
        else:
            row.update(fields)
            if rid not in batch.inserts:
                batch.updates[rid] = row
        if change.resolves:
            for conflict in session.scalars(
                select(Conflict).where(
                    Conflict.conflict_id.in_([str(c) for c in change.resolves]),
                    Conflict.owner_id == who.user_id,
                    Conflict.record_id == rid,
                    Conflict.resolved.is_(False),
                )
            ):
                conflict.resolved = True
                conflict.seq = next(seqs)
        return P.PushResult(
            client_change_id=ccid, record_id=env.id, status="accepted", version=version, seq=seq
        )

    # ------------------------------------------------------------------ pull
    def pull(self, who: Principal, req: P.PullRequest, *, remote: str | None = None) -> P.PullResponse:
        """Records (and, for a CT, conflict copies) changed after the cursor, oldest first."""
        with self.sessions() as session:
            # Read the committed top first: everything up to it is visible, so when this page is the last
            # one the next cursor can jump to it without skipping a late commit.
            top = int(session.scalar(select(Counter.value).where(Counter.name == "seq")) or 0)
            scope = access.scope(session, who)
            recs = session.execute(
                select(*Record.__table__.columns)
                .where(access.visible(who), Record.seq > req.cursor, Record.seq <= top)
                .order_by(Record.seq)
                .limit(req.limit + 1)
            ).mappings()
            items = [P.ServerRecord.model_construct(seq=r["seq"], record=_envelope(r), conflict=None) for r in recs]
            if who.role == "ct":
                for c in session.scalars(
                    select(Conflict)
                    .where(Conflict.owner_id == who.user_id, Conflict.seq > req.cursor, Conflict.seq <= top)
                    .order_by(Conflict.seq)
                    .limit(req.limit + 1)
                ):
                    info = P.ConflictInfo(
                        conflict_id=uuid.UUID(c.conflict_id),
                        base_version=c.base_version,
                        server_version=c.server_version,
                        resolved=c.resolved,
                        device_id=uuid.UUID(c.device_id) if c.device_id else None,
                    )
                    env = P.RecordEnvelope.model_validate_json(c.envelope)
                    items.append(P.ServerRecord.model_construct(seq=c.seq, record=env, conflict=info))
                items.sort(key=lambda item: item.seq)
        more = len(items) > req.limit
        page = items[: req.limit]
        next_cursor = page[-1].seq if more else max(top, req.cursor)
        if page:
            self.audit(who=who, action="pull", count=len(page), detail=f"cursor={req.cursor}", remote=remote)
        return P.PullResponse(records=page, next_cursor=next_cursor, more=more, scope=scope)

    # ------------------------------------------------------------------ sync key
    def get_sync_key(self, who: Principal) -> P.WrappedKey:
        if who.role != "ct":
            raise Forbidden("only a consulting teacher has a sync key")
        with self.sessions() as session:
            row = session.get(SyncKey, who.user_id)
        if row is None:
            raise NotFound("no sync key stored yet")
        return P.WrappedKey(key_id=uuid.UUID(row.key_id), blob=row.blob)

    def put_sync_key(self, who: Principal, key: P.WrappedKey) -> P.WrappedKey:
        """Store the wrapped key once; later puts may only re-wrap the same key (same key_id)."""
        if who.role != "ct":
            raise Forbidden("only a consulting teacher has a sync key")
        with self._write() as session:
            row = session.get(SyncKey, who.user_id)
            if row is not None and row.key_id != str(key.key_id):
                raise Clash("a different sync key is already stored; fetch it and unwrap it instead")
            if row is None:
                session.add(
                    SyncKey(owner_id=who.user_id, key_id=str(key.key_id), blob=key.blob, updated_at=utcnow())
                )
            else:
                row.blob = key.blob
                row.updated_at = utcnow()
            self._audit(session, who=who, action="sync_key.put", detail=str(key.key_id))
        return key
