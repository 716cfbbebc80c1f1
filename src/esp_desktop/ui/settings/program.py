"""Program set-up, from an empty store: your profile (the name on every document, the caseload cap and why),
the schools you work in, the people you work with, and the start of a new school year."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core import rules
from ...core.enums import PersonRole, label
from ...services.vault import Changes
from ..widgets.common import muted
from ..widgets.drafts import restorable
from ..widgets.fields import pydate
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.write import ui_write


@restorable("profile")
class ProfileDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None) -> None:
        super().__init__(ctx, "Your profile", parent, width=520)
        cl = ctx.svc.caseload
        p = cl.profile()
        self.profile = p
        self.set_intro("Your name is printed on every document you write as consulting teacher.")
        self.name = self.line("Your &name:", p.name if p else "", name="Your name", required=True)
        self.email = self.line("&Email:", p.email if p else "", name="Your email")
        self.employee_id = self.line("E&mployee id:", p.employee_id if p else "", name="Your employee id")
        self.school_year = self.line("&School year:", cl.school_year(), name="School year")
        self.school_year.setPlaceholderText(rules.school_year_of(cl.today()))
        self.cap = QSpinBox()
        self.cap.setRange(1, 40)
        self.cap.setValue(p.caseload_cap if p else rules.CASELOAD_CAP)
        self.cap.setAccessibleName("Caseload cap")
        self.cap.setSuffix(" educators")
        self.cap.valueChanged.connect(self._cap_changed)
        self.row("Caseload &cap:", self.cap)
        self.reason = self.text("&Why this cap:", p.cap_reason if p else "", name="Caseload cap reason", height=70)
        self.reason.setPlaceholderText(f"Needed when the cap is not the program's {rules.CASELOAD_CAP}: who agreed, why")
        self._cap_changed()

    def _cap_changed(self, *_: Any) -> None:
        self.reason.setEnabled(self.cap.value() != rules.CASELOAD_CAP)
        self.revalidate()

    def valid(self) -> bool:
        needs_reason = self.cap.value() != rules.CASELOAD_CAP
        return super().valid() and (not needs_reason or bool(self.reason.toPlainText().strip()))

    def save(self, *, force: bool = False) -> Any:
        p = self.profile
        return self.ctx.svc.caseload.set_profile(
            name=self.name.text().strip(),
            email=self.email.text().strip() or None,
            employee_id=self.employee_id.text().strip() or None,
            school_year=self.school_year.text().strip() or None,
            caseload_cap=self.cap.value(),
            cap_reason=self.reason.toPlainText().strip() or None,
            unchanged_since=None if force or p is None else p.updated_at,
        )


@restorable("site")
class SiteDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, site_id: str | None = None) -> None:
        site = next((s for s in ctx.svc.caseload.sites() if s.id == site_id), None) if site_id else None
        super().__init__(ctx, "Rename site" if site else "Add site", parent, ok_text="Save" if site else "Add")
        self.site = site
        self.name = self.line("&Name:", site.name if site else "", name="Site name", required=True)
        self.code = self.line("&Code:", site.code if site else "", name="Site code")
        self.address = self.text("&Address:", site.address if site else "", name="Site address", height=70)
        self.revalidate()

    def draft_args(self) -> dict[str, Any]:
        return {"site_id": self.site.id if self.site else None}

    def save(self, *, force: bool = False) -> Any:
        cl = self.ctx.svc.caseload
        values = dict(name=self.name.text(), code=self.code.text() or None,
                      address=self.address.toPlainText() or None)
        if self.site is None:
            return cl.add_site(**values)
        return cl.update_site(self.site.id, unchanged_since=None if force else self.site.updated_at, **values)


@restorable("person")
class PersonDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, person_id: str | None = None) -> None:
        cl = ctx.svc.caseload
        p = next((x for x in cl.people() if x.id == person_id), None) if person_id else None
        super().__init__(ctx, "Edit person" if p else "Add person", parent, ok_text="Save" if p else "Add")
        self.person = p
        self.name = self.line("&Name:", p.name if p else "", name="Person name", required=True)
        self.role = self.combo("&Role:", [(label(r.value), r.value) for r in PersonRole], p.role if p else None,
                               name="Person role")
        self.site = self.combo("&Site:", [("(none)", None)] + [(s.name, s.id) for s in cl.sites()
                                                              if not s.archived or (p and s.id == p.site_id)],
                               p.site_id if p else None, name="Person site")
        self.email = self.line("&Email:", p.email if p else "", name="Person email")
        self.phone = self.line("&Phone:", p.phone if p else "", name="Person phone")
        self.revalidate()

    def draft_args(self) -> dict[str, Any]:
        return {"person_id": self.person.id if self.person else None}

    def save(self, *, force: bool = False) -> Any:
        cl = self.ctx.svc.caseload
        values = dict(name=self.name.text(), role=self.role.currentData(), site_id=self.site.currentData(),
                      email=self.email.text() or None, phone=self.phone.text() or None)
        if self.person is None:
            return cl.add_person(**values)
        return cl.update_person(self.person.id, unchanged_since=None if force else self.person.updated_at, **values)


class _ListDialog(QDialog):
    """A list of program records with Add / Edit / one more action; follows the store's changes."""

    types: tuple[str, ...] = ()

    def __init__(self, ctx: Any, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumSize(460, 380)
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.add_btn = QPushButton(icon("plus"), "Add…")
        self.edit_btn = QPushButton(icon("pencil"), "Edit…")
        self.extra_btn = QPushButton()
        self.hint = muted("")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        side = QVBoxLayout()
        for b in (self.add_btn, self.edit_btn, self.extra_btn):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        lay = QVBoxLayout(self)
        lay.addLayout(row, 1)
        lay.addWidget(self.hint)
        lay.addWidget(close)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        self.list.itemActivated.connect(lambda _i: self.edit())
        self.add_btn.clicked.connect(self.add)
        self.edit_btn.clicked.connect(self.edit)
        self.extra_btn.clicked.connect(self.extra)
        ctx.storeChanged.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.touches(*self.types) and self.ctx.services is not None:
            self.load()

    def current_id(self) -> str | None:
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it else None

    def _fill(self, items: list[tuple[str, str, bool]]) -> None:
        keep = self.current_id()
        self.list.clear()
        for text, rid, dim in items:
            it = QListWidgetItem(text)
            it.setData(Qt.ItemDataRole.UserRole, rid)
            it.setToolTip(text)
            if dim:
                it.setForeground(self.palette().placeholderText())
            self.list.addItem(it)
            if rid == keep:
                self.list.setCurrentItem(it)
        self._update()

    def load(self) -> None:
        raise NotImplementedError

    def add(self) -> None:
        raise NotImplementedError

    def edit(self) -> None:
        raise NotImplementedError

    def extra(self) -> None:
        raise NotImplementedError

    def _update(self) -> None:
        on = self.current_id() is not None
        self.edit_btn.setEnabled(on)
        self.extra_btn.setEnabled(on)

    def _open(self, dlg: FormDialog) -> None:
        dlg.saved.connect(lambda rec: self._select(rec.id))
        dlg.open()

    def _select(self, rid: str) -> None:
        self.load()
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == rid:
                self.list.setCurrentRow(i)


class SitesDialog(_ListDialog):
    types = ("site",)

    def __init__(self, ctx: Any, parent: QWidget | None) -> None:
        super().__init__(ctx, "Sites", parent)
        self.add_btn.setText("Add site…")
        self.edit_btn.setText("Rename…")
        self.extra_btn.setIcon(icon("archive"))
        self.hint.setText("An archived site is no longer offered for new educators and observations; records that "
                          "name it keep it.")
        self.load()

    def load(self) -> None:
        self.sites = {s.id: s for s in self.ctx.svc.caseload.sites()}
        self._fill([(s.name + (f" ({s.code})" if s.code else "") + (" · archived" if s.archived else ""), s.id,
                     s.archived) for s in self.sites.values()])

    def _update(self) -> None:
        super()._update()
        s = self.sites.get(self.current_id() or "") if hasattr(self, "sites") else None
        self.extra_btn.setText("Bring back" if s is not None and s.archived else "Archive")

    def add(self) -> None:
        self._open(SiteDialog(self.ctx, self))

    def edit(self) -> None:
        if self.current_id():
            self._open(SiteDialog(self.ctx, self, self.current_id()))

    def extra(self) -> None:
        sid = self.current_id()
        if sid:
            archived = not self.sites[sid].archived
            ui_write(self, lambda: self.ctx.svc.caseload.archive_site(sid, archived=archived), ctx=self.ctx)


class PeopleDialog(_ListDialog):
    types = ("person", "site")

    def __init__(self, ctx: Any, parent: QWidget | None) -> None:
        super().__init__(ctx, "People", parent)
        self.add_btn.setText("Add person…")
        self.extra_btn.setText("Remove…")
        self.extra_btn.setIcon(icon("trash-2"))
        self.hint.setText("Principals, site coaches and secondary evaluators you work with. Contacts already "
                          "logged keep the name they were logged with.")
        self.load()

    def load(self) -> None:
        people = self.ctx.svc.caseload.people()
        self.names = {p.id: p.name for p in people}
        self._fill([(f"{p.name} · {label(p.role)}", p.id, False) for p in people])

    def add(self) -> None:
        self._open(PersonDialog(self.ctx, self))

    def edit(self) -> None:
        if self.current_id():
            self._open(PersonDialog(self.ctx, self, self.current_id()))

    def extra(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        pid = self.current_id()
        if not pid:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove person", f"Remove {self.names[pid]} from your list?",
                          QMessageBox.StandardButton.Cancel, self)
        go = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is go:
            ui_write(self, lambda: self.ctx.svc.caseload.delete_person(pid), ctx=self.ctx)


@restorable("school_year")
class SchoolYearDialog(FormDialog):
    """Start a new school year: choose which open enrolments continue into it; the others are completed."""

    def __init__(self, ctx: Any, parent: QWidget | None) -> None:
        super().__init__(ctx, "Start a new school year", parent, ok_text="Start the school year", width=540)
        cl = ctx.svc.caseload
        current = cl.school_year()
        self.set_intro(f"You are working in <b>{current}</b>. Tick the educators who continue into the new year; "
                       "the other open enrolments are completed with the reason “End of school year”. Cycles, "
                       "documents and notes stay as they are.")
        self.year = self.line("&New school year:", rules.next_school_year(current) if rules.parse_school_year(current)
                              else rules.school_year_of(cl.today()), name="New school year", required=True)
        self.ended_on = self.date("Others &end on:", name="Enrolments end on")
        self.continuing = QListWidget()
        self.continuing.setAccessibleName("Educators who continue")
        for row in cl.caseload():
            en = row.enrolment
            if en is None:
                continue
            it = QListWidgetItem(f"{row.educator.display_name} · {label(en.program)} · {label(en.status)}")
            it.setData(Qt.ItemDataRole.UserRole, en.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            self.continuing.addItem(it)
        self.row("&Continuing:", self.continuing)
        if not self.continuing.count():
            self.continuing.hide()
            self.form.labelForField(self.continuing).hide()
        self.revalidate()

    def save(self, *, force: bool = False) -> Any:
        ids = [self.continuing.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.continuing.count())
               if self.continuing.item(i).checkState() == Qt.CheckState.Checked]
        return self.ctx.svc.caseload.start_school_year(school_year=self.year.text().strip(), continuing=ids,
                                                       ended_on=pydate(self.ended_on.date()))
