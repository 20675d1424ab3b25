#!/bin/sh
# rules.sh — `seawall rules`, `seawall alerts` and `seawall journal` end to end
# on the real binary, over the records `seawall run` makes: testing a SigmaHQ
# rule on history says what `seawall sigma --db` says; after a deploy, ingest
# raises exactly the alerts the engine finds in the new records (none for the
# history); withdraw stops it; teams are isolated; refusals (bad rule, unknown
# team, unknown rule id, missing database) exit 1 with a located message and
# leave the journal and the rule table as they were. Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RULE="$ROOT/../shared/data/sigma/rules/windows/process_creation/proc_creation_win_ntdsutil_usage.yml"
RULE_ID=2afafd61-6aae-4df4-baed-139fa1f4c345
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"

count_lines() { wc -l <"$1" | tr -d ' '; }

if [ ! -f "$RULE" ]; then
  echo "no SigmaHQ rules at $RULE"; echo "0 passed, 1 failed"; exit 1
fi

# ---- the exercise's records -------------------------------------------------
expect "seawall run makes a store" 0 "$BIN" run --db "$T/run.db"

# testing on history says what seawall sigma --db says, match for match
"$BIN" sigma --rules "$RULE" --db "$T/run.db" --team palau >"$T/sigma.out" 2>/dev/null
n_sigma=$(count_lines "$T/sigma.out")
[ "$n_sigma" -gt 0 ] && ok "the rule fires on palau's history ($n_sigma)" || ko "the rule fires on palau's history"
expect "rules test" 0 "$BIN" rules test --db "$T/run.db" --team palau "$RULE"
has "rules test gives the count first" "$T/out" "would have fired $n_sigma time"
head -1 "$T/out" | grep -q '^would have fired' && ok "count is the first line" || ko "count is the first line" "$(head -1 "$T/out")"
tail -n +2 "$T/out" >"$T/test.out"
same "rules test matches = seawall sigma --db matches" "$T/test.out" "$T/sigma.out"
has "matches show the author (DRL)" "$T/test.out" "author: Thomas Patzke"
expect "rules test --json" 0 "$BIN" rules test --db "$T/run.db" --team palau --json "$RULE"
eq "one JSON line per match" "$(count_lines "$T/out")" "$n_sigma"
has "json count on stderr" "$T/err" "would have fired $n_sigma time"
expect "testing deployed nothing" 0 "$BIN" rules list --db "$T/run.db" --team palau --all
eq "no rules after a test" "$(count_lines "$T/out")" 0

# palau's records as JSON lines, split before the first ntdsutil run: the
# history the rule is tested on, and the new records it alerts on
"$BIN" hunt --db "$T/run.db" --team palau --json '*' >"$T/all.jsonl" 2>/dev/null
first=$(grep -n 'ntdsutil.exe' "$T/all.jsonl" | head -1 | cut -d: -f1)
first=${first:-1}
head -n $((first - 1)) "$T/all.jsonl" >"$T/history.jsonl"
tail -n +"$first" "$T/all.jsonl" >"$T/new.jsonl"
"$BIN" sigma --rules "$RULE" --events "$T/new.jsonl" >"$T/new.sigma" 2>/dev/null
n_new=$(count_lines "$T/new.sigma")
[ "$n_new" -gt 0 ] && ok "new records hold matches ($n_new)" || ko "new records hold matches"

# ---- deploy, alert, withdraw --------------------------------------------------
expect "ingest history" 0 "$BIN" ingest --db "$DB" --team blue "$T/history.jsonl"
expect "deploy of a folder is refused" 1 "$BIN" rules deploy --db "$DB" --team blue "$(dirname "$RULE")"
has "  saying it is a folder and what to name" "$T/err" "a folder, not a file: name its rule files"
expect "deploy" 0 "$BIN" rules deploy --db "$DB" --team blue --actor trainer1 "$RULE"
has "deploy names the rule and where it applies" "$T/out" "deployed $RULE_ID"
has "deploy says from which record" "$T/out" "applies to records after the first $((first - 1))"
expect "list" 0 "$BIN" rules list --db "$DB" --team blue
has "list shows the live rule" "$T/out" "live	$RULE_ID"
expect "alerts before new records" 0 "$BIN" alerts --db "$DB" --team blue
eq "history raised no alerts" "$(count_lines "$T/out")" 0

