"""Database engine and migrations for esp-central (SQLite file by default, PostgreSQL by URL)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
CONFIG_FILE = "central.json"


class ServerConfigError(Exception):
    """A problem with the server's data directory or database URL, shown to the operator as one line."""


def default_data_dir() -> Path:
    env = os.environ.get("ESP_CENTRAL_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("esp-central", appauthor=False))


def resolve_db_url(data_dir: Path, db_url: str | None) -> str:
    """--db wins, then ESP_CENTRAL_DB, then the URL `init` recorded, then the embedded SQLite file."""
    if db_url:
        return db_url
    if os.environ.get("ESP_CENTRAL_DB"):
        return os.environ["ESP_CENTRAL_DB"]
    cfg = data_dir / CONFIG_FILE
    if cfg.exists():
        stored = json.loads(cfg.read_text()).get("db_url")
        if stored:
            return str(stored)
    return f"sqlite:///{(data_dir / 'central.db').resolve()}"


def remember_db_url(data_dir: Path, db_url: str) -> None:
    cfg = data_dir / CONFIG_FILE
    cfg.write_text(json.dumps({"db_url": db_url}, indent=2))
    cfg.chmod(0o600)  # the URL may carry a database password


def make_engine(db_url: str) -> Engine:
    url = make_url(db_url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: pulls read while a push writes; synchronous=NORMAL is durable across process crashes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
