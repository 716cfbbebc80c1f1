"""The Essentials data (resources/essentials/) and its crosswalk to every shipped rubric."""

from __future__ import annotations

import json

import pytest

from esp_desktop.core.essentials import load_essentials, parse_essentials
from esp_desktop.core.rubric import load_rubric
from esp_desktop.resources import resource_path


def test_five_areas_including_clsp() -> None:
    ess = load_essentials()
    assert ess.codes() == ["EQ-1", "EQ-2", "EQ-3", "EQ-4", "EQ-5"]
    clsp = ess.get("EQ-5")
    assert clsp is not None and "Culturally" in clsp.name and "Linguistically" in clsp.name
    assert all(e.source in ess.sources and ess.sources[e.source]["url"].startswith("https://") for e in ess.essentials)


def test_essentials_are_the_rubric_equity_tags() -> None:
    """The app tags with the rubric's equity tag set: both must name the same codes (a rubric file without
    EQ-5 would make CLSP untaggable)."""
    ess = load_essentials()
    for p in sorted(resource_path("rubric").glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        if "tag_sets" not in data:
            continue  # schemas, crosswalks
        (tags,) = [t for t in data["tag_sets"] if t["id"] == ess.tag_set]
        assert [t["code"] for t in tags["tags"]] == ess.codes(), p.name


def test_crosswalk_names_real_indicators_of_its_rubric() -> None:
    ess = load_essentials()
    rubric = load_rubric()
    lines = ess.crosswalk(rubric.id)
    assert lines, "the default rubric has a crosswalk"
    assert {lk.essential for lk in lines} == set(ess.codes()), "every Essential draws on some indicator"
    assert all(rubric.is_indicator(lk.indicator) for lk in lines)
    assert all(lk.why.strip() for lk in lines)
    # not read from the BPS page (its table could not be read): the data must say so, line by line
    assert not any(lk.verified for lk in lines)
    assert ess.indicators_of("EQ-5", rubric.id)["II-D"] == "primary"  # II-D is Cultural Proficiency in 2018
    assert ess.essentials_of("II-B", rubric.id) == {"EQ-1": "primary"}


def test_2012_crosswalk_follows_the_2012_codes() -> None:
    """In Boston's 2012 structure Cultural Proficiency is II-C and Expectations II-D."""
    ess = load_essentials()
    assert ess.indicators_of("EQ-5", "bps-ma-teacher-2012")["II-C"] == "primary"
    assert "II-E" not in {lk.indicator for lk in ess.crosswalk("bps-ma-teacher-2012")}
    assert ess.crosswalk("some-other-rubric") == ()


def test_bad_files_are_refused() -> None:
    good = json.loads(resource_path("essentials", "bps-essentials.json").read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(good))
    bad["crosswalk"]["rubrics"]["x"] = [{"essential": "EQ-9", "indicator": "I-A", "strength": "primary",
                                         "verified": False, "why": "?"}]
    with pytest.raises(ValueError, match="unknown Essential"):
        parse_essentials(bad)
    bad = json.loads(json.dumps(good))
    bad["essentials"][0]["source"] = "nowhere"
    with pytest.raises(ValueError, match="unknown source"):
        parse_essentials(bad)


def test_file_follows_its_schema() -> None:
    import jsonschema

    schema = json.loads(resource_path("essentials", "essentials.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(resource_path("essentials", "bps-essentials.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
