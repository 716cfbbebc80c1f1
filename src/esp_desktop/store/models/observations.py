"""Observations and their timestamped script lines."""

from datetime import date, datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class Observation(Record, Base):
    __tablename__ = "observation"
    __record_type__ = "observation"
    __search_fields__ = ("class_period", "pre_conference_notes", "post_conference_notes", "feedback", "next_steps")
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
    feedback: Mapped[str | None] = mapped_column(Text)  # feedback for the educator
    next_steps: Mapped[str | None] = mapped_column(Text)  # next steps for the educator (own field on the platform)
    feedback_given_on: Mapped[date | None]  # when the educator received the feedback (counts toward compliance)


class ScriptNote(Record, Base):
    """One timestamped line of an observation script."""

    __tablename__ = "script_note"
    __record_type__ = "script_note"
    __search_fields__ = ("text",)
    observation_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    offset_seconds: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)
