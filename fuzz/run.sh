#!/bin/sh
# run.sh FUZZ_BUILD_DIR — `make fuzz`: run every libFuzzer target for
# FUZZ_SECONDS (default 300) each, growing fuzz/corpus/<target>/ with what it
# finds. Crashes are written to fuzz/crashes/.
set -eu
BUILD=${1:-build-fuzz}
mkdir -p fuzz/crashes
for fz in "$BUILD"/fuzz_*; do
  [ -x "$fz" ] || continue
  name=$(basename "$fz")
  corpus="fuzz/corpus/${name#fuzz_}"
  mkdir -p "$corpus"
  echo "== $name for ${FUZZ_SECONDS:-300}s"
  "$fz" -max_total_time="${FUZZ_SECONDS:-300}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/crashes/"$name"- "$corpus"
done
