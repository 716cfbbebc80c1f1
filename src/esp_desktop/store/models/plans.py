"""Steps 1, 2 and the Panel reports of the Massachusetts cycle: the educator's self-assessment, the Educator
Plan, and the CT's periodic progress reports to the ESP Panel.

Each is a document: a draft, then final with a content hash (``content_sha256``), frozen from then on; a
correction is a new version naming the one it supersedes.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class _Document:
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    finalized_at: Mapped[datetime | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))


class SelfAssessment(_Document, Record, Base):
    """Step 1: the educator's self-assessment. ``entries`` maps a standard code to
    ``{"strengths": text, "areas_to_grow": text}``; entered by the CT from the educator's form or imported from
    the file the educator filled in (``source_file``/``source_sha256`` say which)."""

    __tablename__ = "self_assessment"
    __record_type__ = "self_assessment"
    __search_fields__ = ("reflection",)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    entries: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reflection: Mapped[str | None] = mapped_column(Text)  # the educator's overall reflection / proposed goals
    completed_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(20), default="entered")  # entered | imported
    source_file: Mapped[str | None] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))


class EducatorPlan(_Document, Record, Base):
    """Step 2: the Educator Plan. Goals and prescriptions link to it (``plan_id``). ``actions`` is a list of
    ``{"action", "supports", "due_on"}``, ``timeline`` a list of ``{"on", "what"}``. It becomes final when the
    evaluator and the educator have both signed; editing a draft clears the signatures."""

    __tablename__ = "educator_plan"
    __record_type__ = "educator_plan"
    __search_fields__ = ("focus",)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    plan_type: Mapped[str] = mapped_column(String(40))
    start_on: Mapped[date]
    end_on: Mapped[date]
    focus: Mapped[str | None] = mapped_column(Text)  # what the plan is for, in a sentence or two
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    timeline: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evaluator_name: Mapped[str | None] = mapped_column(String(200))
    evaluator_signed_on: Mapped[date | None]
    educator_name: Mapped[str | None] = mapped_column(String(200))
    educator_signed_on: Mapped[date | None]


class ProgressReport(_Document, Record, Base):
    """The CT's periodic written progress report to the ESP Panel on one PAR case (one page)."""

    __tablename__ = "progress_report"
    __record_type__ = "progress_report"
    __search_fields__ = ("observations", "goal_progress", "support", "next_steps")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_on: Mapped[date | None]
    observations: Mapped[str | None] = mapped_column(Text)
    goal_progress: Mapped[str | None] = mapped_column(Text)
    support: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
