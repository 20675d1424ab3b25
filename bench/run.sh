#!/bin/sh
# run.sh BUILD_DIR — run every benchmark program (BUILD/bench/bench_*) in turn.
# Benchmarks print figures, not verdicts; a non-zero exit means it broke.
set -u
BUILD=${1:-build}
rc=0
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || rc=1
done
exit $rc
