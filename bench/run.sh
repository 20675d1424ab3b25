#!/bin/sh
# run.sh BUILD_DIR — `make bench`: run every BUILD/bench/bench_* program in
# turn; each prints its own figures (medians). Benchmarks measure, they do not
# assert: the numbers go into commit messages and release notes.
set -u
BUILD=${1:-build}
status=0
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  SW_BIN="$BUILD/seawall" "$b" || status=1
done
exit $status
