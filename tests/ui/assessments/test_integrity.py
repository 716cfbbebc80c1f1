"""The assessment form's integrity parts, driven through the widgets: finalizing by exception asks for a written
justification, the educator acknowledges a version once, and a written response is recorded days later."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers.qt import HAVE_QT, educator_named, on_modal

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from esp_desktop.ui.educator.page import EducatorPage

JUSTIFICATION = "The educator resigns on December 18; the district needs the summative before the last day."


def _page(qtbot, c, given: str):
    page = EducatorPage(c)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)
    page.show_educator(educator_named(c, given).id)
    page.tabs.setCurrentWidget(page.assessments)
    return page


def _fill_summative(qtbot, form) -> None:
    for box in form.boxes:
        box.rating.setFocus()
        qtbot.keyClick(box.rating, Qt.Key.Key_Down)
        qtbot.keyClick(box.rating, Qt.Key.Key_Down)  # (not rated) -> Exemplary -> Proficient
        qtbot.keyClicks(box.rationale, f"Evidence for standard {box.code}.")
        for i in range(box.evidence.count()):  # the demo's lesson plan and exit tickets: two categories
            box.evidence.item(i).setCheckState(Qt.CheckState.Checked)
    form.overall.setFocus()
    qtbot.keyClick(form.overall, Qt.Key.Key_Down)
    qtbot.keyClick(form.overall, Qt.Key.Key_Down)
    qtbot.keyClicks(form.overall_rationale, "Proficient on every standard, from the evidence cited.")


def _confirm(errors: list, then=None):
    """A handler for the Finalize dialog (what will be locked): confirm it, then hand the next dialog to ``then``."""

    def confirm(dlg) -> None:
        assert dlg.finalize_btn.isEnabled(), dlg.missing.text()
        if then is not None:
            on_modal(then, errors)
        dlg.finalize_btn.click()

    return confirm


def test_finalizing_before_the_cycle_work_asks_for_a_justification(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell")  # PAR, no observations and no formative yet
    tab = page.assessments
    qtbot.mouseClick(tab.new_summative, Qt.MouseButton.LeftButton)
    form = tab.form
    _fill_summative(qtbot, form)

    errors: list = []
    seen: list[str] = []

    def cancel(dlg) -> None:
        seen.append(dlg.windowTitle())
        assert not dlg.ok.isEnabled()  # no justification, no finalizing
        dlg.reject()

    on_modal(_confirm(errors, cancel), errors)
    qtbot.mouseClick(form.finalize_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen or errors))
    assert not errors and seen == ["Finalize by exception"]
    assert ctx.svc.assessments.document(form.doc.id).status == "draft"

    def justify(dlg) -> None:
        assert "4 unannounced observation(s)" in dlg.facts.text() and "formative" in dlg.facts.text()
        qtbot.keyClicks(dlg.text, JUSTIFICATION)
        assert dlg.ok.isEnabled()
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)

    on_modal(_confirm(errors, justify), errors)
    qtbot.mouseClick(form.finalize_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(errors) or ctx.svc.assessments.document(form.doc.id).status == "final")
    if errors:
        raise errors[0]
    doc = ctx.svc.assessments.document(form.doc.id)
    assert doc.status == "final" and doc.overrides[0]["justification"] == JUSTIFICATION
    assert form.is_read_only() and form.ack_box.isVisible()


def test_acknowledge_once_then_record_a_written_response(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell")
    tab = page.assessments
    qtbot.mouseClick(tab.new_formative, Qt.MouseButton.LeftButton)
    form = tab.form
    qtbot.keyClicks(form.goals_summary, "Goal 1: 40% of students explain their reasoning (from 20%).")
    errors: list = []
    on_modal(_confirm(errors), errors)
    qtbot.mouseClick(form.finalize_btn, Qt.MouseButton.LeftButton)  # ratings are optional in a formative
    assert not errors, errors
    doc_id = form.doc.id
    assert ctx.svc.assessments.document(doc_id).status == "final"
    assert form.signer.text() == "Darnell Whitaker" and form.ack_inputs.isVisible()

    QTest.qWait(0)  # let the finalized form lay out its acknowledgement box, as between two clicks of a user
    qtbot.mouseClick(form.ack_btn, Qt.MouseButton.LeftButton)
    assert [a.signer_name for a in ctx.svc.assessments.acknowledgements(doc_id)] == ["Darnell Whitaker"]
    assert not form.ack_inputs.isVisible() and "Signed by" in form.ack_list.text()

    qtbot.keyClicks(form.response_text, "I will share my unit plans at the post-conference.")
    QTest.qWait(0)
    qtbot.mouseClick(form.response_btn, Qt.MouseButton.LeftButton)
    [r] = ctx.svc.assessments.responses(doc_id)
    assert r.text.startswith("I will share") and r.received_on == date(2026, 11, 25)
    assert "I will share my unit plans" in form.responses.text()
    qtbot.mouseClick(form.response_btn, Qt.MouseButton.LeftButton)  # empty: refused plainly, nothing recorded
    assert "Enter the educator's written response" in page.message.text()
    assert len(ctx.svc.assessments.responses(doc_id)) == 1
