"""Issue 16, exposure and abuse (items 9-16): what a hostile or broken client, or a careless name, must not
be able to do to esp-central."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from esp_desktop.server import db
from esp_desktop.server.app import create_app
from esp_desktop.server.limits import DbRateLimiter
from esp_desktop.server.service import Central
from tests.helpers.central import CentralProcess, ThreadedServer, change, envelope, pull_all, push
from tests.helpers.server_fixtures import BACKENDS


def _audit(served, action: str) -> list[tuple]:
    with served.central.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT user_id, device_id, detail, remote FROM audit_log WHERE action = :a ORDER BY id"),
                {"a": action},
            )
        )


# ---------------------------------------------------------------- item 9: ids
@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_every_id_the_server_takes_is_a_uuid(served):
    admin, _ = served.enrol("Dr Admin", role="program_office")
    for bad in ("not-a-uuid", "..%5C..%5Ccentral.db", "....-...."):
        assert admin.post(f"/v1/admin/devices/{bad}/revoke").status_code == 422
    ct, _ = served.enrol("Ms Okafor")
    for field, value in (("id", "../../etc/passwd"), ("educator_id", "../x")):
        r = ct.post("/v1/sync/push", json={"changes": [change(dict(envelope(), **{field: value}))]})
        assert r.status_code == 422 and field in r.text
    r = ct.post("/v1/sync/push", json={"changes": [dict(change(envelope()), resolves=["../x"])]})
    assert r.status_code == 422


# ---------------------------------------------------------------- item 10: bodies
def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _hundred_mb():
    block = b"[" + b"1," * (1 << 19)
    sent = 0
    while sent < 100 << 20:
        yield block
        sent += len(block)


def _send(url: str, path: str, *, method: str = "POST", headers: dict[str, str] | None = None, length: bool) -> int:
    """Send 100 MB (with or without Content-Length); the status, or 0 if the server hung up first."""
    body = _hundred_mb()
    hdrs = dict(headers or {})
    if length:
        hdrs["Content-Length"] = str(100 << 20)
        body = (b"x" * (1 << 20) for _ in range(100))
    try:
        return httpx.request(method, f"{url}{path}", content=body, headers=hdrs, timeout=120).status_code
    except httpx.HTTPError:
        return 0


@pytest.mark.slow
def test_large_bodies_are_refused_before_they_are_read(tmp_path):
    data_dir = tmp_path / "central"
    url_db = f"sqlite:///{data_dir / 'central.db'}"
    data_dir.mkdir()
    engine = db.make_engine(url_db)
    db.upgrade(engine)
    code = Central(engine=engine, data_dir=data_dir).add_user(name="Ms Okafor", role="ct")
    engine.dispose()
    with CentralProcess(data_dir, url_db) as server:
        token = httpx.post(f"{server.url}/v1/enrol", json={"code": code, "device_name": "laptop"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        sha = hashlib.sha256(b"x").hexdigest()
        httpx.post(f"{server.url}/v1/attachments/{sha}", json={"size": 1}, headers=auth)
        before = _peak_rss_kb(server.proc.pid)
        statuses = [
            _send(server.url, "/v1/sync/push", length=True),  # unauthenticated, announced
            _send(server.url, "/v1/sync/push", length=False),  # unauthenticated, streamed
            _send(server.url, "/v1/enrol", length=False),  # public, streamed
            _send(server.url, "/v1/sync/push", headers=auth, length=False),  # signed in, past 16 MiB
            _send(server.url, f"/v1/attachments/{sha}?offset=0", method="PATCH", headers=auth, length=False),
        ]
        growth_mb = (_peak_rss_kb(server.proc.pid) - before) / 1024
        assert httpx.get(f"{server.url}/v1/health").status_code == 200
    assert all(s in (0, 401, 413) for s in statuses), statuses
    assert statuses[0] == 413
    # a request is bounded by its route's limit (16 MiB for a push) and nothing more is held in memory;
    # before the guard, one unauthenticated 100 MB body took the server from ~100 MB to ~400 MB
    assert growth_mb < 80, f"peak RSS grew by {growth_mb:.0f} MB"


# ---------------------------------------------------------------- item 11: rate limits
def test_failures_are_limited_not_successes_and_the_limit_is_shared_by_processes(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    db.upgrade(engine)
    central = Central(engine=engine, data_dir=tmp_path)
    code = central.add_user(name="Ms Okafor", role="ct")
    # two apps on one database stand for two worker processes, each with its own limiters kept in the database
    # (the defaults' capacities; the refill is slowed so that a loaded test machine cannot refill the bucket
    # between two requests)
    def app() -> object:
        return create_app(central=central,
                          enrol_limiter=DbRateLimiter(central.engine, capacity=5, per_second=1 / 3600),
                          auth_limiter=DbRateLimiter(central.engine, capacity=20, per_second=1 / 3600))

    with ThreadedServer(app()) as one, ThreadedServer(app()) as two:
        url1, url2 = f"http://127.0.0.1:{one.port}", f"http://127.0.0.1:{two.port}"
        token = httpx.post(f"{url1}/v1/enrol", json={"code": code, "device_name": "laptop"}).json()["token"]
        good = {"Authorization": f"Bearer {token}"}
        bad = {"Authorization": "Bearer stolen-or-stale"}
        answers = []
        for i in range(30):  # a broken client behind the same address hammers the server...
            answers.append(httpx.get(f"{(url1, url2)[i % 2]}/v1/me", headers=bad).status_code)
            # ...and the CT next to it is never locked out
            assert httpx.get(f"{(url2, url1)[i % 2]}/v1/me", headers=good).status_code == 200
        assert answers[0] == 401 and answers[-1] == 429
        # one allowance (20 failures) for both processes together, not 20 each
        assert answers.index(429) == 20 and set(answers[20:]) == {429}
        wrong = [
            httpx.post(f"{(url1, url2)[i % 2]}/v1/enrol", json={"code": "WRONG-CODE", "device_name": "x"}).status_code
            for i in range(8)
        ]
        assert wrong[:5] == [401] * 5 and wrong[5:] == [429] * 3
        # a right code still works after the wrong ones
        code2 = central.user_code(name="Ms Okafor")
        assert httpx.post(f"{url2}/v1/enrol", json={"code": code2, "device_name": "tablet"}).status_code == 200
    engine.dispose()


# ---------------------------------------------------------------- item 12: accounts and audit
@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_panel_and_admin_accounts_only_from_the_console_and_every_admin_action_is_attributed(served):
    admin, admin_device = served.enrol("Dr Admin", role="program_office")  # user and device management
    for role in ("panel", "admin", "educator", "program_office"):
        r = admin.post("/v1/admin/users", json={"name": f"New {role}", "role": role})
        assert r.status_code == 403 and "console" in r.json()["detail"]
    assert {u["name"] for u in admin.get("/v1/admin/users").json()} == {"Dr Admin"}
    ok = admin.post("/v1/admin/users", json={"name": "Ms Okafor", "role": "ct"})
    assert ok.status_code == 200
    (added,) = _audit(served, "user.add")[-1:]
    admin_id = served.central.authenticate(admin.headers["Authorization"].split()[1]).user_id
    assert added[0] == admin_id and added[1] == admin_device and added[3] == "127.0.0.1"
    _, ct_device = served.enrol("Mr Castillo")
    assert admin.post(f"/v1/admin/devices/{ct_device}/revoke").status_code == 204
    assert _audit(served, "device.revoke")[-1][:2] == (admin_id, admin_device)
    served.central.add_user(name="Panel Chair", role="panel")  # the console
    assert _audit(served, "user.add")[-1][3].startswith("console:")


@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_refused_enrolments_and_failed_sign_ins_are_audited(served):
    assert httpx.post(f"{served.url}/v1/enrol", json={"code": "WRONG-CODE", "device_name": "x"}).status_code == 401
    assert served.client("forged-token").get("/v1/me").status_code == 401
    assert httpx.get(f"{served.url}/v1/me").status_code == 401
    assert [r[3] for r in _audit(served, "enrol.refused")] == ["127.0.0.1"]
    assert len(_audit(served, "auth.failed")) == 2


# ---------------------------------------------------------------- item 13: other CTs' educators and blobs
@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_a_ct_cannot_file_records_under_another_cts_educator(served):
    a, _ = served.enrol("Ms Okafor")
    b, _ = served.enrol("Mr Castillo")
    educator = envelope(type="educator", payload={"name": "Fictional Educator"})
    push(a, change(educator))
    forged = push(b, change(envelope(audience="educator", educator_id=educator["id"], payload={"note": "forged"})))
    assert forged[0]["status"] == "rejected" and "caseload" in forged[0]["message"]
    own = push(b, change(envelope(type="educator")), change(envelope(educator_id=educator["id"])))
    assert [r["status"] for r in own] == ["accepted", "rejected"]
    # the CT's own educator, also when it comes in the same push
    mine = envelope(type="educator")
    same_push = push(a, change(envelope(educator_id=mine["id"])), change(mine))
    assert [r["status"] for r in same_push] == ["accepted", "accepted"]


@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_a_ct_cannot_fetch_another_cts_blob_or_learn_that_it_exists(served):
    a, _ = served.enrol("Ms Okafor")
    b, _ = served.enrol("Mr Castillo")
    blob = os.urandom(5000)
    sha = hashlib.sha256(blob).hexdigest()
    a.post(f"/v1/attachments/{sha}", json={"size": len(blob)})
    assert a.patch(f"/v1/attachments/{sha}?offset=0", content=blob).json()["complete"] is True
    # B names A's SHA in a record of B's own, then asks for the bytes
    push(b, change(envelope(type="attachment", attachment_sha256=sha)))
    assert b.get(f"/v1/attachments/{sha}").status_code == 404
    assert b.get(f"/v1/attachments/{sha}/status").status_code == 404
    # starting an upload of the same SHA tells B nothing about A's blob: B starts from zero, like any upload
    started = b.post(f"/v1/attachments/{sha}", json={"size": 1234})
    assert started.json() == {"sha256": sha, "size": 1234, "received": 0, "complete": False}
    assert a.get(f"/v1/attachments/{sha}").content == blob
    # B can only complete it by sending every byte (then it is B's own copy)
    b.post(f"/v1/attachments/{sha}", json={"size": len(blob)})
    other = hashlib.sha256(b"y").hexdigest()
    assert b.post(f"/v1/attachments/{other}", json={"size": 1}).json()["received"] == 0


# ---------------------------------------------------------------- item 14: names
def test_names_cannot_forge_rows_in_listings(tmp_path):
    from esp_desktop.server.cli import main

    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    db.upgrade(engine)
    central = Central(engine=engine, data_dir=tmp_path)
    code = central.add_user(name="Ms Okafor", role="ct")
    with ThreadedServer(create_app(central=central)) as srv:
        url = f"http://127.0.0.1:{srv.port}"
        for name in ("laptop\nffffffff-0000-0000-0000-000000000000\tDr Admin\tx\tactive", "x\x1b[2J", "\u202eevil"):
            assert httpx.post(f"{url}/v1/enrol", json={"code": code, "device_name": name}).status_code == 422
        assert httpx.post(f"{url}/v1/enrol", json={"code": code, "device_name": "Laptop élève"}).status_code == 200
    with pytest.raises(Exception, match="control characters"):
        central.add_user(name="Evil\nDr Admin", role="ct")
    # a name stored before these checks is shown escaped, one device per line
    with engine.begin() as conn:
        forged = "old\n11111111-2222-3333-4444-555555555555\tforged\x1b[31m"
        conn.execute(text("UPDATE devices SET name = :n"), {"n": forged})

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'central.db'}", "device", "list"]) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\\n" in lines[0] and "\\x1b" in lines[0] and "\x1b" not in lines[0]
    engine.dispose()


# ---------------------------------------------------------------- item 15: versions
@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_a_version_above_2_53_is_a_clear_4xx_and_later_pushes_work(served):
    ct, _ = served.enrol("Ms Okafor")
    other, _ = served.enrol("Ms Okafor", device="tablet")
    rec = envelope()
    r = ct.post("/v1/sync/push", json={"changes": [change(rec, base_version=2**53)]})
    assert r.status_code == 422 and "base_version" in r.text
    r = ct.post("/v1/sync/push", json={"changes": [change(dict(rec, version=2**53 + 1))]})
    assert r.status_code == 422 and "version" in r.text
    # the highest allowed base gives the highest allowed version, which still travels back fine
    assert push(ct, change(rec, base_version=2**53 - 1))[0]["version"] == 2**53
    late = push(other, change(dict(rec, payload={"note": "tablet"}), base_version=1))[0]
    assert late["status"] == "conflict" and late["server_record"]["version"] == 2**53
    assert [x["record"]["version"] for x in pull_all(ct)[0] if x["conflict"] is None] == [2**53]


# ---------------------------------------------------------------- item 16: file modes
def test_database_config_and_data_folder_are_private(tmp_path):
    data = tmp_path / "central"
    env = {**os.environ, "ESP_CENTRAL_DB": ""}
    env.pop("ESP_CENTRAL_DB")
    old = os.umask(0o022)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data), "init"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        # --db makes init remember the URL in central.json (it may carry a password)
        done = subprocess.run(
            [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data), "--db",
             f"sqlite:///{data / 'central.db'}", "init"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700
    for name in ("central.db", "central.json"):
        assert mode(data / name) == 0o600, name
    for extra in data.glob("central.db-*"):
        assert mode(extra) == 0o600, extra.name
    blobs = data / "blobs"
    if blobs.exists():
        assert mode(blobs) == 0o700


