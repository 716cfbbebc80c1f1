"""Coaching log and contact log tabs."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QPlainTextEdit, QSpinBox

from ...core import clock
from ...core.enums import CoachingKind, ContactMode, PersonRole, label
from ...core.rubric import load_rubric
from ..widgets.fields import date_edit, enum_combo, hint, pydate, qdate, set_combo, stretch_column
from ..widgets.record_model import Column, audience_column, tags_column
from ..widgets.tagpicker import TagField
from .record_tab import RecordTab


def _text(name: str, height: int = 110) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMaximumHeight(height)
    return t


class CoachingTab(RecordTab):
    record_type = "coaching"
    noun = "coaching entry"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        stretch_column(self.table, 3)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda a: a.held_on.isoformat()),
            Column("Activity", lambda a: label(a.kind)),
            Column("Minutes", lambda a: a.minutes),
            Column("Notes", lambda a: (a.notes or "").replace("\n", " "), tooltip=lambda a: a.notes or ""),
            tags_column(),
            audience_column(),
        ]

    def build_form(self, form: QFormLayout) -> None:
        self.kind = enum_combo("Coaching activity", [k.value for k in CoachingKind])
        self.held_on = date_edit("Held on")
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.notes = _text("Coaching notes")
        self.resources = _text("Resources shared", 70)
        self.tags = TagField(self.ctx.services.rubric if self.ctx.services else load_rubric())
        for text, w in (
            ("Activity", self.kind),
            ("Date", self.held_on),
            ("Minutes", self.minutes),
            ("Notes", self.notes),
            ("Resources", self.resources),
            ("Indicators && equity", self.tags),
        ):
            form.addRow(text, w)

    def fill(self, rec: Any) -> None:
        set_combo(self.kind, rec.kind if rec else "co_planning")
        self.held_on.setDate(qdate(rec.held_on if rec else clock.today()))
        self.minutes.setValue(rec.minutes if rec else 45)
        self.notes.setPlainText(rec.notes or "" if rec else "")
        self.resources.setPlainText(rec.resources or "" if rec else "")
        self.tags.set_codes([*rec.indicator_codes, *rec.equity_codes] if rec else [])

    def fetch(self, educator_id: str) -> list[Any]:
        return self.ctx.svc.coaching.for_educator(educator_id)

    def _values(self) -> dict[str, Any]:
        ind, eq = self.tags.codes()
        return {
            "kind": str(self.kind.currentData()),
            "held_on": pydate(self.held_on.date()),
            "minutes": self.minutes.value(),
            "notes": self.notes.toPlainText() or None,
            "resources": self.resources.toPlainText() or None,
            "indicator_codes": ind,
            "equity_codes": eq,
        }

    def create_record(self, educator_id: str, audience: str) -> Any:
        return self.ctx.svc.coaching.log(educator_id=educator_id, audience=audience, **self._values())

    def update_record(self, rec: Any, *, force: bool = False) -> Any:
        return self.ctx.svc.coaching.update(rec.id, unchanged_since=None if force else rec.updated_at,
                                            **self._values())


class ContactsTab(RecordTab):
    """Conversations with administrators, coaches and others about this educator. A logged contact is a record
    of what was said: it is not edited afterwards (only who may read it can change)."""

    record_type = "contact"
    noun = "contact"
    default_audience = "ct_private"
    editable_existing = False

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        stretch_column(self.table, 4)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda c: c.contacted_on.isoformat()),
            Column("With", lambda c: c.person_name),
            Column("Role", lambda c: label(c.person_role) if c.person_role else ""),
            Column("Mode", lambda c: label(c.mode)),
            Column("Summary", lambda c: c.summary.replace("\n", " "), tooltip=lambda c: c.summary),
            audience_column(),
        ]

    def build_form(self, form: QFormLayout) -> None:
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setAccessibleName("Person")
        edit = self.person.lineEdit()
        assert edit is not None  # an editable combo always has one
        edit.setPlaceholderText("Name")
        self.role = enum_combo("Role", ["", *[r.value for r in PersonRole]], {"": "(not set)"})
        self.contacted_on = date_edit("Contacted on")
        self.mode = enum_combo("Contact mode", [m.value for m in ContactMode])
        self.summary = _text("Contact summary", 140)
        for text, w in (
            ("With", self.person),
            ("Role", self.role),
            ("Date", self.contacted_on),
            ("Mode", self.mode),
            ("Summary", self.summary),
        ):
            form.addRow(text, w)
        form.addRow(hint("Contacts are CT-private by default. A saved contact is not edited later."))
        self.person.activated.connect(self._person_picked)

    def _person_picked(self, index: int) -> None:
        p = self.person.itemData(index)
        if p is not None:
            set_combo(self.role, p.role)

    def fill(self, rec: Any) -> None:
        if self.ctx.services is not None and self.person.count() == 0:
            for p in self.ctx.svc.caseload.people():
                self.person.addItem(p.name, p)
        self.person.setEditText(rec.person_name if rec else "")
        set_combo(self.role, (rec.person_role or "") if rec else "")
        self.contacted_on.setDate(qdate(rec.contacted_on if rec else clock.today()))
        set_combo(self.mode, rec.mode if rec else "in_person")
        self.summary.setPlainText(rec.summary if rec else "")
        for w in (self.person, self.role, self.contacted_on, self.mode):
            w.setEnabled(rec is None)
        self.summary.setReadOnly(rec is not None)

    def fetch(self, educator_id: str) -> list[Any]:
        return self.ctx.svc.coaching.contacts(educator_id)

    def create_record(self, educator_id: str, audience: str) -> Any:
        p = (
            self.person.currentData()
            if self.person.currentText() == self.person.itemText(self.person.currentIndex())
            else None
        )
        return self.ctx.svc.coaching.log_contact(
            educator_id=educator_id,
            person_name=self.person.currentText().strip(),
            person_id=p.id if p is not None else None,
            person_role=self.role.currentData() or None,
            contacted_on=pydate(self.contacted_on.date()),
            mode=str(self.mode.currentData()),
            summary=self.summary.toPlainText(),
            audience=audience,
        )

    def update_record(self, rec: Any, *, force: bool = False) -> Any:  # never called: editable_existing is False
        return rec

    def clear(self) -> None:
        super().clear()
        self.person.clear()
