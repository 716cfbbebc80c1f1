"""Render PNG screenshots of every screen and dialog (offscreen Qt, fictional demo data): ``make screenshots``.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py                  # docs/screenshots, 1280x800
    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py --size 1024x700 --out /tmp/shots
    ... --theme dark                                                                  # the dark palette

The walk through the screens is ``esp_desktop.ui.tour`` (the layout test walks the same stops at 1024x700).
Only this tool writes into docs/; tests never do.
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
    from datetime import date

    from esp_desktop.core import clock

    # The same day as the tests' clock, so the pictures do not change with the day they are made.
    with clock.use(clock.FixedClock.on(date(2026, 11, 25), hour=10, running=True)):
        return _main()


def _main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    ap.add_argument("--size", default="1280x800", help="window size, e.g. 1024x700")
    ap.add_argument("--theme", default="light", choices=["light", "dark", "system"])
    ap.add_argument("--suffix", default="", help="added to every file name, e.g. -1024")
    args = ap.parse_args()
    width, height = (int(x) for x in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QWizard

    from esp_desktop.services import Services
    from esp_desktop.services.demo import load_demo
    from esp_desktop.settings import SYNC_SERVER, THEME
    from esp_desktop.store.models import SyncConflict, new_id
    from esp_desktop.store.records import record_to_dict
    from esp_desktop.store.vault import Vault
    from esp_desktop.ui.app import apply_theme, setup_application
    from esp_desktop.ui.context import AppContext
    from esp_desktop.ui.mainwindow import MainWindow
    from esp_desktop.ui.settings.firstrun import FirstRunWizard
    from esp_desktop.ui.sync.dialogs import ConflictsDialog
    from esp_desktop.ui.tour import settle, tour
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    app = setup_application()
    apply_theme(app, args.theme)

    def shot(w, name: str) -> None:  # noqa: ANN001
        settle()
        path = out / f"{name}{args.suffix}.png"
        w.grab().save(str(path))
        print("wrote", path)

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
        ctx.settings.set(THEME, args.theme)
        win = MainWindow(ctx)
        win.resize(width, height)
        win.show()
        win.unlock_screen.passphrase.setText("wrong passphrase")
        win.unlock_screen.submit()
        shot(win, "unlock-wrong-passphrase")
        win.unlock_screen.passphrase.setText(PASSPHRASE)
        win.unlock_screen.submit()
        settle()
        for name, widget in tour(win):
            shot(widget, name)

        # Sync, as it looks with one conflict kept aside (no server needed to show it).
        ctx.settings.set(SYNC_SERVER, "https://central.example.org")
        svc = ctx.svc
        e = svc.caseload.educators()[0]
        other = dict(record_to_dict(e), role_subject=f"{e.role_subject} (tablet)")
        with ctx.open_store.session() as sess:
            sess.add(SyncConflict(conflict_id=new_id(), record_id=e.id, record_type="educator", base_version=1,
                                  server_version=2, data=other))
        win.sync.refresh()
        win.go("caseload")
        shot(win, "sync-status")
        dlg = ConflictsDialog(win.sync, win)
        dlg.show()
        shot(dlg, "sync-conflicts")
        dlg.reject()
        district_shots(ctx, win, Path(tmp), shot)
        win.lock()
        win.close()
    settle()
    del app
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
