#!/bin/sh
# journal_verify.sh — the journal's hash chain against someone who edits the
# SQLite file directly (issue 15, defect 4): with the append-only triggers
# dropped, an edited, deleted, inserted, hidden (seq 0) or back-dated entry
# is found by `seawall journal --verify`, which exits 1 naming the first bad
# entry; an intact journal verifies, printing its head; a head noted earlier
# (--head) catches a tail cut off or a chain rewritten whole; a journal from
# before the chain is refused until `--upgrade` seals it. Forgeries that
# recompute hashes use the format journal.h documents (BLAKE2b-256 in
# Python's hashlib). Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"

# three journaled acts: records shared from nauru to palau
cat >"$T/nauru.jsonl" <<'J'
{"@timestamp":"2026-02-12T02:05:21Z","host":{"name":"MOF-FS01"},"EventID":7045,"ServiceName":"PSEXESVC"}
{"@timestamp":"2026-02-12T02:06:00Z","host":{"name":"MOF-WS01"},"EventID":4624,"TargetUserName":"alice"}
{"@timestamp":"2026-02-12T02:07:00Z","host":{"name":"MOF-WS02"},"EventID":4625,"TargetUserName":"bob"}
J
printf '{"@timestamp":"2026-02-12T01:00:00Z","host":{"name":"KOR-DC01"},"EventID":4624}\n' >"$T/palau.jsonl"
"$BIN" ingest --db "$DB" --team nauru "$T/nauru.jsonl" 2>/dev/null
"$BIN" ingest --db "$DB" --team palau "$T/palau.jsonl" 2>/dev/null
for q in PSEXESVC alice bob; do
  "$BIN" share --db "$DB" --from nauru --to palau --actor nr-analyst "$q" >/dev/null 2>&1
done

# ---- intact ------------------------------------------------------------------
expect "an intact journal verifies" 0 "$BIN" journal --db "$DB" --verify
has "  says it is intact, with the count" "$T/out" "journal intact: 3 entries"
has "  and prints the head" "$T/out" "head: seq 3 "
HEAD=$(sed -n 's/^head: seq 3 \([0-9a-f]*\)$/\1/p' "$T/out")
eq "  the head is 64 hex digits" "${#HEAD}" 64
expect "the noted head is checked" 0 "$BIN" journal --db "$DB" --verify --head "$HEAD"
has "  and found" "$T/out" "the head you gave is entry 3"
expect "a malformed --head is a usage error" 2 "$BIN" journal --db "$DB" --verify --head xyz
cp "$DB" "$T/clean.db"

# a copy of the exercise database, with its records, to tamper with
fresh() {
  rm -rf "$T/t.db" "$T/t.db-wal" "$T/t.db-shm" "$T/t.db.seg"
  cp "$T/clean.db" "$T/t.db"; cp -r "$DB.seg" "$T/t.db.seg"
}
tamper() { sqlite3 "$T/t.db" "$1" 2>"$T/sqlerr" || ko "sqlite3: $1" "$(cat "$T/sqlerr")"; }

# ---- each kind of tampering ---------------------------------------------------
fresh
tamper "DROP TRIGGER journal_no_update; UPDATE journal SET actor = 'mallory' WHERE seq = 2;"
expect "an edited entry fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming it" "$T/err" "entry 2: its fields do not match its hash"
has "  and what is still intact" "$T/err" "entries up to seq 1 are intact"

fresh
tamper "DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, 'bob', 'eve') WHERE seq = 3;"
expect "an edited payload fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming it" "$T/err" "entry 3: its fields do not match its hash"

fresh
tamper "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2;"
expect "a deleted entry fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming the entry after the gap" "$T/err" "entry 3: "
has "  and the gap" "$T/err" "entry 2 is missing"

fresh
tamper "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2;
        INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload, prev, hash)
          SELECT 2, at_ms, wall_ms, 'mallory', team, kind, payload, prev, hash FROM journal WHERE seq = 1;"
expect "an entry replaced by another fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming it" "$T/err" "entry 2: "

fresh
tamper "INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload)
          VALUES (0, NULL, 0, 'mallory', 'palau', 'record.share', '{}');"
"$BIN" journal --db "$T/t.db" >"$T/list" 2>&1
lines "a seq 0 entry is hidden from the listing" "$T/list" 3
expect "  but not from verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  which names it" "$T/err" "entry 0: seq must be 1 or more"

fresh
tamper "INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload)
          SELECT 4, at_ms, wall_ms, actor, team, kind, payload FROM journal WHERE seq = 3;"
expect "an entry inserted without a hash fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming it" "$T/err" "entry 4: "

