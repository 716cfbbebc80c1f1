"""Evidence tab: artifacts and student work tagged to indicators and equity areas, with encrypted files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from ...core import clock
from ...core.enums import EvidenceKind, label
from ...core.rubric import load_rubric
from ..context import AppContext
from ..widgets.fields import Report, date_edit, enum_combo, pydate, qdate, set_combo, stretch_column
from ..widgets.icons import icon
from ..widgets.record_model import Column, audience_column, tags_column
from ..widgets.tagpicker import TagField
from ..widgets.tasks import run_in_background
from ..widgets.tempfiles import OpenedCopies
from .record_tab import RecordTab


class EvidenceTab(RecordTab):
    record_type = "evidence"
    noun = "evidence"
    deletable = True

    def __init__(self, ctx: AppContext, report: Report, copies: OpenedCopies, parent: Any = None) -> None:
        self.copies = copies
        self.pending_file: Path | None = None
        super().__init__(ctx, report, parent)
        stretch_column(self.table, 1)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda e: e.collected_on.isoformat()),
            Column("Title", lambda e: e.title, tooltip=lambda e: e.description or ""),
            # the category is in the form and the tooltip: the title needs the width
            Column("Kind", lambda e: label(e.kind), tooltip=lambda e: self._category_name(e.category)),
            tags_column(),
            Column(
                "File",
                lambda e: "",
                decoration=lambda e: icon("paperclip") if e.attachment_id else None,
                tooltip=lambda e: "Encrypted file attached" if e.attachment_id else "",
            ),
            audience_column(),
        ]

    def _category_name(self, code: str) -> str:
        return dict(self.ctx.svc.rubric.evidence_categories).get(code, label(code))

    def build_form(self, form: QFormLayout) -> None:
        rubric = self.ctx.services.rubric if self.ctx.services else load_rubric()
        cats = rubric.evidence_categories
        self.title = QLineEdit()
        self.title.setAccessibleName("Evidence title")
        self.category = enum_combo("Evidence category", [c for c, _ in cats], dict(cats))
        self.kind = enum_combo("Evidence kind", [k.value for k in EvidenceKind])
        self.collected_on = date_edit("Collected on")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(90)
        self.tags = TagField(rubric)
        self.file_label = QLabel("No file")
        self.file_label.setAccessibleName("Attached file")
        self.file_label.setWordWrap(True)
        self.attach_btn = QPushButton(icon("paperclip"), "Attach file…")
        self.attach_btn.setAccessibleName("Attach a file (stored encrypted)")
        self.open_btn = QPushButton(icon("eye"), "Open")
        self.open_btn.setAccessibleName("Open the attachment")
        self.open_btn.setToolTip("Opens a decrypted temporary copy; it is deleted when you lock or quit")
        row = QHBoxLayout()
        row.addWidget(self.file_label, 1)
        row.addWidget(self.attach_btn)
        row.addWidget(self.open_btn)
        for text, w in (
            ("Title", self.title),
            ("Category", self.category),
            ("Kind", self.kind),
            ("Collected on", self.collected_on),
            ("Description", self.description),
            ("Indicators && equity", self.tags),
        ):
            form.addRow(text, w)
        form.addRow("File", row)
        self.attach_btn.clicked.connect(self.attach)
        self.open_btn.clicked.connect(self.open_attachment)

    def fill(self, rec: Any) -> None:
        self.pending_file = None
        self.title.setText(rec.title if rec else "")
        set_combo(self.category, rec.category if rec else "products_of_practice")
        set_combo(self.kind, rec.kind if rec else "artifact")
        self.collected_on.setDate(qdate(rec.collected_on if rec else clock.today()))
        self.description.setPlainText(rec.description or "" if rec else "")
        self.tags.set_codes([*rec.indicator_codes, *rec.equity_codes] if rec else [])
        self._show_file(rec)

    def _show_file(self, rec: Any) -> None:
        if self.pending_file is not None:
            self.file_label.setText(f"{self.pending_file.name} (attached when you save)")
        elif rec is not None and rec.attachment_id:
            try:
                att = self.ctx.svc.evidence.attachment(rec.attachment_id)
                self.file_label.setText(f"{att.filename} ({max(1, att.size // 1024)} KB, encrypted)")
            except Exception as exc:  # noqa: BLE001
                self.file_label.setText(str(exc))
        else:
            self.file_label.setText("No file")
        self.open_btn.setEnabled(rec is not None and bool(rec.attachment_id) and self.pending_file is None)

    def fetch(self, educator_id: str) -> list[Any]:
        return self.ctx.svc.evidence.for_educator(educator_id)

    def _values(self) -> dict[str, Any]:
        ind, eq = self.tags.codes()
        return {
            "title": self.title.text(),
            "category": str(self.category.currentData()),
            "kind": str(self.kind.currentData()),
            "collected_on": pydate(self.collected_on.date()),
            "description": self.description.toPlainText() or None,
            "indicator_codes": ind,
            "equity_codes": eq,
        }

    def create_record(self, educator_id: str, audience: str) -> Any:
        return self.ctx.svc.evidence.add(
            educator_id=educator_id, audience=audience, file=self.pending_file, **self._values()
        )

    def update_record(self, rec: Any, *, force: bool = False) -> Any:
        svc = self.ctx.svc.evidence
        saved = svc.update(rec.id, unchanged_since=None if force else rec.updated_at, **self._values())
        if self.pending_file is not None:
            saved = svc.attach(rec.id, file=self.pending_file)
        return saved

    def remove(self, rec: Any) -> None:
        self.ctx.svc.evidence.delete(rec.id)

    # --- files
    def choose_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Attach a file to this evidence")
        return Path(name) if name else None

    def attach(self) -> None:
        path = self.choose_file()
        if path is None:
            return
        self.pending_file = path
        self.dirty = True
        if self.current is not None:
            self.save()  # existing evidence: store the file now
        else:
            self._show_file(None)

    def open_attachment(self) -> None:
        rec = self.current
        if rec is None or not rec.attachment_id:
            return
        svc = self.ctx.svc.evidence
        self.open_btn.setEnabled(False)

        def done(result: Any) -> None:
            att, data = result
            self.open_btn.setEnabled(True)
            try:
                self.copies.open(att.filename, data)
            except OSError as exc:
                self.report(exc)

        def failed(exc: BaseException) -> None:
            self.open_btn.setEnabled(True)
            self.report(exc)

        # decrypting and checking a large file is slow: off the GUI thread
        run_in_background(self, lambda: svc.read_attachment(rec.attachment_id), on_done=done, on_error=failed)
