"""What a screen or dialog holds that is not saved yet, as plain JSON, so locking never loses it.

Before the store locks, the main window collects every screen's ``draft_state()`` and every open dialog's
draft (its kind, what it was opened for, and the values of its fields), saves them inside the encrypted store
(``services.drafts``) and restores the same screen, tab and dialogs, with what was typed, after unlock.

Fields are read generically: every input under a widget with an accessible name (line and text edits, combos,
dates, spin boxes, check boxes, checkable lists, and widgets that offer ``draft_value()``), so a new form
needs no code to survive a lock. A dialog that can be reopened declares ``draft_kind`` and ``draft_args()``
and registers itself with ``@restorable``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

Factory = Callable[[Any, QWidget | None, dict[str, Any]], QDialog]  # (ctx, parent, args) -> dialog
DIALOGS: dict[str, Factory] = {}


class Drafted(Protocol):
    """A widget with a value of its own (e.g. the rubric tag field): read and restored as one field."""

    def draft_value(self) -> Any: ...

    def set_draft_value(self, value: Any) -> None: ...


def restorable(kind: str) -> Callable[[type], type]:
    """Register a dialog class that can be reopened after unlock: ``cls.reopen(ctx, parent, args)``."""

    def register(cls: type) -> type:
        cls.draft_kind = kind  # type: ignore[attr-defined]
        DIALOGS[kind] = cls.reopen  # type: ignore[attr-defined]
        return cls

    return register


def _key(w: QWidget) -> str:
    return w.objectName() or w.accessibleName()


def _fields(root: QWidget) -> list[tuple[str, QWidget]]:
    """Named inputs under ``root`` in a stable order; a widget with draft_value() hides its children."""
    out: list[tuple[str, QWidget]] = []
    seen: dict[str, int] = {}

    def walk(w: QWidget) -> None:
        for child in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if isinstance(child, QDialog):
                continue  # a dialog's own dialogs are drafted on their own
            key = _key(child)
            if key and (hasattr(child, "draft_value") or isinstance(child, _INPUTS)):
                n = seen.get(key, 0)
                seen[key] = n + 1
                out.append((key if n == 0 else f"{key}#{n}", child))
                if hasattr(child, "draft_value") or isinstance(child, QComboBox | QAbstractSpinBox):
                    continue
            walk(child)

    walk(root)
    return out


_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget)


def _value(w: QWidget) -> Any:
    if hasattr(w, "draft_value"):
        return w.draft_value()
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        data = w.currentData()
        if w.isEditable():
            return {"text": w.currentText()}
        return {"data": data} if isinstance(data, str | int | float | bool) or data is None else {"index": w.currentIndex()}
    if isinstance(w, QDateEdit):
        return w.date().toString(Qt.DateFormat.ISODate)
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QAbstractButton):
        return w.isChecked() if w.isCheckable() else None
    if isinstance(w, QListWidget):
        return {"checked": [_item_key(w, i) for i in range(w.count())
                            if w.item(i).checkState() == Qt.CheckState.Checked]}
    return None


def _item_key(w: QListWidget, i: int) -> str:
    data = w.item(i).data(Qt.ItemDataRole.UserRole)
    return str(data) if isinstance(data, str) else w.item(i).text()


def _apply(w: QWidget, v: Any) -> None:
    if v is None:
        return
    if hasattr(w, "set_draft_value"):
        w.set_draft_value(v)
    elif isinstance(w, QLineEdit) and not w.isReadOnly():
        w.setText(str(v))
    elif isinstance(w, QPlainTextEdit | QTextEdit) and not w.isReadOnly():
        w.setPlainText(str(v))
    elif isinstance(w, QComboBox) and isinstance(v, dict):
        if "text" in v:
            w.setEditText(str(v["text"]))
        elif "data" in v:
            i = w.findData(v["data"])
            if i >= 0:
                w.setCurrentIndex(i)
        elif "index" in v and 0 <= int(v["index"]) < w.count():
            w.setCurrentIndex(int(v["index"]))
    elif isinstance(w, QDateEdit) and isinstance(v, str):
        w.setDate(QDate.fromString(v, Qt.DateFormat.ISODate))
    elif isinstance(w, QSpinBox):
        w.setValue(int(v))
    elif isinstance(w, QAbstractButton) and w.isCheckable():
        w.setChecked(bool(v))
    elif isinstance(w, QListWidget) and isinstance(v, dict):
        checked = set(v.get("checked", []))
        for i in range(w.count()):
            if w.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable:
                w.item(i).setCheckState(Qt.CheckState.Checked if _item_key(w, i) in checked else Qt.CheckState.Unchecked)


def widget_values(root: QWidget) -> dict[str, Any]:
    """The values of the named inputs under ``root`` (JSON-safe)."""
    return {k: _value(w) for k, w in _fields(root)}


def apply_values(root: QWidget, values: dict[str, Any]) -> None:
    """Put values read by ``widget_values`` back (fields that no longer exist are skipped)."""
    for k, w in _fields(root):
        if k in values:
            _apply(w, values[k])


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
