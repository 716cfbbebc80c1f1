"""Evidence, coaching, audience badges and assessments on the educator page, driven through the widgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.qt import HAVE_QT, educator_named, on_modal

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLabel

    from esp_desktop.ui.educator.page import EducatorPage
    from esp_desktop.ui.widgets import tempfiles


def _page(qtbot, c, given: str, tab: str):
    page = EducatorPage(c)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)
    page.show_educator(educator_named(c, given).id)
    page.tabs.setCurrentWidget(getattr(page, tab))
    return page


def test_pa_educator_gets_no_rating_form(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Priya", "assessments")
    tab = page.assessments
    assert not tab.rating_forms_offered
    assert not tab.new_formative.isVisible() and not tab.form.isVisible()
    assert "non-evaluative" in tab.note.text() and tab.note.isVisible()
    page.show_educator(educator_named(ctx, "Darnell").id)  # PAR: the forms are there
    assert tab.rating_forms_offered


def test_finalize_makes_the_form_read_only_and_correct_makes_a_new_version(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell", "assessments")
    tab = page.assessments
    qtbot.mouseClick(tab.new_formative, Qt.MouseButton.LeftButton)
    form = tab.form
    assert form.doc is not None and not form.is_read_only()

    # Finalize first shows what would be locked; an empty formative is refused plainly (ratings are optional,
    # but it must say something)
    seen: dict = {}
    errors: list = []

    def refused(d) -> None:
        seen["missing"] = d.missing.text()
        seen["can"] = d.finalize_btn.isEnabled()
        d.reject()

    on_modal(refused, errors)
    qtbot.mouseClick(form.finalize_btn, Qt.MouseButton.LeftButton)
    assert not errors, errors
    assert "needs ratings or a summary of progress on goals" in seen["missing"] and not seen["can"]
    assert ctx.svc.assessments.document(form.doc.id).status == "draft"

    for box in form.boxes:
        box.rating.setFocus()
        qtbot.keyClick(box.rating, Qt.Key.Key_Down)
        qtbot.keyClick(box.rating, Qt.Key.Key_Down)  # (not rated) -> Exemplary -> Proficient
        qtbot.keyClicks(box.rationale, f"Evidence for standard {box.code}.")
    form.boxes[0].evidence.item(0).setCheckState(Qt.CheckState.Checked)
    form.overall.setFocus()
    qtbot.keyClick(form.overall, Qt.Key.Key_Down)
    qtbot.keyClick(form.overall, Qt.Key.Key_Down)

    on_modal(refused, errors)  # an empty overall rationale is refused too
    qtbot.mouseClick(form.finalize_btn, Qt.MouseButton.LeftButton)
    assert "rationale for the overall rating" in seen["missing"] and not seen["can"]
    assert ctx.svc.assessments.document(form.doc.id).status == "draft"

    qtbot.keyClicks(form.overall_rationale, "Consistent growth.")

    def finalize(d) -> None:
        seen["locked"] = "Evidence for standard IV." in " ".join(lab.text() for lab in d.findChildren(QLabel))
        assert d.finalize_btn.isEnabled() and not d.missing.isVisible()
        d.finalize_btn.click()

    on_modal(finalize, errors)
    page.activateWindow()  # shortcuts fire in the active window (a message box was in front)
    assert QTest.qWaitForWindowActive(page)
    qtbot.keyClick(form, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "locked" in seen or bool(errors), timeout=5000)  # a button's shortcut clicks it soon after
    assert not errors, errors
    assert seen["locked"], "the dialog shows what will be locked"

    doc = ctx.svc.assessments.document(form.doc.id)
    assert doc.status == "final" and doc.overall_rating == "proficient"
    assert doc.ratings["I"]["rating"] == "proficient" and doc.ratings["I"]["evidence_ids"]
    assert doc.ratings["IV"]["rationale"] == "Evidence for standard IV."
    assert form.is_read_only()
    assert not form.boxes[0].rating.isEnabled() and form.boxes[0].rationale.isReadOnly()
    assert not form.save_btn.isVisible() and not form.finalize_btn.isVisible()
    assert form.ack_box.isVisible()

    assert form.signer.text() == "Darnell Whitaker"  # the educator of the case signs
    qtbot.keyClicks(form.ack_comment, "I will respond in writing.")
    QTest.qWait(0)  # let the finalized form lay out its acknowledgement box, as between two clicks of a user
    qtbot.mouseClick(form.ack_btn, Qt.MouseButton.LeftButton)
    acks = ctx.svc.assessments.acknowledgements(doc.id)
    assert [a.signer_name for a in acks] == ["Darnell Whitaker"]
    assert "Darnell Whitaker" in form.ack_list.text()

    qtbot.mouseClick(tab.correct_btn, Qt.MouseButton.LeftButton)
    assert form.doc.version_no == 2 and form.doc.supersedes_id == doc.id and not form.is_read_only()


def test_audience_badge_change_persists_and_pa_admin_is_refused(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Priya", "evidence")
    tab = page.evidence
    tab.table.selectRow(0)
    rec = tab.current
    assert rec.audience == "educator"
    tab.audience.setFocus()
    qtbot.keyClick(tab.audience, Qt.Key.Key_Down)  # Educator -> Panel
    assert ctx.svc.evidence.item(rec.id).audience == "panel"
    assert tab.model.index(0, tab.model.columnCount() - 1).data() == "Panel"
    qtbot.keyClick(tab.audience, Qt.Key.Key_Down)  # Panel -> School administrator: refused for PA
    assert "cannot be shared with the school administrator" in page.message.text()
    assert ctx.svc.evidence.item(rec.id).audience == "panel"
    assert tab.audience.value() == "panel"


def test_new_evidence_with_tags_and_encrypted_file(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:
    page = _page(qtbot, ctx, "Minh", "evidence")
    tab = page.evidence
    qtbot.mouseClick(tab.new_btn, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.title, "Seating chart and routines poster")
    qtbot.keyClicks(tab.tags.filter_box, "II-B")
    qtbot.keyClick(tab.tags.filter_box, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.tags.filter_box, "eq-1")
    qtbot.keyClick(tab.tags.filter_box, Qt.Key.Key_Return)
    f = tmp_path / "poster.txt"
    f.write_bytes(b"Fictional routines poster\n")
    monkeypatch.setattr(tab, "choose_file", lambda: f)
    qtbot.mouseClick(tab.attach_btn, Qt.MouseButton.LeftButton)
    qtbot.keyClick(tab.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = next(e for e in ctx.svc.evidence.for_educator(page.educator_id) if e.title.startswith("Seating"))
    assert saved.indicator_codes == ["II-B"] and saved.equity_codes == ["EQ-1"]
    _att, data = ctx.svc.evidence.read_attachment(saved.attachment_id)
    assert data == f.read_bytes()
    assert (
        b"Fictional routines"
        not in (ctx.data_dir / "attachments" / f"{saved.attachment_id}.bin").read_bytes()
    )

    opened: list[str] = []
    monkeypatch.setattr(tempfiles.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    assert tab.current.id == saved.id
    qtbot.mouseClick(tab.open_btn, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and Path(opened[0]).read_bytes() == f.read_bytes()
    page.clear()  # what auto-lock does: the decrypted copy is removed
    assert not Path(opened[0]).exists()
    assert tab.model.rowCount() == 0 and tab.title.text() == ""


def test_coaching_entry_and_open_record(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Tomasz", "coaching")
    tab = page.coaching
    before = tab.model.rowCount()
    qtbot.mouseClick(tab.new_btn, Qt.MouseButton.LeftButton)
    tab.notes.setFocus()
    qtbot.keyClicks(tab.notes, "Modelled a 3-minute warm-up routine.")
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == before + 1
    entry = tab.current
    assert entry.notes == "Modelled a 3-minute warm-up routine." and entry.audience == "educator"
    page.tabs.setCurrentWidget(page.overview)
    page.open_record("coaching", entry.id)
    assert page.tabs.currentWidget() is tab
    assert tab.current.id == entry.id


def test_add_prescription_aligned_to_an_indicator(qtbot, ctx) -> None:
    from esp_desktop.ui.educator.goal_dialogs import PrescriptionDialog

    page = _page(qtbot, ctx, "Darnell", "overview")
    tab = page.overview
    before = tab.rx_model.rowCount()
    qtbot.mouseClick(tab.add_rx_btn, Qt.MouseButton.LeftButton)
    dlg = tab.findChild(PrescriptionDialog)
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClicks(dlg.concern, "Lab transitions take 8 minutes of a 50-minute period.")
    qtbot.keyClicks(dlg.action, "Rehearse the lab clean-up routine; CT models it on Tuesday.")
    dlg.ok.click()
    assert dlg.isVisible() and "indicator" in dlg.message.text()  # refused: not aligned to the rubric yet
    qtbot.keyClicks(dlg.tags.filter_box, "II-B")
    qtbot.keyClick(dlg.tags.filter_box, Qt.Key.Key_Return)
    dlg.ok.click()
    assert not dlg.isVisible()
    assert tab.rx_model.rowCount() == before + 1
    saved = [p for p in ctx.svc.goals.prescriptions(educator_named(ctx, "Darnell").id)
             if p.concern.startswith("Lab transitions")]
    assert len(saved) == 1 and saved[0].indicator_codes == ["II-B"] and saved[0].audience == "educator"
