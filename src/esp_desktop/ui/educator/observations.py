"""Observations tab: the list of an educator's observations, and the capture view for one of them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ...core import timefmt
from ...core.enums import ObservationStatus, label
from ..context import AppContext
from ..observation.capture import ObservationView
from ..widgets.fields import Report, hint, install_audience_menu, record_table, select_row, stretch_column
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, audience_column
from ..widgets.write import ui_write


class ObservationsTab(QWidget):
    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.sites: dict[str, str] = {}
        self.model = RecordTableModel(
            [
                Column("Date", lambda o: o.observed_on.isoformat()),
                Column("Kind", lambda o: label(o.kind)),
                Column("Status", lambda o: label(o.status)),
                Column("Site", lambda o: self.sites.get(o.site_id or "", "")),
                Column("Class / period", lambda o: o.class_period or ""),
                Column("Minutes", lambda o: o.duration_minutes or ""),
                audience_column(),
            ],
            self,
        )
        self.table = record_table("Observations", self.model)
        stretch_column(self.table, 4)
        install_audience_menu(self.table, self._set_audience)
        self.new_btn = QPushButton(icon("plus"), "New observation")
        self.new_btn.setAccessibleName("New observation")
        self.new_btn.setShortcut("Ctrl+Shift+O")
        self.new_btn.setToolTip("Start scripting a new observation (Ctrl+Shift+O)")
        self.open_btn = QPushButton(icon("notebook-pen"), "Open")
        self.open_btn.setAccessibleName("Open the selected observation")
        self.delete_btn = QPushButton(icon("trash-2"), "Delete…")
        self.delete_btn.setAccessibleName("Delete the selected observation (unfinished only)")
        self.delete_btn.setToolTip("Delete an observation started by mistake (a finished one counts toward "
                                   "compliance and stays)")
        self.post_btn = QPushButton(icon("cloud-upload"), "Post to platform…")
        self.post_btn.setAccessibleName("Post the selected observation to the district platform")
        self.post_btn.setToolTip("Lay the selected, finished observation out box by box for the district platform")
        bar = QHBoxLayout()
        bar.addWidget(self.new_btn)
        bar.addWidget(self.open_btn)
        bar.addWidget(self.delete_btn)
        bar.addWidget(self.post_btn)
        bar.addStretch(1)
        bar.addWidget(hint("Enter or double-click opens an observation."))
        list_page = QWidget()
        ll = QVBoxLayout(list_page)
        ll.addLayout(bar)
        ll.addWidget(self.table, 1)

        self.capture = ObservationView(ctx, report)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.capture)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self.new_btn.clicked.connect(self.new_observation)
        self.open_btn.clicked.connect(self._open_selected)
        self.post_btn.clicked.connect(self._post_selected)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.table.activated.connect(lambda idx: self.open_observation(self.model.record(idx.row()).id))
        self.capture.backRequested.connect(self.show_list)

    def load(self, educator_id: str) -> None:
        self.educator_id = educator_id
        self.sites = {s.id: s.name for s in self.ctx.svc.caseload.sites()}
        # only PAR work goes to the district platform (PA and informal coaching are confidential)
        self.post_btn.setVisible(self.ctx.svc.assessments.can_rate(educator_id))
        self.refresh()

    def refresh(self) -> None:
        if self.educator_id:
            current = self.model.record(self.table.currentIndex().row())
            self.model.set_records(self.ctx.svc.observations.for_educator(self.educator_id))
            if current is not None:
                select_row(self.table, self.model.row_of(current.id))
            self._update_buttons()

    def _post_selected(self) -> None:
        rec = self.model.record(self.table.currentIndex().row())
        if rec is not None:
            from ..district.post import open_post_dialog

            open_post_dialog(self.ctx, "observation", rec.id, self)

    def show_list(self) -> None:
        self.refresh()
        self.stack.setCurrentIndex(0)
        self.table.setFocus()

    def new_observation(self) -> None:
        if self.educator_id:
            self.capture.save_pending()
            self.capture.new(self.educator_id)
            self.stack.setCurrentIndex(1)
            self.capture.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_observation(self, observation_id: str, note_id: str | None = None) -> None:
        self.capture.save_pending()
        try:
            self.capture.load(observation_id)
        except Exception as exc:  # noqa: BLE001
            self.report(exc)
            return
        self.stack.setCurrentIndex(1)
        if note_id:
            self.capture.select_note(note_id)
        self.capture.entry.setFocus()

    def _update_buttons(self) -> None:
        rec = self.model.record(self.table.currentIndex().row())
        self.open_btn.setEnabled(rec is not None)
        self.delete_btn.setEnabled(rec is not None and rec.status != "finished")
        self.post_btn.setEnabled(rec is not None and rec.status == ObservationStatus.FINISHED)

    def delete_selected(self) -> None:
        rec = self.model.record(self.table.currentIndex().row())
        if rec is None:
            return
        n = len(self.ctx.svc.observations.notes(rec.id))
        box = QMessageBox(QMessageBox.Icon.Question, "Delete observation",
                          f"Delete the {label(rec.kind).lower()} observation of {timefmt.screen_date(rec.observed_on)}"
                          f"{f' and its {n} script line(s)' if n else ''}? Use this for an observation started by "
                          "mistake.", QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteObservation")
        go = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is go:
            ui_write(self, lambda: self.ctx.svc.observations.delete(rec.id), ctx=self.ctx, report=self.report)

    def _open_selected(self) -> None:
        rec = self.model.record(self.table.currentIndex().row())
        if rec is not None:
            self.open_observation(rec.id)

    def _set_audience(self, obs: Any, audience: str) -> None:
        ui_write(self, lambda: self.ctx.svc.observations.set_audience(type(obs), obs.id, audience), ctx=self.ctx,
                 report=self.report)

    def save_pending(self) -> None:
        self.capture.save_pending()

    def draft_state(self) -> dict[str, Any]:
        capturing = self.stack.currentIndex() == 1
        return {"capture": self.capture.draft_state() if capturing else None,
                "selected": (self.model.record(self.table.currentIndex().row()) or None) and
                self.model.record(self.table.currentIndex().row()).id}

    def restore_draft(self, state: dict[str, Any]) -> None:
        cap = state.get("capture")
        if cap is None:
            if state.get("selected"):
                select_row(self.table, self.model.row_of(state["selected"]))
            return
        if cap.get("obs_id"):
            self.open_observation(cap["obs_id"])
        else:
            self.new_observation()
        self.capture.restore_draft(cap)

    def clear(self) -> None:
        self.capture.clear()
        self.model.clear()
        self.sites = {}
        self.educator_id = None
        self.stack.setCurrentIndex(0)
