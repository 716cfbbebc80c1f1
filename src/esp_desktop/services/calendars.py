"""School calendars and the compliance settings (kept in the encrypted store's local settings), and the CT's due
dates and Panel meetings as an iCalendar file."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..core import clock, timefmt
from ..core.compliance_rules import ComplianceSettings
from ..core.errors import ValidationError
from ..core.school_calendar import Calendars, SchoolCalendar, school_year_of, school_year_start
from ..store.models import Educator, Meta, PanelMeeting
from .base import Service

CALENDARS_KEY = "school_calendars"
SETTINGS_KEY = "compliance_settings"
PRODID = "-//esp-desktop//Educator Supports Program//EN"


class CalendarService(Service):
    # --- school calendars ---------------------------------------------------------------------------------

    def _stored(self, s: Session) -> dict[str, SchoolCalendar]:
        row = s.get(Meta, CALENDARS_KEY)
        data = row.value if row is not None else {}
        out = {}
        for sy, d in data.items():
            try:
                out[sy] = SchoolCalendar.from_dict(d)
            except (KeyError, TypeError, ValueError):
                continue  # a damaged entry falls back to the default rules rather than stopping the app
        return out

    def calendars_in(self, s: Session) -> Calendars:
        return Calendars(self._stored(s))

    def calendars(self) -> Calendars:
        with self.session() as s:
            return self.calendars_in(s)

    def calendar(self, school_year: str | None = None) -> SchoolCalendar:
        sy = school_year or school_year_of(self.today())
        try:
            school_year_start(sy)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return self.calendars().for_year(sy)

    def edited_years(self) -> list[str]:
        with self.session() as s:
            return sorted(self._stored(s))

    def save_calendar(self, cal: SchoolCalendar) -> SchoolCalendar:
        problems = cal.problems()
        if problems:
            raise ValidationError(" ".join(problems))
        with self.session() as s:
            row = s.get(Meta, CALENDARS_KEY) or Meta(key=CALENDARS_KEY, value={})
            value = dict(row.value)
            value[cal.school_year] = cal.to_dict()
            row.value = value
            s.add(row)
            self.audit_in(s, action="calendar_edit", detail={"school_year": cal.school_year,
                                                              "first_day": cal.first_day.isoformat(),
                                                              "last_day": cal.last_day.isoformat(),
                                                              "closures": len(cal.closures)})
        return SchoolCalendar.from_dict(cal.to_dict())

    def reset_calendar(self, school_year: str) -> SchoolCalendar:
        """Drop the edits of one school year: it follows the default rules again."""
        try:
            school_year_start(school_year)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        with self.session() as s:
            row = s.get(Meta, CALENDARS_KEY)
            if row is not None and school_year in row.value:
                row.value = {k: v for k, v in row.value.items() if k != school_year}
                self.audit_in(s, action="calendar_reset", detail={"school_year": school_year})
        return self.calendar(school_year)

    # --- compliance settings ------------------------------------------------------------------------------

    def settings_in(self, s: Session) -> ComplianceSettings:
        row = s.get(Meta, SETTINGS_KEY)
        data: dict[str, Any] = dict(row.value) if row is not None else {}
        base = ComplianceSettings()
        try:
            got = ComplianceSettings(
                spacing_school_days=int(data.get("spacing_school_days", base.spacing_school_days)),
                feedback_school_days=int(data.get("feedback_school_days", base.feedback_school_days)),
                panel_time=str(data.get("panel_time", base.panel_time)),
            )
        except (TypeError, ValueError):
            return base
        return base if got.problems() else got

    def settings(self) -> ComplianceSettings:
        with self.session() as s:
            return self.settings_in(s)

    def save_settings(self, *, spacing_school_days: int, feedback_school_days: int,
                      panel_time: str) -> ComplianceSettings:
        new = ComplianceSettings(spacing_school_days, feedback_school_days, panel_time.strip())
        problems = new.problems()
        if problems:
            raise ValidationError(" ".join(problems))
        with self.session() as s:
            row = s.get(Meta, SETTINGS_KEY) or Meta(key=SETTINGS_KEY, value={})
            row.value = asdict(new)
            s.add(row)
            self.audit_in(s, action="settings_edit", detail={"compliance": asdict(new)})
        return new

    # --- iCalendar export ---------------------------------------------------------------------------------

    def ics(self, *, initials: bool = False, today: date | None = None) -> bytes:
        """The CT's open due dates (late ones included) and the upcoming ESP Panel meetings, as iCalendar.

        The file is not encrypted: with ``initials`` educators appear by their initials only. PA and informal
        educators never appear (only PAR cycles have due dates); meetings list no cases.
        """
        from icalendar import Calendar, Event

        today = today or self.today()
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("x-wr-calname", "ESP due dates and Panel meetings")
        stamp = clock.now()
        names = {}
        with self.session() as s:
            for e in s.scalars(self.live(Educator)):
                names[e.id] = _initials(e.display_name) if initials else e.display_name
            meetings = list(s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on >= today)
                                      .order_by(PanelMeeting.meets_on)))
            panel_time = self.settings_in(s).panel_time
        for item in self._svc.compliance.due_items(within_days=366, today=today):
            ev = Event()
            ev.add("uid", f"{item.cycle_id}-{item.what}-{item.label}-{item.record_id or ''}@esp-desktop".replace(" ", "_"))
            ev.add("dtstamp", stamp)
            ev.add("summary", f"{item.label} due: {names.get(item.educator_id, item.educator_name)}")
            ev.add("dtstart", item.due_on)
            ev.add("dtend", item.due_on + timedelta(days=1))
            ev.add("description", f"{'Late: ' if item.state == 'late' else ''}{item.label}, due "
                                  f"{timefmt.doc_date(item.due_on)}.")
            ev.add("categories", ["ESP", item.what])
            cal.add_component(ev)
        for m in meetings:
            ev = Event()
            ev.add("uid", f"{m.id}@esp-desktop")
            ev.add("dtstamp", stamp)
            ev.add("summary", "ESP Panel meeting")
            start = panel_start(m, panel_time)  # aware UTC: calendar clients show it in local time
            ev.add("dtstart", start)
            ev.add("dtend", start + timedelta(hours=2))
            if m.location:
                ev.add("location", m.location)
            cal.add_component(ev)
        return bytes(cal.to_ical())


    def export_ics(self, path: str | os.PathLike[str], *, initials: bool = False) -> int:
        """Write the iCalendar file (atomically) and log the export; returns how many events it holds."""
        data = self.ics(initials=initials)
        target = Path(path)
        tmp = target.with_name(f".{target.name}.part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ValidationError(f"Cannot write {target.name}: {exc.strerror or exc}.") from None
        events = data.count(b"BEGIN:VEVENT")
        self._svc.audit.log(action="export_ics", detail={"file": target.name, "events": events,
                                                         "initials_only": initials})
        return events


def _initials(name: str) -> str:
    return ".".join(p[0] for p in name.split() if p) + "."


def panel_start(meeting: PanelMeeting, default: str) -> datetime:
    """The instant a meeting starts: its local wall-clock start time (or ``default``) on its day."""
    hh, mm = (meeting.start_time or default).split(":")
    return clock.at_local(meeting.meets_on, time(int(hh), int(mm)))
