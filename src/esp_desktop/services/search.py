"""Full-text search (SQLite FTS5 inside the encrypted database) and the audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text

from ..core import clock, policy
from ..store.facts import Facts
from ..store.models import RECORD_TYPES, AuditEvent
from .base import Service

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    record_type: str
    record_id: str
    educator_id: str | None
    snippet: str


def fts_query(user_text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match, the last one as a prefix."""
    words = _TOKEN.findall(user_text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class SearchService(Service):
    def search(self, query: str, *, limit: int = 50, educator_id: str | None = None,
               reader: policy.Reader = policy.THE_CT) -> list[SearchHit]:
        """Hits newest first; for a reader other than the CT only records core/policy.py lets them read."""
        q = fts_query(query)
        if q is None:
            return []
        sql = (
            "SELECT record_type, record_id, educator_id, "
            "snippet(search_index, 3, '[', ']', '…', 12) FROM search_index WHERE search_index MATCH :q "
            + ("AND educator_id = :e " if educator_id else "")
            # Newest first: FTS5 walks the doclist backwards and stops after :n hits, so a common word over
            # 100k notes costs the same as a rare one (ranking by bm25 would score every match).
            + "ORDER BY rowid DESC LIMIT :n"
        )
        with self.session() as s:
            rows = s.execute(text(sql), {"q": q, "n": limit, "e": educator_id}).all()
            if reader != policy.THE_CT:
                facts = Facts.load(s)
                rows = [r for r in rows if _readable(s, facts, reader, r[0], r[1])]
        return [SearchHit(*r) for r in rows]


def _readable(s: Any, facts: Facts, reader: policy.Reader, record_type: str, record_id: str) -> bool:
    obj = s.get(RECORD_TYPES[record_type], record_id)
    return obj is not None and not obj.deleted and policy.readable(reader, facts.subject(obj))


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    record_type: str | None
    record_id: str | None
    educator_id: str | None
    detail: dict[str, Any]


class AuditService(Service):
    def log(self, *, action: str, record_type: str | None = None, record_id: str | None = None,
            educator_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
        """Append an explicit event (exports, backups, unlocks). Record changes are logged automatically."""
        with self.session() as s:
            s.execute(insert(AuditEvent).values(at=clock.now(), actor=self._svc.actor.name, action=action,
                                                record_type=record_type, record_id=record_id,
                                                educator_id=educator_id, detail=detail or {}))

    def history(self, *, educator_id: str | None = None, record_id: str | None = None,
                limit: int = 500) -> list[AuditEntry]:
        q = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
        if educator_id:
            q = q.where(AuditEvent.educator_id == educator_id)
        if record_id:
            q = q.where(AuditEvent.record_id == record_id)
        with self.session() as s:
            return [AuditEntry(a.seq, a.at, a.actor, a.action, a.record_type, a.record_id, a.educator_id, a.detail)
                    for a in s.scalars(q)]
