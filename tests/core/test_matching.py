"""Ranking PL options (core/matching.py): priority fit incl. the crosswalk, distance (table beats coordinates),
schedule, grade band and subject, and the reasons shown."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from esp_desktop.core import matching as M

TODAY = date(2026, 11, 25)
RB = M.Rubricish(names={"II-B": "Learning Environment", "EQ-1": "Safe environments"},
                 standard_of={"II-B": "II", "II-A": "II", "I-B": "I"},
                 crosswalk={"II-B": {"EQ-1": "primary"}, "EQ-1": {"II-B": "primary"}})
HOME = M.Place("Hale", "HALE", 42.33, -71.08)
LEARNER = M.Learner(priorities=(M.Priority("II-B", 1),), places=(HOME,), grade_band="3-5", subject="ELA")


def off(id_: str, codes: tuple[str, ...], **kw) -> M.Offering:
    return M.Offering(id=id_, title=id_, kind="district_pd", codes=codes, **kw)


def test_fit_direct_beats_crosswalk_beats_same_standard_and_unrelated_is_out() -> None:
    opts = M.rank_options(LEARNER, [off("std", ("II-A",)), off("eq", ("EQ-1",)), off("direct", ("II-B",)),
                                    off("none", ("I-B",))], today=TODAY, rubric=RB)
    assert [o.offering.id for o in opts] == ["direct", "eq", "std"]
    assert "crosswalk" in opts[1].reasons[0] and "Standard II" in opts[2].reasons[0]


def test_distance_table_wins_over_coordinates_and_far_is_penalised() -> None:
    near = off("near", ("II-B",), place=M.Place("Lee", "LEE", 42.335, -71.085))
    far = off("far", ("II-B",), place=M.Place("Far", "FAR", 42.60, -71.40))
    table = M.parse_distance_rows([["from", "to", "miles"], ["hale", "LEE", "12.5"]])
    assert table.between("LEE", "HALE") == 12.5 and len(table) == 1
    plain = {o.offering.id: o for o in M.rank_options(LEARNER, [near, far], today=TODAY, rubric=RB)}
    assert plain["near"].miles is not None and plain["near"].miles < 1 and plain["near"].score > plain["far"].score
    routed = {o.offering.id: o for o in M.rank_options(LEARNER, [near], today=TODAY, rubric=RB, distances=table)}
    assert routed["near"].miles == 12.5 and any("12.5 miles" in r for r in routed["near"].reasons)
    with pytest.raises(ValueError, match="row 2"):
        M.parse_distance_rows([["a", "b", "1"], ["a", "c", "-3"]])


def test_schedule_past_sessions_drop_out_soon_beats_later_and_due_date_counts() -> None:
    past = off("past", ("II-B",), session_dates=(TODAY - timedelta(days=1),))
    soon = off("soon", ("II-B",), session_dates=(TODAY + timedelta(days=5),), start_time=time(15, 30))
    later = off("later", ("II-B",), session_dates=(TODAY + timedelta(days=60),))
    opts = M.rank_options(LEARNER, [past, soon, later], today=TODAY, rubric=RB)
    assert [o.offering.id for o in opts] == ["soon", "later"]
    assert any("After school" in r for r in opts[0].reasons)
    due = M.Learner(priorities=LEARNER.priorities, due=TODAY + timedelta(days=30))
    late = M.score_option(due, later, today=TODAY, rubric=RB)
    assert late is not None and any("after the priority's due date" in r for r in late.reasons)


def test_grade_band_and_subject() -> None:
    assert M.grades("K-5") == set(range(0, 6)) and M.grades("Grades 6–8") == {6, 7, 8} and M.grades("all") is None
    fits = M.score_option(LEARNER, off("a", ("II-B",), grade_bands=("K-5",), subjects=("ELA",)), today=TODAY, rubric=RB)
    other = M.score_option(LEARNER, off("b", ("II-B",), grade_bands=("9-12",), subjects=("Math",)), today=TODAY,
                           rubric=RB)
    assert fits is not None and other is not None and fits.score - other.score == pytest.approx(2.5)


def test_coordinates_as_a_ct_types_them() -> None:
    assert M.parse_coordinates(" 42.331, -71.081 ") == (42.331, -71.081)
    assert M.parse_coordinates("42.331 -71.081") == (42.331, -71.081) and M.parse_coordinates("") is None
    with pytest.raises(ValueError, match="latitude, longitude"):
        M.parse_coordinates("Boston")
    with pytest.raises(ValueError, match="between -90 and 90"):
        M.parse_coordinates("95.0, -71.081")
