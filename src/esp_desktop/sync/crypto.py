"""End-to-end encryption of ``ct_private`` records for sync.

A CT has one random 256-bit *sync key*. Records are sealed with AES-256-GCM under it (the record id and
type are the associated data, so a blob cannot be moved onto another record). The server only ever holds
the sync key *wrapped*: AES-GCM under a key derived from the CT's passphrase with Argon2id (same
parameters as the store's key file), so a second device of the same CT unwraps it with the passphrase.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..core.errors import EspError
from ..store.keys import DEFAULT_KDF, derive_key

WRAP_FORMAT = 1


class SyncKeyError(EspError):
    """The sync key cannot be unwrapped (wrong passphrase) or a sealed record is damaged."""


def new_sync_key() -> bytes:
    return secrets.token_bytes(32)


def wrap_sync_key(key: bytes, passphrase: str, *, key_id: str, kdf: dict[str, Any] | None = None) -> str:
    kdf = dict(kdf or DEFAULT_KDF)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    aad = json.dumps({"key_id": key_id, "kdf": kdf}, sort_keys=True).encode()
    wrapped = AESGCM(derive_key(passphrase, salt, kdf)).encrypt(nonce, key, aad)
    doc = {
        "format": WRAP_FORMAT,
        "kdf": kdf,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "wrapped": base64.b64encode(wrapped).decode(),
    }
    return base64.b64encode(json.dumps(doc).encode()).decode()


def unwrap_sync_key(blob: str, passphrase: str, *, key_id: str) -> bytes:
    try:
        doc = json.loads(base64.b64decode(blob))
        kdf = dict(doc["kdf"])
        aad = json.dumps({"key_id": key_id, "kdf": kdf}, sort_keys=True).encode()
        kek = derive_key(passphrase, base64.b64decode(doc["salt"]), kdf)
        return AESGCM(kek).decrypt(base64.b64decode(doc["nonce"]), base64.b64decode(doc["wrapped"]), aad)
    except InvalidTag:
        raise SyncKeyError(
            "The sync key on the server was protected with a different passphrase. Use the passphrase of "
            "the device that first synced (or change this device's passphrase to it)."
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncKeyError("The sync key stored on the server is damaged.") from exc


def _aad(record_type: str, record_id: str) -> bytes:
    return f"esp-sync:{record_type}:{record_id}".encode()


def seal(data: dict[str, Any], key: bytes, *, record_type: str, record_id: str) -> str:
    nonce = secrets.token_bytes(12)
    plain = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, _aad(record_type, record_id))).decode()


def open_sealed(blob: str, key: bytes, *, record_type: str, record_id: str) -> dict[str, Any]:
    try:
        raw = base64.b64decode(blob)
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], _aad(record_type, record_id))
        data = json.loads(plain)
    except (InvalidTag, ValueError) as exc:
        raise SyncKeyError(f"A private {record_type} record from the server cannot be decrypted.") from exc
    if not isinstance(data, dict):
        raise SyncKeyError(f"A private {record_type} record from the server is damaged.")
    return data
