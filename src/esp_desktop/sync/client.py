"""The sync engine: one device's store <-> esp-central. No Qt; progress goes to a plain callback.

One sync = push pending local changes, then pull what changed on the server since the saved cursor.

Why it survives being cut at any moment:
- A change's ``client_change_id`` is derived from (device, record, base version, local version), so a push
  retried after a crash carries the same ids and the server answers "already done" (replayed) instead of
  applying it twice. Local bookkeeping for a batch commits in one transaction after the server answered.
- Pulled records and the cursor that covers them commit in one local transaction per chunk, so a killed
  pull resumes from the last committed chunk; re-applying a record already applied is a no-op.

Conflicts: when the server reports that a record changed elsewhere meanwhile, this device adopts the
server's version and keeps its own as a ``SyncConflict`` (the server keeps it too, and the CT's other
devices receive it); the CT resolves it with ``resolve()``. Nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import EspError
from ..store.models import RECORD_TYPES, Meta, Record, SyncConflict, SyncRecordState
from ..store.records import apply_record_dict, record_to_dict
from . import crypto
from . import protocol as P

log = logging.getLogger(__name__)

META_KEY = "sync"
CHANGE_NS = uuid.UUID("6f1d7a52-3c1e-4f0e-9a55-2b8f6f0c5e11")
MASS_DELETE_FRACTION = 0.5
MASS_DELETE_MIN_RECORDS = 10
ATTACHMENT_CHUNK = 1024 * 1024
_ENVELOPE_KEYS = ("type", "id")


class SyncError(EspError):
    """Sync could not complete (network, server refused); safe to retry."""


class NotEnrolled(SyncError):
    def __init__(self) -> None:
        super().__init__("This device is not enrolled with a sync server yet: use --enrol CODE once.")


class DeviceRefused(SyncError):
    """The server refused this device's token (revoked or unknown)."""


class UntrustedServer(SyncError):
    """TLS verification failed: not retried (it will not fix itself)."""


class MassDeletion(SyncError):
    """More than half of the records would be deleted; nothing was deleted. Confirm to go ahead."""

    def __init__(self, *, direction: str, deleting: int, total: int) -> None:
        self.direction, self.deleting, self.total = direction, deleting, total
        where = "on the server" if direction == "push" else "on this computer"
        super().__init__(
            f"This sync would delete {deleting} of your {total} records {where}. Nothing was deleted. "
            "If that is really intended, sync again and allow mass deletion (--allow-mass-delete)."
        )


@dataclass
class Progress:
    phase: str  # "push" | "pull" | "done"
    done: int
    total: int | None


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: list[str] = field(default_factory=list)
    replayed: int = 0
    last_sync: dt.datetime | None = None


ProgressCallback = Callable[[Progress], None]


def _stall(point: str) -> None:
    """Test hook: the kill tests stop the process at a named point (never set in normal use)."""
    import os

    if os.environ.get("ESP_SYNC_STALL_AT") == point:
        Path(os.environ["ESP_SYNC_STALL_FILE"]).write_text(point)
        while True:
            time.sleep(60)


