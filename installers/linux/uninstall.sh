#!/bin/sh
# Remove ESP Desktop (the program, its menu entry, icons and command link).
#
# It NEVER deletes your data: the encrypted store, attachments, backups and settings stay in
# ~/.local/share/esp-desktop (or ESP_DATA_DIR). Remove that folder yourself only if you are sure you have
# a backup you no longer need ('esp-desktop backup -o FILE' before uninstalling).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mode=user
case "${1:-}" in
    --system) mode=system ;;
    --user) ;;
    "") [ -f "$here/.install-mode" ] && mode=$(cat "$here/.install-mode") ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
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

# Only remove the command link if it is ours (it points into the program folder).
link="$bindir/esp-desktop"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$appdir/esp-desktop" ]; then
    rm -f "$link"
fi
rm -f "$share/applications/esp-desktop.desktop"
for icon in "$share"/icons/hicolor/*/apps/esp-desktop.png "$share/icons/hicolor/scalable/apps/esp-desktop.svg"; do
    [ -e "$icon" ] && rm -f "$icon"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true

# The program folder: a fixed, app-specific path (never the data folder, never a variable that could be empty).
case "$appdir" in
    */opt/esp-desktop) rm -rf "$appdir" ;;
    *) echo "uninstall.sh: refusing to remove unexpected folder $appdir" >&2; exit 1 ;;
esac

echo "ESP Desktop was removed. Your data was kept in ${ESP_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/esp-desktop}."
