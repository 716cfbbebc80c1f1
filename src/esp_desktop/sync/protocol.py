"""Sync protocol: the pydantic models both the client engine and esp-central speak.

The server is schema-agnostic: it stores *record envelopes* (type, id, version, audience, case) and the
record's JSON fields as an opaque ``payload``; it never interprets entity fields, except that a
``panel_case`` payload names the educator put on a panel agenda. ``ct_private`` records travel and rest
as ``ciphertext`` only (AES-GCM under a sync key the server never sees).

Every model forbids extra fields and bounds its sizes, so a malformed request fails validation (HTTP 422
with the offending field) instead of reaching the database.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PROTOCOL_VERSION = 2  # 2: server_epoch/head_seq in every sync answer, replay_mismatch, body limits
MAX_BATCH = 500  # records per push or pull page
# Request bodies the server reads at most (it refuses larger ones with 413 before reading them). A push is
# split by bytes as well as by MAX_BATCH: 500 records of the largest size would not fit.
MAX_PUSH_BODY_BYTES = 16 * 1024 * 1024
MAX_BODY_BYTES = 64 * 1024  # every other JSON request
MAX_PAYLOAD_BYTES = 256 * 1024  # JSON fields of one record
MAX_CIPHERTEXT_CHARS = 400 * 1024  # base64 of an encrypted payload
MAX_WRAPPED_KEY_CHARS = 4096
ATTACHMENT_CHUNK_MAX = 4 * 1024 * 1024

Audience = Literal["ct_private", "educator", "panel", "admin"]
AUDIENCES: tuple[str, ...] = get_args(Audience)
# The readers of core/policy.py: admin = the school administrator (bound to sites), educator = one educator
# (bound to their case), program_office = user and device management, reading no case content.
Role = Literal["ct", "educator", "panel", "admin", "program_office"]
Program = Literal["PA", "PAR", "informal"]
RecordType = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Base64Str = Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$")]
# Names people type (device names): no control or format characters, so nothing typed can forge a line
# or an escape sequence in the server's listings.
NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+$"
ShortText = Annotated[str, Field(min_length=1, max_length=120, pattern=NO_CONTROLS)]

PANEL_CASE_TYPE = "panel_case"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must carry a timezone (UTC)")
    return value


class CaseFacts(_Strict):
    """What esp-central needs to know about a record's educator to apply the confidentiality policy without
    reading the record: their program history (every enrolment, oldest first) and their sites."""

    programs: list[Program] = Field(default_factory=list, max_length=64)
    sites: list[UUID] = Field(default_factory=list, max_length=64)


class RecordEnvelope(_Strict):
    """One record as it travels between client and server (the latest state of a record, or a tombstone)."""

    type: RecordType
    id: UUID
    version: int = Field(ge=1, le=2**53)
    deleted: bool = False
    audience: Audience
    educator_id: UUID | None = None
    updated_at: datetime
    payload: dict[str, Any] | None = None
    ciphertext: Base64Str | None = Field(default=None, max_length=MAX_CIPHERTEXT_CHARS)
    attachment_sha256: Sha256Hex | None = None
    # Added for the confidentiality policy (core/policy.py); optional, so older clients still validate.
    # ``audience`` is the record's *effective* audience (a child travels as privately as its parent).
    parent_id: UUID | None = Field(default=None, description="the record this one is readable only with")
    case: CaseFacts | None = Field(default=None, description="its educator's program history and sites (push only)")

    _aware_updated = field_validator("updated_at")(_aware)

    @field_validator("payload")
    @classmethod
    def _payload_size(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # Its UTF-8 JSON text, written by pydantic-core: every record of a push or pull page passes here.
        if value is not None and len(pydantic_core.to_json(value)) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
        return value

    @model_validator(mode="after")
    def _confidentiality(self) -> RecordEnvelope:
        # ct_private content must never reach the server in clear: it is ciphertext or nothing.
        if self.audience == "ct_private":
            if self.payload is not None:
                raise ValueError("ct_private records must be sent as ciphertext, never as a clear payload")
            if self.ciphertext is None and not self.deleted:
                raise ValueError("ct_private records need a ciphertext")
        else:
            if self.ciphertext is not None:
                raise ValueError("only ct_private records carry a ciphertext")
            if self.payload is None and not self.deleted:
                raise ValueError("records other than ct_private need a payload")
        if self.type == PANEL_CASE_TYPE and not self.deleted and self.educator_id is None:
            raise ValueError("panel_case records need an educator_id")
        return self


class Change(_Strict):
    """A pending local change: the record as edited and the server version it was edited from."""

    client_change_id: UUID
    # At most 2^53 - 1, so the version the server gives (base + 1) stays within 2^53 (exact in every JSON
    # reader, and within RecordEnvelope.version's bound when the record travels back).
    base_version: int = Field(ge=0, le=2**53 - 1, description="0 for a record the server has never seen")
    record: RecordEnvelope
    resolves: list[UUID] = Field(
        default_factory=list, max_length=16, description="conflict ids this change resolves"
    )


class PushRequest(_Strict):
    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="after")
    def _unique_ids(self) -> PushRequest:
        ids = [c.client_change_id for c in self.changes]
        if len(set(ids)) != len(ids):
            raise ValueError("client_change_id values must be unique within one push")
        return self


# replay_mismatch: this change id was processed before with a different content (a store restored from a
# backup re-using ids). Nothing was applied; the client sends the change again under a fresh change id.
PushStatus = Literal["accepted", "conflict", "rejected", "replay_mismatch"]


def change_digest(change: Change) -> str:
    """SHA-256 of what a change says, stored with its change id to tell a true replay from a reused id.

    Covers everything but the ciphertext: a client re-seals a private record on every attempt (fresh nonce),
    so a retried push differs only there; a different edit differs in ``updated_at`` (and usually more).
    The JSON is the model's own serialisation (fields in declaration order, payload keys as sent): a client
    re-sends a change built the same way.
    """
    body = change.model_dump_json(exclude={"record": {"ciphertext"}})
    return hashlib.sha256(body.encode()).hexdigest()


class PushResult(_Strict):
    client_change_id: UUID
    record_id: UUID
    status: PushStatus
    version: int | None = Field(default=None, description="server version after this change")
    seq: int | None = None
    conflict_id: UUID | None = None
    server_record: RecordEnvelope | None = Field(default=None, description="server copy, on conflict")
    message: str | None = None
    replayed: bool = Field(default=False, description="this change id was already processed: nothing changed")


ServerEpoch = Annotated[
    UUID,
    Field(
        description="changes when the server's database is restored or found to have gone back in time: "
        "a client that sees a new epoch re-pushes what the server lacks and re-pulls from cursor 0"
    ),
]
HeadSeq = Annotated[
    int,
    Field(
        ge=0,
        description="highest sequence number committed on the server; below a client's cursor it means the "
        "server lost commits",
    ),
]


class PushResponse(_Strict):
    results: list[PushResult]
    server_epoch: ServerEpoch
    head_seq: HeadSeq


class PullRequest(_Strict):
    cursor: int = Field(default=0, ge=0, le=2**62)
    limit: int = Field(default=MAX_BATCH, ge=1, le=MAX_BATCH)


class ConflictInfo(_Strict):
    """Attached to a pulled record that is a conflict copy (an edit the server did not apply)."""

    conflict_id: UUID
    base_version: int
    server_version: int
    resolved: bool = False
    device_id: UUID | None = None


class ServerRecord(_Strict):
    seq: int
    record: RecordEnvelope
    conflict: ConflictInfo | None = None


class PullResponse(_Strict):
    records: list[ServerRecord]
    next_cursor: int
    more: bool
    scope: str = Field(
        description="fingerprint of what this user may read; when it changes, re-pull from cursor 0"
    )
    server_epoch: ServerEpoch
    head_seq: HeadSeq


class EnrolRequest(_Strict):
    code: Annotated[str, Field(min_length=4, max_length=64)]
    device_name: ShortText


class EnrolResponse(_Strict):
    device_id: UUID
    token: str
    user_name: str
    role: Role


class WhoAmI(_Strict):
    device_id: UUID
    user_name: str
    role: Role
    server_epoch: ServerEpoch
    head_seq: HeadSeq


class WrappedKey(_Strict):
    """The CT's sync key wrapped by their passphrase-derived key; opaque to the server."""

    key_id: UUID
    blob: Base64Str = Field(min_length=16, max_length=MAX_WRAPPED_KEY_CHARS)


