#!/bin/sh
# scenarios.sh — every scenario of the library, checked from one data file,
# tests/data/scenarios/library.tsv (its header explains the rows):
#   1. it validates, without warnings;
#   2. undefended (the scenario's own seed) the adversaries reach at least the
#      listed number of objectives, and on seeds 1-3 at least one;
#   3. under its scripted good defence (the expected solution) none is reached
#      on the scenario's seed and seeds 1-3, and the availability summed over
#      its teams is higher by at least the listed margin;
#   4. its telemetry makes the attack findable: after `seawall run`, each
#      listed SigmaHQ rule fires on the listed team on a record whose command
#      line carries the attack's marker (so background admin work firing the
#      same rule does not count), and the ground truth (sigma --truth) counts
#      at least one of its matches as the attack's (TP; FP printed); each
#      listed hunt finds the attack;
#   5. its training material is there.
# Run by tests/run.sh with SW_BIN set; Sigma checks need ../shared (SW_SHARED).
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SHARED=${SW_SHARED:-../shared}
RULES=$SHARED/data/sigma/rules
DATA=${SW_SCENARIO_DATA:-tests/data/scenarios/library.tsv}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

reached() { grep -c '"reached_ms": [0-9]' "$1"; }
# availability summed over the scenario's teams, from --json output
avail() { awk -F': ' '/"availability"/ { s += $2 } END { printf "%.6f\n", s }' "$1"; }

[ -s "$DATA" ] || { echo "no data file $DATA"; echo "0 passed, 1 failed"; exit 1; }
n_scen=0
# --- 1-3, 5: one "scenario" row each ------------------------------------------
grep '^scenario	' "$DATA" >"$T/rows.scen"
while IFS='	' read -r _ sc def min_none margin material <&3; do
  echo "# $sc"
  "$BIN" validate "$sc" >"$T/$sc.val" 2>&1
  check "$sc: validates" "[ $? -eq 0 ]"
  check "$sc: no warnings" "! grep -q warning '$T/$sc.val'"
  "$BIN" simulate "$sc" --json >"$T/$sc.none.json" 2>"$T/$sc.none.err"
  check "$sc: undefended run" "[ $? -eq 0 ]"
  r=$(reached "$T/$sc.none.json")
  check "$sc: undefended, at least $min_none objectives reached (got $r)" "[ $r -ge $min_none ]"
  "$BIN" simulate "$sc" --json --defender "$def" >"$T/$sc.good.json" 2>"$T/$sc.good.err"
  check "$sc: defended run" "[ $? -eq 0 ]"
  g=$(reached "$T/$sc.good.json")
  check "$sc: with $def, no objective reached (got $g)" "[ $g -eq 0 ]"
  an=$(avail "$T/$sc.none.json"); ag=$(avail "$T/$sc.good.json")
  check "$sc: availability $an undefended -> $ag defended, higher by at least $margin" \
    "awk -v a=$ag -v b=$an -v m=$margin 'BEGIN { exit !(a - b >= m - 1e-9) }'"
  for s in 1 2 3; do
    "$BIN" simulate "$sc" --seed $s --json >"$T/n$s.json" 2>/dev/null
    "$BIN" simulate "$sc" --seed $s --json --defender "$def" >"$T/g$s.json" 2>/dev/null
    check "$sc: seed $s, undefended reaches something, defended nothing" \
      "[ $(reached "$T/n$s.json") -ge 1 ] && [ $(reached "$T/g$s.json") -eq 0 ]"
  done
  if [ "$material" = yes ]; then
    for f in briefing-players.md briefing-instructors.md objectives.md; do
      check "$sc: $f is there" "[ -s scenarios/$sc/$f ]"
    done
  fi
done 3<"$T/rows.scen"
# --- 4: "sigma" and "hunt" rows, one store per scenario --------------------------
store() { # scenario -> path of its store, made once
  if [ ! -s "$T/$1.db" ]; then
    (cd "$T" && "$BIN" run --scenario "$1" --db "$T/$1.db" >"$T/$1.run" 2>&1) ||
      echo "run --scenario $1 failed: $(tail -3 "$T/$1.run")" >&2
  fi
  echo "$T/$1.db"
}
if [ -d "$RULES" ]; then
  grep '^sigma	' "$DATA" >"$T/rows.sigma"
  while IFS='	' read -r _ sc team rule marker <&3; do
    db=$(store "$sc")
    "$BIN" sigma --rules "$RULES/$rule" --db "$db" --team "$team" --json >"$T/sig.out" 2>"$T/sig.err"
    check "$sc: $(basename "$rule" .yml) fires on $team's '$marker'" \
      "grep -F -- '$marker' '$T/sig.out' | grep -q '\"rule_file\"'"
    # and the ground truth agrees: some match is on a record an adversary step
    # caused (TP); matches on background records (FP) are reported, not failed
    "$BIN" sigma --truth --rules "$RULES/$rule" --db "$db" --team "$team" >"$T/sig.truth" 2>/dev/null
    tp=$(awk -F'\t' '$2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }' "$T/sig.truth")
    fp=$(awk -F'\t' '$3 ~ /^[0-9]+$/ { n += $3 } END { print n + 0 }' "$T/sig.truth")
    check "$sc: $(basename "$rule" .yml) on $team: ground truth TP $tp, FP $fp" "[ $tp -ge 1 ]"
  done 3<"$T/rows.sigma"
else
  echo "skip Sigma checks: no rules at $RULES"
fi
grep '^hunt	' "$DATA" >"$T/rows.hunt"
while IFS='	' read -r _ sc team query marker <&3; do
  db=$(store "$sc")
  "$BIN" hunt --db "$db" --team "$team" --json "$query" >"$T/hunt.out" 2>&1
  check "$sc: hunt '$query' on $team finds '$marker'" "grep -qF -- '$marker' '$T/hunt.out'"
done 3<"$T/rows.hunt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
