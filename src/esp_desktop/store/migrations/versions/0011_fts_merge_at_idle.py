"""search_index: no automatic merging inside commits; the store merges the index when it is quiet

FTS5 writes each commit's new index rows as a small segment and, with its default automerge=4, spends part of
every 64th page written merging segments: on a typed line that is one commit in ~64 taking 25-60 ms more (issue
15, capture_line_p99_ms). With automerge off, store/checkpoint.py merges in small steps once the store is quiet,
with FTS5's own eligibility rule (4 segments on a level, as automerge). FTS5's crisis merge (16 segments on a
level) stays, so a long burst without a quiet moment still keeps the index bounded.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO search_index(search_index, rank) VALUES('automerge', 0)")


def downgrade() -> None:
    op.execute("INSERT INTO search_index(search_index, rank) VALUES('automerge', 4)")
