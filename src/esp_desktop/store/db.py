"""Engines and sessions over SQLCipher (or plain SQLite, for benchmarks and the server-side tests).

SQLCipher gets the raw 256-bit key (``x'…'``) so opening costs no second PBKDF2 derivation.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from ..core.errors import StoreCorrupt
from . import hooks
from .changes import ChangeFeed


def make_engine(path: Path, key: bytes | None, *, synchronous: str = "FULL", same_sqlite: bool = False) -> Engine:
    """An engine for the store at ``path``; ``key=None`` opens a plain SQLite file (benchmark baseline, server-side
    tests). ``same_sqlite`` (with ``key=None``) runs that plain file on SQLCipher's own SQLite build, not Python's
    sqlite3 (an older SQLite with other defaults), so a benchmark compares encryption and nothing else."""
    extra: dict = {}
    if key is None:
        url = URL.create("sqlite", database=str(path))
        if same_sqlite:
            import sqlcipher3

            extra["module"] = sqlcipher3.dbapi2  # no PRAGMA key: SQLCipher leaves the file unencrypted
    else:
        url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
    # The pysqlcipher dialect defaults to SingletonThreadPool, which closes the connection of a thread that fell
    # out of its window while that thread may still be mid-query (Qt retires idle workers). A QueuePool hands
    # one connection at a time to whichever thread asks; sqlite allows that with check_same_thread off.
    # pool_use_lifo: the connection returned last is handed out next. Each connection has its own page cache, and a
    # commit on one makes the others drop theirs at their next transaction; taken in turn (the default), every
    # transaction would start cold and SQLCipher would read and decrypt each page again (bench/store.py: 18x the
    # decryptions once the checkpoint thread had opened a second connection).
    # hide_parameters: an error message (and so the log file) never carries what the CT wrote in clear.
    engine = create_engine(url, poolclass=QueuePool, pool_size=4, max_overflow=8, pool_use_lifo=True,
                           hide_parameters=True, connect_args={"check_same_thread": False}, **extra)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
        cur = dbapi_conn.cursor()
        if key is not None:
            # SQLCipher logs decryption failures to stderr itself; we report them as one clear error instead.
            cur.execute("PRAGMA cipher_log_level = NONE")
            # Memory sanitising of freed buffers costs ~20-40% on every page; the Python process holds the same
            # plaintext in ordinary objects anyway, so it buys little here (see bench/store.py).
            cur.execute("PRAGMA cipher_memory_security = OFF")
        # WAL: readers (UI) never block the writer (autosave). FULL: a committed line survives power loss.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        # No checkpoint inside a commit (a CT's Enter waited for it every ~50 lines): the store checkpoints when
        # it is quiet, on its own thread (store/checkpoint.py).
        cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA temp_store=MEMORY")  # no plaintext temp files on disk
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA cache_size=-32768")  # 32 MiB of decrypted pages: fewer decryptions on reads
        cur.close()

    return engine


def verify_readable(engine: Engine) -> None:
    """Touch the database so a wrong key or a damaged file fails now, with a clear message."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except DatabaseError as exc:
        raise StoreCorrupt(
            "The database file is damaged or does not match its key file; nothing was changed."
        ) from exc


def make_sessionmaker(engine: Engine, feed: ChangeFeed | None = None) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    hooks.install(factory, feed)
    return factory
