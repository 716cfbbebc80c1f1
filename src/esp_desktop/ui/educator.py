"""The educator page: tabs for Overview, Observations, Evidence, Coaching log, Contacts, Assessments, History.

Interface used by the main window (keep it stable):
    page = EducatorPage(ctx, parent)
    page.show_educator(educator_id)          # load an educator
    page.open_record(record_type, record_id) # switch to the right tab and select/open that record
    page.save_pending()                      # flush unsaved edits (called before locking)
    page.clear()                             # drop every widget's caseload data (called on lock)
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from .context import AppContext


class EducatorPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.educator_id: str | None = None
        self.title = QLabel()
        self.tabs = QTabWidget()
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.tabs)

    def show_educator(self, educator_id: str) -> None:
        self.educator_id = educator_id
        self.title.setText(self.ctx.svc.caseload.educator(educator_id).display_name)

    def open_record(self, record_type: str, record_id: str) -> None:
        pass

    def save_pending(self) -> None:
        pass

    def clear(self) -> None:
        self.educator_id = None
        self.title.clear()
