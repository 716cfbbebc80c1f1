"""esp-central's rules: enrolment, authentication, push/pull with conflicts, access by role, attachments.

Independent of FastAPI so the CLI and the tests can use it directly. Every write runs in one transaction
under ``_write()`` (an in-process lock, needed because SQLite has one writer, and harmless elsewhere) and
bumps the ``counters`` row first, so sequence numbers commit in order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from esp_desktop.core import clock
from esp_desktop.server import db
from esp_desktop.server.models import (
    Attachment,
    AuditEntry,
    Conflict,
    Counter,
    Device,
    EnrolmentCode,
    ProcessedChange,
    Record,
    SyncKey,
    User,
)
from esp_desktop.server.security import hash_secret, new_enrolment_code, new_token, normalise_code
from esp_desktop.sync import protocol as P

ROLES = ("ct", "panel", "admin")
# Which record audiences each server role may read (core/audience.py's table, restricted to server roles;
# a CT reads only their own records, whatever the audience).
READABLE_AUDIENCES: dict[str, tuple[str, ...]] = {
    "panel": ("educator", "panel", "admin"),
    "admin": ("admin",),
}
CODE_TTL = dt.timedelta(days=7)
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


class CentralError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(CentralError):
    status = 401


class Forbidden(CentralError):
    status = 403


class NotFound(CentralError):
    status = 404


class Clash(CentralError):
    status = 409


class TooMany(CentralError):
    status = 429


@dataclass(frozen=True)
class Principal:
    user_id: int
    user_name: str
    role: str
    device_id: str


def utcnow() -> dt.datetime:
    return clock.now()


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def envelope_dict(row: Record | dict[str, Any]) -> dict[str, Any]:
    r = row if isinstance(row, dict) else {c.key: getattr(row, c.key) for c in Record.__table__.columns}
    return {
        "type": r["type"],
        "id": r["record_id"],
        "version": r["version"],
        "deleted": r["deleted"],
        "audience": r["audience"],
        "educator_id": r["educator_id"],
        "updated_at": _aware(r["updated_at"]).isoformat(),
        "payload": json.loads(r["payload"]) if r["payload"] is not None else None,
        "ciphertext": r["ciphertext"],
        "attachment_sha256": r["attachment_sha256"],
    }


@dataclass
class _Batch:
    """Rows one push will write with bulk statements."""

    inserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: list[dict[str, Any]] = field(default_factory=list)


class Central:
    def __init__(self, *, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.sessions = db.session_factory(engine)
        self.blob_dir = data_dir / "blobs"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing
    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        with self._lock, self.sessions.begin() as session:
            yield session

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

    def _audit(
        self,
        session: Session,
        *,
        who: Principal | None,
        action: str,
        detail: str = "",
        count: int = 0,
        remote: str | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                at=utcnow(),
                user_id=who.user_id if who else None,
                device_id=who.device_id if who else None,
                action=action,
                detail=detail[:2000],
                count=count,
                remote=remote,
            )
        )

    def audit(
        self,
        *,
        who: Principal | None,
        action: str,
        detail: str = "",
        count: int = 0,
        remote: str | None = None,
    ) -> None:
        with self._write() as session:
            self._audit(session, who=who, action=action, detail=detail, count=count, remote=remote)

    # ------------------------------------------------------------------ users and devices
    def _issue_code(self, session: Session, user: User) -> str:
        code = new_enrolment_code()
        now = utcnow()
        session.add(
            EnrolmentCode(
                user_id=user.id,
                code_hash=hash_secret(normalise_code(code)),
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )
        return code

    def add_user(self, *, name: str, role: str) -> str:
        """Create a user and return a one-time enrolment code for their first device."""
        name = name.strip()
        if role not in ROLES:
            raise CentralError(f"role must be one of {', '.join(ROLES)}")
        if not name or len(name) > 120:
            raise CentralError("a user name must have 1 to 120 characters")
        with self._write() as session:
            if session.scalar(select(User).where(User.name == name)):
                raise Clash(f"a user named {name!r} already exists")
            user = User(name=name, role=role, created_at=utcnow())
            session.add(user)
            session.flush()
            code = self._issue_code(session, user)
            self._audit(session, who=None, action="user.add", detail=f"{name} ({role})")
        return code

    def user_code(self, *, name: str) -> str:
        with self._write() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound(f"no user named {name!r}")
            code = self._issue_code(session, user)
            self._audit(session, who=None, action="user.code", detail=name)
        return code

    def list_users(self) -> list[P.UserInfo]:
        with self.sessions() as session:
            rows = session.execute(
                select(User.name, User.role, func.count(Device.id))
                .outerjoin(Device, and_(Device.user_id == User.id, Device.revoked_at.is_(None)))
                .group_by(User.id)
                .order_by(User.name)
            ).all()
        return [P.UserInfo(name=n, role=r, devices=c) for n, r, c in rows]  # type: ignore[arg-type]

    def list_devices(self) -> list[P.DeviceInfo]:
        with self.sessions() as session:
            rows = session.execute(
                select(Device, User.name).join(User, User.id == Device.user_id).order_by(Device.created_at)
            ).all()
        return [
            P.DeviceInfo(
                device_id=uuid.UUID(d.id),
                user_name=uname,
                name=d.name,
                created_at=_aware(d.created_at),
                last_seen_at=_aware(d.last_seen_at) if d.last_seen_at else None,
                revoked=d.revoked_at is not None,
            )
            for d, uname in rows
        ]

    def revoke_device(self, *, device_id: str, by: Principal | None = None) -> None:
        with self._write() as session:
            device = session.get(Device, device_id)
            if device is None:
                raise NotFound(f"no device {device_id}")
            if device.revoked_at is None:
                device.revoked_at = utcnow()
            self._audit(session, who=by, action="device.revoke", detail=device_id)

    def enrol(self, *, code: str, device_name: str, remote: str | None) -> P.EnrolResponse:
        code_hash = hash_secret(normalise_code(code))
        with self._write() as session:
            row = session.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash))
            now = utcnow()
            if row is None or row.used_at is not None or _aware(row.expires_at) < now:
                self._audit(session, who=None, action="enrol.refused", remote=remote)
                raise Unauthorized("enrolment code is unknown, already used or expired")
            row.used_at = now
            user = session.get_one(User, row.user_id)
            token = new_token()
            device = Device(
                id=str(uuid.uuid4()),
                user_id=user.id,
                name=device_name,
                token_hash=hash_secret(token),
                created_at=now,
                last_seen_at=now,
            )
            session.add(device)
            self._audit(
                session,
                who=Principal(user.id, user.name, user.role, device.id),
                action="enrol",
                detail=device_name,
                remote=remote,
            )
        return P.EnrolResponse(
            device_id=uuid.UUID(device.id),
            token=token,
            user_name=user.name,
            role=user.role,  # type: ignore[arg-type]
        )

    def authenticate(self, token: str) -> Principal:
        with self.sessions() as session:
            row = session.execute(
                select(Device, User)
                .join(User, User.id == Device.user_id)
                .where(Device.token_hash == hash_secret(token))
            ).first()
        if row is None:
            raise Unauthorized("unknown device token; enrol this device again")
        device, user = row
        if device.revoked_at is not None:
            raise Unauthorized("this device has been revoked; ask the administrator for a new enrolment code")
        now = utcnow()
        if device.last_seen_at is None or now - _aware(device.last_seen_at) > LAST_SEEN_EVERY:
            with self._write() as session:
                session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))
        return Principal(user.id, user.name, user.role, device.id)

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
                server_record=P.RecordEnvelope.model_validate(envelope_dict(row)),
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
    def _visible(self, who: Principal) -> Any:
        """SQL condition on Record for what `who` may read."""
        if who.role == "ct":
            return Record.owner_id == who.user_id
        audiences = READABLE_AUDIENCES[who.role]
        if who.role == "panel":
            # Only cases on a panel agenda, and only when the panel case was put there by the CT who owns
            # the case (a CT cannot open another CT's educator to the panel).
            case = aliased(Record)
            on_agenda = exists().where(
                case.type == P.PANEL_CASE_TYPE,
                case.deleted.is_(False),
                case.educator_id == Record.case_id,
                case.owner_id == Record.owner_id,
            )
            return and_(Record.audience.in_(audiences), on_agenda)
        return Record.audience.in_(audiences)

    def _scope(self, session: Session, who: Principal) -> str:
        if who.role != "panel":
            return f"{who.role}:{who.user_id}"
        pairs = session.execute(
            select(Record.owner_id, Record.educator_id)
            .where(Record.type == P.PANEL_CASE_TYPE, Record.deleted.is_(False))
            .distinct()
        ).all()
        digest = hashlib.sha256(repr(sorted((o, e or "") for o, e in pairs)).encode()).hexdigest()[:32]
        return f"panel:{digest}"

    def pull(self, who: Principal, req: P.PullRequest, *, remote: str | None = None) -> dict[str, Any]:
        """Records (and, for a CT, conflict copies) changed after the cursor, oldest first.

        Returns a plain dict shaped like `PullResponse` (built directly: pulls are the hot path).
        """
        with self.sessions() as session:
            # Read the committed top first: everything up to it is visible, so when this page is the last
            # one the next cursor can jump to it without skipping a late commit.
            top = int(session.scalar(select(Counter.value).where(Counter.name == "seq")) or 0)
            scope = self._scope(session, who)
            recs = session.execute(
                select(*Record.__table__.columns)
                .where(self._visible(who), Record.seq > req.cursor, Record.seq <= top)
                .order_by(Record.seq)
                .limit(req.limit + 1)
            ).mappings()
            items: list[tuple[int, dict[str, Any]]] = [
                (r["seq"], {"seq": r["seq"], "record": envelope_dict(dict(r)), "conflict": None})
                for r in recs
            ]
            if who.role == "ct":
                for c in session.scalars(
                    select(Conflict)
                    .where(Conflict.owner_id == who.user_id, Conflict.seq > req.cursor, Conflict.seq <= top)
                    .order_by(Conflict.seq)
                    .limit(req.limit + 1)
                ):
                    items.append(
                        (
                            c.seq,
                            {
                                "seq": c.seq,
                                "record": json.loads(c.envelope),
                                "conflict": {
                                    "conflict_id": c.conflict_id,
                                    "base_version": c.base_version,
                                    "server_version": c.server_version,
                                    "resolved": c.resolved,
                                    "device_id": c.device_id,
                                },
                            },
                        )
                    )
                items.sort(key=lambda item: item[0])
        more = len(items) > req.limit
        page = [item for _, item in items[: req.limit]]
        next_cursor = page[-1]["seq"] if more else max(top, req.cursor)
        if page:
            self.audit(who=who, action="pull", count=len(page), detail=f"cursor={req.cursor}", remote=remote)
        return {"records": page, "next_cursor": next_cursor, "more": more, "scope": scope}

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

    # ------------------------------------------------------------------ attachments
    def _blob_path(self, sha: str, *, partial: bool = False) -> Path:
        return self.blob_dir / sha[:2] / (sha + (".part" if partial else ""))

    def _status(self, row: Attachment) -> P.AttachmentStatus:
        return P.AttachmentStatus(
            sha256=row.sha256, size=row.size, received=row.received, complete=row.complete
        )

    def attachment_status(self, who: Principal, sha: str) -> P.AttachmentStatus:
        with self.sessions() as session:
            row = session.get(Attachment, sha)
            if row is None or not self._may_read_attachment(session, who, row):
                raise NotFound("no such attachment")
            return self._status(row)

    def start_attachment(self, who: Principal, sha: str, start: P.AttachmentStart) -> P.AttachmentStatus:
        if who.role != "ct":
            raise Forbidden("only a consulting teacher's device can upload attachments")
        with self._write() as session:
            row = session.get(Attachment, sha)
            if row is None:
                row = Attachment(
                    sha256=sha,
                    owner_id=who.user_id,
                    size=start.size,
                    received=0,
                    complete=False,
                    created_at=utcnow(),
                )
                session.add(row)
                self._blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
                self._blob_path(sha, partial=True).write_bytes(b"")
            elif row.owner_id != who.user_id and not row.complete:
                raise Forbidden("another user is uploading this attachment")
            elif row.size != start.size:
                raise Clash(f"attachment size differs from the one already announced ({row.size} bytes)")
            return self._status(row)

    def append_attachment(self, who: Principal, sha: str, *, offset: int, chunk: bytes) -> P.AttachmentStatus:
        with self._write() as session:
            row = session.get(Attachment, sha)
            if row is None or row.owner_id != who.user_id:
                raise NotFound("start the upload first")
            if row.complete:
                return self._status(row)
            if offset != row.received:
                raise Clash(f"upload offset must be {row.received}")
            if row.received + len(chunk) > row.size:
                raise CentralError("chunk goes past the announced size")
            part = self._blob_path(sha, partial=True)
            with part.open("r+b" if part.exists() else "wb") as fh:
                fh.seek(offset)
                fh.write(chunk)
                fh.truncate()
                fh.flush()
            row.received = offset + len(chunk)
            if row.received == row.size:
                digest = hashlib.sha256()
                with part.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                if digest.hexdigest() != sha:
                    row.received = 0
                    part.write_bytes(b"")
                    session.commit()
                    raise CentralError("attachment bytes do not match their SHA-256; upload it again")
                part.replace(self._blob_path(sha))
                row.complete = True
                self._audit(session, who=who, action="attachment.put", detail=sha, count=row.size)
            return self._status(row)

    def _may_read_attachment(self, session: Session, who: Principal, row: Attachment) -> bool:
        if row.owner_id == who.user_id:
            return True
        return bool(
            session.scalar(
                select(func.count())
                .select_from(Record)
                .where(Record.attachment_sha256 == row.sha256, self._visible(who))
            )
        )

    def attachment_path(self, who: Principal, sha: str, *, remote: str | None = None) -> Path:
        with self.sessions() as session:
            row = session.get(Attachment, sha)
            if row is None or not row.complete or not self._may_read_attachment(session, who, row):
                raise NotFound("no such attachment")
        self.audit(who=who, action="attachment.get", detail=sha, remote=remote)
        return self._blob_path(sha)
