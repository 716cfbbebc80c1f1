"""Build the frozen app for the current platform and package it into dist/.

    python installers/build.py              # PyInstaller one-folder build + the platform package
    python installers/build.py --no-package # only dist/esp-desktop (or dist/ESP Desktop.app)

Linux:   dist/esp-desktop-<version>-linux-<arch>.tar.gz (one-folder build, .desktop file, icons, install.sh)
Windows: dist/esp-desktop-<version>-windows-x64-setup.exe when Inno Setup's ISCC.exe is found (else the
         command to run is printed)
macOS:   dist/esp-desktop-<version>-macos-<arch>.dmg via installers/macos/make-dmg.sh

Prints the build time and sizes and writes them to dist/build-info.json (CI logs them).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLERS = ROOT / "installers"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = "esp-desktop"


def read_version() -> str:
    """esp_desktop.__version__, parsed from the source (the one place the version is written)."""
    tree = ast.parse((ROOT / "src" / "esp_desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit("esp_desktop.__version__ not found")


def arch() -> str:
    m = platform.machine().lower()
    return {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(m, m)


def numeric_version(version: str) -> str:
    """a.b.c.d for Windows version resources: "0.2.0rc1" -> "0.2.0.0" (same rule as the spec)."""
    nums = [p for p in (version.split("+")[0].split(".") + ["0", "0", "0"])[:4] if p.isdigit()]
    return ".".join((nums + ["0", "0", "0", "0"])[:4])


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_pyinstaller(*, clean: bool) -> None:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(WORK), str(INSTALLERS / "esp-desktop.spec")]
    if clean:
        cmd.insert(3, "--clean")
    subprocess.run(cmd, check=True, cwd=ROOT)


def linux_stage_name(version: str) -> str:
    return f"{APP}-{version}-linux-{arch()}"


def package_linux(version: str) -> Path:
    """The tarball: <name>/{esp-desktop/, esp-desktop.desktop, icons/, install.sh, uninstall.sh, README}."""
    name = linux_stage_name(version)
    stage = DIST / name
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copytree(DIST / APP, stage / APP, symlinks=True)
    for f in ("install.sh", "uninstall.sh", "esp-desktop.desktop"):
        shutil.copy2(INSTALLERS / "linux" / f, stage / f)
    icons = stage / "icons"
    icons.mkdir()
    app_icons = ROOT / "resources" / "icons" / "app"
    for f in sorted(app_icons.glob("esp-desktop-*.png")) + [app_icons / "esp-desktop.svg"]:
        shutil.copy2(f, icons / f.name)
    (stage / "README.txt").write_text(
        f"ESP Desktop {version}\n\n"
        "Install for yourself:      ./install.sh\n"
        "Install for all users:     sudo ./install.sh --system\n"
        "Run without installing:    ./esp-desktop/esp-desktop\n"
        "Uninstall (keeps data):    ~/.local/opt/esp-desktop/uninstall.sh\n\n"
        "Your data lives in ~/.local/share/esp-desktop (or ESP_DATA_DIR); back it up with\n"
        "'esp-desktop backup -o FILE'. Full guide: docs/install.md in the source repository.\n",
        encoding="utf-8",
    )
    out = DIST / f"{name}.tar.gz"
    # compresslevel 6: nearly the size of 9 at a fraction of the time (the folder is mostly shared libraries).
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
    return out


def package_windows(version: str) -> Path | None:
    iss = INSTALLERS / "windows" / "esp-desktop.iss"
    iscc = os.environ.get("ISCC") or shutil.which("ISCC") or shutil.which("iscc")
    pf86 = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"))
    default = pf86 / "Inno Setup 6" / "ISCC.exe"
    if not iscc and default.exists():
        iscc = str(default)
    cmd = [iscc or "ISCC.exe", f"/DAppVersion={version}", f"/DAppNumVersion={numeric_version(version)}",
           f"/DSourceDir={DIST / APP}", f"/O{DIST}",
           f"/DRepoRoot={ROOT}", str(iss)]
    if not iscc:
        print("Inno Setup (ISCC.exe) not found; install Inno Setup 6 and run:")
        print("  " + subprocess.list2cmdline(cmd))
        return None
    subprocess.run(cmd, check=True)
    return DIST / f"{APP}-{version}-windows-x64-setup.exe"


def package_macos(version: str) -> Path:
    out = DIST / f"{APP}-{version}-macos-{arch()}.dmg"
    script = INSTALLERS / "macos" / "make-dmg.sh"
    subprocess.run(["bash", str(script), str(DIST / "ESP Desktop.app"), str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-package", action="store_true", help="only the PyInstaller one-folder build")
    ap.add_argument("--skip-build", action="store_true", help="package an existing dist/esp-desktop")
    ap.add_argument("--clean", action="store_true", help="clear PyInstaller's cache first")
    args = ap.parse_args(argv)

    version = read_version()
    info: dict[str, object] = {"version": version, "platform": sys.platform, "arch": arch()}
    t0 = time.monotonic()
    if not args.skip_build:
        run_pyinstaller(clean=args.clean)
    t1 = time.monotonic()
    info["pyinstaller_seconds"] = round(t1 - t0, 1)
    info["folder_bytes"] = tree_size(DIST / APP)

    package: Path | None = None
    if not args.no_package:
        if sys.platform.startswith("linux"):
            package = package_linux(version)
        elif sys.platform == "win32":
            package = package_windows(version)
        elif sys.platform == "darwin":
            package = package_macos(version)
    info["package_seconds"] = round(time.monotonic() - t1, 1)
    if package and package.exists():
        info["package"] = package.name
        info["package_bytes"] = package.stat().st_size
        info["package_sha256"] = sha256(package)
        (DIST / f"{package.name}.sha256").write_text(f"{info['package_sha256']}  {package.name}\n")
    (DIST / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

    mb = 1024 * 1024
    line = (f"esp-desktop {version}: PyInstaller {info['pyinstaller_seconds']} s, "
            f"packaging {info['package_seconds']} s; folder {info['folder_bytes'] / mb:.0f} MiB")
    if package and "package_bytes" in info:
        line += f", {package.name} {info['package_bytes'] / mb:.0f} MiB"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
