"""One case on a Panel agenda: the CT's presentation and the discussion, the motion and the vote, the decision
(from the one decision vocabulary, with final ratings for PAR), the decision history and the final evaluation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import panel_rules, rules, timefmt
from ...core.enums import DocumentStatus, label
from ..context import AppContext
from ..widgets.common import muted
from ..widgets.fields import Report, set_combo
from ..widgets.icons import icon
from ..widgets.style import set_tone
from ..widgets.write import ui_write


def _text(name: str, height: int = 90) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMaximumHeight(height)
    return t


def _count(name: str) -> QSpinBox:
    s = QSpinBox()
    s.setAccessibleName(name)
    s.setRange(0, 40)
    return s


def _person(name: str) -> QComboBox:
    c = QComboBox()
    c.setAccessibleName(name)
    c.setEditable(True)
    return c


class CaseEditor(QWidget):
    """``show_case(item, present, rubric_names)``; writes go through ``ui_write``; ``panel_mode`` (a Panel member's
    device) records votes and decisions only: the CT's presentation and notes are read-only there."""

    def __init__(self, ctx: AppContext, report: Report, *, panel_mode: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.report, self.panel_mode = ctx, report, panel_mode
        self.item: Any = None
        self.on_written: Callable[[str], None] = lambda _case_id: None
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.title.setAccessibleName("Case")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setAccessibleName("What is missing")
        set_tone(self.missing, "late")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)

        # presentation and discussion
        self.purpose = QLineEdit()
        self.purpose.setAccessibleName("Purpose")
        self.presentation = _text("Presentation", 110)
        self.presentation.setPlaceholderText("The CT's presentation, in brief: what the evidence shows")
        self.discussion = _text("Discussion notes", 110)
        self.discussion.setPlaceholderText("The Panel's discussion (Panel audience)")
        self.save_notes = QPushButton(icon("save"), "Save notes")
        self.save_notes.setAccessibleName("Save presentation and discussion")
        self.save_notes.clicked.connect(self.write_notes)
        notes = QWidget()
        nl = QVBoxLayout(notes)
        nf = QFormLayout()
        nf.addRow("P&urpose:", self.purpose)
        nf.addRow("&Presentation:", self.presentation)
        nf.addRow("D&iscussion:", self.discussion)
        nl.addLayout(nf)
        nl.addWidget(self.save_notes, 0, Qt.AlignmentFlag.AlignRight)
        nl.addStretch(1)

        # the vote and the decision
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setAccessibleName("Current decision")
        self.decision = QComboBox()
        self.decision.setAccessibleName("Decision")
        self.decision.currentIndexChanged.connect(lambda _i: self._decision_changed())
        self.ratings_box = QGroupBox("Final ratings")
        self.ratings_form = QFormLayout(self.ratings_box)
        self.ratings_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the name above
        self.ratings: dict[str, QComboBox] = {}
        self.overall = QComboBox()
        self.no_ratings = muted("PA and informal coaching are non-evaluative: the Panel records no ratings.")
        self.motion = QLineEdit()
        self.motion.setAccessibleName("Motion")
        self.motion.setPlaceholderText("The motion (default: to take the chosen decision)")
        self.moved_by, self.seconded_by = _person("Moved by"), _person("Seconded by")
        self.votes_for, self.against, self.abstain = _count("Votes for"), _count("Votes against"), _count("Abstaining")
        self.rationale = _text("Rationale", 80)
        self.rationale.setPlaceholderText("Why the Panel decided so (printed in the minutes and the final evaluation)")
        self.revision = QLineEdit()
        self.revision.setAccessibleName("Reason for the revision")
        self.revision.setPlaceholderText("Why the Panel revises its earlier decision")
        self.vote_btn = QPushButton(icon("gavel"), "Record vote and decision")
        self.vote_btn.setProperty("primary", True)
        self.vote_btn.setAccessibleName("Record vote and decision")
        self.vote_btn.clicked.connect(self.record_vote)
        self.motions = QListWidget()
        self.motions.setAccessibleName("Motions and votes")
        self.motions.setMaximumHeight(90)
        tally = QHBoxLayout()
        for caption, box in (("For", self.votes_for), ("Against", self.against), ("Abstain", self.abstain)):
            tally.addWidget(QLabel(caption))
            tally.addWidget(box)
        tally.addStretch(1)
        people = QHBoxLayout()
        people.addWidget(self.moved_by, 1)
        people.addWidget(QLabel("seconded by"))
        people.addWidget(self.seconded_by, 1)
        vote = QWidget()
        vl = QVBoxLayout(vote)
        vl.addWidget(self.current)
        vf = QFormLayout()
        vf.addRow("&Decision:", self.decision)
        vl.addLayout(vf)
        vl.addWidget(self.no_ratings)
        vl.addWidget(self.ratings_box)
        mf = QFormLayout()
        mf.addRow("&Motion:", self.motion)
        mf.addRow("Moved by:", people)
        mf.addRow("Vote:", tally)
        mf.addRow("&Rationale:", self.rationale)
        self.revision_row = QLabel("Re&vision:")
        self.revision_row.setBuddy(self.revision)
        mf.addRow(self.revision_row, self.revision)
        vl.addLayout(mf)
        vl.addWidget(self.vote_btn, 0, Qt.AlignmentFlag.AlignRight)
        vl.addWidget(QLabel("Motions on this case:"))
        vl.addWidget(self.motions)
        vl.addStretch(1)

        # history and the final evaluation
        self.history = QListWidget()
        self.history.setAccessibleName("Decision history")
        self.final_state = QLabel()
        self.final_state.setWordWrap(True)
        self.final_state.setAccessibleName("Final evaluation")
        self.generate_btn = QPushButton(icon("circle-check"), "Generate final evaluation")
        self.generate_btn.setAccessibleName("Generate final evaluation")
        self.generate_btn.clicked.connect(self.generate_final)
        self.finalize_btn = QPushButton(icon("lock"), "Finalize final evaluation")
        self.finalize_btn.setAccessibleName("Finalize final evaluation")
        self.finalize_btn.clicked.connect(self.finalize_final)
        hist = QWidget()
        hl = QVBoxLayout(hist)
        hl.addWidget(QLabel("Every version of the Panel's decision on this educator (oldest first):"))
        hl.addWidget(self.history, 1)
        hl.addWidget(self.final_state)
        fb = QHBoxLayout()
        fb.addWidget(self.generate_btn)
        fb.addWidget(self.finalize_btn)
        fb.addStretch(1)
        hl.addLayout(fb)

        self.tabs.addTab(notes, "Presentation")
        self.tabs.addTab(vote, "Vote and decision")
        self.tabs.addTab(hist, "History")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.missing)
        lay.addWidget(self.tabs, 1)
        self.set_panel_mode(panel_mode)
        self.show_case(None)

    def set_panel_mode(self, on: bool) -> None:
        self.panel_mode = on
        for w in (self.purpose, self.presentation, self.discussion):
            w.setReadOnly(on)
        for b in (self.save_notes, self.generate_btn, self.finalize_btn):
            b.setVisible(not on)

    # --- showing ---------------------------------------------------------------------------------------------

    def build_ratings(self) -> None:
        rubric = self.ctx.svc.rubric
        while self.ratings_form.rowCount():
            self.ratings_form.removeRow(0)
        names = {s.code: s.name for s in rubric.standards}
        choices = [("Not rated", None)] + [(rubric.rating_name(c), c) for c in rubric.rating_codes()]
        self.ratings = {}
        for code in rubric.standard_codes():
            c = QComboBox()
            c.setAccessibleName(f"Final rating {code}")
            for text, value in choices:
                c.addItem(text, value)
            self.ratings[code] = c
            c.setToolTip(f"Standard {code}: {names.get(code, '')}")
            self.ratings_form.addRow(f"Standard {code}:", c)
        self.overall = QComboBox()
        self.overall.setAccessibleName("Final overall rating")
        for text, value in choices:
            self.overall.addItem(text, value)
        self.ratings_form.addRow("Overall:", self.overall)

    def show_case(self, item: Any, present: Sequence[str] = (), missing: Sequence[str] = ()) -> None:
        self.item = item
        self.setEnabled(item is not None)
        self.missing.setText("Missing: " + "; ".join(missing) + "." if missing else "")
        self.missing.setVisible(bool(missing))
        if item is None:
            self.title.setText("Choose a case on the agenda")
            for w in (self.purpose, self.motion, self.revision):
                w.clear()
            for t in (self.presentation, self.discussion, self.rationale):
                t.clear()
            self.current.clear()
            self.motions.clear()
            self.history.clear()
            self.final_state.clear()
            return
        c = item.case
        self.title.setText(f"{item.educator_name} · {label(item.program) if item.program else 'no program'}")
        self.purpose.setText(c.purpose)
        self.presentation.setPlainText(c.presentation or "")
        self.discussion.setPlainText(c.discussion or "")
        evaluative = bool(item.program and rules.is_evaluative(item.program))
        self.decision.blockSignals(True)
        self.decision.clear()
        for d in panel_rules.decision_options(item.program):
            self.decision.addItem(label(d.value), d.value)
        self.decision.blockSignals(False)
        if not self.ratings:
            self.build_ratings()
        self.ratings_box.setVisible(evaluative)
        self.no_ratings.setVisible(not evaluative)
        for combo in (self.moved_by, self.seconded_by):
            combo.clear()
            combo.addItem("")
            combo.addItems(list(present))
        for box in (self.votes_for, self.against, self.abstain):
            box.setValue(0)
        self.motion.clear()
        self.rationale.clear()
        self.revision.clear()
        d = item.decision
        current = self.ctx.svc.panel.current_decision(c.educator_id)
        if current is not None:
            where = "at this meeting" if current.meeting_id == c.meeting_id else \
                f"on {timefmt.screen_date(current.decided_on)}"
            self.current.setText(
                f"<b>Decided {where}:</b> {label(current.decision)} (version {current.version_no}, recorded by "
                f"{current.recorded_by}). A new vote here <b>revises</b> it; the earlier version stays on record.")
        else:
            self.current.setText("No decision yet.")
        self.revision.setVisible(current is not None)
        self.revision_row.setVisible(current is not None)
        set_combo(self.decision, (d.decision if d else None) or self.decision.itemData(0))
        for code, combo in self.ratings.items():
            set_combo(combo, (d.final_ratings or {}).get(code) if d else None)
        set_combo(self.overall, d.final_overall if d else None)
        self.motions.clear()
        for m in item.motions:
            tally = panel_rules.Tally(m.votes_for, m.votes_against, m.abstentions).line()
            self.motions.addItem(f"{m.text} — {tally}: {'carried' if m.carried else 'did not carry'} "
                                 f"(recorded by {m.recorded_by})")
        self._show_history(c.educator_id)
        self._decision_changed()

    def _show_history(self, educator_id: str) -> None:
        svc = self.ctx.svc
        self.history.clear()
        history = svc.panel.decision_history(educator_id)
        replaced = {d.supersedes_id for d in history if d.supersedes_id}
        for d in history:
            state = "superseded" if d.id in replaced else "current"
            extra = f" — revised: {d.revision_reason}" if d.revision_reason else ""
            self.history.addItem(f"v{d.version_no} · {timefmt.screen_date(d.decided_on)} · {label(d.decision)} "
                                 f"({state}; recorded by {d.recorded_by}){extra}")
        current = svc.panel.current_decision(educator_id)
        fe = svc.final_evaluations.current(educator_id)
        gives = current is not None and panel_rules.gives_final_ratings(current.decision)
        made = fe is not None and (fe.basis or {}).get("decision_id") == (current.id if current else None)
        if fe is None:
            self.final_state.setText("No final summative evaluation yet." if gives else
                                     "The final summative evaluation follows a decision that sets final ratings.")
        else:
            state = "final" if fe.status == DocumentStatus.FINAL else "draft"
            self.final_state.setText(f"Final summative evaluation: version {fe.version_no}, {state}"
                                     + ("" if made else " (from an earlier decision)") + ".")
        self.generate_btn.setEnabled(gives and not made)
        self.finalize_btn.setEnabled(fe is not None and made and fe.status == DocumentStatus.DRAFT)

    def _decision_changed(self) -> None:
        d = self.decision.currentData()
        modify = d == "modify_rating"
        for combo in [*self.ratings.values(), self.overall]:
            combo.setEnabled(modify)

    # --- writing -------------------------------------------------------------------------------------------

    def write_notes(self) -> None:
        if self.item is None:
            return
        case_id = self.item.case.id
        fields = {"purpose": self.purpose.text().strip() or "Case review",
                  "presentation": self.presentation.toPlainText().strip() or None,
                  "discussion": self.discussion.toPlainText().strip() or None}
        if ui_write(self, lambda: self.ctx.svc.panel.update_case(case_id, **fields), ctx=self.ctx,
                    report=self.report):
            self.ctx.statusMessage.emit("Presentation and discussion saved.")
            self.on_written(case_id)

    def record_vote(self) -> None:
        if self.item is None:
            return
        c = self.item.case
        decision = self.decision.currentData()
        ratings = ({k: v.currentData() for k, v in self.ratings.items() if v.currentData()}
                   if decision == "modify_rating" else {})
        overall = self.overall.currentData() if decision == "modify_rating" else None
        current = self.ctx.svc.panel.current_decision(c.educator_id)
        kw: dict[str, Any] = dict(
            case_id=c.id, decision=decision, votes_for=self.votes_for.value(), votes_against=self.against.value(),
            abstentions=self.abstain.value(), motion=self.motion.text(), moved_by=self.moved_by.currentText(),
            seconded_by=self.seconded_by.currentText(), final_ratings=ratings, final_overall=overall,
            rationale=self.rationale.toPlainText().strip() or None,
            supersedes_id=current.id if current is not None else None,
            revision_reason=self.revision.text().strip() or None)
        done = ui_write(self, lambda: self.ctx.svc.panel.vote_and_decide(**kw), ctx=self.ctx, report=self.report)
        if done is None:
            return
        motion, d = done.value
        who = self.item.educator_name
        self.ctx.statusMessage.emit(f"Decision recorded for {who}: {label(d.decision)}." if d is not None else
                                    f"The motion on {who} did not carry: no decision was recorded.")
        self.on_written(c.id)

    def generate_final(self) -> None:
        if self.item is None:
            return
        current = self.ctx.svc.panel.current_decision(self.item.case.educator_id)
        if current is None:
            return
        if ui_write(self, lambda: self.ctx.svc.final_evaluations.generate(decision_id=current.id), ctx=self.ctx,
                    report=self.report):
            self.ctx.statusMessage.emit("Final summative evaluation generated (draft): check it, then finalize.")
            self.on_written(self.item.case.id)

    def finalize_final(self) -> None:
        if self.item is None:
            return
        fe = self.ctx.svc.final_evaluations.current(self.item.case.educator_id)
        if fe is None:
            return
        if ui_write(self, lambda: self.ctx.svc.final_evaluations.finalize(document_id=fe.id), ctx=self.ctx,
                    report=self.report):
            self.ctx.statusMessage.emit("Final summative evaluation finalized.")
            self.on_written(self.item.case.id)
