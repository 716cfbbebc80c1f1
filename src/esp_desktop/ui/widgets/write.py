"""The one way a screen writes: run the service call, show a domain error as it is, log anything else.

    done = ui_write(self, lambda: svc.goals.update(goal.id, status="met"), ctx=self.ctx)
    if done is None:
        return                      # the CT has been told why (message box, or the screen's message bar)
    goal = done.value               # what the service returned

Screens with an inline message bar pass ``report=self.message.show_error`` (no modal dialog mid-lesson).
After a successful write the store's changes are delivered at once (``ctx.flush_changes()``), so every open
screen, this one included, already shows the write when ``ui_write`` returns; screens never announce their
own writes.

A write that would overwrite a change made elsewhere meanwhile (``ChangedElsewhere``: sync, another window)
is never silent: with ``overwrite`` the CT chooses between keeping this version (``overwrite()`` runs the same
write without the check) and taking the other one (``discard()`` reloads the screen); without it, the message
says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.errors import ChangedElsewhere
from .common import error_text

if TYPE_CHECKING:
    from ..context import AppContext

T = TypeVar("T")
Report = Callable[[BaseException], None]


@dataclass(frozen=True)
class Written(Generic[T]):
    """A write that succeeded (truthy even when the service returned None)."""

    value: T


def ui_write(
    parent: QWidget | None,
    fn: Callable[[], T],
    *,
    ctx: AppContext,
    report: Report | None = None,
    title: str = "Not saved",
    overwrite: Callable[[], T] | None = None,
    discard: Callable[[], None] | None = None,
) -> Written[T] | None:
    try:
        value = fn()
    except ChangedElsewhere as exc:
        if getattr(ctx, "is_unattended", False):
            _report(parent, exc, report, title)  # locking: ask later; the screen's draft keeps the edits
            return None
        if overwrite is None or not _keep_mine(parent, exc):
            if discard is not None:
                discard()
            elif overwrite is None:
                _report(parent, exc, report, title)
            return None
        return ui_write(parent, overwrite, ctx=ctx, report=report, title=title)
    except Exception as exc:  # noqa: BLE001 - the one place screens report failed writes
        _report(parent, exc, report, title)
        return None
    ctx.flush_changes()
    return Written(value)


def _report(parent: QWidget | None, exc: BaseException, report: Report | None, title: str) -> None:
    if report is not None:
        report(exc)  # the screen's message bar (it calls error_text, which logs unexpected errors)
    else:
        QMessageBox.warning(parent, title, error_text(exc))


def _keep_mine(parent: QWidget | None, exc: ChangedElsewhere) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Changed elsewhere", str(exc), QMessageBox.StandardButton.NoButton,
                      parent)
    mine = box.addButton("Keep my version", QMessageBox.ButtonRole.AcceptRole)
    theirs = box.addButton("Take the other version", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(theirs)
    box.setObjectName("changedElsewhere")
    box.exec()
    return box.clickedButton() is mine
