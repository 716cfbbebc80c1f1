"""Attachment files over sync: content-addressed, already-encrypted blobs (the store's own file encryption;
the file key travels in the attachment record). Uploads resume where a cut upload stopped; downloads are
remembered in the sync state with the cursor that made them necessary, so a cut sync still fetches them."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from .errors import SyncError
from .transport import Transport

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def upload(transport: Transport, attachments: Any, attachment_id: str) -> str:
    """Upload the encrypted file of ``attachment_id`` (resuming); returns its SHA-256."""
    blob = attachments.path_for(attachment_id).read_bytes()
    sha = hashlib.sha256(blob).hexdigest()
    status = transport.start_attachment(sha, len(blob))
    while not status.complete:
        offset = status.received
        if offset >= len(blob):
            raise SyncError("The sync server did not accept an attachment upload; will retry.")
        status = transport.append_attachment(sha, offset, blob[offset : offset + CHUNK])
    return sha


def download(transport: Transport, attachments: Any, attachment_id: str, sha: str) -> bool:
    """Fetch one file if it is not here already; False if the server does not have it (yet)."""
    target = attachments.path_for(attachment_id)
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha:
        return True
    blob = transport.download_attachment(sha)
    if blob is None:
        log.warning("attachment %s is not on the server (yet)", attachment_id)
        return False
    if hashlib.sha256(blob).hexdigest() != sha:
        raise SyncError("A downloaded attachment does not match its checksum; will retry.")
    attachments.import_sealed(attachment_id, blob)
    return True
