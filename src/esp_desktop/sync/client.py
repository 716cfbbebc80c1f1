"""The sync engine: one device's store <-> esp-central. No Qt; progress goes to a plain callback.

One sync = pull what changed on the server since the saved cursor (page by page), then push the local changes,
then fetch the attachment files the pulled records need. The parts: ``transport`` (HTTP, every answer
validated), ``state`` (the typed sync state), ``apply`` (pulled pages in bulk), ``changes`` (pending changes
out, answers in), ``attachments``; the CT's conflicts are handled locally by ``services.conflicts``.

Why it survives being cut at any moment:
- Each pulled page, the cursor that covers it and the downloads it implies commit in one local transaction,
  so a killed or failed pull resumes after the last committed page (progress on a flaky link); re-applying a
  record already applied is a no-op. Deletions of live records wait for the end of the pull (mass-deletion
  guard), the rest of every page is applied at once.
- A change's id is derived from (device, record, base version, local version, content), so a push retried
  after a crash carries the same ids and the server answers "already done" instead of applying it twice.
  Local bookkeeping for a batch commits in one transaction after the server answered.
- The server announces an epoch and its highest sequence number: a server restored from a backup (or that
  lost commits) is noticed, and this device re-pulls from zero and pushes again what the server lacks. A
  store restored from a backup gets a new store epoch and does the same.
- One sync at a time per store: an inter-process lock file in the data folder.

Conflicts: when the server reports that a record changed elsewhere meanwhile, this device adopts the server's
version and keeps its own as a ``SyncConflict`` (the server keeps it too, and the CT's other devices receive
it) - unless the record was edited here again while the push was on the wire: then that edit stays, pending,
and meets the server's version at the next push. Nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
import httpx
from sqlalchemy import select, update

from ..core import aggregates, clock, gcpause
from ..store.identity import store_epoch
from ..store.models import RECORD_TYPES, SyncConflict, SyncHeldDeletion, SyncRecordState
from ..store.vault import Store
from . import attachments, crypto
from . import protocol as P
from .apply import Applier, chunks, count_live, table_of, upsert_states
from .changes import (
    Outgoing,
    batches,
    build_outgoing,
    clear_resolutions,
    local_versions,
    mark_synced,
    push_body,
    server_live_count,
)
from .errors import (
    BadServerResponse,
    DeviceRefused,
    InsecureServer,
    MassDeletion,
    NotEnrolled,
    SyncBusy,
    SyncError,
    UntrustedServer,
)
from .state import SyncState, load_state, read_state, save_state
from .transport import Transport

log = logging.getLogger(__name__)

MASS_DELETE_FRACTION = 0.5
MASS_DELETE_MIN_RECORDS = 10
LOCK_NAME = "sync.lock"

__all__ = [
    "BadServerResponse", "DeviceRefused", "InsecureServer", "MassDeletion", "NotEnrolled", "Progress", "SyncBusy",
    "SyncClient", "SyncError", "SyncReport", "UntrustedServer", "read_state", "rewrap_sync_key",
]


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
    if os.environ.get("ESP_SYNC_STALL_AT") == point:
        Path(os.environ["ESP_SYNC_STALL_FILE"]).write_text(point)
        while True:
            time.sleep(60)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No automatic cyclic collections while a sync runs; the objects it made are examined once at its end.

    A sync allocates a great many containers (rows, dicts, pages, models) that mostly die by reference
    counting; the allocation-driven collections in between cost about a fifth of a sync's CPU, mostly by
    re-examining what the sync holds on to (its pending changes) over and over. With collections off
    (core/gcpause.py, the pause shared with the preload), what a page makes stays in the youngest generation:
    ``_page_done`` collects that generation after each page (so garbage stays bounded by a page, however long the
    sync), and the end runs one full collection - inside the sync, so its cost is counted with it. A young-only
    pass there left the oldest generation's collection due, and it fell on whatever ran next (in bench/sync.py the
    raw-transfer baseline: 0.08 -> 0.31 s); in the app gc.freeze (ui/gcpolicy.py) keeps that pass to what was made
    since the unlock."""
    try:
        with gcpause.paused():
            yield
    finally:
        gc.collect()


def _page_done() -> None:
    """After each page pulled or pushed: free the cycles it left (what it made and still holds moves on to the
    next generation, and is not examined again by the next page's collection)."""
    gc.collect(0)


