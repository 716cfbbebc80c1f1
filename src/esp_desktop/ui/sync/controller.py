"""Sync in the Qt client: a controller around ``sync.client.SyncClient`` and the toolbar status widget.

    ctl = SyncController(ctx, window)   # owns the timer; follows storeUnlocked / storeLocked
    ctl.sync_now()                      # "Sync now": enrols first if a one-time code is pending
    SyncStatus(ctl)                     # icon, text (last sync, conflicts, errors), progress bar

A sync runs through ``tasks.run_in_background``; progress comes back through a queued signal. Locking
bumps a generation counter: a running sync stops at its next progress report (sync is resumable by
design, nothing is lost) and its result is dropped. Failures leave every local change in the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QWidget,
)

from ...core import timefmt
from ...core.errors import EspError
from ...services import vault
from ...settings import SYNC_CA_CERT, SYNC_INTERVAL_MINUTES, SYNC_SERVER
from ...sync.role import is_panel_device
from ..context import AppContext
from ..widgets import tasks
from ..widgets.icons import icon

log = logging.getLogger(__name__)


class SyncCancelled(Exception):
    """Raised inside a running sync when the store was locked meanwhile (the engine resumes next time)."""


class SyncController(QObject):
    changed = Signal()  # status, last sync, conflicts or running state changed
    progressed = Signal(str, int, int)  # phase, done, total (-1: unknown); emitted on the worker thread

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.pending_code = ""  # one-time enrolment code: kept in memory only, never in settings.json
        self.running = False
        self.status = ""
        self.error: str | None = None
        self.last_sync: dt.datetime | None = None
        self.open_conflicts = 0
        self.enrolled = False
        self._generation = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now(interactive=False))
        ctx.storeUnlocked.connect(self.attach)
        ctx.storeLocked.connect(self.stop)

    # --- configuration
    @property
    def server(self) -> str:
        return self.ctx.settings.get(SYNC_SERVER).strip()

    def client(self, *, passphrase: str | None = None, progress: Any = None):  # noqa: ANN201 - SyncClient
        from ...sync.client import SyncClient

        return SyncClient(
            self.ctx.open_store,
            server_url=self.server,
            passphrase=passphrase,
            ca_cert=self.ctx.settings.get(SYNC_CA_CERT) or None,
            progress=progress,
        )

    def attach(self) -> None:
        """After unlock (or a settings change): read the local sync state and (re)start the timer."""
        self.error = None
        self.refresh()
        minutes = self.ctx.settings.get(SYNC_INTERVAL_MINUTES)
        self.timer.stop()
        if self.server and self.enrolled and minutes > 0:
            self.timer.start(minutes * 60_000)

    def refresh(self) -> None:
        if self.ctx.store is None:
            return
        if self.server:
            from ...sync.state import read_state

            st = read_state(self.ctx.open_store)
            self.enrolled = st.enrolled_with(self.server)
            self.last_sync = st.last_sync
            self.open_conflicts = self.ctx.svc.conflicts.count()
        else:
            self.enrolled, self.last_sync, self.open_conflicts = False, None, 0
        self.changed.emit()

    def stop(self) -> None:
        """On lock: stop the timer, let a running sync stop at its next step, forget the caseload view."""
        self._generation += 1
        self.timer.stop()
        self.running = False
        self.status, self.error, self.last_sync, self.open_conflicts, self.enrolled = "", None, None, 0, False
        self.changed.emit()

    # --- one sync
    def sync_now(self, *, interactive: bool = True, allow_mass_delete: bool = False) -> None:
        if self.running or self.ctx.store is None:
            return
        if not self.server:
            if interactive:
                self._tell("Sync is not set up", "Enter the server address in Settings › Sync first.")
            return
        from ...sync.state import read_state

        code = self.pending_code
        st = read_state(self.ctx.open_store)
        if not code and not st.token:
            self._fail("This device is not enrolled: enter the one-time code in Settings › Sync.", interactive)
            return
        if not code and not st.enrolled_with(self.server):
            self._fail(
                f"This store syncs with {st.server}; enter an enrolment code for the new server in Settings › Sync.",
                interactive,
            )
            return
        passphrase = None
        if not st.sync_key or code:
            # The sync key (end-to-end encryption of private notes) is wrapped with the passphrase once.
            if not interactive:
                return
            passphrase = self.ask_passphrase()
            if passphrase is None:
                return
        self._run(code=code, passphrase=passphrase, allow_mass_delete=allow_mass_delete, interactive=interactive)

    def ask_passphrase(self) -> str | None:
        text, ok = QInputDialog.getText(
            self.window,
            "Set up sync",
            "Enter your passphrase once to set up end-to-end encryption of private notes:",
            QLineEdit.EchoMode.Password,
        )
        return text if ok and text else None

    def _run(self, *, code: str, passphrase: str | None, allow_mass_delete: bool, interactive: bool) -> None:
        gen = self._generation
        store = self.ctx.open_store
        conflicts = self.ctx.svc.conflicts
        enrolled: list[bool] = []

        def progress(p) -> None:  # noqa: ANN001 - sync.client.Progress, on the worker thread
            if gen != self._generation:
                raise SyncCancelled()
            self.progressed.emit(p.phase, p.done, -1 if p.total is None else p.total)

        def work() -> tuple[Any, int]:
            if passphrase is not None:
                vault.verify_passphrase(store, passphrase)  # WrongPassphrase before anything is wrapped
            c = self.client(passphrase=passphrase, progress=progress)
            try:
                if code:
                    c.enrol(code, device_name=platform.node() or "esp-desktop")
                    enrolled.append(True)
                if is_panel_device(store):  # a Panel member's device: no sync key, the Panel's records only
                    from ...sync.panel import PanelSync

                    panel = PanelSync(store, server_url=self.server,
                                      ca_cert=self.ctx.settings.get(SYNC_CA_CERT) or None)
                    try:
                        return panel.sync(), 0
                    finally:
                        panel.close()
                rep = c.sync(allow_mass_delete=allow_mass_delete)
                learning_exchange(c, store)
                return rep, conflicts.count()
            finally:
                c.close()

        def done(result: tuple[Any, int]) -> None:
            if gen != self._generation:
                return
            rep, self.open_conflicts = result
            self._finish(enrolled)
            self.last_sync, self.error = rep.last_sync, None
            self.status = f"{rep.pushed} sent, {rep.pulled} received"
            msg = f"Synced: {self.status}."
            if rep.conflicts:
                msg += f" {rep.conflicts} new conflict(s) to resolve."
            if rep.rejected:
                msg += f" The server refused {len(rep.rejected)} change(s): {rep.rejected[0]}"
            self.ctx.statusMessage.emit(msg)
            self.ctx.flush_changes()  # views show what was received now, not at the next event-loop turn
            self.changed.emit()
            if enrolled and hasattr(self.window, "apply_mode"):
                self.window.apply_mode()  # a Panel code turns this window into the Panel's view

        def failed(exc: BaseException) -> None:
            if gen != self._generation:
                return
            self._finish(enrolled)
            self.on_error(exc, interactive=interactive)

        self.running, self.status, self.error = True, "Starting…", None
        self.changed.emit()
        tasks.run_in_background(self.window, work, on_done=done, on_error=failed)

    def _finish(self, enrolled: list[bool]) -> None:
        self.running = False
        if enrolled:
            self.pending_code = ""  # the code is used up once the server accepted it
            self.enrolled = True
            self.attach_timer()

    def attach_timer(self) -> None:
        minutes = self.ctx.settings.get(SYNC_INTERVAL_MINUTES)
        if minutes > 0 and not self.timer.isActive():
            self.timer.start(minutes * 60_000)

    def on_error(self, exc: BaseException, *, interactive: bool) -> None:
        from ...sync.client import MassDeletion

        if isinstance(exc, MassDeletion):
            self.error = f"Paused: would delete {exc.deleting} of {exc.total} records"
            self.changed.emit()
            if interactive and self.confirm_mass_delete(exc):
                self.sync_now(interactive=True, allow_mass_delete=True)
            return
        if isinstance(exc, SyncCancelled):
            return
        text = str(exc) if isinstance(exc, EspError) else "Sync failed (the details are in the log file)."
        if not isinstance(exc, EspError):
            log.error("sync failed", exc_info=exc)
        self._fail(text + " Your changes are kept on this computer and will be sent next time.", interactive)

    def confirm_mass_delete(self, exc: Any) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete many records?",
            str(exc).replace(" (--allow-mass-delete)", "") + "\n\nDelete them anyway?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        yes = box.addButton("Delete and sync", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def _fail(self, text: str, interactive: bool) -> None:
        self.error = text
        self.changed.emit()
        if interactive:
            self._tell("Sync did not complete", text)

    def _tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)


class SyncStatus(QWidget):
    """The toolbar's sync status: icon, one line of text (tooltip: details), a progress bar while running."""

    def __init__(self, ctl: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctl = ctl
        self.setObjectName("syncStatus")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)  # hug the text
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setAccessibleName("Sync status")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Sync progress")
        self.bar.setFixedWidth(90)
        self.bar.setTextVisible(False)
        self.bar.hide()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        lay.addWidget(self.icon)
        lay.addWidget(self.text)
        lay.addWidget(self.bar)
        ctl.changed.connect(self.update_view)
        ctl.progressed.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        self.update_view()

    def on_progress(self, phase: str, done: int, total: int) -> None:
        if not self.ctl.running:
            return
        self.bar.show()
        self.bar.setRange(0, max(total, 0))  # 0..0: busy indicator when the total is unknown
        self.bar.setValue(done if total >= 0 else 0)
        word = {"push": "Sending", "pull": "Receiving"}.get(phase, "Finishing")
        self.text.setText(f"{word}… {done}" + (f"/{total}" if total >= 0 else ""))

    def update_view(self) -> None:
        c = self.ctl
        self.bar.setVisible(c.running)
        if c.running:
            name, text = "refresh-cw", "Syncing…"
            self.bar.setRange(0, 0)
        elif not c.server:
            name, text = "wifi-off", "Offline · sync not set up"
        elif c.error:
            name, text = "triangle-alert", "Sync failed" if not c.error.startswith("Paused") else c.error
        elif c.open_conflicts:
            name, text = "triangle-alert", f"{c.open_conflicts} sync conflict(s)"
        elif c.last_sync:
            name, text = "circle-check", f"Synced {timefmt.screen_time(c.last_sync)}"
        else:
            name, text = "cloud-upload", "Not synced yet"
        if c.last_sync and not c.running and (c.error or c.open_conflicts):
            text += f" · last sync {timefmt.screen_time(c.last_sync)}"
        self.icon.setPixmap(icon(name).pixmap(16, 16))
        self.text.setText(text)
        tip = [f"Server: {c.server}" if c.server else "Sync with the program's central server: Settings › Sync"]
        if c.last_sync:
            tip.append(f"Last sync: {timefmt.screen_datetime(c.last_sync)}")
        if c.status and not c.running:
            tip.append(f"Last result: {c.status}")
        if c.error:
            tip.append(c.error)
        self.setToolTip("\n".join(tip))
        self.text.adjustSize()
        self.updateGeometry()  # the toolbar re-lays out for the new text (no clipped "last sync")


def learning_exchange(client: Any, store: Any) -> None:
    """After a sync: the de-identified needs counts and the shared catalog (sync/learning.py)."""
    from ...services import Services
    from ...sync.learning import exchange_catalog, send_needs_counts

    svc = Services(store)
    profile = svc.caseload.profile()
    send_needs_counts(client, svc.learning, school_year=(profile.school_year if profile else "") or "")
    exchange_catalog(client, svc.learning)
