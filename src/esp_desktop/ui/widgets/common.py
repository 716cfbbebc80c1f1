"""Small helpers shared by the screens: error dialogs, page titles, busy state."""

from __future__ import annotations

import logging
from datetime import date, datetime

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ...core import timefmt
from ...core.errors import EspError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "Could not do that") -> None:
    """Domain errors are shown as they are (their messages are written for the CT); others generically."""
    if isinstance(exc, EspError):
        text = str(exc)
    else:
        log.exception("unexpected error", exc_info=exc)
        text = f"Something went wrong ({type(exc).__name__}). Your data was not changed."
    QMessageBox.warning(parent, title, text)


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
