"""End-to-end encryption of ``ct_private`` records for sync.

A CT has one random 256-bit *sync key*. Records are sealed with AES-256-GCM under it. The associated data is
the record's type, id and the version the server gives the change when it accepts it, so a sealed blob can be
moved neither onto another record nor back in time: a server that serves an older ciphertext under a newer
version number is caught when the record is opened. The nonce is derived from the content (HMAC under a key
derived from the sync key), so re-sending the same change after a crash sends the same bytes.

The server only ever holds the sync key *wrapped*: AES-GCM under a key derived from the CT's passphrase with
Argon2id at a much higher cost than the store's own key file (``SERVER_WRAP_KDF``): the server operator can
try passphrases offline against it, so each guess must be expensive. A second device of the same CT unwraps
it with the passphrase; a passphrase change re-wraps it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..core.errors import EspError, StoreCorrupt
from ..store.keys import derive_key

WRAP_FORMAT = 1
# 256 MiB and 6 passes: about 8x the store key file's cost (~0.8 s on the project machine) for every guess
# against the copy the server holds. Within the bounds store.keys.check_kdf accepts.
SERVER_WRAP_KDF: dict[str, Any] = {
    "name": "argon2id", "iterations": 6, "lanes": 4, "memory_cost": 262144, "length": 32,
}
SEAL_V2 = b"\x02"  # sealed with the version in the associated data and a content-derived nonce


class SyncKeyError(EspError):
    """The sync key cannot be unwrapped (wrong passphrase) or a sealed record is damaged."""


def new_sync_key() -> bytes:
    return secrets.token_bytes(32)


def wrap_sync_key(key: bytes, passphrase: str, *, key_id: str, kdf: dict[str, Any] | None = None) -> str:
    kdf = dict(kdf or SERVER_WRAP_KDF)
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


def wrap_kdf(blob: str) -> dict[str, Any] | None:
    """The KDF parameters a wrapped key was made with (None if unreadable)."""
    try:
        kdf = json.loads(base64.b64decode(blob))["kdf"]
        return dict(kdf) if isinstance(kdf, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


def unwrap_sync_key(blob: str, passphrase: str, *, key_id: str) -> bytes:
    try:
        doc = json.loads(base64.b64decode(blob))
        kdf = dict(doc["kdf"])
        aad = json.dumps({"key_id": key_id, "kdf": kdf}, sort_keys=True).encode()
        kek = derive_key(passphrase, base64.b64decode(doc["salt"]), kdf)  # bounds-checked: StoreCorrupt
        return AESGCM(kek).decrypt(base64.b64decode(doc["nonce"]), base64.b64decode(doc["wrapped"]), aad)
    except InvalidTag:
        raise SyncKeyError(
            "The sync key on the server was protected with a different passphrase. Use the passphrase of "
            "the device that first synced (or change this device's passphrase to it)."
        ) from None
    except (ValueError, KeyError, TypeError, StoreCorrupt) as exc:
        raise SyncKeyError("The sync key stored on the server is damaged.") from exc


def _aad(record_type: str, record_id: str, version: int | None) -> bytes:
    base = f"esp-sync:{record_type}:{record_id}"
    return base.encode() if version is None else f"{base}:v{version}".encode()


def _nonce_key(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"esp-sync nonce v2").derive(key)


def seal(data: dict[str, Any], key: bytes, *, record_type: str, record_id: str, version: int) -> str:
    """Encrypt a record's JSON form for the version the server will give it (base version + 1)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return Sealer(key).seal_text(text, record_type=record_type, record_id=record_id, version=version)


class Sealer:
    """Seals many records under one sync key (derives the nonce key once)."""

    def __init__(self, key: bytes) -> None:
        self._aes = AESGCM(key)
        self._nonce_key = _nonce_key(key)

    def seal_text(self, text: str, *, record_type: str, record_id: str, version: int) -> str:
        """``seal`` for a record's JSON form already serialised (canonically: sorted keys)."""
        plain = text.encode()
        aad = _aad(record_type, record_id, version)
        # Synthetic nonce: the same (record, version, content) always seals to the same bytes, different content
        # never shares a nonce (short of an HMAC collision), so GCM's nonce rule holds without a random source.
        nonce = hmac.new(self._nonce_key, aad + b"\0" + plain, hashlib.sha256).digest()[:12]
        return base64.b64encode(SEAL_V2 + nonce + self._aes.encrypt(nonce, plain, aad)).decode()


def open_sealed(blob: str, key: bytes, *, record_type: str, record_id: str, version: int) -> dict[str, Any]:
    """Decrypt a record sealed for ``version``. Records sealed before versions were bound (no ``SEAL_V2``
    prefix) still open: they predate this check and can only be replaced by newer, bound ones."""
    try:
        raw = base64.b64decode(blob)
    except ValueError as exc:
        raise SyncKeyError(f"A private {record_type} record from the server is damaged.") from exc
    aes = AESGCM(key)
    plain = None
    if raw[:1] == SEAL_V2:
        try:
            plain = aes.decrypt(raw[1:13], raw[13:], _aad(record_type, record_id, version))
        except InvalidTag:
            plain = None
    if plain is None:
        try:
            plain = aes.decrypt(raw[:12], raw[12:], _aad(record_type, record_id, None))
        except (InvalidTag, ValueError):
            raise SyncKeyError(
                f"A private {record_type} record from the server cannot be decrypted, or is not the version the "
                "server says it is. Nothing from that page was applied; tell the program administrator."
            ) from None
    try:
        data = json.loads(plain)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SyncKeyError(f"A private {record_type} record from the server is damaged.")
    return data
