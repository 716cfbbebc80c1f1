"""Role x audience authorisation matrix, ct_private confidentiality down to the database bytes,
attachments, TLS and the esp-central command line."""

from __future__ import annotations

import hashlib
import os
import ssl
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.helpers.central import change, envelope, pull_all, push

AUDIENCES = ["ct_private", "educator", "panel", "admin"]
SENTINEL = "ZEBRA-QUARTZ-PRIVATE-7731"  # appears only inside ct_private plaintext


def _caseload(ct, educator: str, label: str, *, programs=("PAR",), site: str | None = None) -> dict[str, str]:
    """One educator record plus one observation per audience; returns {audience: record id}. The envelopes
    carry the educator's program history and site, as the CT's device sends them."""
    ids = {"educator": str(uuid.uuid4())}
    case = {"programs": list(programs), "sites": [site] if site else []}
    recs = [
        envelope(type="educator", id=educator, audience="educator", educator_id=educator, case=case,
                 payload={"name": f"Educator {label}"})
    ]
    for aud in AUDIENCES:
        rec = envelope(
            educator_id=educator,
            audience=aud,
            case=case,
            payload={"text": f"{label} {aud} {SENTINEL if aud == 'ct_private' else ''}"},
        )
        ids[aud] = rec["id"]
        recs.append(rec)
    push(ct, *[change(r) for r in recs])
    return ids


def test_role_by_audience_matrix(served):
    site, other_site = str(uuid.uuid4()), str(uuid.uuid4())
    ct_a, _ = served.enrol("Ms Okafor")
    ct_b, _ = served.enrol("Mr Castillo")
    panel, _ = served.enrol("Panel Chair", role="panel")
    admin, _ = served.enrol("Dr Admin", role="admin", sites=[site])
    office, _ = served.enrol("Program Office", role="program_office")
    on_agenda, off_agenda, b_educator, pa_educator, moved = (str(uuid.uuid4()) for _ in range(5))
    a1 = _caseload(ct_a, on_agenda, "A-on", site=site)
    a2 = _caseload(ct_a, off_agenda, "A-off", site=other_site)
    b1 = _caseload(ct_b, b_educator, "B", site=site)
    pa = _caseload(ct_a, pa_educator, "A-pa", programs=("PA",), site=site)
    par_then_pa = _caseload(ct_a, moved, "A-moved", site=site)
    meeting = envelope(type="panel_meeting", audience="panel", payload={"location": "Room 204"})
    case = envelope(
        type="panel_case",
        audience="panel",
        educator_id=on_agenda,
        parent_id=meeting["id"],
        payload={"meeting_id": meeting["id"], "educator_id": on_agenda},
    )
    push(ct_a, change(meeting), change(case))
    meeting = meeting["id"]
    # CT B cannot open CT A's other educator to the panel by putting them on an agenda: a record filed
    # under another CT's educator is refused (issue 16 item 13)
    b_case = envelope(
        type="panel_case",
        audience="panel",
        educator_id=off_agenda,
        payload={"meeting_id": meeting, "educator_id": off_agenda},
    )
    assert push(ct_b, change(b_case))[0]["status"] == "rejected"

    def seen(client) -> dict[str, dict]:
        got, _ = pull_all(client)
        return {x["record"]["id"]: x["record"] for x in got}

    admin_before = seen(admin)
    # the educator moves from PAR to PA: records labelled admin while in PAR disappear for the administrator
    push(ct_a, change(envelope(type="enrolment", educator_id=moved, audience="educator",
                               case={"programs": ["PAR", "PA"], "sites": [site]}, payload={"program": "PA"})))
    a_seen, b_seen, panel_seen, admin_seen = seen(ct_a), seen(ct_b), seen(panel), seen(admin)
    all_a = set(a1.values()) | set(a2.values())
    all_b = set(b1.values())
    # a CT sees exactly their own records, all audiences, and nothing of the other CT
    assert all_a <= set(a_seen) and not (all_b & set(a_seen))
    assert all_b <= set(b_seen) and not (all_a & set(b_seen))
    # ct_private reaches even its owner only as ciphertext
    assert a_seen[a1["ct_private"]]["payload"] is None and a_seen[a1["ct_private"]]["ciphertext"]
    # the panel: on-agenda case only, audiences educator/panel/admin, never ct_private
    assert set(panel_seen) == {on_agenda, a1["educator"], a1["panel"], a1["admin"], case["id"], meeting}
    # the school administrator: admin-labelled records of PAR educators at their site, of any CT; never PA
    names = {a1["admin"]: "a1", b1["admin"]: "b1", par_then_pa["admin"]: "moved", pa["admin"]: "pa"}
    assert {names.get(i, i) for i in admin_before} == {"a1", "b1", "moved"}
    assert set(admin_seen) == {a1["admin"], b1["admin"]}
    assert pa["admin"] not in admin_before
    # the program office manages accounts and reads no case content
    assert seen(office) == {}
    for records in (panel_seen, admin_seen, b_seen):
        assert all(r["audience"] != "ct_private" or r["id"] in all_b for r in records.values())
    # once the case leaves the agenda the panel's scope changes and it sees nothing of it
    before = panel.post("/v1/sync/pull", json={"cursor": 0}).json()["scope"]
    push(ct_a, change(dict(case, deleted=True, payload=None), base_version=1))
    after = panel.post("/v1/sync/pull", json={"cursor": 0}).json()
    assert after["scope"] != before
    assert [r["record"]["id"] for r in after["records"]] == [meeting]  # the program's meeting, no case of it
    # writes: CTs push; a Panel device records attendance, votes and decisions only (tests/sync/
    # test_panel_device.py), anything else is refused record by record; no other reader pushes
    r = panel.post("/v1/sync/push", json={"changes": [change(envelope())]})
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    for reader in (admin, office):
        r = reader.post("/v1/sync/push", json={"changes": [change(envelope())]})
        assert r.status_code == 403
    hijack = push(ct_b, change(envelope(id=a1["panel"], payload={"text": "overwritten"}), base_version=1))
    assert hijack[0]["status"] == "rejected"
    assert seen(ct_a)[a1["panel"]]["payload"]["text"].startswith("A-on panel")


