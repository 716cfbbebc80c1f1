"""The canonical JSON text of a record (change ids, content digests) is byte for byte the standard library's,
whichever serialiser writes it: existing stores keep digests of it, and a re-sent change must keep its id."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from esp_desktop.sync.apply import canonical_and_digest, canonical_json, content_digest, same_content
from esp_desktop.sync.changes import CHANGE_NS, change_id


def reference(data: dict[str, Any], without: str | None = None) -> str:
    return json.dumps({k: v for k, v in data.items() if k != without}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)


scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text()
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=20)
records = st.dictionaries(st.text(max_size=12), values, max_size=12)


@settings(max_examples=100, deadline=None)
@given(records)
def test_same_text_as_the_standard_library(data: dict[str, Any]) -> None:
    assert canonical_json(data) == reference(data)
    assert canonical_json(data, without="version") == reference(data, without="version")
    assert canonical_and_digest(data) == (reference(data), content_digest(data))  # the push path's one pass


def test_awkward_values_fall_back_to_the_standard_library() -> None:
    import datetime as dt

    data = {"b": 1e16, "a": "\ud800", "c": [2**64, -0.0], "d": dt.date(2026, 11, 25), "e": {"z": "\x00\u2028"}}
    assert canonical_json(data) == reference(data)
    assert canonical_json({"k": {2: "x", 1: "y"}}) == reference({"k": {2: "x", 1: "y"}})
    no_surrogate = {k: v for k, v in data.items() if k != "a"} | {"version": 3}  # (which no digest can hash)
    assert canonical_and_digest(no_surrogate) == (reference(no_surrogate), content_digest(no_surrogate))


def test_digest_ignores_the_version_only() -> None:
    a = {"id": "x", "version": 1, "notes": "Co-planned ✓", "codes": ["I-A"]}
    assert same_content(a, a | {"version": 7})
    assert not same_content(a, a | {"notes": "Co-planned"})
    assert content_digest(a) == content_digest(a | {"version": 2}) != content_digest(a | {"codes": []})


def test_change_ids_are_what_they_always_were() -> None:
    """Ids of changes already sent (and kept by servers to recognise replays) must not change."""
    canonical = '{"id":"r1","text":"caf\u00e9 ok"}'
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    for resolves in (None, [], ["c2", "c1"]):
        settles = ",".join(sorted(resolves or ()))
        old = str(uuid.uuid5(CHANGE_NS, f"dev:r1:3:4:{digest}:{settles}"))
        assert change_id("dev", "r1", 3, 4, canonical, resolves) == old
