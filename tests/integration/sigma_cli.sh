#!/bin/sh
# sigma_cli.sh — `seawall sigma` end to end: matches with the author shown,
# JSON output, --check with located errors and exit statuses, usage errors.
# Needs $SW_BIN; reference data from $SW_SHARED/data/sigma (default ../shared).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SW_SHARED:-$ROOT/../shared}
S="$SHARED/data/sigma"
BIN=${SW_BIN:-$ROOT/build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }

RULE="$S/rules/windows/process_creation/proc_creation_win_discovery_via_reg_queries.yml"
EV="$S/regression/0022869c-49f7-4ff2-ba03-85ac42ddac58.json"

# 1. a match line carries time, host, level, title, author and id
"$BIN" sigma --rules "$RULE" --events "$EV" >"$T/out" 2>"$T/err"; rc=$?
check "match exits 0" [ "$rc" -eq 0 ]
check "one match line" [ "$(wc -l <"$T/out")" -eq 1 ]
check "line has host" grep -q 'ar-win-dc.attackrange.local' "$T/out"
check "line has author" grep -q 'author: ' "$T/out"
check "line has rule id" grep -q '0022869c-49f7-4ff2-ba03-85ac42ddac58' "$T/out"
check "summary on stderr" grep -q '1 matches' "$T/err"

# 2. --json: one object per match with the event inside
"$BIN" sigma --rules "$RULE" --events "$EV" --json >"$T/json" 2>/dev/null
check "json has author" grep -q '"author"' "$T/json"
check "json has event" grep -q '"event": *{' "$T/json"
if command -v python3 >/dev/null; then
  check "json parses" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/json"
fi

# 3. a directory of rules over JSON lines
mkdir -p "$T/rules/sub"
cp "$ROOT/tests/data/sigma/cases/contains.yml" "$T/rules/sub/"
cp "$ROOT/tests/data/sigma/cases/endswith.yml" "$T/rules/"
cat "$ROOT/tests/data/sigma/cases/contains.jsonl" "$ROOT/tests/data/sigma/cases/endswith.jsonl" >"$T/ev.jsonl"
"$BIN" sigma --rules "$T/rules" --events "$T/ev.jsonl" >"$T/out" 2>/dev/null
check "directory walk finds both rules" [ "$(wc -l <"$T/out")" -eq 2 ]

# 4. --check: counts; a bad rule gives FILE:LINE:COL and exit 1
"$BIN" sigma --check "$T/rules" >"$T/out"; rc=$?
check "check clean exits 0" [ "$rc" -eq 0 ]
check "check counts" grep -q 'loaded: *2' "$T/out"
printf 'title: bad\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|bogus: x\n    condition: sel\n' >"$T/rules/bad.yml"
"$BIN" sigma --check -v "$T/rules" >"$T/out"; rc=$?
check "check with bad rule exits 1" [ "$rc" -eq 1 ]
check "located error" grep -q "bad.yml:7:9: error: unknown value modifier 'bogus'" "$T/out"
check "grouped reason" grep -q '1  unknown modifier' "$T/out"
"$BIN" sigma --rules "$T/rules" --events "$T/ev.jsonl" >/dev/null 2>"$T/err"; rc=$?
check "refused rules reported when matching" grep -q '1 of 3 rules refused' "$T/err"
check "matching still exits 0" [ "$rc" -eq 0 ]
# ... but not when every rule was refused: nothing was matched (issue 15)
mkdir -p "$T/allbad" "$T/empty"
cp "$T/rules/bad.yml" "$T/allbad/"
"$BIN" sigma --rules "$T/allbad" --events "$T/ev.jsonl" >"$T/out" 2>"$T/err"; rc=$?
check "every rule refused exits 1" [ "$rc" -eq 1 ]
check "  and says nothing was matched" grep -q 'no rule loaded (1 of 1 refused): nothing was matched' "$T/err"
check "  and prints no summary of matches" sh -c "! grep -q ' matches' '$T/err'"
"$BIN" sigma --rules "$T/empty" --events "$T/ev.jsonl" >/dev/null 2>"$T/err"; rc=$?
check "no rule file at all exits 1" [ "$rc" -eq 1 ]
check "  and says so" grep -q 'no rule loaded (no rule files found)' "$T/err"

# 5. --var feeds expand
"$BIN" sigma --rules "$ROOT/tests/data/sigma/cases/expand.yml" --events "$ROOT/tests/data/sigma/cases/expand.jsonl" --var admins=alice,bob >"$T/out" 2>/dev/null
check "expand with --var" [ "$(wc -l <"$T/out")" -eq 2 ]
"$BIN" sigma --check -v "$ROOT/tests/data/sigma/cases/expand.yml" >"$T/out"; rc=$?
check "unresolved placeholder refused" grep -q 'unresolved placeholder' "$T/out"

# 6. usage errors exit 2
"$BIN" sigma >/dev/null 2>&1; check "no args is usage" [ $? -eq 2 ]
"$BIN" sigma --rules "$RULE" >/dev/null 2>&1; check "rules without events is usage" [ $? -eq 2 ]
"$BIN" sigma --rules "$RULE" --frob >/dev/null 2>&1; check "unknown option is usage" [ $? -eq 2 ]
"$BIN" sigma --rules "$RULE" --db "$T/x.db" >/dev/null 2>"$T/err"; rc=$?
check "--db without --team is usage" [ "$rc" -eq 2 ]
check "--db message" grep -q 'go together' "$T/err"

# 6b. rules over a team's event store: the team's records match, another
# team's store part is not there to match
"$BIN" ingest --db "$T/s.db" --team palau "$EV" >/dev/null 2>&1
printf '{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\Windows\\\\notepad.exe","CommandLine":"notepad.exe"}\n' >"$T/benign.jsonl"
"$BIN" ingest --db "$T/s.db" --team nauru "$T/benign.jsonl" >/dev/null 2>&1
"$BIN" sigma --rules "$RULE" --events "$EV" >"$T/want" 2>/dev/null
"$BIN" sigma --rules "$RULE" --db "$T/s.db" --team palau >"$T/got" 2>/dev/null; rc=$?
check "--db --team exits 0" [ "$rc" -eq 0 ]
check "--db --team matches the team's records" [ -s "$T/got" ]
check "--db gives what --events gives" cmp -s "$T/want" "$T/got"
"$BIN" sigma --rules "$RULE" --db "$T/s.db" --team nauru >"$T/got2" 2>/dev/null
check "another team's store has none of them" [ ! -s "$T/got2" ]
"$BIN" sigma --rules "$RULE" --db "$T/s.db" --team fiji >/dev/null 2>"$T/err"; rc=$?
check "unknown team exits 1" [ "$rc" -eq 1 ]
check "unknown team: the reason" grep -q "no team 'fiji'" "$T/err"
"$BIN" sigma --rules "$T/nope" --events "$EV" >/dev/null 2>&1; check "missing rules path exits 2" [ $? -eq 2 ]

# 7. a bad record is reported with its position, the rest still run
printf '{"Channel":"Security"}\n{"a": }\n' >"$T/badev.jsonl"
"$BIN" sigma --rules "$RULE" --events "$T/badev.jsonl" >/dev/null 2>"$T/err"; rc=$?
check "bad record exits 1" [ "$rc" -eq 1 ]
check "bad record located" grep -q 'record 2 (byte 24)' "$T/err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