def test_parent_gate_on_the_server(served):
    """A child is served only with its parent's label: a script line of a CT-private observation, a progress
    check of a goal made panel-only, an attachment record whose evidence is gone."""
    ct, _ = served.enrol("Ms Okafor")
    educator = str(uuid.uuid4())
    me, _ = served.enrol("Lan", role="educator", educator=educator)
    panel, _ = served.enrol("Panel Chair", role="panel")
    case = {"programs": ["PAR"], "sites": []}
    obs = envelope(type="observation", educator_id=educator, audience="ct_private", case=case)
    goal = envelope(type="goal", educator_id=educator, audience="panel", case=case, payload={"t": 1})
    note = envelope(type="script_note", educator_id=educator, audience="educator", case=case,
                    parent_id=obs["id"], payload={"text": "line"})
    check = envelope(type="goal_progress", educator_id=educator, audience="educator", case=case,
                     parent_id=goal["id"], payload={"note": "n"})
    orphan = envelope(type="attachment", educator_id=educator, audience="educator", case=case,
                      payload={"filename": "x"})
    agenda = envelope(type="panel_case", educator_id=educator, audience="panel", case=case,
                      payload={"meeting_id": str(uuid.uuid4())})
    shared = envelope(type="observation", educator_id=educator, audience="educator", case=case, payload={"a": 1})
    own_note = envelope(type="script_note", educator_id=educator, audience="educator", case=case,
                        parent_id=shared["id"], payload={"text": "shared line"})
    push(ct, *[change(r) for r in (obs, goal, note, check, orphan, agenda, shared, own_note)])
    mine = {x["record"]["id"] for x in pull_all(me)[0]}
    assert mine == {shared["id"], own_note["id"]}
    panels = {x["record"]["id"] for x in pull_all(panel)[0]}
    assert panels == {goal["id"], check["id"], shared["id"], own_note["id"]}  # agenda case: no meeting pushed


def test_ct_private_never_stored_or_served_in_clear(served):
    ct, _ = served.enrol("Ms Okafor")
    panel, _ = served.enrol("Panel Chair", role="panel")
    educator = str(uuid.uuid4())
    leak = envelope(audience="ct_private", educator_id=educator)
    del leak["ciphertext"]
    leak["payload"] = {"text": SENTINEL}
    r = ct.post("/v1/sync/push", json={"changes": [change(leak)]})
    assert r.status_code == 422 and "ciphertext" in r.text and SENTINEL not in r.text
    _caseload(ct, educator, "A")
    push(
        ct,
        change(
            envelope(
                type="panel_case",
                audience="panel",
                educator_id=educator,
                payload={"meeting_id": str(uuid.uuid4()), "educator_id": educator},
            )
        ),
    )
    for client in (ct, panel):
        got, _ = pull_all(client)
        assert got and SENTINEL not in str(got)
    served.central.engine.dispose()  # flush WAL/caches so every byte is on disk
    roots = [served.data_dir] + ([served.pg_data] if served.pg_data else [])
    if served.backend == "sqlite":
        roots.append(Path(served.db_url.removeprefix("sqlite:///")).parent)
    else:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                "psql",
                "-h",
                str(served.pg_data.parent / "sock"),
                "-p",
                served.db_url.rsplit("port=", 1)[1],
                "-U",
                "postgres",
                "-c",
                "CHECKPOINT",
            ],
            check=False,
            capture_output=True,
        )
    scanned = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                scanned += 1
                assert SENTINEL.encode() not in path.read_bytes(), path
    assert scanned > 0
    # control: the clear educator-audience text does reach the database (the scan can see text)
    assert any(b"A educator" in p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file())


