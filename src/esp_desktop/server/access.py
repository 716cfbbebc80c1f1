"""Who may read which records: the server's read filter, in one place.

`visible()` is the only definition of what a signed-in user may read; pulls and attachment downloads both
call it. `scope()` fingerprints that set so a client re-pulls from zero when it changes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from esp_desktop.server.base import Principal
from esp_desktop.server.models import Record
from esp_desktop.sync import protocol as P

# Which record audiences each server role may read (core/audience.py's table, restricted to server roles;
# a CT reads only their own records, whatever the audience).
READABLE_AUDIENCES: dict[str, tuple[str, ...]] = {
    "panel": ("educator", "panel", "admin"),
    "admin": ("admin",),
}


def visible(who: Principal) -> Any:
    """SQL condition on Record for what `who` may read."""
    if who.role == "ct":
        return Record.owner_id == who.user_id
    audiences = READABLE_AUDIENCES[who.role]
    if who.role == "panel":
        # Only cases on a panel agenda, and only when the panel case was put there by the CT who owns
        # the case (a CT cannot open another CT's educator to the panel).
        case = aliased(Record)
        on_agenda = exists().where(
            case.type == P.PANEL_CASE_TYPE,
            case.deleted.is_(False),
            case.educator_id == Record.case_id,
            case.owner_id == Record.owner_id,
        )
        return and_(Record.audience.in_(audiences), on_agenda)
    return Record.audience.in_(audiences)


def scope(session: Session, who: Principal) -> str:
    """A fingerprint of what `who` may read; a change means the client must re-pull from cursor 0."""
    if who.role != "panel":
        return f"{who.role}:{who.user_id}"
    pairs = session.execute(
        select(Record.owner_id, Record.educator_id)
        .where(Record.type == P.PANEL_CASE_TYPE, Record.deleted.is_(False))
        .distinct()
    ).all()
    digest = hashlib.sha256(repr(sorted((o, e or "") for o, e in pairs)).encode()).hexdigest()[:32]
    return f"panel:{digest}"
