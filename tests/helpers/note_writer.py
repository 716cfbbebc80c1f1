"""Child process of the crash tests: add script lines as fast as the store commits them, until it is killed.

    python -m tests.helpers.note_writer DATA_DIR PASSPHRASE [CHECKPOINT_PACE]   (from the repository root)

Prints ``ready <observation id>``, then ``<lines committed> <checkpoints run>`` after each committed line.
``CHECKPOINT_PACE`` (seconds) sets how quiet the store must be, and how long at most, before a WAL checkpoint.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from esp_desktop.services import Services
from esp_desktop.store.vault import Vault
from tests.helpers.cases import enrolled
from tests.helpers.env import PASSPHRASE


def start(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    """This writer in a child process on the store in ``data_dir`` (its stdout piped)."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.note_writer", str(data_dir), PASSPHRASE, *args],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=root)


def main() -> None:
    store = Vault(sys.argv[1]).unlock(sys.argv[2])
    if len(sys.argv) > 3:
        store.checkpointer.pace(quiet=float(sys.argv[3]), longest=float(sys.argv[3]))
    svc = Services(store)
    o = svc.observations.start(educator_id=enrolled(svc, given_name="Crash", family_name="Test").id,
                               kind="unannounced")
    print("ready", o.id, flush=True)
    i = 0
    while True:
        i += 1
        svc.observations.add_note(observation_id=o.id, text=f"line {i}")
        print(i, store.checkpointer.done, flush=True)


if __name__ == "__main__":
    main()
