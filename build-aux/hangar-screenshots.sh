#!/usr/bin/env bash
# Renders Hangar's main views to PNG against its built-in sandbox, headless:
#   main-empty, add-account, consent, account, grid, base-page,
#   base-page-narrow, field-dialog, activity, console, overview, cell-editor,
#   import-preview, editing, changes  →  data/screenshots/
# Usage: build-aux/hangar-screenshots.sh [BUILD_DIR] [OUT_DIR]
# With LANGUAGE set (e.g. LANGUAGE=de), in that language, from the
# translations built in BUILD_DIR: for checking a translation in the window.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${1:-_build}"
out="${2:-data/screenshots}"

tool="$build/tests/gui/hangar-screenshots"
if [ ! -x "$tool" ]; then
  echo "hangar-screenshots: $tool is not built" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime" "$tmp/shots" "$out"
chmod 700 "$tmp/runtime"

# A private home, keyring file and settings: nothing touches the user's own.
export HOME="$tmp" TMPDIR="$tmp"
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$tmp/keyring" SECRET_FILE_TEST_PASSWORD=screenshots
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/$build/data"
export HANGAR_SANDBOX="$PWD/$build/src/sandbox/hangar-sandbox"
# The tool is not next to the consent module as `hangar` is: name it.
export HANGAR_CONSENT_MODULE="$PWD/$build/src/gui/libhangar-consent.so"
export LANG=C.UTF-8 NO_AT_BRIDGE=1
export HANGAR_LOCALEDIR="$PWD/$build/po"

# The tool runs the application as `hangar --sandbox` does (tests/gui/hangar-screenshots.c).
xvfb-run -a -s "-screen 0 1280x900x24" \
  dbus-run-session -- "$tool" "$tmp/shots"

for name in main-empty add-account consent account grid base-page base-page-narrow field-dialog \
            activity console overview import-preview cell-editor editing changes; do
  if [ ! -s "$tmp/shots/$name.png" ]; then
    echo "hangar-screenshots: $name.png was not produced" >&2
    exit 1
  fi
  cp "$tmp/shots/$name.png" "$out/$name.png"
  echo "hangar-screenshots: $out/$name.png"
done
