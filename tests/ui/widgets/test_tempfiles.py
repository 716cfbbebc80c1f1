"""Decrypted attachment copies opened from the GUI do not outlive a crash (issue 16 item 19)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers.qt import need_qt

need_qt()
pytestmark = pytest.mark.qt

CHILD = r"""
import os, signal, sys
from esp_desktop.ui.widgets.tempfiles import OpenedCopies
copies = OpenedCopies()
path = copies.write("report card.pdf", b"decrypted content of an attachment")
print(path, flush=True)
if sys.argv[1] == "crash":
    os.kill(os.getpid(), signal.SIGKILL)  # no aboutToQuit, no atexit: the copy is left behind
sys.stdin.read()  # "alive": keeps running (and holding its folder) until the test closes stdin
"""


def _child(mode: str, tmp: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "TMPDIR": str(tmp), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_copies_left_by_a_crashed_run_are_removed_at_the_next_start(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    crashed, left = _child("crash", tmp_path)
    assert crashed.wait(60) == -signal.SIGKILL
    assert left.exists()
    alive, in_use = _child("alive", tmp_path)
    try:
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        from esp_desktop.ui.widgets.tempfiles import OpenedCopies

        mine = OpenedCopies()  # the next start
        assert not left.exists() and not left.parent.parent.exists()
        assert in_use.exists()  # another running app's copy is left alone
        mine.cleanup()
    finally:
        assert alive.stdin is not None
        alive.stdin.close()
        alive.wait(60)
