"""Structured exports for the ESP Panel and the district's platforms: observations, ratings and compliance per
educator as tables (CSV or XLSX, ``services/spreadsheet.py``), and the data of the monthly caseload report.

Every table is built for one reader (``services/scope.py`` -> ``core/policy.py``): a row exists only if the reader
may see the record it comes from, counts count only records the reader may see, and what was left out is stated
in the words the policy allows for that reader. Column names are stable and documented in docs/exports.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..core import clock, timefmt
from ..core.enums import (
    DocumentStatus,
    EnrolmentStatus,
    ObservationKind,
    ObservationStatus,
    Program,
    ReaderKind,
)
from ..core.errors import ValidationError
from ..store.models import (
    AssessmentDocument,
    CoachingActivity,
    CTProfile,
    Educator,
    Enrolment,
    EvaluationCycle,
    Observation,
    ObservationPost,
    Person,
    ScriptNote,
    Site,
)
from .base import Service
from .scope import Scope, build_scope, parse_reader

TABLE_READERS = (ReaderKind.PANEL, ReaderKind.ADMIN, ReaderKind.EDUCATOR, ReaderKind.CT)
REPORT_READERS = (ReaderKind.PANEL, ReaderKind.ADMIN)


@dataclass(frozen=True)
class Column:
    key: str  # the column name in CSV and XLSX (stable: platforms import by it)
    doc: str  # what it holds (docs/exports.md, the XLSX "About" sheet)


@dataclass(frozen=True)
class Table:
    name: str  # "observations" | "ratings" | "compliance" | a report section
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]  # str | int | date | None, in column order

    def column(self, key: str) -> list[Any]:
        i = [c.key for c in self.columns].index(key)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class TableSet:
    """Tables for one reader, with what was left out (what the reader may be told)."""

    reader: str  # the reader's name ("the ESP Panel")
    reader_kind: str
    scope: str  # "all cases" / "Harborview K-8 School" / "Ana Silva"
    generated_at: Any  # aware UTC datetime
    tables: tuple[Table, ...]
    left_out: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # other things the reader should know (e.g. the program rule in effect)
    title: str = "esp-desktop export"

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def _cols(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, d) for k, d in pairs)


EDUCATOR_COLS = (
    ("employee_id", "The educator's district employee ID."),
    ("educator", "The educator's name (given name, family name)."),
)
OBSERVATION_COLUMNS = _cols(
    *EDUCATOR_COLS,
    ("observation_id", "The observation's id in esp-desktop (stable; use it to match re-exports)."),
    ("observed_on", "Date of the observation (YYYY-MM-DD)."),
    ("kind", "announced | unannounced."),
    ("status", "in_progress | finished."),
    ("school", "Where the lesson was observed."),
    ("class_period", "Class or period, as the CT wrote it."),
    ("start_time", "Local start time (HH:MM), empty if not started with the clock."),
    ("duration_minutes", "Length of the observation in minutes."),
    ("observer", "Who observed (the CT unless a secondary evaluator did)."),
    ("evidence_lines", "Scripted lines this reader may see."),
    ("indicators", "Rubric indicators those lines are tagged with, in rubric order, separated by '; '."),
    ("post_conference_on", "Date of the post-conference (YYYY-MM-DD), if held."),
    ("posted_on", "When it was last posted to the district platform (YYYY-MM-DD), empty if never."),
    ("posted_state", "not_posted | posted | changed (changed since it was posted); empty if not applicable."),
)
RATING_COLUMNS = _cols(
    *EDUCATOR_COLS,
    ("document_id", "The document's id in esp-desktop."),
    ("document", "formative | summative."),
    ("version", "Version number (a correction is a new version)."),
    ("status", "final | superseded (a later final version corrects it)."),
    ("finalized_on", "Date the document was finalized (YYYY-MM-DD)."),
    ("standard", "Rubric standard code (I, II, III, IV), or 'overall'."),
    ("standard_name", "The standard's name."),
    ("rating", "exemplary | proficient | needs_improvement | unsatisfactory (empty if not rated)."),
    ("rating_name", "The rating as the rubric names it."),
    ("rationale", "The CT's rationale for the rating."),
)
COMPLIANCE_COLUMNS = _cols(
    *EDUCATOR_COLS,
    ("schools", "The educator's schools, separated by '; '."),
    ("plan_type", "The educator plan of the current PAR cycle."),
    ("cycle_start", "First day of the current cycle (YYYY-MM-DD)."),
    ("cycle_end", "Last day of the current cycle (YYYY-MM-DD)."),
    ("announced_done", "Finished announced observations in the cycle that this reader may see."),
    ("announced_required", "Announced observations the cycle requires."),
    ("unannounced_done", "Finished unannounced observations in the cycle that this reader may see."),
    ("unannounced_required", "Unannounced observations the cycle requires."),
    ("late_items", "Required observations and documents past their due date and not done."),
    ("next_due", "The next open item (e.g. 'Unannounced observation 3')."),
    ("next_due_on", "Its due date (YYYY-MM-DD)."),
    ("formative_due_on", "Due date of the formative assessment."),
    ("formative_done_on", "Date the formative assessment was finalized, empty if not yet."),
    ("summative_due_on", "Due date of the summative evaluation recommendation."),
    ("summative_done_on", "Date the summative recommendation was finalized, empty if not yet."),
)
TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "observations": ("Observations", OBSERVATION_COLUMNS),
    "ratings": ("Ratings", RATING_COLUMNS),
    "compliance": ("Compliance", COMPLIANCE_COLUMNS),
}

# The caseload report's sections (also written as XLSX sheets).
CASES_COLUMNS = _cols(
    *EDUCATOR_COLS,
    ("schools", "The educator's schools, separated by '; '."),
    ("program", "PAR | PA | informal."),
    ("status", "referred | intake_scheduled | enrolled | completed | exited."),
    ("since", "Date of the current status (referred, enrolled or ended on)."),
)
BY_PROGRAM_COLUMNS = _cols(
    ("program", "PAR | PA | informal."),
    ("status", "Enrolment status."),
    ("cases", "Number of educators."),
)
HOURS_COLUMNS = _cols(
    ("kind", "Kind of support (co_planning, modelling, ...)."),
    ("sessions_in_period", "Coaching log entries in the period."),
    ("hours_in_period", "Hours of support in the period."),
    ("hours_year_to_date", "Hours of support since the start of the school year (September 1)."),
)
LATE_COLUMNS = _cols(
    *EDUCATOR_COLS,
    ("item", "The late item (observation or document)."),
    ("due_on", "Its due date (YYYY-MM-DD)."),
    ("days_late", "Days past the due date on the report's date."),
)


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"{timefmt.MONTHS[self.start.month - 1]} {self.start.year}"


def month_period(month: str | None) -> ReportPeriod:
    """``"2026-11"`` -> November 2026 (the current local month when None)."""
    if month:
        try:
            year, mon = (int(x) for x in month.split("-"))
            start = date(year, mon, 1)
        except ValueError:
            raise ValidationError(f"Give the month as YYYY-MM (for example 2026-11), not {month!r}.") from None
    else:
        start = clock.today().replace(day=1)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return ReportPeriod(start, nxt - timedelta(days=1))


@dataclass
class _Case:
    """What one educator contributes to the tables, read once."""

    educator: Educator
    enrolment: Enrolment | None
    schools: tuple[str, ...] = ()
    cycle: EvaluationCycle | None = None
    observations: list[Observation] = field(default_factory=list)


class ExportService(Service):
    # --- the tables -------------------------------------------------------------------------------------------

    def tables(self, *, reader: str, educator_id: str | None = None, site_id: str | None = None,
               names: Sequence[str] = tuple(TABLES)) -> TableSet:
        """Observations, ratings and compliance for ``reader`` (panel, admin + site or educator, educator + educator,
        ct: the CT's own copy without CT-private records)."""
        kind = parse_reader(reader, TABLE_READERS)
        unknown = [n for n in names if n not in TABLES]
        if unknown:
            raise ValidationError(f"Unknown table {unknown[0]!r}: choose observations, ratings or compliance.")
        with self.session() as s:
            scope = build_scope(s, kind, educator_id=educator_id, site_id=site_id)
            cases = self._cases(s, scope)
            built = {"observations": self._observations, "ratings": self._ratings, "compliance": self._compliance}
            tables = tuple(built[n](s, scope, cases) for n in names)
            return TableSet(scope.reader_name, kind.value, self._scope_text(s, educator_id, site_id), clock.now(),
                            tables, tuple(scope.left_out()), tuple(self._notes(kind)))

    def _notes(self, kind: ReaderKind) -> list[str]:
        if kind is ReaderKind.ADMIN:
            return ["Only educators in PAR are ever included for a school administrator: Peer Assistance and "
                    "informal coaching are confidential."]
        if kind is ReaderKind.CT:
            return ["Your own copy: CT-private records are left out."]
        return []

    def _scope_text(self, s: Session, educator_id: str | None, site_id: str | None) -> str:
        if educator_id:
            return self.get(s, Educator, educator_id, what="Educator").display_name
        if site_id:
            return self.get(s, Site, site_id, what="Site").name
        return "all cases"

    def _cases(self, s: Session, scope: Scope) -> list[_Case]:
        """Every educator the reader may see, with their visible enrolment, current cycle and observations."""
        sites = {x.id: x for x in s.scalars(self.live(Site))}
        out = []
        for e in s.scalars(self.live(Educator).order_by(Educator.family_name, Educator.given_name)):
            if not scope.covers(e.id) or not scope.shows(e):
                continue
            en = self._svc.caseload._current_or_latest(s, e.id)
            case = _Case(e, en if en is not None and scope.shows(en) else None,
                         tuple(sites[i].name for i in e.site_ids or () if i in sites and scope.shows(sites[i])))
            cyc = self._svc.compliance.cycle_on_in(s, e.id, self.today())
            if cyc is not None and scope.shows(cyc, parent=s.get(Enrolment, cyc.enrolment_id)
                                               if cyc.enrolment_id else None):
                case.cycle = cyc
            q = self.live(Observation).where(Observation.educator_id == e.id).order_by(Observation.observed_on)
            case.observations = [o for o in s.scalars(q) if scope.shows(o)]
            out.append(case)
        return out

    def _observations(self, s: Session, scope: Scope, cases: list[_Case]) -> Table:
        rubric = self._svc.rubric
        order = {ind.code: i for i, ind in enumerate(rubric.indicators)}
        sites = {x.id: x for x in s.scalars(self.live(Site))}
        people = {p.id: p for p in s.scalars(self.live(Person))}
        ct = s.scalars(self.live(CTProfile)).first()
        rows = []
        for c in cases:
            e = c.educator
            for o in c.observations:
                q = self.live(ScriptNote).where(ScriptNote.observation_id == o.id)
                lines = [n for n in s.scalars(q) if scope.shows(n, parent=o)]
                codes = sorted({code for n in lines for code in n.indicator_codes or () if code in order},
                               key=order.__getitem__)
                site = sites.get(o.site_id or "")
                observer = people.get(o.observer_person_id or "")
                posts = [p for p in s.scalars(self.live(ObservationPost).where(ObservationPost.observation_id == o.id)
                                              .order_by(ObservationPost.posted_at)) if scope.shows(p, parent=o)]
                state = ""
                if posts or (o.status == ObservationStatus.FINISHED and scope.reader.kind in (ReaderKind.CT,
                                                                                           ReaderKind.PANEL)):
                    state = self._post_state(o)
                rows.append((
                    e.employee_id or "", e.display_name, o.id, o.observed_on, o.kind, o.status,
                    site.name if site is not None and scope.shows(site) else "", o.class_period or "",
                    timefmt.screen_time(o.started_at) if o.started_at else "", o.duration_minutes,
                    observer.name if observer is not None and scope.shows(observer) else (ct.name if ct else ""),
                    len(lines), "; ".join(codes), o.post_conference_on,
                    clock.to_local(posts[-1].posted_at).date() if posts else None, state,
                ))
        return Table("observations", "Observations", OBSERVATION_COLUMNS, tuple(rows))

    def _post_state(self, o: Observation) -> str:
        """The platform status of a finished PAR observation (empty when it is not for the platform)."""
        try:
            return self._svc.district.state("observation", o.id).state
        except Exception:  # noqa: BLE001 - not postable (PA, unfinished, not shared): no platform status
            return ""

    def _ratings(self, s: Session, scope: Scope, cases: list[_Case]) -> Table:
        rubric = self._svc.rubric
        rows = []
        for c in cases:
            e = c.educator
            q = self.live(AssessmentDocument).where(AssessmentDocument.educator_id == e.id,
                                                    AssessmentDocument.status == DocumentStatus.FINAL.value)
            docs = [d for d in s.scalars(q.order_by(AssessmentDocument.finalized_at)) if scope.shows(d)]
            replaced = {d.supersedes_id for d in docs if d.supersedes_id}
            for d in docs:
                status = "superseded" if d.id in replaced else "final"
                done = clock.to_local(d.finalized_at).date() if d.finalized_at else None
                head = (e.employee_id or "", e.display_name, d.id, d.kind, d.version_no, status, done)
                for std in rubric.standards:
                    r = d.ratings.get(std.code) or {}
                    code = r.get("rating") or ""
                    rows.append((*head, std.code, std.name, code, rubric.rating_name(code) if code else "",
                                 (r.get("rationale") or "").strip()))
                code = d.overall_rating or ""
                rows.append((*head, "overall", "Overall", code, rubric.rating_name(code) if code else "",
                             (d.overall_rationale or "").strip()))
        return Table("ratings", "Ratings", RATING_COLUMNS, tuple(rows))

    def _compliance(self, s: Session, scope: Scope, cases: list[_Case]) -> Table:
        rows = []
        for c in cases:
            row = self._cycle_row(s, c)
            if row is not None:
                rows.append(row)
        return Table("compliance", "Compliance", COMPLIANCE_COLUMNS, tuple(rows))

    def _cycle_row(self, s: Session, c: _Case) -> tuple[Any, ...] | None:
        cyc = c.cycle
        if cyc is None or c.enrolment is None or c.enrolment.program != Program.PAR:
            return None
        cc = self._svc.compliance._compliance(s, cyc, c.educator.display_name, self.today())
        done = Counter(o.kind for o in c.observations if o.status == ObservationStatus.FINISHED
                       and cyc.start_on <= o.observed_on <= cyc.end_on)
        docs = {i.what: i for i in cc.items if i.what in ("formative", "summative")}
        nxt = cc.next_due
        return (c.educator.employee_id or "", c.educator.display_name, "; ".join(c.schools),
                self._svc.rubric.plan_type_name(cyc.plan_type), cyc.start_on, cyc.end_on,
                done[ObservationKind.ANNOUNCED.value], cyc.required_announced,
                done[ObservationKind.UNANNOUNCED.value], cyc.required_unannounced,
                len(cc.late), nxt.label if nxt else "", nxt.due_on if nxt else None,
                docs["formative"].due_on if "formative" in docs else cyc.formative_due_on,
                docs["formative"].done_on if "formative" in docs else None,
                docs["summative"].due_on if "summative" in docs else cyc.summative_due_on,
                docs["summative"].done_on if "summative" in docs else None)

    def write(self, tables: TableSet, path: str | Path, *, fmt: str | None = None) -> list[Path]:
        """Write the tables (CSV: one file per table; XLSX: one workbook) and note the export in the audit log."""
        from .spreadsheet import write_tables

        files = write_tables(tables, path, fmt=fmt)
        self._svc.audit.log(action="export_tables", detail={
            "title": tables.title, "reader": tables.reader_kind, "scope": tables.scope,
            "rows": {t.name: len(t.rows) for t in tables.tables}, "files": [f.name for f in files]})
        return files

    # --- the caseload report ------------------------------------------------------------------------------------

    def caseload_report(self, *, reader: str, site_id: str | None = None, month: str | None = None) -> TableSet:
        """The CT's monthly check-in: cases by program and status, observations done vs required, late items,
        hours of support by kind. For a school administrator (``site_id`` required) only PAR cases appear."""
        kind = parse_reader(reader, REPORT_READERS)
        period = month_period(month)
        today = self.today()
        with self.session() as s:
            scope = build_scope(s, kind, site_id=site_id)
            cases = [c for c in self._cases(s, scope) if c.enrolment is not None]
            by_program: Counter[tuple[str, str]] = Counter()
            case_rows = []
            for c in cases:
                en = c.enrolment
                assert en is not None
                by_program[(en.program, en.status)] += 1
                since = en.ended_on or en.enrolled_on or en.intake_scheduled_on or en.referred_on
                case_rows.append((c.educator.employee_id or "", c.educator.display_name, "; ".join(c.schools),
                                  en.program, en.status, since))
            order = {p.value: i for i, p in enumerate((Program.PAR, Program.PA, Program.INFORMAL))}
            status_order = {st.value: i for i, st in enumerate(EnrolmentStatus)}
            case_rows.sort(key=lambda r: (order.get(r[3], 9), status_order.get(r[4], 9)))  # stable: names stay sorted
            program_rows = tuple((p, st, n) for (p, st), n in sorted(
                by_program.items(), key=lambda kv: (order.get(kv[0][0], 9), status_order.get(kv[0][1], 9))))
            compliance = [r for c in cases if (r := self._cycle_row(s, c)) is not None]
            late = []
            for c in cases:
                if c.cycle is None or c.enrolment is None or c.enrolment.program != Program.PAR:
                    continue
                for i in self._svc.compliance._compliance(s, c.cycle, c.educator.display_name, today).late:
                    late.append((c.educator.employee_id or "", c.educator.display_name, i.label, i.due_on,
                                 (today - i.due_on).days))
            year_start = date(period.start.year if period.start.month >= 9 else period.start.year - 1, 9, 1)
            minutes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # sessions, period minutes, ytd minutes
            for c in cases:
                q = self.live(CoachingActivity).where(CoachingActivity.educator_id == c.educator.id)
                for a in s.scalars(q):
                    if not scope.shows(a) or not (year_start <= a.held_on <= period.end):
                        continue
                    m = minutes[a.kind]
                    m[2] += a.minutes or 0
                    if period.start <= a.held_on <= period.end:
                        m[0] += 1
                        m[1] += a.minutes or 0
            hours = tuple((k, v[0], round(v[1] / 60, 2), round(v[2] / 60, 2))
                          for k, v in sorted(minutes.items(), key=lambda kv: -kv[1][2]))
            ct = s.scalars(self.live(CTProfile)).first()
            tables = (
                Table("by_program", "Cases by program and status", BY_PROGRAM_COLUMNS, program_rows),
                Table("cases", "Cases", CASES_COLUMNS, tuple(case_rows)),
                Table("compliance", "Observations done vs required (PAR)", COMPLIANCE_COLUMNS, tuple(compliance)),
                Table("late", "Late items", LATE_COLUMNS, tuple(sorted(late, key=lambda r: (r[3], r[1])))),
                Table("hours", f"Hours of support by kind ({period.label})", HOURS_COLUMNS, hours),
            )
            notes = self._notes(kind)
            notes.insert(0, f"Period: {timefmt.doc_date(period.start)} to {timefmt.doc_date(period.end)}; late items "
                            f"as of {timefmt.doc_date(today)}.")
            if ct is not None and scope.shows(ct):
                notes.insert(0, f"Consulting teacher: {ct.name}" + (f", school year {ct.school_year}"
                                                                     if ct.school_year else ""))
            return TableSet(scope.reader_name, kind.value, self._scope_text(s, None, site_id), clock.now(), tables,
                            tuple(scope.left_out()), tuple(notes), title=f"Caseload report, {period.label}")



def markdown_columns() -> str:
    """The column tables of docs/exports.md (a test checks the doc against this)."""
    out = []
    sections = [(name, title, cols) for name, (title, cols) in TABLES.items()]
    sections += [("cases", "Caseload report: cases", CASES_COLUMNS),
                 ("by_program", "Caseload report: cases by program and status", BY_PROGRAM_COLUMNS),
                 ("late", "Caseload report: late items", LATE_COLUMNS),
                 ("hours", "Caseload report: hours of support by kind", HOURS_COLUMNS)]
    for name, title, cols in sections:
        out += [f"### {title} (`{name}`)", "", "| column | what it holds |", "|---|---|"]
        out += [f"| `{c.key}` | {c.doc} |" for c in cols]
        out.append("")
    return "\n".join(out)
