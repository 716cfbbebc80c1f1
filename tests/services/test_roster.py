"""Roster import from an empty store: preview (dry run) with column mapping, duplicates by employee ID, bad rows with
reasons, and an import of exactly the good rows in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from esp_desktop.core import roster as rules
from esp_desktop.core.errors import EspError, ValidationError

ROSTER_CSV = """\
Employee ID,First Name,Last Name,Email,School,Subject,Grade Band
100201,Ana,Silva,a.silva@example.org,Harborview K-8 School,Mathematics,6-8
100202,Darnell,Whitaker,d.whitaker@example.org,Quarry Point Academy; Fernwood Upper School,Biology,9-12
100203,Priya,Raman,p.raman@example.org,Juniper Hill Elementary,Grade 2,K-5
100201,Ana,Silva,a.silva@example.org,Harborview K-8 School,Mathematics,6-8
,Tomasz,Kowalczyk,t.k@example.org,Harborview K-8 School,PE,K-8
100205,Marisol,,m.e@example.org,Juniper Hill Elementary,ESL,K-5
100206,Kwame,Mensah-Boateng,not-an-email,Harborview K-8 School,Special Education,6-8
,,,,,,
100207,Aisling,Ó Súilleabháin,a.os@example.org,Fernwood Upper School,English,6-8
100208,Fang,Wang,f.wang@example.org,Fernwood Upper School,Mandarin,9-12
100208,Fang,Wang-Li,f.wang@example.org,Fernwood Upper School,Mandarin,9-12
"""
GOOD = {"100201", "100202", "100203", "100207"}


def _write(tmp_path: Path, text: str, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_a_roster_with_good_duplicate_and_malformed_rows_imports_exactly_the_good_ones(svc, tmp_path) -> None:
    svc.caseload.add_site(name="Harborview K-8 School", code="HV")
    table = svc.roster.read(_write(tmp_path, ROSTER_CSV))
    assert table.headers[:3] == ("Employee ID", "First Name", "Last Name")

    plan = svc.roster.preview(table)
    assert plan.mapping == {"employee_id": 0, "given_name": 1, "family_name": 2, "full_name": None, "email": 3,
                            "school": 4, "subject": 5, "grade_band": 6}
    by_line = {p.line: p for p in plan.rows}
    assert {line: p.status for line, p in by_line.items()} == {
        2: "new", 3: "new", 4: "new", 5: "repeat", 6: "problem", 7: "problem", 8: "problem", 10: "new",
        11: "problem", 12: "problem"}
    assert "repeats row 2" in by_line[5].reasons[0]
    assert by_line[6].reasons == ("no employee ID",)
    assert by_line[7].reasons == ("given or family name missing",)
    assert "not an email address" in by_line[8].reasons[0]
    assert "also on row 12 with different details" in by_line[11].reasons[0]
    assert "also on row 11" in by_line[12].reasons[0]
    assert set(plan.new_schools) == {"Quarry Point Academy", "Fernwood Upper School", "Juniper Hill Elementary"}
    assert plan.summary().startswith("10 row(s): 4 new educator(s), 1 duplicate row(s) skipped, 5 row(s) with "
                                     "problems")
    assert svc.caseload.educators() == []  # the preview wrote nothing

    result = svc.roster.apply(plan)
    assert (result.created, result.updated, result.schools) == (4, 0, 3)
    on_file = {e.employee_id: e for e in svc.caseload.educators()}
    assert set(on_file) == GOOD
    sites = {s.name: s.id for s in svc.caseload.sites()}
    assert on_file["100201"].site_ids == [sites["Harborview K-8 School"]]  # matched the existing school
    assert on_file["100202"].site_ids == [sites["Quarry Point Academy"], sites["Fernwood Upper School"]]
    assert on_file["100207"].family_name == "Ó Súilleabháin" and on_file["100203"].grade_band == "K-5"
    assert len(sites) == 4
    assert any(h.action == "roster_import" for h in svc.audit.history(limit=5))

    again = svc.roster.preview(svc.roster.read(_write(tmp_path, ROSTER_CSV)))
    assert again.count("new") == 0 and again.count("unchanged") == 4  # importing twice creates nobody twice


def test_nothing_is_half_imported(svc, tmp_path, monkeypatch) -> None:
    from esp_desktop.services.roster import RosterService

    plan = svc.roster.preview(svc.roster.read(_write(tmp_path, ROSTER_CSV)))
    real = RosterService._write_row
    written: list[int] = []

    def fail_on_the_third(self, s, p, *args):
        if len(written) == 2:
            raise OSError("disk full")
        written.append(p.line)
        return real(self, s, p, *args)

    monkeypatch.setattr(RosterService, "_write_row", fail_on_the_third)
    with pytest.raises(OSError):
        svc.roster.apply(plan)
    assert written == [2, 3]  # two rows (and two new schools) were written in the session...
    assert svc.caseload.educators() == [] and svc.caseload.sites() == []  # ...and rolled back with the rest


def test_a_change_after_the_preview_refuses_the_whole_import(svc, tmp_path) -> None:
    plan = svc.roster.preview(svc.roster.read(_write(tmp_path, ROSTER_CSV)))
    svc.caseload.add_educator(given_name="Ana", family_name="Silva", employee_id="100201")
    with pytest.raises(ValidationError, match="changed since this preview"):
        svc.roster.apply(plan)
    assert [e.employee_id for e in svc.caseload.educators()] == ["100201"]


def test_xlsx_with_other_headers_floats_and_a_chosen_subset(svc, tmp_path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["This sheet is not the roster"])
    ws = wb.create_sheet("Caseload 2026-27")
    ws.append(["Staff ID", "Educator Name", "Work Location", "Position", "Grades", "E-mail"])
    ws.append([104200.0, "O'Brien-Ramírez, Zoë", "Juniper Hill Elementary", "Grade 4", "K-5", None])
    ws.append([104237, "Minh Nguyễn", "Harborview K-8 School", "Mathematics", "6-8", "m.n@example.org"])
    ws.append([104274, "Fang Wang (王芳)", "Fernwood Upper School", "Mandarin", "9-12", None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)

    with pytest.raises(ValidationError, match="holds the employee ID"):
        svc.roster.apply(svc.roster.preview(svc.roster.read(path)))  # the first sheet has no usable columns
    table = svc.roster.read(path, sheet="Caseload 2026-27")
    assert table.sheets == ("Notes", "Caseload 2026-27")
    plan = svc.roster.preview(table)
    assert plan.mapping["employee_id"] == 0 and plan.mapping["full_name"] == 1 and plan.mapping["email"] == 5
    rows = [p.row for p in plan.rows]
    assert [(r.employee_id, r.given_name, r.family_name) for r in rows if r] == [
        ("104200", "Zoë", "O'Brien-Ramírez"), ("104237", "Minh", "Nguyễn"), ("104274", "Fang", "Wang (王芳)")]
    svc.roster.apply(plan, lines=[2, 4])  # the CT leaves Minh out
    assert sorted(e.employee_id for e in svc.caseload.educators()) == ["104200", "104274"]


def test_educator_on_file_without_an_id_is_matched_by_name_and_updated_only_when_asked(svc, tmp_path) -> None:
    typed = svc.caseload.add_educator(given_name="Ana", family_name="Silva", role_subject="Maths")
    table = svc.roster.read(_write(tmp_path, ROSTER_CSV))
    plan = svc.roster.preview(table)
    ana = next(p for p in plan.rows if p.line == 2)
    assert ana.status == "on_file" and ana.educator_id == typed.id
    assert "employee ID (none) → 100201" in ana.reasons[0] and "subject Maths → Mathematics" in ana.reasons[0]

    plan = svc.roster.preview(table, update_existing=True)
    result = svc.roster.apply(plan)
    assert (result.created, result.updated) == (3, 1)
    e = svc.caseload.educator(typed.id)
    assert (e.employee_id, e.role_subject, e.email) == ("100201", "Mathematics", "a.silva@example.org")
    assert len(svc.caseload.educators()) == 4


def test_column_mapping_choices_and_mapping_problems(svc, tmp_path) -> None:
    text = "Name;ID;Schule\nSilva, Ana;7;Harborview\n"
    table = svc.roster.read(_write(tmp_path, text, encoding="cp1252"))  # European Excel: ; and cp1252
    assert table.headers == ("Name", "ID", "Schule")
    plan = svc.roster.preview(table)
    assert plan.mapping["school"] is None and plan.count("new") == 1
    mapping = svc.roster.mapping_from_names(table, {"school": "Schule"})
    assert svc.roster.preview(table, mapping=mapping).new_schools == ("Harborview",)
    no_id = svc.roster.mapping_from_names(table, {"employee_id": ""})
    bad = svc.roster.preview(table, mapping=no_id)
    assert bad.rows == () and "employee ID" in bad.summary()
    with pytest.raises(ValidationError, match="employee ID"):
        svc.roster.apply(bad)
    with pytest.raises(ValidationError, match="no column 'Skool'"):
        svc.roster.mapping_from_names(table, {"school": "Skool"})
    assert rules.mapping_problems({"employee_id": 0, "full_name": 0}) == [
        "One column is chosen for two fields: each column can hold only one field."]


def test_unreadable_files_get_one_clear_line(svc, tmp_path) -> None:
    with pytest.raises(ValidationError, match="is empty"):
        svc.roster.read(_write(tmp_path, "\n\n", "empty.csv"))
    with pytest.raises(ValidationError, match="not a readable Excel workbook"):
        svc.roster.read(_write(tmp_path, "PK this is not a zip", "broken.xlsx"))
    with pytest.raises(ValidationError, match="choose a roster saved as CSV"):
        svc.roster.read(_write(tmp_path, "x", "roster.pdf"))
    with pytest.raises(EspError, match="Cannot read missing.csv"):
        svc.roster.read(tmp_path / "missing.csv")


def test_same_name_under_another_employee_id_is_held_back(svc, tmp_path) -> None:
    svc.caseload.add_educator(given_name="Ana", family_name="Silva", employee_id="E-77")
    plan = svc.roster.preview(svc.roster.read(_write(tmp_path, ROSTER_CSV)))
    ana = next(p for p in plan.rows if p.line == 2)
    assert ana.status == "problem" and "already on file with employee ID E-77" in ana.reasons[0]
    assert plan.count("new") == 3
