"""Shipped data resources: the rubric file (schema and its own rules), the icon set, the app icon."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
RUBRIC_DIR = ROOT / "resources" / "rubric"
RUBRIC = RUBRIC_DIR / "ma-teacher-2018.json"
SCHEMA = RUBRIC_DIR / "rubric.schema.json"
ICONS = ROOT / "resources" / "icons"
APP_ICON = ICONS / "app"
APP_PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def rubric() -> dict[str, Any]:
    return json.loads(RUBRIC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _indicators(rubric: dict[str, Any]) -> list[dict[str, Any]]:
    return [ind for std in rubric["standards"] for ind in std["indicators"]]


# --- rubric -------------------------------------------------------------------------------------------


def test_rubric_validates_against_schema(rubric, validator) -> None:
    errors = sorted(validator.iter_errors(rubric), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda r: r["standards"][0]["indicators"][0]["elements"].append({"code": "I-A", "name": "x"}),
         "element code without number"),
        (lambda r: r["ratings"][0].update(rank="4"), "rank must be an integer"),
        (lambda r: r["tag_sets"][0]["tags"][0].update(code="eq1"), "tag code pattern"),
        (lambda r: r.update(extra=True), "unknown top-level key"),
        (lambda r: r["source"].pop("url"), "source needs a url"),
    ],
)
def test_schema_rejects_malformed_rubrics(rubric, validator, mutate, why) -> None:
    broken = copy.deepcopy(rubric)
    mutate(broken)
    assert not validator.is_valid(broken), why


def test_standards_are_the_four_ma_standards(rubric) -> None:
    assert [(s["code"], s["name"]) for s in rubric["standards"]] == [
        ("I", "Curriculum, Planning, and Assessment"),
        ("II", "Teaching All Students"),
        ("III", "Family and Community Engagement"),
        ("IV", "Professional Culture"),
    ]
    # The August 2018 DESE rubric: "There are 17 Indicators in total for teachers" (3 + 5 + 3 + 6).
    assert [len(s["indicators"]) for s in rubric["standards"]] == [3, 5, 3, 6]


def test_codes_unique_and_nested_under_their_parent(rubric) -> None:
    seen: list[str] = []
    for std in rubric["standards"]:
        seen.append(std["code"])
        for ind in std["indicators"]:
            # An indicator belongs to exactly the standard whose code prefixes its own.
            assert re.fullmatch(rf"{std['code']}-[A-Z]", ind["code"]), ind["code"]
            seen.append(ind["code"])
            numbers = []
            for el in ind["elements"]:
                assert re.fullmatch(rf"{re.escape(ind['code'])}-\d+", el["code"]), el["code"]
                numbers.append(int(el["code"].rsplit("-", 1)[1]))
                seen.append(el["code"])
            assert numbers == sorted(numbers), f"elements of {ind['code']} out of order"
        letters = [ind["code"].rsplit("-", 1)[1] for ind in std["indicators"]]
        assert letters == [chr(ord("A") + i) for i in range(len(letters))], f"gap in {std['code']}"
    assert len(seen) == len(set(seen)), "duplicate rubric codes"
    names = [ind["name"] for ind in _indicators(rubric)]
    assert all(n.strip() == n and n for n in names)
    assert all(ind["description"].strip() for ind in _indicators(rubric))


def test_ratings_plans_categories(rubric) -> None:
    ratings = rubric["ratings"]
    assert len(ratings) == 4
    assert sorted(r["rank"] for r in ratings) == [1, 2, 3, 4]
    by_rank = {r["rank"]: r["code"] for r in ratings}
    assert by_rank[4] == "exemplary" and by_rank[1] == "unsatisfactory"
    assert len({r["code"] for r in ratings}) == 4

    assert {p["code"] for p in rubric["plan_types"]} == {
        "self_directed_growth", "directed_growth", "improvement", "developing_educator"}
    assert len(rubric["plan_types"]) == 4
    assert {c["code"] for c in rubric["evidence_categories"]} == {
        "products_of_practice", "student_learning", "other_evidence"}


def test_equity_tag_set(rubric) -> None:
    (equity,) = [t for t in rubric["tag_sets"] if t["id"] == "bps-equity-essentials"]
    # the four Essentials + Culturally and Linguistically Sustaining Practices (resources/essentials/)
    assert [t["code"] for t in equity["tags"]] == ["EQ-1", "EQ-2", "EQ-3", "EQ-4", "EQ-5"]
    assert len({t["name"] for t in equity["tags"]}) == 5
    all_tag_codes = [t["code"] for ts in rubric["tag_sets"] for t in ts["tags"]]
    rubric_codes = {i["code"] for i in _indicators(rubric)}
    assert len(all_tag_codes) == len(set(all_tag_codes)) and not rubric_codes & set(all_tag_codes)


def test_source_is_recorded(rubric) -> None:
    assert rubric["version"] == "August 2018"
    assert rubric["source"]["url"].startswith("https://")
    assert "verified" in rubric["source"]["notes"].lower()


# --- icons --------------------------------------------------------------------------------------------


def test_icon_set_present_with_licence() -> None:
    svgs = sorted(ICONS.glob("*.svg"))
    assert len(svgs) >= 40
    licence = (ICONS / "LICENSE").read_text(encoding="utf-8")
    assert "ISC License" in licence
    for svg in svgs:
        root = ET.parse(svg).getroot()
        assert root.tag == f"{SVG_NS}svg", svg.name
        # One consistent set: every icon on the same 24-unit grid.
        assert root.get("viewBox") == "0 0 24 24", svg.name


def test_icon_readme_lists_exactly_the_shipped_icons() -> None:
    readme = (ICONS / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("|"))
    listed = set(re.findall(r"`([a-z0-9-]+)`", table))
    shipped = {p.stem for p in ICONS.glob("*.svg")}
    assert listed == shipped
    assert "lucide-static" in readme and "1.62.0" in readme


def test_app_icon_files() -> None:
    root = ET.parse(APP_ICON / "esp-desktop.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    for size in APP_PNG_SIZES:
        with Image.open(APP_ICON / f"esp-desktop-{size}.png") as png:
            assert png.size == (size, size)
            assert png.mode == "RGBA"
            # Corners of the rounded square are transparent; the centre is opaque.
            assert png.getpixel((0, 0))[3] == 0
            assert png.getpixel((size // 2, size // 2))[3] == 255
    with Image.open(APP_ICON / "esp-desktop.ico") as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(APP_ICON / "esp-desktop.icns") as icns:
        assert icns.format == "ICNS"
        assert max(icns.info["sizes"])[:2] == (512, 512)
