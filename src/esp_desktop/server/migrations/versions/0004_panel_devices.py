"""Panel devices: the Panel member who recorded a record (attendance, a vote, a decision), and an index on the
records' parent ids (0003) for the Panel's write rule, which finds a meeting's agenda cases by their parent

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The parent links of the record types issue 14 added to core/policy.py, as they stood when this migration was
# written (0003 recovered the older types' parents; a migration must not change when the policy later does).
LINKS = {
    "panel_attendance": "meeting_id",
    "panel_motion": "meeting_id",
    "panel_decision": "meeting_id",
}


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_records_author_id_users", "users", ["author_id"], ["id"])
        batch.create_index("ix_records_parent", ["parent_id"], unique=False)
    # Records of the new types a CT's device pushed before this server knew them: their parent from the clear
    # payload (private records have none to read and stay hidden from the Panel until the CT sends them again).
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT record_id, type, payload FROM records WHERE payload IS NOT NULL"
                                " AND parent_id IS NULL AND type IN ('panel_attendance', 'panel_motion',"
                                " 'panel_decision')")).all()
    for rid, rtype, payload in rows:
        parent = (json.loads(payload) or {}).get(LINKS[rtype])
        if isinstance(parent, str):
            conn.execute(sa.text("UPDATE records SET parent_id = :p WHERE record_id = :r"), {"p": parent, "r": rid})


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_parent")
        batch.drop_constraint("fk_records_author_id_users", type_="foreignkey")
        batch.drop_column("author_id")