class AttachmentStatus(_Strict):
    sha256: Sha256Hex
    size: int = Field(ge=0)
    received: int = Field(ge=0)
    complete: bool


class AttachmentStart(_Strict):
    size: int = Field(ge=1, le=2**40)


class UserInfo(_Strict):
    name: str
    role: Role
    devices: int
    sites: list[UUID] = Field(default_factory=list, description="a school administrator's sites")
    educator_id: UUID | None = Field(default=None, description="an educator's own case")


class DeviceInfo(_Strict):
    device_id: UUID
    user_name: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked: bool


class ErrorBody(_Strict):
    detail: str | list[Any]


# ---- de-identified needs counts (issue 18): a CT's device sends counts, the program office reads sums
CodeStr = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Z0-9]{1,4}$", max_length=20)]
SchoolStr = Annotated[str, Field(max_length=120, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")]


class NeedsRow(_Strict):
    """One school (``school`` = its code) or the district (``""``): how many educators have learning priorities
    and how many have each priority. Counts only: nothing per educator."""

    school: SchoolStr = ""
    educators: int = Field(ge=0, le=100_000)
    counts: dict[CodeStr, Annotated[int, Field(ge=0, le=100_000)]] = Field(default_factory=dict, max_length=80)


class NeedsSubmission(_Strict):
    school_year: Annotated[str, Field(max_length=20, pattern=r"^[0-9-]*$")] = ""
    district: NeedsRow
    schools: list[NeedsRow] = Field(default_factory=list, max_length=500)


class NeedsAggregateRow(_Strict):
    school: str | None  # None: the district
    educators: int | None  # None: fewer than 5 (suppressed)
    suppressed: bool
    counts: dict[str, int | None]  # None: fewer than 5


class NeedsAggregate(_Strict):
    school_year: str
    min_educators: int
    district: NeedsAggregateRow
    schools: list[NeedsAggregateRow]


# ---- the professional-learning catalog shared between CTs (issue 18): not case content
class SharedEntry(_Strict):
    """A catalog entry a CT offers to the other CTs: its fields (core/learning.py CATALOG_COLUMNS) in clear."""

    id: UUID
    fields: dict[str, Any] = Field(max_length=40)
    shared_by: str | None = None  # filled in by esp-central
    updated_at: datetime | None = None  # filled in by esp-central
    withdrawn: bool = False


class SharedCatalog(_Strict):
    entries: list[SharedEntry]
