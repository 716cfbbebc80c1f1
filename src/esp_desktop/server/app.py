"""esp-central HTTP API (FastAPI). Thin: parse, delegate to `Central`; guard.py signs devices in and limits
body sizes before any body is read.

Every status an endpoint can answer is declared in its `responses` (the OpenAPI document is what the
fuzz and conformance tests check the server against).
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at runtime and
# they refer to names local to create_app().

import os
import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from esp_desktop import __version__
from esp_desktop.server import db
from esp_desktop.server.base import CentralError, Forbidden, Principal, TooMany, Unauthorized
from esp_desktop.server.guard import Guard, remote_of
from esp_desktop.server.limits import DbRateLimiter, Limiter
from esp_desktop.server.restore import hold_serving_lock
from esp_desktop.server.service import Central
from esp_desktop.sync import protocol as P

Sha = Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")]

_REASONS = {
    400: "The request cannot be carried out, or its body cannot be read (not UTF-8 JSON); the message says which",
    401: "Missing, unknown or revoked device token, or a wrong enrolment code",
    403: "This role may not do this",
    404: "Not found, or not visible to this user",
    409: "Clashes with the server's state (the message says how), or with a concurrent request: try again",
    413: "Request body too large",
    422: "The request does not follow the protocol (each problem named)",
    429: "Too many failures from this address; wait a minute",
    503: "The database is unavailable; try again shortly",
}
# Every request may meet these: the guard (413 before the body is read; 401/429 signing in) and the
# database being down (503).
_ALWAYS = (413, 503)
_SIGNED_IN = (401, 429, *_ALWAYS)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": P.ErrorBody, "description": _REASONS[s]} for s in sorted(set(statuses))}


def _remote(request: Request) -> str:
    return remote_of(request.scope)


def _who(request: Request) -> Principal:
    who = getattr(request.state, "principal", None)
    assert isinstance(who, Principal), "the guard signs every non-public request in"
    return who


def create_app(
    *,
    central: Central,
    enrol_limiter: Limiter | None = None,
    auth_limiter: Limiter | None = None,
) -> FastAPI:
    app = FastAPI(title="esp-central", version=__version__, docs_url=None, redoc_url=None)
    app.state.central = central
    # Held while the process lives: `esp-central restore` refuses to run under a serving process.
    app.state.serving_lock = hold_serving_lock(central.data_dir)
    # Failures only (limits.py): 5 wrong enrolment codes, then one per 12 s; 20 wrong tokens, then one per 3 s.
    enrol_rl = enrol_limiter or DbRateLimiter(central.engine, capacity=5, per_second=1 / 12)
    auth_rl = auth_limiter or DbRateLimiter(central.engine, capacity=20, per_second=1 / 3)
    app.add_middleware(Guard, central=central, limiter=auth_rl)

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

    @app.exception_handler(IntegrityError)
    async def _clash(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # Two requests created the same row at once (two workers, same new user name or blob): the loser
        # changed nothing and may simply try again.
        return JSONResponse({"detail": "a concurrent request changed the same data; try again"}, status_code=409)

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, _exc: DBAPIError) -> JSONResponse:
        return JSONResponse(
            {"detail": "the server's database is unavailable; try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.get(
        "/v1/health",
        responses=errors(503),
        summary="Liveness and readiness: answers 200 only when the database answers",
    )
    def health() -> JSONResponse:
        try:
            with central.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError:
            return JSONResponse({"status": "unavailable", "detail": "database unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "protocol": P.PROTOCOL_VERSION, "version": __version__})

    @app.post("/v1/enrol", response_model=P.EnrolResponse, responses=errors(400, 401, 429, 422, *_ALWAYS))
    def enrol(request: Request, body: P.EnrolRequest) -> P.EnrolResponse:
        remote = _remote(request)
        try:
            return central.enrol(code=body.code, device_name=body.device_name, remote=remote)
        except Unauthorized as exc:
            # Wrong codes spend the address' allowance; a right code always works (limits.py).
            if not enrol_rl.consume(f"enrol:{remote}"):
                raise TooMany("too many enrolment attempts from this address; wait a minute") from exc
            raise

    @app.get("/v1/me", response_model=P.WhoAmI, responses=errors(*_SIGNED_IN))
    def me(request: Request) -> P.WhoAmI:
        who = _who(request)
        epoch, head = central.head()
        return P.WhoAmI(
            device_id=uuid.UUID(who.device_id),
            user_name=who.user_name,
            role=who.role,  # type: ignore[arg-type]
            server_epoch=epoch,
            head_seq=head,
        )

    @app.post("/v1/sync/push", response_model=P.PushResponse, responses=errors(400, 403, 409, 422, *_SIGNED_IN))
    def push(request: Request, body: P.PushRequest) -> Response:
        result = central.push(_who(request), body, remote=_remote(request))
        return Response(result.model_dump_json(), media_type="application/json")

    @app.post("/v1/sync/pull", response_model=P.PullResponse, responses=errors(400, 422, *_SIGNED_IN))
    def pull(request: Request, body: P.PullRequest) -> Response:
        # The page's JSON as the model writes it, stored payloads spliced in (records.py): the hot path of a sync.
        return Response(central.pull_json(_who(request), body, remote=_remote(request)), media_type="application/json")

    @app.get("/v1/sync/key", response_model=P.WrappedKey, responses=errors(403, 404, *_SIGNED_IN))
    def get_key(request: Request) -> P.WrappedKey:
        return central.get_sync_key(_who(request))

    @app.put("/v1/sync/key", response_model=P.WrappedKey, responses=errors(400, 403, 409, 422, *_SIGNED_IN))
    def put_key(request: Request, body: P.WrappedKey) -> P.WrappedKey:
        return central.put_sync_key(_who(request), body)

    @app.post(
        "/v1/attachments/{sha256}", response_model=P.AttachmentStatus, responses=errors(400, 403, 409, 422, *_SIGNED_IN)
    )
    def start_attachment(request: Request, sha256: Sha, body: P.AttachmentStart) -> P.AttachmentStatus:
        return central.start_attachment(_who(request), sha256, body)

    @app.get(
        "/v1/attachments/{sha256}/status", response_model=P.AttachmentStatus, responses=errors(404, 422, *_SIGNED_IN)
    )
    def attachment_status(request: Request, sha256: Sha) -> P.AttachmentStatus:
        return central.attachment_status(_who(request), sha256)

    @app.patch(
        "/v1/attachments/{sha256}",
        response_model=P.AttachmentStatus,
        responses=errors(400, 404, 409, 422, *_SIGNED_IN),
        openapi_extra={
            "requestBody": {
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            }
        },
    )
    async def append_attachment(
        request: Request, sha256: Sha, offset: Annotated[int, Query(ge=0, le=2**40)]
    ) -> P.AttachmentStatus:
        who = _who(request)
        # Streamed to a file as it arrives (the guard stops it past ATTACHMENT_CHUNK_MAX): memory stays flat
        # whatever the chunk size.
        fd, name = tempfile.mkstemp(dir=central.incoming_dir, suffix=".chunk")
        try:
            with os.fdopen(fd, "wb") as fh:
                async for block in request.stream():
                    fh.write(block)
            return await run_in_threadpool(central.append_attachment, who, sha256, offset=offset, chunk=Path(name))
        finally:
            Path(name).unlink(missing_ok=True)

    @app.get(
        "/v1/attachments/{sha256}",
        response_class=FileResponse,
        responses={
            200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            **errors(404, 422, *_SIGNED_IN),
        },
    )
    def get_attachment(request: Request, sha256: Sha) -> FileResponse:
        path = central.attachment_path(_who(request), sha256, remote=_remote(request))
        return FileResponse(path, media_type="application/octet-stream")

    @app.put(
        "/v1/needs",
        response_model=dict[str, int],
        responses=errors(400, 403, 422, *_SIGNED_IN),
        summary="A CT's de-identified counts of learning priorities per school (replaces the previous ones)",
    )
    def put_needs(request: Request, body: P.NeedsSubmission) -> dict[str, int]:
        return {"schools": central.submit_needs(_who(request), body, remote=_remote(request))}

    @app.get("/v1/catalog", response_model=P.SharedCatalog, responses=errors(403, *_SIGNED_IN),
             summary="The professional-learning catalog entries CTs share with each other")
    def shared_catalog(request: Request) -> Response:
        return Response(central.shared_catalog(_who(request)).model_dump_json(), media_type="application/json")

    @app.put("/v1/catalog/{entry_id}", response_model=P.SharedEntry, responses=errors(400, 403, 409, 422, *_SIGNED_IN),
             summary="Share (or withdraw: withdrawn=true) one of this CT's catalog entries")
    def share_entry(request: Request, entry_id: uuid.UUID, body: P.SharedEntry) -> P.SharedEntry:
        if body.id != entry_id:
            raise CentralError("the entry id in the path and in the body differ")
        return central.share_entry(_who(request), body, remote=_remote(request))

    # ---- administration: the program office (manages users and devices; reads no case content)
    def admin(request: Request) -> Principal:
        who = _who(request)
        if who.role != "program_office":
            raise Forbidden("the program office only")
        return who

    @app.get(
        "/v1/admin/needs",
        response_model=P.NeedsAggregate,
        responses=errors(403, 422, *_SIGNED_IN),
        summary="Learning priorities per school and for the district, suppressed below 5 educators",
    )
    def needs(
        request: Request,
        school_year: Annotated[str, Query(max_length=20, pattern=r"^[0-9-]*$")] = "",
    ) -> P.NeedsAggregate:
        who = admin(request)
        central.audit(who=who, action="admin.needs.read", detail=school_year)
        return central.needs_aggregate(school_year)

    @app.get("/v1/admin/users", response_model=list[P.UserInfo], responses=errors(403, *_SIGNED_IN))
    def users(request: Request) -> list[P.UserInfo]:
        who = admin(request)
        central.audit(who=who, action="admin.users.list", remote=_remote(request))
        return central.list_users()

    @app.post(
        "/v1/admin/users",
        response_model=dict[str, str],
        responses=errors(400, 403, 409, 422, *_SIGNED_IN),
        summary="Add a consulting teacher (panel and administrator accounts are added on the server console)",
    )
    def add_user(
        request: Request,
        name: Annotated[str, Body(min_length=1, max_length=120, pattern=P.NO_CONTROLS)],
        role: Annotated[P.Role, Body()],
    ) -> dict[str, str]:
        who = admin(request)
        return {"name": name, "code": central.add_user(name=name, role=role, by=who, remote=_remote(request))}

    @app.get("/v1/admin/devices", response_model=list[P.DeviceInfo], responses=errors(403, *_SIGNED_IN))
    def devices(request: Request) -> list[P.DeviceInfo]:
        who = admin(request)
        central.audit(who=who, action="admin.devices.list", remote=_remote(request))
        return central.list_devices()

    @app.post(
        "/v1/admin/devices/{device_id}/revoke", status_code=204, responses=errors(403, 404, 422, *_SIGNED_IN)
    )
    def revoke(request: Request, device_id: uuid.UUID) -> Response:
        who = admin(request)
        central.revoke_device(device_id=str(device_id), by=who, remote=_remote(request))
        return Response(status_code=204)

    return app


def build(*, data_dir: Path, db_url: str | None = None, **kwargs: Any) -> FastAPI:
    """The app for an initialised data directory (the database must be at the newest migration)."""
    engine = db.make_engine(db.resolve_db_url(data_dir, db_url))
    if not db.is_current(engine):
        raise db.ServerConfigError("the database is not initialised or not migrated; run `esp-central init`")
    return create_app(central=Central(engine=engine, data_dir=data_dir), **kwargs)


def from_environment() -> FastAPI:
    """App factory for worker processes (`esp-central serve --workers N`, or gunicorn/uvicorn directly):
    the data directory and database come from ESP_CENTRAL_DATA_DIR and ESP_CENTRAL_DB."""
    return build(data_dir=db.default_data_dir())

