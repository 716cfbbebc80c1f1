"""Locking (Ctrl+L and idle auto-lock) clears every view; unlocking returns to the same place. Search."""

from __future__ import annotations

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402

from tests.helpers.qt import make_window, type_unlock  # noqa: E402

pytestmark = pytest.mark.qt


def _assert_cleared(win) -> None:
    assert win.ctx.services is None and win.ctx.store is None
    assert win.top.currentWidget() is win.unlock_screen
    assert win.caseload.model.rowCount() == 0 and win.caseload.cap.text() == ""
    assert win.dashboard.compliance_model.rowCount() == 0 and win.dashboard.contacts_model.rowCount() == 0
    assert win.search.model.rowCount() == 0 and win.search.query.text() == ""
    assert win.panel.model.rowCount() == 0 and win.panel.add_who.count() == 0
    assert win.educator.educator_id is None
    assert not win.act_new.isEnabled() and not win.toolbar.isVisible()


def test_ctrl_l_locks_clears_and_returns_to_the_same_place(qtbot, demo_dir):
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Go > Compliance
    assert win.current_screen() == "dashboard"
    assert win.dashboard.compliance_model.rowCount() > 0 and win.dashboard.contacts_model.rowCount() == 9
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert win.panel.model.rowCount() > 0
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.caseload.model.rowCount() == 9
    win.caseload.table.setFocus()
    win.caseload.table.selectRow(0)
    qtbot.keyClick(win.caseload.table, Qt.Key.Key_Return)  # opens the educator page
    name = win.caseload.proxy.index(0, 0).data()
    assert win.current_screen() == "educator" and win.educator.educator_id is not None
    opened = win.educator.educator_id

    saved = []
    win.educator.save_pending = lambda: saved.append(True)  # the page's own edits are its helper's tests
    qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert saved == [True]  # pending edits saved before anything is cleared
    _assert_cleared(win)

    type_unlock(qtbot, win)
    assert win.current_screen() == "educator" and win.educator.educator_id == opened
    assert win.nav_educator.text() == name and win.caseload.model.rowCount() == 9


def test_idle_auto_lock(qtbot, demo_dir):
    from esp_desktop.settings import AUTO_LOCK_MINUTES

    win = make_window(qtbot, demo_dir)
    assert win.idle.timer.interval() == win.ctx.settings.get(AUTO_LOCK_MINUTES) * 60_000 == 10 * 60_000
    type_unlock(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    win.idle.timer.stop()
    qtbot.keyClick(win.dashboard.compliance, Qt.Key.Key_Down)
    assert win.idle.timer.isActive(), "input (re)starts the idle countdown"
    win.idle.set_timeout_ms(50)  # "minutes" shrunk for the test
    qtbot.waitUntil(lambda: win.ctx.services is None, timeout=5000)
    _assert_cleared(win)
    type_unlock(qtbot, win)
    assert win.current_screen() == "dashboard" and win.dashboard.compliance_model.rowCount() > 0


def test_search_finds_a_note_and_opens_it(qtbot, demo_dir):
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    opened: list[tuple[str, str]] = []
    win.ctx.openRecordRequested.connect(lambda t, i: opened.append((t, i)))
    qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert win.current_screen() == "search" and win.search.query.hasFocus()
    qtbot.keyClicks(win.search.query, "regroup tomorr")
    qtbot.waitUntil(lambda: win.search.model.rowCount() > 0, timeout=5000)
    first = win.search.model.index(0, 0)
    assert "regroup tomorrow" in first.data()
    hit = first.data(Qt.ItemDataRole.UserRole + 1)
    assert hit.record_type == "script_note"
    assert "result" in win.search.status.text()

    qtbot.keyClick(win.search.query, Qt.Key.Key_Down)
    assert win.search.results.hasFocus()
    qtbot.keyClick(win.search.results, Qt.Key.Key_Return)
    assert opened == [("educator", hit.educator_id), ("script_note", hit.record_id)]
    assert win.current_screen() == "educator" and win.educator.educator_id == hit.educator_id

    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    win.search.query.clear()
    qtbot.keyClicks(win.search.query, "zzyzx nothing")
    qtbot.waitUntil(lambda: "Nothing found" in win.search.status.text(), timeout=5000)
    assert win.search.model.rowCount() == 0


def test_lock_closes_open_dialogs(qtbot, demo_dir):
    from tests.helpers.qt import on_modal

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    seen: list = []

    def idle_while_editing(d) -> None:
        qtbot.keyClicks(d.given, "Half-typed")
        seen.append(d)
        win.ctx.lockRequested.emit()  # what the idle timer does

    on_modal(idle_while_editing, [])
    qtbot.mouseClick(win.caseload.b_add, Qt.MouseButton.LeftButton)
    assert seen and not seen[0].isVisible()
    _assert_cleared(win)

    # nothing typed is lost: the dialog comes back, with what was typed, after unlock
    type_unlock(qtbot, win)
    from esp_desktop.ui.caseload.dialogs import EducatorDialog

    back = [w for w in win.open_form_dialogs() if isinstance(w, EducatorDialog)]
    assert len(back) == 1 and back[0].given.text() == "Half-typed"
    assert win.ctx.svc.drafts.peek() is None, "the drafts left the store once they were back on screen"
    back[0].reject()
