"""Fixtures: a real esp-central (uvicorn on 127.0.0.1, free port, own thread) on SQLite or on a throwaway
PostgreSQL cluster started with initdb/pg_ctl. Under CI=true a missing PostgreSQL fails the postgres tests."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from esp_desktop.server import db
from esp_desktop.server.app import create_app
from esp_desktop.server.security import RateLimiter
from esp_desktop.server.service import Central
from tests.helpers.central import ThreadedServer
from tests.helpers.env import require


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- PostgreSQL cluster
@dataclass
class PgCluster:
    root: Path
    sockdir: Path
    port: int
    user: str | None

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=120)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.sockdir}&port={self.port}"

    def create_db(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(
            host=str(self.sockdir), port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


def _pg_missing(reason: str) -> None:
    require(False, f"PostgreSQL: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        _pg_missing("initdb/pg_ctl not on PATH")
    assert initdb and pg_ctl
    # PostgreSQL refuses to run as root: run it as the `postgres` system user in a directory it owns.
    user = None
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _pg_missing("running as root and there is no 'postgres' user to run the cluster")
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="esp-pg-"))
    sockdir = root / "sock"
    sockdir.mkdir()
    if user:
        for p in (root, sockdir):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    cluster = PgCluster(root=root, sockdir=sockdir, port=free_port(), user=user)
    try:
        cluster._run(
            initdb, "-D", str(root / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"
        )
        opts = f"-k {sockdir} -p {cluster.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        cluster._run(pg_ctl, "-D", str(root / "data"), "-o", opts, "-l", str(root / "log"), "-w", "start")
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        _pg_missing(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-500:]}")
    try:
        yield cluster
    finally:
        subprocess.run(
            [
                *(["runuser", "-u", user, "--"] if user else []),
                pg_ctl,
                "-D",
                str(root / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- esp-central under test
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Served:
    url: str
    central: Central
    db_url: str
    data_dir: Path
    backend: str
    pg_data: Path | None = None
    central_app: Any = None
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self.clients.append(c)
        return c

    def enrol(self, name: str, role: str = "ct", device: str = "laptop", **binding: Any) -> tuple[httpx.Client, str]:
        """Add the user if needed (``sites=[...]`` for a school administrator, ``educator=`` for an educator),
        enrol a device; returns (authorised client, device id)."""
        try:
            code = self.central.add_user(name=name, role=role, **binding)
        except Exception:  # noqa: BLE001
            code = self.central.user_code(name=name)
        r = httpx.post(f"{self.url}/v1/enrol", json={"code": code, "device_name": device})
        r.raise_for_status()
        body = r.json()
        return self.client(body["token"]), body["device_id"]


def make_db_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> tuple[str, Path | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'central.db'}", None
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.create_db()), cluster.root / "data"


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    backend = request.param
    data_dir = tmp_path / "central"
    data_dir.mkdir()
    db_url, pg_data = make_db_url(backend, tmp_path, request)
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    central = Central(engine=engine, data_dir=data_dir)
    generous = RateLimiter(capacity=1000, per_second=100)
    app = create_app(central=central, enrol_limiter=generous, auth_limiter=generous)
    with ThreadedServer(app) as srv:
        s = Served(
            url=f"http://127.0.0.1:{srv.port}",
            central=central,
            db_url=db_url,
            data_dir=data_dir,
            backend=backend,
            pg_data=pg_data,
            central_app=app,
        )
        try:
            yield s
        finally:
            for c in s.clients:
                c.close()
    engine.dispose()
