#!/bin/bash
# fuzz-models.sh — fuzz the JSON entry point and the model parsers for longer
#
#   tests/api/fuzz-models.sh BUILD_DIR [SECONDS]
#
# 1. Runs BUILD_DIR/tests/api/fuzz-models (seeded mutations, no extra
#    tools) for SECONDS (default 60) and prints its executions and findings.
# 2. When clang can build libFuzzer targets (clang with the libFuzzer
#    runtime, Debian's clang-14 and libclang-rt-14-dev), it also sets up
#    BUILD_DIR-libfuzzer (clang, AddressSanitizer, coverage instrumentation
#    of libhangar), builds tests/api/fuzz-models-libfuzzer there, runs it
#    for SECONDS from the seed inputs and prints its executions and
#    findings (crash-*, leak-*, timeout-* files, kept in
#    BUILD_DIR-libfuzzer/fuzz-findings).
#
# Exits 1 when either run found something.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=${2:-60}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
driver="$build/tests/api/fuzz-models"
status=0

if [ ! -x "$driver" ]; then
  echo "$driver is missing: build first (ninja -C $1)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hangar-fuzz-models.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== seeded mutations ($seconds s)"
if (cd "$work" && "$driver" --seconds "$seconds" --seed "$(date +%s)"); then
  :
else
  status=1
  echo "seeded run: FINDING (exit status $?); the input is in:"
  ls "$work"/fuzz-models-crash-*.bin 2>/dev/null
  mkdir -p "$build/fuzz-findings" && cp "$work"/fuzz-models-crash-*.bin "$build/fuzz-findings/" 2>/dev/null
fi

echo "== libFuzzer ($seconds s)"
probe="$work/probe.c"
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput (const uint8_t *d, size_t n) { return 0; }\n' > "$probe"
if ! command -v clang >/dev/null || ! clang -fsanitize=fuzzer,address "$probe" -o "$work/probe" 2>/dev/null; then
  echo "clang with libFuzzer is not available (Debian: clang-14, libclang-rt-14-dev); skipped"
  exit $status
fi

fuzz_build="$build-libfuzzer"
if [ ! -f "$fuzz_build/build.ninja" ]; then
  CC=clang meson setup "$fuzz_build" "$source_dir" \
    -Db_sanitize=address -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link -Dc_link_args=-fsanitize=fuzzer-no-link >"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log"; exit 2; }
fi
ninja -C "$fuzz_build" tests/api/fuzz-models-libfuzzer >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log"; exit 2; }

corpus="$fuzz_build/fuzz-corpus"
findings="$fuzz_build/fuzz-findings"
mkdir -p "$corpus" "$findings"
"$driver" --write-seeds "$corpus"
(cd "$findings" && ASAN_OPTIONS=detect_leaks=1 \
   "$fuzz_build/tests/api/fuzz-models-libfuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 \
   -timeout=10 -print_final_stats=1 "$corpus" >"$work/libfuzzer.log" 2>&1)
runs=$(grep -E '^stat::number_of_executed_units' "$work/libfuzzer.log" | awk '{print $2}')
n_findings=$(ls "$findings" | grep -cE '^(crash|leak|timeout|oom)-' || true)
echo "fuzz-models-libfuzzer: ${runs:-?} executions, $n_findings findings (corpus: $corpus)"
if [ "$n_findings" -gt 0 ]; then
  status=1
  grep -E 'ERROR|SUMMARY' "$work/libfuzzer.log" | head -5
  echo "findings in $findings"
fi
exit $status
