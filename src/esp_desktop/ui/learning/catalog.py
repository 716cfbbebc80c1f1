"""The professional-learning catalog: district PD, union/teacher-led sessions, practice networks and consenting
peer-model classrooms. Add, edit, remove, import and export as CSV (Program › Professional learning catalog)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.learning import PL_KIND_NAMES, PLKind, split_list
from ..widgets.drafts import restorable
from ..widgets.fields import MessageBar, hint, pydate, record_table, select_row, stretch_column
from ..widgets.forms import FormDialog
from ..widgets.icons import icon
from ..widgets.record_model import Column, RecordTableModel, tags_column
from ..widgets.tagpicker import TagField
from ..widgets.write import ui_write


def _float(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return float("nan")  # the service says what is wrong with it


@restorable("pl_entry")
class CatalogEntryDialog(FormDialog):
    def __init__(self, ctx: Any, parent: QWidget | None, entry_id: str | None = None) -> None:
        e = ctx.svc.learning.entry(entry_id) if entry_id else None
        super().__init__(ctx, "Edit catalog entry" if e else "Add to the catalog", parent, width=600)
        self.entry = e
        self.set_intro("Tag what it addresses, for whom, where and when: matching ranks it for each educator's "
                       "priorities. A peer-model classroom is listed only with the host teacher's consent.")
        self.kind = self.combo("&Kind", [(n, k) for k, n in PL_KIND_NAMES.items()], e.kind if e else None,
                               name="Kind of learning")
        self.title = self.line("&Title", e.title if e else "", name="Title", required=True)
        self.provider = self.line("&Provider", e.provider if e else "", name="Provider")
        self.tags = TagField(ctx.svc.rubric)
        self.tags.setAccessibleName("Indicators and Essentials it addresses")
        if e is not None:
            self.tags.set_codes([*e.indicator_codes, *e.equity_codes])
        self.row("&Addresses", self.tags)
        self.grades = self.line("&Grade bands", "; ".join(e.grade_bands) if e else "", name="Grade bands")
        self.grades.setPlaceholderText("K-5; 6-8")
        self.subjects = self.line("S&ubjects", "; ".join(e.subjects) if e else "", name="Subjects")
        self.site = self.line("&Site", e.site_name if e else "", name="Site name")
        self.site_code = self.line("Site &code", e.site_code if e else "", name="Site code")
        self.lat = self.line("&Latitude", "" if e is None or e.latitude is None else str(e.latitude), name="Latitude")
        self.lon = self.line("L&ongitude", "" if e is None or e.longitude is None else str(e.longitude),
                             name="Longitude")
        self.online = self.check("O&nline (no travel)", bool(e and e.online), name="Online")
        self.dates = self.line("Session &dates", "; ".join(e.session_dates) if e else "", name="Session dates")
        self.dates.setPlaceholderText("2027-01-14; 2027-02-11")
        self.weekdays = self.line("&Visit days", "; ".join(e.weekdays) if e else "", name="Visit days")
        self.weekdays.setPlaceholderText("Peer models: tue; thu")
        self.start = self.line("Start t&ime", e.start_time if e else "", name="Start time")
        self.start.setPlaceholderText("15:30")
        self.contact = self.line("Con&tact", e.contact if e else "", name="Contact")
        self.consent = self.check("Host teacher's consent recorded", bool(e and e.consent_on), name="Consent given")
        self.consent_on = self.date("Consent &given on", e.consent_on if e and e.consent_on else None,
                                    name="Consent date")
        self.consent_note = self.line("Consent &record", e.consent_note if e else "", name="Consent record")
        self.consent_note.setPlaceholderText("How it was given and where it is kept")
        self.description = self.text("D&escription", e.description if e else "", name="Description", height=70)
        self.shared = self.check("S&hare with the other CTs (through esp-central, at the next sync)",
                                 bool(e and e.shared), name="Share with the other CTs")
        if e is not None and e.origin_id:
            self.set_intro(f"Shared by {e.shared_by or 'another CT'}: only they can change it. You can remove it "
                           "from your catalog.")
            self.revalidate()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self, *_: Any) -> None:
        peer = self.kind.currentData() == PLKind.PEER_MODEL.value
        for w in (self.consent, self.consent_on, self.consent_note, self.weekdays):
            w.setEnabled(peer)

    def valid(self) -> bool:
        return super().valid() and not (self.entry is not None and self.entry.origin_id)  # another CT's entry

    def draft_args(self) -> dict[str, Any]:
        return {"entry_id": self.entry.id if self.entry else None}

    def save(self, *, force: bool = False) -> Any:
        ind, eq = self.tags.codes()
        peer = self.kind.currentData() == PLKind.PEER_MODEL.value
        consent = peer and self.consent.isChecked()
        fields: dict[str, Any] = dict(
            kind=str(self.kind.currentData()), title=self.title.text(), provider=self.provider.text(),
            description=self.description.toPlainText(), indicator_codes=ind, equity_codes=eq,
            grade_bands=split_list(self.grades.text()), subjects=split_list(self.subjects.text()),
            site_name=self.site.text(), site_code=self.site_code.text(), latitude=_float(self.lat.text()),
            longitude=_float(self.lon.text()), online=self.online.isChecked(),
            session_dates=split_list(self.dates.text()), weekdays=split_list(self.weekdays.text()) if peer else [],
            start_time=self.start.text().strip() or None, contact=self.contact.text(),
            consent_on=pydate(self.consent_on.date()) if consent else None,
            consent_note=self.consent_note.text() if consent else None, shared=self.shared.isChecked(),
        )
        svc = self.ctx.svc.learning
        if self.entry is None:
            return svc.add_entry(**fields)
        return svc.update_entry(self.entry.id, unchanged_since=None if force else self.entry.updated_at, **fields)


def _when(e: Any) -> str:
    if e.session_dates:
        days = []
        for d in e.session_dates[:3]:
            try:
                days.append(timefmt.screen_date(date.fromisoformat(d)))
            except ValueError:
                days.append(d)
        more = f" (+{len(e.session_dates) - 3})" if len(e.session_dates) > 3 else ""
        return ", ".join(days) + more
    if e.weekdays:
        return "On request: " + ", ".join(d.capitalize() for d in e.weekdays)
    return ""


class CatalogDialog(QDialog):
    """The catalog as a table, with add / edit / remove / import / export."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Professional learning catalog")
        self.resize(980, 560)
        self.message = MessageBar(self)
        self.model = RecordTableModel([
            Column("Title", lambda e: e.title, tooltip=lambda e: e.description or ""),
            Column("Kind", lambda e: PL_KIND_NAMES.get(e.kind, e.kind)),
            tags_column("Addresses"),
            Column("Where", lambda e: "Online" if e.online else (e.site_name or e.site_code or "")),
            Column("When", _when),
            Column("Grades", lambda e: ", ".join(e.grade_bands)),
            Column("Shared", lambda e: f"by {e.shared_by}" if e.origin_id else ("by you" if e.shared else "")),
        ], self)
        self.table = record_table("Catalog entries", self.model)
        stretch_column(self.table, 0)
        self.table.activated.connect(lambda _i: self.edit())
        buttons = QHBoxLayout()
        self.add_btn = QPushButton(icon("plus"), "&Add…")
        self.add_btn.setAccessibleName("Add a catalog entry")
        self.edit_btn = QPushButton(icon("pencil"), "&Edit…")
        self.edit_btn.setAccessibleName("Edit the selected entry")
        self.remove_btn = QPushButton(icon("trash-2"), "&Remove")
        self.remove_btn.setAccessibleName("Remove the selected entry")
        self.import_btn = QPushButton(icon("file-input"), "&Import CSV…")
        self.import_btn.setAccessibleName("Import catalog CSV")
        self.export_btn = QPushButton(icon("file-output"), "E&xport CSV…")
        self.export_btn.setAccessibleName("Export catalog CSV")
        self.distances_btn = QPushButton(icon("school"), "&Distance table…")
        self.distances_btn.setAccessibleName("Import the district's distance table")
        self.distances_btn.setToolTip("The district's distances between schools (CSV: school code, school code, "
                                      "miles). Without it, distances come from the sites' coordinates.")
        for b, fn in ((self.add_btn, self.add), (self.edit_btn, self.edit), (self.remove_btn, self.remove),
                      (self.import_btn, self.import_csv), (self.export_btn, self.export_csv),
                      (self.distances_btn, self.import_distances)):
            b.clicked.connect(fn)
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(hint("Matching ranks these for each educator's priorities (Learning tab of an educator). "
                           "CSV columns: " + "kind, title, provider, description, indicators, essentials, grade_bands, "
                           "subjects, site_name, site_code, latitude, longitude, online, session_dates, weekdays, "
                           "start_time, contact, url, consent_on, consent_note; lists separated by ';'."))
        lay.addLayout(buttons)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        lay.addWidget(close)
        ctx.storeChanged.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.services is None:
            return
        self.model.set_records(self.ctx.svc.learning.catalog())

    def _changed(self, changes: Any) -> None:
        if changes.touches("pl_entry"):
            self.refresh()

    def selected(self) -> Any:
        return self.model.record(self.table.currentIndex().row())

    def add(self) -> None:
        dlg = CatalogEntryDialog(self.ctx, self)
        dlg.saved.connect(lambda e: select_row(self.table, self.model.row_of(e.id)))
        dlg.open()

    def edit(self) -> None:
        e = self.selected()
        if e is None:
            self.message.show_error(ValueError("Select an entry first."))
            return
        dlg = CatalogEntryDialog(self.ctx, self, e.id)
        dlg.saved.connect(lambda x: select_row(self.table, self.model.row_of(x.id)))
        dlg.open()

    def remove(self) -> None:
        e = self.selected()
        if e is None:
            self.message.show_error(ValueError("Select an entry first."))
            return
        ui_write(self, lambda: self.ctx.svc.learning.remove_entry(e.id), ctx=self.ctx, report=self.message.show_error)

    def import_csv(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Import catalog", str(Path.home()),
                                                  "Catalog (*.csv *.xlsx)")
        if not path:
            return
        svc = self.ctx.svc.learning
        dry = ui_write(self, lambda: svc.import_catalog(path=path, dry_run=True), ctx=self.ctx,
                       report=self.message.show_error)
        if dry is None:
            return
        plan = dry.value
        text = f"{plan.added} new, {plan.updated} updated."
        if plan.problems:
            text += f"\n\n{len(plan.problems)} row(s) will be skipped:\n" + "\n".join(plan.problems[:12])
        if not self._confirm("Import catalog", text):
            return
        done = ui_write(self, lambda: svc.import_catalog(path=path), ctx=self.ctx, report=self.message.show_error)
        if done is not None:
            self.message.show_info(f"Imported: {done.value.added} new, {done.value.updated} updated"
                                   + (f", {len(done.value.problems)} skipped." if done.value.problems else "."))

    def _confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text + "\n\nImport now?") == QMessageBox.StandardButton.Yes

    def export_csv(self, path: str | None = None) -> None:
        if not path:
            default = str(Path.home() / f"pl-catalog-{timefmt.iso_date(self.ctx.svc.learning.today())}.csv")
            path, _ = QFileDialog.getSaveFileName(self, "Export catalog", default, "CSV (*.csv)")
        if not path:
            return
        done = ui_write(self, lambda: self.ctx.svc.learning.export_catalog(path=path), ctx=self.ctx,
                        report=self.message.show_error)
        if done is not None:
            self.message.show_info(f"Wrote {done.value.name}.")

    def import_distances(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "District distance table", str(Path.home()),
                                                  "Distance table (*.csv *.xlsx)")
        if not path:
            return
        done = ui_write(self, lambda: self.ctx.svc.learning.import_distances(path=path), ctx=self.ctx,
                        report=self.message.show_error)
        if done is not None:
            self.message.show_info(f"Distances between {done.value} pairs of schools are used for matching now.")