expect "ingest new records" 0 "$BIN" ingest --db "$DB" --team blue "$T/new.jsonl"
has "ingest reports alerts" "$T/err" "$n_new alert"
expect "alerts" 0 "$BIN" alerts --db "$DB" --team blue
eq "one alert per engine match" "$(count_lines "$T/out")" "$n_new"
cut -f1-6 "$T/out" >"$T/alerts.cut"
same "alerts show what seawall sigma shows" "$T/alerts.cut" "$T/new.sigma"
has "alerts carry the record id" "$T/out" "	record "
expect "alerts --json" 0 "$BIN" alerts --db "$DB" --team blue --json
if command -v python3 >/dev/null; then
  if python3 - "$T/out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows, "no alerts"
for r in rows:
    for k in ("alert", "time", "host", "level", "title", "author", "id", "deployment", "record", "event"):
        assert k in r, k
    assert r["author"] == "Thomas Patzke"
    assert "_truth" not in r["event"]
EOF
  then ok "alerts --json carry rule, author, host, time, record, event"; else ko "alerts --json fields"; fi
fi

expect "withdraw" 0 "$BIN" rules withdraw --db "$DB" --team blue "$RULE_ID"
expect "ingest after withdraw" 0 "$BIN" ingest --db "$DB" --team blue "$T/new.jsonl"
expect "alerts after withdraw" 0 "$BIN" alerts --db "$DB" --team blue
eq "no new alerts after withdraw" "$(count_lines "$T/out")" "$n_new"
expect "list --all" 0 "$BIN" rules list --db "$DB" --team blue --all
has "list --all shows it withdrawn" "$T/out" "withdrawn	$RULE_ID"
expect "journal" 0 "$BIN" journal --db "$DB" --team blue
has "deploy is journaled with its actor" "$T/out" "trainer1	blue	rule.deploy"
has "withdraw is journaled" "$T/out" "rule.withdraw"
eq "two acts" "$(count_lines "$T/out")" 2

# ---- teams are isolated ----------------------------------------------------------
expect "ingest red" 0 "$BIN" ingest --db "$DB" --team red "$T/new.jsonl"
expect "red has no alerts" 0 "$BIN" alerts --db "$DB" --team red
eq "blue's rule never ran on red" "$(count_lines "$T/out")" 0
expect "red has no rules" 0 "$BIN" rules list --db "$DB" --team red --all
eq "red lists none of blue's rules" "$(count_lines "$T/out")" 0
expect "redeploy for blue" 0 "$BIN" rules deploy --db "$DB" --team blue "$RULE"
expect "red cannot withdraw blue's rule" 1 "$BIN" rules withdraw --db "$DB" --team red "$RULE_ID"
has "names the team and id" "$T/err" "team red has no deployed rule with id '$RULE_ID'"

