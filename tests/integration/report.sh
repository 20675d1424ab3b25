#!/bin/sh
# report.sh — `seawall report` on a fixed run of the Pacific exercise (a
# scripted, uneven defence: tests/data/report/defender.yaml), end to end:
#  1. the JSON report: its structure, and key figures against what `seawall
#     replay` says and against the formula (total = points - penalties);
#     the same report twice, byte for byte; --until is the replay stopped
#     there; --team keeps one team;
#  2. Markdown and the CSV timeline;
#  3. the HTML: it parses, holds no script and fetches nothing, renders in
#     headless Chromium without console errors, prints to A4 with the
#     one-page summary alone on the first page;
#  4. the recomputed score after kill -9 and resume equals the uninterrupted
#     run's (the report of each, byte for byte);
#  5. bad input: a missing database, an unknown format or team.
# Prints "N passed, N failed". KILLS (default 3) sets how many kills.
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEF=$ROOT/tests/data/report/defender.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib/check.sh"
KILLS=${KILLS:-3}
PY=python3

RULE=$ROOT/../shared/data/sigma/rules/network/cisco/aaa/cisco_cli_moving_data.yml
DB=$T/fixed.db
# fsm watches its routers for configurations being copied off them, from the start
"$BIN" rules deploy --db "$DB" --team fsm "$RULE" >/dev/null 2>&1
"$BIN" play --db "$DB" --fast -q --defender "$DEF" >/dev/null 2>&1
# after the end fsm triages its alert, and the white cell gives kiribati a hint
alert=$("$BIN" alerts --db "$DB" --team fsm --json | head -1 | sed 's/.*"alert":\([0-9]*\).*/\1/')
"$BIN" act --db "$DB" --team fsm triage "${alert:-0}" true-positive >/dev/null 2>&1
"$BIN" act --db "$DB" --team kiribati hint look at the core router >/dev/null 2>&1

# ---- 1. JSON -----------------------------------------------------------------------
expect "report --format json" 0 "$BIN" report --db "$DB" --format json -o "$T/r.json"
"$BIN" replay --db "$DB" --json >"$T/replay.json"
$PY - "$T/r.json" "$T/replay.json" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
m = json.load(open(sys.argv[1])); rp = json.load(open(sys.argv[2]))
def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else "\n     " + str(detail)))
teams = m["teams"]
check("five player teams, observers left out", [t["id"] for t in teams] and len(teams) == 5,
      [t["id"] for t in teams])
check("ranked 1..5, best first", [t["rank"] for t in teams] == [1, 2, 3, 4, 5])
check("totals in order", all(teams[i]["total"] >= teams[i + 1]["total"] for i in range(4)))
cats = ["availability", "detection", "containment", "recovery", "reporting", "sharing"]
P = m["scoring"]["points"]
ok = True
for t in teams:
    s = sum(t["categories"][c]["points"] for c in cats)
    ok &= abs(t["total"] - (s - t["penalties"])) < 1e-6
    for c in cats:
        x = t["categories"][c]
        ok &= 0 <= x["fraction"] <= 1 and abs(x["points"] - x["weight"] * P * x["fraction"]) < 1e-6
check("total = weights x points x fractions - penalties, for every team", ok)
av = {x["team"]: x["availability"] for x in rp["teams"]}
check("availability is the simulation's own figure",
      all(abs(t["categories"]["availability"]["fraction"] - av[t["id"]]) < 1e-9 for t in teams),
      {t["id"]: (t["categories"]["availability"]["fraction"], av[t["id"]]) for t in teams})
by = {t["id"]: t for t in teams}
check("marshalls' isolation of its healthy DC is collateral damage",
      by["marshalls"]["penalty"]["collateral"]["n"] == 1 and
      any(a["collateral"] and a["host"] == "MOF-DC01" for a in by["marshalls"]["actions"]))
check("palau's wrong indicator costs it", by["palau"]["penalty"]["false_indicators"]["n"] == 1)
sh = [x for x in by["palau"]["shared"] if x["value"] == "198.51.100.17" and x["to"] == "nauru"]
check("palau's relay address, blocked by nauru after it was shared, counts as used",
      sh and sh[0]["correct"] and sh[0]["used_ms"] is not None and sh[0]["used_ms"] >= sh[0]["at_ms"],
      sh)
