#!/bin/sh
# alerts_recovery.sh — no alert is lost or stored twice when `seawall ingest`
# dies (alerts/deploy.h invariant 6). A team with a deployed rule ingests the
# same records three ways: never stopped; killed by SIGKILL right after the
# store committed records and before their alerts (SW_TEST_CRASH_AFTER_COMMITS,
# the crash window, hit for sure); and killed with kill -9 at whatever moment
# it has committed something. After a killed run, a second ingest of the
# records the store did not keep must leave `seawall alerts --json` byte for
# byte what the never-stopped run has, and one more ingest must add nothing.
# Last, a deploy from another process while an ingest is storing succeeds
# promptly and the ingest alerts on every record after it.
# Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib/check.sh"
N=${SW_RECOVERY_RECORDS:-60000}

# gen FIRST COUNT: Sysmon process creations FIRST.., every third an
# ntdsutil run (a hit), every fifth with ground truth (the store's own
# SQLite transaction)
gen() {
  awk -v a="$1" -v n="$2" 'BEGIN {
    for (i = a; i < a + n; i++) {
      img = i % 3 == 0 ? "ntdsutil.exe" : "cmd.exe"
      truth = i % 5 == 0 ? sprintf(",\"_truth\":\"step:%d\"", i) : ""
      printf "{\"@timestamp\":\"2026-02-10T%02d:%02d:%02d.%03dZ\",\"EventID\":1,", \
        int(i / 3600000) % 24, int(i / 60000) % 60, int(i / 1000) % 60, i % 1000
      printf "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":\"ws%d\",", i % 50
      printf "\"Image\":\"C:\\\\Windows\\\\System32\\\\%s\",\"CommandLine\":\"%s %d\"%s}\n", \
        img, img, i, truth
    }
  }'
}

cat >"$T/rule.yml" <<'EOF'
title: ntdsutil run
id: 5e1f1a0e-0000-4000-8000-00000000a1e7
author: seawall tests
level: high
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\ntdsutil.exe'
  condition: sel
EOF
gen 0 1000 >"$T/history.jsonl"
gen 1000 "$N" >"$T/new.jsonl"
hits=$(grep -c ntdsutil "$T/new.jsonl")

# fresh DB: history, then the rule (it applies to what comes after)
setup() {
  "$BIN" ingest --db "$1" --team blue "$T/history.jsonl" 2>/dev/null &&
    "$BIN" rules deploy --db "$1" --team blue "$T/rule.yml" >/dev/null
}
records() { "$BIN" hunt --db "$1" --team blue '* | count' 2>/dev/null || echo 0; }
alerts() { "$BIN" alerts --db "$1" --team blue --json 2>/dev/null; }

# resume NAME DB: after a killed ingest, ingest what the store did not keep,
# then compare with the never-stopped run
resume() {
  name=$1; db=$2
  kept=$(($(records "$db") - 1000))
  tail -n +$((kept + 1)) "$T/new.jsonl" >"$T/rest.jsonl"
  if "$BIN" ingest --db "$db" --team blue "$T/rest.jsonl" 2>"$T/$name.err"; then
    ok "$name: the next ingest runs"
  else
    ko "$name: the next ingest runs" "$(head -c 300 "$T/$name.err")"
  fi
  eq "$name: every record stored once" "$(records "$db")" $((N + 1000))
  alerts "$db" >"$T/$name.alerts"
  same "$name: alerts = the never-stopped run's" "$T/$name.alerts" "$T/clean.alerts"
  : >"$T/empty.jsonl"
  "$BIN" ingest --db "$db" --team blue "$T/empty.jsonl" 2>"$T/err"
  alerts "$db" >"$T/$name.again"
  same "$name: a second catch-up adds nothing" "$T/$name.again" "$T/clean.alerts"
  if grep -q "caught up" "$T/err"; then ko "$name: nothing left to catch up" "$(cat "$T/err")"; else ok "$name: nothing left to catch up"; fi
}

