"""The ``Record`` mixin every synced table carries, the declarative base and the UTC datetime column type."""

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, Integer, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ...core import clock, policy


def new_id() -> str:
    return str(uuid.uuid4())


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


RECORD_TYPES: dict[str, type["Record"]] = {}


class Record:
    """Columns every synced record carries."""

    __record_type__: ClassVar[str]
    __search_fields__: ClassVar[tuple[str, ...]] = ()
    # Fields an older version wrote and this one dropped: ignored when a record's JSON form is applied.
    __dropped_fields__: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(16))
    sync_dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        rt = cls.__dict__.get("__record_type__")
        if rt:
            RECORD_TYPES[rt] = cls

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("audience", policy.default_audience(self.__record_type__))  # one place: core/policy.py
        kw.setdefault("id", new_id())
        super().__init__(**kw)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id[:8]} v{self.version}{' deleted' if self.deleted else ''}>"
