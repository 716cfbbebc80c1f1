"""Steps 1 and 2 of the cycle and the reports to the Panel, on the educator page: the self-assessment (entered
from the educator's form, or imported from the file they filled in), the Educator Plan (PAR) and the periodic
progress reports to the ESP Panel (PAR). Each is a document: draft, final (hashed, read-only), corrections as new
versions; each prints as a PDF. Every write goes through ``ui_write``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.enums import DocumentStatus, label
from ..context import AppContext
from ..widgets import tasks
from ..widgets.common import show_error
from ..widgets.fields import OptionalDate, Report, date_edit, hint, pydate, qdate, set_combo
from ..widgets.icons import icon
from ..widgets.write import ui_write

NOT_PAR = ("<h3>Not part of {name}'s work</h3><p>{name} is in <b>{program}</b>, which is non-evaluative: the "
           "{what} belongs to the PAR evaluation cycle.</p>")


def _text(name: str, height: int = 70, placeholder: str = "") -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMaximumHeight(height)
    t.setPlaceholderText(placeholder)
    return t


def _button(ic: str, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    b = QPushButton(icon(ic), text) if ic else QPushButton(text)
    b.setAccessibleName(name)
    b.clicked.connect(slot)
    return b


def _state(doc: Any) -> str:
    if doc is None:
        return ""
    if doc.status == DocumentStatus.FINAL:
        return f"Version {doc.version_no}, final ({timefmt.screen_date(doc.finalized_at)})"
    return f"Version {doc.version_no}, draft"


class _DocTab(QWidget):
    """Shared plumbing: the versions picker, the state line, PDF export, the message."""

    kind = ""  # the report kind
    noun = ""

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.doc: Any = None
        self.versions = QComboBox()
        self.versions.setAccessibleName(f"{self.noun} versions")
        self.versions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.versions.activated.connect(lambda i: self._pick(self.versions.itemData(i)))
        self.clear_message: Callable[[], None] = lambda: None  # the page's message bar, after a write succeeded
        self.state = QLabel()
        self.state.setAccessibleName(f"{self.noun} state")
        self.export_btn = _button("file-down", "PDF…", f"Export the {self.noun} PDF", self.export)

    @property
    def service(self) -> Any:
        raise NotImplementedError

    def load(self, educator_id: str, keep: str | None = None) -> None:
        self.educator_id = educator_id
        docs = self.service.for_educator(educator_id)
        self.versions.clear()
        for d in docs:
            self.versions.addItem(_state(d), d.id)
        current = self.service.current(educator_id)
        pick = keep or (current.id if current else None)
        self.versions.setCurrentIndex(max(0, self.versions.findData(pick)))
        self._show(next((d for d in docs if d.id == pick), None))

    def _pick(self, doc_id: str | None) -> None:
        self.save_pending()
        self._show(self.service.document(doc_id) if doc_id else None)

    def refresh(self) -> None:
        if self.educator_id:
            self.load(self.educator_id, self.doc.id if self.doc else None)

    def _show(self, doc: Any) -> None:
        raise NotImplementedError

    def _write(self, fn: Callable[[], Any], done_text: str = "") -> Any:
        done = ui_write(self, fn, ctx=self.ctx, report=self.report)
        if done is None:
            return None
        self.clear_message()
        if done_text:
            self.ctx.statusMessage.emit(done_text)
        if self.educator_id:
            value = done.value
            self.load(self.educator_id, getattr(value, "id", None) if getattr(value, "educator_id", None)
                      == self.educator_id and hasattr(value, "status") else (self.doc.id if self.doc else None))
        return done.value

    def export(self) -> None:
        if self.educator_id is None or self.doc is None:
            return
        svc, educator_id, doc_id, kind = self.ctx.services, self.educator_id, self.doc.id, self.kind
        if svc is None:
            return
        reader = "panel" if kind == "progress-report" else "educator"
        name = svc.caseload.educator(educator_id).family_name.lower().replace(" ", "-")
        default = str(Path.home() / f"{kind}-{name}-v{self.doc.version_no}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, f"Export the {self.noun}", default, "PDF (*.pdf)")
        if not path:
            return

        def work() -> Any:
            from ...reports.service import ReportService

            return ReportService(svc).export(kind=kind, audience=reader, path=path, educator_id=educator_id,
                                             document_id=doc_id)

        tasks.run_in_background(
            self, work, on_done=lambda r: self.ctx.statusMessage.emit(f"Written to {path} ({r.pages} page(s))."),
            on_error=lambda exc: show_error(self, exc, title="Export failed"))

    # what each document's service calls its id, and the status lines of its writes
    id_kw = "document_id"
    saved_text = ""
    corrected_text = "Correction started."

    def _save_fn(self, doc_id: str) -> Callable[[], Any]:
        raise NotImplementedError

    def _is_draft(self) -> bool:
        return self.doc is not None and self.doc.status == DocumentStatus.DRAFT

    def save(self) -> None:
        if self._is_draft():
            self._write(self._save_fn(self.doc.id), self.saved_text)

    def save_pending(self) -> None:
        """Keep what was typed in a draft (called when switching version, educator, or locking)."""
        if self._is_draft() and self.educator_id:
            ui_write(self, self._save_fn(self.doc.id), ctx=self.ctx, report=self.report)

    def _save_then(self, call: Callable[[str], Any], done_text: str) -> None:
        """Save what was typed, then ``call(doc_id)`` (finalize, sign ...), as one user action."""
        if self.doc is None:
            return
        doc_id, save = self.doc.id, self._save_fn(self.doc.id)

        def run() -> Any:
            save()
            return call(doc_id)

        self._write(run, done_text)

    def correct(self) -> None:
        if self.doc is not None:
            kw = {self.id_kw: self.doc.id}
            self._write(lambda: self.service.correct(**kw), self.corrected_text)

    def delete(self) -> None:
        if self.doc is not None:
            doc_id = self.doc.id
            self._write(lambda: self.service.delete_draft(doc_id), "Draft deleted.")

    def clear(self) -> None:
        self.educator_id = None
        self.doc = None
        self.versions.clear()
        self.state.clear()


# --------------------------------------------------------------------------- self-assessment


class SelfAssessmentTab(_DocTab):
    saved_text = "Self-assessment saved."
    corrected_text = "Correction started: a new version."
    kind = "self-assessment"
    noun = "self-assessment"

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(ctx, report, parent)
        self.new_btn = _button("plus", "New (from the educator's form)", "New self-assessment", self.new)
        self.import_btn = _button("file-input", "Import form…", "Import the educator's form", self.import_form)
        self.template_btn = _button("file-output", "Blank form…", "Save a blank form for the educator",
                                    self.save_template)
        self.save_btn = _button("save", "Save", "Save the self-assessment", self.save)
        self.final_btn = _button("lock", "Finalize", "Finalize the self-assessment", self.finalize)
        self.correct_btn = _button("pencil", "Correct…", "Correct the self-assessment (new version)", self.correct)
        self.delete_btn = _button("trash-2", "Delete draft", "Delete the self-assessment draft", self.delete)
        self.completed = OptionalDate("Completed on")
        self.source = hint("")
        self.boxes: dict[str, tuple[QPlainTextEdit, QPlainTextEdit]] = {}
        form = QWidget()
        fl = QVBoxLayout(form)
        top = QFormLayout()
        top.addRow("Completed by the educator on:", self.completed)
        fl.addLayout(top)
        fl.addWidget(self.source)
        for st in ctx.svc.rubric.standards if ctx.services else ():
            box = QGroupBox(f"Standard {st.code}: {st.name}")
            f = QFormLayout(box)
            strengths = _text(f"Standard {st.code} strengths", placeholder="Strengths, in the educator's words")
            grow = _text(f"Standard {st.code} areas to grow", placeholder="Areas to grow")
            f.addRow("Strengths:", strengths)
            f.addRow("Areas to grow:", grow)
            self.boxes[st.code] = (strengths, grow)
            fl.addWidget(box)
        self.reflection = _text("Reflection", 90, "The educator's overall reflection and proposed goals")
        fl.addWidget(QLabel("Reflection and proposed goals:"))
        fl.addWidget(self.reflection)
        fl.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        bar = QHBoxLayout()
        for w in (self.new_btn, self.import_btn, self.template_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        bar2 = QHBoxLayout()
        bar2.addWidget(self.versions)
        bar2.addWidget(self.state, 1)
        for w in (self.save_btn, self.final_btn, self.correct_btn, self.delete_btn, self.export_btn):
            bar2.addWidget(w)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(bar2)
        lay.addWidget(scroll, 1)

    @property
    def service(self) -> Any:
        return self.ctx.svc.self_assessments

    def _show(self, doc: Any) -> None:
        self.doc = doc
        draft = doc is not None and doc.status == DocumentStatus.DRAFT
        for code, (strengths, grow) in self.boxes.items():
            e = (doc.entries or {}).get(code, {}) if doc else {}
            strengths.setPlainText(e.get("strengths", ""))
            grow.setPlainText(e.get("areas_to_grow", ""))
            strengths.setReadOnly(not draft)
            grow.setReadOnly(not draft)
        self.reflection.setPlainText(doc.reflection or "" if doc else "")
        self.reflection.setReadOnly(not draft)
        self.completed.set_value(doc.completed_on if doc else None)
        self.completed.setEnabled(draft)
        self.source.setText("" if doc is None else
                            ("Entered from the educator's form." if doc.source != "imported" else
                             f"Imported from {doc.source_file}."))
        self.state.setText(_state(doc) if doc else "No self-assessment yet: enter the educator's form or import it.")
        self.save_btn.setEnabled(draft)
        self.final_btn.setEnabled(draft)
        self.delete_btn.setEnabled(draft)
        self.correct_btn.setEnabled(doc is not None and doc.status == DocumentStatus.FINAL)
        self.export_btn.setEnabled(doc is not None)

    def _values(self) -> tuple[dict[str, dict[str, str]], str, date | None]:
        entries = {code: {"strengths": s.toPlainText(), "areas_to_grow": g.toPlainText()}
                   for code, (s, g) in self.boxes.items()}
        return entries, self.reflection.toPlainText(), self.completed.value()

    def _save_fn(self, doc_id: str) -> Callable[[], Any]:
        entries, reflection, completed = self._values()
        svc = self.service

        def save() -> Any:
            for code, e in entries.items():
                svc.set_entry(document_id=doc_id, standard=code, strengths=e["strengths"],
                              areas_to_grow=e["areas_to_grow"])
            return svc.update(doc_id, reflection=reflection, completed_on=completed)

        return save

    def new(self) -> None:
        if self.educator_id:
            eid = self.educator_id
            self._write(lambda: self.service.draft(educator_id=eid), "New self-assessment: type in the form.")

    def finalize(self) -> None:
        self._save_then(lambda i: self.service.finalize(document_id=i), "Self-assessment finalized.")

    def import_form(self) -> None:
        if not self.educator_id:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import the educator's self-assessment", str(Path.home()),
                                              "Self-assessment form (*.csv *.json)")
        if path:
            eid = self.educator_id
            self._write(lambda: self.service.import_file(educator_id=eid, path=path),
                        "Form imported as a draft: check it, then finalize.")

    def save_template(self) -> None:
        if not self.educator_id:
            return
        e = self.ctx.svc.caseload.educator(self.educator_id)
        default = str(Path.home() / f"self-assessment-{e.family_name.lower().replace(' ', '-')}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Save a blank self-assessment form", default,
                                              "Spreadsheet (*.csv);;JSON (*.json)")
        if path:
            eid = self.educator_id
            done = ui_write(self, lambda: self.service.write_template(path, educator_id=eid), ctx=self.ctx,
                            report=self.report)
            if done is not None:
                self.ctx.statusMessage.emit(f"Blank form written to {path}: give it to the educator to fill in.")

    def clear(self) -> None:
        super().clear()
        self._show(None)


# --------------------------------------------------------------------------- Educator Plan


class PlanTab(_DocTab):
    id_kw = "plan_id"
    saved_text = "Plan saved."
    corrected_text = "Correction started: sign it again."
    kind = "educator-plan"
    noun = "Educator Plan"

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(ctx, report, parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.new_btn = _button("plus", "New plan", "New Educator Plan", self.new)
        self.save_btn = _button("save", "Save", "Save the plan", self.save)
        self.sign_eval = _button("pencil", "Sign as evaluator", "Sign the plan as evaluator",
                                 lambda: self.sign("evaluator"))
        self.sign_edu = _button("pencil", "Educator signed", "Record the educator's signature",
                                lambda: self.sign("educator"))
        self.correct_btn = _button("pencil", "Correct…", "Correct the plan (new version)", self.correct)
        self.delete_btn = _button("trash-2", "Delete draft", "Delete the plan draft", self.delete)
        self.plan_type = QComboBox()
        self.plan_type.setAccessibleName("Plan type")
        for code, name in ctx.svc.rubric.plan_types if ctx.services else ():
            self.plan_type.addItem(name, code)
        self.start = date_edit("Plan start")
        self.end = date_edit("Plan end")
        self.focus = _text("Plan focus", 60, "What the plan is for, in a sentence or two")
        self.goals = QListWidget()
        self.goals.setAccessibleName("Goals in the plan")
        self.goals.setMaximumHeight(100)
        self.rxs = QListWidget()
        self.rxs.setAccessibleName("Prescriptions in the plan")
        self.rxs.setMaximumHeight(100)
        self.action_rows = self._table("Actions and supports", ["Action by the educator", "Supports provided",
                                                            "By (YYYY-MM-DD)"])
        self.timeline = self._table("Timeline", ["Date (YYYY-MM-DD)", "Benchmark or check-in"])
        self.signatures = QLabel()
        self.signatures.setAccessibleName("Signatures")
        form = QWidget()
        f = QFormLayout(form)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end)
        dates.addStretch(1)
        f.addRow("Plan &type:", self.plan_type)
        f.addRow("Duration:", dates)
        f.addRow("&Focus:", self.focus)
        f.addRow("Goals (tick to link):", self.goals)
        f.addRow("Prescriptions:", self.rxs)
        f.addRow("Actions and supports:", self._with_rows(self.action_rows))
        f.addRow("Timeline:", self._with_rows(self.timeline))
        f.addRow("Signatures:", self.signatures)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        bar = QHBoxLayout()
        bar.addWidget(self.new_btn)
        bar.addWidget(self.versions)
        bar.addWidget(self.state, 1)
        for w in (self.save_btn, self.sign_eval, self.sign_edu, self.correct_btn, self.delete_btn, self.export_btn):
            bar.addWidget(w)
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addLayout(bar)
        pl.addWidget(scroll, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.note)
        self.stack.addWidget(page)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack)

    @staticmethod
    def _table(name: str, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setAccessibleName(name)
        t.setHorizontalHeaderLabels(headers)
        hh = t.horizontalHeader()
        for c, h in enumerate(headers):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents if "YYYY" in h
                                    else QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().hide()
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setMinimumHeight(110)
        return t

    def _with_rows(self, table: QTableWidget) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(table)
        row = QHBoxLayout()
        add = _button("plus", "Add row", f"Add a row to {table.accessibleName()}",
                      lambda: table.insertRow(table.rowCount()))
        rm = _button("trash-2", "Remove row", f"Remove the row from {table.accessibleName()}",
                     lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
        row.addWidget(add)
        row.addWidget(rm)
        row.addStretch(1)
        lay.addLayout(row)
        table.setProperty("row_buttons", [add, rm])
        return w

    @property
    def service(self) -> Any:
        return self.ctx.svc.plans

    def load(self, educator_id: str, keep: str | None = None) -> None:
        svc = self.ctx.svc
        if not svc.assessments.can_rate(educator_id):
            e = svc.caseload.educator(educator_id)
            en = svc.caseload.enrolment(educator_id)
            self.educator_id = educator_id
            self.note.setText(NOT_PAR.format(name=e.display_name, program=label(en.program) if en else "no program",
                                             what="Educator Plan"))
            self.stack.setCurrentIndex(0)
            self.doc = None
            return
        self.stack.setCurrentIndex(1)
        super().load(educator_id, keep)

    def _show(self, doc: Any) -> None:
        self.doc = doc
        svc = self.ctx.svc
        draft = doc is not None and doc.status == DocumentStatus.DRAFT
        if doc is not None:
            set_combo(self.plan_type, doc.plan_type)
            self.start.setDate(qdate(doc.start_on))
            self.end.setDate(qdate(doc.end_on))
        self.focus.setPlainText(doc.focus or "" if doc else "")
        linked = {g.id for g in svc.plans.goals(doc.id)} if doc else set()
        rx_linked = {p.id for p in svc.plans.prescriptions(doc.id)} if doc else set()
        self._checklist(self.goals, [(g.id, g.title) for g in svc.goals.for_educator(self.educator_id)]
                        if self.educator_id else [], linked, draft)
        self._checklist(self.rxs, [(p.id, p.action) for p in svc.goals.prescriptions(self.educator_id)]
                        if self.educator_id else [], rx_linked, draft)
        self._fill(self.action_rows, [[a.get("action", ""), a.get("supports", ""), a.get("due_on") or ""]
                                  for a in (doc.actions if doc else [])], draft)
        self._fill(self.timeline, [[t.get("on", ""), t.get("what", "")] for t in (doc.timeline if doc else [])], draft)
        for w in (self.plan_type, self.start, self.end):
            w.setEnabled(draft)
        self.focus.setReadOnly(not draft)
        if doc is None:
            self.signatures.setText("")
        else:
            ev = (f"evaluator {doc.evaluator_name}, {timefmt.screen_date(doc.evaluator_signed_on)}"
                  if doc.evaluator_signed_on else "evaluator: not yet")
            ed = (f"educator {doc.educator_name}, {timefmt.screen_date(doc.educator_signed_on)}"
                  if doc.educator_signed_on else "educator: not yet")
            self.signatures.setText(f"{ev} · {ed}")
        self.state.setText(_state(doc) if doc else "No Educator Plan yet.")
        for b in (self.save_btn, self.sign_eval, self.sign_edu, self.delete_btn):
            b.setEnabled(draft)
        self.correct_btn.setEnabled(doc is not None and doc.status == DocumentStatus.FINAL)
        self.export_btn.setEnabled(doc is not None)

    @staticmethod
    def _checklist(widget: QListWidget, rows: list[tuple[str, str]], linked: set[str], editable: bool) -> None:
        widget.clear()
        for rid, text in rows:
            it = QListWidgetItem(text)
            it.setData(Qt.ItemDataRole.UserRole, rid)
            flags = it.flags() | Qt.ItemFlag.ItemIsUserCheckable
            it.setFlags(flags if editable else flags & ~Qt.ItemFlag.ItemIsEnabled)
            it.setCheckState(Qt.CheckState.Checked if rid in linked else Qt.CheckState.Unchecked)
            widget.addItem(it)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]], editable: bool) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(str(text)))
        table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if editable
                              else QAbstractItemView.EditTrigger.NoEditTriggers)
        for b in table.property("row_buttons") or []:
            b.setEnabled(editable)

    @staticmethod
    def _rows(table: QTableWidget) -> list[list[str]]:
        out = []
        for r in range(table.rowCount()):
            cells = [table.item(r, c) for c in range(table.columnCount())]
            out.append([cell.text().strip() if cell is not None else "" for cell in cells])
        return out

    @staticmethod
    def _checked(widget: QListWidget) -> dict[str, bool]:
        return {widget.item(i).data(Qt.ItemDataRole.UserRole): widget.item(i).checkState() == Qt.CheckState.Checked
                for i in range(widget.count())}

    def _save_fn(self, plan_id: str) -> Callable[[], Any]:
        svc = self.ctx.svc.plans
        fields = {"plan_type": self.plan_type.currentData(), "start_on": pydate(self.start.date()),
                  "end_on": pydate(self.end.date()), "focus": self.focus.toPlainText()}
        actions = [{"action": a, "supports": s, "due_on": d or None} for a, s, d in self._rows(self.action_rows)]
        timeline = [{"on": d, "what": w} for d, w in self._rows(self.timeline)]
        goals, rxs = self._checked(self.goals), self._checked(self.rxs)
        current = self.doc

        def save() -> Any:
            before_goals = {g.id for g in svc.goals(plan_id)}
            before_rxs = {p.id for p in svc.prescriptions(plan_id)}
            unchanged = (current is not None and fields["plan_type"] == current.plan_type
                         and fields["start_on"] == current.start_on and fields["end_on"] == current.end_on
                         and (fields["focus"] or None) == current.focus)
            if not unchanged:
                svc.update(plan_id, **fields)
            if current is None or actions != [{"action": a.get("action", ""), "supports": a.get("supports", ""),
                                               "due_on": a.get("due_on")} for a in current.actions]:
                svc.set_actions(plan_id, actions)
            if current is None or timeline != [{"on": t.get("on"), "what": t.get("what")} for t in current.timeline]:
                svc.set_timeline(plan_id, timeline)
            for gid, on in goals.items():
                if on != (gid in before_goals):
                    svc.link_goal(plan_id=plan_id, goal_id=gid, linked=on)
            for pid, on in rxs.items():
                if on != (pid in before_rxs):
                    svc.link_prescription(plan_id=plan_id, prescription_id=pid, linked=on)
            return svc.document(plan_id)

        return save

    def new(self) -> None:
        if self.educator_id:
            eid = self.educator_id
            self._write(lambda: self.service.draft(educator_id=eid), "New Educator Plan (dates from the cycle).")

    def sign(self, role: str) -> None:
        self._save_then(lambda i: self.service.sign(plan_id=i, role=role),
                        "Signature recorded." if role == "evaluator" else "The educator's signature is recorded.")

    def clear(self) -> None:
        super().clear()
        self.note.clear()
        self.stack.setCurrentIndex(0)


# --------------------------------------------------------------------------- progress reports to the Panel


class ProgressTab(_DocTab):
    id_kw = "report_id"
    saved_text = "Report saved."
    kind = "progress-report"
    noun = "progress report"

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(ctx, report, parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.schedule = QLabel()
        self.schedule.setWordWrap(True)
        self.schedule.setAccessibleName("When progress reports are due")
        self.draft_btn = _button("plus", "Draft from the records", "Draft a progress report", self.new)
        self.save_btn = _button("save", "Save", "Save the progress report", self.save)
        self.final_btn = _button("lock", "Finalize", "Finalize the progress report", self.finalize)
        self.correct_btn = _button("pencil", "Correct…", "Correct the progress report (new version)", self.correct)
        self.delete_btn = _button("trash-2", "Delete draft", "Delete the progress report draft", self.delete)
        self.period = QLabel()
        self.fields = {
            "observations": _text("Observations", 110),
            "goal_progress": _text("Progress on goals", 90),
            "support": _text("Support given", 80),
            "next_steps": _text("Next steps", 80),
        }
        form = QWidget()
        fv = QVBoxLayout(form)
        fv.setContentsMargins(0, 0, 0, 0)
        f = QFormLayout()
        fv.addLayout(f)
        fv.addStretch(1)
        f.addRow("Period:", self.period)
        for caption, key in (("&Observations:", "observations"), ("Progress on &goals:", "goal_progress"),
                             ("&Support given:", "support"), ("&Next steps:", "next_steps")):
            f.addRow(caption, self.fields[key])
        bar = QHBoxLayout()
        bar.addWidget(self.draft_btn)
        bar.addWidget(self.versions)
        bar.addWidget(self.state, 1)
        for w in (self.save_btn, self.final_btn, self.correct_btn, self.delete_btn, self.export_btn):
            bar.addWidget(w)
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.schedule)
        pl.addLayout(bar)
        pl.addWidget(form, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.note)
        self.stack.addWidget(page)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack)

    @property
    def service(self) -> Any:
        return self.ctx.svc.progress

    def load(self, educator_id: str, keep: str | None = None) -> None:
        svc = self.ctx.svc
        if not svc.assessments.can_rate(educator_id):
            e = svc.caseload.educator(educator_id)
            en = svc.caseload.enrolment(educator_id)
            self.educator_id = educator_id
            self.note.setText(NOT_PAR.format(name=e.display_name, program=label(en.program) if en else "no program",
                                             what="progress report to the ESP Panel"))
            self.stack.setCurrentIndex(0)
            self.doc = None
            return
        self.stack.setCurrentIndex(1)
        sched = svc.progress.schedule(educator_id)
        if sched is None:
            self.schedule.setText("Start the evaluation cycle: progress reports follow its dates.")
        else:
            nxt = sched.next_due
            sent = sum(1 for s in sched.slots if s.sent_on)
            late = sum(1 for s in sched.slots if s.state == "late")
            self.schedule.setText(
                f"Every {sched.every} school days · {sent} of {len(sched.slots)} sent"
                + (f" · <b style='color:#8b1e1e'>{late} late</b>" if late else "")
                + (f" · next due {timefmt.screen_date(nxt.due_on)}" if nxt else " · none left this cycle"))
        super().load(educator_id, keep)

    def _show(self, doc: Any) -> None:
        self.doc = doc
        draft = doc is not None and doc.status == DocumentStatus.DRAFT
        for key, box in self.fields.items():
            box.setPlainText(getattr(doc, key) or "" if doc else "")
            box.setReadOnly(not draft)
        self.period.setText(f"{timefmt.screen_date(doc.period_start)} – {timefmt.screen_date(doc.period_end)}"
                            if doc else "")
        self.state.setText(_state(doc) if doc else "No progress report yet: draft one from the records.")
        for b in (self.save_btn, self.final_btn, self.delete_btn):
            b.setEnabled(draft)
        self.correct_btn.setEnabled(doc is not None and doc.status == DocumentStatus.FINAL)
        self.export_btn.setEnabled(doc is not None)

    def _save_fn(self, report_id: str) -> Callable[[], Any]:
        values = {k: b.toPlainText() for k, b in self.fields.items()}
        return lambda: self.service.update(report_id, **values)

    def new(self) -> None:
        if self.educator_id:
            eid = self.educator_id
            self._write(lambda: self.service.draft(educator_id=eid), "Drafted from the records: read it, then "
                        "finalize.")

    def finalize(self) -> None:
        self._save_then(lambda i: self.service.finalize(report_id=i),
                        "Progress report finalized: export it for the Panel.")

    def clear(self) -> None:
        super().clear()
        self.note.clear()
        self.schedule.clear()
        self.stack.setCurrentIndex(0)
