"""The ESP Panel's pure rules: decisions per program, quorum, majority rules, progress-report due dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from esp_desktop.core import panel_rules as pr
from esp_desktop.core.enums import LABELS, MajorityRule, PanelDecision


def test_every_decision_has_one_label_and_coaching_cases_never_get_rating_decisions() -> None:
    assert all(d.value in LABELS for d in PanelDecision)
    assert pr.decision_options("PAR")[:2] == (PanelDecision.ACCEPT_RECOMMENDATION, PanelDecision.MODIFY_RATING)
    for program in ("PA", "informal", None):
        assert not set(pr.decision_options(program)) & pr.RATING_DECISIONS
        assert PanelDecision.DEFER in pr.decision_options(program)


def test_decision_problems() -> None:
    std = ("I", "II", "III", "IV")
    ok = dict.fromkeys(std, "proficient")
    assert pr.decision_problems(decision="modify_rating", program="PAR", final_ratings=ok, final_overall="proficient",
                                standards=std, has_recommendation=False) == []
    assert "missing: IV" in pr.decision_problems(decision="modify_rating", program="PAR",
                                                 final_ratings={**ok, "IV": None}, final_overall="proficient",
                                                 standards=std, has_recommendation=True)[0]
    assert "no finalized summative" in pr.decision_problems(decision="accept_recommendation", program="PAR",
                                                            final_ratings={}, final_overall=None, standards=std,
                                                            has_recommendation=False)[0]
    assert "only for PAR" in pr.decision_problems(decision="accept_recommendation", program="PA", final_ratings={},
                                                  final_overall=None, standards=std, has_recommendation=True)[0]
    assert "sets no final ratings" in pr.decision_problems(decision="defer", program="PAR", final_ratings=ok,
                                                           final_overall=None, standards=std,
                                                           has_recommendation=True)[0]
    assert "Unknown" in pr.decision_problems(decision="pending", program="PAR", final_ratings={}, final_overall=None,
                                             standards=std, has_recommendation=True)[0]


@pytest.mark.parametrize(("tally", "present", "rule", "carried"), [
    (pr.Tally(3, 2, 0), 5, MajorityRule.VOTES_CAST, True),
    (pr.Tally(2, 2, 1), 5, MajorityRule.VOTES_CAST, False),  # a tie never carries
    (pr.Tally(2, 1, 2), 5, MajorityRule.VOTES_CAST, True),  # abstentions are not votes cast
    (pr.Tally(2, 1, 2), 5, MajorityRule.MEMBERS_PRESENT, False),
    (pr.Tally(3, 0, 2), 5, MajorityRule.MEMBERS_PRESENT, True),
    (pr.Tally(2, 1, 0), 3, MajorityRule.TWO_THIRDS_CAST, True),
    (pr.Tally(3, 2, 0), 5, MajorityRule.TWO_THIRDS_CAST, False),
    (pr.Tally(0, 0, 4), 4, MajorityRule.TWO_THIRDS_CAST, False),
])
def test_majority_rules(tally: pr.Tally, present: int, rule: MajorityRule, carried: bool) -> None:
    out = pr.outcome(tally, present=present, rule=rule)
    assert out.carried is carried
    assert out.reason.startswith("carried" if carried else "did not carry") and tally.line() in out.reason


def test_quorum_and_tally_problems() -> None:
    assert pr.default_quorum(0) == 1 and pr.default_quorum(6) == 4 and pr.default_quorum(7) == 4
    assert pr.tally_problems(pr.Tally(3, 0, 0), present=3, quorum=3) == []
    assert "no quorum" in pr.tally_problems(pr.Tally(2, 0, 0), present=2, quorum=3)[0]
    assert "only 2 member" in pr.tally_problems(pr.Tally(2, 1, 0), present=2, quorum=2)[0]


def _weekdays(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_progress_due_dates_and_matching_reports() -> None:
    start, end = date(2026, 9, 8), date(2027, 6, 10)
    dues = pr.progress_due_dates(start, end, every=30, add_school_days=_weekdays)
    assert dues[0] == date(2026, 10, 20) and all(d <= end for d in dues) and dues == sorted(dues)
    assert len(dues) == len(set(dues)) and _weekdays(dues[-1], 30) > end
    # on time, late, early for the next period, missing
    sent = [date(2026, 10, 19), date(2026, 12, 3), date(2026, 12, 4)]
    got = pr.progress_schedule(dues[:4], sent, start=start)
    assert got[0] == (dues[0], date(2026, 10, 19))
    assert got[1] == (dues[1], date(2026, 12, 3))  # late for the second due date (2026-12-01)
    assert got[2] == (dues[2], date(2026, 12, 4))  # early for the third
    assert got[3] == (dues[3], None)
    # two reports in one period cover one due date, not two
    assert pr.progress_schedule(dues[:2], [date(2026, 10, 1), date(2026, 10, 2)], start=start)[1][1] is None
    with pytest.raises(ValueError):
        pr.progress_due_dates(start, end, every=0, add_school_days=_weekdays)
