"""HTTP to esp-central: one method per endpoint, every answer validated against the protocol models.

Nothing the server sends reaches the store unvalidated: a page that does not parse as a ``PullResponse``
(ids that are not UUIDs, a clear payload on a private record, a missing field) raises ``BadServerResponse``
before anything is applied. Transport errors become ``SyncError`` subclasses with a message for the CT.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pydantic

from . import protocol as P
from .errors import BadServerResponse, DeviceRefused, InsecureServer, NotEnrolled, SyncError, UntrustedServer

M = TypeVar("M", bound=pydantic.BaseModel)


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_server_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The normalised server address; plain http:// is refused for anything but this computer (the device token
    and every clear record would cross the network readable and forgeable) unless explicitly allowed."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{url!r} is not a server address; it looks like https://central.example.org:8443.")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname):
        raise InsecureServer(
            f"{url} is not encrypted (http://). Use the server's https:// address; plain http is only for a "
            "server on this computer (or allow it explicitly with --allow-insecure-http on a test network)."
        )
    return url


class Transport:
    """The sync API of one esp-central. ``token`` is set after enrolment (the engine reads it from its state)."""

    def __init__(
        self,
        server_url: str,
        *,
        ca_cert: str | Path | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        self.server_url = check_server_url(server_url, allow_insecure_http=allow_insecure_http)
        verify: ssl.SSLContext | bool = True
        if ca_cert:
            # Pin: trust exactly this certificate (a self-signed esp-central), not the system CAs.
            verify = ssl.create_default_context(cafile=str(ca_cert))
        self.http = httpx.Client(base_url=self.server_url, verify=verify, timeout=timeout, transport=transport)
        self.token: str | None = None

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ plumbing
    def _call(
        self, method: str, path: str, *, auth: bool = True, json_bytes: bytes | None = None, **kw: Any
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if json_bytes is not None:
            kw["content"] = json_bytes
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise NotEnrolled()
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            r = self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise UntrustedServer(
                    f"The certificate of {self.server_url} is not trusted. If it is your district's "
                    "self-signed server, pass its certificate with --ca-cert FILE."
                ) from exc
            raise SyncError(
                f"Cannot reach the sync server at {self.server_url} ({type(exc).__name__})."
            ) from exc
        if r.status_code == 401:
            raise DeviceRefused(f"The sync server refused this device: {_detail(r)}")
        if r.status_code >= 400 and r.status_code != 404:
            raise SyncError(f"The sync server answered {r.status_code}: {_detail(r)}")
        return r

    def _model(self, model: type[M], r: httpx.Response) -> M:
        if r.status_code != 200:
            raise SyncError(f"The sync server answered {r.status_code}: {_detail(r)}")
        try:
            return model.model_validate_json(r.content)
        except pydantic.ValidationError as exc:
            first: dict[str, Any] = dict(exc.errors()[0]) if exc.errors() else {}
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise BadServerResponse(
                f"The sync server sent an answer that does not follow the sync protocol ({where or 'body'}: "
                f"{first.get('msg', 'invalid')}); nothing from it was applied. Tell the program administrator."
            ) from None

    # ------------------------------------------------------------------ endpoints
    def enrol(self, code: str, *, device_name: str) -> P.EnrolResponse:
        r = self._call(
            "POST", "/v1/enrol", auth=False, json={"code": code.strip(), "device_name": device_name[:120]}
        )
        if r.status_code != 200:
            raise SyncError(f"Enrolment failed: {_detail(r)}")
        return self._model(P.EnrolResponse, r)

    def get_key(self) -> P.WrappedKey | None:
        r = self._call("GET", "/v1/sync/key")
        return None if r.status_code == 404 else self._model(P.WrappedKey, r)

    def put_key(self, key: P.WrappedKey) -> P.WrappedKey:
        return self._model(P.WrappedKey, self._call("PUT", "/v1/sync/key",
                                                    json_bytes=key.model_dump_json().encode()))

    def push(self, body: bytes) -> P.PushResponse:
        """``body``: a ``PushRequest`` already serialised (the engine builds it without a model per record)."""
        return self._model(P.PushResponse, self._call("POST", "/v1/sync/push", json_bytes=body))

    def pull(self, cursor: int, limit: int) -> P.PullResponse:
        return self._model(P.PullResponse, self._call("POST", "/v1/sync/pull", json={"cursor": cursor, "limit": limit}))

    def start_attachment(self, sha: str, size: int) -> P.AttachmentStatus:
        return self._model(P.AttachmentStatus, self._call("POST", f"/v1/attachments/{sha}", json={"size": size}))

    def append_attachment(self, sha: str, offset: int, chunk: bytes) -> P.AttachmentStatus:
        r = self._call("PATCH", f"/v1/attachments/{sha}", params={"offset": offset}, content=chunk)
        return self._model(P.AttachmentStatus, r)

    def download_attachment(self, sha: str) -> bytes | None:
        r = self._call("GET", f"/v1/attachments/{sha}")
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise SyncError(f"The sync server answered {r.status_code}: {_detail(r)}")
        return r.content


def _detail(r: httpx.Response) -> str:
    try:
        detail = r.json().get("detail")
    except (ValueError, AttributeError):
        return r.text[:200] or r.reason_phrase
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(map(str, p.get('loc', [])))}: {p.get('msg')}" for p in detail if isinstance(p, dict)
        )[:500]
    return str(detail)[:500]
