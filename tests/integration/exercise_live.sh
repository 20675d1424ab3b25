#!/bin/sh
# exercise_live.sh — the exercise runtime end to end on the real binary:
#  1. a live exercise played from two terminals: `seawall play` owns it, one
#     team isolates a host with `seawall act`, another deploys a rule and its
#     alerts come from what happens after the deploy;
#  2. crash recovery: `seawall play` killed with SIGKILL at random moments,
#     many times, during a scripted run (a scripted defender's commands
#     arriving, a rule deployed), resumed each time; the end state, every
#     team's records and the alerts equal an uninterrupted run's;
#  3. `seawall replay --until T` gives the state of a live run stopped at T;
#  4. an exercise's database is never destroyed by running again, and a file
#     that is not a seawall database is never replaced.
# Prints "N passed, N failed". KILLS (default 20) sets how many kills.
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEF=$ROOT/scenarios/pacific-cable/defender.yaml
T=$(mktemp -d)
PLAY=""
trap '[ -n "$PLAY" ] && kill -9 $PLAY 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/lib/check.sh"
KILLS=${KILLS:-20}

# a rule any Windows logon matches: it fires on what comes after it
cat >"$T/logon.yml" <<'R'
title: Any successful logon
id: 6b1f2a4e-0000-4000-8000-00000000a001
status: test
author: seawall tests
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4624
  condition: sel
level: low
R

