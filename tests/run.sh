#!/bin/sh
# run.sh BUILD_DIR — run every test seawall has and end with one summary line:
#   N passed, N failed
#
# 1. unit tests: every BUILD/tests/test_* program (cmocka); each test case counts.
# 2. integration and data-driven tests: every tests/integration/*.sh, run with
#    SW_BIN=BUILD/seawall; each prints its own "N passed, N failed" line.
# 3. fuzz smoke: every build-fuzz/fuzz_* target over its seed corpus plus
#    FUZZ_SMOKE_SECONDS (default 10) of fuzzing; each target counts once.
#    Skipped when SW_SKIP_FUZZ=1 (the sanitizer run: the fuzz build has its own).
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
export SW_BIN="$ROOT/$BUILD/seawall"
export SW_BUILD="$ROOT/$BUILD"
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
pass=0; fail=0; failed_names=""

note_fail() { fail=$((fail + $2)); failed_names="$failed_names $1"; }

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  out="$LOG/$name.out"
  "$t" >"$out" 2>&1; rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before its summary
  pass=$((pass + p))
  if [ "$f" -gt 0 ]; then note_fail "$name" "$f"; cat "$out"; fi
  printf '%-34s %4d passed %4d failed\n' "$name" "$p" "$f"
done

for s in tests/integration/*.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  out="$LOG/$name.out"
  sh "$s" >"$out" 2>&1; rc=$?
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); p=${p:-0}
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p'); f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p))
  if [ "$f" -gt 0 ]; then note_fail "$name" "$f"; cat "$out"; fi
  printf '%-34s %4d passed %4d failed\n' "$name" "$p" "$f"
done

if [ "${SW_SKIP_FUZZ:-0}" != 1 ]; then
  for fz in build-fuzz/fuzz_*; do
    [ -x "$fz" ] || continue
    name=$(basename "$fz")
    corpus="fuzz/corpus/${name#fuzz_}"
    work="$LOG/$name.corpus"; mkdir -p "$work"
    out="$LOG/$name.out"
    "$fz" -max_total_time="${FUZZ_SMOKE_SECONDS:-10}" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=0 "$work" "$corpus" >"$out" 2>&1; rc=$?
    if [ "$rc" -eq 0 ]; then pass=$((pass + 1)); r="1 passed    0 failed"
    else note_fail "$name" 1; tail -40 "$out"; r="0 passed    1 failed"; fi
    printf '%-34s %s\n' "$name" "$r"
  done
fi

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
