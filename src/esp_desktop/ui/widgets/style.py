"""The one style sheet of the app: calm neutrals, one accent colour, readable at any DPI.

Sizes are in points or font-relative units where Qt allows it, so high-DPI screens scale cleanly.
"""

from __future__ import annotations

ACCENT = "#2b6a8a"
ACCENT_DARK = "#1f5069"
TEXT = "#1f2933"
MUTED = "#5b6b79"
LATE = "#b42318"
WARN = "#9a6700"
OK = "#1a7f37"
SURFACE = "#ffffff"
WINDOW = "#f4f6f8"
SIDEBAR = "#e9eef2"
BORDER = "#d3dbe2"

STYLE_SHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QDialog, QWizard {{ background: {WINDOW}; }}
QToolBar {{ background: {SURFACE}; border: none; border-bottom: 1px solid {BORDER}; spacing: 4px;
    padding: 3px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; }}
QToolBar QToolButton:hover {{ background: {SIDEBAR}; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QListWidget#sidebar {{ background: {SIDEBAR}; border: none; border-right: 1px solid {BORDER};
    padding-top: 8px; outline: 0; }}
QListWidget#sidebar::item {{ padding: 0 10px; margin: 1px 8px; border-radius: 5px; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT}; color: white; }}
QListWidget#sidebar::item:hover:!selected {{ background: #dde5eb; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; }}
QLabel#muted, QLabel[muted="true"] {{ color: {MUTED}; }}
QLabel#error {{ color: {LATE}; font-weight: 600; }}
QLabel#warning {{ background: #fff4e5; border: 1px solid #f0c98a; border-radius: 5px; padding: 8px; }}
QLabel#capIndicator {{ border: 1px solid {BORDER}; border-radius: 10px; padding: 2px 10px;
    background: {SURFACE}; font-weight: 600; }}
QLabel#capIndicator[state="full"] {{ color: {WARN}; border-color: #e5c07b; }}
QLabel#capIndicator[state="over"] {{ color: {LATE}; border-color: {LATE}; }}
QLabel#syncStatus {{ color: {MUTED}; padding: 0 8px; }}
QFrame#card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QTableView, QTreeView, QListView, QListWidget {{ background: {SURFACE}; border: 1px solid {BORDER};
    border-radius: 4px; alternate-background-color: #f7f9fb; selection-background-color: #cfe3ee;
    selection-color: {TEXT}; }}
QHeaderView::section {{ background: {WINDOW}; border: none; border-bottom: 1px solid {BORDER};
    padding: 5px 6px; font-weight: 600; color: {MUTED}; }}
QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QTextEdit {{ background: {SURFACE};
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 6px; }}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{
    border: 1px solid {ACCENT}; }}
QPushButton {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 12px; }}
QPushButton:hover {{ background: {SIDEBAR}; }}
QPushButton:focus {{ border: 1px solid {ACCENT}; }}
QPushButton:disabled {{ color: #9aa5b1; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT_DARK}; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #9bb8c7; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 4px; background: {SURFACE}; text-align: center;
    max-height: 10px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: {SURFACE}; }}
"""
