"""``esp-desktop report KIND --educator ID --audience AUDIENCE -o FILE.pdf`` (registered by cli.PLUGINS)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from esp_desktop.core.enums import ReaderKind
from esp_desktop.core.errors import ValidationError
from esp_desktop.core.policy import READER_NAMES
from esp_desktop.reports.redaction import READERS
from esp_desktop.reports.service import KINDS


def register(sub: Any) -> None:
    sp = sub.add_parser(
        "report",
        help="export a PDF document for one audience",
        description="Render a PDF for one reader; records that reader may not see are left out (the PDF and "
        "this command say what was left out), and the export is written to the audit log.",
    )
    sp.add_argument("kind", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
    sp.add_argument("--educator", help="educator id, employee id or an unambiguous name")
    sp.add_argument("--audience", required=True, choices=READERS,
                    help="the reader: " + ", ".join(f"{k} = {READER_NAMES[ReaderKind(k)]}" for k in READERS)
                    + " (never anything about PA or informal coaching)")
    sp.add_argument("--observation", help="observation id (for KIND=observation)")
    sp.add_argument("--meeting", help="panel meeting id (for KIND=agenda or minutes)")
    sp.add_argument("--document", help="a specific document id (default: the current one)")
    sp.add_argument("-o", "--output", required=True, help="the PDF file to write")
    sp.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, cli: Any) -> int:
    from esp_desktop.reports.service import ReportService

    svc = cli.services()
    educator_id = None
    if args.educator:
        educator_id = svc.caseload.resolve_educator(args.educator).id
    elif args.kind not in ("agenda", "minutes"):
        raise ValidationError("Choose the educator with --educator (id, employee id or name).")
    meeting_id = _resolve_prefix(args.meeting, [m.id for m in svc.panel.meetings()], "panel meeting")
    result = ReportService(svc).export(
        kind=args.kind,
        audience=args.audience,
        path=args.output,
        educator_id=educator_id,
        observation_id=_resolve_prefix(
            args.observation,
            [o.id for o in svc.observations.for_educator(educator_id)] if educator_id else [],
            "observation",
        ),
        meeting_id=meeting_id,
        document_id=args.document,
    )
    print(
        f"Wrote {args.output}: {result.pages} page(s) for {READER_NAMES[ReaderKind(args.audience)]}; "
        f"document {result.document_id}, sha256 {result.short_hash}"
    )
    for line in result.omitted:
        print(f"  Left out: {line}", file=sys.stderr)
    return 0


def _resolve_prefix(ref: str | None, ids: list[str], what: str) -> str | None:
    """Accept a full id or an unambiguous prefix (at least 4 characters), as elsewhere in the CLI."""
    if not ref:
        return None
    if ref in ids:
        return ref
    hits = [i for i in ids if len(ref) >= 4 and i.startswith(ref)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise ValidationError(f"{ref!r} matches several {what}s; give more of the id.")
    return ref  # let the service report it as not found
