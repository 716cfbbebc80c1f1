"""Compliance dashboard, panel meetings and settings through the real widgets."""

from __future__ import annotations

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from tests.helpers.qt import make_window, on_modal, type_unlock  # noqa: E402

pytestmark = pytest.mark.qt


def test_dashboard_counts_late_items_and_opens_the_educator(qtbot, demo_dir):
    from esp_desktop.core import timefmt
    from esp_desktop.ui.widgets.style import LATE

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    svc = win.ctx.svc
    cycles = svc.compliance.dashboard()
    model = win.dashboard.compliance_model
    assert model.rowCount() == len(cycles) > 0
    for r, cc in enumerate(cycles):
        assert model.index(r, 2).data() == f"{cc.announced_done} / {cc.announced_required}"
        assert model.index(r, 3).data() == f"{cc.unannounced_done} / {cc.unannounced_required}"
        assert model.item(r, 0).rowCount() == len(cc.items)
        if cc.next_due:  # dates in the one screen format (core/timefmt.py), e.g. "Wed 25 Nov 2026"
            assert model.index(r, 4).data() == f"{cc.next_due.label} · {timefmt.screen_date(cc.next_due.due_on)}"
    late = [(r, cc) for r, cc in enumerate(cycles) if cc.late]
    assert late, "the demo caseload has a late item"
    r, cc = late[0]
    assert model.index(r, 1).data() == f"{len(cc.late)} late"
    child = [i for i in range(model.item(r, 0).rowCount()) if model.item(r, 0).child(i, 1).text() == "Late"]
    assert len(child) == len(cc.late)
    assert model.item(r, 0).child(child[0], 1).foreground().color().name() == LATE
    assert "late" in win.dashboard.summary.text()

    # everyone: last contact and days since the last visit
    assert win.dashboard.contacts_model.rowCount() == len(svc.caseload.caseload())

    view = win.dashboard.compliance
    view.setFocus()
    view.setCurrentIndex(view.model().index(r, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert win.current_screen() == "educator" and win.educator.educator_id == cc.cycle.educator_id


def test_settings_change_auto_lock_minutes(qtbot, demo_dir):
    from esp_desktop.settings import AUTO_LOCK_MINUTES
    from esp_desktop.store.keys import keyring_available

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    errors: list = []

    def set_minutes(d) -> None:
        d.minutes.selectAll()
        qtbot.keyClicks(d.minutes, "3")
        assert d.keyring.isEnabled() == keyring_available()  # offered only where an OS keyring works
        d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    on_modal(set_minutes, errors)
    win.act_settings.trigger()
    assert not errors, errors
    assert win.ctx.settings.get(AUTO_LOCK_MINUTES) == 3
    assert win.idle.timer.interval() == 3 * 60_000


def test_panel_exports_the_agenda_pdf(qtbot, demo_dir, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = win.panel
    if page.model.rowCount() == 0:
        qtbot.mouseClick(page.add_btn, Qt.MouseButton.LeftButton)
    out = tmp_path / "agenda.pdf"
    chosen = staticmethod(lambda *a, **k: (str(out), "PDF (*.pdf)"))  # the CT picks a file name
    monkeypatch.setattr(QFileDialog, "getSaveFileName", chosen)
    assert page.export_btn.isEnabled()
    qtbot.mouseClick(page.export_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.export_btn.isEnabled(), timeout=30_000)
    assert out.read_bytes().startswith(b"%PDF")
    assert [h.action for h in win.ctx.svc.audit.history(limit=5)][0] == "export_pdf"
