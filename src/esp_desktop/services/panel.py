"""ESP Panel meetings (monthly, the first school Monday by default, in the evening): agenda of cases, decisions,
final ratings (which follow 603 CMR 35.08(4) like the CT's recommendation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core import ratings as rating_rules
from ..core import rules
from ..core.compliance_rules import valid_hhmm
from ..core.enums import PanelDecision
from ..core.errors import RuleViolation, ValidationError
from ..store.models import Educator, PanelCase, PanelMeeting
from .base import Service

KEEP: Any = object()  # update_meeting: "leave this field as it is"


@dataclass(frozen=True)
class AgendaItem:
    case: PanelCase
    educator_name: str
    program: str | None


class PanelService(Service):
    def default_date(self, *, today: date | None = None) -> date:
        """The first school Monday of a school month, on or after today (never Labor Day or a vacation)."""
        return rules.next_panel_date(today or self.today(), self._svc.calendars.calendars())

    def default_time(self) -> str:
        return self._svc.calendars.settings().panel_time

    @staticmethod
    def _check_time(start_time: str | None) -> str | None:
        if start_time is None:
            return None
        start_time = start_time.strip()
        if not valid_hhmm(start_time):
            raise ValidationError("Give the meeting's start time as HH:MM, for example 17:30.")
        return start_time

    def create_meeting(self, *, meets_on: date | None = None, location: str | None = None,
                       notes: str | None = None, start_time: str | None = None) -> PanelMeeting:
        start_time = self._check_time(start_time) or self.default_time()
        meets_on = meets_on or self.default_date()
        with self.session() as s:
            if s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on == meets_on)).first():
                raise RuleViolation("There is already a panel meeting on that day: open it instead.")
            m = PanelMeeting(meets_on=meets_on, location=(location or "").strip() or None, notes=notes,
                             start_time=start_time)
            s.add(m)
            return m

    def update_meeting(self, meeting_id: str, *, meets_on: date | None = None, location: object = KEEP,
                       notes: object = KEEP, start_time: str | None = None,
                       unchanged_since: datetime | None = None) -> PanelMeeting:
        """Change a meeting; fields not given stay as they are (``location=None`` clears the location)."""
        start_time = self._check_time(start_time)
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            self.check_unchanged(m, unchanged_since, "meeting")
            if meets_on is not None:
                other = s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on == meets_on,
                                                                 PanelMeeting.id != m.id)).first()
                if other is not None:
                    raise RuleViolation("There is already a panel meeting on that day.")
                m.meets_on = meets_on
            if location is not KEEP:
                m.location = (str(location or "")).strip() or None
            if notes is not KEEP:
                m.notes = str(notes) if notes else None
            if start_time is not None:
                m.start_time = start_time
            return m

    def delete_meeting(self, meeting_id: str) -> None:
        """Delete a meeting created by mistake; one with cases on its agenda is kept."""
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            if s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == m.id)).first():
                raise RuleViolation("This meeting has cases on its agenda: remove them first.")
            m.deleted = True

    def meeting_for(self, meets_on: date) -> PanelMeeting:
        """The meeting on that date, created if needed."""
        default_time = self.default_time()
        with self.session() as s:
            m = s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on == meets_on)).first()
            if m is None:
                m = PanelMeeting(meets_on=meets_on, start_time=default_time)
                s.add(m)
            return m

    def meetings(self) -> list[PanelMeeting]:
        with self.session() as s:
            return list(s.scalars(self.live(PanelMeeting).order_by(PanelMeeting.meets_on.desc())))

    def meeting(self, meeting_id: str) -> PanelMeeting:
        with self.session() as s:
            return self.get(s, PanelMeeting, meeting_id, what="Panel meeting")

    def add_case(self, *, meeting_id: str, educator_id: str, purpose: str,
                 recommendation_id: str | None = None) -> PanelCase:
        with self.session() as s:
            self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            self.get(s, Educator, educator_id, what="Educator")
            dup = s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == meeting_id,
                                                        PanelCase.educator_id == educator_id)).first()
            if dup:
                raise RuleViolation("This educator is already on that meeting's agenda.")
            c = PanelCase(meeting_id=meeting_id, educator_id=educator_id, purpose=purpose.strip() or "Case review",
                          recommendation_id=recommendation_id, final_ratings={})
            s.add(c)
            return c

    def remove_case(self, case_id: str) -> None:
        self.soft_delete(PanelCase, case_id)

    def agenda(self, meeting_id: str) -> list[AgendaItem]:
        with self.session() as s:
            cases = list(s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == meeting_id)))
            out = []
            for c in cases:
                e = s.get(Educator, c.educator_id)
                out.append(AgendaItem(c, e.display_name if e else "(removed)",
                                      self._svc.caseload.program_of(s, c.educator_id)))
        return sorted(out, key=lambda a: a.educator_name.casefold())

    def record_decision(self, *, case_id: str, decision: str, final_ratings: dict[str, str] | None = None,
                        final_overall: str | None = None, notes: str | None = None,
                        decided_on: date | None = None) -> PanelCase:
        try:
            decision = PanelDecision(decision).value
        except ValueError:
            raise ValidationError(f"Unknown panel decision {decision!r}.") from None
        rubric = self._svc.rubric
        ratings: dict[str, Any] = dict(final_ratings or {})
        for std, r in ratings.items():
            if std not in rubric.standard_codes() or r not in rubric.rating_codes():
                raise ValidationError(f"Invalid final rating {std}: {r}.")
        if final_overall is not None and final_overall not in rubric.rating_codes():
            raise ValidationError(f"Invalid overall rating {final_overall!r}.")
        if decided_on is not None and decided_on > self.today():
            raise ValidationError("A Panel decision cannot be dated in the future.")
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            program = self._svc.caseload.program_of(s, c.educator_id)
            if (ratings or final_overall) and (program is None or not rules.is_evaluative(program)):
                raise RuleViolation("Final ratings are only recorded for PAR cases; PA is non-evaluative.")
            problems = rating_rules.panel_problems(decision, ratings, final_overall)
            if problems:
                raise ValidationError(" ".join(p.message for p in problems))
            c.decision, c.final_ratings, c.final_overall = decision, ratings, final_overall
            c.decision_notes, c.decided_on = notes, decided_on or self.today()
            return c
