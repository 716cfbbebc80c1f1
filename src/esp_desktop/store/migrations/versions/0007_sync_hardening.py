"""sync hardening: conflict resolutions waiting for the server, held pulled deletions, re-pull bookkeeping

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

- ``sync_conflict.resolution_pending`` replaces the ``resolves`` map kept in the untyped ``meta["sync"]`` value
  (migrated here).
- ``sync_held_deletion``: pulled deletions of live records wait there for the mass-deletion guard.
- ``sync_record_state.seen``: cleared when the server lost commits; what stays unseen after a re-pull from zero
  is pushed again. ``sync_record_state.server_digest``: what the server version this device saw says.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution_pending", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("sync_record_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("server_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("seen", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "sync_held_deletion",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    # Pending resolutions moved from meta["sync"]["resolves"] ({record id: [conflict ids]}) to the column.
    conn = op.get_bind()
    raw = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'sync'")).scalar()
    if raw:
        value = json.loads(raw) if isinstance(raw, str) else dict(raw)
        ids = [cid for cids in (value.pop("resolves", None) or {}).values() for cid in cids]
        for cid in ids:
            conn.execute(sa.text("UPDATE sync_conflict SET resolution_pending = 1 WHERE conflict_id = :c"), {"c": cid})
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'sync'"), {"v": json.dumps(value)})


def downgrade() -> None:
    op.drop_table("sync_held_deletion")
    with op.batch_alter_table("sync_record_state", schema=None) as batch_op:
        batch_op.drop_column("seen")
        batch_op.drop_column("server_digest")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_column("resolution_pending")
