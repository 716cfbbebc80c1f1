"""Entry script of the frozen build: the same ``main`` as the ``esp-desktop`` console script."""

from __future__ import annotations

import multiprocessing
import sys

from esp_desktop.store import keyhelper

if __name__ == "__main__" and sys.argv[1:] == [keyhelper.HELPER_FLAG]:
    # the unlock's short-lived key helper (store/keyhelper.py): only the key file's code loads, not Qt or the store
    sys.exit(keyhelper.main())

from esp_desktop.cli import main  # not loaded in the key helper

if __name__ == "__main__":
    # A frozen child process (if any library ever spawns one) must not run the CLI again.
    multiprocessing.freeze_support()
    # Finder on older macOS versions passes a process serial number (-psn_0_12345); it is not a CLI argument.
    sys.argv = [sys.argv[0], *(a for a in sys.argv[1:] if not a.startswith("-psn_"))]
    sys.exit(main())
