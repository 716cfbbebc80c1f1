#!/bin/sh
# Install ESP Desktop from this unpacked tarball.
#
#   ./install.sh            for the current user: ~/.local/opt/esp-desktop, a link in ~/.local/bin,
#                           the menu entry in ~/.local/share/applications and icons in ~/.local/share/icons
#   sudo ./install.sh --system
#                           for every user: /opt/esp-desktop, /usr/local/bin, /usr/share/applications, icons
#
# Running it again upgrades in place. Your data (the encrypted store, attachments, settings) lives elsewhere -
# ~/.local/share/esp-desktop or ESP_DATA_DIR - and is never touched by installing, upgrading or uninstalling.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mode=user
case "${1:-}" in
    --system) mode=system ;;
    --user|"") ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--user|--system]" >&2; exit 2 ;;
esac

if [ "$mode" = system ]; then
    appdir=/opt/esp-desktop
    bindir=/usr/local/bin
    share=/usr/share
else
    appdir="${HOME}/.local/opt/esp-desktop"
    bindir="${HOME}/.local/bin"
    share="${XDG_DATA_HOME:-${HOME}/.local/share}"
fi

[ -x "$here/esp-desktop/esp-desktop" ] || { echo "install.sh: $here/esp-desktop/esp-desktop not found" >&2; exit 1; }

# Copy next to the old version first, then swap, so a failed copy never leaves a half-installed app.
mkdir -p "$(dirname "$appdir")" "$bindir" "$share/applications"
rm -rf "$appdir.new"
cp -R "$here/esp-desktop" "$appdir.new"
cp "$here/uninstall.sh" "$appdir.new/uninstall.sh"
chmod 755 "$appdir.new/uninstall.sh"
echo "$mode" > "$appdir.new/.install-mode"
rm -rf "$appdir.old"
[ -e "$appdir" ] && mv "$appdir" "$appdir.old"
mv "$appdir.new" "$appdir"
rm -rf "$appdir.old"

ln -sfn "$appdir/esp-desktop" "$bindir/esp-desktop"

for png in "$here"/icons/esp-desktop-*.png; do
    size=$(basename "$png" .png); size=${size#esp-desktop-}
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$share/icons/hicolor/${size}x${size}/apps/esp-desktop.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$here/icons/esp-desktop.svg" "$share/icons/hicolor/scalable/apps/esp-desktop.svg"

# Absolute Exec/TryExec: ~/.local/bin is often not on the PATH a desktop session starts applications with.
# (No %U/%F field codes: the program takes no file arguments.)
sed -e "s|^Exec=esp-desktop|Exec=$appdir/esp-desktop|" -e "s|^TryExec=esp-desktop|TryExec=$appdir/esp-desktop|" \
    "$here/esp-desktop.desktop" > "$share/applications/esp-desktop.desktop"
chmod 644 "$share/applications/esp-desktop.desktop"

# Refresh menu and icon caches where the tools exist (they are optional).
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true

echo "Installed ESP Desktop $("$appdir/esp-desktop" --version 2>/dev/null | cut -d' ' -f2) in $appdir"
echo "Start it from the applications menu or with: $bindir/esp-desktop"
case ":$PATH:" in *":$bindir:"*) ;; *) echo "Note: $bindir is not on your PATH." ;; esac
echo "Uninstall with: $appdir/uninstall.sh (your data is kept)"
