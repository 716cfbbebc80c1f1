"""Shared fixtures: fresh encrypted stores (empty or with the demo caseload), fast.

Argon2id and the demo build are paid once per test session: a template store is built once and copied.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.env import PASSPHRASE, TEST_DAY

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The live esp-central fixtures (`served`, `pg_cluster`) serve the server, sync and UI sync tests.
pytest_plugins = ["tests.helpers.server_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _test_clock() -> Iterator[None]:
    """Every test process reads one clock (``core/clock.py``): 10:00 local time on ``TEST_DAY``, ticking on."""
    from esp_desktop.core import clock

    with clock.use(clock.FixedClock.on(TEST_DAY, hour=10, running=True)):
        yield


@pytest.fixture(scope="session")
def _template_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from esp_desktop.services import Services
    from esp_desktop.services.demo import load_demo
    from esp_desktop.store.vault import Vault

    root = tmp_path_factory.mktemp("templates")
    empty = root / "empty"
    Vault(empty).create(PASSPHRASE).close()
    demo = root / "demo"
    s = Vault(demo).create(PASSPHRASE)
    load_demo(Services(s))
    s.close()
    return {"empty": empty, "demo": demo}


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.fixture
def data_dir(tmp_path: Path, _template_stores: dict[str, Path]) -> Path:
    """A data folder holding a fresh, empty encrypted store (passphrase: PASSPHRASE)."""
    return _copy(_template_stores["empty"], tmp_path / "data")


@pytest.fixture
def demo_dir(tmp_path: Path, _template_stores: dict[str, Path]) -> Path:
    """A data folder holding the demo caseload."""
    return _copy(_template_stores["demo"], tmp_path / "demo")


@pytest.fixture
def store(data_dir: Path) -> Iterator:
    from esp_desktop.store.vault import Vault

    s = Vault(data_dir).unlock(PASSPHRASE)
    yield s
    s.close()


@pytest.fixture
def svc(store):
    from esp_desktop.services import Services

    return Services(store)


@pytest.fixture
def demo_svc(demo_dir: Path) -> Iterator:
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault

    s = Vault(demo_dir).unlock(PASSPHRASE)
    yield Services(s)
    s.close()
