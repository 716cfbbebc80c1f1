"""Cases made the way a CT makes them: observations and coaching need an enrolled educator (issue 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

SCHOOL_START = date(2026, 9, 1)


def enrolled(svc: Any, *, given_name: str = "Ana", family_name: str = "Silva", program: str = "PA",
             on: date = SCHOOL_START, **educator: Any) -> Any:
    """A new educator referred, met and enrolled on ``on`` (the intake the day before)."""
    e = svc.caseload.add_educator(given_name=given_name, family_name=family_name, **educator)
    en = svc.caseload.refer(educator_id=e.id, program=program, referred_on=date.fromordinal(on.toordinal() - 1))
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date.fromordinal(on.toordinal() - 1))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=on)
    return e
