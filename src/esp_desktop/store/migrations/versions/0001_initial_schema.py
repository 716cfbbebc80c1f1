"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:09:18.477174
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "acknowledgement",
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=40), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acknowledgement_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgement_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgement_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgement_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("cycle_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("overall_rating", sa.String(length=30), nullable=True),
        sa.Column("overall_rationale", sa.Text(), nullable=True),
        sa.Column("goals_progress_summary", sa.Text(), nullable=True),
        sa.Column("finalized_at", sa.String(length=32), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("educator_id", sa.String(length=36), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("educator_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_record_id"), ["record_id"], unique=False)

    op.create_table(
        "coaching",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("equity_codes", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coaching", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaching_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coaching_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_coaching_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "contact",
        sa.Column("educator_id", sa.String(length=36), nullable=True),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("person_role", sa.String(length=40), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "ct_profile",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("employee_id", sa.String(length=50), nullable=True),
        sa.Column("school_year", sa.String(length=20), nullable=True),
        sa.Column("caseload_cap", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ct_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ct_profile_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_ct_profile_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "educator",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("employee_id", sa.String(length=50), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("role_subject", sa.String(length=200), nullable=True),
        sa.Column("grade_band", sa.String(length=50), nullable=True),
        sa.Column("site_ids", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("educator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_educator_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_educator_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_educator_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "enrolment",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("school_year", sa.String(length=20), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("referral_source", sa.String(length=200), nullable=True),
        sa.Column("intake_scheduled_on", sa.Date(), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("cap_override_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "evaluation_cycle",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("plan_type", sa.String(length=40), nullable=False),
        sa.Column("required_announced", sa.Integer(), nullable=False),
        sa.Column("required_unannounced", sa.Integer(), nullable=False),
        sa.Column("secondary_evaluator_id", sa.String(length=36), nullable=True),
        sa.Column("formative_due_on", sa.Date(), nullable=True),
        sa.Column("summative_due_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation_cycle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_cycle_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_cycle_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_cycle_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("equity_codes", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("attachment_id", sa.String(length=36), nullable=True),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.Column("contributed_by_person_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "goal",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("cycle_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "goal_progress",
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_progress_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_progress_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_progress_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_progress_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "intake_meeting",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=True),
        sa.Column("program_explained", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("intake_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_meeting_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_meeting_enrolment_id"), ["enrolment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_meeting_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_meeting_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "observation",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("cycle_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=True),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("class_period", sa.String(length=200), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("observer_person_id", sa.String(length=36), nullable=True),
        sa.Column("pre_conference_on", sa.Date(), nullable=True),
        sa.Column("pre_conference_notes", sa.Text(), nullable=True),
        sa.Column("post_conference_on", sa.Date(), nullable=True),
        sa.Column("post_conference_notes", sa.Text(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "panel_case",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("recommendation_id", sa.String(length=36), nullable=True),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("final_ratings", sa.JSON(), nullable=False),
        sa.Column("final_overall", sa.String(length=30), nullable=True),
        sa.Column("decision_notes", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("panel_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_case_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_case_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_case_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_case_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "panel_meeting",
        sa.Column("meets_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_meeting_meets_on"), ["meets_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_meeting_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_meeting_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "person",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "prescription",
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("cycle_id", sa.String(length=36), nullable=True),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prescription_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prescription_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_prescription_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "script_note",
        sa.Column("observation_id", sa.String(length=36), nullable=False),
        sa.Column("educator_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("indicator_codes", sa.JSON(), nullable=False),
        sa.Column("equity_codes", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("script_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_script_note_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_script_note_observation_id"), ["observation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_script_note_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_script_note_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "site",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("sync_dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_sync_dirty"), ["sync_dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_updated_at"), ["updated_at"], unique=False)

    # Full-text search over notes, evidence and coaching text, inside the encrypted database.
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "record_type UNINDEXED, record_id UNINDEXED, educator_id UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    # The audit log is append-only: refuse UPDATE and DELETE at the database level.
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    op.execute("DROP TABLE IF EXISTS search_index")

    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_updated_at"))
        batch_op.drop_index(batch_op.f("ix_site_sync_dirty"))

    op.drop_table("site")
    with op.batch_alter_table("script_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_script_note_updated_at"))
        batch_op.drop_index(batch_op.f("ix_script_note_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_script_note_observation_id"))
        batch_op.drop_index(batch_op.f("ix_script_note_educator_id"))

    op.drop_table("script_note")
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prescription_updated_at"))
        batch_op.drop_index(batch_op.f("ix_prescription_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_prescription_educator_id"))

    op.drop_table("prescription")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_updated_at"))
        batch_op.drop_index(batch_op.f("ix_person_sync_dirty"))

    op.drop_table("person")
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_updated_at"))
        batch_op.drop_index(batch_op.f("ix_panel_meeting_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_panel_meeting_meets_on"))

    op.drop_table("panel_meeting")
    with op.batch_alter_table("panel_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_case_updated_at"))
        batch_op.drop_index(batch_op.f("ix_panel_case_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_panel_case_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_panel_case_educator_id"))

    op.drop_table("panel_case")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_updated_at"))
        batch_op.drop_index(batch_op.f("ix_observation_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_observation_educator_id"))
        batch_op.drop_index(batch_op.f("ix_observation_cycle_id"))

    op.drop_table("observation")
    op.drop_table("meta")
    with op.batch_alter_table("intake_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_meeting_updated_at"))
        batch_op.drop_index(batch_op.f("ix_intake_meeting_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_intake_meeting_enrolment_id"))
        batch_op.drop_index(batch_op.f("ix_intake_meeting_educator_id"))

    op.drop_table("intake_meeting")
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_progress_updated_at"))
        batch_op.drop_index(batch_op.f("ix_goal_progress_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_goal_progress_goal_id"))
        batch_op.drop_index(batch_op.f("ix_goal_progress_educator_id"))

    op.drop_table("goal_progress")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_updated_at"))
        batch_op.drop_index(batch_op.f("ix_goal_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_goal_educator_id"))

    op.drop_table("goal")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_updated_at"))
        batch_op.drop_index(batch_op.f("ix_evidence_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_evidence_educator_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("evaluation_cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_cycle_updated_at"))
        batch_op.drop_index(batch_op.f("ix_evaluation_cycle_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_evaluation_cycle_educator_id"))

    op.drop_table("evaluation_cycle")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_updated_at"))
        batch_op.drop_index(batch_op.f("ix_enrolment_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_enrolment_educator_id"))

    op.drop_table("enrolment")
    with op.batch_alter_table("educator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_educator_updated_at"))
        batch_op.drop_index(batch_op.f("ix_educator_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_educator_employee_id"))

    op.drop_table("educator")
    with op.batch_alter_table("ct_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ct_profile_updated_at"))
        batch_op.drop_index(batch_op.f("ix_ct_profile_sync_dirty"))

    op.drop_table("ct_profile")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_updated_at"))
        batch_op.drop_index(batch_op.f("ix_contact_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_contact_educator_id"))

    op.drop_table("contact")
    with op.batch_alter_table("coaching", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_updated_at"))
        batch_op.drop_index(batch_op.f("ix_coaching_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_coaching_educator_id"))

    op.drop_table("coaching")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_educator_id"))

    op.drop_table("audit_event")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_updated_at"))
        batch_op.drop_index(batch_op.f("ix_attachment_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index(batch_op.f("ix_attachment_educator_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_updated_at"))
        batch_op.drop_index(batch_op.f("ix_assessment_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_assessment_educator_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acknowledgement_updated_at"))
        batch_op.drop_index(batch_op.f("ix_acknowledgement_sync_dirty"))
        batch_op.drop_index(batch_op.f("ix_acknowledgement_educator_id"))
        batch_op.drop_index(batch_op.f("ix_acknowledgement_document_id"))

    op.drop_table("acknowledgement")
