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

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast, overload

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
from ..widgets.fields import MessageBar, Report
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


T = TypeVar("T", bound=QWidget)


class LazyTab(Generic[T]):
    """One of the page's tabs, built the first time it is shown or used (reading ``page.<name>`` builds it) and
    then loaded with the open educator: building all eleven at once cost ~11 MB of widgets (issue 15)."""

    def __init__(self, make: Callable[[EducatorPage], T], icon_name: str, title: str) -> None:
        self.make, self.icon_name, self.title = make, icon_name, title
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, page: None, owner: type | None = None) -> LazyTab[T]: ...
    @overload
    def __get__(self, page: EducatorPage, owner: type | None = None) -> T: ...
    def __get__(self, page: EducatorPage | None, owner: type | None = None) -> LazyTab[T] | T:
        if page is None:
            return self
        return cast(T, page._tab(self))


def _opens_records(page: EducatorPage, tab: T) -> T:
    tab.openRequested.connect(page.open_record)  # type: ignore[attr-defined]
    return tab


def _cycle_step(page: EducatorPage, tab: T) -> T:
    tab.clear_message = page.message.hide  # type: ignore[attr-defined]
    return tab


class EducatorPage(QWidget):
    educatorGone = Signal()  # the open educator was removed elsewhere (demo data removed, sync)
    ctx: AppContext
    report: Report
    copies: OpenedCopies
    message: MessageBar

    overview = LazyTab(lambda p: _opens_records(p, OverviewTab(p.ctx, p.report)), "layout-dashboard", "&Overview")
    observations = LazyTab(lambda p: ObservationsTab(p.ctx, p.report), "notebook-pen", "O&bservations")
    evidence = LazyTab(lambda p: EvidenceTab(p.ctx, p.report, p.copies), "paperclip", "&Evidence")
    coaching = LazyTab(lambda p: CoachingTab(p.ctx, p.report), "handshake", "&Coaching log")
    contacts = LazyTab(lambda p: ContactsTab(p.ctx, p.report), "message-square", "Co&ntacts")
    self_assessment = LazyTab(lambda p: _cycle_step(p, SelfAssessmentTab(p.ctx, p.report)), "user",
                              "Se&lf-assessment")
    plan = LazyTab(lambda p: _cycle_step(p, PlanTab(p.ctx, p.report)), "target", "E&ducator plan")
    assessments = LazyTab(lambda p: AssessmentsTab(p.ctx, p.report), "scale", "&Assessments")
    learning = LazyTab(lambda p: _opens_records(p, LearningTab(p.ctx, p.report)), "graduation-cap", "Learn&ing")
    progress = LazyTab(lambda p: _cycle_step(p, ProgressTab(p.ctx, p.report)), "file-text", "Progress &reports")
    history = LazyTab(lambda p: _opens_records(p, HistoryTab(p.ctx, p.report)), "history",
                      "Histor&y")  # Alt+H is the Help menu
    TABS: tuple[LazyTab[Any], ...] = (overview, observations, evidence, coaching, contacts, self_assessment, plan,
                                      assessments, learning, progress, history)
    # the tabs that list one record type each, and steps 1-2 of the cycle and the reports to the Panel, by the
    # record type each shows
    RECORD_TABS = {"evidence": "evidence", "coaching": "coaching", "contact": "contacts"}
    CYCLE_TABS = {"self_assessment": "self_assessment", "educator_plan": "plan", "progress_report": "progress"}

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
        self.report = self.message.show_error

        self.copies = OpenedCopies()  # decrypted attachment copies, deleted on clear/lock/quit
        self.built: dict[str, Any] = {}  # the tabs built so far, by name
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Educator sections")
        self.tabs.setDocumentMode(True)
        for spec in self.TABS:  # an empty stand-in until the tab is first shown
            self.tabs.addTab(QWidget(), icon(spec.icon_name), spec.title)
        self.tabs.currentChanged.connect(lambda i: self._tab(self.TABS[i]))

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

    def _tab(self, spec: LazyTab[Any]) -> Any:
        """The tab, built in its stand-in's place (and loaded) if this is its first use."""
        tab = self.built.get(spec.name)
        if tab is None:
            tab = self.built[spec.name] = spec.make(self)
            i, current = self.TABS.index(spec), self.tabs.currentIndex()
            stand_in, tab_icon = self.tabs.widget(i), self.tabs.tabIcon(i)
            blocked = self.tabs.blockSignals(True)  # the swap is not a change of tab
            self.tabs.removeTab(i)
            self.tabs.insertTab(i, tab, tab_icon, spec.title)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(blocked)
            stand_in.deleteLater()
            if self.educator_id:
                try:
                    tab.load(self.educator_id)
                except Exception as exc:  # noqa: BLE001 - e.g. the educator was removed elsewhere meanwhile
                    self.message.show_error(exc)
        return tab

    def _built(self, *names: str) -> list[Any]:
        """Those of these tabs built so far (a tab not built yet has nothing to save, clear or refresh)."""
        return [self.built[name] for name in names if name in self.built]

    # --- public interface
    def show_educator(self, educator_id: str) -> None:
        self.save_pending()
        self.clear()
        self.educator_id = educator_id
        self._show_title()
        for tab in self.built.values():  # the others load when first shown
            tab.load(educator_id)
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
        for tab in self._built("observations", *self.RECORD_TABS.values(), "assessments", *self.CYCLE_TABS.values()):
            tab.save_pending()

    # --- drafts: the exact place and what was typed, kept while locked (ui/widgets/drafts.py)
    def draft_state(self) -> dict[str, Any] | None:
        if not self.educator_id:
            return None
        observations, assessments = self.built.get("observations"), self.built.get("assessments")
        return {
            "educator_id": self.educator_id,
            "tab": self.tabs.currentIndex(),
            "observations": observations.draft_state() if observations else None,
            "records": {rtype: self.built[name].draft_state()
                        for rtype, name in self.RECORD_TABS.items() if name in self.built},
            "assessments": assessments.draft_state() if assessments and assessments.rating_forms_offered else None,
        }

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.show_educator(state["educator_id"])
        for rtype, tab_state in (state.get("records") or {}).items():
            if rtype in self.RECORD_TABS and tab_state:
                getattr(self, self.RECORD_TABS[rtype]).restore_draft(tab_state)
        if state.get("assessments"):
            self.assessments.restore_draft(state["assessments"])
        self.tabs.setCurrentIndex(int(state.get("tab") or 0))
        if state.get("observations"):
            self.observations.restore_draft(state["observations"])

    def clear(self) -> None:
        self.educator_id = None
        self.title.clear()
        self.subtitle.clear()
        self.message.clear()
        self.message.hide()
        for tab in self.built.values():
            tab.clear()
        self.copies.cleanup()

    def export_pdf(self) -> None:
        """Open the export dialog for this educator (the selected observation preselected)."""
        if not self.educator_id or self.ctx.services is None:
            return
        self.save_pending()  # export what the CT sees, including edits not yet saved
        obs_id = None
        if (tab := self.built.get("observations")) is not None:  # not built: no observation chosen
            obs = tab.model.record(tab.table.currentIndex().row())
            obs_id = tab.capture.obs.id if tab.capture.obs is not None else (obs.id if obs else None)
        ExportDialog(self.ctx, self.educator_id, observation_id=obs_id, parent=self).exec()

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
        if record_type in self.CYCLE_TABS:
            ctab = getattr(self, self.CYCLE_TABS[record_type])
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
        elif record_type in self.RECORD_TABS:
            tab = getattr(self, self.RECORD_TABS[record_type])
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
        try:  # a tab not built yet loads what is current when first shown
            if changes.touches("educator", "enrolment"):
                self._show_title()
            if changes.touches(*OVERVIEW_TYPES):
                for tab in self._built("overview"):
                    tab.refresh()
            for tab in self._built("observations"):
                if changes.touches("observation", "site"):
                    tab.refresh()
                tab.capture.store_changed(changes)
            for rtype, name in self.RECORD_TABS.items():
                if changes.touches(rtype):
                    for tab in self._built(name):
                        tab.refresh()
            if changes.touches(*ASSESSMENT_TYPES):
                for tab in self._built("assessments"):
                    tab.refresh()
            for tab in self._built("learning"):
                tab.store_changed(changes)
            for ctype, name in self.CYCLE_TABS.items():
                if changes.touches(ctype, "goal", "prescription", "enrolment", "evaluation_cycle"):
                    for tab in self._built(name):
                        tab.refresh()
            if changes.types - {"script_note"}:
                for tab in self._built("history"):
                    tab.load(self.educator_id)
        except Exception as exc:  # noqa: BLE001 - e.g. the educator was removed elsewhere meanwhile
            self.message.show_error(exc)
