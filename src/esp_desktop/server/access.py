"""Who may read which records: the server's read filter, in one place.

`visible()` is the only definition of what a signed-in user may read; pulls and attachment downloads both
call it. `scope()` fingerprints that set so a client re-pulls from zero when it changes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from esp_desktop.core import policy
from esp_desktop.server.base import Principal
from esp_desktop.server.models import Record
from esp_desktop.sync import protocol as P

# Which record audiences each server role may read (core/audience.py's table, restricted to server roles;
# a CT reads only their own records, whatever the audience).
MEETING_TYPE = "panel_meeting"
# program-scope records of a meeting (no case of their own): readable with a meeting that has an agenda
MEETING_CHILDREN = tuple(t for t, e in policy.ENTRIES.items()
                         if e.parent is not None and e.parent.type == MEETING_TYPE and e.scope is policy.Scope.PROGRAM)
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
        return and_(Record.audience.in_(audiences), _on_an_agenda())
    return Record.audience.in_(audiences)


def _on_an_agenda() -> Any:
    """What the Panel reads: the cases on an agenda (every record of such a case), the meetings with an agenda
    and their attendance, and the directory entries (sites, people, the CT's profile, the Panel's roster) of the
    CTs who present a case. Always only what the CT who owns the case put on the agenda: a CT cannot open
    another CT's educator to the Panel."""
    case = aliased(Record)

    def agenda_case(*where: Any) -> Any:
        return exists().where(case.type == P.PANEL_CASE_TYPE, case.deleted.is_(False),
                              case.owner_id == Record.owner_id, *where)

    return or_(
        and_(Record.case_id.is_not(None), agenda_case(case.educator_id == Record.case_id)),
        and_(Record.type == MEETING_TYPE, agenda_case(case.parent_id == Record.record_id)),
        and_(Record.case_id.is_(None), Record.type.in_(MEETING_CHILDREN), agenda_case(case.parent_id == Record.parent_id)),
        and_(Record.case_id.is_(None), Record.type.in_(sorted(policy.DIRECTORY_TYPES)), agenda_case()),
    )


def scope(session: Session, who: Principal) -> str:
    """A fingerprint of what `who` may read; a change means the client must re-pull from cursor 0."""
    if who.role != "panel":
        return f"{who.role}:{who.user_id}"
    cases = session.execute(
        select(Record.owner_id, Record.educator_id, Record.parent_id)
        .where(Record.type == P.PANEL_CASE_TYPE, Record.deleted.is_(False))
        .distinct()
    ).all()
    digest = hashlib.sha256(repr(sorted((o, e or "", m or "") for o, e, m in cases)).encode()).hexdigest()[:32]
    return f"panel:{digest}"
