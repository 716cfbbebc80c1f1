"""Steps 1-2 of the cycle and the progress reports on the educator page, driven through the widgets: enter the
educator's self-assessment, build and sign the Educator Plan, draft and finalize a progress report to the Panel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.qt import HAVE_QT, educator_named

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QTableWidgetItem

    from esp_desktop.ui.educator.page import EducatorPage


def _page(qtbot, c, given: str):
    page = EducatorPage(c)
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)
    page.show_educator(educator_named(c, given).id)
    return page


def _shot(page, out: Path, name: str) -> None:
    page.grab().save(str(out / name))
    if os.environ.get("ESP_LOOK_DIR"):
        page.grab().save(str(Path(os.environ["ESP_LOOK_DIR"]) / name))


def test_self_assessment_plan_and_progress_report_through_the_tabs(qtbot, ctx, tmp_path: Path) -> None:
    page = _page(qtbot, ctx, "Darnell")
    svc, e = ctx.svc, educator_named(ctx, "Darnell")

    # step 1: the educator's form, typed in by the CT
    tab = page.self_assessment
    page.tabs.setCurrentWidget(tab)
    assert not tab.save_btn.isEnabled() and "No self-assessment yet" in tab.state.text()
    qtbot.mouseClick(tab.new_btn, Qt.MouseButton.LeftButton)
    assert tab.doc is not None and tab.save_btn.isEnabled()
    for code, (strengths, grow) in tab.boxes.items():
        qtbot.keyClicks(strengths, f"Strength {code}")
        qtbot.keyClicks(grow, f"Grow {code}")
    qtbot.keyClicks(tab.reflection, "Routines first.")
    qtbot.mouseClick(tab.final_btn, Qt.MouseButton.LeftButton)
    assert "date the educator completed" in page.message.text()  # refused; what was typed is kept
    assert svc.self_assessments.document(tab.doc.id).entries["II"]["strengths"] == "Strength II"
    tab.completed.set_value(svc.caseload.educators()[0].created_at.date())
    qtbot.mouseClick(tab.final_btn, Qt.MouseButton.LeftButton)
    assert svc.self_assessments.current(e.id).status == "final"
    assert tab.reflection.isReadOnly() and tab.correct_btn.isEnabled()

    # step 2: the Educator Plan with a goal, an action and both signatures
    plan = page.plan
    page.tabs.setCurrentWidget(plan)
    qtbot.mouseClick(plan.new_btn, Qt.MouseButton.LeftButton)
    assert plan.doc is not None and plan.goals.count() > 0
    plan.goals.item(0).setCheckState(Qt.CheckState.Checked)
    plan.action_rows.insertRow(0)
    plan.action_rows.setItem(0, 0, QTableWidgetItem("Co-plan weekly"))
    plan.action_rows.setItem(0, 1, QTableWidgetItem("CT co-planning"))
    qtbot.keyClicks(plan.focus, "Routines that protect learning time.")
    out = tmp_path / "shots"
    out.mkdir()
    _shot(page, out, "educator-plan-tab.png")
    qtbot.mouseClick(plan.sign_eval, Qt.MouseButton.LeftButton)
    assert "evaluator" in plan.signatures.text() and "not yet" in plan.signatures.text()
    qtbot.mouseClick(plan.sign_edu, Qt.MouseButton.LeftButton)
    final = svc.plans.current(e.id)
    assert final.status == "final" and final.actions[0]["action"] == "Co-plan weekly"
    assert [g.id for g in svc.plans.goals(final.id)] and final.focus == "Routines that protect learning time."
    assert not plan.sign_eval.isEnabled() and plan.correct_btn.isEnabled()

    # a progress report to the Panel, drafted from the records
    prog = page.progress
    page.tabs.setCurrentWidget(prog)
    assert "school days" in prog.schedule.text()
    qtbot.mouseClick(prog.draft_btn, Qt.MouseButton.LeftButton)
    assert prog.doc is not None and prog.fields["observations"].toPlainText()
    prog.fields["next_steps"].setPlainText("Observe period 2 in December.")
    _shot(page, out, "progress-tab.png")
    qtbot.mouseClick(prog.final_btn, Qt.MouseButton.LeftButton)
    assert svc.progress.current(e.id).status == "final"
    assert svc.progress.current(e.id).next_steps == "Observe period 2 in December."

    # PA: no plan, no reports
    page.show_educator(educator_named(ctx, "Priya").id)
    assert page.plan.stack.currentIndex() == 0 and "non-evaluative" in page.plan.note.text()
    assert page.progress.stack.currentIndex() == 0
