"""Table model over ``services.caseload.caseload()`` rows and a filter proxy (site, program, status, text)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.enums import label
from ...services import CaseloadRow
from ..widgets.style import LATE, themed

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Name", "Program", "Status", "Sites", "Plan type", "Next due", "Late")
ModelIndex = QModelIndex | QPersistentModelIndex


class CaseloadModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.rows: list[CaseloadRow] = []
        self._texts: list[tuple[str, ...]] = []  # each row's cells, worked out once per reload
        self.plan_name = lambda code: code or ""  # set to the rubric's plan-type names by the page

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        # Qt asks for every visible cell many times (painting, measuring columns, sorting): the texts are made
        # here once rather than on each of those calls.
        self._texts = [tuple(self._text(r, c) for c in range(len(COLUMNS))) for r in self.rows]
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _text(self, r: CaseloadRow, col: int) -> str:
        en = r.enrolment
        match col:
            case 0:
                return r.educator.display_name
            case 1:
                return label(en.program) if en else "Not referred"
            case 2:
                status = label(en.status) if en else ""
                return f"{status} · archived" if r.educator.archived else status
            case 3:
                return ", ".join(r.site_names)
            case 4:
                return self.plan_name(r.plan_type) if r.plan_type else ""
            case 5:
                return f"{r.next_due:%d %b} · {r.next_due_label}" if r.next_due else ""
            case 6:
                return "Late" if r.late else ""
        return ""

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid() or index.row() >= len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._texts[index.row()][col]
        if role == Qt.ItemDataRole.ForegroundRole and r.late and col in (5, 6):
            return QBrush(QColor(themed(LATE)))
        if role == Qt.ItemDataRole.FontRole and col == 6 and r.late:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and col in (5, 6) and r.next_due:
            return f"{r.next_due_label} {'was' if r.late else 'is'} due {r.next_due:%A %d %B %Y}"
        if role == ID_ROLE:
            return r.educator.id
        if role == ROW_ROLE:
            return r
        if role == SORT_ROLE:
            if col == 0:
                return (r.educator.family_name.casefold(), r.educator.given_name.casefold())
            if col == 5:
                return r.next_due or date.max
            if col == 6:
                return 0 if r.late else 1
            return self._texts[index.row()][col].casefold()
        return None


# The roles ``data`` answers; the view asks for a dozen others per cell (size hints, alignment, check state...).
_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole, ID_ROLE, ROW_ROLE, SORT_ROLE,
})


class CaseloadFilter(QSortFilterProxyModel):
    """Filters by site name, program and status (None = any) and a free text on the name."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.site: str | None = None
        self.program: str | None = None
        self.status: str | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, **kw: Any) -> None:
        if not hasattr(self, "endFilterChange"):  # Qt < 6.10
            for k, v in kw.items():
                setattr(self, k, v)
            self.invalidateFilter()
            return
        self.beginFilterChange()  # Qt 6.10+: replaces the deprecated invalidateFilter()
        for k, v in kw.items():
            setattr(self, k, v)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)  # type: ignore[attr-defined]  # Qt 6.10+ only

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:  # noqa: N802
        r: CaseloadRow = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if r is None:
            return False
        en = r.enrolment
        if self.site and self.site not in r.site_names:
            return False
        if self.program and (en is None or en.program != self.program):
            return False
        if self.status and (en is None or en.status != self.status):
            return False
        return not self.text or self.text.casefold() in r.educator.display_name.casefold()
