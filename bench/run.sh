#!/bin/sh
# run.sh BUILD_DIR — `make bench`: run every BUILD/bench/bench_* program in
# turn. Benchmarks print figures (and ratios to their baselines); they do not
# pass or fail. Arguments after BUILD_DIR go to every benchmark.
set -u
BUILD=${1:-build}
shift 2>/dev/null || true
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" "$@" || echo "$(basename "$b") exited with status $?"
done
