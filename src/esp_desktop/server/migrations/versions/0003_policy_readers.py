"""readers of the confidentiality policy: program office, school administrators bound to sites, educators bound
to their case; records' parent ids and each educator's program history and sites

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The old `admin` role managed users and devices: it becomes `program_office` (which reads no case content);
`admin` now means the school administrator, who is bound to sites. Parent ids and case facts of records
already stored are recovered from their clear payloads; what only a ciphertext could tell (a CT-private
enrolment's program) stays unknown, and an unknown program history keeps a case from administrators until
the CT's device next sends it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
# The parent links of core/policy.py as they stood when this migration was written (child type -> link
# field, and whether the parent names the child). A migration must not change when the policy later does.
LINKS = {
    "intake_meeting": ("enrolment_id", False),
    "evaluation_cycle": ("enrolment_id", False),
    "script_note": ("observation_id", False),
    "goal_progress": ("goal_id", False),
    "acknowledgement": ("document_id", False),
    "panel_case": ("meeting_id", False),
    "attachment": ("attachment_id", True),
}


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("role", type_=sa.String(20), existing_type=sa.String(10), existing_nullable=False)
        batch.add_column(sa.Column("educator_id", sa.String(36), nullable=True))
    op.execute("UPDATE users SET role = 'program_office' WHERE role = 'admin'")
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(36), nullable=True))
    op.create_table(
        "user_sites",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_sites_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", "site_id", name="pk_user_sites"),
    )
    op.create_table(
        "cases",
        sa.Column("educator_id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("programs", sa.String(400), nullable=False),
        sa.Column("admin_may_know", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_cases_owner_id_users"),
        sa.PrimaryKeyConstraint("educator_id", name="pk_cases"),
    )
    op.create_table(
        "case_sites",
        sa.Column("educator_id", sa.String(36), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("educator_id", "site_id", name="pk_case_sites"),
    )
    _backfill(op.get_bind())


def _backfill(conn: Any) -> None:
    rows = conn.execute(sa.text(
        "SELECT record_id, owner_id, type, deleted, educator_id, payload, ciphertext, updated_at FROM records"
    )).mappings().all()
    payloads = {r["record_id"]: json.loads(r["payload"]) for r in rows if r["payload"]}
    named_by_evidence = {p.get("attachment_id"): rid for rid, p in payloads.items()
                         if p.get("type") == "evidence" and p.get("attachment_id")}
    for r in rows:
        link = LINKS.get(r["type"])
        data = payloads.get(r["record_id"])
        if link is None or data is None:
            continue
        field, on_parent = link
        parent = named_by_evidence.get(r["record_id"]) if on_parent else data.get(field)
        if parent:
            conn.execute(sa.text("UPDATE records SET parent_id = :p WHERE record_id = :r"),
                         {"p": parent, "r": r["record_id"]})
    history: dict[str, list[tuple[str, str]]] = defaultdict(list)
    unknown: set[str] = set()
    owners: dict[str, int] = {}
    sites: dict[str, list[str]] = {}
    for r in rows:
        if r["type"] == "enrolment" and r["educator_id"] and not r["deleted"]:
            owners[r["educator_id"]] = r["owner_id"]
            data = payloads.get(r["record_id"])
            if data is None:
                unknown.add(r["educator_id"])
            else:
                history[r["educator_id"]].append((str(data.get("created_at", "")), str(data.get("program"))))
        elif r["type"] == "educator" and r["record_id"] in payloads:
            owners.setdefault(r["record_id"], r["owner_id"])
            sites[r["record_id"]] = [str(s) for s in payloads[r["record_id"]].get("site_ids") or []]
    now = sa.func.now()
    cases = sa.table("cases", sa.column("educator_id"), sa.column("owner_id"), sa.column("programs"),
                     sa.column("admin_may_know"), sa.column("updated_at"))
    case_sites = sa.table("case_sites", sa.column("educator_id"), sa.column("site_id"))
    for educator_id, owner in owners.items():
        programs = [p for _at, p in sorted(history.get(educator_id, []))]
        may_know = bool(programs) and set(programs) == {"PAR"} and educator_id not in unknown
        conn.execute(sa.insert(cases).values(educator_id=educator_id, owner_id=owner, programs=json.dumps(programs),
                                             admin_may_know=may_know, updated_at=now))
        for site in sorted(set(sites.get(educator_id, []))):
            conn.execute(sa.insert(case_sites).values(educator_id=educator_id, site_id=site))


def downgrade() -> None:
    bound = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role IN ('admin', 'educator')")).scalar()
    if bound:
        # The old schema's `admin` managed users and read every admin record: never hand that to them.
        raise RuntimeError("remove the school administrator and educator users before downgrading")
    op.drop_table("case_sites")
    op.drop_table("cases")
    op.drop_table("user_sites")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("parent_id")
    op.execute("UPDATE users SET role = 'admin' WHERE role = 'program_office'")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("educator_id")
        batch.alter_column("role", type_=sa.String(10), existing_type=sa.String(20), existing_nullable=False)
