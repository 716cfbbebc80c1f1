"""The panel packet's "Support provided and learning matched" section (issue 18): priorities, matches with how far
they went and the follow-up evidence, CT-led PD with this educator's commitment; what a reader may not see stays
out, and an empty section says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

from esp_desktop.reports.service import ReportService
from tests.services.test_learning import enrolled


def _text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_packet_section_for_panel_and_educator(svc, tmp_path: Path) -> None:
    e = enrolled(svc)
    reports = ReportService(svc)
    reports.export(kind="panel-packet", audience="panel", path=tmp_path / "empty.pdf", educator_id=e.id)
    assert "Support provided and learning matched" in _text(tmp_path / "empty.pdf")
    assert "No learning priorities, matched professional learning" in _text(tmp_path / "empty.pdf")

    svc.learning.set_priority(educator_id=e.id, code="II-B")
    entry = svc.learning.add_entry(kind="district_pd", title="Routines that give back time", indicator_codes=["II-B"])
    m = svc.learning.log_match(educator_id=e.id, entry_id=entry.id, priority_code="II-B")
    ev = svc.evidence.add(educator_id=e.id, title="Transition timed at 2 minutes", category="products_of_practice",
                          kind="artifact", indicator_codes=["II-B"])
    svc.learning.advance_match(m.id, status="tried", evidence_id=ev.id)
    svc.learning.add_session(title="Hinge questions workshop", held_on=date(2026, 11, 20), goal="Use hinge questions",
                             commitment="One hinge question a day", attendees=[{"educator_id": e.id}])
    m2 = svc.learning.log_match(educator_id=e.id, entry_id=svc.learning.add_entry(
        kind="union_session", title="PRIVATEMATCHTITLE", indicator_codes=["II-B"]).id, priority_code="II-B")
    svc.learning.set_audience(type(m2), m2.id, "ct_private")

    reports.export(kind="panel-packet", audience="panel", path=tmp_path / "panel.pdf", educator_id=e.id)
    panel = _text(tmp_path / "panel.pdf")
    assert "II-B Learning Environment" in panel and "Routines that give back time" in panel
    assert "Transition timed at 2 minutes" in panel, "the follow-up evidence links back"
    assert "Hinge questions workshop" in panel and "One hinge question a day" in panel
    assert "PRIVATEMATCHTITLE" not in panel, "a CT-private match stays out"
    reports.export(kind="panel-packet", audience="educator", path=tmp_path / "educator.pdf", educator_id=e.id)
    mine = _text(tmp_path / "educator.pdf")
    assert "Routines that give back time" in mine
    assert "Hinge questions workshop" not in mine, "CT-led sessions are the CT's program records (panel audience)"
