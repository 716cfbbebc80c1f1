"""Unsaved work kept inside the encrypted store while the app is locked (screens, half-typed lines, open
dialogs): written just before locking, taken back after unlocking. Local only, never synced or exported."""

from __future__ import annotations

from typing import Any

from ..store.models import Meta
from .base import Service

KEY = "ui_drafts"


class DraftService(Service):
    def save(self, state: dict[str, Any]) -> None:
        with self.session() as s:
            row = s.get(Meta, KEY) or Meta(key=KEY, value={})
            row.value = dict(state)
            s.add(row)

    def peek(self) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.get(Meta, KEY)
            return dict(row.value) if row is not None and row.value else None

    def take(self) -> dict[str, Any] | None:
        """The saved drafts, removed from the store (they are back on the screen now)."""
        with self.session() as s:
            row = s.get(Meta, KEY)
            if row is None or not row.value:
                return None
            state = dict(row.value)
            row.value = {}
            return state
