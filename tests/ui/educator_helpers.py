"""Shared helpers of the educator page tests (not in conftest.py, so other UI test folders stay independent).

Use with ``from educator_helpers import ctx, educator_named`` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PASSPHRASE, require

try:
    import pytestqt  # noqa: F401
    from PySide6 import QtWidgets  # noqa: F401

    HAVE_QT = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_QT = False


def open_context(data_dir: Path):  # noqa: ANN201
    """Unlock the store in data_dir and wrap it in an AppContext, as the shell does after unlock."""
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault
    from esp_desktop.ui.context import AppContext

    c = AppContext(data_dir)
    c.store = Vault(data_dir).unlock(PASSPHRASE)
    c.services = Services(c.store)
    return c


@pytest.fixture
def ctx(demo_dir: Path, request: pytest.FixtureRequest) -> Iterator:
    require(HAVE_QT, "PySide6 and pytest-qt are needed for the UI tests")
    request.getfixturevalue("qapp")
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    c = open_context(demo_dir)
    yield c
    c.services = None
    c.store.close()


def educator_named(ctx, given: str):  # noqa: ANN001, ANN201
    return next(e for e in ctx.svc.caseload.educators() if e.given_name == given)
