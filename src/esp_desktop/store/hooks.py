"""Session hooks: the single place where every local change bumps its version, is marked for sync, is
written to the audit log and is (re)indexed for full-text search.

A session with ``session.info["applying_remote"] = True`` (the sync engine, import) keeps the incoming
version and does not mark records dirty. ``session.info["actor"]`` names who is acting (default "ct").

After a commit, the records the session touched are published to the store's ``ChangeFeed`` (``changes.py``),
so open screens refresh from what actually changed, whoever changed it (a screen, the CLI, sync).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import column, delete, event, func, insert, inspect, select, table, update
from sqlalchemy.orm import Session, sessionmaker

from ..core import clock, policy
from ..core.enums import DocumentStatus
from ..core.errors import ImmutableRecord
from .bulk import executemany
from .changes import ChangeFeed, Changes
from .models import RECORD_TYPES, AuditEvent, Record, SearchMap
from .search_terms import drop_index_rows, forget_unused_terms, remember_terms, terms_of

SEARCH_INDEX = "search_index"
_SEARCH_TABLE = table(SEARCH_INDEX, column("rowid"), column("record_type"), column("record_id"),
                      column("educator_id"), column("body"))
# Built once: store.bulk keeps each statement object's compiled form, so every flush reuses it (issue 15).
_INSERT_INDEX, _INSERT_MAP, _INSERT_AUDIT = insert(_SEARCH_TABLE), insert(SearchMap), insert(AuditEvent)
_BOOKKEEPING = {"sync_dirty", "version", "updated_at"}
_TOUCHED = "_touched_records"  # session.info key: (record type, id) -> educator id, until commit or rollback

# session.info key: ids of fictional demo records being removed (finalized demo documents may then be deleted)
DEMO_REMOVAL = "demo_removal"


def _changed_fields(obj: Record) -> list[str]:
    state = inspect(obj)
    return [a.key for a in state.attrs if a.history.has_changes() and a.key not in _BOOKKEEPING]


def _was_final(obj: Record) -> bool:
    """Was the record a finalized document before this change (its status as loaded)?"""
    if "status" not in inspect(obj).attrs:
        return False
    hist = inspect(obj).attrs.status.history
    before = (hist.deleted or hist.unchanged or [None])[0]
    return before == DocumentStatus.FINAL


def _resend_children(session: Session, obj: Record, now: Any) -> None:
    """A parent's audience changed: its gated children's effective audience changed with it, so they are
    re-sent (new version, dirty). Their own labels stay: they come back when the parent is shared again."""
    for ctype in policy.CHILDREN.get(obj.__record_type__, ()):
        gate = policy.entry(ctype).parent
        assert gate is not None
        tbl = RECORD_TYPES[ctype].__table__  # type: ignore[attr-defined]
        if gate.on_parent:
            child_id = getattr(obj, gate.link, None)
            if not child_id:
                continue
            where = tbl.c.id == child_id
        else:
            where = tbl.c[gate.link] == obj.id
        session.connection().execute(
            update(tbl).where(where).values(version=tbl.c.version + 1, updated_at=now, sync_dirty=True))


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    remote = bool(session.info.get("applying_remote"))
    actor = session.info.get("actor", "ct")
    now = clock.now()
    events: list[dict[str, Any]] = []
    for obj in list(session.new):
        if not isinstance(obj, Record):
            continue
        if not remote:
            obj.sync_dirty = True
            obj.created_at = obj.created_at or now
            obj.updated_at = now
        events.append(_event(actor, "remote_create" if remote else "create", obj, {}))
    for obj in list(session.dirty):
        if not isinstance(obj, Record) or not session.is_modified(obj):
            continue
        fields = _changed_fields(obj)
        if not fields:
            continue
        if not remote:
            # Finalized documents are frozen: content, audience and existence (core/policy.py).
            why = policy.change_refusal(obj.__record_type__, was_final=_was_final(obj), changed=fields,
                                        demo=obj.id in session.info.get(DEMO_REMOVAL, ()))
            if why:
                raise ImmutableRecord(why)
            if "audience" in fields:
                _resend_children(session, obj, now)
            obj.version = (obj.version or 0) + 1
            obj.updated_at = now
            obj.sync_dirty = True
        action = "delete" if "deleted" in fields and obj.deleted else "update"
        events.append(_event(actor, f"remote_{action}" if remote else action, obj, {"fields": sorted(fields)}))
    for obj in list(session.deleted):
        if isinstance(obj, Record):
            # Records are tombstoned, never hard-deleted, so sync can carry the delete.
            raise RuntimeError(f"hard delete of {obj!r}; set .deleted = True instead")
    if events:
        touched = session.info.setdefault(_TOUCHED, {})
        for e in events:
            touched[(e["record_type"], e["record_id"])] = e["educator_id"]
    if events and not session.info.get("no_audit"):
        session.info.setdefault("_pending_audit", []).extend(events)


def _event(actor: str, action: str, obj: Record, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": clock.now(),
        "actor": actor,
        "action": action,
        "record_type": obj.__record_type__,
        "record_id": obj.id,
        "educator_id": getattr(obj, "educator_id", None),
        "detail": detail,
    }


def _after_flush(session: Session, _ctx: Any) -> None:
    conn = session.connection()
    pending = session.info.pop("_pending_audit", None)
    if pending:
        audit_rows(conn, pending)
    new = [o for o in session.new if isinstance(o, Record) and o.__search_fields__]
    touched = new + [o for o in session.dirty if isinstance(o, Record) and o.__search_fields__]
    if touched:
        reindex(conn, touched, inserted={o.id for o in new})


def search_text(obj: Record) -> str:
    return search_body(obj.__search_fields__, lambda f: getattr(obj, f, None))


def search_body(fields: tuple[str, ...], get: Any) -> str:
    """The indexed text of a record: its search fields, one per line (``get(field)`` reads a value)."""
    parts = [get(f) for f in fields]
    return "\n".join(str(p) for p in parts if p)


def reindex(conn: Any, objs: list[Record], *, inserted: Collection[str] = ()) -> None:
    """Replace the full-text rows of ``objs`` (drop deleted ones). Rows are found through ``search_map``."""
    reindex_rows(conn, [(o.__record_type__, o.id, getattr(o, "educator_id", None),
                         None if o.deleted else search_text(o)) for o in objs], inserted=inserted)


def reindex_rows(conn: Any, rows: list[tuple[str, str, str | None, str | None]], *,
                 inserted: Collection[str] = ()) -> None:
    """Replace the full-text rows of records given as ``(record_type, record_id, educator_id, body)``; a body of
    None or "" (deleted, or nothing to index) only drops the old row. The bulk form the sync engine uses. The
    index's term list (store/search_terms.py) follows. ``inserted``: ids of records this flush has just inserted:
    they have no rows to drop (a line typed in the capture screen skips the look-up; issue 15)."""
    ids = [r[1] for r in rows if r[1] not in inserted]
    dropped: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        old = list(conn.execute(select(SearchMap.fts_rowid).where(SearchMap.record_id.in_(chunk))).scalars())
        if old:
            dropped |= drop_index_rows(conn, old)
            conn.execute(delete(SearchMap).where(SearchMap.record_id.in_(chunk)))
    live = [r for r in rows if r[3]]
    added = terms_of(conn, (r[3] or "" for r in live))  # the index's term list follows (store/search_terms.py)
    remember_terms(conn, added)
    forget_unused_terms(conn, dropped - added)
    if not live:
        return
    # Rowids only grow, so "ORDER BY rowid DESC" in search means most recently written first.
    next_id = (conn.execute(select(func.max(SearchMap.fts_rowid))).scalar() or 0) + 1
    fts_rows, map_rows = [], []
    for n, (rtype, rid, educator_id, body) in enumerate(live):
        rowid = next_id + n
        fts_rows.append({"rowid": rowid, "record_type": rtype, "record_id": rid,
                         "educator_id": educator_id, "body": body})
        map_rows.append({"record_id": rid, "fts_rowid": rowid})
    executemany(conn, _INSERT_INDEX, fts_rows)
    executemany(conn, _INSERT_MAP, map_rows)


def audit_rows(conn: Any, events: list[dict[str, Any]]) -> None:
    """Append audit events (dicts shaped like ``_event``'s) in one statement."""
    if events:
        executemany(conn, _INSERT_AUDIT, events)


def _publisher(feed: ChangeFeed) -> Any:
    def after_commit(session: Session) -> None:
        touched = session.info.pop(_TOUCHED, None)
        if touched:
            feed.publish(Changes(
                records=frozenset(touched),
                educators=frozenset(e for e in touched.values() if e),
                remote=bool(session.info.get("applying_remote")),
            ))

    return after_commit


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_TOUCHED, None)  # rolled back: nothing changed


def install(factory: sessionmaker[Session], feed: ChangeFeed | None = None) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    if feed is not None:
        event.listen(factory, "after_commit", _publisher(feed))
        event.listen(factory, "after_rollback", _forget)
