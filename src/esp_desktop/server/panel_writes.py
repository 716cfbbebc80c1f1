"""What a Panel member's device may write: attendance, motions and votes, and decisions, for the meetings and
cases on a Panel agenda, in its own user's name. Each record is stored under the CT who owns the meeting (so it
syncs back to that CT), with the Panel member as its author.

Everything else a Panel device might send is refused with a plain reason; nothing it sends can reach a case
that is not on an agenda, or be passed off as another person's vote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from esp_desktop.core import policy
from esp_desktop.server.base import Principal
from esp_desktop.server.models import Record
from esp_desktop.sync import protocol as P

# record type -> the field naming the agenda case (None: the record is about the whole meeting)
PANEL_WRITABLE: dict[str, str | None] = {
    "panel_attendance": None,
    "panel_motion": "case_id",
    "panel_decision": "case_id",
}
MEETING_TYPE = "panel_meeting"


def parent_of(env: P.RecordEnvelope) -> str | None:
    """The record's parent id, read from its clear payload through the link the policy names for its type."""
    entry = policy.ENTRIES.get(env.type)
    if entry is None or entry.parent is None or entry.parent.on_parent or env.payload is None:
        return None
    value = env.payload.get(entry.parent.link)
    return value if isinstance(value, str) and len(value) <= 36 else None


def check(session: Session, who: Principal, env: P.RecordEnvelope, row: dict[str, Any] | None) -> int | str:
    """The owner (the CT of the meeting) a Panel device's record is stored under, or why it is refused."""
    if env.type not in PANEL_WRITABLE:
        return "a Panel member's device records attendance, votes and decisions only"
    if row is not None and row.get("author_id") != who.user_id:
        return "this record was recorded by someone else"
    if env.payload is None:
        return "a Panel record must be readable by the Panel (not CT-private)"
    if env.payload.get("recorded_by") != who.user_name:
        return f"a record from this device is recorded by {who.user_name}"
    meeting_id = parent_of(env)
    meeting = session.execute(
        select(Record.owner_id, Record.deleted, Record.type).where(Record.record_id == (meeting_id or ""))
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
