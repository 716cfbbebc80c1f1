"""A write from a screen whose record was changed elsewhere meanwhile (sync) never overwrites silently: the CT
is asked which version to keep; the screens follow changes made elsewhere when nothing is typed in them."""

from __future__ import annotations

import pytest

from tests.helpers.qt import HAVE_QT, educator_named

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from esp_desktop.ui.educator.page import EducatorPage


def _sync_changes(c, model, record_id: str, **fields) -> None:
    """What the sync engine does: apply another device's version (no local version bump, marked remote)."""
    with c.store.session(applying_remote=True) as s:
        obj = s.get(model, record_id)
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.updated_at = obj.updated_at.replace(year=obj.updated_at.year + 1)  # the other device's later edit
    c.flush_changes()


def _answer(choice: str, seen: list[str]) -> None:
    def handler() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, handler)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(0, handler)


def test_an_edited_goal_changed_by_sync_asks_which_version_to_keep(qtbot, ctx) -> None:
    from esp_desktop.store.models import Goal
    from esp_desktop.ui.educator.goal_dialogs import GoalDialog

    zoe = educator_named(ctx, "Zoë")
    goal = ctx.svc.goals.for_educator(zoe.id)[0]
    dlg = GoalDialog(ctx, None, zoe.id, goal.cycle_id, goal.id)
    qtbot.addWidget(dlg)
    dlg.baseline.setText("Mine: 25% explain their reasoning")
    _sync_changes(ctx, Goal, goal.id, baseline="Theirs: 30% (from the other laptop)")
    seen: list[str] = []
    _answer("Take the other version", seen)
    dlg.ok.click()
    assert seen and "changed elsewhere" in seen[0]
    assert ctx.svc.goals.for_educator(zoe.id)[0].baseline == "Theirs: 30% (from the other laptop)"

    dlg = GoalDialog(ctx, None, zoe.id, goal.cycle_id, goal.id)
    qtbot.addWidget(dlg)
    dlg.baseline.setText("Mine again")
    _sync_changes(ctx, Goal, goal.id, target="changed on the other laptop")
    _answer("Keep my version", seen)
    dlg.ok.click()
    stored = ctx.svc.goals.for_educator(zoe.id)[0]
    assert len(seen) == 2 and stored.baseline == "Mine again" and not dlg.isVisible()


def test_the_evidence_form_follows_sync_unless_something_is_typed(qtbot, ctx) -> None:
    from esp_desktop.store.models import EvidenceItem

    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    page.show_educator(educator_named(ctx, "Priya").id)
    page.tabs.setCurrentWidget(page.evidence)
    tab = page.evidence
    tab.table.selectRow(0)
    rec = tab.current
    _sync_changes(ctx, EvidenceItem, rec.id, title="Renamed on the other laptop")
    assert tab.title.text() == "Renamed on the other laptop", "nothing typed here: the form shows the new version"

    tab.title.setText("My title")
    tab._mark_dirty()
    _sync_changes(ctx, EvidenceItem, rec.id, description="Edited elsewhere")
    assert tab.title.text() == "My title", "what the CT typed stays on screen"
    seen: list[str] = []
    _answer("Keep my version", seen)
    tab.save()
    stored = ctx.svc.evidence.item(rec.id)
    assert seen and stored.title == "My title" and not tab.dirty
