"""store/bulk.executemany writes exactly what ``conn.execute(stmt, rows)`` writes (types, literal values in the
statement, upserts), and leaves to SQLAlchemy what it does not handle (column defaults computed per row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, create_engine, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from esp_desktop.store.bulk import executemany
from esp_desktop.store.models import RECORD_TYPES, AuditEvent, SyncRecordState

COACHING: Any = RECORD_TYPES["coaching"].__table__
AUDIT: Any = AuditEvent.__table__
STATE: Any = SyncRecordState.__table__
AT = dt.datetime(2026, 11, 25, 15, 0, 1, 5, tzinfo=dt.UTC)


def _coaching(i: int) -> dict[str, Any]:
    return {"id": f"00000000-0000-4000-8000-{i:012d}", "educator_id": "e", "kind": "co_planning",
            "held_on": dt.date(2026, 10, 1), "minutes": 45, "notes": f"Ünïcode note {i}", "resources": None,
            "indicator_codes": ["II-A", "I-B"], "equity_codes": [], "audience": "educator", "created_at": AT,
            "updated_at": AT, "version": 1, "deleted": False, "sync_dirty": False}


def _tables_after(write: Callable[[Any, Any, list[dict[str, Any]]], None]) -> list[list[tuple[Any, ...]]]:
    engine = create_engine("sqlite://")
    for t in (COACHING, AUDIT, STATE):
        t.create(engine)
    with engine.begin() as conn:
        write(conn, insert(COACHING), [_coaching(i) for i in range(5)])
        write(conn, update(COACHING).where(COACHING.c.id == bindparam("b_id")),
              [{"b_id": _coaching(i)["id"], "notes": None, "version": 7} for i in range(3)])
        write(conn, update(COACHING).where(COACHING.c.id == bindparam("b_id")).values(sync_dirty=True,
                                                                                       version=bindparam("b_v")),
              [{"b_id": _coaching(4)["id"], "b_v": 9}])
        write(conn, insert(AuditEvent), [
            {"at": AT, "actor": "ct", "action": "remote_create", "record_type": "coaching", "record_id": str(i),
             "educator_id": None, "detail": {"fields": ["notes"]}} for i in range(3)])
        # without "at" and "detail": their Python defaults are computed per row (SQLAlchemy's own path)
        write(conn, insert(AuditEvent), [{"actor": "ct", "action": "x", "record_type": "coaching",
                                           "record_id": "9", "educator_id": None}])
        stmt = sqlite_insert(STATE)
        upsert = stmt.on_conflict_do_update(index_elements=[STATE.c.record_id],
                                            set_={"server_version": stmt.excluded.server_version})
        for version in (1, 2):
            write(conn, upsert, [{"record_id": str(i), "record_type": "coaching", "server_version": version,
                                  "server_digest": None, "seen": True} for i in range(3)])
        return [[dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
                for t in (COACHING, AUDIT, STATE)]


def test_same_rows_as_sqlalchemys_executemany() -> None:
    ours = _tables_after(executemany)
    theirs = _tables_after(lambda conn, stmt, rows: conn.execute(stmt, rows))
    # the row whose "at" SQLAlchemy filled in from the clock differs in that one value only
    assert ours[1][-1].pop("at") and theirs[1][-1].pop("at")
    assert ours == theirs
    coaching, audit, state = ours
    assert [(r["notes"], r["version"], r["sync_dirty"]) for r in coaching] == [
        (None, 7, False), (None, 7, False), (None, 7, False), ("Ünïcode note 3", 1, False), ("Ünïcode note 4", 9, True)]
    assert coaching[3]["updated_at"] == AT and coaching[3]["held_on"] == dt.date(2026, 10, 1)
    assert coaching[3]["indicator_codes"] == ["II-A", "I-B"]
    assert [r["detail"] for r in audit] == [{"fields": ["notes"]}] * 3 + [{}] and audit[0]["at"] == AT
    assert [r["server_version"] for r in state] == [2, 2, 2]
