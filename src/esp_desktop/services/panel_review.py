"""The Panel's view of the caseload: every case due for a meeting and what is missing for each.

A case is due when it is on the meeting's agenda, or when it is a PAR case whose summative falls due by the
meeting, or whose last Panel decision deferred it. What can be missing: the progress reports due by the meeting,
the finalized summative recommendation (PAR), and a packet generated after the case's last change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import timefmt
from ..core.enums import DocumentKind, DocumentStatus, EnrolmentStatus, PanelDecision, Program
from ..store.models import AssessmentDocument, AuditEvent, Educator, EvaluationCycle, PanelCase, PanelMeeting
from .base import Service

# Changes that do not alter what the packet shows (putting a case on an agenda, the meeting's own records).
_NOT_IN_PACKET = ("panel_case", "panel_meeting", "panel_motion", "panel_attendance", "panel_member")
_CHANGES = ("create", "update", "delete", "remote_create", "remote_update", "remote_delete")
PACKET = "panel-packet"


@dataclass(frozen=True)
class CaseReadiness:
    educator_id: str
    educator_name: str
    program: str | None
    on_agenda: bool
    case_id: str | None
    why_due: str  # "On the agenda", "Summative due 2027-01-04", "Deferred on ..."
    missing: tuple[str, ...] = field(default_factory=tuple)
    packet_at: datetime | None = None

    @property
    def ready(self) -> bool:
        return not self.missing


class PanelReviewService(Service):
    def due_cases(self, meeting_id: str) -> list[CaseReadiness]:
        with self.session() as s:
            m = self.get(s, PanelMeeting, meeting_id, what="Panel meeting")
            on_agenda = {c.educator_id: c for c in s.scalars(self.live(PanelCase).where(
                PanelCase.meeting_id == m.id))}
            why: dict[str, str] = {e: "On the agenda" for e in on_agenda}
            for e in s.scalars(self.live(Educator)):
                if e.id in why:
                    continue
                en = self._svc.caseload.active_enrolment_in(s, e.id)
                if en is None or en.status != EnrolmentStatus.ENROLLED:
                    continue
                current = self._svc.panel._current_for_educator(s, e.id)
                if current is not None and current.decision == PanelDecision.DEFER and current.meeting_id != m.id:
                    why[e.id] = f"Deferred on {timefmt.screen_date(current.decided_on)}"
                    continue
                if en.program != Program.PAR:
                    continue
                cycle = self._svc.compliance.cycle_on_in(s, e.id, m.meets_on)
                if (cycle is not None and cycle.summative_due_on is not None and cycle.summative_due_on <= m.meets_on
                        and (current is None or current.decided_on < cycle.start_on)):
                    why[e.id] = f"Summative due {timefmt.screen_date(cycle.summative_due_on)}"
            out = []
            for educator_id, reason in why.items():
                e = s.get(Educator, educator_id)
                if e is None or e.deleted:
                    continue
                program = self._svc.caseload.program_of(s, educator_id)
                missing, packet_at = self._missing(s, e, program, m)
                case = on_agenda.get(educator_id)
                out.append(CaseReadiness(educator_id, e.display_name, program, case is not None,
                                         case.id if case else None, reason, tuple(missing), packet_at))
        return sorted(out, key=lambda r: (not r.on_agenda, r.educator_name.casefold()))

    def _missing(self, s: Session, e: Educator, program: str | None, m: PanelMeeting) -> tuple[list[str], datetime | None]:
        missing: list[str] = []
        if program == Program.PAR:
            cycle = self._svc.compliance.cycle_on_in(s, e.id, m.meets_on)
            if cycle is not None:
                sched = self._svc.progress._schedule(s, e, cycle, self.today())
                late = [slot for slot in sched.slots if slot.sent_on is None and slot.due_on <= m.meets_on]
                if late:
                    since = f" since {timefmt.screen_date(sched.last_sent)}" if sched.last_sent else ""
                    missing.append(f"No recent progress report{since} (due {timefmt.screen_date(late[0].due_on)})")
                if not self._summative_final(s, e.id, cycle):
                    missing.append("Summative recommendation not finalized")
            else:
                missing.append("No evaluation cycle")
        packet_at = self._last_packet(s, e.id)
        changed_at = s.scalar(select(func.max(AuditEvent.at)).where(
            AuditEvent.educator_id == e.id, AuditEvent.action.in_(_CHANGES),
            AuditEvent.record_type.not_in(_NOT_IN_PACKET)))
        if packet_at is None:
            missing.append("No packet generated yet")
        elif changed_at is not None and changed_at > packet_at:
            missing.append(f"Packet not regenerated since changes ({timefmt.screen_date(changed_at)})")
        return missing, packet_at

    def _summative_final(self, s: Session, educator_id: str, cycle: EvaluationCycle) -> bool:
        return s.scalars(self.live(AssessmentDocument).where(
            AssessmentDocument.educator_id == educator_id,
            AssessmentDocument.kind == DocumentKind.SUMMATIVE.value,
            AssessmentDocument.status == DocumentStatus.FINAL.value,
            (AssessmentDocument.cycle_id == cycle.id) | AssessmentDocument.cycle_id.is_(None))).first() is not None

    @staticmethod
    def _last_packet(s: Session, educator_id: str) -> datetime | None:
        exports = s.scalars(select(AuditEvent).where(AuditEvent.educator_id == educator_id,
                                                     AuditEvent.action == "export_pdf")
                            .order_by(AuditEvent.seq.desc()))
        return next((a.at for a in exports if (a.detail or {}).get("document") == PACKET), None)

    def next_meeting_on(self, today: date | None = None) -> date:
        return self._svc.panel.default_date(today=today)
