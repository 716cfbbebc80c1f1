"""What can stop a sync, in words for a CT. Every one is an ``EspError`` (one line in the CLI, a message box in
the UI); ``SyncError`` and its subclasses mean nothing local was lost and a later sync may succeed."""

from __future__ import annotations

from ..core.errors import EspError


class SyncError(EspError):
    """Sync could not complete (network, server refused); safe to retry."""


class NotEnrolled(SyncError):
    def __init__(self) -> None:
        super().__init__("This device is not enrolled with a sync server yet: use --enrol CODE once.")


class DeviceRefused(SyncError):
    """The server refused this device's token (revoked or unknown)."""


class UntrustedServer(SyncError):
    """TLS verification failed: not retried (it will not fix itself)."""


class InsecureServer(SyncError):
    """A plain http:// address of another computer: refused unless explicitly allowed (not retried)."""


class BadServerResponse(SyncError):
    """The server's answer does not follow the protocol (a broken or hostile server); nothing was applied."""


class SyncBusy(SyncError):
    """Another sync of this store is running (another window, the command line, the timer)."""

    def __init__(self) -> None:
        super().__init__("Another sync of this store is running; try again when it has finished.")


class MassDeletion(SyncError):
    """More than half of the records would be deleted; nothing was deleted. Confirm to go ahead."""

    def __init__(self, *, direction: str, deleting: int, total: int) -> None:
        self.direction, self.deleting, self.total = direction, deleting, total
        where = "on the server" if direction == "push" else "on this computer"
        super().__init__(
            f"This sync would delete {deleting} of your {total} records {where}. Nothing was deleted. "
            "If that is really intended, sync again and allow mass deletion (--allow-mass-delete)."
        )
