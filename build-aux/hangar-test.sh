#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build, and run every test
# headless: the "headless" test setup gives each test its own virtual X
# server and D-Bus session (tests/lib/hangar-headless.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/hangar-deps.sh
bash build-aux/hangar-build.sh

status=0
meson test -C _build --setup headless --print-errorlogs --num-processes 2 "$@" || status=$?

# One plain closing line that any reader can count.
python3 - "$PWD/_build/meson-logs/testlog-headless.json" <<'PY' || true
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line).get("result")
            if r == "OK" or r == "EXPECTEDFAIL":
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    pass
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
