"""The compliance dashboard's "to post on the district platform" list: finished PAR observations and final
documents not yet posted, or changed since they were posted. Enter or double-click opens the post view."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QVBoxLayout, QWidget

from ...core import timefmt
from ...services.district import PostingItem
from ..context import AppContext
from ..widgets.common import muted
from ..widgets.style import MUTED, WARN

COLUMNS = ("Educator", "Record", "Date", "Platform", "Posted")
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1  # (record_type, record_id)


def _item(text: str, target: tuple[str, str], colour: str | None = None) -> QStandardItem:
    it = QStandardItem(text)
    it.setEditable(False)
    it.setData(target, TARGET_ROLE)
    if colour:
        it.setForeground(QBrush(QColor(colour)))
    return it


def fill_queue(model: QStandardItemModel, items: list[PostingItem]) -> None:
    model.clear()
    model.setHorizontalHeaderLabels(list(COLUMNS))
    for i in items:
        target = (i.record_type, i.record_id)
        st = i.state
        posted = f"{timefmt.screen_date(st.posted_at)} by {st.posted_by}" if st.posted_at else ""
        detail = st.label + (f": {', '.join(st.changed)}" if st.changed else "")
        model.appendRow([
            _item(i.educator_name, target),
            _item(i.what, target),
            _item(timefmt.screen_date(i.on), target),
            _item(detail, target, WARN if st.state == "changed" else None),
            _item(posted, target, MUTED),
        ])


class PostingQueue(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = QStandardItemModel(self)
        self.view = QTreeView()
        self.view.setAccessibleName("To post on the district platform")
        self.view.setRootIsDecorated(False)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setModel(self.model)
        self.view.activated.connect(self.open)
        self.view.doubleClicked.connect(self.open)
        self.caption = muted()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.caption)
        lay.addWidget(self.view)

    def fill(self, items: list[PostingItem]) -> None:
        fill_queue(self.model, items)
        changed = sum(1 for i in items if i.state.state == "changed")
        head = "To post on the district platform (Vector Evals+): finished PAR observations and final documents. "
        if not items:
            self.caption.setText(head + "Everything is posted.")
        else:
            extra = f", {changed} changed since posted" if changed else ""
            self.caption.setText(head + f"{len(items)} waiting{extra}. Enter or double-click opens the post view.")
        h = self.view.header()
        h.setStretchLastSection(True)
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def clear(self) -> None:
        self.model.clear()
        self.caption.clear()

    def open(self, index: QModelIndex) -> None:
        target = index.data(TARGET_ROLE)
        if not target or self.ctx.services is None:
            return
        from .post import open_post_dialog

        open_post_dialog(self.ctx, target[0], target[1], self)
