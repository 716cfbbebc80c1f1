"""Roster import: educators and schools from a district CSV or XLSX file.

    table = svc.roster.read(path)                     # the raw cells (CSV: any common encoding and delimiter)
    plan = svc.roster.preview(table, mapping=None)    # a dry run: what would be created, updated, skipped, and why
    result = svc.roster.apply(plan)                   # one transaction: all of it or nothing

Rows are matched to educators on file by employee ID. An educator on file without an employee ID but with the
same name is not created twice: the row is held back until the CT chooses to update educators on file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..core import roster as rules
from ..core.errors import EspError, ValidationError
from ..store.models import Educator, Site
from .base import Service

# Statuses of a row in a plan.
NEW, UPDATE, UNCHANGED, ON_FILE, REPEAT, PROBLEM = "new", "update", "unchanged", "on_file", "repeat", "problem"
STATUS_LABELS = {NEW: "New", UPDATE: "Update", UNCHANGED: "Already on file", ON_FILE: "On file (skipped)",
                 REPEAT: "Duplicate (skipped)", PROBLEM: "Problem"}


@dataclass(frozen=True)
class RosterTable:
    """The cells of a roster file as text: the header row and the data rows with their row numbers."""

    source: str  # file name, for messages and the audit log
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    sheet: str | None = None
    sheets: tuple[str, ...] = ()  # every sheet of a workbook


@dataclass(frozen=True)
class PlanRow:
    line: int
    status: str  # NEW, UPDATE, ...
    cells: tuple[str, ...]
    row: rules.RosterRow | None = None
    reasons: tuple[str, ...] = ()  # why a row is a problem or skipped; for an update: what changes
    educator_id: str | None = None  # the educator on file it matches

    @property
    def writes(self) -> bool:
        return self.status in (NEW, UPDATE)


@dataclass(frozen=True)
class RosterPlan:
    table: RosterTable
    mapping: dict[str, int | None]
    update_existing: bool
    rows: tuple[PlanRow, ...]
    new_schools: tuple[str, ...]
    problems: tuple[str, ...] = ()  # the mapping itself is unusable (nothing can be imported)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def to_write(self) -> list[PlanRow]:
        return [r for r in self.rows if r.writes]

    def summary(self) -> str:
        if self.problems:
            return " ".join(self.problems)
        bits = [f"{self.count(NEW)} new educator(s)"]
        for status, words in ((UPDATE, "to update"), (UNCHANGED, "already on file, unchanged"),
                              (ON_FILE, "on file and skipped"), (REPEAT, "duplicate row(s) skipped"),
                              (PROBLEM, "row(s) with problems, not imported")):
            if self.count(status):
                bits.append(f"{self.count(status)} {words}")
        schools = f"; {len(self.new_schools)} new school(s): {', '.join(self.new_schools)}" if self.new_schools else ""
        return f"{len(self.rows)} row(s): " + ", ".join(bits) + schools + "."


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int
    schools: int
    educator_ids: tuple[str, ...] = field(default_factory=tuple)


# --- reading files --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets store employee numbers as floats
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _table(source: str, raw: Sequence[Sequence[Any]], *, sheet: str | None = None,
           sheets: Sequence[str] = ()) -> RosterTable:
    rows = [(i, tuple(_text(c) for c in r)) for i, r in enumerate(raw, 1)]
    rows = [(i, r) for i, r in rows if not rules.is_blank(r)] if rows else []
    if not rows:
        raise ValidationError(f"{source} is empty: there is no header row and no educator.")
    (_, header), data = rows[0], rows[1:]
    if len(data) > rules.MAX_ROWS:
        raise ValidationError(f"{source} has {len(data)} rows; a roster import takes at most {rules.MAX_ROWS}.")
    width = max(len(header), *(len(r) for _, r in data)) if data else len(header)
    headers = tuple(h or f"Column {i + 1}" for i, h in enumerate(header + ("",) * (width - len(header))))
    return RosterTable(source, headers, tuple((i, r + ("",) * (width - len(r))) for i, r in data), sheet,
                       tuple(sheets))


def read_csv(data: bytes, source: str) -> RosterTable:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows writes cp1252 unless told otherwise
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise ValidationError(f"{source} is not a text file the import can read.")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        raw = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise ValidationError(f"{source} is not a readable CSV file ({exc}).") from None
    return _table(source, raw)


def read_xlsx(data: bytes, source: str, sheet: str | None = None) -> RosterTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(f"{source} is not a readable Excel workbook (.xlsx).") from None
    try:
        names = tuple(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise ValidationError(f"{source} has no sheet {sheet!r} (it has: {', '.join(names)}).")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        raw = [list(r) for r in ws.iter_rows(values_only=True)]
        return _table(source, raw, sheet=ws.title, sheets=names)
    finally:
        wb.close()


def read_roster(path: str | Path, *, sheet: str | None = None) -> RosterTable:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise EspError(f"Cannot read {p.name}: {exc.strerror or exc}.") from None
    suffix = p.suffix.casefold()
    if suffix == ".xlsx" or data[:2] == b"PK":
        return read_xlsx(data, p.name, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(data, p.name)
    raise ValidationError(f"{p.name}: choose a roster saved as CSV (.csv) or Excel (.xlsx).")


# --- the plan and the import ------------------------------------------------------------------------------------


def _site_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class RosterService(Service):
    def read(self, path: str | Path, *, sheet: str | None = None) -> RosterTable:
        return read_roster(path, sheet=sheet)

    def mapping_from_names(self, table: RosterTable, names: Mapping[str, str]) -> dict[str, int | None]:
        """Start from the guessed mapping and apply ``field key -> header name`` choices (CLI ``--map``)."""
        mapping = rules.guess_mapping(table.headers)
        norm = {rules.normalise_header(h): i for i, h in enumerate(table.headers)}
        for key, name in names.items():
            if key not in rules.FIELD_BY_KEY:
                raise ValidationError(f"Unknown roster field {key!r}: use one of {', '.join(rules.FIELD_BY_KEY)}.")
            if not name:
                mapping[key] = None
                continue
            col = table.headers.index(name) if name in table.headers else norm.get(rules.normalise_header(name))
            if col is None:
                raise ValidationError(f"{table.source} has no column {name!r}.")
            mapping = {k: (None if v == col else v) for k, v in mapping.items()}
            mapping[key] = col
        return mapping

    def preview(self, table: RosterTable, *, mapping: Mapping[str, int | None] | None = None,
                update_existing: bool = False) -> RosterPlan:
        """The dry run: what an import would do with each row. Nothing is written."""
        with self.session() as s:
            return self._plan(s, table, dict(mapping) if mapping is not None else rules.guess_mapping(table.headers),
                              update_existing)

    def _plan(self, s: Session, table: RosterTable, mapping: dict[str, int | None],
              update_existing: bool) -> RosterPlan:
        problems = rules.mapping_problems(mapping)
        if problems:
            return RosterPlan(table, mapping, update_existing, (), (), tuple(problems))
        good, repeats, bad = rules.check_rows(table.rows, mapping)
        educators = list(s.scalars(self.live(Educator)))
        by_emp = {rules.employee_key(e.employee_id): e for e in educators if e.employee_id}
        by_name: dict[tuple[str, str], list[Educator]] = {}  # educators on file without an employee ID
        named: dict[tuple[str, str], list[Educator]] = {}  # every educator on file, by name
        for e in educators:
            key = (e.given_name.casefold(), e.family_name.casefold())
            named.setdefault(key, []).append(e)
            if not e.employee_id:
                by_name.setdefault(key, []).append(e)
        sites = self._sites(s)
        out: list[PlanRow] = [PlanRow(p.line, PROBLEM, p.cells, reasons=p.reasons) for p in bad]
        out += [PlanRow(r.line, REPEAT, r.cells, reasons=(f"repeats row {r.first_line} (same employee ID "
                                                          f"{r.employee_id}, same details)",)) for r in repeats]
        cells = dict(table.rows)
        new_schools: dict[str, str] = {}
        matched: dict[str, int] = {}  # educator on file -> the row that matched it
        for r in good:
            for school in r.schools:
                if _site_key(school) not in sites:
                    new_schools.setdefault(_site_key(school), school)
            match = by_emp.get(r.key())
            by_same_name = by_name.get((r.given_name.casefold(), r.family_name.casefold()), [])
            if match is None and len(by_same_name) == 1:
                match = by_same_name[0]
            elif match is None and len(by_same_name) > 1:
                out.append(PlanRow(r.line, PROBLEM, cells[r.line], r, (
                    f"{len(by_same_name)} educators named {r.given_name} {r.family_name} are on file without an "
                    "employee ID: add the ID to the right one first",)))
                continue
            if match is None:
                twins = [e for e in named.get((r.given_name.casefold(), r.family_name.casefold()), [])
                         if e.employee_id]
                if twins:  # most likely the same person under another ID: never create them twice silently
                    ids = ", ".join(sorted(str(e.employee_id) for e in twins))
                    out.append(PlanRow(r.line, PROBLEM, cells[r.line], r, (
                        f"{r.given_name} {r.family_name} is already on file with employee ID {ids}: check which "
                        "ID is right (edit the educator, or fix the file)",)))
                    continue
                out.append(PlanRow(r.line, NEW, cells[r.line], r))
                continue
            if match.id in matched:
                out.append(PlanRow(r.line, PROBLEM, cells[r.line], r, (
                    f"matches {match.display_name} on file, as row {matched[match.id]} does",)))
                continue
            matched[match.id] = r.line
            changes = self._changes(match, r, sites)
            linked = "" if match.employee_id else " (on file without an employee ID)"
            if not changes:
                out.append(PlanRow(r.line, UNCHANGED, cells[r.line], r, (), match.id))
            elif update_existing:
                out.append(PlanRow(r.line, UPDATE, cells[r.line], r, tuple(changes), match.id))
            else:
                out.append(PlanRow(r.line, ON_FILE, cells[r.line], r, (
                    f"{match.display_name} is already on file{linked}; choose to update educators on file to "
                    f"apply: {'; '.join(changes)}",), match.id))
        out.sort(key=lambda p: p.line)
        wanted = {_site_key(sch) for p in out if p.writes and p.row for sch in p.row.schools}
        return RosterPlan(table, mapping, update_existing, tuple(out),
                          tuple(v for k, v in new_schools.items() if k in wanted))

    def _sites(self, s: Session) -> dict[str, Site]:
        out: dict[str, Site] = {}
        for site in s.scalars(self.live(Site)):
            out.setdefault(_site_key(site.name), site)
            if site.code:
                out.setdefault(_site_key(site.code), site)
        return out

    @staticmethod
    def _changes(e: Educator, r: rules.RosterRow, sites: Mapping[str, Site]) -> list[str]:
        changes = []
        for attr, new, what in (("employee_id", r.employee_id, "employee ID"), ("given_name", r.given_name, "given name"),
                                ("family_name", r.family_name, "family name"), ("email", r.email, "email"),
                                ("role_subject", r.subject, "subject"), ("grade_band", r.grade_band, "grade band")):
            if new and (getattr(e, attr) or "") != new:
                changes.append(f"{what} {getattr(e, attr) or '(none)'} → {new}")
        have = set(e.site_ids or ())
        add = [sch for sch in r.schools if sites.get(_site_key(sch)) is None or sites[_site_key(sch)].id not in have]
        if add:
            changes.append("add school " + ", ".join(add))
        return changes

    def apply(self, plan: RosterPlan, *, lines: Sequence[int] | None = None) -> RosterResult:
        """Import the plan's new and updated rows (or only ``lines`` among them) in one transaction. The plan is
        made again inside the transaction: if the store changed since the preview, nothing is written."""
        if plan.problems:
            raise ValidationError(" ".join(plan.problems))
        chosen = {p.line for p in plan.to_write if lines is None or p.line in set(lines)}
        if not chosen:
            raise ValidationError("Nothing to import: no row of the roster is new or to be updated.")
        with self.session() as s:
            again = self._plan(s, plan.table, plan.mapping, plan.update_existing)
            if [(p.line, p.status, p.educator_id) for p in again.rows] != \
                    [(p.line, p.status, p.educator_id) for p in plan.rows]:
                raise ValidationError("The caseload changed since this preview; preview the roster again. "
                                      "Nothing was imported.")
            sites = self._sites(s)
            new_sites: list[Site] = []
            created: list[str] = []
            updated = 0
            for p in again.rows:
                if p.line in chosen and p.row is not None:
                    e = self._write_row(s, p, p.row, sites, new_sites)
                    if p.status == NEW:
                        created.append(e.id)
                    else:
                        updated += 1
            created_sites = len(new_sites)
        # leaving the block commits everything at once; an error anywhere above rolls everything back
        result = RosterResult(len(created), updated, created_sites, tuple(created))
        self._svc.audit.log(action="roster_import", detail={
            "file": plan.table.source, "created": result.created, "updated": result.updated,
            "schools": result.schools, "skipped": len(plan.rows) - len(chosen)})
        return result

    def _write_row(self, s: Session, p: PlanRow, row: rules.RosterRow, sites: dict[str, Site],
                   new_sites: list[Site]) -> Educator:
        """Write one planned row in the import's session (no commit here: the whole import is one transaction)."""
        site_ids = []
        for school in row.schools:
            site = sites.get(_site_key(school))
            if site is None:
                site = Site(name=school)
                s.add(site)
                sites[_site_key(school)] = site
                new_sites.append(site)
            site_ids.append(site.id)
        if p.status == NEW:
            e = Educator(given_name=row.given_name, family_name=row.family_name, employee_id=row.employee_id,
                         email=row.email, role_subject=row.subject, grade_band=row.grade_band, site_ids=site_ids)
            s.add(e)
            return e
        e = self.get(s, Educator, p.educator_id or "", what="Educator")
        e.employee_id = row.employee_id
        e.given_name, e.family_name = row.given_name, row.family_name
        for attr, value in (("email", row.email), ("role_subject", row.subject), ("grade_band", row.grade_band)):
            if value:
                setattr(e, attr, value)
        e.site_ids = list(dict.fromkeys([*(e.site_ids or ()), *site_ids]))
        return e
