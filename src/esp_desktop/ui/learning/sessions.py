"""CT-led PD sessions (Program › CT-led PD sessions): goal, knowledge, practice, commitment and attendees. The
commitment of an attendee on the caseload counts in their needs profile and shows in their panel packet."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ..widgets.drafts import restorable
from ..widgets.fields import MessageBar, hint, pydate, record_table, select_row, stretch_column
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, tags_column
from ..widgets.tagpicker import TagField
from ..widgets.write import ui_write

ID_ROLE = Qt.ItemDataRole.UserRole + 2


class AttendeesTable(QWidget):
    """Attendees: caseload educators (linked, so their commitment feeds their needs profile) or other names."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = QTableWidget(0, 2)
        self.table.setAccessibleName("Attendees")
        self.table.setHorizontalHeaderLabels(["Attendee", "Commitment (what they will try)"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 180)
        self.table.setMinimumHeight(120)
        self.add_caseload = QPushButton(icon("user"), "Add from caseload")
        self.add_caseload.setAccessibleName("Add an attendee from the caseload")
        menu = QMenu(self.add_caseload)
        menu.aboutToShow.connect(lambda: self._fill(menu))
        self.add_caseload.setMenu(menu)
        self.add_other = QPushButton(icon("plus"), "Add other")
        self.add_other.setAccessibleName("Add an attendee who is not on the caseload")
        self.add_other.clicked.connect(lambda: self.add("", None))
        self.remove = QPushButton(icon("trash-2"), "Remove")
        self.remove.setAccessibleName("Remove the selected attendee")
        self.remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QHBoxLayout()
        for b in (self.add_caseload, self.add_other, self.remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(buttons)
        lay.addWidget(self.table)

    def _fill(self, menu: QMenu) -> None:
        menu.clear()
        items = (self.table.item(r, 0) for r in range(self.table.rowCount()))
        taken = {it.data(ID_ROLE) for it in items if it is not None}
        for e in self.ctx.svc.caseload.educators():
            if e.id not in taken and not e.archived:
                menu.addAction(e.display_name, lambda eid=e.id, n=e.display_name: self.add(n, eid))

    def add(self, name: str, educator_id: str | None, commitment: str = "") -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        who = QTableWidgetItem(name)
        who.setData(ID_ROLE, educator_id)
        if educator_id:  # the name comes from the caseload
            who.setFlags(who.flags() & ~Qt.ItemFlag.ItemIsEditable)
            who.setToolTip("On the caseload: the commitment counts in their needs profile")
        self.table.setItem(r, 0, who)
        self.table.setItem(r, 1, QTableWidgetItem(commitment))
        if not educator_id:
            self.table.editItem(who)

    def set_attendees(self, attendees: list[dict[str, Any]]) -> None:
        self.table.setRowCount(0)
        for a in attendees:
            self.add(a.get("name") or "", a.get("educator_id"), a.get("commitment") or "")

    def attendees(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.table.rowCount()):
            who, what = self.table.item(r, 0), self.table.item(r, 1)
            if who is None:
                continue
            out.append({"name": who.text(), "educator_id": who.data(ID_ROLE),
                        "commitment": what.text() if what is not None else ""})
        return out


@restorable("pd_session")
class SessionDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, session_id: str | None = None) -> None:
        sess = next((x for x in ctx.svc.learning.sessions() if x.id == session_id), None) if session_id else None
        super().__init__(ctx, "Edit PD session" if sess else "Record a PD session you led", parent, width=640)
        self.sess = sess
        self.title = self.line("&Title", sess.title if sess else "", name="Session title", required=True)
        self.held = self.date("&Held on", sess.held_on if sess else None, name="Held on")
        self.location = self.line("&Location", sess.location if sess else "", name="Location")
        self.goal = self.text("&Goal", sess.goal if sess else "", name="Session goal", height=60, required=True)
        self.knowledge = self.text("&Knowledge", sess.knowledge if sess else "", name="Knowledge", height=60)
        self.practice = self.text("&Practice", sess.practice if sess else "", name="Practice", height=60)
        self.commitment = self.text("&Commitment asked", sess.commitment if sess else "", name="Commitment",
                                    height=50)
        self.tags = TagField(ctx.svc.rubric)
        self.tags.setAccessibleName("Indicators and Essentials the session addresses")
        if sess is not None:
            self.tags.set_codes([*sess.indicator_codes, *sess.equity_codes])
        self.row("&Addresses", self.tags)
        self.people = AttendeesTable(ctx)
        if sess is not None:
            self.people.set_attendees(list(sess.attendees or []))
        self.row("Atte&ndees", self.people)
        self.resize(640, 860)

    def draft_args(self) -> dict[str, Any]:
        return {"session_id": self.sess.id if self.sess else None}

    def save(self, *, force: bool = False) -> Any:
        ind, eq = self.tags.codes()
        fields = dict(title=self.title.text(), held_on=pydate(self.held.date()), location=self.location.text() or None,
                      goal=self.goal.toPlainText(), knowledge=self.knowledge.toPlainText() or None,
                      practice=self.practice.toPlainText() or None,
                      commitment=self.commitment.toPlainText() or None, indicator_codes=ind, equity_codes=eq,
                      attendees=self.people.attendees())
        svc = self.ctx.svc.learning
        if self.sess is None:
            return svc.add_session(**fields)
        return svc.update_session(self.sess.id, unchanged_since=None if force else self.sess.updated_at, **fields)


class SessionsDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("CT-led PD sessions")
        self.resize(900, 480)
        self.message = MessageBar(self)
        self.model = RecordTableModel([
            Column("Date", lambda x: timefmt.iso_date(x.held_on)),
            Column("Session", lambda x: x.title, tooltip=lambda x: x.goal),
            tags_column("Addresses"),
            Column("Attendees", lambda x: str(len(x.attendees or []))),
            Column("On the caseload", lambda x: str(sum(1 for a in x.attendees or [] if a.get("educator_id")))),
        ], self)
        self.table = record_table("PD sessions", self.model)
        stretch_column(self.table, 1)
        self.table.activated.connect(lambda _i: self.edit())
        self.add_btn = QPushButton(icon("plus"), "&Record a session…")
        self.add_btn.setAccessibleName("Record a PD session")
        self.edit_btn = QPushButton(icon("pencil"), "&Edit…")
        self.edit_btn.setAccessibleName("Edit the selected session")
        self.remove_btn = QPushButton(icon("trash-2"), "&Remove")
        self.remove_btn.setAccessibleName("Remove the selected session")
        row = QHBoxLayout()
        for b, fn in ((self.add_btn, self.add), (self.edit_btn, self.edit), (self.remove_btn, self.remove)):
            b.clicked.connect(fn)
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(hint("Sessions you lead: goal, knowledge, practice and the commitment asked. What an attendee "
                           "on your caseload commits to counts in their needs profile (Learning tab)."))
        self.team = QLabel()
        self.team.setAccessibleName("Needs across your caseload")
        self.team.setWordWrap(True)
        lay.addWidget(self.team)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        lay.addWidget(close)
        ctx.storeChanged.connect(lambda ch: self.refresh() if ch.touches("pd_session") else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.services is None:
            return
        lrn = self.ctx.svc.learning
        self.model.set_records(lrn.sessions())
        team = lrn.team_needs()[:5]
        self.team.setText("<b>Needs across your caseload</b> (top three needs / priorities of each educator): "
                          + (" · ".join(f"{c} {n} ({k} / {p})" for c, n, k, p in team) or "none yet."))

    def selected(self) -> Any:
        x = self.model.record(self.table.currentIndex().row())
        if x is None:
            self.message.show_error("Select a session first.")
        return x

    def add(self) -> None:
        dlg = SessionDialog(self.ctx, self)
        dlg.saved.connect(lambda x: select_row(self.table, self.model.row_of(x.id)))
        dlg.open()

    def edit(self) -> None:
        x = self.selected()
        if x is not None:
            dlg = SessionDialog(self.ctx, self, x.id)
            dlg.saved.connect(lambda y: select_row(self.table, self.model.row_of(y.id)))
            dlg.open()

    def remove(self) -> None:
        x = self.selected()
        if x is not None:
            ui_write(self, lambda: self.ctx.svc.learning.remove_session(x.id), ctx=self.ctx,
                     report=self.message.show_error)
