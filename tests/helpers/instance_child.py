"""A second esp-desktop start, run as its own process by test_single_instance.py.

    python instance_child.py DATA_DIR start   # the app's start-up; prints SECOND WINDOW if it would open one
    python instance_child.py DATA_DIR hold    # takes the folder's lock, prints HELD, waits to be killed
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from esp_desktop.ui import app as appmod

data_dir, mode = Path(sys.argv[1]), sys.argv[2]
if mode == "start":

    def second_window(_data_dir: Path) -> None:
        print("SECOND WINDOW", flush=True)
        return None

    appmod.build_window = second_window  # type: ignore[assignment]
    sys.exit(appmod.run(data_dir))
else:
    from esp_desktop.ui.instance import InstanceGuard

    appmod.setup_application()
    guard = InstanceGuard(data_dir)
    print("HELD" if guard.acquire() else "NOT HELD", flush=True)
    time.sleep(120)
