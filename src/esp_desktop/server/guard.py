"""Authentication and body limits BEFORE a request body is read or parsed.

FastAPI reads and parses a JSON body before it resolves dependencies, so a dependency that checks the device
token runs after an attacker's body sits parsed in memory. This ASGI middleware runs first: it refuses a
body larger than its route allows (413, from Content-Length or while streaming, never buffering more), and
signs the device in from the Authorization header before anything of the body is received. The endpoint
finds the principal in ``request.state.principal``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from esp_desktop.server.base import CentralError, Principal, TooMany, Unauthorized
from esp_desktop.server.limits import Limiter
from esp_desktop.server.service import Central
from esp_desktop.sync import protocol as P

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PUBLIC = {"/v1/health", "/v1/enrol", "/openapi.json"}
_ATTACHMENT = re.compile(r"^/v1/attachments/[^/]+$")


def body_limit(method: str, path: str) -> int:
    if method == "POST" and path == "/v1/sync/push":
        return P.MAX_PUSH_BODY_BYTES
    if method == "PATCH" and _ATTACHMENT.match(path):
        return P.ATTACHMENT_CHUNK_MAX
    return P.MAX_BODY_BYTES


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException so FastAPI's body reader passes it on (as 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


def remote_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


def sign_in(central: Central, limiter: Limiter, authorization: str | None, remote: str) -> Principal:
    """The device behind a bearer token. Only failures spend the address' allowance (limits.py)."""
    scheme, _, token = (authorization or "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing device token (Authorization: Bearer ...)")
        return central.authenticate(token.strip())
    except Unauthorized as exc:
        if not limiter.consume(f"auth:{remote}"):
            raise TooMany("too many failed sign-ins from this address; wait a minute") from exc
        # Audited in its own transaction: a refusal is never rolled back with the request.
        central.audit(who=None, action="auth.failed", detail=exc.message, remote=remote)
        raise


async def send_error(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    # Close the connection: the unread body must not be taken for the next request.
    raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app: Callable[..., Awaitable[None]], *, central: Central, limiter: Limiter) -> None:
        self.app = app
        self.central = central
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        limit = body_limit(method, path)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await send_error(send, 413, f"request body larger than {limit} bytes")
            return
        if path not in PUBLIC:
            try:
                who = await run_in_threadpool(
                    sign_in, self.central, self.limiter, headers.get("authorization"), remote_of(scope)
                )
            except CentralError as exc:
                extra = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
                if exc.status == 429:
                    extra["Retry-After"] = "60"
                await send_error(send, exc.status, exc.message, extra)
                return
            scope.setdefault("state", {})["principal"] = who

        received = 0

        async def counted() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def tracked(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await send_error(send, 413, f"request body larger than {limit} bytes")
