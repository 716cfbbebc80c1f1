"""The app's icon set (Lucide SVGs in resources/icons, drawn in currentColor and tinted here)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from ...resources import resource_path
from .style import colors


def icon(name: str, color: str | None = None, size: int = 48) -> QIcon:
    """A tinted icon by Lucide name (e.g. "lock", "search"), in the theme's icon colour unless ``color`` is
    given; an empty icon if the file is missing."""
    return _icon(name, color or colors()["ICON"], size)


@lru_cache(maxsize=512)
def _icon(name: str, color: str, size: int) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    if not path.exists():
        return QIcon()
    # SVG rendering (Qt's SVG module, QPainter) is not needed for the unlock window's first frame (issue 15)
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    svg = path.read_text(encoding="utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    pm = QPixmap(QSize(size, size))
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    renderer.render(p)
    p.end()
    return QIcon(pm)


@lru_cache(maxsize=1)
def app_icon() -> QIcon:  # once: the application, the main window and the unlock card all ask for it at start-up
    ic = QIcon()
    for s in (16, 32, 48, 64, 128, 256):
        f = resource_path("icons", "app", f"esp-desktop-{s}.png")
        if f.exists():
            ic.addFile(str(f), QSize(s, s))
    return ic
