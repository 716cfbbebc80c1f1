"""WAL checkpoints off the committing thread, when the store is quiet.

SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: about every 50 script
lines a CT's Enter waited for ~4 MB to be copied into the database file and fsynced (issue 15). The store's
connections turn it off (``PRAGMA wal_autocheckpoint=0``, store/db.py) and this thread checkpoints instead, once
no connection has been used for ``quiet`` seconds, or ``longest`` seconds after the first use it has not copied yet
(a long sync or import still keeps the WAL short), and at close.

Durability does not depend on it: a commit is durable in the WAL (synchronous=FULL) and a crash replays the WAL
on the next open. A PASSIVE checkpoint takes no lock that a writer or a reader waits for; it copies what it can.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, engine: Engine, *, quiet: float = 1.0, longest: float = 10.0) -> None:
        self.engine = engine
        self.quiet, self.longest = quiet, longest
        self.done = 0  # checkpoints run (tests wait on it)
        self._cond = threading.Condition()
        self._first: float | None = None  # first commit not checkpointed yet
        self._last = 0.0
        self._closed = False
        self._thread: threading.Thread | None = None  # runs while commits wait for a checkpoint, then ends
        # A connection back in the pool has finished its work, commit included (the "commit" event comes before the
        # commit itself: a checkpoint due then could miss the very commit that woke it).
        event.listen(engine, "checkin", self._checked_in)

    def pace(self, *, quiet: float, longest: float) -> None:
        """Change how long the store must be quiet, and the longest a commit waits to be copied (tests)."""
        with self._cond:
            self.quiet, self.longest = quiet, longest
            self._cond.notify_all()

    def _checked_in(self, _dbapi_conn: Any, _record: Any) -> None:
        if threading.current_thread() is self._thread:
            return  # the checkpoint's own connection
        with self._cond:
            self._last = time.monotonic()
            if self._first is None:
                self._first = self._last
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
                self._thread.start()

    def _due(self) -> float | None:
        """Seconds until the next checkpoint is due (<= 0: now); None: nothing to copy."""
        if self._first is None:
            return None
        return min(self._last + self.quiet, self._first + self.longest) - time.monotonic()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (wait := self._due()) is not None and wait > 0:
                    self._cond.wait(wait)
                if self._closed or self._first is None:
                    self._thread = None  # nothing left to copy: a later commit starts another
                    return
                self._first = None
            self.checkpoint()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """Copy committed pages from the WAL into the database file now, as far as readers allow:
        (busy, pages in the WAL, pages copied) as SQLite reports them; None if it failed (logged)."""
        try:
            conn = self.engine.raw_connection()
            try:
                cur = conn.cursor()
                row = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                cur.close()
            finally:
                conn.close()
        except Exception:
            log.warning("WAL checkpoint failed", exc_info=True)
            return None
        with self._cond:
            self.done += 1
            self._cond.notify_all()
        return (int(row[0]), int(row[1]), int(row[2]))

    def close(self) -> None:
        """Stop the thread and copy what is left (before the engine's connections close)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        event.remove(self.engine, "checkin", self._checked_in)
        self.checkpoint()
