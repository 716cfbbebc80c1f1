"""Helpers for the pytest-qt tests: a main window over a copied store, an unlocked context, modal dialogs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.env import PASSPHRASE, require

try:
    import pytestqt  # noqa: F401 - the qtbot fixture
    from PySide6.QtCore import QDeadlineTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    HAVE_QT = True
except ImportError:  # pragma: no cover - reported through require()
    HAVE_QT = False


def need_qt() -> None:
    """Call at the top of a UI test module: skips the module without Qt, fails it under CI=true."""
    require(HAVE_QT, "PySide6 and pytest-qt are needed for the UI tests")


def make_window(qtbot: Any, data_dir: Path) -> Any:
    """A shown, active MainWindow over ``data_dir``; background work runs inline (reset by tests/ui/conftest.py)."""
    from esp_desktop.ui.app import setup_application
    from esp_desktop.ui.context import AppContext
    from esp_desktop.ui.mainwindow import MainWindow
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True  # background work runs inline: deterministic tests
    setup_application()
    win = MainWindow(AppContext(data_dir))
    qtbot.addWidget(win)  # closed (and so locked) at teardown
    win.show()
    win.activateWindow()  # shortcuts (Ctrl+L, Ctrl+K...) only fire in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    return win


def type_unlock(qtbot: Any, win: Any, passphrase: str = PASSPHRASE) -> None:
    field = win.unlock_screen.passphrase
    field.clear()
    qtbot.keyClicks(field, passphrase)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_context(data_dir: Path) -> Any:
    """Unlock the store in data_dir and wrap it in an AppContext, as the shell does after unlock."""
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault
    from esp_desktop.ui.context import AppContext

    c = AppContext(data_dir)
    c.store = Vault(data_dir).unlock(PASSPHRASE)
    c.services = Services(c.store)
    return c


def educator_named(ctx: Any, given: str) -> Any:
    return next(e for e in ctx.svc.caseload.educators() if e.given_name == given)


# ---------------------------------------------------------------- modal dialogs
MODAL_TIMEOUT_MS = 10_000


@dataclass
class ModalHandler:
    """One pending ``on_modal`` call; ``done`` once it ran ``fn``, gave up, or was cancelled at teardown."""

    fn: Callable[[QWidget], None]
    errors: list
    before: QWidget | None
    deadline: Any
    done: bool = False


PENDING: list[ModalHandler] = []  # cancelled and checked after every UI test (tests/ui/conftest.py)


def on_modal(fn: Callable[[QWidget], None], errors: list, *, timeout_ms: int = MODAL_TIMEOUT_MS) -> None:
    """Run ``fn(dialog)`` on the next modal dialog (opened by the click that follows this call).

    The dialog must be a new one (not the modal already open when this is called) and must open within
    ``timeout_ms``; otherwise a ``TimeoutError`` lands in ``errors``. An exception in ``fn`` lands in ``errors``
    and rejects the dialog. A handler still waiting when the test ends is cancelled (and fails that test), so it
    can never act on a later test's dialog.
    """
    h = ModalHandler(fn, errors, QApplication.activeModalWidget(), QDeadlineTimer(timeout_ms))
    PENDING.append(h)

    def poll() -> None:
        if h.done:
            return
        w = QApplication.activeModalWidget()
        if w is None or w is h.before:
            if h.deadline.hasExpired():
                h.done = True
                errors.append(TimeoutError(f"no new modal dialog within {timeout_ms} ms"))
                return
            QTimer.singleShot(10, poll)
            return
        h.done = True
        try:
            fn(w)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test after exec() returns
            errors.append(exc)
            w.reject()

    QTimer.singleShot(0, poll)


def cancel_pending_modals() -> list[ModalHandler]:
    """Stop every waiting handler; returns those that never saw their dialog."""
    waiting = [h for h in PENDING if not h.done]
    for h in PENDING:
        h.done = True
    PENDING.clear()
    return waiting
