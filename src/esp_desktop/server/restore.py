"""`esp-central restore`: put a database backup back and start a new server epoch (docs/server.md).

A restored database lacks what was committed after the backup, and will hand out again sequence numbers
that devices have already passed. The new epoch tells every device to re-send what the server lacks and
to pull everything again from cursor 0; nothing is duplicated (records are keyed by id and version).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from esp_desktop.core import clock
from esp_desktop.server import db, positions
from esp_desktop.server.epoch import Witness, read_state, rotate
from esp_desktop.server.models import AuditEntry

LOCK_FILE = "central.lock"


def hold_serving_lock(data_dir: Path) -> int:
    """A shared lock every serving process holds on its data directory (restore needs it exclusively)."""
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


@contextlib.contextmanager
def _nobody_serving(data_dir: Path) -> Iterator[None]:
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise db.ServerConfigError("esp-central is serving this data directory; stop it first") from None
        yield
    finally:
        os.close(fd)


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise db.ServerConfigError(f"{path} is not a readable SQLite database ({exc})") from None
    if not ok or ok[0] != "ok":
        raise db.ServerConfigError(f"{path} is damaged (integrity check failed); choose another backup")
    if not {"alembic_version", "records", "counters"} <= tables:
        raise db.ServerConfigError(f"{path} is not an esp-central database")


def _put_back(backup: Path, database: Path) -> None:
    staging = database.with_name(database.name + ".restoring")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, backup.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    for suffix in ("-wal", "-shm"):  # the old database's log must not be replayed onto the backup
        with contextlib.suppress(FileNotFoundError):
            database.with_name(database.name + suffix).unlink()
    os.replace(staging, database)
    dir_fd = os.open(database.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def restore(data_dir: Path, db_url: str, backup: Path | None) -> str:
    """Restore `backup` (SQLite) or accept a database already restored (PostgreSQL: pg_restore), migrate it,
    and start a new epoch. Returns the new epoch."""
    url = make_url(db_url)
    sqlite = url.get_backend_name() == "sqlite"
    if backup is not None and not sqlite:
        raise db.ServerConfigError(
            "restore a PostgreSQL database with pg_restore, then run `esp-central restore` without a file"
        )
    with _nobody_serving(data_dir):
        if backup is not None:
            if not backup.is_file():
                raise db.ServerConfigError(f"no backup file {backup}")
            _check_sqlite_backup(backup)
            assert url.database
            _put_back(backup, Path(url.database))
        engine = db.make_engine(db_url)
        try:
            db.upgrade(engine)  # a backup may predate the newest schema
            with db.session_factory(db.for_writing(engine)).begin() as session:
                places = positions.for_engine(engine)
                state = read_state(session, places)
                places.ensure_above(session, positions.highest_stored(session))
                state.head = places.head(session)
                epoch = rotate(session, state.epoch)
                session.add(
                    AuditEntry(
                        at=clock.now(),
                        action="restore",
                        detail=f"database restored (newest change {state.top}); new epoch {epoch}",
                        count=0,
                        remote="console",
                    )
                )
            Witness(data_dir).record(epoch, state.top, force=True)
        finally:
            engine.dispose()
        db.restrict_files(data_dir)
    return epoch