class SyncClient:
    """Sync for one unlocked store. ``passphrase`` is needed to wrap/unwrap the sync key on first use."""

    def __init__(
        self,
        store: Store,
        *,
        server_url: str,
        passphrase: str | None = None,
        ca_cert: str | Path | None = None,
        batch_size: int = P.MAX_BATCH,
        progress: ProgressCallback | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        self.store = store
        self.passphrase = passphrase
        self.batch_size = max(1, min(batch_size, P.MAX_BATCH))
        self.progress = progress or (lambda _p: None)
        self.transport = Transport(server_url, ca_cert=ca_cert, timeout=timeout, transport=transport,
                                   allow_insecure_http=allow_insecure_http)
        self.server_url = self.transport.server_url
        self._sync_key: bytes | None = None

    @property
    def http(self) -> httpx.Client:
        return self.transport.http

    def close(self) -> None:
        self.transport.close()

    # ------------------------------------------------------------------ local state (in the encrypted store)
    def state(self) -> SyncState:
        return read_state(self.store)

    def _update_state(self, **changes: Any) -> SyncState:
        with self.store.engine.begin() as conn:
            st = load_state(conn).model_copy(update=changes)
            save_state(conn, st)
            return st

    def last_sync(self) -> dt.datetime | None:
        return self.state().last_sync

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        lock = filelock.FileLock(str(Path(self.store.data_dir) / LOCK_NAME), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise SyncBusy() from None
        try:
            yield
        finally:
            lock.release()

    # ------------------------------------------------------------------ enrolment and sync key
    def enrol(self, code: str, *, device_name: str) -> P.EnrolResponse:
        with self._exclusive():
            resp = self.transport.enrol(code, device_name=device_name)
            with self.store.engine.begin() as conn:
                old = load_state(conn)
                # A new enrolment may be another server: start from cursor 0 and check every record against it
                # (re-pull from zero; what it lacks is pushed). The sync key is fetched from it again.
                st = SyncState(
                    server=self.server_url, token=resp.token, device_id=str(resp.device_id),
                    user=resp.user_name, role=resp.role, last_sync=old.last_sync, store_epoch=store_epoch(conn),
                )
                save_state(conn, st)
                self._begin_repull(conn, st)
            self._sync_key = None
            return resp

    def sync_key(self) -> bytes:
        """The CT's sync key: from the store, else from the server (unwrapped), else a new one."""
        if self._sync_key:
            return self._sync_key
        st = self.state()
        if st.sync_key:
            self._sync_key = bytes.fromhex(st.sync_key)
            return self._sync_key
        if not self.passphrase:
            raise SyncError("The passphrase is needed once to set up end-to-end encryption of private notes.")
        self.transport.token = st.token
        wk = self.transport.get_key()
        if wk is None:
            key, key_id = crypto.new_sync_key(), str(uuid.uuid4())
            blob = crypto.wrap_sync_key(key, self.passphrase, key_id=key_id)
            self.transport.put_key(P.WrappedKey(key_id=uuid.UUID(key_id), blob=blob))
        else:
            key_id = str(wk.key_id)
            key = crypto.unwrap_sync_key(wk.blob, self.passphrase, key_id=key_id)
            if crypto.wrap_kdf(wk.blob) != crypto.SERVER_WRAP_KDF:
                # Wrapped before the server copy got its costlier derivation: wrap it again, now.
                blob = crypto.wrap_sync_key(key, self.passphrase, key_id=key_id)
                self.transport.put_key(P.WrappedKey(key_id=wk.key_id, blob=blob))
        # Kept inside the encrypted store so later syncs need no passphrase (the timer's syncs).
        self._update_state(sync_key=key.hex(), key_id=key_id)
        self._sync_key = key
        return key

    def _upload_rewrapped_key(self, st: SyncState) -> None:
        if st.key_blob_pending and st.key_id:
            self.transport.put_key(P.WrappedKey(key_id=uuid.UUID(st.key_id), blob=st.key_blob_pending))
            self._update_state(key_blob_pending=None)

    # ------------------------------------------------------------------ one sync
    def sync(self, *, allow_mass_delete: bool = False) -> SyncReport:
        with self._exclusive(), _gc_paused():
            st = self.state()
            if not st.token:
                raise NotEnrolled()
            self.transport.token = st.token
            report = SyncReport()
            self.sync_key()
            self._upload_rewrapped_key(st)
            self._check_restored()
            self._pull(report)
            self._push(report, allow_mass_delete=allow_mass_delete)
            pending_delete = self._settle_held(allow_mass_delete=allow_mass_delete)
            self._fetch_attachments()
            now = clock.now()
            self._update_state(last_sync=now)
            report.last_sync = now
            self.progress(Progress("done", report.pushed + report.pulled, None))
            if pending_delete is not None:
                raise pending_delete
            return report

    # ------------------------------------------------------------------ Learning Match (issue 18; sync/learning.py)
    def _learning_call(self, method: str, path: str, body: Any = None) -> httpx.Response | None:
        """A call of a CT's device only (None for any other role, or from a server without the endpoint)."""
        st = self.state()
        if st.role not in (None, "ct"):
            return None
        self.transport.token = st.token
        r = self.transport._call(method, path, json=body) if body is not None else self.transport._call(method, path)
        return None if r.status_code == 404 else r

    def send_needs(self, submission: aggregates.Submission) -> int | None:
        """Send the de-identified needs counts (core/aggregates.py: counts per school, never anything per
        educator, never a PA educator). Returns the number of schools, or None."""
        r = self._learning_call("PUT", "/v1/needs", submission.as_json())
        return None if r is None else int(r.json().get("schools", 0))

    def share_entry(self, entry_id: str, fields: dict[str, Any], *, withdrawn: bool = False) -> bool:
        """Offer one of this CT's catalog entries to the other CTs (or withdraw it). False: not shared."""
        body = P.SharedEntry(id=uuid.UUID(entry_id), fields=fields, withdrawn=withdrawn)
        return self._learning_call("PUT", f"/v1/catalog/{entry_id}",
                                   body.model_dump(mode="json", exclude_none=True)) is not None

    def shared_catalog(self) -> list[P.SharedEntry] | None:
        """Every catalog entry the CTs share (None: not available)."""
        r = self._learning_call("GET", "/v1/catalog")
        return None if r is None else P.SharedCatalog.model_validate_json(r.content).entries

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
            except (DeviceRefused, NotEnrolled, MassDeletion, UntrustedServer, InsecureServer, BadServerResponse,
                    SyncBusy, crypto.SyncKeyError):
                raise
            except SyncError as exc:
                if attempt == attempts:
                    raise
                delay = min(max_delay, base_delay * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                log.info("sync attempt %d failed (%s); retrying in %.1fs", attempt, exc, delay)
                sleep(delay)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ decrypting
    def _open(self, env: P.RecordEnvelope, version: int) -> dict[str, Any]:
        if env.ciphertext:
            return crypto.open_sealed(env.ciphertext, self.sync_key(), record_type=env.type, record_id=str(env.id),
                                      version=version)
        return dict(env.payload or {})

    # ------------------------------------------------------------------ pull
    def _check_restored(self) -> None:
        """A store restored from a backup has a new store epoch: check every record against the server again."""
        with self.store.engine.begin() as conn:
            st = load_state(conn)
            epoch = store_epoch(conn)
            if st.store_epoch == epoch:
                return
            restored = st.store_epoch is not None  # None: first sync since store epochs exist
            st = st.model_copy(update={"store_epoch": epoch})
            save_state(conn, st)
            if restored:
                log.info("this store was restored from a backup: re-pulling from zero")
                self._begin_repull(conn, st)

    @staticmethod
    def _begin_repull(conn: Any, st: SyncState) -> None:
        """Re-pull from zero, marking every known record unseen; what stays unseen is what the server lacks."""
        save_state(conn, st.model_copy(update={"cursor": 0, "repull": True}))
        state_t: Any = SyncRecordState.__table__
        conn.execute(update(state_t).values(seen=False))

    @staticmethod
    def _lost_commits(st: SyncState, page: P.PullResponse) -> bool:
        """The server went back in time since this device's last page: restored from a backup (a new epoch), or
        it hands out a head below what this device already pulled."""
        if st.server_epoch is not None and str(page.server_epoch) != st.server_epoch:
            return True
        return page.head_seq < st.cursor

    def _pull(self, report: SyncReport) -> None:
        """Pull and apply page by page, each page committed with the cursor that covers it."""
        st = self.state()
        cursor, checked = st.cursor, False
        while True:
            page = self.transport.pull(cursor, self.batch_size)
            if not checked:
                checked = True
                if self._lost_commits(st, page) or (st.scope is not None and page.scope != st.scope):
                    log.warning("the sync server lost commits or changed what this user may read: re-pulling")
                    with self.store.engine.begin() as conn:
                        st = st.model_copy(update={"server_epoch": str(page.server_epoch), "scope": page.scope})
                        self._begin_repull(conn, st)
                        st = load_state(conn)
                    cursor = 0
                    continue
            with self.store.engine.begin() as conn:
                applier = Applier(conn, self._open)
                plain = [item.record for item in page.records if item.conflict is None]
                out = applier.apply(plain, repull=st.repull)
                applier.keep_conflicts([(i.record, i.conflict) for i in page.records if i.conflict is not None])
                # The files to fetch are remembered with the cursor, so a cut sync still fetches them.
                st = load_state(conn).model_copy(update={
                    "cursor": page.next_cursor,
                    "downloads": {**st.downloads, **out.downloads},
                    "server_epoch": str(page.server_epoch),
                    "scope": page.scope,
                })
                save_state(conn, st)
            report.pulled += len(page.records)
            _page_done()
            self.progress(Progress("pull", report.pulled, None))
            _stall("pull_chunk_applied")
            cursor = page.next_cursor
            if not page.more:
                break
        if st.repull:
            self._finish_repull()

    def _finish_repull(self) -> None:
        """After a complete re-pull from zero: every record the server did not send is pushed again."""
        state_t: Any = SyncRecordState.__table__
        with self.store.engine.begin() as conn:
            unseen = list(conn.execute(select(state_t.c.record_id, state_t.c.record_type)
                                       .where(state_t.c.seen.is_(False))))
            by_type: dict[str, list[str]] = {}
            for rid, rtype in unseen:
                if rtype in RECORD_TYPES:
                    by_type.setdefault(rtype, []).append(rid)
            for rtype, ids in by_type.items():
                t = table_of(rtype)
                for part in chunks(ids):
                    conn.execute(update(t).where(t.c.id.in_(part)).values(sync_dirty=True))
            if unseen:
                log.warning("the sync server lacks %d record(s) this device had synced: sending them again",
                            len(unseen))
            conn.execute(update(state_t).values(seen=True))
            save_state(conn, load_state(conn).model_copy(update={"repull": False}))

    def _settle_held(self, *, allow_mass_delete: bool) -> MassDeletion | None:
        """Apply the held deletions, unless they are a mass deletion the CT has not confirmed."""
        held_t: Any = SyncHeldDeletion.__table__
        with self.store.engine.begin() as conn:
            rows = list(conn.execute(select(held_t.c.envelope)))
            if not rows:
                return None
            envs = [P.RecordEnvelope.model_validate(r[0]) for r in rows]
            if not allow_mass_delete:
                live = count_live(conn)
                deleting = _live_among(conn, envs)
                if live >= MASS_DELETE_MIN_RECORDS and deleting > MASS_DELETE_FRACTION * live:
                    return MassDeletion(direction="pull", deleting=deleting, total=live)
            Applier(conn, self._open).apply(envs, hold_deletions=False)
            conn.execute(held_t.delete())
        return None

    # ------------------------------------------------------------------ push
    def _push(self, report: SyncReport, *, allow_mass_delete: bool) -> None:
        st = self.state()
        key = self.sync_key()
        assert st.device_id
        with self.store.engine.connect() as conn:
            changes = build_outgoing(conn, device_id=st.device_id, key=key,
                                     upload=lambda rid: attachments.upload(self.transport, self.store.attachments, rid))
            deleting = sum(1 for c in changes if c.deleted and c.base_version)
            # (counted only when something is being deleted: the count reads every table)
            known_live = server_live_count(conn) if deleting and not allow_mass_delete else 0
        if (
            not allow_mass_delete
            and known_live >= MASS_DELETE_MIN_RECORDS
            and deleting > MASS_DELETE_FRACTION * known_live
        ):
            raise MassDeletion(direction="push", deleting=deleting, total=known_live)
        total, done = len(changes), 0
        mismatched: list[Outgoing] = []
        for batch in batches(changes, max_count=self.batch_size, max_bytes=P.MAX_PUSH_BODY_BYTES):
            resp = self.transport.push(push_body(batch))
            _stall("push_answered")
            mismatched += self._record_push(batch, resp, report)
            done += len(batch)
            report.pushed += len(batch)
            _page_done()
            self.progress(Progress("push", done, total))
        if mismatched:
            # The server processed these change ids before with other content (it applied nothing now): send
            # them once more under fresh ids. Should that answer be lost, the next pull finds the same content
            # on the server and adopts it, so nothing is applied twice.
            fresh = [c.with_fresh_id() for c in mismatched]
            for batch in batches(fresh, max_count=self.batch_size, max_bytes=P.MAX_PUSH_BODY_BYTES):
                left = self._record_push(batch, self.transport.push(push_body(batch)), report)
                report.rejected += [f"{c.record_type} {c.record_id}: the server refused it twice; it stays "
                                    "pending here" for c in left]

    def _record_push(self, batch: list[Outgoing], resp: P.PushResponse, report: SyncReport) -> list[Outgoing]:
        """Record the server's answers in one transaction; returns the changes answered ``replay_mismatch``
        (left pending)."""
        sent = {c.change_id: c for c in batch}
        mismatched: list[Outgoing] = []
        synced: list[tuple[str, str, int, int]] = []
        states: list[dict[str, Any]] = []
        resolved: list[str] = []
        conflicts: list[tuple[Outgoing, P.PushResult]] = []
        for res in resp.results:
            change = sent.get(str(res.client_change_id))
            if change is None or str(res.record_id) != change.record_id:
                raise BadServerResponse("The sync server answered a change this device did not send.")
            report.replayed += res.replayed
            if res.status == "accepted":
                if res.version is None:
                    raise BadServerResponse("The sync server accepted a change without giving its version.")
                synced.append((change.record_type, change.record_id, change.local_version, res.version))
                states.append({"record_id": change.record_id, "record_type": change.record_type,
                               "server_version": res.version, "server_digest": change.digest,
                               "seen": True})
                resolved += change.resolves
            elif res.status == "conflict":
                if res.server_record is None or res.conflict_id is None or str(res.server_record.id) != change.record_id:
                    raise BadServerResponse("The sync server reported a conflict without the server's copy.")
                report.conflicts += 1
                conflicts.append((change, res))
            elif res.status == "replay_mismatch":
                mismatched.append(change)  # nothing applied: stays dirty, sent again under a fresh id
            else:
                report.rejected.append(f"{change.record_type} {change.record_id}: {res.message}")
                # retrying cannot succeed; reported to the CT
                synced.append((change.record_type, change.record_id, change.local_version, change.local_version))
        with self.store.engine.begin() as conn:
            mark_synced(conn, synced)
            upsert_states(conn, states)
            clear_resolutions(conn, resolved)
            if conflicts:
                self._keep_push_conflicts(conn, conflicts)
        return mismatched

    def _keep_push_conflicts(self, conn: Any, conflicts: list[tuple[Outgoing, P.PushResult]]) -> None:
        table: Any = SyncConflict.__table__
        ids = [str(res.conflict_id) for _, res in conflicts]
        have = {r[0] for part in chunks(ids) for r in conn.execute(
            select(table.c.conflict_id).where(table.c.conflict_id.in_(part)))}
        rows = [
            {"conflict_id": str(res.conflict_id), "record_id": c.record_id, "record_type": c.record_type,
             "base_version": c.base_version, "server_version": res.version or 0, "data": c.data,
             "resolved": False, "received_at": clock.now(), "resolution_pending": False}
            for c, res in conflicts if str(res.conflict_id) not in have
        ]
        if rows:
            conn.execute(table.insert(), rows)
        # Adopt the server's copy - but not over an edit made here while the push was on the wire: that edit
        # stays pending (dirty, same base) and meets the server's version as a conflict at the next push.
        now_versions = local_versions(conn, [(c.record_type, c.record_id) for c, _ in conflicts])
        adopt = [res.server_record for c, res in conflicts
                 if res.server_record is not None and now_versions.get(c.record_id) == c.local_version]
        Applier(conn, self._open).apply(adopt, force=True)

    # ------------------------------------------------------------------ attachments
    def _fetch_attachments(self) -> None:
        pending = dict(self.state().downloads)
        for attachment_id, sha in list(pending.items()):
            if attachments.download(self.transport, self.store.attachments, attachment_id, sha):
                pending.pop(attachment_id)
                self._update_state(downloads=pending)


def _live_among(conn: Any, envs: list[P.RecordEnvelope]) -> int:
    by_type: dict[str, list[str]] = {}
    for env in envs:
        if env.type in RECORD_TYPES:
            by_type.setdefault(env.type, []).append(str(env.id))
    n = 0
    for rtype, ids in by_type.items():
        t = table_of(rtype)
        for part in chunks(ids):
            n += len(list(conn.execute(select(t.c.id).where(t.c.id.in_(part), t.c.deleted.is_(False)))))
    return n


def rewrap_sync_key(store: Store, new_passphrase: str) -> bool:
    """After a passphrase change: wrap the sync key under the new passphrase, to replace the server's copy at the
    next sync (the old passphrase must not keep opening it). Returns False if this store has no sync key."""
    with store.engine.connect() as conn:
        st = load_state(conn)
    if not (st.sync_key and st.key_id):
        return False
    blob = crypto.wrap_sync_key(bytes.fromhex(st.sync_key), new_passphrase, key_id=st.key_id)
    with store.engine.begin() as conn:
        save_state(conn, load_state(conn).model_copy(update={"key_blob_pending": blob}))
    return True
