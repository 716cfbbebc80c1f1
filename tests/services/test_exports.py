"""CSV/XLSX tables and the caseload report: they open with csv/openpyxl, match the store, are scoped by the
confidentiality policy for their reader, say what was left out, and never name a PA educator to an administrator."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from esp_desktop.core.errors import ValidationError
from esp_desktop.services.exports import TABLES
from tests.helpers.cases import enrolled


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for spreadsheet programs"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _all_observations(svc):
    return [o for e in svc.caseload.educators() for o in svc.observations.for_educator(e.id)]


def test_panel_tables_open_with_csv_and_openpyxl_and_match_the_store(demo_svc, tmp_path) -> None:
    import openpyxl

    svc = demo_svc
    ts = svc.exports.tables(reader="panel")
    files = svc.exports.write(ts, tmp_path / "out.csv")
    assert [f.name for f in files] == ["out-observations.csv", "out-ratings.csv", "out-compliance.csv"]

    obs = {o.id: o for o in _all_observations(svc)}
    rows = _read_csv(files[0])
    assert list(rows[0]) == [c.key for c in TABLES["observations"][1]]
    assert {r["observation_id"] for r in rows} == set(obs)  # every observation is shared with the panel
    order = {i.code: n for n, i in enumerate(svc.rubric.indicators)}
    for r in rows:
        o = obs[r["observation_id"]]
        shared = [n for n in svc.observations.notes(o.id) if n.audience != "ct_private"]
        codes = sorted({c for n in shared for c in n.indicator_codes}, key=order.__getitem__)
        assert r["indicators"] == "; ".join(codes)
        assert int(r["evidence_lines"]) == len(shared)
        assert (r["observed_on"], r["kind"], r["status"]) == (o.observed_on.isoformat(), o.kind, o.status)
        assert r["posted_state"] == "not_posted"

    ratings = _read_csv(files[1])
    doc = next(d for e in svc.caseload.educators() for d in svc.assessments.for_educator(e.id))
    assert [(r["standard"], r["rating"]) for r in ratings] == [
        *((std, doc.ratings[std]["rating"]) for std in svc.rubric.standard_codes()), ("overall", doc.overall_rating)]

    compliance = _read_csv(files[2])
    dash = {cc.cycle.educator_id: cc for cc in svc.compliance.dashboard()}
    names = {svc.caseload.educator(k).display_name: cc for k, cc in dash.items()}
    assert {r["educator"] for r in compliance} == set(names)
    for r in compliance:
        cc = names[r["educator"]]
        assert (int(r["announced_done"]), int(r["unannounced_done"]), int(r["late_items"])) == (
            cc.announced_done, cc.unannounced_done, len(cc.late))

    xlsx = svc.exports.write(ts, tmp_path / "out.xlsx")[0]
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Observations", "Ratings", "Compliance", "About"]
    sheet = list(wb["Observations"].iter_rows(values_only=True))
    assert list(sheet[0]) == [c.key for c in TABLES["observations"][1]]
    assert {r[2] for r in sheet[1:]} == set(obs)
    first = next(r for r in sheet[1:] if r[2] == rows[0]["observation_id"])
    assert first[3].date() == obs[first[2]].observed_on  # a real date cell, not text
    about = dict(wb["About"].iter_rows(values_only=True))
    assert about["Prepared for"] == "the ESP Panel" and "CT-private" in about["Left out"]
    assert "observations.indicators" in about


def test_formula_like_text_stays_text(svc, tmp_path) -> None:
    import openpyxl

    e = enrolled(svc, employee_id="=1+2")
    svc.observations.start(educator_id=e.id, kind="announced", class_period='=HYPERLINK("http://x","click")')
    ts = svc.exports.tables(reader="ct", names=["observations"])
    row = _read_csv(svc.exports.write(ts, tmp_path / "o.csv")[0])[0]
    assert row["employee_id"] == "'=1+2" and row["class_period"].startswith("'=HYPERLINK")
    ws = openpyxl.load_workbook(svc.exports.write(ts, tmp_path / "o.xlsx")[0])["Observations"]
    assert ws["A2"].value == "=1+2" and ws["A2"].data_type == "s"


def _mixed_school(svc):
    """One school with a PAR educator whose case is shared with the administrator, and a PA educator."""
    cl = svc.caseload
    site = cl.add_site(name="Harborview K-8 School", code="HV")
    names = {}
    for given, family, program in (("Ana", "Silva", "PAR"), ("Priya", "Raman", "PA"), ("Marisol", "Echeverria",
                                                                                      "informal")):
        e = cl.add_educator(given_name=given, family_name=family, employee_id=f"E-{given}", site_ids=[site.id])
        en = cl.refer(educator_id=e.id, program=program, referred_on=date(2026, 8, 20))
        cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 27))
        cl.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
        o = svc.observations.start(educator_id=e.id, kind="announced", observed_on=date(2026, 10, 6),
                                   site_id=site.id)
        svc.observations.add_note(observation_id=o.id, text=f"Line about {given}", indicator_codes=["II-A"],
                                  audience="educator")
        svc.observations.finish(observation_id=o.id)
        svc.coaching.log(educator_id=e.id, kind="co_planning", held_on=date(2026, 11, 3), minutes=90)
        names[program] = (e, en, o)
    e, en, o = names["PAR"]
    cyc = svc.compliance.start_cycle(educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 5, 28),
                                     plan_type="directed_growth")
    for model, rid in ((type(en), en.id), (type(cyc), cyc.id), (type(o), o.id)):
        svc.observations.set_audience(model, rid, "admin")  # the CT shares the PAR case with the principal
    return site, names


def test_admin_gets_par_only_and_no_pa_name_anywhere(svc, tmp_path) -> None:
    import openpyxl
    from pypdf import PdfReader

    from esp_desktop.reports.caseload import render_caseload_pdf

    site, names = _mixed_school(svc)
    secret = [n for p in ("PA", "informal") for n in (names[p][0].given_name, names[p][0].family_name)]

    with pytest.raises(ValidationError, match="needs a scope"):
        svc.exports.tables(reader="admin")
    with pytest.raises(ValidationError, match="Unknown reader"):
        svc.exports.tables(reader="program_office")

    ts = svc.exports.tables(reader="admin", site_id=site.id)
    assert [r[1] for r in ts.table("observations").rows] == ["Ana Silva"]
    assert [r[1] for r in ts.table("compliance").rows] == ["Ana Silva"]
    csv_text = "".join(f.read_text(encoding="utf-8-sig") for f in svc.exports.write(ts, tmp_path / "a.csv"))
    book = openpyxl.load_workbook(svc.exports.write(ts, tmp_path / "a.xlsx")[0])
    cells = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)

    report = svc.exports.caseload_report(reader="admin", site_id=site.id, month="2026-11")
    assert report.table("cases").rows == (("E-Ana", "Ana Silva", "Harborview K-8 School", "PAR", "enrolled",
                                           date(2026, 9, 1)),)
    assert report.table("by_program").rows == (("PAR", "enrolled", 1),)
    pdf = render_caseload_pdf(report, tmp_path / "report.pdf")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(str(pdf.path)).pages)
    report_book = openpyxl.load_workbook(svc.exports.write(report, tmp_path / "report.xlsx")[0])
    report_cells = " ".join(str(c) for ws in report_book for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "Ana Silva" in pdf_text and "Ana Silva" in report_cells
    for text in (csv_text, cells, pdf_text, report_cells):
        for name in secret:
            assert name not in text, name
    for text in (cells, pdf_text, report_cells):  # the reader is told that PA cases are never included
        assert "Peer Assistance and informal coaching are confidential" in " ".join(text.split())
    # coaching is the educator's and the panel's: the administrator is told it was left out, not how much
    assert report.table("hours").rows == ()
    assert any("coaching entr" in line for line in report.left_out)


def test_educator_reader_sees_only_their_own_case(svc) -> None:
    site, names = _mixed_school(svc)
    e = names["PA"][0]
    with pytest.raises(ValidationError, match="one educator"):
        svc.exports.tables(reader="educator")
    ts = svc.exports.tables(reader="educator", educator_id=e.id)
    assert [r[1] for r in ts.table("observations").rows] == ["Priya Raman"]
    assert ts.table("compliance").rows == ()  # PA has no evaluation cycle


def test_panel_caseload_report_matches_the_store(demo_svc, tmp_path) -> None:
    from pypdf import PdfReader

    from esp_desktop.reports.caseload import render_caseload_pdf

    svc = demo_svc
    report = svc.exports.caseload_report(reader="panel", month="2026-11")
    enrolments = [svc.caseload.enrolment(e.id) for e in svc.caseload.educators()]
    assert Counter({(p, st): n for p, st, n in report.table("by_program").rows}) == Counter(
        (en.program, en.status) for en in enrolments if en)
    assert len(report.table("cases").rows) == len([en for en in enrolments if en])
    late = [i for cc in svc.compliance.dashboard() for i in cc.late]
    assert [(r[2], r[3]) for r in report.table("late").rows] == [(i.label, i.due_on) for i in late]
    minutes = sum(a.minutes for e in svc.caseload.educators() for a in svc.coaching.for_educator(e.id)
                  if date(2026, 9, 1) <= a.held_on <= date(2026, 11, 30))
    assert round(sum(r[3] for r in report.table("hours").rows), 2) == round(minutes / 60, 2)
    pdf = render_caseload_pdf(report, tmp_path / "r.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(str(pdf.path)).pages)
    assert "Caseload Report" in text and "prepared for the ESP Panel" in text and "Late items" in text
    with pytest.raises(ValidationError, match="YYYY-MM"):
        svc.exports.caseload_report(reader="panel", month="November")


def test_docs_state_every_column() -> None:
    from pathlib import Path

    from esp_desktop.core import roster
    from esp_desktop.services.exports import markdown_columns

    doc = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    assert markdown_columns() in doc, "paste services.exports.markdown_columns() into docs/exports.md"
    for f in roster.FIELDS:
        assert f"| `{f.key}` | {f.label} |" in doc
