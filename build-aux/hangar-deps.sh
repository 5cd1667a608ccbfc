#!/usr/bin/env bash
# Installs what building, running and testing Hangar needs on Debian 12 /
# Ubuntu, only where something is missing. Runs as root, or uses sudo.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsecret-1-dev libwebkitgtk-6.0-dev libsqlite3-dev
  desktop-file-utils appstream flatpak-builder
  xvfb xauth xdotool dbus dbus-x11 gnome-keyring libsecret-tools
  python3 curl ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js + npm drive one fidelity test (the official airtable.js client
# against hangar-sandbox); any installed node will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "hangar-deps: everything is installed"
  exit 0
fi

echo "hangar-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
