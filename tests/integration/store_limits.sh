#!/bin/sh
# store_limits.sh — issue 15 defect 8 on the real binary: ingest streams its
# input (a file, or standard input) instead of holding it whole, and
# sort | limit k holds k records, so both run under a data-segment limit
# (ulimit -d, anonymous memory) smaller than the input: 600,000 records,
# 127 MB of JSON, in 100 MB.
# Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib/check.sh"

# a sanitizer's shadow memory does not fit a data limit: the limits are
# then the release build's to check (make check); the answers still are
if ! (ulimit -d 100000; "$BIN" version) >/dev/null 2>&1; then
  echo "(this binary cannot start in a 100 MB data limit: a sanitizer build; no limit applied)"
  lim() { "$@"; }
else
  lim() { (ulimit -d 100000; "$@"); }
fi

awk 'BEGIN { for (i = 0; i < 600000; i++)
  printf "{\"@timestamp\":\"2026-02-10T%02d:%02d:%02d.%03dZ\",\"EventID\":1,\"CommandLine\":\"cmd.exe /c echo %d %s\"}\n",
    int(i / 3600000) % 24, int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, i,
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }' >"$T/in.jsonl"
size=$(wc -c <"$T/in.jsonl" | tr -d ' ')
if [ "$size" -gt 120000000 ]; then ok "the input is $size bytes"; else ko "the input is $size bytes"; fi

lim "$BIN" ingest --db "$T/x.db" --team blue "$T/in.jsonl" >"$T/out" 2>"$T/err"
eq "ingest of 127 MB in a 100 MB data limit" "$?" 0
has "  every record" "$T/err" "600000 records added to team blue"

cat "$T/in.jsonl" | lim "$BIN" ingest --db "$T/y.db" --team blue - >"$T/out" 2>"$T/err"
eq "the same through a pipe (standard input)" "$?" 0
has "  every record" "$T/err" "600000 records added to team blue"

lim "$BIN" hunt --db "$T/x.db" --team blue --json '* | sort CommandLine desc | limit 3' >"$T/out" 2>"$T/err"
eq "sort | limit 3 over 600,000 records in the same limit" "$?" 0
lines "  three rows" "$T/out" 3
has "  the greatest first" "$T/out" "cmd.exe /c echo 99999 a"
lim "$BIN" hunt --db "$T/x.db" --team blue --json '* | sort CommandLine desc | limit 3' >"$T/limited" 2>/dev/null
"$BIN" hunt --db "$T/x.db" --team blue --json '* | sort CommandLine desc' 2>/dev/null | head -3 >"$T/full"
same "  (first three of the full sort)" "$T/limited" "$T/full"

summary
