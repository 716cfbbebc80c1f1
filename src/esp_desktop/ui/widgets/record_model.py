"""A table model over a list of record snapshots (services return detached objects), described by columns.

Columns may render as text, as the record's audience badge, or as rubric tag chips; the chip delegate
(``ui.widgets.ChipDelegate``) paints the latter two from ``CHIPS_ROLE``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...core import policy
from ...core.enums import label
from .style import tone

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
CHIPS_ROLE = Qt.ItemDataRole.UserRole + 2  # list[(text, background colour)]
ID_ROLE = Qt.ItemDataRole.UserRole + 3

# One colour per audience, used everywhere a record shows who may read it.
AUDIENCE_COLORS = {
    "ct_private": "#6a3d9a",
    "educator": "#2e7d32",
    "panel": "#1f5fa8",
    "admin": "#a15c00",
}
TAG_COLOR = "#546e7a"
EQUITY_COLOR = "#00796b"

Index = QModelIndex | QPersistentModelIndex


def audience_chip(audience: str) -> tuple[str, str]:
    return label(audience), AUDIENCE_COLORS.get(audience, TAG_COLOR)


def audience_tooltip(audience: str) -> str:
    return f"Who may read this: {policy.who_may_read(audience)} (right-click or Menu key to change)"


def tag_chips(indicators: Sequence[str] = (), equity: Sequence[str] = ()) -> list[tuple[str, str]]:
    return [(c, TAG_COLOR) for c in indicators] + [(c, EQUITY_COLOR) for c in equity]


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any] = lambda r: ""
    kind: str = "text"  # text | audience | tags
    tooltip: Callable[[Any], str] | None = None
    decoration: Callable[[Any], Any] | None = None  # a QIcon (or None) shown before the text


def audience_column() -> Column:
    return Column("Audience", lambda r: label(r.audience), kind="audience")


def tags_column(title: str = "Tags") -> Column:
    return Column(title, lambda r: " ".join([*r.indicator_codes, *r.equity_codes]), kind="tags")


class RecordTableModel(QAbstractTableModel):
    def __init__(
        self, columns: Sequence[Column], parent: Any = None, late: Callable[[Any], bool] | None = None
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.records: list[Any] = []
        self.late = late

    # --- content -------------------------------------------------------------------------------------------
    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def clear(self) -> None:
        self.set_records([])

    def record(self, row: int) -> Any:
        return self.records[row] if 0 <= row < len(self.records) else None

    def row_of(self, record_id: str) -> int:
        return next((i for i, r in enumerate(self.records) if r.id == record_id), -1)

    def replace(self, record: Any) -> None:
        row = self.row_of(record.id)
        if row < 0:
            return
        self.records[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def append(self, record: Any) -> int:
        row = len(self.records)
        self.beginInsertRows(QModelIndex(), row, row)
        self.records.append(record)
        self.endInsertRows()
        return row

    # --- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rec, col = self.records[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            v = col.value(rec)
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tooltip:
                return col.tooltip(rec)
            if col.kind == "audience":
                return audience_tooltip(rec.audience)
            return None
        if role == CHIPS_ROLE:
            if col.kind == "audience":
                return [audience_chip(rec.audience)]
            if col.kind == "tags":
                return tag_chips(getattr(rec, "indicator_codes", ()), getattr(rec, "equity_codes", ()))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and self.late and self.late(rec):
            return QColor(tone("late"))
        if role == Qt.ItemDataRole.DecorationRole and col.decoration:
            return col.decoration(rec)
        if role == RECORD_ROLE:
            return rec
        if role == ID_ROLE:
            return rec.id
        return None
