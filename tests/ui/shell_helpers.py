"""Helpers for the shell's pytest-qt tests: a main window over a copied store, driving modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

from conftest import PASSPHRASE, require

try:
    import pytestqt  # noqa: F401
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    HAVE_QT = True
except ImportError:  # pragma: no cover - reported through require()
    HAVE_QT = False


def need_qt() -> None:
    require(HAVE_QT, "PySide6 and pytest-qt are needed for the UI tests")


def make_window(qtbot, data_dir):  # noqa: ANN001, ANN201
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


def type_unlock(qtbot, win, passphrase: str = PASSPHRASE) -> None:  # noqa: ANN001
    field = win.unlock_screen.passphrase
    field.clear()
    qtbot.keyClicks(field, passphrase)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def on_modal(fn: Callable[[QWidget], None], errors: list) -> None:  # noqa: F821
    """Run ``fn(dialog)`` on the next modal dialog (opened by the click that follows this call)."""

    def handler() -> None:
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(10, handler)
            return
        try:
            fn(w)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test after exec() returns
            errors.append(exc)
            w.reject()

    QTimer.singleShot(0, handler)
