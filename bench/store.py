"""Store benchmark: the same realistic workload on SQLCipher and on plain SQLite, in one run.

Workload: 12 educators x 4 school years of records (observations with ~50 scripted notes each, ~100k notes in
all, evidence, coaching), written through the ORM with the app's session hooks (versioning, audit, FTS
indexing); per-line autosave commits; reads (caseload, compliance dashboard, observation scripts, export);
full-text queries. Prints the SQLCipher/SQLite time ratio and the FTS p95 latency over the 100k notes.
The last line of output is the headline metric as JSON.

    python bench/store.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from esp_desktop.core import clock
from esp_desktop.services import Services
from esp_desktop.store import keys, migrate
from esp_desktop.store.db import make_engine
from esp_desktop.store.models import CoachingActivity, Educator, EvidenceItem, Observation, ScriptNote
from esp_desktop.store.vault import Store

WORDS = ("students pairs discourse fractions routine transition objective feedback question exit ticket "
         "manipulatives groups vocabulary evidence reasoning think-aloud anchor chart modelling partner "
         "independent practice check understanding misconception scaffold sentence frames").split()
QUERIES = ["fractions", "exit ticket", "misconception", "sentence frames", "discourse", "routine trans",
           "anchor", "vocabulary partner", "think", "scaffold"]


def open_store(folder: Path, encrypted: bool) -> Store:
    key = keys.new_data_key() if encrypted else None
    engine = make_engine(folder / "esp.db", key)
    with engine.begin() as conn:
        migrate.upgrade(conn)
    kf = keys.KeyFile(store_id="bench", kdf={}, salt=b"", nonce=b"", wrapped=b"")
    return Store(folder, engine, key or b"", kf)


def workload(store: Store, scale: float, rnd: random.Random) -> dict[str, float]:
    clock.install(clock.FixedClock.on(date(2026, 11, 25), hour=10, running=True))
    svc = Services(store)
    t: dict[str, float] = {}
    years, obs_per_year, notes_per_obs = 4, max(1, round(40 * scale)), 52
    start = time.perf_counter()
    educator_ids = []
    with store.session() as s:
        for i in range(12):
            e = Educator(given_name=f"Given{i}", family_name=f"Family{i}", site_ids=[])
            s.add(e)
            educator_ids.append(e.id)
    for y in range(years):
        for eid in educator_ids:
            for k in range(obs_per_year):
                day = date(2023 + y, 9, 1) + timedelta(days=k * 4)
                with store.session() as s:  # one observation = one transaction, like a sync pull
                    o = Observation(educator_id=eid, kind="unannounced", observed_on=day, status="finished",
                                    started_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
                    s.add(o)
                    for n in range(notes_per_obs):
                        s.add(ScriptNote(observation_id=o.id, educator_id=eid, seq=n + 1,
                                         at=o.started_at + timedelta(seconds=40 * n),
                                         text=" ".join(rnd.choices(WORDS, k=14)), indicator_codes=["II-A"]))
                    s.add(EvidenceItem(educator_id=eid, title="Artifact", category="products_of_practice",
                                       kind="artifact", collected_on=day, description=" ".join(rnd.choices(WORDS, k=30))))
                    s.add(CoachingActivity(educator_id=eid, kind="co_planning", held_on=day, minutes=45,
                                           notes=" ".join(rnd.choices(WORDS, k=20))))
    t["bulk_insert"] = time.perf_counter() - start

    start = time.perf_counter()
    o = svc.observations.start(educator_id=educator_ids[0], kind="announced")
    for _ in range(300):  # autosave: one commit per typed line
        svc.observations.add_note(observation_id=o.id, text=" ".join(rnd.choices(WORDS, k=12)))
    t["autosave_300_lines"] = time.perf_counter() - start

    start = time.perf_counter()
    for eid in educator_ids:
        obs = svc.observations.for_educator(eid)
        for ob in obs[:20]:
            svc.observations.notes(ob.id)
        svc.evidence.for_educator(eid)
        svc.coaching.for_educator(eid)
    svc.caseload.caseload()
    t["reads"] = time.perf_counter() - start

    lat = []
    start = time.perf_counter()
    for i in range(200):
        q0 = time.perf_counter()
        svc.search.search(QUERIES[i % len(QUERIES)], limit=50)
        lat.append(time.perf_counter() - q0)
    t["fts_200_queries"] = time.perf_counter() - start
    t["fts_p95_ms"] = statistics.quantiles(lat, n=20)[18] * 1000
    with store.session() as s:
        from sqlalchemy import func, select

        t["notes"] = s.scalar(select(func.count()).select_from(ScriptNote))
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full 100k-note workload")
    args = ap.parse_args()
    results = {}
    for name, enc in (("sqlite", False), ("sqlcipher", True)):
        with tempfile.TemporaryDirectory() as d:
            st = open_store(Path(d), enc)
            results[name] = workload(st, args.scale, random.Random(1))
            st.close()
        r = results[name]
        print(f"{name:10s} " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))
    timed = ("bulk_insert", "autosave_300_lines", "reads", "fts_200_queries")
    total = {n: sum(results[n][k] for k in timed) for n in results}
    ratio = total["sqlcipher"] / total["sqlite"]
    for k in timed:
        print(f"ratio {k}: {results['sqlcipher'][k] / results['sqlite'][k]:.2f}")
    print(f"total sqlite={total['sqlite']:.2f}s sqlcipher={total['sqlcipher']:.2f}s notes={results['sqlcipher']['notes']}")
    print(json.dumps({"metric": "fts_p95_ms", "value": round(results["sqlcipher"]["fts_p95_ms"], 2), "goal": 20}))
    print(json.dumps({"metric": "sqlcipher_vs_sqlite", "value": round(ratio, 3), "goal": 1.25}))


if __name__ == "__main__":
    main()
