"""Dev harness for the educator page (until the app shell exists) and its screenshot maker.

    python tools/educator_harness.py                      # interactive: demo store, educator page
    python tools/educator_harness.py --screenshots docs/screenshots   # offscreen PNGs of the page

Builds a fresh fictional demo store in a temporary folder (or uses --data-dir with --passphrase).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

PASSPHRASE = "correct horse battery staple"


def open_demo(data_dir: Path | None, passphrase: str):  # noqa: ANN201
    from esp_desktop.services import Services
    from esp_desktop.services.demo import load_demo
    from esp_desktop.store.vault import Vault
    from esp_desktop.ui.context import AppContext

    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="esp-harness-")) / "data"
        s = Vault(data_dir).create(passphrase)
        load_demo(Services(s))
        s.close()
    ctx = AppContext(data_dir)
    ctx.store = Vault(data_dir).unlock(passphrase)
    ctx.services = Services(ctx.store)
    return ctx


def educator(ctx, given: str):  # noqa: ANN001, ANN201
    return next(e for e in ctx.svc.caseload.educators() if e.given_name == given)


def screenshots(ctx, page, out: Path) -> list[Path]:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        p = out / f"{name}.png"
        page.grab().save(str(p))
        shots.append(p)

    # observation capture: typed lines, tags, the latest line selected
    page.show_educator(educator(ctx, "Darnell").id)
    page.tabs.setCurrentWidget(page.observations)
    page.observations.new_observation()
    view = page.observations.capture
    view.class_period.setText("Period 3 - Biology")
    set_kind = view.kind.findData("unannounced")
    view.kind.setCurrentIndex(set_kind)
    for line, tags in (
        ("Do Now on the board: label the parts of a cell. Most students start within 2 min.", ["I-A"]),
        ("T circulates; confers with the lab table about the microscope procedure.", ["II-A"]),
        ("5 of 24 students off task at the back table during the transition.", ["II-B", "EQ-1"]),
        ("Sentence frames posted for the claim-evidence-reasoning write-up.", ["II-D", "EQ-2"]),
        ("Exit ticket: 3 questions on osmosis, collected at the door.", ["I-B", "EQ-4"]),
        ("T asks 'Why did the potato slice shrink?'", []),
    ):
        QTest.keyClicks(view.entry, line)
        QTest.keyClick(view.entry, Qt.Key.Key_Return)
        for t in tags:
            view.tag(t)
    view.tree.focus_group("II")
    view.quick.setText("II-")
    view.entry.setFocus()
    QTest.keyClicks(view.entry, "Students compare")
    shot("observation-capture")
    view.sections.setCurrentIndex(1)
    view.conference.pre_on.set_value(view.obs.observed_on)
    view.conference.pre_notes.setPlainText(
        "Lesson goal: explain osmosis with evidence from the lab. Look for participation of the back table."
    )
    view.conference.feedback.setPlainText(
        "Strength: clear objective and exit ticket. Next step: a routine for "
        "the transition to lab stations (rehearse it on Monday)."
    )
    shot("observation-conferences")
    view.sections.setCurrentIndex(0)
    view.finish()
    page.tabs.setCurrentWidget(page.overview)
    shot("educator-overview")

    page.show_educator(educator(ctx, "Minh").id)
    page.tabs.setCurrentWidget(page.evidence)
    page.evidence.table.selectRow(1)
    shot("educator-evidence")
    page.tabs.setCurrentWidget(page.coaching)
    page.coaching.table.selectRow(0)
    shot("educator-coaching")

    page.show_educator(educator(ctx, "Darnell").id)
    page.tabs.setCurrentWidget(page.assessments)
    page.assessments._new("formative")
    form = page.assessments.form
    for box, r in zip(
        form.boxes, ["proficient", "needs_improvement", "proficient", "proficient"], strict=True
    ):
        box.rating.setCurrentIndex(box.rating.findData(r))
        box.rationale.setPlainText(
            f"Observations and artifacts to date support a rating of {r.replace('_', ' ')}."
        )
    form.boxes[0].evidence.item(0).setCheckState(Qt.CheckState.Checked)
    form.dirty = True
    form.save()
    shot("educator-assessment-draft")

    page.show_educator(educator(ctx, "Zoë").id)
    page.tabs.setCurrentWidget(page.assessments)
    form = page.assessments.form
    ctx.svc.assessments.acknowledge(
        document_id=form.doc.id,
        signer_name="Zoë O'Brien-Ramírez",
        comment="I will add a written response about the routines.",
    )
    page.assessments._reload_keep(form.doc.id)
    scroll = form.ack_box.parentWidget().parentWidget().parentWidget()
    scroll.ensureWidgetVisible(form.ack_box)
    shot("educator-assessment-final")

    page.show_educator(educator(ctx, "Priya").id)
    page.tabs.setCurrentWidget(page.assessments)
    shot("educator-pa-note")
    return shots


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--passphrase", default=PASSPHRASE)
    ap.add_argument("--educator", default="Minh")
    ap.add_argument("--screenshots", type=Path, help="write PNGs here (offscreen) and exit")
    args = ap.parse_args()
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from esp_desktop.ui.educator.page import EducatorPage
    from esp_desktop.ui.widgets.icons import app_icon

    app = QApplication(sys.argv)
    app.setWindowIcon(app_icon())
    ctx = open_demo(args.data_dir, args.passphrase)
    page = EducatorPage(ctx)
    page.setWindowTitle("esp-desktop: educator page (dev harness)")
    page.resize(1280, 800)
    ctx.openRecordRequested.connect(page.open_record)
    page.show()
    if args.screenshots:
        for p in screenshots(ctx, page, args.screenshots):
            print(p)
        page.save_pending()
        page.clear()
        ctx.store.close()
        return 0
    page.show_educator(educator(ctx, args.educator).id)
    rc = app.exec()
    page.save_pending()
    page.clear()
    ctx.store.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
