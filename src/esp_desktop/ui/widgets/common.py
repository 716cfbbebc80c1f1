"""Small helpers shared by the screens: error dialogs, page titles, busy state."""

from __future__ import annotations

import logging
from datetime import date, datetime

from PySide6.QtWidgets import QLabel, QWidget

from ...core import timefmt
from ...core.errors import EspError, explain_os_error

log = logging.getLogger(__name__)
UNEXPECTED = ("Something went wrong, so that was not done. Your data was not changed; "
              "the details were written to the log file.")


def error_text(exc: BaseException) -> str:
    """The one line a CT reads about a failure. Domain errors are shown as they are (their messages are
    written for the CT); a full disk, a read-only folder or a busy file get their own plain words; anything
    else is logged with its traceback (log file only) and reported without library names."""
    if isinstance(exc, EspError):
        return str(exc)
    if isinstance(exc, OSError):
        plain = explain_os_error(exc)
        if plain is not None:
            return str(plain)
        log.error("file error", exc_info=exc)
        where = exc.filename or "the file"
        return f"Could not read or write {where} ({exc.strerror or 'refused by the computer'})."
    log.error("unexpected error", exc_info=exc)
    return UNEXPECTED


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "Could not do that") -> None:
    from PySide6.QtWidgets import QMessageBox  # not at import: the unlock window paints without it (issue 15)

    QMessageBox.warning(parent, title, error_text(exc))


def error_reporter(parent: QWidget, ctx, *, title: str = "Could not load"):  # noqa: ANN001, ANN201
    """An ``on_error`` for background reads: silent once the store is locked (the view is cleared anyway)."""

    def report(exc: BaseException) -> None:
        if ctx.services is not None:
            show_error(parent, exc, title=title)

    return report


def page_title(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("pageTitle")
    lab.setAccessibleName(text)
    return lab


def muted(text: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("muted")
    lab.setWordWrap(True)
    return lab


def fmt_date(d: date | datetime | None) -> str:
    """A date as screens show it (``core/timefmt.py``); an instant is shown as its local date."""
    return timefmt.screen_date(d)
