"""The Linux tarball and its install.sh/uninstall.sh, with a fake one-folder build (fast; no PyInstaller).

The real frozen build goes through the same scripts in installers/smoke.sh (CI) and test_frozen_smoke.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

import esp_desktop

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell scripts")


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("esp_build", ROOT / "installers" / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def tarball(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tarball from build.package_linux with a fake dist/esp-desktop whose binary echoes its arguments."""
    build = _load_build()
    dist = tmp_path / "dist"
    app = dist / "esp-desktop"
    (app / "_internal").mkdir(parents=True)
    exe = app / "esp-desktop"
    exe.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "esp-desktop 9.9.9" || echo "ran $*"\n')
    exe.chmod(0o755)
    monkeypatch.setattr(build, "DIST", dist)
    return build.package_linux("9.9.9")


def _run(script: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ESP_"))}
    env["HOME"] = str(home)
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, check=True)


def test_version_has_one_source() -> None:
    assert _load_build().read_version() == esp_desktop.__version__


def test_tarball_layout(tarball: Path) -> None:
    name = tarball.name.removesuffix(".tar.gz")
    assert name.startswith("esp-desktop-9.9.9-linux-")
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
    for rel in ("esp-desktop/esp-desktop", "install.sh", "uninstall.sh", "esp-desktop.desktop",
                "icons/esp-desktop.svg", "icons/esp-desktop-256.png", "README.txt"):
        assert f"{name}/{rel}" in members, rel
    for rel in ("install.sh", "uninstall.sh", "esp-desktop/esp-desktop"):
        assert members[f"{name}/{rel}"].mode & 0o111, f"{rel} lost its executable bit"


def test_install_then_uninstall_keeps_the_data(tarball: Path, tmp_path: Path) -> None:
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "x", filter="tar")
    pkg = next((tmp_path / "x").iterdir())
    home = tmp_path / "home"
    share = home / ".local" / "share"
    # Data the user already has: the default data folder sits beside the menu entries in ~/.local/share.
    data = share / "esp-desktop"
    data.mkdir(parents=True)
    (data / "esp.db").write_bytes(b"not really encrypted, but precious")

    out = _run(pkg / "install.sh", home).stdout
    assert "Installed ESP Desktop 9.9.9" in out
    appdir = home / ".local" / "opt" / "esp-desktop"
    link = home / ".local" / "bin" / "esp-desktop"
    desktop = share / "applications" / "esp-desktop.desktop"
    assert link.is_symlink() and os.readlink(link) == str(appdir / "esp-desktop")
    assert subprocess.run([str(link), "gui"], capture_output=True, text=True).stdout == "ran gui\n"
    entry = desktop.read_text()
    assert f"Exec={appdir}/esp-desktop\n" in entry and "Icon=esp-desktop" in entry
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / "esp-desktop.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "esp-desktop.svg").is_file()

    _run(pkg / "install.sh", home)  # upgrading over an existing install leaves no .old/.new folders
    assert sorted(p.name for p in appdir.parent.iterdir()) == ["esp-desktop"]

    out = _run(appdir / "uninstall.sh", home).stdout
    assert not appdir.exists() and not link.exists() and not link.is_symlink() and not desktop.exists()
    assert not list((share / "icons").rglob("esp-desktop.*"))
    assert (data / "esp.db").read_bytes() == b"not really encrypted, but precious"
    assert str(data) in out


def test_uninstall_leaves_a_foreign_command_alone(tarball: Path, tmp_path: Path) -> None:
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "x", filter="tar")
    pkg = next((tmp_path / "x").iterdir())
    home = tmp_path / "home"
    _run(pkg / "install.sh", home)
    link = home / ".local" / "bin" / "esp-desktop"
    link.unlink()
    link.symlink_to("/usr/bin/true")  # e.g. a developer's own esp-desktop
    _run(home / ".local" / "opt" / "esp-desktop" / "uninstall.sh", home)
    assert link.is_symlink() and os.readlink(link) == "/usr/bin/true"


def test_numeric_version_for_windows_resources() -> None:
    build = _load_build()
    assert [build.numeric_version(v) for v in ("0.1.0", "0.2.0rc1", "1.2.3.4.5", "3")] == [
        "0.1.0.0", "0.2.0.0", "1.2.3.4", "3.0.0.0"]
