#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and start Hangar
# against its built-in sandbox. Without a display it starts hangar-sandbox on
# its own and prints how to reach it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/hangar-deps.sh
bash build-aux/hangar-build.sh

if [ -x _build/src/gui/hangar ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
  export HANGAR_SANDBOX="$PWD/_build/src/sandbox/hangar-sandbox"
  exec _build/src/gui/hangar --sandbox "$@"
fi

state_dir="${XDG_DATA_HOME:-$HOME/.local/share}/hangar/sandbox"
mkdir -p "$state_dir"
echo "No display found: starting hangar-sandbox alone (state in $state_dir)."
echo "The first line below is its connection info (url, pat, client_id, redirect_uri)."
echo "Try:  curl -H \"Authorization: Bearer <pat>\" <url>/v0/meta/bases"
if [ -x _build/src/cli/hangar-cli ]; then
  echo "  or:  HANGAR_TOKEN=<pat> _build/src/cli/hangar-cli --api-url <url> --token-env HANGAR_TOKEN bases"
fi
echo "Stop it with Ctrl+C."
exec _build/src/sandbox/hangar-sandbox --port 8470 --state-dir "$state_dir" "$@"
