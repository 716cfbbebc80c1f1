"""The rating rules of 603 CMR 35 as pure functions (``core/ratings.py``), by example and by property."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esp_desktop.core import ratings as r

STANDARDS = ("I", "II", "III", "IV")
RATINGS = ("exemplary", "proficient", "needs_improvement", "unsatisfactory")
CATEGORIES = ("products_of_practice", "student_learning", "other_evidence")


def _sheet(kind: str, values: dict[str, str | None], overall: str | None, *, rationale: str = "Evidence shows it.",
           cats: tuple[str, ...] = ("products_of_practice", "student_learning"), goals: str = "") -> r.Sheet:
    entries = {s: r.StandardEntry(v, rationale if v else "", frozenset(cats)) for s, v in values.items()}
    return r.Sheet(kind, entries, overall, goals, "Overall, what the evidence shows." if overall else "")


@pytest.mark.parametrize(
    ("i", "ii", "overall", "ok"),
    [
        ("needs_improvement", "unsatisfactory", "proficient", False),  # the first case
        ("unsatisfactory", "unsatisfactory", "exemplary", False),  # all Unsatisfactory, Exemplary overall
        ("proficient", "needs_improvement", "proficient", False),
        ("exemplary", "proficient", "exemplary", True),
        ("proficient", "proficient", "proficient", True),
        ("needs_improvement", "unsatisfactory", "needs_improvement", True),  # the floor only limits the top
        (None, "proficient", "proficient", False),  # an unrated Standard I is not "at least Proficient"
    ],
)
def test_proficient_floor(i: str | None, ii: str | None, overall: str, ok: bool) -> None:
    problems = r.proficient_floor({"I": i, "II": ii, "III": "unsatisfactory", "IV": "unsatisfactory"}, overall)
    assert (not problems) == ok
    if problems:
        assert problems[0].rule == "35.08(4)" and not problems[0].overridable
        assert "603 CMR 35.08(4)" in problems[0].message and "Standard I" in problems[0].message


def test_summative_needs_ratings_rationale_and_two_evidence_categories() -> None:
    full = dict.fromkeys(STANDARDS, "proficient")
    assert r.sheet_problems(_sheet("summative", full, "proficient"), standards=STANDARDS) == []
    rules = {p.rule for p in r.sheet_problems(_sheet("summative", {"I": "proficient"}, None), standards=STANDARDS)}
    assert {r.RULE_UNRATED, r.RULE_OVERALL} <= rules
    no_rationale = _sheet("summative", full, "proficient", rationale="  ")
    assert [p.rule for p in r.sheet_problems(no_rationale, standards=STANDARDS)] == [r.RULE_RATIONALE]
    one_category = _sheet("summative", full, "proficient", cats=("products_of_practice",))
    [p] = r.sheet_problems(one_category, standards=STANDARDS)
    assert p.rule == r.RULE_EVIDENCE and "products of practice" in p.message and "35.08(3)" in p.message
    nothing = _sheet("summative", full, "proficient", cats=())
    assert "cites no evidence" in r.sheet_problems(nothing, standards=STANDARDS)[0].message


def test_formative_ratings_are_optional() -> None:
    goals_only = r.Sheet("formative", {}, None, "Goal 1: 40% of students explain their reasoning (from 20%).")
    assert r.sheet_problems(goals_only, standards=STANDARDS) == []
    empty = r.Sheet("formative", {}, None, "")
    assert [p.rule for p in r.sheet_problems(empty, standards=STANDARDS)] == [r.RULE_FORMATIVE_CONTENT]
    partial = _sheet("formative", {"I": "proficient", "II": "needs_improvement"}, None, cats=())
    assert r.sheet_problems(partial, standards=STANDARDS) == []  # some standards rated, no overall: fine
    overall_without_all = _sheet("formative", {"I": "proficient", "II": "proficient"}, "proficient")
    assert [p.rule for p in r.sheet_problems(overall_without_all, standards=STANDARDS)] == [
        r.RULE_OVERALL_NEEDS_STANDARDS]


def test_summative_timing_is_an_overridable_rule() -> None:
    work = r.CycleWork(today=date(2026, 11, 25), unannounced_missing=2, formative_due=True, formative_final=False)
    full = dict.fromkeys(STANDARDS, "proficient")
    [p] = r.sheet_problems(_sheet("summative", full, "proficient"), standards=STANDARDS, work=work)
    assert p.overridable and p.rule == r.RULE_SUMMATIVE_TIMING
    assert "2 unannounced observation(s) and its formative assessment" in p.message
    done = r.CycleWork(today=date(2026, 11, 25), formative_due=True, formative_final=True)
    assert r.sheet_problems(_sheet("summative", full, "proficient"), standards=STANDARDS, work=done) == []


def test_panel_follows_the_same_floor() -> None:
    assert r.panel_problems("modify_rating", {"I": "needs_improvement", "II": "proficient"}, "proficient")
    assert r.panel_problems("modify_rating", {}, None)  # "modify" with nothing to modify to
    assert not r.panel_problems("accept_recommendation", {}, None)
    assert not r.panel_problems("modify_rating", {"I": "proficient", "II": "exemplary"}, "exemplary")


rating = st.one_of(st.none(), st.sampled_from(RATINGS))


@st.composite
def sheets(draw: st.DrawFn) -> r.Sheet:
    kind = draw(st.sampled_from(("formative", "summative")))
    entries = {
        s: r.StandardEntry(draw(rating), draw(st.sampled_from(("", "Because the evidence shows it."))),
                           frozenset(draw(st.sets(st.sampled_from(CATEGORIES), max_size=3))))
        for s in STANDARDS
    }
    return r.Sheet(kind, entries, draw(rating), draw(st.sampled_from(("", "Goal progress noted."))))


@given(sheets())
def test_every_sheet_that_may_be_finalized_keeps_35_08_4(sheet: r.Sheet) -> None:
    problems = r.sheet_problems(sheet, standards=STANDARDS)
    if not r.hard(problems):
        values = {s: e.rating for s, e in sheet.ratings.items()}
        assert r.holds_proficient_floor(values, sheet.overall)
        if sheet.kind == "summative":
            assert all(values.values()) and sheet.overall
            assert all(e.rationale.strip() for e in sheet.ratings.values())
            assert len({c for e in sheet.ratings.values() for c in e.evidence_categories}) >= 2


@given(st.dictionaries(st.sampled_from(STANDARDS), st.sampled_from(RATINGS)), rating,
       st.sampled_from(("accept_recommendation", "modify_rating", "continue_support")))
def test_every_panel_decision_that_passes_keeps_35_08_4(final: dict[str, str], overall: str | None,
                                                        decision: str) -> None:
    if not r.panel_problems(decision, final, overall):
        assert r.holds_proficient_floor(final, overall)
