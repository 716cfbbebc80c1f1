"""Run a probe script in a fresh interpreter (what a real start-up imports cannot be seen from inside pytest)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers.env import PASSPHRASE


def run_probe(probe: str, data_dir: Path) -> dict[str, Any]:
    """Run ``probe`` offscreen on ``data_dir`` (argv: folder, passphrase) and return the JSON of its last
    ``PROBE {...}`` line; fails with the child's stderr when it crashed or printed none."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe, str(data_dir), PASSPHRASE], capture_output=True, text=True,
                          env=env, timeout=120)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("PROBE ")]
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    return json.loads(lines[-1][len("PROBE "):])


def loaded_early(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules in ``modules`` that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))
