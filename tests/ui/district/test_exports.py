"""The Export tables dialog (pytest-qt): what the chosen reader gets and what is left out, shown before writing;
a reader without the scope the policy needs cannot export; the file is written and audited."""

from __future__ import annotations

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

pytestmark = pytest.mark.qt

def test_export_dialog_shows_what_the_reader_gets_and_writes_it(qtbot, ctx, tmp_path, monkeypatch):
    from esp_desktop.ui.district.exports import DistrictExportDialog

    cl = ctx.svc.caseload
    site = cl.add_site(name="Harborview K-8 School")
    e = cl.add_educator(given_name="Ana", family_name="Silva", employee_id="E1", site_ids=[site.id])
    en = cl.refer(educator_id=e.id, program="PA")
    cl.record_intake(enrolment_id=en.id, held_on=en.referred_on)
    cl.enrol(enrolment_id=en.id)
    o = ctx.svc.observations.start(educator_id=e.id, kind="announced", site_id=site.id)
    ctx.svc.observations.add_note(observation_id=o.id, text="Private hunch")
    dlg = DistrictExportDialog(ctx, "tables")
    qtbot.addWidget(dlg)
    assert "Observations: 1 row(s)" in dlg.preview.text() and "1 scripted line is CT-private" in dlg.preview.text()
    dlg.reader.setCurrentIndex(dlg.reader.findData("admin"))
    assert not dlg.export_btn.isEnabled() and "needs a scope" in dlg.preview.text()
    dlg.site.setCurrentIndex(dlg.site.findData(site.id))
    assert "Observations: 0 row(s)" in dlg.preview.text() and "Silva" not in dlg.preview.text()
    dlg.reader.setCurrentIndex(dlg.reader.findData("panel"))
    dlg.format.setCurrentIndex(dlg.format.findData("xlsx"))
    dlg.path.setText(str(tmp_path / "tables.xlsx"))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    qtbot.mouseClick(dlg.export_btn, Qt.MouseButton.LeftButton)
    assert dlg.result_files == [tmp_path / "tables.xlsx"] and (tmp_path / "tables.xlsx").exists()
    assert any(h.action == "export_tables" for h in ctx.svc.audit.history(limit=3))
