#!/bin/bash
# stress-retries.sh — run the client's retry tests many times, several at once
#
#   tests/api/stress-retries.sh BUILD_DIR [ROUNDS] [PARALLEL]
#
# Each round starts PARALLEL runs at once (default 4) and waits for them; a
# run is one test-client-errors process (the retry and uncertain-write
# cases) followed by one test-client-stress process (eight clients against
# one sandbox that keeps injecting 5xx, dropped connections, cut bodies, 429
# and 503 with Retry-After). After ROUNDS rounds (default 20) it prints how
# many runs there were, how many crashed (killed by a signal) and how many
# failed otherwise; the logs of every run that did not pass are kept. Exits
# 1 when any run crashed or failed.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR [ROUNDS] [PARALLEL]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
rounds=${2:-20}
parallel=${3:-4}

export HANGAR_SANDBOX="$build/src/sandbox/hangar-sandbox"
export G_DEBUG=fatal-criticals
errors="$build/tests/api/test-client-errors"
stress="$build/tests/api/test-client-stress"
for exe in "$HANGAR_SANDBOX" "$errors" "$stress"; do
  if [ ! -x "$exe" ]; then
    echo "$exe is missing: build first (ninja -C $1)" >&2
    exit 2
  fi
done

logs=$(mktemp -d "${TMPDIR:-/tmp}/hangar-stress-retries.XXXXXX")
runs=0
crashes=0
failures=0
start=$(date +%s)

# One run: both programs, one after the other; its exit status is the first
# that was not 0.
one_run () {
  local log=$1
  "$errors" -p /hangar/api/client/errors/retries \
            -p /hangar/api/client/errors/uncertain-write >"$log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    return $rc
  fi
  "$stress" >>"$log" 2>&1
}

for round in $(seq 1 "$rounds"); do
  pids=()
  for slot in $(seq 1 "$parallel"); do
    one_run "$logs/run-$round-$slot.log" &
    pids+=($!)
  done
  for slot in $(seq 1 "$parallel"); do
    wait "${pids[$((slot - 1))]}"
    rc=$?
    runs=$((runs + 1))
    log="$logs/run-$round-$slot.log"
    if [ $rc -gt 128 ]; then
      crashes=$((crashes + 1))
      echo "round $round, run $slot: killed by signal $((rc - 128)) (log: $log)"
    elif [ $rc -ne 0 ]; then
      failures=$((failures + 1))
      echo "round $round, run $slot: failed with status $rc (log: $log)"
    else
      rm -f "$log"
    fi
  done
done

echo "runs: $runs, crashes: $crashes, other failures: $failures ($rounds rounds × $parallel at once, $(( $(date +%s) - start )) s)"
if [ $crashes -eq 0 ] && [ $failures -eq 0 ]; then
  rmdir "$logs" 2>/dev/null
  exit 0
fi
echo "logs of the runs that did not pass: $logs"
exit 1
