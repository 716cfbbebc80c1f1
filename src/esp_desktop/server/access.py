"""Who may read which records: the server's read filter, in one place.

`visible()` is core/policy.py's `decide()` written as one SQL condition, over what the server stores without
reading any record: each record's (effective) audience label, its case, its parent's id, and per case the
program history and sites the CT's device sent (`cases`, `case_sites`). Pulls and attachment downloads both
call it. `scope()` fingerprints that set so a client re-pulls from zero when it changes. `panel_write()` is the
one thing a reader other than a CT may write: a Panel member's attendance, votes and decisions for an agenda.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import Session, aliased

from esp_desktop.core import policy
from esp_desktop.core.enums import ReaderKind
from esp_desktop.server.base import Principal
from esp_desktop.server.models import Case, CaseSite, Record, UserSite
from esp_desktop.sync import protocol as P

_GATED = [t for t, e in policy.ENTRIES.items() if e.parent is not None and e.parent.required]


def visible(who: Principal) -> Any:
    """SQL condition on Record: what `who` may read (the rules, in core/policy.py's order)."""
    kind = ReaderKind(who.role)
    if kind is ReaderKind.CT:  # 1. a CT reads their own records, whatever the label
        return Record.owner_id == who.user_id
    labels = policy.audiences_for(kind)
    if not labels:  # 1. the program office reads no case content
        return false()
    no_case = Record.case_id.is_(None)
    directory = and_(no_case, Record.type.in_(policy.DIRECTORY_TYPES))
    if kind is ReaderKind.EDUCATOR:  # 2. their own case
        in_scope = or_(directory, and_(Record.case_id.is_not(None), Record.case_id == who.educator_id))
    elif kind is ReaderKind.ADMIN:  # 2. cases at their sites, 3. only if the program history allows
        in_scope = or_(directory, exists().where(
            Case.educator_id == Record.case_id, Case.owner_id == Record.owner_id, Case.admin_may_know.is_(True),
            CaseSite.educator_id == Case.educator_id, UserSite.site_id == CaseSite.site_id,
            UserSite.user_id == who.user_id))
    else:  # 2. the panel: cases the owning CT put on a panel agenda, and the program's own records
        agenda = aliased(Record)
        in_scope = or_(no_case, exists().where(
            agenda.type == P.PANEL_CASE_TYPE, agenda.deleted.is_(False), agenda.educator_id == Record.case_id,
            agenda.owner_id == Record.owner_id, agenda.audience.in_(labels)))
    parent = aliased(Record)
    parent_ok = or_(  # 5. a gated child: only with its parent's label (a missing parent hides it)
        and_(Record.parent_id.is_(None), Record.type.not_in(_GATED)),
        exists().where(parent.record_id == Record.parent_id, parent.owner_id == Record.owner_id,
                       parent.deleted.is_(False), parent.audience.in_(labels)))
    return and_(Record.audience.in_(labels), in_scope, parent_ok)  # 4. the label


def scope(session: Session, who: Principal) -> str:
    """A fingerprint of what `who` may read; a change means the client must re-pull from cursor 0."""
    if who.role == ReaderKind.PANEL:
        pairs = session.execute(
            select(Record.owner_id, Record.educator_id)
            .where(Record.type == P.PANEL_CASE_TYPE, Record.deleted.is_(False),
                   Record.audience.in_(policy.audiences_for(ReaderKind.PANEL)))
            .distinct()
        ).all()
    elif who.role == ReaderKind.ADMIN:
        pairs = session.execute(
            select(Case.owner_id, Case.educator_id)
            .join(CaseSite, CaseSite.educator_id == Case.educator_id)
            .join(UserSite, UserSite.site_id == CaseSite.site_id)
            .where(UserSite.user_id == who.user_id, Case.admin_may_know.is_(True))
            .distinct()
        ).all()
    else:
        return f"{who.role}:{who.user_id}:{who.educator_id or ''}"
    digest = hashlib.sha256(repr(sorted((o, e or "") for o, e in pairs)).encode()).hexdigest()[:32]
    return f"{who.role}:{digest}"


# What a Panel member's device may write: record type -> the payload field naming the agenda case (None: the
# record is about the whole meeting). Each is stored under the CT who owns the meeting (so it syncs back to that
# CT) with the Panel member as its author, and read back through visible() like any record of that CT.
PANEL_WRITABLE: dict[str, str | None] = {
    "panel_attendance": None,
    "panel_motion": "case_id",
    "panel_decision": "case_id",
}
MEETING_TYPE = "panel_meeting"


def panel_write(session: Session, who: Principal, env: P.RecordEnvelope, row: dict[str, Any] | None) -> int | str:
    """The owner (the CT of the meeting) a Panel device's record is stored under, or why it is refused.

    Nothing a Panel device sends can reach a case that is not on the meeting's agenda, be passed off as another
    person's record, or travel under another parent than the meeting it names (the parent gate of visible())."""
    if env.type not in PANEL_WRITABLE:
        return "a Panel member's device records attendance, votes and decisions only"
    if row is not None and row.get("author_id") != who.user_id:
        return "this record was recorded by someone else"
    if env.payload is None:
        return "a Panel record must be readable by the Panel (not CT-private)"
    if env.payload.get("recorded_by") != who.user_name:
        return f"a record from this device is recorded by {who.user_name}"
    parent = policy.ENTRIES[env.type].parent
    meeting_id = env.payload.get(parent.link) if parent is not None else None
    if not isinstance(meeting_id, str) or env.parent_id is None or str(env.parent_id) != meeting_id:
        return "the record must name its meeting"
    meeting = session.execute(
        select(Record.owner_id, Record.deleted, Record.type).where(Record.record_id == meeting_id)
    ).first()
    if meeting is None or meeting.deleted or meeting.type != MEETING_TYPE:
        return "the meeting is not on the server (or was deleted)"
    cases = session.execute(
        select(Record.record_id, Record.educator_id).where(
            Record.type == P.PANEL_CASE_TYPE,
            Record.deleted.is_(False),
            Record.parent_id == meeting_id,
            Record.owner_id == meeting.owner_id,
        )
    ).all()
    if not cases:
        return "that meeting has no agenda"
    link = PANEL_WRITABLE[env.type]
    if link is not None:
        case_id = env.payload.get(link)
        case = next((c for c in cases if c.record_id == case_id), None)
        if case is None:
            return "that case is not on the meeting's agenda"
        if env.educator_id is None or str(env.educator_id) != case.educator_id:
            return "the record names another educator than the agenda case"
    elif env.educator_id is not None:
        return "attendance belongs to the meeting, not to one case"
    return int(meeting.owner_id)
