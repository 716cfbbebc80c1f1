"""Export PDF from the educator page: pick the document, its reader and the file; render off the GUI thread.

    ExportDialog(ctx, educator_id, observation_id=..., parent=page).exec()

The report service leaves out every record the chosen audience may not read and audits the export; this
dialog only collects the choices, shows the service's message when it refuses (e.g. nothing of that
educator may go to the school administrator), then offers to open the written file.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
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

from ...core import clock, policy
from ...core.enums import ReaderKind, label
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_text, muted
from ..widgets.icons import icon
from ..widgets.write import ui_write

KINDS = (
    ("panel-packet", "Panel packet"),
    ("formative", "Formative assessment"),
    ("summative", "Summative evaluation recommendation"),
    ("observation", "Observation report"),
    ("final-evaluation", "Final summative evaluation"),
    ("self-assessment", "Self-assessment"),
    ("educator-plan", "Educator Plan"),
    ("progress-report", "Progress report to the Panel"),
)
# the readers a PDF is prepared for, named as everywhere else (core/policy.py)
AUDIENCES = tuple((k, policy.READER_NAMES[ReaderKind(k)][:1].upper() + policy.READER_NAMES[ReaderKind(k)][1:])
                  for k in ("panel", "educator", "admin"))
# the reader each document is usually meant for (preselected, still changeable)
DEFAULT_AUDIENCE = {"panel-packet": "panel", "formative": "educator", "summative": "panel", "observation": "educator",
                    "final-evaluation": "educator", "self-assessment": "educator", "educator-plan": "educator",
                    "progress-report": "panel"}


def _slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", text).strip("-").lower() or "educator"


class ExportDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        educator_id: str,
        *,
        observation_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.educator_id = ctx, educator_id
        self.result_path: Path | None = None
        svc = ctx.svc
        self.educator_name = svc.caseload.educator(educator_id).display_name
        self.setWindowTitle(f"Export PDF · {self.educator_name}")
        self.setMinimumWidth(560)

        self.kind = QComboBox()
        self.kind.setAccessibleName("Document")
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.observation = QComboBox()
        self.observation.setAccessibleName("Observation")
        for o in sorted(svc.observations.for_educator(educator_id), key=lambda o: o.observed_on, reverse=True):
            self.observation.addItem(f"{o.observed_on:%d %b %Y} · {label(o.kind)} · {label(o.status)}", o.id)
        if observation_id:
            self.observation.setCurrentIndex(max(0, self.observation.findData(observation_id)))
        self.audience = QComboBox()
        self.audience.setAccessibleName("Audience")
        for key, text in AUDIENCES:
            self.audience.addItem(text, key)
        self.path = QLineEdit()
        self.path.setAccessibleName("Output file")
        self.browse = QPushButton(icon("file-output"), "Choose…")
        self.browse.setAccessibleName("Choose output file")
        self.browse.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.note = muted(
            "Only records the chosen reader may see are included; private notes never are. "
            "The export is recorded in the audit log."
        )
        # Never silently empty: what this reader will not see, said before anything is written.
        self.omitted = QLabel()
        self.omitted.setObjectName("warning")
        self.omitted.setWordWrap(True)
        self.omitted.setAccessibleName("Not in this PDF")
        self.share_btn = QPushButton(icon("eye"), "Share them…")
        self.share_btn.setAccessibleName("Share the CT-private script lines with this reader")
        self.share_btn.clicked.connect(self.share_private_lines)
        self.private_notes: list[str] = []
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Export problem")
        self.error.hide()

        form = QFormLayout()
        form.addRow("&Document:", self.kind)
        form.addRow("O&bservation:", self.observation)
        form.addRow("&Audience:", self.audience)
        form.addRow("File:", row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_btn = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_btn.setIcon(icon("file-down"))
        self.export_btn.setAccessibleName("Export")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(self.omitted)
        share_row = QHBoxLayout()
        share_row.addStretch(1)
        share_row.addWidget(self.share_btn)
        lay.addLayout(share_row)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.audience.currentIndexChanged.connect(lambda _i: self.update_omissions())
        self.observation.currentIndexChanged.connect(lambda _i: self.update_omissions())
        self._kind_changed()

    # --- choices
    def chosen_kind(self) -> str:
        return str(self.kind.currentData())

    def _kind_changed(self) -> None:
        k = self.chosen_kind()
        is_obs = k == "observation"
        self.observation.setEnabled(is_obs)
        self.audience.setCurrentIndex(self.audience.findData(DEFAULT_AUDIENCE[k]))
        self.path.setText(str(self._default_path()))
        self.error.hide()
        self.update_omissions()

    # --- what the reader will not see
    def update_omissions(self) -> None:
        """Say, before writing, what the chosen reader will not see; offer to share CT-private script lines."""
        from ...reports.service import ReportService

        kind, audience = self.chosen_kind(), str(self.audience.currentData())
        obs_id = self.observation.currentData() if kind == "observation" else None
        self.private_notes = []
        if kind == "observation" and not obs_id:
            lines: list[str] = []
        else:
            try:
                om = ReportService(self.ctx.svc).omissions(kind=kind, audience=audience, educator_id=self.educator_id,
                                                           observation_id=obs_id)
            except Exception as exc:  # noqa: BLE001 - the export would be refused the same way: say it now
                self.omitted.setText(error_text(exc))
                self.omitted.show()
                self.share_btn.hide()
                return
            lines = om.lines()
            if any(t == "script_note" and why == policy.Reason.PRIVATE for (t, why) in om.counts):
                self.private_notes = self._private_lines(kind, audience, obs_id)
        reader = policy.READER_NAMES[ReaderKind(audience)]
        self.omitted.setText("Not in this PDF: " + " ".join(lines) if lines else "")
        self.omitted.setVisible(bool(lines))
        n = len(self.private_notes)
        self.share_btn.setVisible(n > 0)
        self.share_btn.setText(f"Share {n} CT-private line{'s' * (n != 1)} with {reader}…")

    def _private_lines(self, kind: str, audience: str, obs_id: str | None) -> list[str]:
        """The CT-private script lines of the observation(s) this document shows the reader."""
        obs = self.ctx.svc.observations
        if kind == "observation":
            chosen = [obs_id] if obs_id else []
        else:
            chosen = [o.id for o in obs.for_educator(self.educator_id)
                      if o.status == "finished" and policy.label_allows(o.audience, audience)]
        return [n.id for oid in chosen for n in obs.notes(oid) if n.audience == "ct_private"]

    def share_private_lines(self) -> None:
        ids, audience = list(self.private_notes), str(self.audience.currentData())
        if not ids:
            return
        reader = policy.READER_NAMES[ReaderKind(audience)]
        box = QMessageBox(QMessageBox.Icon.Question, "Share script lines",
                          f"{len(ids)} scripted line{'s are' if len(ids) != 1 else ' is'} CT-private and will not "
                          f"appear. Share {'them' if len(ids) != 1 else 'it'} with {reader}?\n\nThey stop being "
                          "CT-private: the badge of each line shows who may read it, and you can change it back "
                          "in the observation's script.", QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmShareLines")
        go = box.addButton("Share", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        if box.clickedButton() is not go:
            return
        done = ui_write(self, lambda: self.ctx.svc.observations.set_notes_audience(ids, audience=audience),
                        ctx=self.ctx, report=lambda exc: self._fail(error_text(exc)))
        if done is not None:
            self.update_omissions()

    def _default_path(self) -> Path:
        folder = Path(self.path.text()).parent if self.path.text() else Path.home()
        name = f"{_slug(self.educator_name)}-{self.chosen_kind()}-{clock.today():%Y-%m-%d}.pdf"
        return folder / name

    def choose_file(self) -> None:
        f, _ = QFileDialog.getSaveFileName(self, "Export PDF", self.path.text(), "PDF (*.pdf)")
        if f:
            self.path.setText(f if f.lower().endswith(".pdf") else f + ".pdf")

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.export_btn.setEnabled(True)

    # --- export
    def export(self) -> None:
        kind, audience, text = self.chosen_kind(), str(self.audience.currentData()), self.path.text().strip()
        obs_id = self.observation.currentData() if kind == "observation" else None
        if not text:
            self._fail("Choose the file to write.")
            return
        if kind == "observation" and not obs_id:
            self._fail("This educator has no observation yet.")
            return
        path, svc, educator_id = Path(text).expanduser(), self.ctx.svc, self.educator_id

        def work():  # noqa: ANN202 - RenderResult
            from ...reports.service import ReportService

            path.parent.mkdir(parents=True, exist_ok=True)
            return ReportService(svc).export(
                kind=kind, audience=audience, path=path, educator_id=educator_id, observation_id=obs_id
            )

        self.export_btn.setEnabled(False)
        self.error.hide()
        self.ctx.statusMessage.emit("Writing the PDF…")
        tasks.run_in_background(self, work, on_done=lambda r: self._done(path, r), on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        # written for the CT: e.g. nothing of this case is visible to that reader, or the disk is full
        self._fail(error_text(exc))

    def _done(self, path: Path, result) -> None:  # noqa: ANN001 - RenderResult
        self.result_path = path
        self.ctx.statusMessage.emit(f"PDF written to {path} ({result.pages} page(s)).")
        self.accept()
        answer = QMessageBox.question(
            self.parentWidget(),
            "PDF written",
            f"{path.name} was written ({result.pages} page(s)).\n\nOpen it now?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Open,
        )
        if answer == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
