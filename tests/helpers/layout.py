"""Finds text a CT cannot read because it is cut: clipped labels and buttons, elided cells, headers, tabs and
combo boxes without a way to see the full text, and forms cut off at the right of a scroll area.

    problems = unreadable(widget, "caseload")   # [] when everything fits or shows in full on hover

Elision is measured here, independently of the app; the app's hover rule (``ui.widgets.elide``) is only asked
whether an elided cell, header or combo would show its full text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListView,
    QScrollArea,
    QTabBar,
    QToolButton,
    QWidget,
)

MAX_ROWS = 60


def _name(w: QWidget) -> str:
    label = w.accessibleName() or w.objectName()
    if not label and hasattr(w, "text"):
        try:
            label = str(w.text())[:40]
        except TypeError:
            label = ""
    return f"{type(w).__name__} {label!r}"


def _app_tips() -> bool:
    from esp_desktop.ui.widgets.elide import ElidedTextTips

    app = QApplication.instance()
    return any(isinstance(c, ElidedTextTips) for c in (app.children() if app else []))


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def unreadable(root: QWidget, where: str) -> list[str]:
    from esp_desktop.ui.widgets import elide

    tips = _app_tips()
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible() or w.width() <= 0:
            continue
        here = f"{where}: {_name(w)}"
        if isinstance(w, elide.ElidedLabel):
            if w.toolTip() != w.full_text():
                out.append(f"{here}: elided without its full text as tooltip")
        elif isinstance(w, QLabel):
            if not w.text() or w.pixmap() is not None and not w.pixmap().isNull() or w.toolTip():
                continue
            if w.wordWrap():
                if w.heightForWidth(w.width()) > w.height() + 2:
                    out.append(f"{here}: wrapped text cut at the bottom ({w.height()} < {w.heightForWidth(w.width())})")
            elif w.minimumSizeHint().width() > w.width() + 1:
                out.append(f"{here}: clipped ({w.width()} < {w.minimumSizeHint().width()})")
        elif isinstance(w, QAbstractButton) and not isinstance(w, QToolButton):
            if w.text() and not w.toolTip() and w.sizeHint().width() > w.width() + 1:
                out.append(f"{here}: clipped ({w.width()} < {w.sizeHint().width()})")
        elif isinstance(w, QComboBox):
            text = w.currentText()
            if text and not w.isEditable() and not w.toolTip():
                arrow = 28
                if w.fontMetrics().horizontalAdvance(text) + arrow > w.width() and not (tips and elide.combo_tip(w)):
                    out.append(f"{here}: shows {text!r} elided, no tooltip")
        elif isinstance(w, QTabBar):
            fm = w.fontMetrics()
            for i in range(w.count()):
                text = _plain(w.tabText(i))
                icon = w.iconSize().width() + 6 if not w.tabIcon(i).isNull() else 0
                if fm.horizontalAdvance(text) + icon + 16 > w.tabRect(i).width() and not w.tabToolTip(i):
                    out.append(f"{here}: tab {text!r} elided, no tooltip")
        elif isinstance(w, QGroupBox):
            if w.title() and QFontMetrics(w.font()).horizontalAdvance(_plain(w.title())) + 12 > w.width():
                out.append(f"{here}: title {w.title()!r} clipped")
        elif isinstance(w, QScrollArea):
            inner = w.widget()
            if (inner is not None and w.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
                    and inner.width() > w.viewport().width() + 1):
                out.append(f"{here}: its form is cut off at the right ({inner.width()} > {w.viewport().width()})")
        if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):
            out += _view(w, here, tips)
    return out


def _rows(view: QAbstractItemView) -> list[Any]:
    model = view.model()
    if model is None:
        return []
    out, idx = [], model.index(0, 0)
    if hasattr(view, "indexBelow"):  # trees: expanded children too
        while idx.isValid() and len(out) < MAX_ROWS:
            out.append(idx)
            idx = view.indexBelow(idx)
        return out
    return [model.index(r, 0) for r in range(min(model.rowCount(), MAX_ROWS))]


def _view(view: QAbstractItemView, here: str, tips: bool) -> list[str]:
    from esp_desktop.ui.widgets import elide

    out: list[str] = []
    model = view.model()
    fm = view.fontMetrics()
    hidden = getattr(view, "isColumnHidden", lambda c: False)
    for row in _rows(view):
        ncols = 1 if isinstance(view, QListView) else model.columnCount(row.parent())
        for col in range(ncols):
            if hidden(col):
                continue
            idx = row.siblingAtColumn(col)
            rect = view.visualRect(idx)
            if rect.width() <= 0:
                continue
            chips = elide.chips_of(idx)
            text = ", ".join(t for t, _ in chips) if chips else str(idx.data(Qt.ItemDataRole.DisplayRole) or "")
            if not text:
                continue
            need = (sum(fm.horizontalAdvance(t) + 16 for t, _ in chips) + 8 if chips
                    else max(fm.horizontalAdvance(line) for line in text.split("\n")) + elide.CELL_MARGIN)
            icon = idx.data(Qt.ItemDataRole.DecorationRole)
            if not chips and icon is not None and not (hasattr(icon, "isNull") and icon.isNull()):
                need += 20
            if hasattr(view, "indentation") and col == 0:
                need += 0  # visualRect already starts after the indentation
            wraps = getattr(view, "wordWrap", lambda: False)() and not chips
            if wraps:
                h = fm.boundingRect(0, 0, max(1, rect.width() - elide.CELL_MARGIN), 10_000,
                                    int(Qt.TextFlag.TextWordWrap), text).height()
                if h <= rect.height():
                    continue
            elif need <= rect.width():
                continue
            if idx.data(Qt.ItemDataRole.ToolTipRole) or (tips and elide.cell_tip(view, idx)):
                continue
            out.append(f"{here}: cell {text[:40]!r} elided ({rect.width()} < {need}), no tooltip")
    header = getattr(view, "horizontalHeader", None) or getattr(view, "header", None)
    h = header() if callable(header) else None
    if isinstance(h, QHeaderView) and h.isVisible():
        hf = QFontMetrics(h.font())
        for s in range(h.count()):
            if h.isSectionHidden(s):
                continue
            text = model.headerData(s, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            if hf.horizontalAdvance(str(text)) + 12 > h.sectionSize(s):
                if model.headerData(s, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole):
                    continue
                if tips and elide.header_tip(h, s):
                    continue
                out.append(f"{here}: header {text!r} elided ({h.sectionSize(s)}), no tooltip")
    if view.tabKeyNavigation():
        out.append(f"{here}: Tab moves inside the table instead of leaving it (tabKeyNavigation)")
    return out


def mnemonic_clashes(root: QWidget) -> list[str]:
    """Alt+letter keys used twice in one window (labels with a buddy, buttons, check boxes, group boxes)."""
    seen: dict[str, list[str]] = {}
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible() or w.window() is not root.window():
            continue
        if isinstance(w, QLabel) and w.buddy() is not None:
            text = w.text()
        elif isinstance(w, QAbstractButton | QGroupBox):
            text = w.text() if isinstance(w, QAbstractButton) else w.title()
        else:
            continue
        t = text.replace("&&", "")
        i = t.find("&")
        if i >= 0 and i + 1 < len(t):
            seen.setdefault(t[i + 1].lower(), []).append(_plain(text))
    return [f"Alt+{k.upper()}: {', '.join(v)}" for k, v in seen.items() if len(v) > 1]
