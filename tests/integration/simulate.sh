#!/bin/sh
# simulate.sh — `seawall simulate` end to end on the shipped example: attacks
# progress with no defence, the scripted good defence stops them at a lower
# cost in availability, runs are deterministic, and bad input is refused
# with a located message. Run by tests/run.sh with SW_BIN set.
set -u
BIN=${SW_BIN:-build/seawall}
DEF=scenarios/example.defender.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

reached() { grep -c '"reached_ms": [0-9]' "$1"; }
avail() { awk -F': ' '/"availability"/ { s += $2 } END { printf "%.6f\n", s }' "$1"; }
hash_of() { sed -n 's/.*"hash": "\([0-9a-f]*\)".*/\1/p' "$1"; }

"$BIN" simulate example --json >"$T/none.json" 2>"$T/none.err"
check "no defence: runs" "[ $? -eq 0 ]"
check "no defence: at least two objectives reached" "[ $(reached "$T/none.json") -ge 2 ]"

"$BIN" simulate example --json --defender "$DEF" >"$T/good.json" 2>"$T/good.err"
check "good defence: runs" "[ $? -eq 0 ]"
check "good defence: no objective reached" "[ $(reached "$T/good.json") -eq 0 ]"
check "good defence: higher availability" \
  "awk -v a=$(avail "$T/good.json") -v b=$(avail "$T/none.json") 'BEGIN { exit !(a > b) }'"

# the same over other seeds: the defence holds, the attacks get somewhere
for s in 1 2 3; do
  "$BIN" simulate example --seed $s --json >"$T/n$s.json" 2>/dev/null
  "$BIN" simulate example --seed $s --json --defender "$DEF" >"$T/g$s.json" 2>/dev/null
  check "seed $s: attacks progress undefended, none reach with the defence" \
    "[ $(reached "$T/n$s.json") -ge 1 ] && [ $(reached "$T/g$s.json") -eq 0 ]"
done

"$BIN" simulate example --seed 7 --json >"$T/a.json" 2>/dev/null
"$BIN" simulate example --seed 7 --json >"$T/b.json" 2>/dev/null
"$BIN" simulate example --seed 8 --json >"$T/c.json" 2>/dev/null
check "same seed, same event hash" "[ -n \"$(hash_of "$T/a.json")\" ] && [ \"$(hash_of "$T/a.json")\" = \"$(hash_of "$T/b.json")\" ]"
check "different seed, different hash" "[ \"$(hash_of "$T/a.json")\" != \"$(hash_of "$T/c.json")\" ]"

"$BIN" simulate example --seed 7 --out "$T/out" >"$T/text.out" 2>/dev/null
check "--out writes one JSON line per event" \
  "[ \$(wc -l <\"$T/out/events.jsonl\") -eq \$(sed -n 's/.*\"events\": \([0-9]*\).*/\1/p' \"$T/out/summary.json\") ]"
check "--out summary has the same hash as --json" \
  "[ \"$(hash_of "$T/out/summary.json" 2>/dev/null)\" = \"$(hash_of "$T/a.json")\" ]"
check "text summary names the hash" "grep -q 'event stream hash' \"$T/text.out\""
check "ground truth in the stream: techniques and causes" \
  "grep -q '\"type\":\"step\".*\"technique\":\"T' \"$T/out/events.jsonl\""

"$BIN" simulate example --until 30m --json >"$T/short.json" 2>/dev/null
check "--until stops early" "grep -q '\"until_ms\": 1800000' \"$T/short.json\""

printf 'actions:\n  - {at: 5m, action: isolate, host: no-such-host, team: palau}\n' >"$T/bad.yaml"
"$BIN" simulate example --defender "$T/bad.yaml" >/dev/null 2>"$T/bad.err"
rc=$?
check "bad defender file: exit 1" "[ $rc -eq 1 ]"
check "bad defender file: FILE:LINE:COL" "grep -q 'bad.yaml:2:[0-9]*: error: no host' \"$T/bad.err\""

"$BIN" simulate example --seed nope >/dev/null 2>&1
check "bad --seed: usage error" "[ $? -eq 2 ]"
"$BIN" simulate no-such-scenario >/dev/null 2>&1
check "unknown scenario: exit 1" "[ $? -eq 1 ]"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
