"""Observation capture, the heart of the app.

Type a note and press Enter: the line is committed at once (``observations.add_note``), so a crash or a power
cut loses at most the line being typed. Lines are tagged with rubric indicators from the side panel (Enter or
double-click), with Alt+1..4 (jump into Standard I-IV) / Alt+5 (equity areas), or by typing codes into the
quick tag box (Ctrl+T, e.g. "II-B eq-1" + Enter). Tags apply to the selected lines, else to the latest line.
Conference notes and feedback autosave on focus-out and after a short pause in typing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import clock
from ...core.enums import ObservationKind, ObservationStatus, label
from ...core.errors import ValidationError
from ...core.rubric import load_rubric
from ...services.vault import Changes
from ..context import AppContext
from ..widgets.fields import (
    FocusOut,
    Report,
    date_edit,
    enum_combo,
    install_audience_menu,
    pydate,
    qdate,
    record_table,
    select_row,
    selected_records,
    set_combo,
    stretch_column,
)
from ..widgets.icons import icon
from ..widgets.style import set_tone, tone
from ..widgets.write import ui_write
from .conference import TEXT_FIELDS, ConferencePanel
from .script_model import TEXT_COLUMN, CachedChipDelegate, ScriptModel, offset_text
from .tag_panel import TagPanel

AUTOSAVE_MS = 800


class _UndoPassThrough(QObject):
    """Ctrl+Z in the note line undoes typing while there is typing to undo, then undoes deleted lines."""

    def __init__(self, view: ObservationView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        if (ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent)
                and ev.matches(QKeySequence.StandardKey.Undo) and not self.view.entry.isUndoAvailable()
                and self.view.undo_stack):
            ev.ignore()  # not consumed by the line edit: the view's Undo shortcut fires
            return True
        return False


class ObservationView(QWidget):
    backRequested = Signal()

    def __init__(self, ctx: AppContext, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.educator_id: str | None = None
        self.obs: Any = None  # the observation snapshot, None until started
        self._dirty: set[str] = set()
        self._loading = False
        self.undo_stack: list[list[str]] = []  # deleted lines, newest last (Ctrl+Z), until the CT leaves
        self._fresh: dict[str, Any] = {}  # id -> the line add_line has just committed (while its change is shown)
        self._build()

    # --- layout
    def _build(self) -> None:
        self.back = QPushButton(icon("chevron-left"), "Observations")
        self.back.setAccessibleName("Back to the observation list")
        self.kind = enum_combo("Observation kind", [k.value for k in ObservationKind])
        self.site = QComboBox()
        self.site.setAccessibleName("Site")
        self.class_period = QLineEdit()
        self.class_period.setPlaceholderText("Class / period")
        self.class_period.setAccessibleName("Class or period")
        self.observed_on = date_edit("Observation date")
        self.clock = QLabel("00:00")
        self.clock.setAccessibleName("Elapsed time")
        self.clock.setObjectName("clock")
        self.status = QLabel()
        self.start_btn = QPushButton(icon("play", tone("ok")), "Start")
        self.start_btn.setAccessibleName("Start the observation")
        self.finish_btn = QPushButton(icon("circle-stop", tone("late")), "Finish")
        self.finish_btn.setAccessibleName("Finish the observation")
        self.finish_btn.setToolTip("Finish: the observation counts toward compliance immediately (Ctrl+Shift+F)")
        self.post_btn = QPushButton(icon("cloud-upload"), "Post to platform…")
        self.post_btn.setAccessibleName("Post to the district platform")
        self.post_btn.setToolTip("Lay this observation out box by box for the district platform, to copy and paste")
        self._evaluative = False  # PAR: observations go to the district platform; PA and informal never do
        # Two rows: what is observed, then the clock and Start/Finish (one row does not fit 1024 pixels).
        first = QHBoxLayout()
        first.addWidget(self.back)
        first.addStretch(1)
        for item in (self.status, self.clock, self.start_btn, self.finish_btn, self.post_btn):
            first.addWidget(item)
        second = QHBoxLayout()
        self.class_period.setMinimumWidth(160)
        for w, stretch in ((self.kind, 0), (self.site, 1), (self.class_period, 2), (self.observed_on, 0)):
            second.addWidget(w, stretch)
        top = QVBoxLayout()
        top.addLayout(first)
        top.addLayout(second)

        # script
        self.model = ScriptModel(self)
        self.model.on_edit = self._edit_text
        self.script = record_table("Observation script", self.model)
        self.script.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.script.setWordWrap(True)  # long notes wrap: the whole line is readable without hovering
        # Time and text are plain text: Qt's own delegate paints them without calling Python per cell; tags and
        # audience chips are painted from cached pixmaps. Issue 15: Enter -> painted.
        plain = QStyledItemDelegate(self.script)
        for col in (0, TEXT_COLUMN):
            self.script.setItemDelegateForColumn(col, plain)
        self.script.setItemDelegate(CachedChipDelegate(self.script))
        stretch_column(self.script, 1)
        self._fit_rows_to_text()
        install_audience_menu(self.script, self._set_audience, self._extra_menu)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Type what you see and press Enter (each line is saved at once)")
        self.entry.setAccessibleName("New script line")
        self.entry.setMinimumHeight(32)
        script_page = QWidget()
        sl = QVBoxLayout(script_page)
        sl.addWidget(self.script, 1)
        sl.addWidget(self.entry)

        self.conference = ConferencePanel()

        self.sections = QTabWidget()
        self.sections.addTab(script_page, icon("notebook-pen"), "Script")
        self.sections.addTab(self.conference, icon("message-square"), "Conferences && feedback")

        self.tags = TagPanel(self.ctx.services.rubric if self.ctx.services else load_rubric())
        self.quick, self.tree = self.tags.quick, self.tags.tree

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.sections)
        split.addWidget(self.tags)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([720, 280])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        # behaviour
        self.timer = QTimer(self, interval=1000, timeout=self._tick)  # type: ignore[call-arg]  # stubs lack signal kwargs
        self.autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS, timeout=self.save_pending)  # type: ignore[call-arg]
        self.focus_out = FocusOut(self.save_pending, self)
        self.focus_out.watch(*self.conference.texts(), self.class_period)
        self.back.clicked.connect(self._back)
        self.start_btn.clicked.connect(self.start)
        self.finish_btn.clicked.connect(self.finish)
        self.post_btn.clicked.connect(self.post)
        self.entry.returnPressed.connect(self.add_line)
        self.tags.tagRequested.connect(self.tag)
        self.tags.unknownCodes.connect(lambda t: self.report(ValidationError(f"Unknown rubric tag(s): {t}.")))
        self.tags.escaped.connect(self.entry.setFocus)
        self.tags.install_shortcuts(self)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+E"), self, self.share_selected, context=scope)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_to_feedback, context=scope)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_delete, context=scope)
        QShortcut(QKeySequence.StandardKey.Delete, self.script, self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+Shift+F"), self, self.finish, context=scope)
        self.entry.installEventFilter(_UndoPassThrough(self))
        self.kind.currentIndexChanged.connect(lambda _: self._field_changed("kind"))
        self.site.currentIndexChanged.connect(lambda _: self._field_changed("site_id"))
        self.observed_on.dateChanged.connect(lambda _: self._field_changed("observed_on"))
        self.class_period.textChanged.connect(lambda _: self._field_changed("class_period", later=True))
        self.conference.fieldChanged.connect(lambda n: self._field_changed(n, later=n in TEXT_FIELDS))
        for a, b in (
            (self.kind, self.site),
            (self.site, self.class_period),
            (self.class_period, self.observed_on),
            (self.observed_on, self.start_btn),
            (self.start_btn, self.finish_btn),
            (self.finish_btn, self.entry),
            (self.entry, self.script),
            (self.script, self.quick),
        ):
            QWidget.setTabOrder(a, b)

    # --- loading
    def _fill_sites(self, educator_id: str) -> None:
        svc = self.ctx.svc
        own = set(svc.caseload.educator(educator_id).site_ids)
        self.site.blockSignals(True)
        self.site.clear()
        self.site.addItem("(no site)", None)
        for s in sorted(svc.caseload.sites(), key=lambda s: (s.id not in own, s.name)):
            self.site.addItem(s.name, s.id)
        if own:
            self.site.setCurrentIndex(1)
        self.site.blockSignals(False)

    def new(self, educator_id: str) -> None:
        """A fresh capture: pick kind, site and class, then Start (or just type the first line)."""
        self.clear()
        self.educator_id = educator_id
        self._evaluative = self.ctx.svc.assessments.can_rate(educator_id)
        self._loading = True
        self._fill_sites(educator_id)
        self._loading = False
        self._update_state()
        self.entry.setFocus()

    def load(self, observation_id: str) -> None:
        self.clear()
        svc = self.ctx.svc
        o = svc.observations.observation(observation_id)
        self.educator_id = o.educator_id
        self._evaluative = svc.assessments.can_rate(o.educator_id)
        self._loading = True
        self._fill_sites(o.educator_id)
        self._show(o)
        self.model.set_records(svc.observations.notes(o.id))
        self.undo_stack = []
        self._loading = False
        self._update_state()
        if self.model.rowCount():
            self.script.scrollToBottom()

    def _show(self, o: Any) -> None:
        self.obs = o
        set_combo(self.kind, o.kind)
        set_combo(self.site, o.site_id)
        self.class_period.setText(o.class_period or "")
        self.observed_on.setDate(o.observed_on)
        self.conference.show_observation(o)

    def select_note(self, note_id: str) -> None:
        select_row(self.script, self.model.row_of(note_id))

    def clear(self) -> None:
        """Drop everything shown (auto-lock); call save_pending() first to keep unsaved text."""
        self.timer.stop()
        self.autosave.stop()
        self._dirty.clear()
        self.undo_stack = []
        self._loading = True
        self.obs, self.educator_id = None, None
        self.model.clear()
        self.conference.show_observation(None)
        self.entry.clear()
        self.quick.clear()
        self.class_period.clear()
        self.site.clear()
        self._loading = False
        self._update_state()

    # --- state
    def _update_state(self) -> None:
        o = self.obs
        finished = bool(o and o.status == ObservationStatus.FINISHED)
        self.start_btn.setVisible(o is None)
        self.finish_btn.setVisible(o is not None)
        self.finish_btn.setEnabled(bool(o) and not finished)
        self.post_btn.setVisible(finished and self._evaluative)
        self.sections.setTabEnabled(1, o is not None)
        self.status.setText("" if o is None else label(o.status))
        set_tone(self.status, "ok" if finished else "warn")
        if o is not None and not finished:
            self.timer.start()
        else:
            self.timer.stop()
        self._tick()

    def _tick(self) -> None:
        o = self.obs
        if o is None or not o.started_at:
            self.clock.setText("00:00")
            return
        end = o.finished_at if o.finished_at else clock.now()
        self.clock.setText(offset_text(int((end - o.started_at).total_seconds())))

    def _fit_rows_to_text(self) -> None:
        """Wrapped lines get their height row by row: a ResizeToContents header would measure every line of the
        script again on each line typed (O(lines) per Enter; issue 15). Rows are measured when added or changed,
        all of them when the script is reloaded or the text column's width changes; the other columns' widths
        follow the visible lines only."""
        self.script.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.script.horizontalHeader().setResizeContentsPrecision(0)
        fit = self.script.resizeRowToContents
        self.model.rowsInserted.connect(lambda _p, first, last: [fit(r) for r in range(first, last + 1)])
        self.model.dataChanged.connect(lambda tl, br, *_r: [fit(r) for r in range(tl.row(), br.row() + 1)])
        self.model.modelReset.connect(self.script.resizeRowsToContents)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.timeout.connect(self.script.resizeRowsToContents)
        self.script.horizontalHeader().sectionResized.connect(lambda i, _o, _n: self._refit.start(0) if i == 1 else None)

    # --- what changed in the store (this screen's writes, sync, the export dialog's "share")
    def store_changed(self, changes: Changes) -> None:
        if self.obs is None or not changes.concerns(self.educator_id):
            return
        if changes.has("observation", self.obs.id):
            stored = self.ctx.svc.observations.observation(self.obs.id)
            if stored.updated_at != self.obs.updated_at and not self._dirty:
                self._show_stored(stored.id)  # changed elsewhere, nothing typed here: show it
        if changes.touches("script_note"):
            self._update_notes(changes.ids("script_note"))

    def _update_notes(self, changed: frozenset[str]) -> None:
        """Lines added at the end or edited in place (typing, tagging, sync) update only their rows, and only the
        changed lines are read back: a reset of the whole script re-measures every row's height, and re-reading
        every line grew with each line typed (issue 15: Enter -> painted). Anything else (a line removed, restored
        or moved) shows the stored lines again."""
        assert self.obs is not None
        # A line this screen just wrote is the service's own answer (Anki-style: the operation returns what it
        # changed); only lines changed by others are read back.
        fresh = [n for i, n in self._fresh.items() if i in changed]
        rest = changed.difference(self._fresh)
        notes = fresh + (self.ctx.svc.observations.notes_among(self.obs.id, rest) if rest else [])
        notes.sort(key=lambda n: n.seq)
        rows = self.model.records
        row = {n.id: self.model.row_of(n.id) for n in notes}  # -1: not shown
        last_seq = rows[-1].seq if rows else 0
        added = [n for n in notes if row[n.id] < 0 and not n.deleted]
        if (any(n.deleted or n.seq != rows[row[n.id]].seq for n in notes if row[n.id] >= 0)
                or (added and added[0].seq <= last_seq)):
            self._reload_notes()
            return
        at_end = self.script.verticalScrollBar().value() >= self.script.verticalScrollBar().maximum()
        for n in notes:
            if row[n.id] >= 0:
                self.model.replace(n)
        for n in added:
            self.model.append(n)
        if at_end and added:
            self.script.scrollToBottom()

    def _reload_notes(self, notes: list[Any] | None = None) -> None:
        """Show the stored lines again, keeping the selection and the current line."""
        keep = [n.id for n in selected_records(self.script)]
        cur = self.model.record(self.script.currentIndex().row())
        at_end = self.script.verticalScrollBar().value() >= self.script.verticalScrollBar().maximum()
        self.model.set_records(notes if notes is not None else self.ctx.svc.observations.notes(self.obs.id))
        self.select_notes(keep, current=cur.id if cur is not None else None)
        if at_end:
            self.script.scrollToBottom()

    def select_notes(self, note_ids: list[str], *, current: str | None = None) -> None:
        sel = self.script.selectionModel()
        sel.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for nid in note_ids:
            row = self.model.row_of(nid)
            if row >= 0:
                sel.select(self.model.index(row, 0), flags)
        row = self.model.row_of(current or (note_ids[-1] if note_ids else ""))
        if row >= 0:
            sel.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.script.scrollTo(self.model.index(row, 0))

    def _write(self, fn: Callable[[], Any]) -> Any:
        done = ui_write(self, fn, ctx=self.ctx, report=self.report)
        return None if done is None else done.value

    # --- actions
    def start(self) -> bool:
        if self.obs is not None or self.educator_id is None:
            return self.obs is not None
        educator_id, values = self.educator_id, self._values()
        o = self._write(lambda: self.ctx.svc.observations.start(
            educator_id=educator_id,
            kind=values["kind"],
            observed_on=values["observed_on"],
            site_id=values["site_id"],
            class_period=values["class_period"],
        ))
        if o is None:
            return False
        self.obs = o
        self._update_state()
        return True

    def add_line(self) -> None:
        text = self.entry.text()
        if not text.strip() or not self.start():
            return
        obs_id = self.obs.id

        def write() -> Any:
            n = self.ctx.svc.observations.add_note(observation_id=obs_id, text=text)
            self._fresh[n.id] = n  # committed: store_changed shows it without reading it back
            return n

        try:
            note = self._write(write)
        finally:
            self._fresh.clear()
        if note is None:
            return  # the line stays in the entry
        self.entry.setText("")  # (not clear(): setText also ends the line's own undo, so Ctrl+Z undoes deletes)
        if self.model.row_of(note.id) < 0:
            self._reload_notes()
        self.select_notes([note.id])  # the new line is the "current" line for tagging
        self.script.scrollToBottom()

    def _targets(self) -> list[Any]:
        recs = selected_records(self.script)
        if not recs and self.model.rowCount():
            recs = [self.model.record(self.model.rowCount() - 1)]
        return recs

    def tag(self, code: str) -> None:
        targets = self._targets()
        if not targets:
            self.report(ValidationError("Type a line first, then tag it."))
            return
        svc = self.ctx.svc.observations
        self._write(lambda: [svc.toggle_tag(n.id, code) for n in targets])
        self.entry.setFocus()

    def _edit_text(self, note: Any, text: str) -> Any:
        return self._write(lambda: self.ctx.svc.observations.edit_note(note.id, text=text))

    def _set_audience(self, note: Any, audience: str) -> None:
        self._write(lambda: self.ctx.svc.observations.edit_note(note.id, audience=audience))

    def share_selected(self) -> None:
        """Ctrl+E: share the selected lines with the educator (or, if all are shared, make them CT-private)."""
        notes = selected_records(self.script)
        if not notes:
            self.report(ValidationError("Select the lines to share first."))
            return
        to = "ct_private" if all(n.audience != "ct_private" for n in notes) else "educator"
        ids = [n.id for n in notes]
        if self._write(lambda: self.ctx.svc.observations.set_notes_audience(ids, audience=to)) is not None:
            n = len(ids)
            self.ctx.statusMessage.emit(
                f"{n} line{'s' * (n != 1)} " + ("shared with the educator." if to == "educator" else "made CT-private.")
            )

    def copy_to_feedback(self) -> None:
        """Ctrl+Shift+C: append the selected lines to "Feedback and next steps" (saved like typing there)."""
        notes = selected_records(self.script)
        if not notes or self.obs is None:
            self.report(ValidationError("Select the lines to copy into the feedback first."))
            return
        fb = self.conference.feedback
        current = fb.toPlainText().rstrip("\n")
        fb.setPlainText("\n".join([*([current] if current else []), *(f"- {n.text}" for n in notes)]))
        self.save_pending()
        n = len(notes)
        self.ctx.statusMessage.emit(f"{n} line{'s' * (n != 1)} copied into Feedback and next steps.")

    def _extra_menu(self, menu: Any, notes: list[Any]) -> None:
        n = len(notes)
        private = any(x.audience == "ct_private" for x in notes)
        share = menu.addAction(icon("eye"), ("Share with the educator" if private else "Make CT-private") + "\tCtrl+E")
        share.triggered.connect(self.share_selected)
        copy = menu.addAction(icon("sticky-note"), "Copy into feedback\tCtrl+Shift+C")
        copy.triggered.connect(self.copy_to_feedback)
        menu.addSeparator()
        act = menu.addAction(icon("trash-2"), ("Delete line" if n == 1 else f"Delete {n} lines") + "\tDel")
        act.triggered.connect(lambda: self.delete_lines(notes))

    def delete_selected(self) -> None:
        notes = selected_records(self.script)
        if notes:
            self.delete_lines(notes)

    def delete_lines(self, notes: list[Any]) -> None:
        """Delete lines (several: after a confirmation). Ctrl+Z brings them back until the CT leaves the
        observation."""
        if not notes:
            return
        if len(notes) > 1:
            box = QMessageBox(QMessageBox.Icon.Question, "Delete lines",
                              f"Delete {len(notes)} script lines?\n\nCtrl+Z brings them back until you leave "
                              "this observation.", QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("confirmDeleteLines")
            delete = box.addButton(f"Delete {len(notes)} lines", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not delete:
                return
        ids = [n.id for n in notes]
        if self._write(lambda: self.ctx.svc.observations.delete_notes(ids)) is None:
            return
        self.undo_stack.append(ids)
        n = len(ids)
        self.ctx.statusMessage.emit(f"Deleted {n} line{'s' * (n != 1)}. Ctrl+Z brings {'them' if n > 1 else 'it'} back.")
        self.script.setFocus()

    def undo_delete(self) -> None:
        if not self.undo_stack:
            return
        ids = self.undo_stack.pop()
        if self._write(lambda: self.ctx.svc.observations.restore_notes(ids)) is not None:
            self.select_notes(ids)
            n = len(ids)
            self.ctx.statusMessage.emit(f"Brought back {n} line{'s' * (n != 1)}.")

    def finish(self) -> None:
        if self.obs is None:
            return
        self.save_pending()
        obs_id = self.obs.id
        o = self._write(lambda: self.ctx.svc.observations.finish(observation_id=obs_id))
        if o is not None:
            self.obs = o
            self._update_state()

    def post(self) -> None:
        """Open the post-to-platform view of this (finished) observation, with every edit saved first."""
        if self.obs is None:
            return
        self.save_pending()
        from ..district.post import open_post_dialog

        open_post_dialog(self.ctx, "observation", self.obs.id, self)

    # --- autosave of header and conference fields
    def _field_changed(self, name: str, *, later: bool = False) -> None:
        if self._loading or self.obs is None:
            return
        self._dirty.add(name)
        if later:
            self.autosave.start()
        else:
            self.save_pending()

    def _values(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind.currentData()),
            "site_id": self.site.currentData(),
            "class_period": self.class_period.text().strip() or None,
            "observed_on": pydate(self.observed_on.date()),
            **self.conference.values(),
        }

    def save_pending(self) -> None:
        """Write changed fields now (focus-out, debounce, Finish, leaving the page, auto-lock)."""
        self.autosave.stop()
        if self.obs is None or not self._dirty:
            return
        values = self._values()
        fields = {k: values[k] for k in self._dirty}
        obs = self.obs
        svc = self.ctx.svc.observations
        done = ui_write(self, lambda: svc.update(obs.id, unchanged_since=obs.updated_at, **fields), ctx=self.ctx,
                        report=self.report, overwrite=lambda: svc.update(obs.id, **fields),
                        discard=lambda: self._show_stored(obs.id))
        if done is not None:
            self._dirty.clear()
            self.obs = done.value

    def _show_stored(self, obs_id: str) -> None:
        """Take the version stored elsewhere (sync): drop this screen's unsaved header and conference edits."""
        self._dirty.clear()
        self._loading = True
        try:
            self._show(self.ctx.svc.observations.observation(obs_id))
        finally:
            self._loading = False
        self._update_state()

    # --- drafts (locking keeps what was typed: ui/widgets/drafts.py)
    def draft_state(self) -> dict[str, Any]:
        """What this capture holds beyond the store: the line being typed, the quick tag box, the section,
        the selection, and header/conference fields not saved yet (a capture not started, or a failed save)."""
        state: dict[str, Any] = {
            "obs_id": self.obs.id if self.obs is not None else None,
            "entry": self.entry.text(),
            "quick": self.quick.text(),
            "section": self.sections.currentIndex(),
            "selected": [n.id for n in selected_records(self.script)],
        }
        if self.obs is None or self._dirty:
            state["fields"] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self._values().items()}
            state["dirty"] = sorted(self._dirty) if self.obs is not None else []
        return state

    def restore_draft(self, state: dict[str, Any]) -> None:
        fields = state.get("fields") or {}
        if fields:
            self._loading = self.obs is None  # a capture not started yet: nothing to autosave
            set_combo(self.kind, fields.get("kind"))
            set_combo(self.site, fields.get("site_id"))
            self.class_period.setText(fields.get("class_period") or "")
            if fields.get("observed_on"):
                self.observed_on.setDate(qdate(date.fromisoformat(fields["observed_on"])))
            self.conference.show_values(fields)
            self._loading = False
            self._dirty.update(state.get("dirty") or [])
        self.entry.setText(state.get("entry") or "")
        self.quick.setText(state.get("quick") or "")
        self.sections.setCurrentIndex(int(state.get("section") or 0))
        if state.get("selected"):
            self.select_notes(list(state["selected"]))
        self.entry.setFocus()

    def _back(self) -> None:
        self.save_pending()
        self.backRequested.emit()
