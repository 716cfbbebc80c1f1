"""``executemany`` for the bulk paths (sync apply and push bookkeeping): many rows, one statement.

SQLAlchemy's ``conn.execute(stmt, rows)`` builds a parameter dictionary per row through its compiler, which
costs about twice what SQLite spends inserting the row (profiled on a 10,000-record sync). Here the statement is
compiled once for the rows' keys and each row becomes a tuple in the compiled order, through the same bind
processors (types) SQLAlchemy would apply; the driver's ``executemany`` does the rest. Anything this does not
handle - values computed per row by a column default, a dialect that does not take positional parameters - goes
through ``conn.execute`` unchanged.

The compiled form of a statement object is kept (a few, most recent first): the flush hooks run the same three
statements for every typed line, and compiling them each time was ~15 % of adding a script line (issue 15).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable


def executemany(conn: Connection, stmt: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
    """``conn.execute(stmt, rows)`` for rows that all have the same keys."""
    if not rows:
        return
    compiled = _compiled(stmt, conn.dialect, tuple(rows[0]))
    if compiled.positiontup is None or compiled.insert_prefetch or compiled.update_prefetch:
        conn.execute(stmt, list(rows))  # per-row defaults, or named parameters: SQLAlchemy's own way
        return
    columns: list[tuple[str | None, Any, Any]] = []  # (the row's key, else the statement's own value; processor)
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        if name not in rows[0] and bind.required:
            conn.execute(stmt, list(rows))  # (SQLAlchemy raises its own error for the missing value)
            return
        key = name if name in rows[0] else None  # else a value in the statement, e.g. .values(sync_dirty=False)
        columns.append((key, bind.effective_value, bind.type.bind_processor(conn.dialect) or _as_is))
    conn.exec_driver_sql(compiled.string, [
        tuple(process(row[key] if key is not None else value) for key, value, process in columns) for row in rows
    ])


@lru_cache(maxsize=32)
def _compiled(stmt: Executable, dialect: Any, keys: tuple[str, ...]) -> Any:
    """The statement compiled for rows with these keys (statement objects compare by identity: one built anew per
    call is compiled anew)."""
    return stmt.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]


def _as_is(value: Any) -> Any:
    return value
