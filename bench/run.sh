#!/bin/sh
# run.sh BUILD_DIR — `make bench`: run every BUILD/bench/bench_* program in
# turn. Each prints its own figures and baselines; nothing here asserts.
# Scale with the variables each benchmark documents (e.g. SW_BENCH_EVENTS).
set -u
BUILD=${1:-build}
status=0
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
exit $status
