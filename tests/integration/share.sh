#!/bin/sh
# share.sh — `seawall share` end to end on the real binary: the records a
# query finds in one team's store are copied into another's as one journaled
# act (kind record.share, written before the copies; that the copies carry
# no ground truth is test_evstore's); aggregates, too many matches, unknown teams, the same team
# twice and bad queries are refused with a message and change nothing (the
# journal and the receiving store stay as they were).
# Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"
hits() { "$BIN" hunt --db "$DB" --team "$1" --json "$2" 2>/dev/null | wc -l | tr -d ' '; }
jcount() { "$BIN" journal --db "$DB" --json 2>/dev/null | wc -l | tr -d ' '; }

# nauru found an attacker's tool; palau has its own records
cat >"$T/nauru.jsonl" <<'J'
{"@timestamp":"2026-02-12T02:05:21Z","host":{"name":"MOF-FS01"},"EventID":7045,"ServiceName":"PSEXESVC","_truth":"gt:7"}
{"@timestamp":"2026-02-12T02:05:22Z","host":{"name":"MOF-FS01"},"EventID":4688,"CommandLine":"C:\\Windows\\PSEXESVC.exe","_truth":"gt:7"}
{"@timestamp":"2026-02-12T02:06:00Z","host":{"name":"MOF-WS01"},"EventID":4624,"TargetUserName":"alice"}
J
printf '{"@timestamp":"2026-02-12T01:00:00Z","host":{"name":"KOR-DC01"},"EventID":4624}\n' >"$T/palau.jsonl"
expect "ingest nauru" 0 "$BIN" ingest --db "$DB" --team nauru "$T/nauru.jsonl"
expect "ingest palau" 0 "$BIN" ingest --db "$DB" --team palau "$T/palau.jsonl"
eq "palau cannot see nauru's PsExec before the share" "$(hits palau PSEXESVC)" 0

expect "share the PsExec records" 0 "$BIN" share --db "$DB" --from nauru --to palau --actor nr-analyst PSEXESVC
has "says how many and the journal seq" "$T/out" "shared 2 records of nauru with palau (journal seq 1)"
eq "palau now sees both copies" "$(hits palau PSEXESVC)" 2
eq "palau's own record is still there" "$(hits palau 'Computer:*KOR-DC01* OR host.name:KOR-DC01')" 1
eq "nauru keeps its records" "$(hits nauru PSEXESVC)" 2
"$BIN" journal --db "$DB" --json >"$T/j" 2>&1
eq "one journal entry" "$(wc -l <"$T/j" | tr -d ' ')" 1
has "journaled as record.share" "$T/j" '"kind":"record.share"'
has "journal names the actor" "$T/j" '"actor":"nr-analyst"'
has "journal names both teams and the query" "$T/j" '"payload":{"from":"nauru","to":"palau","query":"PSEXESVC","ids":['
eq "journal lists the two record ids" "$(sed 's/.*"ids":\[\([^]]*\)\].*/\1/' "$T/j" | tr ',' '\n' | grep -c '^[0-9][0-9]*$')" 2

# refusals change nothing
before_j=$(jcount); before_p=$(hits palau '*')
expect "an aggregate query is refused" 1 "$BIN" share --db "$DB" --from nauru --to palau 'PSEXESVC | count by host.name'
has "  and says why" "$T/err" "aggregate"
expect "more than --max is refused" 1 "$BIN" share --db "$DB" --from nauru --to palau --max 2 '*'
has "  and says how many matched" "$T/err" "3 records of nauru match, more than --max 2; nothing shared"
expect "an unknown team is refused" 1 "$BIN" share --db "$DB" --from nauru --to nobody PSEXESVC
has "  and named" "$T/err" "no team 'nobody'"
expect "the same team twice is a usage error" 2 "$BIN" share --db "$DB" --from nauru --to NAURU PSEXESVC
expect "a bad query is refused with its column" 1 "$BIN" share --db "$DB" --from nauru --to palau 'a AND ('
has "  column named" "$T/err" "column 8"
expect "no match shares nothing" 1 "$BIN" share --db "$DB" --from nauru --to palau 'nothing-like-this'
expect "a missing database is refused" 1 "$BIN" share --db "$T/none.db" --from nauru --to palau x
[ ! -e "$T/none.db" ] && ok "  and not created" || ko "  and not created"
eq "refusals left the journal alone" "$(jcount)" "$before_j"
eq "refusals left palau's store alone" "$(hits palau '*')" "$before_p"

summary
[ "$fail" -eq 0 ]
