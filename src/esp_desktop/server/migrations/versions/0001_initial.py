"""esp-central initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_devices_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_devices_token_hash"),
    )
    op.create_index("ix_devices_user_id", "devices", ["user_id"])
    op.create_table(
        "enrolment_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enrolment_codes"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_enrolment_codes_user_id_users"),
        sa.UniqueConstraint("code_hash", name="uq_enrolment_codes_code_hash"),
    )
    op.create_index("ix_enrolment_codes_user_id", "enrolment_codes", ["user_id"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    op.bulk_insert(sa.table("counters", sa.column("name"), sa.column("value")), [{"name": "seq", "value": 0}])
    op.create_table(
        "records",
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(12), nullable=False),
        sa.Column("educator_id", sa.String(36), nullable=True),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("ciphertext", sa.Text(), nullable=True),
        sa.Column("attachment_sha256", sa.String(64), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_records"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_records_owner_id_users"),
        sa.UniqueConstraint("seq", name="uq_records_seq"),
    )
    op.create_index("ix_records_owner_seq", "records", ["owner_id", "seq"])
    op.create_index("ix_records_case_seq", "records", ["case_id", "seq"])
    op.create_index("ix_records_audience_seq", "records", ["audience", "seq"])
    op.create_index("ix_records_type_deleted", "records", ["type", "deleted"])
    op.create_table(
        "conflicts",
        sa.Column("conflict_id", sa.String(36), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=True),
        sa.Column("base_version", sa.BigInteger(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id", name="pk_conflicts"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_conflicts_owner_id_users"),
        sa.UniqueConstraint("seq", name="uq_conflicts_seq"),
    )
    op.create_index("ix_conflicts_record_id", "conflicts", ["record_id"])
    op.create_index("ix_conflicts_owner_seq", "conflicts", ["owner_id", "seq"])
    op.create_table(
        "processed_changes",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("client_change_id", sa.String(36), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "client_change_id", name="pk_processed_changes"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_processed_changes_owner_id_users"),
    )
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_attachments"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_attachments_owner_id_users"),
    )
    op.create_table(
        "sync_keys",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name="pk_sync_keys"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_sync_keys_owner_id_users"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("remote", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "sync_keys",
        "attachments",
        "processed_changes",
        "conflicts",
        "records",
        "counters",
        "enrolment_codes",
        "devices",
        "users",
    ):
        op.drop_table(table)
