"""The confidentiality policy (core/policy.py) over this store: the facts every output judges records by."""

from __future__ import annotations

from ..store.facts import Facts
from .base import Service


class DisclosureService(Service):
    def facts(self) -> Facts:
        """Program histories, sites and parents of every record, loaded once (usable after the session)."""
        with self.session() as s:
            return Facts.load(s)
