"""the ESP Panel's records and steps 1-2 of the cycle: Panel members, attendance, motions and votes, versioned
decisions (moved off panel_case), self-assessments, Educator Plans, progress reports to the Panel; goals and
prescriptions link to a plan; a final summative evaluation records its basis

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

from esp_desktop.core import clock

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The id a migrated decision gets: the same on every device of the CT, so two devices that migrate the same
# case produce one record, not two.
DECISION_NS = uuid.UUID("3b0f5a8e-2d7c-4d1e-9b7a-6a0c1e2f4d51")
_DT = sa.String(length=32)  # UTCDateTime is ISO text


def _record() -> Iterator[sa.Column | sa.PrimaryKeyConstraint]:
    yield sa.Column("id", sa.String(length=36), nullable=False)
    yield sa.Column("created_at", _DT, nullable=False)
    yield sa.Column("updated_at", _DT, nullable=False)
    yield sa.Column("version", sa.Integer(), nullable=False)
    yield sa.Column("deleted", sa.Boolean(), nullable=False)
    yield sa.Column("audience", sa.String(length=16), nullable=False)
    yield sa.Column("sync_dirty", sa.Boolean(), nullable=False)
    yield sa.PrimaryKeyConstraint("id")


def _document() -> Iterator[sa.Column]:
    yield sa.Column("status", sa.String(length=20), nullable=False)
    yield sa.Column("version_no", sa.Integer(), nullable=False)
    yield sa.Column("supersedes_id", sa.String(length=36), nullable=True)
    yield sa.Column("finalized_at", _DT, nullable=True)
    yield sa.Column("content_sha256", sa.String(length=64), nullable=True)


def _table(name: str, *columns: sa.Column | sa.PrimaryKeyConstraint, index: tuple[str, ...] = ()) -> None:
    op.create_table(name, *columns, *_record())
    with op.batch_alter_table(name, schema=None) as batch_op:
        for col in (*index, "sync_dirty", "updated_at"):
            batch_op.create_index(batch_op.f(f"ix_{name}_{col}"), [col], unique=False)


def _id(name: str) -> sa.Column:
    return sa.Column(name, sa.String(length=36), nullable=False)


def _opt(name: str, type_: sa.types.TypeEngine) -> sa.Column:
    return sa.Column(name, type_, nullable=True)


def upgrade() -> None:
    _table("panel_member", sa.Column("name", sa.String(length=200), nullable=False),
           _opt("seat", sa.String(length=80)), sa.Column("role", sa.String(length=40), nullable=False),
           sa.Column("active", sa.Boolean(), nullable=False))
    _table("panel_attendance", _id("meeting_id"), sa.Column("present", sa.JSON(), nullable=False),
           sa.Column("absent", sa.JSON(), nullable=False), _opt("others", sa.Text()),
           sa.Column("recorded_by", sa.String(length=200), nullable=False),
           sa.Column("recorded_at", _DT, nullable=False), index=("meeting_id",))
    _table("panel_motion", _id("case_id"), _id("meeting_id"), _id("educator_id"),
           sa.Column("text", sa.Text(), nullable=False), _opt("decision", sa.String(length=30)),
           _opt("moved_by", sa.String(length=200)), _opt("seconded_by", sa.String(length=200)),
           *(sa.Column(c, sa.Integer(), nullable=False)
             for c in ("votes_for", "votes_against", "abstentions", "present", "quorum")),
           sa.Column("majority_rule", sa.String(length=40), nullable=False),
           sa.Column("carried", sa.Boolean(), nullable=False), _opt("notes", sa.Text()),
           sa.Column("recorded_by", sa.String(length=200), nullable=False),
           sa.Column("recorded_at", _DT, nullable=False), index=("case_id", "educator_id", "meeting_id"))
    _table("panel_decision", _id("case_id"), _id("meeting_id"), _id("educator_id"),
           sa.Column("decision", sa.String(length=30), nullable=False),
           sa.Column("final_ratings", sa.JSON(), nullable=False), _opt("final_overall", sa.String(length=30)),
           _opt("rationale", sa.Text()), sa.Column("decided_on", sa.Date(), nullable=False),
           _opt("motion_id", sa.String(length=36)), _opt("recommendation_id", sa.String(length=36)),
           sa.Column("version_no", sa.Integer(), nullable=False), _opt("supersedes_id", sa.String(length=36)),
           _opt("revision_reason", sa.Text()), sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("recorded_by", sa.String(length=200), nullable=False),
           sa.Column("recorded_at", _DT, nullable=False),
           index=("case_id", "educator_id", "meeting_id", "supersedes_id"))
    _table("self_assessment", _id("educator_id"), _opt("cycle_id", sa.String(length=36)),
           sa.Column("entries", sa.JSON(), nullable=False), _opt("reflection", sa.Text()),
           _opt("completed_on", sa.Date()), sa.Column("source", sa.String(length=20), nullable=False),
           _opt("source_file", sa.String(length=255)), _opt("source_sha256", sa.String(length=64)),
           *_document(), index=("educator_id",))
    _table("educator_plan", _id("educator_id"), _opt("cycle_id", sa.String(length=36)),
           sa.Column("plan_type", sa.String(length=40), nullable=False),
           sa.Column("start_on", sa.Date(), nullable=False), sa.Column("end_on", sa.Date(), nullable=False),
           _opt("focus", sa.Text()), sa.Column("actions", sa.JSON(), nullable=False),
           sa.Column("timeline", sa.JSON(), nullable=False), _opt("evaluator_name", sa.String(length=200)),
           _opt("evaluator_signed_on", sa.Date()), _opt("educator_name", sa.String(length=200)),
           _opt("educator_signed_on", sa.Date()), *_document(), index=("educator_id",))
    _table("progress_report", _id("educator_id"), _opt("cycle_id", sa.String(length=36)),
           sa.Column("period_start", sa.Date(), nullable=False), sa.Column("period_end", sa.Date(), nullable=False),
           _opt("due_on", sa.Date()), _opt("observations", sa.Text()), _opt("goal_progress", sa.Text()),
           _opt("support", sa.Text()), _opt("next_steps", sa.Text()), *_document(), index=("educator_id",))

    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis", sa.JSON(), nullable=True))
    for name in ("goal", "prescription"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("plan_id", sa.String(length=36), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{name}_plan_id"), ["plan_id"], unique=False)
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chair", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("quorum", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("majority_rule", sa.String(length=40), nullable=True))
    with op.batch_alter_table("panel_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("presenter", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("presentation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("discussion", sa.Text(), nullable=True))
    _move_decisions()
    with op.batch_alter_table("panel_case", schema=None) as batch_op:
        batch_op.alter_column("position", server_default=None)
        for col in ("decision", "final_ratings", "final_overall", "decision_notes", "decided_on"):
            batch_op.drop_column(col)


def _move_decisions() -> None:
    """Decisions recorded on agenda cases become version 1 of a panel_decision (marked for sync); agenda
    positions follow the old order (by educator name)."""
    conn = op.get_bind()
    profile = conn.execute(sa.text("SELECT name FROM ct_profile WHERE deleted = 0 ORDER BY created_at")).first()
    recorder = profile[0] if profile else "the consulting teacher"
    now = clock.now().isoformat(timespec="microseconds")
    rows = conn.execute(sa.text(
        "SELECT c.id, c.meeting_id, c.educator_id, c.decision, c.final_ratings, c.final_overall, c.decision_notes,"
        " c.decided_on, c.recommendation_id, c.audience, c.updated_at, c.deleted, m.meets_on"
        " FROM panel_case c LEFT JOIN panel_meeting m ON m.id = c.meeting_id")).mappings().all()
    for r in rows:
        if r["deleted"] or not r["decision"] or r["decision"] == "pending":
            continue
        ratings = r["final_ratings"]
        conn.execute(sa.text(
            "INSERT INTO panel_decision (id, case_id, meeting_id, educator_id, decision, final_ratings, final_overall,"
            " rationale, decided_on, motion_id, recommendation_id, version_no, supersedes_id, revision_reason,"
            " status, recorded_by, recorded_at, created_at, updated_at, version, deleted, audience, sync_dirty)"
            " VALUES (:id, :case, :meeting, :educator, :decision, :ratings, :overall, :notes, :on, NULL, :rec, 1,"
            " NULL, NULL, 'final', :by, :at, :now, :now, 1, 0, :audience, 1)"),
            {"id": str(uuid.uuid5(DECISION_NS, r["id"])), "case": r["id"], "meeting": r["meeting_id"],
             "educator": r["educator_id"], "decision": r["decision"],
             "ratings": ratings if isinstance(ratings, str) else json.dumps(ratings or {}),
             "overall": r["final_overall"], "notes": r["decision_notes"],
             "on": r["decided_on"] or r["meets_on"] or clock.today().isoformat(), "rec": r["recommendation_id"],
             "by": recorder, "at": r["updated_at"] or now, "now": now, "audience": r["audience"]})
    names: dict[str, str] = dict(conn.execute(sa.text("SELECT id, family_name || ' ' || given_name FROM educator")).all())
    by_meeting: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        by_meeting.setdefault(r["meeting_id"], []).append(((names.get(r["educator_id"]) or "").casefold(), r["id"]))
    for cases in by_meeting.values():
        for i, (_name, case_id) in enumerate(sorted(cases), 1):
            conn.execute(sa.text("UPDATE panel_case SET position = :p WHERE id = :id"), {"p": i, "id": case_id})


def downgrade() -> None:
    with op.batch_alter_table("panel_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=30), nullable=False, server_default="pending"))
        batch_op.add_column(sa.Column("final_ratings", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("final_overall", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("decision_notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        for col in ("discussion", "presentation", "presenter", "position"):
            batch_op.drop_column(col)
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        for col in ("majority_rule", "quorum", "chair"):
            batch_op.drop_column(col)
    for name in ("prescription", "goal"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_plan_id"))
            batch_op.drop_column("plan_id")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("basis")
    for name in ("progress_report", "educator_plan", "self_assessment", "panel_decision", "panel_motion",
                 "panel_attendance", "panel_member"):
        op.drop_table(name)
