"""learning match: de-identified needs counts per CT and school year; the catalog entries CTs share

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "needs_counts",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(20), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_needs_counts_owner_id_users"),
        sa.PrimaryKeyConstraint("owner_id", "school_year", name="pk_needs_counts"),
    )
    op.create_table(
        "shared_catalog",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_shared_catalog_owner_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_shared_catalog"),
    )


def downgrade() -> None:
    op.drop_table("shared_catalog")
    op.drop_table("needs_counts")
