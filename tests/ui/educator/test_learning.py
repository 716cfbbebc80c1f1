"""Issue 18 "Done when", walked through the widgets from an EMPTY store: the CT sees the top three needs with the
evidence behind them, sets a priority, gets at least three matched options with reasons, and logs the match.
The catalog is filled the way a CT fills it: a CSV import and one entry typed in the catalog dialog."""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers.qt import HAVE_QT, on_modal, open_context

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from esp_desktop.ui.educator.page import EducatorPage
    from esp_desktop.ui.learning.catalog import CatalogDialog

SHOTS = Path(os.environ.get("ESP_SCREENSHOT_DIR") or tempfile.gettempdir()) / "esp-test-screenshots"
TODAY = date(2026, 11, 25)


@pytest.fixture
def empty_ctx(data_dir: Path, qapp):
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    c = open_context(data_dir)
    yield c
    c.services = None
    c.store.close()


def _captured(svc) -> str:
    """What other screens already captured: a school, a PAR educator, tagged evidence, a prescription."""
    site = svc.caseload.add_site(name="Hale School", code="HALE", latitude=42.331, longitude=-71.081)
    e = svc.caseload.add_educator(given_name="Ana", family_name="Reyes", site_ids=[site.id], grade_band="3-5",
                                  role_subject="Grade 4 ELA")
    en = svc.caseload.refer(educator_id=e.id, program="PAR")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 10))
    svc.caseload.enrol(enrolment_id=en.id)
    svc.goals.add_prescription(educator_id=e.id, indicator_codes=["II-B"], concern="Transitions lose 10 minutes",
                               action="Rehearse the routines")
    svc.evidence.add(educator_id=e.id, title="Exit tickets, week 3", category="products_of_practice",
                     kind="artifact", collected_on=TODAY - timedelta(days=4), indicator_codes=["I-B"])
    svc.evidence.add(educator_id=e.id, title="Student identity survey", category="products_of_practice",
                     kind="artifact", collected_on=TODAY - timedelta(days=9), indicator_codes=["II-D"],
                     equity_codes=["EQ-5"])
    return e.id


def _catalog_csv(path: Path) -> Path:
    soon, later = (TODAY + timedelta(days=8)).isoformat(), (TODAY + timedelta(days=22)).isoformat()
    path.write_text(
        "kind,title,provider,indicators,essentials,grade_bands,site_name,site_code,latitude,longitude,online,"
        "session_dates,weekdays,start_time,consent_on,consent_note\n"
        f"district_pd,Routines that give back time,BPS PL,II-B,,K-5,Lee Academy,LEE,42.300,-71.060,no,{soon},,15:30,,\n"
        f"practice_network,Safe and sustaining classrooms,Teach Plus,,EQ-1,,,,,,yes,{later},,16:00,,\n"
        "peer_model,Ms. Okafor's grade 4 room,,II-B,,3-5,Hale School,HALE,,,no,,tue;thu,,2026-10-26,"
        "Email of 26 Oct kept in CT files\n"
        "union_session,Assessment literacy,BTU,I-B,,,,,,,yes,,,,,\n",
        encoding="utf-8")
    return path


def test_done_when_needs_priority_three_options_and_a_logged_match(qtbot, empty_ctx, tmp_path: Path,
                                                                   monkeypatch) -> None:
    c = empty_ctx
    assert c.svc.caseload.educators() == [] and c.svc.learning.catalog() == [], "an empty store"
    educator_id = _captured(c.svc)

    # the catalog: a CSV import (dry run first) and one entry typed in
    cat = CatalogDialog(c)
    qtbot.addWidget(cat)
    monkeypatch.setattr(cat, "_confirm", lambda _title, text: "4 new" in text)
    cat.import_csv(str(_catalog_csv(tmp_path / "catalog.csv")))
    assert cat.model.rowCount() == 4
    errors: list = []

    def fill(dlg) -> None:
        dlg.kind.setCurrentIndex(dlg.kind.findData("union_session"))
        qtbot.keyClicks(dlg.title, "Learning environment walkthroughs")
        dlg.tags.set_codes(["II-B", "EQ-1"])
        qtbot.keyClicks(dlg.dates, (TODAY + timedelta(days=15)).isoformat())
        dlg.online.setChecked(True)
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)

    on_modal(fill, errors)
    qtbot.mouseClick(cat.add_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cat.model.rowCount() == 5 or bool(errors), timeout=5000)
    assert not errors, errors
    SHOTS.mkdir(parents=True, exist_ok=True)
    cat.resize(1100, 420)
    cat.grab().save(str(SHOTS / "learning-catalog.png"))
    cat.close()

    page = EducatorPage(c)
    qtbot.addWidget(page)
    page.resize(1360, 900)
    page.show()
    page.activateWindow()
    assert QTest.qWaitForWindowActive(page)
    page.show_educator(educator_id)
    page.tabs.setCurrentWidget(page.learning)
    tab = page.learning

    # the top three needs, each with the evidence behind it
    top = tab.view.profile.top(3)
    assert [x.code for x in top][0] == "II-B" and len(top) == 3
    assert "Top needs:" in tab.top_label.text() and all(x.code in tab.top_label.text() for x in top)
    assert tab.current_code == "II-B" and "Transitions lose 10 minutes" in tab.behind_model.record(0).signal.summary
    tab._select_code(top[1].code)
    assert tab.behind_model.rowCount() >= 1 and top[1].code in tab.behind_title.text()
    tab._select_code("II-B")

    # set II-B as the priority (it seeds the practice goal)
    on_modal(lambda dlg: qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton), errors)
    qtbot.mouseClick(tab.set_prio_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "II-B" in tab.prio_label.text() or bool(errors), timeout=5000)
    assert not errors, errors
    goals = c.svc.goals.for_educator(educator_id)
    assert len(goals) == 1 and goals[0].indicator_codes == ["II-B"]

    # at least three matched options, with reasons
    assert tab.opt_model.rowCount() >= 3
    titles = [tab.opt_model.record(i).offering.title for i in range(tab.opt_model.rowCount())]
    assert "Assessment literacy" not in titles, "serves no priority"
    assert "Serves priority 1" in tab.reasons.text()
    assert any(w in tab.reasons.text() for w in ("miles", "own school", "Online"))
    page.grab().save(str(SHOTS / "learning-tab-options.png"))

    # log the best option as offered, then attended
    first = tab.opt_model.record(0)
    qtbot.mouseClick(tab.log_btn, Qt.MouseButton.LeftButton)
    assert tab.log_model.rowCount() == 1 and tab.log_model.record(0).entry_title == first.offering.title
    select = tab.log_table.model().index(0, 0)
    tab.log_table.setCurrentIndex(select)
    tab.advance("attended")
    m = c.svc.learning.matches(educator_id)[0]
    assert (m.status, m.attended_on, m.accepted_on) == ("attended", TODAY, TODAY)
    page.grab().save(str(SHOTS / "learning-tab-logged.png"))


