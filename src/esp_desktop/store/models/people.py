"""People and places: the CT's profile, schools, the people the CT works with, educators."""

from sqlalchemy import Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Record


class CTProfile(Record, Base):
    __tablename__ = "ct_profile"
    __record_type__ = "ct_profile"
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    employee_id: Mapped[str | None] = mapped_column(String(50))
    school_year: Mapped[str | None] = mapped_column(String(20))
    caseload_cap: Mapped[int] = mapped_column(Integer, default=12)
    cap_reason: Mapped[str | None] = mapped_column(Text)  # why the cap differs from the program's 12


class Site(Record, Base):
    __tablename__ = "site"
    __record_type__ = "site"
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    # where it is, for the distance to professional learning (Learning Match); optional
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)  # kept for old records, offered no more


class Person(Record, Base):
    """Administrators, site coaches, secondary evaluators: people the CT works with."""

    __tablename__ = "person"
    __record_type__ = "person"
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    site_id: Mapped[str | None] = mapped_column(String(36))


class Educator(Record, Base):
    __tablename__ = "educator"
    __record_type__ = "educator"
    __search_fields__ = ("given_name", "family_name", "role_subject")
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    employee_id: Mapped[str | None] = mapped_column(String(50), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    role_subject: Mapped[str | None] = mapped_column(String(200))
    grade_band: Mapped[str | None] = mapped_column(String(50))
    site_ids: Mapped[list[str]] = mapped_column(default=list)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)  # off the caseload, records kept

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def educator_id(self) -> str:  # uniform access for filters: an educator belongs to its own case
        return self.id
