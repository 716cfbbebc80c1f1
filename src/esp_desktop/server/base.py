"""What every part of esp-central shares: errors, the signed-in principal, transactions and the audit log."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from esp_desktop.core import clock
from esp_desktop.server import db
from esp_desktop.server.models import AuditEntry


class CentralError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(CentralError):
    status = 401


class Forbidden(CentralError):
    status = 403


class NotFound(CentralError):
    status = 404


class Clash(CentralError):
    status = 409


class TooMany(CentralError):
    status = 429


@dataclass(frozen=True)
class Principal:
    user_id: int
    user_name: str
    role: str  # a reader of core/policy.py (ReaderKind value)
    device_id: str
    educator_id: str | None = None  # an educator user: their own case


def utcnow() -> dt.datetime:
    return clock.now()


def aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Database:
    """The engine, one transaction per write, and the audit log. The concern classes build on it."""

    def __init__(self, *, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.sessions = db.session_factory(engine)
        self._writes = db.session_factory(db.for_writing(engine))

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction. Nothing here is a process-local lock: several worker processes may write at
        once. SQLite takes its single write lock at BEGIN (db.for_writing); PostgreSQL writers lock only the rows
        they change (a CT's user row while they push: positions come from the transaction id, positions.py)."""
        with self._writes.begin() as session:
            yield session

    def _audit(
        self,
        session: Session,
        *,
        who: Principal | None,
        action: str,
        detail: str = "",
        count: int = 0,
        remote: str | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                at=utcnow(),
                user_id=who.user_id if who else None,
                device_id=who.device_id if who else None,
                action=action,
                detail=detail[:2000],
                count=count,
                remote=remote,
            )
        )

    def audit(
        self,
        *,
        who: Principal | None,
        action: str,
        detail: str = "",
        count: int = 0,
        remote: str | None = None,
    ) -> None:
        with self._write() as session:
            self._audit(session, who=who, action=action, detail=detail, count=count, remote=remote)
