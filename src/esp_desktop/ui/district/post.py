"""Post to the district platform: the observation or document laid out in the platform's form order, one "Copy" per
box and "Copy all", so the CT pastes section by section; then "Mark as posted".

The form comes from ``services.district`` (only what the educator may see). A record posted earlier and changed
since is flagged, with the boxes that changed marked, so the CT updates exactly those on the platform.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core import timefmt
from ...core.platform import FormField, PlatformForm, PostState
from ...services.vault import Changes
from ..context import AppContext
from ..widgets.common import error_text, muted, show_error
from ..widgets.icons import icon
from ..widgets.style import ACCENT, BORDER, MUTED, WARN
from ..widgets.write import ui_write

PLATFORM_HINT = "the district platform (Vector Evals+ in Boston)"
# what the form is made of: a change to any of these may change what is to be pasted
FORM_TYPES = ("observation", "script_note", "assessment", "evidence", "educator", "site", "person", "ct_profile",
              "enrolment", "evaluation_cycle", "observation_post", "assessment_post")
STATE_STYLE = {
    "not_posted": ("#eef4f8", "#c9d9e4", "#2b3a42"),
    "posted": ("#e8f3ec", "#b7dcc2", "#1d5e33"),
    "changed": ("#fff4e5", "#f0c98a", "#7a4d00"),
}


def state_text(st: PostState) -> str:
    if st.state == "not_posted":
        return "Not posted yet. Paste each box on the platform, then press Mark as posted."
    when = f"{timefmt.screen_datetime(st.posted_at)} by {st.posted_by}" if st.posted_at else ""
    if st.state == "posted":
        return f"Posted {when}. Nothing has changed since."
    return (f"Changed since it was posted {when}: {', '.join(st.changed)}. Update those boxes on the platform, "
            "then press Mark as posted again.")


class FieldBox(QFrame):
    """One box of the platform's form: its title, a Copy button and the text to paste."""

    def __init__(self, f: FormField, copy, changed: bool, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.field = f
        self.setObjectName("card")
        head = QHBoxLayout()
        title = QLabel(f.title)
        title.setStyleSheet("font-weight: 600;")
        head.addWidget(title)
        self.changed_tag = QLabel("changed since posted")
        self.changed_tag.setStyleSheet(f"color: {WARN}; font-weight: 600;")
        self.changed_tag.setVisible(changed)
        head.addWidget(self.changed_tag)
        head.addStretch(1)
        self.copy_btn = QPushButton(icon("clipboard-list"), "Copy")
        self.copy_btn.setAccessibleName(f"Copy {f.title}")
        self.copy_btn.setToolTip(f"Copy “{f.title}” to the clipboard")
        self.copy_btn.setEnabled(bool(f.text))
        self.copy_btn.clicked.connect(lambda: copy(f))
        self.copy_btn.setAutoDefault(False)
        head.addWidget(self.copy_btn)
        self.text = QLabel(f.text or "(nothing to post)")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(f.title)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        colour = MUTED if not f.text else "inherit"
        self.text.setStyleSheet(f"color: {colour}; padding: 2px 2px 4px 2px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addLayout(head)
        lay.addWidget(self.text)
        if changed:
            self.setStyleSheet("QFrame#card { border: 2px solid #f0c98a; }")


class PostDialog(QDialog):
    """``PostDialog(ctx, "observation" | "assessment", record_id, parent).exec()``."""

    def __init__(self, ctx: AppContext, record_type: str, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.record_type, self.record_id = ctx, record_type, record_id
        self.setWindowTitle("Post to the district platform")
        self.resize(820, 720)
        self.form: PlatformForm | None = None
        self.boxes: dict[str, FieldBox] = {}

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.heading.setAccessibleName("Record to post")
        intro = muted(f"Paste each box into the matching box on {PLATFORM_HINT}, in this order. Only what the "
                      "educator may see is offered.")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Posting status")
        self.left_out = muted()
        self.left_out.setAccessibleName("Left out")

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)

        self.copied = muted()
        self.copied.setAccessibleName("Clipboard")
        self.copy_all_btn = QPushButton(icon("clipboard-check"), "Copy all")
        self.copy_all_btn.setAccessibleName("Copy all boxes")
        self.copy_all_btn.setToolTip("Every box under its heading, in form order, as one text")
        self.mark_btn = QPushButton(icon("check"), "Mark as posted")
        self.mark_btn.setProperty("primary", True)
        self.mark_btn.setAccessibleName("Mark as posted")
        self.mark_btn.setToolTip("Record that you posted this on the platform today")
        self.undo_btn = QPushButton("Not posted after all")
        self.undo_btn.setAccessibleName("Undo the last Mark as posted")
        close = QPushButton("Close")
        close.setDefault(True)  # Enter closes; it never marks as posted or copies by accident
        for b in (self.copy_all_btn, self.mark_btn, self.undo_btn):
            b.setAutoDefault(False)
        foot = QHBoxLayout()
        foot.addWidget(self.copy_all_btn)
        foot.addWidget(self.copied, 1)
        foot.addWidget(self.undo_btn)
        foot.addWidget(self.mark_btn)
        foot.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(intro)
        lay.addWidget(self.state)
        lay.addWidget(self.left_out)
        lay.addWidget(scroll, 1)
        lay.addLayout(foot)

        self.copy_all_btn.clicked.connect(self.copy_all)
        self.mark_btn.clicked.connect(self.mark_posted)
        self.undo_btn.clicked.connect(self.undo_post)
        close.clicked.connect(self.accept)
        self.reload()
        ctx.storeChanged.connect(self._store_changed)
        ctx.storeLocked.connect(self.reject)  # caseload text must not stay on screen while locked

    # --- content
    def reload(self) -> None:
        svc = self.ctx.svc.district
        self.form = svc.form(self.record_type, self.record_id)
        st = svc.state(self.record_type, self.record_id)
        self._show(self.form, st)

    def _show(self, form: PlatformForm, st: PostState) -> None:
        self.heading.setText(f"{form.educator_name} · {form.title}")
        bg, border, fg = STATE_STYLE[st.state]
        self.state.setStyleSheet(f"QLabel {{ background: {bg}; border: 1px solid {border}; color: {fg};"
                                 " border-radius: 5px; padding: 8px; }")
        self.state.setText(state_text(st))
        self.left_out.setText("\n".join(f"• {n}" for n in form.left_out))
        self.left_out.setVisible(bool(form.left_out))
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.boxes = {}
        changed = set(st.changed) if st.state == "changed" else set()
        group = None
        for f in form.fields:
            if f.group != group:
                group = f.group
                head = QLabel(group.upper())
                head.setStyleSheet(f"color: {ACCENT}; font-weight: 600; font-size: 8.5pt; padding-top: 8px;"
                                   f" border-bottom: 1px solid {BORDER};")
                self.body_layout.addWidget(head)
            box = FieldBox(f, self.copy_field, f.title in changed)
            self.boxes[f.key] = box
            self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        self.undo_btn.setVisible(st.state != "not_posted")
        self.mark_btn.setText("Mark as posted again" if st.state == "changed" else "Mark as posted")
        self.mark_btn.setEnabled(st.state != "posted")

    # --- actions
    def copy_field(self, f: FormField) -> None:
        QGuiApplication.clipboard().setText(f.text)
        self.copied.setText(f"Copied “{f.title}”.")

    def copy_all(self) -> None:
        if self.form is None:
            return
        QGuiApplication.clipboard().setText(self.form.all_text())
        self.copied.setText(f"Copied all {len(self.form.fields)} boxes.")

    def mark_posted(self) -> None:
        svc, rtype, rid = self.ctx.svc.district, self.record_type, self.record_id
        ui_write(self, lambda: svc.mark_posted(record_type=rtype, record_id=rid), ctx=self.ctx,
                 title="Could not mark as posted")  # the dialog reloads from the store's change notice

    def undo_post(self) -> None:
        svc, rtype = self.ctx.svc.district, self.record_type
        posts = svc.posts(rtype, self.record_id)
        if posts:
            last = posts[-1].id
            ui_write(self, lambda: svc.undo_post(record_type=rtype, post_id=last), ctx=self.ctx, title="Could not undo")

    def _store_changed(self, changes: Changes) -> None:
        if self.ctx.services is None or not changes.touches(*FORM_TYPES):
            return
        try:
            self.reload()
        except Exception as exc:  # noqa: BLE001 - e.g. the observation was reopened meanwhile: say so in place
            self.state.setText(f"{error_text(exc)} Close this view.")
            self.mark_btn.setEnabled(False)


def open_post_dialog(ctx: AppContext, record_type: str, record_id: str, parent: QWidget | None = None) -> None:
    """Open the post view, or say plainly why this record cannot be posted."""
    try:
        dlg = PostDialog(ctx, record_type, record_id, parent)
    except Exception as exc:  # noqa: BLE001 - e.g. a PA educator, an unfinished observation
        show_error(parent, exc, title="Cannot post this")
        return
    dlg.exec()
