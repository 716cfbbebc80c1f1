"""The tagging side panel of observation capture: quick tag box + rubric tree, with keyboard shortcuts.

Shortcuts (installed on the capture view): Ctrl+T quick tag box; Alt+1..4 open Standard I-IV in the tree;
Alt+5 the equity areas; Escape returns to the note line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from ...core.rubric import Rubric
from ..widgets.fields import hint
from ..widgets.tagpicker import EQUITY_GROUP, RubricTree, parse_codes

SCOPE = Qt.ShortcutContext.WidgetWithChildrenShortcut


class TagPanel(QWidget):
    tagRequested = Signal(str)  # toggle this code on the target lines
    unknownCodes = Signal(str)  # what the CT typed that is not a rubric tag
    escaped = Signal()

    def __init__(self, rubric: Rubric, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quick = QLineEdit()
        self.quick.setPlaceholderText("Tag: type II-B, EQ-1… + Enter (Ctrl+T)")
        self.quick.setAccessibleName("Quick tag")
        self.tree = RubricTree(rubric, checkable=False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("<b>Tag lines</b>"))
        lay.addWidget(self.quick)
        lay.addWidget(self.tree, 1)
        lay.addWidget(hint("Enter or double-click toggles a tag on the selected lines (else the latest "
                           "line). Alt+1…4: Standards I-IV, Alt+5: equity areas, Esc: back to typing."))
        self.quick.returnPressed.connect(self._typed)
        self.quick.textChanged.connect(self.tree.filter)
        self.tree.tagActivated.connect(self.tagRequested)
        for w in (self.quick, self.tree):
            QShortcut(QKeySequence("Escape"), w, self.escaped.emit, context=Qt.ShortcutContext.WidgetShortcut)
        QWidget.setTabOrder(self.quick, self.tree)

    def install_shortcuts(self, host: QWidget) -> None:
        QShortcut(QKeySequence("Ctrl+T"), host, self.focus_quick, context=SCOPE)
        for n, std in enumerate(self.tree.rubric.standard_codes()[:4], start=1):
            QShortcut(QKeySequence(f"Alt+{n}"), host, lambda s=std: self.tree.focus_group(s), context=SCOPE)
        QShortcut(QKeySequence("Alt+5"), host, lambda: self.tree.focus_group(EQUITY_GROUP), context=SCOPE)

    def focus_quick(self) -> None:
        self.quick.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.quick.selectAll()

    def _typed(self) -> None:
        good, bad = parse_codes(self.tree.rubric, self.quick.text())
        if bad:
            self.unknownCodes.emit(", ".join(bad))
            return
        self.quick.clear()
        for code in good:
            self.tagRequested.emit(code)
