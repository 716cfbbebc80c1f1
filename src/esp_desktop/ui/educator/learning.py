"""Learning tab of the educator page (issue 18): the needs heat map built from what is already captured (each
cell shows the evidence behind it), one or two priorities (they seed the practice goal), ranked professional
learning with the reasons, and the match log (offered -> accepted -> attended -> tried in class)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import needs, timefmt
from ...core.errors import ValidationError
from ...core.learning import MATCH_STATUS_NAMES, PL_KIND_NAMES, MatchStatus
from ..context import AppContext
from ..learning.catalog import CatalogDialog
from ..widgets.fields import Report, hint, install_audience_menu, record_table, select_row, stretch_column
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, audience_column
from ..widgets.write import ui_write

LEVEL_COLORS = ("#f1f3f4", "#fff3bf", "#ffd8a8", "#ffa94d", "#e8590c")
LEARNING_TYPES = ("pl_entry", "learning_priority", "learning_match", "pd_session", "evidence", "script_note",
                  "prescription", "goal", "goal_progress", "assessment", "educator", "site")
CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class PriorityDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, educator_id: str, code: str | None = None) -> None:
        super().__init__(ctx, "Set a learning priority", parent, width=560)
        self.educator_id = educator_id
        self.set_intro("Choose with the educator one or two priorities. The professional-practice goal is tagged "
                       "with it (or a draft goal is started to word together), so goal, prescriptions and "
                       "professional learning stay aligned.")
        names = ctx.svc.learning.code_names()
        self.code = self.combo("&Priority", [(f"{c}  {n}", c) for c, n in names.items()], code, name="Priority")
        self.why = self.text("&Why", "", name="Why this priority", height=70)
        self.seed = self.check("Tag the practice goal with it (start a draft goal if there is none)", True,
                               name="Seed the practice goal")
        self.action = self.text("Also &prescribe", "", name="Prescription action", height=60)
        self.action.setPlaceholderText("Optional: the action to prescribe, aligned to this priority")

    def save(self, *, force: bool = False) -> Any:
        return self.ctx.svc.learning.set_priority(
            educator_id=self.educator_id, code=str(self.code.currentData()), why=self.why.toPlainText() or None,
            seed_goal=self.seed.isChecked(), prescription_action=self.action.toPlainText() or None)


class LearningTab(QWidget):
    openRequested = Signal(str, str)  # record type, id: the evidence behind a cell

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.view: Any = None
        self.current_code: str | None = None
        self.options: list[Any] = []

        # needs heat map + the evidence behind the selected cell
        self.top_label = QLabel()
        self.top_label.setAccessibleName("Top needs")
        self.top_label.setWordWrap(True)
        self.top_label.setTextFormat(Qt.TextFormat.RichText)
        self.heat = QTableWidget()
        self.heat.setAccessibleName("Needs heat map")
        self.heat.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heat.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.heat.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.heat.horizontalHeader().hide()
        self.heat.currentCellChanged.connect(lambda r, c, *_: self._cell_chosen(r, c))
        pal = self.heat.palette()  # the selected cell keeps its heat colour under a light tint
        pal.setColor(QPalette.ColorRole.Highlight, QColor(31, 95, 168, 70))
        pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#111111"))
        self.heat.setPalette(pal)
        self.behind_title = QLabel("Select a cell to see the evidence behind it.")
        self.behind_model = RecordTableModel([
            Column("Source", lambda k: needs.SOURCE_NAMES[k.signal.source]),
            Column("Date", lambda k: timefmt.screen_date(k.signal.on)),
            Column("What", lambda k: k.signal.summary + (f"  (via {k.via})" if k.via else ""),
                   tooltip=lambda k: k.signal.summary),
            Column("Weight", lambda k: f"{k.amount:.2f}"),
        ], self)
        self.behind = record_table("Evidence behind the selected need", self.behind_model)
        stretch_column(self.behind, 2)
        self.behind.activated.connect(self._open_behind)
        needs_box = QGroupBox("Needs profile (from what is already captured, recent evidence weighs most)")
        nl = QVBoxLayout(needs_box)
        nl.addWidget(self.top_label)
        row = QHBoxLayout()
        row.addWidget(self.heat)
        right = QVBoxLayout()
        right.addWidget(self.behind_title)
        right.addWidget(self.behind, 1)
        row.addLayout(right, 1)
        nl.addLayout(row)

        # priorities
        self.prio_label = QLabel()
        self.prio_label.setAccessibleName("Priorities")
        self.prio_label.setWordWrap(True)
        self.set_prio_btn = QPushButton(icon("target"), "Set as &priority…")
        self.set_prio_btn.setAccessibleName("Set a learning priority")
        self.set_prio_btn.clicked.connect(self.set_priority)
        self.close_prio_btn = QPushButton(icon("flag"), "Priority done")
        self.close_prio_btn.setAccessibleName("Close a priority")
        menu = QMenu(self.close_prio_btn)
        self.close_prio_btn.setMenu(menu)
        menu.aboutToShow.connect(lambda: self._fill_close_menu(menu))
        self.catalog_btn = QPushButton(icon("book-open"), "Catalog…")
        self.catalog_btn.setAccessibleName("Open the professional learning catalog")
        self.catalog_btn.clicked.connect(self.open_catalog)
        pr = QHBoxLayout()
        pr.addWidget(QLabel("<b>Priorities:</b>"))
        pr.addWidget(self.prio_label, 1)
        for b in (self.set_prio_btn, self.close_prio_btn, self.catalog_btn):
            pr.addWidget(b)

        # options
        self.opt_model = RecordTableModel([
            Column("Option", lambda o: o.offering.title),
            Column("Kind", lambda o: PL_KIND_NAMES.get(o.offering.kind, o.offering.kind)),
            Column("Serves", lambda o: o.serves),
            Column("Why", lambda o: "  ".join(o.reasons[1:3]), tooltip=lambda o: "\n".join(o.reasons)),
        ], self)
        self.opt_table = record_table("Matched options", self.opt_model)
        stretch_column(self.opt_table, 3)
        self.opt_table.setColumnWidth(0, 230)
        self.opt_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_reasons())
        self.reasons = QLabel()
        self.reasons.setAccessibleName("Reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setMinimumHeight(96)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.no_options = hint("")
        self.log_btn = QPushButton(icon("check"), "&Log as offered")
        self.log_btn.setAccessibleName("Log the selected option as offered")
        self.log_btn.clicked.connect(self.log_match)
        opt_box = QGroupBox("Matched professional learning (best first)")
        ol = QVBoxLayout(opt_box)
        ol.addWidget(self.no_options)
        ol.addWidget(self.opt_table, 1)
        ol.addWidget(self.reasons)
        olb = QHBoxLayout()
        olb.addStretch(1)
        olb.addWidget(self.log_btn)
        ol.addLayout(olb)

        # match log
        self.log_model = RecordTableModel([
            Column("Learning", lambda m: m.entry_title),
            Column("Priority", lambda m: m.priority_code),
            Column("Status", lambda m: MATCH_STATUS_NAMES.get(m.status, m.status)),
            Column("Offered", lambda m: timefmt.iso_date(m.offered_on, empty="")),
            Column("Attended", lambda m: timefmt.iso_date(m.attended_on, empty="")),
            Column("Tried", lambda m: timefmt.iso_date(m.tried_on, empty="")),
            Column("Follow-up evidence", lambda m: self._evidence_title(m.evidence_id)),
            audience_column(),
        ], self)
        self.log_table = record_table("Match log", self.log_model)
        stretch_column(self.log_table, 0)
        install_audience_menu(self.log_table, self._set_audience)
        self.log_table.activated.connect(self._open_follow_up)
        self.status_btn = QPushButton(icon("flag"), "Status")
        self.status_btn.setAccessibleName("Set the status of the selected match")
        smenu = QMenu(self.status_btn)
        for st in MatchStatus:
            smenu.addAction(MATCH_STATUS_NAMES[st], lambda v=st.value: self.advance(v))
        self.status_btn.setMenu(smenu)
        self.link_btn = QPushButton(icon("paperclip"), "Link evidence…")
        self.link_btn.setAccessibleName("Link follow-up evidence to the selected match")
        self.link_btn.clicked.connect(self.link_evidence)
        log_box = QGroupBox("Match log")
        ll = QVBoxLayout(log_box)
        lb = QHBoxLayout()
        lb.addWidget(self.status_btn)
        lb.addWidget(self.link_btn)
        lb.addStretch(1)
        ll.addLayout(lb)
        ll.addWidget(self.log_table, 1)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(opt_box)
        bottom.addWidget(log_box)
        bottom.setSizes([560, 440])
        lower = QWidget()
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        low.addLayout(pr)
        low.addWidget(bottom, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(needs_box)
        split.addWidget(lower)
        split.setSizes([300, 500])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self._evidence: dict[str, str] = {}
        self._stale = False

    # --- loading
    def load(self, educator_id: str) -> None:
        self.educator_id = educator_id
        self.current_code = None
        if self.isVisible():
            self.refresh()
        else:  # scored when the tab is first shown
            self.clear_view()
            self._stale = True

    def clear_view(self) -> None:
        self.view = None
        self.heat.clear()
        self.heat.setRowCount(0)
        for model in (self.behind_model, self.opt_model, self.log_model):
            model.clear()
        for label in (self.top_label, self.prio_label, self.reasons):
            label.clear()

    def clear(self) -> None:
        self.educator_id = None
        self._stale = False
        self.clear_view()

    def refresh(self) -> None:
        self._stale = False
        if not self.educator_id or self.ctx.services is None:
            return
        svc = self.ctx.svc.learning
        self.view = svc.needs(self.educator_id)
        self._fill_heat()
        top = self.view.profile.top(3)
        if top:
            self.top_label.setText("<b>Top needs:</b> " + " &nbsp;·&nbsp; ".join(
                f"{i}. <b>{c.code}</b> {self.view.name(c.code)} ({c.level_name}, {c.score:.1f})"
                for i, c in enumerate(top, 1)))
        else:
            self.top_label.setText("<b>No needs signal yet.</b> Tag script lines and evidence with rubric indicators, "
                                   "write prescriptions and goals: the profile is built from them.")
        self._select_code(self.current_code or (top[0].code if top else None))
        prios = svc.priorities(self.educator_id)
        self.prio_label.setText("  ·  ".join(f"{p.rank}. {p.code} {self.view.name(p.code)}" for p in prios)
                                or "none yet: select a need and set it as a priority.")
        self.close_prio_btn.setEnabled(bool(prios))
        self.set_prio_btn.setEnabled(len(prios) < 2)
        self._evidence = {e.id: e.title for e in self.ctx.svc.evidence.for_educator(self.educator_id)}
        self.options = svc.options(self.educator_id)
        self.opt_model.set_records(self.options)
        if not prios:
            self.no_options.setText("Set a priority to see matched professional learning.")
        elif not self.options:
            self.no_options.setText("Nothing in the catalog serves these priorities yet: add entries (Catalog…).")
        else:
            self.no_options.setText(f"{len(self.options)} option(s) serve the priorities.")
        if self.options:
            select_row(self.opt_table, 0)
        self._show_reasons()
        self.log_model.set_records(svc.matches(self.educator_id))

    def _fill_heat(self) -> None:
        rb = self.ctx.svc.rubric
        rows: list[tuple[str, list[str]]] = [(f"Std {s.code}", [i.code for i in s.indicators]) for s in rb.standards]
        rows.append(("Essentials", [t.code for t in rb.equity_tags]))
        width = max(len(codes) for _, codes in rows)
        self.heat.blockSignals(True)
        self.heat.clear()
        self.heat.setRowCount(len(rows))
        self.heat.setColumnCount(width)
        self.heat.setVerticalHeaderLabels([r for r, _ in rows])
        for r, (_name, codes) in enumerate(rows):
            for c in range(width):
                if c >= len(codes):
                    blank = QTableWidgetItem("")
                    blank.setFlags(Qt.ItemFlag.NoItemFlags)
                    self.heat.setItem(r, c, blank)
                    continue
                code = codes[c]
                cell = self.view.profile.cell(code)
                item = QTableWidgetItem(f"{code}\n{cell.score:.1f}" if cell.level else code)
                item.setData(CODE_ROLE, code)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(QColor(LEVEL_COLORS[cell.level])))
                item.setForeground(QBrush(QColor("#ffffff" if cell.level >= 4 else "#222222")))
                item.setToolTip(f"{code} {self.view.name(code)}: {cell.level_name}"
                                + (f" ({cell.score:.2f}, {len(cell.contributions)} record(s))" if cell.level else ""))
                self.heat.setItem(r, c, item)
        for c in range(width):
            self.heat.setColumnWidth(c, 58)
        for r in range(len(rows)):
            self.heat.setRowHeight(r, 40)
        self.heat.setFixedSize(self.heat.verticalHeader().sizeHint().width() + 58 * width + 6, 40 * len(rows) + 6)
        self.heat.blockSignals(False)

    def _select_code(self, code: str | None) -> None:
        if code is None:
            self._show_behind(None)
            return
        for r in range(self.heat.rowCount()):
            for c in range(self.heat.columnCount()):
                it = self.heat.item(r, c)
                if it is not None and it.data(CODE_ROLE) == code:
                    self.heat.setCurrentCell(r, c)
                    self._show_behind(code)
                    return

    def _cell_chosen(self, r: int, c: int) -> None:
        it = self.heat.item(r, c)
        code = it.data(CODE_ROLE) if it is not None else None
        if code:
            self._show_behind(code)

    def _show_behind(self, code: str | None) -> None:
        self.current_code = code
        if code is None or self.view is None:
            self.behind_title.setText("Select a cell to see the evidence behind it.")
            self.behind_model.clear()
            return
        cell = self.view.profile.cell(code)
        self.behind_title.setText(f"<b>{code} {self.view.name(code)}</b>: {cell.level_name}"
                                  + (f", score {cell.score:.2f}" if cell.level else "")
                                  + ("" if cell.contributions else " (nothing captured yet)"))
        self.behind_model.set_records(cell.contributions)

    def _open_behind(self, index: Any) -> None:
        k = self.behind_model.record(index.row())
        if k is not None:
            self.openRequested.emit(k.signal.record_type, k.signal.record_id)

    def _show_reasons(self) -> None:
        o = self.opt_model.record(self.opt_table.currentIndex().row())
        self.reasons.setText(f"<b>Why “{o.offering.title}”:</b><br>" + "<br>".join(o.reasons) if o is not None else "")
        self.log_btn.setEnabled(o is not None)

    def _evidence_title(self, evidence_id: str | None) -> str:
        return self._evidence.get(evidence_id, "(removed)") if evidence_id else ""

    # --- actions
    def set_priority(self) -> None:
        if not self.educator_id:
            return
        PriorityDialog(self.ctx, self, self.educator_id, self.current_code).open()

    def _fill_close_menu(self, menu: QMenu) -> None:
        menu.clear()
        if not self.educator_id:
            return
        for p in self.ctx.svc.learning.priorities(self.educator_id):
            menu.addAction(f"{p.code}: done", lambda pid=p.id: self._close_priority(pid, "done"))
            menu.addAction(f"{p.code}: drop", lambda pid=p.id: self._close_priority(pid, "dropped"))

    def _close_priority(self, priority_id: str, status: str) -> None:
        ui_write(self, lambda: self.ctx.svc.learning.close_priority(priority_id, status=status), ctx=self.ctx,
                 report=self.report)

    def open_catalog(self) -> None:
        CatalogDialog(self.ctx, self).open()

    def log_match(self) -> None:
        o = self.opt_model.record(self.opt_table.currentIndex().row())
        if o is None or not self.educator_id:
            self.report(ValidationError("Select an option first."))
            return
        ed = self.educator_id
        done = ui_write(self, lambda: self.ctx.svc.learning.log_match(
            educator_id=ed, entry_id=o.offering.id, priority_code=o.serves, reasons=o.reasons),
            ctx=self.ctx, report=self.report)
        if done is not None:
            select_row(self.log_table, self.log_model.row_of(done.value.id))

    def _selected_match(self) -> Any:
        m = self.log_model.record(self.log_table.currentIndex().row())
        if m is None:
            self.report(ValidationError("Select a match in the log first."))
        return m

    def advance(self, status: str) -> None:
        m = self._selected_match()
        if m is None:
            return
        done = ui_write(self, lambda: self.ctx.svc.learning.advance_match(m.id, status=status,
                                                                          unchanged_since=m.updated_at),
                        ctx=self.ctx, report=self.report)
        if done is not None:
            select_row(self.log_table, self.log_model.row_of(m.id))

    def link_evidence(self) -> None:
        m = self._selected_match()
        if m is None or not self.educator_id:
            return
        items = self.ctx.svc.evidence.for_educator(self.educator_id)
        if not items:
            self.report(ValidationError("Add the follow-up evidence first (Evidence tab), then link it here."))
            return
        titles = [f"{timefmt.screen_date(e.collected_on)}  {e.title}" for e in items]
        choice, ok = QInputDialog.getItem(self, "Follow-up evidence", "Evidence of trying it in class:", titles, 0,
                                          False)
        if not ok:
            return
        ev = items[titles.index(choice)]
        status = m.status if m.status != MatchStatus.DECLINED else MatchStatus.TRIED.value
        ui_write(self, lambda: self.ctx.svc.learning.advance_match(m.id, status=status, evidence_id=ev.id),
                 ctx=self.ctx, report=self.report)

    def _set_audience(self, rec: Any, audience: str) -> None:
        ui_write(self, lambda: self.ctx.svc.learning.set_audience(type(rec), rec.id, audience), ctx=self.ctx,
                 report=self.report)

    def _open_follow_up(self, index: Any) -> None:
        m = self.log_model.record(index.row())
        if m is not None and m.evidence_id:
            self.openRequested.emit("evidence", m.evidence_id)

    def store_changed(self, changes: Any) -> None:
        if self.educator_id and changes.touches(*LEARNING_TYPES):
            if self.isVisible():
                self.refresh()
            else:  # e.g. script lines typed on the Observations tab: rescore when the tab is shown
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
