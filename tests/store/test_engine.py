"""The store's engine hands out the connection used last, so its page cache stays warm (store/db.py).

Each SQLite connection has its own page cache, and a commit through one makes every other connection drop its
cache at its next transaction. Once a second connection exists (the WAL checkpoint thread opens one when a session
holds the first), taking the pool's connections in turn would start every unit of work on an empty cache: SQLCipher
then reads and decrypts every page it touches again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from esp_desktop.services import Services


def _connections_used(store: Any, work: Callable[[], object]) -> list[object]:
    """The DB-API connections the pool handed out while ``work`` ran, in order."""
    used: list[object] = []

    def checkout(dbapi_conn: object, _record: object, _proxy: object) -> None:
        used.append(dbapi_conn)

    event.listen(store.engine, "checkout", checkout)
    try:
        work()
    finally:
        event.remove(store.engine, "checkout", checkout)
    return used


def test_units_of_work_keep_to_the_connection_used_last(store: Any) -> None:
    store.checkpointer.pace(quiet=3600, longest=3600)  # checkpoints only when the test asks
    with store.session() as s:
        s.connection()
        assert store.checkpointer.checkpoint() is not None  # runs on a second connection: the first is in use
    assert store.engine.pool.checkedin() == 2
    caseload = Services(store).caseload

    def type_lines() -> None:
        for i in range(6):
            caseload.add_educator(given_name="Line", family_name=f"Typed{i}")

    used = _connections_used(store, type_lines)
    assert len(used) >= 6 and len(set(map(id, used))) == 1, "every unit of work runs on the connection returned last"

    # A checkpoint between units of work takes that connection and gives it back: the next units keep to it.
    first = used[0]
    assert _connections_used(store, store.checkpointer.checkpoint) == [first]
    assert set(map(id, _connections_used(store, type_lines))) == {id(first)}
    assert {e.family_name for e in caseload.educators()} >= {f"Typed{i}" for i in range(6)}
