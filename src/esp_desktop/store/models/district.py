"""Bridge to the district: when an observation or an assessment was posted on the district's evaluation platform.

One row per "Mark as posted". The row keeps a hash of every field of the platform form as it was posted, so the
app can tell later that the record changed afterwards (and which fields) without keeping a second copy of the
text. Two record types, one per kind of posted record, so each has exactly one parent for the confidentiality
policy's parent gate (a post of a hidden observation stays hidden).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class _PostColumns:
    educator_id: Mapped[str] = mapped_column(String(36), index=True)
    posted_at: Mapped[datetime]
    posted_by: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))  # of the whole form as posted
    field_hashes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # form field key -> sha256 of its text


class ObservationPost(_PostColumns, Record, Base):
    __tablename__ = "observation_post"
    __record_type__ = "observation_post"
    observation_id: Mapped[str] = mapped_column(String(36), index=True)


class AssessmentPost(_PostColumns, Record, Base):
    __tablename__ = "assessment_post"
    __record_type__ = "assessment_post"
    document_id: Mapped[str] = mapped_column(String(36), index=True)
