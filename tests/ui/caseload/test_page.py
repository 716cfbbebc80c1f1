"""Caseload screen: add, refer, record intake and enrol an educator, including the cap-override dialog."""

from __future__ import annotations

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox, QDialogButtonBox  # noqa: E402

from tests.helpers.qt import make_window, on_modal, type_unlock  # noqa: E402

pytestmark = pytest.mark.qt


def _ok(dialog) -> None:
    btn = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert btn.isEnabled()
    btn.click()


def _row_of(win, name: str) -> int:
    m = win.caseload.proxy
    for r in range(m.rowCount()):
        if m.index(r, 0).data() == name:
            return r
    raise AssertionError(f"{name} is not in the caseload table")


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def add_refer_intake(qtbot, win, given: str, family: str, program: str = "PAR") -> None:
    page, errors = win.caseload, []

    def fill_educator(d) -> None:
        assert not d.ok.isEnabled()  # names are required
        qtbot.keyClicks(d.given, given)
        qtbot.keyClicks(d.family, family)
        qtbot.keyClicks(d.subject, "Grade 5")
        d.sites.item(0).setCheckState(Qt.CheckState.Checked)
        _ok(d)

    on_modal(fill_educator, errors)
    _click(qtbot, page.b_add)
    assert not errors, errors
    name = f"{given} {family}"
    assert page.selected_row().educator.display_name == name  # the new row is selected

    def refer(d) -> None:
        combo = d.findChild(QComboBox)
        combo.setCurrentIndex(combo.findData(program))
        _ok(d)

    on_modal(refer, errors)
    _click(qtbot, page.b_refer)
    assert not errors, errors
    assert page.proxy.index(_row_of(win, name), 2).data() == "Referred"

    def intake(d) -> None:
        qtbot.keyClicks(d.attendees, f"{name}, CT")
        _ok(d)

    on_modal(intake, errors)
    _click(qtbot, page.b_intake)
    assert not errors, errors
    assert page.proxy.index(_row_of(win, name), 2).data() == "Intake scheduled"


def test_add_refer_intake_and_enrol(qtbot, data_dir):
    win = make_window(qtbot, data_dir)
    type_unlock(qtbot, win)
    svc = win.ctx.svc
    svc.caseload.add_site(name="Fictional Elementary")
    win.ctx.flush_changes()  # written outside the UI: delivered at once
    assert win.caseload.cap.text() == "0 / 12"

    add_refer_intake(qtbot, win, "Robin", "Example")
    errors: list = []
    seen: dict = {}

    def enrol(d) -> None:
        seen["cycle"] = d.start_cycle is not None and d.start_cycle.isChecked()  # PAR: the cycle in the same step
        d.cycle.plan.setCurrentIndex(d.cycle.plan.findData("directed_growth"))
        _ok(d)

    on_modal(enrol, errors)
    _click(qtbot, win.caseload.b_enrol)
    assert not errors, errors
    assert seen["cycle"]
    row = _row_of(win, "Robin Example")
    assert win.caseload.proxy.index(row, 2).data() == "Enrolled"
    assert win.caseload.proxy.index(row, 1).data() == "PAR (evaluation)"
    assert win.caseload.proxy.index(row, 3).data() == "Fictional Elementary"
    assert win.caseload.cap.text() == "1 / 12"
    e = svc.caseload.resolve_educator("Robin Example")
    assert e.role_subject == "Grade 5" and svc.caseload.enrolment(e.id).status == "enrolled"
    cyc = svc.compliance.current_cycle(e.id)
    assert cyc is not None and cyc.plan_type == "directed_growth"
    assert win.caseload.proxy.index(row, 4).data() != "" and win.caseload.proxy.index(row, 5).data() != ""


def test_enrol_over_the_cap_asks_for_a_reason(qtbot, demo_dir):
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    svc = win.ctx.svc
    active = svc.caseload.active_count()
    svc.caseload.set_profile(name="Jordan Ellis", caseload_cap=active, cap_reason="Test: a full caseload")
    win.ctx.flush_changes()
    assert win.caseload.cap.text() == f"{active} / {active}"
    assert win.caseload.cap.property("state") == "full"

    add_refer_intake(qtbot, win, "Casey", "Overflow", program="PA")
    errors: list = []
    seen: dict = {}

    def cancel_first(d) -> None:
        seen["title"] = d.windowTitle()
        seen["text"] = d.intro.text()
        d.reject()

    on_modal(cancel_first, errors)
    _click(qtbot, win.caseload.b_enrol)
    assert seen["title"] == "Enrol Casey Overflow" and "cap is" in seen["text"]
    assert win.caseload.proxy.index(_row_of(win, "Casey Overflow"), 2).data() == "Intake scheduled"

    def give_reason(d) -> None:
        assert not d.ok.isEnabled()  # no reason, no override
        qtbot.keyClicks(d.reason, "Panel asked to take this case before June")
        _ok(d)

    on_modal(give_reason, errors)
    _click(qtbot, win.caseload.b_enrol)
    assert not errors, errors
    assert win.caseload.proxy.index(_row_of(win, "Casey Overflow"), 2).data() == "Enrolled"
    assert win.caseload.cap.text() == f"{active + 1} / {active}"
    assert win.caseload.cap.property("state") == "over"
    en = svc.caseload.enrolment(svc.caseload.resolve_educator("Casey Overflow").id)
    assert en.cap_override_reason == "Panel asked to take this case before June"


def test_filters_and_exit_with_reason(qtbot, demo_dir):
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    page = win.caseload
    total = page.proxy.rowCount()
    page.program.setCurrentIndex(page.program.findData("PA"))
    assert 0 < page.proxy.rowCount() < total
    assert {page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())} == {"PA (coaching)"}
    page.program.setCurrentIndex(0)
    qtbot.keyClicks(page.filter_text, "raman")
    assert page.proxy.rowCount() == 1
    page.table.selectRow(0)

    errors: list = []

    def exit_reason(d) -> None:
        assert not d.ok.isEnabled()
        qtbot.keyClicks(d.reason, "Moved to another district")
        _ok(d)

    on_modal(exit_reason, errors)
    page.act_exit.trigger()
    assert not errors, errors
    assert page.proxy.rowCount() == 0  # ended enrolments are hidden by default
    qtbot.mouseClick(page.ended, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == 1 and page.proxy.index(0, 2).data() == "Exited"
