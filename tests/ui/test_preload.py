"""Start-up (issue 15): the unlock window shows before the store's code is imported; it loads in the background
(ui/preload.py) and the caseload opens once the passphrase is typed.

Run in a fresh interpreter through the real entry point (``esp-desktop --data-dir ...``, i.e. cli.main -> ui.app.run)
with QApplication.exec replaced by a probe: what a test process has already imported must not hide an import.
No timing is asserted (bench/startup.py measures it).
"""

from __future__ import annotations

import pytest

from tests.helpers.probe import loaded_early, run_probe
from tests.helpers.qt import need_qt

need_qt()

pytestmark = pytest.mark.qt

PROBE = r"""
import json, sys
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
from esp_desktop.ui import preload

start = preload.start
preload.start = lambda: None  # first: what the unlock window itself needs
seen = {}

def probe_exec(*_args):
    from esp_desktop.ui.mainwindow import MainWindow
    (win,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    loop = QEventLoop()
    loop.processEvents()
    win.grab()  # the unlock window, painted
    seen["painted"] = win.isVisible() and win.top.currentWidget() is win.unlock_screen
    seen["modules"] = sorted(m for m in sys.modules if not m.startswith("_"))
    from PySide6 import QtCore
    seen["qt_namespace"] = "Qt" in vars(QtCore)  # PySide6 builds a type (and its Python enums) on first use
    start()  # as when the window shows: the store's code loads while the CT types
    loop.processEvents()
    while "caseload" not in win._built:  # built on the GUI thread once its code has loaded, still locked
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    seen["built_locked"] = [sorted(win._built), win.caseload.model.rowCount(), win.ctx.services is None]
    win.unlock_screen.passphrase.setText(sys.argv[2])
    win.unlock_screen.submit()
    while win.caseload.model.rowCount() == 0:
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    seen["rows"] = win.caseload.model.rowCount()
    seen["built"] = sorted(win._built)
    win.close()
    return 0

QApplication.exec = probe_exec
from esp_desktop import cli
cli.main(["--data-dir", sys.argv[1]])
print("PROBE " + json.dumps(seen), flush=True)
"""

# Nothing of the store, the ORM, sync, PDFs or spreadsheets, not even Argon2id's library, may load before the unlock
# window is painted.
NOT_BEFORE_UNLOCK = ("cryptography", "sqlalchemy", "sqlcipher3", "alembic", "pydantic", "httpx", "reportlab",
                     "openpyxl", "icalendar", "zxcvbn", "keyring", "esp_desktop.store.vault", "esp_desktop.store.models",
                     "esp_desktop.services.registry", "esp_desktop.sync", "esp_desktop.reports",
                     "esp_desktop.ui.caseload", "esp_desktop.ui.educator", "esp_desktop.ui.compliance",
                     "esp_desktop.ui.panel", "esp_desktop.ui.search", "esp_desktop.ui.sync")


def test_unlock_window_shows_before_the_store_is_imported_and_the_caseload_opens(demo_dir):
    seen = run_probe(PROBE, demo_dir)
    assert seen["painted"]
    loaded = set(seen["modules"])
    early = loaded_early(sorted(loaded), NOT_BEFORE_UNLOCK)
    assert early == []
    assert {"PySide6.QtWidgets", "esp_desktop.store.keys", "esp_desktop.services.vault"} <= loaded  # the key file's code
    assert not seen["qt_namespace"]  # no `Qt.*` enum named before the first frame: ~30 ms to build them all
    assert seen["built_locked"] == [["caseload"], 0, True]  # the first screen waits built, empty, while locked
    assert seen["rows"] > 0  # the demo caseload, loaded after the background import
    assert seen["built"] == ["caseload"]  # the other screens wait for their first visit


AT_ONCE = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop
from esp_desktop.ui import preload
from esp_desktop.ui.app import setup_application
from esp_desktop.ui.context import AppContext
from esp_desktop.ui.mainwindow import MainWindow

app = setup_application()
loop = QEventLoop()
win = MainWindow(AppContext(Path(sys.argv[1])))
win.show()
win.unlock_screen.passphrase.setText(sys.argv[2])
win.unlock_screen.submit()  # before the first frame: nothing has started the background load yet
seen = {}
win.caseload.loaded.connect(lambda: seen.setdefault("at_rows", sorted(sys.modules)))
win.top.currentChanged.connect(  # the workspace replaces the (busy) card: with the caseload's rows, never empty
    lambda i: seen.setdefault("shown", [win.caseload.model.rowCount(), win.unlock_screen.busy]) if i == 1 else None)
while win.caseload.model.rowCount() == 0:
    loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
import time
deadline = time.monotonic() + 60
while not set(preload.MODULES) <= set(sys.modules) and time.monotonic() < deadline:
    loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # the window resumes the load by itself
seen["finished"] = preload.wait(60)
seen["after"] = sorted(sys.modules)
from esp_desktop.services import registry
seen["modules"] = [*preload.MODULES, *registry.MODULES]  # every screen's and every service's module
import gc
seen["gc"] = gc.isenabled()  # paused while the store's code loaded, on again
win.close()
print("PROBE " + json.dumps(seen), flush=True)
"""

# The other screens' modules (the sync controller is built at every unlock: loaded with the caseload page)
OTHER_SCREENS = ("esp_desktop.ui.compliance", "esp_desktop.ui.panel", "esp_desktop.ui.search",
                 "esp_desktop.ui.educator", "esp_desktop.ui.settings.dialog", "esp_desktop.ui.settings.program",
                 "esp_desktop.ui.sync.dialogs")


def test_a_passphrase_submitted_at_once_waits_for_the_store_not_for_every_screen(demo_dir):
    seen = run_probe(AT_ONCE, demo_dir)
    assert loaded_early(seen["at_rows"], OTHER_SCREENS) == []  # the caseload came first
    assert "sqlalchemy" in seen["at_rows"] and "esp_desktop.ui.caseload.page" in seen["at_rows"]
    # the services the first caseload does not use load afterwards (services/registry.py)
    assert loaded_early(seen["at_rows"], ("esp_desktop.services.transfer", "esp_desktop.services.exports",
                                          "esp_desktop.services.demo", "esp_desktop.services.roster")) == []
    rows, card_busy = seen["shown"]
    assert rows > 0 and card_busy  # no frame of an empty table while the first query runs
    assert seen["finished"]
    assert set(seen["modules"]) <= set(seen["after"])  # then the rest, once the rows were shown
    assert seen["gc"]


def test_the_collector_is_paused_while_the_store_loads_and_left_as_it_was() -> None:
    import gc

    from esp_desktop.ui import preload

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with preload._gc_paused():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with preload._gc_paused():
            pass
        assert not gc.isenabled()  # someone else's pause is not ended here
    finally:
        gc.enable()
