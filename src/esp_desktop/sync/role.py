"""Which kind of device this store was enrolled as, read without loading the sync engine.

The window asks at every unlock (a Panel member's device shows the Panel's screen only), long before anything
syncs; the engine's modules (httpx, the pydantic protocol: ~15 MB) load when a sync runs (issue 15).
"""

from __future__ import annotations

from typing import Any

from ..store.models import Meta

META_KEY = "sync"  # the same bookkeeping row as a CT's device: it says which kind of device this is
PANEL_ROLE = "panel"


def state_of(store: Any) -> dict[str, Any]:
    with store.session() as s:
        row = s.get(Meta, META_KEY)
        return dict(row.value) if row else {}


def is_panel_device(store: Any) -> bool:
    """Was this store enrolled for a member of the ESP Panel?"""
    return state_of(store).get("role") == PANEL_ROLE
