"""Every stored record type has exactly one entry in core/policy.py, and the models take their defaults from it."""

from __future__ import annotations

from esp_desktop.core import policy
from esp_desktop.store.models import RECORD_TYPES


def test_every_record_type_has_exactly_one_policy_entry() -> None:
    assert set(RECORD_TYPES) == set(policy.ENTRIES), "add (or remove) the record type's entry in core/policy.py"


def test_parent_links_name_real_columns_and_parents_have_no_parents() -> None:
    for rtype, e in policy.ENTRIES.items():
        if e.parent is None:
            continue
        assert e.parent.type in policy.ENTRIES
        holder = RECORD_TYPES[e.parent.type] if e.parent.on_parent else RECORD_TYPES[rtype]
        assert e.parent.link in holder.__table__.columns, (rtype, e.parent)
        # esp-central checks a parent with one join: a parent never has a gate of its own
        assert policy.ENTRIES[e.parent.type].parent is None, rtype
        assert rtype in policy.CHILDREN[e.parent.type]


def test_model_defaults_come_from_the_policy() -> None:
    for rtype, model in RECORD_TYPES.items():
        assert model().audience == policy.ENTRIES[rtype].default.value
        assert "__default_audience__" not in vars(model)
