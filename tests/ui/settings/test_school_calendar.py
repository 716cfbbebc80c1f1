"""Settings › School calendar, and File › Export due dates to a calendar, driven through the widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers.qt import HAVE_QT, on_modal

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import QDate, Qt, QTime
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from esp_desktop.ui.export.calendar import export_calendar
    from esp_desktop.ui.settings.calendar import SchoolCalendarDialog


def test_edit_a_school_year_and_the_deadlines(qtbot, ctx) -> None:
    dlg = SchoolCalendarDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.school_year() == "2026-27" and "Default rules" in dlg.origin.text()
    assert dlg.first.date() == QDate(2026, 9, 10)
    rows = dlg.table.rowCount()
    qtbot.mouseClick(dlg.add_btn, Qt.MouseButton.LeftButton)
    r = dlg.table.rowCount() - 1
    dlg.table.item(r, 0).setText("Snow day")
    dlg.table.cellWidget(r, 1).setDate(QDate(2026, 12, 7))
    dlg.table.cellWidget(r, 2).setDate(QDate(2026, 12, 7))
    dlg.first.setDate(QDate(2026, 9, 3))
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    cal = ctx.svc.calendars.calendar("2026-27")
    assert cal.edited and cal.first_day == date(2026, 9, 3) and len(cal.closures) == rows + 1
    assert cal.why_closed(date(2026, 12, 7)) == "Snow day" and "Edited" in dlg.origin.text()
    assert ctx.svc.panel.default_date(today=date(2026, 11, 30)) == date(2026, 12, 14)

    dlg.last.setDate(QDate(2026, 8, 1))  # before the first day: refused plainly, nothing saved
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "last day must come after the first day" in dlg.message.text()
    assert ctx.svc.calendars.calendar("2026-27").last_day != date(2026, 8, 1)
    qtbot.mouseClick(dlg.reset_btn, Qt.MouseButton.LeftButton)
    assert not ctx.svc.calendars.calendar("2026-27").edited and dlg.first.date() == QDate(2026, 9, 10)

    dlg.feedback.setValue(3)
    dlg.panel_time.setTime(QTime(18, 0))
    dlg.accept()
    st = ctx.svc.calendars.settings()
    assert (st.feedback_school_days, st.panel_time) == (3, "18:00")


def test_ok_keeps_school_year_edits_that_were_not_saved_yet(qtbot, ctx) -> None:
    dlg = SchoolCalendarDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.first.setDate(QDate(2026, 9, 8))
    dlg.accept()  # nothing typed is lost: OK saves the school year too
    assert ctx.svc.calendars.calendar("2026-27").first_day == date(2026, 9, 8)


def test_export_due_dates_to_a_calendar_file(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "due.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "iCalendar (*.ics)"))
    errors: list = []

    def initials(box) -> None:
        assert isinstance(box, QMessageBox) and "not encrypted" in box.text()
        qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Initials only"), Qt.MouseButton.LeftButton)

    on_modal(initials, errors)
    assert export_calendar(None, ctx) == out
    if errors:
        raise errors[0]
    text = out.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") >= 5 and "O'Brien" not in text and "Z.O." in text
    assert [a.action for a in ctx.svc.audit.history(limit=3)][0] == "export_ics"
