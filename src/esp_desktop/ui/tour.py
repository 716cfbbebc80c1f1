"""A walk through every screen and dialog of an unlocked main window (fictional demo data), one stop at a time.

    for name, widget in tour(win):
        widget.grab().save(f"{name}.png")      # tools/screenshots.py (make screenshots)
        problems += elided(widget)             # tests/ui/test_layout.py: nothing clipped at 1024x700

Each stop leaves the window as a CT would see it (a row selected, a dialog open in front); dialogs are shown
without a nested event loop and closed before the next stop. The walk changes the store it runs on (it adds a
panel case, drafts a summative): run it on a throw-away copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QDialog, QWidget

Stop = tuple[str, QWidget]


def settle() -> None:
    loop = QEventLoop()
    for _ in range(3):
        loop.processEvents()  # not app.processEvents(): in PySide6 6.12 it leaks a ref to None per call


def _educator(win: Any, given: str) -> Any:
    return next(e for e in win.ctx.svc.caseload.educators() if e.given_name == given)


def _dialog(make: Callable[[], QDialog], name: str) -> Iterator[Stop]:
    dlg = make()
    dlg.show()
    settle()
    try:
        yield name, dlg
    finally:
        dlg.reject()
        dlg.deleteLater()
        settle()


def tour(win: Any) -> Iterator[Stop]:
    """Stops on every screen of ``win`` (unlocked, demo data), then on every dialog a CT can open."""
    from ..core.enums import Program
    from .caseload.dialogs import CycleDialog, EducatorDialog, EndDialog, EnrolDialog, IntakeDialog, ReferDialog
    from .educator.goal_dialogs import GoalDialog, PrescriptionDialog, ProgressDialog
    from .export.dialog import ExportDialog
    from .panel.page import MeetingDialog
    from .settings.dialog import SettingsDialog
    from .settings.program import PeopleDialog, ProfileDialog, SchoolYearDialog, SiteDialog, SitesDialog

    ctx, svc = win.ctx, win.ctx.svc
    win.go("caseload")
    win.caseload.table.selectRow(1)
    settle()
    yield "caseload", win

    win.go("dashboard")
    settle()
    win.dashboard.compliance.expand(win.dashboard.compliance_model.index(0, 0))
    settle()
    yield "compliance", win

    win.go("panel")
    settle()
    if win.panel.add_who.count():
        win.panel.add_who.setCurrentIndex(0)
        win.panel.add_purpose.setText("Summative review")
        win.panel.add_case()
        settle()
    par = [i for i in range(win.panel.model.rowCount()) if str(win.panel.model.index(i, 1).data()).startswith("PAR")]
    if par:
        win.panel.table.selectRow(par[0])
    settle()
    yield "panel", win

    win.show_search()
    win.search.query.setText("exit ticket")
    win.search.run_search()
    settle()
    yield "search", win

    zoe = _educator(win, "Zoë")
    win.open_record("educator", zoe.id)
    page = win.educator
    settle()
    yield "educator-overview", win

    page.tabs.setCurrentWidget(page.observations)
    page.observations.table.selectRow(0)
    settle()
    yield "educator-observations", win
    obs = svc.observations.for_educator(zoe.id)[0]
    page.observations.open_observation(obs.id)
    view = page.observations.capture
    view.script.selectRow(1)
    settle()
    yield "observation-capture", win
    view.sections.setCurrentIndex(1)
    settle()
    yield "observation-conferences", win
    view.sections.setCurrentIndex(0)
    page.observations.show_list()

    for tab, name in ((page.evidence, "educator-evidence"), (page.coaching, "educator-coaching"),
                      (page.contacts, "educator-contacts")):
        page.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        settle()
        yield name, win

    page.tabs.setCurrentWidget(page.assessments)
    settle()
    yield "educator-assessment-final", win
    page.assessments._new("summative")
    settle()
    yield "educator-assessment-draft", win
    page.tabs.setCurrentWidget(page.history)
    settle()
    yield "educator-history", win

    priya = _educator(win, "Priya")
    win.open_record("educator", priya.id)
    page.tabs.setCurrentWidget(page.assessments)
    settle()
    yield "educator-pa-note", win
    win.open_record("educator", zoe.id)
    settle()

    # --- dialogs -------------------------------------------------------------------------------------------
    goal = svc.goals.for_educator(zoe.id)[0]
    rx = svc.goals.prescriptions(zoe.id)[0]
    cycle = svc.compliance.current_cycle(zoe.id)
    kwame = _educator(win, "Kwame")
    k_en = svc.caseload.enrolment(kwame.id)
    draft = next(d for d in svc.assessments.for_educator(zoe.id) if d.status == "draft")
    yield from _dialog(lambda: SettingsDialog(ctx, win), "settings")
    yield from _dialog(lambda: ProfileDialog(ctx, win), "program-profile")
    yield from _dialog(lambda: SitesDialog(ctx, win), "program-sites")
    yield from _dialog(lambda: SiteDialog(ctx, win, svc.caseload.sites()[0].id), "program-site")
    yield from _dialog(lambda: PeopleDialog(ctx, win), "program-people")
    yield from _dialog(lambda: SchoolYearDialog(ctx, win), "program-school-year")
    yield from _dialog(lambda: EducatorDialog(ctx, win, zoe.id), "dialog-educator")
    yield from _dialog(lambda: ReferDialog(ctx, win, zoe.id), "dialog-refer")
    yield from _dialog(lambda: IntakeDialog(ctx, win, k_en.id, kwame.id), "dialog-intake")
    if k_en.program == Program.PAR:
        yield from _dialog(lambda: EnrolDialog(ctx, win, k_en.id, kwame.id), "dialog-enrol-par")
    yield from _dialog(lambda: EndDialog(ctx, win, k_en.id, kwame.id, True), "dialog-exit")
    yield from _dialog(lambda: CycleDialog(ctx, win, zoe.id, cycle.id if cycle else None), "dialog-cycle")
    yield from _dialog(lambda: GoalDialog(ctx, win, zoe.id, goal.cycle_id, goal.id), "dialog-goal")
    yield from _dialog(lambda: ProgressDialog(ctx, win, goal.id, zoe.id), "dialog-progress")
    yield from _dialog(lambda: PrescriptionDialog(ctx, win, zoe.id, rx.cycle_id, rx.id), "dialog-prescription")
    yield from _dialog(lambda: MeetingDialog(ctx, win, svc.panel.default_date().isoformat(),
                                             svc.panel.meetings()[0].id if svc.panel.meetings() else None),
                       "dialog-meeting")
    yield from _dialog(lambda: ExportDialog(ctx, zoe.id, parent=win), "export-dialog")
    yield from _finalize_dialog(win, draft)


def _finalize_dialog(win: Any, draft: Any) -> Iterator[Stop]:
    from .assessments.form import FinalizeDialog

    svc = win.ctx.svc
    evidence = {e.id: e.title for e in svc.evidence.for_educator(draft.educator_id)}
    yield from _dialog(lambda: FinalizeDialog(svc.assessments.document(draft.id), svc.rubric, evidence,
                                              svc.assessments.finalize_problems(draft.id), win), "dialog-finalize")
