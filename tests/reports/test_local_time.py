"""PDFs print the local time the CT saw in the app, whatever the zone: script note times, the finalization date of
a document finalized on a Boston evening, and "Generated" on the packet cover (issue 11, item 5).

Run two ways: with a zone injected into the one clock (``FixedClock(..., zone)``), and in a child process under
``TZ=America/New_York`` and ``TZ=Asia/Kolkata`` where the clock reads the operating system's zone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from esp_desktop.core import clock, timefmt
from esp_desktop.reports.service import ReportService

NOTE_AT = datetime(2026, 11, 24, 19, 19, tzinfo=UTC)  # 14:19 in Boston; 00:49 the next day in Kolkata
FINALIZED_AT = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)  # 19:30 on November 25 in Boston, after the Panel
EXPECTED = {  # zone -> (note time, finalization day, "Generated" line)
    "America/New_York": ("14:19", "November 25, 2026", "November 25, 2026, 19:30 EST"),
    "Asia/Kolkata": ("00:49", "November 26, 2026", "November 26, 2026, 06:00 IST"),
}
ROOT = Path(__file__).resolve().parents[2]


def _text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def _render(svc, zone: tzinfo | None, out: Path) -> dict[str, object]:
    """Build a small PAR case and export three documents at ``FINALIZED_AT`` on a clock in ``zone``."""
    with clock.use(clock.FixedClock(FINALIZED_AT, zone)):
        cl = svc.caseload
        cl.set_profile(name="Jordan Ellis")
        e = cl.add_educator(given_name="Lan", family_name="Nguyễn Thị")
        en = cl.refer(educator_id=e.id, program="PAR", referred_on=date(2026, 8, 20))
        cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 27))
        cl.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
        cyc = svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 14), end_on=date(2027, 5, 28),
                                         plan_type="directed_growth")
        o = svc.observations.start(educator_id=e.id, kind="announced", observed_on=date(2026, 11, 24),
                                   started_at=datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
        svc.observations.add_note(observation_id=o.id, text="Turn-and-talk with sentence frames.", at=NOTE_AT,
                                  audience="educator", indicator_codes=["II-A"])
        svc.observations.finish(observation_id=o.id, finished_at=datetime(2026, 11, 24, 19, 45, tzinfo=UTC))
        f = svc.assessments.draft(educator_id=e.id, kind="formative", cycle_id=cyc.id)
        svc.assessments.set_overall(document_id=f.id, rating=None, goals_progress_summary="Goal 1 on track.")
        f = svc.assessments.finalize(document_id=f.id)
        rs = ReportService(svc)
        paths = {k: out / f"{k}.pdf" for k in ("observation", "formative", "panel-packet")}
        rs.export(kind="observation", audience="panel", path=paths["observation"], educator_id=e.id,
                  observation_id=o.id)
        rs.export(kind="formative", audience="panel", path=paths["formative"], educator_id=e.id)
        rs.export(kind="panel-packet", audience="panel", path=paths["panel-packet"], educator_id=e.id)
        seen = {  # what the app shows on screen, through the same clock
            "note": timefmt.screen_time(NOTE_AT),
            "finalized": timefmt.doc_date(f.finalized_at),
            "generated": timefmt.doc_datetime(clock.now()),
        }
    return {"seen": seen, **{k: _text(p) for k, p in paths.items()}}


def _check(got: dict[str, object], expected: tuple[str, str, str] | None) -> None:
    seen = got["seen"]
    assert isinstance(seen, dict)
    assert f"{seen['note']} Turn-and-talk" in str(got["observation"])  # the time the capture screen showed
    if seen["note"] != "19:19":
        assert "19:19" not in str(got["observation"])  # never the UTC time
    assert f"DATED {seen['finalized']}" in " ".join(str(got["formative"]).split())
    assert f"GENERATED {seen['generated']}" in " ".join(str(got["panel-packet"]).split())
    if expected is not None:
        assert (seen["note"], seen["finalized"], seen["generated"]) == expected


@pytest.mark.parametrize("zone", sorted(EXPECTED))
def test_pdf_prints_local_time_with_an_injected_zone(zone: str, svc, tmp_path: Path) -> None:
    _check(_render(svc, ZoneInfo(zone), tmp_path), EXPECTED[zone])


def test_pdf_prints_local_time_in_the_operating_systems_zone(svc, tmp_path: Path) -> None:
    """With no zone injected the clock reads the OS zone (``TZ``); the child runs below set it."""
    _check(_render(svc, None, tmp_path), EXPECTED.get(os.environ.get("TZ", "")))


@pytest.mark.slow
@pytest.mark.parametrize("tz", sorted(EXPECTED))
def test_report_tests_under_the_zone(tz: str, tmp_path: Path) -> None:
    env = {**os.environ, "TZ": tz, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly",
         f"--basetemp={tmp_path / 'child'}", "-k", "not under_the_zone", str(Path(__file__))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "3 passed" in run.stdout
