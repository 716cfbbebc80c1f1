"""The server epoch, and how esp-central notices that its database went back in time.

Clients remember the epoch and the sequence numbers they have seen. A database restored from a backup (or
one that lost its last commits) hands out sequence numbers again that clients' cursors have already passed,
and lacks records clients believe are on the server. A new epoch tells every client to re-push what the
server lacks and re-pull from cursor 0 (docs/server.md, "Restores").

The epoch changes
- on `esp-central restore`, and
- when the database's top (the highest position stored) is found below a top this server has already
  acknowledged: each process remembers the highest top it saw, and `central.witness` in the data directory
  (outside the database, so a restore does not roll it back) keeps the highest top any process of this
  data directory acknowledged, so a restarted server notices as well.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from esp_desktop.server.models import ServerState
from esp_desktop.server.positions import Positions, highest_stored

WITNESS_FILE = "central.witness"


class State:
    """The epoch, the epoch it replaced (if any), the head (pulls may move their cursor up to it) and the top
    (the highest position stored: only ever grows, since rows are never deleted and an update moves a row
    to a new, higher position), read together."""

    __slots__ = ("epoch", "previous", "head", "top")

    def __init__(self, epoch: str, previous: str | None, head: int, top: int) -> None:
        self.epoch, self.previous, self.head, self.top = epoch, previous, head, top


def read_state(session: Session, positions: Positions) -> State:
    rows = session.execute(
        select(ServerState.name, ServerState.value).where(ServerState.name.in_(("epoch", "previous")))
    ).all()
    values = {name: value for name, value in rows}
    return State(values["epoch"], values.get("previous"), positions.head(session), highest_stored(session))


def went_back(state: State, seen: tuple[str, int] | None) -> bool:
    """True if the database lacks changes this server already acknowledged (its top is below one seen).

    `seen` must be read BEFORE the database: whatever was handed out had committed first, so an honest
    database is at or above it. A database whose epoch was rotated away from the one we saw has already been
    dealt with (another process noticed, or `esp-central restore` ran): it is adopted, not rotated again.
    """
    if seen is None or state.top >= seen[1]:
        return False
    return not (state.epoch != seen[0] and state.previous == seen[0])


def rotate(session: Session, old: str) -> str:
    """Replace epoch `old` by a fresh one; if another process already replaced it, return theirs."""
    new = str(uuid.uuid4())
    done = session.execute(
        update(ServerState).where(ServerState.name == "epoch", ServerState.value == old).values(value=new)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return str(session.scalar(select(ServerState.value).where(ServerState.name == "epoch")))
    moved = session.execute(update(ServerState).where(ServerState.name == "previous").values(value=old))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.add(ServerState(name="previous", value=old))
    return new


class Witness:
    """The highest top acknowledged, per epoch, kept in a small file next to the database.

    Several worker processes share the file: updates take an exclusive lock and only ever raise the head
    (or record a new epoch), so the file never goes backwards.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / WITNESS_FILE
        self._seen: tuple[str, int] | None = None  # what this process last wrote or read
        self._lock = threading.Lock()

    def read(self) -> tuple[str, int] | None:
        try:
            data = json.loads(self.path.read_text())
            return str(data["epoch"]), int(data["head"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def seen(self) -> tuple[str, int] | None:
        with self._lock:
            if self._seen is None:
                self._seen = self.read()
            return self._seen

    def record(self, epoch: str, head: int, *, force: bool = False) -> None:
        """Remember that (epoch, head) was handed out; `force` replaces whatever was there (restores)."""
        with self._lock:
            if not force and self._seen is not None and self._seen[0] == epoch and self._seen[1] >= head:
                return
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = os.pread(fd, 4096, 0)
                try:
                    data = json.loads(raw)
                    stored = (str(data["epoch"]), int(data["head"]))
                except (ValueError, KeyError, TypeError):
                    stored = None
                if not force and stored is not None and stored[0] == epoch and stored[1] >= head:
                    self._seen = stored
                    return
                body = json.dumps({"epoch": epoch, "head": head}).encode()
                os.ftruncate(fd, 0)
                os.pwrite(fd, body, 0)
                self._seen = (epoch, head)
            finally:
                os.close(fd)  # closing releases the lock
