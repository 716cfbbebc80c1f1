"""Compliance dashboard: PAR observations done vs required, deadlines, late items in red; contacts for all."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...services.vault import Changes
from ..context import AppContext
from ..district.queue import PostingQueue
from ..widgets import tasks
from ..widgets.common import error_reporter, muted, page_title
from ..widgets.icons import icon
from ..widgets.style import tone
from .model import OPEN_ROLE, fill_compliance, fill_contacts

# what the dashboard shows: cycles, observations, documents and the contact log, for every educator
SHOWN_TYPES = ("educator", "enrolment", "evaluation_cycle", "observation", "assessment", "coaching", "contact",
               "script_note", "observation_post", "assessment_post")  # lines and posts: the platform list


def _tree(name: str) -> QTreeView:
    t = QTreeView()
    t.setAccessibleName(name)
    t.setAlternatingRowColors(True)
    t.setUniformRowHeights(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return t


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.compliance_model = QStandardItemModel(self)
        self.contacts_model = QStandardItemModel(self)
        self.contacts_proxy = QSortFilterProxyModel(self)
        self.contacts_proxy.setSourceModel(self.contacts_model)
        self.contacts_proxy.setSortRole(Qt.ItemDataRole.UserRole + 2)

        self.compliance = _tree("PAR compliance")
        self.compliance.setModel(self.compliance_model)
        self.contacts = _tree("Contacts and visits")
        self.contacts.setRootIsDecorated(False)
        self.contacts.setModel(self.contacts_proxy)
        self.contacts.setSortingEnabled(True)
        for view in (self.compliance, self.contacts):
            view.activated.connect(self._open)
            view.doubleClicked.connect(self._open)
        self.summary = QLabel()
        self.summary.setAccessibleName("Compliance summary")
        refresh = QPushButton(icon("refresh-cw"), "Refresh")
        refresh.setAccessibleName("Refresh dashboard")
        refresh.clicked.connect(self.refresh)
        self.report_btn = QPushButton(icon("chart-column"), "Caseload report…")
        self.report_btn.setAccessibleName("Caseload report")
        self.report_btn.setToolTip("The monthly caseload report (PDF or Excel) for the ESP Panel or a school")
        self.report_btn.clicked.connect(self.caseload_report)

        top = QHBoxLayout()
        top.addWidget(page_title("Compliance"))
        top.addStretch(1)
        top.addWidget(self.report_btn)
        top.addWidget(refresh)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        self.summary.setWordWrap(True)  # its own row: the counts and the posting queue fit a 1024-pixel screen
        ul.addWidget(self.summary)
        ul.addWidget(
            muted(
                "PAR educators: observations done / required in the current cycle, and what is due. "
                "Late items are red. Press Enter or double-click to open."
            )
        )
        ul.addWidget(self.compliance)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(muted("Everyone on the caseload: last contact and days since the last visit."))
        ll.addWidget(self.contacts)
        self.posting = PostingQueue(ctx)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.posting)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self._stale = True
        ctx.storeUnlocked.connect(self.refresh_soon)
        ctx.storeLocked.connect(self.clear)
        ctx.storeChanged.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches(*SHOWN_TYPES):
            self.refresh_soon()

    def caseload_report(self) -> None:
        if self.ctx.services is not None:
            from ..district.exports import DistrictExportDialog

            DistrictExportDialog(self.ctx, "report", self).exec()

    def refresh_soon(self) -> None:
        """Reload now if visible, else when next shown (the dashboard queries the whole caseload)."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        svc = self.ctx.services
        if svc is None:
            return

        def load():  # noqa: ANN202 - off the GUI thread
            return (svc.compliance.dashboard(), svc.caseload.caseload(), svc.compliance.contact_summary(),
                    svc.district.queue())

        tasks.run_in_background(self, load, on_done=self._loaded, on_error=error_reporter(self, self.ctx))

    def _loaded(self, result) -> None:  # noqa: ANN001
        if self.ctx.services is None:
            return
        cycles, rows, contacts, to_post = result
        fill_compliance(self.compliance_model, cycles, self.ctx.services.rubric.plan_type_name)
        fill_contacts(self.contacts_model, rows, contacts)
        self.posting.fill(to_post)
        late = sum(len(c.late) for c in cycles)
        self.summary.setText(
            f"{len(cycles)} PAR cycle(s) · "
            + (f"<span style='color:{tone('late')}'><b>{late} late item(s)</b></span>" if late else "nothing late")
            + (f" · {len(to_post)} to post on the district platform" if to_post else "")
        )
        for view in (self.compliance, self.contacts):
            h = view.header()
            h.setStretchLastSection(True)
            h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            h.setMinimumSectionSize(60)

    def clear(self) -> None:
        self.compliance_model.clear()
        self.contacts_model.clear()
        self.posting.clear()
        self.summary.clear()

    def _open(self, index: QModelIndex) -> None:
        target = index.data(OPEN_ROLE)
        if target is None:
            target = index.siblingAtColumn(0).data(OPEN_ROLE)
        if not target:
            return
        record_type, record_id = target
        if record_type != "educator":
            # the educator page opens a record of the educator it shows: load that educator first
            row = index.parent() if index.parent().isValid() else index
            owner = row.siblingAtColumn(0).data(OPEN_ROLE)
            if owner and owner[0] == "educator":
                self.ctx.openRecordRequested.emit("educator", owner[1])
        self.ctx.openRecordRequested.emit(record_type, record_id)
