"""learning match: PL catalog, learning priorities, match log, CT-led PD sessions; site coordinates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _record_columns() -> list[Any]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _indexes(name: str, *columns: str) -> None:
    with op.batch_alter_table(name, schema=None) as batch_op:
        for col in (*columns, "sync_dirty", "updated_at"):
            batch_op.create_index(batch_op.f(f"ix_{name}_{col}"), [col], unique=False)


def upgrade() -> None:
    op.create_table(
        "pl_entry",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("equity_codes", sa.JSON(), nullable=False),
        sa.Column("grade_bands", sa.JSON(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("site_name", sa.String(length=200), nullable=True),
        sa.Column("site_code", sa.String(length=50), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("session_dates", sa.JSON(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("consent_note", sa.Text(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("origin_id", sa.String(length=36), nullable=True),
        sa.Column("shared_by", sa.String(length=120), nullable=True),
        *_record_columns(),
    )
    _indexes("pl_entry", "origin_id")
    op.create_table(
        "learning_priority",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=True),
        sa.Column("prescription_id", sa.String(length=36), nullable=True),
        *_record_columns(),
    )
    _indexes("learning_priority", "educator_id")
    op.create_table(
        "learning_match",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("entry_title", sa.String(length=300), nullable=False),
        sa.Column("priority_code", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("attended_on", sa.Date(), nullable=True),
        sa.Column("tried_on", sa.Date(), nullable=True),
        sa.Column("evidence_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_record_columns(),
    )
    _indexes("learning_match", "educator_id", "entry_id")
    op.create_table(
        "pd_session",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("knowledge", sa.Text(), nullable=True),
        sa.Column("practice", sa.Text(), nullable=True),
        sa.Column("commitment", sa.Text(), nullable=True),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("equity_codes", sa.JSON(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        *_record_columns(),
    )
    _indexes("pd_session", "held_on")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
    for name in ("pd_session", "learning_match", "learning_priority", "pl_entry"):
        op.drop_table(name)
