#!/bin/sh
# run.sh — `seawall run`, the headless batch job (README, step 1's "whole
# day at once"): it plays the built-in default exercise (pacific-cable),
# writes every team's telemetry — background and the attack's own records,
# fed from the sim through the bridge — to an SQLite event store, and the
# store answers hunts and Sigma rules; a second run resumes the same
# exercise and changes no record. (`make run` itself serves the exercise:
# server_default.sh.) Run by tests/run.sh.
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SHARED=${SW_SHARED:-../shared}
RULES=$SHARED/data/sigma/rules/windows/process_creation
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
n1=$(sed -n 's/.*seawall.db: \([0-9]*\) records.*/\1/p' "$T/out1")
na=$(sed -n 's/.*seawall.db: .* background, \([0-9]*\) from [0-9]* attack steps.*/\1/p' "$T/out1")
check "reports records for the five pacific-cable teams" \
  "[ \"\${n1:-0}\" -gt 10000 ] && grep -q 'for palau fsm marshalls nauru kiribati' '$T/out1'"
check "the default is pacific-cable, not the example" "grep -q '^Pacific Cable ' '$T/out1'"
check "the attack's records are in the store (sim bridge)" "[ \"\${na:-0}\" -gt 20 ]"
check "no longer says the attack records are missing" "! grep -q 'join them once' '$T/out1'"
# nauru: the ransomware crew's PsExec against the ministry file server, as
# the target sees it: the PSEXESVC service installed (7045) and started
# (4688) - PsExec.exe itself ran on a workstation that logs no process
# creation; fsm, marshalls, kiribati: volt's backdoor account on the telecom
# core (device syslog) - with the scenario's seed, 20240212
"$BIN" hunt --db "$T/seawall.db" --team nauru --json 'PSEXESVC AND Computer:*MOF-FS01*' >"$T/a1" 2>&1
check "nauru's file server logs the crew's PsExec service (7045, 4688)" "[ \$(wc -l <'$T/a1') -ge 2 ] && grep -q 'Service Control Manager' '$T/a1'"
check "ground truth stays out of the records" "! grep -qi 'truth' '$T/a1'"
for t in fsm marshalls kiribati; do
  "$BIN" hunt --db "$T/seawall.db" --team $t --json 'svc-mon' >"$T/a2.$t" 2>&1
  check "$t's core router logs the attacker's config change" "[ \$(wc -l <'$T/a2.$t') -ge 1 ] && grep -q 'CORE01' '$T/a2.$t'"
done
"$BIN" hunt --db "$T/seawall.db" --team nauru --json 'Computer:*MOF-FS01*' >"$T/a3" 2>&1
if [ -d "$RULES" ]; then
  "$BIN" sigma --rules "$RULES" --db "$T/seawall.db" --team nauru >"$T/s1" 2>&1
  check "Sigma flags the crew's PsExec on nauru's file server" \
    "grep 'MOF-FS01' '$T/s1' | grep -q 'PsExec Service Execution'"
  "$BIN" sigma --rules "$RULES" --db "$T/seawall.db" --team palau >"$T/s2" 2>&1
  check "Sigma reports matches on palau" "grep -Eq ', [1-9][0-9]* matches' '$T/s2'"
  # the README's fifth step
  "$BIN" rules test --db "$T/seawall.db" --team nauru "$RULES/proc_creation_win_sysinternals_psexesvc.yml" >"$T/r1" 2>&1
  check "README step 5: the PsExec rule would have fired once on nauru" "grep -q 'would have fired 1 time' '$T/r1'"
  "$BIN" sigma --rules "$SHARED/data/sigma/rules/network/cisco" --db "$T/seawall.db" --team fsm >"$T/r2" 2>&1
  check "README step 5: SigmaHQ's Cisco rules flag the backdoor account on fsm" "grep -q 'Cisco Local Accounts' '$T/r2'"
else
  echo "skip Sigma checks: no rules at $RULES"
fi
"$BIN" hunt --db "$T/seawall.db" --team palau --json 'EventID:4688' >"$T/h1" 2>&1
check "the store answers a hunt for palau" "[ \$(wc -l <'$T/h1') -gt 10 ]"
"$BIN" hunt --db "$T/seawall.db" --team nauru --json 'Computer:*pw-*' >"$T/h2" 2>&1
"$BIN" hunt --db "$T/seawall.db" --team palau --json 'Computer:*pw-*' >"$T/h3" 2>&1
check "palau sees its own hosts by that query" "[ \$(wc -l <'$T/h3') -gt 0 ]"
check "nauru cannot see palau's hosts" "[ \$(wc -l <'$T/h2') -eq 0 ]"
(cd "$T" && "$BIN" run >"$T/out2" 2>"$T/err2"); rc=$?
n2=$(sed -n 's/.*seawall.db: \([0-9]*\) records.*/\1/p' "$T/out2")
check "a second run succeeds with the same records" "[ $rc -eq 0 ] && [ \"$n1\" = \"$n2\" ]"
check "the second store holds the same, not twice as much" \
  "\"$BIN\" hunt --db '$T/seawall.db' --team palau --json 'EventID:4688' | cmp -s - '$T/h1'"
check "the second store holds the same attack records" \
  "\"$BIN\" hunt --db '$T/seawall.db' --team nauru --json 'Computer:*MOF-FS01*' | cmp -s - '$T/a3'"
"$BIN" share --db "$T/seawall.db" --from nauru --to palau 'PSEXESVC' >"$T/sh" 2>&1
check "README step 5: nauru shares the PsExec records with palau" "grep -q 'shared 3 records of nauru with palau (journal seq [0-9]*)' '$T/sh'"
"$BIN" journal --db "$T/seawall.db" >"$T/jn" 2>&1
check "README step 5: the journal holds the share" "grep -q 'record.share' '$T/jn'"
"$BIN" run --bogus >/dev/null 2>"$T/err3"; rc=$?
check "unknown argument: usage error" "[ $rc -eq 2 ] && grep -q \"unknown option '--bogus'\" '$T/err3'"
"$BIN" run --scenario "$T/missing.yaml" --db "$T/x.db" >/dev/null 2>"$T/err4"; rc=$?
check "missing scenario: exit 1 with the reason, no store" "[ $rc -eq 1 ] && [ -s '$T/err4' ] && [ ! -e '$T/x.db' ]"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
