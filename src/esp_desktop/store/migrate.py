"""Run the local store's Alembic migrations on an open (keyed) connection.

Alembic is imported lazily: opening an up-to-date store costs one query, not an Alembic environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision, read from the version files' names (``NNNN_*.py``: a linear history)."""
    revs = sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))
    return revs[-1] if revs else ""


def current_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no alembic_version table: an empty database
        return None


def upgrade(connection: Connection) -> None:
    """Bring the schema to head (creates it from empty; migrates an older store)."""
    if current_revision(connection) == head_revision():
        return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
