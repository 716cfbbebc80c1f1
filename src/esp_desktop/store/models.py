"""SQLAlchemy models of the local (client) store.

Every synced entity mixes in ``Record`` (see docs/architecture.md): UUID id, timestamps, version, tombstone,
audience and a dirty flag for sync. Lists (sites, tags, indicator codes) are JSON columns so that each record is a
self-contained document for export and sync. Relationships are by id on purpose: services return detached
snapshots that may cross threads.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes stored as ISO-8601 text (sortable, unambiguous across engines)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, date: Date, dict[str, Any]: JSON, list[str]: JSON}


RECORD_TYPES: dict[str, type[Record]] = {}


class Record:
    """Columns every synced record carries."""

    __record_type__: ClassVar[str]
    __default_audience__: ClassVar[str] = "educator"
    __search_fields__: ClassVar[tuple[str, ...]] = ()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(16))
    sync_dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        rt = cls.__dict__.get("__record_type__")
        if rt:
            RECORD_TYPES[rt] = cls  # type: ignore[assignment]

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("audience", self.__default_audience__)
        kw.setdefault("id", new_id())
        super().__init__(**kw)  # type: ignore[call-arg]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id[:8]} v{self.version}{' deleted' if self.deleted else ''}>"


# --- people and places -------------------------------------------------------------------------------


class CTProfile(Record, Base):
    __tablename__ = "ct_profile"
    __record_type__ = "ct_profile"
    __default_audience__ = "admin"
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    employee_id: Mapped[str | None] = mapped_column(String(50))
    school_year: Mapped[str | None] = mapped_column(String(20))
    caseload_cap: Mapped[int] = mapped_column(Integer, default=12)


class Site(Record, Base):
    __tablename__ = "site"
    __record_type__ = "site"
    __default_audience__ = "admin"
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)


class Person(Record, Base):
    """Administrators, site coaches, secondary evaluators: people the CT works with."""

    __tablename__ = "person"
    __record_type__ = "person"
    __default_audience__ = "admin"
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    site_id: Mapped[str | None] = mapped_column(String(36))


class Educator(Record, Base):
    __tablename__ = "educator"
    __record_type__ = "educator"
    __default_audience__ = "admin"
    __search_fields__ = ("given_name", "family_name", "role_subject")
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    employee_id: Mapped[str | None] = mapped_column(String(50), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    role_subject: Mapped[str | None] = mapped_column(String(200))
    grade_band: Mapped[str | None] = mapped_column(String(50))
    site_ids: Mapped[list[str]] = mapped_column(default=list)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def educator_id(self) -> str:  # uniform access for filters: an educator belongs to its own case
        return self.id


# --- enrolment and cycles -------------------------------------------------------------------------------


class Enrolment(Record, Base):
    __tablename__ = "enrolment"
    __record_type__ = "enrolment"
    __default_audience__ = "educator"  # the educator knows their program; PA stays hidden from administrators
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    program: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    school_year: Mapped[str | None] = mapped_column(String(20))
    referred_on: Mapped[date | None]
    referral_source: Mapped[str | None] = mapped_column(String(200))
    intake_scheduled_on: Mapped[date | None]
    enrolled_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    cap_override_reason: Mapped[str | None] = mapped_column(Text)


class IntakeMeeting(Record, Base):
    __tablename__ = "intake_meeting"
    __record_type__ = "intake_meeting"
    __default_audience__ = "panel"
    __search_fields__ = ("notes",)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    enrolment_id: Mapped[str] = mapped_column(String(36), index=True)
    held_on: Mapped[date]
    attendees: Mapped[str | None] = mapped_column(Text)
    program_explained: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)


class EvaluationCycle(Record, Base):
    __tablename__ = "evaluation_cycle"
    __record_type__ = "evaluation_cycle"
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    enrolment_id: Mapped[str | None] = mapped_column(String(36))
    start_on: Mapped[date]
    end_on: Mapped[date]
    plan_type: Mapped[str] = mapped_column(String(40))
    required_announced: Mapped[int] = mapped_column(Integer, default=1)
    required_unannounced: Mapped[int] = mapped_column(Integer, default=4)
    secondary_evaluator_id: Mapped[str | None] = mapped_column(String(36))
    formative_due_on: Mapped[date | None]
    summative_due_on: Mapped[date | None]


# --- observations -----------------------------------------------------------------------------------------


class Observation(Record, Base):
    __tablename__ = "observation"
    __record_type__ = "observation"
    __search_fields__ = ("class_period", "pre_conference_notes", "post_conference_notes", "feedback")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    observed_on: Mapped[date]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    site_id: Mapped[str | None] = mapped_column(String(36))
    class_period: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    observer_person_id: Mapped[str | None] = mapped_column(String(36))  # None: the CT observed
    pre_conference_on: Mapped[date | None]
    pre_conference_notes: Mapped[str | None] = mapped_column(Text)
    post_conference_on: Mapped[date | None]
    post_conference_notes: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)  # feedback and next steps for the educator


class ScriptNote(Record, Base):
    """One timestamped line of an observation script."""

    __tablename__ = "script_note"
    __record_type__ = "script_note"
    __default_audience__ = "ct_private"
    __search_fields__ = ("text",)
    observation_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    offset_seconds: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)


# --- evidence, goals, support --------------------------------------------------------------------------------


class Attachment(Record, Base):
    """An encrypted file in the data folder; the per-file key lives here, inside the encrypted database."""

    __tablename__ = "attachment"
    __record_type__ = "attachment"
    educator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the plaintext
    file_key: Mapped[str] = mapped_column(String(64))  # hex AES-256-GCM key


class EvidenceItem(Record, Base):
    __tablename__ = "evidence"
    __record_type__ = "evidence"
    __search_fields__ = ("title", "description")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    collected_on: Mapped[date]
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    attachment_id: Mapped[str | None] = mapped_column(String(36))
    observation_id: Mapped[str | None] = mapped_column(String(36))
    contributed_by_person_id: Mapped[str | None] = mapped_column(String(36))


class Goal(Record, Base):
    __tablename__ = "goal"
    __record_type__ = "goal"
    __search_fields__ = ("title", "statement")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    statement: Mapped[str] = mapped_column(Text)  # the SMART goal
    baseline: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None]
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")


class GoalProgress(Record, Base):
    __tablename__ = "goal_progress"
    __record_type__ = "goal_progress"
    __search_fields__ = ("note",)
    goal_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    checked_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)


class Prescription(Record, Base):
    """A recommendation/prescription aligned to rubric indicators."""

    __tablename__ = "prescription"
    __record_type__ = "prescription"
    __search_fields__ = ("concern", "action")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    concern: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open")


class CoachingActivity(Record, Base):
    __tablename__ = "coaching"
    __record_type__ = "coaching"
    __search_fields__ = ("notes", "resources")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date]
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)


class Contact(Record, Base):
    """Contact log: conversations with administrators, site coaches and other stakeholders."""

    __tablename__ = "contact"
    __record_type__ = "contact"
    __default_audience__ = "ct_private"
    __search_fields__ = ("person_name", "summary")
    educator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    person_id: Mapped[str | None] = mapped_column(String(36))
    person_name: Mapped[str] = mapped_column(String(200))
    person_role: Mapped[str | None] = mapped_column(String(40))
    contacted_on: Mapped[date]
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    summary: Mapped[str] = mapped_column(Text)


# --- assessments and panel ---------------------------------------------------------------------------------


class AssessmentDocument(Record, Base):
    """A formative assessment or summative evaluation recommendation.

    ``ratings`` maps a standard code to ``{"rating": code, "rationale": text, "evidence_ids": [...]}``.
    Once finalized the document is immutable; a correction is a new draft with ``supersedes_id`` set.
    """

    __tablename__ = "assessment"
    __record_type__ = "assessment"
    __search_fields__ = ("overall_rationale",)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    author_name: Mapped[str] = mapped_column(String(200))
    ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overall_rating: Mapped[str | None] = mapped_column(String(30))
    overall_rationale: Mapped[str | None] = mapped_column(Text)
    goals_progress_summary: Mapped[str | None] = mapped_column(Text)
    finalized_at: Mapped[datetime | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))


class Acknowledgement(Record, Base):
    __tablename__ = "acknowledgement"
    __record_type__ = "acknowledgement"
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(40), default="educator")
    signed_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)


class PanelMeeting(Record, Base):
    __tablename__ = "panel_meeting"
    __record_type__ = "panel_meeting"
    __default_audience__ = "panel"
    meets_on: Mapped[date] = mapped_column(index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class PanelCase(Record, Base):
    """One educator's case on a panel meeting agenda, with the panel's decision."""

    __tablename__ = "panel_case"
    __record_type__ = "panel_case"
    __default_audience__ = "panel"
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(Text)  # what the panel must decide
    recommendation_id: Mapped[str | None] = mapped_column(String(36))
    decision: Mapped[str] = mapped_column(String(30), default="pending")
    final_ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    final_overall: Mapped[str | None] = mapped_column(String(30))
    decision_notes: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None]


# --- local-only tables (not synced) --------------------------------------------------------------------------


class AuditEvent(Base):
    """Append-only audit log (UPDATE and DELETE are refused by triggers, see the migration)."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    educator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Meta(Base):
    """Local key/value settings that travel with the store (not synced)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SyncRecordState(Base):
    """Sync bookkeeping per record (local only): the server version this device last saw, i.e. the base
    version of its next push of that record."""

    __tablename__ = "sync_record_state"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    server_version: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    """A version of a record that the server did not apply (edited on two devices): kept until the CT
    resolves it. ``data`` is the other version's JSON form (inside the encrypted store, so in clear here)."""

    __tablename__ = "sync_conflict"
    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchMap(Base):
    """Which full-text index row holds a record's text (FTS5 cannot index its UNINDEXED record_id column, so
    without this map every re-index would scan the whole index)."""

    __tablename__ = "search_map"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fts_rowid: Mapped[int] = mapped_column(Integer, unique=True)
