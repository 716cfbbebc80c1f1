"""One way to run slow work off the GUI thread (key derivation, search, export, sync).

    run_in_background(self, lambda: services.search.search(text), on_done=self.show_hits, on_error=self.fail)

The callable runs on the global QThreadPool and must not touch widgets; results come back on the GUI
thread through a queued signal. Service calls open their own database session per call, so each worker uses
its own session. Tests can set ``SYNCHRONOUS = True`` to run work inline and deterministically.

If ``parent`` is gone (closed dialog, deleted page) by the time the result arrives, the callbacks are dropped,
as KeePassXC's ``runThenCallback`` does: a background result never reaches a destroyed widget.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)
SYNCHRONOUS = False
_live: set[_Relay] = set()  # keep relays alive until their result is delivered


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            log.debug("background task failed: %s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


def run_in_background(parent: QObject | None, fn: Callable[[], Any], *,
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> None:
    relay = _Relay()
    _live.add(relay)

    def alive() -> bool:
        return parent is None or shiboken6.isValid(parent)

    def done(result: Any) -> None:
        _live.discard(relay)
        if on_done and alive():
            on_done(result)

    def error(exc: BaseException) -> None:
        _live.discard(relay)
        if on_error and alive():
            on_error(exc)
        else:
            log.error("background task failed", exc_info=exc)

    relay.succeeded.connect(done)
    relay.failed.connect(error)
    if SYNCHRONOUS:
        _Job(fn, relay).run()
    else:
        QThreadPool.globalInstance().start(_Job(fn, relay))
