"""Full-text search (SQLite FTS5 inside the encrypted database) and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text

from ..core import clock, policy
from ..store.facts import Facts
from ..store.models import RECORD_TYPES, AuditEvent
from .base import Service

_TOKEN = re.compile(r"\w+", re.UNICODE)
# A word the index folds exactly as str.lower() does (unicode61, remove_diacritics 2: ASCII letters and digits are
# only lower-cased). Other words keep FTS5's own folding: they are queried as a prefix, not expanded.
_PLAIN = re.compile(r"[A-Za-z0-9]+")
# Expand the word being typed into at most this many exact terms; a shorter prefix with more terms stays a prefix
# query (FTS5 then merges its doclist: slow for a 1-2 letter prefix at a million notes, docs/benchmarks.md).
EXPAND_MOST = 32


@dataclass(frozen=True)
class SearchHit:
    record_type: str
    record_id: str
    educator_id: str | None
    snippet: str


def fts_query(user_text: str, expand: Callable[[str], list[str] | None] | None = None) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match; the word still being typed (the last
    one, when nothing follows it) as a prefix.

    ``expand(prefix)`` may return the indexed terms that start with ``prefix`` (None: too many, or unknown); the
    prefix is then queried as those exact terms. It finds the same rows, but FTS5 reads an exact term's rows lazily,
    newest first, and stops after the limit, where a prefix term makes it merge every matching row first (40 ms
    for a common word over a million notes, against well under 1 ms; docs/benchmarks.md)."""
    found = _TOKEN.findall(user_text)
    # "_" is a word character to the regex but a separator to the index: a "word" of underscores alone is an empty
    # phrase, which makes an AND match nothing ("_-a" found no notes at all), so it is left out
    words = [w for w in found if w.strip("_")]
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if _TOKEN.search(user_text[-1]) and found[-1].strip("_"):  # the last word is still being typed
        last = words[-1]
        terms = expand(last.lower()) if expand is not None and _PLAIN.fullmatch(last) else None
        if terms:
            parts[-1] = "(" + " OR ".join(f'"{t}"' for t in terms) + ")"
        else:
            parts[-1] += "*"  # no indexed term has that prefix (no hit either way), or too many to list
    return " AND ".join(parts)


def prefix_terms(s: Any, prefix: str, most: int | None = None) -> list[str] | None:
    """The indexed terms starting with ``prefix`` (already folded as the index folds it), or None if there are
    more than ``most`` (default EXPAND_MOST). One range read of the index's term list (store/search_terms.py)."""
    most = EXPAND_MOST if most is None else most
    high = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string after every string starting with ``prefix``
    terms = list(s.connection().exec_driver_sql(
        "SELECT term FROM search_term WHERE term >= ? AND term < ? ORDER BY term LIMIT ?", (prefix, high, most + 1)
    ).scalars())
    return None if len(terms) > most else terms


class SearchService(Service):
    def search(self, query: str, *, limit: int = 50, educator_id: str | None = None,
               reader: policy.Reader = policy.THE_CT) -> list[SearchHit]:
        """Hits newest first; for a reader other than the CT only records core/policy.py lets them read."""
        if fts_query(query) is None:  # nothing the index could match (no word, or underscores alone)
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
            q = fts_query(query, lambda prefix: prefix_terms(s, prefix))
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
