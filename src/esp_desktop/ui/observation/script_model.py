"""The observation script: one row per timestamped line (offset, text, tag chips, audience badge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from ...core import timefmt
from ..widgets.fields import ChipDelegate
from ..widgets.record_model import (
    CHIPS_ROLE,
    ID_ROLE,
    RECORD_ROLE,
    Column,
    Index,
    RecordTableModel,
    audience_column,
    tags_column,
)

TEXT_COLUMN = 1
# The view asks every visible cell for some eight roles on each paint (font, alignment, colours, check state...);
# the script answers only these, as plain ints: an enum member looked up per call cost more than the answer.
_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole)
_SERVED = frozenset({_DISPLAY, _EDIT, int(Qt.ItemDataRole.AccessibleTextRole), int(Qt.ItemDataRole.ToolTipRole),
                     int(RECORD_ROLE), int(CHIPS_ROLE), int(ID_ROLE)})
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_EDITABLE = _FLAGS | Qt.ItemFlag.ItemIsEditable


def offset_text(seconds: int | None) -> str:
    s = max(0, int(seconds or 0))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


class ScriptModel(RecordTableModel):
    """Lines are edited in place (double-click or F2 on the text); ``on_edit(note, text)`` saves the change
    and returns the stored note, which replaces the row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column(
                    "Time",
                    lambda n: offset_text(n.offset_seconds),
                    tooltip=lambda n: timefmt.screen_time(n.at, seconds=True),
                ),
                Column("Note", lambda n: n.text),
                tags_column(),
                audience_column(),
            ],
            parent,
        )
        self.on_edit: Callable[[Any, str], Any] | None = None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _EDITABLE if index.column() == TEXT_COLUMN and self.on_edit is not None else _FLAGS

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Painting a frame asks this some 600 times (issue 15: Enter -> painted): roles the script does not
        answer return at once, the text is read straight from the record."""
        if role not in _SERVED or not index.isValid():
            return None
        if role == _DISPLAY:
            v = self.columns[index.column()].value(self.records[index.row()])
            return "" if v is None else str(v)
        if role == _EDIT:
            return self.records[index.row()].text if index.column() == TEXT_COLUMN else None
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt override
        if role != Qt.ItemDataRole.EditRole or index.column() != TEXT_COLUMN or self.on_edit is None:
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
