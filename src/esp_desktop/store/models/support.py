"""Evidence and its encrypted attachments, goals and progress, prescriptions, coaching and contact logs."""

from datetime import date

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


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
    equity_codes: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    plan_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the Educator Plan it belongs to


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
    plan_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the Educator Plan it belongs to


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
    __search_fields__ = ("person_name", "summary")
    educator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    person_id: Mapped[str | None] = mapped_column(String(36))
    person_name: Mapped[str] = mapped_column(String(200))
    person_role: Mapped[str | None] = mapped_column(String(40))
    contacted_on: Mapped[date]
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    summary: Mapped[str] = mapped_column(Text)
