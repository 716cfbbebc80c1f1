"""The main window: locked screen or workspace (sidebar, stacked pages), toolbar, menus, auto-lock.

Locking saves the educator page's pending edits, tells every view to drop its caseload data
(``ctx.storeLocked``), closes the store and shows the unlock screen; unlocking returns to the same place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QThreadPool
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core import clock
from ..settings import AUTO_LOCK_MINUTES, LAST_SCREEN
from .caseload.page import CaseloadPage
from .compliance.page import DashboardPage
from .context import AppContext
from .educator.page import EducatorPage
from .panel.page import PanelPage
from .search.page import SearchPage
from .settings.autolock import IdleWatcher
from .settings.dialog import AboutDialog, SettingsDialog
from .settings.unlock import UnlockScreen
from .sync.controller import SyncController, SyncStatus
from .sync.dialogs import ConflictsDialog
from .widgets import tasks
from .widgets.common import show_error
from .widgets.icons import app_icon, icon

log = logging.getLogger(__name__)
PANEL_TYPES = ("panel_meeting", "panel_case", "panel_attendance", "panel_motion", "panel_decision")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("esp-desktop")
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.setMinimumSize(QSize(900, 560))
        self._place: tuple[str, str | None] = (ctx.settings.get(LAST_SCREEN), None)

        self.unlock_screen = UnlockScreen(ctx.data_dir, ctx.settings)
        self.unlock_screen.unlocked.connect(self.attach)
        self.caseload = CaseloadPage(ctx)
        self.dashboard = DashboardPage(ctx)
        self.panel = PanelPage(ctx)
        self.search = SearchPage(ctx)
        # The educator page is the heaviest screen: built on first use, not at start-up.
        self._educator_page: EducatorPage | None = None
        self._educator_host = QWidget()
        QVBoxLayout(self._educator_host).setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget()
        self.nav = QListWidget()
        self.nav.setObjectName("sidebar")
        self.nav.setAccessibleName("Navigation")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFixedWidth(200)
        self.screens: dict[str, QWidget] = {}
        for key, title, icon_name, page in (
            ("caseload", "Caseload", "users", self.caseload),
            ("dashboard", "Compliance", "clipboard-check", self.dashboard),
            ("panel", "Panel meetings", "gavel", self.panel),
            ("search", "Search", "search", self.search),
            ("educator", "Educator", "user", self._educator_host),
        ):
            it = QListWidgetItem(icon(icon_name), title)
            it.setSizeHint(QSize(0, 38))
            it.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(it)
            self.pages.addWidget(page)
            self.screens[key] = page
        self.nav_educator = self.nav.item(4)
        self.nav_educator.setHidden(True)  # shown once an educator is open
        self.nav.currentRowChanged.connect(self._nav_changed)

        workspace = QWidget()
        h = QHBoxLayout(workspace)
        h.setContentsMargins(0, 0, 0, 0)
        h.setSpacing(0)
        h.addWidget(self.nav)
        h.addWidget(self.pages, 1)
        self.top = QStackedWidget()
        self.top.addWidget(self.unlock_screen)
        self.top.addWidget(workspace)
        self.setCentralWidget(self.top)

        self.sync = SyncController(ctx, self)
        self._build_actions()
        self.idle = IdleWatcher(self)
        self.idle.set_minutes(ctx.settings.get(AUTO_LOCK_MINUTES))
        self.idle.idle.connect(ctx.lockRequested)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        ctx.lockRequested.connect(self.lock)
        ctx.openRecordRequested.connect(self.open_record)
        ctx.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._show_locked()

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
            a.setIcon(icon(icon_name))
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([QKeySequence(s) for s in seqs])
            a.setToolTip(f"{text.replace('&', '').rstrip('…')} ({QKeySequence(seqs[0]).toString()})")
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        if needs_store:
            self._store_actions.append(a)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self._store_actions: list[QAction] = []
        self.act_lock = self._action("&Lock", self.ctx.lockRequested.emit, shortcut="Ctrl+L", icon_name="lock")
        self.act_new = self._action("&New educator…", self._new_educator, shortcut="Ctrl+N", icon_name="user-plus")
        self.act_search = self._action("&Search…", self.show_search, shortcut=["Ctrl+F", "Ctrl+K"], icon_name="search")
        self.act_backup = self._action("Write &backup…", self.write_backup, icon_name="archive")
        self.act_sync = self._action("S&ync now", self.sync.sync_now, shortcut="Ctrl+Shift+S", icon_name="refresh-cw")
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
                ("search", "&Search"),
            )
        ):
            go.append(self._action(text, lambda _=False, k=key: self.go(k), shortcut=f"Ctrl+{n + 1}"))

        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_sync, self.act_conflicts, self.act_backup, self.act_settings):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_lock)
        m.addAction(self.act_quit)
        m = mb.addMenu("&Go")
        for a in go:
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_search)
        m = mb.addMenu("&Educator")
        m.addAction(self.act_new)
        m = mb.addMenu("&Help")
        m.addAction(self.act_about)

        self.toolbar = tb = QToolBar("Main toolbar")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QSize(18, 18))
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_lock, self.act_new, self.act_search):
            tb.addAction(a)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        self.sync_status = SyncStatus(self.sync)
        tb.addWidget(self.sync_status)
        tb.addAction(self.act_sync)
        self.addToolBar(tb)

    def show_conflicts(self) -> None:
        if self.is_unlocked and self.sync.server:
            ConflictsDialog(self.sync, self).exec()
        elif self.is_unlocked:
            self.statusBar().showMessage("Sync is not set up: Settings › Sync.", 8000)

    # --- lock / unlock ------------------------------------------------------------------------------------

    def _show_locked(self) -> None:
        for a in self._store_actions:
            a.setEnabled(False)
        self.toolbar.hide()  # nothing to do there while locked
        self.unlock_screen.reset()
        self.top.setCurrentIndex(0)
        self.statusBar().showMessage("Locked")
        self.unlock_screen.passphrase.setFocus()

    @property
    def is_unlocked(self) -> bool:
        return self.ctx.services is not None

    def attach(self, result) -> None:  # noqa: ANN001 - (store, services)
        store, services = result
        self.ctx.store, self.ctx.services = store, services
        for a in self._store_actions:
            a.setEnabled(True)
        self.toolbar.show()
        self.top.setCurrentIndex(1)
        self.ctx.storeUnlocked.emit()
        screen, educator_id = self._place
        if educator_id:
            self.open_record("educator", educator_id)
        else:
            self.go(screen if screen in self.screens and screen != "educator" else "caseload")
        self.statusBar().showMessage("Unlocked", 4000)
        self.idle.arm()

    @property
    def educator(self) -> EducatorPage:
        if self._educator_page is None:
            self._educator_page = EducatorPage(self.ctx)
            layout = self._educator_host.layout()
            assert layout is not None
            layout.addWidget(self._educator_page)
        return self._educator_page

    def lock(self) -> bool:
        """Save pending edits, clear every view, close the store. False if saving failed (stays unlocked)."""
        if not self.is_unlocked:
            return True
        try:
            if self._educator_page is not None:
                self._educator_page.save_pending()
        except Exception as exc:  # noqa: BLE001 - never drop what the CT typed: stay open and say why
            show_error(self, exc, title="Could not save before locking")
            return False
        self._place = (
            self.current_screen(),
            self.educator.educator_id if self.current_screen() == "educator" and self._educator_page else None,
        )
        self.idle.disarm()
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
            store.close()
        self._show_locked()
        return True

    def _close_dialogs(self) -> None:
        """Open dialogs may show caseload data (names, notes): close them, as if cancelled, before locking."""
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                w.reject()

    # --- navigation ---------------------------------------------------------------------------------------

    def current_screen(self) -> str:
        return self.nav.currentItem().data(Qt.ItemDataRole.UserRole) if self.nav.currentItem() else "caseload"

    def go(self, key: str) -> None:
        keys = list(self.screens)
        self.nav.setCurrentRow(keys.index(key))

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
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
                self.nav_educator.setText(self.ctx.svc.caseload.educator(record_id).display_name)
                self.nav_educator.setHidden(False)
                self.go("educator")
            elif record_type in PANEL_TYPES:
                self.go("panel")
                self.panel.open_record(record_type, record_id)
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

    def write_backup(self) -> None:
        if not self.is_unlocked:
            return
        default = str(Path.home() / f"esp-backup-{clock.today():%Y-%m-%d}.espbak")
        f, _ = QFileDialog.getSaveFileName(self, "Write encrypted backup", default, "esp-desktop backup (*.espbak)")
        if not f:
            return
        from ..store.backup import create_backup

        store, svc, out = self.ctx.open_store, self.ctx.svc, Path(f)

        def work() -> dict:
            summary = create_backup(store, out)
            svc.audit.log(action="backup", detail={"file": out.name, **summary})
            return summary

        self.statusBar().showMessage("Writing backup…")
        tasks.run_in_background(
            self,
            work,
            on_done=lambda s: self.statusBar().showMessage(f"Backup written to {out} ({s['bytes'] // 1024} KiB)", 8000),
            on_error=lambda e: show_error(self, e, title="Backup failed"),
        )

    def open_settings(self) -> None:
        dlg = SettingsDialog(self.ctx, self, sync=self.sync if self.is_unlocked else None)
        if dlg.exec():
            self.idle.set_minutes(self.ctx.settings.get(AUTO_LOCK_MINUTES))

    def about(self) -> None:
        AboutDialog(self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_unlocked and not self.lock():
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        event.accept()


__all__ = ["MainWindow", "__version__"]
