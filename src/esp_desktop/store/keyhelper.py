"""The passphrase opens the key file in a short-lived helper process, so the app never holds Argon2id's 64 MiB
(nor loads `cryptography` before something needs it) (issue 15).

The unlock screen starts a helper while the CT types (``start``); it loads Argon2id and AES-GCM and waits. On
Enter, ``unwrap_key`` sends the passphrase and the key file down the helper's stdin pipe; the helper runs
``keys.unwrap_key`` (the same code, parameters and checks as in the app), answers the data key, or that the
passphrase is wrong, on its stdout, and exits. If no helper can be started, or it dies or answers nonsense, the
key file is opened in this process as before: more memory held here, never a failed unlock.

Nothing secret is on a command line, in the environment or on disk; docs/architecture.md ("Key derivation in a
helper process") has the security review. The helper is `python -m esp_desktop.store.keyhelper` in a source
install and the frozen app started with ``HELPER_FLAG`` (installers/launcher.py) in a built one.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading

from ..core.errors import WrongPassphrase
from . import keys

log = logging.getLogger(__name__)

HELPER_FLAG = "--esp-key-helper"  # the frozen app's argument that makes it a helper (installers/launcher.py)

_lock = threading.Lock()
# Argon2id with the store's parameters takes well under a second; a helper silent this long is stuck (stopped,
# swapped out), and the unlock must not wait on it for ever: the app then opens the key file itself.
ANSWER_TIMEOUT_S = 60.0
_waiting: subprocess.Popen[bytes] | None = None  # a helper started ahead, its code loaded, awaiting a passphrase


def command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller: the app's own executable, which has no `-m`
        return [sys.executable, HELPER_FLAG]
    return [sys.executable, "-m", "esp_desktop.store.keyhelper"]


def start() -> None:
    """Start a helper now, if none is waiting, so its code has loaded by the time the CT presses Enter."""
    global _waiting
    with _lock:
        if _waiting is not None and _waiting.poll() is None:
            return
        _waiting = _spawn()


def _spawn() -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        log.warning("key helper could not start (%s); deriving in the app", type(exc).__name__)
        return None


def _take() -> subprocess.Popen[bytes] | None:
    """The waiting helper (started now if there is none); each helper answers once."""
    global _waiting
    with _lock:
        proc, _waiting = _waiting, None
    if proc is None or proc.poll() is not None:
        proc = _spawn()
    return proc


def unwrap_key(kf: keys.KeyFile, passphrase: str) -> bytes:
    """``keys.unwrap_key`` run in a helper process (in this one if the helper fails): the data key, or
    ``WrongPassphrase``."""
    keys.check_kdf(kf.kdf)  # out-of-range parameters fail here, in plain words, not as a helper failure
    proc = _take()
    answer = _ask(proc, passphrase, kf) if proc is not None else None
    if answer == "wrong":
        raise WrongPassphrase()
    if answer is not None:
        return bytes.fromhex(answer)
    return keys.unwrap_key(kf, passphrase)


def _ask(proc: subprocess.Popen[bytes], passphrase: str, kf: keys.KeyFile) -> str | None:
    """The helper's answer: "wrong", or 32 bytes as hex; None if it failed."""
    request = json.dumps({"passphrase": passphrase, "keyfile": kf.to_json()})
    try:
        out, _err = proc.communicate(request.encode("utf-8") + b"\n", timeout=ANSWER_TIMEOUT_S)
        answer = out.decode("ascii").strip()
        if proc.returncode == 0 and (answer == "wrong" or len(bytes.fromhex(answer)) == 32):
            return answer
        log.warning("key helper failed (exit code %s); opening the key file in the app", proc.returncode)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:  # a broken pipe (it died), not a key, stuck
        log.warning("key helper failed (%s); opening the key file in the app", type(exc).__name__)
    proc.kill()
    proc.wait()
    return None


def main() -> int:
    """The helper: one request on stdin, the data key as hex (or "wrong") on stdout, exit. EOF first (the app
    unlocked another way, or quit) is a normal exit."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash here leaves no core file with the passphrase
    except (ImportError, ValueError, OSError):  # Windows has no core files to turn off
        pass
    # loaded before the passphrase comes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: F401
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401

    line = sys.stdin.buffer.readline()
    if not line:
        return 0
    request = json.loads(line)
    try:
        key = keys.unwrap_key(keys.KeyFile.from_json(request["keyfile"]), request["passphrase"])
    except WrongPassphrase:
        sys.stdout.write("wrong\n")
    else:
        sys.stdout.write(key.hex() + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
