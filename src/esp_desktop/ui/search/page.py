"""Search (Ctrl+F / Ctrl+K): full-text over notes, evidence and coaching entries; Enter opens the record."""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from ...core.enums import label
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_reporter, page_title
from ..widgets.icons import icon

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
TYPE_LABELS = {
    "script_note": "Observation note",
    "observation": "Observation",
    "evidence": "Evidence",
    "coaching": "Coaching log",
    "goal": "Goal",
    "contact": "Contact",
    "assessment": "Assessment",
    "intake_meeting": "Intake meeting",
    "panel_case": "Panel case",
}
TYPE_ICONS = {
    "script_note": "notebook-pen",
    "observation": "eye",
    "evidence": "paperclip",
    "coaching": "handshake",
    "goal": "goal",
    "contact": "message-square",
    "assessment": "clipboard-list",
}
DEBOUNCE_MS = 250


def _plain(snippet: str) -> str:
    return " ".join(re.sub(r"[\[\]]", "", snippet).split())


class SearchPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.generation = 0  # results of an older query are dropped
        self.model = QStandardItemModel(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search notes, evidence and coaching entries…")
        self.query.setAccessibleName("Search text")
        self.query.setClearButtonEnabled(True)
        self.query.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.query.textChanged.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self._enter)
        self.timer.timeout.connect(self.run_search)
        self.results = QListView()
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setWordWrap(True)
        self.results.setSpacing(2)
        self.results.setAlternatingRowColors(True)
        self.results.activated.connect(self.open_hit)
        self.results.doubleClicked.connect(self.open_hit)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setAccessibleName("Search status")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(page_title("Search"))
        lay.addWidget(self.query)
        lay.addWidget(self.status)
        lay.addWidget(self.results, 1)
        self.setTabOrder(self.query, self.results)
        ctx.storeLocked.connect(self.clear)

    def focus_query(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 - Down moves from the field to the results
        if event.key() == Qt.Key.Key_Down and self.query.hasFocus() and self.model.rowCount():
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0, 0))
            return
        super().keyPressEvent(event)

    def run_search(self) -> None:
        self.timer.stop()
        svc = self.ctx.services
        text = self.query.text().strip()
        self.generation += 1
        gen = self.generation
        if svc is None or not text:
            self.model.clear()
            self.status.clear()
            return

        def work():  # noqa: ANN202 - off the GUI thread
            hits = svc.search.search(text, limit=100)
            names = {e.id: e.display_name for e in svc.caseload.educators()} if hits else {}
            return hits, names

        self.status.setText("Searching…")
        tasks.run_in_background(
            self,
            work,
            on_done=lambda r: self._show(gen, text, r),
            on_error=error_reporter(self, self.ctx, title="Search failed"),
        )

    def _show(self, gen: int, text: str, result) -> None:  # noqa: ANN001
        if gen != self.generation or self.ctx.services is None:
            return
        hits, names = result
        self.model.clear()
        for h in hits:
            kind = TYPE_LABELS.get(h.record_type, label(h.record_type))
            who = names.get(h.educator_id or "", "")
            it = QStandardItem(f"{kind}{' · ' + who if who else ''}\n{_plain(h.snippet)}")
            it.setIcon(icon(TYPE_ICONS.get(h.record_type, "file-text")))
            it.setData(h, HIT_ROLE)
            it.setToolTip(_plain(h.snippet))
            self.model.appendRow(it)
        n = len(hits)
        self.status.setText(
            f"{n} result{'s' if n != 1 else ''} for “{text}”" if n else f"Nothing found for “{text}”"
        )

    def _enter(self) -> None:
        if self.timer.isActive():
            self.run_search()
        elif self.model.rowCount():
            self.open_hit(self.model.index(0, 0))

    def open_hit(self, index: QModelIndex) -> None:
        h = index.data(HIT_ROLE)
        if h is None:
            return
        if h.educator_id and h.record_type != "educator":
            self.ctx.openRecordRequested.emit(
                "educator", h.educator_id
            )  # the page opens records of its educator
        self.ctx.openRecordRequested.emit(h.record_type, h.record_id)

    def clear(self) -> None:
        self.generation += 1
        self.model.clear()
        self.query.clear()
        self.timer.stop()
        self.status.clear()
