"""Overview tab: enrolment, cycle, compliance counters (late in red), goals with progress, prescriptions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.enums import EnrolmentStatus, Program, label
from ...core.errors import ValidationError
from ..caseload.dialogs import CycleDialog
from ..context import AppContext
from ..widgets.common import fmt_date
from ..widgets.fields import Report, hint, install_audience_menu, record_table, select_row, stretch_column
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, audience_column
from ..widgets.style import set_tone, tone
from ..widgets.write import ui_write
from .goal_dialogs import GOAL_STATUSES, RX_STATUSES, GoalDialog, PrescriptionDialog, ProgressDialog

STATE_LABELS = {"late": "Late", "due_soon": "Due soon", "upcoming": "Upcoming", "done": "Done"}


def _show_counter(label: QLabel, done: int, required: int) -> None:
    label.setText(f"{done} / {required}")
    set_tone(label, "ok" if done >= required else None)


class OverviewTab(QWidget):
    openRequested = Signal(str, str)  # record type, id (a due item that was done)

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.cycle: Any = None
        self.progress: dict[str, Any] = {}

        # enrolment / cycle facts
        self.facts: dict[str, QLabel] = {}
        facts = QFormLayout()
        for key, title in (
            ("program", "Program"),
            ("status", "Status"),
            ("sites", "Sites"),
            ("plan", "Plan type"),
            ("cycle", "Cycle"),
            ("formative", "Formative due"),
            ("summative", "Summative due"),
        ):
            lab = QLabel()
            lab.setAccessibleName(title)
            lab.setWordWrap(True)
            self.facts[key] = lab
            facts.addRow(f"{title}:", lab)
        self.cycle_btn = QPushButton(icon("calendar-check"), "Start cycle…")
        self.cycle_btn.setAccessibleName("Start or edit the evaluation cycle")
        self.cycle_btn.clicked.connect(self._cycle)
        cycle_row = QHBoxLayout()
        cycle_row.addStretch(1)
        cycle_row.addWidget(self.cycle_btn)
        facts_box = QGroupBox("Enrolment")
        fl = QVBoxLayout(facts_box)
        fl.addLayout(facts)
        fl.addStretch(1)
        fl.addLayout(cycle_row)

        # compliance
        self.announced = QLabel()
        self.announced.setAccessibleName("Announced observations done")
        self.announced.setObjectName("counter")
        self.unannounced = QLabel()
        self.unannounced.setAccessibleName("Unannounced observations done")
        self.unannounced.setObjectName("counter")
        self.next_due = QLabel()
        self.next_due.setWordWrap(True)
        self.no_cycle = hint("")
        self.due_model = RecordTableModel(
            [
                Column("Item", lambda i: i.label),
                Column("Due", lambda i: i.due_on.isoformat()),
                Column("State", lambda i: STATE_LABELS.get(i.state, i.state)),
                Column("Done on", lambda i: i.done_on.isoformat() if i.done_on else ""),
            ],
            self,
            late=lambda i: i.state == "late",
        )
        self.due_table = record_table("Compliance items", self.due_model)
        stretch_column(self.due_table, 0)
        self.due_table.activated.connect(self._open_due)
        grid = QGridLayout()
        grid.addWidget(QLabel("Announced"), 0, 0)
        grid.addWidget(QLabel("Unannounced"), 0, 1)
        grid.addWidget(self.announced, 1, 0)
        grid.addWidget(self.unannounced, 1, 1)
        comp = QVBoxLayout()
        comp.addLayout(grid)
        comp.addWidget(self.next_due)
        comp.addWidget(self.no_cycle)
        comp.addWidget(self.due_table, 1)
        self.comp_box = QGroupBox("Cycle compliance")
        self.comp_box.setLayout(comp)

        top = QHBoxLayout()
        top.addWidget(facts_box, 2)
        top.addWidget(self.comp_box, 3)

        # goals
        self.goal_model = RecordTableModel(
            [
                Column("Goal", lambda g: g.title, tooltip=lambda g: g.statement),
                Column("Kind", lambda g: label(g.kind)),
                Column("Status", lambda g: label(g.status)),
                Column("Due", lambda g: g.due_on.isoformat() if g.due_on else ""),
                Column("Progress", self._progress_text),
                audience_column(),
            ],
            self,
        )
        self.goals = record_table("Goals", self.goal_model)
        stretch_column(self.goals, 0)
        install_audience_menu(self.goals, lambda r, a: self._set_audience(self.ctx.svc.goals, r, a, "goal"))
        self.add_goal_btn = QPushButton(icon("target"), "Add goal…")
        self.add_goal_btn.setAccessibleName("Add goal")
        self.edit_goal_btn = QPushButton(icon("pencil"), "Edit…")
        self.edit_goal_btn.setAccessibleName("Edit the selected goal")
        self.add_progress_btn = QPushButton(icon("list-checks"), "Progress check…")
        self.add_progress_btn.setAccessibleName("Add progress check to the selected goal")
        self.goal_status_btn = self._status_button("goal", GOAL_STATUSES)
        gb = QHBoxLayout()
        for b in (self.add_goal_btn, self.edit_goal_btn, self.add_progress_btn, self.goal_status_btn):
            gb.addWidget(b)
        gb.addStretch(1)
        goals_box = QGroupBox("Goals")
        gl = QVBoxLayout(goals_box)
        gl.addLayout(gb)
        gl.addWidget(self.goals)

        # prescriptions
        self.rx_model = RecordTableModel(
            [
                Column("Indicators", lambda p: " ".join(p.indicator_codes), kind="tags"),
                Column("Concern", lambda p: p.concern),
                Column("Action", lambda p: p.action),
                Column("Due", lambda p: p.due_on.isoformat() if p.due_on else ""),
                Column("Status", lambda p: label(p.status)),
                audience_column(),
            ],
            self,
        )
        self.rx = record_table("Prescriptions", self.rx_model)
        stretch_column(self.rx, 2)
        install_audience_menu(self.rx, lambda r, a: self._set_audience(self.ctx.svc.goals, r, a, "prescription"))
        self.add_rx_btn = QPushButton(icon("plus"), "Add prescription…")
        self.add_rx_btn.setAccessibleName("Add prescription")
        self.edit_rx_btn = QPushButton(icon("pencil"), "Edit…")
        self.edit_rx_btn.setAccessibleName("Edit the selected prescription")
        self.rx_status_btn = self._status_button("prescription", RX_STATUSES)
        rx_box = QGroupBox("Prescriptions")
        rxl = QVBoxLayout(rx_box)
        rxb = QHBoxLayout()
        for b in (self.add_rx_btn, self.edit_rx_btn, self.rx_status_btn):
            rxb.addWidget(b)
        rxb.addStretch(1)
        rxl.addLayout(rxb)
        rxl.addWidget(self.rx)

        # On a small screen the overview scrolls rather than squeezing every table to one row.
        for table, rows in ((self.due_table, 4), (self.goals, 3), (self.rx, 3)):
            table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * rows
                                   + table.horizontalHeader().sizeHint().height() + 4)
            # no fixed "natural" height: at least `rows` rows, and whatever room the window has
            table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(top, 0)  # its natural height; goals and prescriptions share the rest
        bl.addWidget(goals_box, 1)
        bl.addWidget(rx_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self.add_goal_btn.clicked.connect(self._add_goal)
        self.edit_goal_btn.clicked.connect(self._edit_goal)
        self.add_progress_btn.clicked.connect(self._add_progress)
        self.add_rx_btn.clicked.connect(self._add_prescription)
        self.edit_rx_btn.clicked.connect(self._edit_prescription)
        self.goals.activated.connect(lambda _i: self._edit_goal())
        self.rx.activated.connect(lambda _i: self._edit_prescription())

    def _status_button(self, what: str, statuses: list[str]) -> QPushButton:
        b = QPushButton(icon("flag"), "Status")
        b.setAccessibleName(f"Set the status of the selected {what}")
        b.setToolTip(f"Mark the selected {what} met, not met or closed")
        menu = QMenu(b)
        for st in statuses:
            menu.addAction(label(st), lambda v=st: self._set_status(what, v))
        b.setMenu(menu)
        return b

    # --- loading
    def load(self, educator_id: str) -> None:
        self.educator_id = educator_id
        self.refresh()

    def refresh(self) -> None:
        if not self.educator_id:
            return
        svc = self.ctx.svc
        e = svc.caseload.educator(self.educator_id)
        en = svc.caseload.enrolment(self.educator_id)
        sites = {s.id: s.name for s in svc.caseload.sites()}
        cyc = svc.compliance.current_cycle(self.educator_id)
        self.facts["program"].setText(label(en.program) if en else "Not referred")
        self.facts["status"].setText(label(en.status) if en else "")
        self.facts["sites"].setText(", ".join(sites.get(i, "?") for i in e.site_ids) or "-")
        self.facts["plan"].setText(svc.rubric.plan_type_name(cyc.plan_type) if cyc else "-")
        self.facts["cycle"].setText(f"{fmt_date(cyc.start_on)} to {fmt_date(cyc.end_on)}" if cyc else "-")
        self.facts["formative"].setText(
            fmt_date(cyc.formative_due_on) if cyc and cyc.formative_due_on else "-"
        )
        self.facts["summative"].setText(
            fmt_date(cyc.summative_due_on) if cyc and cyc.summative_due_on else "-"
        )
        self._show_compliance(cyc, en)
        par = bool(en and en.program == Program.PAR and en.status == EnrolmentStatus.ENROLLED)
        self.cycle_btn.setVisible(par or cyc is not None)
        self.cycle_btn.setText("Edit cycle…" if cyc else "Start cycle…")
        self.cycle = cyc
        goals = svc.goals.for_educator(self.educator_id)
        self.progress = {g.id: svc.goals.progress(g.id) for g in goals}
        self.goal_model.set_records(goals)
        self.rx_model.set_records(svc.goals.prescriptions(self.educator_id))

    def _show_compliance(self, cyc: Any, en: Any) -> None:
        if cyc is None:
            self.announced.setText("-")
            self.unannounced.setText("-")
            self.next_due.clear()
            self.due_model.clear()
            why = (
                "PA and informal coaching are non-evaluative: no observation requirements or ratings."
                if en and en.program != "PAR"
                else "No evaluation cycle has been started yet."
            )
            self.no_cycle.setText(why)
            self.no_cycle.show()
            return
        self.no_cycle.hide()
        cc = self.ctx.svc.compliance.compliance(cyc.id)
        _show_counter(self.announced, cc.announced_done, cc.announced_required)
        _show_counter(self.unannounced, cc.unannounced_done, cc.unannounced_required)
        nd, late = cc.next_due, cc.late
        text = f"Next due: {nd.label}, {fmt_date(nd.due_on)}" if nd else "All items done."
        if late:
            text += f"  -  <span style='color:{tone('late')}; font-weight:600'>{len(late)} late</span>"
        self.next_due.setText(text)
        self.due_model.set_records(cc.items)

    def _progress_text(self, g: Any) -> str:
        checks = self.progress.get(g.id) or []
        if not checks:
            return "no check yet"
        last = checks[-1]
        pct = f"{last.percent}%" if last.percent is not None else "checked"
        return f"{pct} ({fmt_date(last.checked_on)})"

    # --- actions
    def _open_due(self, index: Any) -> None:
        item = self.due_model.record(index.row())
        if item is not None and item.record_id:
            self.openRequested.emit(
                "observation" if item.what == "observation" else "assessment", item.record_id
            )

    def _cycle(self) -> None:
        if self.educator_id:
            CycleDialog(self.ctx, self, self.educator_id, self.cycle.id if self.cycle else None).open()

    def _cycle_id(self) -> str | None:
        cyc = self.ctx.svc.compliance.current_cycle(self.educator_id) if self.educator_id else None
        return cyc.id if cyc else None

    def _add_goal(self) -> None:
        if not self.educator_id:
            return
        dlg = GoalDialog(self.ctx, self, self.educator_id, self._cycle_id())
        dlg.saved.connect(lambda g: select_row(self.goals, self.goal_model.row_of(g.id)))
        dlg.open()

    def _selected(self, view: Any, model: Any, what: str) -> Any:
        rec = model.record(view.currentIndex().row())
        if rec is None:
            self.report(ValidationError(f"Select a {what} first."))
            view.setFocus()
        return rec

    def _edit_goal(self) -> None:
        g = self._selected(self.goals, self.goal_model, "goal")
        if g is not None and self.educator_id:
            dlg = GoalDialog(self.ctx, self, self.educator_id, g.cycle_id, g.id)
            dlg.saved.connect(lambda x: select_row(self.goals, self.goal_model.row_of(x.id)))
            dlg.open()

    def _add_prescription(self) -> None:
        if not self.educator_id:
            return
        dlg = PrescriptionDialog(self.ctx, self, self.educator_id, self._cycle_id())
        dlg.saved.connect(lambda p: select_row(self.rx, self.rx_model.row_of(p.id)))
        dlg.open()

    def _edit_prescription(self) -> None:
        p = self._selected(self.rx, self.rx_model, "prescription")
        if p is not None and self.educator_id:
            dlg = PrescriptionDialog(self.ctx, self, self.educator_id, p.cycle_id, p.id)
            dlg.saved.connect(lambda x: select_row(self.rx, self.rx_model.row_of(x.id)))
            dlg.open()

    def _add_progress(self) -> None:
        g = self._selected(self.goals, self.goal_model, "goal")
        if g is None or not self.educator_id:
            return
        dlg = ProgressDialog(self.ctx, self, g.id, self.educator_id)
        dlg.saved.connect(lambda _p: select_row(self.goals, self.goal_model.row_of(g.id)))
        dlg.open()

    def _set_status(self, what: str, status: str) -> None:
        goals = self.ctx.svc.goals
        if what == "goal":
            g = self._selected(self.goals, self.goal_model, "goal")
            if g is not None:
                ui_write(self, lambda: goals.update(g.id, status=status, unchanged_since=g.updated_at),
                         ctx=self.ctx, report=self.report, overwrite=lambda: goals.update(g.id, status=status))
                select_row(self.goals, self.goal_model.row_of(g.id))
        else:
            p = self._selected(self.rx, self.rx_model, "prescription")
            if p is not None:
                ui_write(self, lambda: goals.update_prescription(p.id, status=status, unchanged_since=p.updated_at),
                         ctx=self.ctx, report=self.report,
                         overwrite=lambda: goals.update_prescription(p.id, status=status))
                select_row(self.rx, self.rx_model.row_of(p.id))

    def _set_audience(self, service: Any, rec: Any, audience: str, rtype: str) -> None:
        ui_write(self, lambda: service.set_audience(type(rec), rec.id, audience), ctx=self.ctx, report=self.report)

    def select(self, record_type: str, record_id: str) -> None:
        if record_type in ("goal", "goal_progress"):
            gid = record_id
            if record_type == "goal_progress":
                gid = next((k for k, v in self.progress.items() if any(p.id == record_id for p in v)), "")
            select_row(self.goals, self.goal_model.row_of(gid))
            self.goals.setFocus()
        elif record_type == "prescription":
            select_row(self.rx, self.rx_model.row_of(record_id))
            self.rx.setFocus()

    def clear(self) -> None:
        self.educator_id = None
        self.cycle = None
        self.progress = {}
        for lab in self.facts.values():
            lab.clear()
        for lab in (self.announced, self.unannounced, self.next_due, self.no_cycle):
            lab.clear()
        for m in (self.due_model, self.goal_model, self.rx_model):
            m.clear()
