#!/bin/sh
# escape.sh — record text reaches the terminal escaped (issue 15, defect 7):
# records carrying ESC sequences (window title, clear screen, colours), CR,
# BEL, backspace, tabs and newlines, C1 controls and Unicode bidi overrides
# go through `hunt`, `hunt ... | count by`, `sigma`, `rules test`, `rules
# list`, `alerts` and `journal` in text mode; not one control byte comes out,
# each shows as \xNN, \t, \n, \r or \uNNNN, and the columns and lines stay
# what the printer made (a tab or newline in a value cannot forge one). JSON
# output stays JSON. Prints "N passed, N failed".
set -u
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/ex.db"
. "$(dirname "$0")/lib/check.sh"

# raw control bytes (but the tab and newline the printers put there), C1
# controls and bidi overrides in UTF-8
raw() { # NAME FILE
  if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$2"; then
    ko "$1" "raw control bytes: $(LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]' "$2" | head -2 | od -c | head -4)"
  else ok "$1"; fi
}
fields() { # NAME FILE N: every line has N tab-separated fields
  bad=$(awk -F '\t' -v n="$3" 'NF != n { print NR": "NF" fields" }' "$2" | head -3)
  [ -z "$bad" ] && ok "$1" || ko "$1" "$bad"
}

cat >"$T/evil.jsonl" <<'J'
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"TimeCreated":"2026-01-01T00:00:00Z\u001b[2J","Computer":"ws01\u001b]0;pwned\u0007","Image":"C:\\x\\cmd.exe","CommandLine":"vssadmin delete shadows\r\n2026-01-01 ws99 FORGED LINE\tcol\b\u009b31m\u202egnp.exe"}
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"TimeCreated":"2026-01-01T00:01:00Z","Computer":"ws02\u001b[31mred","Image":"a\u0000b","CommandLine":"vssadmin delete x"}
J
expect "records with control characters are stored" 0 "$BIN" ingest --db "$DB" --team blue "$T/evil.jsonl"

expect "hunt prints them" 0 "$BIN" hunt --db "$DB" --team blue '*'
cp "$T/out" "$T/hunt.out"
raw "  escaped" "$T/hunt.out"
lines "  one line per record" "$T/hunt.out" 2
has "  ESC shown as \\x1b" "$T/hunt.out" 'ws01\x1b]0;pwned\x07'
has "  CR, LF, tab and backspace shown" "$T/hunt.out" 'shadows\r\n2026-01-01 ws99 FORGED LINE\tcol\x08'
has "  C1 CSI and RLO shown as \\u" "$T/hunt.out" '\u009b31m\u202egnp.exe'
has "  NUL shown" "$T/hunt.out" 'a\x00b'

expect "hunt count by prints keys" 0 "$BIN" hunt --db "$DB" --team blue '* | count by Computer'
raw "  escaped" "$T/out"
has "  the key shown" "$T/out" 'ws02\x1b[31mred'

expect "hunt --json stays JSON" 0 "$BIN" hunt --db "$DB" --team blue --json '*'
raw "  with no raw control byte" "$T/out"
has "  escaped as JSON escapes it" "$T/out" '\u001b]0;pwned\u0007'

RULE="$T/rule.yml"
printf '%s\n' 'title: "evil \e]0;title\a rule"' 'id: 6d0c1f6e-0000-4000-8000-000000000001' \
  'status: test' 'author: "mallory\r\nFORGED"' 'level: high' \
  'logsource:' '    product: windows' '    category: process_creation' \
  'detection:' '    sel:' "        CommandLine|contains: 'vssadmin delete'" '    condition: sel' >"$RULE"

expect "sigma prints matches" 0 "$BIN" sigma --rules "$RULE" --events "$T/evil.jsonl"
cp "$T/out" "$T/sigma.out"
raw "  escaped" "$T/sigma.out"
lines "  one line per match" "$T/sigma.out" 2
fields "  six columns each" "$T/sigma.out" 6
has "  record text escaped" "$T/sigma.out" '2026-01-01T00:00:00Z\x1b[2J	ws01\x1b]0;pwned\x07'
has "  rule text escaped" "$T/sigma.out" 'evil \x1b]0;title\x07 rule	author: mallory\r\nFORGED'

expect "rules test prints matches" 0 "$BIN" rules test --db "$DB" --team blue "$RULE"
raw "  escaped" "$T/out"
tail -n +2 "$T/out" >"$T/matches"
fields "  six columns a match" "$T/matches" 6
expect "rules deploy" 0 "$BIN" rules deploy --db "$DB" --team blue --actor "trainer" "$RULE"
raw "  says what it deployed, escaped" "$T/out"
expect "rules list" 0 "$BIN" rules list --db "$DB" --team blue
raw "  escaped" "$T/out"
"$BIN" ingest --db "$DB" --team blue "$T/evil.jsonl" 2>/dev/null
expect "alerts" 0 "$BIN" alerts --db "$DB" --team blue
raw "  escaped" "$T/out"
lines "  one line per alert" "$T/out" 2
fields "  eight columns each" "$T/out" 8
has "  host escaped" "$T/out" 'ws01\x1b]0;pwned\x07'
expect "alerts --json stays JSON" 0 "$BIN" alerts --db "$DB" --team blue --json
raw "  with no raw control byte" "$T/out"

# the journal: its text fields are checked at append, so put one in directly
sqlite3 "$DB" "INSERT INTO journal(seq, wall_ms, actor, team, kind, payload)
  VALUES (99, 0, 'x' || char(27) || '[2Jy', 'blue', 'rule.deploy', '{\"a\":\"' || char(27) || '\"}');" 2>/dev/null
expect "journal prints entries" 0 "$BIN" journal --db "$DB"
raw "  escaped" "$T/out"
has "  the actor shown" "$T/out" 'x\x1b[2Jy'

summary
[ "$fail" -eq 0 ]
