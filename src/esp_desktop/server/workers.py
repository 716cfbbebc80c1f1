"""Several worker processes on one port, each with its own listening socket (Linux: SO_REUSEPORT).

uvicorn's process manager binds one socket and shares it with every worker. A worker whose event loop wakes
on it accepts every pending connection at once (asyncio accepts up to the listen backlog per wake-up), and
keep-alive then pins those connections to it: twelve CTs syncing at once all landed on one worker while the
other idled (measured with `ss`). With SO_REUSEPORT each worker listens on a socket of its own and the kernel
spreads new connections over them by a hash of the client's address and port, so the workers share the load
whatever their timing.

The workers are still started, watched and restarted by uvicorn's `Multiprocess`; only the socket it hands
each worker differs: `OwnSocket` is pickled into every worker process it starts (and restarts), and
unpickling it binds that worker's socket there. The parent binds the port too (never listening, so it receives
no connection): it holds the port, and a port taken by another program fails at once with a clear message.
Elsewhere than Linux (where SO_REUSEPORT does not spread connections) the shared socket is used as before.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

log = logging.getLogger("uvicorn.error")

# How long a worker may take to answer the supervisor (uvicorn's default, 5 s, is less than a worker takes to
# import the app on a busy host: 8.5 s measured under load 14 on 2 cores, and every worker was killed as
# hung, then restarted, forever).
STARTUP_S = 60


def balanced() -> bool:
    """True where the kernel spreads connections over SO_REUSEPORT sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_reuseport(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class OwnSocket:
    """Stands, in the socket list uvicorn passes to each worker, for a socket bound in that worker."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return bind_reuseport, (self.host, self.port)


def serve(app: str, *, workers: int, **options: Any) -> None:
    """Run `app` (an app factory's import path) on `workers` processes."""
    # Imported here: each worker unpickles `OwnSocket`, importing this module before it can answer the
    # supervisor's health checks, so the module itself imports nothing heavy.
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from esp_desktop.server.db import ServerConfigError

    if not balanced():
        uvicorn.run(app, factory=True, workers=workers, timeout_worker_healthcheck=STARTUP_S, **options)
        return
    config = uvicorn.Config(app, factory=True, workers=workers, timeout_worker_healthcheck=STARTUP_S, **options)
    try:
        held = bind_reuseport(config.host, config.port)
    except OSError as exc:
        raise ServerConfigError(f"cannot listen on {config.host}:{config.port}: {exc.strerror}") from exc
    try:
        scheme = "https" if config.is_ssl else "http"
        log.info("esp-central on %s://%s:%d, %d worker processes (one listening socket each)",
                 scheme, config.host, config.port, workers)
        Multiprocess(config, sockets=[OwnSocket(config.host, config.port)]).run()  # type: ignore[list-item]
    finally:
        held.close()
