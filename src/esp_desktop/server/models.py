"""esp-central database tables (SQLAlchemy 2). Schema changes go through Alembic (server/migrations).

The server stores record *envelopes*: routing metadata in columns, the record's fields as an opaque JSON
text (``payload``) or, for ``ct_private`` records, as ciphertext only. Secrets (device tokens, enrolment
codes) are stored as SHA-256 hashes: both are long random strings, so a fast hash is enough.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


UUID_LEN = 36


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # a core/policy.py reader: ct|educator|panel|admin|program_office
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # An educator user reads their own case only: the educator record's id in the CT's store.
    educator_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)


class UserSite(Base):
    """The sites a school administrator serves: they read PAR cases of educators at these sites only."""

    __tablename__ = "user_sites"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)


class Case(Base):
    """What the read filter needs to know about an educator, as their CT's device last sent it (the push
    envelope's ``case``): the program history, and whether it lets a school administrator know of them at all
    (``core.policy.admin_may_know``, computed when written). Records are never read to find this out."""

    __tablename__ = "cases"
    educator_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    programs: Mapped[str] = mapped_column(String(400))  # JSON list, oldest first
    admin_may_know: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseSite(Base):
    __tablename__ = "case_sites"
    educator_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Counter(Base):
    """Single-row sequence. Bumping it inside the writing transaction row-locks it until commit, so change
    sequence numbers become visible in order (a puller can never skip a seq that commits late)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ServerState(Base):
    """Named values of the server itself. ``epoch``: a random id that changes when the database is restored
    or found to have gone back in time; clients that see it change re-push and re-pull (docs/server.md)."""

    __tablename__ = "server_state"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))


class RateBucket(Base):
    """Token buckets for failed sign-ins and enrolments, shared by every worker process through the database."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float)  # seconds since the epoch (clock.now()) of the last update


class Record(Base):
    __tablename__ = "records"
    record_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean)
    audience: Mapped[str] = mapped_column(String(12))
    educator_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    # The case a record belongs to: its educator_id, or its own id for an educator record. Panel access
    # is decided per case.
    case_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    # The record this one is readable only with (core/policy.py's parent gate), as the client sent it.
    parent_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    # A Panel member who recorded it (attendance, a vote, a decision) on their own device; the CT owns it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    __table_args__ = (
        Index("ix_records_owner_seq", "owner_id", "seq"),
        Index("ix_records_parent", "parent_id"),
        Index("ix_records_case_seq", "case_id", "seq"),
        Index("ix_records_audience_seq", "audience", "seq"),
        Index("ix_records_type_deleted", "type", "deleted"),
    )


class Conflict(Base):
    """An incoming edit that was not applied because the record had changed on the server meanwhile."""

    __tablename__ = "conflicts"
    conflict_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(UUID_LEN), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    base_version: Mapped[int] = mapped_column(BigInteger)
    server_version: Mapped[int] = mapped_column(BigInteger)
    envelope: Mapped[str] = mapped_column(Text)  # the incoming RecordEnvelope as JSON (ciphertext if private)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)

    __table_args__ = (Index("ix_conflicts_owner_seq", "owner_id", "seq"),)


class ProcessedChange(Base):
    """Result of every applied client change: a replayed push returns the same answer and changes nothing."""

    __tablename__ = "processed_changes"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    client_change_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    result: Mapped[str] = mapped_column(Text)
    # protocol.change_digest() of the change: the same id with another content is not a replay. NULL for
    # changes processed before digests were kept (treated as replays, as they were then).
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """An encrypted attachment blob, addressed by the SHA-256 of its (encrypted) bytes, per owner: a user
    reaches only blobs they uploaded themselves (or, for panel and admin, blobs of records they may read),
    so naming another CT's SHA neither fetches it nor tells whether it exists."""

    __tablename__ = "attachments"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncKey(Base):
    """A CT's sync key, wrapped on the client by their passphrase-derived key. Opaque here."""

    __tablename__ = "sync_keys"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(UUID_LEN))
    blob: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only: who read or wrote case data, from which device and address."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    remote: Mapped[str | None] = mapped_column(String(64), nullable=True)


class NeedsCounts(Base):
    """A CT's latest de-identified needs counts for one school year (core/aggregates.py): counts per school,
    never anything per educator. Replaced on each submission; the program office reads only sums."""

    __tablename__ = "needs_counts"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    school_year: Mapped[str] = mapped_column(String(20), primary_key=True)
    counts: Mapped[str] = mapped_column(Text)  # the submission's JSON form
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SharedEntry(Base):
    """A professional-learning catalog entry a CT shares with the other CTs (not case content: in clear)."""

    __tablename__ = "shared_catalog"
    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fields: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
