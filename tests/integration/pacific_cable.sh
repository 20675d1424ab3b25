#!/bin/sh
# pacific_cable.sh — the default exercise, scenarios/pacific-cable/: it
# validates; with no defence the adversaries reach their objectives; with its
# scripted good defence (the expected solution) they do not, and the business
# services' availability is higher. Run by tests/run.sh with SW_BIN set.
set -u
BIN=${SW_BIN:-build/seawall}
SC=pacific-cable
DEF=scenarios/pacific-cable/defender.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

reached() { grep -c '"reached_ms": [0-9]' "$1"; }
avail() { awk -F': ' '/"availability"/ { s += $2 } END { printf "%.6f\n", s }' "$1"; }

"$BIN" validate $SC >"$T/val.out" 2>"$T/val.err"
check "validates" "[ $? -eq 0 ]"
check "validates without warnings" "! grep -q warning \"$T/val.err\" \"$T/val.out\""
check "five teams, two observers" "grep -q '5 teams, 2 observers' \"$T/val.out\""

"$BIN" simulate $SC --json >"$T/none.json" 2>"$T/none.err"
check "no defence: runs" "[ $? -eq 0 ]"
check "no defence: at least two objectives reached" "[ $(reached "$T/none.json") -ge 2 ]"

"$BIN" simulate $SC --json --defender "$DEF" >"$T/good.json" 2>"$T/good.err"
check "good defence: runs" "[ $? -eq 0 ]"
check "good defence: no objective reached" "[ $(reached "$T/good.json") -eq 0 ]"
check "good defence: higher availability" \
  "awk -v a=$(avail "$T/good.json") -v b=$(avail "$T/none.json") 'BEGIN { exit !(a > b) }'"

for s in 1 2 3; do
  "$BIN" simulate $SC --seed $s --json >"$T/n$s.json" 2>/dev/null
  "$BIN" simulate $SC --seed $s --json --defender "$DEF" >"$T/g$s.json" 2>/dev/null
  check "seed $s: attacks progress undefended, none reach with the defence" \
    "[ $(reached "$T/n$s.json") -ge 1 ] && [ $(reached "$T/g$s.json") -eq 0 ]"
done

check "training material is embedded" \
  "for f in briefing-players.md briefing-instructors.md objectives.md; do [ -s scenarios/pacific-cable/\$f ] || exit 1; done"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
