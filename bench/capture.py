"""Typing in the capture screen of a big store: Enter -> the line committed (autosave) and painted.

A SQLCipher store with ~100k script notes (12 educators x 4 school years x 40 observations x 52 lines, written
through the ORM with the app's flush hooks: versions, audit rows, search index), opened in the real main window;
the CT opens an educator, starts a new observation and types 200 lines. Each figure is one line: Enter pressed
in the note field -> ``add_line`` committed it (synchronous=FULL, as the app runs) -> the script table repainted.
Printed beside it: the process's and the GUI thread's CPU time per line, the service call, and every cyclic GC
pass while typing (by generation; how many fell inside a measured line).

    .venv/bin/python bench/capture.py [--scale 1.0] [--lines 200] [--store DIR] [--before ../main --runs 2]
Last line: {"metric": "capture_line_p99_ms", "value": <p99 ms>, "goal": 16, ...}
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "bench passphrase 1234"
WORDS = ("students pairs discourse fractions routine transition objective feedback question exit ticket "
         "manipulatives groups vocabulary evidence reasoning think-aloud anchor chart modelling partner "
         "independent practice check understanding misconception scaffold sentence frames").split()


def build(folder: Path, scale: float) -> tuple[str, int]:
    """The store (through the services' door) and ~100k notes; returns the first educator's id and the count."""
    from esp_desktop.core import clock
    from esp_desktop.services import vault
    from esp_desktop.store.db import make_engine, make_sessionmaker
    from esp_desktop.store.models import Observation, ScriptNote

    clock.install(clock.FixedClock.on(date(2026, 11, 25), hour=10, running=True))
    store = vault.create(folder, PASSPHRASE)
    store.engine.dispose()  # generation only: no fsync per commit (the measured app runs with synchronous=FULL)
    store.engine = make_engine(folder / "esp.db", store.data_key, synchronous="OFF")
    store.sessions = make_sessionmaker(store.engine)
    rnd = random.Random(1)
    cl = vault.open_services(store).caseload
    ids = []
    for i in range(12):  # enrolled through the services, as a CT would (observations need an enrolment)
        e = cl.add_educator(given_name=f"Given{i}", family_name=f"Family{i}")
        en = cl.refer(educator_id=e.id, program="PAR" if i < 8 else "PA", referred_on=date(2022, 8, 1))
        cl.record_intake(enrolment_id=en.id, held_on=date(2022, 8, 15))
        cl.enrol(enrolment_id=en.id, enrolled_on=date(2022, 8, 20))
        ids.append(e.id)
    notes = 0
    for y in range(4):
        for eid in ids:
            with store.session() as s:
                for k in range(max(1, round(40 * scale))):
                    day = date(2022 + y, 9, 1) + timedelta(days=k * 4)
                    o = Observation(educator_id=eid, kind="unannounced", observed_on=day, status="finished",
                                    started_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
                    s.add(o)
                    for n in range(52):
                        s.add(ScriptNote(observation_id=o.id, educator_id=eid, seq=n + 1,
                                         at=o.started_at + timedelta(seconds=40 * n),
                                         text=" ".join(rnd.choices(WORDS, k=14)), indicator_codes=["II-A"]))
                        notes += 1
    store.close()
    return ids[0], notes


CHILD = r"""
import gc, json, statistics, sys, time
from pathlib import Path
from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from esp_desktop.ui.app import setup_application
from esp_desktop.ui.context import AppContext
from esp_desktop.ui.mainwindow import MainWindow

data_dir, passphrase, educator_id, lines = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
app = setup_application()
loop = QEventLoop()
pump = lambda: loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
win = MainWindow(AppContext(data_dir))
win.resize(1280, 800)
win.show()
win.unlock_screen.passphrase.setText(passphrase)
win.unlock_screen.submit()
while win.ctx.services is None:
    pump()
win.open_record("educator", educator_id)
page = win.educator
page.tabs.setCurrentWidget(page.observations)
for _ in range(20):
    pump()
page.observations.new_btn.click()
view = page.observations.capture
for _ in range(20):
    pump()
svc_ms = []
real_add = win.ctx.svc.observations.add_note
def timed_add(**kw):
    t = time.perf_counter()
    try:
        return real_add(**kw)
    finally:
        svc_ms.append((time.perf_counter() - t) * 1000)
win.ctx.svc.observations.add_note = timed_add
gc_ms, gc_gen, gc_at = [], [], []  # every cyclic GC pass while typing (inside a measured line or between lines)
def gc_timer(phase, info):
    if phase == "start":
        gc_at.append(time.perf_counter())
    else:
        gc_ms.append((time.perf_counter() - gc_at[-1]) * 1000)
        gc_gen.append(info["generation"])
gc.callbacks.append(gc_timer)
words = "students work in pairs on fractions while the teacher checks understanding at table".split()
times, cpu, gui_cpu, gc_in_line = [], [], [], []
for i in range(lines):
    view.entry.setText(f"Line {i}: " + " ".join(words[: 6 + i % 8]))
    view.entry.setFocus()
    n_gc = len(gc_ms)
    t0, c0, g0 = time.perf_counter(), time.process_time(), time.thread_time()
    QTest.keyClick(view.entry, Qt.Key.Key_Return)  # add_line: committed before it returns
    view.script.viewport().repaint()               # and painted
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    gui_cpu.append(time.thread_time() - g0)
    gc_in_line.append(sum(gc_ms[n_gc:]))
    pump()                                         # what else the event loop has (storeChanged, timers)
gc.callbacks.remove(gc_timer)
rows = view.model.rowCount()
assert rows == lines, (rows, lines)
print("RESULT " + json.dumps({"ms": [t * 1000 for t in times], "cpu_ms": [t * 1000 for t in cpu],
                              "gui_cpu_ms": [t * 1000 for t in gui_cpu], "service_ms": svc_ms,
                              "gc_in_line_ms": gc_in_line, "gc_ms": gc_ms, "gc_gen": gc_gen}), flush=True)
win.close()
"""


def fsync_ms(folder: Path, n: int = 200) -> list[float]:
    """What one durable commit cannot go below on this disk: write 4 KiB, fsync."""
    path = folder / "fsync.probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    out = []
    try:
        for _ in range(n):
            os.write(fd, b"\0" * 4096)
            t = time.perf_counter()
            os.fsync(fd)
            out.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return out


def run_child(folder: Path, educator_id: str, lines: int, src: Path | None = None) -> dict[str, list[float]]:
    """Type ``lines`` lines in a fresh process (``src``: another checkout's sources, for a before/after pair)."""
    import subprocess

    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, "-c", CHILD, str(folder), PASSPHRASE, educator_id, str(lines)],
                          capture_output=True, text=True, timeout=900, env=env)
    out = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not out:
        raise SystemExit(f"capture child failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(out[-1][7:])


def summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"{name}: median {statistics.median(ms):.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, "
            f"min {min(ms):.1f} ms, max {max(ms):.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the ~100k notes")
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--store", type=Path, help="keep the built store here and reuse it (each run types into a copy)")
    ap.add_argument("--before", type=Path, help="another checkout (e.g. a worktree of main): its src/ is measured "
                    "too, run for run in turn with this one (before, after, before, after...)")
    ap.add_argument("--runs", type=int, default=1, help="runs of each side")
    args = ap.parse_args()
    import shutil

    with tempfile.TemporaryDirectory(prefix="esp-bench-capture-") as tmp:
        built = args.store or Path(tmp) / "built"
        if not (built / "esp.db").exists():
            t0 = time.perf_counter()
            educator_id, notes = build(built, args.scale)
            (built / "bench.json").write_text(json.dumps({"educator_id": educator_id, "notes": notes}))
            print(f"store with {notes} script notes built in {time.perf_counter() - t0:.1f} s")
        meta = json.loads((built / "bench.json").read_text())
        educator_id, notes = meta["educator_id"], meta["notes"]
        sides = [("before", args.before / "src"), ("after", None)] if args.before else [("this", None)]
        results: dict[str, dict[str, list[float]]] = {name: {} for name, _ in sides}
        for run in range(args.runs):
            for name, src in sides:
                folder = Path(tmp) / f"run{run}-{name}"
                shutil.copytree(built, folder)  # every run types into the same store
                r = run_child(folder, educator_id, args.lines, src)
                shutil.rmtree(folder)
                med = statistics.median(r["ms"])
                print(f"run {run + 1} {name}: median {med:.1f} ms, p99 "
                      f"{statistics.quantiles(r['ms'], n=100, method='inclusive')[98]:.1f} ms, "
                      f"CPU median {statistics.median(r['cpu_ms']):.1f} ms", flush=True)
                for k, v in r.items():
                    results[name].setdefault(k, []).extend(v)
        fsync = fsync_ms(Path(tmp))
    qf = statistics.quantiles(fsync, n=100, method="inclusive")
    print(f"one fsync of 4 KiB on the store's disk (synchronous=FULL commits wait for it): median "
          f"{statistics.median(fsync):.1f} ms, p99 {qf[98]:.1f} ms")
    for name, _ in sides:
        r = results[name]
        print(f"== {name} ({len(r['ms'])} lines typed in {args.runs} run(s))")
        print("  " + summary("Enter -> committed and painted", r["ms"]))
        print("  " + summary("  CPU time of this process", r["cpu_ms"]))
        print("  " + summary("  of which the service call (ORM, flush hooks, SQL, commit)", r["service_ms"]))
        print("  " + summary("  CPU time of the GUI thread", r["gui_cpu_ms"]))
        gens = [sum(1 for g in r["gc_gen"] if g == k) for k in range(3)]
        inside = [v for v in r["gc_in_line_ms"] if v]
        print(f"  cyclic GC while typing: {len(r['gc_ms'])} passes (generation 0/1/2: {gens[0]}/{gens[1]}/{gens[2]}), "
              f"{sum(r['gc_ms']):.1f} ms in all, longest {max(r['gc_ms'], default=0):.1f} ms; inside a measured line: "
              f"{len(inside)} lines, {sum(inside):.1f} ms")
    r = results[sides[-1][0]]
    q, qs = (statistics.quantiles(r[k], n=100, method="inclusive") for k in ("ms", "service_ms"))
    print(json.dumps({"metric": "capture_line_p99_ms", "value": round(q[98], 1), "goal": 16, "notes": notes,
                      "median_ms": round(statistics.median(r["ms"]), 1),
                      "cpu_median_ms": round(statistics.median(r["cpu_ms"]), 1),
                      "cpu_p99_ms": round(statistics.quantiles(r["cpu_ms"], n=100, method="inclusive")[98], 1),
                      "service_p99_ms": round(qs[98], 1), "fsync_p99_ms": round(qf[98], 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
