"""History tab: the audit trail of everything recorded about this educator (read-only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...core import timefmt
from ..context import AppContext
from ..widgets.fields import Report, hint, record_table, stretch_column
from ..widgets.record_model import Column, RecordTableModel

ACTIONS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "remote_create": "Received",
    "remote_update": "Received change",
    "remote_delete": "Received delete",
}
TYPE_NAMES = {
    "script_note": "Script line",
    "goal_progress": "Goal progress",
    "evaluation_cycle": "Evaluation cycle",
    "intake_meeting": "Intake meeting",
    "coaching": "Coaching entry",
    "assessment": "Assessment",
    "panel_case": "Panel case",
    "evidence": "Evidence",
}


def _type_name(t: str | None) -> str:
    return TYPE_NAMES.get(t or "", (t or "").replace("_", " ").capitalize())


class HistoryTab(QWidget):
    openRequested = Signal(str, str)

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.model = RecordTableModel(
            [
                Column("When", lambda a: timefmt.iso_datetime(a.at)),
                Column("Who", lambda a: a.actor),
                Column("What", lambda a: ACTIONS.get(a.action, a.action.replace("_", " ").capitalize())),
                Column("Record", lambda a: _type_name(a.record_type)),
                Column("Details", lambda a: ", ".join(a.detail.get("fields", [])) if a.detail else ""),
            ],
            self,
        )
        self.table = record_table("History", self.model)
        stretch_column(self.table, 4)
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "Every change to this educator's records, newest first. The log cannot be edited. "
                "Enter or double-click opens the record."
            )
        )
        lay.addWidget(self.table, 1)
        self.table.activated.connect(self._open)

    def load(self, educator_id: str) -> None:
        self.model.set_records(self.ctx.svc.audit.history(educator_id=educator_id))

    def _open(self, index: object) -> None:
        a = self.model.record(index.row())  # type: ignore[attr-defined]
        if a is not None and a.record_type and a.record_id and a.action != "delete":
            self.openRequested.emit(a.record_type, a.record_id)

    def clear(self) -> None:
        self.model.clear()
