"""Panel meetings: the meeting (the next first school Monday by default, at its start time) with its members
present and quorum, every case due for it and what is missing for each, the agenda in order, and per case the
presentation, the vote and the decision.

On a Panel member's device (``panel_mode``) the same screen shows only what was synced for the agenda: members
record attendance, votes and decisions, and open each case's packet; the agenda itself is the CTs'.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTime
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.enums import label
from ...services.vault import Changes
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import error_reporter, page_title, show_error
from ..widgets.drafts import apply_values, widget_values
from ..widgets.elide import ElidedLabel
from ..widgets.fields import FitColumns, MessageBar, date_edit, pydate, qdate
from ..widgets.icons import icon
from ..widgets.style import set_tone, tone
from ..widgets.write import ui_write
from .case_editor import CaseEditor
from .dialogs import AttendanceDialog, MeetingDialog, MembersDialog

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
PANEL_RECORD_TYPES = ("panel_meeting", "panel_case", "panel_member", "panel_attendance", "panel_motion",
                      "panel_decision")
REFRESH_TYPES = (*PANEL_RECORD_TYPES, "educator", "enrolment", "assessment", "evaluation_cycle", "progress_report")


class PanelPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, panel_mode: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.panel_mode = panel_mode
        self.meeting_id: str | None = None
        self._stale = False  # unlocked while hidden: load the default meeting when shown
        self._stale_agenda = False  # the store changed while hidden: reload when shown
        self.rows: list[Any] = []  # (readiness, agenda item | None) per table row
        self.record: Any = None  # the meeting record of the open meeting
        self._pending_draft: dict[str, Any] | None = None  # a vote being written before a lock
        self.model = QStandardItemModel(self)
        self.message = MessageBar(self)

        self.date = date_edit("Meeting date")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName("Meeting starts at")
        self.start.setToolTip("Local time; the default is set in Settings › School calendar")
        self.start.editingFinished.connect(self.save_start_time)
        self.open_btn = QPushButton(icon("calendar"), "Open meeting")
        self.open_btn.setAccessibleName("Open meeting")
        self.open_btn.clicked.connect(lambda: self.open_meeting())
        self.earlier = QComboBox()
        self.earlier.setAccessibleName("Other meetings")
        self.earlier.activated.connect(self._pick_earlier)
        self.members_btn = QPushButton(icon("users"), "Members and rules…")
        self.members_btn.setAccessibleName("Panel members and rules")
        self.members_btn.clicked.connect(self.edit_members)
        self.heading = ElidedLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setAccessibleName("Meeting")
        self.heading.setObjectName("formTitle")
        self.quorum_line = ElidedLabel()
        self.quorum_line.setAccessibleName("Attendance and quorum")
        self.details_btn = QPushButton(icon("pencil"), "Details…")
        self.details_btn.setAccessibleName("Meeting details")
        self.details_btn.clicked.connect(self.edit_details)
        self.attendance_btn = QPushButton(icon("list-checks"), "Attendance…")
        self.attendance_btn.setAccessibleName("Record attendance")
        self.attendance_btn.clicked.connect(self.edit_attendance)

        self.table = QTableView()
        self.table.setAccessibleName("Cases due for this meeting")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: the case's editor is next
        self.fit = FitColumns(self.table, grow=(2, 4))  # columns stay on screen; long text elides, full on hover
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
        self.remove_btn = QPushButton(icon("trash-2"), "Remove…")
        self.remove_btn.setAccessibleName("Remove from agenda")
        self.remove_btn.clicked.connect(self.remove_case)
        self.up_btn = QPushButton("Move up")
        self.up_btn.setAccessibleName("Move up the agenda")
        self.up_btn.clicked.connect(lambda: self.move_case(-1))
        self.down_btn = QPushButton("Move down")
        self.down_btn.setAccessibleName("Move down the agenda")
        self.down_btn.clicked.connect(lambda: self.move_case(1))
        self.export_btn = QPushButton(icon("file-down"), "Agenda…")
        self.export_btn.setAccessibleName("Export agenda PDF")
        self.export_btn.setToolTip("The agenda as a PDF for the Panel")
        self.export_btn.clicked.connect(lambda: self.export("agenda"))
        self.minutes_btn = QPushButton(icon("file-text"), "Minutes…")
        self.minutes_btn.setAccessibleName("Export minutes PDF")
        self.minutes_btn.setToolTip("The minutes as a PDF for the Panel")
        self.minutes_btn.clicked.connect(lambda: self.export("minutes"))
        self.packet_btn = QPushButton(icon("printer"), "Packet…")
        self.packet_btn.setAccessibleName("Export the case's packet PDF")
        self.packet_btn.setToolTip("The selected case's packet as a PDF for the Panel")
        self.packet_btn.clicked.connect(lambda: self.export("panel-packet"))

        self.editor = CaseEditor(ctx, self.message.show_error, panel_mode=panel_mode)
        self.editor.on_written = self._written

        top = QHBoxLayout()
        top.addWidget(page_title("Panel meetings"))
        top.addStretch(1)
        top.addWidget(self.members_btn)
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
        pick.addStretch(1)
        head = QHBoxLayout()
        head_text = QVBoxLayout()
        head_text.addWidget(self.heading)
        head_text.addWidget(self.quorum_line)
        head.addLayout(head_text, 1)
        head.addWidget(self.details_btn)
        head.addWidget(self.attendance_btn)
        agenda_row = QHBoxLayout()  # two rows of three: they fit the left pane of a 1024-pixel screen
        for b in (self.up_btn, self.down_btn, self.remove_btn):
            agenda_row.addWidget(b)
        agenda_row.addStretch(1)
        pdf_row = QHBoxLayout()
        for b in (self.packet_btn, self.export_btn, self.minutes_btn):
            pdf_row.addWidget(b)
        pdf_row.addStretch(1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_who, 1)
        add_row.addWidget(self.add_btn)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 8, 0)
        ll.addLayout(head)
        ll.addWidget(self.table, 1)
        ll.addLayout(agenda_row)
        ll.addLayout(pdf_row)
        ll.addLayout(add_row)
        ll.addWidget(self.add_purpose)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([660, 460])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addLayout(pick)
        lay.addWidget(self.message)
        lay.addWidget(split, 1)
        self.set_panel_mode(panel_mode)

        ctx.storeUnlocked.connect(self._unlocked)
        ctx.storeChanged.connect(self._store_changed)
        ctx.storeLocked.connect(self.clear)
        self._show_case()

    def set_panel_mode(self, on: bool) -> None:
        """A Panel member's device: the agenda, the roster and the CT's notes are the CTs' (read-only here)."""
        self.panel_mode = on
        for w in (self.add_who, self.add_purpose, self.add_btn, self.remove_btn, self.up_btn, self.down_btn,
                  self.details_btn, self.members_btn, self.export_btn):
            w.setVisible(not on)
        self.start.setReadOnly(on)
        self.editor.set_panel_mode(on)

    def _written(self, case_id: str | None = None) -> None:
        """A write succeeded: the last refusal shown no longer applies."""
        self.message.clear()
        self.message.hide()
        self.reload(select_case=case_id)

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
        if changes.touches(*REFRESH_TYPES):
            if self.isVisible():
                sel = self.selected()
                self.reload(select_case=sel[1].case.id if sel and sel[1] else None)
            else:
                self._stale_agenda = True

    def _load_default(self) -> None:
        self._stale = False
        self.editor.build_ratings()
        self.date.setDate(qdate(self.ctx.svc.panel.default_date()))
        self.open_meeting(create=False)

    def open_meeting(self, *, create: bool = True) -> None:
        """Show the meeting on the chosen date (created when the CT opens it or adds a case)."""
        svc = self.ctx.services
        if svc is None:
            return
        day = pydate(self.date.date())
        existing = [m for m in svc.panel.meetings() if m.meets_on == day]
        m = existing[0] if existing else (svc.panel.meeting_for(day) if create and not self.panel_mode else None)
        self.meeting_id = m.id if m else None
        start = (m.start_time if m else None) or svc.panel.default_time()
        self.start.setTime(QTime(int(start[:2]), int(start[3:])))
        self._fill_earlier()
        self.reload()

    def save_start_time(self) -> None:
        mid = self.meeting_id
        if mid is None or self.ctx.services is None or self.panel_mode:
            return
        t = self.start.time()
        hhmm = f"{t.hour():02d}:{t.minute():02d}"
        if self.record is not None and self.record.meeting.start_time == hhmm:
            return
        if ui_write(self, lambda: self.ctx.svc.panel.update_meeting(mid, start_time=hhmm), ctx=self.ctx,
                    report=self.message.show_error) is not None:
            self.ctx.statusMessage.emit(f"The meeting starts at {hhmm}.")

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
        if select_case is None:  # keep the case the user is on
            sel = self.selected()
            select_case = sel[1].case.id if sel and sel[1] else None

        def load() -> tuple[Any, list[Any], list[Any], list[Any]]:
            if not mid:
                return None, [], [], ([] if self.panel_mode else svc.caseload.caseload())
            return (svc.panel.meeting_record(mid), svc.panel_review.due_cases(mid), svc.panel.agenda(mid),
                    [] if self.panel_mode else svc.caseload.caseload())

        tasks.run_in_background(self, load, on_done=lambda r: self._loaded(r, select_case),
                                on_error=error_reporter(self, self.ctx))

    def _loaded(self, result: tuple[Any, list[Any], list[Any], list[Any]], select_case: str | None) -> None:
        if self.ctx.services is None:
            return
        record, due, agenda, caseload = result
        self.record = record
        self._show_heading()
        by_case = {a.case.educator_id: a for a in agenda}
        rubric = self.ctx.svc.rubric
        self.rows = [(r, by_case.get(r.educator_id)) for r in due]
        self.rows.sort(key=lambda row: (row[1] is None, row[1].case.position if row[1] else 0,
                                        row[0].educator_name.casefold()))
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["#", "Educator", "Purpose", "Decision", "Missing"])
        for r, item in self.rows:
            d = item.decision if item else None
            decision = label(d.decision) if d else ("—" if item else "")
            if d and d.final_overall:
                decision += f" ({rubric.rating_name(d.final_overall)})"
            program = f" · {r.program}" if r.program else ""
            cells = [str(item.case.position) if item else "",
                     f"{r.educator_name}{program}",
                     item.case.purpose if item else f"Not on the agenda: {r.why_due}",
                     decision,
                     "; ".join(r.missing) or "Ready"]
            row = [QStandardItem(t) for t in cells]
            row[0].setData((r, item), ROW_ROLE)
            row[4].setToolTip("\n".join(r.missing) or "Nothing is missing for this case.")
            if r.missing:
                row[4].setForeground(QBrush(QColor(tone("late"))))
            if item is None:
                for it in row:
                    it.setForeground(QBrush(QColor(tone("muted"))))
            self.model.appendRow(row)
        self.fit.fit()
        on_agenda = set(by_case)
        self.add_who.clear()
        due_first = [r.educator_id for r, item in self.rows if item is None]
        rows = sorted((r for r in caseload if r.enrolment and r.educator.id not in on_agenda),
                      key=lambda r: (r.educator.id not in due_first, r.educator.display_name.casefold()))
        for r in rows:
            self.add_who.addItem(f"{r.educator.display_name} · {r.enrolment.program}", r.educator.id)
        self.add_btn.setEnabled(self.add_who.count() > 0)
        draft, self._pending_draft = self._pending_draft, None
        if draft and draft.get("case_id"):
            select_case = draft["case_id"]
        for i, (_r, item) in enumerate(self.rows):
            if item is not None and item.case.id == select_case:
                self.table.selectRow(i)
        self._show_case()
        if draft and draft.get("fields") and self.selected() is not None:
            apply_values(self.editor, draft["fields"])
            self.editor.tabs.setCurrentIndex(int(draft.get("tab") or 0))

    def _show_heading(self) -> None:
        rec = self.record
        day = pydate(self.date.date())
        cal = self.ctx.svc.calendars.calendars()
        usual = day == cal.first_school_monday(day.year, day.month)
        closed = cal.why_closed(day)
        unusual = "" if usual else f"not the first school Monday{f' ({closed})' if closed else ''}"
        if rec is None:
            self.heading.setText(" · ".join(x for x in (timefmt.screen_date(day), "no meeting on this day yet",
                                                        unusual) if x))
            self.quorum_line.setText("Add a case to the agenda to create the meeting."
                                     if not self.panel_mode else "No meeting was synced for this day.")
            return
        m = rec.meeting
        when = f"{timefmt.screen_date(m.meets_on)}, {m.start_time}" if m.start_time else timefmt.screen_date(m.meets_on)
        bits = [when, *(x for x in (m.location, f"Chair: {m.chair}" if m.chair else "", unusual) if x)]
        self.heading.setText(" · ".join(bits))
        quorum = "met" if rec.quorate else "not met"
        roll = f"{rec.present} present" if rec.attendance else "Attendance not recorded"
        self.quorum_line.setText(f"{roll} · quorum {rec.quorum}: {quorum} · {label(rec.majority_rule).lower()}")
        set_tone(self.quorum_line, None if rec.quorate else "late")

    # --- cases --------------------------------------------------------------------------------------------

    def selected(self) -> tuple[Any, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _show_case(self) -> None:
        sel = self.selected()
        item = sel[1] if sel else None
        has_meeting = self.record is not None
        present = list(self.record.attendance.present) if has_meeting and self.record.attendance else []
        self.editor.show_case(item, present, sel[0].missing if sel else ())
        self.remove_btn.setEnabled(item is not None)
        self.up_btn.setEnabled(item is not None)
        self.down_btn.setEnabled(item is not None)
        self.packet_btn.setEnabled(sel is not None)
        self.export_btn.setEnabled(has_meeting and any(i for _r, i in self.rows))
        self.minutes_btn.setEnabled(has_meeting)
        self.details_btn.setEnabled(self.ctx.services is not None)
        self.attendance_btn.setEnabled(has_meeting)
        if sel is not None and item is None and not self.panel_mode:
            i = self.add_who.findData(sel[0].educator_id)
            if i >= 0:
                self.add_who.setCurrentIndex(i)

    def add_case(self) -> None:
        educator_id = self.add_who.currentData()
        if educator_id is None or self.ctx.services is None:
            return
        panel, day, purpose = self.ctx.svc.panel, pydate(self.date.date()), self.add_purpose.text()
        meeting_id = self.meeting_id

        def write() -> Any:
            mid = meeting_id or panel.meeting_for(day).id
            return panel.add_case(meeting_id=mid, educator_id=educator_id, purpose=purpose)

        done = ui_write(self, write, ctx=self.ctx, report=self.message.show_error)
        if done is None:
            return
        case = done.value
        self.add_purpose.clear()
        self.meeting_id = case.meeting_id
        self._fill_earlier()
        self._written(case.id)

    def remove_case(self) -> None:
        sel = self.selected()
        if sel is None or sel[1] is None:
            return
        item = sel[1]
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from agenda",
                          f"Remove {item.educator_name} from this meeting's agenda?", QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmRemoveCase")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not remove:
            return
        if ui_write(self, lambda: self.ctx.svc.panel.remove_case(item.case.id), ctx=self.ctx,
                    report=self.message.show_error) is not None:
            self.ctx.statusMessage.emit(f"{item.educator_name} was removed from the agenda.")

    def move_case(self, by: int) -> None:
        sel = self.selected()
        if sel is None or sel[1] is None:
            return
        case_id = sel[1].case.id
        if ui_write(self, lambda: self.ctx.svc.panel.move_case(case_id, by=by), ctx=self.ctx,
                    report=self.message.show_error) is not None:
            self._written(case_id)

    # --- meeting dialogs ------------------------------------------------------------------------------------

    def edit_members(self) -> None:
        dlg = MembersDialog(self.ctx, self)
        if not dlg.exec():
            self.reload()
            return
        v = dlg.values()
        if ui_write(self, lambda: self.ctx.svc.panel.save_settings(**v), ctx=self.ctx,
                    report=self.message.show_error) is not None:
            self.ctx.statusMessage.emit("The Panel's rules were saved.")
        self.reload()

    def edit_details(self) -> None:
        """Create the meeting on the chosen day (date, place, chair, rules, notes), or edit the open one."""
        if self.ctx.services is None:
            return
        dlg = MeetingDialog(self.ctx, self, pydate(self.date.date()).isoformat(), self.meeting_id)
        dlg.saved.connect(self._meeting_saved)
        dlg.open()

    def _meeting_saved(self, m: Any) -> None:
        self.date.setDate(qdate(m.meets_on))
        self.open_meeting(create=False)

    def edit_attendance(self) -> None:
        if self.record is None:
            return
        svc = self.ctx.svc
        att = self.record.attendance
        members = [m.name for m in svc.panel.members()] if not self.panel_mode else list(
            dict.fromkeys([*(att.present if att else []), *(att.absent if att else [])]))
        dlg = AttendanceDialog(members, list(att.present) if att else [], att.others or "" if att else "", self)
        if not dlg.exec():
            return
        mid = self.record.meeting.id
        present, absent, others = dlg.present(), dlg.absent(), dlg.others.text()
        if ui_write(self, lambda: svc.panel.record_attendance(meeting_id=mid, present=present, absent=absent,
                                                              others=others),
                    ctx=self.ctx, report=self.message.show_error) is not None:
            self.ctx.statusMessage.emit(f"Attendance recorded: {len(present)} present.")
            self._written()

    # --- PDFs ---------------------------------------------------------------------------------------------

    def export(self, kind: str) -> None:
        """The agenda, the minutes or the selected case's packet, as a PDF for the Panel (off the GUI thread;
        audited by the report service)."""
        svc, mid = self.ctx.services, self.meeting_id
        if svc is None or mid is None:
            return
        sel = self.selected()
        educator_id = sel[0].educator_id if sel else None
        if kind == "panel-packet" and educator_id is None:
            return
        day = pydate(self.date.date())
        name = {"agenda": "panel-agenda", "minutes": "panel-minutes", "panel-packet": "panel-packet"}[kind]
        who = f"-{sel[0].educator_name.split()[-1].lower()}" if kind == "panel-packet" and sel else ""
        default = str(Path.home() / f"{name}{who}-{timefmt.iso_date(day)}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "Export PDF", default, "PDF (*.pdf)")
        if not path:
            return

        def work() -> Any:
            from ...reports.service import ReportService

            return ReportService(svc).export(kind=kind, audience="panel", path=path, meeting_id=mid,
                                             educator_id=educator_id if kind == "panel-packet" else None)

        self.ctx.statusMessage.emit("Writing the PDF…")

        def done(result: Any) -> None:
            self.ctx.statusMessage.emit(f"Written to {path} ({result.pages} page(s)).")
            if kind == "panel-packet":
                self.reload()  # the packet is fresh now

        tasks.run_in_background(self, work, on_done=done,
                                on_error=lambda exc: show_error(self, exc, title="Export failed"))

    # --- drafts (locking keeps a vote or notes being written: ui/widgets/drafts.py) ----------------------------

    def draft_state(self) -> dict[str, Any] | None:
        if self.ctx.services is None or self._stale:
            return None
        sel = self.selected()
        item = sel[1] if sel else None
        return {"date": pydate(self.date.date()).isoformat(), "case_id": item.case.id if item else None,
                "tab": self.editor.tabs.currentIndex(), "fields": widget_values(self.editor) if item else None}

    def restore_draft(self, state: dict[str, Any]) -> None:
        self._stale = False
        self.editor.build_ratings()
        self.date.setDate(qdate(date.fromisoformat(state["date"])))
        self._pending_draft = state
        self.open_meeting(create=False)

    def open_record(self, record_type: str, record_id: str) -> None:
        svc = self.ctx.svc
        meeting_id = None
        if record_type == "panel_meeting":
            meeting_id = record_id
        elif record_type in ("panel_case", "panel_motion", "panel_decision", "panel_attendance"):
            for m in svc.panel.meetings():
                rec = svc.panel.meeting_record(m.id)
                ids = {i.case.id for i in rec.items} | {d.id for d in rec.decisions}
                ids |= {x.id for i in rec.items for x in i.motions}
                if record_id in ids or (rec.attendance and rec.attendance.id == record_id):
                    meeting_id = m.id
                    break
        if meeting_id:
            self.date.setDate(qdate(svc.panel.meeting(meeting_id).meets_on))
            self.open_meeting(create=False)

    def clear(self) -> None:
        self.meeting_id = None
        self.record = None
        self.rows = []
        self.model.clear()
        self.add_who.clear()
        self.earlier.clear()
        self.heading.clear()
        self.quorum_line.clear()
        self.message.clear()
        self.message.hide()
        self.editor.show_case(None)

    def activate(self, index: QModelIndex) -> None:  # keyboard: Enter on a case goes to its vote
        self.editor.tabs.setCurrentIndex(1)
        self.editor.decision.setFocus()
