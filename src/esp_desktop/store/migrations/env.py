"""Alembic environment for the local store. Always run programmatically with an open connection
(``config.attributes["connection"]``) because the database is encrypted and keyed at connect time."""

from __future__ import annotations

from alembic import context

from esp_desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
target_metadata = Base.metadata

if connection is None:  # offline SQL generation (developer use only)
    context.configure(url="sqlite://", target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
