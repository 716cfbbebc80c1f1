"""The caseload screen: every educator with program, status, sites, plan, next due item and late flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.enums import EnrolmentStatus, Program, label
from ...services import CaseloadRow
from ...services.vault import Changes
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_reporter, page_title
from ..widgets.fields import FitColumns
from ..widgets.icons import icon
from ..widgets.write import ui_write
from .dialogs import EducatorDialog, EndDialog, EnrolDialog, IntakeDialog, ReferDialog
from .model import ROW_ROLE, CaseloadFilter, CaseloadModel

if TYPE_CHECKING:
    from ...services.caseload import CaseloadScreen

OPEN = (EnrolmentStatus.REFERRED, EnrolmentStatus.INTAKE_SCHEDULED, EnrolmentStatus.ENROLLED)
# what the table shows: names, programs, sites, plans, next due items and the cap
SHOWN_TYPES = ("educator", "enrolment", "intake_meeting", "evaluation_cycle", "observation", "assessment", "site",
               "ct_profile")


class CaseloadPage(QWidget):
    loaded = Signal()  # the table shows the store's educators (after each load)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = CaseloadModel(self)
        self.proxy = CaseloadFilter(self)
        self.proxy.setSourceModel(self.model)
        self._select_after: str | None = None

        self.cap = QLabel()
        self.cap.setObjectName("capIndicator")
        self.cap.setAccessibleName("Caseload indicator")
        self.cap.setToolTip("Active PA and PAR educators / your caseload cap")
        self.site = self._combo("Site filter", "All sites")
        self.program = self._combo("Program filter", "All programs")
        for p in Program:
            self.program.addItem(label(p.value), p.value)
        self.status = self._combo("Status filter", "All statuses")
        for st in EnrolmentStatus:
            self.status.addItem(label(st.value), st.value)
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter by name")
        self.filter_text.setAccessibleName("Filter by name")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.ended = QCheckBox("Show ended")
        self.ended.setAccessibleName("Show ended enrolments")
        self.ended.toggled.connect(lambda _on: self.refresh())
        self.archived = QCheckBox("Show archived")
        self.archived.setAccessibleName("Show archived educators")
        self.archived.toggled.connect(lambda _on: self.refresh())

        self.table = QTableView()
        self.table.setAccessibleName("Caseload table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (one Tab stop); arrows move inside
        self.table.verticalHeader().hide()
        # Every column stays on screen at 1024 pixels; what does not fit is elided and shows in full on hover.
        self.fit = FitColumns(self.table, grow=(3, 5))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())  # Enter key
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.b_add = self._button("Add educator…", "user-plus", self.add_educator)
        self.b_roster = self._button("Import roster…", "file-input", self.import_roster)
        self.b_roster.setToolTip("Add educators and schools from the district's CSV or Excel roster (preview first)")
        self.b_edit = self._button("Edit…", "pencil", self.edit_educator)
        self.b_refer = self._button("Refer…", "file-input", self.refer, "Ctrl+Shift+R")
        self.b_intake = self._button("Intake…", "handshake", self.record_intake, "Ctrl+Shift+I")
        self.b_enrol = self._button("Enrol…", "circle-check", self.enrol, "Ctrl+Shift+E")
        self.b_open = self._button("Open", "chevron-right", self.open_selected)
        self.b_more = self._button("More", "chevron-down", lambda: None)
        self.b_more.setAccessibleName("More actions")
        self.more = QMenu(self.b_more)
        self.act_complete = self.more.addAction(icon("flag"), "Complete…", lambda: self.end(exiting=False))
        self.act_exit = self.more.addAction(icon("log-out"), "Exit from program…", lambda: self.end(exiting=True))
        self.more.addSeparator()
        self.act_remove = self.more.addAction(icon("archive"), "Remove or archive…", self.remove_or_archive)
        self.act_unarchive = self.more.addAction(icon("refresh-cw"), "Bring back from archive", self.unarchive)
        self.b_more.setMenu(self.more)

        top = QHBoxLayout()
        top.addWidget(page_title("Caseload"))
        top.addWidget(self.cap)
        top.addStretch(1)
        top.addWidget(self.ended)
        top.addWidget(self.archived)
        top.addSpacing(12)
        top.addWidget(self.b_roster)
        top.addWidget(self.b_add)
        filters = QHBoxLayout()
        self.filter_text.setMinimumWidth(170)
        for w in (self.filter_text, self.site, self.program, self.status):
            filters.addWidget(w)
        filters.addStretch(1)
        actions = QHBoxLayout()
        for b in (
            self.b_open,
            self.b_edit,
            self.b_refer,
            self.b_intake,
            self.b_enrol,
            self.b_more,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addLayout(filters)
        lay.addWidget(self.table, 1)
        lay.addLayout(actions)
        self.setTabOrder(self.filter_text, self.site)
        self.setTabOrder(self.site, self.program)
        self.setTabOrder(self.program, self.status)
        self.setTabOrder(self.status, self.ended)
        self.setTabOrder(self.ended, self.archived)
        self.setTabOrder(self.archived, self.table)

        ctx.storeUnlocked.connect(self.refresh)
        ctx.storeLocked.connect(self.clear)
        ctx.storeChanged.connect(self._store_changed)
        self._update_buttons()

    # --- building blocks ----------------------------------------------------------------------------------

    def _combo(self, name: str, any_text: str) -> QComboBox:
        c = QComboBox()
        c.setAccessibleName(name)
        c.addItem(any_text, None)
        c.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(
                site=self.site.currentData(),
                program=self.program.currentData(),
                status=self.status.currentData(),
            )
        )
        return c

    def _button(self, text: str, icon_name: str, slot, shortcut: str | None = None) -> QPushButton:  # noqa: ANN001
        b = QPushButton(icon(icon_name), text)
        b.setAccessibleName(text.rstrip("…"))
        b.clicked.connect(slot)
        if shortcut:
            b.setShortcut(QKeySequence(shortcut))
            b.setToolTip(f"{text.rstrip('…')} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        return b

    # --- data ---------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.ctx.services is None:
            return
        svc = self.ctx.services
        include_ended, include_archived = self.ended.isChecked(), self.archived.isChecked()

        def load():  # noqa: ANN202 - off the GUI thread
            return svc.caseload.screen(include_ended=include_ended, include_archived=include_archived)

        tasks.run_in_background(self, load, on_done=self._loaded, on_error=error_reporter(self, self.ctx))

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches(*SHOWN_TYPES):
            self.refresh()

    def _loaded(self, result: CaseloadScreen) -> None:
        if self.ctx.services is None:  # locked while loading: drop the result
            return
        rows, active, cap, sites = result.rows, result.active, result.cap, result.sites
        selected = self.selected_row()
        keep = self._select_after or (selected.educator.id if selected else None)
        self._select_after = None
        self.model.plan_name = self.ctx.services.rubric.plan_type_name
        self.model.set_rows(rows)
        current_site = self.site.currentData()
        self.site.blockSignals(True)
        while self.site.count() > 1:
            self.site.removeItem(1)
        for s in sites:
            self.site.addItem(s.name, s.name)
        self.site.setCurrentIndex(max(0, self.site.findData(current_site)))
        self.site.blockSignals(False)
        self.set_cap(active, cap)
        if keep:
            self.select_educator(keep)
        self._update_buttons()
        self.loaded.emit()

    def set_cap(self, active: int, cap: int) -> None:
        self.cap.setText(f"{active} / {cap}")
        self.cap.setProperty("state", "over" if active > cap else "full" if active == cap else "ok")
        self.cap.style().unpolish(self.cap)
        self.cap.style().polish(self.cap)

    def clear(self) -> None:
        """Locked: drop every educator from memory and the screen."""
        self.model.clear()
        self.cap.clear()
        self.filter_text.clear()
        self.site.blockSignals(True)
        while self.site.count() > 1:
            self.site.removeItem(1)
        self.site.blockSignals(False)
        self._update_buttons()

    def selected_row(self) -> CaseloadRow | None:
        idx = self.table.selectionModel().selectedRows()
        return idx[0].data(ROW_ROLE) if idx else None

    def select_educator(self, educator_id: str) -> bool:
        for r in range(self.proxy.rowCount()):
            row = self.proxy.index(r, 0).data(ROW_ROLE)
            if row.educator.id == educator_id:
                self.table.selectRow(r)
                return True
        return False

    def _update_buttons(self) -> None:
        row = self.selected_row()
        en = row.enrolment if row else None
        open_ = en is not None and en.status in OPEN
        status = en.status if en is not None else None
        self.b_open.setEnabled(row is not None)
        self.b_edit.setEnabled(row is not None)
        self.b_refer.setEnabled(row is not None and not open_)
        self.b_intake.setEnabled(open_ and status != EnrolmentStatus.ENROLLED)
        self.b_enrol.setEnabled(open_ and status == EnrolmentStatus.INTAKE_SCHEDULED)
        self.act_complete.setEnabled(open_)
        self.act_exit.setEnabled(open_)
        archived = bool(row and row.educator.archived)
        self.act_remove.setEnabled(row is not None and not archived)
        self.act_unarchive.setEnabled(archived)
        self.b_more.setEnabled(row is not None)
        self.b_add.setEnabled(self.ctx.services is not None)

    # --- actions ------------------------------------------------------------------------------------------

    def _write(self, fn) -> bool:  # noqa: ANN001
        return ui_write(self, fn, ctx=self.ctx) is not None

    def import_roster(self) -> None:
        if self.ctx.services is None:
            return
        from ..district.roster import RosterImportDialog

        RosterImportDialog(self.ctx, self).exec()

    def add_educator(self) -> None:
        if self.ctx.services is None:
            return
        dlg = EducatorDialog(self.ctx, self)
        if dlg.exec() and dlg.result_value is not None:
            e = dlg.result_value
            if not self.select_educator(e.id):
                self._select_after = e.id  # the table is still reloading: select the new row once it is there
            self.ctx.statusMessage.emit(f"Added {e.display_name}. Refer them to a program next.")

    def edit_educator(self) -> None:
        row = self.selected_row()
        if row is not None:
            EducatorDialog(self.ctx, self, row.educator.id).exec()

    def refer(self) -> None:
        row = self.selected_row()
        if row is not None and self.b_refer.isEnabled():
            ReferDialog(self.ctx, self, row.educator.id).exec()

    def record_intake(self) -> None:
        row = self.selected_row()
        if row is not None and row.enrolment is not None and self.b_intake.isEnabled():
            IntakeDialog(self.ctx, self, row.enrolment.id, row.educator.id).exec()

    def enrol(self) -> None:
        row = self.selected_row()
        if row is None or row.enrolment is None or not self.b_enrol.isEnabled():
            return
        dlg = EnrolDialog(self.ctx, self, row.enrolment.id, row.educator.id)
        if dlg.exec() and dlg.reason is not None:
            self.ctx.statusMessage.emit(f"Enrolled {row.educator.display_name} over the cap (reason recorded).")

    def end(self, *, exiting: bool) -> None:
        row = self.selected_row()
        if row is not None and row.enrolment is not None:
            EndDialog(self.ctx, self, row.enrolment.id, row.educator.id, exiting).exec()

    def remove_or_archive(self) -> None:
        """Remove an educator added by mistake (no records), else archive them (records kept)."""
        row = self.selected_row()
        if row is None:
            return
        cl, e = self.ctx.svc.caseload, row.educator
        n = cl.records_of(e.id)
        fn: Callable[[], object]
        if n == 0:
            text = f"Remove {e.display_name}? They have no records; use this for someone added by mistake."
            verb, fn = "Remove", lambda: cl.remove_educator(e.id)
        else:
            text = (f"{e.display_name} has {n} record(s), so they cannot be removed.\n\nArchive them? They leave "
                    "the caseload; their records are kept and searchable, and “Show archived” brings them back.")
            verb, fn = "Archive", lambda: cl.archive_educator(e.id)
        box = QMessageBox(QMessageBox.Icon.Question, f"{verb} {e.display_name}", text,
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRemoveEducator")
        go = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is go and self._write(fn):
            self.ctx.statusMessage.emit(f"{e.display_name} was {'removed' if n == 0 else 'archived'}.")

    def unarchive(self) -> None:
        row = self.selected_row()
        if row is not None and self._write(lambda: self.ctx.svc.caseload.archive_educator(row.educator.id,
                                                                                         archived=False)):
            self.ctx.statusMessage.emit(f"{row.educator.display_name} is back on the caseload.")

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.ctx.openRecordRequested.emit("educator", row.educator.id)
