#!/bin/sh
# ingest_lock.sh — an ingest that cannot write because another process holds
# the team's records (issue 15, defect 10) says so without blaming the
# input: no FILE:LINE (the records are fine), the file being stored named,
# exit 1, nothing stored; a bad record is still located at its line.
# Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"

printf '\n\n{"EventID":1,"Image":"a"}\n{"EventID":2}\n' >"$T/in.jsonl"
expect "a first ingest" 0 "$BIN" ingest --db "$DB" --team blue "$T/in.jsonl"

# another writer: hold the lock the store takes on the team's record log
python3 - "$DB" "$T/held" <<'PY' &
import fcntl, glob, os, sys, time
log = glob.glob(sys.argv[1] + ".seg/*/log")[0]
f = open(log, "rb")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(10)
PY
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e "$T/held" ] && break; sleep 0.2; done
expect "an ingest while another process writes the team is refused" 1 "$BIN" ingest --db "$DB" --team blue "$T/in.jsonl"
has "  saying why" "$T/err" "another process is writing this team's records"
has "  naming the file it was storing" "$T/err" "records (while storing $T/in.jsonl)"
if grep -q "in.jsonl:[0-9]" "$T/err"; then ko "  without a line of the input" "$(cat "$T/err")"; else ok "  without a line of the input"; fi
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
"$BIN" hunt --db "$DB" --team blue '*' >/dev/null 2>"$T/count"
has "  and nothing was stored" "$T/count" "2 records"

printf '{"EventID":1}\n\n{"EventID": }\n' >"$T/bad.jsonl"
expect "a bad record is refused" 1 "$BIN" ingest --db "$DB" --team blue "$T/bad.jsonl"
has "  at its line" "$T/err" "bad.jsonl:3: column"

summary
[ "$fail" -eq 0 ]
