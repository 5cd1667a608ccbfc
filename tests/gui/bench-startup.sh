#!/usr/bin/env bash
# Benchmark (not a test): time from launching the application to the first
# frame of its main window (target < 0.5 s). tests/gui/bench-startup runs the
# application as `hangar` does (same library, same start-up) and prints the
# CLOCK_MONOTONIC time of the window's first "after-paint"; this script
# compares it with the launch time on the same clock. Runs under Xvfb when
# there is no display.
# Usage: tests/gui/bench-startup.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."

build="${1:-_build}"
runs="${2:-7}"

if [ -z "${DISPLAY:-}" ] && [ -z "${BENCH_IN_XVFB:-}" ]; then
  export BENCH_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- "$0" "$build" "$runs"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/config" "$tmp/data" "$tmp/cache"
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$tmp/keyring" SECRET_FILE_TEST_PASSWORD=bench
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/$build/data"
export NO_AT_BRIDGE=1

python3 - "$build/tests/gui/bench-startup" "$runs" <<'PY'
import os, signal, statistics, subprocess, sys, time

binary, runs = sys.argv[1], int(sys.argv[2])
times = []
for i in range(runs):
    t0 = time.monotonic_ns() // 1000
    proc = subprocess.Popen([binary], stderr=subprocess.PIPE, text=True)
    first = None
    for line in proc.stderr:
        if line.startswith("hangar-bench: first-frame "):
            first = int(line.split()[-1])
            break
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if first is None:
        sys.exit("bench-startup: no first-frame line from hangar")
    times.append((first - t0) / 1e6)

label = "cold" if len(times) == 1 else "first (cold) run %.3f s; rest" % times[0]
print("bench-startup: launch → first frame of the main window, %d runs" % runs)
print("  %s: median %.3f s, min %.3f s, max %.3f s" % (
    label, statistics.median(times[1:] or times), min(times), max(times)))
print("  target < 0.5 s")
PY
