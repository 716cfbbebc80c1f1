"""Layering: only esp_desktop.ui may import PySide6."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "esp_desktop"
QT_FREE = ["core", "store", "sync", "reports", "server"]


def _imports(path: Path) -> set[str]:
    mods = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            mods |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module.split(".")[0])
    return mods


def test_non_ui_packages_do_not_import_qt() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for pkg in QT_FREE
        for p in (SRC / pkg).rglob("*.py")
        if {"PySide6", "shiboken6"} & _imports(p)
    ]
    assert offenders == []


def test_core_does_not_import_ui() -> None:
    for p in (SRC / "core").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert "esp_desktop.ui" not in text and "from ..ui" not in text and "from ...ui" not in text, p
