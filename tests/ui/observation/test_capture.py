"""Observation capture through the real widgets: typing, tagging, finishing, and surviving a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.env import PASSPHRASE, require
from tests.helpers.qt import HAVE_QT, educator_named

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from esp_desktop.ui.educator.page import EducatorPage


def _page(qtbot, c, given: str):
    page = EducatorPage(c)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)  # keyboard shortcuts only fire in the active window
    page.show_educator(educator_named(c, given).id)
    return page


def test_script_tag_and_finish_updates_compliance(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell")  # PAR, no observations yet
    ov = page.overview
    assert ov.announced.text() == "0 / 1"
    assert ov.unannounced.text() == "0 / 4"

    page.tabs.setCurrentWidget(page.observations)
    qtbot.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    view = page.observations.capture
    assert view.obs is None and view.start_btn.isVisible()
    view.kind.setFocus()
    qtbot.keyClick(view.kind, Qt.Key.Key_Down)  # announced -> unannounced
    assert view.kind.currentData() == "unannounced"

    lines = [
        "Students enter; Do Now posted.",
        "Teacher circulates, 5 of 22 off task at the back table.",
        "Exit ticket collected.",
    ]
    for line in lines:
        qtbot.keyClicks(view.entry, line)
        qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    assert view.obs is not None, "the first Enter starts the observation"
    assert view.entry.text() == ""
    assert [view.model.record(r).text for r in range(view.model.rowCount())] == lines

    # quick tag box: applies to the current (latest) line
    qtbot.keyClicks(view.quick, "i-b eq4")
    qtbot.keyClick(view.quick, Qt.Key.Key_Return)
    # select line 2 and tag it from the tree: Alt+2 opens Standard II at II-A, Down -> II-B, Enter toggles
    view.script.selectRow(1)
    qtbot.keyClick(view.entry, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert view.tree.hasFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert view.entry.hasFocus(), "after tagging, the CT is back in the note line"

    notes = ctx.svc.observations.notes(view.obs.id)
    assert [n.indicator_codes for n in notes] == [[], ["II-B"], ["I-B"]]
    assert notes[2].equity_codes == ["EQ-4"]
    assert {n.audience for n in notes} == {"ct_private"}, "scripted notes are CT-private by default"
    assert view.model.index(1, 2).data() == "II-B"
    assert view.model.index(0, 3).data() == "CT-private"

    # an unknown code is refused plainly, nothing changes
    qtbot.keyClicks(view.quick, "IX-Z")
    qtbot.keyClick(view.quick, Qt.Key.Key_Return)
    assert "Unknown rubric tag" in page.message.text()

    qtbot.mouseClick(view.finish_btn, Qt.MouseButton.LeftButton)
    assert ctx.svc.observations.observation(view.obs.id).status == "finished"
    assert not view.finish_btn.isEnabled()
    assert ov.unannounced.text() == "0 / 4", "it counts once the educator has had the feedback"

    conf = view.conference
    qtbot.keyClicks(conf.feedback, "Strength: clear routines. Next: wait time.")
    conf.feedback_on.check.setChecked(True)  # given today
    assert ctx.svc.observations.observation(view.obs.id).feedback_given_on == ctx.svc.calendars.today()
    assert ov.unannounced.text() == "1 / 4", "the overview counters follow ctx.storeChanged"
    assert ov.announced.text() == "0 / 1"


def test_feedback_autosaves_on_focus_out_and_save_pending(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell")
    page.tabs.setCurrentWidget(page.observations)
    qtbot.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    view = page.observations.capture
    qtbot.mouseClick(view.start_btn, Qt.MouseButton.LeftButton)
    view.sections.setCurrentIndex(1)
    view.conference.feedback.setFocus()
    qtbot.keyClicks(view.conference.feedback, "Next step: whiteboards for every student.")
    view.conference.post_notes.setFocus()  # focus-out saves
    assert (
        ctx.svc.observations.observation(view.obs.id).feedback == "Next step: whiteboards for every student."
    )
    qtbot.keyClicks(view.conference.post_notes, "Talked about pacing.")
    page.save_pending()  # what the shell calls before auto-lock
    assert ctx.svc.observations.observation(view.obs.id).post_conference_notes == "Talked about pacing."
    page.clear()
    assert view.model.rowCount() == 0 and view.conference.feedback.toPlainText() == ""
    assert page.title.text() == ""


def test_open_record_opens_the_observation_of_a_note(qtbot, ctx) -> None:
    minh = educator_named(ctx, "Minh")
    obs = ctx.svc.observations.for_educator(minh.id)[0]
    note = ctx.svc.observations.notes(obs.id)[2]
    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    page.open_record("script_note", note.id)
    assert page.educator_id == minh.id
    assert page.tabs.currentWidget() is page.observations
    view = page.observations.capture
    assert view.obs.id == obs.id
    assert view.script.selectionModel().selectedRows()[0].row() == 2


def test_a_line_is_corrected_in_place_with_f2(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "Darnell")
    page.tabs.setCurrentWidget(page.observations)
    qtbot.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    view = page.observations.capture
    qtbot.keyClicks(view.entry, "Teacher modles the task.")
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    view.script.setFocus()
    view.script.setCurrentIndex(view.model.index(0, 1))
    qtbot.keyClick(view.script, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor is not view.entry and editor.text() == "Teacher modles the task."
    editor.selectAll()
    qtbot.keyClicks(editor, "Teacher models the task.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: [n.text for n in ctx.svc.observations.notes(view.obs.id)] == ["Teacher models the task."])
    assert view.model.index(0, 1).data() == "Teacher models the task."


def test_script_follows_lines_written_elsewhere_row_by_row(qtbot, ctx) -> None:
    """The script reads back only the lines a commit changed (issue 15), yet always shows what the store holds:
    lines added, edited, tagged, deleted and restored elsewhere (sync, the command line) or typed here."""
    minh = educator_named(ctx, "Minh")
    obs = ctx.svc.observations.for_educator(minh.id)[0]
    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    page.open_record("observation", obs.id)
    view = page.observations.capture
    svc = ctx.svc.observations

    def shown() -> list[tuple[str, str, list[str]]]:
        return [(n.id, n.text, n.indicator_codes) for n in view.model.records]

    def stored() -> list[tuple[str, str, list[str]]]:
        return [(n.id, n.text, n.indicator_codes) for n in svc.notes(obs.id)]

    assert shown() == stored() and len(shown()) >= 3
    first, second = view.model.records[0], view.model.records[1]
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    steps = [
        lambda: svc.add_note(observation_id=obs.id, text="Added by sync."),
        lambda: svc.edit_note(second.id, text="Edited on the other laptop."),
        lambda: svc.toggle_tag(first.id, "II-B"),
    ]
    for step in steps:
        step()
        ctx.flush_changes()
        assert shown() == stored()
    assert not resets, "added, edited and tagged lines update their own rows"
    qtbot.keyClicks(view.entry, "Typed here.")
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    assert shown() == stored() and shown()[-1][1] == "Typed here."
    assert not resets
    svc.delete_notes([second.id])
    ctx.flush_changes()
    assert shown() == stored() and second.id not in [n[0] for n in shown()]
    svc.restore_notes([second.id])
    ctx.flush_changes()
    assert shown() == stored() and shown()[1][0] == second.id, "a restored line is back in its place"


def test_lines_survive_a_crash(demo_dir: Path) -> None:
    """Type lines in a child process, SIGKILL it (no save, no close), reopen the store: all lines remain."""
    require(HAVE_QT, "PySide6 is needed for the UI tests")
    lines = [
        "T greets students at the door.",
        "Objective read aloud by a student.",
        "Partners compare answers.",
    ]
    root = Path(__file__).resolve().parents[3]  # the repository root: tests.helpers is importable from there
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=path)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.capture_child", str(demo_dir), *lines],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        out = child.stdout.readline() if child.stdout else ""
        assert out.startswith("TYPED "), (
            f"child failed: {out!r} {child.stderr.read() if child.stderr else ''}"
        )
        obs_id = out.split()[1]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault

    store = Vault(demo_dir).unlock(PASSPHRASE)
    try:
        notes = Services(store).observations.notes(obs_id)
        assert [n.text for n in notes] == lines
        assert [n.seq for n in notes] == [1, 2, 3]
    finally:
        store.close()
