"""A real school year from the UI: archived sites and educators, equity areas on goals, the cap's reason

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site", schema=None) as b:
        b.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("educator", schema=None) as b:
        b.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("goal", schema=None) as b:
        b.add_column(sa.Column("equity_codes", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("ct_profile", schema=None) as b:
        b.add_column(sa.Column("cap_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ct_profile", schema=None) as b:
        b.drop_column("cap_reason")
    with op.batch_alter_table("goal", schema=None) as b:
        b.drop_column("equity_codes")
    with op.batch_alter_table("educator", schema=None) as b:
        b.drop_column("archived")
    with op.batch_alter_table("site", schema=None) as b:
        b.drop_column("archived")
