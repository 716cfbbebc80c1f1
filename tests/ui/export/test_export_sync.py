"""Export PDF from the educator page, and sync from the main window against a real esp-central on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from tests.helpers.env import PASSPHRASE  # noqa: E402
from tests.helpers.qt import make_window, on_modal, type_unlock  # noqa: E402

pytestmark = pytest.mark.qt
# Tests never write inside the repository: screenshots go to a temporary folder (make screenshots renders docs/).
SHOTS = Path(os.environ.get("ESP_SCREENSHOT_DIR") or tempfile.gettempdir()) / "esp-test-screenshots"


def _open_first_educator(win):
    svc = win.ctx.svc
    e = next(e for e in sorted(svc.caseload.educators(), key=lambda e: e.family_name) if svc.observations.for_educator(e.id))
    win.open_record("educator", e.id)
    assert win.current_screen() == "educator" and win.educator.educator_id == e.id
    return e


def test_export_panel_packet_from_the_educator_page(qtbot, demo_dir, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from esp_desktop.ui.export import dialog as export_dialog

    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    e = _open_first_educator(win)
    out = tmp_path / "out" / "packet.pdf"
    opened, asked = [], []
    monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(export_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    monkeypatch.setattr(
        export_dialog.QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Open
    )
    errors: list = []

    def drive(dlg) -> None:
        assert isinstance(dlg, export_dialog.ExportDialog)
        # an observation report for administrators: refused plainly, nothing written, dialog stays open
        dlg.kind.setCurrentIndex(dlg.kind.findData("observation"))
        dlg.audience.setCurrentIndex(dlg.audience.findData("admin"))
        dlg.path.setText(str(tmp_path / "obs.pdf"))
        qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
        assert dlg.isVisible() and not dlg.error.isHidden()
        assert "cannot be exported for" in dlg.error.text()
        assert not (tmp_path / "obs.pdf").exists()
        # the panel packet for the panel, file chosen through the (patched) save dialog
        dlg.kind.setCurrentIndex(dlg.kind.findData("panel-packet"))
        assert dlg.audience.currentData() == "panel"  # the packet's usual reader is preselected
        assert dlg.path.text().endswith(".pdf") and "panel-packet" in dlg.path.text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        dlg.grab().save(str(SHOTS / "export-dialog.png"))
        qtbot.mouseClick(dlg.browse, Qt.MouseButton.LeftButton)
        assert dlg.path.text() == str(out)
        qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)

    on_modal(drive, errors)
    qtbot.mouseClick(win.educator.export_btn, Qt.MouseButton.LeftButton)
    if errors:
        raise errors[0]
    assert out.exists() and asked and opened == [str(out)]
    reader = PdfReader(str(out))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert len(reader.pages) >= 2 and e.family_name in text and "CONFIDENTIAL" in text.upper()
    audit = [a for a in win.ctx.svc.audit.history(educator_id=e.id, limit=20) if a.action == "export_pdf"]
    assert len(audit) == 1 and audit[0].detail["audience"] == "panel"
    assert audit[0].detail["document"] == "panel-packet" and audit[0].detail["file"] == "packet.pdf"


# --------------------------------------------------------------------------- sync


@pytest.fixture
def central(tmp_path):  # a real esp-central on 127.0.0.1 (uvicorn in a thread)
    from esp_desktop.server import db
    from esp_desktop.server.app import create_app
    from esp_desktop.server.security import RateLimiter
    from esp_desktop.server.service import Central
    from tests.helpers.central import ThreadedServer

    (tmp_path / "central").mkdir()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central' / 'central.db'}")
    db.upgrade(engine)
    c = Central(engine=engine, data_dir=tmp_path / "central")
    generous = RateLimiter(capacity=1000, per_second=100)
    srv = ThreadedServer(create_app(central=c, enrol_limiter=generous, auth_limiter=generous))
    srv.__enter__()
    yield c, f"http://127.0.0.1:{srv.port}", srv
    if srv.thread.is_alive():
        srv.__exit__()
    engine.dispose()


def test_sync_status_conflicts_and_server_down(qtbot, demo_dir, tmp_path, monkeypatch, central, _template_stores):
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault
    from esp_desktop.sync.client import SyncClient
    from esp_desktop.ui.settings.dialog import SettingsDialog
    from esp_desktop.ui.sync import controller as sync_ui
    from esp_desktop.ui.sync.dialogs import ConflictsDialog

    c, url, srv = central
    warnings: list[str] = []
    monkeypatch.setattr(sync_ui.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    monkeypatch.setattr(sync_ui.QInputDialog, "getText", lambda *a, **k: (PASSPHRASE, True))
    win = make_window(qtbot, demo_dir)
    type_unlock(qtbot, win)
    assert win.sync_status.text.text() == "Offline · sync not set up"

    # Settings > Sync: server and one-time code (the code is kept in memory only)
    code = c.add_user(name="Ms Okafor", role="ct")
    errors: list = []

    def fill(dlg) -> None:
        assert isinstance(dlg, SettingsDialog)
        dlg.sync.server.setText(url + "/")
        dlg.sync.code.setText(code)
        dlg.accept()

    on_modal(fill, errors)
    win.open_settings()
    assert not errors and win.sync.pending_code == code
    assert code not in (demo_dir / "settings.json").read_text()
    assert win.act_sync.shortcut().toString() == "Ctrl+Shift+S"
    win.act_sync.trigger()
    assert warnings == [] and win.sync.error is None, warnings
    assert win.sync_status.text.text().startswith("Synced ") and win.sync.pending_code == ""
    assert win.sync.enrolled and win.sync.last_sync is not None

    # a second device of the same CT edits the same educator while this one is offline: a conflict
    other_dir = shutil.copytree(_template_stores["empty"], tmp_path / "tablet")
    other = Vault(other_dir).unlock(PASSPHRASE)
    oc = SyncClient(other, server_url=url, passphrase=PASSPHRASE)
    try:
        oc.enrol(c.user_code(name="Ms Okafor"), device_name="tablet")
        oc.sync()
        e = win.ctx.svc.caseload.educators()[0]
        Services(other).caseload.update_educator(e.id, role_subject="Grade 5 science (tablet)")
        oc.sync()
    finally:
        oc.close()
        other.close()
    win.ctx.svc.caseload.update_educator(e.id, role_subject="Grade 5 science (laptop)")
    win.act_sync.trigger()
    assert win.sync.open_conflicts == 1 and "1 sync conflict" in win.sync_status.text.text()

    def resolve(dlg) -> None:
        assert isinstance(dlg, ConflictsDialog) and dlg.table.rowCount() == 1
        what = dlg.table.item(0, 2).text()
        assert "role subject" in what and "(laptop)" in what and "(tablet)" in what
        dlg.grab().save(str(SHOTS / "sync-conflicts.png"))
        # the server had the tablet's edit first: it is in use, this laptop's edit was kept aside; keep mine
        assert what.index("(tablet)") < what.index("(laptop)")
        qtbot.mouseClick(dlg.mine, Qt.MouseButton.LeftButton)
        assert dlg.table.rowCount() == 0 and not dlg.theirs.isEnabled()
        dlg.reject()

    SHOTS.mkdir(parents=True, exist_ok=True)
    win.grab().save(str(SHOTS / "sync-status.png"))
    on_modal(resolve, errors)
    win.act_conflicts.trigger()
    if errors:
        raise errors[0]
    assert win.sync.open_conflicts == 0 and win.sync_status.text.text().startswith("Synced ")
    assert win.ctx.svc.caseload.educator(e.id).role_subject == "Grade 5 science (laptop)"

    # the server goes down: a clear message, the local edit stays pending
    srv.__exit__()
    win.ctx.svc.caseload.update_educator(e.id, grade_band="6-8")
    win.act_sync.trigger()
    assert len(warnings) == 1 and "Cannot reach the sync server" in warnings[0]
    assert "kept on this computer" in warnings[0] and win.sync_status.text.text().startswith("Sync failed")
    assert win.ctx.svc.caseload.educator(e.id).grade_band == "6-8"

    # locking stops and clears the sync view
    win.act_lock.trigger()
    assert not win.is_unlocked
    assert not win.sync.timer.isActive() and win.sync.last_sync is None and win.sync.error is None
