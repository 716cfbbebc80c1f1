"""Write ``TableSet``s as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents right) or XLSX.

Cells that a spreadsheet would run as a formula (text starting with =, +, -, @) are written as text: in CSV with a
leading apostrophe (the spreadsheet convention), in XLSX as string cells. Files are written to a temporary name and
renamed into place, so a failed export never leaves half a file under the chosen name.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..core import timefmt
from ..core.errors import EspError
from .exports import Table, TableSet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timefmt.iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@contextmanager
def _atomic(path: Path, mode: str, **kw: Any) -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".esp-", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _writing(path: Path) -> Callable[[OSError], EspError]:
    def fail(exc: OSError) -> EspError:
        return EspError(f"Cannot write {path.name}: {exc.strerror or exc}. Nothing was written there.")

    return fail


def write_csv(table: Table, path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    try:
        with _atomic(target, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow([c.key for c in table.columns])
            for row in table.rows:
                w.writerow([csv_cell(v) for v in row])
    except OSError as exc:
        raise _writing(target)(exc) from None
    return target


def csv_paths(path: str | os.PathLike[str], tables: TableSet) -> list[Path]:
    """One CSV per table: the path itself for one table, else ``<stem>-<table>.csv`` beside it."""
    p = Path(path)
    if len(tables.tables) == 1:
        return [p]
    return [p.with_name(f"{p.stem}-{t.name}{p.suffix or '.csv'}") for t in tables.tables]


def write_xlsx(tables: TableSet, path: str | os.PathLike[str]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    target = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for t in tables.tables:
        ws = wb.create_sheet(_sheet_name(t.name))
        ws.append([c.key for c in t.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in t.rows:
            ws.append([_xlsx_value(v) for v in row])
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        for i, c in enumerate(t.columns, 1):
            longest = max([len(c.key), *(len(str(r[i - 1] or "")) for r in t.rows[:200])])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
    about = wb.create_sheet("About")
    lines: list[tuple[str, str]] = [
        ("Export", tables.title), ("Prepared for", tables.reader), ("Scope", tables.scope),
        ("Generated", timefmt.doc_datetime(tables.generated_at)),
    ]
    lines += [("Note", n) for n in tables.notes]
    lines += [("Left out", n) for n in tables.left_out] or [("Left out", "Nothing: this reader may see every record.")]
    for t in tables.tables:
        lines += [(f"{t.name}.{c.key}", c.doc) for c in t.columns]
    for k, v in lines:
        about.append([k, v])
    for cell in about["A"]:
        cell.font = bold
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    for cell in about["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"
    try:
        with _atomic(target, "wb") as fh:
            wb.save(fh)
    except OSError as exc:
        raise _writing(target)(exc) from None
    return target


def _sheet_name(name: str) -> str:
    return name.replace("_", " ").capitalize()[:31]


def _xlsx_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return timefmt.iso_datetime(v)
    return v


def write_tables(tables: TableSet, path: str | os.PathLike[str], *, fmt: str | None = None) -> list[Path]:
    """Write ``tables`` as ``fmt`` (from the file's extension when None). Returns the files written."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).casefold()
    if fmt not in FORMATS:
        raise EspError("Choose a file ending in .csv or .xlsx (or give the format).")
    if fmt == "xlsx":
        return [write_xlsx(tables, path)]
    return [write_csv(t, p) for t, p in zip(tables.tables, csv_paths(path, tables), strict=True)]
