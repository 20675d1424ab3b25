#!/bin/sh
# hunt.sh — `seawall ingest` and `seawall hunt` end to end on the real binary:
# ingest the search cases, hunt with table and JSON output, aggregates, team
# isolation, and bad input (exit 1, a message with the column, nothing changed).
# Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EV="$ROOT/tests/data/search/events.jsonl"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"

expect "ingest blue" 0 "$BIN" ingest --db "$DB" --team blue "$EV"
has "ingest says how many" "$T/err" "16 records added to team blue"
printf '{"@timestamp":"2026-02-10T09:00:00Z","EventID":1,"CommandLine":"red only ntdsutil"}\n' >"$T/red.jsonl"
expect "ingest red" 0 "$BIN" ingest --db "$DB" --team red "$T/red.jsonl"

expect "hunt table" 0 "$BIN" hunt --db "$DB" --team blue 'CommandLine:*ntdsutil*'
lines "one ntdsutil row for blue" "$T/out" 1
has "table shows host" "$T/out" "DC01.moh.pw"
has "table shows the command line" "$T/out" "CommandLine=ntdsutil"
has "table counts records" "$T/err" "1 record"

expect "hunt json" 0 "$BIN" hunt --db "$DB" --team blue --json 'EventID:4625'
lines "four failed logons" "$T/out" 4
if command -v python3 >/dev/null; then
  if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out"; then ok "json lines parse"
  else ko "json lines parse"; fi
fi

expect "count by" 0 "$BIN" hunt --db "$DB" --team blue 'EventID:4625 | count by IpAddress'
has "count by top group" "$T/out" "3            203.0.113.7"
expect "count json" 0 "$BIN" hunt --db "$DB" --team blue --json '* | count'
has "count json row" "$T/out" '{"key":"","count":16}'
expect "histogram" 0 "$BIN" hunt --db "$DB" --team blue --json 'EventID:4625 | histogram 1m'
has "histogram bucket" "$T/out" '{"time":"2026-02-10T09:03:00.000Z","count":3}'
expect "relative time with --now" 0 "$BIN" hunt --db "$DB" --team blue --now 2026-02-10T10:00:00Z --json '@timestamp:[now-1h TO now] | count'
has "relative time count" "$T/out" '"count":14'

expect "red is not in blue" 0 "$BIN" hunt --db "$DB" --team blue --json '"red only"'
lines "no red records" "$T/out" 0
expect "ground truth not searchable" 0 "$BIN" hunt --db "$DB" --team blue --json 'cred-dump'
lines "no truth hits" "$T/out" 0
expect "ground truth not printed" 0 "$BIN" hunt --db "$DB" --team blue --json '*'
if grep -q '_truth' "$T/out"; then ko "no _truth in output"; else ok "no _truth in output"; fi

expect "bad query exits 1" 1 "$BIN" hunt --db "$DB" --team blue 'EventID:4625 AND (CommandLine:*x*'
has "bad query names the column" "$T/err" "column 34: expected ')' after 'CommandLine:*x*'"
has "bad query shows a caret" "$T/err" "^"
expect "bad pipeline exits 1" 1 "$BIN" hunt --db "$DB" --team blue '* | top 3'
has "bad pipeline message" "$T/err" "column 10: expected a field name after 'top N'"
expect "unknown team exits 1" 1 "$BIN" hunt --db "$DB" --team green '*'
has "unknown team message" "$T/err" "no team 'green'"
expect "missing store exits 1" 1 "$BIN" hunt --db "$T/nope.db" --team blue '*'
if [ -e "$T/nope.db" ]; then ko "missing store not created"; else ok "missing store not created"; fi
expect "usage exits 2" 2 "$BIN" hunt --db "$DB" '*'

printf '{"EventID":1}\n{"EventID": \n' >"$T/bad.jsonl"
expect "bad ingest exits 1" 1 "$BIN" ingest --db "$DB" --team blue "$EV" "$T/bad.jsonl"
has "bad ingest names file and line" "$T/err" "bad.jsonl:2:"
has "bad ingest stored nothing" "$T/err" "nothing was stored"
expect "count unchanged" 0 "$BIN" hunt --db "$DB" --team blue --json '| count'
has "still 16" "$T/out" '"count":16'

# the record splitter skips string contents in 16-byte steps: braces and
# escaped quotes inside strings are not structure, and a record whose string
# never closes (running over a newline) is located where it starts
printf '{"CommandLine":"cmd /c echo } { [ ] \\"quoted } text\\" and more } braces","EventID":7}\n{"EventID":8,"Image":"C:\\\\x\\\\y.exe {not a brace}"}\n' >"$T/str.jsonl"
expect "strings with braces ingest" 0 "$BIN" ingest --db "$T/str.db" --team blue "$T/str.jsonl"
has "both records" "$T/err" "2 records added"
printf '{"EventID":1}\n{"EventID":2,\n "CommandLine":"a long value that never closes {{{ and runs on\n' >"$T/open.jsonl"
expect "unclosed string exits 1" 1 "$BIN" ingest --db "$T/str.db" --team blue "$T/open.jsonl"
has "unclosed record located" "$T/err" "open.jsonl:2:1: record is not closed"

# records are checked in batches of 8192, each batch's halves on two threads:
# of two bad records (one in the second half of the first batch, one early in
# the second), the first in the file is the one named, and nothing is stored
awk 'BEGIN { for (i = 1; i <= 20000; i++)
  if (i == 7000 || i == 9000) print "{\"EventID\": " i ",}"; else print "{\"EventID\":" i "}" }' >"$T/many.jsonl"
expect "a bad record among 20,000 exits 1" 1 "$BIN" ingest --db "$T/many.db" --team blue "$T/many.jsonl"
has "the first bad record is named at its line" "$T/err" "many.jsonl:7000:"
has "  and nothing was stored" "$T/err" "nothing was stored"
sed -i 's/^{"EventID": 7000,}$/{"EventID":7000}/' "$T/many.jsonl"
expect "with the first mended" 1 "$BIN" ingest --db "$T/many.db" --team blue "$T/many.jsonl"
has "the second is named" "$T/err" "many.jsonl:9000:"
sed -i 's/^{"EventID": 9000,}$/{"EventID":9000}/' "$T/many.jsonl"
expect "with both mended" 0 "$BIN" ingest --db "$T/many.db" --team blue "$T/many.jsonl"
has "all 20,000 stored" "$T/err" "20000 records added"

summary
[ "$fail" -eq 0 ]
