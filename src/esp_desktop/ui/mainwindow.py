"""The main window: locked screen or workspace (sidebar, stacked pages), toolbar, menus, auto-lock.

Locking saves the educator page's pending edits, tells every view to drop its caseload data
(``ctx.storeLocked``), closes the store and shows the unlock screen; unlocking returns to the same place.

Start-up (issue 15): this module imports only Qt, the unlock screen and small widgets, so the window shows the
unlock screen at once; the store's code and the screens' modules load on a background thread meanwhile
(ui/preload.py). Each screen is built on its first visit (``_page``), the sync controller on the first unlock.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, QSize, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..services import vault
from ..settings import AUTO_LOCK_MINUTES, LAST_SCREEN, THEME
from . import preload
from .context import AppContext
from .settings.autolock import IdleWatcher
from .settings.unlock import UnlockScreen
from .widgets.common import show_error
from .widgets.icons import app_icon, icon

# Imported where used, not here: what the unlock window's first frame does not need (issue 15): each Qt class
# a module names is set up (its Python enums built) on import. QDialog, QFileDialog, QMessageBox, core.clock,
# widgets.drafts / tasks / write.

if TYPE_CHECKING:  # imported when first needed (their modules load in the background: ui/preload.py)
    from PySide6.QtWidgets import QListWidget, QToolBar

    from .caseload.page import CaseloadPage
    from .compliance.page import DashboardPage
    from .educator.page import EducatorPage
    from .panel.page import PanelPage
    from .search.page import SearchPage
    from .sync.controller import SyncController, SyncStatus
    from .widgets.forms import FormDialog

log = logging.getLogger(__name__)
FIRST_SCREEN_WAIT_MS = 3000  # the workspace shows by then even if the caseload's rows have not come (_show_workspace)
RESUME_PRELOAD_MS = 500  # the other screens' code loads this long after the first screen shows
PANEL_TYPES = ("panel_meeting", "panel_case", "panel_attendance", "panel_motion", "panel_decision")

# The screens in sidebar order: key -> (title, icon, "module:Class" under ui/, the slot that loads a screen
# built while the store is already unlocked: the one it connects to ctx.storeUnlocked).
SCREENS: dict[str, tuple[str, str, str, str | None]] = {
    "caseload": ("Caseload", "users", "caseload.page:CaseloadPage", "refresh"),
    "dashboard": ("Compliance", "clipboard-check", "compliance.page:DashboardPage", "refresh_soon"),
    "panel": ("Panel meetings", "gavel", "panel.page:PanelPage", "_unlocked"),
    "search": ("Search", "search", "search.page:SearchPage", None),
    "educator": ("Educator", "user", "educator.page:EducatorPage", None),
}


@dataclass(frozen=True)
class _Workspace:
    nav: QListWidget
    pages: QStackedWidget
    screens: dict[str, QWidget]
    nav_educator: QListWidgetItem
    toolbar: QToolBar


class _AfterFirstPaint(QObject):
    """Calls ``then`` once the window has painted for the first time (or after ``fallback_ms`` if it never
    does, e.g. hidden): the background import starts after the unlock window is on screen, not while its first
    frame competes with it for the interpreter. The window reports its paints (``painted``) from its
    paintEvent: an event filter would send every event of the window through Python before the first frame."""

    def __init__(self, window: QWidget, then: Callable[[], object], fallback_ms: int = 1000) -> None:
        super().__init__(window)
        self._then: Callable[[], object] | None = then
        QTimer.singleShot(fallback_ms, self._fire)

    def painted(self) -> None:
        if self._then is not None:
            QTimer.singleShot(0, self._fire)  # after this paint

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


class MainWindow(QMainWindow):
    _storeCodeLoaded = Signal()  # internal: from the preload thread, once the caseload page can be built

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("esp-desktop")
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.setMinimumSize(QSize(900, 560))
        self._place: tuple[str, str | None] = (ctx.settings.get(LAST_SCREEN), None)
        self.instance: Any = None  # the InstanceGuard holding this data folder (ui/instance.py), if any

        self.unlock_screen = UnlockScreen(ctx.data_dir, ctx.settings)
        self.unlock_screen.unlocked.connect(self.attach)
        self._built: dict[str, QWidget] = {}  # the screens built so far (each on its first visit)
        self.panel_mode = False  # a Panel member's device: the Panel's screen only (apply_mode)
        self._sync: SyncController | None = None
        self._preload_gate: _AfterFirstPaint | None = None
        self._first_screen_pending = False  # unlocked, the workspace not shown yet (_show_workspace)
        self._storeCodeLoaded.connect(self._build_first_screen)  # queued: emitted on the preload thread
        # icons are drawn after the first frame (_draw_icons): SVG rendering is not needed to type a passphrase
        self._icons: list[tuple[QAction | QListWidgetItem, str]] = []
        self.top = QStackedWidget()
        self.top.addWidget(self.unlock_screen)
        self.setCentralWidget(self.top)
        self._workspace: _Workspace | None = None  # sidebar, pages and toolbar: after the first frame

        self._build_actions()
        self.idle = IdleWatcher(self)
        self.idle.set_minutes(ctx.settings.get(AUTO_LOCK_MINUTES))
        self.idle.idle.connect(ctx.lockRequested)  # it watches the app's input while unlocked (attach)
        ctx.lockRequested.connect(self.lock)
        ctx.openRecordRequested.connect(self.open_record)
        ctx.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._show_locked()

    # --- the workspace: sidebar, screens' hosts and toolbar (built after the first frame, or when first used) --

    def _ensure_workspace(self) -> _Workspace:
        """The sidebar, one host per screen and the toolbar; none of them shows while locked, so they are built
        once the unlock window has painted (or at once if something asks for them first)."""
        if self._workspace is not None:
            return self._workspace
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidget, QSizePolicy, QToolBar

        pages = QStackedWidget()
        nav = QListWidget()
        nav.setObjectName("sidebar")
        nav.setAccessibleName("Navigation")
        nav.setIconSize(QSize(18, 18))
        nav.setFixedWidth(176)
        screens: dict[str, QWidget] = {}
        for key, (title, icon_name, _cls, _slot) in SCREENS.items():
            it = QListWidgetItem(title)
            self._icons.append((it, icon_name))
            it.setSizeHint(QSize(0, 38))  # row n is the screen SCREENS lists n-th
            nav.addItem(it)
            host = QWidget()  # the screen goes in here when first shown
            QVBoxLayout(host).setContentsMargins(0, 0, 0, 0)
            pages.addWidget(host)
            screens[key] = host
        nav_educator = nav.item(4)
        nav_educator.setHidden(True)  # shown once an educator is open

        workspace = QWidget()
        h = QHBoxLayout(workspace)
        h.setContentsMargins(0, 0, 0, 0)
        h.setSpacing(0)
        h.addWidget(nav)
        h.addWidget(pages, 1)
        self.top.addWidget(workspace)

        tb = QToolBar("Main toolbar")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QSize(18, 18))
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_lock, self.act_new, self.act_search):
            tb.addAction(a)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)  # the sync status goes here, before Sync now, on the first unlock
        tb.addAction(self.act_sync)
        tb.hide()  # hidden before it has a parent: shown parentless, it would open as a window of its own
        self.addToolBar(tb)
        tb.setVisible(self.is_unlocked)  # nothing to do there while locked

        self._workspace = _Workspace(nav, pages, screens, nav_educator, tb)
        nav.currentRowChanged.connect(self._nav_changed)
        return self._workspace

    @property
    def nav(self) -> QListWidget:
        return self._ensure_workspace().nav

    @property
    def pages(self) -> QStackedWidget:
        return self._ensure_workspace().pages

    @property
    def screens(self) -> dict[str, QWidget]:
        """Each screen's host in the stack (in sidebar order); the screen itself is built on its first visit."""
        return self._ensure_workspace().screens

    @property
    def nav_educator(self) -> QListWidgetItem:
        return self._ensure_workspace().nav_educator

    @property
    def toolbar(self) -> QToolBar:
        return self._ensure_workspace().toolbar

    # --- screens, built on first use -----------------------------------------------------------------------

    def _page(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            _title, _icon, where, slot = SCREENS[key]
            module, cls = where.split(":")
            page = getattr(importlib.import_module(f".{module}", __package__), cls)(self.ctx)
            assert page is not None
            self._built[key] = page
            layout = self.screens[key].layout()
            assert layout is not None
            layout.addWidget(page)
            if key == "caseload":
                page.loaded.connect(self._caseload_loaded)
            if key == "educator":
                page.educatorGone.connect(self._educator_gone)
            if key == "panel":
                cast("PanelPage", page).set_panel_mode(self.panel_mode)
            if slot and self.is_unlocked:  # it missed ctx.storeUnlocked
                getattr(page, slot)()
        return page

    def _caseload_loaded(self) -> None:
        self._show_workspace()

    def _show_workspace(self) -> None:
        """Unlocked: the workspace replaces the unlock card (still busy) once the first screen has its data: the
        caseload's rows (_caseload_loaded; no frame of an empty table is painted while its query runs), another
        screen at once. The other screens' code, held since the passphrase was submitted, loads once the CT has
        had a first look (a screen opened sooner imports its own module): nothing else competes for the
        interpreter meanwhile."""
        if not self._first_screen_pending or not self.is_unlocked:
            return
        self._first_screen_pending = False
        self.toolbar.show()
        self.top.setCurrentIndex(1)
        QTimer.singleShot(RESUME_PRELOAD_MS, preload.resume)

    @property
    def caseload(self) -> CaseloadPage:
        return cast("CaseloadPage", self._page("caseload"))

    @property
    def dashboard(self) -> DashboardPage:
        return cast("DashboardPage", self._page("dashboard"))

    @property
    def panel(self) -> PanelPage:
        return cast("PanelPage", self._page("panel"))

    @property
    def search(self) -> SearchPage:
        return cast("SearchPage", self._page("search"))

    @property
    def educator(self) -> EducatorPage:
        return cast("EducatorPage", self._page("educator"))

    @property
    def _educator_page(self) -> EducatorPage | None:
        return cast("EducatorPage | None", self._built.get("educator"))

    @property
    def sync(self) -> SyncController:
        """Built on the first unlock (it follows ctx.storeUnlocked / storeLocked from then on)."""
        if self._sync is None:
            from .sync.controller import SyncController, SyncStatus

            self._sync = SyncController(self.ctx, self)
            self._sync_status = SyncStatus(self._sync)
            self.toolbar.insertWidget(self.act_sync, self._sync_status)
        return self._sync

    @property
    def sync_status(self) -> SyncStatus:
        _ = self.sync
        return self._sync_status

    # --- actions, menus, toolbar --------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        *,
        shortcut: str | list[str] | None = None,
        icon_name: str | None = None,
        needs_store: bool = True,
    ) -> QAction:
        a = QAction(text, self)
        if icon_name:
            self._icons.append((a, icon_name))
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([QKeySequence(s) for s in seqs])
            a.setToolTip(f"{text.replace('&', '').rstrip('…')} ({QKeySequence(seqs[0]).toString()})")
        # shortcut context: QAction's default, the window (not named here: a `Qt.*` enum, see ui/app.py)
        a.triggered.connect(slot)
        if needs_store:
            self._store_actions.append(a)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self._store_actions: list[QAction] = []
        self.act_lock = self._action("&Lock", self.ctx.lockRequested.emit, shortcut="Ctrl+L", icon_name="lock")
        self.act_new = self._action("&New educator…", self._new_educator, shortcut="Ctrl+N", icon_name="user-plus")
        self.act_search = self._action("&Search", self.show_search, shortcut=["Ctrl+F", "Ctrl+K", "Ctrl+4"],
                                       icon_name="search")
        self.act_backup = self._action("Write &backup…", self.write_backup, icon_name="archive")
        self.act_ics = self._action("Export due dates to a &calendar (.ics)…", self.export_calendar,
                                    icon_name="calendar")
        self.act_calendar = self._action("School &calendar…", self.open_school_calendar, icon_name="calendar-clock")
        self.act_restore = self._action("&Restore from backup…", self.restore_backup, icon_name="download")
        self.act_remove_demo = self._action("Remove &demo data…", self.remove_demo, icon_name="trash-2")
        self.act_profile = self._action("Your &profile…", lambda: self._program("ProfileDialog"), icon_name="user")
        self.act_sites = self._action("&Sites…", lambda: self._program("SitesDialog"), icon_name="school")
        self.act_people = self._action("P&eople…", lambda: self._program("PeopleDialog"), icon_name="users")
        self.act_year = self._action("Start a new school &year…", lambda: self._program("SchoolYearDialog"),
                                     icon_name="calendar")
        self.act_catalog = self._action("Professional &learning catalog…", lambda: self._open_learning("pl_entry"),
                                        icon_name="book-open")
        self.act_sessions = self._action("CT-led P&D sessions…", lambda: self._open_learning("pd_session"),
                                         icon_name="users")
        self.act_roster = self._action("Import r&oster…", self.import_roster, icon_name="file-input")
        self.act_tables = self._action("Export &tables (CSV, XLSX)…", lambda: self.district_export("tables"),
                                       icon_name="file-output")
        self.act_report = self._action("Caseload &report…", lambda: self.district_export("report"),
                                       icon_name="chart-column")
        self.act_sync = self._action("S&ync now", lambda: self.sync.sync_now(), shortcut="Ctrl+Shift+S",
                                     icon_name="refresh-cw")
        self.act_conflicts = self._action("Sync &conflicts…", self.show_conflicts, icon_name="triangle-alert")
        self.act_settings = self._action("&Settings…", self.open_settings, shortcut="Ctrl+,", icon_name="settings")
        self.act_quit = self._action("&Quit", self.close, shortcut="Ctrl+Q", needs_store=False)
        self.act_about = self._action("&About esp-desktop", self.about, needs_store=False)
        go = []
        for n, (key, text) in enumerate(
            (
                ("caseload", "&Caseload"),
                ("dashboard", "C&ompliance dashboard"),
                ("panel", "&Panel meetings"),
            )
        ):
            go.append(self._action(text, lambda _=False, k=key: self.go(k), shortcut=f"Ctrl+{n + 1}"))

        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_sync, self.act_conflicts, self.act_ics):
            m.addAction(a)
        m.addSeparator()
        for a in (self.act_backup, self.act_restore, self.act_remove_demo):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_settings)
        m.addSeparator()
        m.addAction(self.act_lock)
        m.addAction(self.act_quit)
        m = mb.addMenu("&Go")
        for a in go:
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_search)
        m = mb.addMenu("Educa&tor")
        m.addAction(self.act_new)
        m = mb.addMenu("&Program")
        for a in (self.act_profile, self.act_sites, self.act_people):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_calendar)
        m.addAction(self.act_year)
        m.addAction(self.act_catalog)
        m.addAction(self.act_sessions)
        m.addSeparator()  # the bridge to the district
        for a in (self.act_roster, self.act_tables, self.act_report):
            m.addAction(a)
        m = mb.addMenu("&Help")
        m.addAction(self.act_about)

    def show_conflicts(self) -> None:
        if self.is_unlocked and self.sync.server:
            from .sync.dialogs import ConflictsDialog

            ConflictsDialog(self.sync, self).exec()
        elif self.is_unlocked:
            self.statusBar().showMessage("Sync is not set up: Settings › Sync.", 8000)

    # --- lock / unlock ------------------------------------------------------------------------------------

    def _show_locked(self) -> None:
        self._first_screen_pending = False
        for a in self._store_actions:
            a.setEnabled(False)
        if self._workspace is not None:
            self._workspace.toolbar.hide()  # nothing to do there while locked
        self.unlock_screen.reset()
        self.top.setCurrentIndex(0)
        self.statusBar().showMessage("Locked")
        self.unlock_screen.passphrase.setFocus()
        if self._preload_gate is None:  # the store's code and the screens load while the CT types
            self._preload_gate = _AfterFirstPaint(self, self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Once the unlock window is on screen: what its first frame does not need."""
        self._ensure_workspace()
        self._draw_icons()
        self._install_app_filters(idle=False)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from .app import settle_theme

            settle_theme(app, self.ctx.settings.get(THEME))
        preload.start()
        preload.on_store_ready(self._storeCodeLoaded.emit)

    def _build_first_screen(self) -> None:
        """The caseload page, the first screen after an unlock, built while the CT types (its code has just
        loaded): after Argon2id only its query and its paint remain."""
        if not self.is_unlocked and "caseload" not in self._built:
            self._page("caseload")

    def _draw_icons(self) -> None:
        """The sidebar's and the actions' icons (menus; the toolbar shows once unlocked)."""
        todo, self._icons = self._icons, []
        for target, name in todo:
            target.setIcon(icon(name))

    def _install_app_filters(self, *, idle: bool) -> None:
        """The app-wide Python event filters (see ui.app.install_tips for why none runs before the first frame):
        the elided-text tooltips always, the idle watcher only while unlocked (nothing to auto-lock before)."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        from .app import install_tips

        install_tips(app)
        if idle:
            app.installEventFilter(self.idle)  # installing it again moves it to the front: still one filter
        else:
            app.removeEventFilter(self.idle)

    @property
    def is_unlocked(self) -> bool:
        return self.ctx.services is not None

    def attach(self, result) -> None:  # noqa: ANN001 - (store, services)
        store, services = result
        self.ctx.store, self.ctx.services = store, services
        self._first_screen_pending = True
        _ = self.sync  # follows storeUnlocked from its first one on
        self._draw_icons()  # unlocked before the first frame (keyring, tests)
        for a in self._store_actions:
            a.setEnabled(True)
        if not self.isVisible():  # unlocked before the window shows (keyring): nothing to wait for on screen
            self._show_workspace()
        self.apply_mode()
        self.ctx.storeUnlocked.emit()
        try:
            drafts = services.drafts.take()
        except Exception as exc:
            log.warning("could not read the saved drafts", exc_info=exc)
            drafts = None
        if drafts:
            self.restore_drafts(drafts)
        else:
            screen, educator_id = self._place
            if educator_id:
                self.open_record("educator", educator_id)
            else:
                self.go(screen if screen in self.screens and screen != "educator" else "caseload")
        if self.current_screen() != "caseload":
            self._show_workspace()
        else:  # once the caseload has its rows (_caseload_loaded), or after a while if they never come
            QTimer.singleShot(FIRST_SCREEN_WAIT_MS, self._show_workspace)
        self.statusBar().showMessage("Unlocked", 4000)
        self._install_app_filters(idle=True)
        self.idle.arm()

    # --- drafts: the exact place and everything typed survive a lock (ui/widgets/drafts.py) ---------------

    def open_form_dialogs(self) -> list[FormDialog]:
        from .widgets.forms import FormDialog

        return [w for w in QApplication.topLevelWidgets() if isinstance(w, FormDialog) and w.isVisible()]

    def draft_state(self) -> dict[str, Any]:
        page = self._educator_page
        built = self._built  # a screen never built holds nothing typed
        return {
            "screen": self.current_screen(),
            "educator": page.draft_state() if page is not None else None,
            "panel": self.panel.draft_state() if "panel" in built else None,
            "search": self.search.query.text() if "search" in built else "",
            "caseload_filter": self.caseload.filter_text.text() if "caseload" in built else "",
            "dialogs": [d for d in (w.draft() for w in self.open_form_dialogs()) if d],
        }

    def restore_drafts(self, state: dict[str, Any]) -> None:
        """Back to the same screen, tab and dialogs, with what was typed (anything that no longer exists, e.g.
        removed by sync meanwhile, is skipped with a note in the status bar)."""
        from .widgets.drafts import DIALOGS, apply_values

        preload.ensure()  # every dialog kind in widgets.drafts.DIALOGS is registered
        skipped = 0
        ed = state.get("educator")
        if ed:
            try:
                self.open_record("educator", ed["educator_id"])
                self.educator.restore_draft(ed)
            except Exception as exc:  # noqa: BLE001
                log.info("educator draft not restored: %s", exc)
                skipped += 1
        screen = state.get("screen")
        self.go(screen if screen in self.screens and (screen != "educator" or ed) else "caseload")
        if state.get("panel"):
            self.panel.restore_draft(state["panel"])
        if state.get("search"):
            self.search.query.setText(state["search"])
        if state.get("caseload_filter"):
            self.caseload.filter_text.setText(state["caseload_filter"])
        for d in state.get("dialogs") or []:
            factory = DIALOGS.get(d.get("kind", ""))
            try:
                if factory is None:
                    raise LookupError(d.get("kind"))
                dlg = factory(self.ctx, self, d.get("args") or {})
                apply_values(dlg, d.get("fields") or {})
                dlg.open()
            except Exception as exc:  # noqa: BLE001 - e.g. its record was removed meanwhile
                log.info("dialog draft not restored: %s", exc)
                skipped += 1
        if skipped:
            self.statusBar().showMessage(f"{skipped} unsaved item(s) from before the lock refer to records that no "
                                         "longer exist.", 12000)

    def lock(self) -> bool:
        """Keep every draft (screens, half-typed lines, open dialogs) inside the encrypted store, clear every
        view, close the store. False if the drafts could not be saved: then it stays open and says why, since
        nothing typed may be lost."""
        if not self.is_unlocked:
            return True
        with self.ctx.unattended():  # nobody may be at the keyboard (auto-lock): no questions, just keep drafts
            if self._educator_page is not None:
                self._educator_page.save_pending()  # autosaved fields; what fails to save stays in the drafts
            state = self.draft_state()
        try:
            self.ctx.svc.drafts.save(state)
        except Exception as exc:  # noqa: BLE001 - never drop what the CT typed: stay open and say why
            show_error(self, exc, title="Could not save before locking")
            return False
        self._place = (
            self.current_screen(),
            self.educator.educator_id if self.current_screen() == "educator" and self._educator_page else None,
        )
        self.idle.disarm()
        self._install_app_filters(idle=False)
        self._close_dialogs()
        self.ctx.storeLocked.emit()
        if self._educator_page is not None:
            self._educator_page.clear()
        self.nav_educator.setHidden(True)
        store = self.ctx.store
        self.ctx.store = self.ctx.services = None
        # let running background reads finish before the engine goes (their results are dropped: locked)
        QThreadPool.globalInstance().waitForDone(10_000)
        if store is not None:
            vault.lock(store)
        self._show_locked()
        return True

    def _close_dialogs(self) -> None:
        """Open dialogs may show caseload data (names, notes): close them, as if cancelled, before locking."""
        from PySide6.QtWidgets import QDialog

        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                w.reject()

    # --- navigation ---------------------------------------------------------------------------------------

    def apply_mode(self) -> None:
        """A store enrolled for a member of the ESP Panel shows the Panel's screen only (its meetings, agenda
        cases and packets); a CT's store shows everything."""
        from ..sync.role import is_panel_device

        store = self.ctx.store
        panel = store is not None and is_panel_device(store)
        self.panel_mode = panel
        if panel or "panel" in self._built:  # a CT's Panel screen waits for its first visit
            self.panel.set_panel_mode(panel)
        for key in ("caseload", "dashboard", "search"):
            self.nav.item(list(self.screens).index(key)).setHidden(panel)
        for a in (self.act_new, self.act_remove_demo, self.act_profile, self.act_sites, self.act_people,
                  self.act_year):
            a.setEnabled(not panel)
        if panel:
            self.nav_educator.setHidden(True)
            self.go("panel")

    def current_screen(self) -> str:
        row = self.nav.currentRow()
        return list(SCREENS)[row] if row >= 0 else "caseload"

    def go(self, key: str) -> None:
        if self.panel_mode:
            key = "panel"  # a Panel member's device has the Panel's screen only
        keys = list(self.screens)
        self.nav.setCurrentRow(keys.index(key))

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = list(SCREENS)[row]
        self._page(key)  # built on its first visit
        self.pages.setCurrentIndex(row)
        if key != "educator" and self.ctx.settings.get(LAST_SCREEN) != key:
            self.ctx.settings.set(LAST_SCREEN, key)

    def show_search(self) -> None:
        self.go("search")
        self.search.focus_query()

    def open_record(self, record_type: str, record_id: str) -> None:
        if not self.is_unlocked:
            return
        try:
            if record_type == "educator":
                self.educator.show_educator(record_id)
                name = self.ctx.svc.caseload.educator(record_id).display_name
                self.nav_educator.setText(name)
                self.nav_educator.setToolTip(name)  # elided in the narrow sidebar
                self.nav_educator.setHidden(False)
                self.go("educator")
            elif record_type in PANEL_TYPES:
                self.go("panel")
                self.panel.open_record(record_type, record_id)
            elif record_type in ("pl_entry", "pd_session"):  # not about one educator: their own dialogs
                from .widgets.fields import select_row

                dlg = self._learning_dialog(record_type)
                dlg.open()
                select_row(dlg.table, dlg.model.row_of(record_id))
            else:
                self.nav_educator.setHidden(False)
                self.go("educator")
                self.educator.open_record(record_type, record_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title="Could not open that record")

    # --- file actions -------------------------------------------------------------------------------------

    def _new_educator(self) -> None:
        self.go("caseload")
        self.caseload.add_educator()

    def open_school_calendar(self) -> None:
        if self.is_unlocked:
            from .settings.calendar import SchoolCalendarDialog

            SchoolCalendarDialog(self.ctx, self).exec()

    def export_calendar(self) -> None:
        if self.is_unlocked:
            from .export.calendar import export_calendar

            export_calendar(self, self.ctx)

    def write_backup(self) -> None:
        if not self.is_unlocked:
            return
        from PySide6.QtWidgets import QFileDialog

        from ..core import clock
        from .widgets import tasks

        default = str(Path.home() / f"esp-backup-{clock.today():%Y-%m-%d}.espbak")
        f, _ = QFileDialog.getSaveFileName(self, "Write encrypted backup", default, "esp-desktop backup (*.espbak)")
        if not f:
            return
        svc, out = self.ctx.svc, Path(f)

        def work() -> dict:
            return vault.backup(svc, out)

        self.statusBar().showMessage("Writing backup…")
        tasks.run_in_background(
            self,
            work,
            on_done=lambda s: self.statusBar().showMessage(f"Backup written to {out} ({s['bytes'] // 1024} KiB)", 8000),
            on_error=lambda e: show_error(self, e, title="Backup failed"),
        )

    def import_roster(self) -> None:
        if self.is_unlocked:
            self.go("caseload")
            self.caseload.import_roster()

    def district_export(self, mode: str) -> None:
        if self.is_unlocked:
            from .district.exports import DistrictExportDialog

            DistrictExportDialog(self.ctx, mode, self).exec()

    def _learning_dialog(self, record_type: str) -> Any:
        """The PL catalog (``pl_entry``) or the CT-led PD sessions (``pd_session``), imported on first use."""
        if record_type == "pl_entry":
            from .learning.catalog import CatalogDialog

            return CatalogDialog(self.ctx, self)
        from .learning.sessions import SessionsDialog

        return SessionsDialog(self.ctx, self)

    def _open_learning(self, record_type: str) -> None:
        if self.is_unlocked:
            self._learning_dialog(record_type).open()

    def _program(self, name: str) -> None:
        """One of the Program menu's dialogs (ui/settings/program.py), by class name."""
        if self.is_unlocked:
            from .settings import program

            getattr(program, name)(self.ctx, self).open()

    def remove_demo(self) -> None:
        if not self.is_unlocked:
            return
        from PySide6.QtWidgets import QMessageBox

        from .widgets.write import ui_write

        summary = self.ctx.svc.demo.summary()
        if summary is None:
            QMessageBox.information(self, "Remove demo data", "There is no demo data in this store.")
            return
        text = (f"Remove the fictional demo caseload: {summary.educators} demo educator(s) and everything the demo "
                f"made ({summary.demo_records} records)?")
        if summary.added_by_you:
            text += (f"\n\n{summary.added_by_you} record(s) you added to demo educators go with them. Educators, "
                     "sites and people you added yourself stay.")
        else:
            text += "\n\nEducators, sites and people you added yourself stay."
        box = QMessageBox(QMessageBox.Icon.Question, "Remove demo data", text, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRemoveDemo")
        go = box.addButton("Remove demo data", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not go:
            return
        done = ui_write(self, self.ctx.svc.demo.remove, ctx=self.ctx)
        if done is not None:
            self.statusBar().showMessage(f"Removed the demo data ({done.value.demo_records + done.value.added_by_you} "
                                         "records).", 8000)

    def _educator_gone(self) -> None:
        """The open educator was removed (e.g. demo data removed, or by sync): back to the caseload."""
        self.nav_educator.setHidden(True)
        if self.current_screen() == "educator":
            self.go("caseload")

    def restore_backup(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from .settings.restore import RestoreDialog, restore
        from .widgets import tasks

        f, _ = QFileDialog.getOpenFileName(self, "Restore from backup", str(Path.home()),
                                           "esp-desktop backup (*.espbak)")
        if not f:
            return
        archive = Path(f)
        try:
            dlg = RestoreDialog(self.ctx.data_dir, archive, self)
        except Exception as exc:  # noqa: BLE001 - not a backup, unreadable
            show_error(self, exc, title="Not restored")
            return
        if not dlg.exec():
            return
        passphrase = dlg.passphrase.text()
        if self.is_unlocked and not self.lock():
            return
        self.statusBar().showMessage("Restoring the backup…")
        self.unlock_screen.setEnabled(False)

        def done(summary: dict) -> None:
            self.unlock_screen.setEnabled(True)
            self._after_restore()
            self.statusBar().showMessage("Backup restored: unlock with the passphrase it was made with.", 12000)

        def failed(exc: BaseException) -> None:
            self.unlock_screen.setEnabled(True)
            self._after_restore()
            show_error(self, exc, title="Not restored")

        tasks.run_in_background(self, lambda: restore(archive, self.ctx.data_dir, passphrase), on_done=done,
                                on_error=failed)

    def _after_restore(self) -> None:
        """The data folder may be a new one now: nothing of the old store's screens or drafts applies."""
        self._place = ("caseload", None)
        self.unlock_screen.reset()
        if self.instance is not None:
            try:
                self.instance.relock()  # the old folder, lock file included, was moved aside
            except Exception as exc:  # noqa: BLE001
                log.warning("could not lock the restored data folder: %s", exc)

    def bring_forward(self) -> None:
        """A second start on this data folder: show this window instead of opening another."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage("esp-desktop is already open here: this is its window.", 8000)

    def open_settings(self) -> None:
        from .settings.dialog import SettingsDialog

        dlg = SettingsDialog(self.ctx, self, sync=self.sync if self.is_unlocked else None)
        if dlg.exec():
            self.idle.set_minutes(self.ctx.settings.get(AUTO_LOCK_MINUTES))

    def about(self) -> None:
        from .settings.dialog import AboutDialog

        AboutDialog(self).exec()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._preload_gate is not None:
            self._preload_gate.painted()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_unlocked and not self.lock():
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        event.accept()


__all__ = ["MainWindow", "__version__"]
