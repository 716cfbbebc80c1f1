"""Auto-lock after N idle minutes: an app-wide event filter restarts a timer on every input event."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` once no input arrived for ``timeout_ms`` while armed (0 = never)."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.armed = False

    def set_minutes(self, minutes: int) -> None:
        self.set_timeout_ms(max(0, int(minutes)) * 60_000)

    def set_timeout_ms(self, ms: int) -> None:
        self.timer.setInterval(ms)
        if self.armed:
            self.arm()

    def arm(self) -> None:
        """Start watching (after unlock)."""
        self.armed = self.timer.interval() > 0
        if self.armed:
            self.timer.start()
        else:
            self.timer.stop()

    def disarm(self) -> None:
        self.armed = False
        self.timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.armed and event.type() in INPUT_EVENTS:
            self.timer.start()  # restart: cheap, no allocation
        return False