class SyncClient:
    """Sync for one unlocked store. ``passphrase`` is needed to wrap/unwrap the sync key on first use."""

    def __init__(
        self,
        store: Any,
        *,
        server_url: str,
        passphrase: str | None = None,
        ca_cert: str | Path | None = None,
        batch_size: int = P.MAX_BATCH,
        progress: ProgressCallback | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.store = store
        self.server_url = server_url.rstrip("/")
        self.passphrase = passphrase
        self.batch_size = min(batch_size, P.MAX_BATCH)
        self.progress = progress or (lambda _p: None)
        verify: ssl.SSLContext | bool = True
        if ca_cert:
            # Pin: trust exactly this certificate (a self-signed esp-central), not the system CAs.
            verify = ssl.create_default_context(cafile=str(ca_cert))
        self.http = httpx.Client(
            base_url=self.server_url, verify=verify, timeout=timeout, transport=transport
        )
        self._sync_key: bytes | None = None

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ local state (in the encrypted store)
    def state(self) -> dict[str, Any]:
        with self.store.session() as s:
            row = s.get(Meta, META_KEY)
            return dict(row.value) if row else {}

    def _save_state(self, s: Session, **changes: Any) -> None:
        row = s.get(Meta, META_KEY)
        value = dict(row.value) if row else {}
        value.update(changes)
        if row is None:
            s.add(Meta(key=META_KEY, value=value))
        else:
            row.value = value  # a new dict, so SQLAlchemy sees the change

    def last_sync(self) -> dt.datetime | None:
        stamp = self.state().get("last_sync")
        return dt.datetime.fromisoformat(stamp) if stamp else None

    # ------------------------------------------------------------------ HTTP
    def _headers(self) -> dict[str, str]:
        token = self.state().get("token")
        if not token:
            raise NotEnrolled()
        return {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, *, auth: bool = True, **kw: Any) -> httpx.Response:
        headers = self._headers() if auth else {}
        try:
            r = self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise UntrustedServer(
                    f"The certificate of {self.server_url} is not trusted. If it is your district's "
                    "self-signed server, pass its certificate with --ca-cert FILE."
                ) from exc
            raise SyncError(
                f"Cannot reach the sync server at {self.server_url} ({type(exc).__name__})."
            ) from exc
        if r.status_code == 401:
            raise DeviceRefused(f"The sync server refused this device: {_detail(r)}")
        if r.status_code >= 400 and r.status_code != 404:
            raise SyncError(f"The sync server answered {r.status_code}: {_detail(r)}")
        return r

    # ------------------------------------------------------------------ enrolment and sync key
    def enrol(self, code: str, *, device_name: str) -> P.EnrolResponse:
        r = self._call(
            "POST", "/v1/enrol", auth=False, json={"code": code.strip(), "device_name": device_name[:120]}
        )
        if r.status_code != 200:
            raise SyncError(f"Enrolment failed: {_detail(r)}")
        resp = P.EnrolResponse.model_validate_json(r.content)
        with self.store.session() as s:
            # A new enrolment starts from cursor 0: the server may be a different one.
            self._save_state(
                s,
                server=self.server_url,
                token=resp.token,
                device_id=str(resp.device_id),
                user=resp.user_name,
                role=resp.role,
                cursor=0,
            )
        return resp

    def sync_key(self) -> bytes:
        """The CT's sync key: from the store, else from the server (unwrapped), else a new one."""
        if self._sync_key:
            return self._sync_key
        st = self.state()
        if st.get("sync_key"):
            self._sync_key = bytes.fromhex(st["sync_key"])
            return self._sync_key
        if not self.passphrase:
            raise SyncError("The passphrase is needed once to set up end-to-end encryption of private notes.")
        r = self._call("GET", "/v1/sync/key")
        if r.status_code == 404:
            key, key_id = crypto.new_sync_key(), str(uuid.uuid4())
            blob = crypto.wrap_sync_key(key, self.passphrase, key_id=key_id)
            put = self._call("PUT", "/v1/sync/key", json={"key_id": key_id, "blob": blob})
            if put.status_code != 200:  # pragma: no cover - 409 raised by _call
                raise SyncError(_detail(put))
        else:
            wk = P.WrappedKey.model_validate_json(r.content)
            key_id = str(wk.key_id)
            key = crypto.unwrap_sync_key(wk.blob, self.passphrase, key_id=key_id)
        with self.store.session() as s:
            # Kept inside the encrypted store so later syncs need no passphrase (background sync).
            self._save_state(s, sync_key=key.hex(), key_id=key_id)
        self._sync_key = key
        return key

    # ------------------------------------------------------------------ one sync
    def sync(self, *, allow_mass_delete: bool = False) -> SyncReport:
        if not self.state().get("token"):
            raise NotEnrolled()
        report = SyncReport()
        self.sync_key()
        self._push(report, allow_mass_delete=allow_mass_delete)
        self._pull(report, allow_mass_delete=allow_mass_delete)
        now = clock.now()
        with self.store.session() as s:
            self._save_state(s, last_sync=now.isoformat())
        report.last_sync = now
        self.progress(Progress("done", report.pushed + report.pulled, None))
        return report

    def sync_with_retry(
        self,
        *,
        attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        allow_mass_delete: bool = False,
        sleep: Callable[[float], object] = time.sleep,
    ) -> SyncReport:
        """Retry transient failures with exponential back-off and jitter; refusals are not retried."""
        for attempt in range(1, attempts + 1):
            try:
                return self.sync(allow_mass_delete=allow_mass_delete)
            except (DeviceRefused, NotEnrolled, MassDeletion, UntrustedServer, crypto.SyncKeyError):
                raise
            except SyncError as exc:
                if attempt == attempts:
                    raise
                delay = min(max_delay, base_delay * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                log.info("sync attempt %d failed (%s); retrying in %.1fs", attempt, exc, delay)
                sleep(delay)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ push
    def _dirty(self, s: Session) -> Iterator[Record]:
        for model in RECORD_TYPES.values():
            yield from s.scalars(select(model).where(model.sync_dirty.is_(True)))

    def _envelope(self, obj: Record, key: bytes) -> dict[str, Any]:
        data = record_to_dict(obj)
        env: dict[str, Any] = {
            "type": obj.__record_type__,
            "id": obj.id,
            "version": obj.version,
            "deleted": bool(obj.deleted),
            "audience": obj.audience,
            "educator_id": getattr(obj, "educator_id", None),
            "updated_at": data["updated_at"],
        }
        if obj.__record_type__ == "attachment" and not obj.deleted:
            env["attachment_sha256"] = self._upload_attachment(obj.id)
        if obj.audience == "ct_private":
            env["ciphertext"] = crypto.seal(data, key, record_type=obj.__record_type__, record_id=obj.id)
        else:
            env["payload"] = data
        return env

    def _push(self, report: SyncReport, *, allow_mass_delete: bool) -> None:
        key = self.sync_key()
        state = self.state()
        device_id = state["device_id"]
        resolves: dict[str, list[str]] = state.get("resolves", {})
        with self.store.session() as s:
            bases = dict(s.execute(select(SyncRecordState.record_id, SyncRecordState.server_version)).all())
            changes = []
            deleting = 0
            for obj in self._dirty(s):
                base = bases.get(obj.id, 0)
                if obj.deleted and base:
                    deleting += 1
                ccid = uuid.uuid5(CHANGE_NS, f"{device_id}:{obj.id}:{base}:{obj.version}")
                change = {
                    "client_change_id": str(ccid),
                    "base_version": base,
                    "record": self._envelope(obj, key),
                }
                if resolves.get(obj.id):
                    change["resolves"] = resolves[obj.id]
                changes.append(change)
            known_live = len(bases)
        if (
            not allow_mass_delete
            and known_live >= MASS_DELETE_MIN_RECORDS
            and (deleting > MASS_DELETE_FRACTION * known_live)
        ):
            raise MassDeletion(direction="push", deleting=deleting, total=known_live)
        total = len(changes)
        for start in range(0, total, self.batch_size):
            batch = changes[start : start + self.batch_size]
            r = self._call("POST", "/v1/sync/push", json={"changes": batch})
            resp = P.PushResponse.model_validate_json(r.content)
            _stall("push_answered")
            self._record_push(batch, resp, report)
            report.pushed += len(batch)
            self.progress(Progress("push", min(start + len(batch), total), total))

    def _record_push(self, batch: list[dict[str, Any]], resp: P.PushResponse, report: SyncReport) -> None:
        sent = {c["client_change_id"]: c for c in batch}
        synced: dict[str, list[dict[str, Any]]] = {}  # record type -> rows for one executemany
        with self.store.session(applying_remote=True) as s, s.no_autoflush:
            cache = _Preloaded(s, [c["record"] for c in batch], load_records=False)
            for res in resp.results:
                change = sent[str(res.client_change_id)]
                env = change["record"]
                report.replayed += res.replayed
                if res.status == "accepted":
                    assert res.version is not None
                    cache.set_version(env, res.version)
                    synced.setdefault(env["type"], []).append(
                        {"b_id": env["id"], "b_sent": env["version"], "b_new": res.version}
                    )
                    if change.get("resolves"):
                        pending = dict(self._state_in(s).get("resolves", {}))
                        pending.pop(env["id"], None)
                        self._save_state(s, resolves=pending)
                elif res.status == "conflict":
                    assert res.server_record is not None and res.conflict_id is not None
                    report.conflicts += 1
                    self._keep_conflict(
                        s,
                        conflict_id=str(res.conflict_id),
                        env=env,
                        data=self._open(env),
                        base_version=change["base_version"],
                        server_version=res.version or 0,
                        resolved=False,
                    )
                    obj = s.get(RECORD_TYPES[env["type"]], env["id"])
                    if obj is not None:
                        cache.objs[env["id"]] = obj
                    self._apply_server(s, cache, res.server_record.model_dump(mode="json"), force=True)
                else:
                    report.rejected.append(f"{env['type']} {env['id']}: {res.message}")
                    # retrying cannot succeed; reported to the CT
                    synced.setdefault(env["type"], []).append(
                        {"b_id": env["id"], "b_sent": env["version"], "b_new": env["version"]}
                    )
            s.flush()
            for rtype, rows in synced.items():
                table = RECORD_TYPES[rtype].__table__  # type: ignore[attr-defined]
                # Core, not ORM: only bookkeeping columns change, so no audit entry and no re-indexing.
                # The version guard leaves a record dirty if it was edited while we talked to the server;
                # the server's version number becomes the local one, so every device shows the same.
                s.connection().execute(
                    table.update()
                    .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_sent"))
                    .values(version=bindparam("b_new"), sync_dirty=False),
                    rows,
                )

    # ------------------------------------------------------------------ pull
    def _pull(self, report: SyncReport, *, allow_mass_delete: bool) -> None:
        cursor = int(self.state().get("cursor", 0))
        pages: list[tuple[list[dict[str, Any]], int]] = []
        fetched = 0
        # Fetch first, apply after the deletion guard: a mass deletion must stop before anything is deleted.
        while True:
            r = self._call("POST", "/v1/sync/pull", json={"cursor": cursor, "limit": self.batch_size})
            body = r.json()
            pages.append((body["records"], body["next_cursor"]))
            fetched += len(body["records"])
            self.progress(Progress("pull", fetched, None))
            cursor = body["next_cursor"]
            if not body["more"]:
                break
        if not allow_mass_delete:
            self._guard_pull_deletions(pages)
        applied = 0
        downloads: dict[str, str] = dict(self.state().get("downloads", {}))
        for records, next_cursor in pages:
            with self.store.session(applying_remote=True) as s, s.no_autoflush:
                cache = _Preloaded(s, [item["record"] for item in records if not item.get("conflict")])
                for item in records:
                    if item.get("conflict"):
                        c = item["conflict"]
                        self._keep_conflict(
                            s,
                            conflict_id=c["conflict_id"],
                            env=item["record"],
                            data=self._open(item["record"]),
                            base_version=c["base_version"],
                            server_version=c["server_version"],
                            resolved=c["resolved"],
                        )
                    else:
                        self._apply_server(s, cache, item["record"])
                        if item["record"].get("attachment_sha256") and not item["record"]["deleted"]:
                            downloads[item["record"]["id"]] = item["record"]["attachment_sha256"]
                # The files to fetch are remembered with the cursor, so a cut sync still fetches them.
                self._save_state(s, cursor=next_cursor, downloads=dict(downloads))
            applied += len(records)
            report.pulled += len(records)
            self.progress(Progress("pull", applied, fetched))
            _stall("pull_chunk_applied")
        self._fetch_attachments()

    # ------------------------------------------------------------------ attachments
    def _upload_attachment(self, attachment_id: str) -> str:
        """Upload the already-encrypted file (resuming a cut upload); returns its content address."""
        blob = self.store.attachments.path_for(attachment_id).read_bytes()
        sha = hashlib.sha256(blob).hexdigest()
        status = self._call("POST", f"/v1/attachments/{sha}", json={"size": len(blob)}).json()
        offset = int(status["received"])
        while not status["complete"]:
            chunk = blob[offset : offset + ATTACHMENT_CHUNK]
            r = self._call("PATCH", f"/v1/attachments/{sha}", params={"offset": offset}, content=chunk)
            status = r.json()
            offset = int(status["received"])
        return sha

    def _fetch_attachments(self) -> None:
        pending: dict[str, str] = dict(self.state().get("downloads", {}))
        for attachment_id, sha in list(pending.items()):
            target = self.store.attachments.path_for(attachment_id)
            if not (target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha):
                r = self._call("GET", f"/v1/attachments/{sha}")
                if r.status_code == 404:
                    log.warning("attachment %s is not on the server (yet)", attachment_id)
                    continue
                if hashlib.sha256(r.content).hexdigest() != sha:
                    raise SyncError("A downloaded attachment does not match its checksum; will retry.")
                self.store.attachments.import_sealed(attachment_id, r.content)
            pending.pop(attachment_id)
            with self.store.session() as s:
                self._save_state(s, downloads=pending)

    def _guard_pull_deletions(self, pages: list[tuple[list[dict[str, Any]], int]]) -> None:
        tombstones = {
            item["record"]["id"]
            for records, _ in pages
            for item in records
            if not item.get("conflict") and item["record"]["deleted"]
        }
        if not tombstones:
            return
        with self.store.session() as s:
            live = 0
            deleting = 0
            for model in RECORD_TYPES.values():
                live += s.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False))) or 0
                ids = list(tombstones)
                for i in range(0, len(ids), 500):
                    deleting += (
                        s.scalar(
                            select(func.count())
                            .select_from(model)
                            .where(model.id.in_(ids[i : i + 500]), model.deleted.is_(False))
                        )
                        or 0
                    )
        if live >= MASS_DELETE_MIN_RECORDS and deleting > MASS_DELETE_FRACTION * live:
            raise MassDeletion(direction="pull", deleting=deleting, total=live)

    # ------------------------------------------------------------------ applying server records
    def _open(self, env: dict[str, Any]) -> dict[str, Any]:
        if env.get("ciphertext"):
            return crypto.open_sealed(
                env["ciphertext"], self.sync_key(), record_type=env["type"], record_id=env["id"]
            )
        return dict(env.get("payload") or {})

    def _apply_server(
        self, s: Session, cache: _Preloaded, env: dict[str, Any], *, force: bool = False
    ) -> None:
        model = RECORD_TYPES.get(env["type"])
        if model is None:
            log.warning("skipping a %s record: this esp-desktop does not know that type", env["type"])
            return
        state = cache.states.get(env["id"])
        if state is not None and state.server_version >= env["version"] and not force:
            return  # our own change coming back, or already applied before a crash
        obj = cache.objs.get(env["id"])
        if obj is not None and obj.sync_dirty and not force:
            # Edited here since the last sync: leave it; its next push will meet this version as a conflict.
            return
        data = self._open(env)
        if data:
            data["version"] = env["version"]
            data["deleted"] = env["deleted"]
            data["audience"] = env["audience"]
            apply_record_dict(cache.view(), data, keep_newer_local=False)  # type: ignore[arg-type]
        elif obj is not None:  # a bare tombstone
            obj.deleted = True
            obj.version = env["version"]
            obj.sync_dirty = False
        cache.set_version(env, env["version"])

    def _keep_conflict(
        self,
        s: Session,
        *,
        conflict_id: str,
        env: dict[str, Any],
        data: dict[str, Any],
        base_version: int,
        server_version: int,
        resolved: bool,
    ) -> None:
        row = s.get(SyncConflict, conflict_id)
        if row is None:
            s.add(
                SyncConflict(
                    conflict_id=conflict_id,
                    record_id=env["id"],
                    record_type=env["type"],
                    base_version=base_version,
                    server_version=server_version,
                    data=data,
                    resolved=resolved,
                )
            )
        elif resolved:
            row.resolved = True

    # ------------------------------------------------------------------ conflicts, for the CT
    def conflicts(self, *, include_resolved: bool = False) -> list[SyncConflict]:
        with self.store.session() as s:
            q = select(SyncConflict).order_by(SyncConflict.received_at)
            if not include_resolved:
                q = q.where(SyncConflict.resolved.is_(False))
            return list(s.scalars(q))

    def resolve(self, conflict_id: str, *, keep: str) -> None:
        """Settle a conflict: ``keep="mine"`` makes the conflict copy the current version (a new local
        edit), ``keep="theirs"`` keeps the current version. The next push tells the server, and through it
        the CT's other devices, that the conflict is settled."""
        if keep not in ("mine", "theirs"):
            raise ValueError("keep must be 'mine' or 'theirs'")
        with self.store.session() as s:
            row = s.get(SyncConflict, conflict_id)
            if row is None or row.resolved:
                raise EspError("That conflict is already resolved.")
            model = RECORD_TYPES[row.record_type]
            obj = s.get(model, row.record_id)
            if keep == "mine" or obj is None:
                current = record_to_dict(obj) if obj is not None else {}
                merged = {
                    **current,
                    **row.data,
                    "type": row.record_type,
                    "id": row.record_id,
                    "version": (obj.version if obj is not None else row.server_version),
                }
                apply_record_dict(s, merged, keep_newer_local=False)
                obj = s.get(model, row.record_id)
                assert obj is not None
            obj.sync_dirty = True
            pending = dict(self._state_in(s).get("resolves", {}))
            pending[row.record_id] = sorted({*pending.get(row.record_id, []), conflict_id})
            self._save_state(s, resolves=pending)
            row.resolved = True

    def _state_in(self, s: Session) -> dict[str, Any]:
        row = s.get(Meta, META_KEY)
        return dict(row.value) if row else {}