# ---- refusals change nothing ------------------------------------------------------
snapshot() {
  "$BIN" journal --db "$DB" --json >"$T/$1.journal" 2>&1
  "$BIN" rules list --db "$DB" --team blue --all --json >"$T/$1.rules" 2>&1
}
unchanged() { # NAME
  snapshot after
  if cmp -s "$T/before.journal" "$T/after.journal" && cmp -s "$T/before.rules" "$T/after.rules"; then
    ok "$1 changed nothing"; else ko "$1 changed nothing" "$(diff "$T/before.journal" "$T/after.journal" | head -3)"; fi
}
snapshot before
printf 'title: bad\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: x.exe\n  condition: sel and missing\n' >"$T/bad.yml"
expect "refused rule" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/bad.yml"
has "refusal is located" "$T/err" "bad.yml:9:"
has "refusal gives the reason" "$T/err" "[invalid condition]"
unchanged "a refused rule"
printf 'title: good\nid: 00000000-0000-0000-0000-000000000002\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: x.exe\n  condition: sel\n' >"$T/good.yml"
expect "good + bad: all or none" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/good.yml" "$T/bad.yml"
unchanged "a refused second file"
sed '/^id:/d' "$T/good.yml" >"$T/noid.yml"
expect "rule without id" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/noid.yml"
has "says to add an id" "$T/err" "no id"
printf 'title: x\nid: y\nlogsource: {product: windows, category: nope}\ndetection: {sel: {a: b}, condition: sel}\n' >"$T/unmapped.yml"
expect "unmapped logsource" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/unmapped.yml"
has "engine's reason" "$T/err" "[unmapped logsource]"
expect "already deployed" 1 "$BIN" rules deploy --db "$DB" --team blue "$RULE"
has "says withdraw first" "$T/err" "withdraw it first"
expect "unknown team" 1 "$BIN" rules deploy --db "$DB" --team nosuch "$T/good.yml"
has "names the team" "$T/err" "no team 'nosuch'"
expect "unknown rule id" 1 "$BIN" rules withdraw --db "$DB" --team blue no-such-rule
has "names the id" "$T/err" "no deployed rule with id 'no-such-rule'"
expect "missing rule file" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/none.yml"
has "names the file" "$T/err" "none.yml"
unchanged "every refusal"
# several files are deployed in one opening of the exercise, in order, up to
# the first the exercise refuses (an id already live), and the message says
# how far it got
sed 's/000000000002$/000000000003/; s/x.exe/y.exe/' "$T/good.yml" >"$T/good3.yml"
expect "two new files and a live one" 1 "$BIN" rules deploy --db "$DB" --team blue "$T/good.yml" "$T/good3.yml" "$RULE"
has "says how far it got" "$T/err" "the 2 files before $RULE were deployed"
"$BIN" rules list --db "$DB" --team blue --json >"$T/list.json" 2>&1
has "the first is live" "$T/list.json" "00000000-0000-0000-0000-000000000002"
has "the second is live" "$T/list.json" "00000000-0000-0000-0000-000000000003"
expect "withdraw the first" 0 "$BIN" rules withdraw --db "$DB" --team blue 00000000-0000-0000-0000-000000000002
expect "withdraw the second" 0 "$BIN" rules withdraw --db "$DB" --team blue 00000000-0000-0000-0000-000000000003
expect "rules test on a bad rule" 1 "$BIN" rules test --db "$DB" --team blue "$T/bad.yml"
has "test refusal is located" "$T/err" "bad.yml:9:"
expect "missing database" 1 "$BIN" rules list --db "$T/none.db" --team blue
has "names the database" "$T/err" "none.db: no such exercise database"
[ ! -e "$T/none.db" ] && ok "missing database not created" || ko "missing database not created"
# ---- seawall run --rules: deployed before the first record ---------------------
"$BIN" run --db "$T/run2.db" --rules "$RULE" >"$T/out" 2>"$T/err"; st=$?
eq "run --rules exits 0" "$st" 0
has "run reports palau's alerts" "$T/out" "palau      $n_sigma "
expect "alerts after run --rules" 0 "$BIN" alerts --db "$T/run2.db" --team palau
eq "run's alerts = seawall sigma --db on the same records" "$(count_lines "$T/out")" "$n_sigma"
expect "run journaled its deploys" 0 "$BIN" journal --db "$T/run2.db" --kind rule.deploy
has "by seawall-run" "$T/out" "seawall-run	palau	rule.deploy"
expect "run's journal as JSON" 0 "$BIN" journal --db "$T/run2.db" --kind rule.deploy --json
has "run's deploys carry the exercise time (0: before the first record)" "$T/out" '"at_ms":0'
expect "CLI journal as JSON" 0 "$BIN" journal --db "$DB" --team blue --json
if grep -q '"at_ms"' "$T/out"; then ko "CLI acts carry no exercise time" "$(grep -m1 at_ms "$T/out" | head -c 200)"; else ok "CLI acts carry no exercise time"; fi
cp "$T/run2.db" "$T/run2.copy"
"$BIN" run --db "$T/run2.db" --rules "$RULE" "$T/bad.yml" >"$T/out" 2>"$T/err"; st=$?
eq "run with a bad rule exits 1" "$st" 1
has "run names the bad rule" "$T/err" "bad.yml:9:"
cmp -s "$T/run2.db" "$T/run2.copy" && ok "run with a bad rule left the database alone" || ko "run with a bad rule left the database alone"

expect "usage" 2 "$BIN" rules frobnicate --db "$DB" --team blue
expect "alerts without team" 2 "$BIN" alerts --db "$DB"

summary
[ "$fail" -eq 0 ]
