"""evaluation integrity: rule overrides on documents, the educator's written response, feedback dates, the
cycle's rubric and minimum exception, Panel meeting start times

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "educator_response",
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("educator_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_educator_response_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_educator_response_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_educator_response_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_educator_response_updated_at"), ["updated_at"], unique=False)

    # Plain ADD COLUMN: no table rebuild, so existing rows and indexes stay as they are.
    op.add_column("assessment", sa.Column("overrides", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("evaluation_cycle", sa.Column("rubric_id", sa.String(length=60), nullable=True))
    op.add_column("evaluation_cycle", sa.Column("minimum_exception", sa.Text(), nullable=True))
    op.add_column("observation", sa.Column("feedback_given_on", sa.Date(), nullable=True))
    op.add_column("panel_meeting", sa.Column("start_time", sa.String(length=5), nullable=True))
    # Feedback recorded before this release was given at the post-conference, when one is on file; other
    # observations count again once the CT records the day the feedback was given.
    op.execute(
        "UPDATE observation SET feedback_given_on = post_conference_on "
        "WHERE status = 'finished' AND post_conference_on IS NOT NULL AND trim(coalesce(feedback, '')) != ''"
    )


def downgrade() -> None:
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.drop_column("start_time")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("feedback_given_on")
    with op.batch_alter_table("evaluation_cycle", schema=None) as batch_op:
        batch_op.drop_column("minimum_exception")
        batch_op.drop_column("rubric_id")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("overrides")
    op.drop_table("educator_response")
