"""Panel devices: each record's parent (for the Panel's read filter) and the Panel member who recorded it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from esp_desktop.core import policy

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_records_author_id_users", "users", ["author_id"], ["id"])
        batch.create_index("ix_records_parent", ["parent_id"], unique=False)
    # Records already stored: their parent from the clear payload (private records have none to read).
    conn = op.get_bind()
    links = {t: e.parent.link for t, e in policy.ENTRIES.items() if e.parent and not e.parent.on_parent}
    rows = conn.execute(sa.text("SELECT record_id, type, payload FROM records WHERE payload IS NOT NULL")).all()
    for rid, rtype, payload in rows:
        link = links.get(rtype)
        if link is None:
            continue
        parent = (json.loads(payload) or {}).get(link)
        if isinstance(parent, str):
            conn.execute(sa.text("UPDATE records SET parent_id = :p WHERE record_id = :r"), {"p": parent, "r": rid})


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_parent")
        batch.drop_constraint("fk_records_author_id_users", type_="foreignkey")
        batch.drop_column("author_id")
        batch.drop_column("parent_id")
