"""Text that does not fit is elided, and then shows in full on hover (KeePassXC shows an elided cell's text
as its tooltip). One app-wide event filter covers every table, tree, list, header and combo box; names that
may be long use ``ElidedLabel``.

    app.installEventFilter(ElidedTextTips(app))    # ui/app.py, once
    title = ElidedLabel()                           # a label that elides instead of pushing the window wider

``cell_tip(view, index)`` / ``header_tip(header, section)`` / ``combo_tip(combo)`` say what a tooltip would show
for elided text (None: the text fits, or the model has its own tooltip); the layout test asks the same functions.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QToolTip,
    QWidget,
)

CHIPS_ROLE = Qt.ItemDataRole.UserRole + 2  # record_model.CHIPS_ROLE (no import: record_model imports style)
CELL_MARGIN = 8  # Fusion's text margins in a cell, both sides together
ICON_GAP = 4


def chips_of(index: Any) -> list[tuple[str, str]] | None:
    """The tag/audience chips of a record-table cell (other models may use the same role for other data)."""
    v = index.data(CHIPS_ROLE)
    if isinstance(v, list) and all(isinstance(c, tuple) and len(c) == 2 for c in v):
        return v
    return None


def _fits(fm: QFontMetrics, text: str, width: int) -> bool:
    return all(fm.horizontalAdvance(line) <= width for line in text.split("\n"))


def cell_tip(view: QAbstractItemView, index: Any) -> str | None:
    """The full text of a cell whose text (or tag chips) does not fit its column, unless the model already
    gives a tooltip."""
    if not index.isValid():
        return None
    if index.data(Qt.ItemDataRole.ToolTipRole):
        return None
    rect = view.visualRect(index)
    chips = chips_of(index)
    fm = view.fontMetrics()
    if chips:
        need = sum(fm.horizontalAdvance(t) + 16 for t, _ in chips) + 8
        return ", ".join(t for t, _ in chips) if need > rect.width() else None
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is None or str(text) == "":
        return None
    text = str(text)
    width = rect.width() - CELL_MARGIN
    icon = index.data(Qt.ItemDataRole.DecorationRole)
    if icon is not None and not (hasattr(icon, "isNull") and icon.isNull()):
        width -= view.iconSize().width() if view.iconSize().isValid() else 16
        width -= ICON_GAP
    if getattr(view, "wordWrap", lambda: False)():
        needed = fm.boundingRect(0, 0, max(1, width), 10_000, int(Qt.TextFlag.TextWordWrap), text).height()
        return None if needed <= rect.height() else text
    return None if _fits(fm, text, width) else text


def header_tip(header: QHeaderView, section: int) -> str | None:
    model = header.model()
    if model is None or section < 0:
        return None
    if model.headerData(section, header.orientation(), Qt.ItemDataRole.ToolTipRole):
        return None
    text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
    if not text:
        return None
    fm = QFontMetrics(header.font())
    fm_bold = fm  # the style sheet makes headers bold: measure generously
    need = int(fm_bold.horizontalAdvance(str(text)) * 1.1) + 14
    return None if need <= header.sectionSize(section) else str(text)


def combo_tip(combo: QComboBox) -> str | None:
    if combo.toolTip() or combo.isEditable():
        return None
    text = combo.currentText()
    if not text:
        return None
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    width = field.width() - (combo.iconSize().width() + ICON_GAP if not combo.itemIcon(combo.currentIndex()).isNull()
                             else 0)
    return None if _fits(combo.fontMetrics(), text, width - 4) else text


class ElidedTextTips(QObject):
    """Shows the full text of an elided cell, header section or combo box on hover (app-wide filter)."""

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        if ev.type() != QEvent.Type.ToolTip or not isinstance(ev, QHelpEvent):
            return False
        tip: str | None = None
        owner: QWidget | None = None
        parent = obj.parent() if isinstance(obj, QWidget) else None
        if isinstance(parent, QHeaderView) and obj is parent.viewport():
            pos = ev.pos()
            section = parent.logicalIndexAt(pos.x() if parent.orientation() == Qt.Orientation.Horizontal
                                            else pos.y())
            tip, owner = header_tip(parent, section), parent
        elif isinstance(parent, QAbstractItemView) and obj is parent.viewport():
            tip, owner = cell_tip(parent, parent.indexAt(ev.pos())), parent
        elif isinstance(obj, QComboBox):
            tip, owner = combo_tip(obj), obj
        if tip and owner is not None:
            QToolTip.showText(ev.globalPos(), tip, owner)
            return True
        return False


class ElidedLabel(QLabel):
    """A one-line label for text that may be long (a name): elided to its width, the full text as tooltip,
    and it never makes the window wider than the screen."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # shrinks to "Xxx…"
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text or ""
        self.setToolTip(self._full)
        super().setText(self._full)
        self.updateGeometry()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance("Xxx…"), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height())

    def paintEvent(self, _ev: Any) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        r = self.contentsRect()
        text = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, r.width())
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(r, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)
        p.end()
