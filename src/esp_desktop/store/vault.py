"""Opening, creating and unlocking the encrypted store in a data folder.

Layout of a data folder::

    esp.key          wrapped data key + KDF parameters (JSON, no secrets in clear)
    esp.db           SQLCipher database (+ -wal/-shm while open)
    attachments/     AES-GCM encrypted files
    settings.json    non-sensitive UI settings (auto-lock minutes, keyring on/off)
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..core.errors import (
    StoreCorrupt,
    StoreExists,
    StoreMissing,
    ValidationError,
    explain_database_error,
    explain_os_error,
)
from . import keys, migrate
from .attachments import AttachmentStore
from .changes import ChangeFeed
from .checkpoint import Checkpointer
from .db import make_engine, make_sessionmaker, verify_readable

DB_NAME = keys.DB_NAME
KEY_NAME = keys.KEY_NAME
MIN_PASSPHRASE = 8
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash scenario"


class Store:
    """An unlocked store: engine, session factory, attachments. Close it to lock."""

    def __init__(self, data_dir: Path, engine: Engine, data_key: bytes, keyfile: keys.KeyFile) -> None:
        self.data_dir = data_dir
        self.engine = engine
        self._data_key = data_key
        self.keyfile = keyfile
        self.changes = ChangeFeed()  # what each commit changed (store/changes.py)
        self.sessions = make_sessionmaker(engine, self.changes)
        self.attachments = AttachmentStore(data_dir / "attachments")
        self.checkpointer = Checkpointer(engine)  # the WAL is copied back when the store is quiet, not in a commit

    @property
    def store_id(self) -> str:
        return self.keyfile.store_id

    @property
    def data_key(self) -> bytes:
        return self._data_key

    @contextlib.contextmanager
    def session(self, *, actor: str = "ct", applying_remote: bool = False) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error.

        A read-only folder, a full disk or a database held by another program becomes one plain error
        (``core.errors.PlaceUnavailable``) instead of the engine's own message."""
        s = self.sessions()
        s.info["actor"] = actor
        s.info["applying_remote"] = applying_remote
        try:
            yield s
            s.commit()
        except OperationalError as exc:
            s.rollback()
            plain = explain_database_error(str(exc.orig))
            if plain is None:
                raise
            raise plain from exc
        except OSError as exc:
            s.rollback()
            plain = explain_os_error(exc)
            if plain is None:
                raise
            raise plain from exc
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the data key under a new passphrase (the database itself is untouched)."""
        check_passphrase(new)
        keys.unwrap_key(self.keyfile, old)  # raises WrongPassphrase
        kf = keys.wrap_key(self._data_key, new, store_id=self.store_id, kdf=self.keyfile.kdf)
        kf.extra = dict(self.keyfile.extra)
        kf.write(self.data_dir / KEY_NAME)
        self.keyfile = kf

    def remember_in_keyring(self) -> bool:
        return keys.keyring_store(self.store_id, self._data_key)

    def forget_keyring(self) -> None:
        keys.keyring_forget(self.store_id)

    def close(self) -> None:
        self.checkpointer.close()
        self.engine.dispose()
        self._data_key = b""


@dataclass(frozen=True)
class Strength:
    """How guessable a passphrase is: zxcvbn's score (0-4) and, if it is not accepted, why, in plain words."""

    score: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def passphrase_strength(passphrase: str) -> Strength:
    """THE passphrase rule, for the command line and the windows alike: at least ``MIN_PASSPHRASE`` characters and
    a zxcvbn score of at least ``MIN_SCORE``. The passphrase protects the store on this computer and the copy of
    the sync key the server keeps (which the server's operator could try to guess offline)."""
    from zxcvbn import zxcvbn  # imported on use: the unlock screen does not need it

    # zxcvbn is quadratic in the length; the first 100 characters judge a passphrase well enough.
    result: dict[str, Any] = zxcvbn(passphrase[:100]) if passphrase else {"score": 0, "feedback": {}}
    score = int(result["score"])
    if len(passphrase) < MIN_PASSPHRASE:
        return Strength(score, f"Use at least {MIN_PASSPHRASE} characters.")
    if score < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hint = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
        hint = f" ({hint.rstrip('.')})" if hint else ""
        return Strength(score, f"This passphrase is too easy to guess{hint}. A few unrelated words are easy to "
                               "type and hard to guess.")
    return Strength(score, None)


