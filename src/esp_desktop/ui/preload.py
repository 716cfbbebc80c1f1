"""What the unlocked window needs, imported on a background thread while the CT types the passphrase.

The unlock screen imports only Qt and the key file's code (store/keys.py through services.vault; `cryptography`
loads on first use), so it shows at once, as KeePassXC's does (issue 15). ``start()`` then loads, on one daemon
thread and in this order:

1. the store (SQLAlchemy, SQLCipher, the models, the services; ``STORE``): the unlock task has the key file
   opened with Argon2id by a helper process in parallel (store/keyhelper.py; not `cryptography` here: the app
   loads it when an attachment, backup or sync needs it) and waits for this part only (``wait_for_store``)
   before it opens the store, so the store's modules are imported by this thread only;
2. what every unlock builds (``FIRST``): the caseload page, the first screen, and the sync controller
   (``on_store_ready`` callbacks run then, e.g. to build the caseload page on the GUI thread while the CT types);
3. every other screen's module (``SCREENS``), then every service's (services/registry.py). An unlock holds this
   part (``hold``) until its first screen has been shown (``resume``, ui/mainwindow.py), so a passphrase submitted
   at once does not share the interpreter with them.

Nothing here touches the store or holds a secret: it only loads code. Importing a module that defines Qt widget
classes is safe off the GUI thread (no widget is created); the screens themselves are built on the GUI thread,
each on its first visit (ui/mainwindow.py).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

from ..core import gcpause

log = logging.getLogger(__name__)

# The store and the services (not `cryptography`, ~9 MB: the unlock opens the key file in a helper process)
STORE = ("esp_desktop.services.registry",)
# what every unlock builds: the caseload page, the first screen, and the sync controller (MainWindow.attach);
# the services its first query uses (the caseload's next due items come from the compliance dashboard) and the
# drafts an unlock restores; the other services' modules load with the screens (services/registry.py)
FIRST = ("esp_desktop.ui.caseload.page", "esp_desktop.services.caseload", "esp_desktop.services.compliance",
         "esp_desktop.services.calendars", "esp_desktop.services.progress", "esp_desktop.services.panel",
         "esp_desktop.services.drafts", "esp_desktop.ui.sync.controller")
# Everything else the main window imported before it was made lazy: the screens, the dialogs whose drafts are
# restored after an unlock (widgets/drafts.DIALOGS is filled as their modules load), sync.
SCREENS = (
    "esp_desktop.ui.compliance.page",
    "esp_desktop.ui.panel.page",
    "esp_desktop.ui.search.page",
    "esp_desktop.ui.educator.page",
    "esp_desktop.ui.settings.dialog",
    "esp_desktop.ui.settings.program",
    "esp_desktop.ui.sync.dialogs",
    "esp_desktop.ui.widgets.forms",
)
MODULES = (*STORE, *FIRST, *SCREENS)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_store_ready = threading.Event()
_done = threading.Event()
_go = threading.Event()  # cleared while an unlock holds the screens' modules back
_go.set()
_on_store_ready: list[Callable[[], object]] | None = []  # None once they ran


def _import(names: tuple[str, ...], *, gate: threading.Event | None = None) -> None:
    for name in names:
        if gate is not None:
            gate.wait()
        importlib.import_module(name)


def _gc_paused() -> AbstractContextManager[None]:
    """Python's cyclic collector paused while what an unlock waits for loads (core/gcpause.py): the imports make
    ~150,000 objects that live as long as the app, and the ~175 collections during them found ~500 to free.
    Measured (issue 15): the collector's time over the import falls by about a third (the first collection after
    it walks those objects once); freezing them as well would save the rest but would also keep any garbage of the
    pause, which may hold what was typed, for good. Left disabled if it was."""
    return gcpause.paused()


def _load() -> None:
    try:
        with _gc_paused():
            try:
                _import(STORE)
                from ..services import vault

                vault.warm_up()
            finally:
                _store_ready.set()
            _import(FIRST)
        _store_ready_callbacks()
        _import(SCREENS, gate=_go)
        _import(_service_modules(), gate=_go)
    except Exception:  # the same import fails again, in plain words, where it is needed
        log.exception("preloading failed")
    finally:
        _done.set()


def _service_modules() -> tuple[str, ...]:
    from ..services.registry import MODULES as SERVICES

    return SERVICES


def _store_ready_callbacks() -> None:
    global _on_store_ready
    with _lock:
        todo, _on_store_ready = _on_store_ready or [], None
    for then in todo:
        then()


def start() -> None:
    """Begin loading in the background (once per process; later calls do nothing)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_load, name="esp-preload", daemon=True)
        _thread.start()


def on_store_ready(then: Callable[[], object]) -> None:
    """Call ``then`` once the background load has imported the store and ``FIRST``: on the loading
    thread, or at once on this one if that already happened (never if the import failed)."""
    with _lock:
        if _on_store_ready is not None:
            _on_store_ready.append(then)
            return
    then()


def _started() -> bool:
    with _lock:
        return _thread is not None


def wait_for_store(timeout: float | None = None) -> bool:
    """Block until the store's code is imported (at once if the background load never started)."""
    return _store_ready.wait(timeout) if _started() else True


def wait(timeout: float | None = None) -> bool:
    """Block until the whole background load finished (at once if it never started); False on timeout."""
    if not _started():
        return True
    resume()  # whoever waits for everything must not wait for a held load
    return _done.wait(timeout)


def hold() -> None:
    """An unlock is running: the screens' modules wait (the one being imported finishes first)."""
    _go.clear()


def resume() -> None:
    _go.set()


def ensure() -> None:
    """Everything in MODULES imported, on this thread if the background load never ran."""
    if not wait():
        return
    for name in (*MODULES, *_service_modules()):
        importlib.import_module(name)
