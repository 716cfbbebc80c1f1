"""The script's cached chip painting looks exactly like the shared chip delegate (issue 15 made it cheaper)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.helpers.env import require
from tests.helpers.qt import HAVE_QT

pytestmark = pytest.mark.qt


def test_cached_chips_paint_the_same_pixels_as_the_chip_delegate(qapp) -> None:
    require(HAVE_QT, "PySide6 is needed for the UI tests")
    from esp_desktop.ui.observation.script_model import CachedChipDelegate, ScriptModel
    from esp_desktop.ui.widgets.fields import ChipDelegate, record_table

    model = ScriptModel()
    at = datetime(2026, 11, 25, 15, tzinfo=UTC)
    model.set_records([
        SimpleNamespace(id=str(i), seq=i + 1, offset_seconds=40 * i, at=at, text=f"Line {i}: students in pairs.",
                        indicator_codes=["II-A", "I-B"][: i % 3], equity_codes=["EQ-4"] if i % 4 == 1 else [],
                        audience="educator" if i % 5 == 2 else "ct_private")
        for i in range(12)
    ])
    view = record_table("Observation script", model)
    view.resize(700, 380)
    view.show()
    view.selectRow(3)

    def shot(delegate: object) -> object:
        view.setItemDelegate(delegate)
        qapp.processEvents()
        return view.grab().toImage()

    plain = shot(ChipDelegate(view))
    cached = CachedChipDelegate(view)
    assert shot(cached) == plain, "first paint (pixmaps made)"
    assert cached._pixmaps, "the chips were cached"
    assert shot(cached) == plain, "second paint (from the cache)"
    view.selectRow(5)
    selected_elsewhere = shot(ChipDelegate(view))
    assert shot(cached) == selected_elsewhere, "selection is drawn beneath the cached chips"
