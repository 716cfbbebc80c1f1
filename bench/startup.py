"""Cold start of the desktop client vs a bare PySide6 window, unlock -> caseload, and peak memory.

Each start is a fresh process (interpreter start included), timed by this parent from spawn until the child
prints READY; repetitions alternate with the bare baseline so machine load affects both alike; medians compared.
The child's CPU time by READY (all threads, from /proc) is printed beside the wall times, and its ratio to the
bare window's as ``cpu_ratio`` (a steadier figure on a loaded machine; the metrics stay the wall-time ratios):
  * bare:   QApplication + one QLabel shown and painted;
  * window: the real start path (ui.app.setup_application + build_window) until the unlock window is painted
            -> unlock_window_vs_bare_qt (goal <= 1.5);
  * app:    the main window, passphrase submitted at once, demo caseload loaded and painted
            -> startup_vs_bare_qt (goal <= 3.0);
  * floor:  the bare window painted, then the libraries any unlocked caseload needs at the least imported
            (SQLAlchemy's ORM and SQLCipher's driver): what of the start-up budget the libraries alone take,
            printed beside startup_vs_bare_qt (``floor_ms``, ``floor_ratio``; not a metric);
  * typed:  the unlock window shown, the CT types for BENCH_TYPING_S s (2.0: a 20-character phrase;
            the store's code loads meanwhile), then Enter: submit -> caseload painted, minus the Argon2id
            derivation measured in the same process with the store's own parameters (after the caseload is
            painted, and in these runs only: until session 5 the app runs derived it too, before READY, and so
            counted a second Argon2id in startup_vs_bare_qt)
            -> unlock_to_caseload_ms (goal <= 250 ms).
Then a store with 12 educators x 4 school years (built through the services) is opened the same way, the CT
visits every screen and searches, and the child's peak RSS is reported (goal < 150 MB). The unlock opens the key
file in a short-lived helper process (store/keyhelper.py; Argon2id's 64 MiB is there, not in the app): that
process's own peak is measured on the same key file and printed beside it (key_helper_peak_mb).

    .venv/bin/python bench/startup.py
    BENCH_REPS=7 (more repetitions), BENCH_LARGE_DIR=DIR (keep the big store between runs)
Prints one JSON line per metric.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PASSPHRASE = "bench passphrase 1234"
REPS = int(os.environ.get("BENCH_REPS", "5"))
TYPING_S = float(os.environ.get("BENCH_TYPING_S", "2.0"))
ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}

BARE = r"""
import sys

def hwm_kib():  # this process's peak RSS (VmHWM; ru_maxrss can report the parent's peak after fork+exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
w = QLabel("Hello")
w.show()
QEventLoop().processEvents()
w.grab()
print("READY", hwm_kib(), flush=True)
"""

FLOOR = BARE.replace('print("READY"', 'import sqlalchemy.orm, sqlcipher3\nprint("READY"')  # painted, then the libraries

WINDOW = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QEventLoop
from esp_desktop.ui.app import build_window, setup_application

app = setup_application()
win = build_window(Path(sys.argv[1]))     # the start path of `esp-desktop` (ui.app.run) up to the window
win.show()
QEventLoop().processEvents()
win.grab()                                # painted
print("READY", flush=True)
"""

