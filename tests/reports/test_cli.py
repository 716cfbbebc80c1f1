"""`esp-desktop report ...` on the demo caseload."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from esp_desktop.cli import main
from esp_desktop.services.demo import PRIVATE_THOUGHTS
from tests.helpers.env import PASSPHRASE


@pytest.fixture
def run(demo_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ESP_PASSPHRASE", PASSPHRASE)
    return lambda *argv: main(["--data-dir", str(demo_dir), *argv])


def text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def test_report_kinds(run, demo_svc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zoe = demo_svc.caseload.resolve_educator("Zoë")
    obs = demo_svc.observations.for_educator(zoe.id)[0]
    meeting = demo_svc.panel.meetings()[0]
    cases = [
        ("panel-packet", ["--educator", "Zoë", "--audience", "panel"], "Panel Packet"),
        ("formative", ["--educator", zoe.id, "--audience", "educator"], "Formative Assessment"),
        (
            "observation",
            ["--educator", "O'Brien", "--audience", "educator", "--observation", obs.id[:8]],
            "Observation Report",
        ),
        ("agenda", ["--meeting", meeting.id, "--audience", "panel"], "ESP Panel meeting"),
    ]
    for kind, extra, title in cases:
        out = tmp_path / f"{kind}.pdf"
        assert run("report", kind, *extra, "-o", str(out)) == 0
        t = text(out)
        assert title in t
        assert not any(p in t for p in PRIVATE_THOUGHTS)  # the demo's CT-private script notes
        assert f"Wrote {out}" in capsys.readouterr().out
    exports = [e for e in demo_svc.audit.history(limit=10_000) if e.action == "export_pdf"]
    assert {e.detail["document"] for e in exports} == {"panel-packet", "formative", "observation", "agenda"}


def test_report_errors_are_one_line(run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert run("report", "formative", "--educator", "Priya", "--audience", "educator", "-o", str(out)) == 1
    assert "non-evaluative" in capsys.readouterr().err  # PA: no ratings
    assert run("report", "panel-packet", "--educator", "a", "--audience", "panel", "-o", str(out)) == 1
    assert "several educators" in capsys.readouterr().err
    assert run("report", "observation", "--educator", "Zoë", "--audience", "educator", "-o", str(out)) == 1
    assert "--observation" in capsys.readouterr().err
    assert not out.exists()
