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
import weakref
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)


class Checkpointer:
    IDLE_WAKE = 30.0  # seconds: how often an idle thread looks whether its store still exists (never closed)

    def __init__(self, engine: Engine, *, quiet: float = 1.0, longest: float = 10.0) -> None:
        self.engine = engine
        self.quiet, self.longest = quiet, longest
        self.done = 0  # checkpoints run (tests wait on it)
        self._cond = threading.Condition()
        self._first: float | None = None  # first use not checkpointed yet
        self._last = 0.0
        self._closed = False
        # A connection back in the pool has finished its work, commit included (the "commit" event comes before the
        # commit itself: a checkpoint due then could miss the very commit that woke it).
        event.listen(engine, "checkin", self._checked_in)
        # One thread for the store's life, started here and not in a commit: starting a thread waits for it to be
        # scheduled (27 ms at p99 on the loaded project machine). It holds the store only weakly while it waits, so a
        # store dropped without close() does not live on with its open files.
        self._thread = threading.Thread(target=_run, args=(weakref.ref(self), self._cond), name="wal-checkpoint",
                                        daemon=True)
        self._thread.start()

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
                self._cond.notify()

    def _due(self) -> float | None:
        """Seconds until the next checkpoint is due (<= 0: now); None: nothing to copy."""
        if self._first is None:
            return None
        return min(self._last + self.quiet, self._first + self.longest) - time.monotonic()

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
        self._thread.join()
        event.remove(self.engine, "checkin", self._checked_in)
        self.checkpoint()


def _run(ref: weakref.ref[Checkpointer], cond: threading.Condition) -> None:
    """The checkpoint thread: wait until one is due, run it; end when the store is closed or gone. It holds the
    Checkpointer only while it looks at it or runs a checkpoint, never while it waits."""
    while True:
        with cond:
            cp = ref()
            if cp is None or cp._closed:
                return
            wait = cp._due()
            if wait is None or wait > 0:
                del cp
                cond.wait(Checkpointer.IDLE_WAKE if wait is None else wait)
                continue
            cp._first = None
        cp.checkpoint()
        del cp
