"""Formative and summative documents, acknowledgements, ESP Panel meetings and cases."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class AssessmentDocument(Record, Base):
    """A formative assessment or summative evaluation recommendation.

    ``ratings`` maps a standard code to ``{"rating": code, "rationale": text, "evidence_ids": [...]}``.
    Once finalized the document is immutable; a correction is a new draft with ``supersedes_id`` set.
    ``overrides`` lists the program rules finalized by exception: ``{"rule", "justification", "by", "at"}``
    (printed on the document, also in the audit log).
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
    overrides: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # A final summative evaluation: what it was generated from (the Panel decision and its version, the CT's
    # recommendation and its ratings, the vote), hashed with the content.
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Acknowledgement(Record, Base):
    __tablename__ = "acknowledgement"
    __record_type__ = "acknowledgement"
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(40), default="educator")
    signed_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)


class EducatorResponse(Record, Base):
    """The educator's written response to one finalized version of a document: a dated record of its own
    (it may come days after the acknowledgement), printed with the version it answers."""

    __tablename__ = "educator_response"
    __record_type__ = "educator_response"
    __search_fields__ = ("text",)
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    received_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)


class PanelMeeting(Record, Base):
    __tablename__ = "panel_meeting"
    __record_type__ = "panel_meeting"
    meets_on: Mapped[date] = mapped_column(index=True)
    start_time: Mapped[str | None] = mapped_column(String(5))  # "17:30", local wall-clock time of the district
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    chair: Mapped[str | None] = mapped_column(String(200))
    quorum: Mapped[int | None] = mapped_column(Integer)  # None: the program's setting
    majority_rule: Mapped[str | None] = mapped_column(String(40))  # None: the program's setting


class PanelCase(Record, Base):
    """One educator's case on a panel meeting agenda: the CT's presentation and the discussion. Motions, votes
    and the decision are records of their own (``models/panel.py``)."""

    __tablename__ = "panel_case"
    __record_type__ = "panel_case"
    __search_fields__ = ("presentation", "discussion")
    # Decisions used to live on the case; the migration moved them into panel_decision records. Copies of a
    # case synced by an older version still carry these fields: they are ignored.
    __dropped_fields__ = frozenset({"decision", "final_ratings", "final_overall", "decision_notes", "decided_on"})
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(Text)  # what the panel must decide
    recommendation_id: Mapped[str | None] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer, default=0)  # agenda order
    presenter: Mapped[str | None] = mapped_column(String(200))  # the CT who presents the case
    presentation: Mapped[str | None] = mapped_column(Text)  # the CT's presentation, in brief
    discussion: Mapped[str | None] = mapped_column(Text)  # the Panel's discussion notes
