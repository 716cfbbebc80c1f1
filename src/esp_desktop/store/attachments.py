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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..core.errors import StoreCorrupt

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
        return self.folder / f"{attachment_id}.bin"

    def put(self, attachment_id: str, data: bytes, filename: str, *, key: bytes | None = None) -> SealedFile:
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise StoreCorrupt(f"{filename} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
        key = key or AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(12)
        blob = nonce + AESGCM(key).encrypt(nonce, data, attachment_id.encode())
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.path_for(attachment_id)
        tmp = final.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
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
        try:
            data = AESGCM(bytes.fromhex(file_key)).decrypt(blob[:12], blob[12:], attachment_id.encode())
        except (InvalidTag, ValueError):
            raise StoreCorrupt(f"The attachment file {p.name} is damaged.") from None
        if sha256 and hashlib.sha256(data).hexdigest() != sha256:
            raise StoreCorrupt(f"The attachment file {p.name} does not match its checksum.")
        return data

    def import_sealed(self, attachment_id: str, blob: bytes) -> None:
        """Place an already-encrypted blob (from a backup or sync download)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path_for(attachment_id).with_suffix(".tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, self.path_for(attachment_id))
