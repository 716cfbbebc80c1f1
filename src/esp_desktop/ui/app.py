"""Starting the desktop client: application setup, first-run wizard or unlock, then the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import cast

from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..settings import THEME, USE_KEYRING
from .context import AppContext
from .widgets import style
from .widgets.icons import app_icon

log = logging.getLogger(__name__)


MAX_WORKERS = 3


def configure_thread_pool() -> None:
    """Few, long-lived worker threads for background work.

    The store's SQLCipher engine keeps one connection per thread (SQLAlchemy's SingletonThreadPool, 5 slots)
    and closes the oldest when more threads have used it. Qt's pool would otherwise retire idle threads after
    30 s and start new ones (new thread ids), so after a while a connection still in use by a worker could be
    closed under it. Main thread + 3 workers that never expire stay within the 5 slots.
    """
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(min(MAX_WORKERS, max(1, QThread.idealThreadCount())))
    pool.setExpiryTimeout(-1)


def setup_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names, icon and the one style sheet (reused if one exists, e.g. in tests)."""
    app = cast(QApplication | None, QApplication.instance())  # this process only ever makes a QApplication
    if app is None:
        # High-DPI scale factors are not rounded (Qt 6's default rounding policy, PassThrough). Nothing before the
        # unlock window's first frame names a `Qt.*` enum: the first use builds all of the Qt namespace's Python
        # enums at once (~30 ms, issue 15).
        # Fusion: the same, calm look on every platform; the style sheet refines it. Chosen on the command line
        # Qt reads, as setStyle("Fusion") would, minus handing the new QStyle to Python (which builds QStyle's
        # Python enums before the first frame, issue 15)
        app = QApplication([*(argv if argv is not None else sys.argv[:1]), "-style", "Fusion"])
    else:
        app.setStyle("Fusion")
    app.setOrganizationName("esp-desktop")
    app.setApplicationName("esp-desktop")
    app.setApplicationDisplayName("esp-desktop")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    if app.font().pointSizeF() < 10:
        f = QFont(app.font())
        f.setPointSizeF(10)
        app.setFont(f)
    app.setStyleSheet(style.style_sheet(style.LIGHT))
    configure_thread_pool()
    return app


def install_tips(app: QApplication) -> None:
    """Elided cells, headers and combos show in full on hover: one app-wide event filter (once per app).

    Installed after the first window has painted (MainWindow does it; the first-run wizard before it opens), not
    in setup_application: a Python filter on the application sees every event of every object, and the first
    time shiboken hands an object or event of a new Qt class to Python it builds that class's Python enums
    (~150 classes at start-up, a third of the unlock window's own cost, issue 15). Tooltips come after a hover.
    """
    from .widgets.elide import ElidedTextTips

    if not any(isinstance(c, ElidedTextTips) for c in app.children()):
        app.installEventFilter(ElidedTextTips(app))


def system_theme(app: QApplication) -> str:
    """The system's colour scheme: "dark" if it says so, else "light"."""
    from PySide6.QtCore import Qt

    return "dark" if app.styleHints().colorScheme() == Qt.ColorScheme.Dark else "light"


def _palette_theme(app: QApplication) -> str:
    """The system's colour scheme as the platform's own palette shows it (before ours is set; a dark scheme
    comes with a dark palette), read without building the Qt namespace's Python enums (see system_theme)."""
    from PySide6.QtGui import QPalette

    return "dark" if app.palette().color(QPalette.ColorRole.Window).lightness() < 128 else "light"


def apply_theme(app: QApplication, theme: str, *, first_frame: bool = False) -> str:
    """Light, dark, or the system's choice ("system"); returns the theme applied. Screens built afterwards
    (and every style-sheet colour at once) follow; icons already drawn keep their tint until the next start.

    ``first_frame`` (the unlock window, issue 15): "system" is read from the platform's palette, not from its
    colour scheme, whose enum is one of the Qt namespace's (~30 ms to build them all); ``settle_theme`` checks
    the scheme once the window has painted."""
    if theme not in ("light", "dark"):
        theme = _palette_theme(app) if first_frame else system_theme(app)
    t = style.DARK if theme == "dark" else style.LIGHT
    style.use(t)
    app.setPalette(style.palette(t))
    app.setStyleSheet(style.style_sheet(t))
    return theme


