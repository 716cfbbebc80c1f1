"""Store benchmark: the same realistic workload on SQLCipher and on plain SQLite, in one run.

Workload: 12 educators x 4 school years of records (observations with ~50 scripted notes each, ~100k notes in
all, evidence, coaching), written through the ORM with the app's session hooks (versioning, audit, FTS
indexing); per-line autosave commits; reads (caseload, compliance dashboard, observation scripts, export);
full-text queries. Both sides run on the same SQLite build (SQLCipher's, via ``make_engine(..., same_sqlite=True)``
for the plain file) with the app's pragmas (WAL, synchronous=FULL, 32 MiB page cache, 4 KiB pages), printed
below, so the ratio is the cost of encryption alone (Python's own sqlite3 is an older SQLite: 0.87 against it).
The two stores run the workload unit by unit in turn (A B A B ...), so a change in the machine's load hits both.

Then the encrypted store's search index is grown to --fts-notes rows (default 1,000,000) with the bulk index
writer the sync engine uses (store.hooks.reindex_rows, 20k rows per transaction; the note rows themselves are not
needed by the query, which reads the index only) and the same queries are timed again: fts_p95_ms.
``--fts-notes 0`` skips that (the p95 is then over the workload's ~100k notes).

    python bench/store.py [--scale 1.0] [--fts-notes 1000000] [--fts-only [--fts-dir DIR]]
Prints one JSON line per metric.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from esp_desktop.core import clock
from esp_desktop.services import Services
from esp_desktop.store import keys, migrate
from esp_desktop.store.db import make_engine
from esp_desktop.store.models import CoachingActivity, EvidenceItem, Observation, ScriptNote
from esp_desktop.store.vault import Store

WORDS = ("students pairs discourse fractions routine transition objective feedback question exit ticket "
         "manipulatives groups vocabulary evidence reasoning think-aloud anchor chart modelling partner "
         "independent practice check understanding misconception scaffold sentence frames").split()
QUERIES = ["fractions", "exit ticket", "misconception", "sentence frames", "discourse", "routine trans",
           "anchor", "vocabulary partner", "think", "scaffold"]


PRAGMAS = ("page_size", "cache_size", "journal_mode", "synchronous", "temp_store", "foreign_keys")


def open_store(folder: Path, encrypted: bool) -> Store:
    """A store in ``folder``; an encrypted one keeps its key in ``bench.key`` there, so a grown index can be reused
    (``--fts-dir``). Opening runs the store's migrations, as the app does."""
    key = None
    if encrypted:
        key_file = folder / "bench.key"
        if not key_file.exists():
            key_file.write_bytes(keys.new_data_key())
        key = key_file.read_bytes()
    engine = make_engine(folder / "esp.db", key, same_sqlite=True)
    with engine.begin() as conn:
        migrate.upgrade(conn)
    kf = keys.KeyFile(store_id="bench", kdf={}, salt=b"", nonce=b"", wrapped=b"")
    return Store(folder, engine, key or b"", kf)


def workload(store: Store, scale: float, rnd: random.Random, t: dict[str, Any]) -> Iterator[str]:
    """The workload in small units (a transaction, a typed line, one educator's reads, a query); yields the
    phase name after each unit, so the driver can alternate two stores unit by unit."""
    svc = Services(store)
    years, obs_per_year, notes_per_obs = 4, max(1, round(40 * scale)), 52
    educator_ids = []
    for i in range(12):  # enrolled through the services (observations need an enrolment: issue 11)
        e = svc.caseload.add_educator(given_name=f"Given{i}", family_name=f"Family{i}")
        en = svc.caseload.refer(educator_id=e.id, program="PAR" if i < 8 else "PA", referred_on=date(2023, 8, 1))
        svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2023, 8, 15))
        svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2023, 8, 20))
        educator_ids.append(e.id)
        yield "bulk_insert"
    for y in range(years):
        for eid in educator_ids:
            for k in range(obs_per_year):
                day = date(2023 + y, 9, 1) + timedelta(days=k * 4)
                start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
                with store.session() as s:  # one observation = one transaction, like a sync pull
                    o = Observation(educator_id=eid, kind="unannounced", observed_on=day, status="finished",
                                    started_at=start)
                    s.add(o)
                    for n in range(notes_per_obs):
                        s.add(ScriptNote(observation_id=o.id, educator_id=eid, seq=n + 1,
                                         at=start + timedelta(seconds=40 * n),
                                         text=" ".join(rnd.choices(WORDS, k=14)), indicator_codes=["II-A"]))
                    s.add(EvidenceItem(educator_id=eid, title="Artifact", category="products_of_practice",
                                       kind="artifact", collected_on=day, description=" ".join(rnd.choices(WORDS, k=30))))
                    s.add(CoachingActivity(educator_id=eid, kind="co_planning", held_on=day, minutes=45,
                                           notes=" ".join(rnd.choices(WORDS, k=20))))
                yield "bulk_insert"

    o = svc.observations.start(educator_id=educator_ids[0], kind="announced")
    for _ in range(300):  # autosave: one commit per typed line
        svc.observations.add_note(observation_id=o.id, text=" ".join(rnd.choices(WORDS, k=12)))
        yield "autosave_300_lines"

    for eid in educator_ids:
        obs = svc.observations.for_educator(eid)
        for ob in obs[:20]:
            svc.observations.notes(ob.id)
        svc.evidence.for_educator(eid)
        svc.coaching.for_educator(eid)
        yield "reads"
    svc.caseload.caseload()
    yield "reads"

    lat = t.setdefault("lat", [])
    for i in range(200):
        q0 = time.perf_counter()
        svc.search.search(QUERIES[i % len(QUERIES)], limit=50)
        lat.append(time.perf_counter() - q0)
        yield "fts_200_queries"
    t["fts_p95_ms"] = statistics.quantiles(lat, n=20)[18] * 1000
    with store.session() as s:
        from sqlalchemy import func, select, text

        t["notes"] = s.scalar(select(func.count()).select_from(ScriptNote))
        t["pragmas"] = " ".join(f"{p}={s.execute(text(f'PRAGMA {p}')).scalar()}" for p in PRAGMAS)
        t["sqlite"] = s.execute(text("SELECT sqlite_version()")).scalar()


