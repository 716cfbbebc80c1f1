"""The store's epoch: a random id that changes whenever this store's contents go back in time (a backup was
restored). Whatever identifies this copy of the store to others (the sync engine's change ids and its
restored-store check) reads it here, so a restored copy is never mistaken for the store it was copied from."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .models import Meta

META_KEY = "store"


def store_epoch(conn: Connection) -> str:
    """This store's epoch (created on first use)."""
    meta: Any = Meta.__table__
    value = conn.execute(select(meta.c.value).where(meta.c.key == META_KEY)).scalar()
    if isinstance(value, dict) and isinstance(value.get("epoch"), str):
        return str(value["epoch"])
    return new_store_epoch(conn)


def new_store_epoch(conn: Connection) -> str:
    """Start a new epoch (called on the restored copy of a backup)."""
    meta: Any = Meta.__table__
    epoch = str(uuid.uuid4())
    stmt = sqlite_insert(meta).values(key=META_KEY, value={"epoch": epoch})
    conn.execute(stmt.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": stmt.excluded.value}))
    return epoch
