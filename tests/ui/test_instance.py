"""One app window per data folder: a second start brings the first window forward instead of opening a second
writable window; a folder left locked by a process that died is taken over cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt
CHILD = str(Path(__file__).resolve().parents[1] / "helpers" / "instance_child.py")


def _child(data_dir: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, CHILD, str(data_dir), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_a_second_start_brings_the_first_window_forward(qtbot, data_dir, tmp_path) -> None:
    from esp_desktop.ui.app import setup_application
    from esp_desktop.ui.context import AppContext
    from esp_desktop.ui.instance import InstanceGuard
    from esp_desktop.ui.mainwindow import MainWindow

    setup_application()
    first = InstanceGuard(data_dir)
    assert first.acquire()
    win = MainWindow(AppContext(data_dir))
    qtbot.addWidget(win)
    win.showMinimized()
    first.showRequested.connect(win.bring_forward)
    asked: list[bool] = []
    first.showRequested.connect(lambda: asked.append(True))
    second = elsewhere = None
    try:
        second = _child(data_dir, "start")
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)  # the event loop answers meanwhile
        out, err = second.communicate()
        assert second.returncode == 0, err
        assert "SECOND WINDOW" not in out, "a second writable window was opened on the same folder"
        assert "already open" in err and asked == [True]
        assert not win.isMinimized() and "already open here" in win.statusBar().currentMessage()

        elsewhere = _child(tmp_path / "other-folder", "start")  # another data folder is not blocked
        qtbot.waitUntil(lambda: elsewhere.poll() is not None, timeout=60_000)
        assert "SECOND WINDOW" in elsewhere.communicate()[0]
    finally:
        for p in (second, elsewhere):
            if p is not None and p.poll() is None:
                p.kill()  # never leave a hung child behind
        first.release()


def test_a_lock_left_by_a_dead_process_is_taken_over(qtbot, data_dir) -> None:
    from esp_desktop.ui.app import setup_application
    from esp_desktop.ui.instance import InstanceGuard

    setup_application()
    holder = _child(data_dir, "hold")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # a crash: no unlock, the lock file stays behind
        holder.wait(timeout=30)
    assert (data_dir / "esp-desktop.lock").exists()
    guard = InstanceGuard(data_dir)
    try:
        assert guard.acquire(), "the stale lock of a process that is gone is taken over"
    finally:
        guard.release()
