"""Assessments tab: formative assessments and summative recommendations (PAR only), or a calm note for PA."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.enums import DocumentStatus, label
from ...core.rubric import load_rubric
from ..context import AppContext
from ..widgets.drafts import apply_values, widget_values
from ..widgets.fields import Report, install_audience_menu, record_table, select_row
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, audience_column
from ..widgets.write import ui_write
from .form import AssessmentForm

PA_NOTE = (
    "<h3>No rating forms for {name}</h3>"
    "<p>{name} is in <b>{program}</b>. Peer Assistance and informal coaching are <b>non-evaluative</b>: "
    "the consulting teacher supports the educator's growth and does not rate their practice, and nothing "
    "from this work is shared with the school administrator.</p>"
    "<p>Goals, coaching, evidence and observations remain available in the other tabs. Formative and "
    "summative "
    "ratings exist only for educators enrolled in PAR.</p>"
)


class AssessmentsTab(QWidget):
    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.superseded: set[str] = set()
        self._busy = False  # reloading the list: ignore selection changes
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Peer Assistance note")
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.note.setObjectName("noteCard")
        note_page = QWidget()
        nl = QVBoxLayout(note_page)
        nl.addWidget(self.note)
        nl.addStretch(1)

        self.model = RecordTableModel(
            [
                Column("Document", lambda d: "Final evaluation" if d.kind == "final_evaluation"
                       else label(d.kind).split(" ")[0]),
                Column("Version", lambda d: d.version_no),
                Column("Status", lambda d: "Superseded" if d.id in self.superseded else label(d.status)),
                Column(
                    "Finalized",
                    lambda d: timefmt.iso_date(d.finalized_at, empty=""),
                ),
                Column("Overall", lambda d: label(d.overall_rating) if d.overall_rating else ""),
                audience_column(),
            ],
            self,
        )
        self.table = record_table("Assessment documents", self.model)
        install_audience_menu(self.table, self._set_audience)
        self.new_formative = QPushButton(icon("clipboard-list"), "New formative")
        self.new_formative.setAccessibleName("New formative assessment")
        self.new_summative = QPushButton(icon("clipboard-check"), "New summative")
        self.new_summative.setAccessibleName("New summative recommendation")
        self.correct_btn = QPushButton(icon("pencil"), "Correct")
        self.correct_btn.setAccessibleName("Correct the finalized document (new version)")
        self.correct_btn.setToolTip("Start a new version of the finalized document; the finalized one stays")
        self.delete_btn = QPushButton(icon("trash-2"), "Delete draft…")
        self.delete_btn.setAccessibleName("Delete the selected draft")
        self.post_btn = QPushButton(icon("cloud-upload"), "Post to platform…")
        self.post_btn.setAccessibleName("Post the selected document to the district platform")
        self.post_btn.setToolTip("Lay the finalized document out box by box for the district platform")
        bar = QHBoxLayout()
        for b in (self.new_formative, self.new_summative, self.correct_btn, self.delete_btn, self.post_btn):
            bar.addWidget(b)
        bar.addStretch(1)
        self.form = AssessmentForm(ctx, ctx.services.rubric if ctx.services else load_rubric(), report)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.form)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 620])
        forms = QWidget()  # the buttons above the list and the document: they fit a 1024-pixel screen
        fl = QVBoxLayout(forms)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addLayout(bar)
        fl.addWidget(split, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(note_page)
        self.stack.addWidget(forms)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self.new_formative.clicked.connect(lambda: self._new("formative"))
        self.new_summative.clicked.connect(lambda: self._new("summative"))
        self.correct_btn.clicked.connect(self._correct)
        self.post_btn.clicked.connect(self._post)
        self.delete_btn.clicked.connect(self._delete_draft)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show_row(cur.row()))
        self.form.saved.connect(self._reload_keep)

    @property
    def rating_forms_offered(self) -> bool:
        return self.stack.currentIndex() == 1

    def load(self, educator_id: str) -> None:
        self.educator_id = educator_id
        svc = self.ctx.svc
        if not svc.assessments.can_rate(educator_id):
            e = svc.caseload.educator(educator_id)
            en = svc.caseload.enrolment(educator_id)
            self.note.setText(
                PA_NOTE.format(name=e.display_name, program=label(en.program) if en else "no program")
            )
            self.stack.setCurrentIndex(0)
            self.model.clear()
            self.form.show_document(None)
            return
        self.stack.setCurrentIndex(1)
        self._reload()
        if self.model.rowCount():
            select_row(self.table, self.model.rowCount() - 1)
        else:
            self.form.show_document(None)
        self._update_buttons()

    def _reload(self) -> None:
        if not self.educator_id:
            return
        svc = self.ctx.svc.assessments
        self.superseded = svc.superseded_ids(self.educator_id)
        self.model.set_records(svc.for_educator(self.educator_id))

    def _reload_keep(self, doc_id: str) -> None:
        self._busy = True
        try:
            self._reload()
            row = self.model.row_of(doc_id)
            select_row(self.table, row)
        finally:
            self._busy = False
        self._show_doc(self.model.record(row))

    def refresh(self) -> None:
        """The store changed: reload the list; the open document follows a change made elsewhere unless it
        has unsaved edits (then Save asks which version to keep)."""
        if not self.educator_id or self._busy:
            return
        if self.ctx.svc.assessments.can_rate(self.educator_id) != self.rating_forms_offered:
            self.load(self.educator_id)  # the program changed (e.g. referred again to PAR)
            return
        if not self.rating_forms_offered:
            return
        keep = self.form.doc
        self._busy = True
        try:
            self._reload()
            if keep is not None:
                select_row(self.table, self.model.row_of(keep.id))
        finally:
            self._busy = False
        fresh = self.model.record(self.model.row_of(keep.id)) if keep is not None else None
        if keep is not None and not self.form.dirty and (fresh is None or fresh.updated_at != keep.updated_at):
            self._show_doc(fresh)

    def _show_row(self, row: int) -> None:
        doc = self.model.record(row)
        if self._busy or doc is None:
            return
        if self.form.doc is not None and doc.id == self.form.doc.id:
            self._update_buttons()
            return
        if self.form.dirty:
            self.form.save_pending()  # keep what was typed in the previous document
            self._reload_keep(doc.id)
        else:
            self._show_doc(doc)

    def _show_doc(self, doc: Any) -> None:
        evidence = self.ctx.svc.evidence.for_educator(self.educator_id) if self.educator_id else []
        self.form.show_document(doc, evidence)
        self._update_buttons()

    def _update_buttons(self) -> None:
        d = self.form.doc
        final = bool(d) and d.status == DocumentStatus.FINAL and d.id not in self.superseded
        self.correct_btn.setEnabled(final and d.kind != "final_evaluation")  # the Panel's: a revised decision
        self.post_btn.setEnabled(final)
        self.delete_btn.setEnabled(bool(d) and d.status == DocumentStatus.DRAFT)

    def _post(self) -> None:
        d = self.form.doc
        if d is not None:
            from ..district.post import open_post_dialog

            open_post_dialog(self.ctx, "assessment", d.id, self)

    def _new(self, kind: str) -> None:
        if not self.educator_id:
            return
        self.form.save_pending()
        educator_id = self.educator_id
        done = ui_write(self, lambda: self.ctx.svc.assessments.draft(educator_id=educator_id, kind=kind),
                        ctx=self.ctx, report=self.report)
        if done is not None:
            self._reload_keep(done.value.id)

    def _correct(self) -> None:
        d = self.form.doc
        if d is None:
            return
        done = ui_write(self, lambda: self.ctx.svc.assessments.correct(document_id=d.id), ctx=self.ctx,
                        report=self.report)
        if done is not None:
            self._reload_keep(done.value.id)

    def _delete_draft(self) -> None:
        d = self.form.doc
        if d is None or d.status != DocumentStatus.DRAFT:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete draft",
                          f"Delete this draft {label(d.kind).lower()} (version {d.version_no})? "
                          "What it holds is not kept.", QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteDraft")
        go = box.addButton("Delete draft", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is go:
            self.form.dirty = False  # what it held goes with it
            if ui_write(self, lambda: self.ctx.svc.assessments.delete_draft(d.id), ctx=self.ctx,
                        report=self.report) is not None:
                self.form.show_document(None)
                self._update_buttons()

    def _set_audience(self, doc: Any, audience: str) -> None:
        ui_write(self, lambda: self.ctx.svc.assessments.set_audience(type(doc), doc.id, audience), ctx=self.ctx,
                 report=self.report)

    def select(self, record_id: str) -> None:
        select_row(self.table, self.model.row_of(record_id))

    def save_pending(self) -> None:
        self.form.save_pending()

    def draft_state(self) -> dict[str, Any]:
        doc = self.form.doc
        return {"doc_id": doc.id if doc is not None else None,
                "fields": widget_values(self.form) if self.form.dirty else None}

    def restore_draft(self, state: dict[str, Any]) -> None:
        if state.get("doc_id"):
            self.select(state["doc_id"])
        if state.get("fields") and self.form.doc is not None and not self.form.is_read_only():
            self.form._filling = True
            try:
                apply_values(self.form, state["fields"])
            finally:
                self.form._filling = False
            self.form.dirty = True

    def clear(self) -> None:
        self.educator_id = None
        self.superseded = set()
        self.model.clear()
        self.form.show_document(None)
        self.note.clear()
        self.stack.setCurrentIndex(0)