APP = r"""
import sys

def hwm_kib():  # this process's peak RSS (VmHWM; ru_maxrss can report the parent's peak after fork+exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from pathlib import Path
from PySide6.QtCore import QEventLoop, QThreadPool
from esp_desktop.ui.app import setup_application
from esp_desktop.ui.context import AppContext
from esp_desktop.ui.mainwindow import MainWindow

import time
data_dir, passphrase, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
tour, typing_s = mode == "tour", float(sys.argv[4]) if mode == "typed" else 0.0
app = setup_application()
# PySide6 6.12: QCoreApplication.processEvents() loses a reference to None per call; QEventLoop's does not
loop = QEventLoop()
pump = lambda: loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
win = MainWindow(AppContext(data_dir))
win.resize(1280, 800)
win.show()
if typing_s:                                     # the CT types the passphrase meanwhile
    win.grab()
    end = time.perf_counter() + typing_s
    from PySide6.QtTest import QTest
    QTest.keyClicks(win.unlock_screen.passphrase, passphrase)  # key events, as typed (textEdited, not setText)
    while time.perf_counter() < end:
        pump()
        time.sleep(0.005)
win.unlock_screen.passphrase.setText(passphrase)
t_submit = time.perf_counter()
win.unlock_screen.submit()                       # key derivation and loading run in the background
# idle until something happens, as app.exec() is (a spinning loop would take the GIL from the unlock); the page
# is looked at once the app has built it (``win.caseload`` would build it here, importing its code on this thread)
while "caseload" not in win._built or win.caseload.model.rowCount() == 0:
    loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
pump()
win.grab()                                       # painted
unlock_ms = (time.perf_counter() - t_submit) * 1000
argon_ms = 0.0
if typing_s:  # only here: the submit-at-once start is timed to READY (a second Argon2id would be counted in it),
    # and the tour measures peak RSS (a second Argon2id's 64 MiB would be the bench's peak, not the app's)
    from esp_desktop.store import keys
    kf = keys.KeyFile.read(data_dir / "esp.key")
    t0 = time.perf_counter()
    keys.derive_key(passphrase, kf.salt, kf.kdf)     # Argon2id as the unlock ran it
    argon_ms = (time.perf_counter() - t0) * 1000
if tour:
    for key in ("dashboard", "panel", "search", "caseload"):
        win.go(key)
        for _ in range(50):
            pump()
        win.grab()
    win.search.query.setText("students")
    win.search.run_search()
    while win.search.status.text() in ("", "Searching…"):
        pump()
    win.open_record("educator", win.caseload.model.rows[0].educator.id)
    pump()
    win.grab()
    QThreadPool.globalInstance().waitForDone()  # no query left running at exit
print("READY", hwm_kib(), win.caseload.model.rowCount(), round(unlock_ms, 1), round(argon_ms, 1), flush=True)
"""


HELPER = r"""
import sys
try:
    from esp_desktop.store import keyhelper
except ImportError:  # a tree from before the helper: the app derives the key itself
    sys.exit(print("NONE"))
keyhelper.main()  # the unlock's key helper as the app runs it: one request on stdin, the key on stdout, then
for line in open("/proc/self/status"):  # its peak, Argon2id included
    if line.startswith("VmHWM:"):
        print("HWM", int(line.split()[1]), flush=True)
"""


def helper_peak_kib(data_dir: Path) -> int | None:
    """Peak RSS of the unlock's key helper opening this store's key file (None: a tree without the helper)."""
    request = json.dumps({"passphrase": PASSPHRASE, "keyfile": (data_dir / "esp.key").read_text(encoding="utf-8")})
    p = subprocess.run([sys.executable, "-c", HELPER], input=request + "\n", capture_output=True, text=True, env=ENV)
    lines = p.stdout.split()
    if lines == ["NONE"]:
        return None
    if p.returncode or lines[-2] != "HWM" or len(bytes.fromhex(lines[0])) != 32:
        raise SystemExit(f"key helper failed: {p.stdout!r} {p.stderr}")
    return int(lines[-1])


