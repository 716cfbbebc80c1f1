"""search_map: record id -> full-text index row, so re-indexing a record is a lookup, not a scan

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_map",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("fts_rowid", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
        sa.UniqueConstraint("fts_rowid"),
    )
    # Existing index rows: keep the newest row per record, drop older duplicates.
    op.execute(
        "DELETE FROM search_index WHERE rowid NOT IN (SELECT max(rowid) FROM search_index GROUP BY record_id)"
    )
    op.execute("INSERT INTO search_map (record_id, fts_rowid) SELECT record_id, rowid FROM search_index")


def downgrade() -> None:
    op.drop_table("search_map")