def test_attachments_resume_verify_and_respect_access(served):
    ct, _ = served.enrol("Ms Okafor")
    other, _ = served.enrol("Mr Castillo")
    panel, _ = served.enrol("Panel Chair", role="panel")
    blob = os.urandom(300_000)  # stands in for an encrypted attachment
    sha = hashlib.sha256(blob).hexdigest()
    st = ct.post(f"/v1/attachments/{sha}", json={"size": len(blob)}).json()
    assert st == {"sha256": sha, "size": len(blob), "received": 0, "complete": False}
    assert ct.patch(f"/v1/attachments/{sha}?offset=0", content=blob[:100_000]).json()["received"] == 100_000
    # the connection dropped; the client asks where to resume, a wrong offset is refused
    assert ct.get(f"/v1/attachments/{sha}/status").json()["received"] == 100_000
    assert ct.patch(f"/v1/attachments/{sha}?offset=0", content=blob[:50]).status_code == 409
    done = ct.patch(f"/v1/attachments/{sha}?offset=100000", content=blob[100_000:]).json()
    assert done["complete"] is True
    assert ct.get(f"/v1/attachments/{sha}").content == blob
    assert other.get(f"/v1/attachments/{sha}").status_code == 404
    assert panel.get(f"/v1/attachments/{sha}").status_code == 404
    educator = str(uuid.uuid4())
    push(
        ct,
        change(envelope(audience="panel", educator_id=educator, attachment_sha256=sha)),
        change(
            envelope(
                type="panel_case",
                audience="panel",
                educator_id=educator,
                payload={"meeting_id": str(uuid.uuid4()), "educator_id": educator},
            )
        ),
    )
    assert panel.get(f"/v1/attachments/{sha}").content == blob
    # bytes that do not match their address are refused and the upload starts over
    bad = os.urandom(1000)
    bad_sha = hashlib.sha256(b"something else").hexdigest()
    ct.post(f"/v1/attachments/{bad_sha}", json={"size": len(bad)})
    r = ct.patch(f"/v1/attachments/{bad_sha}?offset=0", content=bad)
    assert r.status_code == 400 and "SHA-256" in r.json()["detail"]
    assert ct.get(f"/v1/attachments/{bad_sha}/status").json()["received"] == 0
    assert ct.get(f"/v1/attachments/{bad_sha}").status_code == 404


def test_migrations_match_the_models(served):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from esp_desktop.server.models import Base

    with served.central.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`esp-central` in-process (imports cost seconds per subprocess); init runs as a real process."""
    import contextlib
    import io

    from esp_desktop.server.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["--data-dir", str(data_dir), *args])
    return subprocess.CompletedProcess(args, rc, out.getvalue(), err.getvalue())


def test_cli_init_users_devices_and_tls(tmp_path):
    from esp_desktop.server.app import build
    from tests.helpers.central import ThreadedServer

    data = tmp_path / "central"
    assert "not initialised" in _cli(data, "user", "list").stderr
    init = subprocess.run(
        [sys.executable, "-m", "esp_desktop.server.cli", "--data-dir", str(data), "init"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    admin_code = init.stdout.strip().splitlines()[-1]
    assert len(admin_code.replace("-", "")) == 25
    add = _cli(data, "user", "add", "--name", "Ms Okafor", "--role", "ct")
    ct_code = add.stdout.strip().splitlines()[-1]
    again = _cli(data, "user", "code", "Ms Okafor")
    assert again.returncode == 0 and again.stdout.strip().splitlines()[-1] not in (ct_code, admin_code)
    dup = _cli(data, "user", "add", "--name", "Ms Okafor", "--role", "ct")
    assert dup.returncode == 1 and "already exists" in dup.stderr and "Traceback" not in dup.stderr
    assert "Ms Okafor\tct" in _cli(data, "user", "list").stdout
    assert "program_office" in init.stdout and "admin\tprogram_office" in _cli(data, "user", "list").stdout
    bad = _cli(data, "user", "add", "--name", "Principal", "--role", "admin")
    assert bad.returncode == 1 and "--site" in bad.stderr
    site = str(uuid.uuid4())
    ok = _cli(data, "user", "add", "--name", "Principal", "--role", "admin", "--site", site)
    assert ok.returncode == 0 and f"Principal\tadmin\t0 device(s)\t{site}" in _cli(data, "user", "list").stdout
    assert "no site" not in ok.stderr
    unknown = _cli(data, "user", "add", "--name", "P2", "--role", "admin", "--site", "Harborview")
    assert unknown.returncode == 1 and "matches no site" in unknown.stderr
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    assert _cli(data, "dev-cert", "--cert", str(cert), "--key", str(key)).returncode == 0
    app = build(data_dir=data)
    with ThreadedServer(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as srv:
        url = f"https://127.0.0.1:{srv.port}"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/v1/health")  # an unpinned self-signed certificate is not trusted
        pinned = ssl.create_default_context(cafile=str(cert))
        r = httpx.post(f"{url}/v1/enrol", json={"code": ct_code, "device_name": "laptop"}, verify=pinned)
        assert r.status_code == 200
        device_id = r.json()["device_id"]
        listing = _cli(data, "device", "list").stdout
        assert device_id in listing and "active" in listing
        assert _cli(data, "device", "revoke", device_id).returncode == 0
        me = httpx.get(
            f"{url}/v1/me",
            headers={"Authorization": f"Bearer {r.json()['token']}"},
            verify=ssl.create_default_context(cafile=str(cert)),
        )
        assert me.status_code == 401
    app.state.central.engine.dispose()
