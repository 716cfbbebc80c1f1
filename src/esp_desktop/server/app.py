"""esp-central HTTP API (FastAPI). Thin: parse, authenticate, rate-limit, delegate to `Central`."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at runtime and
# they refer to names local to create_app().

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from esp_desktop import __version__
from esp_desktop.server import db
from esp_desktop.server.security import RateLimiter
from esp_desktop.server.service import Central, CentralError, Forbidden, Principal, TooMany, Unauthorized
from esp_desktop.sync import protocol as P

Sha = Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")]


def _remote(request: Request) -> str:
    return request.client.host if request.client else "?"


def create_app(
    *,
    central: Central,
    enrol_limiter: RateLimiter | None = None,
    auth_limiter: RateLimiter | None = None,
) -> FastAPI:
    app = FastAPI(title="esp-central", version=__version__, docs_url=None, redoc_url=None)
    app.state.central = central
    enrol_rl = enrol_limiter or RateLimiter(capacity=5, per_second=1 / 12)
    auth_rl = auth_limiter or RateLimiter(capacity=20, per_second=1 / 3)

    @app.exception_handler(CentralError)
    async def _central_error(_request: Request, exc: CentralError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # One readable line per problem ("body.changes.0.record.audience: Input should be ..."), no echo of
        # the submitted values: they may be case data.
        problems = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "invalid"))}
            for err in exc.errors()
        ]
        return JSONResponse({"detail": problems}, status_code=422)

    def principal(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
        key = f"auth:{_remote(request)}"
        if not auth_rl.allowed(key):
            raise TooMany("too many failed sign-ins from this address; wait a minute")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            auth_rl.consume(key)
            raise Unauthorized("missing device token (Authorization: Bearer ...)")
        try:
            return central.authenticate(token.strip())
        except Unauthorized:
            auth_rl.consume(key)
            raise

    Who = Annotated[Principal, Depends(principal)]

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": P.PROTOCOL_VERSION, "version": __version__}

    @app.post("/v1/enrol", response_model=P.EnrolResponse)
    def enrol(request: Request, body: P.EnrolRequest) -> P.EnrolResponse:
        remote = _remote(request)
        if not enrol_rl.consume(f"enrol:{remote}"):
            raise TooMany("too many enrolment attempts from this address; wait a minute")
        return central.enrol(code=body.code, device_name=body.device_name, remote=remote)

    @app.get("/v1/me", response_model=P.WhoAmI)
    def me(who: Who) -> P.WhoAmI:
        return P.WhoAmI(
            device_id=uuid.UUID(who.device_id),
            user_name=who.user_name,
            role=who.role,  # type: ignore[arg-type]
            cursor=central.current_seq(),
        )

    @app.post("/v1/sync/push", response_model=P.PushResponse)
    def push(request: Request, who: Who, body: P.PushRequest) -> P.PushResponse:
        return central.push(who, body, remote=_remote(request))

    @app.post("/v1/sync/pull", response_model=P.PullResponse)
    def pull(request: Request, who: Who, body: P.PullRequest) -> Response:
        # Serialised once by pydantic-core: pulls are the hot path of a sync.
        page = central.pull(who, body, remote=_remote(request))
        return Response(page.model_dump_json(), media_type="application/json")

    @app.get("/v1/sync/key", response_model=P.WrappedKey)
    def get_key(who: Who) -> P.WrappedKey:
        return central.get_sync_key(who)

    @app.put("/v1/sync/key", response_model=P.WrappedKey)
    def put_key(who: Who, body: P.WrappedKey) -> P.WrappedKey:
        return central.put_sync_key(who, body)

    @app.post("/v1/attachments/{sha256}", response_model=P.AttachmentStatus)
    def start_attachment(who: Who, sha256: Sha, body: P.AttachmentStart) -> P.AttachmentStatus:
        return central.start_attachment(who, sha256, body)

    @app.get("/v1/attachments/{sha256}/status", response_model=P.AttachmentStatus)
    def attachment_status(who: Who, sha256: Sha) -> P.AttachmentStatus:
        return central.attachment_status(who, sha256)

    @app.patch(
        "/v1/attachments/{sha256}",
        response_model=P.AttachmentStatus,
        openapi_extra={
            "requestBody": {
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            }
        },
    )
    async def append_attachment(
        request: Request, sha256: Sha, offset: Annotated[int, Query(ge=0, le=2**40)]
    ) -> P.AttachmentStatus:
        who = await run_in_threadpool(principal, request, request.headers.get("authorization"))
        chunk = await request.body()
        if len(chunk) > P.ATTACHMENT_CHUNK_MAX:
            raise CentralError(f"chunks are limited to {P.ATTACHMENT_CHUNK_MAX} bytes")
        return await run_in_threadpool(central.append_attachment, who, sha256, offset=offset, chunk=chunk)

    @app.get("/v1/attachments/{sha256}")
    def get_attachment(request: Request, who: Who, sha256: Sha) -> FileResponse:
        path = central.attachment_path(who, sha256, remote=_remote(request))
        return FileResponse(path, media_type="application/octet-stream")

    # ---- administration (admin role)
    def admin(who: Who) -> Principal:
        if who.role != "admin":
            raise Forbidden("administrators only")
        return who

    Admin = Annotated[Principal, Depends(admin)]

    @app.get("/v1/admin/users", response_model=list[P.UserInfo])
    def users(_who: Admin) -> list[P.UserInfo]:
        return central.list_users()

    @app.post("/v1/admin/users", response_model=dict[str, str])
    def add_user(
        who: Admin,
        name: Annotated[str, Body(min_length=1, max_length=120)],
        role: Annotated[P.Role, Body()],
    ) -> dict[str, str]:
        return {"name": name, "code": central.add_user(name=name, role=role)}

    @app.get("/v1/admin/devices", response_model=list[P.DeviceInfo])
    def devices(_who: Admin) -> list[P.DeviceInfo]:
        return central.list_devices()

    @app.post("/v1/admin/devices/{device_id}/revoke", status_code=204)
    def revoke(who: Admin, device_id: Annotated[str, PathParam(max_length=36)]) -> Response:
        central.revoke_device(device_id=device_id, by=who)
        return Response(status_code=204)

    return app


def build(*, data_dir: Path, db_url: str | None = None, **kwargs: Any) -> FastAPI:
    """The app for an initialised data directory (the database must be at the newest migration)."""
    engine = db.make_engine(db.resolve_db_url(data_dir, db_url))
    if not db.is_current(engine):
        raise db.ServerConfigError("the database is not initialised or not migrated; run `esp-central init`")
    return create_app(central=Central(engine=engine, data_dir=data_dir), **kwargs)
