"""The roster import dialog (pytest-qt): preview with guessed columns, a changed mapping, problems listed with
reasons, an unticked row left out, and the import of exactly the ticked good rows."""

from __future__ import annotations

import pytest

from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

pytestmark = pytest.mark.qt
ROSTER = """\
Staff ID,First Name,Last Name,Work Location,Position,Grades,Contact
110311,Lucía,Fernández,Harborview K-8 School,Science,6-8,l.fernandez@example.org
110312,Oluwaseun,Adeyemi,Quarry Point Academy,History,9-12,o.adeyemi@example.org
110312,Oluwaseun,Adeyemi,Quarry Point Academy,History,9-12,o.adeyemi@example.org
,Grace,Okafor,Harborview K-8 School,Art,K-8,g.okafor@example.org
110315,Hannah,Berg,Fernwood Upper School,Chemistry,9-12,hannah.berg@
110316,Samir,Haddad,Juniper Hill Elementary; Harborview K-8 School,Music,K-8,s.haddad@example.org
"""




def test_import_dialog_previews_maps_and_imports_exactly_the_ticked_good_rows(qtbot, ctx, tmp_path, monkeypatch):
    from esp_desktop.ui.district.roster import RosterImportDialog

    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    dlg = RosterImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.import_btn.isEnabled() and "Choose the roster file" in dlg.summary.text()
    qtbot.keyClicks(dlg.path, str(path))
    qtbot.keyClick(dlg.path, Qt.Key.Key_Return)

    assert dlg.combos["employee_id"].currentText() == "Staff ID"
    assert dlg.combos["school"].currentText() == "Work Location"
    assert dlg.combos["email"].currentText() == "(not in the file)"  # "Contact" is not a known header
    dlg.combos["email"].setCurrentIndex(dlg.combos["email"].findText("Contact"))  # the CT maps it

    m = dlg.model
    status = {m.item(r, 0).text(): m.item(r, 1).text() for r in range(m.rowCount())}
    assert status == {"2": "New", "3": "New", "4": "Duplicate (skipped)", "5": "Problem", "6": "Problem", "7": "New"}
    notes = {m.item(r, 0).text(): m.item(r, 2).text() for r in range(m.rowCount())}
    assert notes["5"] == "no employee ID" and "not an email address" in notes["6"] and "repeats row 3" in notes["4"]
    assert dlg.import_btn.text() == "Import 3 educator(s)"
    assert "3 new educator(s)" in dlg.summary.text() and "Dry run" in dlg.summary.text()
    assert ctx.svc.caseload.educators() == []

    row_of = {m.item(r, 0).text(): r for r in range(m.rowCount())}
    m.item(row_of["3"], 1).setCheckState(Qt.CheckState.Unchecked)  # leave Oluwaseun out
    assert dlg.import_btn.text() == "Import 2 educator(s)" and "left 1 row(s) out" in dlg.summary.text()

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    qtbot.mouseClick(dlg.import_btn, Qt.MouseButton.LeftButton)
    assert told and "Imported 2 new educator(s)" in told[0]
    on_file = {e.employee_id: e for e in ctx.svc.caseload.educators()}
    assert set(on_file) == {"110311", "110316"}
    assert on_file["110311"].email == "l.fernandez@example.org"
    assert sorted(s.name for s in ctx.svc.caseload.sites()) == ["Harborview K-8 School", "Juniper Hill Elementary"]

