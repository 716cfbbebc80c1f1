"""Import a district roster: choose a CSV/XLSX file, check the column mapping, read the dry run row by row (new,
update, skipped, problems with their reasons), untick rows to leave out, then import in one go."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import roster as rules
from ...services.roster import NEW, PROBLEM, STATUS_LABELS, UPDATE, RosterPlan, RosterTable
from ..context import AppContext
from ..widgets.common import muted, show_error
from ..widgets.icons import icon
from ..widgets.style import LATE, MUTED, OK, WARN
from ..widgets.write import ui_write

NOT_IN_FILE = "(not in the file)"
COLUMNS = ("Row", "Import", "Notes", "Employee ID", "Given name", "Family name", "Email", "School(s)",
           "Subject / role", "Grade band")
NOTES_WIDTH = 330
STATUS_COLOUR = {NEW: OK, UPDATE: WARN, PROBLEM: LATE}
LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class RosterImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, path: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import roster")
        self.resize(1100, 700)
        self.table: RosterTable | None = None
        self.plan: RosterPlan | None = None
        self._filling = False

        self.path = QLineEdit()
        self.path.setPlaceholderText("A CSV or Excel (.xlsx) file from the district")
        self.path.setAccessibleName("Roster file")
        self.path.returnPressed.connect(lambda: self.load(self.path.text()))
        browse = QPushButton(icon("file-input"), "Choose file…")
        browse.setAccessibleName("Choose the roster file")
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Sheet")
        self.sheet.setVisible(False)
        self.sheet.activated.connect(lambda _i: self.load(self.path.text(), sheet=self.sheet.currentText()))
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("File"))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.sheet)
        file_row.addWidget(browse)

        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for n, f in enumerate(rules.FIELDS):
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {f.label}")
            combo.currentIndexChanged.connect(lambda _i: self.replan())
            self.combos[f.key] = combo
            grid.addWidget(QLabel(f.label), n // 4 * 2, n % 4)
            grid.addWidget(combo, n // 4 * 2 + 1, n % 4)
        self.update_existing = QCheckBox("Update educators already on file (matched by employee ID, or by name when "
                                         "they have no ID yet)")
        self.update_existing.setAccessibleName("Update educators already on file")
        self.update_existing.toggled.connect(lambda _on: self.replan())

        self.model = QStandardItemModel(self)
        self.model.itemChanged.connect(self._ticked)
        self.view = QTableView()
        self.view.setAccessibleName("Roster preview")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Dry run summary")
        self.summary.setObjectName("warning")

        self.import_btn = QPushButton(icon("upload"), "Import")
        self.import_btn.setProperty("primary", True)
        self.import_btn.setAccessibleName("Import the ticked rows")
        self.import_btn.clicked.connect(self.do_import)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        # Enter in the file field loads the file; it must never press a button (least of all Import)
        for b in (browse, self.import_btn, cancel):
            b.setAutoDefault(False)
        foot = QHBoxLayout()
        foot.addWidget(muted("Nothing is written until you press Import; then every ticked row is imported "
                             "together, or none is."), 1)
        foot.addWidget(cancel)
        foot.addWidget(self.import_btn)

        lay = QVBoxLayout(self)
        lay.addLayout(file_row)
        lay.addWidget(muted("Columns: the import guessed them from the header row; change any that are wrong."))
        lay.addLayout(grid)
        lay.addWidget(self.update_existing)
        lay.addWidget(self.summary)
        lay.addWidget(self.view, 1)
        lay.addLayout(foot)
        self._show_plan()
        if path:
            self.load(path)

    # --- file and mapping
    def browse(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Choose the roster", str(Path.home()),
                                           "Roster (*.csv *.xlsx);;All files (*)")
        if f:
            self.load(f)

    def load(self, path: str, *, sheet: str | None = None) -> None:
        if not path.strip():
            return
        try:
            table = self.ctx.svc.roster.read(path.strip(), sheet=sheet)
        except Exception as exc:  # noqa: BLE001 - a clear line for the CT
            show_error(self, exc, title="Cannot read the roster")
            return
        self.path.setText(path.strip())
        self.table = table
        self._filling = True
        try:
            self.sheet.clear()
            self.sheet.addItems(list(table.sheets))
            self.sheet.setVisible(len(table.sheets) > 1)
            if table.sheet:
                self.sheet.setCurrentText(table.sheet)
            guess = rules.guess_mapping(table.headers)
            for key, combo in self.combos.items():
                combo.clear()
                combo.addItem(NOT_IN_FILE, None)
                for i, h in enumerate(table.headers):
                    combo.addItem(h, i)
                col = guess.get(key)
                combo.setCurrentIndex(0 if col is None else col + 1)
        finally:
            self._filling = False
        self.replan()

    def mapping(self) -> dict[str, int | None]:
        return {key: combo.currentData() for key, combo in self.combos.items()}

    def replan(self) -> None:
        if self._filling or self.table is None:
            return
        try:
            self.plan = self.ctx.svc.roster.preview(self.table, mapping=self.mapping(),
                                                    update_existing=self.update_existing.isChecked())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title="Cannot preview the roster")
            return
        self._show_plan()

    # --- the dry run
    def _show_plan(self) -> None:
        self._filling = True
        try:
            self.model.clear()
            self.model.setHorizontalHeaderLabels(list(COLUMNS))
            plan = self.plan
            if plan is None:
                self.summary.setText("Choose the roster file: a CSV or Excel (.xlsx) file with one educator per "
                                     "row (employee ID, names, email, school, subject, grade band).")
                self.import_btn.setEnabled(False)
                return
            for p in plan.rows:
                r = p.row
                values = [str(p.line), STATUS_LABELS[p.status], " · ".join(p.reasons)]
                if r is not None:
                    values += [r.employee_id, r.given_name, r.family_name, r.email or "", "; ".join(r.schools),
                               r.subject or "", r.grade_band or ""]
                else:
                    values += [self._cell(p.cells, plan, k) for k in ("employee_id", "given_name", "family_name",
                                                                       "email", "school", "subject", "grade_band")]
                items = []
                for text in values:
                    it = QStandardItem(text)
                    it.setEditable(False)
                    it.setToolTip(text)
                    items.append(it)
                items[0].setData(p.line, LINE_ROLE)
                colour = STATUS_COLOUR.get(p.status, MUTED)
                items[1].setForeground(QBrush(QColor(colour)))
                items[2].setForeground(QBrush(QColor(colour)))
                if p.writes:
                    items[1].setCheckable(True)
                    items[1].setCheckState(Qt.CheckState.Checked)
                self.model.appendRow(items)
            h = self.view.horizontalHeader()
            h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            h.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(2, NOTES_WIDTH)  # long reasons elide; the tooltip has them in full
            h.setStretchLastSection(True)
        finally:
            self._filling = False
        self._update_summary()

    @staticmethod
    def _cell(cells: tuple[str, ...], plan: RosterPlan, key: str) -> str:
        col = plan.mapping.get(key)
        return cells[col] if col is not None and col < len(cells) else ""

    def ticked_lines(self) -> list[int]:
        out = []
        for row in range(self.model.rowCount()):
            it = self.model.item(row, 1)
            if it is not None and it.isCheckable() and it.checkState() == Qt.CheckState.Checked:
                out.append(int(self.model.item(row, 0).data(LINE_ROLE)))
        return out

    def _ticked(self, _item: QStandardItem) -> None:
        if not self._filling:
            self._update_summary()

    def _update_summary(self) -> None:
        plan = self.plan
        if plan is None:
            return
        n = len(self.ticked_lines())
        left = len(plan.to_write) - n
        extra = f" You left {left} row(s) out." if left > 0 else ""
        self.summary.setText(f"Dry run — nothing is written yet. {plan.summary()}{extra}")
        self.import_btn.setText(f"Import {n} educator(s)" if n else "Import")
        self.import_btn.setEnabled(n > 0 and not plan.problems)

    def do_import(self) -> None:
        if self.plan is None:
            return
        plan, lines, svc = self.plan, self.ticked_lines(), self.ctx.svc.roster
        done = ui_write(self, lambda: svc.apply(plan, lines=lines), ctx=self.ctx, title="Nothing was imported")
        if done is None:
            self.replan()  # e.g. the caseload changed since the preview: show the new dry run
            return
        result = done.value
        QMessageBox.information(self, "Roster imported",
                                f"Imported {result.created} new educator(s), updated {result.updated}, and added "
                                f"{result.schools} school(s). Refer them to a program from the caseload.")
        self.accept()