check("kiribati's hint after the end is a penalty", by["kiribati"]["penalty"]["hints"]["n"] == 1)
det = [s for s in by["fsm"]["stages"] if s["detected_by"] == "triage"]
check("fsm's alert triaged true-positive detects the stage its record shows (on its edge router)",
      len(det) == 1 and det[0]["hosts"] == ["MOF-RTR01"] and det[0]["technique"].startswith("T16") and
      det[0]["detected_ms"] == m["exercise"]["at_ms"], det)
reached = {(o["adversary"], o["objective"]) for o in rp["objectives"] if o["reached_ms"] is not None}
mine = {(o["adversary"], o["id"]) for t in teams for o in t["objectives"] if o["reached_ms"] is not None}
check("every objective reached against a team is one the simulation says was reached",
      mine and mine <= reached, (mine, reached))
stages = [s for t in teams for s in t["stages"]]
check("stages carry technique, hosts and times",
      stages and all(s["technique"] and s["hosts"] and s["start_ms"] <= s["success_ms"] for s in stages))
missed = [s for s in stages if s["missed"]]
check("missed stages carry their first record", any("record" in s for s in missed))
check("and the SigmaHQ rules that match it, with their authors",
      any(s.get("sigma") and all(r["author"] for r in s["sigma"]) for s in missed)
      or not m["exercise"]["sigma_rules"])
check("every learning objective is judged", all(len(t["learning_objectives"]) == 5 for t in teams))
check("services carry their changes", all(t["services"] for t in teams))
check("the exercise stopped at its end", m["exercise"]["at"] == "T+04:00" and m["exercise"]["state"] == "ended")
EOF
cat "$T/py.out"
pass=$((pass + $(grep -c '^ok' "$T/py.out"))); fail=$((fail + $(grep -c '^FAIL' "$T/py.out")))
[ -s "$T/py.out" ] || ko "the JSON checks ran" "$(cat "$T/py.out")"

head=$("$BIN" journal --db "$DB" --verify 2>&1 | sed -n 's/^head: seq [0-9]* \([0-9a-f]*\).*/\1/p')
has "the report names the journal's head, as journal --verify prints it" "$T/r.json" "\"head\": \"${head:-none}\""
has "  and says it is intact" "$T/r.json" '"intact": true'
expect "the same report again" 0 "$BIN" report --db "$DB" --format json -o "$T/r2.json"
same "  byte for byte" "$T/r.json" "$T/r2.json"
expect "report --until 2h" 0 "$BIN" report --db "$DB" --format json --until 2h -o "$T/u.json"
has "  is the exercise at T+02:00" "$T/u.json" '"at": "T+02:00"'
n_all=$(grep -c '"start_ms"' "$T/r.json"); n_2h=$(grep -c '"start_ms"' "$T/u.json")
if [ "$n_2h" -lt "$n_all" ]; then ok "  with fewer stages than at the end ($n_2h < $n_all)"; else ko "  with fewer stages than at the end" "$n_2h, $n_all"; fi
expect "report --team nauru" 0 "$BIN" report --db "$DB" --team nauru --format json -o "$T/n.json"
eq "  holds nauru alone" "$(grep -c '"rank"' "$T/n.json")" 1

# ---- 2. Markdown, CSV --------------------------------------------------------------------
expect "report --format md" 0 "$BIN" report --db "$DB" --format md -o "$T/r.md"
has "  a scoreboard" "$T/r.md" "| # | Team | Score |"
has "  each team's stages" "$T/r.md" "### Attack stages"
expect "report --format csv" 0 "$BIN" report --db "$DB" --format csv -o "$T/r.csv"
eq "  the header" "$(head -1 "$T/r.csv")" "team,lane,at_ms,time,kind,what"
for lane in adversary detection response; do
  has "  a $lane lane" "$T/r.csv" ",$lane,"
done
$PY -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); sys.exit(0 if all(len(x)==6 for x in r) else 1)" "$T/r.csv" \
  && ok "  every row has six fields (quoted where needed)" || ko "  every row has six fields"

