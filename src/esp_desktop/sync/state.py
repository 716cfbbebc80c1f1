"""The sync engine's own state, typed: enrolment, cursor, server epoch, sync key, pending downloads.

Kept inside the encrypted store (``meta`` row ``"sync"``), read and written with Core statements on the
connection of the transaction it belongs to: a pulled page, the cursor that covers it and the downloads it
implies commit together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..store.models import Meta

META_KEY = "sync"
_META: Any = Meta.__table__


class SyncState(BaseModel):
    """What this device knows about its sync server. Frozen: change it with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    server: str | None = None
    token: str | None = None
    device_id: str | None = None
    user: str | None = None
    role: str | None = None
    cursor: int = Field(default=0, ge=0)
    last_sync: dt.datetime | None = None
    sync_key: str | None = Field(default=None, description="hex; the CT's end-to-end key, inside the store")
    key_id: str | None = None
    key_blob_pending: str | None = Field(
        default=None, description="the sync key re-wrapped under a new passphrase, to upload at the next sync"
    )
    server_epoch: str | None = Field(default=None, description="the server's epoch at the last page applied")
    scope: str | None = Field(default=None, description="the server's fingerprint of what this user may read")
    repull: bool = Field(default=False, description="the server lost commits: re-pulling from zero")
    store_epoch: str | None = Field(default=None, description="this store's epoch when the state was written")
    downloads: dict[str, str] = Field(default_factory=dict, description="attachment id -> sha256 to fetch")

    @property
    def enrolled(self) -> bool:
        return bool(self.token)

    def enrolled_with(self, server_url: str) -> bool:
        return self.enrolled and self.server == server_url.rstrip("/")


def load_state(conn: Connection) -> SyncState:
    raw = conn.execute(select(_META.c.value).where(_META.c.key == META_KEY)).scalar()
    if not raw:
        return SyncState()
    try:
        return SyncState.model_validate(raw)
    except ValidationError:
        # A damaged state must not stop the CT from working: start over (enrol again); the records are intact.
        return SyncState()


def read_state(store: Any) -> SyncState:
    """This store's sync state, without a server address or a client (status displays: the engine and httpx load
    only when a sync runs)."""
    with store.engine.connect() as conn:
        return load_state(conn)


def save_state(conn: Connection, state: SyncState) -> None:
    value = state.model_dump(mode="json", exclude_defaults=True)
    stmt = sqlite_insert(_META).values(key=META_KEY, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=[_META.c.key], set_={"value": stmt.excluded.value}))
