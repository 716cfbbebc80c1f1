"""The educator page: tabs for Overview, Observations, Evidence, Coaching log, Contacts, Assessments, Learning,
History.

Interface used by the main window (keep it stable):
    page = EducatorPage(ctx, parent)
    page.show_educator(educator_id)          # load an educator
    page.open_record(record_type, record_id) # switch to the right tab and select/open that record
    page.save_pending()                      # flush unsaved edits (called before locking)
    page.clear()                             # drop every widget's caseload data (called on lock)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.enums import label
from ...services.vault import Changes
from ..assessments.tab import AssessmentsTab
from ..context import AppContext
from ..export.dialog import ExportDialog
from ..widgets.elide import ElidedLabel
from ..widgets.fields import MessageBar
from ..widgets.icons import icon
from ..widgets.tempfiles import OpenedCopies
from .cycle import PlanTab, ProgressTab, SelfAssessmentTab
from .evidence import EvidenceTab
from .history import HistoryTab
from .learning import LearningTab
from .observations import ObservationsTab
from .overview import OverviewTab
from .support import CoachingTab, ContactsTab

# Which tabs show which record types (for refreshes after ctx.storeChanged and for open_record).
OVERVIEW_TYPES = (
    "educator",
    "enrolment",
    "evaluation_cycle",
    "observation",
    "goal",
    "goal_progress",
    "prescription",
    "assessment",
    "site",
    "person",
)
ASSESSMENT_TYPES = ("assessment", "acknowledgement", "educator_response", "enrolment", "evidence")


class EducatorPage(QWidget):
    educatorGone = Signal()  # the open educator was removed elsewhere (demo data removed, sync)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.educator_id: str | None = None
        self.title = ElidedLabel()  # long names elide, with the full name on hover
        self.title.setAccessibleName("Educator")
        self.title.setObjectName("pageTitle")
        self.subtitle = ElidedLabel()
        self.subtitle.setObjectName("muted")
        self.message = MessageBar(self)
        report = self.message.show_error

        self.copies = OpenedCopies()  # decrypted attachment copies, deleted on clear/lock/quit
        self.overview = OverviewTab(ctx, report)
        self.observations = ObservationsTab(ctx, report)
        self.evidence = EvidenceTab(ctx, report, self.copies)
        self.coaching = CoachingTab(ctx, report)
        self.contacts = ContactsTab(ctx, report)
        self.assessments = AssessmentsTab(ctx, report)
        self.history = HistoryTab(ctx, report)
        self.learning = LearningTab(ctx, report)
        self.self_assessment = SelfAssessmentTab(ctx, report)
        self.plan = PlanTab(ctx, report)
        self.progress = ProgressTab(ctx, report)
        # steps 1-2 of the cycle and the reports to the Panel, by the record type each shows
        self.cycle_tabs = {"self_assessment": self.self_assessment, "educator_plan": self.plan,
                           "progress_report": self.progress}
        for ctab in self.cycle_tabs.values():
            ctab.clear_message = self.message.hide
        # the tabs that list one record type each, by that type
        self.record_tabs = {"evidence": self.evidence, "coaching": self.coaching, "contact": self.contacts}
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Educator sections")
        self.tabs.setDocumentMode(True)
        for w, ic, text in (
            (self.overview, "layout-dashboard", "&Overview"),
            (self.observations, "notebook-pen", "O&bservations"),
            (self.evidence, "paperclip", "&Evidence"),
            (self.coaching, "handshake", "&Coaching log"),
            (self.contacts, "message-square", "Co&ntacts"),
            (self.self_assessment, "user", "Se&lf-assessment"),
            (self.plan, "target", "E&ducator plan"),
            (self.assessments, "scale", "&Assessments"),
            (self.learning, "graduation-cap", "Learn&ing"),
            (self.progress, "file-text", "Progress &reports"),
            (self.history, "history", "Histor&y"),  # Alt+H is the Help menu
        ):
            self.tabs.addTab(w, icon(ic), text)
        self.overview.openRequested.connect(self.open_record)
        self.history.openRequested.connect(self.open_record)
        self.learning.openRequested.connect(self.open_record)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.subtitle, 1)
        self.export_btn = QPushButton(icon("file-down"), "Export PDF…")
        self.export_btn.setAccessibleName("Export PDF")
        self.export_btn.setToolTip("Panel packet, assessments or an observation report as a PDF")
        self.export_btn.clicked.connect(self.export_pdf)
        head.addWidget(self.export_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.message)
        lay.addWidget(self.tabs, 1)
        ctx.storeChanged.connect(self._on_changed)
        ctx.storeLocked.connect(self.copies.cleanup)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.copies.cleanup)

    # --- public interface
    def show_educator(self, educator_id: str) -> None:
        self.save_pending()
        self.clear()
        self.educator_id = educator_id
        self._show_title()
        self.overview.load(educator_id)
        self.observations.load(educator_id)
        for tab in self.record_tabs.values():
            tab.load(educator_id)
        self.assessments.load(educator_id)
        self.learning.load(educator_id)
        for ctab in self.cycle_tabs.values():
            ctab.load(educator_id)
        self.history.load(educator_id)
        self.tabs.setCurrentWidget(self.overview)

    def _show_title(self) -> None:
        if not self.educator_id:
            return
        svc = self.ctx.svc
        e = svc.caseload.educator(self.educator_id)
        en = svc.caseload.enrolment(self.educator_id)
        self.title.setText(e.display_name)
        bits = [e.role_subject or "", e.grade_band or "", label(en.program) if en else ""]
        self.subtitle.setText("  ·  ".join(b for b in bits if b))

    def open_record(self, record_type: str, record_id: str) -> None:
        try:
            educator_id = self._educator_of(record_type, record_id)
            if educator_id and educator_id != self.educator_id:
                self.show_educator(educator_id)
            self._open(record_type, record_id)
        except Exception as exc:  # noqa: BLE001 - e.g. a record deleted meanwhile
            self.message.show_error(exc)

    def save_pending(self) -> None:
        self.observations.save_pending()
        for tab in self.record_tabs.values():
            tab.save_pending()
        self.assessments.save_pending()
        for ctab in self.cycle_tabs.values():
            ctab.save_pending()

    # --- drafts: the exact place and what was typed, kept while locked (ui/widgets/drafts.py)
    def draft_state(self) -> dict[str, Any] | None:
        if not self.educator_id:
            return None
        return {
            "educator_id": self.educator_id,
            "tab": self.tabs.currentIndex(),
            "observations": self.observations.draft_state(),
            "records": {rtype: tab.draft_state() for rtype, tab in self.record_tabs.items()},
            "assessments": self.assessments.draft_state() if self.assessments.rating_forms_offered else None,
        }

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.show_educator(state["educator_id"])
        for rtype, tab_state in (state.get("records") or {}).items():
            if rtype in self.record_tabs and tab_state:
                self.record_tabs[rtype].restore_draft(tab_state)
        if state.get("assessments"):
            self.assessments.restore_draft(state["assessments"])
        self.tabs.setCurrentIndex(int(state.get("tab") or 0))
        self.observations.restore_draft(state.get("observations") or {})

    def clear(self) -> None:
        self.educator_id = None
        self.title.clear()
        self.subtitle.clear()
        self.message.clear()
        self.message.hide()
        self.overview.clear()
        self.observations.clear()
        for tab in self.record_tabs.values():
            tab.clear()
        self.assessments.clear()
        self.learning.clear()
        for ctab in self.cycle_tabs.values():
            ctab.clear()
        self.history.clear()
        self.copies.cleanup()

    def export_pdf(self) -> None:
        """Open the export dialog for this educator (the selected observation preselected)."""
        if not self.educator_id or self.ctx.services is None:
            return
        self.save_pending()  # export what the CT sees, including edits not yet saved
        obs = self.observations.model.record(self.observations.table.currentIndex().row())
        obs_id = self.observations.capture.obs.id if self.observations.capture.obs is not None else None
        ExportDialog(self.ctx, self.educator_id, observation_id=obs_id or (obs.id if obs else None), parent=self).exec()

    # --- internals
    def _educator_of(self, record_type: str, record_id: str) -> str | None:
        """Whose record is this? (The audit trail knows it for every record type.)"""
        if record_type == "educator":
            return record_id
        if record_type == "observation":
            return self.ctx.svc.observations.observation(record_id).educator_id
        hist = self.ctx.svc.audit.history(record_id=record_id, limit=1)
        return hist[0].educator_id if hist and hist[0].educator_id else self.educator_id

    def _open(self, record_type: str, record_id: str) -> None:
        if record_type in self.cycle_tabs:
            ctab = self.cycle_tabs[record_type]
            self.tabs.setCurrentWidget(ctab)
            ctab.load(self.educator_id or "", record_id)
        elif record_type == "educator":
            self.tabs.setCurrentWidget(self.overview)
        elif record_type == "observation":
            self.tabs.setCurrentWidget(self.observations)
            self.observations.open_observation(record_id)
        elif record_type == "script_note":
            obs_id = self._observation_of_note(record_id)
            self.tabs.setCurrentWidget(self.observations)
            if obs_id:
                self.observations.open_observation(obs_id, note_id=record_id)
        elif record_type in self.record_tabs:
            tab = self.record_tabs[record_type]
            self.tabs.setCurrentWidget(tab)
            tab.select(record_id)
            tab.table.setFocus()
        elif record_type in ("assessment", "acknowledgement", "educator_response"):
            self.tabs.setCurrentWidget(self.assessments)
            if record_type == "assessment":
                self.assessments.select(record_id)
        elif record_type == "attachment":
            self.tabs.setCurrentWidget(self.evidence)
        elif record_type in ("learning_priority", "learning_match"):
            self.tabs.setCurrentWidget(self.learning)
        elif record_type in ("goal", "goal_progress", "prescription"):
            self.tabs.setCurrentWidget(self.overview)
            self.overview.select(record_type, record_id)
        else:
            self.tabs.setCurrentWidget(self.history)

    def _observation_of_note(self, note_id: str) -> str | None:
        if not self.educator_id:
            return None
        svc = self.ctx.svc
        for o in svc.observations.for_educator(self.educator_id):
            if any(n.id == note_id for n in svc.observations.notes(o.id)):
                return o.id
        return None

    def _on_changed(self, changes: Changes) -> None:
        """Refresh the tabs that show what changed (whoever changed it: this page, another screen, sync)."""
        if not self.educator_id or self.ctx.services is None or not changes.concerns(self.educator_id):
            return
        if changes.has("educator", self.educator_id) and not any(
                e.id == self.educator_id for e in self.ctx.svc.caseload.educators()):
            self.save_pending()
            self.clear()
            self.educatorGone.emit()
            return
        try:
            if changes.touches("educator", "enrolment"):
                self._show_title()
            if changes.touches(*OVERVIEW_TYPES):
                self.overview.refresh()
            if changes.touches("observation", "site"):
                self.observations.refresh()
            self.observations.capture.store_changed(changes)
            for rtype, tab in self.record_tabs.items():
                if changes.touches(rtype):
                    tab.refresh()
            if changes.touches(*ASSESSMENT_TYPES):
                self.assessments.refresh()
            self.learning.store_changed(changes)
            for ctype, ctab in self.cycle_tabs.items():
                if changes.touches(ctype, "goal", "prescription", "enrolment", "evaluation_cycle"):
                    ctab.refresh()
            if changes.types - {"script_note"}:
                self.history.load(self.educator_id)
        except Exception as exc:  # noqa: BLE001 - e.g. the educator was removed elsewhere meanwhile
            self.message.show_error(exc)
