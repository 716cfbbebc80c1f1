"""Learning Match on esp-central (issue 18).

Needs at school and district level: CTs send de-identified counts, the program office reads the sums with small
numbers suppressed (the counting and suppression rules are core/aggregates.py's; this module only stores each
CT's latest submission and adds them up). The shared catalog: CTs offer their catalog entries to each other.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from ..core import aggregates
from ..sync import protocol as P
from .base import CentralError, Clash, Database, Forbidden, Principal, aware, utcnow
from .models import NeedsCounts, User
from .models import SharedEntry as SharedEntryRow


def _row(r: aggregates.Row) -> P.NeedsAggregateRow:
    return P.NeedsAggregateRow(school=r.school or None, educators=r.educators, suppressed=r.suppressed,
                               counts=dict(sorted(r.counts.items())))


class Needs(Database):
    def submit_needs(self, who: Principal, body: P.NeedsSubmission, *, remote: str | None = None) -> int:
        """Keep this CT's latest counts for the school year; returns the number of schools."""
        if who.role != "ct":
            raise Forbidden("only a consulting teacher's device sends needs counts")
        try:
            sub = aggregates.parse_submission(body.model_dump())  # the same checks as the client's
        except ValueError as exc:
            raise CentralError(f"needs counts refused: {exc}") from None
        data = json.dumps(sub.as_json(), sort_keys=True)
        with self._write() as s:
            row = s.get(NeedsCounts, (who.user_id, sub.school_year))
            if row is None:
                s.add(NeedsCounts(owner_id=who.user_id, school_year=sub.school_year, counts=data,
                                  received_at=utcnow()))
            else:
                row.counts, row.received_at = data, utcnow()
            self._audit(s, who=who, action="needs.submit", detail=sub.school_year, count=len(sub.schools),
                        remote=remote)
        return len(sub.schools)

    def needs_aggregate(self, school_year: str) -> P.NeedsAggregate:
        with self.sessions() as s:
            rows = s.scalars(select(NeedsCounts).where(NeedsCounts.school_year == school_year)).all()
            subs = [aggregates.parse_submission(json.loads(r.counts)) for r in rows]
        district, schools = aggregates.aggregate(subs)
        return P.NeedsAggregate(school_year=school_year, min_educators=aggregates.MIN_EDUCATORS,
                                district=_row(district), schools=[_row(r) for r in schools])


class SharedCatalog(Database):
    """Catalog entries CTs share with each other (issue 18). Only CTs read and write them; a CT changes or
    withdraws only their own entries."""

    def share_entry(self, who: Principal, entry: P.SharedEntry, *, remote: str | None = None) -> P.SharedEntry:
        if who.role != "ct":
            raise Forbidden("only consulting teachers share catalog entries")
        data = json.dumps(entry.fields, sort_keys=True)
        if len(data) > 20_000:
            raise CentralError("a catalog entry is at most 20 000 characters")
        now = utcnow()
        with self._write() as s:
            row = s.get(SharedEntryRow, str(entry.id))
            if row is not None and row.owner_id != who.user_id:
                raise Clash("another CT shared this entry: only they can change it")
            if row is None:
                s.add(SharedEntryRow(id=str(entry.id), owner_id=who.user_id, fields=data, updated_at=now,
                                     withdrawn=entry.withdrawn))
            else:
                row.fields, row.updated_at, row.withdrawn = data, now, entry.withdrawn
            self._audit(s, who=who, action="catalog.share", detail=str(entry.id), remote=remote)
        return P.SharedEntry(id=entry.id, fields=entry.fields, shared_by=who.user_name, updated_at=now,
                             withdrawn=entry.withdrawn)

    def shared_catalog(self, who: Principal) -> P.SharedCatalog:
        if who.role != "ct":
            raise Forbidden("the shared catalog is for consulting teachers")
        with self.sessions() as s:
            rows = s.execute(select(SharedEntryRow, User.name).join(User, User.id == SharedEntryRow.owner_id)
                             .order_by(SharedEntryRow.updated_at)).all()
            return P.SharedCatalog(entries=[
                P.SharedEntry(id=uuid.UUID(r.id), fields=json.loads(r.fields), shared_by=name,
                              updated_at=aware(r.updated_at), withdrawn=r.withdrawn) for r, name in rows])
