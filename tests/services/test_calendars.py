"""School calendars and compliance settings in the store, and the iCalendar export (service and CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
from icalendar import Calendar

from esp_desktop.core import clock
from esp_desktop.core.errors import ValidationError
from esp_desktop.core.school_calendar import Closure, SchoolCalendar
from esp_desktop.services import Services
from tests.helpers.env import PASSPHRASE


def test_an_edited_school_year_moves_due_dates_and_can_be_reset(svc: Services) -> None:
    default = svc.calendars.calendar("2026-27")
    assert not default.edited and svc.calendars.edited_years() == []
    edited = SchoolCalendar("2026-27", date(2026, 9, 2), date(2027, 6, 16),
                            default.closures + (Closure(date(2026, 12, 7), date(2026, 12, 7), "Snow day"),))
    svc.calendars.save_calendar(edited)
    assert svc.calendars.edited_years() == ["2026-27"] and svc.calendars.calendar("2026-27").edited
    assert svc.panel.default_date(today=date(2026, 11, 30)) == date(2026, 12, 14)  # the snow day moved it
    with pytest.raises(ValidationError, match="last day must come after the first day"):
        svc.calendars.save_calendar(SchoolCalendar("2026-27", date(2027, 6, 16), date(2026, 9, 2)))
    assert [a.action for a in svc.audit.history(limit=5)][0] == "calendar_edit"
    assert svc.calendars.reset_calendar("2026-27") == default
    assert svc.panel.default_date(today=date(2026, 11, 30)) == date(2026, 12, 7)


def test_compliance_settings_are_validated_and_kept(svc: Services) -> None:
    assert svc.calendars.settings().panel_time == "17:30"
    svc.calendars.save_settings(spacing_school_days=3, feedback_school_days=7, panel_time="18:15")
    s = svc.calendars.settings()
    assert (s.spacing_school_days, s.feedback_school_days, s.panel_time) == (3, 7, "18:15")
    with pytest.raises(ValidationError, match="HH:MM"):
        svc.calendars.save_settings(spacing_school_days=3, feedback_school_days=7, panel_time="6pm")
    assert svc.panel.create_meeting().start_time == "18:15"


def _events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_ics_holds_due_dates_on_school_days_and_evening_meetings(demo_svc: Services) -> None:
    svc = demo_svc
    events = _events(svc.calendars.ics())
    cal = svc.calendars.calendars()
    all_day = [e for e in events if not isinstance(e.decoded("dtstart"), datetime)]
    timed = [e for e in events if isinstance(e.decoded("dtstart"), datetime)]
    assert len(all_day) >= 5 and all(cal.is_school_day(e.decoded("dtstart")) for e in all_day)
    [meeting] = timed
    m = next(x for x in svc.panel.meetings() if x.meets_on >= clock.today())
    assert meeting.decoded("dtstart") == clock.at_local(m.meets_on, time(17, 30))  # an instant: clients show it local
    assert meeting.decoded("dtstart").tzinfo is not None and str(meeting["summary"]) == "ESP Panel meeting"
    text = svc.calendars.ics().decode()
    for e in svc.caseload.educators():  # only PAR cycles have due dates: PA educators never appear
        if svc.caseload.enrolment(e.id).program != "PAR":
            assert e.display_name not in text
    assert "Zoë O'Brien-Ramírez" in text
    anonymous = svc.calendars.ics(initials=True).decode()
    assert "O'Brien" not in anonymous and "Z.O." in anonymous
    assert len(_events(svc.calendars.ics())) == len(events)  # stable


def test_cli_exports_the_calendar(demo_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ESP_DATA_DIR"} | {"ESP_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "esp.ics"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "esp_desktop", "--data-dir", str(demo_dir), *args],
                              capture_output=True, text=True, env=env, timeout=120)

    r = run("calendar", "export", "-o", str(out), "--initials")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Wrote ") and _events(out.read_bytes())
    r = run("calendar", "show", "--year", "2026-27")
    assert r.returncode == 0 and "First day\t2026-09-10" in r.stdout and "Winter recess" in r.stdout
    r = run("calendar", "show", "--year", "2026")
    assert r.returncode == 1 and r.stderr.strip() == "esp-desktop: '2026' is not a school year like 2026-27."
    r = run("calendar", "export")
    assert r.returncode == 1 and r.stderr.strip() == "esp-desktop: Name the file to write with -o FILE.ics."