# forgeries by someone who knows the format (journal.h) and recomputes hashes
cat >"$T/forge.py" <<'PY'
import hashlib, sqlite3, struct, sys
def h(prev, seq, at, wall, actor, team, kind, payload):
    m = hashlib.blake2b(digest_size=32)
    m.update(b"seawall journal v1")
    m.update(prev)
    m.update(struct.pack(">q", seq))
    m.update(b"\0" + struct.pack(">q", 0) if at is None else b"\1" + struct.pack(">q", at))
    m.update(struct.pack(">q", wall))
    for s in (actor, team, kind, payload):
        b = s.encode()
        m.update(struct.pack(">I", len(b)) + b)
    return m.digest()
db = sqlite3.connect(sys.argv[1], isolation_level=None)
what = sys.argv[2]
rows = db.execute("SELECT seq, at_ms, wall_ms, actor, team, kind, payload FROM journal ORDER BY seq").fetchall()
if what == "backdate":      # a new last entry, dated an hour before the one it follows
    seq, at, wall, actor, team, kind, payload = rows[-1]
    prev = db.execute("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()[0]
    r = (seq + 1, at, wall - 3600000, actor, team, kind, payload)
    db.execute("INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload, prev, hash)"
               " VALUES (?,?,?,?,?,?,?,?,?)", r + (prev, h(prev, *r)))
elif what == "rewrite":     # edit entry 2 and recompute every hash after it
    db.execute("DROP TRIGGER journal_no_update")
    prev = bytes(32)
    for r in rows:
        r = list(r)
        if r[0] == 2:
            r[3] = "mallory"
        d = h(prev, *r)
        db.execute("UPDATE journal SET actor = ?, prev = ?, hash = ? WHERE seq = ?", (r[3], prev, d, r[0]))
        prev = d
PY
fresh
python3 "$T/forge.py" "$T/t.db" backdate
expect "a back-dated entry with a valid hash fails verification" 1 "$BIN" journal --db "$T/t.db" --verify
has "  naming it" "$T/err" "entry 4: dated 3600 s before an entry it follows (back-dated"

fresh
python3 "$T/forge.py" "$T/t.db" rewrite
expect "a chain rewritten whole verifies on its own" 0 "$BIN" journal --db "$T/t.db" --verify
expect "  but not against the head noted before" 1 "$BIN" journal --db "$T/t.db" --verify --head "$HEAD"
has "  which says so" "$T/err" "the head you gave is no entry's hash"

fresh
tamper "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 3;"
expect "a cut tail verifies on its own" 0 "$BIN" journal --db "$T/t.db" --verify
expect "  but not against the head noted before" 1 "$BIN" journal --db "$T/t.db" --verify --head "$HEAD"
printf '{"@timestamp":"2026-02-12T02:08:00Z","EventID":4625,"TargetUserName":"carol"}\n' >"$T/carol.jsonl"
"$BIN" ingest --db "$T/t.db" --team nauru "$T/carol.jsonl" >/dev/null 2>&1
"$BIN" share --db "$T/t.db" --from nauru --to palau --actor nr-analyst carol >/dev/null 2>&1
expect "  and the next append shows the gap" 1 "$BIN" journal --db "$T/t.db" --verify
has "  as a missing entry" "$T/err" "entry 3 is missing"

# ---- a journal written before the chain ----------------------------------------
OLD="$T/old.db"
sqlite3 "$OLD" "CREATE TABLE journal(seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER,
  wall_ms INTEGER NOT NULL, actor TEXT NOT NULL, team TEXT NOT NULL COLLATE NOCASE,
  kind TEXT NOT NULL, payload TEXT NOT NULL);
  INSERT INTO journal(at_ms, wall_ms, actor, team, kind, payload)
    VALUES (NULL, 1770714000000, 'alice', 'palau', 'rule.deploy', '{\"rule_id\":\"r1\"}'),
           (NULL, 1770714060000, 'alice', 'palau', 'rule.withdraw', '{\"rule_id\":\"r1\"}');"
"$BIN" ingest --db "$OLD" --team palau "$T/palau.jsonl" >/dev/null 2>"$T/err"; st=$?
eq "a journal without the chain is refused" "$st" 1
has "  saying how to upgrade it" "$T/err" "seawall journal --db $OLD --upgrade"
expect "--upgrade seals it" 0 "$BIN" journal --db "$OLD" --upgrade --actor op1
has "  saying how many entries it chained" "$T/out" "chained the 2 entries"
expect "  then it verifies" 0 "$BIN" journal --db "$OLD" --verify
has "  with the seal as entry 3" "$T/out" "journal intact: 3 entries"
"$BIN" journal --db "$OLD" >"$T/list" 2>&1
has "  the seal is journaled, by its actor" "$T/list" "op1	-	journal.chain"
expect "  and upgrading again changes nothing" 0 "$BIN" journal --db "$OLD" --upgrade
has "  and says so" "$T/out" "already chained"
expect "--verify and --upgrade do not go together" 2 "$BIN" journal --db "$DB" --verify --upgrade

summary
[ "$fail" -eq 0 ]
