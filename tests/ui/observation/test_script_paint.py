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


def test_the_script_model_answers_and_paints_like_a_record_table(qapp) -> None:
    """ScriptModel keeps each cell's roles in Qt's own items (painting calls no Python): every role a view asks
    for and the painted pixels are those of the generic record table with the script's columns; only the text is
    editable."""
    require(HAVE_QT, "PySide6 is needed for the UI tests")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyledItemDelegate

    from esp_desktop.core import timefmt
    from esp_desktop.ui.observation.script_model import TEXT_COLUMN, CachedChipDelegate, ScriptModel, offset_text
    from esp_desktop.ui.widgets.fields import record_table
    from esp_desktop.ui.widgets.record_model import (
        CHIPS_ROLE,
        ID_ROLE,
        RECORD_ROLE,
        Column,
        RecordTableModel,
        audience_column,
        tags_column,
    )

    at = datetime(2026, 11, 25, 15, tzinfo=UTC)
    notes = [SimpleNamespace(id=str(i), seq=i + 1, offset_seconds=40 * i + 3600 * (i == 7), at=at,
                             text=f"Line {i}: pairs" + " and a note long enough to wrap in the column" * (i % 3),
                             indicator_codes=["II-A", "I-B"][: i % 3], equity_codes=["EQ-4"] if i % 4 == 1 else [],
                             audience=("educator", "ct_private", "panel")[i % 3]) for i in range(14)]
    generic = RecordTableModel([
        Column("Time", lambda n: offset_text(n.offset_seconds), tooltip=lambda n: timefmt.screen_time(n.at, seconds=True)),
        Column("Note", lambda n: n.text), tags_column(), audience_column()])
    script = ScriptModel()
    script.on_edit = lambda note, text: None
    generic.set_records(notes[:10])
    script.set_records(notes[:10])
    for n in notes[10:]:  # typed lines
        generic.append(n)
        script.append(n)
    moved = SimpleNamespace(**{**vars(notes[2]), "indicator_codes": ["III-C"], "audience": "admin"})
    generic.replace(moved)  # a line tagged and shared
    script.replace(moved)

    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
             Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DecorationRole,
             CHIPS_ROLE, RECORD_ROLE, ID_ROLE]
    assert script.rowCount() == generic.rowCount() == 14 and script.columnCount() == 4
    assert script.records == generic.records
    for n in [*notes, SimpleNamespace(id="not-shown")]:  # the script's id index finds what a scan finds
        assert script.row_of(n.id) == generic.row_of(n.id)
    for r in range(14):
        for c in range(4):
            for role in roles:
                assert script.index(r, c).data(role) == generic.index(r, c).data(role), (r, c, role)
            editable = Qt.ItemFlag.ItemIsEditable if c == TEXT_COLUMN else Qt.ItemFlag.NoItemFlags
            assert script.flags(script.index(r, c)) == Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | editable
    assert [script.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == \
        [generic.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]

    def shot(model: object) -> object:
        view = record_table("Observation script", model)
        view.setWordWrap(True)
        plain = QStyledItemDelegate(view)
        for col in (0, TEXT_COLUMN):
            view.setItemDelegateForColumn(col, plain)
        view.setItemDelegate(CachedChipDelegate(view))
        view.resize(700, 380)
        view.show()
        view.resizeRowsToContents()
        view.selectRow(12)
        view.scrollToBottom()
        qapp.processEvents()
        return view.grab().toImage()

    assert shot(script) == shot(generic), "the same pixels"
    script.clear()  # (the script's, not QStandardItemModel's, which would also drop the headers)
    assert script.rowCount() == 0 and script.records == [] and script.headerData(1, Qt.Orientation.Horizontal) == "Note"
    assert script.row_of(notes[0].id) == -1
