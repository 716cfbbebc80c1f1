"""Pre- and post-conference, feedback and next steps of an observation (autosaved by ObservationView).

Feedback and next steps are separate fields because the district platform asks for them separately."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QPlainTextEdit, QWidget

from ..widgets.fields import OptionalDate, hint

TEXT_FIELDS = ("pre_conference_notes", "post_conference_notes", "feedback", "next_steps")
DATE_FIELDS = ("pre_conference_on", "post_conference_on", "feedback_given_on")


def _text(name: str, placeholder: str) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setPlaceholderText(placeholder)
    t.setTabChangesFocus(True)
    t.setMinimumHeight(70)
    return t


class ConferencePanel(QWidget):
    fieldChanged = Signal(str)  # field name (text fields save after a pause, dates at once)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pre_on, self.post_on = OptionalDate("Pre-conference date"), OptionalDate("Post-conference date")
        self.pre_notes = _text("Pre-conference notes", "Lesson goals, what to look for…")
        self.post_notes = _text("Post-conference notes", "What was discussed…")
        self.feedback = _text("Feedback", "Strengths and areas for growth, for the educator…")
        self.next_steps = _text("Next steps", "What the educator will try next, and the support offered…")
        # the observation counts toward the cycle once the educator has had the feedback; it is due a few
        # school days after the visit (Settings › School calendar)
        self.feedback_on = OptionalDate("Feedback given on", check_text="Given to the educator on")
        self.feedback_on.setToolTip("An observation counts toward the cycle's minimum once the educator has "
                                    "received the feedback. It is due a few school days after the visit.")
        cf = QFormLayout(self)
        cf.addRow("Pre-conference", self.pre_on)
        cf.addRow("", self.pre_notes)
        cf.addRow("Post-conference", self.post_on)
        cf.addRow("", self.post_notes)
        cf.addRow("Feedback", self.feedback)
        cf.addRow("Next steps", self.next_steps)
        cf.addRow("Feedback given", self.feedback_on)
        cf.addRow(hint("Saved automatically when you pause or leave a field."))
        self.pre_on.changed.connect(lambda: self.fieldChanged.emit("pre_conference_on"))
        self.post_on.changed.connect(lambda: self.fieldChanged.emit("post_conference_on"))
        self.feedback_on.changed.connect(lambda: self.fieldChanged.emit("feedback_given_on"))
        for name, w in zip(TEXT_FIELDS, self.texts(), strict=True):
            w.textChanged.connect(lambda n=name: self.fieldChanged.emit(n))

    def texts(self) -> tuple[QPlainTextEdit, ...]:
        return self.pre_notes, self.post_notes, self.feedback, self.next_steps

    def show_observation(self, o: Any) -> None:
        self.pre_on.set_value(o.pre_conference_on if o else None)
        self.post_on.set_value(o.post_conference_on if o else None)
        self.feedback_on.set_value(o.feedback_given_on if o else None)
        for name, w in zip(TEXT_FIELDS, self.texts(), strict=True):
            w.setPlainText((getattr(o, name) or "") if o else "")

    def show_values(self, values: dict[str, Any]) -> None:
        """Put back values from ``values()`` (ISO dates allowed), e.g. a draft kept while locked."""
        for name, when in zip(DATE_FIELDS, (self.pre_on, self.post_on, self.feedback_on), strict=True):
            if name in values:
                v = values[name]
                when.set_value(date.fromisoformat(v) if isinstance(v, str) else v)
        for name, text in zip(TEXT_FIELDS, self.texts(), strict=True):
            if name in values:
                text.setPlainText(values[name] or "")

    def values(self) -> dict[str, Any]:
        return {
            "pre_conference_on": self.pre_on.value(),
            "post_conference_on": self.post_on.value(),
            "feedback_given_on": self.feedback_on.value(),
            **{name: w.toPlainText() or None for name, w in zip(TEXT_FIELDS, self.texts(), strict=True)},
        }