class _Preloaded:
    """The local records and sync states of one batch, loaded with one query per type (not one per record;
    also keeps autoflush out of the loop)."""

    def __init__(self, s: Session, envs: list[dict[str, Any]], *, load_records: bool = True) -> None:
        self.s = s
        by_type: dict[str, list[str]] = {}
        for env in envs:
            by_type.setdefault(env["type"], []).append(env["id"])
        self.objs: dict[str, Any] = {}
        for rtype, ids in by_type.items():
            model = RECORD_TYPES.get(rtype)
            if model is not None and load_records:
                self.objs.update((o.id, o) for o in s.scalars(select(model).where(model.id.in_(ids))))
        all_ids = [i for ids in by_type.values() for i in ids]
        self.states: dict[str, SyncRecordState] = {
            st.record_id: st
            for st in s.scalars(select(SyncRecordState).where(SyncRecordState.record_id.in_(all_ids)))
        }

    def view(self) -> _CachedSession:
        return _CachedSession(self)

    def set_version(self, env: dict[str, Any], version: int) -> None:
        state = self.states.get(env["id"])
        if state is None:
            state = SyncRecordState(record_id=env["id"], record_type=env["type"], server_version=version)
            self.s.add(state)
            self.states[env["id"]] = state
        else:
            state.server_version = version


