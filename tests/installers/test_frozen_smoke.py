"""The frozen build, end to end: build it with installers/build.py and run installers/smoke.sh on the tarball.

Slow (2-4 minutes), so it only runs when asked: ESP_TEST_FROZEN=1 (ESP_TEST_FROZEN=prebuilt uses an existing
dist/ tarball). CI runs the same two steps directly from .ci/run (`make dist`, `installers/smoke.sh`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODE = os.environ.get("ESP_TEST_FROZEN", "")

pytestmark = [
    pytest.mark.slow,
    # CI runs installers/smoke.sh itself right after `make test` (.ci/run), so the suite does not build twice.
    pytest.mark.skipif(not MODE, reason="ESP_TEST_FROZEN=1 builds and smoke-tests the frozen app"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="smoke.sh drives the Linux tarball"),
]


@pytest.mark.timeout(1200)
def test_frozen_build_smoke() -> None:
    if MODE != "prebuilt":
        subprocess.run([sys.executable, str(ROOT / "installers" / "build.py")], cwd=ROOT, check=True)
    proc = subprocess.run(["bash", str(ROOT / "installers" / "smoke.sh")], cwd=ROOT, capture_output=True,
                          text=True)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "0 failure(s)" in proc.stdout
