"""Needs profile scoring (core/needs.py): weights by kind, recency, caps, the Essentials crosswalk, top needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from esp_desktop.core import needs as N

TODAY = date(2026, 11, 25)
INDICATORS = ["I-A", "I-B", "II-A", "II-B", "II-D"]
ESSENTIALS = ["EQ-1", "EQ-4", "EQ-5"]
CROSSWALK = {"II-B": {"EQ-1": "primary"}, "II-D": {"EQ-1": "related", "EQ-5": "primary"}, "I-B": {"EQ-4": "primary"}}


def profile(*signals: N.Signal | None) -> N.Profile:
    return N.build_profile([s for s in signals if s is not None], today=TODAY, indicators=INDICATORS,
                           essentials=ESSENTIALS, crosswalk=CROSSWALK)


def line(code: str, *, obs: str = "o1", days: int = 0, n: int = 1) -> N.Signal:
    return N.script_line(codes=[code], on=TODAY - timedelta(days=days), note_id=f"n{n}", observation_id=obs, text="x")


def test_empty_store_gives_an_empty_profile() -> None:
    p = profile()
    assert p.empty and p.top() == []
    assert list(p.cells) == INDICATORS + ESSENTIALS, "every cell is there, in rubric order"


def test_recency_halves_every_half_life() -> None:
    assert N.recency(TODAY, TODAY) == 1.0
    assert N.recency(TODAY - timedelta(days=N.HALF_LIFE_DAYS), TODAY) == pytest.approx(0.5)
    assert N.recency(TODAY - timedelta(days=2 * N.HALF_LIFE_DAYS), TODAY) == pytest.approx(0.25)
    assert N.recency(TODAY + timedelta(days=3), TODAY) == 1.0
    old = TODAY - timedelta(days=400)
    assert N.recency(old, TODAY) < 0.02 and N.recency(old, TODAY, still_open=True) == N.OPEN_FLOOR


def test_the_same_evidence_weighs_less_when_older() -> None:
    new = profile(N.evidence(codes=["II-A"], on=TODAY, evidence_id="e1", title="t"))
    old = profile(N.evidence(codes=["II-A"], on=TODAY - timedelta(days=120), evidence_id="e1", title="t"))
    assert new.cell("II-A").score == pytest.approx(1.0)
    assert old.cell("II-A").score == pytest.approx(0.25)


def test_prescriptions_and_goals_outweigh_tags() -> None:
    p = profile(
        *(line("I-A", n=i) for i in range(2)),
        N.prescription(codes=["II-B"], status="open", on=TODAY - timedelta(days=200), prescription_id="p",
                       concern="Transitions lose 10 minutes"),
        N.goal(codes=["I-B"], kind="professional_practice", status="active", percent=50, on=TODAY, goal_id="g",
               title="Exit tickets daily"),
    )
    top = [c.code for c in p.top()]
    assert top[0] == "II-B", "an open prescription stays strong however old (OPEN_FLOOR)"
    assert p.cell("II-B").score == pytest.approx(3.0 * N.OPEN_FLOOR)
    assert p.cell("I-B").score == pytest.approx(2.0 * 0.5)
    assert p.cell("I-A").score == pytest.approx(1.0), "two lines of one observation"
    assert N.prescription(codes=["II-B"], status="closed", on=TODAY, prescription_id="p", concern="") is None
    assert N.goal(codes=["I-B"], kind="student_learning", status="met", percent=None, on=TODAY, goal_id="g",
                  title="") is None
    assert N.goal(codes=["I-B"], kind="professional_practice", status="active", percent=100, on=TODAY, goal_id="g",
                  title="") is None, "a goal fully reached signals nothing"


def test_script_lines_are_capped_per_observation() -> None:
    many = profile(*(line("II-A", n=i) for i in range(10)))
    assert many.cell("II-A").score == pytest.approx(N.LINE_CAP)
    two_obs = profile(*(line("II-A", n=i) for i in range(10)), *(line("II-A", obs="o2", n=20 + i) for i in range(10)))
    assert two_obs.cell("II-A").score == pytest.approx(2 * N.LINE_CAP), "the cap is per observation"


def test_a_low_rating_spreads_over_its_standard() -> None:
    sig = N.rating(standard="II", rating_code="needs_improvement", indicators=["II-A", "II-B", "II-D"], on=TODAY,
                   document_id="d", document="Formative assessment")
    p = profile(sig)
    assert [p.cell(c).score for c in ("II-A", "II-B", "II-D")] == [pytest.approx(0.6)] * 3
    assert N.rating(standard="II", rating_code="proficient", indicators=["II-A"], on=TODAY, document_id="d",
                    document="F") is None
    cited = N.rated_evidence(codes=["II-B"], on=TODAY, evidence_id="e", title="Transition log",
                             rating_code="unsatisfactory")
    assert cited is not None and cited.weight == 1.0 and "unsatisfactory" in cited.summary


def test_essentials_count_direct_tags_and_the_crosswalk() -> None:
    p = profile(
        N.evidence(codes=["II-B"], on=TODAY, evidence_id="e1", title="Room map"),  # EQ-1 primary: 0.5
        N.evidence(codes=["II-D", "II-B"], on=TODAY, evidence_id="e2", title="Norms"),  # EQ-1 once (primary), EQ-5 0.5
        N.evidence(codes=["EQ-5"], on=TODAY, evidence_id="e3", title="Home languages survey"),  # direct: 1.0
    )
    assert p.cell("EQ-1").score == pytest.approx(0.5 + 0.5), "a signal counts once per Essential, at its best link"
    assert p.cell("EQ-5").score == pytest.approx(0.5 + 1.0)
    vias = {c.via for c in p.cell("EQ-1").contributions}
    assert vias == {"II-B (primary)"}
    assert p.cell("EQ-4").score == 0


def test_unknown_codes_are_left_out() -> None:
    p = profile(N.evidence(codes=["V-Z", "EQ-9"], on=TODAY, evidence_id="e", title="t"))
    assert p.empty


def test_cells_list_their_evidence_strongest_first() -> None:
    p = profile(line("II-A", days=90), N.evidence(codes=["II-A"], on=TODAY, evidence_id="e1", title="Lesson plan"),
                N.commitment(codes=["II-A"], on=TODAY - timedelta(days=7), attendance_id="a", text="Try turn-and-talk"))
    cell = p.cell("II-A")
    kinds = [c.signal.source for c in cell.contributions]
    assert kinds == [N.Source.EVIDENCE, N.Source.COMMITMENT, N.Source.SCRIPT_LINE]
    assert cell.score == pytest.approx(sum(c.amount for c in cell.contributions))
    assert {(c.signal.record_type, c.signal.record_id) for c in cell.contributions} >= {("evidence", "e1")}


def test_levels_and_top_three() -> None:
    assert [N.level_of(x) for x in (0, 0.01, 0.5, 1.0, 3.0, 9.0)] == [0, 0, 1, 2, 3, 4]
    p = profile(*(N.evidence(codes=[c], on=TODAY, evidence_id=c, title=c) for c in ("I-A", "I-B", "II-A", "II-B")),
                N.evidence(codes=["II-B"], on=TODAY, evidence_id="x", title="x"))
    top = p.top()
    assert len(top) == 3 and top[0].code == "II-B"
    assert [c.code for c in top[1:]] == ["I-A", "I-B"], "ties in rubric order (I-B's EQ-4 link adds to EQ-4, not I-B)"
    assert top[0].level_name == N.LEVEL_NAMES[top[0].level]