# ---- never stopped ---------------------------------------------------------
setup "$T/clean.db" || ko "setup"
"$BIN" ingest --db "$T/clean.db" --team blue "$T/new.jsonl" 2>/dev/null
alerts "$T/clean.db" >"$T/clean.alerts"
eq "the never-stopped run alerts on every hit" "$(wc -l <"$T/clean.alerts" | tr -d ' ')" "$hits"

# ---- killed in the window between the records' commit and their alerts -------
setup "$T/win.db" || ko "setup"
SW_TEST_CRASH_AFTER_COMMITS=3 "$BIN" ingest --db "$T/win.db" --team blue "$T/new.jsonl" \
  2>/dev/null
eq "window: ingest was killed (SIGKILL)" "$?" 137
kept=$(($(records "$T/win.db") - 1000))
owed=$(head -n "$kept" "$T/new.jsonl" | grep -c ntdsutil)
got=$(alerts "$T/win.db" | wc -l | tr -d ' ')
if [ "$kept" -gt 0 ] && [ "$got" -lt "$owed" ]; then
  ok "window: $kept records kept, $got of their $owed alerts stored"
else
  ko "window: the kill left committed records without alerts" "kept $kept, alerts $got of $owed"
fi
resume window "$T/win.db"
if grep -q "caught up $((owed - got)) alerts" "$T/window.err"; then
  ok "window: the next ingest says what it caught up"
else
  ko "window: the next ingest says what it caught up" "$(cat "$T/window.err")"
fi

# ---- kill -9 at some moment once something is committed -------------------------
setup "$T/kill.db" || ko "setup"
"$BIN" ingest --db "$T/kill.db" --team blue "$T/new.jsonl" 2>/dev/null &
pid=$!
i=0
while [ "$(records "$T/kill.db")" -le 1000 ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
  sleep 0.05; i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
kept=$(($(records "$T/kill.db") - 1000))
if [ "$kept" -lt "$N" ]; then ok "kill -9: killed mid-way ($kept of $N records kept)"; else ok "kill -9: ingest finished first (weaker)"; fi
resume kill "$T/kill.db"

# ---- a deploy from another process while an ingest is storing ----------------------
# (the store's ground-truth transaction held the write lock for the whole
# file: the deploy waited 5 s and failed)
gen 1000 "${SW_DEPLOY_RECORDS:-200000}" >"$T/long.jsonl"
"$BIN" ingest --db "$T/dep.db" --team blue "$T/history.jsonl" 2>/dev/null
"$BIN" ingest --db "$T/dep.db" --team blue "$T/long.jsonl" 2>"$T/dep.ingest" &
pid=$!
i=0
while [ "$(records "$T/dep.db")" -le 1000 ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 1200 ]; do
  sleep 0.05; i=$((i + 1))
done
running=0; kill -0 "$pid" 2>/dev/null && running=1
t0=$(date +%s%N)
"$BIN" rules deploy --db "$T/dep.db" --team blue "$T/rule.yml" >"$T/dep.out" 2>"$T/dep.err"
st=$?
ms=$((($(date +%s%N) - t0) / 1000000))
kill -0 "$pid" 2>/dev/null || running=0
wait "$pid"
eq "deploy during ingest: ingest succeeds" "$?" 0
eq "deploy during ingest: deploy succeeds" "$st" 0
if [ "$running" -eq 1 ]; then ok "deploy during ingest: the ingest was storing all along"; else ko "deploy during ingest: the ingest was storing all along" "raise SW_DEPLOY_RECORDS"; fi
if [ "$ms" -lt 2000 ]; then ok "deploy during ingest: took $ms ms"; else ko "deploy during ingest: prompt" "took $ms ms"; fi
from=$(sed -n 's/.*applies to records after the first \([0-9]*\).*/\1/p' "$T/dep.out")
want=$(tail -n +$((${from:-0} - 1000 + 1)) "$T/long.jsonl" | grep -c ntdsutil)
eq "deploy during ingest: every record after it alerts, once" \
  "$(alerts "$T/dep.db" | wc -l | tr -d ' ')" "$want"

summary
[ "$fail" -eq 0 ]
