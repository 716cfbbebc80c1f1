"""Which observations count toward a PAR cycle, when feedback is due, what a valid cycle is (pure rules)."""

from __future__ import annotations

from datetime import date

from esp_desktop.core import compliance_rules as cr
from esp_desktop.core.school_calendar import Calendars

CAL = Calendars()
TODAY = date(2026, 11, 25)


def _obs(i: int, day: date, kind: str = "unannounced", **kw: object) -> cr.ObservationFacts:
    base: dict = {"finished": True, "by_ct": True, "shared": True, "feedback_given_on": day}
    base.update(kw)
    return cr.ObservationFacts(str(i), kind, day, **base)


def test_what_does_not_count_and_why() -> None:
    got = cr.standings([
        _obs(1, date(2026, 10, 5), "announced"),
        _obs(2, date(2026, 10, 6), finished=False),
        _obs(3, date(2026, 12, 1)),
        _obs(4, date(2026, 10, 7), by_ct=False),
        _obs(5, date(2026, 10, 8), shared=False),
        _obs(6, date(2026, 10, 9), feedback_given_on=None),
    ], today=TODAY, cal=CAL)
    assert [(s.facts.id, s.counts, s.reason) for s in got] == [
        ("1", True, ""),
        ("2", False, "not finished yet"),
        ("4", False, "conducted by the secondary evaluator (listed separately)"),
        ("5", False, "CT-private: not shared with the educator"),
        ("6", False, "feedback not given yet"),
        ("3", False, "dated in the future"),
    ]
    assert got[3].feedback_due_on is None  # a CT-private visit owes no feedback
    assert got[4].feedback_due_on == date(2026, 10, 19)  # 5 school days after Friday Oct 9: Indigenous Peoples' Day skipped


def test_unannounced_visits_on_consecutive_days_count_once() -> None:
    days = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 16)]
    got = cr.standings([_obs(i, d) for i, d in enumerate(days)], today=TODAY, cal=CAL)
    assert [s.counts for s in got] == [True, False, False, False, True]
    assert "only 1 school day(s) after the unannounced observation of 2026-11-02" in got[1].reason
    assert "(at least 5 apart)" in got[1].reason
    loose = cr.standings([_obs(i, d) for i, d in enumerate(days)], today=TODAY, cal=CAL,
                         settings=cr.ComplianceSettings(spacing_school_days=1))
    assert all(s.counts for s in loose)


def test_feedback_state() -> None:
    due = date(2026, 11, 20)
    assert cr.feedback_state(due, None, TODAY) == "late"
    assert cr.feedback_state(due, date(2026, 11, 19), TODAY) == "done"
    assert cr.feedback_state(due, date(2026, 11, 24), TODAY) == "given_late"
    assert cr.feedback_state(date(2026, 11, 27), None, TODAY) == "due_soon"
    assert cr.feedback_state(date(2026, 12, 27), None, TODAY) == "upcoming"


def _cycle(**kw: object) -> list[str]:
    base: dict = {"start_on": date(2026, 9, 14), "end_on": date(2027, 5, 28), "plan_type": "improvement",
                  "plan_types": ["improvement", "directed_growth"], "required_announced": 1, "required_unannounced": 4,
                  "exception_reason": None, "formative_due_on": None, "summative_due_on": None, "other_cycles": [],
                  "cal": CAL}
    base.update(kw)
    return cr.cycle_problems(**base)


def test_cycle_problems() -> None:
    assert _cycle() == []
    assert _cycle(end_on=date(2026, 9, 1)) == ["The cycle must end after it starts."]
    assert "Unknown plan type 'banana'" in _cycle(plan_type="banana")[0]
    assert "overlap" in _cycle(other_cycles=[(date(2026, 6, 1), date(2026, 9, 30))])[0]
    assert _cycle(other_cycles=[(date(2026, 1, 5), date(2026, 6, 12))]) == []
    assert "written justification" in _cycle(required_unannounced=2)[0]
    assert _cycle(required_unannounced=2, exception_reason="Enrolled in February after a leave.") == []
    assert "cannot be negative" in _cycle(required_announced=-1, exception_reason="x")[0]
    assert "within the cycle" in _cycle(summative_due_on=date(2027, 7, 1))[0]
    assert "not a school day (Thanksgiving recess)" in _cycle(formative_due_on=date(2026, 11, 26))[0]


def test_settings_validation() -> None:
    assert cr.ComplianceSettings().problems() == []
    assert len(cr.ComplianceSettings(-1, 0, "7pm").problems()) == 3
    assert cr.valid_hhmm("17:30") and not cr.valid_hhmm("24:00") and not cr.valid_hhmm("5:30")