def check_passphrase(passphrase: str) -> None:
    problem = passphrase_strength(passphrase).problem
    if problem:
        raise ValidationError(problem)


STALE_TEMP_SECONDS = 600  # a *.tmp older than this is a leftover of a crash, not a write in progress


def secure_folder(data_dir: Path) -> None:
    """Owner-only access to the data folder and everything in it (0700 folders, 0600 files), and no leftover
    temporary files from a crash. Applied on create and on every unlock, so older stores are tightened too."""
    if os.name != "posix":  # Windows: the per-user profile folder's ACLs already do this
        return
    now = time.time()
    for folder in (data_dir, data_dir / "attachments"):
        if not folder.is_dir():
            continue
        os.chmod(folder, 0o700)
        for p in folder.iterdir():
            try:
                st = p.lstat()
                if not stat.S_ISREG(st.st_mode):
                    continue
                if p.suffix == ".tmp" and now - st.st_mtime > STALE_TEMP_SECONDS:
                    p.unlink()
                elif st.st_mode & 0o077:
                    os.chmod(p, 0o600)
            except FileNotFoundError:  # removed meanwhile (SQLite's -shm/-wal)
                continue


class Vault:
    """A data folder that may hold a store."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def key_path(self) -> Path:
        return self.data_dir / KEY_NAME

    def exists(self) -> bool:
        return keys.store_exists(self.data_dir)

    def create(self, passphrase: str) -> Store:
        if self.exists():
            raise StoreExists(f"A store already exists in {self.data_dir}; nothing was changed.")
        check_passphrase(passphrase)
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        secure_folder(self.data_dir)
        data_key = keys.new_data_key()
        kf = keys.wrap_key(data_key, passphrase, store_id=str(uuid.uuid4()))
        engine = make_engine(self.db_path, data_key)
        try:
            with engine.begin() as conn:
                migrate.upgrade(conn)
        except Exception:
            engine.dispose()
            for p in self.data_dir.glob(DB_NAME + "*"):
                p.unlink()
            raise
        kf.write(self.key_path)  # last: a store only "exists" once its schema is complete
        secure_folder(self.data_dir)
        return Store(self.data_dir, engine, data_key, kf)

    def read_keyfile(self) -> keys.KeyFile:
        return keys.read_keyfile(self.data_dir)

    def unlock(self, passphrase: str) -> Store:
        kf = self.read_keyfile()
        return self._open(keys.unwrap_key(kf, passphrase), kf)

    def unlock_from_keyring(self) -> Store | None:
        """Open with the key remembered in the OS keyring, or None if there is none."""
        kf = self.read_keyfile()
        key = keys.keyring_load(kf.store_id)
        return self._open(key, kf) if key else None

    def unlock_with_key(self, data_key: bytes) -> Store:
        return self._open(data_key, self.read_keyfile())

    def _open(self, data_key: bytes, kf: keys.KeyFile) -> Store:
        if not self.db_path.exists():
            raise StoreMissing(f"The database {DB_NAME} is missing from {self.data_dir}.")
        if self.db_path.stat().st_size < 1024:
            raise StoreCorrupt("The database file is truncated; nothing was changed.")
        secure_folder(self.data_dir)
        engine = make_engine(self.db_path, data_key)
        try:
            verify_readable(engine)
            with engine.begin() as conn:
                migrate.upgrade(conn)  # opening an older store migrates it
        except StoreCorrupt:
            engine.dispose()
            raise
        except Exception as exc:
            engine.dispose()
            raise StoreCorrupt(f"The database could not be opened ({type(exc).__name__}); nothing was changed.") from exc
        return Store(self.data_dir, engine, data_key, kf)
