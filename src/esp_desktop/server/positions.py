"""Sequence numbers ("positions") of changes, and the head a pull may advance its cursor to.

The promise a pull relies on: every change at or below `head` is final (committed, or never to appear), so a
cursor moved up to `head` never skips a change that commits later. It must hold across threads, worker
processes and hosts, with no process-local lock.

SQLite (`CounterPositions`): one writer at a time (writes begin IMMEDIATE), so a counter row bumped inside the
writing transaction is exact: `head` is the committed counter.

PostgreSQL (`XidPositions`): a counter row would be locked from the bump to the commit, making every push
wait for the previous one's commit (its WAL flush included): one push at a time, however many workers. So
positions come from the writing transaction's own id instead, with no lock at all: a transaction with id
x writes positions (x + offset) * SPAN + 0, 1, 2, ... (a push writes fewer than SPAN changes). A pull reads
`pg_snapshot_xmin` of its snapshot: every transaction with a smaller id has finished, and every later commit
has a larger id, so everything below (xmin + offset) * SPAN is final: that is the head. Transaction ids are
64-bit (`xid8`) and never wrap. `offset` (0 until a restore needs it) keeps positions above those already
in the database after a restore into a cluster whose transaction ids are lower (see `ensure_above`).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from esp_desktop.server.models import Conflict, Counter, Record, ServerState

SPAN = 1 << 14  # positions per transaction: > MAX_BATCH changes + 16 resolved conflicts each


class Positions(Protocol):
    def take(self, session: Session, n: int) -> int:
        """Reserve n positions in this write transaction; returns the first."""
        ...

    def head(self, session: Session) -> int:
        """Every position at or below this is final."""
        ...

    def ensure_above(self, session: Session, highest: int) -> bool:
        """Make future positions exceed `highest` (after a restore); True if they had not."""
        ...


def highest_stored(session: Session) -> int:
    records = session.scalar(select(func.max(Record.seq))) or 0
    conflicts = session.scalar(select(func.max(Conflict.seq))) or 0
    return max(int(records), int(conflicts))


class CounterPositions:
    def take(self, session: Session, n: int) -> int:
        new_top = session.execute(
            update(Counter).where(Counter.name == "seq").values(value=Counter.value + n).returning(Counter.value)
        ).scalar_one()
        return int(new_top) - n + 1

    def head(self, session: Session) -> int:
        return int(session.scalar(select(Counter.value).where(Counter.name == "seq")) or 0)

    def ensure_above(self, session: Session, highest: int) -> bool:
        if self.head(session) >= highest:
            return False
        session.execute(update(Counter).where(Counter.name == "seq").values(value=highest))
        return True


class XidPositions:
    def _offset(self, session: Session) -> int:
        value = session.scalar(select(ServerState.value).where(ServerState.name == "xid_offset"))
        return int(value or 0)

    def take(self, session: Session, n: int) -> int:
        assert n < SPAN
        xid = int(session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
        return (xid + self._offset(session)) * SPAN

    def head(self, session: Session) -> int:
        xmin = int(session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())
        return (xmin + self._offset(session)) * SPAN - 1

    def ensure_above(self, session: Session, highest: int) -> bool:
        xid = int(session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
        offset = self._offset(session)
        if (xid + offset) * SPAN > highest:
            return False
        offset = highest // SPAN - xid + 1
        done = session.execute(update(ServerState).where(ServerState.name == "xid_offset").values(value=str(offset)))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            session.add(ServerState(name="xid_offset", value=str(offset)))
        return True


def for_engine(engine: Engine) -> Positions:
    return XidPositions() if engine.dialect.name == "postgresql" else CounterPositions()
