"""One formative assessment / summative recommendation: per-standard ratings with rationale and linked
evidence, overall rating. A finalized document is read-only and gets the acknowledgement block."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.enums import DocumentKind, DocumentStatus, label
from ...core.rubric import Rubric
from ..context import AppContext
from ..widgets.fields import Report, date_edit, hint, pydate, set_combo
from ..widgets.icons import icon
from ..widgets.write import ui_write


def _text(name: str, height: int = 70) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMinimumHeight(height)
    t.setMaximumHeight(height + 40)
    return t


class StandardBox(QGroupBox):
    def __init__(self, code: str, name: str, rubric: Rubric) -> None:
        super().__init__(f"Standard {code}: {name}")
        self.code = code
        self.rating = QComboBox()
        self.rating.setAccessibleName(f"Standard {code} rating")
        self.rating.addItem("(not rated)", None)
        for c, n, _rank in rubric.ratings:
            self.rating.addItem(n, c)
        self.rationale = _text(f"Standard {code} rationale")
        self.rationale.setPlaceholderText("Rationale: what the evidence shows")
        self.evidence = QListWidget()
        self.evidence.setAccessibleName(f"Evidence linked to standard {code}")
        self.evidence.setMaximumHeight(90)
        f = QFormLayout(self)
        f.addRow("Rating", self.rating)
        f.addRow("Rationale", self.rationale)
        f.addRow("Evidence", self.evidence)

    def set_evidence(self, items: list[Any], linked: list[str]) -> None:
        self.evidence.clear()
        for ev in items:
            it = QListWidgetItem(f"{timefmt.iso_date(ev.collected_on)}  {ev.title}")
            it.setData(Qt.ItemDataRole.UserRole, ev.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if ev.id in linked else Qt.CheckState.Unchecked)
            self.evidence.addItem(it)

    def linked(self) -> list[str]:
        return [
            self.evidence.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.evidence.count())
            if self.evidence.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_read_only(self, ro: bool) -> None:
        self.rating.setEnabled(not ro)
        self.rationale.setReadOnly(ro)
        for i in range(self.evidence.count()):
            it = self.evidence.item(i)
            flags = (
                it.flags() & ~Qt.ItemFlag.ItemIsUserCheckable
                if ro
                else it.flags() | Qt.ItemFlag.ItemIsUserCheckable
            )
            it.setFlags(flags)


class AssessmentForm(QWidget):
    saved = Signal(str)  # document id (after save, finalize, acknowledgement)

    def __init__(
        self, ctx: AppContext, rubric: Rubric, report: Report, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.doc: Any = None
        self._evidence: list[Any] = []
        self.dirty = False
        self._filling = False
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.state = QLabel()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #e8eef7; color: #1f3f6b; padding: 6px 10px; border-radius: 4px; }"
        )
        # read-only fields look read-only, not like empty boxes waiting for input
        self.setStyleSheet('QPlainTextEdit[readOnly="true"] { background: #f4f4f2; color: #333; }')
        self.boxes = [StandardBox(s.code, s.name, rubric) for s in rubric.standards]
        self.overall = QComboBox()
        self.overall.setAccessibleName("Overall rating")
        self.overall.addItem("(not rated)", None)
        for c, n, _ in rubric.ratings:
            self.overall.addItem(n, c)
        self.overall_rationale = _text("Overall rationale")
        self.goals_summary = _text("Progress on goals")
        overall_box = QGroupBox("Overall")
        of = QFormLayout(overall_box)
        of.addRow("Overall rating", self.overall)
        of.addRow("Rationale", self.overall_rationale)
        of.addRow("Progress on goals", self.goals_summary)
        self.save_btn = QPushButton(icon("save"), "Save draft")
        self.save_btn.setAccessibleName("Save draft")
        self.finalize_btn = QPushButton(icon("lock"), "Finalize…")
        self.finalize_btn.setAccessibleName("Finalize the document")
        self.finalize_btn.setToolTip(
            "Finalized documents cannot be changed; corrections become a new version"
        )

        # acknowledgement (finalized documents only)
        self.ack_box = QGroupBox("Acknowledgement")
        self.ack_list = QLabel()
        self.ack_list.setWordWrap(True)
        self.signer = QLineEdit()
        self.signer.setAccessibleName("Signer name")
        self.signed_on = date_edit("Signed on")
        self.ack_comment = _text("Signer comment", 50)
        self.ack_btn = QPushButton(icon("check"), "Record acknowledgement")
        self.ack_btn.setAccessibleName("Record acknowledgement")
        af = QFormLayout(self.ack_box)
        af.addRow(
            hint(
                "The educator's signature acknowledges receipt of the document, not agreement with it. "
                "The educator may add a written response."
            )
        )
        af.addRow(self.ack_list)
        af.addRow("Signer", self.signer)
        af.addRow("Date", self.signed_on)
        af.addRow("Comment", self.ack_comment)
        ack_row = QHBoxLayout()
        ack_row.addStretch(1)
        ack_row.addWidget(self.ack_btn)
        af.addRow(ack_row)

        body = QWidget()
        bl = QVBoxLayout(body)
        for b in self.boxes:
            bl.addWidget(b)
        bl.addWidget(overall_box)
        bl.addWidget(self.ack_box)
        bl.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(self.header)
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.save_btn)
        top.addWidget(self.finalize_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(scroll, 1)

        for b in self.boxes:
            b.rating.activated.connect(self._mark)
            b.rationale.textChanged.connect(self._mark)
            b.evidence.itemChanged.connect(self._mark)
        self.overall.activated.connect(self._mark)
        self.overall_rationale.textChanged.connect(self._mark)
        self.goals_summary.textChanged.connect(self._mark)
        self.save_btn.clicked.connect(self.save)
        self.finalize_btn.clicked.connect(self.finalize)
        self.ack_btn.clicked.connect(self.acknowledge)
        self.show_document(None)

    def _mark(self, *_: Any) -> None:
        if not self._filling:
            self.dirty = True

    # --- showing
    def show_document(self, doc: Any, evidence: list[Any] | None = None) -> None:
        self._filling = True
        self.doc = doc
        self._evidence = evidence or []
        self.setEnabled(doc is not None)
        ratings = doc.ratings if doc else {}
        for b in self.boxes:
            r = ratings.get(b.code) or {}
            set_combo(b.rating, r.get("rating"))
            b.rationale.setPlainText(r.get("rationale") or "")
            b.set_evidence(evidence or [], r.get("evidence_ids") or [])
        set_combo(self.overall, doc.overall_rating if doc else None)
        self.overall_rationale.setPlainText(doc.overall_rationale or "" if doc else "")
        self.goals_summary.setPlainText(doc.goals_progress_summary or "" if doc else "")
        self.header.setText(f"{label(doc.kind)}, version {doc.version_no}" if doc else "No document selected")
        final = bool(doc) and doc.status != DocumentStatus.DRAFT
        panel_made = bool(doc) and doc.kind == DocumentKind.FINAL_EVALUATION  # the ESP Panel's ratings
        self.state.setText(label(doc.status) if doc else "")
        self.state.setStyleSheet("color: #1f5fa8; font-weight: 600;" if final else "color: #a15c00;")
        self.set_read_only(final or panel_made)
        self.banner.setVisible(final or panel_made)
        if panel_made and not final:
            self.banner.setText("Generated from the ESP Panel's decision: the ratings are the Panel's. Finalize it "
                                "on the Panel meetings screen; a change is a revised Panel decision.")
        if final:
            when = timefmt.screen_datetime(doc.finalized_at)
            self.banner.setText(
                f"Finalized {when}: this document can no longer be changed. Use “Correct…” to "
                f"create version {doc.version_no + 1}, which will reference this one."
            )
        self.ack_box.setVisible(final)
        if final:
            acks = self.ctx.svc.assessments.acknowledgements(doc.id)
            self.ack_list.setText(
                "<br>".join(
                    f"Signed by <b>{a.signer_name}</b> on {timefmt.screen_date(a.signed_on)}"
                    + (f": “{a.comment}”" if a.comment else "")
                    for a in acks
                )
                or "Not acknowledged yet."
            )
            self.signer.clear()
            self.ack_comment.clear()
        self._filling = False
        self.dirty = False

    def set_read_only(self, ro: bool) -> None:
        for b in self.boxes:
            b.set_read_only(ro)
        self.overall.setEnabled(not ro)
        self.overall_rationale.setReadOnly(ro)
        self.goals_summary.setReadOnly(ro)
        self.save_btn.setVisible(not ro)
        self.finalize_btn.setVisible(not ro)
        for t in self.findChildren(QPlainTextEdit):
            t.style().unpolish(t)  # the style sheet keys on the readOnly property
            t.style().polish(t)

    def is_read_only(self) -> bool:
        return self.doc is not None and self.doc.status != DocumentStatus.DRAFT

    # --- actions
    def save(self, *, emit: bool = True) -> bool:
        if self.doc is None or self.is_read_only():
            return False
        svc = self.ctx.svc.assessments
        doc = self.doc
        ratings = {b.code: {"rating": b.rating.currentData(), "rationale": b.rationale.toPlainText(),
                            "evidence_ids": b.linked()} for b in self.boxes}
        overall = dict(overall_rating=self.overall.currentData(), overall_rationale=self.overall_rationale.toPlainText(),
                       goals_progress_summary=self.goals_summary.toPlainText() or None)

        def write(*, force: bool = False) -> Any:
            return svc.save_draft(document_id=doc.id, ratings=ratings, unchanged_since=None if force else doc.updated_at,
                                  **overall)

        done = ui_write(self, write, ctx=self.ctx, report=self.report, overwrite=lambda: write(force=True),
                        discard=lambda: self.show_document(svc.document(doc.id), self._evidence))
        if done is None:
            return False
        self.doc, self.dirty = done.value, False
        if emit:
            self.saved.emit(done.value.id)
        return True

    def save_pending(self) -> None:
        if self.dirty:
            self.save(emit=False)

    def finalize(self) -> None:
        if self.doc is None or not self.save(emit=False):
            return
        doc_id = self.doc.id
        done = ui_write(self, lambda: self.ctx.svc.assessments.finalize(document_id=doc_id), ctx=self.ctx,
                        report=self.report)
        if done is not None:
            self.saved.emit(done.value.id)

    def acknowledge(self) -> None:
        if self.doc is None:
            return
        doc_id = self.doc.id
        done = ui_write(self, lambda: self.ctx.svc.assessments.acknowledge(
            document_id=doc_id,
            signer_name=self.signer.text(),
            signed_on=pydate(self.signed_on.date()),
            comment=self.ack_comment.toPlainText() or None,
        ), ctx=self.ctx, report=self.report)
        if done is not None:
            self.saved.emit(doc_id)
