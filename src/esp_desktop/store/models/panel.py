"""The ESP Panel's own records: its members, who attended a meeting, motions and votes, and the decisions.

A decision is never edited: a revision (at the same or a later meeting) is a new decision record that names the
one it supersedes, so the history stays in the minutes and the audit log. Attendance, motions and decisions may
be recorded by the CT or on a Panel member's device (``recorded_by`` says who; esp-central checks it).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class PanelMember(Record, Base):
    """A member of the ESP Panel (joint labour-management: ``seat`` says which side, e.g. BTU or BPS)."""

    __tablename__ = "panel_member"
    __record_type__ = "panel_member"
    __search_fields__ = ("name",)
    name: Mapped[str] = mapped_column(String(200))
    seat: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40), default="member")  # chair | co_chair | member
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PanelAttendance(Record, Base):
    """Who attended one Panel meeting (names, so a roll taken on a Panel device matches every CT's copy)."""

    __tablename__ = "panel_attendance"
    __record_type__ = "panel_attendance"
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    present: Mapped[list[str]] = mapped_column(default=list)
    absent: Mapped[list[str]] = mapped_column(default=list)
    others: Mapped[str | None] = mapped_column(Text)  # presenters, program staff, guests
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class PanelMotion(Record, Base):
    """A motion on one case and the Panel's vote on it, with the quorum and majority rule it was taken under."""

    __tablename__ = "panel_motion"
    __record_type__ = "panel_motion"
    __search_fields__ = ("text", "notes")
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(30))  # the decision it proposes, if any
    moved_by: Mapped[str | None] = mapped_column(String(200))
    seconded_by: Mapped[str | None] = mapped_column(String(200))
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    abstentions: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int] = mapped_column(Integer, default=0)
    quorum: Mapped[int] = mapped_column(Integer, default=1)
    majority_rule: Mapped[str] = mapped_column(String(40))
    carried: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)  # discussion before the vote (Panel audience)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class PanelDecisionRecord(Record, Base):
    """One version of the Panel's decision on a case. Recorded once, never changed (``status`` is always
    final, so the store refuses edits); a revision is a new record with ``supersedes_id``."""

    __tablename__ = "panel_decision"
    __record_type__ = "panel_decision"
    __search_fields__ = ("rationale", "revision_reason")
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    decision: Mapped[str] = mapped_column(String(30))
    final_ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    final_overall: Mapped[str | None] = mapped_column(String(30))
    rationale: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date]
    motion_id: Mapped[str | None] = mapped_column(String(36))
    recommendation_id: Mapped[str | None] = mapped_column(String(36))
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(String(36), index=True)
    revision_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="final")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
