"""Private by default, never silently empty: the export dialog says what the chosen reader will not see before
anything is written, offers to share the CT-private script lines, and the observation report never says that no
notes were recorded when they were recorded but are not for this reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.qt import HAVE_QT, educator_named, on_modal

pytestmark = pytest.mark.qt

if HAVE_QT:
    from pypdf import PdfReader

    from esp_desktop.ui.export.dialog import ExportDialog


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


def test_the_dialog_says_what_is_left_out_and_shares_private_lines(qtbot, ctx, tmp_path) -> None:
    zoe = educator_named(ctx, "Zoë")
    obs = [o for o in ctx.svc.observations.for_educator(zoe.id) if o.status == "finished"][0]
    private = [n for n in ctx.svc.observations.notes(obs.id) if n.audience == "ct_private"]
    assert len(private) == 1
    dlg = ExportDialog(ctx, zoe.id, observation_id=obs.id)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("observation"))
    dlg.show()
    assert dlg.audience.currentData() == "educator"
    assert dlg.omitted.isVisible() and "1 scripted line is CT-private" in dlg.omitted.text()
    assert dlg.share_btn.isVisible() and dlg.share_btn.text() == "Share 1 CT-private line with the educator…"

    errors: list = []
    asked: list[str] = []

    def share(box) -> None:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Share").click()

    on_modal(share, errors)
    dlg.share_btn.click()
    assert not errors, errors
    assert "1 scripted line is CT-private and will not appear. Share it with the educator?" in asked[0]
    assert ctx.svc.observations.notes(obs.id)[-1].audience == "educator"
    assert not dlg.share_btn.isVisible()

    out = tmp_path / "report.pdf"
    dlg.path.setText(str(out))
    on_modal(lambda box: box.reject(), errors)  # "PDF written, open it?"
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    assert " ".join(private[0].text.split())[:40] in _pdf_text(out)


def test_a_report_whose_lines_are_all_private_says_so(qtbot, ctx, tmp_path) -> None:
    from esp_desktop.reports.service import ReportService

    darnell = educator_named(ctx, "Darnell")
    o = ctx.svc.observations.start(educator_id=darnell.id, kind="unannounced")
    for text in ("Students enter.", "Do Now posted.", "Exit ticket."):
        ctx.svc.observations.add_note(observation_id=o.id, text=text)  # CT-private by default
    ctx.svc.observations.finish(observation_id=o.id)
    om = ReportService(ctx.svc).omissions(kind="observation", audience="educator", educator_id=darnell.id,
                                         observation_id=o.id)
    assert om.lines() == ["3 scripted lines are CT-private."]
    out = tmp_path / "educator-copy.pdf"
    ReportService(ctx.svc).export(kind="observation", audience="educator", path=out, educator_id=darnell.id,
                                  observation_id=o.id)
    text = _pdf_text(out)
    assert "No scripted notes were recorded" not in text
    assert "3 scripted lines were recorded but are not part of this copy" in text
    assert "Students enter." not in text
