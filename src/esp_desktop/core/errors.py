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
