"""Rubric tag pickers: a tree of Standards I-IV -> indicators plus the equity areas.

``RubricTree(checkable=True)`` is a form field (evidence, coaching); ``checkable=False`` is the observation
side panel, where activating an indicator (Enter or double-click) emits ``tagActivated(code)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...core.rubric import Rubric

CODE_ROLE = Qt.ItemDataRole.UserRole + 10
EQUITY_GROUP = "EQ"


def parse_codes(rubric: Rubric, text: str) -> tuple[list[str], list[str]]:
    """Codes typed by the CT ("ii-b, eq1 I-A") -> (known codes, unknown words)."""
    known = {
        c.upper().replace("-", ""): c
        for c in [i.code for i in rubric.indicators] + [t.code for t in rubric.equity_tags]
    }
    good: list[str] = []
    bad: list[str] = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        code = known.get(word.upper().replace("-", ""))
        (good if code else bad).append(code or word)
    return list(dict.fromkeys(good)), bad


class RubricTree(QTreeWidget):
    tagActivated = Signal(str)
    tagsChanged = Signal()

    def __init__(self, rubric: Rubric, *, checkable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric = rubric
        self.checkable = checkable
        self.setHeaderHidden(True)
        self.setAccessibleName("Rubric indicators and equity areas")
        self.setUniformRowHeights(True)
        self.groups: dict[str, QTreeWidgetItem] = {}
        self.items: dict[str, QTreeWidgetItem] = {}
        for s in rubric.standards:
            top = self._group(s.code, f"Standard {s.code}: {s.name}")
            for ind in s.indicators:
                self._leaf(top, ind.code, ind.name, ind.description)
        eq = self._group(EQUITY_GROUP, "Equity areas")
        for t in rubric.equity_tags:
            self._leaf(eq, t.code, t.name, "")
        self.itemActivated.connect(self._activated)
        self.itemChanged.connect(
            lambda item, _col: self.tagsChanged.emit() if item.data(0, CODE_ROLE) else None
        )

    def _group(self, code: str, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        f = item.font(0)
        f.setBold(True)
        item.setFont(0, f)
        self.groups[code] = item
        return item

    def _leaf(self, parent: QTreeWidgetItem, code: str, name: str, tip: str) -> None:
        item = QTreeWidgetItem(parent, [f"{code}  {name}"])
        item.setData(0, CODE_ROLE, code)
        item.setToolTip(0, f"{code}  {name}" + (f"\n{tip}" if tip else ""))  # the full name, also when elided
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setCheckState(0, Qt.CheckState.Unchecked)
        item.setFlags(flags)
        self.items[code] = item

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        code = item.data(0, CODE_ROLE)
        if not code:
            item.setExpanded(not item.isExpanded())
            return
        if self.checkable:
            on = item.checkState(0) == Qt.CheckState.Checked
            item.setCheckState(0, Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)
        self.tagActivated.emit(code)

    # --- checkable form field
    def set_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        self.blockSignals(True)
        for code, item in self.items.items():
            item.setCheckState(0, Qt.CheckState.Checked if code in wanted else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        for g in self.groups.values():
            g.setExpanded(any(g.child(i).data(0, CODE_ROLE) in wanted for i in range(g.childCount())))

    def codes(self) -> tuple[list[str], list[str]]:
        on = [c for c, it in self.items.items() if it.checkState(0) == Qt.CheckState.Checked]
        return [c for c in on if self.rubric.is_indicator(c)], [c for c in on if self.rubric.is_equity_tag(c)]

    # --- navigation
    def focus_group(self, code: str) -> None:
        """Alt+1..4 / Alt+5: open one standard (or the equity areas) and put the cursor on its first item."""
        g = self.groups.get(code)
        if g is None:
            return
        self.collapseAll()
        g.setExpanded(True)
        self.setCurrentItem(g.child(0) if g.childCount() else g)
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def filter(self, text: str) -> None:
        """Codes match by prefix ("II-" shows II-A..II-E, not III-A), names by any word part."""
        needle = text.strip().casefold()
        for g in self.groups.values():
            any_visible = False
            for i in range(g.childCount()):
                ch = g.child(i)
                code = str(ch.data(0, CODE_ROLE)).casefold()
                name = ch.text(0).casefold()[len(code):]  # the text starts with the code
                visible = not needle or code.startswith(needle) or (len(needle) > 2 and needle in name)
                visible = visible or code.replace("-", "") == needle.replace("-", "")
                ch.setHidden(not visible)
                any_visible |= visible
            g.setHidden(not any_visible)
            g.setExpanded(bool(needle) and any_visible)


class TagField(QWidget):
    """A checkable rubric tree with a filter box, for forms."""

    def __init__(self, rubric: Rubric, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter indicators (e.g. II-B or 'routines')")
        self.filter_box.setAccessibleName("Filter rubric tags")
        self.filter_box.setClearButtonEnabled(True)
        self.tree = RubricTree(rubric, checkable=True)
        self.tree.setMinimumHeight(140)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter_box)
        lay.addWidget(self.tree)
        self.filter_box.textChanged.connect(self.tree.filter)
        # Enter adds the typed tags and stops there: a QLineEdit passes Enter on to its dialog, which would
        # also press the dialog's default (Save) button.
        self.filter_box.installEventFilter(self)
        self.setFocusProxy(self.filter_box)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.filter_box and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._check_typed()
            return True
        return super().eventFilter(watched, event)

    def _check_typed(self) -> None:
        good, _bad = parse_codes(self.tree.rubric, self.filter_box.text())
        ind, eq = self.tree.codes()
        self.tree.set_codes(set(ind) | set(eq) | set(good))
        if good:
            self.filter_box.clear()

    def set_codes(self, codes: Iterable[str]) -> None:
        self.filter_box.clear()
        self.tree.set_codes(codes)

    def codes(self) -> tuple[list[str], list[str]]:
        return self.tree.codes()

    # drafts (ui/widgets/drafts.py): the ticked tags are this field's value
    def draft_value(self) -> list[str]:
        ind, eq = self.codes()
        return [*ind, *eq]

    def set_draft_value(self, value: list[str]) -> None:
        self.set_codes(value)
