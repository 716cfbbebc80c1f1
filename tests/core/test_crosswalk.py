"""Boston's 2012-structure rubric beside DESE's 2018 one, and the crosswalk between their codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from esp_desktop.core.crosswalk import load_crosswalks, translate
from esp_desktop.core.rubric import load_rubric, rubric_for, shipped_rubrics

ROOT = Path(__file__).resolve().parents[2]
BPS, DESE = "bps-ma-teacher-2012", "ma-dese-classroom-teacher"


def test_both_rubrics_ship_and_validate() -> None:
    schema = json.loads((ROOT / "resources/rubric/rubric.schema.json").read_text(encoding="utf-8"))
    for name in ("bps-teacher-2012.json", "ma-teacher-2018.json"):
        jsonschema.validate(json.loads((ROOT / "resources/rubric" / name).read_text(encoding="utf-8")), schema)
    rubrics = shipped_rubrics()
    assert set(rubrics) == {BPS, DESE}
    bps = rubrics[BPS]
    assert len(bps.indicators) == 16 and sum(len(i.elements) for i in bps.indicators) == 33
    assert bps.indicator("II-C").name == "Cultural Proficiency" and bps.indicator("II-D").name == "Expectations"
    assert rubrics[DESE].indicator("II-C").name == "Student Learning"
    assert dict(bps.indicator("I-A").elements)["I-A-4"] == "Well-Structured Lessons"
    assert "not" in bps.source["notes"]  # what could not be verified is said in the data


def test_crosswalk_validates_and_names_only_real_codes() -> None:
    schema = json.loads((ROOT / "resources/rubric/crosswalk.schema.json").read_text(encoding="utf-8"))
    data = json.loads((ROOT / "resources/rubric/crosswalk-bps2012-dese2018.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    rubrics = shipped_rubrics()
    codes = {rid: {i.code for i in r.indicators} | {e for i in r.indicators for e, _ in i.elements}
             for rid, r in rubrics.items()}
    for m in data["map"]:
        assert m["from"] in codes[BPS]
        # a target is a 2018 indicator, or an element the 2018 file lists, or an implied number (verified: false)
        for t in m["to"]:
            assert t in codes[DESE] or (not m["verified"] and t.rsplit("-", 1)[0] in codes[DESE])
    assert {m["from"] for m in data["map"]} == codes[BPS]  # every 2012 code has a line
    assert len(load_crosswalks()) == 1


def test_translate_both_ways() -> None:
    assert translate("II-C", BPS, DESE) == ("II-D",)  # Cultural Proficiency moved
    assert translate("II-D", BPS, DESE) == ("II-E",)
    assert translate("II-D", DESE, BPS) == ("II-C",)
    assert translate("II-C", DESE, BPS) == ()  # Student Learning has no 2012 equivalent
    assert translate("I-A-3", DESE, BPS) == ("I-A-3", "I-A-4")  # the merged pair
    assert translate("II-E-1", DESE, BPS) == ("II-D-1", "II-D-2")
    assert translate("I-C", DESE, BPS) == ("I-C",)  # indicators map to indicators, not to their elements
    assert translate("IV-B", DESE, DESE) == ("IV-B",)
    assert translate("I-A", DESE, "some-other-rubric") == ()


def test_rubric_for_falls_back_to_the_app_rubric() -> None:
    app = load_rubric()
    assert rubric_for(None, app) is app and rubric_for("unknown", app) is app
    assert rubric_for(BPS, app).id == BPS
