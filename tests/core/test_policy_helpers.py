"""The small public helpers of core/policy.py: entry lookup, readable(), who_may_read(), Omissions truthiness."""

from __future__ import annotations

import pytest

from esp_desktop.core import policy
from esp_desktop.core.policy import Omissions, Reason, Subject, reader

E1 = "e1" * 18


def test_a_record_type_without_an_entry_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'no_such_type' has no confidentiality policy entry"):
        policy.entry("no_such_type")


def test_readable_is_decide_without_a_reason() -> None:
    shared = Subject("observation", "educator", E1, ("PAR",), frozenset({"s1"}))
    private = Subject("observation", "ct_private", E1, ("PAR",), frozenset({"s1"}))
    assert policy.readable(reader("panel"), shared)
    assert not policy.readable(reader("panel"), private)
    assert policy.decide(reader("panel"), private) is Reason.PRIVATE


@pytest.mark.parametrize("audience, names", [
    ("ct_private", "the CT"),
    ("panel", "the CT and the ESP Panel"),
    ("admin", "the CT, the ESP Panel, the educator and the school administrator"),
])
def test_who_may_read_names_the_readers_in_plain_words(audience: str, names: str) -> None:
    assert policy.who_may_read(audience) == names


def test_omissions_are_truthy_once_something_was_left_out() -> None:
    left_out = Omissions(reader("panel"))
    assert not left_out
    left_out.add("observation", Reason.PRIVATE)
    assert left_out and left_out.total() == 1


def test_label_allows_reads_the_audience_label_alone() -> None:
    assert policy.label_allows("educator", "educator") and policy.label_allows("admin", "admin")
    assert not policy.label_allows("panel", "educator") and not policy.label_allows("ct_private", "panel")
