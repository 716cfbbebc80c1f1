"""What the unlocked window needs, imported on a background thread while the CT types the passphrase.

The unlock screen imports only Qt and the key file's code (store/keys.py through services.vault; `cryptography`
loads on first use), so it shows at once, as KeePassXC's does (issue 15). ``start()`` then imports the store
(SQLAlchemy, SQLCipher, the models, the services) and the screens' modules on one daemon thread; the unlock task
has the key file opened with Argon2id in a helper process (store/keyhelper.py) in parallel and calls ``wait()``
before it opens the store, so the store's modules are imported by this thread only.
Nothing here touches the store or holds a secret: it only loads code.

Importing a module that defines Qt widget classes is safe off the GUI thread (no widget is created); the screens
themselves are built on the GUI thread, each on its first visit (ui/mainwindow.py).
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# Everything the main window imported before it was made lazy: the screens, the dialogs whose drafts are
# restored after an unlock (widgets/drafts.DIALOGS is filled as their modules load), sync.
MODULES = (
    # not `cryptography` (~9 MB): the unlock opens the key file in a helper process (store/keyhelper.py)
    "esp_desktop.services.registry",
    "esp_desktop.ui.caseload.page",
    "esp_desktop.ui.compliance.page",
    "esp_desktop.ui.panel.page",
    "esp_desktop.ui.search.page",
    "esp_desktop.ui.educator.page",
    "esp_desktop.ui.settings.dialog",
    "esp_desktop.ui.settings.program",
    "esp_desktop.ui.sync.controller",
    "esp_desktop.ui.sync.dialogs",
    "esp_desktop.ui.widgets.forms",
)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_done = threading.Event()


def _load() -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
        from ..services import vault

        vault.warm_up()
    except Exception:  # the same import fails again, in plain words, where it is needed
        log.exception("preloading failed")
    finally:
        _done.set()


def start() -> None:
    """Begin loading in the background (once per process; later calls do nothing)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_load, name="esp-preload", daemon=True)
        _thread.start()


def wait(timeout: float | None = None) -> bool:
    """Block until the background load finished (at once if it never started); False on timeout."""
    with _lock:
        started = _thread is not None
    return _done.wait(timeout) if started else True


def ensure() -> None:
    """Everything in MODULES imported, on this thread if the background load never ran."""
    if not wait():
        return
    for name in MODULES:
        importlib.import_module(name)
