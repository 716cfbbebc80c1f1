"""Export tables (CSV/XLSX) or the caseload report (PDF/XLSX) for one reader.

The dialog shows, before anything is written, what the chosen reader will get (row counts) and what the
confidentiality policy leaves out for them, in the words that reader may be told.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core import clock, timefmt
from ...services.exports import TABLES, TableSet
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_text, muted, show_error
from ..widgets.icons import icon

TABLE_READERS = (("panel", "The ESP Panel"), ("admin", "A school administrator (PAR cases at one school)"),
                 ("educator", "One educator (their own case)"), ("ct", "My own copy (without CT-private records)"))
REPORT_READERS = TABLE_READERS[:2]


def _months(back: int = 12) -> list[date]:
    """This month and the ``back - 1`` before it (first days)."""
    today = clock.today()
    y, m = today.year, today.month
    out = []
    for _ in range(back):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


class DistrictExportDialog(QDialog):
    """``mode``: "tables" (observations, ratings, compliance) or "report" (the monthly caseload report)."""

    def __init__(self, ctx: AppContext, mode: str = "tables", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.mode = ctx, mode
        self.result_files: list[Path] = []
        report = mode == "report"
        self.setWindowTitle("Caseload report" if report else "Export tables")
        self.resize(640, 460)
        svc = ctx.svc
        self.reader = QComboBox()
        self.reader.setAccessibleName("Prepared for")
        for value, text in (REPORT_READERS if report else TABLE_READERS):
            self.reader.addItem(text, value)
        self.educator = QComboBox()
        self.educator.setAccessibleName("Educator")
        self.educator.addItem("(every educator in scope)", None)
        for e in svc.caseload.educators():
            self.educator.addItem(e.display_name, e.id)
        self.site = QComboBox()
        self.site.setAccessibleName("School")
        self.site.addItem("(every school)", None)
        for s in svc.caseload.sites():
            self.site.addItem(s.name, s.id)
        self.checks: dict[str, QCheckBox] = {}
        tables_row = QHBoxLayout()
        for name, (title, _cols) in TABLES.items():
            cb = QCheckBox(title)
            cb.setChecked(True)
            cb.setAccessibleName(f"Include {title}")
            self.checks[name] = cb
            tables_row.addWidget(cb)
        tables_row.addStretch(1)
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        for m in _months():
            self.month.addItem(f"{timefmt.MONTHS[m.month - 1]} {m.year}", f"{m.year:04d}-{m.month:02d}")
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for value, text in ((("pdf", "PDF"), ("xlsx", "Excel workbook (.xlsx)")) if report else
                            (("xlsx", "Excel workbook (.xlsx)"), ("csv", "CSV, one file per table (UTF-8)"))):
            self.format.addItem(text, value)
        self.path = QLineEdit()
        self.path.setAccessibleName("File")
        browse = QPushButton(icon("file-output"), "Choose…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Prepared for", self.reader)
        form.addRow("School", self.site)
        if not report:
            form.addRow("Educator", self.educator)
            form.addRow("Tables", tables_row)
        else:
            form.addRow("Month", self.month)
        form.addRow("Format", self.format)
        form.addRow("File", file_row)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("warning")
        self.preview.setAccessibleName("What this reader gets")
        self.export_btn = QPushButton(icon("file-down"), "Export")
        self.export_btn.setProperty("primary", True)
        self.export_btn.setAccessibleName("Export")
        self.export_btn.clicked.connect(self.export)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(muted("Column names are explained in docs/exports.md and on the workbook's About sheet."), 1)
        foot.addWidget(cancel)
        foot.addWidget(self.export_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.preview)
        lay.addStretch(1)
        lay.addLayout(foot)

        for combo in (self.reader, self.educator, self.site, self.month, self.format):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for cb in self.checks.values():
            cb.toggled.connect(lambda _on: self.refresh())
        ctx.storeLocked.connect(self.reject)
        self.refresh()

    # --- what will be written
    def options(self) -> dict[str, Any]:
        return {"reader": self.reader.currentData(), "educator_id": self.educator.currentData(),
                "site_id": self.site.currentData(), "names": [n for n, cb in self.checks.items() if cb.isChecked()],
                "month": self.month.currentData()}

    def build(self) -> TableSet:
        o = self.options()
        if self.mode == "report":
            return self.ctx.svc.exports.caseload_report(reader=o["reader"], site_id=o["site_id"], month=o["month"])
        return self.ctx.svc.exports.tables(reader=o["reader"], educator_id=o["educator_id"], site_id=o["site_id"],
                                           names=o["names"])

    def refresh(self) -> None:
        reader = self.reader.currentData()
        self.educator.setEnabled(reader in ("educator", "admin", "panel", "ct"))
        self.site.setEnabled(reader == "admin" or self.mode == "report")
        if not self.path.text().strip() or Path(self.path.text()).name.startswith("esp-"):
            self.path.setText(str(Path.home() / self._default_name()))
        else:
            self.path.setText(str(Path(self.path.text()).with_suffix("." + self.format.currentData())))
        if self.mode == "tables" and not any(cb.isChecked() for cb in self.checks.values()):
            self._show("Choose at least one table.", ok=False)
            return
        try:
            ts = self.build()
        except Exception as exc:  # noqa: BLE001 - e.g. a reader without the scope the policy needs
            self._show(error_text(exc), ok=False)
            return
        counts = "; ".join(f"{t.title}: {len(t.rows)} row(s)" for t in ts.tables)
        bits = [f"For {ts.reader} ({ts.scope}): {counts}."]
        bits += ts.notes[-1:] if ts.notes and self.mode == "tables" else []
        if ts.left_out:
            bits.append("Left out: " + " ".join(ts.left_out))
        self._show(" ".join(bits), ok=True)

    def _default_name(self) -> str:
        stem = "esp-caseload-report" if self.mode == "report" else "esp-tables"
        return f"{stem}-{self.reader.currentData()}-{timefmt.iso_date(clock.today())}.{self.format.currentData()}"

    def _show(self, text: str, *, ok: bool) -> None:
        self.preview.setText(text)
        self.export_btn.setEnabled(ok)

    def browse(self) -> None:
        fmt = self.format.currentData()
        f, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), f"{fmt.upper()} (*.{fmt})")
        if f:
            self.path.setText(f)

    # --- writing
    def export(self) -> None:
        path = Path(self.path.text().strip())
        fmt = self.format.currentData()
        if path.suffix.casefold() != f".{fmt}":
            path = path.with_suffix(f".{fmt}")
        svc = self.ctx.svc
        try:
            ts = self.build()
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title="Nothing was exported")
            return

        def work() -> list[Path]:
            if fmt == "pdf":
                from ...reports.caseload import render_caseload_pdf

                result = render_caseload_pdf(ts, path)
                svc.audit.log(action="export_pdf", detail={"document": "caseload", "audience": ts.reader_kind,
                                                           "scope": ts.scope, "content_sha256": result.sha256,
                                                           "pages": result.pages, "file": path.name})
                return [path]
            return svc.exports.write(ts, path, fmt=fmt)

        self.export_btn.setEnabled(False)
        tasks.run_in_background(self, work, on_done=self._written, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc, title="Nothing was exported")
        self.export_btn.setEnabled(True)

    def _written(self, files: list[Path]) -> None:
        self.result_files = files
        QMessageBox.information(self, "Exported", "Wrote:\n" + "\n".join(str(f) for f in files))
        self.accept()
