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

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..store import keys

if TYPE_CHECKING:
    from ..store.changes import Changes
    from ..store.check import CheckReport
    from ..store.vault import MIN_PASSPHRASE, MIN_SCORE, Store, Strength, Vault, passphrase_strength
    from . import Services

# Only the key file and Argon2id are imported with this module (store/keys.py): the unlock screen reads the key
# file and derives the key while SQLAlchemy, the models and the screens load on a background thread. The rest
# of the store comes on first use.
_HOME = {
    "Changes": "changes",
    "CheckReport": "check",
    "MIN_PASSPHRASE": "vault",
    "MIN_SCORE": "vault",
    "Store": "vault",
    "Strength": "vault",
    "passphrase_strength": "vault",
}


def __getattr__(name: str) -> Any:  # whatever the store module defines
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"...store.{home}", __name__), name)
    globals()[name] = value
    return value


def _vault(data_dir: Path) -> Vault:
    from ..store.vault import Vault

    return Vault(Path(data_dir))


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
    "open_with_key",
    "passphrase_strength",
    "remember_in_keyring",
    "restore",
    "start_key_helper",
    "unlock",
    "unlock_from_keyring",
    "unlock_key",
    "verify_passphrase",
]


def exists(data_dir: Path) -> bool:
    """Whether the folder holds a store (even a damaged one: opening it then says what is wrong)."""
    return keys.store_exists(Path(data_dir))


def create(data_dir: Path, passphrase: str) -> Store:
    return _vault(data_dir).create(passphrase)


def unlock(data_dir: Path, passphrase: str) -> Store:
    return open_with_key(data_dir, unlock_key(data_dir, passphrase))


def unlock_key(data_dir: Path, passphrase: str, *, in_helper: bool = False) -> bytes:
    """The store's data key from the passphrase (Argon2id; ``WrongPassphrase`` if it does not open the key file).
    Needs only store/keys.py, so it runs while the rest of the store is still being imported. ``in_helper``:
    Argon2id runs in a helper process (store/keyhelper.py; the app's unlock screen)."""
    return keys.unwrap_key(keys.read_keyfile(Path(data_dir)), passphrase, in_helper=in_helper)


def start_key_helper() -> None:
    """Start the helper process for ``unlock_key(..., in_helper=True)`` now, while the CT types (once)."""
    from ..store import keyhelper

    keyhelper.start()


def open_with_key(data_dir: Path, data_key: bytes) -> Store:
    """Open (and migrate) the store with a data key from ``unlock_key``."""
    return _vault(data_dir).unlock_with_key(data_key)


def unlock_from_keyring(data_dir: Path) -> Store | None:
    """Open with the key the OS keyring remembers for this store, or None if it remembers none."""
    return _vault(data_dir).unlock_from_keyring()


def open_services(store: Store, *, rubric_file: str | None = None) -> Services:
    """The services over an unlocked store, with the configured rubric (safe off the GUI thread)."""
    from ..core.rubric import load_rubric
    from .registry import Services

    return Services(store, rubric=load_rubric(rubric_file))


def lock(store: Store) -> None:
    store.close()


def backup(services: Services, out: Path) -> dict:
    """Write an encrypted backup archive of the store and record it in the audit log."""
    from ..store.backup import create_backup

    summary = create_backup(services.store, out)
    services.audit.log(action="backup", detail={"file": out.name, **summary})
    return summary


def restore(archive: Path, data_dir: Path, passphrase: str, *, force: bool = False) -> dict:
    from ..store.backup import restore_backup

    return restore_backup(archive, data_dir, passphrase, force=force)


def backup_info(archive: Path) -> dict:
    """What a backup says about itself without the passphrase (when it was made, by which app version)."""
    from ..store.backup import backup_info as backup_info_of

    return backup_info_of(archive)


def check_backup_passphrase(archive: Path, passphrase: str) -> None:
    """Raise ``WrongPassphrase`` unless the passphrase opens this backup (nothing is changed either way)."""
    from ..store.backup import check_backup_passphrase as check_passphrase_of

    check_passphrase_of(archive, passphrase)


def check(store: Store) -> CheckReport:
    from ..store.check import check_store

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


def warm_up() -> None:
    """Import the store and the services' registry and configure the ORM's mappers (what the first query after an unlock
    would otherwise do), plus the default rubric. Loads code and shipped data only: no store is opened."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import configure_mappers

    from ..core.rubric import load_rubric
    from ..store import vault as _store_vault  # noqa: F401 - imported for its side effect: loaded
    from . import registry  # noqa: F401 - imported for its side effect: loaded (the services load on first use)

    configure_mappers()
    create_engine("sqlite+pysqlcipher://").dispose()  # loads the SQLCipher dialect and driver; connects nothing
    load_rubric()
