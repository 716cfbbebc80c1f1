"""Needs at school and district level (issue 18): CTs send de-identified counts, the program office reads the
sums with small numbers suppressed. The counting and suppression rules are core/aggregates.py's; this module
only stores each CT's latest submission and adds them up."""

from __future__ import annotations

import json

from sqlalchemy import select

from ..core import aggregates
from ..sync import protocol as P
from .base import CentralError, Database, Forbidden, Principal, utcnow
from .models import NeedsCounts


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
