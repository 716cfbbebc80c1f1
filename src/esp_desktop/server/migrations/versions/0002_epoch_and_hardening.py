"""server epoch, change digests, per-owner attachments, shared rate limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_state",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_server_state"),
    )
    op.bulk_insert(
        sa.table("server_state", sa.column("name"), sa.column("value")),
        [{"name": "epoch", "value": str(uuid.uuid4())}],
    )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column("stamp", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
    )
    with op.batch_alter_table("processed_changes") as batch:
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))
    # A blob row per (owner, SHA): the files on disk stay content-addressed and shared.
    with op.batch_alter_table("attachments", recreate="always") as batch:
        batch.drop_constraint("pk_attachments", type_="primary")
        batch.create_primary_key("pk_attachments", ["owner_id", "sha256"])


def downgrade() -> None:
    with op.batch_alter_table("attachments", recreate="always") as batch:
        batch.drop_constraint("pk_attachments", type_="primary")
        batch.create_primary_key("pk_attachments", ["sha256"])
    with op.batch_alter_table("processed_changes") as batch:
        batch.drop_column("digest")
    op.drop_table("rate_limits")
    op.drop_table("server_state")
