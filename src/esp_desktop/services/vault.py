"""The one door to the encrypted store for the UI and the CLI: create, unlock, lock, back up, restore, check,
change the passphrase, remember the key in the OS keyring.

The UI and the CLI never import ``esp_desktop.store`` (tests/test_architecture.py enforces it); what they need of
it comes through here, so both open, back up and check a store the same way::

    store = vault.unlock(data_dir, passphrase)          # or vault.create(...), vault.unlock_from_keyring(...)
    services = vault.open_services(store, rubric_file=None)
    vault.backup(services, Path("caseload.espbak"))     # written and audited
    vault.lock(store)
"""

from __future__ import annotations

from pathlib import Path

from ..core.rubric import load_rubric
from ..store import keys
from ..store.backup import backup_info as backup_info_of
from ..store.backup import check_backup_passphrase as check_passphrase_of
from ..store.backup import create_backup, restore_backup
from ..store.changes import Changes
from ..store.check import CheckReport, check_store
from ..store.vault import MIN_PASSPHRASE, MIN_SCORE, Store, Strength, Vault, passphrase_strength
from . import Services

__all__ = [
    "MIN_PASSPHRASE",
    "MIN_SCORE",
    "Changes",
    "CheckReport",
    "Store",
    "Strength",
    "backup",
    "backup_info",
    "check_backup_passphrase",
    "change_passphrase",
    "check",
    "create",
    "exists",
    "forget_keyring",
    "keyring_available",
    "lock",
    "open_services",
    "passphrase_strength",
    "remember_in_keyring",
    "restore",
    "unlock",
    "unlock_from_keyring",
    "verify_passphrase",
]


def exists(data_dir: Path) -> bool:
    """Whether the folder holds a store (even a damaged one: opening it then says what is wrong)."""
    return Vault(data_dir).exists()


def create(data_dir: Path, passphrase: str) -> Store:
    return Vault(data_dir).create(passphrase)


def unlock(data_dir: Path, passphrase: str) -> Store:
    return Vault(data_dir).unlock(passphrase)


def unlock_from_keyring(data_dir: Path) -> Store | None:
    """Open with the key the OS keyring remembers for this store, or None if it remembers none."""
    return Vault(data_dir).unlock_from_keyring()


def open_services(store: Store, *, rubric_file: str | None = None) -> Services:
    """The services over an unlocked store, with the configured rubric (safe off the GUI thread)."""
    return Services(store, rubric=load_rubric(rubric_file))


def lock(store: Store) -> None:
    store.close()


def backup(services: Services, out: Path) -> dict:
    """Write an encrypted backup archive of the store and record it in the audit log."""
    summary = create_backup(services.store, out)
    services.audit.log(action="backup", detail={"file": out.name, **summary})
    return summary


def restore(archive: Path, data_dir: Path, passphrase: str, *, force: bool = False) -> dict:
    return restore_backup(archive, data_dir, passphrase, force=force)


def backup_info(archive: Path) -> dict:
    """What a backup says about itself without the passphrase (when it was made, by which app version)."""
    return backup_info_of(archive)


def check_backup_passphrase(archive: Path, passphrase: str) -> None:
    """Raise ``WrongPassphrase`` unless the passphrase opens this backup (nothing is changed either way)."""
    check_passphrase_of(archive, passphrase)


def check(store: Store) -> CheckReport:
    return check_store(store)


def change_passphrase(store: Store, old: str, new: str) -> None:
    store.change_passphrase(old, new)


def verify_passphrase(store: Store, passphrase: str) -> None:
    """Raise ``WrongPassphrase`` unless this is the store's passphrase (nothing is changed either way)."""
    keys.unwrap_key(store.keyfile, passphrase)


def keyring_available() -> bool:
    return keys.keyring_available()


def remember_in_keyring(store: Store) -> bool:
    return store.remember_in_keyring()


def forget_keyring(store: Store) -> None:
    store.forget_keyring()
