"""Encrypted attachment files: AES-256-GCM with a per-file key that lives in the (encrypted) database.

On disk: ``attachments/<id>.bin`` = 12-byte nonce || ciphertext+tag; the attachment id is the associated data,
so files cannot be swapped between records unnoticed.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# `cryptography` loads when a file is sealed or opened: a day without attachments never needs it (issue 15: ~9 MB;
# the unlock opens the key file in a helper process, store/keyhelper.py)
from ..core.errors import StoreCorrupt
from .records import is_record_id

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SealedFile:
    sha256: str
    size: int
    file_key: str
    media_type: str | None


class AttachmentStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, attachment_id: str) -> Path:
        # The id becomes a file name: only a canonical UUID may (a crafted import or a hostile server could
        # otherwise name a path outside this folder).
        if not is_record_id(attachment_id):
            raise StoreCorrupt("An attachment has an invalid id; it was not written.")
        return self.folder / f"{attachment_id}.bin"

    def _write(self, attachment_id: str, blob: bytes, *, sync: bool) -> None:
        """Atomically place ``blob`` (owner-only file; no half file left behind when the disk is full)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        final = self.path_for(attachment_id)
        tmp = final.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put(self, attachment_id: str, data: bytes, filename: str, *, key: bytes | None = None) -> SealedFile:
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise StoreCorrupt(f"{filename} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = key or AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(12)
        self.path_for(attachment_id)  # validates the id before any work
        blob = nonce + AESGCM(key).encrypt(nonce, data, attachment_id.encode())
        self._write(attachment_id, blob, sync=True)
        return SealedFile(
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            file_key=key.hex(),
            media_type=mimetypes.guess_type(filename)[0],
        )

    def get(self, attachment_id: str, file_key: str, sha256: str | None = None) -> bytes:
        p = self.path_for(attachment_id)
        if not p.exists():
            raise StoreCorrupt(f"The attachment file {p.name} is missing.")
        blob = p.read_bytes()
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            data = AESGCM(bytes.fromhex(file_key)).decrypt(blob[:12], blob[12:], attachment_id.encode())
        except (InvalidTag, ValueError):
            raise StoreCorrupt(f"The attachment file {p.name} is damaged.") from None
        if sha256 and hashlib.sha256(data).hexdigest() != sha256:
            raise StoreCorrupt(f"The attachment file {p.name} does not match its checksum.")
        return data

    def import_sealed(self, attachment_id: str, blob: bytes) -> None:
        """Place an already-encrypted blob (from a backup or sync download)."""
        self._write(attachment_id, blob, sync=True)
