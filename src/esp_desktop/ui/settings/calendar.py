"""Settings › School calendar: the school year's first and last day, holidays and breaks, and the deadlines that
follow from them (spacing of unannounced observations, feedback due, the Panel's start time).

A year nobody edited follows the default rules (``resources/calendar/``); the dialog says so, because due dates
are only as right as the calendar. Saving stores the year in the encrypted store and logs it.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.school_calendar import Closure, SchoolCalendar, school_year_of, school_year_start
from ..context import AppContext
from ..widgets.common import muted
from ..widgets.fields import date_edit, pydate, qdate
from ..widgets.icons import icon
from ..widgets.write import ui_write

COLUMNS = ("Holiday or break", "From", "To")


class SchoolCalendarDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._shown: dict = {}
        self.setWindowTitle("School calendar")
        self.setMinimumSize(620, 560)
        svc = ctx.svc
        this_year = school_year_start(school_year_of(svc.calendars.today()))

        self.year = QComboBox()
        self.year.setAccessibleName("School year")
        for y in range(this_year - 1, this_year + 3):
            self.year.addItem(f"{y}-{(y + 1) % 100:02d}")
        self.year.setCurrentIndex(1)
        self.origin = QLabel()
        self.origin.setWordWrap(True)
        self.first = date_edit("First day of school")
        self.last = date_edit("Last day of school")
        self.days = muted()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Holidays and breaks")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # one Tab stop
        self.add_btn = QPushButton(icon("plus"), "Add holiday or break")
        self.add_btn.setAccessibleName("Add holiday or break")
        self.remove_btn = QPushButton(icon("trash-2"), "Remove")
        self.remove_btn.setAccessibleName("Remove holiday or break")
        self.reset_btn = QPushButton(icon("refresh-cw"), "Back to the default rules")
        self.reset_btn.setAccessibleName("Back to the default rules")
        self.save_btn = QPushButton(icon("save"), "Save this school year")
        self.save_btn.setAccessibleName("Save this school year")
        self.save_btn.setProperty("primary", True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Calendar message")

        year_box = QGroupBox("School year")
        yf = QFormLayout(year_box)
        yf.addRow("&Year:", self.year)
        yf.addRow(self.origin)
        yf.addRow("&First day:", self.first)
        yf.addRow("&Last day:", self.last)
        yf.addRow(self.days)
        yf.addRow(self.table)
        row = QHBoxLayout()
        for b in (self.add_btn, self.remove_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.reset_btn)
        row.addWidget(self.save_btn)
        yf.addRow(row)
        yf.addRow(self.message)

        settings = svc.calendars.settings()
        self.spacing = QSpinBox()
        self.spacing.setRange(0, 30)
        self.spacing.setSuffix(" school days")
        self.spacing.setValue(settings.spacing_school_days)
        self.spacing.setAccessibleName("Unannounced observations at least this many school days apart")
        self.feedback = QSpinBox()
        self.feedback.setRange(1, 30)
        self.feedback.setSuffix(" school days")
        self.feedback.setValue(settings.feedback_school_days)
        self.feedback.setAccessibleName("Feedback due this many school days after an observation")
        self.panel_time = QTimeEdit()
        self.panel_time.setDisplayFormat("HH:mm")
        self.panel_time.setAccessibleName("ESP Panel meetings start at")
        hh, mm = settings.panel_time.split(":")
        self.panel_time.setTime(QTime(int(hh), int(mm)))
        rules_box = QGroupBox("Deadlines")
        rf = QFormLayout(rules_box)
        rf.addRow("Unannounced observations &apart:", self.spacing)
        rf.addRow("Feedback &due after:", self.feedback)
        rf.addRow("Panel meetings &start at:", self.panel_time)
        rf.addRow(muted("The Panel meets on the first school Monday of each school month."))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(year_box, 1)
        lay.addWidget(rules_box)
        lay.addWidget(buttons)

        self.year.currentIndexChanged.connect(lambda _: self.load())
        self.add_btn.clicked.connect(self.add_row)
        self.remove_btn.clicked.connect(self.remove_row)
        self.reset_btn.clicked.connect(self.reset)
        self.save_btn.clicked.connect(self.save_year)
        self.load()

    # --- the school year ---------------------------------------------------------------------------------

    def school_year(self) -> str:
        return self.year.currentText()

    def load(self) -> None:
        cal = self.ctx.svc.calendars.calendar(self.school_year())
        self._show(cal)

    def _show(self, cal: SchoolCalendar) -> None:
        self._shown = cal.to_dict()
        self.origin.setText(
            "Edited for this school year." if cal.edited else
            "<b>Default rules</b> (a Boston-like year): check it against your district's published calendar "
            "and save it; due dates are only as right as this calendar.")
        self.first.setDate(qdate(cal.first_day))
        self.last.setDate(qdate(cal.last_day))
        self.days.setText(f"{cal.school_day_count()} school days.")
        self.table.setRowCount(0)
        for c in cal.closures:
            self._append(c.name, c.start, c.end)
        self.message.clear()

    def _append(self, name: str, start: date, end: date) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(name))
        for col, d in ((1, start), (2, end)):
            w = date_edit(f"{COLUMNS[col]} ({name or 'new'})", d)
            self.table.setCellWidget(r, col, w)

    def add_row(self) -> None:
        day = pydate(self.first.date()) + timedelta(days=30)
        self._append("", day, day)
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        item = self.table.item(self.table.rowCount() - 1, 0)
        if item is not None:
            self.table.editItem(item)

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)

    def calendar(self) -> SchoolCalendar:
        closures = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            start, end = self.table.cellWidget(r, 1), self.table.cellWidget(r, 2)
            closures.append(Closure(pydate(start.date()), pydate(end.date()),  # type: ignore[attr-defined]
                                    item.text().strip() if item else ""))
        return SchoolCalendar(self.school_year(), pydate(self.first.date()), pydate(self.last.date()),
                              tuple(sorted(closures, key=lambda c: (c.start, c.end))), edited=True)

    def save_year(self) -> bool:
        cal = self.calendar()
        done = ui_write(self, lambda: self.ctx.svc.calendars.save_calendar(cal), ctx=self.ctx,
                        report=lambda exc: self.message.setText(str(exc)))
        if done is None:
            return False
        self._show(done.value)
        self.message.setText(f"Saved {cal.school_year}: {done.value.school_day_count()} school days, "
                             f"{timefmt.screen_date(cal.first_day)} to {timefmt.screen_date(cal.last_day)}.")
        return True

    def reset(self) -> None:
        sy = self.school_year()
        done = ui_write(self, lambda: self.ctx.svc.calendars.reset_calendar(sy), ctx=self.ctx,
                        report=lambda exc: self.message.setText(str(exc)))
        if done is not None:
            self._show(done.value)

    # --- deadlines ---------------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.calendar().to_dict() != self._shown and not self.save_year():
            return  # edits of the school year are saved with OK too, never dropped
        t = self.panel_time.time()
        done = ui_write(self, lambda: self.ctx.svc.calendars.save_settings(
            spacing_school_days=self.spacing.value(), feedback_school_days=self.feedback.value(),
            panel_time=f"{t.hour():02d}:{t.minute():02d}"), ctx=self.ctx,
            report=lambda exc: self.message.setText(str(exc)))
        if done is not None:
            super().accept()
