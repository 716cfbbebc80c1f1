"""The unlock opens the key file in a short-lived helper process (store/keyhelper.py, issue 15): the same data key
as in the app, a wrong passphrase refused the same way, and the app still opens when the helper is missing, dies
or answers nonsense (then the key file is opened in the app, as before)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from esp_desktop.core.errors import WrongPassphrase
from esp_desktop.store import keyhelper, keys

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "helper test passphrase"


@pytest.fixture(scope="module")
def keyfile() -> tuple[keys.KeyFile, bytes]:
    data_key = keys.new_data_key()
    return keys.wrap_key(data_key, PASSPHRASE, store_id="helper-test"), data_key


@pytest.fixture
def no_derivation_here(monkeypatch):
    """Argon2id in this process fails the test: the answer must come from the helper."""
    def refuse(*_a, **_k):
        raise AssertionError("derived in the app, not in the helper")

    monkeypatch.setattr(keys, "derive_key", refuse)


@pytest.fixture(autouse=True)
def _no_helper_left():
    yield
    proc, keyhelper._waiting = keyhelper._waiting, None
    if proc is not None:
        proc.kill()
        proc.wait()


def test_the_helper_opens_the_key_file(keyfile, no_derivation_here) -> None:
    kf, data_key = keyfile
    assert keys.unwrap_key(kf, PASSPHRASE, in_helper=True) == data_key


def test_a_started_helper_waits_and_answers_once(keyfile, no_derivation_here) -> None:
    kf, data_key = keyfile
    keyhelper.start()
    first = keyhelper._waiting
    keyhelper.start()  # typing on: still the same helper
    assert first is not None and keyhelper._waiting is first
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key
    assert first.returncode == 0 and keyhelper._waiting is None  # it exited; the next unlock starts another


def test_a_wrong_passphrase_is_refused(keyfile, no_derivation_here) -> None:
    kf, _ = keyfile
    with pytest.raises(WrongPassphrase):
        keys.unwrap_key(kf, "not the passphrase", in_helper=True)


def test_nothing_secret_on_the_command_line_or_in_the_environment(keyfile, monkeypatch) -> None:
    kf, data_key = keyfile
    seen: list = []
    real = subprocess.Popen

    def recording(args, **kw):
        seen.append((args, kw.get("env")))
        return real(args, **kw)

    monkeypatch.setattr(keyhelper.subprocess, "Popen", recording)
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key
    (args, env), = seen
    assert env is None and not any(PASSPHRASE in a or data_key.hex() in a for a in args)
    assert PASSPHRASE not in " ".join(f"{k}={v}" for k, v in os.environ.items())


def test_a_missing_helper_opens_the_key_file_in_the_app(keyfile, monkeypatch) -> None:
    kf, data_key = keyfile
    monkeypatch.setattr(keyhelper, "command", lambda: ["/nonexistent/esp-desktop-helper"])
    keyhelper.start()
    assert keyhelper._waiting is None
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key
    with pytest.raises(WrongPassphrase):
        keyhelper.unwrap_key(kf, "not the passphrase")


def test_a_helper_killed_while_waiting_is_replaced(keyfile, no_derivation_here) -> None:
    kf, data_key = keyfile
    keyhelper.start()
    waiting = keyhelper._waiting
    assert waiting is not None
    waiting.send_signal(signal.SIGKILL)
    waiting.wait()
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key


@pytest.mark.parametrize("dies", [
    "import os, sys; sys.stdin.readline(); os.kill(os.getpid(), 9)",  # killed while deriving
    "import sys; sys.stdin.readline(); print('not a key')",  # answers nonsense
    "import sys; sys.stdin.readline(); print('ab' * 32); sys.exit(3)",  # a key, but it failed
    "import sys, time; sys.stdin.readline(); time.sleep(3600)",  # stuck (without the limit: test timeout)
])
def test_a_helper_that_dies_or_garbles_falls_back_to_the_app(keyfile, monkeypatch, dies) -> None:
    kf, data_key = keyfile
    monkeypatch.setattr(keyhelper, "command", lambda: [sys.executable, "-c", dies])
    monkeypatch.setattr(keyhelper, "ANSWER_TIMEOUT_S", 2.0)
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key
    with pytest.raises(WrongPassphrase):
        keyhelper.unwrap_key(kf, "not the passphrase")


def test_a_helper_never_asked_exits_when_the_app_goes() -> None:
    keyhelper.start()
    proc, keyhelper._waiting = keyhelper._waiting, None
    assert proc is not None and proc.stdin is not None
    proc.stdin.close()  # the app quit, or unlocked from the keyring
    assert proc.wait(timeout=60) == 0


def test_out_of_range_parameters_fail_before_any_helper(keyfile) -> None:
    kf, _ = keyfile
    bad = keys.KeyFile.from_json(kf.to_json())
    bad.kdf = {**bad.kdf, "memory_cost": 2**31}
    with pytest.raises(keys.StoreCorrupt):
        keyhelper.unwrap_key(bad, PASSPHRASE)
    assert keyhelper._waiting is None


def test_the_frozen_app_runs_the_helper_through_its_launcher(keyfile, monkeypatch, no_derivation_here) -> None:
    """Frozen, the helper is the app's own executable with HELPER_FLAG: installers/launcher.py, the frozen entry
    script, must answer it without starting the app."""
    kf, data_key = keyfile
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert keyhelper.command() == [sys.executable, keyhelper.HELPER_FLAG]
    monkeypatch.setattr(keyhelper, "command", lambda: [sys.executable, str(ROOT / "installers" / "launcher.py"),
                                                       keyhelper.HELPER_FLAG])
    assert keyhelper.unwrap_key(kf, PASSPHRASE) == data_key
