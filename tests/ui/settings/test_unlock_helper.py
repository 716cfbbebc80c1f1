"""The unlock screen has the key file opened by a helper process (store/keyhelper.py, issue 15): typing starts
it, Enter uses it, a wrong passphrase is refused as before and typing again starts a fresh one."""

from __future__ import annotations

import pytest

from tests.helpers.env import PASSPHRASE
from tests.helpers.qt import need_qt

need_qt()

from PySide6.QtCore import Qt  # noqa: E402

from tests.helpers.qt import make_window  # noqa: E402

pytestmark = pytest.mark.qt


def test_typing_starts_the_key_helper_and_enter_uses_it(qtbot, demo_dir, monkeypatch):
    from esp_desktop.store import keyhelper, keys

    def refuse(*_a, **_k):
        raise AssertionError("Argon2id ran in the app, not in the helper")

    monkeypatch.setattr(keys, "derive_key", refuse)
    win = make_window(qtbot, demo_dir)
    field = win.unlock_screen.passphrase
    qtbot.keyClicks(field, "not the passphrase")
    first = keyhelper._waiting
    assert first is not None and first.poll() is None, "a helper waits while the CT types"
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong passphrase" in win.unlock_screen.error.text(), timeout=60_000)
    assert first.returncode == 0 and win.ctx.services is None

    field.clear()
    qtbot.keyClicks(field, PASSPHRASE)
    second = keyhelper._waiting
    assert second is not None and second is not first
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.ctx.services is not None, timeout=60_000)
    assert second.returncode == 0 and keyhelper._waiting is None
