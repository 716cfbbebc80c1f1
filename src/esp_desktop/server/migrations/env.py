"""Alembic environment for esp-central. Run through esp_desktop.server.db.upgrade(), which passes the
connection in ``config.attributes["connection"]`` (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from esp_desktop.server.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - `alembic` command line use
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
