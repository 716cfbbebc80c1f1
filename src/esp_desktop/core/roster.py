"""Roster import rules, pure: which column holds what (column mapping), and whether each row is usable.

A district roster is a table of educators (employee id, names, email, school, subject, grade band) exported from
the district's HR or evaluation system. The file's columns are mapped to ``FIELDS`` (guessed from the headers,
changeable by the CT); each row is then checked on its own and against the other rows of the file (the same
employee id twice). Store-dependent checks (already on file, unknown schools) live in ``services/roster.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_ROWS = 5000  # a caseload roster, not the district's whole staff list


@dataclass(frozen=True)
class RosterField:
    key: str
    label: str
    max_len: int
    synonyms: tuple[str, ...]  # normalised header names that mean this field


FIELDS: tuple[RosterField, ...] = (
    RosterField("employee_id", "Employee ID", 50,
                ("employeeid", "employeeno", "employeenumber", "empid", "empno", "staffid", "staffnumber", "id",
                 "personid", "hrid")),
    RosterField("given_name", "Given name", 100, ("givenname", "firstname", "first", "forename", "given")),
    RosterField("family_name", "Family name", 100, ("familyname", "lastname", "last", "surname", "family")),
    RosterField("full_name", "Full name", 200, ("name", "fullname", "educator", "educatorname", "teacher",
                                                "teachername", "staffname", "employeename")),
    RosterField("email", "Email", 200, ("email", "emailaddress", "workemail", "districtemail", "mail")),
    RosterField("school", "School", 200, ("school", "schoolname", "site", "sitename", "location", "building",
                                          "worklocation")),
    RosterField("subject", "Subject / role", 200, ("subject", "subjectarea", "contentarea", "role", "position",
                                                   "jobtitle", "title", "assignment")),
    RosterField("grade_band", "Grade band", 50, ("gradeband", "grade", "grades", "gradelevel", "gradelevels",
                                                 "gradespan")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
SCHOOL_SEPARATOR = ";"  # an educator at two schools: "Harborview K-8; Juniper Hill"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_header(header: str) -> str:
    """'Employee ID #' -> 'employeeid'; 'E-mail' -> 'email'."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """Field key -> column index, from the header names (None: not in the file). Each column is used once."""
    norm = [normalise_header(h) for h in headers]
    out: dict[str, int | None] = {}
    used: set[int] = set()
    for f in FIELDS:
        hit = next((i for s in f.synonyms for i, h in enumerate(norm) if h == s and i not in used), None)
        out[f.key] = hit
        if hit is not None:
            used.add(hit)
    if out["given_name"] is not None and out["family_name"] is not None:
        out["full_name"] = None  # separate name columns win over a combined one
    return out


def mapping_problems(mapping: Mapping[str, int | None]) -> list[str]:
    """What a mapping lacks before any row can be read (empty list: usable)."""
    problems = []
    if mapping.get("employee_id") is None:
        problems.append("Choose the column that holds the employee ID: duplicates are found by it.")
    has_names = mapping.get("given_name") is not None and mapping.get("family_name") is not None
    if not has_names and mapping.get("full_name") is None:
        problems.append("Choose the columns with the given and family names (or one column with the full name).")
    cols = [c for c in mapping.values() if c is not None]
    if len(cols) != len(set(cols)):
        problems.append("One column is chosen for two fields: each column can hold only one field.")
    return problems


@dataclass(frozen=True)
class RosterRow:
    """A usable row of the file, with cleaned values."""

    line: int  # the row number as a spreadsheet shows it (the header is row 1 in most files)
    employee_id: str
    given_name: str
    family_name: str
    email: str | None
    schools: tuple[str, ...]
    subject: str | None
    grade_band: str | None

    def key(self) -> str:
        return employee_key(self.employee_id)

    def values(self) -> tuple[object, ...]:
        return (self.employee_id, self.given_name, self.family_name, self.email, self.schools, self.subject,
                self.grade_band)


@dataclass(frozen=True)
class RowProblem:
    line: int
    cells: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Repeat:
    """A row that repeats an earlier row of the file exactly (same employee id, same details): skipped."""

    line: int
    cells: tuple[str, ...]
    first_line: int
    employee_id: str


def employee_key(employee_id: str) -> str:
    return employee_id.strip().casefold()


def split_full_name(full: str) -> tuple[str, str]:
    """'Silva, Ana Maria' -> ('Ana Maria', 'Silva'); 'Ana Maria Silva' -> ('Ana Maria', 'Silva'). The preview shows
    the split, so the CT can map separate name columns instead when a name does not split this way."""
    full = " ".join(full.split())
    if "," in full:
        family, _, given = full.partition(",")
        return given.strip(), family.strip()
    aside = re.match(r"^(.*\S)\s+(\([^()]*\))$", full)  # "Fang Wang (王芳)": the note stays with the family name
    base, note = (aside.group(1), f" {aside.group(2)}") if aside else (full, "")
    given, _, family = base.rpartition(" ")
    return given.strip(), family.strip() + note


def _cell(cells: Sequence[str], col: int | None) -> str:
    if col is None or col >= len(cells):
        return ""
    return " ".join(str(cells[col]).split())


def check_row(line: int, cells: Sequence[str], mapping: Mapping[str, int | None]) -> RosterRow | RowProblem:
    """One row on its own: required fields present, lengths, email shape."""
    v = {f.key: _cell(cells, mapping.get(f.key)) for f in FIELDS}
    reasons: list[str] = []
    given, family = v["given_name"], v["family_name"]
    if (not given or not family) and v["full_name"]:
        g2, f2 = split_full_name(v["full_name"])
        given, family = given or g2, family or f2
    if not v["employee_id"]:
        reasons.append("no employee ID")
    elif any(c.isspace() for c in v["employee_id"]):
        reasons.append(f"employee ID {v['employee_id']!r} contains a space")
    if not given or not family:
        reasons.append("given or family name missing")
    if v["email"] and not _EMAIL.match(v["email"]):
        reasons.append(f"email {v['email']!r} is not an email address")
    schools = tuple(dict.fromkeys(s.strip() for s in v["school"].split(SCHOOL_SEPARATOR) if s.strip()))
    for key, value in (("employee_id", v["employee_id"]), ("given_name", given), ("family_name", family),
                       ("email", v["email"]), ("subject", v["subject"]), ("grade_band", v["grade_band"]),
                       *(("school", s) for s in schools)):
        f = FIELD_BY_KEY[key]
        if len(value) > f.max_len:
            reasons.append(f"{f.label.lower()} is longer than {f.max_len} characters")
    if reasons:
        return RowProblem(line, tuple(str(c) for c in cells), tuple(reasons))
    return RosterRow(line, v["employee_id"], given, family, v["email"] or None, schools, v["subject"] or None,
                     v["grade_band"] or None)


def is_blank(cells: Sequence[str]) -> bool:
    return not any(str(c).strip() for c in cells)


def check_rows(rows: Sequence[tuple[int, Sequence[str]]], mapping: Mapping[str, int | None]
               ) -> tuple[list[RosterRow], list[Repeat], list[RowProblem]]:
    """Every row: usable rows, exact repeats (skipped), and problems with reasons. A employee ID found on two
    rows with different details is a problem on both rows: the file must say which one is right."""
    good: list[RosterRow] = []
    problems: list[RowProblem] = []
    cells_of: dict[int, tuple[str, ...]] = {}
    for line, cells in rows:
        if is_blank(cells):
            continue
        cells_of[line] = tuple(str(c) for c in cells)
        r = check_row(line, cells, mapping)
        (good if isinstance(r, RosterRow) else problems).append(r)  # type: ignore[arg-type]
    by_key: dict[str, list[RosterRow]] = {}
    for r in good:
        by_key.setdefault(r.key(), []).append(r)
    repeats: list[Repeat] = []
    keep: list[RosterRow] = []
    for r in good:
        same = by_key[r.key()]
        first = same[0]
        if len(same) == 1:
            keep.append(r)
        elif all(x.values() == first.values() for x in same):
            if r is first:
                keep.append(r)
            else:
                repeats.append(Repeat(r.line, cells_of[r.line], first.line, r.employee_id))
        else:
            others = ", ".join(str(x.line) for x in same if x is not r)
            problems.append(RowProblem(r.line, cells_of[r.line], (
                f"employee ID {r.employee_id} is also on row {others} with different details",)))
    problems.sort(key=lambda p: p.line)
    return keep, repeats, problems
