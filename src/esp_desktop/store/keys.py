"""Key management: a random 256-bit data key, wrapped by a passphrase-derived key.

The key file (``esp.key``, JSON) holds the Argon2id parameters beside the salt, so they can be raised later
without breaking old stores, and the AES-256-GCM-wrapped data key. The KDF parameters and store id are the
GCM associated data: tampering with them makes unwrapping fail like a wrong passphrase would.
Changing the passphrase re-wraps the same data key; the database is not re-encrypted.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

# `cryptography` and `secrets` are imported where a key is derived or made, not with this module: the unlock
# window reads whether a store exists through here, and paints before they load (issue 15; ui/preload.py then
# loads them on a background thread while the CT types).
from ..core.errors import StoreCorrupt, StoreMissing, WrongPassphrase

log = logging.getLogger(__name__)

KEYFILE_FORMAT = 1
# RFC 9106 "second recommended option" (low-memory): 64 MiB, 3 passes, 4 lanes. ~0.1 s here.
DEFAULT_KDF = {"name": "argon2id", "iterations": 3, "lanes": 4, "memory_cost": 65536, "length": 32}
KEYRING_SERVICE = "esp-desktop"


DB_NAME = "esp.db"
KEY_NAME = "esp.key"


def store_exists(data_dir: Path) -> bool:
    """Whether the folder holds a store (even a damaged one: opening it then says what is wrong)."""
    return (data_dir / KEY_NAME).exists() or (data_dir / DB_NAME).exists()


def read_keyfile(data_dir: Path) -> KeyFile:
    """The store's key file, or a plain StoreMissing (no SQLAlchemy here: the unlock screen derives the key
    while the store's code is still loading)."""
    if not (data_dir / KEY_NAME).exists():
        if (data_dir / DB_NAME).exists():
            raise StoreMissing(f"The key file {KEY_NAME} is missing from {data_dir}; the store cannot be opened.")
        raise StoreMissing(f"No store in {data_dir}. Create one with 'esp-desktop init'.")
    return KeyFile.read(data_dir / KEY_NAME)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class KeyFile:
    store_id: str
    kdf: dict
    salt: bytes
    nonce: bytes
    wrapped: bytes
    extra: dict = field(default_factory=dict)  # e.g. the wrapped sync key (added by the sync engine)

    def aad(self) -> bytes:
        return json.dumps({"store_id": self.store_id, "kdf": self.kdf}, sort_keys=True).encode()

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": KEYFILE_FORMAT,
                "store_id": self.store_id,
                "kdf": self.kdf,
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "wrapped_key": _b64(self.wrapped),
                "extra": self.extra,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> KeyFile:
        try:
            d = json.loads(text)
            if d.get("format") != KEYFILE_FORMAT:
                raise StoreCorrupt(f"Unsupported key file format: {d.get('format')!r}.")
            return cls(
                store_id=d["store_id"],
                kdf=dict(d["kdf"]),
                salt=_unb64(d["salt"]),
                nonce=_unb64(d["nonce"]),
                wrapped=_unb64(d["wrapped_key"]),
                extra=dict(d.get("extra", {})),
            )
        except StoreCorrupt:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreCorrupt("The key file is damaged and cannot be read.") from exc

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        if not path.exists():
            raise StoreMissing(f"The key file {path.name} is missing from {path.parent}.")
        return cls.from_json(path.read_text(encoding="utf-8"))

    def write(self, path: Path) -> None:
        """Atomic replace, so a crash mid-write never leaves a half key file."""
        tmp = path.with_suffix(".key.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk must not leave a half key file behind
            raise


# What a key file (or a wrapped key from the sync server) may ask for. Both are read before anything is
# authenticated, so absurd values must fail with a clear message instead of hanging (1e9 passes) or raising
# deep in the library (2^31 KiB of memory). The upper bounds leave ample room to raise the defaults.
KDF_BOUNDS = {"iterations": (1, 32), "lanes": (1, 16), "memory_cost": (8 * 1024, 2 * 1024 * 1024)}


def check_kdf(kdf: object) -> dict:
    """The KDF parameters, if they are sane; StoreCorrupt otherwise."""
    if not isinstance(kdf, dict):
        raise StoreCorrupt("The key derivation parameters are damaged.")
    if kdf.get("name") != "argon2id":
        raise StoreCorrupt(f"Unknown key derivation {kdf.get('name')!r}.")
    for name, (low, high) in KDF_BOUNDS.items():
        value = kdf.get(name)
        if type(value) is not int or not low <= value <= high:
            raise StoreCorrupt(
                f"The key derivation parameters are out of range ({name}={value!r}); the file is damaged or "
                "was not made by esp-desktop."
            )
    if kdf.get("length", 32) != 32:
        raise StoreCorrupt("The key derivation parameters are out of range (length).")
    if kdf["memory_cost"] < 8 * kdf["lanes"]:
        raise StoreCorrupt("The key derivation parameters are out of range (memory for the lanes).")
    return kdf


def derive_key(passphrase: str, salt: bytes, kdf: dict) -> bytes:
    check_kdf(kdf)
    if not 8 <= len(salt) <= 64:
        raise StoreCorrupt("The key derivation salt is damaged.")
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt,
        length=32,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_cost"],
    ).derive(passphrase.encode("utf-8"))


def wrap_key(data_key: bytes, passphrase: str, *, store_id: str, kdf: dict | None = None) -> KeyFile:
    import secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = dict(kdf or DEFAULT_KDF)
    salt = secrets.token_bytes(16)
    kf = KeyFile(store_id=store_id, kdf=kdf, salt=salt, nonce=secrets.token_bytes(12), wrapped=b"")
    kek = derive_key(passphrase, salt, kdf)
    kf.wrapped = AESGCM(kek).encrypt(kf.nonce, data_key, kf.aad())
    return kf


def unwrap_key(kf: KeyFile, passphrase: str, *, in_helper: bool = False) -> bytes:
    """The data key (``WrongPassphrase`` if the passphrase does not open it). ``in_helper``: in a short-lived
    helper process (store/keyhelper.py), as the app's unlock does, so the app never holds Argon2id's memory."""
    if in_helper:
        from . import keyhelper

        return keyhelper.unwrap_key(kf, passphrase)
    kek = derive_key(passphrase, kf.salt, kf.kdf)
    return unwrap_with_kek(kf, kek)


def unwrap_with_kek(kf: KeyFile, kek: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(kek).decrypt(kf.nonce, kf.wrapped, kf.aad())
    except InvalidTag:
        raise WrongPassphrase() from None


def new_data_key() -> bytes:
    import secrets

    return secrets.token_bytes(32)


# --- OS keyring (optional) ----------------------------------------------------------------------------------


def keyring_available() -> bool:
    """True if a real OS keyring backend works here (headless Linux usually has none)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return False
        return getattr(backend, "priority", 0) > 0
    except Exception:  # noqa: BLE001 - any import/backend problem means "no keyring": fall back silently
        return False


def keyring_store(store_id: str, data_key: bytes) -> bool:
    if not keyring_available():
        return False
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, store_id, data_key.hex())
        return True
    except Exception as exc:  # noqa: BLE001
        log.info("keyring unavailable: %s", type(exc).__name__)
        return False


def keyring_load(store_id: str) -> bytes | None:
    if not keyring_available():
        return None
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, store_id)
        return bytes.fromhex(value) if value else None
    except Exception:  # noqa: BLE001
        return None


def keyring_forget(store_id: str) -> None:
    if not keyring_available():
        return
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, store_id)
    except Exception:  # noqa: BLE001
        pass
