"""ESP Panel meetings (monthly, the first school Monday by default, in the evening): members and attendance, the
agenda in order, the CT's presentation and the discussion, motions and votes (quorum and majority rule
configurable), and the Panel's decisions, versioned: a revision is a new decision naming the one it supersedes,
never an overwrite. Final ratings follow 603 CMR 35.08(4) like the CT's recommendation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import clock, panel_rules, rules
from ..core import ratings as rating_rules
from ..core.compliance_rules import valid_hhmm
from ..core.enums import DocumentKind, DocumentStatus, MajorityRule, PanelDecision, label
from ..core.errors import NotFound, RuleViolation, ValidationError
from ..store.models import (
    AssessmentDocument,
    AuditEvent,
    CTProfile,
    Educator,
    Meta,
    PanelAttendance,
    PanelCase,
    PanelDecisionRecord,
    PanelMeeting,
    PanelMember,
    PanelMotion,
)
from .base import Service

SETTINGS_KEY = "panel_settings"
MEMBER_ROLES = ("chair", "co_chair", "member")


@dataclass(frozen=True)
class PanelSettings:
    """The program's Panel rules (kept in the encrypted store; each meeting may override quorum and majority)."""

    quorum: int | None = None  # None: a majority of the active members
    majority_rule: str = panel_rules.DEFAULT_MAJORITY.value
    progress_every: int = panel_rules.DEFAULT_PROGRESS_EVERY  # school days between progress reports (PAR)


@dataclass(frozen=True)
class AgendaItem:
    case: PanelCase
    educator_name: str
    program: str | None
    decision: PanelDecisionRecord | None = None  # the current decision recorded on this case
    motions: tuple[PanelMotion, ...] = ()


@dataclass(frozen=True)
class MeetingRecord:
    """Everything the minutes say about one meeting."""

    meeting: PanelMeeting
    attendance: PanelAttendance | None
    quorum: int
    majority_rule: str
    items: tuple[AgendaItem, ...] = ()
    # every decision recorded at this meeting, superseded ones included, oldest first
    decisions: tuple[PanelDecisionRecord, ...] = ()
    superseded_ids: frozenset[str] = field(default_factory=frozenset)
    # decisions of earlier meetings that a decision of this one revised
    revised: tuple[PanelDecisionRecord, ...] = ()

    @property
    def present(self) -> int:
        return len(self.attendance.present) if self.attendance else 0

    @property
    def quorate(self) -> bool:
        return panel_rules.quorum_met(self.present, self.quorum)


