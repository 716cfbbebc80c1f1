"""Writing pulled records into the store with bulk Core statements, one transaction per page.

What the per-record flush hooks (store/hooks.py) do for a local edit is done here for a whole page at once:
the records (one INSERT and one UPDATE per record type), their audit entries, their full-text rows and their
sync bookkeeping, all on the connection of the transaction that also saves the cursor. Nothing is bumped or
marked dirty: the versions are the server's.

Rules, per pulled record:
- already applied (its server version is known here): skipped, so a page re-applied after a crash is a no-op;
- edited here since the last sync (dirty): kept, unless identical to the pulled one (then simply adopted); its
  next push meets the server's version as a conflict;
- a deletion of a record that is live here: held back (``sync_held_deletion``) until the pull has finished, for
  the mass-deletion guard; everything else on the page is applied and committed with the cursor;
- after the server lost commits (``repull``), a record the server has in an older version than this device
  saw is marked to be pushed again on top of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic_core
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..core import clock
from ..store.bulk import executemany
from ..store.hooks import audit_rows, reindex_rows, search_body
from ..store.models import RECORD_TYPES, SyncConflict, SyncHeldDeletion, SyncRecordState
from ..store.records import row_to_dict, values_from_dict
from . import protocol as P

log = logging.getLogger(__name__)

_STATE: Any = SyncRecordState.__table__
_HELD: Any = SyncHeldDeletion.__table__
_CONFLICT: Any = SyncConflict.__table__
_BOOKKEEPING = {"sync_dirty", "version", "updated_at"}
CHUNK = 500  # ids per IN (...) list

Opener = Callable[[P.RecordEnvelope, int], dict[str, Any]]  # (envelope, version sealed for) -> JSON form


def table_of(rtype: str) -> Any:
    return RECORD_TYPES[rtype].__table__  # type: ignore[attr-defined]


def chunks(items: list[Any], n: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class _Slow(Exception):
    """A value pydantic-core would not write exactly as ``json.dumps`` does."""


_INT_RANGE = range(-(2**63), 2**63)


def _sorted(v: Any) -> Any:
    t = type(v)
    if t is str or v is None or t is bool:
        return v
    if t is int:
        if v in _INT_RANGE:
            return v
        raise _Slow
    if t is dict:
        if not all(type(k) is str for k in v):
            raise _Slow
        return {k: _sorted(v[k]) for k in sorted(v)}
    if t is list:
        return [_sorted(x) for x in v]
    raise _Slow  # floats (1e16 vs 1e+16), tuples, dates, ... : the standard library writes those


_LEAVES = frozenset({str, bool, type(None)})  # written the same by both: no need to look further


def _sorted_top(data: Mapping[str, Any]) -> dict[str, Any]:
    if not all(type(k) is str for k in data):
        raise _Slow
    return {k: v if type(v) in _LEAVES else _sorted(v) for k, v in sorted(data.items())}


def _dumps(data: Mapping[str, Any], without: str | None) -> str:
    return json.dumps({k: v for k, v in data.items() if k != without}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)


_FAST_FAILS = (_Slow, ValueError, TypeError)  # (pydantic-core's serialisation errors are ValueErrors)


def canonical_json(data: Mapping[str, Any], *, without: str | None = None) -> str:
    """A record's JSON form as canonical text: sorted keys, no spaces, not ASCII-escaped, byte for byte what
    ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)`` writes. Change ids
    and the content digests kept in existing stores are hashes of this text, so it must never change.

    pydantic-core's serialiser writes the same bytes ten times faster for strings, 64-bit integers, booleans,
    null, lists and objects (tests/sync/test_canonical.py compares the two); anything else - floats, whose
    exponent it writes differently - goes through the standard library. ``without`` leaves out one top-level key.
    """
    try:
        top = _sorted_top(data)
        if without is not None:
            top.pop(without, None)
        return pydantic_core.to_json(top).decode()
    except _FAST_FAILS:
        return _dumps(data, without)


def _canon(d: dict[str, Any]) -> str:
    return canonical_json(d, without="version")


def canonical_and_digest(data: Mapping[str, Any]) -> tuple[str, str]:
    """``(canonical_json(data), content_digest(data))``, sorting the record once (a push needs both)."""
    try:
        top = _sorted_top(data)
        full = pydantic_core.to_json(top).decode()
        top.pop("version", None)
        bare = pydantic_core.to_json(top).decode()
    except _FAST_FAILS:
        full, bare = _dumps(data, None), _dumps(data, "version")
    return full, hashlib.sha256(bare.encode()).hexdigest()


def same_content(local: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """Two JSON forms of a record say the same thing (version numbers aside)."""
    return _canon(local) == _canon(incoming)


def content_digest(d: dict[str, Any] | None) -> str | None:
    """What a version of a record says (version number aside), as kept in ``sync_record_state.server_digest``:
    after the server lost commits, it tells whether the server still has the version this device saw."""
    return None if d is None else hashlib.sha256(_canon(d).encode()).hexdigest()


@dataclass
class PageOutcome:
    applied: int = 0
    held: int = 0
    kept_local: int = 0
    downloads: dict[str, str] = field(default_factory=dict)  # attachment id -> sha256


@dataclass
class _Plan:
    """The statements one page needs, collected first and executed in bulk."""

    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    search: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: list[dict[str, Any]] = field(default_factory=list)
    unheld: list[str] = field(default_factory=list)
    redirty: dict[str, list[str]] = field(default_factory=dict)  # record type -> ids to push again
    seen: list[str] = field(default_factory=list)  # re-pull: the server still has what this device saw


class Applier:
    """Applies envelopes on one connection (inside the caller's transaction)."""

    def __init__(self, conn: Connection, open_env: Opener, *, actor: str = "ct") -> None:
        self.conn = conn
        self.open_env = open_env
        self.actor = actor

    # ------------------------------------------------------------------ loading what the page touches
    def _states(self, ids: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for part in chunks(ids):
            out.update((r.record_id, r) for r in self.conn.execute(
                select(_STATE.c.record_id, _STATE.c.server_version, _STATE.c.server_digest)
                .where(_STATE.c.record_id.in_(part))))
        return out

    def _locals(self, by_type: dict[str, list[str]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for rtype, ids in by_type.items():
            t = table_of(rtype)
            for part in chunks(ids):
                out.update((r["id"], r) for r in self.conn.execute(select(t).where(t.c.id.in_(part))).mappings())
        return out

    # ------------------------------------------------------------------ one page
    def apply(
        self,
        envs: list[P.RecordEnvelope],
        *,
        hold_deletions: bool = True,
        repull: bool = False,
        force: bool = False,
    ) -> PageOutcome:
        """Apply ``envs`` (pulled records, or with ``force`` the server's copies after push conflicts)."""
        out = PageOutcome()
        known: list[P.RecordEnvelope] = []
        for env in envs:
            if env.type in RECORD_TYPES:
                known.append(env)
            else:
                log.warning("skipping a %s record: this esp-desktop does not know that type", env.type)
        if not known:
            return out
        rids = [str(env.id) for env in known]  # (once: str() of a UUID is not free, and a page has 500)
        by_type: dict[str, list[str]] = {}
        for env, rid in zip(known, rids, strict=True):
            by_type.setdefault(env.type, []).append(rid)
        states = self._states(rids)
        local_rows = self._locals(by_type)
        plan = _Plan()
        now = clock.now()
        for env, rid in zip(known, rids, strict=True):
            self._plan_one(env, rid, states.get(rid), local_rows.get(rid), plan, out, now,
                           hold_deletions=hold_deletions, repull=repull, force=force)
        self._execute(plan)
        return out

    def _plan_one(
        self,
        env: P.RecordEnvelope,
        rid: str,
        state: Any,
        local: Mapping[str, Any] | None,
        plan: _Plan,
        out: PageOutcome,
        now: Any,
        *,
        hold_deletions: bool,
        repull: bool,
        force: bool,
    ) -> None:
        rtype = env.type
        known_version = state.server_version if state is not None else None
        if not force and known_version is not None and known_version >= env.version:
            if repull and local is not None:
                self._after_loss(env, rid, state, local, plan)
            elif repull:
                plan.seen.append(rid)
            return  # our own change coming back, or already applied before a crash
        if not force and local is not None and local["sync_dirty"]:
            data = self._incoming(env, rid)
            if data is not None and same_content(row_to_dict(rtype, local), data):
                # Identical to what is pending here (an import of the same data, a push whose answer was
                # lost): adopt the server's version instead of pushing it back as a conflict.
                plan.updates.setdefault(rtype, []).append(
                    {"b_id": rid, "version": env.version, "sync_dirty": False})
                plan.states[rid] = _state_row(rid, rtype, env.version, content_digest(data))
                out.applied += 1
            else:
                out.kept_local += 1
                if repull:
                    plan.seen.append(rid)
            return
        if (not force and hold_deletions and env.deleted and local is not None and not local["deleted"]):
            plan.held.append({"record_id": rid, "record_type": rtype, "version": env.version,
                              "envelope": env.model_dump(mode="json")})
            out.held += 1
            if repull:
                plan.seen.append(rid)
            return
        self._plan_write(env, rid, local, plan, out, now)

    def _incoming(self, env: P.RecordEnvelope, rid: str) -> dict[str, Any] | None:
        """The pulled record's JSON form, with the envelope's word on id, type, version, deletion, audience."""
        data = self.open_env(env, env.version)
        if not data:
            return None
        # The envelope is what was validated (UUID id, known audience); a payload never renames a record. The
        # envelope carries the effective audience (narrowed by the parent); the record keeps its own label.
        own = data.get("audience")
        data.update(id=rid, type=env.type, version=env.version, deleted=env.deleted,
                    audience=own if own in P.AUDIENCES else env.audience)
        return data

    def _plan_write(
        self, env: P.RecordEnvelope, rid: str, local: Mapping[str, Any] | None, plan: _Plan, out: PageOutcome,
        now: Any,
    ) -> None:
        rtype = env.type
        model = RECORD_TYPES[rtype]
        data = self._incoming(env, rid)
        plan.states[rid] = _state_row(rid, rtype, env.version, content_digest(data))
        plan.unheld.append(rid)
        out.applied += 1
        if data is None:  # a bare tombstone
            if local is not None:
                plan.updates.setdefault(rtype, []).append(
                    {"b_id": rid, "deleted": True, "version": env.version, "sync_dirty": False})
                plan.events.append(self._event("remote_delete", rtype, rid, local.get("educator_id"),
                                               {"fields": ["deleted"]}, now))
                if model.__search_fields__:
                    plan.search.append((rtype, rid, local.get("educator_id"), None))
            return
        _, values = values_from_dict(data)
        values["sync_dirty"] = False
        if local is None:
            plan.inserts.setdefault(rtype, []).append(values)
            plan.events.append(self._event("remote_create", rtype, rid, values.get("educator_id"), {}, now))
            merged: Mapping[str, Any] = values
        else:
            changed = sorted(k for k, v in values.items() if k not in _BOOKKEEPING and k != "id" and local[k] != v)
            row = {k: v for k, v in values.items() if k != "id"}
            row["b_id"] = rid
            plan.updates.setdefault(rtype, []).append(row)
            if changed:
                action = "remote_delete" if "deleted" in changed and values.get("deleted") else "remote_update"
                plan.events.append(self._event(action, rtype, rid, values.get("educator_id", local.get("educator_id")),
                                               {"fields": changed}, now))
            merged = {**local, **values}
        if model.__search_fields__:
            body = None if merged.get("deleted") else search_body(model.__search_fields__, merged.get)
            plan.search.append((rtype, rid, merged.get("educator_id"), body))
        if env.attachment_sha256 and not env.deleted:
            out.downloads[rid] = env.attachment_sha256

    def _after_loss(self, env: P.RecordEnvelope, rid: str, state: Any, local: Mapping[str, Any], plan: _Plan
                    ) -> None:
        """Re-pull after the server lost commits: the server holds ``env.version`` of a record this device last
        saw at ``state.server_version``. Leave it if the server still has what this device saw; push this
        device's copy again on top of an older one of its own; make anything else a conflict."""
        rtype = env.type
        known, seen_digest = state.server_version, state.server_digest
        data = self._incoming(env, rid)
        if known == env.version:
            if seen_digest is not None:
                intact = content_digest(data) == seen_digest
            else:  # seen before digests were kept: judge by content where there is no pending edit
                intact = bool(local["sync_dirty"]) or (data is not None and same_content(row_to_dict(rtype, local), data))
            if intact:
                plan.seen.append(rid)
                return
        elif local["updated_at"] is None or env.updated_at <= local["updated_at"]:
            # The server's copy is an older state of ours: push ours again on top of it (accepted, not a conflict).
            plan.states[rid] = _state_row(rid, rtype, env.version, content_digest(data))
            plan.redirty.setdefault(rtype, []).append(rid)
            return
        # The server has a copy this device has not seen (edited elsewhere after the server went back in time,
        # perhaps under a version number this device already used): push ours as a conflict - base 0 against
        # an existing record always is one (a base above the server's would be accepted and overwrite it) - so
        # both are kept and the CT decides.
        plan.states[rid] = _state_row(rid, rtype, 0, None)
        plan.redirty.setdefault(rtype, []).append(rid)

    def _event(self, action: str, rtype: str, rid: str, educator_id: Any, detail: dict[str, Any], now: Any
               ) -> dict[str, Any]:
        return {"at": now, "actor": self.actor, "action": action, "record_type": rtype, "record_id": rid,
                "educator_id": educator_id, "detail": detail}

    # ------------------------------------------------------------------ the statements
    def _execute(self, plan: _Plan) -> None:
        conn = self.conn
        for rtype, rows in plan.inserts.items():
            for group in _by_keys(rows):
                executemany(conn, table_of(rtype).insert(), group)
        for rtype, rows in plan.updates.items():
            t = table_of(rtype)
            for group in _by_keys(rows):
                executemany(conn, update(t).where(t.c.id == bindparam("b_id")), group)
        for rtype, rids in plan.redirty.items():
            t = table_of(rtype)
            for part in chunks(rids):
                conn.execute(update(t).where(t.c.id.in_(part)).values(sync_dirty=True))
        audit_rows(conn, plan.events)
        if plan.search:
            reindex_rows(conn, plan.search)
        upsert_states(conn, list(plan.states.values()))
        for part in chunks(plan.seen):
            conn.execute(update(_STATE).where(_STATE.c.record_id.in_(part)).values(seen=True))
        if plan.unheld:
            for part in chunks(plan.unheld):
                conn.execute(delete(_HELD).where(_HELD.c.record_id.in_(part)))
        if plan.held:
            stmt = sqlite_insert(_HELD)
            executemany(conn, stmt.on_conflict_do_update(
                index_elements=[_HELD.c.record_id],
                set_={"version": stmt.excluded.version, "envelope": stmt.excluded.envelope,
                      "record_type": stmt.excluded.record_type},
                where=_HELD.c.version < stmt.excluded.version,
            ), plan.held)

    # ------------------------------------------------------------------ conflict copies
    def keep_conflicts(self, items: list[tuple[P.RecordEnvelope, P.ConflictInfo]]) -> int:
        """Store conflict copies pulled from the server (idempotent by conflict id). Returns how many are new."""
        if not items:
            return 0
        ids = [str(c.conflict_id) for _, c in items]
        existing = {r[0]: r[1] for part in chunks(ids) for r in self.conn.execute(
            select(_CONFLICT.c.conflict_id, _CONFLICT.c.resolved).where(_CONFLICT.c.conflict_id.in_(part)))}
        new, resolved = [], []
        for env, c in items:
            cid = str(c.conflict_id)
            if cid in existing:
                if c.resolved and not existing[cid]:
                    resolved.append(cid)
                continue
            # A conflict copy was sealed for the version it would have had if accepted: its base + 1.
            data = self.open_env(env, c.base_version + 1)
            if data:
                data.update(id=str(env.id), type=env.type)
            new.append({"conflict_id": cid, "record_id": str(env.id), "record_type": env.type,
                        "base_version": c.base_version, "server_version": c.server_version,
                        "data": data or {}, "resolved": c.resolved, "received_at": clock.now(),
                        "resolution_pending": False})
            existing[cid] = c.resolved
        if new:
            self.conn.execute(_CONFLICT.insert(), new)
        for part in chunks(resolved):
            self.conn.execute(update(_CONFLICT).where(_CONFLICT.c.conflict_id.in_(part)).values(resolved=True))
        return len(new)


def _state_row(rid: str, rtype: str, version: int, digest: str | None) -> dict[str, Any]:
    return {"record_id": rid, "record_type": rtype, "server_version": version, "server_digest": digest,
            "seen": True}


def upsert_states(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = sqlite_insert(_STATE)
    executemany(conn, stmt.on_conflict_do_update(
        index_elements=[_STATE.c.record_id],
        set_={"server_version": stmt.excluded.server_version, "server_digest": stmt.excluded.server_digest,
              "seen": stmt.excluded.seen, "record_type": stmt.excluded.record_type},
    ), rows)


def _by_keys(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    """executemany needs one key set per statement: group rows by their keys (normally one group)."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(frozenset(r), []).append(r)
    return groups.values()


def count_live(conn: Connection) -> int:
    total = 0
    for rtype in RECORD_TYPES:
        t = table_of(rtype)
        total += conn.execute(select(func.count()).select_from(t).where(t.c.deleted.is_(False))).scalar() or 0
    return total