def run_pair(scale: float, folders: dict[str, Path]) -> tuple[dict[str, dict[str, Any]], dict[str, Store]]:
    """Both stores step by step in turn (A B A B ...), so a change in the machine's load hits both alike."""
    clock.install(clock.FixedClock.on(date(2026, 11, 25), hour=10, running=True))
    stores = {name: open_store(folders[name], name == "sqlcipher") for name in folders}
    results: dict[str, dict[str, Any]] = {name: {} for name in stores}
    steps = {name: workload(st, scale, random.Random(1), results[name]) for name, st in stores.items()}
    cpu: dict[str, dict[str, float]] = {name: {} for name in stores}
    while steps:
        for name in list(steps):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                phase = next(steps[name])
            except StopIteration:
                del steps[name]
                continue
            results[name][phase] = results[name].get(phase, 0.0) + time.perf_counter() - t0
            cpu[name][phase] = cpu[name].get(phase, 0.0) + time.thread_time() - c0
    for name, r in results.items():
        r.pop("lat", None)
        # CPU of this store's work: the workload's thread per unit, plus its WAL checkpoint thread (which runs beside
        # the other store's units, so it is counted here and not in the wall figures).
        r["cpu"] = cpu[name]
        r["checkpoint_cpu"] = _thread_cpu(stores[name].checkpointer._thread)
    return results, stores


def _thread_cpu(thread: threading.Thread) -> float:
    """CPU seconds a live thread has used (Linux: its own CPU clock)."""
    assert thread.ident is not None
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def grow_index(store: Store, target: int, rnd: random.Random) -> int:
    """Index rows up to ``target`` (the bulk writer of pulled pages), then return the index's row count."""
    import uuid

    from sqlalchemy import text

    from esp_desktop.store import hooks

    with store.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM search_map")).scalar() or 0
    educators = [str(uuid.uuid4()) for _ in range(12)]
    while have < target:
        n = min(20_000, target - have)
        rows: list[tuple[str, str, str | None, str | None]] = [
            ("script_note", str(uuid.uuid4()), educators[i % 12], " ".join(rnd.choices(WORDS, k=14))) for i in range(n)]
        with store.engine.begin() as conn:
            hooks.reindex_rows(conn, rows)
        have += n
    return have


def prefix_search(store: Store, user_text: str, limit: int = 50) -> Sequence[Any]:
    """The query as built before issue 15 (the last word a prefix term), for the same-run comparison."""
    from sqlalchemy import text

    from esp_desktop.services.search import fts_query

    with store.session() as s:
        return s.execute(text("SELECT record_type, record_id, educator_id, snippet(search_index, 3, '[', ']', '…', 12) "
                              "FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :n"),
                         {"q": fts_query(user_text), "n": limit}).all()


