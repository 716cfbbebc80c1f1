"""esp-central writes a pull page without a model per record (stored payloads spliced in as text): the bytes
must be exactly what the protocol model writes for the same page, so every client reads the same answer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pydantic_core
from hypothesis import given, settings
from hypothesis import strategies as st

from esp_desktop.server.records import _envelope, _served_json
from esp_desktop.sync import protocol as P
from tests.helpers.central import change, envelope, push

# Payloads as a record's JSON form can hold them (what a push validates: any JSON object).
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _row(payload: dict[str, Any] | None, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": 41, "type": "coaching_activity", "record_id": str(uuid.uuid4()), "version": 3, "deleted": False,
        "audience": "educator", "educator_id": str(uuid.uuid4()), "updated_at": dt.datetime(2026, 11, 25, 15, 0, 1, 5),
        "payload": None if payload is None else pydantic_core.to_json(payload).decode(),  # as records.push stores it
        "ciphertext": None, "attachment_sha256": None, "parent_id": None,
    }
    row.update(over)
    return row


def _by_model(row: dict[str, Any]) -> str:
    return P.ServerRecord.model_construct(seq=row["seq"], record=_envelope(row), conflict=None).model_dump_json()


@settings(max_examples=200, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=12), _json, max_size=6))
def test_a_served_record_is_what_the_model_writes(payload: dict[str, Any]) -> None:
    row = _row(payload)
    assert _served_json(row) == _by_model(row)


def test_every_envelope_shape_is_what_the_model_writes() -> None:
    rows = [
        _row({"notes": "Ünïcode \"quoted\" \n\t\u2028 </script> 😀", "n": 2**53, "x": 0.1}),
        _row(None, deleted=True, educator_id=None),
        _row(None, audience="ct_private", ciphertext="QUJDRA==", parent_id=str(uuid.uuid4())),
        _row({"a": []}, attachment_sha256="ab" * 32, updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        _row({}, updated_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))),
    ]
    for row in rows:
        assert _served_json(row) == _by_model(row)


def test_a_pulled_page_is_byte_for_byte_the_protocol_models_json(served) -> None:
    """Clear, private, deleted and conflict records in one page, from the real push path, both backends."""
    ct, _ = served.enrol("Ms Okafor")
    educator = str(uuid.uuid4())
    clear = envelope(type="educator", id=educator, payload={"given_name": "Zoë", "tags": ["a", 1, 2.5, None]})
    private = envelope(educator_id=educator, audience="ct_private")
    gone = envelope(educator_id=educator, payload={"notes": "to be deleted"})
    push(ct, change(clear), change(private), change(gone))
    push(ct, change({**gone, "version": 2, "deleted": True, "payload": None}, base_version=1))
    stale = push(ct, change({**clear, "version": 2, "payload": {"given_name": "Zoe"}}, base_version=0))
    assert stale[0]["status"] == "conflict"
    body = ct.post("/v1/sync/pull", json={"cursor": 0, "limit": 2}).content
    page = P.PullResponse.model_validate_json(body)
    assert page.more and len(page.records) == 2
    assert page.model_dump_json().encode() == body
    rest = ct.post("/v1/sync/pull", json={"cursor": page.next_cursor}).content
    page2 = P.PullResponse.model_validate_json(rest)
    assert page2.model_dump_json().encode() == rest
    assert any(r.conflict is not None for r in page2.records) and any(r.record.deleted for r in page2.records)
    assert served.central.pull(served.central.authenticate(ct.headers["Authorization"][7:]),
                               P.PullRequest(cursor=0)).records[0].record.payload == clear["payload"]
