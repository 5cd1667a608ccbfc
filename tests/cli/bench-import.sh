#!/bin/sh
# bench-import.sh — imports a generated 10,000-row CSV file with hangar-cli
# into a sandbox with its default rate limits (5 requests/s per base, 50/s
# per token) and the client's default pacing, and prints records/s against
# the 50 records/s ceiling (5 requests/s × 10 records a request) and the
# importer's peak memory. On a busy machine, run it with `nice -n -10` so
# that other jobs' load does not stall the two processes (see the last
# line it prints).
# Usage: tests/cli/bench-import.sh [BUILD_DIR] [N_ROWS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../_build"}
n=${2:-10000}
for bin in "$build/src/sandbox/hangar-sandbox" "$build/src/cli/hangar-cli"; do
  if [ ! -x "$bin" ]; then
    echo "bench-import: $bin not built (pass the build directory as the first argument)" >&2
    exit 1
  fi
done
exec python3 "$here/bench-import.py" "$build/src/sandbox/hangar-sandbox" "$build/src/cli/hangar-cli" "$n"