def fts_latency(store: Store, queries: int = 200) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall and CPU time of each query, the app's search and the plain prefix query in turn (same store, same run);
    both must find the same records."""
    svc = Services(store)
    lat: list[float] = []
    cpu: list[float] = []
    lat_prefix: list[float] = []
    cpu_prefix: list[float] = []
    for i in range(queries):
        q = QUERIES[i % len(QUERIES)]
        c0, q0 = time.process_time(), time.perf_counter()
        hits = svc.search.search(q, limit=50)
        lat.append(time.perf_counter() - q0)
        cpu.append(time.process_time() - c0)
        c0, q0 = time.process_time(), time.perf_counter()
        rows = prefix_search(store, q)
        lat_prefix.append(time.perf_counter() - q0)
        cpu_prefix.append(time.process_time() - c0)
        assert [h.record_id for h in hits] == [r[1] for r in rows], q
    return lat, cpu, lat_prefix, cpu_prefix


def _ms(xs: list[float]) -> str:
    return (f"p50 {statistics.median(xs) * 1000:.2f} ms, p95 {statistics.quantiles(xs, n=20)[18] * 1000:.2f} ms, "
            f"max {max(xs) * 1000:.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full 100k-note workload")
    ap.add_argument("--fts-notes", type=int, default=1_000_000,
                    help="grow the encrypted store's search index to this many rows for fts_p95_ms (0: do not)")
    ap.add_argument("--fts-only", action="store_true",
                    help="skip the SQLCipher/SQLite workload: an empty encrypted store, its index grown, fts_p95_ms only")
    ap.add_argument("--fts-dir", type=Path,
                    help="with --fts-only: grow the store in this folder and keep it; a later run reopens it (the "
                         "queries then start on a freshly opened store, as after an unlock)")
    args = ap.parse_args()
    fts: dict[str, float] = {}
    fts_lines: list[str] = []
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        if args.fts_only:
            results: dict[str, dict[str, Any]] = {}
            if args.fts_dir:
                args.fts_dir.mkdir(parents=True, exist_ok=True)
            st = open_store(args.fts_dir or Path(d2), encrypted=True)
        else:
            results, stores = run_pair(args.scale, {"sqlite": Path(d1), "sqlcipher": Path(d2)})
            stores["sqlite"].close()
            st = stores["sqlcipher"]
        if args.fts_notes:
            t0 = time.perf_counter()
            fts["rows"] = grow_index(st, args.fts_notes, random.Random(2))
            fts["grow_s"] = time.perf_counter() - t0
            lat, cpu, lat_prefix, cpu_prefix = fts_latency(st)
            fts["p95_ms"] = statistics.quantiles(lat, n=20)[18] * 1000
            fts_lines = [f"  app search:       wall {_ms(lat)}; CPU {_ms(cpu)}",
                         f"  prefix (before):  wall {_ms(lat_prefix)}; CPU {_ms(cpu_prefix)}"]
        st.close()
    if args.fts_only:
        print(f"search index of {fts['rows']:.0f} rows (opened, grown: {fts['grow_s']:.1f} s); 200 queries each, in turn:")
        print("\n".join(fts_lines))
        print(json.dumps({"metric": "fts_p95_ms", "value": round(fts["p95_ms"], 2), "goal": 5,
                          "indexed_rows": int(fts["rows"])}))
        return
    timed = ("bulk_insert", "autosave_300_lines", "reads", "fts_200_queries")
    for name, r in results.items():
        print(f"{name:10s} " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()
                                         if k != "cpu"))
        print(f"{'':10s} CPU " + "  ".join(f"{k}={r['cpu'][k]:.3f}" for k in timed))
    total = {n: sum(results[n][k] for k in timed) for n in results}
    total_cpu = {n: sum(results[n]["cpu"][k] for k in timed) + results[n]["checkpoint_cpu"] for n in results}
    ratio = total["sqlcipher"] / total["sqlite"]
    cpu_ratio = total_cpu["sqlcipher"] / total_cpu["sqlite"]
    for k in timed:
        print(f"ratio {k}: {results['sqlcipher'][k] / results['sqlite'][k]:.2f} wall, "
              f"{results['sqlcipher']['cpu'][k] / results['sqlite']['cpu'][k]:.2f} CPU")
    print(f"total sqlite={total['sqlite']:.2f}s sqlcipher={total['sqlcipher']:.2f}s notes={results['sqlcipher']['notes']}")
    print(f"total CPU (checkpoints included) sqlite={total_cpu['sqlite']:.2f}s sqlcipher={total_cpu['sqlcipher']:.2f}s: "
          f"{cpu_ratio:.3f}")
    if fts:
        print(f"search index grown to {fts['rows']:.0f} rows in {fts['grow_s']:.1f} s; 200 queries each, in turn:")
        print("\n".join(fts_lines))
        p95, rows = fts["p95_ms"], int(fts["rows"])
    else:
        p95, rows = results["sqlcipher"]["fts_p95_ms"], int(results["sqlcipher"]["notes"])
    print(json.dumps({"metric": "fts_p95_ms", "value": round(p95, 2), "goal": 5, "indexed_rows": rows}))
    print(json.dumps({"metric": "sqlcipher_vs_sqlite", "value": round(ratio, 3), "goal": 1.15,
                      "cpu_ratio": round(cpu_ratio, 3),
                      "same_sqlite": results["sqlite"]["sqlite"] == results["sqlcipher"]["sqlite"]}))


if __name__ == "__main__":
    main()
