"""Small widgets shared by the educator page: chip delegate, audience combo and menu, message bar, fields."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...core import clock
from ...core.enums import Audience, label
from .common import error_text
from .record_model import AUDIENCE_COLORS, CHIPS_ROLE, RECORD_ROLE
from .style import is_dark

# The badge colours are backgrounds; as text on a dark window they need lighter tints.
_AUDIENCE_TEXT_DARK = {"ct_private": "#d2b0f0", "educator": "#8fe39a", "panel": "#9cc3f7", "admin": "#f2bd7a"}


def audience_text_color(audience: str) -> str:
    return (_AUDIENCE_TEXT_DARK if is_dark() else AUDIENCE_COLORS).get(audience, "#888888")

log = logging.getLogger(__name__)
Report = Callable[[BaseException], None]


class MessageBar(QLabel):
    """A calm inline message (no modal dialogs: they would interrupt typing in a classroom)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Message")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()
        self._timer = QTimer(self, singleShot=True, interval=12000, timeout=self.hide)  # type: ignore[call-arg]  # stubs lack signal kwargs

    def show_error(self, exc: BaseException | str) -> None:
        self._show(exc if isinstance(exc, str) else error_text(exc), "error")

    def show_info(self, text: str) -> None:
        self._show(text, "info")

    def _show(self, text: str, kind: str) -> None:
        self.setText(text)
        self.setObjectName("messageBar")
        self.setProperty("kind", kind)  # coloured by the theme's style sheet
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        self._timer.start()


