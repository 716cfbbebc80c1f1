"""Shared plumbing of the services: one unit of work per call, detached snapshots out."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core import clock, policy
from ..core.enums import Audience
from ..core.errors import ChangedElsewhere, NotFound, ValidationError
from ..store.models import AuditEvent, Record

if TYPE_CHECKING:
    from ..store.vault import Store
    from . import Services

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Actor:
    """Who acts. The desktop user is the CT; a secondary evaluator (principal) may contribute observations
    and evidence through the CT's store but may not author formative or summative documents."""

    name: str = "ct"
    kind: str = "ct"  # "ct" | "secondary_evaluator"
    person_id: str | None = None

    @property
    def is_ct(self) -> bool:
        return self.kind == "ct"


class Service:
    def __init__(self, services: Services) -> None:
        self._svc = services

    @property
    def store(self) -> Store:
        return self._svc.store

    def session(self) -> AbstractContextManager[Session]:
        return self.store.session(actor=self._svc.actor.name)

    def today(self) -> date:
        return clock.today()

    @staticmethod
    def get(s: Session, model: type[R], record_id: str, *, what: str | None = None) -> R:
        obj = s.get(model, record_id)
        if obj is None or obj.deleted:
            raise NotFound(f"{what or model.__name__} {record_id[:8]} was not found.")
        return obj

    @staticmethod
    def check_unchanged(obj: Record, unchanged_since: datetime | None, what: str) -> None:
        """Refuse to overwrite a change made elsewhere (sync, another window) since the caller read ``obj``:
        screens pass the ``updated_at`` of the snapshot they show (None: no check)."""
        if unchanged_since is not None and obj.updated_at != unchanged_since:
            raise ChangedElsewhere(what)

    @staticmethod
    def live(model: type[R]) -> Any:
        return select(model).where(model.deleted.is_(False))

    def check_codes(self, indicator_codes: Iterable[str] = (), equity_codes: Iterable[str] = ()) -> None:
        rubric = self._svc.rubric
        bad = [c for c in indicator_codes if not rubric.is_indicator(c)]
        bad += [c for c in equity_codes if not rubric.is_equity_tag(c)]
        if bad:
            raise ValidationError(f"Unknown rubric tag(s): {', '.join(bad)}.")

    @staticmethod
    def check_audience(audience: str | None, record_type: str | None = None) -> str:
        """A valid audience label; None: the record type's default (core/policy.py)."""
        if audience is None and record_type is not None:
            return policy.default_audience(record_type)
        try:
            return Audience(str(audience)).value
        except ValueError:
            raise ValidationError(
                f"Unknown audience {audience!r}; use ct_private, educator, panel or admin."
            ) from None

    @staticmethod
    def apply_fields(obj: Record, fields: dict[str, Any], allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
        for k, v in fields.items():
            setattr(obj, k, list(v) if isinstance(v, tuple) else v)

    def set_audience(self, model: type[R], record_id: str, audience: str) -> R:
        """Change who may see a record (the confidentiality badge in the UI). Finalized documents refuse
        (the store's flush hook asks core/policy.py), and children gated on the record are re-sent."""
        audience = self.check_audience(audience)
        with self.session() as s:
            obj = self.get(s, model, record_id)
            self._svc.caseload.guard_audience(s, getattr(obj, "educator_id", None), audience)
            obj.audience = audience
            return obj

    def audit_in(self, s: Session, *, action: str, record: Record | None = None, educator_id: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
        """Write an explicit audit event in the caller's unit of work (it commits or rolls back with the change it
        explains, e.g. a rule overridden with a justification)."""
        s.execute(insert(AuditEvent).values(
            at=clock.now(), actor=self._svc.actor.name, action=action,
            record_type=record.__record_type__ if record is not None else None,
            record_id=record.id if record is not None else None,
            educator_id=educator_id or (getattr(record, "educator_id", None) if record is not None else None),
            detail=detail or {}))

    def soft_delete(self, model: type[R], record_id: str) -> None:
        with self.session() as s:
            self.get(s, model, record_id).deleted = True
