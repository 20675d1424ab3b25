#!/bin/sh
# sigma_undecided.sh — a Sigma regex over its budget is no longer a silent
# miss (issue 15, defect 9): a command line padded so the backtracking
# matcher gives up is decided by the linear-time fallback (a match), or,
# when neither matcher can decide, `seawall sigma` and the ingest path say
# the rule was undecided instead of counting a miss; SigmaHQ's (.){200,}
# fires on a 2,000-byte command line; a pattern only a backtracking matcher
# evaluates is refused at load, located, with the reason. Prints
# "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CASES="$ROOT/tests/data/sigma/cases"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib/check.sh"

# three command lines for the nested-quantifier rule: plain, padded to run
# past the backtracking budget (the fallback decides), padded past both
python3 - "$T" <<'PY'
import json, sys
base = {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1,
        "TimeCreated": "2026-01-01T00:00:00Z"}
def rec(host, cl):
    r = dict(base); r["Computer"] = host; r["CommandLine"] = cl; return json.dumps(r)
with open(sys.argv[1] + "/ps.jsonl", "w") as f:
    f.write(rec("plain", "powershell -f run.ps1") + "\n")
    f.write(rec("padded", "powershell -f " + "a" * 30 + "!x.ps1") + "\n")
    f.write(rec("toolong", "powershell -f " + "a" * 3000 + "!x.ps1") + "\n")
with open(sys.argv[1] + "/long.jsonl", "w") as f:
    f.write(rec("long", "file " + "/srv/data/" * 200) + "\n")
PY

expect "sigma runs the padded command lines" 0 "$BIN" sigma --rules "$CASES/re_padded.yml" --events "$T/ps.jsonl"
lines "  two matches" "$T/out" 2
has "  the plain one" "$T/out" "	plain	"
has "  and the one padded past the backtracking budget" "$T/out" "	padded	"
has "  the summary counts the undecided one" "$T/err" "3 events, 2 matches, 1 undecided"
has "  and names the rule" "$T/err" 'undecided: 00000000-0000-0000-0000-000000000902 "case re with nested quantifiers'
has "  with what to do" "$T/err" "on 1 event: a regular expression ran past its budget"

expect "SigmaHQ's (.){200,} on a 2,000-byte command line" 0 "$BIN" sigma --rules "$CASES/re_long_value.yml" --events "$T/long.jsonl"
lines "  fires" "$T/out" 1
has "  and nothing is undecided" "$T/err" "1 events, 1 matches"

cat >"$T/backref.yml" <<'Y'
title: doubled word
id: 6d0c1f6e-0000-4000-8000-000000000077
logsource:
    product: windows
    category: process_creation
detection:
    sel:
        CommandLine|re: '(\w+) \1'
    condition: sel
Y
expect "a back reference is refused at load" 1 "$BIN" sigma --check "$T/backref.yml" -v
has "  located, with the reason" "$T/out" "backref.yml:8:25: error: the regular expression uses a back reference"
has "  grouped in the load report" "$T/out" "regex needs backtracking"

# the ingest path: a deployed rule's undecided records are counted
DB="$T/ex.db"
printf '{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Computer":"h0","CommandLine":"x"}\n' >"$T/h.jsonl"
"$BIN" ingest --db "$DB" --team blue "$T/h.jsonl" 2>/dev/null
expect "deploy the nested-quantifier rule" 0 "$BIN" rules deploy --db "$DB" --team blue "$CASES/re_padded.yml"
expect "ingest the padded command lines" 0 "$BIN" ingest --db "$DB" --team blue "$T/ps.jsonl"
has "  two alerts" "$T/err" "2 alerts raised by 1 deployed rule"
has "  and the undecided record said" "$T/err" "warning: 1 time a deployed rule could not decide on a record"
expect "alerts" 0 "$BIN" alerts --db "$DB" --team blue
lines "  lists the two" "$T/out" 2

summary
[ "$fail" -eq 0 ]
