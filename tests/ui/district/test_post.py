"""The post-to-platform view (pytest-qt): boxes in form order, Copy and Copy all through the clipboard, Mark as
posted, a later change flagged on the changed box, undo; the PA refusal; the dashboard's posting list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

pytestmark = pytest.mark.qt
DAY = date(2026, 11, 3)


def _case(svc, program: str = "PAR"):
    cl = svc.caseload
    cl.set_profile(name="Jordan Ellis")
    site = cl.add_site(name="Harborview K-8 School")
    e = cl.add_educator(given_name="Ana", family_name="Silva", site_ids=[site.id])
    en = cl.refer(educator_id=e.id, program=program)
    cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 27))
    cl.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
    o = svc.observations.start(educator_id=e.id, kind="unannounced", observed_on=DAY, site_id=site.id,
                               started_at=datetime.combine(DAY, time(14), tzinfo=UTC))
    lines = [
        svc.observations.add_note(observation_id=o.id, text=t, indicator_codes=c, audience=a,
                                  at=datetime.combine(DAY, time(14, 5 + i), tzinfo=UTC))
        for i, (t, c, a) in enumerate([
            ("Turn-and-talk with sentence frames.", ["II-A"], "educator"),
            ("PRIVATE hunch about routines.", ["II-A"], "ct_private"),
            ("Six students off task at the back.", ["II-B"], "educator"),
        ])
    ]
    svc.observations.update(o.id, feedback="Clear objective.", next_steps="Whiteboards for every student.")
    svc.observations.finish(observation_id=o.id)
    return e, o, lines


def test_post_view_copies_each_box_marks_posted_and_flags_a_later_change(qtbot, ctx) -> None:
    from esp_desktop.ui.district.post import PostDialog

    e, o, lines = _case(ctx.svc)
    dlg = PostDialog(ctx, "observation", o.id)
    qtbot.addWidget(dlg)
    dlg.show()
    assert list(dlg.boxes) == ["context", "evidence:II-A", "evidence:II-B", "feedback", "next_steps"]
    assert "Not posted yet" in dlg.state.text()
    assert "1 scripted line is CT-private" in dlg.left_out.text()

    qtbot.mouseClick(dlg.boxes["evidence:II-A"].copy_btn, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "14:05  Turn-and-talk with sentence frames."
    qtbot.mouseClick(dlg.copy_all_btn, Qt.MouseButton.LeftButton)
    everything = QGuiApplication.clipboard().text()
    assert "Turn-and-talk" in everything and "Whiteboards for every student." in everything
    assert "PRIVATE" not in everything
    assert everything.index("Lesson context") < everything.index("II-A Instruction") < everything.index(
        "Clear objective.") < everything.index("Whiteboards")

    changed: list = []
    ctx.storeChanged.connect(changed.append)
    qtbot.mouseClick(dlg.mark_btn, Qt.MouseButton.LeftButton)
    assert dlg.state.text().startswith("Posted ") and "by Jordan Ellis" in dlg.state.text()
    assert not dlg.mark_btn.isEnabled() and dlg.undo_btn.isVisible()
    assert changed and changed[-1].touches("observation_post")  # open screens (the dashboard) hear of it

    ctx.svc.observations.edit_note(lines[2].id, text="Five students off task at the back.")  # elsewhere
    ctx.flush_changes()  # the dialog follows the store's change notice
    assert "Changed since it was posted" in dlg.state.text() and "II-B Learning Environment" in dlg.state.text()
    assert not dlg.boxes["evidence:II-B"].changed_tag.isHidden()
    assert dlg.boxes["evidence:II-A"].changed_tag.isHidden()
    assert dlg.mark_btn.isEnabled() and dlg.mark_btn.text() == "Mark as posted again"

    qtbot.mouseClick(dlg.undo_btn, Qt.MouseButton.LeftButton)
    assert "Not posted yet" in dlg.state.text() and not dlg.undo_btn.isVisible()
    assert ctx.svc.district.posts("observation", o.id) == []


def test_pa_observations_are_not_offered_for_posting(qtbot, ctx, monkeypatch) -> None:
    from esp_desktop.ui.district import post
    from esp_desktop.ui.educator.observations import ObservationsTab

    e, o, _ = _case(ctx.svc, program="PA")
    tab = ObservationsTab(ctx, lambda exc: None)
    qtbot.addWidget(tab)
    tab.load(e.id)
    assert not tab.post_btn.isVisibleTo(tab)  # no button for PA at all
    warned: list[str] = []
    monkeypatch.setattr(post, "show_error", lambda parent, exc, title="": warned.append(str(exc)))
    post.open_post_dialog(ctx, "observation", o.id)  # and the service refuses anyway
    assert warned and "non-evaluative and confidential" in warned[0]


def test_dashboard_lists_what_waits_to_be_posted(qtbot, ctx) -> None:
    from esp_desktop.ui.compliance.page import DashboardPage

    e, o, _ = _case(ctx.svc)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    m = page.posting.model
    assert m.rowCount() == 1 and m.index(0, 1).data() == "Unannounced observation"
    assert m.index(0, 3).data() == "Not posted" and "1 to post" in page.summary.text()
    ctx.svc.district.mark_posted(record_type="observation", record_id=o.id)
    page.refresh()
    assert m.rowCount() == 0 and "Everything is posted" in page.posting.caption.text()
