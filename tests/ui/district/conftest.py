"""District bridge UI fixtures: ``ctx`` here is an unlocked context over an EMPTY store (the tests build their
case through the services, as a CT starting a year would)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.qt import open_context


@pytest.fixture
def ctx(data_dir: Path, qapp: Any) -> Iterator[Any]:
    from esp_desktop.ui.widgets import tasks

    tasks.SYNCHRONOUS = True
    c = open_context(data_dir)
    yield c
    c.services = None
    c.store.close()
