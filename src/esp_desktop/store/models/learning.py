"""Learning Match (issue 18): the professional-learning catalog, an educator's learning priorities, the log of
matches offered to them, and the PD sessions the CT leads.

Catalog entries are not case content: they describe district PD, union/teacher-led sessions, practice networks
and peer-model classrooms (a peer model is listed only with recorded consent), and are readable like sites
(core/policy.py ``pl_entry``). Priorities and matches belong to one educator's case. A CT-led PD session is the
CT's program work; its attendees (and what each committed to try) are kept on the session.
"""

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class CatalogEntry(Record, Base):
    __tablename__ = "pl_entry"
    __record_type__ = "pl_entry"
    __search_fields__ = ("title", "provider", "description")
    kind: Mapped[str] = mapped_column(String(30))  # core.learning.PLKind
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)
    grade_bands: Mapped[list[str]] = mapped_column(default=list)
    subjects: Mapped[list[str]] = mapped_column(default=list)
    site_name: Mapped[str | None] = mapped_column(String(200))
    site_code: Mapped[str | None] = mapped_column(String(50))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    session_dates: Mapped[list[str]] = mapped_column(default=list)  # ISO dates
    weekdays: Mapped[list[str]] = mapped_column(default=list)  # visits on request: "tue", "thu"
    start_time: Mapped[str | None] = mapped_column(String(5))  # "15:30", local
    contact: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    # a peer-model classroom is listed only with the host's consent: when and how it was given
    consent_on: Mapped[date | None]
    consent_note: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # shared between CTs through esp-central (issue 18): ``shared`` offers this CT's own entry to the others;
    # a copy of another CT's entry keeps its origin and who shared it, and is refreshed from it on each sync
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_id: Mapped[str | None] = mapped_column(String(36), index=True)
    shared_by: Mapped[str | None] = mapped_column(String(120))


class LearningPriority(Record, Base):
    """One of an educator's one or two priority indicators/Essentials, chosen with the CT."""

    __tablename__ = "learning_priority"
    __record_type__ = "learning_priority"
    __search_fields__ = ("why",)
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    code: Mapped[str] = mapped_column(String(20))  # an indicator or an Essential
    rank: Mapped[int] = mapped_column(Integer, default=1)
    why: Mapped[str | None] = mapped_column(Text)
    set_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | done | dropped
    goal_id: Mapped[str | None] = mapped_column(String(36))  # the practice goal it seeded or was aligned with
    prescription_id: Mapped[str | None] = mapped_column(String(36))


class LearningMatch(Record, Base):
    """A catalog entry offered to an educator for a priority, and how far it went."""

    __tablename__ = "learning_match"
    __record_type__ = "learning_match"
    __search_fields__ = ("entry_title", "notes")
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    entry_id: Mapped[str] = mapped_column(String(36), index=True)
    entry_title: Mapped[str] = mapped_column(String(300))  # as offered (the entry may change or go)
    priority_code: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="offered")  # core.learning.MatchStatus
    offered_on: Mapped[date]
    accepted_on: Mapped[date | None]
    attended_on: Mapped[date | None]
    tried_on: Mapped[date | None]
    evidence_id: Mapped[str | None] = mapped_column(String(36))  # follow-up evidence of trying it in class
    notes: Mapped[str | None] = mapped_column(Text)


class PDSession(Record, Base):
    """A PD session the CT leads. ``attendees``: ``[{"name", "educator_id" (on the caseload, or null),
    "commitment" (what they will try), "indicator_codes", "equity_codes"}]``."""

    __tablename__ = "pd_session"
    __record_type__ = "pd_session"
    __search_fields__ = ("title", "goal", "knowledge", "practice", "commitment")
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text)
    knowledge: Mapped[str | None] = mapped_column(Text)
    practice: Mapped[str | None] = mapped_column(Text)
    commitment: Mapped[str | None] = mapped_column(Text)  # the commitment asked of everyone
    indicator_codes: Mapped[list[str]] = mapped_column(default=list)
    equity_codes: Mapped[list[str]] = mapped_column(default=list)
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    entry_id: Mapped[str | None] = mapped_column(String(36))  # when it is also in the catalog