def run_child(code: str, *args: str) -> tuple[float, float, list[str]]:
    """Spawn -> READY: wall seconds, the child's CPU seconds by then (user + system, all its threads, from
    /proc: less sensitive to the machine's load than wall time), and the READY line's fields."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=ENV)
    assert p.stdout is not None
    for line in p.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - t0
            cpu = child_cpu(p.pid)
            p.wait(timeout=60)
            return elapsed, cpu, line.split()[1:]
    raise SystemExit(f"child failed with exit code {p.wait()}")


def child_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed(code: str, *args: str) -> tuple[float, list[str]]:
    elapsed, _cpu, fields = run_child(code, *args)
    return elapsed, fields


def build_demo(folder: Path) -> None:
    from esp_desktop.services import Services
    from esp_desktop.services.demo import load_demo
    from esp_desktop.store.vault import Vault

    s = Vault(folder).create(PASSPHRASE)
    load_demo(Services(s))
    s.close()


def build_large(folder: Path) -> dict[str, int]:
    """12 educators x 4 school years of observations, scripted notes, evidence, coaching, contacts, goals."""
    from esp_desktop.core import clock
    from esp_desktop.services import Services
    from esp_desktop.store.db import make_engine, make_sessionmaker
    from esp_desktop.store.vault import Vault

    store = Vault(folder).create(PASSPHRASE)
    # generation only: skip fsync per commit (the app itself always runs with synchronous=FULL)
    store.engine.dispose()
    store.engine = make_engine(folder / "esp.db", store.data_key, synchronous="OFF")
    store.sessions = make_sessionmaker(store.engine)
    today = date(2026, 11, 25)
    clock.install(clock.FixedClock.on(today, hour=10, running=True))
    svc = Services(store)
    cl = svc.caseload
    cl.set_profile(name="Bench CT", school_year="2026-27")
    sites = [cl.add_site(name=f"Fictional School {i}") for i in range(4)]
    plans = [c for c, _ in svc.rubric.plan_types]
    codes = [i.code for i in svc.rubric.indicators][:12]
    counts = dict.fromkeys(
        ("educators", "observations", "notes", "evidence", "coaching", "contacts", "goals"), 0
    )
    first_year = today.year - 4
    for n in range(12):
        program = "PAR" if n < 8 else "PA"
        e = cl.add_educator(
            given_name=f"Educator{n:02d}",
            family_name=f"Bench{n:02d}",
            site_ids=[sites[n % 4].id],
            role_subject="Grade 5",
        )
        en = cl.refer(educator_id=e.id, program=program, referred_on=date(first_year, 8, 1))
        cl.record_intake(enrolment_id=en.id, held_on=date(first_year, 8, 15))
        cl.enrol(enrolment_id=en.id, enrolled_on=date(first_year, 8, 20))
        counts["educators"] += 1
        for y in range(4):
            start, end = date(first_year + y, 9, 1), date(first_year + y + 1, 6, 15)
            if program == "PAR":
                svc.compliance.start_cycle(
                    educator_id=e.id, start_on=start, end_on=end, plan_type=plans[n % len(plans)]
                )
            for k in range(5):
                day = start + timedelta(days=30 + 45 * k)
                if day > today:
                    break
                o = svc.observations.start(
                    educator_id=e.id,
                    kind="announced" if k == 0 else "unannounced",
                    observed_on=day,
                    site_id=sites[n % 4].id,
                    class_period="Period 2",
                    started_at=datetime(day.year, day.month, day.day, 9, 0),
                )
                for j in range(25):
                    svc.observations.add_note(
                        observation_id=o.id,
                        text=f"Line {j}: students work in pairs on "
                        f"fractions; teacher checks understanding with table {j % 6}.",
                        indicator_codes=[codes[j % len(codes)]],
                    )
                    counts["notes"] += 1
                svc.observations.finish(observation_id=o.id)
                counts["observations"] += 1
            for k in range(6):
                svc.evidence.add(
                    educator_id=e.id,
                    title=f"Unit plan {y}-{k}",
                    category="products_of_practice",
                    kind="lesson_plan",
                    collected_on=start + timedelta(days=20 * k + 5),
                    description="Students' exit tickets and the revised unit plan.",
                )
                counts["evidence"] += 1
            for k in range(8):
                svc.coaching.log(
                    educator_id=e.id,
                    kind="co_planning",
                    held_on=start + timedelta(days=25 * k + 3),
                    minutes=45,
                    notes="Planned small-group instruction for struggling students.",
                )
                counts["coaching"] += 1
            for k in range(10):
                svc.coaching.log_contact(
                    person_name=e.display_name,
                    educator_id=e.id,
                    mode="email",
                    contacted_on=start + timedelta(days=20 * k + 1),
                    summary="Scheduled the next visit.",
                )
                counts["contacts"] += 1
            for k in range(2):
                svc.goals.add(
                    educator_id=e.id,
                    kind="professional_practice",
                    title=f"Goal {y}-{k}",
                    statement="Increase the share of students who explain their reasoning.",
                )
                counts["goals"] += 1
    store.close()
    return counts


def spread(xs: list[float], unit: float = 1000) -> str:
    return (f"median {statistics.median(xs) * unit:.0f}, min {min(xs) * unit:.0f}, max {max(xs) * unit:.0f} "
            f"({', '.join(f'{x * unit:.0f}' for x in xs)})")


def compile_bytecode() -> None:
    """The app's modules compiled as an installed app's are (pip compiles them; Python caches them on the first
    run): with PYTHONDONTWRITEBYTECODE set, every child would compile the app from source while the bare
    baseline loads PySide6's cached bytecode."""
    import compileall

    import esp_desktop

    compileall.compile_dir(str(Path(esp_desktop.__file__).parent), quiet=1)


