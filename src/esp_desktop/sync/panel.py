"""A Panel member's device: the same encrypted store, synced in Panel mode.

Enrolled with a `panel` user's code, the device pulls what esp-central lets the ESP Panel read (the meetings with
an agenda, the cases on them and the CTs' directory entries; never a CT-private record, so no sync key), and
pushes the attendance, votes and decisions its member records there, in that member's name. esp-central stores
those under the CT who presents the case, so the CT's next sync brings them home.

When the agenda changes, the server's ``scope`` changes: the device pulls everything again from the start and
removes every record the server no longer gives it, so a case taken off the agenda leaves the device (its
content is deleted from the store, not just hidden). Records recorded here and not sent yet are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import ssl
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pydantic
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import EspError
from ..store.facts import Facts
from ..store.models import RECORD_TYPES, Meta, Record, SearchMap, SyncRecordState
from ..store.records import apply_record_dict, record_to_dict
from ..store.search_terms import drop_index_rows, forget_unused_terms
from . import protocol as P
from .role import META_KEY, PANEL_ROLE, state_of
from .role import is_panel_device as is_panel_device  # where callers found it before sync/role.py

log = logging.getLogger(__name__)

WRITABLE = ("panel_attendance", "panel_motion", "panel_decision")  # what a Panel device records
CHANGE_NS = uuid.UUID("a4f1c0d2-6c8e-4d8b-9f3a-1e7b2c5d9a40")
CHUNK = 400


class PanelSyncError(EspError):
    """The sync of a Panel device could not complete; safe to retry."""


@dataclass
class PanelReport:
    pushed: int = 0
    pulled: int = 0
    removed: int = 0  # records the Panel may no longer read, deleted from this device
    rejected: list[str] = field(default_factory=list)
    conflicts: int = 0  # a Panel device keeps none: what the server refuses is reported in ``rejected``
    last_sync: dt.datetime | None = None


class PanelSync:
    def __init__(self, store: Any, *, server_url: str, ca_cert: str | Path | None = None,
                 timeout: float = 60.0, transport: httpx.BaseTransport | None = None,
                 batch_size: int = P.MAX_BATCH) -> None:
        self.store = store
        self.server_url = server_url.rstrip("/")
        self.batch_size = min(batch_size, P.MAX_BATCH)
        verify: ssl.SSLContext | bool = True
        if ca_cert:
            verify = ssl.create_default_context(cafile=str(ca_cert))
        self.http = httpx.Client(base_url=self.server_url, verify=verify, timeout=timeout, transport=transport)

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ state and HTTP
    def state(self) -> dict[str, Any]:
        return state_of(self.store)

    @staticmethod
    def _save(s: Session, **changes: Any) -> None:
        row = s.get(Meta, META_KEY)
        value = dict(row.value) if row else {}
        value.update(changes)
        if row is None:
            s.add(Meta(key=META_KEY, value=value))
        else:
            row.value = value

    def _call(self, method: str, path: str, *, auth: bool = True, body: Any = None) -> httpx.Response:
        headers = {}
        if auth:
            token = self.state().get("token")
            if not token:
                raise PanelSyncError("This device is not enrolled yet: enter the one-time Panel code first.")
            headers["Authorization"] = f"Bearer {token}"
        try:
            r = self.http.request(method, path, headers=headers, json=body)
        except httpx.HTTPError as exc:
            raise PanelSyncError(f"Cannot reach the sync server at {self.server_url} ({type(exc).__name__}).") from exc
        if r.status_code == 401:
            raise PanelSyncError(f"The sync server refused this device: {_detail(r)}")
        if r.status_code >= 400:
            raise PanelSyncError(f"The sync server answered {r.status_code}: {_detail(r)}")
        return r

    @staticmethod
    def _parse(model: type[Any], r: httpx.Response) -> Any:
        try:
            return model.model_validate_json(r.content)
        except pydantic.ValidationError as exc:
            raise PanelSyncError("The sync server sent an answer this app cannot read; nothing was changed.") from exc

    # ------------------------------------------------------------------ enrolment
    def enrol(self, code: str, *, device_name: str) -> P.EnrolResponse:
        r = self._call("POST", "/v1/enrol", auth=False, body={"code": code.strip(), "device_name": device_name[:120]})
        resp: P.EnrolResponse = self._parse(P.EnrolResponse, r)
        if resp.role != PANEL_ROLE:
            raise PanelSyncError(f"That code enrols {resp.user_name} as {resp.role}, not as a member of the ESP Panel; "
                                 "ask the program office for a Panel code.")
        with self.store.session() as s:
            self._save(s, server=self.server_url, token=resp.token, device_id=str(resp.device_id),
                       user=resp.user_name, role=resp.role, cursor=0, scope=None)
        return resp

    # ------------------------------------------------------------------ one sync
    def sync(self) -> PanelReport:
        st = self.state()
        if st.get("role") != PANEL_ROLE:
            raise PanelSyncError("This store is not enrolled for the ESP Panel.")
        report = PanelReport()
        self._pull(report)
        self._push(report)
        report.last_sync = clock.now()
        with self.store.session() as s:
            self._save(s, last_sync=report.last_sync.isoformat())
        return report

    def _pull(self, report: PanelReport) -> None:
        st = self.state()
        cursor = int(st.get("cursor") or 0)
        seen: set[str] | None = None  # collecting everything the server gives: after a change of scope
        while True:
            page: P.PullResponse = self._parse(P.PullResponse, self._call(
                "POST", "/v1/sync/pull", body={"cursor": cursor, "limit": self.batch_size}))
            if seen is None and page.scope != st.get("scope"):
                if cursor:  # what the Panel may read changed: start again and drop what it no longer may
                    cursor, seen = 0, set()
                    continue
                seen = set()
            envs = [item.record for item in page.records if item.conflict is None]
            if seen is not None:
                seen.update(str(e.id) for e in envs if not e.deleted)
            with self.store.session(applying_remote=True) as s:
                gone = self._apply(s, envs)
                report.removed += self._purge(s, gone)
                self._save(s, cursor=page.next_cursor)
            report.pulled += len(envs)
            cursor = page.next_cursor
            if not page.more:
                break
        if seen is not None:
            with self.store.session(applying_remote=True) as s:
                report.removed += self._purge(s, self._unseen(s, seen))
                self._save(s, scope=page.scope)

    def _apply(self, s: Session, envs: Iterable[P.RecordEnvelope]) -> list[str]:
        """Apply pulled records; answer the ids of tombstones (deleted here, content and all)."""
        gone: list[str] = []
        states = {st.record_id: st for st in s.scalars(select(SyncRecordState).where(
            SyncRecordState.record_id.in_([str(e.id) for e in envs])))}
        for env in envs:
            rid = str(env.id)
            if env.type not in RECORD_TYPES or env.payload is None:
                if env.deleted:
                    gone.append(rid)
                continue
            if env.deleted:
                gone.append(rid)
                continue
            local = s.get(RECORD_TYPES[env.type], rid)
            if local is not None and local.sync_dirty:
                continue  # recorded here and not sent yet: the push meets the server's version
            data = dict(env.payload)
            data.update(version=env.version, deleted=False, audience=env.audience)
            apply_record_dict(s, data, keep_newer_local=False)
            st = states.get(rid)
            if st is None:
                s.add(SyncRecordState(record_id=rid, record_type=env.type, server_version=env.version))
            else:
                st.server_version = env.version
        return gone

    @staticmethod
    def _unseen(s: Session, seen: set[str]) -> list[str]:
        """Local records the server no longer gives this device (not the ones recorded here and unsent)."""
        out: list[str] = []
        for model in RECORD_TYPES.values():
            out += [rid for rid, dirty in s.execute(select(model.id, model.sync_dirty))
                    if rid not in seen and not dirty]
        return out

    @staticmethod
    def _purge(s: Session, ids: list[str]) -> int:
        """Delete records, their search text and bookkeeping from the store (a Panel device keeps no copy of a
        case it may no longer read). Core statements: these are not edits to sync or to audit as changes."""
        if not ids:
            return 0
        s.flush()
        conn = s.connection()
        removed = 0
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            for model in RECORD_TYPES.values():
                table: Any = model.__table__  # type: ignore[attr-defined]
                removed += conn.execute(delete(table).where(table.c.id.in_(chunk))).rowcount or 0
            rows = [r for (r,) in conn.execute(select(SearchMap.fts_rowid).where(SearchMap.record_id.in_(chunk)))]
            forget_unused_terms(conn, drop_index_rows(conn, rows))
            conn.execute(delete(SearchMap).where(SearchMap.record_id.in_(chunk)))
            conn.execute(delete(SyncRecordState).where(SyncRecordState.record_id.in_(chunk)))
        s.expire_all()
        return removed

    def _push(self, report: PanelReport) -> None:
        st = self.state()
        device = st.get("device_id", "")
        with self.store.session() as s:
            bases = dict(s.execute(select(SyncRecordState.record_id, SyncRecordState.server_version)).all())
            facts = Facts.load(s)
            changes = []
            for rtype in WRITABLE:
                model = RECORD_TYPES[rtype]
                for obj in s.scalars(select(model).where(model.sync_dirty.is_(True))):
                    changes.append(self._change(obj, bases.get(obj.id, 0), device, facts))
            ignored = sum(1 for model in RECORD_TYPES.values() if model.__record_type__ not in WRITABLE
                          for _ in s.scalars(select(model.id).where(model.sync_dirty.is_(True))))
        if ignored:
            log.warning("%d local edit(s) of CT records are not sent from a Panel device", ignored)
        for i in range(0, len(changes), self.batch_size):
            batch = changes[i:i + self.batch_size]
            resp: P.PushResponse = self._parse(P.PushResponse, self._call("POST", "/v1/sync/push",
                                                                          body={"changes": batch}))
            self._record(batch, resp, report)

    @staticmethod
    def _change(obj: Record, base: int, device: str, facts: Facts) -> dict[str, Any]:
        data = record_to_dict(obj)
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        # The policy's facts as a CT's device sends them (store/facts.py): the effective audience and the parent
        # (the meeting), which esp-central's Panel write rule checks; a Panel device sends no case facts.
        facts_env = facts.envelope(obj.__record_type__, data)
        env = {"type": obj.__record_type__, "id": obj.id, "version": obj.version, "deleted": bool(obj.deleted),
               "audience": facts_env["audience"], "educator_id": getattr(obj, "educator_id", None),
               "parent_id": facts_env["parent_id"], "updated_at": data["updated_at"], "payload": data}
        return {"client_change_id": str(uuid.uuid5(CHANGE_NS, f"{device}:{obj.id}:{base}:{digest}")),
                "base_version": base, "record": env}

    def _record(self, batch: list[dict[str, Any]], resp: P.PushResponse, report: PanelReport) -> None:
        sent = {c["client_change_id"]: c for c in batch}
        done: dict[str, list[dict[str, Any]]] = {}
        with self.store.session(applying_remote=True) as s:
            for res in resp.results:
                change = sent.get(str(res.client_change_id))
                if change is None:
                    continue
                env = change["record"]
                if res.status == "accepted" and res.version is not None:
                    done.setdefault(env["type"], []).append({"b_id": env["id"], "b_sent": env["version"],
                                                             "b_new": res.version})
                    st = s.get(SyncRecordState, env["id"])
                    if st is None:
                        s.add(SyncRecordState(record_id=env["id"], record_type=env["type"],
                                              server_version=res.version))
                    else:
                        st.server_version = res.version
                    report.pushed += 1
                elif res.status in ("rejected", "conflict"):
                    report.rejected.append(f"{env['type']}: {res.message}")
                    done.setdefault(env["type"], []).append({"b_id": env["id"], "b_sent": env["version"],
                                                             "b_new": env["version"]})
                # replay_mismatch: stays pending, sent again next time
            s.flush()
            for rtype, rows in done.items():
                table: Any = RECORD_TYPES[rtype].__table__  # type: ignore[attr-defined]
                s.connection().execute(
                    table.update().where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_sent"))
                    .values(version=bindparam("b_new"), sync_dirty=False), rows)


def _detail(r: httpx.Response) -> str:
    try:
        detail = r.json().get("detail")
    except ValueError:
        return r.text[:200] or r.reason_phrase
    return str(detail)[:300]
