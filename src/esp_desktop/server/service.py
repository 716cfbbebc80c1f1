"""esp-central's rules, independent of FastAPI so the CLI and the tests can use them directly.

`Central` joins the concerns, each in its own module: accounts (users, codes, enrolment, devices,
authentication), records (push, pull, sync key) and blobs (attachments). Who may read what lives in
access.py; errors and the shared transaction/audit plumbing in base.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from esp_desktop.server.accounts import CODE_TTL, LAST_SEEN_EVERY, ROLES, Accounts
from esp_desktop.server.base import (
    CentralError,
    Clash,
    Forbidden,
    NotFound,
    Principal,
    TooMany,
    Unauthorized,
    utcnow,
)
from esp_desktop.server.blobs import Blobs
from esp_desktop.server.records import Records

__all__ = [
    "CODE_TTL",
    "LAST_SEEN_EVERY",
    "ROLES",
    "Central",
    "CentralError",
    "Clash",
    "Forbidden",
    "NotFound",
    "Principal",
    "TooMany",
    "Unauthorized",
    "utcnow",
]


class Central(Accounts, Records, Blobs):
    def __init__(self, *, engine: Engine, data_dir: Path) -> None:
        super().__init__(engine=engine, data_dir=data_dir)
        self.check_epoch()
