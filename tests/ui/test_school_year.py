"""A real school year from an empty store, through the UI only (issue 12's "Done when").

The CT sets up their profile, schools and a principal, adds 3 PAR, 2 PA and 1 informal educator (referral, intake,
enrolment; the PAR cycle starts in the enrolment step), scripts observations with shared and private lines,
files evidence with an attachment, writes goals and a prescription, logs coaching, finalizes a formative and a
summative, and records a panel decision. Every write goes through the screens (no service writes here; the
services are only read to check). Then the panel packet is exported: the shared lines are in it, the private ones
are not; and the compliance dashboard lists the new PAR educators with their due dates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.qt import HAVE_QT, make_window, on_modal, type_unlock

pytestmark = pytest.mark.qt

if HAVE_QT:
    from pypdf import PdfReader
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QMessageBox

SITES = [("Harborview K-8 School", "HV"), ("Juniper Hill Elementary", "JH"), ("Fernwood Upper School", "FW")]
EDUCATORS = [  # given, family, subject, program, site index
    ("Zoë", "O'Brien-Ramírez", "Grade 4 self-contained", "PAR", 1),
    ("Minh", "Nguyễn", "Mathematics", "PAR", 0),
    ("Darnell", "Whitaker", "Biology", "PAR", 2),
    ("Priya", "Raman", "Grade 2", "PA", 1),
    ("Tomasz", "Kowalczyk", "Physical Education", "PA", 0),
    ("Marisol", "Echeverría", "ESL", "informal", 1),
]
SHARED = ["Do Now on board: estimate 38 x 21; students begin within 2 minutes.",
          "Turn-and-talk: partners explain strategy; sentence frames posted."]
PRIVATE = ["My hunch: classroom management is the lever here, not content knowledge."]


def _newest(win: Any, cls: type) -> Any:
    found = [w for w in win.open_form_dialogs() if isinstance(w, cls)]
    assert found, f"no {cls.__name__} is open"
    return found[-1]


def _ok(d: Any) -> None:
    btn = d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert btn.isEnabled(), d.message.text() if hasattr(d, "message") else d.windowTitle()
    btn.click()


def _modal(qtbot: Any, fn: Any, click: Any) -> None:
    errors: list = []
    on_modal(fn, errors)
    click()
    assert not errors, errors


def _row(win: Any, name: str) -> int:
    m = win.caseload.proxy
    return next(r for r in range(m.rowCount()) if m.index(r, 0).data() == name)


def _set_up_the_program(qtbot: Any, win: Any) -> None:
    from esp_desktop.ui.settings.program import PeopleDialog, PersonDialog, ProfileDialog, SiteDialog, SitesDialog

    win.act_profile.trigger()
    d = _newest(win, ProfileDialog)
    d.name.setText("Jordan Ellis")
    d.email.setText("j.ellis@example.org")
    d.school_year.setText("2026-27")
    _ok(d)
    win.act_sites.trigger()
    sites = next(w for w in win.findChildren(SitesDialog) if w.isVisible())
    for name, code in SITES:
        sites.add_btn.click()
        s = _newest(win, SiteDialog)
        s.name.setText(name)
        s.code.setText(code)
        _ok(s)
    assert sites.list.count() == 3
    sites.reject()
    win.act_people.trigger()
    people = next(w for w in win.findChildren(PeopleDialog) if w.isVisible())
    people.add_btn.click()
    p = _newest(win, PersonDialog)
    p.name.setText("Dr. Renée Castellanos")
    p.role.setCurrentIndex(p.role.findData("principal"))
    _ok(p)
    people.reject()


def _add_to_caseload(qtbot: Any, win: Any, given: str, family: str, subject: str, program: str, site: int) -> None:
    page = win.caseload

    def educator(d: Any) -> None:
        d.given.setText(given)
        d.family.setText(family)
        d.subject.setText(subject)
        d.sites.item(site).setCheckState(Qt.CheckState.Checked)
        _ok(d)

    _modal(qtbot, educator, page.b_add.click)
    name = f"{given} {family}"
    page.table.selectRow(_row(win, name))

    def refer(d: Any) -> None:
        combo = d.findChild(QComboBox)
        combo.setCurrentIndex(combo.findData(program))
        _ok(d)

    _modal(qtbot, refer, page.b_refer.click)
    page.table.selectRow(_row(win, name))
    _modal(qtbot, lambda d: (d.attendees.setText(f"{name}, CT"), _ok(d)), page.b_intake.click)
    page.table.selectRow(_row(win, name))

    def enrol(d: Any) -> None:
        if program == "PAR":
            assert d.start_cycle.isChecked(), "enrolling in PAR offers the cycle in the same step"
            d.cycle.plan.setCurrentIndex(d.cycle.plan.findData("improvement" if given == "Minh" else "directed_growth"))
        _ok(d)

    _modal(qtbot, enrol, page.b_enrol.click)
    assert page.proxy.index(_row(win, name), 2).data() == "Enrolled"


def _observe(qtbot: Any, win: Any, kind: str) -> str:
    page = win.educator
    page.tabs.setCurrentWidget(page.observations)
    page.observations.new_btn.click()
    view = page.observations.capture
    view.kind.setCurrentIndex(view.kind.findData(kind))
    view.class_period.setText("Period 2")
    for line in SHARED + PRIVATE:
        qtbot.keyClicks(view.entry, line)
        qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    view.script.clearSelection()
    for r in range(len(SHARED)):
        view.script.selectionModel().select(view.model.index(r, 0), view.script.selectionModel().SelectionFlag.Select
                                            | view.script.selectionModel().SelectionFlag.Rows)
    view.share_selected()  # what Ctrl+E does (tested on its own in tests/ui/observation)
    view.sections.setCurrentIndex(1)
    view.conference.feedback.setPlainText("Strength: clear objective. Next step: every student responds.")
    view.save_pending()
    view.finish_btn.click()
    obs_id = view.obs.id
    view.back.click()
    return obs_id


def _evidence(qtbot: Any, win: Any, tmp_path: Path) -> None:
    tab = win.educator.evidence
    win.educator.tabs.setCurrentWidget(tab)
    tab.new_btn.click()
    tab.title.setText("Unit 4 lesson plan")
    tab.category.setCurrentIndex(tab.category.findData("products_of_practice"))
    tab.kind.setCurrentIndex(tab.kind.findData("lesson_plan"))
    tab.tags.set_codes(["I-A"])
    plan = tmp_path / "unit4-plan.txt"
    plan.write_text("Fictional lesson plan.\n", encoding="utf-8")
    tab.choose_file = lambda: plan  # the file dialog
    tab.attach_btn.click()
    tab.save_btn.click()
    assert tab.current is not None and tab.current.attachment_id
    # a second category of evidence: a summative rests on at least two (603 CMR 35.08(3))
    tab.new_btn.click()
    tab.title.setText("Fractions exit tickets, week 6")
    tab.category.setCurrentIndex(tab.category.findData("student_learning"))
    tab.kind.setCurrentIndex(tab.kind.findData("student_work"))
    tab.tags.set_codes(["I-B"])
    tab.save_btn.click()
    assert tab.current is not None and tab.current.title.startswith("Fractions")


def _goals_and_coaching(qtbot: Any, win: Any) -> None:
    from esp_desktop.ui.educator.goal_dialogs import GoalDialog, PrescriptionDialog, ProgressDialog

    ov = win.educator.overview
    win.educator.tabs.setCurrentWidget(ov)
    ov.add_goal_btn.click()
    g = _newest(win, GoalDialog)
    g.title.setText("Increase student discourse")
    g.statement.setPlainText("By the end of the cycle, 75% of students explain their reasoning in every lesson.")
    g.tags.set_codes(["II-A", "EQ-3"])
    _ok(g)
    ov.goals.selectRow(0)
    ov.add_progress_btn.click()
    pr = _newest(win, ProgressDialog)
    pr.percent.setValue(40)
    pr.note.setPlainText("Turn-and-talk routine introduced.")
    _ok(pr)
    ov.add_rx_btn.click()
    rx = _newest(win, PrescriptionDialog)
    rx.concern.setPlainText("Transitions take instructional time.")
    rx.action.setPlainText("Co-plan and rehearse three routines.")
    rx.tags.set_codes(["II-B"])
    _ok(rx)
    tab = win.educator.coaching
    win.educator.tabs.setCurrentWidget(tab)
    tab.new_btn.click()
    tab.kind.setCurrentIndex(tab.kind.findData("co_planning"))
    tab.minutes.setValue(45)
    tab.notes.setPlainText("Co-planned questioning for the fractions unit.")
    tab.save_btn.click()


def _assessment(qtbot: Any, win: Any, kind: str) -> None:
    tab = win.educator.assessments
    win.educator.tabs.setCurrentWidget(tab)
    (tab.new_formative if kind == "formative" else tab.new_summative).click()
    form = tab.form
    for box in form.boxes:
        box.rating.setCurrentIndex(box.rating.findData("proficient"))
        box.rationale.setPlainText(f"Observations and artifacts show standard {box.code} practice.")
        for i in range(box.evidence.count()):
            box.evidence.item(i).setCheckState(Qt.CheckState.Checked)
    form.overall.setCurrentIndex(form.overall.findData("proficient"))
    form.overall_rationale.setPlainText("Consistent growth across the cycle.")
    form.dirty = True

    errors: list = []

    def justify(d: Any) -> None:  # the cycle's observations are not all done yet: finalize by exception
        d.text.setPlainText("Year-end review requested by the Panel before the remaining unannounced visits.")
        d.ok.click()

    def finalize(d: Any) -> None:
        assert d.finalize_btn.isEnabled(), d.missing.text()
        if kind == "summative":
            on_modal(justify, errors)
        d.finalize_btn.click()

    _modal(qtbot, finalize, form.finalize_btn.click)
    if kind == "summative":
        qtbot.waitUntil(lambda: bool(errors) or form.is_read_only())
    assert not errors, errors
    assert form.is_read_only()


def _panel(qtbot: Any, win: Any, educator_name: str) -> None:
    from esp_desktop.ui.panel.page import MeetingDialog

    win.go("panel")
    panel, svc = win.panel, win.ctx.svc

    def members(d: Any) -> None:  # the Panel's roster, once a year
        for name in ("Erin Berg", "Jerome Doyle", "Ana Ruiz"):
            d.name.setText(name)
            d.add_btn.click()
        _ok(d)

    _modal(qtbot, members, panel.members_btn.click)
    panel.details_btn.click()
    m = _newest(win, MeetingDialog)
    m.location.setText("Central Office, Room 204")
    _ok(m)

    def attend(d: Any) -> None:
        for i in range(d.list.count()):
            d.list.item(i).setCheckState(Qt.CheckState.Checked)
        _ok(d)

    _modal(qtbot, attend, panel.attendance_btn.click)
    qtbot.waitUntil(lambda: panel.quorum_line.text().startswith("3 present"))
    panel.add_who.setCurrentIndex(next(i for i in range(panel.add_who.count())
                                       if panel.add_who.itemText(i).startswith(educator_name)))
    panel.add_purpose.setText("Summative review")
    panel.add_btn.click()
    qtbot.waitUntil(lambda: panel.selected() is not None and panel.selected()[1] is not None)
    case = panel.selected()[1].case
    ed = panel.editor
    ed.decision.setCurrentIndex(ed.decision.findData("accept_recommendation"))
    if not ed.ratings_box.isHidden():
        for combo in ed.ratings.values():
            combo.setCurrentIndex(combo.findData("proficient"))
        ed.overall.setCurrentIndex(ed.overall.findData("proficient"))
    ed.votes_for.setValue(3)
    qtbot.keyClicks(ed.rationale, "The panel accepts the CT's recommendation.")
    ed.vote_btn.click()
    qtbot.waitUntil(lambda: svc.panel.current_decision(case.educator_id) is not None)


def _export_packet(qtbot: Any, win: Any, out: Path) -> str:
    def export(d: Any) -> None:
        d.kind.setCurrentIndex(d.kind.findData("panel-packet"))
        assert d.audience.currentData() == "panel"
        d.path.setText(str(out))
        on_modal(lambda box: box.button(QMessageBox.StandardButton.Close).click(), [])  # "Open it now?"
        d.export_btn.click()

    _modal(qtbot, export, win.educator.export_btn.click)
    qtbot.waitUntil(out.exists, timeout=30_000)
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages)


def test_a_school_year_built_through_the_ui_from_an_empty_store(qtbot, data_dir, tmp_path) -> None:
    win = make_window(qtbot, data_dir)
    win.resize(1280, 800)
    type_unlock(qtbot, win)
    svc = win.ctx.svc
    assert svc.caseload.educators() == [] and svc.caseload.sites() == []

    _set_up_the_program(qtbot, win)
    assert svc.caseload.profile().name == "Jordan Ellis" and len(svc.caseload.sites()) == 3
    for given, family, subject, program, site in EDUCATORS:
        _add_to_caseload(qtbot, win, given, family, subject, program, site)
    assert win.caseload.cap.text() == "5 / 12"  # PA and PAR count toward the cap; informal does not

    zoe = next(e for e in svc.caseload.educators() if e.given_name == "Zoë")
    win.caseload.table.selectRow(_row(win, zoe.display_name))
    win.caseload.b_open.click()
    assert win.current_screen() == "educator" and win.educator.educator_id == zoe.id
    assert win.educator.overview.facts["plan"].text() == "Directed Growth Plan"
    first = _observe(qtbot, win, "announced")
    _observe(qtbot, win, "unannounced")
    _evidence(qtbot, win, tmp_path)
    _goals_and_coaching(qtbot, win)
    _assessment(qtbot, win, "formative")
    _assessment(qtbot, win, "summative")
    _panel(qtbot, win, zoe.display_name)
    win.open_record("educator", zoe.id)

    notes = svc.observations.notes(first)
    assert [n.audience for n in notes] == ["educator", "educator", "ct_private"]
    goal = svc.goals.for_educator(zoe.id)[0]
    assert goal.equity_codes == ["EQ-3"] and svc.goals.progress(goal.id)[0].percent == 40
    assert [d.status for d in svc.assessments.for_educator(zoe.id)] == ["final", "final"]
    decided = svc.panel.current_decision(zoe.id)
    assert decided.decision == "accept_recommendation" and decided.final_overall == "proficient"
    assert svc.coaching.for_educator(zoe.id)[0].minutes == 45

    text = _export_packet(qtbot, win, tmp_path / "packet.pdf")
    for line in SHARED:
        assert line[:45] in text, f"shared line missing from the packet: {line}\n{text}"
    for line in PRIVATE:
        assert line[:30] not in text, "a CT-private line reached the panel packet"

    win.go("dashboard")
    dash = win.dashboard.compliance_model
    rows = {dash.index(r, 0).data(): r for r in range(dash.rowCount())}
    par = [f"{g} {f}" for g, f, _s, p, _i in EDUCATORS if p == "PAR"]
    assert set(rows) == set(par), rows
    assert "3 PAR cycle(s)" in win.dashboard.summary.text()
    for name in par:
        cycle = svc.compliance.current_cycle(next(e.id for e in svc.caseload.educators() if e.display_name == name))
        assert cycle is not None and cycle.formative_due_on and cycle.summative_due_on
        shown = " ".join(str(dash.index(rows[name], c).data() or "") for c in range(dash.columnCount()))
        assert any(ch.isdigit() for ch in shown), f"{name}: no due date on the dashboard ({shown})"
