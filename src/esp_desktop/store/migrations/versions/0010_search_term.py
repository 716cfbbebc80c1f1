"""search_term: every term of the full-text index, in order, so the word being typed expands with one range read

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("term", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
        sqlite_with_rowid=False,
    )
    # The terms already indexed, from FTS5's own vocabulary (one pass over the index, once).
    op.execute("CREATE VIRTUAL TABLE temp.search_index_vocab USING fts5vocab(main, search_index, 'row')")
    op.execute("INSERT INTO search_term (term) SELECT term FROM temp.search_index_vocab")
    op.execute("DROP TABLE temp.search_index_vocab")


def downgrade() -> None:
    op.drop_table("search_term")
