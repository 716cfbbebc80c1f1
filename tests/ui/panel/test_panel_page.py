"""The Panel meetings screen through the real widgets: roster, attendance and quorum, the agenda, the vote and the
decision (ratings only for PAR), a revision, the final evaluation, and the cases due with what is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from tests.helpers.qt import make_window, on_modal, type_unlock  # noqa: E402

pytestmark = pytest.mark.qt
MEMBERS = ("Erin Berg", "Jerome Doyle", "Ana Ruiz")


def _ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def _row_of(page, name: str) -> int:
    return next(i for i in range(page.model.rowCount()) if page.model.index(i, 1).data().startswith(name))


def _add(qtbot, page, program: str, purpose: str) -> None:
    i = next(i for i in range(page.add_who.count()) if page.add_who.itemText(i).endswith(f"· {program}"))
    page.add_who.setCurrentIndex(i)
    page.add_purpose.clear()
    qtbot.keyClicks(page.add_purpose, purpose)
    qtbot.mouseClick(page.add_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected()[1] is not None
                    and page.selected()[1].case.purpose == purpose)


def test_panel_meeting_record_vote_decision_and_revision(qtbot, demo_dir, tmp_path: Path):
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page, svc, errors = win.panel, win.ctx.svc, []
    qtbot.waitUntil(lambda: page.record is not None)

    # the roster and the program's rules
    def members(dlg) -> None:
        for n in MEMBERS:
            dlg.name.setText(n)
            dlg.add_btn.click()
        assert dlg.table.rowCount() == 3
        _ok(dlg)

    on_modal(members, errors)
    qtbot.mouseClick(page.members_btn, Qt.MouseButton.LeftButton)
    assert not errors and [m.name for m in svc.panel.members()] == sorted(MEMBERS)
    qtbot.waitUntil(lambda: "quorum 2" in page.quorum_line.text())
    assert "Attendance not recorded" in page.quorum_line.text() and "not met" in page.quorum_line.text()

    # a PA case: no ratings offered; no vote without a quorum
    _add(qtbot, page, "PA", "Release review")
    ed = page.editor
    assert not ed.no_ratings.isHidden() and ed.ratings_box.isHidden()
    assert ed.decision.findData("modify_rating") < 0 and ed.decision.findData("defer") >= 0
    ed.decision.setCurrentIndex(ed.decision.findData("release_from_program"))
    ed.votes_for.setValue(2)
    qtbot.mouseClick(ed.vote_btn, Qt.MouseButton.LeftButton)
    assert "no quorum" in page.message.text()

    def attend(dlg) -> None:
        for i in range(dlg.list.count()):
            dlg.list.item(i).setCheckState(Qt.CheckState.Checked)
        _ok(dlg)

    on_modal(attend, errors)
    qtbot.mouseClick(page.attendance_btn, Qt.MouseButton.LeftButton)
    assert not errors
    qtbot.waitUntil(lambda: page.quorum_line.text().startswith("3 present"))
    pa_case = page.selected()[1].case
    page.table.selectRow(_row_of(page, page.selected()[0].educator_name))
    assert ed.moved_by.findText("Ana Ruiz") >= 0  # the members present
    ed.decision.setCurrentIndex(ed.decision.findData("release_from_program"))
    ed.votes_for.setValue(3)
    qtbot.mouseClick(ed.vote_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: svc.panel.current_decision(pa_case.educator_id) is not None)
    first = svc.panel.current_decision(pa_case.educator_id)
    assert first.decision == "release_from_program" and first.final_ratings == {}

    # a PAR case: the Panel modifies the ratings; the vote carries 2-1
    _add(qtbot, page, "PAR", "Summative rating")
    par_case = page.selected()[1].case
    assert not ed.ratings_box.isHidden()
    ed.decision.setCurrentIndex(ed.decision.findData("modify_rating"))
    for combo in ed.ratings.values():
        combo.setCurrentIndex(combo.findData("proficient"))
    ed.overall.setCurrentIndex(ed.overall.findData("proficient"))
    ed.votes_for.setValue(2)
    ed.against.setValue(1)
    qtbot.keyClicks(ed.rationale, "Growth on every standard.")
    qtbot.mouseClick(ed.vote_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: svc.panel.current_decision(par_case.educator_id) is not None)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected()[1].decision is not None)
    row = _row_of(page, page.selected()[0].educator_name)
    assert page.model.index(row, 3).data() == "Modify the recommended ratings (Proficient)"
    assert ed.generate_btn.isEnabled() and not ed.finalize_btn.isEnabled()
    qtbot.mouseClick(ed.generate_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ed.finalize_btn.isEnabled())
    qtbot.mouseClick(ed.finalize_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: svc.final_evaluations.current(par_case.educator_id).status == "final")

    # the PA decision is revised: a reason is required, and the history keeps both versions
    page.table.selectRow(next(i for i in range(page.model.rowCount())
                              if page.model.index(i, 0).data(Qt.ItemDataRole.UserRole + 1)[1] is not None
                              and page.model.index(i, 0).data(Qt.ItemDataRole.UserRole + 1)[1].case.id == pa_case.id))
    assert "A new vote here <b>revises</b> it" in ed.current.text() and not ed.revision.isHidden()
    ed.decision.setCurrentIndex(ed.decision.findData("continue_support"))
    ed.votes_for.setValue(3)
    qtbot.mouseClick(ed.vote_btn, Qt.MouseButton.LeftButton)
    assert "Say why the Panel revises" in page.message.text()
    qtbot.keyClicks(ed.revision, "The educator asked for another term.")
    qtbot.mouseClick(ed.vote_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: svc.panel.current_decision(pa_case.educator_id).version_no == 2)
    qtbot.waitUntil(lambda: ed.history.count() == 2)
    assert "superseded" in ed.history.item(0).text() and "current" in ed.history.item(1).text()

    # what is missing for each case due; a fresh packet clears the packet line
    assert any("No packet generated yet" in page.model.index(i, 4).data() for i in range(page.model.rowCount()))
    out = tmp_path / "shots"
    out.mkdir()
    win.resize(1400, 860)
    qtbot.wait(50)
    page.grab().save(str(out / "panel-page.png"))
    page.table.selectRow(_row_of(page, "Darnell"))
    ed.tabs.setCurrentIndex(1)
    qtbot.wait(50)
    page.grab().save(str(out / "panel-vote.png"))
    if os.environ.get("ESP_LOOK_DIR"):
        for name in ("panel-page.png", "panel-vote.png"):
            (Path(os.environ["ESP_LOOK_DIR"]) / name).write_bytes((out / name).read_bytes())
    assert not errors


def test_a_panel_members_store_shows_the_panel_screen_only(qtbot, data_dir):
    """A store enrolled with a Panel code opens on the Panel's meetings, with the CTs' agenda read-only."""
    from datetime import date

    from esp_desktop.services import Services
    from esp_desktop.store.models import Meta
    from esp_desktop.store.vault import Vault
    from tests.helpers.env import PASSPHRASE

    store = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(store)
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    en = svc.caseload.refer(educator_id=e.id, program="PA")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    svc.caseload.enrol(enrolment_id=en.id)
    m = svc.panel.create_meeting(meets_on=svc.panel.default_date())
    svc.panel.add_case(meeting_id=m.id, educator_id=e.id, purpose="Exit review")
    with store.session() as s:  # what enrolling with a Panel code leaves behind (sync/panel.py)
        s.add(Meta(key="sync", value={"role": "panel", "user": "Erin Berg", "token": "t", "server": "x"}))
    store.close()
    win = make_window(qtbot, data_dir)
    type_unlock(qtbot, win)
    page = win.panel
    assert win.current_screen() == "panel" and page.panel_mode
    hidden = [win.nav.item(i).isHidden() for i in range(win.nav.count())]
    keys = list(win.screens)
    assert [k for k, h in zip(keys, hidden, strict=True) if not h] == ["panel"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.add_btn.isHidden() and page.members_btn.isHidden() and not page.attendance_btn.isHidden()
    page.table.selectRow(0)
    assert page.editor.presentation.isReadOnly() and page.editor.save_notes.isHidden()
    assert not page.editor.vote_btn.isHidden() and not win.act_new.isEnabled()
