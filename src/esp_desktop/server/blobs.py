"""Attachments: encrypted blobs addressed by the SHA-256 of their bytes, uploaded in resumable chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from esp_desktop.server import access
from esp_desktop.server.base import CentralError, Clash, Database, Forbidden, NotFound, Principal, utcnow
from esp_desktop.server.models import Attachment, Record
from esp_desktop.sync import protocol as P


class Blobs(Database):
    def __init__(self, *, engine: Engine, blob_dir: Path) -> None:
        super().__init__(engine=engine)
        self.blob_dir = blob_dir
        self.blob_dir.mkdir(parents=True, exist_ok=True)

    def _blob_path(self, sha: str, *, partial: bool = False) -> Path:
        return self.blob_dir / sha[:2] / (sha + (".part" if partial else ""))

    def _status(self, row: Attachment) -> P.AttachmentStatus:
        return P.AttachmentStatus(sha256=row.sha256, size=row.size, received=row.received, complete=row.complete)

    def attachment_status(self, who: Principal, sha: str) -> P.AttachmentStatus:
        with self.sessions() as session:
            row = session.get(Attachment, sha)
            if row is None or not self._may_read_attachment(session, who, row):
                raise NotFound("no such attachment")
            return self._status(row)

    def start_attachment(self, who: Principal, sha: str, start: P.AttachmentStart) -> P.AttachmentStatus:
        if who.role != "ct":
            raise Forbidden("only a consulting teacher's device can upload attachments")
        with self._write() as session:
            row = session.get(Attachment, sha)
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
                self._blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
                self._blob_path(sha, partial=True).write_bytes(b"")
            elif row.owner_id != who.user_id and not row.complete:
                raise Forbidden("another user is uploading this attachment")
            elif row.size != start.size:
                raise Clash(f"attachment size differs from the one already announced ({row.size} bytes)")
            return self._status(row)

    def append_attachment(self, who: Principal, sha: str, *, offset: int, chunk: bytes) -> P.AttachmentStatus:
        with self._write() as session:
            row = session.get(Attachment, sha)
            if row is None or row.owner_id != who.user_id:
                raise NotFound("start the upload first")
            if row.complete:
                return self._status(row)
            if offset != row.received:
                raise Clash(f"upload offset must be {row.received}")
            if row.received + len(chunk) > row.size:
                raise CentralError("chunk goes past the announced size")
            part = self._blob_path(sha, partial=True)
            with part.open("r+b" if part.exists() else "wb") as fh:
                fh.seek(offset)
                fh.write(chunk)
                fh.truncate()
                fh.flush()
            row.received = offset + len(chunk)
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

    def _may_read_attachment(self, session: Session, who: Principal, row: Attachment) -> bool:
        if row.owner_id == who.user_id:
            return True
        return bool(
            session.scalar(
                select(func.count())
                .select_from(Record)
                .where(Record.attachment_sha256 == row.sha256, access.visible(who))
            )
        )

    def attachment_path(self, who: Principal, sha: str, *, remote: str | None = None) -> Path:
        with self.sessions() as session:
            row = session.get(Attachment, sha)
            if row is None or not row.complete or not self._may_read_attachment(session, who, row):
                raise NotFound("no such attachment")
        self.audit(who=who, action="attachment.get", detail=sha, remote=remote)
        return self._blob_path(sha)
