#!/bin/sh
# bench-sandbox.sh — prints list-records pages/s (rate limits off) and the
# memory of a sandbox holding a generated 200,000-record table.
# Usage: tests/sandbox/bench-sandbox.sh [BUILD_DIR] [N_RECORDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build"}
n=${2:-200000}
bin="$build/src/sandbox/hangar-sandbox"
if [ ! -x "$bin" ]; then
  echo "bench-sandbox: $bin not built (pass the build directory as the first argument)" >&2
  exit 1
fi
exec python3 "$here/bench-sandbox.py" "$bin" "$n"
