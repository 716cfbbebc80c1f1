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

import pydantic_core
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from esp_desktop.core import policy
from esp_desktop.server import access, db, positions
from esp_desktop.server.base import Clash, Database, Forbidden, NotFound, Principal, aware, utcnow
from esp_desktop.server.epoch import State, Witness, read_state, rotate, went_back
from esp_desktop.server.models import Case, CaseSite, Conflict, ProcessedChange, Record, SyncKey, User
from esp_desktop.server.positions import highest_stored
from esp_desktop.sync import protocol as P

_RECORDS: Any = Record.__table__
_PROCESSED: Any = ProcessedChange.__table__


def _behind(state: State, seen: tuple[str, int] | None) -> str:
    return f"the database's newest change ({state.top}) is older than one acknowledged ({seen[1] if seen else '?'})"


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
        parent_id=uuid.UUID(r["parent_id"]) if r.get("parent_id") else None,
    )


_NO_RECORDS = '{"records":[]'


def _served_json(r: Any) -> str:
    """A stored row as a pulled ``ServerRecord``'s JSON: what ``ServerRecord(seq, _envelope(r)).model_dump_json()``
    writes (fields in the models' order; tests/server/test_pull_json.py compares the two), with the stored payload
    text spliced in instead of parsed and written again."""
    head = pydantic_core.to_json({
        "type": r["type"], "id": r["record_id"], "version": r["version"], "deleted": r["deleted"],
        "audience": r["audience"], "educator_id": r["educator_id"], "updated_at": aware(r["updated_at"]),
    }).decode()
    tail = pydantic_core.to_json({
        "ciphertext": r["ciphertext"], "attachment_sha256": r["attachment_sha256"], "parent_id": r["parent_id"],
        "case": None,
    }).decode()
    payload = r["payload"] if r["payload"] is not None else "null"
    return f'{{"seq":{r["seq"]},"record":{head[:-1]},"payload":{payload},{tail[1:]},"conflict":null}}'


@dataclass
class _Plan:
    """What one change of a push will do, decided before sequence numbers are taken."""

    change: P.Change
    ccid: str  # the change's and its record's ids as text, made once (str() of a UUID is not free)
    rid: str
    kind: str  # accept | conflict | rejected | replayed | replay_mismatch
    message: str | None = None
    replayed: P.PushResult | None = None
    row: dict[str, Any] | None = None  # the server row (conflict) or the row to write (accept)
    insert: bool = False
    resolves: list[Conflict] = field(default_factory=list)


def _store_cases(session: Session, who: Principal, envelopes: list[P.RecordEnvelope], now: dt.datetime) -> None:
    """Keep what the read filter knows of each educator (program history, sites) as the CT's device last sent
    it. Whether a school administrator may know of the educator is decided here, by core/policy.py."""
    # keyed by the UUID first: a push of 500 records names a few educators, and str() of a UUID is not free
    by_uuid = {e.educator_id: e.case for e in envelopes if e.educator_id and e.case is not None}
    latest = {str(i): case for i, case in by_uuid.items()}
    if not latest:
        return
    programs = {i: json.dumps(list(case.programs)) for i, case in latest.items()}
    stored = {i: (owner, progs) for i, owner, progs in session.execute(
        select(Case.educator_id, Case.owner_id, Case.programs).where(Case.educator_id.in_(list(latest))))}
    stored_sites: dict[str, set[str]] = {}
    for i, site in session.execute(
            select(CaseSite.educator_id, CaseSite.site_id).where(CaseSite.educator_id.in_(list(stored)))):
        stored_sites.setdefault(i, set()).add(site)
    # Another CT's educator is never overwritten (such records were rejected already); a case as stored is
    # left alone (every record of a push carries its educator's case: rewriting it each time cost more than
    # the records themselves).
    ids = [i for i in latest
           if i not in stored or (stored[i][0] == who.user_id and (
               stored[i][1] != programs[i] or stored_sites.get(i, set()) != {str(s) for s in latest[i].sites}))]
    if not ids:
        return
    session.execute(delete(CaseSite).where(CaseSite.educator_id.in_(ids)))
    session.execute(delete(Case).where(Case.educator_id.in_(ids)))
    session.execute(insert(Case), [
        {"educator_id": i, "owner_id": who.user_id, "programs": programs[i],
         "admin_may_know": policy.admin_may_know(latest[i].programs), "updated_at": now}
        for i in ids])
    sites = [{"educator_id": i, "site_id": str(s)} for i in ids for s in dict.fromkeys(latest[i].sites)]
    if sites:
        session.execute(insert(CaseSite), sites)