class ChipDelegate(QStyledItemDelegate):
    """Paints ``CHIPS_ROLE`` lists as small rounded badges (audience, rubric tags); plain text otherwise."""

    def paint(
        self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        chips = index.data(CHIPS_ROLE)
        if chips is None:
            super().paint(p, option, index)
            return
        opt: Any = QStyleOptionViewItem(option)  # Any: PySide6's stubs lack QStyleOption's members (rect, font...)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, p, opt.widget)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(opt.font)
        x, h = opt.rect.x() + 4, fm.height() + 4
        y = opt.rect.y() + (opt.rect.height() - h) // 2
        for text, color in chips:
            w = fm.horizontalAdvance(text) + 12
            if x + w > opt.rect.right():
                p.setPen(opt.palette.text().color())
                p.drawText(QRect(x, y, 20, h), Qt.AlignmentFlag.AlignVCenter, "…")
                break
            r = QRect(x, y, w, h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            p.drawRoundedRect(r, h / 2, h / 2)
            p.setPen(QColor("white"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
        p.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 - Qt override
        chips = index.data(CHIPS_ROLE)
        base = super().sizeHint(option, index)
        if not chips:
            return base
        fm = QFontMetrics(option.font)  # type: ignore[attr-defined]  # stubs lack QStyleOption's members
        w = sum(fm.horizontalAdvance(t) + 16 for t, _ in chips) + 8
        return QSize(w, max(base.height(), fm.height() + 10))


def record_table(name: str, model: Any) -> QTableView:
    """A read-only, row-selecting, sortable-looking table with chip painting; keyboard friendly."""
    v = QTableView()
    v.setModel(model)
    v.setAccessibleName(name)
    v.setItemDelegate(ChipDelegate(v))
    v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    v.setAlternatingRowColors(True)
    v.setWordWrap(False)
    v.verticalHeader().hide()
    v.verticalHeader().setDefaultSectionSize(26)
    v.horizontalHeader().setStretchLastSection(False)
    v.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    v.setTabKeyNavigation(False)  # Tab leaves the table: forms stay reachable by keyboard
    v.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return v


def stretch_column(view: QTableView, column: int) -> None:
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def selected_records(view: QTableView) -> list[Any]:
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    return [view.model().index(r, 0).data(RECORD_ROLE) for r in rows]


def select_row(view: QTableView, row: int) -> None:
    if row >= 0:
        view.selectRow(row)
        view.scrollTo(view.model().index(row, 0))


def audience_menu(parent: QWidget, current: str | None, on_pick: Callable[[str], None]) -> QMenu:
    menu = QMenu("Audience", parent)
    for a in Audience:
        act = menu.addAction(f"Visible to: {label(a.value)}")
        act.setCheckable(True)
        act.setChecked(a.value == current)
        act.triggered.connect(lambda _=False, v=a.value: on_pick(v))
    return menu


def install_audience_menu(
    view: QTableView,
    on_pick: Callable[[Any, str], None],
    extra: Callable[[QMenu, list[Any]], None] | None = None,
) -> None:
    """Right-click (or the Menu key) on rows: change who may read them."""

    def show(pos: Any) -> None:
        recs = selected_records(view)
        if not recs:
            return
        menu = QMenu(view)
        def pick(audience: str) -> None:
            for r in recs:
                on_pick(r, audience)

        sub = audience_menu(menu, recs[0].audience if len(recs) == 1 else None, pick)
        menu.addMenu(sub)
        if extra:
            extra(menu, recs)
        menu.exec(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(show)


class AudienceCombo(QComboBox):
    """Audience picker painted in the badge colour of the current choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Audience")
        self.setToolTip("Who may read this record")
        for a in Audience:
            self.addItem(label(a.value), a.value)
            self.setItemData(
                self.count() - 1, QColor(audience_text_color(a.value)), Qt.ItemDataRole.ForegroundRole
            )
        self.currentIndexChanged.connect(self._paint)
        self._paint()

    def value(self) -> str:
        return str(self.currentData())

    def set_value(self, audience: str) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(audience)))
        self.blockSignals(False)
        self._paint()

    def _paint(self) -> None:
        c = audience_text_color(str(self.currentData()))
        self.setStyleSheet(f"QComboBox {{ color: {c}; font-weight: 600; }}")


def enum_combo(name: str, values: Iterable[str], labels: dict[str, str] | None = None) -> QComboBox:
    c = QComboBox()
    c.setAccessibleName(name)
    for v in values:
        c.addItem((labels or {}).get(v) or label(v), v)
    return c


def set_combo(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(d: QDate) -> date:
    """The Python date of a QDate (``QDate.toPython()`` is typed ``object``)."""
    return date(d.year(), d.month(), d.day())


def date_edit(name: str, value: date | None = None) -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    d.setAccessibleName(name)
    d.setDate(qdate(value or clock.today()))
    return d


class OptionalDate(QWidget):
    """A date that may be unset (a conference not held yet): checkbox + date edit."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None, *, check_text: str = "Held on") -> None:
        super().__init__(parent)
        self.check = QCheckBox(check_text)
        self.check.setAccessibleName(f"{name} held")
        self.edit = date_edit(name)
        self.edit.setEnabled(False)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.check)
        lay.addWidget(self.edit)
        lay.addStretch(1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _: self.changed.emit())
        self.edit.dateChanged.connect(lambda _: self.changed.emit())

    def value(self) -> date | None:
        return pydate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, d: date | None) -> None:
        self.blockSignals(True)
        self.check.setChecked(d is not None)
        self.edit.setDate(qdate(d or clock.today()))
        self.blockSignals(False)


class FocusOut(QObject):
    """Calls ``fn`` when any watched widget loses focus (autosave of text fields)."""

    def __init__(self, fn: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.fn = fn

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        if ev.type() == QEvent.Type.FocusOut:
            self.fn()
        return False


def heading(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("formTitle")
    return lab


def hint(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setObjectName("muted")
    return lab


class FitColumns(QObject):
    """Keeps a table's columns on screen: each column gets the width of its contents when there is room (the
    ``grow`` columns take what is left over); on a narrow screen the ``grow`` columns give way first, then every
    column down to ``floor`` pixels, and elided text shows in full on hover (``elide.ElidedTextTips``).
    Columns the CT resized by hand keep their width until the next reload."""

    def __init__(self, view: QTableView, *, grow: tuple[int, ...], floor: int = 56) -> None:
        super().__init__(view)
        self.view, self.grow, self.floor = view, grow, floor
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # What each column's contents want is measured once per reload (measuring asks the model for every
        # visible cell, the costly part); a resize of the view only shares out the new width.
        self._want: list[int] | None = None
        view.viewport().installEventFilter(self)
        model = view.model()
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        for changed in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
            changed.connect(self._stale)

    def _stale(self, *_args: object) -> None:
        self._want = None

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        if ev.type() == QEvent.Type.Resize:
            self._share_out()
        return False

    def fit(self) -> None:
        """Measure the contents again (after a reload) and fit the columns to the view."""
        self._want = None
        self._share_out()

    def _share_out(self) -> None:
        v, model = self.view, self.view.model()
        n = model.columnCount()
        if n == 0:
            return
        avail = v.viewport().width()
        if self._want is None or len(self._want) != n:
            self._want = [max(v.sizeHintForColumn(c), v.horizontalHeader().sectionSizeHint(c), self.floor)
                          for c in range(n)]
        want = self._want
        total = sum(want)
        if total <= avail:
            extra = avail - total
            share = extra // max(1, len(self.grow))
            widths = [w + (share if c in self.grow else 0) for c, w in enumerate(want)]
        else:
            # The long, growing columns (sites, notes) give way first, down to twice the floor; then every
            # column in proportion to what it has above the floor.
            widths, over = list(want), total - avail
            for floor in (2 * self.floor, self.floor):
                cols = [c for c in range(n) if c in self.grow] if floor > self.floor else list(range(n))
                room = {c: max(0, widths[c] - floor) for c in cols}
                cut = sum(room.values())
                if over <= 0 or cut == 0:
                    continue
                take = min(over, cut)
                for c in cols:
                    widths[c] -= round(take * room[c] / cut)
                over -= take
        for c, w in enumerate(widths):
            v.setColumnWidth(c, w)
