"""esp-central over HTTP: enrolment, push/pull paging, idempotency, conflicts, revocation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.helpers.central import change, envelope, pull_all, push


def test_enrolment_code_is_single_use_and_unknown_codes_are_refused(served):
    code = served.central.add_user(name="Ms Okafor", role="ct")
    r = httpx.post(f"{served.url}/v1/enrol", json={"code": code.lower(), "device_name": "school laptop"})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    me = served.client(token).get("/v1/me")
    assert me.status_code == 200 and me.json()["user_name"] == "Ms Okafor" and me.json()["role"] == "ct"
    again = httpx.post(f"{served.url}/v1/enrol", json={"code": code, "device_name": "second"})
    assert again.status_code == 401 and "already used" in again.json()["detail"]
    bad = httpx.post(f"{served.url}/v1/enrol", json={"code": "AAAAA-BBBBB", "device_name": "x"})
    assert bad.status_code == 401
    # a fresh code for the same user enrols a second device of the same user
    code2 = served.central.user_code(name="Ms Okafor")
    r2 = httpx.post(f"{served.url}/v1/enrol", json={"code": code2, "device_name": "home"})
    assert r2.status_code == 200 and r2.json()["device_id"] != r.json()["device_id"]


def test_requests_without_a_valid_token_are_refused(served):
    assert httpx.post(f"{served.url}/v1/sync/pull", json={"cursor": 0}).status_code == 401
    bad = served.client("not-a-token").post("/v1/sync/pull", json={"cursor": 0})
    assert bad.status_code == 401 and "enrol" in bad.json()["detail"]


def test_push_then_pull_pages_every_record_once_in_order(served):
    ct, _ = served.enrol("Ms Okafor")
    educator = str(uuid.uuid4())
    ids = []
    for batch in range(3):
        recs = [envelope(educator_id=educator, payload={"n": batch * 400 + i}) for i in range(400)]
        ids += [r["id"] for r in recs]
        results = push(ct, *[change(r) for r in recs])
        assert {x["status"] for x in results} == {"accepted"}
        assert all(x["version"] == 1 for x in results)
    pages = []
    cursor = 0
    while True:
        body = ct.post("/v1/sync/pull", json={"cursor": cursor, "limit": 500}).json()
        pages.append(len(body["records"]))
        seqs = [x["seq"] for x in body["records"]]
        assert seqs == sorted(seqs) and all(s > cursor for s in seqs)
        cursor = body["next_cursor"]
        if not body["more"]:
            break
    assert pages == [500, 500, 200]
    got, _ = pull_all(ct)
    assert [x["record"]["id"] for x in got] == ids
    assert [x["record"]["payload"]["n"] for x in got] == list(range(1200))
    empty = ct.post("/v1/sync/pull", json={"cursor": cursor}).json()
    # the cursor may move on (to the server's head) but nothing comes again
    assert empty["records"] == [] and empty["more"] is False and empty["next_cursor"] >= cursor
    assert empty["head_seq"] >= cursor


def test_replayed_push_changes_nothing_and_returns_the_same_results(served):
    ct, _ = served.enrol("Ms Okafor")
    rec = envelope(payload={"text": "first"})
    ch = change(rec)
    first = push(ct, ch)
    _, cursor = pull_all(ct)
    second = push(ct, ch)
    assert second[0]["replayed"] is True
    assert {k: v for k, v in second[0].items() if k != "replayed"} == {
        k: v for k, v in first[0].items() if k != "replayed"
    }
    # a different change under a used change id is no replay (a store restored from a backup re-uses ids):
    # nothing is applied and the answer says so, so the client sends it again under a fresh id
    ch_edit = dict(ch, record=dict(rec, payload={"text": "edited after the backup"}))
    mismatch = push(ct, ch_edit)[0]
    assert mismatch["status"] == "replay_mismatch" and mismatch["replayed"] is False
    after, _ = pull_all(ct, cursor)
    assert after == []
    everything, _ = pull_all(ct)
    assert len(everything) == 1 and everything[0]["record"]["payload"] == {"text": "first"}
    assert everything[0]["record"]["version"] == 1


def test_concurrent_edits_keep_both_versions_until_the_ct_resolves(served):
    laptop, laptop_id = served.enrol("Ms Okafor", device="laptop")
    tablet, _ = served.enrol("Ms Okafor", device="tablet")
    rec = envelope(payload={"text": "original"})
    push(laptop, change(rec))
    # both devices edit version 1 while offline
    r1 = push(laptop, change(dict(rec, payload={"text": "laptop edit"}), base_version=1))
    assert r1[0]["status"] == "accepted" and r1[0]["version"] == 2
    r2 = push(tablet, change(dict(rec, payload={"text": "tablet edit"}), base_version=1))
    assert r2[0]["status"] == "conflict"
    assert r2[0]["server_record"]["payload"] == {"text": "laptop edit"} and r2[0]["version"] == 2
    conflict_id = r2[0]["conflict_id"]
    for device in (laptop, tablet):
        got, _ = pull_all(device)
        main = [x for x in got if x["conflict"] is None]
        copies = [x for x in got if x["conflict"] is not None]
        assert [x["record"]["payload"] for x in main] == [{"text": "laptop edit"}]
        assert [x["record"]["payload"] for x in copies] == [{"text": "tablet edit"}]
        assert copies[0]["conflict"]["conflict_id"] == conflict_id
        assert copies[0]["conflict"]["resolved"] is False
    # a tombstone from an out-of-date device is a conflict too: a delete never silently wins
    r3 = push(tablet, change(dict(rec, deleted=True, payload=None), base_version=1))
    assert r3[0]["status"] == "conflict"
    # the CT merges on the laptop and resolves the first conflict
    merged = dict(rec, payload={"text": "laptop edit + tablet edit"})
    r4 = push(laptop, change(merged, base_version=2, resolves=[conflict_id]))
    assert r4[0]["status"] == "accepted" and r4[0]["version"] == 3
    got, _ = pull_all(tablet)
    state = {x["conflict"]["conflict_id"]: x["conflict"]["resolved"] for x in got if x["conflict"]}
    assert state[conflict_id] is True and list(state.values()).count(False) == 1
    assert [x["record"]["payload"] for x in got if not x["conflict"]] == [
        {"text": "laptop edit + tablet edit"}
    ]


def test_revoked_device_is_refused_at_once(served):
    ct, device_id = served.enrol("Ms Okafor")
    other, _ = served.enrol("Ms Okafor", device="tablet")
    assert ct.post("/v1/sync/pull", json={"cursor": 0}).status_code == 200
    served.central.revoke_device(device_id=device_id)
    r = ct.post("/v1/sync/push", json={"changes": [change(envelope())]})
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    assert ct.post("/v1/sync/pull", json={"cursor": 0}).status_code == 401
    assert other.post("/v1/sync/pull", json={"cursor": 0}).status_code == 200


def test_program_office_manages_devices_over_the_api(served):
    admin, _ = served.enrol("Dr Admin", role="program_office")
    ct, ct_device = served.enrol("Ms Okafor")
    devices = admin.get("/v1/admin/devices").json()
    assert {d["user_name"] for d in devices} == {"Dr Admin", "Ms Okafor"}
    assert ct.get("/v1/admin/devices").status_code == 403
    assert admin.post(f"/v1/admin/devices/{ct_device}/revoke").status_code == 204
    assert ct.get("/v1/me").status_code == 401
    users = {u["name"]: u for u in admin.get("/v1/admin/users").json()}
    assert users["Ms Okafor"]["devices"] == 0


def test_sync_key_is_stored_once_and_only_rewrapped(served):
    ct, _ = served.enrol("Ms Okafor")
    assert ct.get("/v1/sync/key").status_code == 404
    key_id = str(uuid.uuid4())
    assert ct.put("/v1/sync/key", json={"key_id": key_id, "blob": "QUJDRA" * 8}).status_code == 200
    assert ct.put("/v1/sync/key", json={"key_id": key_id, "blob": "RUZHSA" * 8}).status_code == 200
    clash = ct.put("/v1/sync/key", json={"key_id": str(uuid.uuid4()), "blob": "QUJDRA" * 8})
    assert clash.status_code == 409
    assert ct.get("/v1/sync/key").json() == {"key_id": key_id, "blob": "RUZHSA" * 8}
    other, _ = served.enrol("Mr Castillo")
    assert other.get("/v1/sync/key").status_code == 404
    panel, _ = served.enrol("Panel Chair", role="panel")
    assert panel.get("/v1/sync/key").status_code == 403


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda c: c["record"].update(colour="red"), "colour"),
        (lambda c: c["record"].update(audience="everyone"), "audience"),
        (lambda c: c["record"].update(updated_at="2026-01-01T10:00:00"), "updated_at"),
        (lambda c: c["record"].update(id="not-a-uuid"), "id"),
        (lambda c: c["record"].update(version=0), "version"),
        (lambda c: c.update(base_version=-1), "base_version"),
        (lambda c: c["record"].update(type="Robert'); DROP TABLE records;--"), "type"),
        (lambda c: c["record"].update(payload={"x": "y" * 300_000}), "payload"),
    ],
)
def test_malformed_changes_get_422_naming_the_field(served, mutate, where):
    ct, _ = served.enrol("Ms Okafor")
    ch = change(envelope())
    mutate(ch)
    r = ct.post("/v1/sync/push", json={"changes": [ch]})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert any(where in " ".join(p["loc"]) or where in p["msg"] for p in detail), detail
    assert pull_all(ct)[0] == []


def test_other_malformed_requests_are_4xx(served):
    ct, _ = served.enrol("Ms Okafor")
    assert (
        ct.post(
            "/v1/sync/push", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    assert ct.post("/v1/sync/push", json={"changes": []}).status_code == 422
    too_many = {"changes": [change(envelope()) for _ in range(501)]}
    assert ct.post("/v1/sync/push", json=too_many).status_code == 422
    dup = change(envelope())
    r = ct.post("/v1/sync/push", json={"changes": [dup, dup]})
    assert r.status_code == 422 and "unique" in r.text
    assert ct.post("/v1/sync/pull", json={"cursor": 0, "limit": 501}).status_code == 422
    assert ct.post("/v1/sync/pull", json={"cursor": -1}).status_code == 422


def test_enrolment_is_rate_limited(tmp_path):
    from esp_desktop.core import clock
    from esp_desktop.server import db
    from esp_desktop.server.app import create_app
    from esp_desktop.server.service import Central
    from tests.helpers.central import ThreadedServer

    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    db.upgrade(engine)
    # The buckets refill with time: a clock standing still makes the counts exact on a loaded machine
    # (25 failed requests could otherwise take long enough to earn a token back).
    frozen = clock.FixedClock(clock.now())
    with clock.use(frozen), ThreadedServer(create_app(central=Central(engine=engine, data_dir=tmp_path))) as srv:
        url = f"http://127.0.0.1:{srv.port}"
        codes = [
            httpx.post(f"{url}/v1/enrol", json={"code": "WRONG-CODE", "device_name": "x"}).status_code
            for _ in range(8)
        ]
        assert codes[:5] == [401] * 5 and 429 in codes[5:]
        auth = [
            httpx.get(f"{url}/v1/me", headers={"Authorization": "Bearer nope"}).status_code for _ in range(25)
        ]
        assert auth[0] == 401 and auth[-1] == 429
    engine.dispose()
