"""Nothing typed is lost by locking: a half-typed script line, unsaved fields and open dialogs survive Ctrl+L and
the idle auto-lock (kept inside the encrypted store), and the exact screen, tab and observation come back."""

from __future__ import annotations

import pytest

from tests.helpers.qt import HAVE_QT, make_window, type_unlock

if HAVE_QT:
    from PySide6.QtCore import Qt

pytestmark = pytest.mark.qt


def _open_capture(qtbot, win, given: str):
    e = next(x for x in win.ctx.svc.caseload.educators() if x.given_name == given)
    win.open_record("educator", e.id)
    page = win.educator
    page.tabs.setCurrentWidget(page.observations)
    qtbot.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    return page, page.observations.capture


def test_a_typed_line_survives_ctrl_l_and_auto_lock(qtbot, demo_dir) -> None:
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    page, view = _open_capture(qtbot, win, "Darnell")
    qtbot.keyClicks(view.entry, "Students enter; Do Now posted.")
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)  # saved at once
    obs_id = view.obs.id
    qtbot.keyClicks(view.entry, "Teacher asks table 3 to expl")  # not entered yet
    view.sections.setCurrentIndex(0)

    qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert win.ctx.services is None and view.entry.text() == "" and view.obs is None  # nothing left on screen

    type_unlock(qtbot, win)
    assert win.current_screen() == "educator" and page.tabs.currentWidget() is page.observations
    assert page.observations.stack.currentWidget() is view and view.obs.id == obs_id
    assert view.entry.text() == "Teacher asks table 3 to expl"
    assert [view.model.record(r).text for r in range(view.model.rowCount())] == ["Students enter; Do Now posted."]

    qtbot.keyClicks(view.entry, "ain")
    win.idle.set_timeout_ms(50)  # the idle auto-lock, shrunk for the test
    qtbot.waitUntil(lambda: win.ctx.services is None, timeout=5000)
    win.idle.set_minutes(10)
    type_unlock(qtbot, win)
    assert view.obs.id == obs_id and view.entry.text() == "Teacher asks table 3 to explain"
    assert win.focusWidget() is view.entry, "back in the note line"


def test_a_capture_not_started_and_unsaved_evidence_come_back(qtbot, demo_dir) -> None:
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    page, view = _open_capture(qtbot, win, "Minh")
    view.kind.setCurrentIndex(view.kind.findData("unannounced"))
    qtbot.keyClicks(view.class_period, "Period 3 - Algebra")
    qtbot.keyClicks(view.entry, "First line, not entered")
    assert view.obs is None
    ev = page.evidence
    page.tabs.setCurrentWidget(ev)
    qtbot.mouseClick(ev.new_btn, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(ev.description, "Student work sample, no title yet")  # cannot be saved: no title
    page.tabs.setCurrentWidget(page.observations)

    win.lock()
    assert not win.ctx.store and win.caseload.model.rowCount() == 0
    type_unlock(qtbot, win)
    assert page.observations.stack.currentWidget() is view and view.obs is None, "still not started"
    assert (view.kind.currentData(), view.class_period.text()) == ("unannounced", "Period 3 - Algebra")
    assert view.entry.text() == "First line, not entered"
    assert ev.current is None and ev.dirty and ev.description.toPlainText() == "Student work sample, no title yet"


def test_an_open_goal_dialog_survives_auto_lock(qtbot, demo_dir) -> None:
    from esp_desktop.ui.educator.goal_dialogs import GoalDialog

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    e = next(x for x in win.ctx.svc.caseload.educators() if x.given_name == "Zoë")
    win.open_record("educator", e.id)
    qtbot.mouseClick(win.educator.overview.add_goal_btn, Qt.MouseButton.LeftButton)
    dlg = next(w for w in win.open_form_dialogs() if isinstance(w, GoalDialog))
    qtbot.keyClicks(dlg.title, "Checks for understanding")
    qtbot.keyClicks(dlg.statement, "Every lesson ends with an exit ticket that 80% of students")
    qtbot.keyClicks(dlg.tags.filter_box, "I-B EQ-4")
    qtbot.keyClick(dlg.tags.filter_box, Qt.Key.Key_Return)
    win.idle.set_timeout_ms(50)
    qtbot.waitUntil(lambda: win.ctx.services is None, timeout=5000)
    assert not dlg.isVisible()
    win.idle.set_minutes(10)
    type_unlock(qtbot, win)
    back = [w for w in win.open_form_dialogs() if isinstance(w, GoalDialog)]
    assert len(back) == 1
    g = back[0]
    assert g.title.text() == "Checks for understanding"
    assert g.statement.toPlainText() == "Every lesson ends with an exit ticket that 80% of students"
    assert g.tags.codes() == (["I-B"], ["EQ-4"])
    g.ok.click()
    saved = [x for x in win.ctx.svc.goals.for_educator(e.id) if x.title == "Checks for understanding"]
    assert len(saved) == 1 and saved[0].equity_codes == ["EQ-4"], "equity areas ticked in the dialog are saved"
    assert win.educator.overview.goal_model.row_of(saved[0].id) >= 0
