"""Secrets, rate limiting and development certificates for esp-central."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
import threading
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from esp_desktop.core import clock

# Crockford-style alphabet without look-alikes (0/O, 1/I/L): codes are read aloud and typed by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 5
CODE_GROUP_LEN = 5  # 25 symbols of ~4.95 bits: ~124 bits, so a plain SHA-256 is a safe hash


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    groups = [
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_GROUP_LEN)) for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RateLimiter:
    """In-process token buckets keyed by (purpose, client address).

    ``capacity`` attempts at once, refilled at ``per_second``. Good enough for a single esp-central process;
    a district running several processes behind a proxy should rate-limit at the proxy as well.
    """

    def __init__(self, *, capacity: float, per_second: float) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, stamp = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - stamp) * self.per_second)

    def allowed(self, key: str) -> bool:
        """True if `key` still has a token (does not consume one)."""
        with self._lock:
            return self._level(key, time.monotonic()) >= 1.0

    def consume(self, key: str) -> bool:
        """Take one token; False if the bucket was empty."""
        with self._lock:
            now = time.monotonic()
            level = self._level(key, now)
            if len(self._buckets) > 10_000:  # forget stale keys so memory stays bounded
                self._buckets.clear()
            if level < 1.0:
                self._buckets[key] = (level, now)
                return False
            self._buckets[key] = (level - 1.0, now)
            return True


def write_dev_cert(cert_path: Path, key_path: Path, *, hostnames: list[str], days: int = 365) -> None:
    """Write a self-signed certificate (ECDSA P-256) for local use; clients pin it with --ca-cert."""
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hostnames:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        # CA=True so that the pinned certificate can act as its own trust anchor for OpenSSL.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
