"""The service layer: the only way the UI, CLI, reports and sync change or read the caseload.

    services = Services(store)                 # store: an unlocked esp_desktop.store.vault.Store
    e = services.caseload.add_educator(given_name="Ana", family_name="Silva")

The names below are imported on first use (PEP 562), so importing ``esp_desktop.services.vault`` for the unlock
screen does not import SQLAlchemy, the models and every service (issue 15: the unlock window shows at once).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Actor
    from .caseload import CaseloadRow
    from .compliance import CycleCompliance, DueItem
    from .conflicts import Conflict
    from .panel import AgendaItem
    from .registry import Services
    from .search import SearchHit

__all__ = ["Actor", "AgendaItem", "CaseloadRow", "Conflict", "CycleCompliance", "DueItem", "SearchHit", "Services"]

_HOME = {
    "Actor": "base",
    "AgendaItem": "panel",
    "CaseloadRow": "caseload",
    "Conflict": "conflicts",
    "CycleCompliance": "compliance",
    "DueItem": "compliance",
    "SearchHit": "search",
    "Services": "registry",
}


def __getattr__(name: str) -> Any:  # whatever the named module defines
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once imported, a plain module attribute
    return value
