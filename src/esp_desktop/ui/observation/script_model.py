"""The observation script: one row per timestamped line (offset, text, tag chips, audience badge)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from ...core import timefmt
from ...core.enums import label
from ..widgets.fields import ChipDelegate
from ..widgets.record_model import (
    CHIPS_ROLE,
    ID_ROLE,
    RECORD_ROLE,
    Index,
    RecordRows,
    audience_chip,
    audience_tooltip,
    tag_chips,
)

TEXT_COLUMN = 1
HEADERS = ("Time", "Note", "Tags", "Audience")
_DISPLAY, _EDIT = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole
_ACCESSIBLE, _TOOLTIP = Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_EDITABLE = _FLAGS | Qt.ItemFlag.ItemIsEditable


def offset_text(seconds: int | None) -> str:
    s = max(0, int(seconds or 0))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


class ScriptModel(RecordRows, QStandardItemModel):  # (RecordRows.clear before Qt's)
    """The script's lines (``records``, snapshots from the service), one row each: time, text, tag chips, audience.

    Each Enter repaints every visible row, and painting asks the model some eight roles per cell: a model written
    in Python answered each through a Python call. Here every cell's roles are stored once per line in Qt's own
    items, so painting calls no Python for the text columns (issue 15: Enter -> painted).

    Lines are edited in place (double-click or F2 on the text); ``on_edit(note, text)`` saves the change and returns
    the stored note, which replaces the row. Set it before the first line is shown (it decides the text's flags)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.records: list[Any] = []
        self._rows: dict[str, int] = {}  # id -> row: each Enter looks lines up, a scan grew with the script
        self.on_edit: Callable[[Any, str], Any] | None = None

    # --- content
    def _items(self, note: Any) -> list[QStandardItem]:
        tags = " ".join([*note.indicator_codes, *note.equity_codes])
        badge = label(note.audience)
        cells: list[tuple[str, str | None, list[tuple[str, str]] | None]] = [
            (offset_text(note.offset_seconds), timefmt.screen_time(note.at, seconds=True), None),
            (note.text, None, None),
            (tags, None, tag_chips(note.indicator_codes, note.equity_codes)),
            (badge, audience_tooltip(note.audience), [audience_chip(note.audience)]),
        ]
        items = []
        for col, (text, tip, chips) in enumerate(cells):
            item = QStandardItem(text)
            item.setFlags(_EDITABLE if col == TEXT_COLUMN and self.on_edit is not None else _FLAGS)
            item.setData(text, _ACCESSIBLE)
            item.setData(note, RECORD_ROLE)
            item.setData(note.id, ID_ROLE)
            if tip is not None:
                item.setData(tip, _TOOLTIP)
            if chips is not None:
                item.setData(chips, CHIPS_ROLE)
            items.append(item)
        return items

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.blockSignals(True)  # one reset for the views, not a signal per row
        try:
            self.setRowCount(0)
            self.records = list(records)
            self._rows = {r.id: i for i, r in enumerate(self.records)}
            for note in self.records:
                self.appendRow(self._items(note))
        finally:
            self.blockSignals(False)
        self.endResetModel()

    def replace(self, record: Any) -> None:
        row = self.put(record)
        if row < 0:
            return
        self.blockSignals(True)  # one dataChanged for the row, not one per cell
        try:
            for col, item in enumerate(self._items(record)):
                self.setItem(row, col, item)
        finally:
            self.blockSignals(False)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def row_of(self, record_id: str) -> int:
        return self._rows.get(record_id, -1)

    def append(self, record: Any) -> int:
        row = len(self.records)
        self.records.append(record)
        self._rows[record.id] = row
        self.appendRow(self._items(record))
        return row

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:  # noqa: N802 - Qt override
        """An edit of a line's text: saved through ``on_edit`` first, shown once it is stored."""
        if role != _EDIT or index.column() != TEXT_COLUMN or self.on_edit is None:
            return False
        note = self.records[index.row()]
        if str(value).strip() == note.text:
            return False
        saved = self.on_edit(note, str(value))
        if saved is None:
            return False
        self.replace(saved)  # (the view may already have reloaded the lines from the store)
        return True


class CachedChipDelegate(ChipDelegate):
    """The chip delegate's look, painted from a pixmap made once per set of chips and cell size: the script repaints
    every visible row on each line typed, and drawing each chip in Python was most of a frame (issue 15)."""

    MAX_CACHED = 512

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._pixmaps: dict[tuple[Any, ...], QPixmap] = {}

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        chips = index.data(CHIPS_ROLE)
        opt: Any = option  # Any: PySide6's stubs lack QStyleOption's members (rect, widget, font...)
        widget = opt.widget
        if widget is None or chips is None:
            super().paint(p, option, index)
            return
        # Background, selection and focus as the style draws them; the option carries no text or icon.
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, p, widget)
        if not chips:
            return
        rect, dpr = opt.rect, p.device().devicePixelRatioF()
        key = (tuple(chips), rect.width(), rect.height(), dpr, opt.font.key(), opt.palette.text().color().rgba())
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = self._render(option, index, rect.width(), rect.height(), dpr)
            if len(self._pixmaps) >= self.MAX_CACHED:
                self._pixmaps.clear()
            self._pixmaps[key] = pixmap
        p.drawPixmap(rect.topLeft(), pixmap)

    def _render(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex, w: int, h: int,
                dpr: float) -> QPixmap:
        """The chips exactly as ChipDelegate paints them, on a transparent pixmap (no selection: drawn beneath)."""
        pixmap = QPixmap(max(1, round(w * dpr)), max(1, round(h * dpr)))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(Qt.GlobalColor.transparent)
        opt: Any = QStyleOptionViewItem(option)
        opt.rect = QRect(0, 0, w, h)
        opt.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver)
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.Alternate
        painter = QPainter(pixmap)
        try:
            super().paint(painter, opt, index)
        finally:
            painter.end()
        return pixmap
