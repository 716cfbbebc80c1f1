"""Local-only tables (never synced): audit log, settings that travel with the store, sync bookkeeping, search map."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from ...core import clock
from .base import Base


class AuditEvent(Base):
    """Append-only audit log (UPDATE and DELETE are refused by triggers, see the migration)."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    educator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Meta(Base):
    """Local key/value settings that travel with the store (not synced)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SyncRecordState(Base):
    """Sync bookkeeping per record (local only): the server version this device last saw, i.e. the base
    version of its next push of that record. ``seen`` is cleared when the server turns out to have lost commits
    (a new server epoch) and set again for every record the re-pull from zero brings: what stays unseen is
    what the server lacks, and is pushed again."""

    __tablename__ = "sync_record_state"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    server_version: Mapped[int] = mapped_column(Integer)
    # SHA-256 of what that server version says (its JSON form, version number aside): after the server lost
    # commits, tells whether it still has the version this device saw or another one under the same number.
    server_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seen: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class SyncConflict(Base):
    """A version of a record that the server did not apply (edited on two devices): kept until the CT
    resolves it. ``data`` is the other version's JSON form (inside the encrypted store, so in clear here)."""

    __tablename__ = "sync_conflict"
    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Resolved here and not yet told to the server: the next push of the record carries this conflict id.
    resolution_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class SyncHeldDeletion(Base):
    """A pulled deletion of a record that is live here, held back until the whole pull is known: a pull that
    would delete more than half of the records stops and asks first (the mass-deletion guard), while the rest
    of each page is applied and committed page by page."""

    __tablename__ = "sync_held_deletion"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    envelope: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SearchMap(Base):
    """Which full-text index row holds a record's text (FTS5 cannot index its UNINDEXED record_id column, so
    without this map every re-index would scan the whole index)."""

    __tablename__ = "search_map"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fts_rowid: Mapped[int] = mapped_column(Integer, unique=True)


class SearchTerm(Base):
    """Every term the full-text index holds, in order (store/search_terms.py keeps it): the word being typed is
    expanded into the terms it starts with one range read here. FTS5's own vocabulary cannot say cheaply that no
    further term starts with a prefix (it reads the last term's whole list of rows to get past it)."""

    __tablename__ = "search_term"
    __table_args__ = {"sqlite_with_rowid": False}
    term: Mapped[str] = mapped_column(String, primary_key=True)
