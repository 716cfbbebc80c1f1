"""Form dialogs that save themselves: fields, validation, the write (through ``ui_write``), drafts.

    class SiteDialog(FormDialog):
        def __init__(self, ctx, parent, site=None):
            super().__init__(ctx, "Add site" if site is None else "Edit site", parent)
            self.name = self.line("&Name:", site.name if site else "", name="Site name", required=True)
        def save(self, *, force=False):
            return self.ctx.svc.caseload.add_site(name=self.name.text())

``dlg.open()`` (or ``exec()``): Save runs ``save()`` through the one write idiom; a refused write keeps the
dialog open with the message inside it, so nothing typed is lost. A dialog editing a record passes that
record's ``updated_at`` as ``unchanged_since`` unless ``force``: if the record changed elsewhere meanwhile,
the CT chooses between keeping this version and taking the other one. ``saved`` carries what ``save``
returned. Dialogs registered with ``drafts.restorable`` are reopened, with what was typed, after a lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import clock
from .drafts import widget_values
from .fields import MessageBar, qdate
from .write import ui_write


def date_field(name: str, value: date | None = None) -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("ddd d MMM yyyy")  # as core.timefmt.screen_date writes it
    d.setAccessibleName(name)
    d.setDate(qdate(value or clock.today()))
    return d


class FormDialog(QDialog):
    saved = Signal(object)  # what save() returned
    draft_kind: ClassVar[str] = ""  # set by drafts.restorable

    def __init__(self, ctx: Any, title: str, parent: QWidget | None, *, ok_text: str = "Save",
                 width: int = 480) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self._required: list[QWidget] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.message = MessageBar(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)

    # --- building the form ----------------------------------------------------------------------------------
    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def row(self, caption: str, widget: QWidget, *, required: bool = False) -> QWidget:
        self.form.addRow(caption, widget)
        if required:
            self._required.append(widget)
        return widget

    def line(self, caption: str, value: str | None = "", *, name: str, required: bool = False) -> QLineEdit:
        w = QLineEdit(value or "")
        w.setAccessibleName(name)
        w.textChanged.connect(self.revalidate)
        self.row(caption, w, required=required)
        return w

    def text(self, caption: str, value: str | None = "", *, name: str, height: int = 90,
             required: bool = False) -> QPlainTextEdit:
        w = QPlainTextEdit(value or "")
        w.setAccessibleName(name)
        w.setTabChangesFocus(True)
        w.setMaximumHeight(height)
        w.textChanged.connect(self.revalidate)
        self.row(caption, w, required=required)
        return w

    def date(self, caption: str, value: date | None = None, *, name: str) -> QDateEdit:
        w = date_field(name, value)
        self.row(caption, w)
        return w

    def combo(self, caption: str, items: Iterable[tuple[str, Any]], value: Any = None, *, name: str) -> QComboBox:
        w = QComboBox()
        w.setAccessibleName(name)
        for text, data in items:
            w.addItem(text, data)
        if value is not None:
            w.setCurrentIndex(max(0, w.findData(value)))
        w.currentIndexChanged.connect(self.revalidate)
        self.row(caption, w)
        return w

    def check(self, text: str, checked: bool = False, *, name: str) -> QCheckBox:
        w = QCheckBox(text)
        w.setAccessibleName(name)
        w.setChecked(checked)
        w.toggled.connect(self.revalidate)
        self.form.addRow("", w)
        return w

    # --- validation and saving ------------------------------------------------------------------------------
    def revalidate(self, *_: Any) -> None:
        self.ok.setEnabled(self.valid())

    def valid(self) -> bool:
        for w in self._required:
            if isinstance(w, QLineEdit) and not w.text().strip():
                return False
            if isinstance(w, QPlainTextEdit) and not w.toPlainText().strip():
                return False
        return True

    def save(self, *, force: bool = False) -> Any:
        """The write (a service call); ``force`` skips the changed-elsewhere check (the CT chose so)."""
        raise NotImplementedError

    def accept(self) -> None:
        if not self.valid():
            return
        done = ui_write(self, self.save, ctx=self.ctx, report=self.message.show_error,
                        overwrite=lambda: self.save(force=True), discard=self.reject)
        if done is None:
            return  # refused: the message is in the dialog, what was typed is still there
        self.result_value = done.value
        self.saved.emit(done.value)
        super().accept()

    # --- drafts (see drafts.py) -----------------------------------------------------------------------------
    def draft_args(self) -> dict[str, Any]:
        """What the dialog was opened for (ids), to reopen it after a lock."""
        return {}

    @classmethod
    def reopen(cls, ctx: Any, parent: QWidget | None, args: dict[str, Any]) -> FormDialog:
        factory: Any = cls  # subclasses take (ctx, parent, **what they were opened for)
        return factory(ctx, parent, **args)

    def draft(self) -> dict[str, Any] | None:
        if not self.draft_kind:
            return None
        return {"kind": self.draft_kind, "args": self.draft_args(), "fields": widget_values(self)}
