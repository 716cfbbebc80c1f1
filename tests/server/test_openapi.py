"""Issue 16 item 22: the OpenAPI document describes every status the server returns (and its bodies), checked
against the app's actual answers: schemathesis-generated requests (valid and invalid) for every operation,
plus the answers fuzzing rarely reaches (oversized body, rate limit, database down)."""

from __future__ import annotations

import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from esp_desktop.server import db
from esp_desktop.server.app import create_app
from esp_desktop.server.security import RateLimiter
from esp_desktop.server.service import Central
from esp_desktop.sync import protocol as P
from tests.helpers.central import ThreadedServer, change, envelope, push

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _documented(app, method: str, path: str) -> set[int]:
    return {int(code) for code in app.openapi()["paths"][path][method.lower()]["responses"]}


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_generated_requests_get_only_documented_statuses_and_bodies(served, mode):
    ct, _ = served.enrol("Ms Okafor")
    push(ct, change(envelope(payload={"text": "own record"})))
    token = ct.headers["Authorization"]
    schema = schemathesis.openapi.from_dict(served.central_app.openapi())
    failures: list[str] = []
    seen: set[int] = set()
    for result in schema.get_all_operations():
        op = result.ok()

        @settings(
            max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=op.as_strategy(generation_mode=mode))
        def run(case):
            headers = dict(case.headers or {})
            headers.setdefault("Authorization", token)
            response = case.call(base_url=served.url, headers=headers, timeout=30)
            seen.add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseExceptionGroup as exc:  # schemathesis' FailureGroup: collected, reported together
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {str(exc)[:300]}")

        try:
            run()
        except Unsatisfiable:
            continue
    assert failures == [], "\n".join(failures[:10])
    assert len(seen) >= 3, seen


def test_the_answers_fuzzing_rarely_reaches_are_documented_too(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    db.upgrade(engine)
    central = Central(engine=engine, data_dir=tmp_path)
    code = central.add_user(name="Ms Okafor", role="ct")
    tight = RateLimiter(capacity=1, per_second=1e-6)
    app = create_app(central=central, auth_limiter=tight, enrol_limiter=tight)
    answers: list[tuple[str, str, int]] = []
    with ThreadedServer(app) as srv:
        url = f"http://127.0.0.1:{srv.port}"
        token = httpx.post(f"{url}/v1/enrol", json={"code": code, "device_name": "laptop"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        big = b"{" + b" " * (P.MAX_PUSH_BODY_BYTES + 10) + b"}"
        too_big = httpx.post(f"{url}/v1/sync/push", content=big, headers=auth).status_code
        answers.append(("POST", "/v1/sync/push", too_big))
        answers.append(("GET", "/v1/me", httpx.get(f"{url}/v1/me", headers={"Authorization": "Bearer x"}).status_code))
        answers.append(("GET", "/v1/me", httpx.get(f"{url}/v1/me", headers={"Authorization": "Bearer y"}).status_code))
        for _ in range(2):
            r = httpx.post(f"{url}/v1/enrol", json={"code": "WRONG-CODE", "device_name": "x"})
            answers.append(("POST", "/v1/enrol", r.status_code))
        sha = "0" * 64
        missing = httpx.get(f"{url}/v1/attachments/{sha}", headers=auth).status_code
        answers.append(("GET", "/v1/attachments/{sha256}", missing))
        admin_only = httpx.get(f"{url}/v1/admin/users", headers=auth).status_code
        answers.append(("GET", "/v1/admin/users", admin_only))
        device = str(uuid.uuid4())
        revoke = httpx.post(f"{url}/v1/admin/devices/{device}/revoke", headers=auth).status_code
        answers.append(("POST", "/v1/admin/devices/{device_id}/revoke", revoke))
        # the database goes away: health and every other route answer 503, as documented
        central.engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
        answers.append(("GET", "/v1/health", httpx.get(f"{url}/v1/health").status_code))
    assert {status for *_, status in answers} >= {413, 401, 429, 404, 403, 503}, answers
    undocumented = [(m, p, s) for m, p, s in answers if s not in _documented(app, m, p)]
    assert undocumented == []
    engine.dispose()
