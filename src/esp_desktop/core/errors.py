"""Domain errors. Their messages are shown to the CT as they are: plain words, no jargon."""

from __future__ import annotations


class EspError(Exception):
    """Base of every error the app reports to a user (CLI prints it on one line, UI in a dialog)."""


class NotFound(EspError):
    pass


class ValidationError(EspError):
    pass


class RuleViolation(EspError):
    """A program rule forbids this (e.g. ratings for a PA educator)."""


class CaseloadCapExceeded(RuleViolation):
    """Enrolling would exceed the caseload cap; retry with an override reason."""

    def __init__(self, active: int, cap: int) -> None:
        self.active = active
        self.cap = cap
        super().__init__(
            f"Your caseload already has {active} active PA/PAR educators (the cap is {cap}). "
            "Enrol anyway only with an override reason."
        )


class ImmutableRecord(RuleViolation):
    """A finalized document cannot be edited; create a correction instead."""


class StoreError(EspError):
    """Problems opening or reading the encrypted store."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__("Wrong passphrase: the store could not be unlocked.")


class StoreCorrupt(StoreError):
    pass


class StoreMissing(StoreError):
    pass


class StoreExists(StoreError):
    pass


class ChangedElsewhere(RuleViolation):
    """The record was changed elsewhere (sync, another window) after this screen loaded it: saving would
    overwrite that change silently. The screen offers to keep its version or to take the other one."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(
            f"This {what} was changed elsewhere (for example by sync) after you opened it. "
            "Choose whether to keep your version or the other one."
        )


class AlreadyOpen(StoreError):
    """Another esp-desktop window already has this data folder open."""


class PlaceUnavailable(StoreError):
    """The computer refused a read or write: a read-only folder, a full disk, a file another program holds."""


class ReadOnlyPlace(PlaceUnavailable):
    pass


class DiskFull(PlaceUnavailable):
    pass


class FileBusy(PlaceUnavailable):
    pass


# errno values (POSIX names; Windows maps its own codes onto these in OSError.errno where it can)
_READ_ONLY = {1, 13, 30}  # EPERM, EACCES, EROFS
_FULL = {28, 122}  # ENOSPC, EDQUOT
_BUSY = {11, 16, 26}  # EAGAIN, EBUSY, ETXTBSY
_WIN_BUSY = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def explain_os_error(exc: OSError) -> PlaceUnavailable | None:
    """A one-line message a CT can act on for the file-system failures people actually meet, or None."""
    where = exc.filename or "the file"
    if getattr(exc, "winerror", None) in _WIN_BUSY or exc.errno in _BUSY:
        return FileBusy(f"{where} is in use by another program. Close it there, then try again.")
    if exc.errno in _FULL:
        return DiskFull("The disk is full. Free some space (or choose another drive), then try again; "
                        "nothing was lost.")
    if exc.errno in _READ_ONLY or isinstance(exc, PermissionError):
        return ReadOnlyPlace(f"{where} cannot be written here (the folder is read-only or not yours). "
                             "Choose another folder, or ask for write access.")
    return None


def explain_database_error(message: str) -> PlaceUnavailable | None:
    """The same, from the database engine's own error text (read-only file, full disk, locked database)."""
    text = message.lower()
    if "readonly" in text or "read-only" in text:
        return ReadOnlyPlace("Your data folder is read-only, so nothing can be saved. Move it to a folder you "
                             "can write to, or ask for write access; nothing was lost.")
    if "full" in text and ("disk" in text or "database" in text):
        return DiskFull("The disk is full, so that was not saved. Free some space, then try again; "
                        "nothing was lost.")
    if "locked" in text or "busy" in text:
        return FileBusy("Your data is busy in another program (or another esp-desktop). Close it there, "
                        "then try again; nothing was lost.")
    return None
