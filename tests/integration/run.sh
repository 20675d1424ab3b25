#!/bin/sh
# run.sh — `seawall run`, the job `make run` starts: it plays the built-in
# default exercise, writes every team's background telemetry to an SQLite
# event store, and the store answers hunts; a second run replaces the store
# with the same records (make run is idempotent). Run by tests/run.sh.
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

(cd "$T" && "$BIN" run >"$T/out1" 2>"$T/err1"); rc=$?
check "run exits 0" "[ $rc -eq 0 ]"
check "prints the simulation summary" "grep -q '^objectives' '$T/out1' && grep -q 'event stream hash' '$T/out1'"
check "writes seawall.db in the working directory" "[ -s '$T/seawall.db' ]"
n1=$(sed -n 's/.*seawall.db: \([0-9]*\) background records.*/\1/p' "$T/out1")
check "reports records for both teams" "[ \"\${n1:-0}\" -gt 1000 ] && grep -q 'for palau nauru' '$T/out1'"
"$BIN" hunt --db "$T/seawall.db" --team palau --json 'EventID:4688' >"$T/h1" 2>&1
check "the store answers a hunt for palau" "[ \$(wc -l <'$T/h1') -gt 10 ]"
"$BIN" hunt --db "$T/seawall.db" --team nauru --json 'Computer:*pw-*' >"$T/h2" 2>&1
"$BIN" hunt --db "$T/seawall.db" --team palau --json 'Computer:*pw-*' >"$T/h3" 2>&1
check "palau sees its own hosts by that query" "[ \$(wc -l <'$T/h3') -gt 0 ]"
check "nauru cannot see palau's hosts" "[ \$(wc -l <'$T/h2') -eq 0 ]"
(cd "$T" && "$BIN" run >"$T/out2" 2>"$T/err2"); rc=$?
n2=$(sed -n 's/.*seawall.db: \([0-9]*\) background records.*/\1/p' "$T/out2")
check "a second run succeeds with the same records" "[ $rc -eq 0 ] && [ \"$n1\" = \"$n2\" ]"
check "the second store holds the same, not twice as much" \
  "\"$BIN\" hunt --db '$T/seawall.db' --team palau --json 'EventID:4688' | cmp -s - '$T/h1'"
"$BIN" run --bogus >/dev/null 2>"$T/err3"; rc=$?
check "unknown argument: usage error" "[ $rc -eq 2 ] && grep -q \"unexpected argument '--bogus'\" '$T/err3'"
"$BIN" run --scenario "$T/missing.yaml" --db "$T/x.db" >/dev/null 2>"$T/err4"; rc=$?
check "missing scenario: exit 1 with the reason, no store" "[ $rc -eq 1 ] && [ -s '$T/err4' ] && [ ! -e '$T/x.db' ]"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
