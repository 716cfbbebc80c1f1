"""district bridge: posts to the district's evaluation platform; next steps as their own observation field

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _post_table(name: str, parent: str) -> None:
    op.create_table(
        name,
        sa.Column(parent, sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("posted_at", sa.String(length=32), nullable=False),
        sa.Column("posted_by", sa.String(length=200), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("field_hashes", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_{parent}"), [parent], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{name}_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{name}_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{name}_updated_at"), ["updated_at"], unique=False)


def upgrade() -> None:
    _post_table("observation_post", "observation_id")
    _post_table("assessment_post", "document_id")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_steps", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("next_steps")
    op.drop_table("assessment_post")
    op.drop_table("observation_post")
