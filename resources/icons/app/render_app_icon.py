"""Render esp-desktop.svg to the PNG sizes and the .ico/.icns files the installers need.

Run from the repository root with the project venv:
    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/app/render_app_icon.py

Qt's SVG renderer draws the vector at every size (no down-scaling blur); Pillow writes the
multi-size Windows .ico and macOS .icns containers from those PNGs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "esp-desktop.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)
# macOS iconsets also carry 1024 px (512@2x); .ico tops out at 256 px.
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return Image.frombytes("RGBA", (size, size), bytes(rgba.constBits()))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 - needed by QtGui
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot parse {SVG}", file=sys.stderr)
        return 1
    for size in SIZES:
        render(renderer, size).save(HERE / f"esp-desktop-{size}.png", optimize=True)
    big = {size: render(renderer, size) for size in set(ICO_SIZES) | set(ICNS_SIZES)}
    big[256].save(HERE / "esp-desktop.ico", sizes=[(s, s) for s in ICO_SIZES],
                  append_images=[big[s] for s in ICO_SIZES])
    big[1024].save(HERE / "esp-desktop.icns", append_images=[big[s] for s in ICNS_SIZES])
    print(f"wrote {len(SIZES)} PNGs, esp-desktop.ico, esp-desktop.icns to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
