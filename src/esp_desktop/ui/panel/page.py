"""Panel meetings: pick the meeting (next first Monday by default), build the agenda, record decisions.

Final ratings are only offered for PAR cases; PA (and informal coaching) is non-evaluative.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTime
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import rules, timefmt
from ...core.enums import PanelDecision, label
from ...services.vault import Changes
from ..caseload.dialogs import date_edit, pydate, qdate
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_reporter, muted, page_title, show_error
from ..widgets.drafts import apply_values, restorable, widget_values
from ..widgets.elide import ElidedLabel
from ..widgets.fields import FitColumns
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.write import ui_write

CASE_ROLE = Qt.ItemDataRole.UserRole + 1


@restorable("panel_meeting")
class MeetingDialog(FormDialog):
    """A panel meeting's date, place and notes (created here if there is none on that day yet)."""

    def __init__(self, ctx: Any, parent: QWidget | None, meets_on: str, meeting_id: str | None = None) -> None:
        m = ctx.svc.panel.meeting(meeting_id) if meeting_id else None
        super().__init__(ctx, "Panel meeting" if m else "New panel meeting", parent,
                         ok_text="Save" if m else "Create meeting")
        self.meeting = m
        self.meets_on = self.date("&Date:", m.meets_on if m else date.fromisoformat(meets_on), name="Meeting date")
        self.start_time = self.line("&Starts at:", (m.start_time if m else None) or ctx.svc.panel.default_time(),
                                    name="Meeting start time (HH:MM, local time)")
        self.location = self.line("&Location:", m.location if m else "", name="Meeting location")
        self.notes = self.text("&Notes:", m.notes if m else "", name="Meeting notes")

    def draft_args(self) -> dict[str, Any]:
        return {"meets_on": pydate(self.meets_on.date()).isoformat(),
                "meeting_id": self.meeting.id if self.meeting else None}

    def save(self, *, force: bool = False) -> Any:
        panel = self.ctx.svc.panel
        values = dict(meets_on=pydate(self.meets_on.date()), location=self.location.text(),
                      notes=self.notes.toPlainText() or None, start_time=self.start_time.text().strip() or None)
        if self.meeting is None:
            return panel.create_meeting(**values)
        return panel.update_meeting(self.meeting.id, unchanged_since=None if force else self.meeting.updated_at,
                                    **values)


class PanelPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id: str | None = None
        self._stale = False  # unlocked while hidden: load the default meeting when shown
        self._stale_agenda = False  # the store changed while hidden: reload the agenda when shown
        self._pending_draft: dict[str, Any] | None = None  # a decision being written before a lock
        self.items: list = []
        self.model = QStandardItemModel(self)

        self.date = date_edit(name="Meeting date")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName("Meeting starts at")
        self.start.setToolTip("Local time; the default is set in Settings › School calendar")
        self.start.editingFinished.connect(self.save_start_time)
        self.open_btn = QPushButton(icon("calendar"), "Open meeting")
        self.open_btn.setAccessibleName("Open meeting")
        self.open_btn.clicked.connect(lambda: self.open_meeting())
        self.details_btn = QPushButton(icon("pencil"), "Details…")
        self.details_btn.setAccessibleName("Meeting date, place and notes")
        self.details_btn.clicked.connect(self.edit_meeting)
        self.earlier = QComboBox()
        self.earlier.setAccessibleName("Earlier meetings")
        self.earlier.activated.connect(self._pick_earlier)
        self.heading = ElidedLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setAccessibleName("Meeting")
        self.heading.setObjectName("formTitle")

        self.table = QTableView()
        self.table.setAccessibleName("Agenda")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: the decision form is next
        self.fit = FitColumns(self.table, grow=(2,))  # columns stay on screen; long text elides, full on hover
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_case())
        self.table.activated.connect(self.activate)

        self.add_who = QComboBox()
        self.add_who.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_who.setMinimumContentsLength(18)
        self.add_who.setAccessibleName("Educator to add")
        self.add_purpose = QLineEdit()
        self.add_purpose.setPlaceholderText("Purpose, e.g. Summative review")
        self.add_purpose.setAccessibleName("Purpose")
        self.add_purpose.setMinimumWidth(160)
        self.add_btn = QPushButton(icon("plus"), "Add to agenda")
        self.add_btn.setAccessibleName("Add to agenda")
        self.add_btn.clicked.connect(self.add_case)
        self.export_btn = QPushButton(icon("file-down"), "Export agenda PDF…")
        self.export_btn.setAccessibleName("Export agenda PDF")
        self.export_btn.clicked.connect(self.export_agenda)
        self.remove_btn = QPushButton(icon("trash-2"), "Remove from agenda…")
        self.remove_btn.setAccessibleName("Remove from agenda")
        self.remove_btn.clicked.connect(self.remove_case)

        self.decision = QComboBox()
        self.decision.setAccessibleName("Decision")
        for d in PanelDecision:
            self.decision.addItem(label(d.value), d.value)
        self.ratings_box = QGroupBox("Final ratings")
        self.ratings_form = QFormLayout(self.ratings_box)
        self.ratings_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the name above
        self.ratings: dict[str, QComboBox] = {}
        self.overall = QComboBox()
        self.no_ratings = muted("PA and informal coaching are non-evaluative: the panel records no ratings.")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Decision notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(100)
        self.save_btn = QPushButton(icon("gavel"), "Record decision")
        self.save_btn.setProperty("primary", True)
        self.save_btn.setAccessibleName("Record decision")
        self.save_btn.clicked.connect(self.record_decision)

        top = QHBoxLayout()
        top.addWidget(page_title("Panel meetings"))
        top.addStretch(1)
        top.addWidget(self.export_btn)
        pick = QHBoxLayout()  # a row of its own: it fits a 1024-pixel screen
        on = QLabel("Meeting &on")
        on.setBuddy(self.date)
        pick.addWidget(on)
        pick.addWidget(self.date)
        at = QLabel("&at")
        at.setBuddy(self.start)
        pick.addWidget(at)
        pick.addWidget(self.start)
        pick.addWidget(self.open_btn)
        pick.addWidget(self.earlier)
        pick.addWidget(self.details_btn)
        pick.addStretch(1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_who, 1)
        add_row.addWidget(self.add_btn)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 8, 0)
        ll.addWidget(self.heading)
        ll.addWidget(self.table, 1)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_btn)
        ll.addLayout(remove_row)
        ll.addLayout(add_row)
        ll.addWidget(self.add_purpose)
        self.editor = QGroupBox("Decision")
        ev = QVBoxLayout(self.editor)
        form = QFormLayout()
        form.addRow("&Decision:", self.decision)
        ev.addLayout(form)
        ev.addWidget(self.no_ratings)
        ev.addWidget(self.ratings_box)
        notes_label = QLabel("&Notes:")
        notes_label.setBuddy(self.notes)
        ev.addWidget(notes_label)
        ev.addWidget(self.notes)
        ev.addWidget(self.save_btn, 0, Qt.AlignmentFlag.AlignRight)
        ev.addStretch(1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 400])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addLayout(pick)
        lay.addWidget(split, 1)

        ctx.storeUnlocked.connect(self._unlocked)
        ctx.storeChanged.connect(self._store_changed)
        ctx.storeLocked.connect(self.clear)
        self._show_case()

    # --- meeting ------------------------------------------------------------------------------------------

    def _unlocked(self) -> None:
        self._stale = True
        if self.isVisible():
            self._load_default()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - loaded when first shown after unlock
        super().showEvent(event)
        if self._stale and self.ctx.services is not None:
            self._load_default()
        elif self._stale_agenda and self.ctx.services is not None:
            self._stale_agenda = False
            self.reload()

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches("panel_meeting", "panel_case", "educator", "enrolment", "assessment"):
            if self.isVisible():
                self.reload(select_case=self.selected().case.id if self.selected() else None)
            else:
                self._stale_agenda = True

    def _load_default(self) -> None:
        self._stale = False
        self._build_rating_rows()
        self.date.setDate(qdate(self.ctx.svc.panel.default_date()))
        self.open_meeting(create=False)

    def _build_rating_rows(self) -> None:
        rubric = self.ctx.svc.rubric
        while self.ratings_form.rowCount():
            self.ratings_form.removeRow(0)
        self.ratings = {}
        names = {s.code: s.name for s in rubric.standards}
        choices = [("Not rated", None)] + [(rubric.rating_name(c), c) for c in rubric.rating_codes()]
        for code in rubric.standard_codes():
            c = QComboBox()
            c.setAccessibleName(f"Final rating {code}")
            for text, value in choices:
                c.addItem(text, value)
            self.ratings[code] = c
            lab = ElidedLabel(f"{code} {names.get(code, '')}")
            lab.setBuddy(c)
            self.ratings_form.addRow(lab, c)
        self.overall = QComboBox()  # the old one went with the form's rows
        self.overall.setAccessibleName("Final overall rating")
        for text, value in choices:
            self.overall.addItem(text, value)
        self.ratings_form.addRow("Overall:", self.overall)

    def open_meeting(self, *, create: bool = True) -> None:
        """Show the meeting on the chosen date (created when the CT opens it or adds a case)."""
        svc = self.ctx.services
        if svc is None:
            return
        day = pydate(self.date.date())
        existing = [m for m in svc.panel.meetings() if m.meets_on == day]
        m = existing[0] if existing else (svc.panel.meeting_for(day) if create else None)
        self.meeting_id = m.id if m else None
        start = (m.start_time if m else None) or svc.panel.default_time()
        self.start.setTime(QTime(int(start[:2]), int(start[3:])))
        cal = svc.calendars.calendars()
        usual = day == cal.first_school_monday(day.year, day.month)
        closed = cal.why_closed(day)
        self.heading.setText(
            f"{timefmt.screen_date(day)}, {start}"
            + (f" · {m.location}" if m and m.location else "")
            + ("" if m else " · no agenda yet")
            + ("" if usual else f" · not the first school Monday{f' ({closed})' if closed else ''}")
        )
        self._fill_earlier()
        self.reload()

    def save_start_time(self) -> None:
        mid = self.meeting_id
        if mid is None or self.ctx.services is None:
            return
        t = self.start.time()
        hhmm = f"{t.hour():02d}:{t.minute():02d}"
        if ui_write(self, lambda: self.ctx.svc.panel.update_meeting(mid, start_time=hhmm), ctx=self.ctx):
            self.ctx.statusMessage.emit(f"The meeting starts at {hhmm}.")
    def edit_meeting(self) -> None:
        """Create the meeting on the chosen day (date, place, notes), or edit the open one."""
        if self.ctx.services is None:
            return
        dlg = MeetingDialog(self.ctx, self, pydate(self.date.date()).isoformat(), self.meeting_id)
        dlg.saved.connect(self._meeting_saved)
        dlg.open()

    def _meeting_saved(self, m: Any) -> None:
        self.date.setDate(qdate(m.meets_on))
        self.open_meeting(create=False)

    def _fill_earlier(self) -> None:
        self.earlier.clear()
        self.earlier.addItem("Other meetings…", None)
        for m in self.ctx.svc.panel.meetings():
            self.earlier.addItem(timefmt.screen_date(m.meets_on), m.meets_on)

    def _pick_earlier(self, i: int) -> None:
        d = self.earlier.itemData(i)
        if d is not None:
            self.date.setDate(qdate(d))
            self.open_meeting(create=False)

    def reload(self, select_case: str | None = None) -> None:
        svc = self.ctx.services
        if svc is None:
            return
        mid = self.meeting_id

        def load():  # noqa: ANN202
            agenda = svc.panel.agenda(mid) if mid else []
            return agenda, svc.caseload.caseload()

        tasks.run_in_background(
            self,
            load,
            on_done=lambda r: self._loaded(r, select_case),
            on_error=error_reporter(self, self.ctx),
        )

    def _loaded(self, result, select_case: str | None) -> None:  # noqa: ANN001
        if self.ctx.services is None:
            return
        agenda, rows = result
        self.items = agenda
        rubric = self.ctx.svc.rubric
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["Educator", "Program", "Purpose", "Decision", "Final overall"])
        for a in agenda:
            c = a.case
            cells = [
                a.educator_name,
                label(a.program),
                c.purpose,
                label(c.decision),
                rubric.rating_name(c.final_overall) if c.final_overall else "",
            ]
            items = [QStandardItem(t) for t in cells]
            items[0].setData(a, CASE_ROLE)
            self.model.appendRow(items)
        self.fit.fit()
        on_agenda = {a.case.educator_id for a in agenda}
        self.add_who.clear()
        for r in rows:
            if r.enrolment and r.educator.id not in on_agenda:
                self.add_who.addItem(f"{r.educator.display_name} · {r.enrolment.program}", r.educator.id)
        self.add_btn.setEnabled(self.add_who.count() > 0)
        draft, self._pending_draft = self._pending_draft, None
        if draft and draft.get("case_id"):
            select_case = draft["case_id"]
        for i, a in enumerate(agenda):
            if a.case.id == select_case:
                self.table.selectRow(i)
        self._show_case()
        if draft and draft.get("fields") and self.selected() is not None:
            apply_values(self.editor, draft["fields"])

    # --- cases --------------------------------------------------------------------------------------------

    def selected(self):  # noqa: ANN201 - AgendaItem | None
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(CASE_ROLE) if rows else None

    def _show_case(self) -> None:
        a = self.selected()
        self.editor.setEnabled(a is not None)
        self.remove_btn.setEnabled(a is not None)
        self.export_btn.setEnabled(bool(self.meeting_id and self.model.rowCount()))
        evaluative = bool(a and a.program and rules.is_evaluative(a.program))
        self.ratings_box.setVisible(a is None or evaluative)
        self.no_ratings.setVisible(a is not None and not evaluative)
        if a is None:
            self.editor.setTitle("Decision")
            self.notes.clear()
            return
        c = a.case
        self.editor.setTitle(f"Decision: {a.educator_name}")
        self.decision.setCurrentIndex(max(0, self.decision.findData(c.decision)))
        for code, combo in self.ratings.items():
            combo.setCurrentIndex(max(0, combo.findData((c.final_ratings or {}).get(code))))
        self.overall.setCurrentIndex(max(0, self.overall.findData(c.final_overall)))
        self.notes.setPlainText(c.decision_notes or "")

    def add_case(self) -> None:
        educator_id = self.add_who.currentData()
        if educator_id is None or self.ctx.services is None:
            return
        panel, day, purpose = self.ctx.svc.panel, pydate(self.date.date()), self.add_purpose.text()
        meeting_id = self.meeting_id

        def write():  # noqa: ANN202
            mid = meeting_id or panel.meeting_for(day).id
            return panel.add_case(meeting_id=mid, educator_id=educator_id, purpose=purpose)

        done = ui_write(self, write, ctx=self.ctx)
        if done is None:
            return
        case = done.value
        self.add_purpose.clear()
        self.meeting_id = case.meeting_id
        self.open_meeting(create=False)
        self.reload(select_case=case.id)

    def remove_case(self) -> None:
        a = self.selected()
        if a is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from agenda",
                          f"Remove {a.educator_name} from this meeting's agenda?"
                          + ("\n\nThe decision recorded for this case goes with it." if a.case.decision != "pending"
                             else ""),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRemoveCase")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not remove:
            return
        if ui_write(self, lambda: self.ctx.svc.panel.remove_case(a.case.id), ctx=self.ctx) is not None:
            self.ctx.statusMessage.emit(f"{a.educator_name} was removed from the agenda.")

    def record_decision(self) -> None:
        a = self.selected()
        if a is None:
            return
        evaluative = bool(a.program and rules.is_evaluative(a.program))
        ratings = (
            {k: c.currentData() for k, c in self.ratings.items() if c.currentData()} if evaluative else {}
        )
        done = ui_write(self, lambda: self.ctx.svc.panel.record_decision(
            case_id=a.case.id,
            decision=self.decision.currentData(),
            final_ratings=ratings,
            final_overall=self.overall.currentData() if evaluative else None,
            notes=self.notes.toPlainText().strip() or None,
        ), ctx=self.ctx)
        if done is None:
            return
        self.ctx.statusMessage.emit(f"Decision recorded for {a.educator_name}.")

    def export_agenda(self) -> None:
        """The agenda as a PDF for the panel (rendered off the GUI thread; audited by the report service)."""
        svc, mid = self.ctx.services, self.meeting_id
        if svc is None or mid is None:
            return
        day = pydate(self.date.date())
        default = str(Path.home() / f"panel-agenda-{day:%Y-%m-%d}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "Export agenda PDF", default, "PDF (*.pdf)")
        if not path:
            return

        def work():  # noqa: ANN202
            from ...reports.service import ReportService

            return ReportService(svc).export(kind="agenda", audience="panel", path=path, meeting_id=mid)

        self.export_btn.setEnabled(False)
        self.ctx.statusMessage.emit("Writing the agenda PDF…")

        def done(result) -> None:  # noqa: ANN001
            self.export_btn.setEnabled(True)
            self.ctx.statusMessage.emit(f"Agenda written to {path} ({result.pages} page(s)).")

        def failed(exc: BaseException) -> None:
            self.export_btn.setEnabled(True)
            show_error(self, exc, title="Export failed")

        tasks.run_in_background(self, work, on_done=done, on_error=failed)

    # --- drafts (locking keeps a decision being written: ui/widgets/drafts.py)
    def draft_state(self) -> dict[str, Any] | None:
        if self.ctx.services is None or self._stale:
            return None
        a = self.selected()
        return {"date": pydate(self.date.date()).isoformat(), "case_id": a.case.id if a else None,
                "fields": widget_values(self.editor) if a else None}

    def restore_draft(self, state: dict[str, Any]) -> None:
        self._stale = False
        self._build_rating_rows()
        self.date.setDate(qdate(date.fromisoformat(state["date"])))
        self._pending_draft = state
        self.open_meeting(create=False)

    def open_record(self, record_type: str, record_id: str) -> None:
        if record_type == "panel_meeting":
            m = self.ctx.svc.panel.meeting(record_id)
            self.date.setDate(qdate(m.meets_on))
            self.open_meeting(create=False)

    def clear(self) -> None:
        self.meeting_id = None
        self.items = []
        self.model.clear()
        self.add_who.clear()
        self.earlier.clear()
        self.heading.clear()
        self.notes.clear()
        self._show_case()

    def activate(self, index: QModelIndex) -> None:  # keyboard: Enter on a case focuses the decision
        self.decision.setFocus()