class PanelService(Service):
    # --- settings and members -------------------------------------------------------------------------------

    def settings(self) -> PanelSettings:
        with self.session() as s:
            return self.settings_in(s)

    @staticmethod
    def settings_in(s: Session) -> PanelSettings:
        row = s.get(Meta, SETTINGS_KEY)
        v = dict(row.value) if row is not None else {}
        try:
            rule = MajorityRule(v.get("majority_rule", panel_rules.DEFAULT_MAJORITY)).value
        except ValueError:
            rule = panel_rules.DEFAULT_MAJORITY.value
        quorum = v.get("quorum")
        every = v.get("progress_every")
        return PanelSettings(quorum if isinstance(quorum, int) and quorum > 0 else None, rule,
                             every if isinstance(every, int) and every > 0 else panel_rules.DEFAULT_PROGRESS_EVERY)

    def save_settings(self, *, quorum: int | None, majority_rule: str, progress_every: int) -> PanelSettings:
        rule = self._check_rule(majority_rule)
        self._check_quorum(quorum)
        if not 5 <= progress_every <= 120:
            raise ValidationError("Progress reports are due every 5 to 120 school days.")
        with self.session() as s:
            row = s.get(Meta, SETTINGS_KEY) or Meta(key=SETTINGS_KEY, value={})
            row.value = {"quorum": quorum, "majority_rule": rule, "progress_every": progress_every}
            s.add(row)
            self._audit(s, "panel_settings", detail=dict(row.value))
        return PanelSettings(quorum, rule, progress_every)

    @staticmethod
    def _check_rule(rule: str) -> str:
        try:
            return MajorityRule(rule).value
        except ValueError:
            raise ValidationError(f"Unknown majority rule {rule!r}.") from None

    @staticmethod
    def _check_quorum(quorum: int | None) -> None:
        if quorum is not None and not 1 <= quorum <= panel_rules.MAX_PANEL_SIZE:
            raise ValidationError(f"A quorum is 1 to {panel_rules.MAX_PANEL_SIZE} members.")

    def add_member(self, *, name: str, seat: str | None = None, role: str = "member") -> PanelMember:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Enter the Panel member's name.")
        if role not in MEMBER_ROLES:
            raise ValidationError("A Panel member is the chair, a co-chair or a member.")
        with self.session() as s:
            if any(m.name.casefold() == name.casefold() for m in s.scalars(self.live(PanelMember))):
                raise RuleViolation(f"{name} is already on the Panel.")
            m = PanelMember(name=name, seat=(seat or "").strip() or None, role=role, active=True)
            s.add(m)
            return m

    def update_member(self, member_id: str, *, name: str | None = None, seat: str | None = None,
                      role: str | None = None, active: bool | None = None) -> PanelMember:
        with self.session() as s:
            m = self.get(s, PanelMember, member_id, what="Panel member")
            if name is not None:
                m.name = " ".join(name.split()) or m.name
            if seat is not None:
                m.seat = seat.strip() or None
            if role is not None:
                if role not in MEMBER_ROLES:
                    raise ValidationError("A Panel member is the chair, a co-chair or a member.")
                m.role = role
            if active is not None:
                m.active = active
            return m

    def remove_member(self, member_id: str) -> None:
        """Take a member off the roster (past minutes keep their name: attendance stores names)."""
        self.soft_delete(PanelMember, member_id)

    def members(self, *, active_only: bool = True) -> list[PanelMember]:
        with self.session() as s:
            q = self.live(PanelMember)
            if active_only:
                q = q.where(PanelMember.active.is_(True))
            return sorted(s.scalars(q), key=lambda m: (MEMBER_ROLES.index(m.role) if m.role in MEMBER_ROLES else 9,
                                                       m.name.casefold()))

    # --- meetings -------------------------------------------------------------------------------------------

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
                       notes: str | None = None, chair: str | None = None, quorum: int | None = None,
                       majority_rule: str | None = None, start_time: str | None = None) -> PanelMeeting:
        start_time = self._check_time(start_time) or self.default_time()
        meets_on = meets_on or self.default_date()
        self._check_quorum(quorum)
        rule = self._check_rule(majority_rule) if majority_rule else None
        with self.session() as s:
            if s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on == meets_on)).first():
                raise RuleViolation("There is already a panel meeting on that day: open it instead.")
            m = PanelMeeting(meets_on=meets_on, location=(location or "").strip() or None, notes=notes or None,
                             chair=(chair or "").strip() or None, quorum=quorum, majority_rule=rule,
                             start_time=start_time)
            s.add(m)
            return m

    def update_meeting(self, meeting_id: str, *, unchanged_since: datetime | None = None,
                       **fields: Any) -> PanelMeeting:
        """Change a meeting's date, start time, place, chair, notes, quorum or majority rule (quorum and majority
        rule None: the program's setting); fields not given stay as they are (``location=None`` clears the place,
        ``start_time=None`` keeps the time). ``unchanged_since``: refuse if the meeting changed elsewhere
        meanwhile (``ChangedElsewhere``)."""
        if "start_time" in fields:
            fields["start_time"] = self._check_time(fields["start_time"])
            if fields["start_time"] is None:
                del fields["start_time"]
        if "meets_on" in fields and fields["meets_on"] is None:
            del fields["meets_on"]
        if "quorum" in fields:
            self._check_quorum(fields["quorum"])
        if fields.get("majority_rule") is not None:
            fields["majority_rule"] = self._check_rule(fields["majority_rule"])
        for key in ("location", "notes", "chair"):
            if key in fields:
                fields[key] = (str(fields[key] or "")).strip() or None
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            self.check_unchanged(m, unchanged_since, "meeting")
            if "meets_on" in fields:
                other = s.scalars(self.live(PanelMeeting).where(PanelMeeting.meets_on == fields["meets_on"],
                                                                 PanelMeeting.id != m.id)).first()
                if other is not None:
                    raise RuleViolation("There is already a panel meeting on that day.")
            self.apply_fields(m, fields, ("meets_on", "start_time", "location", "notes", "chair", "quorum",
                                          "majority_rule"))
            return m

    def delete_meeting(self, meeting_id: str) -> None:
        """Delete a meeting created by mistake; one with cases on its agenda is kept."""
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            if s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == m.id)).first():
                raise RuleViolation("This meeting has cases on its agenda: remove them first.")
            if s.scalars(self.live(PanelAttendance).where(PanelAttendance.meeting_id == m.id)).first():
                raise RuleViolation("The Panel's attendance is recorded for this meeting: it stays in the minutes.")
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

    def _quorum(self, s: Session, m: PanelMeeting) -> int:
        if m.quorum:
            return m.quorum
        setting = self.settings_in(s).quorum
        if setting:
            return setting
        active = s.scalar(select(func.count()).select_from(PanelMember).where(
            PanelMember.deleted.is_(False), PanelMember.active.is_(True))) or 0
        return panel_rules.default_quorum(active)

    def _majority(self, s: Session, m: PanelMeeting) -> str:
        return m.majority_rule or self.settings_in(s).majority_rule

    # --- the agenda -----------------------------------------------------------------------------------------

    def add_case(self, *, meeting_id: str, educator_id: str, purpose: str,
                 recommendation_id: str | None = None) -> PanelCase:
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            self.get(s, Educator, educator_id, what="Educator")
            settings = self.settings_in(s)
            # The meeting carries the program's rules from its first agenda case on, so a Panel member's
            # device (which has no copy of the CT's settings) counts the quorum and the votes the same way.
            if m.majority_rule is None:
                m.majority_rule = settings.majority_rule
            if m.quorum is None and settings.quorum is not None:
                m.quorum = settings.quorum
            live = list(s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == meeting_id)))
            if any(c.educator_id == educator_id for c in live):
                raise RuleViolation("This educator is already on that meeting's agenda.")
            if recommendation_id is not None:
                self._recommendation(s, educator_id, recommendation_id)
            c = PanelCase(meeting_id=meeting_id, educator_id=educator_id, purpose=purpose.strip() or "Case review",
                          recommendation_id=recommendation_id, presenter=self._recorder(s),
                          position=max((x.position for x in live), default=0) + 1)
            s.add(c)
            return c

    def update_case(self, case_id: str, **fields: Any) -> PanelCase:
        """The case's purpose, the CT's presentation and the discussion notes."""
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            self.apply_fields(c, fields, ("purpose", "presentation", "discussion", "recommendation_id"))
            if fields.get("recommendation_id"):
                self._recommendation(s, c.educator_id, fields["recommendation_id"])
            return c

    def move_case(self, case_id: str, *, by: int) -> None:
        """Move a case up (by=-1) or down (by=1) the agenda."""
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            cases = self._ordered(s, c.meeting_id)
            i = next(i for i, x in enumerate(cases) if x.id == c.id)
            j = min(max(i + by, 0), len(cases) - 1)
            cases.insert(j, cases.pop(i))
            for n, x in enumerate(cases, 1):
                if x.position != n:
                    x.position = n

    def _ordered(self, s: Session, meeting_id: str) -> list[PanelCase]:
        cases = list(s.scalars(self.live(PanelCase).where(PanelCase.meeting_id == meeting_id)))
        return sorted(cases, key=lambda c: (c.position, c.created_at))

    def remove_case(self, case_id: str) -> None:
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            if s.scalars(self.live(PanelDecisionRecord).where(PanelDecisionRecord.case_id == c.id)).first():
                raise RuleViolation("The Panel has decided this case: it stays on the agenda and in the minutes. "
                                    "To change the decision, revise it.")
            if s.scalars(self.live(PanelMotion).where(PanelMotion.case_id == c.id)).first():
                raise RuleViolation("The Panel has voted on this case: it stays on the agenda and in the minutes.")
            c.deleted = True

    def agenda(self, meeting_id: str) -> list[AgendaItem]:
        with self.session() as s:
            return [self._item(s, c) for c in self._ordered(s, meeting_id)]

    def case(self, case_id: str) -> AgendaItem:
        with self.session() as s:
            return self._item(s, self.get(s, PanelCase, case_id, what="Panel case"))

    def _item(self, s: Session, c: PanelCase) -> AgendaItem:
        e = s.get(Educator, c.educator_id)
        motions = sorted(s.scalars(self.live(PanelMotion).where(PanelMotion.case_id == c.id)),
                         key=lambda m: m.recorded_at)
        return AgendaItem(c, e.display_name if e else "(removed)", self._svc.caseload.program_of(s, c.educator_id),
                          self._current_on_case(s, c.id), tuple(motions))

    # --- attendance -----------------------------------------------------------------------------------------

    def record_attendance(self, *, meeting_id: str, present: Sequence[str], absent: Sequence[str] = (),
                          others: str | None = None) -> PanelAttendance:
        """Record who attended. Each recorder keeps one roll per meeting (re-recording corrects it; the audit
        log keeps every change); the minutes use the latest roll."""
        present_names = _names(present)
        absent_names = [n for n in _names(absent) if n.casefold() not in {p.casefold() for p in present_names}]
        with self.session() as s:
            self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            who = self._recorder(s)
            row = s.scalars(self.live(PanelAttendance).where(PanelAttendance.meeting_id == meeting_id,
                                                             PanelAttendance.recorded_by == who)).first()
            if row is None:
                row = PanelAttendance(meeting_id=meeting_id, recorded_by=who)
                s.add(row)
            row.present, row.absent = present_names, absent_names
            row.others = (others or "").strip() or None
            row.recorded_at = clock.now()
            return row

    def attendance(self, meeting_id: str) -> PanelAttendance | None:
        with self.session() as s:
            return self._attendance(s, meeting_id)

    def _attendance(self, s: Session, meeting_id: str) -> PanelAttendance | None:
        return s.scalars(self.live(PanelAttendance).where(PanelAttendance.meeting_id == meeting_id)
                         .order_by(PanelAttendance.recorded_at.desc())).first()

    # --- motions and votes ----------------------------------------------------------------------------------

    def record_motion(self, *, case_id: str, text: str, votes_for: int, votes_against: int = 0,
                      abstentions: int = 0, decision: str | None = None, moved_by: str | None = None,
                      seconded_by: str | None = None, notes: str | None = None) -> PanelMotion:
        with self.session() as s:
            return self._motion(s, case_id=case_id, text=text, tally=panel_rules.Tally(votes_for, votes_against,
                                abstentions), decision=decision, moved_by=moved_by, seconded_by=seconded_by,
                                notes=notes)

    def _motion(self, s: Session, *, case_id: str, text: str, tally: panel_rules.Tally, decision: str | None,
                moved_by: str | None, seconded_by: str | None, notes: str | None) -> PanelMotion:
        if decision is not None:
            try:
                decision = PanelDecision(decision).value
            except ValueError:
                raise ValidationError(f"Unknown Panel decision {decision!r}.") from None
        text = " ".join(text.split()) or (f"To {label(decision)[:1].lower()}{label(decision)[1:]}." if decision
                                          else "")
        if not text:
            raise ValidationError("Write the motion the Panel votes on.")
        c = self.get(s, PanelCase, case_id, what="Panel case")
        m = self.get(s, PanelMeeting, c.meeting_id, what="Panel meeting")
        roll = self._attendance(s, m.id)
        present = len(roll.present) if roll else 0
        quorum, rule = self._quorum(s, m), self._majority(s, m)
        problems = panel_rules.tally_problems(tally, present=present, quorum=quorum)
        if problems:
            raise RuleViolation(" ".join(problems))
        result = panel_rules.outcome(tally, present=present, rule=rule)
        motion = PanelMotion(case_id=c.id, meeting_id=m.id, educator_id=c.educator_id, text=text, decision=decision,
                             moved_by=(moved_by or "").strip() or None, seconded_by=(seconded_by or "").strip() or None,
                             votes_for=tally.votes_for, votes_against=tally.against, abstentions=tally.abstain,
                             present=present, quorum=quorum, majority_rule=rule, carried=result.carried,
                             notes=(notes or "").strip() or None, recorded_by=self._recorder(s),
                             recorded_at=clock.now())
        s.add(motion)
        return motion

    def motions(self, case_id: str) -> list[PanelMotion]:
        with self.session() as s:
            return sorted(s.scalars(self.live(PanelMotion).where(PanelMotion.case_id == case_id)),
                          key=lambda m: m.recorded_at)

    # --- decisions ------------------------------------------------------------------------------------------

    def record_decision(self, *, case_id: str, decision: str, final_ratings: Mapping[str, str] | None = None,
                        final_overall: str | None = None, notes: str | None = None,
                        decided_on: date | None = None, motion_id: str | None = None,
                        supersedes_id: str | None = None, revision_reason: str | None = None) -> PanelDecisionRecord:
        """Record the Panel's decision on a case: it follows a motion that carried with a quorum present.

        Never overwrites: if the educator already has a current decision, this is refused unless it revises
        that one (``supersedes_id``, with a ``revision_reason``); the old version stays on record.
        """
        with self.session() as s:
            return self._decide(s, case_id=case_id, decision=decision, final_ratings=final_ratings,
                                final_overall=final_overall, rationale=notes, decided_on=decided_on,
                                motion_id=motion_id, supersedes_id=supersedes_id, revision_reason=revision_reason)

    def vote_and_decide(self, *, case_id: str, decision: str, votes_for: int, votes_against: int = 0,
                        abstentions: int = 0, motion: str = "", moved_by: str | None = None,
                        seconded_by: str | None = None, final_ratings: Mapping[str, str] | None = None,
                        final_overall: str | None = None, rationale: str | None = None,
                        supersedes_id: str | None = None,
                        revision_reason: str | None = None) -> tuple[PanelMotion, PanelDecisionRecord | None]:
        """The motion to decide, the vote and (if it carried) the decision, in one unit of work: a motion that
        fails is kept in the minutes, with no decision. The decision is checked before anything is written."""
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            self._check_decision(s, c, decision, final_ratings, final_overall, supersedes_id, revision_reason)
            m = self._motion(s, case_id=case_id, text=motion, tally=panel_rules.Tally(votes_for, votes_against,
                             abstentions), decision=decision, moved_by=moved_by, seconded_by=seconded_by, notes=None)
            if not m.carried:
                return m, None
            s.flush()
            d = self._decide(s, case_id=case_id, decision=decision, final_ratings=final_ratings,
                             final_overall=final_overall, rationale=rationale, decided_on=None, motion_id=m.id,
                             supersedes_id=supersedes_id, revision_reason=revision_reason)
            return m, d

    def _check_decision(self, s: Session, c: PanelCase, decision: str, final_ratings: Mapping[str, str] | None,
                        final_overall: str | None, supersedes_id: str | None,
                        revision_reason: str | None) -> tuple[dict[str, str], str | None, AssessmentDocument | None]:
        """Refuse a decision that cannot be recorded; answer the final ratings it sets and the recommendation."""
        program = self._svc.caseload.program_of(s, c.educator_id)
        rec = self._recommendation(s, c.educator_id, c.recommendation_id)
        rubric = self._svc.rubric
        ratings = {k: v for k, v in dict(final_ratings or {}).items() if v}
        for std, r in ratings.items():
            if std not in rubric.standard_codes() or r not in rubric.rating_codes():
                raise ValidationError(f"Invalid final rating {std}: {r}.")
        if final_overall is not None and final_overall not in rubric.rating_codes():
            raise ValidationError(f"Invalid overall rating {final_overall!r}.")
        if decision == PanelDecision.ACCEPT_RECOMMENDATION and rec is not None and not ratings and not final_overall:
            ratings = {k: str(v["rating"]) for k, v in (rec.ratings or {}).items() if (v or {}).get("rating")}
            final_overall = rec.overall_rating
        problems = panel_rules.decision_problems(decision=decision, program=program, final_ratings=ratings,
                                                 final_overall=final_overall, standards=rubric.standard_codes(),
                                                 has_recommendation=rec is not None)
        if problems:
            raise RuleViolation(" ".join(problems))
        floor = rating_rules.panel_problems(decision, ratings, final_overall)  # 35.08(4), like the recommendation
        if floor:
            raise ValidationError(" ".join(p.message for p in floor))
        current = self._current_for_educator(s, c.educator_id)
        if supersedes_id is not None:
            old = self.get(s, PanelDecisionRecord, supersedes_id, what="Panel decision")
            if old.educator_id != c.educator_id:
                raise ValidationError("A revision revises a decision on the same educator's case.")
            if current is None or current.id != old.id:
                raise RuleViolation(f"Version {old.version_no} of that decision was already revised: revise the "
                                    "current version.")
            if not (revision_reason or "").strip():
                raise ValidationError("Say why the Panel revises its decision (it is printed in the minutes).")
        elif current is not None:
            when = current.decided_on.isoformat()
            raise RuleViolation(
                f"The Panel already decided this case on {when} (“{label(current.decision)}”, version "
                f"{current.version_no}). A decision is never overwritten: revise that decision instead, with the "
                "reason for the revision.")
        return ratings, final_overall, rec

    def _decide(self, s: Session, *, case_id: str, decision: str, final_ratings: Mapping[str, str] | None,
                final_overall: str | None, rationale: str | None, decided_on: date | None, motion_id: str | None,
                supersedes_id: str | None, revision_reason: str | None) -> PanelDecisionRecord:
        c = self.get(s, PanelCase, case_id, what="Panel case")
        meeting = self.get(s, PanelMeeting, c.meeting_id, what="Panel meeting")
        ratings, overall, rec = self._check_decision(s, c, decision, final_ratings, final_overall, supersedes_id,
                                                     revision_reason)
        motion = self._carried_motion(s, c, decision, motion_id)
        day = decided_on or min(meeting.meets_on, self.today())
        if day > self.today():
            raise ValidationError("A Panel decision cannot be dated in the future.")
        old = s.get(PanelDecisionRecord, supersedes_id) if supersedes_id else None
        d = PanelDecisionRecord(
            case_id=c.id, meeting_id=meeting.id, educator_id=c.educator_id, decision=PanelDecision(decision).value,
            final_ratings=dict(ratings), final_overall=overall, rationale=(rationale or "").strip() or None,
            decided_on=day, motion_id=motion.id, recommendation_id=rec.id if rec else None,
            version_no=(old.version_no + 1) if old else 1, supersedes_id=old.id if old else None,
            revision_reason=(revision_reason or "").strip() or None, status=DocumentStatus.FINAL.value,
            recorded_by=self._recorder(s), recorded_at=clock.now(), audience=c.audience)
        s.add(d)
        if old is not None:
            self._audit(s, "panel_decision_revised", record_type="panel_decision", record_id=old.id,
                        educator_id=c.educator_id, detail={"superseded_by": d.id, "version": d.version_no,
                                                           "decision": d.decision, "reason": d.revision_reason,
                                                           "was": old.decision})
        return d

    def _carried_motion(self, s: Session, c: PanelCase, decision: str, motion_id: str | None) -> PanelMotion:
        if motion_id is not None:
            m = self.get(s, PanelMotion, motion_id, what="Motion")
            if m.case_id != c.id:
                raise ValidationError("That motion was on another case.")
        else:
            carried = [m for m in s.scalars(self.live(PanelMotion).where(PanelMotion.case_id == c.id,
                                                                          PanelMotion.carried.is_(True)))
                       if m.decision in (None, decision)]
            if not carried:
                raise RuleViolation("Record the motion and the Panel's vote first: a decision follows a motion "
                                    "that carried with a quorum present.")
            m = max(carried, key=lambda x: x.recorded_at)
        if not m.carried:
            raise RuleViolation(f"That motion did not carry ({m.votes_for} for, {m.votes_against} against): "
                                "the Panel did not decide.")
        if m.decision not in (None, decision):
            raise RuleViolation(f"The motion that carried was to “{label(m.decision)}”, not “{label(decision)}”.")
        return m

    def _recommendation(self, s: Session, educator_id: str, recommendation_id: str | None) -> AssessmentDocument | None:
        """The CT's finalized summative recommendation the Panel considers (the named one, else the latest)."""
        if recommendation_id:
            doc = self.get(s, AssessmentDocument, recommendation_id, what="Summative recommendation")
            if doc.educator_id != educator_id or doc.kind != DocumentKind.SUMMATIVE:
                raise ValidationError("That document is not this educator's summative recommendation.")
            if doc.status != DocumentStatus.FINAL:
                raise RuleViolation("The Panel considers a finalized summative recommendation: finalize it first.")
            return doc
        docs = list(s.scalars(self.live(AssessmentDocument).where(
            AssessmentDocument.educator_id == educator_id, AssessmentDocument.kind == DocumentKind.SUMMATIVE.value,
            AssessmentDocument.status == DocumentStatus.FINAL.value).order_by(AssessmentDocument.finalized_at)))
        replaced = {d.supersedes_id for d in docs}
        current = [d for d in docs if d.id not in replaced]
        return current[-1] if current else None

    def _decisions(self, s: Session, educator_id: str) -> list[PanelDecisionRecord]:
        return sorted(s.scalars(self.live(PanelDecisionRecord).where(PanelDecisionRecord.educator_id == educator_id)),
                      key=lambda d: (d.version_no, d.recorded_at))

    def _current_for_educator(self, s: Session, educator_id: str) -> PanelDecisionRecord | None:
        ds = self._decisions(s, educator_id)
        replaced = {d.supersedes_id for d in ds if d.supersedes_id}
        current = [d for d in ds if d.id not in replaced]
        return current[-1] if current else None

    def _current_on_case(self, s: Session, case_id: str) -> PanelDecisionRecord | None:
        ds = list(s.scalars(self.live(PanelDecisionRecord).where(PanelDecisionRecord.case_id == case_id)))
        if not ds:
            return None
        replaced = {x.supersedes_id for x in s.scalars(self.live(PanelDecisionRecord).where(
            PanelDecisionRecord.educator_id == ds[0].educator_id)) if x.supersedes_id}
        current = [d for d in ds if d.id not in replaced]
        return max(current or ds, key=lambda d: d.version_no)

    def decision(self, decision_id: str) -> PanelDecisionRecord:
        with self.session() as s:
            return self.get(s, PanelDecisionRecord, decision_id, what="Panel decision")

    def current_decision(self, educator_id: str) -> PanelDecisionRecord | None:
        with self.session() as s:
            return self._current_for_educator(s, educator_id)

    def decision_history(self, educator_id: str) -> list[PanelDecisionRecord]:
        """Every version of the Panel's decisions on this educator, oldest first."""
        with self.session() as s:
            return self._decisions(s, educator_id)

    def recommendation(self, case_id: str) -> AssessmentDocument | None:
        with self.session() as s:
            c = self.get(s, PanelCase, case_id, what="Panel case")
            try:
                return self._recommendation(s, c.educator_id, c.recommendation_id)
            except (NotFound, RuleViolation, ValidationError):
                return None

    # --- the meeting record (minutes) -----------------------------------------------------------------------

    def meeting_record(self, meeting_id: str) -> MeetingRecord:
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            items = tuple(self._item(s, c) for c in self._ordered(s, m.id))
            decisions = sorted(s.scalars(self.live(PanelDecisionRecord).where(
                PanelDecisionRecord.meeting_id == m.id)), key=lambda d: d.recorded_at)
            educators = {d.educator_id for d in decisions}
            everything = [x for e in educators for x in self._decisions(s, e)]
            superseded = frozenset(x.supersedes_id for x in everything if x.supersedes_id)
            here = {d.id for d in decisions}
            revised = tuple(x for x in everything if x.id in {d.supersedes_id for d in decisions} and x.id not in here)
            return MeetingRecord(m, self._attendance(s, m.id), self._quorum(s, m), self._majority(s, m), items,
                                 tuple(decisions), superseded, revised)

    # --- shared -------------------------------------------------------------------------------------------

    def _recorder(self, s: Session) -> str:
        """Who records: a Panel member's device records in its user's name (esp-central checks it); else the
        CT (their profile name)."""
        sync = s.get(Meta, "sync")
        state = dict(sync.value) if sync is not None else {}
        if state.get("role") == "panel" and state.get("user"):
            return str(state["user"])
        p = s.scalars(self.live(CTProfile).order_by(CTProfile.created_at)).first()
        return p.name if p else self._svc.actor.name

    def recorder(self) -> str:
        with self.session() as s:
            return self._recorder(s)

    def _audit(self, s: Session, action: str, *, record_type: str | None = None, record_id: str | None = None,
               educator_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
        s.add(AuditEvent(at=clock.now(), actor=self._svc.actor.name, action=action, record_type=record_type,
                         record_id=record_id, educator_id=educator_id, detail=detail or {}))


def _names(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        n = " ".join(str(n).split())
        if n and n.casefold() not in {x.casefold() for x in out}:
            out.append(n)
    return out
