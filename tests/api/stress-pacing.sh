#!/bin/bash
# stress-pacing.sh — run the pacing test many times on a machine kept busy
#
#   tests/api/stress-pacing.sh BUILD_DIR [RUNS] [LOAD]
#
# Starts LOAD busy loops (default 2, one per core here) that compete with
# the sandbox and the client for the CPU, then runs test-client-pacing RUNS
# times (default 20) one after the other, and prints how many runs passed
# and failed; the logs of failed runs are kept. The busy loops are ended by
# their process ids. Exits 1 when any run failed.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR [RUNS] [LOAD]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
runs=${2:-20}
load=${3:-2}

export HANGAR_SANDBOX="$build/src/sandbox/hangar-sandbox"
export G_DEBUG=fatal-criticals
pacing="$build/tests/api/test-client-pacing"
for exe in "$HANGAR_SANDBOX" "$pacing"; do
  if [ ! -x "$exe" ]; then
    echo "$exe is missing: build first (ninja -C $1)" >&2
    exit 2
  fi
done

logs=$(mktemp -d "${TMPDIR:-/tmp}/hangar-stress-pacing.XXXXXX")
busy=()
stop_load () {
  for pid in "${busy[@]}"; do
    kill "$pid" 2>/dev/null
  done
  wait "${busy[@]}" 2>/dev/null
}
trap stop_load EXIT
for i in $(seq 1 "$load"); do
  ( while :; do :; done ) &
  busy+=($!)
done

passed=0
failed=0
start=$(date +%s)
for run in $(seq 1 "$runs"); do
  log="$logs/run-$run.log"
  if "$pacing" >"$log" 2>&1; then
    passed=$((passed + 1))
    rm -f "$log"
  else
    failed=$((failed + 1))
    echo "run $run failed: $log" >&2
  fi
done
echo "runs: $runs, passed: $passed, failed: $failed, busy loops: $load, $(( $(date +%s) - start )) s (logs of failures: $logs)"
[ "$failed" -eq 0 ]
