"""The caseload report as a PDF: the CT's monthly check-in with the ESP Panel / program, or a PAR-only version for
a school administrator. The data comes from ``services.exports.caseload_report`` (already scoped by the
confidentiality policy); the same tables are written as XLSX by ``services/spreadsheet.py``.

Defence in depth: a report addressed to a school administrator is refused if any row names a program other than
PAR, whatever the service returned.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from esp_desktop.core import timefmt
from esp_desktop.core.enums import label
from esp_desktop.reports import fonts
from esp_desktop.reports.layout import (
    ESPDocTemplate,
    PageInfo,
    S,
    empty,
    facts,
    make_canvas_class,
    p,
    section,
    table,
)
from esp_desktop.reports.redaction import RedactionError
from esp_desktop.reports.render import RenderResult, new_document_id

TITLE = "Caseload Report"


def _words(value: Any) -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return timefmt.doc_date(value)
    return str(value)


def check_admin_safe(report: Any) -> None:
    """A report for the school administrator may name PAR cases only (Peer Assistance is confidential)."""
    if report.reader_kind != "admin":
        return
    for t in report.tables:
        keys = [c.key for c in t.columns]
        if "program" in keys:
            for row in t.rows:
                program = row[keys.index("program")]
                if program != "PAR":
                    raise RedactionError(f"{t.name} names a {program} case in a report for the school administrator.")


def _content_hash(report: Any) -> str:
    payload = json.dumps([[t.name, [[_words(v) for v in r] for r in t.rows]] for t in report.tables]
                         + [list(report.notes), list(report.left_out), report.reader, report.scope],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def story(report: Any) -> list[Flowable]:
    t = {x.name: x for x in report.tables}
    out: list[Flowable] = [p(TITLE, S.title), p(f"{report.title.split(', ', 1)[-1]} · prepared for {report.reader}",
                                                 S.subtitle)]
    out.append(facts([("Prepared for", report.reader), ("Scope", report.scope),
                      ("Generated", timefmt.doc_datetime(report.generated_at))], columns=3))
    for n in report.notes:
        out.append(p(n, S.small))
    if report.left_out:
        out.append(p("Left out for this reader: " + " ".join(report.left_out), S.small))

    out += section("Cases by program and status")
    rows = [[label(pr), label(st), str(n)] for pr, st, n in t["by_program"].rows]
    if rows:
        rows.append(["Total", "", str(sum(n for *_, n in t["by_program"].rows))])
        out.append(table(["Program", "Status", "Cases"], rows, [2.2, 2.2, 1.0], numeric=(2,)))
    else:
        out.append(empty("No case in this report's scope is shared with this reader."))

    cases = t["cases"].rows
    if cases:
        out += section("Cases")
        out.append(table(["Educator", "School(s)", "Program", "Status", "Since"],
                         [[r[1], r[2], label(r[3]), label(r[4]), _words(r[5])] for r in cases],
                         [1.7, 2.0, 1.1, 1.1, 1.2], bold_first=True))

    out += section("Observations done vs required (PAR)")
    comp = t["compliance"].rows
    if comp:
        out.append(table(
            ["Educator", "Plan", "Announced", "Unannounced", "Late", "Next due", "Formative", "Summative"],
            [[r[1], r[3], f"{r[6]} / {r[7]}", f"{r[8]} / {r[9]}", str(r[10]) if r[10] else "",
              f"{r[11]} · {timefmt.screen_date(r[12])}" if r[11] else "All done",
              f"done {timefmt.screen_date(r[14])}" if r[14] else f"due {timefmt.screen_date(r[13])}",
              f"done {timefmt.screen_date(r[16])}" if r[16] else f"due {timefmt.screen_date(r[15])}"]
             for r in comp],
            [1.45, 1.15, 1.0, 1.15, 0.5, 1.6, 1.05, 1.05], bold_first=True, numeric=(2, 3, 4)))
    else:
        out.append(empty("No PAR evaluation cycle in this report's scope is shared with this reader."))

    out += section("Late items")
    late = t["late"].rows
    if late:
        out.append(table(["Educator", "Item", "Due", "Days late"],
                         [[r[1], r[2], _words(r[3]), str(r[4])] for r in late], [1.8, 2.4, 1.5, 0.8],
                         bold_first=True, numeric=(3,)))
    else:
        out.append(empty("Nothing is late."))

    out += section(t["hours"].title)
    hours = t["hours"].rows
    if hours:
        rows = [[label(k), str(n), f"{h:.1f}", f"{y:.1f}"] for k, n, h, y in hours]
        rows.append(["Total", str(sum(r[1] for r in hours)), f"{sum(r[2] for r in hours):.1f}",
                     f"{sum(r[3] for r in hours):.1f}"])
        out.append(table(["Kind of support", "Sessions", "Hours this month", "Hours this school year"], rows,
                         [2.4, 1.0, 1.4, 1.6], numeric=(1, 2, 3)))
    else:
        out.append(empty("No coaching is logged for this reader's scope this school year."))
    return out


def render_caseload_pdf(report: Any, path: str | os.PathLike[str]) -> RenderResult:
    """Write the caseload report as a PDF (temporary file renamed into place: never half a file)."""
    check_admin_safe(report)
    fonts.register()
    digest = _content_hash(report)
    document_id = new_document_id()
    info = PageInfo(doc_title=TITLE, subject=report.title.split(", ", 1)[-1], document_id=document_id,
                    short_hash=digest[:12], reader_line=f"Confidential · prepared for {report.reader}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".esp-", suffix=".pdf.part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        template = ESPDocTemplate(str(tmp), info=info, title=report.title, author="esp-desktop",
                                  subject=f"Educator Supports Program · {report.title} · prepared for {report.reader}",
                                  keywords=f"esp-desktop, caseload, document {document_id}, sha256 {digest}")
        template.build(story(report), canvasmaker=make_canvas_class(info))
        pages = template.page
        data = tmp.read_bytes()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return RenderResult(document_id=document_id, sha256=digest, file_sha256=hashlib.sha256(data).hexdigest(),
                        pages=pages, path=target)