# ---- 3. HTML -----------------------------------------------------------------------------
expect "report (HTML, the default)" 0 "$BIN" report --db "$DB" -o "$T/r.html"
$PY - "$T/r.html" >"$T/html.out" 2>&1 <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source"}
SVGV = {"rect", "circle", "line", "path"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.bad = []; s.tags = set()
    def handle_starttag(s, tag, a):
        s.tags.add(tag)
        for k, v in a:
            if k in ("src", "href") and v and not v.startswith("#"):
                s.bad.append("fetches " + v)
        if tag not in VOID: s.stack.append(tag)
    def handle_startendtag(s, tag, a):
        s.tags.add(tag)
    def handle_endtag(s, tag):
        if tag in VOID: return
        if not s.stack or s.stack[-1] != tag:
            s.bad.append("</%s> closes <%s>" % (tag, s.stack[-1] if s.stack else "nothing")); return
        s.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else "\n     " + str(detail)))
check("the HTML parses: every element closed, in order", not [b for b in p.bad if "closes" in b] and not p.stack,
      (p.bad[:3], p.stack[-3:]))
check("  no script", "script" not in p.tags)
check("  nothing fetched (self-contained)", not [b for b in p.bad if "fetches" in b], p.bad[:3])
check("  charts as inline SVG", "svg" in p.tags)
EOF
cat "$T/html.out"
pass=$((pass + $(grep -c '^ok' "$T/html.out"))); fail=$((fail + $(grep -c '^FAIL' "$T/html.out")))

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  ko "chromium is installed (scripts/bootstrap.sh check)"
else
  flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run --disable-sync"
  # shellcheck disable=SC2086
  timeout 120 "$CHROME" $flags --user-data-dir="$T/prof1" --enable-logging=stderr --v=0 \
    --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chrome.err"
  if grep -q "Scoreboard" "$T/dom.html"; then ok "chromium renders the report"; else ko "chromium renders the report" "$(tail -3 "$T/chrome.err")"; fi
  if grep -E "CONSOLE|Uncaught|Refused to" "$T/chrome.err" >"$T/console"; then
    ko "  without console errors" "$(head -3 "$T/console")"
  else ok "  without console errors"; fi
  # shellcheck disable=SC2086
  timeout 120 "$CHROME" $flags --user-data-dir="$T/prof2" --no-pdf-header-footer \
    --print-to-pdf="$T/r.pdf" "file://$T/r.html" >/dev/null 2>&1
  size=$(pdfinfo "$T/r.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1x\2/p')
  eq "  prints to A4" "$size" "594.96x841.92"
  pdftotext -f 1 -l 1 "$T/r.pdf" "$T/p1.txt" 2>/dev/null
  pdftotext -f 2 -l 2 "$T/r.pdf" "$T/p2.txt" 2>/dev/null
  has "  the first page holds the scoreboard" "$T/p1.txt" "Scoreboard"
  has "  and the whole summary, to its last line" "$T/p1.txt" "In each cell: attack stages detected"
  if grep -q "Scoreboard\|In each cell" "$T/p2.txt"; then ko "  the summary ends on the first page" "$(head -3 "$T/p2.txt")"
  else ok "  the summary ends on the first page"; fi
  has "  details follow, a team per section" "$T/p2.txt" "1. "
fi

# ---- 4. kill -9 and resume: the recomputed score is the uninterrupted run's --------------
REF=$T/ref.db
K=$T/k.db
"$BIN" play --db "$REF" --fast -q --defender "$DEF" >/dev/null 2>&1
survived=0
n=0
while [ $n -lt "$KILLS" ]; do
  n=$((n + 1))
  "$BIN" play --db "$K" --fast -q --defender "$DEF" >/dev/null 2>&1 &
  P=$!
  sleep "$(awk -v s="$n" 'BEGIN { srand(s * 104729); printf "%.2f", 0.05 + rand() * 0.4 }')"
  kill -9 $P 2>/dev/null && survived=$((survived + 1))
  wait $P 2>/dev/null
done
"$BIN" play --db "$K" --fast -q --defender "$DEF" >/dev/null 2>&1
echo "     killed $survived times mid-run"
"$BIN" report --db "$REF" --format json -o "$T/ref.json" -q
"$BIN" report --db "$K" --format json -o "$T/k.json" -q
# the same exercise; only the database's name differs, and its journal (the
# acts' wall times, so every hash of the chain)
sed -i 's/"scenario": "[^"]*"//; s/"head": "[0-9a-f]*"//; s/"entries": [0-9]*//; s/"head_seq": [0-9]*//' \
  "$T/ref.json" "$T/k.json"
same "after $survived kills the score is the uninterrupted run's" "$T/k.json" "$T/ref.json"

# ---- 5. bad input ------------------------------------------------------------------------
expect "no such database" 1 "$BIN" report --db "$T/none.db"
has "  says so" "$T/err" "none.db"
expect "an unknown format" 2 "$BIN" report --db "$DB" --format pdf
has "  names the right ones" "$T/err" "html, json, md or csv"
expect "an unknown team" 1 "$BIN" report --db "$DB" --team narru
has "  with the right name" "$T/err" "nauru"
expect "an observer has no score" 1 "$BIN" report --db "$DB" --team fiji

# ---- 6. --series: each team's figures across exercises -------------------------------------
# last year's exercise: two hours, nobody defending
Y0=$T/y0.db
"$BIN" run --db "$Y0" --until 2h -q >/dev/null 2>&1
expect "report --series, oldest first (json)" 0 "$BIN" report --series "$Y0" "$DB" --format json -o "$T/s.json"
$PY - "$T/s.json" "$T/r.json" >"$T/series.out" 2>&1 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else "  " + str(detail)[:300]))
check("  the series format, both exercises labelled by their database",
      s["format"] == "seawall-series/1" and [e["label"].rsplit("/", 1)[-1] for e in s["exercises"]] == ["y0.db", "fixed.db"],
      s.get("exercises"))
