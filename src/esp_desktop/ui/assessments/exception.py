"""Finalize by exception: a rule with a legitimate exception was not met, and the CT writes why.

The justification prints on the document ("Exceptions to program rules") and goes to the audit log; a rule
without an exception (603 CMR 35.08(4), evidence, rationales) is never offered here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.ratings import Problem
from ...services.assessments import MIN_JUSTIFICATION
from ..widgets.common import muted


class ExceptionDialog(QDialog):
    def __init__(self, problems: Sequence[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Finalize by exception")
        self.setMinimumWidth(520)
        intro = QLabel("<b>A program rule is not met yet.</b>")
        self.facts = facts = QLabel("<br><br>".join(escape(p.text, quote=False) for p in problems))
        facts.setWordWrap(True)
        facts.setAccessibleName("Rules not met")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Justification")
        self.text.setPlaceholderText("Why this document is finalized now, e.g. the educator leaves the district "
                                     "on December 18 (letter of resignation on file).")
        self.text.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Finalize with this justification", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(
            lambda: self.ok.setEnabled(len(self.text.toPlainText().strip()) >= MIN_JUSTIFICATION))
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(facts)
        lay.addWidget(self.text, 1)
        lay.addWidget(muted("The justification prints on the document, under “Exceptions to program rules”, "
                            f"and is kept in the audit log (at least {MIN_JUSTIFICATION} characters)."))
        lay.addWidget(self.buttons)

    def justification(self) -> str:
        return self.text.toPlainText().strip()


def ask_justification(parent: QWidget | None, problems: Sequence[Problem]) -> str | None:
    """The CT's written justification, or None when they cancel."""
    dlg = ExceptionDialog(problems, parent)
    return dlg.justification() if dlg.exec() == QDialog.DialogCode.Accepted else None
