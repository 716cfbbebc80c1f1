"""File › Export due dates to a calendar: the CT's open due dates and the coming ESP Panel meetings as an
iCalendar (.ics) file for Outlook, Google or Apple Calendar. The file is not encrypted, so the CT chooses whether
educators appear by name or by initials."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...core import timefmt
from ..context import AppContext
from ..widgets.write import ui_write


def ask_initials(parent: QWidget | None) -> bool | None:
    """True: initials only; False: full names; None: cancelled."""
    box = QMessageBox(QMessageBox.Icon.Question, "Export to a calendar",
                      "The calendar file is not encrypted. Anyone who sees your calendar will see its entries.\n\n"
                      "Name educators in it by their full names or by their initials?",
                      QMessageBox.StandardButton.Cancel, parent)
    initials = box.addButton("Initials only", QMessageBox.ButtonRole.AcceptRole)
    names = box.addButton("Full names", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(initials)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is initials else False if clicked is names else None


def export_calendar(parent: QWidget, ctx: AppContext) -> Path | None:
    default = str(Path.home() / f"esp-due-dates-{timefmt.iso_date(ctx.svc.calendars.today())}.ics")
    path, _ = QFileDialog.getSaveFileName(parent, "Export due dates to a calendar", default,
                                          "iCalendar (*.ics)")
    if not path:
        return None
    initials = ask_initials(parent)
    if initials is None:
        return None
    done = ui_write(parent, lambda: ctx.svc.calendars.export_ics(path, initials=initials), ctx=ctx,
                    title="Calendar not written")
    if done is None:
        return None
    ctx.statusMessage.emit(f"Wrote {done.value} calendar event(s) to {path}.")
    return Path(path)
