"""Child process of the crash test: script an observation through the real widgets, then wait to be killed.

    python -m tests.helpers.capture_child DATA_DIR LINE [LINE ...]   (from the repository root)

Prints ``TYPED <observation id>`` once every line was typed and Enter pressed; it never saves or closes
anything.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from esp_desktop.ui.educator.page import EducatorPage
from tests.helpers.qt import educator_named, open_context


def main() -> None:
    app = QApplication([])
    ctx = open_context(Path(sys.argv[1]))
    page = EducatorPage(ctx)
    page.resize(1280, 800)  # a window's size (its tabs are built on first show: no size hint from them)
    page.show()
    page.show_educator(educator_named(ctx, "Darnell").id)
    page.tabs.setCurrentWidget(page.observations)
    QTest.mouseClick(page.observations.new_btn, Qt.MouseButton.LeftButton)
    view = page.observations.capture
    for line in sys.argv[2:]:
        QTest.keyClicks(view.entry, line)
        QTest.keyClick(view.entry, Qt.Key.Key_Return)
    QTest.keyClicks(view.entry, "half a line that was never entered")
    app.processEvents()
    print("TYPED", view.obs.id, flush=True)
    while True:  # wait for SIGKILL: no save, no close, no atexit
        time.sleep(1)


if __name__ == "__main__":
    main()
