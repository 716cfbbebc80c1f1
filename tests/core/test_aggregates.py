"""De-identified needs at school and district level (core/aggregates.py): suppression below 5 educators, no PA
(or informal) educator ever contributes, complementary suppression, and only counts are accepted."""

from __future__ import annotations

import pytest

from esp_desktop.core import aggregates as A

PAR, PA = ("PAR",), ("PA",)


def rows(n: int, school: str = "HALE", programs: tuple[str, ...] = PAR, codes=("II-B",)) -> list:
    return [A.EducatorPriorities(programs, (school,), tuple(codes)) for _ in range(n)]


def test_no_pa_educator_ever_contributes() -> None:
    sub = A.submission([*rows(5), *rows(7, programs=PA), *rows(2, programs=("PA", "PAR")),
                        *rows(3, programs=("informal",)), *rows(1, programs=())], school_year="2026-27")
    assert sub.district.educators == 5 and sub.schools[0].counts == {"II-B": 5}
    assert A.submission(rows(9, programs=PA), school_year="").schools == ()


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_school_below_five_educators_is_suppressed(n: int) -> None:
    district, schools = A.aggregate([A.submission(rows(n), school_year="y")])
    assert schools[0].suppressed and schools[0].educators is None and schools[0].counts == {}
    assert district.suppressed, "the district as a whole is below 5 too"


def test_counts_add_up_across_cts_and_small_cells_are_suppressed() -> None:
    ct1 = A.submission([*rows(3), *rows(1, codes=("II-B", "EQ-5"))], school_year="y")
    ct2 = A.submission(rows(2), school_year="y")
    district, schools = A.aggregate([ct1, ct2])
    assert not schools[0].suppressed and schools[0].educators == 6
    assert schools[0].counts == {"II-B": 6, "EQ-5": None}, "a count of 1 is shown as fewer than 5"
    assert district.educators == 6


def test_complementary_suppression_protects_the_single_small_school() -> None:
    sub = A.submission([*rows(8, "A"), *rows(6, "B"), *rows(2, "C")], school_year="y")
    district, schools = A.aggregate([sub])
    by = {r.school: r for r in schools}
    assert by["C"].suppressed and by["B"].suppressed and not by["A"].suppressed
    assert district.educators == 16


def test_only_counts_are_accepted() -> None:
    sub = A.submission(rows(5), school_year="y")
    data = sub.as_json()
    assert A.parse_submission(data) == sub
    with pytest.raises(ValueError):
        A.parse_submission({**data, "names": ["Ana"]})
    with pytest.raises(ValueError):
        A.parse_submission({**data, "schools": [{"school": "HALE", "educators": 2, "counts": {"II-B": 3}}]})
    with pytest.raises(ValueError):
        A.parse_submission({**data, "district": {"school": "", "educators": 1, "counts": {}, "who": "Ana"}})
