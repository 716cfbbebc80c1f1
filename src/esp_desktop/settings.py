"""Typed settings, declared in one place (``settings.json`` in the data folder; no secrets in it).

Each setting is a ``Setting(key, default, type)``; unknown keys in the file are kept, bad values fall back to
the default, so an older app never breaks on a newer settings file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

T = TypeVar("T")
APP = "esp-desktop"


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    type_: type

    def coerce(self, value: Any) -> T:
        if isinstance(value, self.type_) and not (self.type_ is int and isinstance(value, bool)):
            return value  # type: ignore[return-value]
        return self.default


AUTO_LOCK_MINUTES = Setting("auto_lock_minutes", 10, int)
USE_KEYRING = Setting("use_keyring", False, bool)
RUBRIC_FILE = Setting("rubric_file", "", str)  # empty: the shipped MA classroom teacher rubric
SYNC_SERVER = Setting("sync_server", "", str)
SYNC_CA_CERT = Setting("sync_ca_cert", "", str)  # a pinned (self-signed) server certificate; empty: system CAs
SYNC_INTERVAL_MINUTES = Setting("sync_interval_minutes", 15, int)  # 0: only when asked ("Sync now")
LAST_SCREEN = Setting("last_screen", "caseload", str)
THEME = Setting("theme", "system", str)  # light | dark | system (follow the operating system)
ALL = (
    AUTO_LOCK_MINUTES,
    USE_KEYRING,
    RUBRIC_FILE,
    SYNC_SERVER,
    SYNC_CA_CERT,
    SYNC_INTERVAL_MINUTES,
    LAST_SCREEN,
    THEME,
)


def default_data_dir() -> Path:
    """``ESP_DATA_DIR`` if set, else the platform's per-user data folder."""
    env = os.environ.get("ESP_DATA_DIR")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP, appauthor=False))


class Settings:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "settings.json"
        self._values: dict[str, Any] = {}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self._values = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._values = {}

    def get(self, setting: Setting[T]) -> T:
        return setting.coerce(self._values.get(setting.key, setting.default))

    def set(self, setting: Setting[T], value: T) -> None:
        self._values[setting.key] = setting.coerce(value)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._values, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)
