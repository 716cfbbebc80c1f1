"""Render PNG screenshots of the main screens into docs/screenshots/ (offscreen Qt, fictional demo data).

QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "correct horse battery staple"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QWizard

    from esp_desktop.services import Services
    from esp_desktop.services.demo import load_demo
    from esp_desktop.store.vault import Vault
    from esp_desktop.ui.app import setup_application
    from esp_desktop.ui.context import AppContext
    from esp_desktop.ui.mainwindow import MainWindow
    from esp_desktop.ui.settings.dialog import SettingsDialog
    from esp_desktop.ui.settings.firstrun import FirstRunWizard
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    setup_application()
    loop = QEventLoop()

    def shot(w, name: str) -> None:  # noqa: ANN001
        for _ in range(3):
            loop.processEvents()  # not app.processEvents(): in PySide6 6.12 it leaks a ref to None per call
        w.grab().save(str(out / f"{name}.png"))
        print("wrote", out / f"{name}.png")

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh"
        wiz = FirstRunWizard(fresh, AppContext(fresh).settings)
        wiz.show()
        wiz.next()
        wiz.profile.name.setText("Jordan Ellis")
        wiz.next()
        wiz.secret.passphrase.setText("maple river lantern 42")
        wiz.secret.confirm.setText("maple river lantern 42")
        shot(wiz, "first-run-passphrase")
        wiz.next()
        wiz.options_page.demo.setChecked(True)
        shot(wiz, "first-run-options")
        wiz.button(QWizard.WizardButton.CancelButton).click()

        data = Path(tmp) / "demo"
        s = Vault(data).create(PASSPHRASE)
        load_demo(Services(s))
        s.close()
        ctx = AppContext(data)
        win = MainWindow(ctx)
        win.resize(1280, 780)
        win.show()
        win.unlock_screen.passphrase.setText("wrong passphrase")
        win.unlock_screen.submit()
        shot(win, "unlock-wrong-passphrase")
        win.unlock_screen.passphrase.setText(PASSPHRASE)
        win.unlock_screen.submit()
        win.go("caseload")
        win.caseload.table.selectRow(1)
        shot(win, "caseload")
        win.go("dashboard")
        win.dashboard.compliance.expand(win.dashboard.compliance_model.index(0, 0))
        shot(win, "compliance")
        win.go("panel")
        win.panel.add_who.setCurrentIndex(0)
        win.panel.add_purpose.setText("Summative review")
        win.panel.add_case()
        par = [
            i
            for i in range(win.panel.model.rowCount())
            if win.panel.model.index(i, 1).data().startswith("PAR")
        ]
        if par:
            win.panel.table.selectRow(par[0])
        shot(win, "panel")
        win.show_search()
        win.search.query.setText("exit ticket")
        win.search.run_search()
        shot(win, "search")
        dlg = SettingsDialog(ctx, win)
        dlg.show()
        shot(dlg, "settings")
        dlg.close()
        district_shots(ctx, win, Path(tmp), shot)
        win.lock()
        win.close()
    loop.processEvents()
    return 0


ROSTER = """\
Staff ID,First Name,Last Name,Email,Work Location,Position,Grades
104200,Zoë,O'Brien-Ramírez,z.obrien@example.org,Juniper Hill Elementary,Grade 4 self-contained,K-5
110311,Lucía,Fernández,l.fernandez@example.org,Harborview K-8 School,Science,6-8
110312,Oluwaseun,Adeyemi,o.adeyemi@example.org,Quarry Point Academy,History,9-12
110313,Mei,Chen,m.chen@example.org,Bayside Montessori,Grade 1,K-5
110312,Oluwaseun,Adeyemi,o.adeyemi@example.org,Quarry Point Academy,History,9-12
,Grace,Okafor,g.okafor@example.org,Harborview K-8 School,Art,K-8
110315,Hannah,Berg,hannah.berg@,Fernwood Upper School,Chemistry,9-12
110316,Samir,Haddad,s.haddad@example.org,Juniper Hill Elementary; Harborview K-8 School,Music,K-8
"""


def district_shots(ctx, win, tmp: Path, shot) -> None:  # noqa: ANN001 - the bridge to the district
    from esp_desktop.ui.district.exports import DistrictExportDialog
    from esp_desktop.ui.district.post import PostDialog
    from esp_desktop.ui.district.roster import RosterImportDialog

    svc = ctx.svc
    queue = [i for i in svc.district.queue() if i.record_type == "observation"]
    dlg = PostDialog(ctx, "observation", queue[0].record_id, win)
    dlg.resize(820, 760)
    dlg.show()
    shot(dlg, "post-to-platform")
    dlg.close()
    # posted, then one shared line corrected: the view names and marks the boxes to update on the platform
    changed = queue[1].record_id
    svc.district.mark_posted(record_type="observation", record_id=changed)
    line = next(n for n in svc.observations.notes(changed) if n.audience == "educator" and n.indicator_codes)
    svc.observations.edit_note(line.id, text=line.text + " (two students needed reminders)")
    dlg = PostDialog(ctx, "observation", changed, win)
    dlg.resize(820, 760)
    dlg.show()
    shot(dlg, "post-to-platform-changed")
    dlg.close()
    roster = tmp / "district-roster-2026-27.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    dlg = RosterImportDialog(ctx, win, path=str(roster))
    dlg.path.setText("district-roster-2026-27.csv")  # not the temporary folder's name
    dlg.show()
    shot(dlg, "roster-import")
    dlg.close()
    dlg = DistrictExportDialog(ctx, "tables", win)
    dlg.show()
    shot(dlg, "export-tables")
    dlg.close()


if __name__ == "__main__":
    sys.exit(main())
