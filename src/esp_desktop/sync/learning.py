"""Learning Match over esp-central (issue 18), run after a sync by whoever holds the services (the sync controller
of the UI): the de-identified needs counts and the catalog shared between CTs. ``lrn`` is the services' learning
service (``svc.learning``); this module does not import the services layer."""

from __future__ import annotations

from typing import Any

from .client import SyncClient


def send_needs_counts(client: SyncClient, lrn: Any, *, school_year: str) -> int | None:
    """Counts only (core/aggregates.py): no names, ids, dates or text, and never a PA educator."""
    return client.send_needs(lrn.aggregate_submission(school_year=school_year))


def exchange_catalog(client: SyncClient, lrn: Any) -> int:
    """Offer this CT's shared entries (withdraw un-shared ones), then take in the other CTs'. Returns how many
    local copies changed (0 from a server without the shared catalog, or for a device that is not a CT's)."""
    if client.state().role not in (None, "ct"):
        return 0
    offer, withdraw = lrn.to_share()
    for entry_id, fields in offer:
        if not client.share_entry(entry_id, fields):
            return 0
    for entry_id in withdraw:
        client.share_entry(entry_id, {}, withdrawn=True)
    lrn.shared_sent(entry_id for entry_id, _f in offer)
    entries = client.shared_catalog()
    return lrn.adopt_shared(entries) if entries is not None else 0
