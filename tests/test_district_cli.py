"""The district bridge on the command line, as real subprocesses over a copy of the demo store: the platform
form and marking it posted, tables for a reader, a roster dry run then --apply, the caseload report."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.test_cli import run


def test_platform_tables_roster_and_report(demo_dir: Path, tmp_path: Path) -> None:
    d = demo_dir
    r = run("platform", "--queue", data_dir=d)
    assert r.returncode == 0, r.stderr
    queue = [line.split("\t") for line in r.stdout.splitlines()]
    assert len(queue) == 10 and all(q[5] == "not_posted" for q in queue)
    obs = next(q[1] for q in queue if q[0] == "observation")
    r = run("platform", "--observation", obs[:8], "--field", "feedback", data_dir=d)
    assert r.returncode == 0 and r.stdout.startswith("Strength:") and "CT-private" in r.stderr
    r = run("platform", "--observation", obs[:8], data_dir=d)
    assert "== Evidence by indicator ==" in r.stdout and "Platform: Not posted" in r.stderr
    assert run("platform", "--observation", obs, "--mark-posted", data_dir=d).returncode == 0
    assert len(run("platform", "--queue", data_dir=d).stdout.splitlines()) == 9
    r = run("platform", "--observation", obs, "--field", "nonsense", data_dir=d)
    assert r.returncode == 1 and "has no box 'nonsense'" in r.stderr

    r = run("tables", "observations", "--reader", "panel", "-o", str(tmp_path / "obs.csv"), data_dir=d)
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "obs.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9 and sum(1 for x in rows if x["posted_state"] == "posted") == 1
    r = run("tables", "--reader", "admin", "-o", str(tmp_path / "a.xlsx"), data_dir=d)
    assert r.returncode == 1 and "needs a scope" in r.stderr and not (tmp_path / "a.xlsx").exists()

    roster = tmp_path / "roster.csv"
    roster.write_text("Employee ID,Name,School\n555001,\"Chen, Mei\",Bayside Montessori\n,No Id,X\n", encoding="utf-8")
    r = run("roster", str(roster), data_dir=d)
    assert r.returncode == 0 and "Dry run: nothing was written" in r.stdout and "row 3: problem: no employee ID" in r.stdout
    r = run("roster", str(roster), "--apply", data_dir=d)
    assert r.returncode == 0 and "Imported 1 new educator(s), updated 0, added 1 school(s)." in r.stdout
    assert "already on file" in run("roster", str(roster), data_dir=d).stdout

    r = run("caseload-report", "--reader", "admin", "--site", "HV", "-o", str(tmp_path / "r.pdf"), data_dir=d)
    assert r.returncode == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    r = run("caseload-report", "--reader", "panel", "--month", "2026-10", "-o", str(tmp_path / "r.xlsx"), data_dir=d)
    assert r.returncode == 0 and (tmp_path / "r.xlsx").exists()
