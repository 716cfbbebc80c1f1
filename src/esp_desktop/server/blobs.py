"""Attachments: encrypted blobs addressed by the SHA-256 of their bytes, uploaded in resumable chunks.

A blob row belongs to one owner: a CT reaches only the blobs they uploaded (with every byte: knowing a SHA is
not enough); panel and admin reach a blob through a record they may read that names it, owned by the blob's
owner. The files on disk are shared by content (same SHA, same bytes).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session

from esp_desktop.server import access
from esp_desktop.server.base import CentralError, Clash, Database, Forbidden, NotFound, Principal, utcnow
from esp_desktop.server.models import Attachment, Record
from esp_desktop.sync import protocol as P

_BLOCK = 1 << 16


class Blobs(Database):
    def __init__(self, *, engine: Engine, data_dir: Path) -> None:
        super().__init__(engine=engine, data_dir=data_dir)
        self.blob_dir = data_dir / "blobs"
        self.blob_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.incoming_dir = self.blob_dir / "incoming"
        self.incoming_dir.mkdir(mode=0o700, exist_ok=True)

    def _blob_path(self, sha: str) -> Path:
        return self.blob_dir / sha[:2] / sha

    def _part_path(self, owner_id: int, sha: str) -> Path:
        return self.blob_dir / sha[:2] / f"{sha}.{owner_id}.part"

    def _status(self, row: Attachment) -> P.AttachmentStatus:
        return P.AttachmentStatus(sha256=row.sha256, size=row.size, received=row.received, complete=row.complete)

    def _readable(self, session: Session, who: Principal, sha: str) -> Attachment | None:
        """The blob row `who` may read under this SHA, if any."""
        own = session.get(Attachment, (who.user_id, sha))
        if own is not None or who.role == "ct":
            return own
        names_it = exists().where(
            Record.attachment_sha256 == Attachment.sha256,
            Record.owner_id == Attachment.owner_id,
            access.visible(who),
        )
        return session.scalars(
            select(Attachment).where(Attachment.sha256 == sha, Attachment.complete.is_(True), names_it).limit(1)
        ).first()

    def attachment_status(self, who: Principal, sha: str) -> P.AttachmentStatus:
        with self.sessions() as session:
            row = self._readable(session, who, sha)
            if row is None:
                raise NotFound("no such attachment")
            return self._status(row)

    def start_attachment(self, who: Principal, sha: str, start: P.AttachmentStart) -> P.AttachmentStatus:
        if who.role != "ct":
            raise Forbidden("only a consulting teacher's device can upload attachments")
        with self._write() as session:
            row = session.get(Attachment, (who.user_id, sha))
            if row is None:
                row = Attachment(
                    sha256=sha,
                    owner_id=who.user_id,
                    size=start.size,
                    received=0,
                    complete=False,
                    created_at=utcnow(),
                )
                session.add(row)
                part = self._part_path(who.user_id, sha)
                part.parent.mkdir(mode=0o700, exist_ok=True)
                os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            elif row.size != start.size:
                raise Clash(f"attachment size differs from the one already announced ({row.size} bytes)")
            return self._status(row)

    def append_attachment(self, who: Principal, sha: str, *, offset: int, chunk: Path) -> P.AttachmentStatus:
        """Append the bytes in file `chunk` (the request body, already streamed to disk) at `offset`."""
        length = chunk.stat().st_size
        with self._write() as session:
            row = session.scalars(
                select(Attachment)
                .where(Attachment.owner_id == who.user_id, Attachment.sha256 == sha)
                .with_for_update()
            ).first()
            if row is None:
                raise NotFound("start the upload first")
            if row.complete:
                return self._status(row)
            if offset != row.received:
                raise Clash(f"upload offset must be {row.received}")
            if row.received + length > row.size:
                raise CentralError("chunk goes past the announced size")
            part = self._part_path(who.user_id, sha)
            fd = os.open(part, os.O_RDWR | os.O_CREAT, 0o600)
            with open(fd, "r+b") as fh, chunk.open("rb") as src:
                fh.seek(offset)
                for block in iter(lambda: src.read(_BLOCK), b""):
                    fh.write(block)
                fh.truncate()
                fh.flush()
                os.fsync(fh.fileno())
            row.received = offset + length
            if row.received == row.size:
                digest = hashlib.sha256()
                with part.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                if digest.hexdigest() != sha:
                    row.received = 0
                    part.write_bytes(b"")
                    session.commit()
                    raise CentralError("attachment bytes do not match their SHA-256; upload it again")
                part.replace(self._blob_path(sha))
                row.complete = True
                self._audit(session, who=who, action="attachment.put", detail=sha, count=row.size)
            return self._status(row)

    def attachment_path(self, who: Principal, sha: str, *, remote: str | None = None) -> Path:
        with self.sessions() as session:
            row = self._readable(session, who, sha)
            if row is None or not row.complete:
                raise NotFound("no such attachment")
        self.audit(who=who, action="attachment.get", detail=sha, remote=remote)
        return self._blob_path(sha)