class Records(Database):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.witness = Witness(self.data_dir)
        self.positions = positions.for_engine(self.engine)
        snapshot = self.engine
        if self.engine.dialect.name == "postgresql":
            snapshot = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._snapshots = db.session_factory(snapshot)

    # ------------------------------------------------------------------ epoch and head
    def check_epoch(self) -> P.ServerEpoch:
        """At start: rotate the epoch if the database is behind what this data directory handed out, or holds
        positions this server would hand out again (a database restored from elsewhere)."""
        seen = self.witness.seen()
        with self._write() as session:
            state = read_state(session, self.positions)
            if self.positions.ensure_above(session, highest_stored(session)):
                state.epoch = self._rotate(session, state, "the database holds changes above its positions")
                state.head = self.positions.head(session)
            elif went_back(state, seen):
                state.epoch = self._rotate(session, state, _behind(state, seen))
        self.witness.record(state.epoch, state.top)
        return uuid.UUID(state.epoch)

    def _rotate(self, session: Session, state: State, why: str) -> str:
        new = rotate(session, state.epoch)
        if new != state.epoch:
            self._audit(session, who=None, action="epoch.rotate", detail=f"{why}; new epoch {new}")
        return new

    def head(self) -> tuple[uuid.UUID, int]:
        """(server epoch, head: every position at or below it is final)."""
        seen = self.witness.seen()
        with self.sessions() as session:
            state = read_state(session, self.positions)
        if went_back(state, seen):
            with self._write() as session:
                state = read_state(session, self.positions)
                if went_back(state, seen):
                    state.epoch = self._rotate(session, state, _behind(state, seen))
        self.witness.record(state.epoch, state.top)
        return uuid.UUID(state.epoch), state.head

    # ------------------------------------------------------------------ push
    def push(self, who: Principal, req: P.PushRequest, *, remote: str | None = None) -> P.PushResponse:
        if who.role not in ("ct", "panel"):
            raise Forbidden("only a consulting teacher's or a Panel member's device can push records")
        ccids = [str(c.client_change_id) for c in req.changes]
        digests = {ccid: P.change_digest(c) for ccid, c in zip(ccids, req.changes, strict=True)}
        seen = self.witness.seen()  # before the database: see epoch.went_back()
        counts = {"accepted": 0, "conflict": 0, "rejected": 0, "replayed": 0, "replay_mismatch": 0}
        with self._write() as session:
            # One push per CT at a time (two of their devices may push the same record); pushes of different
            # CTs do not wait for each other on PostgreSQL (SQLite has one writer anyway).
            session.execute(select(User.id).where(User.id == who.user_id).with_for_update())
            plans = self._plan(session, who, req, ccids, digests)
            n = sum(1 + len(p.resolves) for p in plans if p.kind in ("accept", "conflict"))
            state = read_state(session, self.positions)
            if went_back(state, seen):
                state.epoch = self._rotate(session, state, _behind(state, seen))
            # Positions are taken last, with no lock held across other pushes (positions.py).
            first = self.positions.take(session, n) if n else 0
            seqs = iter(range(first, first + n))
            state.head = self.positions.head(session)
            if n:
                state.top = max(state.top, first + n - 1)
            now = utcnow()
            results: list[P.PushResult] = []
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            processed: list[dict[str, Any]] = []
            for plan in plans:
                result = self._result(session, who, plan, seqs, now)
                counts[plan.kind if plan.kind != "accept" else "accepted"] += 1
                results.append(result)
                if plan.kind == "accept":
                    assert plan.row is not None
                    (inserts if plan.insert else updates).append(plan.row)
                if plan.kind in ("accept", "conflict", "rejected"):
                    ccid = plan.ccid
                    processed.append(
                        {
                            "owner_id": who.user_id,
                            "client_change_id": ccid,
                            "result": result.model_dump_json(),
                            "digest": digests[ccid],
                            "created_at": now,
                        }
                    )
            # Plain dicts and Core executemany on the tables, not ORM objects nor ORM bulk statements (which
            # cost more than the database's own work here): a push is up to 500 records, the server's hot path.
            if inserts:
                db.insert_many(session, _RECORDS, inserts)
            if updates:
                session.execute(
                    _RECORDS.update().where(_RECORDS.c.record_id == bindparam("b_record_id")),
                    [{**{k: v for k, v in row.items() if k != "record_id"}, "b_record_id": row["record_id"]}
                     for row in updates],
                )
            if processed:
                db.insert_many(session, _PROCESSED, processed)
            if who.role == "ct":  # a Panel member's device never tells the server about a case's programs or sites
                _store_cases(session, who, [p.change.record for p in plans if p.kind in ("accept", "conflict")], now)
            self._audit(
                session,
                who=who,
                action="push",
                count=len(req.changes),
                detail=" ".join(f"{k}={v}" for k, v in counts.items()),
                remote=remote,
            )
        self.witness.record(state.epoch, state.top)
        return P.PushResponse(results=results, server_epoch=uuid.UUID(state.epoch), head_seq=state.head)

    def _plan(
        self, session: Session, who: Principal, req: P.PushRequest, ccids: list[str], digests: dict[str, str]
    ) -> list[_Plan]:
        done = {
            p.client_change_id: (p.result, p.digest)
            for p in session.scalars(
                select(ProcessedChange).where(
                    ProcessedChange.owner_id == who.user_id, ProcessedChange.client_change_id.in_(ccids)
                )
            )
        }
        rid_list = [str(c.record.id) for c in req.changes]
        eids = [str(c.record.educator_id) if c.record.educator_id else None for c in req.changes]
        rids = set(rid_list)
        cols = list(Record.__table__.columns)
        rows: dict[str, dict[str, Any]] = {
            r["record_id"]: dict(r) for r in session.execute(select(*cols).where(Record.record_id.in_(rids))).mappings()
        }
        # Educators named by the records, to refuse records filed under another CT's educator.
        named = {eid for eid in eids if eid} - rids
        educators: dict[str, tuple[int, str]] = {
            rid: (owner, rtype)
            for rid, owner, rtype in session.execute(
                select(Record.record_id, Record.owner_id, Record.type).where(Record.record_id.in_(named))
            )
        }
        batch_types = {rid: c.record.type for rid, c in zip(rid_list, req.changes, strict=True)}
        plans: list[_Plan] = []
        for change, ccid, rid, eid in zip(req.changes, ccids, rid_list, eids, strict=True):
            if ccid in done:
                result, digest = done[ccid]
                if digest is None or digest == digests[ccid]:
                    replayed = P.PushResult.model_validate_json(result).model_copy(update={"replayed": True})
                    plans.append(_Plan(change, ccid, rid, "replayed", replayed=replayed))
                else:
                    plans.append(_Plan(change, ccid, rid, "replay_mismatch"))
                continue
            env = change.record
            row = rows.get(rid)
            owner = who.user_id
            if who.role == "panel":  # attendance, votes, decisions for an agenda: stored under the meeting's CT
                verdict = access.panel_write(session, who, env, row)
                if isinstance(verdict, str):
                    plans.append(_Plan(change, ccid, rid, "rejected", message=verdict))
                    continue
                owner = verdict
                if row is not None and change.base_version < row["version"]:
                    plans.append(_Plan(change, ccid, rid, "rejected", message="changed on the CT's computer meanwhile: "
                                       "record it again after the next sync"))
                    continue
            elif row is not None and row["owner_id"] != who.user_id:
                plans.append(_Plan(change, ccid, rid, "rejected", message="this record belongs to another user"))
                continue
            elif eid is not None:
                owner, etype = educators.get(eid, (who.user_id, batch_types.get(eid, "educator")))
                if eid in rows:
                    owner, etype = rows[eid]["owner_id"], rows[eid]["type"]
                if owner != who.user_id or etype != "educator":
                    plans.append(
                        _Plan(change, ccid, rid, "rejected", message="the record names an educator outside your caseload")
                    )
                    continue
            # A base version above the server's (or a record the server lacks) means the server lost commits
            # (restored from a backup): the device's copy is the newest there is, so it is taken as is.
            if row is not None and change.base_version < row["version"]:
                plans.append(_Plan(change, ccid, rid, "conflict", row=dict(row)))
                continue
            plan = _Plan(change, ccid, rid, "accept", insert=row is None)
            version = max(row["version"] if row is not None else 0, change.base_version) + 1
            fields: dict[str, Any] = {
                "type": env.type,
                "version": version,
                "deleted": env.deleted,
                "audience": env.audience,
                "educator_id": eid,
                "case_id": eid if eid else (rid if env.type == "educator" else None),
                "parent_id": str(env.parent_id) if env.parent_id else None,
                "updated_at": env.updated_at,
                "payload": pydantic_core.to_json(env.payload).decode() if env.payload is not None else None,
                "ciphertext": env.ciphertext,
                "attachment_sha256": env.attachment_sha256,
            }
            if row is None:
                row = {"record_id": rid, "owner_id": owner, "author_id": who.user_id if who.role == "panel" else None,
                       **fields}
                rows[rid] = row
            else:
                row.update(fields)
            plan.row = row
            if change.resolves:
                plan.resolves = list(
                    session.scalars(
                        select(Conflict).where(
                            Conflict.conflict_id.in_([str(c) for c in change.resolves]),
                            Conflict.owner_id == who.user_id,
                            Conflict.record_id == rid,
                            Conflict.resolved.is_(False),
                        )
                    )
                )
            plans.append(plan)
        return plans

    def _result(
        self, session: Session, who: Principal, plan: _Plan, seqs: Iterator[int], now: dt.datetime
    ) -> P.PushResult:
        change = plan.change
        env = change.record
        ccid = change.client_change_id
        if plan.kind == "replayed":
            assert plan.replayed is not None
            return plan.replayed
        if plan.kind == "replay_mismatch":
            return P.PushResult(
                client_change_id=ccid,
                record_id=env.id,
                status="replay_mismatch",
                message="this change id was already used for a different change; send it under a new id",
            )
        if plan.kind == "rejected":
            return P.PushResult(client_change_id=ccid, record_id=env.id, status="rejected", message=plan.message)
        row = plan.row
        assert row is not None
        if plan.kind == "conflict":
            # Edited elsewhere since this device last saw it: keep the server copy, store the incoming
            # edit as a conflict copy that every device of the CT receives, and let the CT decide.
            conflict = Conflict(
                conflict_id=str(uuid.uuid4()),
                record_id=plan.rid,
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
        row["seq"] = next(seqs)
        for conflict in plan.resolves:
            conflict.resolved = True
            conflict.seq = next(seqs)
        return P.PushResult(
            client_change_id=ccid, record_id=env.id, status="accepted", version=row["version"], seq=row["seq"]
        )

    # ------------------------------------------------------------------ pull
    def pull(self, who: Principal, req: P.PullRequest, *, remote: str | None = None) -> P.PullResponse:
        """Records (and, for a CT, conflict copies) changed after the cursor, oldest first."""
        return P.PullResponse.model_validate_json(self.pull_json(who, req, remote=remote))

    def pull_json(self, who: Principal, req: P.PullRequest, *, remote: str | None = None) -> bytes:
        """``pull()``'s page as the JSON the protocol model writes, byte for byte, made without a model per
        record: each record's payload is spliced in as stored (it was written by pydantic-core when pushed), so
        a pull neither parses nor re-serialises what it serves. Pulls are the hot path of a sync."""
        seen = self.witness.seen()  # before the database: see epoch.went_back()
        with self._snapshots() as session:
            # One snapshot for the head and the rows (REPEATABLE READ on PostgreSQL; SQLite's read transaction
            # is one snapshot anyway): everything up to the head is final and visible, so when this page is
            # the last one the next cursor can jump to it without skipping a late commit.
            state = read_state(session, self.positions)
            top = state.head
            scope = access.scope(session, who)
            recs = session.execute(
                select(*Record.__table__.columns)
                .where(access.visible(who), Record.seq > req.cursor, Record.seq <= top)
                .order_by(Record.seq)
                .limit(req.limit + 1)
            ).mappings()
            items = [(r["seq"], _served_json(r)) for r in recs]
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
                    item = P.ServerRecord.model_construct(seq=c.seq, record=env, conflict=info)
                    items.append((c.seq, item.model_dump_json()))
                items.sort(key=lambda item: item[0])
        more = len(items) > req.limit
        page = items[: req.limit]
        next_cursor = page[-1][0] if more else max(top, req.cursor)
        epoch = state.epoch
        if went_back(state, seen):
            epoch = str(self.head()[0])
        else:
            self.witness.record(state.epoch, state.top)
        if page:
            self.audit(who=who, action="pull", count=len(page), detail=f"cursor={req.cursor}", remote=remote)
        rest = P.PullResponse.model_construct(
            records=[], next_cursor=next_cursor, more=more, scope=scope, server_epoch=uuid.UUID(epoch), head_seq=top
        ).model_dump_json()
        assert rest.startswith(_NO_RECORDS)  # records is the model's first field
        return ('{"records":[' + ",".join(text for _, text in page) + "]" + rest[len(_NO_RECORDS):]).encode()

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
