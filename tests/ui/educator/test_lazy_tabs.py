"""The educator page builds a tab the first time it is shown (issue 15: building all eleven at once cost ~11 MB):
a tab not built yet shows what is current when it is first shown, and only built tabs are saved, refreshed and
cleared."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers.qt import HAVE_QT, educator_named

pytestmark = pytest.mark.qt

if HAVE_QT:
    from esp_desktop.ui.educator.page import EducatorPage


def _titles(page) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def _evidence_titles(tab) -> list[str]:
    return [tab.model.record(r).title for r in range(tab.model.rowCount())]


def test_a_tab_is_built_on_first_show_with_current_data(qtbot, ctx) -> None:
    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    titles = _titles(page)
    assert len(titles) == 11 and titles[2] == "&Evidence"
    priya = educator_named(ctx, "Priya")
    page.show_educator(priya.id)
    assert set(page.built) == {"overview"}, "only the tab on show is built"

    # a change made while the Evidence tab does not exist yet refreshes nothing and builds nothing
    ctx.svc.evidence.add(educator_id=priya.id, title="Exit tickets, built lazily", category="products_of_practice",
                         kind="lesson_plan", collected_on=date(2026, 11, 20))
    ctx.flush_changes()
    assert set(page.built) == {"overview"}

    page.tabs.setCurrentIndex(2)  # the CT clicks "Evidence"
    tab = page.built["evidence"]
    assert page.tabs.widget(2) is tab and page.tabs.currentWidget() is tab and page.evidence is tab
    assert _titles(page) == titles and page.tabs.currentIndex() == 2
    assert "Exit tickets, built lazily" in _evidence_titles(tab)
    assert _evidence_titles(tab) == [e.title for e in ctx.svc.evidence.for_educator(priya.id)]

    # once built, it follows changes and the next educator like any other tab
    ctx.svc.evidence.add(educator_id=priya.id, title="Second item", category="products_of_practice",
                         kind="lesson_plan", collected_on=date(2026, 11, 21))
    ctx.flush_changes()
    assert "Second item" in _evidence_titles(tab)
    darnell = educator_named(ctx, "Darnell")
    page.show_educator(darnell.id)
    assert page.tabs.currentIndex() == 0 and set(page.built) == {"overview", "evidence"}
    assert _evidence_titles(tab) == [e.title for e in ctx.svc.evidence.for_educator(darnell.id)]
    page.clear()  # on lock: what was built is emptied
    assert tab.model.rowCount() == 0


def test_a_draft_in_a_built_tab_survives_and_unbuilt_tabs_add_none(qtbot, ctx) -> None:
    page = EducatorPage(ctx)
    qtbot.addWidget(page)
    priya = educator_named(ctx, "Priya")
    page.show_educator(priya.id)
    state = page.draft_state()
    assert state is not None and state["records"] == {} and state["observations"] is None

    page.tabs.setCurrentWidget(page.coaching)
    page.coaching.table.selectRow(0)
    page.coaching.notes.setPlainText("Typed before the lock")
    state = page.draft_state()
    assert set(state["records"]) == {"coaching"} and state["tab"] == page.tabs.indexOf(page.coaching)

    fresh = EducatorPage(ctx)  # after an unlock: a new page restores the place and what was typed
    qtbot.addWidget(fresh)
    fresh.restore_draft(state)
    assert fresh.tabs.currentWidget() is fresh.built["coaching"]
    assert fresh.coaching.notes.toPlainText() == "Typed before the lock"
    fresh.save_pending()
    assert any(c.notes == "Typed before the lock" for c in ctx.svc.coaching.for_educator(priya.id))
