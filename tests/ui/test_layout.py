"""Fits a 1024x700 laptop and long text: on every screen and dialog (the tour of ui/tour.py) nothing a CT must
read is cut without a way to see it in full, Tab leaves tables, and tab mnemonics do not clash with the menus."""

from __future__ import annotations

import pytest

from tests.helpers.qt import HAVE_QT, make_window, type_unlock

pytestmark = pytest.mark.qt

if HAVE_QT:
    from PySide6.QtWidgets import QTabBar

    from tests.helpers.layout import mnemonic_clashes, unreadable


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800)])
def test_every_screen_fits_and_nothing_is_elided_without_a_tooltip(qtbot, demo_dir, size) -> None:
    from esp_desktop.ui.tour import tour

    win = make_window(qtbot, demo_dir)
    win.resize(*size)
    type_unlock(qtbot, win)
    assert (win.width(), win.height()) == size, "the window fits the screen size (its minimum is smaller)"
    problems: list[str] = []
    stops = []
    for name, widget in tour(win):
        stops.append(name)
        problems += unreadable(widget, name)
        problems += [f"{name}: {c}" for c in mnemonic_clashes(widget)] if widget is not win else []
        if widget is not win:
            assert widget.width() <= size[0] and widget.height() <= size[1], f"{name} is larger than the screen"
    assert len(stops) >= 30
    assert problems == [], "\n".join(problems)


def test_tab_mnemonics_do_not_clash_with_the_menus(qtbot, demo_dir) -> None:
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)

    def key(text: str) -> str | None:
        t = text.replace("&&", "")
        i = t.find("&")
        return t[i + 1].lower() if i >= 0 and i + 1 < len(t) else None

    menus = [key(a.text()) for a in win.menuBar().actions()]
    assert None not in menus and len(menus) == len(set(menus))
    e = win.ctx.svc.caseload.educators()[0]
    win.open_record("educator", e.id)
    for bar in win.findChildren(QTabBar):
        tabs = [key(bar.tabText(i)) for i in range(bar.count())]
        tabs = [k for k in tabs if k]
        assert len(tabs) == len(set(tabs)), tabs
        assert not set(tabs) & set(menus), f"tab mnemonics {tabs} clash with the menus {menus}"