def settle_theme(app: QApplication, theme: str) -> None:
    """After the first frame: the "system" theme from the colour scheme itself, if the palette guessed wrong."""
    if theme not in ("light", "dark") and style.is_dark() != (system_theme(app) == "dark"):
        apply_theme(app, theme)


def try_keyring_unlock(ctx: AppContext):  # noqa: ANN201 - (store, services) or None
    """Unlock silently with the key remembered in the OS keyring, if the CT chose that."""
    if not ctx.settings.get(USE_KEYRING):
        return None
    from ..services import vault
    from .settings.unlock import open_services

    try:
        store = vault.unlock_from_keyring(ctx.data_dir)
    except Exception as exc:  # noqa: BLE001 - a stale or broken keyring entry: fall back to the passphrase
        log.info("keyring unlock failed: %s", exc)
        return None
    return (store, open_services(store, ctx.settings)) if store else None


def build_window(data_dir: Path):  # noqa: ANN201 - (MainWindow, ok)
    """The main window after the first-run wizard or a keyring unlock; None if the CT cancelled setup."""
    from ..services import vault
    from .mainwindow import MainWindow

    ctx = AppContext(Path(data_dir))
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, ctx.settings.get(THEME), first_frame=True)  # settled after the first frame (MainWindow)
    win = MainWindow(ctx)
    if not vault.exists(Path(data_dir)):
        from .settings.firstrun import FirstRunWizard

        if isinstance(app, QApplication):
            install_tips(app)
        wiz = FirstRunWizard(ctx.data_dir, ctx.settings)
        if not wiz.exec() or wiz.result_value is None:
            win.deleteLater()
            return None
        win.attach(wiz.result_value)
        if wiz.backup_error:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(win, "Backup not written", wiz.backup_error)
    else:
        opened = try_keyring_unlock(ctx)
        if opened:
            win.attach(opened)
    return win


LOG_NAME = "esp-desktop.log"


def configure_logging(data_dir: Path, *, verbose: bool = False) -> Path:
    """Log to a rotating file in the data folder (tracebacks go there, never to the CT's screen); keep the
    console quiet unless --verbose. Unhandled errors in a screen are logged and reported in plain words."""
    from logging.handlers import RotatingFileHandler

    log_dir = Path(data_dir) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not verbose:
        for h in list(root.handlers):
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
                root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def excepthook(kind, exc, tb) -> None:  # noqa: ANN001 - a slot raised: log it, say it plainly, carry on
        log.error("unhandled error", exc_info=(kind, exc, tb))
        from PySide6.QtWidgets import QMessageBox

        from .widgets.common import UNEXPECTED

        if QApplication.instance() is not None:
            QMessageBox.warning(None, "Something went wrong", UNEXPECTED)

    sys.excepthook = excepthook
    return path


def run(data_dir: Path, *, verbose: bool = False) -> int:
    from ..core.errors import AlreadyOpen
    from .instance import InstanceGuard

    app = setup_application()
    try:
        configure_logging(Path(data_dir), verbose=verbose)
    except OSError as exc:  # a read-only folder: the window still opens, and says why when it matters
        log.warning("no log file: %s", exc)
    guard = InstanceGuard(Path(data_dir))
    try:
        if not guard.acquire():
            print("esp-desktop is already open on this data folder: its window was brought forward.", file=sys.stderr)
            return 0
    except AlreadyOpen as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "esp-desktop is already open", str(exc))
        return 1
    win = build_window(Path(data_dir))
    if win is None:
        guard.release()
        return 0
    win.instance = guard
    guard.showRequested.connect(win.bring_forward)
    from . import gcpolicy

    gcpolicy.follow(win.ctx)  # long-lived objects out of full GC passes while unlocked (issue 15)
    win.show()
    from .widgets.tempfiles import sweep_leftovers

    sweep_leftovers()  # decrypted attachment copies left by a run that crashed
    try:
        return app.exec()
    finally:
        guard.release()
