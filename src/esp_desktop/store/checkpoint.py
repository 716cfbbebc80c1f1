"""WAL checkpoints and full-text index merges off the committing thread, when the store is quiet.

SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: about every 50 script
lines a CT's Enter waited for ~4 MB to be copied into the database file and fsynced (issue 15). The store's
connections turn it off (``PRAGMA wal_autocheckpoint=0``, store/db.py) and this thread checkpoints instead, once
no connection has been used for ``quiet`` seconds, or ``longest`` seconds after the first use it has not copied yet
(a long sync or import still keeps the WAL short), and at close.

Durability does not depend on it: a commit is durable in the WAL (synchronous=FULL) and a crash replays the WAL
on the next open. A PASSIVE checkpoint takes no lock that a writer or a reader waits for; it copies what it can.

The search index (FTS5) is merged the same way: FTS5's automatic merge ran inside every ~64th typed line's commit
(25-60 ms, issue 15), so it is off (migration 0011) and, once the store is quiet, this thread merges in small steps
(each its own short transaction) with FTS5's own rule for what is worth merging, and stops as soon as the store is
used again. A merge only rewrites the index's own pages: what a search finds does not change.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, event

from .hooks import SEARCH_INDEX

log = logging.getLogger(__name__)

# One merge step: FTS5 writes about this many pages, then commits (~5-10 ms of work, so a line typed meanwhile waits
# little for the write lock). A positive count merges only levels holding `usermerge` (4) segments, as automerge did.
MERGE_STEP = f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rank) VALUES('merge', 16)"


class Checkpointer:
    IDLE_WAKE = 30.0  # seconds: how often an idle thread looks whether its store still exists (never closed)

    def __init__(self, engine: Engine, *, quiet: float = 1.0, longest: float = 10.0) -> None:
        self.engine = engine
        self.quiet, self.longest = quiet, longest
        self.done = 0  # checkpoints run (tests wait on it)
        self.merged = 0  # index merge steps that merged something
        self._cond = threading.Condition()
        self._first: float | None = None  # first use not checkpointed yet
        self._last = 0.0
        self._closed = False
        self._own = threading.local()  # set while this object uses a connection itself
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
        if getattr(self._own, "active", False):
            return  # a checkpoint's or merge's own connection
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

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A raw connection for this object's own work: giving it back is not a use of the store."""
        self._own.active = True
        try:
            conn = self.engine.raw_connection()
            try:
                yield conn
            finally:
                conn.close()
        finally:
            self._own.active = False

    def _busy_since(self, t: float) -> bool:
        with self._cond:
            return self._closed or self._last > t

    def merge_index(self) -> bool:
        """Merge the search index's segments in small steps until there is nothing worth merging (True) or the
        store is used or closed meanwhile (False: the next quiet moment goes on)."""
        start = time.monotonic()
        while not self._busy_since(start):
            try:
                with self._connection() as conn:
                    before = conn.total_changes
                    cur = conn.cursor()
                    cur.execute(MERGE_STEP)
                    cur.close()
                    conn.commit()
                    merged = conn.total_changes - before >= 2  # FTS5's documented sign that work was done
            except Exception:
                log.warning("search index merge failed", exc_info=True)
                return False
            if not merged:
                return True
            with self._cond:
                self.merged += 1
        return False

    def checkpoint(self) -> tuple[int, int, int] | None:
        """Copy committed pages from the WAL into the database file now, as far as readers allow:
        (busy, pages in the WAL, pages copied) as SQLite reports them; None if it failed (logged)."""
        try:
            with self._connection() as conn:
                cur = conn.cursor()
                row = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                cur.close()
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
            quiet = cp._last + cp.quiet <= time.monotonic()  # else the longest wait is over: copy the WAL only
            cp._first = None
        if quiet:
            cp.merge_index()  # first, so the checkpoint copies the merged pages too
        cp.checkpoint()
        del cp
