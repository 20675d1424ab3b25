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

# every delegation meets the intruders in every kind of log it has sensors
# for: Windows (Sysmon, Security, System, Defender), Linux (Sysmon for Linux,
# auth, auditd, antivirus) and network devices (syslog), on the scenario's
# seed and seeds 1-5; the ground truth says which records are attack records
for s in default 1 2 3 4 5; do
  a=""; [ "$s" != default ] && a="--seed $s"
  rm -rf "$T/tel"
  # shellcheck disable=SC2086
  "$BIN" telemetry --scenario $SC $a --out "$T/tel" --quiet 2>"$T/tel.err"
  # (a failed run leaves no truth.jsonl: python's error becomes the message)
  missing=$(python3 - "$T/tel" 2>&1 <<'PY'
import collections, json, sys
d = sys.argv[1]
fam = collections.defaultdict(set)
lines = {}
def rec(f, n):
    if f not in lines:
        lines[f] = open(d + "/" + f).read().split("\n")
    return lines[f][n - 1]
for l in open(d + "/truth.jsonl"):
    t = json.loads(l)
    src = t["file"].split("/")[1].replace(".jsonl", "")
    if src in ("security", "system", "defender"):
        k = "windows"
    elif src == "sysmon":
        k = "linux" if "Linux-Sysmon" in rec(t["file"], t["line"]) else "windows"
    elif src in ("linux_auth", "auditd", "av"):
        k = "linux"
    elif src == "device":
        k = "network"
    else:
        continue
    fam[t["team"]].add(k)
if not fam:
    print("everything (no attack records)")
    sys.exit(0)
print(" ".join("%s:%s" % (team, "/".join(sorted({"windows", "linux", "network"} - fam[team])))
               for team in ("palau", "fsm", "marshalls", "nauru", "kiribati")
               if {"windows", "linux", "network"} - fam[team]))
PY
)
  check "seed $s: every team has attack records from Windows, Linux and network devices${missing:+ (missing $missing)}" \
    "[ -z \"$missing\" ]"
done

check "training material is embedded" \
  "for f in briefing-players.md briefing-instructors.md objectives.md; do [ -s scenarios/pacific-cable/\$f ] || exit 1; done"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
