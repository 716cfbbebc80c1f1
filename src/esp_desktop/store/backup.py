"""Encrypted, integrity-checked backup archives (database snapshot + encrypted attachments + key file).

Archive layout::

    b"ESPBACKUP1\n" | u32 header length | header JSON | chunks...
    chunk = u32 length | AES-256-GCM(ciphertext+tag)

The header holds the store's key file (the data key wrapped by the passphrase), so restoring needs only the
archive and the passphrase. The body is a tar stream (``esp.db``, ``attachments/*.bin``, ``manifest.json`` with
SHA-256 of every member) encrypted in 1 MiB chunks with a key derived (HKDF) from the data key. Each chunk's
nonce and associated data bind its index, whether it is the last one, and the header hash, so truncation,
reordering or a changed header is detected.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import sqlcipher3
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .. import __version__
from ..core import clock
from ..core.errors import StoreCorrupt, StoreExists
from . import keys
from .identity import new_store_epoch
from .vault import DB_NAME, KEY_NAME, Store, Vault

MAGIC = b"ESPBACKUP1\n"
CHUNK = 1 << 20


def _backup_key(data_key: bytes, header_hash: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=header_hash, info=b"esp-desktop backup v1").derive(data_key)


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QI", index, 1 if last else 0)


def snapshot_database(store: Store, target: Path) -> None:
    """A consistent, still-encrypted copy of the live database (SQLite online backup API)."""
    raw = store.engine.raw_connection()
    try:
        dst = sqlcipher3.connect(str(target))
        dst.execute(f"PRAGMA key = \"x'{store.data_key.hex()}'\"")
        src = raw.driver_connection
        assert src is not None
        src.backup(dst)
        dst.close()
    finally:
        raw.close()


def create_backup(store: Store, out: Path) -> dict:
    """Write an archive of ``store`` to ``out`` (atomically). Returns a summary."""
    header = {"format": 1, "created_at": clock.now().isoformat(), "app_version": __version__,
              "store_id": store.store_id, "keyfile": json.loads(store.keyfile.to_json())}
    header_bytes = json.dumps(header, sort_keys=True).encode()
    hh = hashlib.sha256(header_bytes).digest()
    aes = AESGCM(_backup_key(store.data_key, hh))
    with tempfile.TemporaryDirectory(prefix="esp-backup-") as tmp:
        tmpdir = Path(tmp)
        snap = tmpdir / DB_NAME
        snapshot_database(store, snap)
        members = [(DB_NAME, snap)]
        att_dir = store.data_dir / "attachments"
        if att_dir.is_dir():
            members += [(f"attachments/{p.name}", p) for p in sorted(att_dir.glob("*.bin"))]
        manifest = {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in members}
        tar_path = tmpdir / "body.tar"
        with tarfile.open(tar_path, "w") as tar:
            for name, p in members:
                tar.add(p, arcname=name)
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        out = Path(out)
        part = out.with_name(out.name + ".part")
        try:
            with open(tar_path, "rb") as src, open(part, "wb") as fh:
                fh.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
                for index, chunk, last in _chunks(src):
                    ct = aes.encrypt(_nonce(index, last), chunk, hh)
                    fh.write(struct.pack(">I", len(ct)) + ct)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(part, out)
        except BaseException:
            part.unlink(missing_ok=True)  # a full disk or an interrupt leaves no half archive behind
            raise
    return {"members": len(manifest), "bytes": out.stat().st_size}


def _chunks(fh: IO[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    index, cur = 0, fh.read(CHUNK)
    while True:
        nxt = fh.read(CHUNK)
        yield index, cur, not nxt
        if not nxt:
            return
        index, cur = index + 1, nxt


def _read_header(fh: IO[bytes]) -> tuple[dict, bytes]:
    if fh.read(len(MAGIC)) != MAGIC:
        raise StoreCorrupt("This file is not an esp-desktop backup.")
    try:
        (n,) = struct.unpack(">I", fh.read(4))
        raw = fh.read(n)
        return json.loads(raw), raw
    except (struct.error, ValueError) as exc:
        raise StoreCorrupt("The backup's header is damaged.") from exc


def backup_info(archive: Path) -> dict:
    """What a backup says about itself without the passphrase: when it was made, by which app version."""
    with open(archive, "rb") as fh:
        header, _raw = _read_header(fh)
    return {"created_at": header.get("created_at"), "app_version": header.get("app_version"),
            "store_id": header.get("store_id")}


def check_backup_passphrase(archive: Path, passphrase: str) -> None:
    """Raise ``WrongPassphrase`` unless ``passphrase`` opens this backup (before anything is locked or moved)."""
    with open(archive, "rb") as fh:
        header, _raw = _read_header(fh)
    keys.unwrap_key(keys.KeyFile.from_json(json.dumps(header["keyfile"])), passphrase)


def restore_backup(archive: Path, data_dir: Path, passphrase: str, *, force: bool = False) -> dict:
    """Verify ``archive`` completely, then install it as the store in ``data_dir``.

    Nothing in ``data_dir`` is touched until the whole archive has decrypted and checked out. An existing store
    is refused unless ``force``; then it is moved aside (never deleted).
    """
    vault = Vault(data_dir)
    if vault.exists() and not force:
        raise StoreExists(f"A store already exists in {vault.data_dir}; use --force to move it aside and restore.")
    with open(archive, "rb") as fh:
        header, header_bytes = _read_header(fh)
        kf = keys.KeyFile.from_json(json.dumps(header["keyfile"]))
        data_key = keys.unwrap_key(kf, passphrase)  # WrongPassphrase if it does not match
        hh = hashlib.sha256(header_bytes).digest()
        aes = AESGCM(_backup_key(data_key, hh))
        with tempfile.TemporaryDirectory(prefix="esp-restore-", dir=vault.data_dir.parent) as tmp:
            staging = Path(tmp) / "store"
            staging.mkdir()
            tar_path = Path(tmp) / "body.tar"
            with open(tar_path, "wb") as out:
                index, saw_last = 0, False
                while True:
                    lenb = fh.read(4)
                    if not lenb:
                        break
                    if saw_last:
                        raise StoreCorrupt("The backup has data after its end.")
                    (n,) = struct.unpack(">I", lenb)
                    ct = fh.read(n)
                    for last in (False, True):
                        try:
                            out.write(aes.decrypt(_nonce(index, last), ct, hh))
                            saw_last = last
                            break
                        except InvalidTag:
                            continue
                    else:
                        raise StoreCorrupt(f"The backup is damaged (chunk {index} failed its integrity check).")
                    index += 1
                if not saw_last:
                    raise StoreCorrupt("The backup is truncated.")
            with tarfile.open(tar_path) as tar:
                tar.extractall(staging, filter="data")
            manifest = json.loads((staging / "manifest.json").read_text())
            for name, digest in manifest.items():
                p = staging / name
                if not p.exists() or hashlib.sha256(p.read_bytes()).hexdigest() != digest:
                    raise StoreCorrupt(f"The backup is damaged ({name} does not match its checksum).")
            (staging / "manifest.json").unlink()
            kf.write(staging / KEY_NAME)
            restored = Vault(staging).unlock_with_key(data_key)  # opens, migrates if older, proves the key fits
            try:
                with restored.engine.begin() as conn:
                    # The restored copy went back in time: a new epoch, so nothing (sync) takes it for the store
                    # it was copied from, and sync checks every record against the server again.
                    new_store_epoch(conn)
            finally:
                restored.close()
            if vault.exists():
                aside = vault.data_dir.with_name(f"{vault.data_dir.name}.before-restore-{clock.local_now():%Y%m%d-%H%M%S}")
                shutil.move(str(vault.data_dir), aside)
            vault.data_dir.parent.mkdir(parents=True, exist_ok=True)
            if vault.data_dir.exists():
                for p in staging.iterdir():
                    shutil.move(str(p), vault.data_dir / p.name)
            else:
                shutil.move(str(staging), vault.data_dir)
    return {"members": len(manifest), "created_at": header.get("created_at")}
