"""Deleting script lines: several at once ask first, and Ctrl+Z brings them back until the observation is left;
sharing selected lines takes one keystroke (Ctrl+E) and they can be copied into the feedback (Ctrl+Shift+C)."""

from __future__ import annotations

import pytest

from tests.helpers.qt import HAVE_QT, educator_named, on_modal

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtTest import QTest

    from esp_desktop.ui.educator.page import EducatorPage

LINES = ["Do Now posted.", "T circulates.", "Turn-and-talk.", "Exit ticket collected."]


def _capture(qtbot, ctx):
    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)
    page.show_educator(educator_named(ctx, "Darnell").id)
    page.tabs.setCurrentWidget(page.observations)
    qtbot.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    view = page.observations.capture
    for line in LINES:
        qtbot.keyClicks(view.entry, line)
        qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    return page, view


def _select(view, rows: list[int]) -> None:
    sel = view.script.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(view.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)


def _focus(view) -> None:
    """Shortcuts fire in the active window only: after a message box, make the page active again."""
    view.window().activateWindow()
    assert QTest.qWaitForWindowActive(view.window())
    view.script.setFocus()


def _texts(view) -> list[str]:
    return [view.model.record(r).text for r in range(view.model.rowCount())]


def test_bulk_delete_confirms_and_ctrl_z_brings_the_lines_back(qtbot, ctx) -> None:
    page, view = _capture(qtbot, ctx)
    obs_id = view.obs.id
    qtbot.mouseClick(view.finish_btn, Qt.MouseButton.LeftButton)  # even on a finished observation
    _focus(view)
    _select(view, [1, 2])
    errors: list = []
    asked: list[str] = []

    def cancel(box) -> None:
        asked.append(box.text())
        box.reject()

    on_modal(cancel, errors)
    qtbot.keyClick(view.script, Qt.Key.Key_Delete)
    assert not errors, errors
    assert "Delete 2 script lines?" in asked[0] and _texts(view) == LINES, "cancelled: nothing deleted"

    def confirm(box) -> None:
        next(b for b in box.buttons() if b.text() == "Delete 2 lines").click()

    on_modal(confirm, errors)
    _focus(view)
    qtbot.keyClick(view.script, Qt.Key.Key_Delete)
    assert not errors, errors
    assert _texts(view) == [LINES[0], LINES[3]]
    assert [n.text for n in ctx.svc.observations.notes(obs_id)] == [LINES[0], LINES[3]]

    _focus(view)
    qtbot.keyClick(view.script, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _texts(view) == LINES and [n.text for n in ctx.svc.observations.notes(obs_id)] == LINES

    _select(view, [0])
    _focus(view)
    qtbot.keyClick(view.script, Qt.Key.Key_Delete)  # one line: no question, still undoable
    assert _texts(view) == LINES[1:]
    view.entry.setFocus()
    qtbot.keyClick(view.entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # from the note line too
    assert _texts(view) == LINES

    _select(view, [3])
    _focus(view)
    qtbot.keyClick(view.script, Qt.Key.Key_Delete)
    qtbot.mouseClick(view.back, Qt.MouseButton.LeftButton)  # leaving the observation ends the undo
    page.observations.open_observation(obs_id)
    _focus(view)
    qtbot.keyClick(view.script, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _texts(view) == LINES[:3]


def test_share_selected_lines_in_one_keystroke_and_copy_them_into_the_feedback(qtbot, ctx) -> None:
    page, view = _capture(qtbot, ctx)
    assert {view.model.record(r).audience for r in range(4)} == {"ct_private"}
    _focus(view)
    _select(view, [0, 3])
    qtbot.keyClick(view.script, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    notes = ctx.svc.observations.notes(view.obs.id)
    assert [n.audience for n in notes] == ["educator", "ct_private", "ct_private", "educator"]
    assert view.model.index(0, 3).data() == "Educator", "the badge follows"
    qtbot.keyClick(view.script, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # again: private again
    assert {n.audience for n in ctx.svc.observations.notes(view.obs.id)} == {"ct_private"}

    _select(view, [1, 2])
    qtbot.keyClick(view.script, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.conference.feedback.toPlainText() == "- T circulates.\n- Turn-and-talk."
    assert ctx.svc.observations.observation(view.obs.id).feedback == "- T circulates.\n- Turn-and-talk."
