"""The one UI write idiom (ui/widgets/write.py), change delivery (ui/context.py) and background callbacks."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.helpers.env import require
from tests.helpers.qt import HAVE_QT, open_context

pytestmark = pytest.mark.qt


@pytest.fixture
def ctx(data_dir, request):
    require(HAVE_QT, "PySide6 and pytest-qt are needed for the UI tests")
    request.getfixturevalue("qapp")
    c = open_context(data_dir)
    yield c
    store = c.store
    c.services, c.store = None, None
    store.close()


def test_a_write_is_delivered_to_screens_before_ui_write_returns(ctx) -> None:
    from esp_desktop.ui.widgets.write import ui_write

    heard = []
    ctx.storeChanged.connect(heard.append)
    done = ui_write(None, lambda: ctx.svc.caseload.add_site(name="Fictional Elementary"), ctx=ctx)
    assert done is not None and done.value.name == "Fictional Elementary"
    assert len(heard) == 1 and heard[0].has("site", done.value.id)
    deleted = ui_write(None, lambda: ctx.svc.caseload.delete_educator(
        ctx.svc.caseload.add_educator(given_name="A", family_name="B").id), ctx=ctx)
    assert deleted and deleted.value is None, "a write that returns nothing still reports success"


def test_a_domain_error_is_shown_as_it_is_and_nothing_is_delivered(ctx) -> None:
    from esp_desktop.ui.widgets.write import ui_write

    shown: list[BaseException] = []
    heard = []
    ctx.storeChanged.connect(heard.append)
    assert ui_write(None, lambda: ctx.svc.caseload.add_site(name="  "), ctx=ctx, report=shown.append) is None
    assert [str(e) for e in shown] == ["A site needs a name."] and heard == []


def test_an_unexpected_error_is_logged_with_its_traceback_and_reported_plainly(ctx, qtbot, caplog) -> None:
    from esp_desktop.ui.widgets.common import UNEXPECTED, error_text
    from esp_desktop.ui.widgets.fields import MessageBar
    from esp_desktop.ui.widgets.write import ui_write

    bar = MessageBar()
    qtbot.addWidget(bar)

    def broken() -> None:
        raise KeyError("sqlalchemy.orm.exc internals")

    with caplog.at_level(logging.ERROR):
        assert ui_write(bar, broken, ctx=ctx, report=bar.show_error) is None
    assert bar.text() == UNEXPECTED and "sqlalchemy" not in bar.text() and "KeyError" not in bar.text()
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records), "the traceback goes to the log"
    full = OSError(28, "No space left on device", "/media/usb/packet.pdf")
    assert error_text(full).startswith("The disk is full.")
    ro = PermissionError(13, "Permission denied", "/srv/readonly/x.pdf")
    assert "read-only" in error_text(ro) and "/srv/readonly/x.pdf" in error_text(ro)
    busy = OSError(16, "Device or resource busy", "C:/Users/ct/packet.pdf")
    assert "in use by another program" in error_text(busy)


def test_changes_committed_on_another_thread_arrive_through_the_event_loop(ctx, qtbot) -> None:
    heard = []
    ctx.storeChanged.connect(heard.append)
    t = threading.Thread(target=lambda: ctx.svc.caseload.add_site(name="Synced Elementary"))
    t.start()
    t.join()
    assert heard == [], "never delivered on the worker thread"
    qtbot.waitUntil(lambda: len(heard) == 1, timeout=3000)
    assert heard[0].types == {"site"}


def test_locked_store_changes_are_not_delivered(ctx, qtbot) -> None:
    heard = []
    ctx.storeChanged.connect(heard.append)
    store = ctx.store
    t = threading.Thread(target=lambda: ctx.svc.caseload.add_site(name="Late Elementary"))
    t.start()
    t.join()
    ctx.services, ctx.store = None, None  # locked before the event loop delivered it
    qtbot.wait(50)
    assert heard == []
    ctx.store = store  # (so the fixture can close it)


def test_a_background_result_never_reaches_a_destroyed_widget(qtbot) -> None:
    require(HAVE_QT, "PySide6 is needed")
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QWidget

    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = False
    try:
        got: list[str] = []
        gate = threading.Event()
        w = QWidget()
        tasks.run_in_background(w, lambda: gate.wait(5) and "late", on_done=got.append)
        w.deleteLater()
        qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(w), timeout=3000)
        gate.set()
        QThreadPool.globalInstance().waitForDone(5000)
        qtbot.wait(50)
        assert got == []
        alive = QWidget()
        qtbot.addWidget(alive)
        tasks.run_in_background(alive, lambda: "on time", on_done=got.append)
        qtbot.waitUntil(lambda: got == ["on time"], timeout=3000)
    finally:
        tasks.SYNCHRONOUS = True
