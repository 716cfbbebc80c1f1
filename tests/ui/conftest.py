"""UI test fixtures: an unlocked context over the demo store; global switches reset after every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.env import IN_CI, require
from tests.helpers.qt import HAVE_QT, cancel_pending_modals, open_context

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Qt, every UI test is skipped (not an error over a missing ``qtbot``); under CI=true they fail."""
    if HAVE_QT or IN_CI:
        return
    skip = pytest.mark.skip(reason="PySide6 and pytest-qt are needed for the UI tests")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _ui_switches_reset() -> Iterator[None]:
    """``tasks.SYNCHRONOUS`` back to its value, and no ``on_modal`` handler left waiting, after every test."""
    if not HAVE_QT:
        yield
        return
    from esp_desktop.ui.widgets import tasks

    synchronous = tasks.SYNCHRONOUS
    try:
        yield
        waiting = cancel_pending_modals()
        assert not waiting, f"{len(waiting)} on_modal handler(s) never saw a dialog"
    finally:
        cancel_pending_modals()
        tasks.SYNCHRONOUS = synchronous


@pytest.fixture
def ctx(demo_dir: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The demo store unlocked in an AppContext (as the shell has it after unlock); background work inline."""
    require(HAVE_QT, "PySide6 and pytest-qt are needed for the UI tests")
    request.getfixturevalue("qapp")
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    c = open_context(demo_dir)
    yield c
    c.services = None
    c.store.close()