class _CachedSession:
    """What `apply_record_dict` needs of a session (get, add), answered from the preloaded batch: a record
    that is not in it does not exist locally, so no query per record."""

    def __init__(self, cache: _Preloaded) -> None:
        self.cache = cache

    def get(self, _model: type, record_id: str) -> Any:
        return self.cache.objs.get(record_id)

    def add(self, obj: Any) -> None:
        self.cache.s.add(obj)
        self.cache.objs[obj.id] = obj


def _detail(r: httpx.Response) -> str:
    try:
        detail = r.json().get("detail")
    except ValueError:
        return r.text[:200] or r.reason_phrase
    if isinstance(detail, list):
        return "; ".join(f"{'.'.join(map(str, p.get('loc', [])))}: {p.get('msg')}" for p in detail)[:500]
    return str(detail)


class BackgroundSync:
    """Runs `sync_with_retry` on a timer in a worker thread; the UI subscribes through `on_progress` and
    `on_done` (called on the worker thread: the Qt adapter re-emits them as signals)."""

    def __init__(
        self,
        make_client: Callable[[], SyncClient],
        *,
        interval: float = 300.0,
        on_done: Callable[[SyncReport | None, Exception | None], None] | None = None,
    ) -> None:
        self.make_client = make_client
        self.interval = interval
        self.on_done = on_done or (lambda _r, _e: None)
        self._stop = threading.Event()
        self._now = threading.Event()
        self._thread = threading.Thread(target=self._run, name="esp-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sync_now(self) -> None:
        self._now.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._now.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            client = self.make_client()
            try:
                self.on_done(client.sync_with_retry(sleep=self._stop.wait), None)
            except Exception as exc:  # noqa: BLE001 - reported to the UI, the loop keeps running
                self.on_done(None, exc)
            finally:
                client.close()
            self._now.wait(self.interval)
            self._now.clear()
