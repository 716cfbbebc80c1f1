"""Memory (issue 15): a CT's day on every screen does not load the code of what it did not do.

The sync engine (httpx, the pydantic protocol: ~15 MB), PDFs (reportlab), spreadsheets (openpyxl), calendar
export (icalendar), passphrase scoring (zxcvbn) and `cryptography` (~9 MB) load on first use. Run in a fresh
interpreter: what a test process has already imported must not hide an import. No memory figure is asserted
(bench/startup.py measures it).
"""

from __future__ import annotations

import pytest

from tests.helpers.probe import loaded_early, run_probe
from tests.helpers.qt import need_qt

need_qt()

pytestmark = pytest.mark.qt

PROBE = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QThreadPool
from esp_desktop.ui.app import setup_application
from esp_desktop.ui.context import AppContext
from esp_desktop.ui.mainwindow import MainWindow

app = setup_application()
loop = QEventLoop()
pump = lambda: loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
win = MainWindow(AppContext(Path(sys.argv[1])))
win.show()
win.unlock_screen.passphrase.setText(sys.argv[2])
win.unlock_screen.submit()
while win.caseload.model.rowCount() == 0:
    pump()
for key in ("dashboard", "panel", "search", "caseload"):
    win.go(key)
    for _ in range(20):
        pump()
win.open_record("educator", win.caseload.model.rows[0].educator.id)
for _ in range(20):
    pump()
QThreadPool.globalInstance().waitForDone()
print("PROBE " + json.dumps({"screen": win.pages.currentIndex(), "modules": sorted(sys.modules)}), flush=True)
win.close()
"""

# cryptography: the unlock opens the key file in a helper process (store/keyhelper.py); attachments, backups and
# sync load it when used. Loaded here, it means the unlock ran Argon2id (64 MiB) in the app.
NOT_UNTIL_USED = ("httpx", "pydantic", "esp_desktop.sync.client", "esp_desktop.sync.panel", "esp_desktop.sync.protocol",
                  "reportlab", "openpyxl", "icalendar", "zxcvbn", "cryptography")


def test_every_screen_visited_loads_no_sync_pdf_or_spreadsheet_code(demo_dir):
    seen = run_probe(PROBE, demo_dir)
    loaded = set(seen["modules"])
    assert {"sqlalchemy", "esp_desktop.ui.educator.page", "esp_desktop.ui.sync.controller"} <= loaded  # the tour ran
    early = loaded_early(sorted(loaded), NOT_UNTIL_USED)
    assert early == []
