"""Enrolment in a program, intake meetings, PAR evaluation cycles."""

from datetime import date

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class Enrolment(Record, Base):
    __tablename__ = "enrolment"
    __record_type__ = "enrolment"
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
    rubric_id: Mapped[str | None] = mapped_column(String(60))  # the rubric its documents print with; None: the app's
    minimum_exception: Mapped[str | None] = mapped_column(Text)  # why fewer than 1 + 4 observations are required
