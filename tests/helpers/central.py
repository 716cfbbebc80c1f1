"""Builders for record envelopes and changes (fictional data only)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import socket
import threading
import time
import uuid
from typing import Any

import uvicorn
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TEST_KEY = AESGCM.generate_key(bit_length=256)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def seal(fields: dict[str, Any], key: bytes = TEST_KEY) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, json.dumps(fields).encode(), None)).decode()


def envelope(
    *,
    type: str = "observation",
    id: str | None = None,
    version: int = 1,
    audience: str = "educator",
    educator_id: str | None = None,
    payload: dict[str, Any] | None = None,
    deleted: bool = False,
    attachment_sha256: str | None = None,
    parent_id: str | None = None,
    case: dict[str, Any] | None = None,
) -> dict[str, Any]:
    env: dict[str, Any] = {
        "type": type,
        "id": id or str(uuid.uuid4()),
        "version": version,
        "deleted": deleted,
        "audience": audience,
        "educator_id": educator_id,
        "updated_at": now(),
        "attachment_sha256": attachment_sha256,
    }
    if parent_id is not None:
        env["parent_id"] = parent_id
    if case is not None:
        env["case"] = case
    fields = payload if payload is not None else {"note": "fictional note"}
    if audience == "ct_private":
        env["ciphertext"] = None if deleted else seal(fields)
    else:
        env["payload"] = None if deleted else fields
    return env


def change(
    record: dict[str, Any], base_version: int = 0, resolves: list[str] | None = None
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "client_change_id": str(uuid.uuid4()),
        "base_version": base_version,
        "record": record,
    }
    if resolves:
        c["resolves"] = resolves
    return c


def push(client: Any, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.post("/v1/sync/push", json={"changes": list(changes)})
    assert r.status_code == 200, r.text
    return list(r.json()["results"])


def pull_all(client: Any, cursor: int = 0, limit: int = 500) -> tuple[list[dict[str, Any]], int]:
    out: list[dict[str, Any]] = []
    while True:
        r = client.post("/v1/sync/pull", json={"cursor": cursor, "limit": limit})
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["records"])
        assert body["next_cursor"] >= cursor
        cursor = body["next_cursor"]
        if not body["more"]:
            return out, cursor


class ThreadedServer:
    """uvicorn in a daemon thread on an already bound socket (no port race)."""

    def __init__(self, app: Any, **config: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class CentralProcess:
    """`esp-central serve` as a real process (optionally with several workers) on an initialised data dir."""

    def __init__(self, data_dir: Any, db_url: str, *, workers: int = 1, env: dict[str, str] | None = None) -> None:
        import subprocess
        import sys

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / f"serve-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "esp_desktop.server.cli",
                "--data-dir",
                str(data_dir),
                "--db",
                db_url,
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        self.data_dir = data_dir
        deadline = time.monotonic() + 90
        import httpx

        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"esp-central exited: {self.output()}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"esp-central did not start: {self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        self.log.flush()
        return (self.data_dir / f"serve-{self.port}.log").read_text(errors="replace")[-3000:]

    def children(self) -> list[int]:
        """Process ids of this server's worker processes."""
        from pathlib import Path

        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(x) for x in kids.read_text().split()] if kids.exists() else []

    def stop(self) -> None:
        import signal
        import subprocess

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()

    def __enter__(self) -> CentralProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
