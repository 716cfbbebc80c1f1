"""The one style sheet of the app, in a light and a dark theme: calm neutrals, one accent colour, readable at any
DPI. Settings › Theme chooses light, dark or the system's choice.

Widgets never hard-code a colour: they say what a text means (``setProperty("tone", "late")``, object names such
as ``muted``, ``banner``, ``noteCard``) and the sheet colours it for the theme; code that paints (tables, the
audience badge text) asks ``tone(name)`` / ``colors()``. Sizes are in points or font-relative units where Qt
allows it, so high-DPI screens scale cleanly.
"""

from __future__ import annotations

from typing import Any

LIGHT: dict[str, str] = {
    "ACCENT": "#2b6a8a", "ACCENT_DARK": "#1f5069", "ON_ACCENT": "#ffffff",
    "TEXT": "#1f2933", "MUTED": "#5b6b79", "DISABLED": "#9aa5b1",
    "LATE": "#b42318", "WARN": "#9a6700", "OK": "#1a7f37", "INFO": "#1f5fa8",
    "SURFACE": "#ffffff", "WINDOW": "#f4f6f8", "SIDEBAR": "#e9eef2", "HOVER": "#dde5eb", "BORDER": "#d3dbe2",
    "ALT_ROW": "#f7f9fb", "SELECTION": "#cfe3ee", "READONLY": "#f4f4f2",
    "WARN_BG": "#fff4e5", "WARN_BORDER": "#f0c98a", "INFO_BG": "#e8eef7", "INFO_TEXT": "#1f3f6b",
    "CARD_BG": "#eef4f8", "CARD_BORDER": "#c9d9e4",
    "ERROR_BG": "#fdecea", "ERROR_TEXT": "#8e1c1c", "GOOD_BG": "#e8f3ec", "GOOD_TEXT": "#1d5e33",
    "ICON": "#36454f",
}
DARK: dict[str, str] = {
    "ACCENT": "#4f9cc4", "ACCENT_DARK": "#3b7fa3", "ON_ACCENT": "#0d1b24",
    "TEXT": "#e3e8ec", "MUTED": "#a3b0bb", "DISABLED": "#6c7883",
    "LATE": "#ff7b72", "WARN": "#e3b341", "OK": "#56d364", "INFO": "#79b8ff",
    "SURFACE": "#1e2227", "WINDOW": "#16191d", "SIDEBAR": "#1b1f24", "HOVER": "#2a3038", "BORDER": "#3a424b",
    "ALT_ROW": "#23282e", "SELECTION": "#2f4b5c", "READONLY": "#262b31",
    "WARN_BG": "#3a2f16", "WARN_BORDER": "#7a5d1c", "INFO_BG": "#1c2c3d", "INFO_TEXT": "#c9defa",
    "CARD_BG": "#1c2a33", "CARD_BORDER": "#33505f",
    "ERROR_BG": "#3d1d1d", "ERROR_TEXT": "#ffb4ab", "GOOD_BG": "#1b3323", "GOOD_TEXT": "#b7f0c4",
    "ICON": "#c9d3db",
}
_current: dict[str, str] = LIGHT

# Light-theme names kept for the modules that colour painted text (tables, the strength meter); ``themed(x)``
# gives the dark theme's version of one of them.
ACCENT, TEXT, MUTED, LATE, WARN, OK, BORDER, SURFACE, WINDOW, SIDEBAR = (
    LIGHT[k] for k in ("ACCENT", "TEXT", "MUTED", "LATE", "WARN", "OK", "BORDER", "SURFACE", "WINDOW", "SIDEBAR"))


def colors() -> dict[str, str]:
    """The colours of the theme in use."""
    return _current


def tone(name: str) -> str:
    """The colour of a meaning ("late", "warn", "ok", "info", "muted", "text") in the theme in use."""
    return _current[{"late": "LATE", "warn": "WARN", "ok": "OK", "info": "INFO", "muted": "MUTED"}.get(name, "TEXT")]


