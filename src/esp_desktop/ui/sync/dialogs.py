"""Sync dialogs: the conflicts list (keep mine / keep theirs) and the Sync section of the settings dialog.

A conflict is a record edited on two devices while offline: the version in use here and the other edit,
kept by the sync engine until the CT chooses. Resolving is local; the next sync tells the server.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.enums import label
from ...settings import SYNC_CA_CERT, SYNC_INTERVAL_MINUTES, SYNC_SERVER
from ..widgets.common import muted
from ..widgets.icons import icon
from ..widgets.write import ui_write
from .controller import SyncController

# bookkeeping columns that differ between any two versions and mean nothing to the CT
_IGNORED = {"id", "type", "version", "created_at", "updated_at", "sync_dirty"}
_NAME_FIELDS = ("display_name", "title", "name", "class_period", "summary", "text")


def _short(v: Any) -> str:
    s = "—" if v in (None, "") else str(v)
    return s if len(s) <= 60 else s[:57] + "…"


def describe(current: dict[str, Any], other: dict[str, Any]) -> tuple[str, str]:
    """(a name for the record, what differs: 'field: in use → other edit; ...')."""
    both = current or other
    name = next((str(both[k]) for k in _NAME_FIELDS if both.get(k)), "")
    if not name and both.get("given_name"):
        name = f"{both.get('given_name', '')} {both.get('family_name', '')}".strip()
    if not current:
        return name, "deleted here; edited on another device"
    diffs = [
        f"{k.replace('_', ' ')}: {_short(current.get(k))} → {_short(other.get(k))}"
        for k in sorted(set(current) | set(other))
        if k not in _IGNORED and k in other and current.get(k) != other.get(k)
    ]
    return name, "; ".join(diffs) or "no visible difference"


class ConflictsDialog(QDialog):
    def __init__(self, ctl: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctl = ctl
        self.setWindowTitle("Sync conflicts")
        self.resize(820, 380)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Conflicts")
        self.table.setHorizontalHeaderLabels(["Record", "Name", "What differs (in use → other edit)"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.mine = QPushButton(icon("check"), "Keep &mine")
        self.mine.setAccessibleName("Keep mine")
        self.mine.setToolTip("Use the other edit (the version that was kept aside as a conflict)")
        self.theirs = QPushButton(icon("x"), "Keep &theirs")
        self.theirs.setAccessibleName("Keep theirs")
        self.theirs.setToolTip("Keep the version in use now and discard the other edit")
        self.mine.clicked.connect(lambda: self.resolve("mine"))
        self.theirs.clicked.connect(lambda: self.resolve("theirs"))
        self.info = muted(
            "The same record was changed on two devices while offline. Both versions were kept; "
            "choose one. The choice is sent to the server at the next sync."
        )
        row = QHBoxLayout()
        row.addWidget(self.mine)
        row.addWidget(self.theirs)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(close)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.load()

    def load(self) -> None:
        self.ids: list[str] = []
        self.table.setRowCount(0)
        for row in self.ctl.ctx.svc.conflicts.list():
            name, what = describe(row.current, row.other)
            r = self.table.rowCount()
            self.table.insertRow(r)
            for col, text in enumerate((label(row.record_type), name, what)):
                it = QTableWidgetItem(text)
                it.setToolTip(text)
                self.table.setItem(r, col, it)
            self.ids.append(row.conflict_id)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        if self.ids:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ok = bool(self.table.selectionModel().selectedRows())
        self.mine.setEnabled(ok)
        self.theirs.setEnabled(ok)

    def resolve(self, keep: str) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        conflict_id = self.ids[rows[0].row()]

        # e.g. resolved on another device meanwhile: said plainly; the list reloads either way
        ui_write(self, lambda: self.ctl.ctx.svc.conflicts.resolve(conflict_id, keep=keep), ctx=self.ctl.ctx,
                 title="Could not resolve")
        self.load()
        self.ctl.refresh()


class SyncSettings(QGroupBox):
    """The Sync section of the settings dialog. ``save()`` is called when the dialog is accepted."""

    def __init__(self, ctl: SyncController | None, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__("Sync", parent)
        self.ctl, self.settings = ctl, settings
        self.server = QLineEdit(settings.get(SYNC_SERVER))
        self.server.setPlaceholderText("https://central.example.org:8443")
        self.server.setAccessibleName("Sync server address")
        self.code = QLineEdit(ctl.pending_code if ctl else "")
        self.code.setPlaceholderText("one-time code from the program office")
        self.code.setAccessibleName("Enrolment code")
        self.ca = QLineEdit(settings.get(SYNC_CA_CERT))
        self.ca.setPlaceholderText("only for a self-signed server certificate")
        self.ca.setAccessibleName("Server certificate file")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose certificate file")
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(browse)
        self.every = QSpinBox()
        self.every.setRange(0, 240)
        self.every.setSuffix(" min")
        self.every.setSpecialValueText("Only when asked")
        self.every.setValue(settings.get(SYNC_INTERVAL_MINUTES))
        self.every.setAccessibleName("Sync every minutes")
        outer = QVBoxLayout(self)  # wrapped notes below the form (a form row cuts their second line)
        f = QFormLayout()
        outer.addLayout(f)
        f.addRow("Ser&ver:", self.server)
        f.addRow("&Enrolment code:", self.code)
        ca_label = QLabel("Certi&ficate:")
        ca_label.setBuddy(self.ca)
        f.addRow(ca_label, ca_row)
        f.addRow("Sync ever&y:", self.every)
        outer.addWidget(muted("The enrolment code is needed once per device and is not saved."))
        self.setEnabled(ctl is not None)

    def _choose_ca(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Server certificate", self.ca.text(), "PEM (*.pem *.crt)")
        if f:
            self.ca.setText(f)

    def save(self) -> None:
        if self.ctl is None:
            return
        st = self.settings
        st.set(SYNC_SERVER, self.server.text().strip().rstrip("/"))
        st.set(SYNC_CA_CERT, self.ca.text().strip())
        st.set(SYNC_INTERVAL_MINUTES, self.every.value())
        self.ctl.pending_code = self.code.text().strip()
        self.ctl.attach()


__all__ = ["ConflictsDialog", "SyncSettings", "describe"]
