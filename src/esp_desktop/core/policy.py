"""The confidentiality policy: who may read which record. Pure, standard library only, shared by client and server.

Every output asks it, when the data is read: the JSON export (services/transfer.py), every PDF
(reports/assemble.py), search results shown to a reader, the sync envelope (sync/client.py) and esp-central's
pull filter. A consumer describes a record as a ``Subject`` (plain values, no ORM objects) and the reader as a
``Reader`` (who, and which cases); ``decide(reader, subject)`` answers ``None`` (readable) or the ``Reason`` it
is withheld. ``ENTRIES`` holds each record type's default audience, parent gate and scope; a test fails when
a record type in store/models has no entry here.

The rules, in the order ``decide`` applies them:

1. The CT reads everything (their own copy may leave out what is CT-private). The program office manages
   esp-central's users and devices and reads no case content at all.
2. Scope: the educator reads only their own case; the school administrator only cases at their site(s) (or
   the one educator a copy is made for); the panel, when scoped, the cases on its agenda. Records that belong
   to no case are open to a scoped educator or administrator only when they are directory entries (the CT
   profile, sites, people); program work (panel meetings) stays the panel's.
3. The program rule: nothing about an educator who is or ever was in Peer Assistance or informal coaching is
   readable by a school administrator, whatever its audience label. Judged on the educator's program
   history, not on the record: a label set while the educator was in PAR does not outlive a move to PA.
4. The audience label (``AUDIENCE_READERS``).
5. The parent gate: a child (a script line, a progress check, an attachment, ...) is readable only if its
   parent's label lets the reader read it. A child's *effective* audience is the narrower of its own and its
   parent's.

Finalized documents: their content, audience and existence are frozen (``change_refusal``); corrections are
new versions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .enums import Audience, Program, ReaderKind
from .errors import ValidationError

CT, EDUCATOR, PANEL, ADMIN, PROGRAM_OFFICE = (
    ReaderKind.CT, ReaderKind.EDUCATOR, ReaderKind.PANEL, ReaderKind.ADMIN, ReaderKind.PROGRAM_OFFICE)

# The one name of each reader, used in the UI, PDFs, CLI help, esp-central's roles and the docs.
READER_NAMES: dict[ReaderKind, str] = {
    CT: "the CT",
    EDUCATOR: "the educator",
    PANEL: "the ESP Panel",
    ADMIN: "the school administrator",
    PROGRAM_OFFICE: "the program office",
}
# The readers a CT prepares an export or a PDF for (the CT's own copy is the export without --audience).
OUTPUT_READERS: tuple[str, ...] = (EDUCATOR.value, PANEL.value, ADMIN.value)
READER_ROLES: dict[ReaderKind, str] = {
    CT: "the consulting teacher who owns the case (primary evaluator in PAR)",
    EDUCATOR: "one educator, scoped to their own case",
    PANEL: "the ESP Panel (joint labour-management), cases on its agenda",
    ADMIN: "the educator's principal or evaluator, scoped to PAR educators at their site(s)",
    PROGRAM_OFFICE: "esp-central's user and device management; reads no case content",
}

# Who may read each audience label (before scope, the program rule and the parent gate). The labels form a
# chain, each readable by everyone who reads the one before it, so "the narrower of two" is well defined.
AUDIENCE_READERS: dict[Audience, frozenset[ReaderKind]] = {
    Audience.CT_PRIVATE: frozenset({CT}),
    Audience.PANEL: frozenset({CT, PANEL}),
    Audience.EDUCATOR: frozenset({CT, PANEL, EDUCATOR}),
    Audience.ADMIN: frozenset({CT, PANEL, EDUCATOR, ADMIN}),
}
NARROW_TO_WIDE: tuple[Audience, ...] = (Audience.CT_PRIVATE, Audience.PANEL, Audience.EDUCATOR, Audience.ADMIN)
# A school administrator may know of an educator only if every program in their history is one of these.
ADMIN_PROGRAMS: frozenset[str] = frozenset({Program.PAR.value})


class Scope(StrEnum):
    CASE = "case"  # belongs to one educator's case (``educator_id``)
    DIRECTORY = "directory"  # people and places: readable by any reader the label allows
    PROGRAM = "program"  # the CT's program work beyond one case (panel meetings, general contacts)


@dataclass(frozen=True)
class Parent:
    """The record a child belongs to: readable only together with it."""

    type: str
    link: str  # the field naming the other record
    on_parent: bool = False  # True: the *parent* names the child (evidence.attachment_id)
    required: bool = True  # False: the link may be empty, and then there is no gate


@dataclass(frozen=True)
class Entry:
    default: Audience
    noun: tuple[str, str]  # singular, plural, for the "what was left out" lines
    parent: Parent | None = None
    scope: Scope = Scope.CASE  # of a record with an educator_id it is always CASE
    frozen_when_final: bool = False


_A = Audience
ENTRIES: dict[str, Entry] = {
    "ct_profile": Entry(_A.ADMIN, ("CT profile", "CT profiles"), scope=Scope.DIRECTORY),
    "site": Entry(_A.ADMIN, ("site", "sites"), scope=Scope.DIRECTORY),
    "person": Entry(_A.ADMIN, ("person", "people"), scope=Scope.DIRECTORY),
    "educator": Entry(_A.ADMIN, ("educator record", "educator records")),
    # the educator knows their program; the program rule keeps PA and informal from administrators
    "enrolment": Entry(_A.EDUCATOR, ("enrolment", "enrolments")),
    "intake_meeting": Entry(_A.PANEL, ("intake meeting", "intake meetings"), Parent("enrolment", "enrolment_id")),
    "evaluation_cycle": Entry(_A.EDUCATOR, ("evaluation cycle", "evaluation cycles"),
                              Parent("enrolment", "enrolment_id", required=False)),
    "observation": Entry(_A.EDUCATOR, ("observation", "observations")),
    "script_note": Entry(_A.CT_PRIVATE, ("scripted line", "scripted lines"), Parent("observation", "observation_id")),
    "evidence": Entry(_A.EDUCATOR, ("evidence item", "evidence items")),
    "attachment": Entry(_A.EDUCATOR, ("attached file", "attached files"),
                        Parent("evidence", "attachment_id", on_parent=True)),
    "goal": Entry(_A.EDUCATOR, ("goal", "goals")),
    "goal_progress": Entry(_A.EDUCATOR, ("progress check", "progress checks"), Parent("goal", "goal_id")),
    "prescription": Entry(_A.EDUCATOR, ("prescription", "prescriptions")),
    "coaching": Entry(_A.EDUCATOR, ("coaching entry", "coaching entries")),
    "contact": Entry(_A.CT_PRIVATE, ("contact log entry", "contact log entries"), scope=Scope.PROGRAM),
    "assessment": Entry(_A.EDUCATOR, ("assessment", "assessments"), frozen_when_final=True),
    "acknowledgement": Entry(_A.EDUCATOR, ("acknowledgement", "acknowledgements"), Parent("assessment", "document_id")),
    # the educator's own words about one finalized version: read with that version, by whoever reads it
    "educator_response": Entry(_A.EDUCATOR, ("written response", "written responses"),
                               Parent("assessment", "document_id")),
    "panel_meeting": Entry(_A.PANEL, ("ESP Panel meeting", "ESP Panel meetings"), scope=Scope.PROGRAM),
    "panel_case": Entry(_A.PANEL, ("panel agenda case", "panel agenda cases"), Parent("panel_meeting", "meeting_id")),
    # "posted to the district platform on ..., by ...": the educator sees the post on the platform anyway
    "observation_post": Entry(_A.EDUCATOR, ("platform post", "platform posts"), Parent("observation", "observation_id")),
    "assessment_post": Entry(_A.EDUCATOR, ("platform post", "platform posts"), Parent("assessment", "document_id")),
    # Learning Match (issue 18). The catalog is not case content: like sites, anyone may read it (a peer-model
    # classroom is listed only with its host's recorded consent). Priorities and matches are the educator's case.
    # A CT-led PD session is program work with many attendees: the CT and the panel.
    "pl_entry": Entry(_A.ADMIN, ("catalog entry", "catalog entries"), scope=Scope.DIRECTORY),
    "learning_priority": Entry(_A.EDUCATOR, ("learning priority", "learning priorities")),
    "learning_match": Entry(_A.EDUCATOR, ("learning match", "learning matches")),
    "pd_session": Entry(_A.PANEL, ("CT-led PD session", "CT-led PD sessions"), scope=Scope.PROGRAM),
    # The Panel's own records (issue 14): members, attendance, motions and votes, versioned decisions.
    "panel_member": Entry(_A.PANEL, ("Panel member", "Panel members"), scope=Scope.DIRECTORY),
    "panel_attendance": Entry(_A.PANEL, ("attendance record", "attendance records"),
                              Parent("panel_meeting", "meeting_id"), scope=Scope.PROGRAM),
    "panel_motion": Entry(_A.PANEL, ("motion and vote", "motions and votes"), Parent("panel_meeting", "meeting_id")),
    "panel_decision": Entry(_A.PANEL, ("Panel decision", "Panel decisions"), Parent("panel_meeting", "meeting_id"),
                            frozen_when_final=True),
    # Steps 1 and 2 of the cycle and the CT's progress reports to the Panel: documents, frozen when final.
    "self_assessment": Entry(_A.EDUCATOR, ("self-assessment", "self-assessments"), frozen_when_final=True),
    "educator_plan": Entry(_A.EDUCATOR, ("Educator Plan", "Educator Plans"), frozen_when_final=True),
    "progress_report": Entry(_A.PANEL, ("progress report to the Panel", "progress reports to the Panel"),
                             frozen_when_final=True),
}
DIRECTORY_TYPES: frozenset[str] = frozenset(t for t, e in ENTRIES.items() if e.scope is Scope.DIRECTORY)
# record type -> the child types gated on it (to re-send children when a parent's audience changes)
CHILDREN: dict[str, tuple[str, ...]] = {
    p: tuple(t for t, e in ENTRIES.items() if e.parent and e.parent.type == p)
    for p in {e.parent.type for e in ENTRIES.values() if e.parent}
}


def entry(record_type: str) -> Entry:
    try:
        return ENTRIES[record_type]
    except KeyError:
        raise ValueError(f"record type {record_type!r} has no confidentiality policy entry") from None


def default_audience(record_type: str) -> str:
    return entry(record_type).default.value


# --- who reads, what is read ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """A reader and the cases they may see: ``educators`` / ``sites`` None means not narrowed that way."""

    kind: ReaderKind
    educators: frozenset[str] | None = None
    sites: frozenset[str] | None = None
    with_private: bool = True  # the CT's own copy: False leaves CT-private records out

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ReaderKind(self.kind))
        if self.kind is EDUCATOR and not self.educators:
            raise ValidationError("A copy for the educator is for one educator: choose whose case it is.")
        if self.kind is ADMIN and not (self.educators or self.sites):
            raise ValidationError(
                "A copy for the school administrator needs a scope: choose their site or one educator.")

    @property
    def name(self) -> str:
        return READER_NAMES[self.kind]

    @property
    def scoped(self) -> bool:
        return self.educators is not None or self.sites is not None


def reader(kind: str | ReaderKind, *, educator: str | None = None, sites: Iterable[str] | None = None,
           with_private: bool = True) -> Reader:
    """``reader("educator", educator=id)``, ``reader("admin", sites=[...])``, ``reader("panel")``."""
    return Reader(ReaderKind(kind), frozenset({educator}) if educator else None,
                  frozenset(sites) if sites is not None else None, with_private)


THE_CT = Reader(CT)


@dataclass(frozen=True)
class Subject:
    """What the policy needs to know about one record, as plain values."""

    type: str
    audience: str
    educator_id: str | None = None  # the case it belongs to (an educator record: its own id)
    programs: tuple[str, ...] = ()  # every program of that educator's enrolments, oldest first
    sites: frozenset[str] = frozenset()  # that educator's sites
    parent: Subject | None = None  # when the type has a parent gate and the link is set (``missing()`` if gone)

    @staticmethod
    def missing(record_type: str) -> Subject:
        """A parent that is linked but gone (deleted, never synced): its children stay with the CT."""
        return Subject(record_type, Audience.CT_PRIVATE.value)


class Reason(StrEnum):
    PRIVATE = "private"
    AUDIENCE = "audience"
    PARENT = "parent"
    PROGRAM = "program"
    SCOPE = "scope"
    NO_CASE_CONTENT = "no_case_content"


def admin_may_know(programs: Iterable[str]) -> bool:
    """May a school administrator learn anything about an educator with this program history?"""
    history = set(programs)
    return bool(history) and history <= ADMIN_PROGRAMS


def _in_scope(r: Reader, s: Subject) -> bool:
    if s.educator_id is None:  # directory entries are everyone's; program work is the panel's too
        return not r.scoped or entry(s.type).scope is Scope.DIRECTORY or r.kind is PANEL
    if r.educators is not None and s.educator_id not in r.educators:
        return False
    return r.sites is None or bool(r.sites & s.sites)


def decide(r: Reader, s: Subject) -> Reason | None:
    """None if ``r`` may read the record ``s``, else why not."""
    e = entry(s.type)
    if r.kind is CT:
        return Reason.PRIVATE if not r.with_private and effective_audience(s) is Audience.CT_PRIVATE else None
    if r.kind is PROGRAM_OFFICE:
        return Reason.NO_CASE_CONTENT
    if not _in_scope(r, s):
        return Reason.SCOPE
    if r.kind is ADMIN and s.educator_id is not None and not admin_may_know(s.programs):
        return Reason.PROGRAM
    audience = Audience(s.audience)
    if audience is Audience.CT_PRIVATE:
        return Reason.PRIVATE
    if r.kind not in AUDIENCE_READERS[audience]:
        return Reason.AUDIENCE
    if e.parent is not None:
        if s.parent is None:
            return Reason.PARENT if e.parent.required else None
        # The gate is the parent's label: the child's own scope and program were judged above (a panel
        # agenda case of a PAR educator needs its meeting's label, not the meeting's scope).
        if r.kind not in AUDIENCE_READERS[effective_audience(s.parent)]:
            return Reason.PARENT
    return None


def readable(r: Reader, s: Subject) -> bool:
    return decide(r, s) is None


def label_allows(audience: str, kind: str | ReaderKind) -> bool:
    """Does the audience label alone let this kind of reader read (no scope, program or parent)?"""
    return ReaderKind(kind) in AUDIENCE_READERS[Audience(audience)]


def audiences_for(kind: str | ReaderKind) -> frozenset[str]:
    """Every audience label this kind of reader may read (esp-central's SQL filter uses it)."""
    return frozenset(a.value for a, readers in AUDIENCE_READERS.items() if ReaderKind(kind) in readers)


def narrower(a: str, b: str) -> str:
    return min(Audience(a), Audience(b), key=NARROW_TO_WIDE.index).value


def effective_audience(s: Subject) -> Audience:
    """The audience a record really has: its own label, narrowed by its parent's (a missing parent: CT-private)."""
    own = Audience(s.audience)
    e = entry(s.type)
    if e.parent is None:
        return own
    if s.parent is None:
        return Audience.CT_PRIVATE if e.parent.required else own
    return Audience(narrower(own, effective_audience(s.parent)))


def who_may_read(audience: str) -> str:
    """'the CT, the ESP Panel and the educator' (for badges and messages)."""
    names = [READER_NAMES[k] for k in (CT, PANEL, EDUCATOR, ADMIN) if k in AUDIENCE_READERS[Audience(audience)]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- writing ------------------------------------------------------------------------------------------------


def audience_refusal(programs: Iterable[str], audience: str) -> str | None:
    """Refuse, when it is set, a label the program rule would make meaningless (and alarming to see)."""
    if Audience(audience) is Audience.ADMIN and set(programs) - ADMIN_PROGRAMS:
        return ("Peer Assistance and informal coaching are confidential between the educator, the CT and the "
                "ESP Panel: records of this educator cannot be shared with the school administrator.")
    return None


def change_refusal(record_type: str, *, was_final: bool, changed: Iterable[str], demo: bool = False) -> str | None:
    """Why a change to a finalized document is refused (None: allowed). Corrections are new versions.

    ``demo``: the record is part of the fictional demo caseload being removed (File › Remove demo data); a
    fictional document may go, but even then only as a whole (nothing in it may change).
    """
    changed = set(changed)
    if not (was_final and changed and entry(record_type).frozen_when_final):
        return None
    if demo and changed == {"deleted"}:
        return None
    noun = entry(record_type).noun[0]
    if "deleted" in changed:
        return (f"This {noun} is finalized and stays on record: it cannot be deleted. "
                "To correct it, create a new version that references it.")
    if "audience" in changed:
        return (f"Who may read this {noun} was fixed when it was finalized, with its content. "
                "To share it differently, create a new version.")
    return f"This {noun} is finalized and cannot be changed. Create a correction: a new version that references it."


# --- what was left out --------------------------------------------------------------------------------------

# Reasons an output may state to its own reader. PROGRAM and SCOPE are about other people's cases (and
# counting them would tell a school administrator that a PA case exists), so only the CT sees those.
_READER_SAFE = (Reason.PRIVATE, Reason.AUDIENCE, Reason.PARENT)


@dataclass
class Omissions:
    """What the policy left out of one output: counts by record type and reason."""

    reader: Reader
    counts: Counter[tuple[str, Reason]] = field(default_factory=Counter)

    def add(self, record_type: str, reason: Reason, n: int = 1) -> None:
        self.counts[(record_type, reason)] += n

    def note(self, s: Subject) -> bool:
        """Decide ``s`` for this reader; tally it if withheld. True if readable."""
        why = decide(self.reader, s)
        if why is not None:
            self.add(s.type, why)
        return why is None

    def total(self, *, for_reader: bool = False) -> int:
        return sum(n for (_t, why), n in self.counts.items() if not for_reader or why in _READER_SAFE)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def lines(self, *, for_reader: bool = False) -> list[str]:
        """One sentence per reason, most telling first: '2 scripted lines and 1 contact log entry are CT-private.'

        ``for_reader``: only what the output's own reader may be told (see ``_READER_SAFE``).
        """
        out = []
        for why in Reason:
            if for_reader and why not in _READER_SAFE:
                continue
            parts = sorted(((rtype, n) for (rtype, w), n in self.counts.items() if w is why),
                           key=lambda p: (-p[1], p[0]))
            if not parts:
                continue
            words = [f"{n} {entry(rtype).noun[0] if n == 1 else entry(rtype).noun[1]}" for rtype, n in parts]
            listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
            many = len(parts) > 1 or parts[0][1] > 1
            out.append(f"{listed} {'are' if many else 'is'} {_because(why, self.reader, many)}.")
        return out

    def as_json(self, *, for_reader: bool = False) -> list[dict[str, object]]:
        return [{"type": t, "reason": why.value, "count": n} for (t, why), n in sorted(self.counts.items())
                if not for_reader or why in _READER_SAFE]


def _because(why: Reason, r: Reader, many: bool) -> str:
    its = "their" if many else "its"
    return {
        Reason.PRIVATE: "CT-private",
        Reason.AUDIENCE: f"not shared with {r.name}",
        Reason.PARENT: f"part of a record that is not shared with {r.name} ({its} parent is hidden)",
        Reason.PROGRAM: "about an educator in Peer Assistance or informal coaching (now or before), which a "
                        "school administrator may never see",
        Reason.SCOPE: f"outside the case(s) {r.name} may see",
        Reason.NO_CASE_CONTENT: "case content, which the program office never reads",
    }[why]


# --- the table, for docs/architecture.md (a test checks the doc against it) ------------------------------------


def markdown_tables() -> str:
    kinds = list(READER_NAMES)
    rows = ["| audience label | " + " | ".join(READER_NAMES[k] for k in kinds) + " |",
            "|---|" + "---|" * len(kinds)]
    for a in NARROW_TO_WIDE:
        rows.append(f"| `{a.value}` | " + " | ".join("yes" if k in AUDIENCE_READERS[a] else "no" for k in kinds)
                    + " |")
    rows += ["", "| reader | who |", "|---|---|"]
    rows += [f"| `{k.value}` {READER_NAMES[k]} | {READER_ROLES[k]} |" for k in kinds]
    rows += ["", "| record type | default audience | readable only with its parent | scope | frozen when final |",
             "|---|---|---|---|---|"]
    for t, e in ENTRIES.items():
        gate = f"`{e.parent.type}` (via `{e.parent.link}`{'' if e.parent.required else ', if set'})" if e.parent else ""
        rows.append(f"| `{t}` | `{e.default.value}` | {gate} | {e.scope.value} | {'yes' if e.frozen_when_final else ''} |")
    return "\n".join(rows) + "\n"
