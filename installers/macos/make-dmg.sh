#!/usr/bin/env bash
# Package "dist/ESP Desktop.app" (made by installers/esp-desktop.spec on macOS) into a drag-to-Applications
# disk image, optionally signed and notarized.
#
#   installers/macos/make-dmg.sh "dist/ESP Desktop.app" dist/esp-desktop-<version>-macos-<arch>.dmg
#
# NOTE: this needs macOS (hdiutil, codesign, xcrun) and, for signing, an Apple Developer ID; it has NOT been run
# in this project's CI, which is Linux only. The steps follow Apple's documented flow:
#
# 1. Sign (only when ESP_CODESIGN_IDENTITY is set, e.g. "Developer ID Application: Some District (TEAMID)").
#    Build with the same variable set so PyInstaller signs every binary inside the bundle; this script then
#    re-signs the bundle with the hardened runtime, a secure timestamp and installers/macos/entitlements.plist:
#      codesign --force --options runtime --timestamp --entitlements entitlements.plist --sign "$ID" App.app
#      codesign --verify --deep --strict --verbose=2 App.app
# 2. Make the image: a folder with the .app and a link to /Applications, `hdiutil create -format UDZO`
#    (if the `create-dmg` tool from Homebrew is installed it is used instead, for a laid-out window).
# 3. Sign the image:  codesign --sign "$ID" --timestamp image.dmg
# 4. Notarize (only when ESP_NOTARY_PROFILE is set; create the profile once with
#      xcrun notarytool store-credentials esp-notary --apple-id you@district.org --team-id TEAMID
#    and an app-specific password):
#      xcrun notarytool submit image.dmg --keychain-profile esp-notary --wait
#      xcrun stapler staple image.dmg
#      spctl --assess --type open --context context:primary-signature --verbose image.dmg
#
# Without a signing identity the result works but Gatekeeper warns on first start (right-click > Open).
set -euo pipefail

app=${1:?usage: make-dmg.sh APP_BUNDLE OUTPUT.dmg}
out=${2:?usage: make-dmg.sh APP_BUNDLE OUTPUT.dmg}
here=$(cd "$(dirname "$0")" && pwd)
identity=${ESP_CODESIGN_IDENTITY:-}
profile=${ESP_NOTARY_PROFILE:-}
volname="ESP Desktop"

if [ "$(uname -s)" != Darwin ]; then
    echo "make-dmg.sh: needs macOS (hdiutil, codesign, xcrun); nothing was done" >&2
    exit 2
fi
[ -d "$app" ] || { echo "make-dmg.sh: $app not found (build with installers/build.py first)" >&2; exit 1; }

if [ -n "$identity" ]; then
    echo "== signing $app"
    codesign --force --options runtime --timestamp --entitlements "$here/entitlements.plist" \
        --sign "$identity" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
else
    echo "== ESP_CODESIGN_IDENTITY not set: the image will be unsigned"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -f "$out"
if command -v create-dmg >/dev/null 2>&1; then
    echo "== create-dmg"
    cp -R "$app" "$stage/"
    create-dmg --volname "$volname" --volicon "$app/Contents/Resources/esp-desktop.icns" \
        --window-size 560 340 --icon-size 96 --icon "$(basename "$app")" 140 150 \
        --app-drop-link 420 150 --hdiutil-quiet "$out" "$stage"
else
    echo "== hdiutil"
    cp -R "$app" "$stage/"
    ln -s /Applications "$stage/Applications"
    hdiutil create -volname "$volname" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$out"
fi

if [ -n "$identity" ]; then
    codesign --sign "$identity" --timestamp "$out"
fi
if [ -n "$profile" ]; then
    [ -n "$identity" ] || { echo "make-dmg.sh: notarization needs a signed image (ESP_CODESIGN_IDENTITY)" >&2; exit 1; }
    echo "== notarizing (this waits for Apple's service)"
    xcrun notarytool submit "$out" --keychain-profile "$profile" --wait
    xcrun stapler staple "$out"
    spctl --assess --type open --context context:primary-signature --verbose "$out"
fi
echo "== wrote $out"
