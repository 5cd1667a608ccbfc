#!/bin/sh
# fuzz-sandbox.sh — fuzzes hangar-sandbox's request handling for a while and
# prints executions and findings (tests/sandbox/fuzz-sandbox.c says what an
# input is and what counts as a finding).
#
# Usage: tests/sandbox/fuzz-sandbox.sh [SECONDS] [BUILD_DIR]
#
# With clang and its libFuzzer runtime (Debian 12: clang, libclang-rt-14-dev)
# it runs the coverage-guided target, built with AddressSanitizer and
# UndefinedBehaviorSanitizer in its own build directory (_build-fuzz, made on
# first use), with a corpus kept there between runs; findings land in
# _build-fuzz/fuzz-findings/. Without them it runs the seeded random
# generator of BUILD_DIR (default _build) for SECONDS with a fresh seed.
# Exit status: 0 no finding, 1 findings, 2 could not run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-300}
build=${2:-"$root/_build"}
fuzz=${FUZZ_BUILD_DIR:-"$root/_build-fuzz"}

have_libfuzzer () {
  command -v clang >/dev/null 2>&1 || return 1
  tmp=$(mktemp -d)
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){return 0;}\n' > "$tmp/t.c"
  if clang -fsanitize=fuzzer "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1; then rm -rf "$tmp"; return 0; fi
  rm -rf "$tmp"
  return 1
}

if have_libfuzzer; then
  if [ ! -f "$fuzz/build.ninja" ]; then
    echo "fuzz-sandbox: configuring $fuzz (clang, ASan + UBSan, libFuzzer instrumentation)"
    CC=clang meson setup "$fuzz" "$root" --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fsanitize=fuzzer-no-link -Dc_link_args=-fsanitize=fuzzer-no-link >/dev/null
  fi
  ninja -C "$fuzz" tests/sandbox/fuzz-sandbox-libfuzzer tests/sandbox/fuzz-sandbox >/dev/null
  corpus="$fuzz/fuzz-corpus"
  findings="$fuzz/fuzz-findings"
  mkdir -p "$corpus" "$findings"
  "$fuzz/tests/sandbox/fuzz-sandbox" --write-seeds "$corpus" 2>/dev/null
  log="$fuzz/fuzz-last.log"
  before=$(ls "$findings" | wc -l)
  echo "fuzz-sandbox: libFuzzer for $seconds s (log: $log)"
  # leak checks slow every input tenfold: the timed run goes without, then
  # every input of the corpus is run once with them
  set +e
  ASAN_OPTIONS=detect_leaks=0:fast_unwind_on_malloc=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    G_DEBUG=fatal-criticals TZ=UTC \
    "$fuzz/tests/sandbox/fuzz-sandbox-libfuzzer" -max_total_time="$seconds" -print_final_stats=1 \
    -detect_leaks=0 -rss_limit_mb=3072 -timeout=20 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1
  status=$?
  if [ "$status" -eq 0 ]; then
    ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions="$here/fuzz-sandbox.supp" \
      G_DEBUG=fatal-criticals TZ=UTC \
      "$fuzz/tests/sandbox/fuzz-sandbox-libfuzzer" -runs=0 -detect_leaks=1 -rss_limit_mb=3072 \
      -artifact_prefix="$findings/" "$corpus" >"$log.leaks" 2>&1
    status=$?
    [ "$status" -eq 0 ] || cat "$log.leaks" >>"$log"
  fi
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  after=$(ls "$findings" | wc -l)
  echo "fuzz-sandbox: executions: ${runs:-?} (${speed:-?}/s), ${cov:-cov: ?}, corpus: $(ls "$corpus" | wc -l) inputs"
  echo "fuzz-sandbox: findings: $((after - before)) new in $findings (exit status $status)"
  if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
    tail -40 "$log"
    exit 1
  fi
  exit 0
fi

bin="$build/tests/sandbox/fuzz-sandbox"
if [ ! -x "$bin" ]; then
  echo "fuzz-sandbox: no libFuzzer (clang) and $bin is not built" >&2
  exit 2
fi
seed=$(date +%s)
echo "fuzz-sandbox: no libFuzzer; the seeded generator for $seconds s, seed $seed"
cd "$build"
if G_DEBUG=fatal-criticals "$bin" --seconds "$seconds" --seed "$seed"; then
  exit 0
fi
echo "fuzz-sandbox: finding: the input is in $build/fuzz-sandbox-crash-$seed (replay with --replay)"
exit 1