def test_a_ct_led_session_recorded_in_the_dialog_feeds_the_attendees_needs(qtbot, empty_ctx) -> None:
    from esp_desktop.ui.learning.sessions import SessionsDialog

    c = empty_ctx
    educator_id = _captured(c.svc)
    dlg = SessionsDialog(c)
    qtbot.addWidget(dlg)
    errors: list = []

    def fill(form) -> None:
        qtbot.keyClicks(form.title, "Hinge questions")
        qtbot.keyClicks(form.goal, "Check understanding mid-lesson")
        form.tags.set_codes(["I-B"])
        form.people.add("Ana Reyes", educator_id, "One hinge question a day")
        form.people.add("Guest Teacher", None, "Try it in period 3")
        form.grab().save(str(SHOTS / "learning-session-form.png"))
        qtbot.mouseClick(form.ok, Qt.MouseButton.LeftButton)

    on_modal(fill, errors)
    qtbot.mouseClick(dlg.add_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 1 or bool(errors), timeout=5000)
    assert not errors, errors
    sess = c.svc.learning.sessions()[0]
    assert [a["name"] for a in sess.attendees] == ["Ana Reyes", "Guest Teacher"]
    cell = c.svc.learning.needs(educator_id).profile.cell("I-B")
    assert any("One hinge question a day" in k.signal.summary for k in cell.contributions)
    assert "I-B" in dlg.team.text() or "II-B" in dlg.team.text(), "needs across the caseload, to plan the next one"
    dlg.resize(900, 320)
    dlg.grab().save(str(SHOTS / "learning-sessions.png"))


def test_the_demo_caseload_shows_learning_match(qtbot, ctx) -> None:
    from tests.helpers.qt import educator_named

    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 900)
    page.show()
    page.show_educator(educator_named(ctx, "Zoë").id)
    page.tabs.setCurrentWidget(page.learning)
    tab = page.learning
    assert "II-B" in tab.prio_label.text() and tab.opt_model.rowCount() >= 3
    assert tab.log_model.rowCount() == 1 and len(tab.view.profile.top(3)) == 3
    page.grab().save(str(SHOTS / "learning-tab-demo.png"))
    # rescored only when shown: work on another tab costs nothing here, and the tab is current when shown again
    page.tabs.setCurrentWidget(page.evidence)
    before = tab.view.profile.cell("IV-F").score
    ctx.svc.evidence.add(educator_id=page.educator_id, title="Shared lesson study notes",
                         category="products_of_practice", kind="artifact", indicator_codes=["IV-F"])
    ctx.flush_changes()  # as after any write (ui_write)
    assert tab._stale and tab.view.profile.cell("IV-F").score == before
    page.tabs.setCurrentWidget(page.learning)
    assert not tab._stale and tab.view.profile.cell("IV-F").score > before


def test_search_hits_on_the_catalog_open_the_catalog(qtbot, demo_dir: Path) -> None:
    from tests.helpers.qt import make_window, type_unlock

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    qtbot.waitUntil(lambda: win.is_unlocked, timeout=10_000)
    hits = win.ctx.svc.search.search("read-alouds")
    hit = next(h for h in hits if h.record_type == "pl_entry")
    errors: list = []
    seen: list = []

    def check(dlg) -> None:
        seen.append(dlg.model.record(dlg.table.currentIndex().row()).title)
        dlg.reject()

    on_modal(check, errors)
    win.open_record(hit.record_type, hit.record_id)
    qtbot.waitUntil(lambda: bool(seen) or bool(errors), timeout=5000)
    assert not errors and seen == ["Culturally and linguistically sustaining read-alouds"]
