"""The bridge to the district on the command line (registered by ``cli.PLUGINS``); the same services as the UI.

    esp-desktop platform --observation ID [--field KEY] [--mark-posted]   the platform form, box by box
    esp-desktop platform --queue                                          what waits to be posted
    esp-desktop tables [observations ratings compliance] --reader R [--educator E] [--site S] -o FILE.csv|.xlsx
    esp-desktop roster FILE [--sheet S] [--map FIELD=COLUMN ...] [--update-existing] [--apply]
    esp-desktop caseload-report --reader panel|admin [--site S] [--month YYYY-MM] -o FILE.pdf|.xlsx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .core import timefmt
from .core.errors import NotFound, ValidationError

READER_HELP = ("panel: the ESP Panel; admin: a school administrator (needs --site or --educator; PAR cases only); "
               "educator: one educator (needs --educator); ct: your own copy without CT-private records")


def register(sub: Any) -> None:
    sp = sub.add_parser("platform", help="the district platform form of an observation or a final document",
                        description="Print an observation or a final formative/summative document laid out as the "
                        "district platform's form (only what the educator may see), or list what waits to be posted.")
    what = sp.add_mutually_exclusive_group(required=True)
    what.add_argument("--observation", help="observation id (or an unambiguous prefix)")
    what.add_argument("--document", help="formative or summative document id (or an unambiguous prefix)")
    what.add_argument("--queue", action="store_true", help="list what is not posted yet, or changed since")
    sp.add_argument("--field", help="print only this box (e.g. context, evidence:II-A, feedback, next_steps)")
    sp.add_argument("--mark-posted", action="store_true", help="record that you posted it on the platform now")
    sp.set_defaults(handler=cmd_platform)

    sp = sub.add_parser("tables", help="observations, ratings and compliance as CSV or XLSX for one reader",
                        description="Write tables for one reader; records that reader may not see are left out "
                        "(and said so). Column names: docs/exports.md.")
    sp.add_argument("names", nargs="*", metavar="TABLE",
                    help="observations, ratings, compliance (default: all three)")
    sp.add_argument("--reader", required=True, choices=["panel", "admin", "educator", "ct"], help=READER_HELP)
    sp.add_argument("--educator", help="educator id, employee id or an unambiguous name")
    sp.add_argument("--site", help="school name, code or id")
    sp.add_argument("-o", "--output", required=True, help="FILE.xlsx (one workbook) or FILE.csv (a file per table)")
    sp.set_defaults(handler=cmd_tables)

    sp = sub.add_parser("roster", help="import educators and schools from a district CSV/XLSX roster",
                        description="Show what importing the roster would do (the default: a dry run), then import "
                        "it with --apply: every new or updated row together, or nothing.")
    sp.add_argument("file")
    sp.add_argument("--sheet", help="the workbook sheet (default: the first)")
    sp.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                    help="use COLUMN for FIELD (employee_id, given_name, family_name, full_name, email, school, "
                    "subject, grade_band); FIELD= leaves a field out")
    sp.add_argument("--update-existing", action="store_true", help="update educators already on file")
    sp.add_argument("--apply", action="store_true", help="import (without it nothing is written)")
    sp.set_defaults(handler=cmd_roster)

    sp = sub.add_parser("caseload-report", help="the monthly caseload report as PDF or XLSX",
                        description="Cases by program and status, observations done vs required, late items and "
                        "hours of support by kind. For a school administrator only PAR cases at one school appear.")
    sp.add_argument("--reader", required=True, choices=["panel", "admin"],
                    help="panel: the ESP Panel / program check-in; admin: a school administrator (needs --site)")
    sp.add_argument("--site", help="school name, code or id")
    sp.add_argument("--month", help="YYYY-MM (default: this month)")
    sp.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.xlsx")
    sp.set_defaults(handler=cmd_caseload_report)


def _prefix(ref: str, ids: list[str], what: str) -> str:
    if ref in ids:
        return ref
    hits = [i for i in ids if len(ref) >= 4 and i.startswith(ref)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise ValidationError(f"{ref!r} matches several {what}s; give more of the id.")
    raise NotFound(f"No {what} has the id {ref!r}.")


def resolve_site(svc: Any, ref: str | None) -> str | None:
    return str(svc.caseload.find_site(ref).id) if ref else None


def cmd_platform(args: argparse.Namespace, cli: Any) -> int:
    svc = cli.services()
    if args.queue:
        items = svc.district.queue()
        for i in items:
            extra = f" ({', '.join(i.state.changed)})" if i.state.changed else ""
            print(f"{i.record_type}\t{i.record_id}\t{i.educator_name}\t{i.what}\t{timefmt.iso_date(i.on)}\t"
                  f"{i.state.state}{extra}")
        if not items:
            print("Everything is posted.", file=sys.stderr)
        return 0
    if args.observation:
        ids = [o.id for e in svc.caseload.educators() for o in svc.observations.for_educator(e.id)]
        rtype, rid = "observation", _prefix(args.observation, ids, "observation")
    else:
        ids = [d.id for e in svc.caseload.educators() for d in svc.assessments.for_educator(e.id)]
        rtype, rid = "assessment", _prefix(args.document, ids, "document")
    form = svc.district.form(rtype, rid)
    if args.field:
        try:
            print(form.field(args.field).text)
        except KeyError:
            keys = ", ".join(f.key for f in form.fields)
            raise ValidationError(f"This form has no box {args.field!r}; it has: {keys}.") from None
    else:
        sys.stdout.write(form.all_text())
    for line in form.left_out:
        print(line, file=sys.stderr)
    if args.mark_posted:
        post = svc.district.mark_posted(record_type=rtype, record_id=rid)
        print(f"Marked as posted {timefmt.screen_datetime(post.posted_at)} by {post.posted_by}.", file=sys.stderr)
    else:
        st = svc.district.state(rtype, rid)
        print(f"Platform: {st.label}" + (f" ({', '.join(st.changed)})" if st.changed else ""), file=sys.stderr)
    return 0


def cmd_tables(args: argparse.Namespace, cli: Any) -> int:
    svc = cli.services()
    educator_id = svc.caseload.resolve_educator(args.educator).id if args.educator else None
    names = [n for n in args.names if n] or ["observations", "ratings", "compliance"]
    tables = svc.exports.tables(reader=args.reader, educator_id=educator_id, site_id=resolve_site(svc, args.site),
                                names=list(dict.fromkeys(names)))
    files = svc.exports.write(tables, Path(args.output))
    for t, f in zip(tables.tables, files * len(tables.tables) if len(files) == 1 else files, strict=True):
        print(f"Wrote {f}: {t.name}, {len(t.rows)} row(s) for {tables.reader}")
    for line in (*tables.notes, *(f"Left out: {x}" for x in tables.left_out)):
        print(line, file=sys.stderr)
    return 0


def cmd_roster(args: argparse.Namespace, cli: Any) -> int:
    svc = cli.services()
    table = svc.roster.read(args.file, sheet=args.sheet)
    choices = {}
    for m in args.map:
        field, sep, column = m.partition("=")
        if not sep:
            raise ValidationError(f"Write --map as FIELD=COLUMN, not {m!r}.")
        choices[field.strip()] = column.strip()
    mapping = svc.roster.mapping_from_names(table, choices)
    plan = svc.roster.preview(table, mapping=mapping, update_existing=args.update_existing)
    cols = ", ".join(f"{k}={table.headers[v]!r}" for k, v in plan.mapping.items() if v is not None)
    print(f"{table.source}{' [' + table.sheet + ']' if table.sheet else ''}: columns {cols}")
    for p in plan.rows:
        if p.status != "new":
            print(f"  row {p.line}: {p.status}: {' · '.join(p.reasons)}" if p.reasons else
                  f"  row {p.line}: {p.status}")
    print(plan.summary())
    if not args.apply:
        print("Dry run: nothing was written. Add --apply to import.")
        return 0
    result = svc.roster.apply(plan)
    print(f"Imported {result.created} new educator(s), updated {result.updated}, added {result.schools} school(s).")
    return 0


def cmd_caseload_report(args: argparse.Namespace, cli: Any) -> int:
    svc = cli.services()
    report = svc.exports.caseload_report(reader=args.reader, site_id=resolve_site(svc, args.site), month=args.month)
    out = Path(args.output)
    fmt = out.suffix.casefold().lstrip(".")
    if fmt == "pdf":
        from .reports.caseload import render_caseload_pdf

        result = render_caseload_pdf(report, out)
        svc.audit.log(action="export_pdf", detail={"document": "caseload", "audience": args.reader,
                                                   "scope": report.scope, "document_id": result.document_id,
                                                   "content_sha256": result.sha256, "pages": result.pages,
                                                   "file": out.name})
        print(f"Wrote {out}: {result.pages} page(s) for {report.reader}; sha256 {result.short_hash}")
    elif fmt == "xlsx":
        svc.exports.write(report, out)
        print(f"Wrote {out}: {len(report.tables)} sheet(s) for {report.reader}")
    else:
        raise ValidationError("Write the caseload report to a .pdf or .xlsx file.")
    for line in (f"Left out: {x}" for x in report.left_out):
        print(line, file=sys.stderr)
    return 0
