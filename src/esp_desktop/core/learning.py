"""Learning Match vocabulary: kinds of professional learning, match and priority states, and the catalog's CSV
columns (one list, used by import and export). Pure, standard library only."""

from __future__ import annotations

from enum import StrEnum


class PLKind(StrEnum):
    DISTRICT_PD = "district_pd"
    UNION_SESSION = "union_session"  # union / teacher-led sessions
    PRACTICE_NETWORK = "practice_network"
    PEER_MODEL = "peer_model"  # a consenting peer-model classroom
    CT_SESSION = "ct_session"  # a session the CT leads
    OTHER = "other"


PL_KIND_NAMES: dict[str, str] = {
    PLKind.DISTRICT_PD: "District PD",
    PLKind.UNION_SESSION: "Union / teacher-led session",
    PLKind.PRACTICE_NETWORK: "Practice network",
    PLKind.PEER_MODEL: "Peer-model classroom",
    PLKind.CT_SESSION: "CT-led session",
    PLKind.OTHER: "Other",
}


class MatchStatus(StrEnum):
    """The match log, in order: offered -> accepted -> attended -> tried in class (or declined)."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    ATTENDED = "attended"
    TRIED = "tried"
    DECLINED = "declined"


MATCH_STEPS: tuple[MatchStatus, ...] = (MatchStatus.OFFERED, MatchStatus.ACCEPTED, MatchStatus.ATTENDED,
                                        MatchStatus.TRIED)
MATCH_STATUS_NAMES: dict[str, str] = {
    MatchStatus.OFFERED: "Offered",
    MatchStatus.ACCEPTED: "Accepted",
    MatchStatus.ATTENDED: "Attended",
    MatchStatus.TRIED: "Tried in class",
    MatchStatus.DECLINED: "Declined",
}
# the date column each step sets
MATCH_DATE_FIELD: dict[str, str] = {
    MatchStatus.OFFERED: "offered_on", MatchStatus.ACCEPTED: "accepted_on", MatchStatus.ATTENDED: "attended_on",
    MatchStatus.TRIED: "tried_on",
}


class PriorityStatus(StrEnum):
    ACTIVE = "active"
    DONE = "done"
    DROPPED = "dropped"


MAX_PRIORITIES = 2

# The catalog's CSV columns, in order. Lists are separated by ";" inside a cell.
CATALOG_COLUMNS: tuple[str, ...] = (
    "kind", "title", "provider", "description", "indicators", "essentials", "grade_bands", "subjects",
    "site_name", "site_code", "latitude", "longitude", "online", "session_dates", "weekdays", "start_time",
    "contact", "url", "consent_on", "consent_note",
)
LIST_COLUMNS = frozenset({"indicators", "essentials", "grade_bands", "subjects", "session_dates", "weekdays"})


def split_list(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").replace(",", ";").split(";") if p.strip()]
