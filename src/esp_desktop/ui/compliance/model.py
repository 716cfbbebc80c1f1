"""Item models of the compliance dashboard (QStandardItemModel: a tree of cycles and their due items)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from ...core import timefmt
from ...core.enums import label
from ...services import CycleCompliance, DueItem
from ..widgets.style import LATE, MUTED, OK, WARN, themed

OPEN_ROLE = Qt.ItemDataRole.UserRole + 1  # (record_type, record_id) to open on activation
STATE_TEXT = {"late": "Late", "due_soon": "Due soon", "upcoming": "Upcoming", "done": "Done"}
STATE_COLOUR = {"late": LATE, "due_soon": WARN, "upcoming": MUTED, "done": OK}
COMPLIANCE_COLUMNS = (
    "Educator / item",
    "Late",
    "Announced",
    "Unannounced",
    "Next due",
    "Formative due",
    "Summative due",
    "Plan",
)
CONTACT_COLUMNS = ("Educator", "Program", "Last contact", "Last visit", "Days since visit")
VISIT_WARN_DAYS = 30


def _d(d: date | None) -> str:
    return timefmt.screen_date(d)  # the screens' one date format (core/timefmt.py)


def _item(
    text: str,
    *,
    target: tuple[str, str] | None = None,
    colour: str | None = None,
    bold: bool = False,
    sort: int | str | None = None,
) -> QStandardItem:
    it = QStandardItem(text)
    it.setEditable(False)
    if target:
        it.setData(target, OPEN_ROLE)
    if colour:
        it.setForeground(QBrush(QColor(themed(colour))))
    if bold:
        f = QFont()
        f.setBold(True)
        it.setFont(f)
    if sort is not None:
        it.setData(sort, Qt.ItemDataRole.UserRole + 2)
    return it


def _due(item: DueItem | None) -> str:
    return f"{item.label} · {_d(item.due_on)}" if item else "All done"


def _target(i: DueItem) -> tuple[str, str]:
    if i.record_id:
        return ("observation" if i.what == "observation" else "assessment", i.record_id)
    return ("educator", i.educator_id)


def _counts(done: int, required: int, target: tuple[str, str]) -> QStandardItem:
    return _item(f"{done} / {required}", target=target, colour=OK if done >= required else None)


def _doc(i: DueItem | None) -> QStandardItem:
    if i is None:
        return _item("")
    text = f"Done {_d(i.done_on)}" if i.state == "done" else _d(i.due_on)
    return _item(
        text, target=_target(i), colour=STATE_COLOUR[i.state] if i.state in ("late", "done") else None
    )


def fill_compliance(model: QStandardItemModel, rows: list[CycleCompliance], plan_name) -> None:  # noqa: ANN001
    model.clear()
    model.setHorizontalHeaderLabels(list(COMPLIANCE_COLUMNS))
    for cc in rows:
        c = cc.cycle
        name = cc.items[0].educator_name if cc.items else ""
        to_educator = ("educator", c.educator_id)
        nd = cc.next_due
        by_what = {i.what: i for i in cc.items if i.what in ("formative", "summative")}
        late = cc.late

        parent = _item(name, target=to_educator, bold=True)
        row = [
            parent,
            _item(f"{len(late)} late" if late else "", target=to_educator, colour=LATE, bold=bool(late)),
            _counts(cc.announced_done, cc.announced_required, to_educator),
            _counts(cc.unannounced_done, cc.unannounced_required, to_educator),
            _item(
                _due(nd),
                target=_target(nd) if nd else to_educator,
                colour=LATE if nd and nd.state == "late" else None,
            ),
            _doc(by_what.get("formative")),
            _doc(by_what.get("summative")),
            _item(plan_name(c.plan_type), target=to_educator),
        ]
        for i in cc.items:
            colour = STATE_COLOUR[i.state]
            when = f"done {_d(i.done_on)}" if i.done_on else f"due {_d(i.due_on)}"
            parent.appendRow(
                [
                    _item(i.label, target=_target(i)),
                    _item(STATE_TEXT[i.state], target=_target(i), colour=colour, bold=i.state == "late"),
                    _item(""),
                    _item(""),
                    _item(when, target=_target(i), colour=colour),
                    _item(""),
                    _item(""),
                    _item(""),
                ]
            )
        model.appendRow(row)


def fill_contacts(model: QStandardItemModel, rows: list, summary: dict) -> None:
    """``rows``: caseload rows (educator + enrolment); ``summary``: compliance.contact_summary()."""
    model.clear()
    model.setHorizontalHeaderLabels(list(CONTACT_COLUMNS))
    for r in rows:
        e, en = r.educator, r.enrolment
        cs = summary.get(e.id)
        days = cs.days_since_visit if cs else None
        target = ("educator", e.id)
        model.appendRow(
            [
                _item(e.display_name, target=target),
                _item(label(en.program) if en else "", target=target),
                _item(_d(cs.last_contact_on) if cs else "", target=target),
                _item(_d(cs.last_visit_on) if cs else "", target=target),
                _item(
                    "No visit yet" if days is None else str(days),
                    target=target,
                    colour=WARN if days is None or days > VISIT_WARN_DAYS else None,
                    sort=10**6 if days is None else days,
                ),
            ]
        )