# ---- 1. two terminals ---------------------------------------------------------
DB=$T/live.db
"$BIN" play --db "$DB" --speed 1200 >"$T/play.out" 2>&1 &
PLAY=$!
i=0
while [ ! -S "$DB.ctl" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect "a player isolates a host by the name the logs use" 0 \
  "$BIN" act --db "$DB" --team palau --actor pw-analyst isolate MOF-WS01
has "  the answer says when it takes effect and what it costs" "$T/out" "takes effect at T+"
expect "a wrong host name is refused with the right one" 1 \
  "$BIN" act --db "$DB" --team palau isolate MOF-WS1
has "  did you mean" "$T/err" "did you mean MOF-WS01?"
expect "another team's host is refused" 1 "$BIN" act --db "$DB" --team palau isolate NR-MOF-FS01
expect "another team deploys a rule while the exercise runs" 0 \
  "$BIN" rules deploy --db "$DB" --team fsm --actor fm-analyst "$T/logon.yml"
from=$(sed -n 's/.*applies to records after the first \([0-9]*\).*/\1/p' "$T/out")
has "  journaled at the exercise's time" "$T/out" " at T+"
sleep 2
expect "the instructor pauses the clock" 0 "$BIN" act --db "$DB" clock pause
has "  paused" "$T/out" "the exercise is paused"
n1=$("$BIN" alerts --db "$DB" --team fsm --json | wc -l | tr -d ' ')
if [ "${n1:-0}" -gt 0 ]; then ok "the rule raised alerts on fsm's new records"; else ko "the rule raised alerts on fsm's new records" "$n1"; fi
first=$("$BIN" alerts --db "$DB" --team fsm --json | head -1 | sed 's/.*"record":\([0-9]*\).*/\1/')
ord=$((first & 1099511627775))
if [ "$ord" -gt "${from:-999999999}" ]; then ok "  and only on records after the deploy ($ord > $from)"; else ko "  and only on records after the deploy" "$ord <= $from"; fi
n2=$("$BIN" alerts --db "$DB" --team palau --json | wc -l | tr -d ' ')
eq "palau has no alerts from fsm's rule" "$n2" 0
sleep 1
n3=$("$BIN" alerts --db "$DB" --team fsm --json | wc -l | tr -d ' ')
eq "paused: no new alerts" "$n3" "$n1"
alert=$("$BIN" alerts --db "$DB" --team fsm --json | head -1 | sed 's/.*"alert":\([0-9]*\).*/\1/')
expect "fsm triages its alert as a true positive" 0 "$BIN" act --db "$DB" --team fsm triage "$alert" true-positive fm-lead
has "  the answer says so" "$T/out" "true-positive, assigned to fm-lead"
"$BIN" alerts --db "$DB" --team fsm --json | grep "\"alert\":$alert," >"$T/a1"
has "  alerts --json carries the status and assignee" "$T/a1" '"status":"true-positive","assignee":"fm-lead"'
expect "palau cannot triage fsm's alert" 1 "$BIN" act --db "$DB" --team palau triage "$alert" false-positive
expect "a bad status is refused" 1 "$BIN" act --db "$DB" --team fsm triage "$alert" solved
expect "fsm files a report" 0 "$BIN" act --db "$DB" --team fsm report Logons on the file server
expect "fsm's chat" 0 "$BIN" act --db "$DB" --team fsm message checking MOF-FS01 now
expect "the white cell's broadcast" 0 "$BIN" act --db "$DB" message lunch at noon
expect "a hint for palau" 0 "$BIN" act --db "$DB" --team palau hint look at the VPN appliance
expect "an inject written on the day" 0 "$BIN" act --db "$DB" --team nauru send "Call from the minister" Please call back
"$BIN" journal --db "$DB" --json >"$T/j"
for k in alert.triage report.submit message.post hint.release inject.compose; do
  has "  journaled as $k" "$T/j" "\"kind\":\"$k\""
done
has "the isolation is journaled with its actor and exercise time" "$T/j" '"actor":"pw-analyst","team":"palau","kind":"action"'
has "  at_ms with it" "$T/j" '"at_ms":'
expect "the clock resumes" 0 "$BIN" act --db "$DB" clock resume
expect "and ends" 0 "$BIN" act --db "$DB" clock end
i=0
while kill -0 $PLAY 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $PLAY 2>/dev/null; then ko "play stops when the exercise ends"; kill -9 $PLAY; else ok "play stops when the exercise ends"; fi
PLAY=""
has "play printed the isolation taking effect" "$T/play.out" "palau: isolate MOF-WS01 done"
has "play printed the alerts" "$T/play.out" "fsm alert: low \"Any successful logon\""
expect "acts after the end are refused" 1 "$BIN" act --db "$DB" --team palau release MOF-WS01
has "  saying so" "$T/err" "the exercise has ended"

# ---- 2. kill -9 at random moments, resume, compare ----------------------------------
REF=$T/ref.db
K=$T/k.db
for db in "$REF" "$K"; do
  "$BIN" rules deploy --db "$db" --team nauru "$T/logon.yml" >/dev/null 2>&1
done
"$BIN" play --db "$REF" --fast -q --defender "$DEF" >"$T/ref.out" 2>&1
survived=0
n=0
while [ $n -lt "$KILLS" ]; do
  n=$((n + 1))
  "$BIN" play --db "$K" --fast -q --defender "$DEF" >>"$T/k.out" 2>&1 &
  P=$!
  sleep "$(awk -v s="$n" 'BEGIN { srand(s * 7919); printf "%.2f", 0.05 + rand() * 0.45 }')"
  kill -9 $P 2>/dev/null && survived=$((survived + 1))
  wait $P 2>/dev/null
done
"$BIN" play --db "$K" --fast -q --defender "$DEF" >>"$T/k.out" 2>&1
echo "     killed $survived times mid-run"
"$BIN" replay --db "$REF" --json >"$T/ref.state"
"$BIN" replay --db "$K" --json >"$T/k.state"
hash_of() { sed -n 's/.*"state_hash": "\([0-9a-f]*\)".*/\1/p' "$1"; }
eq "after $survived kills the state is the uninterrupted run's" "$(hash_of "$T/k.state")" "$(hash_of "$T/ref.state")"
for t in palau fsm marshalls nauru kiribati; do
  a=$("$BIN" hunt --db "$REF" --team $t --json '*' | cksum)
  b=$("$BIN" hunt --db "$K" --team $t --json '*' | cksum)
  eq "  $t's store holds the same records, no gap, no duplicate" "$b" "$a"
done
"$BIN" alerts --db "$REF" --team nauru --json | sed 's/"alert":[0-9]*,//; s/"deployment":[0-9]*,//' | sort >"$T/ra"
"$BIN" alerts --db "$K" --team nauru --json | sed 's/"alert":[0-9]*,//; s/"deployment":[0-9]*,//' | sort >"$T/ka"
same "  the same alerts, once each" "$T/ka" "$T/ra"
"$BIN" journal --db "$REF" --json | sed 's/"seq":[0-9]*,"wall":"[^"]*",//' | grep -v '"kind":"clock' >"$T/rj"
"$BIN" journal --db "$K" --json | sed 's/"seq":[0-9]*,"wall":"[^"]*",//' | grep -v '"kind":"clock' >"$T/kj"
same "  the same acts journaled, none twice" "$T/kj" "$T/rj"

# ---- 3. replay --until ------------------------------------------------------------
S=$T/stop.db
"$BIN" rules deploy --db "$S" --team nauru "$T/logon.yml" >/dev/null 2>&1
"$BIN" play --db "$S" --paused -q >/dev/null 2>&1 &
P=$!
i=0
while [ ! -S "$S.ctl" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$BIN" act --db "$S" clock start >/dev/null
"$BIN" act --db "$S" clock speed 2000 >/dev/null
sleep 1
"$BIN" act --db "$S" --team nauru isolate MOF-WS02 >/dev/null
sleep 1
"$BIN" act --db "$S" clock pause >"$T/pause"
kill $P; wait $P 2>/dev/null
at=$(sed -n 's/.*clock pause at \(T+[0-9:]*[0-9]\).*/\1/p' "$T/pause")
"$BIN" replay --db "$S" --json >"$T/live.state"
"$BIN" replay --db "$REF" --json --until 30m >/dev/null
# the message shows the second; the pause fell on a millisecond of it, and
# a record in between made the hashes differ now and then
at_ms=$(sed -n 's/.*"until_ms": \([0-9]*\).*/\1/p' "$T/live.state")
expect "replay --until $at (${at_ms}ms)" 0 "$BIN" replay --db "$S" --until "${at_ms}ms" --json
cp "$T/out" "$T/rew.state"
eq "replay --until the pause gives the live state there" "$(hash_of "$T/rew.state")" "$(hash_of "$T/live.state")"
"$BIN" replay --db "$REF" --until T+01:23 --json >"$T/r83"
has "a rewind to T+01:23 stops there" "$T/r83" '"until_ms": 4980000'
cksum "$REF" >"$T/ck1"
"$BIN" replay --db "$REF" --until 1h >/dev/null
cksum "$REF" >"$T/ck2"
same "replay changes nothing in the database" "$T/ck1" "$T/ck2"

# ---- observers see what the exercise lets them (pacific-cable: observers_see: teams)
expect "an observer delegation looks at a team's records" 0 "$BIN" hunt --db "$REF" --team fiji --view palau '* | count'
a=$("$BIN" hunt --db "$REF" --team palau '* | count')
eq "  the same records palau sees" "$(cat "$T/out")" "$a"
expect "  and its alerts" 0 "$BIN" alerts --db "$REF" --team tonga --view nauru
expect "an observer has no records of its own, and is told how to look" 1 "$BIN" hunt --db "$REF" --team fiji '*'
has "  --view" "$T/err" "look at a player team's with --view TEAM"
expect "a player team cannot look at another's" 1 "$BIN" hunt --db "$REF" --team palau --view fsm '*'
expect "nor may an observer act" 1 "$BIN" act --db "$REF" --team fiji isolate MOF-WS01
has "  observers watch" "$T/err" "observers watch, they do not act"

# ---- 4. never destroyed --------------------------------------------------------------
(cd "$T" && "$BIN" run --db ref.db >"$T/rr.out" 2>&1); rc=$?
eq "run on an exercise's database resumes it (exit 0)" "$rc" 0
has "  and says so" "$T/rr.out" "holds this exercise already"
"$BIN" replay --db "$REF" --json >"$T/ref2.state"
eq "  the exercise is what it was" "$(hash_of "$T/ref2.state")" "$(hash_of "$T/ref.state")"
echo "minister's notes" >"$T/notes.txt"
expect "run refuses to use a file that is not a seawall database" 1 "$BIN" run --db "$T/notes.txt" --replace
has "  saying what it is not" "$T/err" "is not a seawall database"
eq "  and the file is untouched" "$(cat "$T/notes.txt")" "minister's notes"
mkdir "$T/adir"
expect "nor a folder" 1 "$BIN" run --db "$T/adir"
[ -d "$T/adir" ] && ok "  the folder is still there" || ko "  the folder is still there"
expect "--replace starts a seawall database over" 0 "$BIN" run --db "$REF" --replace --scenario tutorial
has "  with the new scenario" "$T/out" "Tutorial"
expect "ingest refuses an exercise's teams" 1 "$BIN" ingest --db "$K" --team palau "$T/logon.yml"
has "  and says where to ingest" "$T/err" "ingest into a database of its own"
expect "a rule deployed on a new database creates the exercise" 0 \
  "$BIN" rules deploy --db "$T/new.db" --team kiribati "$T/logon.yml"
has "  and says so" "$T/out" "created exercise"
expect "  not started: play starts it" 0 "$BIN" act --db "$T/new.db" status
has "  not started" "$T/out" "not started"

summary
[ "$fail" -eq 0 ]
