"""Locating the shipped ``resources/`` folder (source checkout, installed wheel or frozen build)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder holding rubric data, fonts, icons and demo data."""
    env = os.environ.get("ESP_RESOURCES_DIR")
    if env:
        return Path(env)
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder build
    if frozen:
        return Path(frozen) / "resources"
    here = Path(__file__).resolve()
    for candidate in (here.parent / "resources", here.parents[2] / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("esp-desktop resources folder not found; set ESP_RESOURCES_DIR")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
