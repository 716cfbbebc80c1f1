"""A list of one kind of record with an edit form beside it (evidence, coaching log, contacts).

Subclasses declare the columns and the form and call the service; this class does selection, dirty tracking,
saving (explicitly with Ctrl+S / Save, and before switching rows or locking) and the audience badge/combo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from ..context import AppContext
from ..widgets.drafts import apply_values, widget_values
from ..widgets.fields import AudienceCombo, Report, install_audience_menu, record_table, select_row
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel
from ..widgets.write import ui_write


class RecordTab(QWidget):
    record_type = ""
    noun = "record"
    default_audience = "educator"
    editable_existing = True
    deletable = False  # subclasses that can delete implement remove(rec)

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.current: Any = None  # the record in the form; None while writing a new one
        self.dirty = False
        self._filling = False
        self.model = RecordTableModel(self.columns(), self)
        self.table = record_table(f"{self.noun.capitalize()} list", self.model)
        install_audience_menu(self.table, self.set_audience)

        self.new_btn = QPushButton(icon("plus"), f"New {self.noun}")
        self.new_btn.setAccessibleName(f"New {self.noun}")
        self.delete_btn = QPushButton(icon("trash-2"), "Delete…")
        self.delete_btn.setAccessibleName(f"Delete the selected {self.noun}")
        self.delete_btn.setVisible(self.deletable)
        self.delete_btn.setEnabled(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.new_btn)
        bar.addWidget(self.delete_btn)
        bar.addStretch(1)
        ll.addLayout(bar)
        ll.addWidget(self.table, 1)

        self.form_title = QLabel()
        self.form_title.setObjectName("formTitle")
        self.audience = AudienceCombo()
        self.save_btn = QPushButton(icon("save"), "Save")
        self.save_btn.setAccessibleName(f"Save {self.noun}")
        self.save_btn.setToolTip("Save (Ctrl+S)")
        form_w = QWidget()
        self._form_widget = form_w
        self.form = QFormLayout(form_w)
        self.form.addRow(self.form_title)
        self.build_form(self.form)
        self.form.addRow("Audience", self.audience)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_btn)
        self.form.addRow(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_w)
        # A 1024-pixel screen leaves ~800 for list + form: the form takes what it needs (it scrolls, and its
        # labels go above the fields when narrow), the list elides (full text on hover).
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        scroll.setMinimumWidth(440)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setMinimumWidth(260)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([380, 620])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.new_btn.clicked.connect(self.new_record)
        self.delete_btn.clicked.connect(self.delete_current)
        self.save_btn.clicked.connect(self.save)
        self.audience.activated.connect(lambda _i: self._audience_picked())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_changed(cur.row()))
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self._watch_fields(form_w)
        self.new_record()

    # --- to implement
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def build_form(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def fill(self, rec: Any) -> None:
        """Show rec in the form (None: empty form for a new record)."""
        raise NotImplementedError

    def fetch(self, educator_id: str) -> list[Any]:
        raise NotImplementedError

    def create_record(self, educator_id: str, audience: str) -> Any:
        raise NotImplementedError

    def update_record(self, rec: Any, *, force: bool = False) -> Any:
        """Save the form over ``rec`` (``force``: even if it changed elsewhere meanwhile)."""
        raise NotImplementedError

    def remove(self, rec: Any) -> None:
        raise NotImplementedError

    def delete_current(self) -> None:
        rec = self.current
        if rec is None or not self.deletable:
            return
        what = getattr(rec, "title", None) or self.noun
        box = QMessageBox(QMessageBox.Icon.Question, f"Delete {self.noun}", f"Delete “{what}”?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDelete")
        go = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not go:
            return
        if ui_write(self, lambda: self.remove(rec), ctx=self.ctx, report=self.report) is not None:
            self.dirty = False
            self._show(None)

    # --- behaviour
    def _watch_fields(self, root: QWidget) -> None:
        for line in root.findChildren(QLineEdit):
            line.textEdited.connect(self._mark_dirty)
        for text in root.findChildren(QPlainTextEdit):
            text.textChanged.connect(self._mark_dirty)
        for combo in root.findChildren(QComboBox):
            if combo is not self.audience:
                combo.activated.connect(self._mark_dirty)
        for day in root.findChildren(QDateEdit):
            day.dateChanged.connect(self._mark_dirty)
        for spin in root.findChildren(QAbstractSpinBox):
            if not isinstance(spin, QDateEdit):
                spin.editingFinished.connect(self._mark_dirty)
        for tree in root.findChildren(QTreeWidget):
            tree.itemChanged.connect(self._mark_dirty)

    def _mark_dirty(self, *_: Any) -> None:
        if not self._filling:
            self.dirty = True

    def _show(self, rec: Any) -> None:
        self._filling = True
        try:
            self.current = rec
            self.fill(rec)
            self.audience.set_value(rec.audience if rec else self.default_audience)
            self.form_title.setText(f"Edit {self.noun}" if rec else f"New {self.noun}")
            self.save_btn.setEnabled(rec is None or self.editable_existing)
            self.delete_btn.setEnabled(rec is not None)
        finally:
            self._filling = False
        self.dirty = False

    def load(self, educator_id: str) -> None:
        self.educator_id = educator_id
        self.model.set_records(self.fetch(educator_id))
        self._show(None)

    def refresh(self) -> None:
        """Reload the list (the store changed). The form follows a change made elsewhere unless the CT has
        unsaved edits in it: then Save asks which version to keep."""
        if self.educator_id:
            keep = self.current.id if self.current else None
            self._filling = True
            try:
                self.model.set_records(self.fetch(self.educator_id))
            finally:
                self._filling = False
            if keep:
                fresh = self.model.record(self.model.row_of(keep))
                self.select(keep)
                if fresh is None and not self.dirty:
                    self._show(None)  # deleted elsewhere
                elif fresh is not None and not self.dirty and fresh.updated_at != self.current.updated_at:
                    self._show(fresh)

    def select(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        select_row(self.table, row)
        return row >= 0

    def new_record(self) -> None:
        self.save_pending()
        self.table.clearSelection()
        self._show(None)
        self.form.itemAt(1, QFormLayout.ItemRole.FieldRole).widget().setFocus()

    def _row_changed(self, row: int) -> None:
        rec = self.model.record(row)
        if rec is None or (self.current is not None and rec.id == self.current.id):
            return
        self.save_pending()
        self._show(self.model.record(self.model.row_of(rec.id)))

    def save(self) -> Any:
        if not self.educator_id:
            return None
        educator_id, current = self.educator_id, self.current
        if current is not None and not self.editable_existing:
            return None
        audience = self.audience.value()
        done = ui_write(
            self,
            lambda: self.create_record(educator_id, audience) if current is None else self.update_record(current),
            ctx=self.ctx,
            report=self.report,
            overwrite=None if current is None else lambda: self.update_record(current, force=True),
            discard=None if current is None else lambda: self._show(self.model.record(self.model.row_of(current.id))),
        )
        if done is None:
            return None
        rec = done.value
        self.dirty = False
        self.current = rec
        self._filling = True
        self.model.set_records(self.fetch(self.educator_id))
        self.select(rec.id)
        self._filling = False
        self._show(rec)
        return rec

    def save_pending(self) -> None:
        if self.dirty and self.educator_id:
            self.save()

    def _audience_picked(self) -> None:
        if self.current is not None:
            self.set_audience(self.current, self.audience.value())

    def set_audience(self, rec: Any, audience: str) -> None:
        if rec.audience == audience:
            return
        done = ui_write(self, lambda: self.ctx.svc.caseload.set_audience(type(rec), rec.id, audience), ctx=self.ctx,
                        report=self.report)
        if done is None:
            self.audience.set_value(rec.audience)
            return
        saved = done.value
        self.model.replace(saved)
        if self.current is not None and self.current.id == saved.id:
            self.current = saved
            self.audience.set_value(saved.audience)

    # --- drafts (locking keeps unsaved fields: ui/widgets/drafts.py)
    def draft_state(self) -> dict[str, Any]:
        return {"current_id": self.current.id if self.current is not None else None,
                "fields": widget_values(self._form_widget) if self.dirty else None}

    def restore_draft(self, state: dict[str, Any]) -> None:
        if state.get("current_id"):
            if not self.select(state["current_id"]):
                return
        else:
            self.new_record()
        if state.get("fields"):
            self._filling = True
            try:
                apply_values(self._form_widget, state["fields"])
            finally:
                self._filling = False
            self.dirty = True

    def clear(self) -> None:
        self.educator_id = None
        self.model.clear()
        self._show(None)
