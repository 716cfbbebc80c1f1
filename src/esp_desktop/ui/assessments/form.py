"""One formative assessment / summative recommendation: per-standard ratings with rationale and linked
evidence, overall rating. A finalized document is read-only and gets the acknowledgement block (the educator's
signature, once per version) and the educator's written responses (dated records of their own). Finalizing
against a rule that allows an exception asks for a written justification."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
from ..widgets.elide import ElidedLabel
from ..widgets.fields import Report, date_edit, hint, pydate, set_combo
from ..widgets.icons import icon
from ..widgets.style import set_tone
from ..widgets.write import ui_write
from .exception import ask_justification


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
        self.header = ElidedLabel()
        self.header.setObjectName("formTitle")
        self.state = QLabel()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("banner")
        # read-only fields look read-only, not like empty boxes waiting for input (the sheet's readOnly rule)
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
        self.finalize_btn.setShortcut("Ctrl+Shift+F")
        self.finalize_btn.setToolTip(
            "Shows what will be locked, then finalizes: finalized documents cannot be changed; corrections "
            "become a new version (Ctrl+Shift+F)"
        )

        # acknowledgement (finalized documents only)
        self.ack_box = QGroupBox("Acknowledgement")
        self.ack_list = QLabel()
        self.ack_list.setWordWrap(True)
        self.signer = QLineEdit()
        self.signer.setAccessibleName("Signer name")
        self.signer.setToolTip("The educator of this case signs; their name is filled in.")
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
        self.ack_inputs = QWidget()
        ai = QFormLayout(self.ack_inputs)
        ai.setContentsMargins(0, 0, 0, 0)
        ai.addRow("Signer", self.signer)
        ai.addRow("Date", self.signed_on)
        ai.addRow("Comment", self.ack_comment)
        ack_row = QHBoxLayout()
        ack_row.addStretch(1)
        ack_row.addWidget(self.ack_btn)
        ai.addRow(ack_row)
        af.addRow(self.ack_inputs)

        # the educator's written response: its own dated record, attached to this version
        self.responses = QLabel()
        self.responses.setWordWrap(True)
        self.responses.setAccessibleName("Written responses")
        self.response_text = _text("Educator's written response", 70)
        self.response_text.setPlaceholderText("Type or paste the educator's written response…")
        self.received_on = date_edit("Response received on")
        self.response_btn = QPushButton(icon("file-input"), "Record written response")
        self.response_btn.setAccessibleName("Record written response")
        resp_row = QHBoxLayout()
        resp_row.addStretch(1)
        resp_row.addWidget(self.response_btn)
        af.addRow(hint("The educator's written response may come days later; it is printed with this version."))
        af.addRow(self.responses)
        af.addRow("Response", self.response_text)
        af.addRow("Received", self.received_on)
        af.addRow(resp_row)

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(self.ack_box)  # finalized versions only: what the CT does next comes first
        for b in self.boxes:
            bl.addWidget(b)
        bl.addWidget(overall_box)
        bl.addStretch(1)
        self.scroll_area = scroll = QScrollArea()
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
        self.response_btn.clicked.connect(self.add_response)
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
        set_tone(self.state, "info" if final else "warn")
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
            self._show_acknowledgement(doc)
            self.scroll_area.verticalScrollBar().setValue(0)  # the acknowledgement box, at the top, comes next
        self._filling = False
        self.dirty = False

    def _show_acknowledgement(self, doc: Any) -> None:
        svc = self.ctx.svc
        acks = svc.assessments.acknowledgements(doc.id)
        replaced = doc.id in svc.assessments.superseded_ids(doc.educator_id)
        lines = [f"Signed by <b>{html.escape(a.signer_name, quote=False)}</b> on {timefmt.screen_date(a.signed_on)}"
                 + (f": “{html.escape(a.comment, quote=False)}”" if a.comment else "") for a in acks]
        if replaced:
            lines.append(f"Version {doc.version_no} was replaced by a correction: the educator acknowledges the "
                         "current version.")
        self.ack_list.setText("<br>".join(lines) or "Not acknowledged yet.")
        self.ack_inputs.setVisible(not acks and not replaced)
        self.signer.setText(svc.caseload.educator(doc.educator_id).display_name)
        self.ack_comment.clear()
        responses = svc.assessments.responses(doc.id)
        self.responses.setText("<br><br>".join(
            f"<b>Received {timefmt.screen_date(r.received_on)}</b>: {html.escape(r.text, quote=False)}" for r in responses)
            or "No written response recorded.")
        self.response_text.clear()

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
        if self.doc is None or self.is_read_only() or not self.save(emit=False):
            return
        svc = self.ctx.svc
        doc = self.doc
        evidence = {e.id: e.title for e in self._evidence}
        problems = svc.assessments.problems(doc.id)
        # what is missing refuses (the dialog shows it); a rule with a legitimate exception asks for a
        # justification afterwards, which prints on the document
        hard = [p.text for p in problems if not p.overridable]
        dlg = FinalizeDialog(doc, svc.rubric, evidence, hard, self)
        if not dlg.exec():
            return
        justification = None
        soft = [p for p in problems if p.overridable]
        if soft:
            justification = ask_justification(self, soft)
            if justification is None:
                return
        done = ui_write(self, lambda: svc.assessments.finalize(document_id=doc.id, justification=justification),
                        ctx=self.ctx, report=self.report)
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

    def add_response(self) -> None:
        if self.doc is None:
            return
        doc_id = self.doc.id
        text, day = self.response_text.toPlainText(), pydate(self.received_on.date())
        done = ui_write(self, lambda: self.ctx.svc.assessments.add_response(document_id=doc_id, text=text,
                                                                              received_on=day),
                        ctx=self.ctx, report=self.report)
        if done is not None:
            self.saved.emit(doc_id)


class FinalizeDialog(QDialog):
    """Before a document is locked for good: what will be locked, and what is still missing (then Finalize is
    refused until it is filled in)."""

    def __init__(self, doc: Any, rubric: Rubric, evidence: dict[str, str], problems: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Finalize {label(doc.kind).lower()}")
        self.setMinimumWidth(560)
        self.problems = problems
        rows = []
        for std in rubric.standards:
            r = (doc.ratings or {}).get(std.code) or {}
            rating = rubric.rating_name(str(r["rating"])) if r.get("rating") else "<i>not rated</i>"
            why = (r.get("rationale") or "").strip()
            cited = [evidence.get(i, "?") for i in r.get("evidence_ids") or []]
            rows.append(f"<tr><td><b>{std.code}</b> {html.escape(std.name)}</td><td>{rating}</td>"
                        f"<td>{html.escape(why[:140]) + ('…' if len(why) > 140 else '') if why else '<i>no rationale</i>'}"
                        f"{'<br><small>Evidence: ' + html.escape(', '.join(cited)) + '</small>' if cited else ''}"
                        "</td></tr>")
        overall = rubric.rating_name(doc.overall_rating) if doc.overall_rating else "<i>not rated</i>"
        why = (doc.overall_rationale or "").strip()
        rows.append(f"<tr><td><b>Overall</b></td><td>{overall}</td><td>{html.escape(why) or '<i>no rationale</i>'}"
                    "</td></tr>")
        summary = QLabel(
            f"<p>Finalizing locks <b>{html.escape(label(doc.kind))}, version {doc.version_no}</b>: these ratings, "
            "rationales and linked evidence can no longer be changed. A correction becomes version "
            f"{doc.version_no + 1}, which references this one.</p>"
            "<table cellspacing='0' cellpadding='4'>" + "".join(rows) + "</table>"
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setAccessibleName("What will be locked")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary)
        scroll.setMinimumHeight(260)
        self.missing = QLabel("<br>".join(f"• {html.escape(p)}" for p in problems))
        self.missing.setObjectName("error")
        self.missing.setWordWrap(True)
        self.missing.setAccessibleName("Still missing")
        self.missing.setVisible(bool(problems))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.finalize_btn = self.buttons.addButton("Finalize", QDialogButtonBox.ButtonRole.AcceptRole)
        self.finalize_btn.setEnabled(not problems)
        self.finalize_btn.setToolTip("Fill in what is missing first" if problems else "Lock this document")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        lay = QVBoxLayout(self)
        if problems:
            head = QLabel("<b>Not ready to finalize</b> — fill in what is missing, then Finalize again:")
            head.setWordWrap(True)
            lay.addWidget(head)
            lay.addWidget(self.missing)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.buttons)