def main() -> int:
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="esp-bench-") as tmp:
        demo = Path(tmp) / "demo"
        build_demo(demo)
        timed(BARE)  # warm the OS file cache for all (a "cold" start is a fresh process, not a cold disk)
        timed(WINDOW, str(demo))
        timed(APP, str(demo), PASSPHRASE, "-")
        unlock, argon = [], []
        wall: dict[str, list[float]] = {"bare": [], "window": [], "app": [], "floor": []}
        cpu: dict[str, list[float]] = {"bare": [], "window": [], "app": [], "floor": []}
        for _ in range(REPS):
            for kind, code, args in (("bare", BARE, ()), ("window", WINDOW, (str(demo),)), ("bare", BARE, ()),
                                     ("app", APP, (str(demo), PASSPHRASE, "-")), ("floor", FLOOR, ())):
                took, used, _out = run_child(code, *args)
                wall[kind].append(took)
                cpu[kind].append(used)
            _t, out = timed(APP, str(demo), PASSPHRASE, "typed", str(TYPING_S))
            unlock.append(float(out[2]))
            argon.append(float(out[3]))
        bare_t, window_t, app_t = wall["bare"], wall["window"], wall["app"]
        bare_rss = int(timed(BARE)[1][0]) / 1024
        bare_med = statistics.median(bare_t)
        window_med, app_med = statistics.median(window_t), statistics.median(app_t)
        floor_med = statistics.median(wall["floor"])
        beyond = [u - a for u, a in zip(unlock, argon, strict=True)]
        print(f"bare PySide6 window painted (ms): {spread(bare_t)}; peak RSS {bare_rss:.0f} MB")
        print(f"unlock window painted (ms): {spread(window_t)}")
        print(f"unlocked, demo caseload painted, passphrase submitted at once (ms): {spread(app_t)}")
        print(f"floor: bare window painted, then sqlalchemy.orm + sqlcipher3 imported (ms): {spread(wall['floor'])} "
              f"= {floor_med / bare_med:.2f} x bare (startup_vs_bare_qt's goal: 3.0 x)")
        key_floor = window_med + statistics.median(argon) / 1000  # Argon2id starts once the passphrase is in
        print(f"unlock window + Argon2id alone (no store opened, nothing imported meanwhile): {key_floor * 1000:.0f} ms "
              f"= {key_floor / bare_med:.2f} x bare")
        print(f"CPU by then (ms), bare: {spread(cpu['bare'])}; unlock window: {spread(cpu['window'])}; "
              f"unlocked: {spread(cpu['app'])}; floor: {spread(cpu['floor'])}")
        cpu_ratio = {k: round(statistics.median(cpu[k]) / statistics.median(cpu["bare"]), 2)
                     for k in ("window", "app", "floor")}
        print(f"after {TYPING_S:.1f} s of typing: submit -> caseload painted (ms): {spread(unlock, 1)}; "
              f"Argon2id alone: {spread(argon, 1)}; the rest: {spread(beyond, 1)}")

        keep = os.environ.get("BENCH_LARGE_DIR")  # reuse a large store between runs (minutes to build)
        large = Path(keep) if keep else Path(tmp) / "large"
        if not (large / "esp.key").exists():
            t0 = time.perf_counter()
            counts = build_large(large)
            print(
                f"large caseload built through the services in {time.perf_counter() - t0:.1f} s: "
                + ", ".join(f"{v} {k}" for k, v in counts.items())
            )
        t, out = timed(APP, str(large), PASSPHRASE, "tour")
        rss_mb = int(out[0]) / 1024
        helper_kib = helper_peak_kib(large)
        helper_mb = None if helper_kib is None else round(helper_kib / 1024)
        print(
            f"12 educators x 4 years: unlocked in {t * 1000:.0f} ms; peak RSS after visiting every screen "
            f"and searching {rss_mb:.0f} MB (goal < 150 MB); the unlock's key helper process (Argon2id): "
            + ("none, derived in the app" if helper_mb is None else f"{helper_mb} MB, for the derivation only")
        )
    for metric, value, goal, extra in (
        ("unlock_window_vs_bare_qt", window_med / bare_med, 1.5,
         {"window_ms": round(window_med * 1000), "bare_ms": round(bare_med * 1000), "cpu_ratio": cpu_ratio["window"]}),
        ("unlock_to_caseload_ms", statistics.median(beyond), 250,
         {"unlock_ms": round(statistics.median(unlock)), "argon2id_ms": round(statistics.median(argon)),
          "typing_s": TYPING_S}),
        ("startup_vs_bare_qt", app_med / bare_med, 3.0,
         {"app_ms": round(app_med * 1000), "bare_ms": round(bare_med * 1000), "cpu_ratio": cpu_ratio["app"],
          "floor_ms": round(floor_med * 1000), "floor_ratio": round(floor_med / bare_med, 2),
          "floor_cpu_ratio": cpu_ratio["floor"]}),
        ("peak_rss_mb_12x4", rss_mb, 150, {"key_helper_peak_mb": helper_mb}),
    ):
        print(json.dumps({"metric": metric, "value": round(value, 2), "goal": goal, **extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