def themed(light_colour: str) -> str:
    """The theme's version of a light-theme colour constant (LATE, WARN, OK, MUTED...)."""
    key = next((k for k, v in LIGHT.items() if v == light_colour), None)
    return _current[key] if key else light_colour


def set_tone(widget: Any, name: str | None) -> None:
    """Colour a label by meaning (the sheet's ``QLabel[tone=...]`` rules) and repaint it."""
    widget.setProperty("tone", name or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def is_dark() -> bool:
    return _current is DARK


def use(theme: dict[str, str]) -> None:
    global _current
    _current = theme


def style_sheet(t: dict[str, str] | None = None) -> str:
    t = t or _current
    return f"""
QWidget {{ color: {t['TEXT']}; }}
QMainWindow, QDialog, QWizard {{ background: {t['WINDOW']}; }}
QToolBar {{ background: {t['SURFACE']}; border: none; border-bottom: 1px solid {t['BORDER']}; spacing: 4px;
    padding: 3px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; }}
QToolBar QToolButton:hover {{ background: {t['SIDEBAR']}; }}
QStatusBar {{ background: {t['SURFACE']}; border-top: 1px solid {t['BORDER']}; color: {t['MUTED']}; }}
QListWidget#sidebar {{ background: {t['SIDEBAR']}; border: none; border-right: 1px solid {t['BORDER']};
    padding-top: 8px; outline: 0; }}
QListWidget#sidebar::item {{ padding: 0 10px; margin: 1px 8px; border-radius: 5px; }}
QListWidget#sidebar::item:selected {{ background: {t['ACCENT']}; color: {t['ON_ACCENT']}; }}
QListWidget#sidebar::item:hover:!selected {{ background: {t['HOVER']}; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; }}
QLabel[centered="true"] {{ qproperty-alignment: AlignCenter; }}
QLabel[selectable="true"] {{ qproperty-textInteractionFlags: TextSelectableByMouse; }}
QLabel#formTitle {{ font-size: 11pt; font-weight: 600; }}
QLabel#muted, QLabel[muted="true"] {{ color: {t['MUTED']}; }}
QLabel#error {{ color: {t['LATE']}; font-weight: 600; }}
QLabel[tone="late"] {{ color: {t['LATE']}; font-weight: 600; }}
QLabel[tone="warn"] {{ color: {t['WARN']}; }}
QLabel[tone="ok"] {{ color: {t['OK']}; font-weight: 600; }}
QLabel[tone="info"] {{ color: {t['INFO']}; font-weight: 600; }}
QLabel#counter {{ font-size: 18pt; font-weight: 600; }}
QLabel#counter[tone="ok"] {{ color: {t['OK']}; }}
QLabel#clock {{ font: 600 16pt "DejaVu Sans Mono", monospace; padding: 0 8px; }}
QLabel#warning {{ background: {t['WARN_BG']}; border: 1px solid {t['WARN_BORDER']}; border-radius: 5px;
    padding: 8px; }}
QLabel#banner {{ background: {t['INFO_BG']}; color: {t['INFO_TEXT']}; padding: 6px 10px; border-radius: 4px; }}
QLabel#noteCard {{ background: {t['CARD_BG']}; border: 1px solid {t['CARD_BORDER']}; border-radius: 6px;
    padding: 16px 20px; font-size: 10.5pt; }}
QLabel#messageBar[kind="error"] {{ background: {t['ERROR_BG']}; color: {t['ERROR_TEXT']}; padding: 6px 10px;
    border-radius: 4px; }}
QLabel#messageBar[kind="info"] {{ background: {t['GOOD_BG']}; color: {t['GOOD_TEXT']}; padding: 6px 10px;
    border-radius: 4px; }}
QLabel#capIndicator {{ border: 1px solid {t['BORDER']}; border-radius: 10px; padding: 2px 10px;
    background: {t['SURFACE']}; font-weight: 600; }}
QLabel#capIndicator[state="full"] {{ color: {t['WARN']}; border-color: {t['WARN_BORDER']}; }}
QLabel#capIndicator[state="over"] {{ color: {t['LATE']}; border-color: {t['LATE']}; }}
QLabel#syncStatus {{ color: {t['MUTED']}; padding: 0 8px; }}
QFrame#card {{ background: {t['SURFACE']}; border: 1px solid {t['BORDER']}; border-radius: 8px; }}
QTableView, QTreeView, QListView, QListWidget {{ background: {t['SURFACE']}; border: 1px solid {t['BORDER']};
    border-radius: 4px; alternate-background-color: {t['ALT_ROW']}; selection-background-color: {t['SELECTION']};
    selection-color: {t['TEXT']}; }}
QHeaderView::section {{ background: {t['WINDOW']}; border: none; border-bottom: 1px solid {t['BORDER']};
    padding: 5px 6px; font-weight: 600; color: {t['MUTED']}; }}
QLineEdit, QComboBox, QDateEdit, QSpinBox, QPlainTextEdit, QTextEdit {{ background: {t['SURFACE']};
    border: 1px solid {t['BORDER']}; border-radius: 4px; padding: 4px 6px; }}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QSpinBox:focus, QPlainTextEdit:focus, QTextEdit:focus {{
    border: 1px solid {t['ACCENT']}; }}
QPlainTextEdit[readOnly="true"] {{ background: {t['READONLY']}; }}
QComboBox QAbstractItemView {{ background: {t['SURFACE']}; selection-background-color: {t['SELECTION']}; }}
QPushButton {{ background: {t['SURFACE']}; border: 1px solid {t['BORDER']}; border-radius: 4px; padding: 5px 12px; }}
QPushButton:hover {{ background: {t['SIDEBAR']}; }}
QPushButton:focus {{ border: 1px solid {t['ACCENT']}; }}
QPushButton:disabled {{ color: {t['DISABLED']}; }}
QPushButton[primary="true"] {{ background: {t['ACCENT']}; color: {t['ON_ACCENT']}; border-color: {t['ACCENT_DARK']}; }}
QPushButton[primary="true"]:hover {{ background: {t['ACCENT_DARK']}; }}
QPushButton[primary="true"]:disabled {{ background: {t['HOVER']}; color: {t['DISABLED']}; }}
QProgressBar {{ border: 1px solid {t['BORDER']}; border-radius: 4px; background: {t['SURFACE']}; text-align: center;
    max-height: 10px; }}
QProgressBar::chunk {{ background: {t['ACCENT']}; border-radius: 3px; }}
QTabWidget::pane {{ border: 1px solid {t['BORDER']}; background: {t['SURFACE']}; }}
QMenu {{ background: {t['SURFACE']}; border: 1px solid {t['BORDER']}; }}
QMenu::item:selected {{ background: {t['SELECTION']}; }}
"""


STYLE_SHEET = style_sheet(LIGHT)


def palette(t: dict[str, str]) -> Any:
    """A QPalette for the theme (Fusion draws what the sheet does not: scroll bars, check boxes, menus)."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    role = QPalette.ColorRole
    for r, key in ((role.Window, "WINDOW"), (role.WindowText, "TEXT"), (role.Base, "SURFACE"),
                   (role.AlternateBase, "ALT_ROW"), (role.Text, "TEXT"), (role.Button, "SURFACE"),
                   (role.ButtonText, "TEXT"), (role.Highlight, "SELECTION"), (role.HighlightedText, "TEXT"),
                   (role.ToolTipBase, "SURFACE"), (role.ToolTipText, "TEXT"), (role.PlaceholderText, "MUTED"),
                   (role.Link, "INFO"), (role.Mid, "BORDER"), (role.Midlight, "HOVER"), (role.Dark, "BORDER")):
        p.setColor(r, QColor(t[key]))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(t["DISABLED"]))
    return p