check("  the older one stopped at T+02:00", s["exercises"][0]["at"] == "T+02:00", s["exercises"][0])
byid = {t["id"]: t for t in s["teams"]}
check("  every team of the report, a column per exercise",
      sorted(byid) == sorted(t["id"] for t in r["teams"]) and all(len(t["per"]) == 2 for t in s["teams"]), sorted(byid))
check("  this year's figures are the report's",
      all(abs(byid[t["id"]]["per"][1]["total"] - t["total"]) < 1e-9 and byid[t["id"]]["per"][1]["rank"] == t["rank"]
          for t in r["teams"]), [(t["id"], t["total"]) for t in r["teams"]])
check("  kiribati's hint is a penalty this year, not last",
      byid["kiribati"]["per"][1]["penalties"] > 0 and byid["kiribati"]["per"][0]["penalties"] == 0, byid["kiribati"])
check("  nobody defended last year: nothing detected",
      all(t["per"][0]["detected"] == 0 for t in s["teams"]), [t["per"][0]["detected"] for t in s["teams"]])
EOF
cat "$T/series.out"
pass=$((pass + $(grep -c '^ok' "$T/series.out"))); fail=$((fail + $(grep -c '^FAIL' "$T/series.out")))
expect "report --series as Markdown" 0 "$BIN" report --series "$Y0" "$DB" --format md -o "$T/s.md"
has "  a table per team" "$T/s.md" "## Federated States of Micronesia"
expect "report --series as CSV" 0 "$BIN" report --series "$Y0" "$DB" --format csv -o "$T/s.csv"
eq "  a row per team and exercise" "$(wc -l <"$T/s.csv" | tr -d ' ')" "11"
expect "report --series as HTML" 0 "$BIN" report --series "$Y0" "$DB" -o "$T/s.html"
has "  with its chart" "$T/s.html" '<svg class="chart"'
if [ -n "$CHROME" ]; then
  SHOTS=${SW_SCREENSHOTS:-$ROOT/build/screenshots}
  mkdir -p "$SHOTS"
  rm -f "$SHOTS/report-series.png"
  # shellcheck disable=SC2086
  timeout 120 "$CHROME" $flags --user-data-dir="$T/prof3" --window-size=1000,900 \
    --screenshot="$SHOTS/report-series.png" "file://$T/s.html" >/dev/null 2>&1
  if [ -s "$SHOTS/report-series.png" ]; then ok "  chromium draws it ($SHOTS/report-series.png)"
  else ko "  chromium draws it"; fi
fi
expect "a series with a missing database" 1 "$BIN" report --series "$Y0" "$T/none.db"
has "  names it" "$T/err" "none.db"
expect "--series with --db" 2 "$BIN" report --db "$DB" --series "$Y0" "$DB"

summary
[ "$fail" -eq 0 ]
