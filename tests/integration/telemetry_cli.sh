#!/bin/sh
# telemetry_cli.sh — `seawall telemetry` as a user meets it: the files it
# writes, byte-identical output for the same seed, different output for
# another, clear refusals of bad arguments, and a help text that says the
# output is background-only. Ends with "N passed, N failed".
set -u
SW_BIN=${SW_BIN:-build/seawall}
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run() { "$SW_BIN" telemetry --demo-world --teams 2 --hosts 24 --until 90m --quiet "$@"; }

run --seed 4 --out "$TMP/a" && run --seed 4 --out "$TMP/b" && run --seed 5 --out "$TMP/c" \
  && ok "three runs succeed" || bad "three runs succeed"
for f in sysmon security zeek_conn zeek_dns netflow firewall proxy auditd linux_auth web_access mail; do
  [ -s "$TMP/a/pw/$f.jsonl" ] || { bad "pw/$f.jsonl is written"; continue; }
done
[ -s "$TMP/a/pw/sysmon.jsonl" ] && [ -s "$TMP/a/fm/security.jsonl" ] && ok "per-team source files are written" \
  || bad "per-team source files are written"
[ -f "$TMP/a/truth.jsonl" ] && [ ! -s "$TMP/a/truth.jsonl" ] && ok "truth.jsonl exists and is empty for background" \
  || bad "truth.jsonl exists and is empty for background"
ha=$(cd "$TMP/a" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
hb=$(cd "$TMP/b" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
hc=$(cd "$TMP/c" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
[ "$ha" = "$hb" ] && ok "same seed: byte-identical files" || bad "same seed: byte-identical files"
[ "$ha" != "$hc" ] && ok "another seed: different files" || bad "another seed: different files"
if grep -q '"fm-' "$TMP/a/pw/security.jsonl"; then bad "pw's files hold no fm host"; else ok "pw's files hold no fm host"; fi

"$SW_BIN" telemetry --help | grep -q "BACKGROUND ONLY" && ok "help says background only" || bad "help says background only"
check_refusal() { # expected-status message-fragment args...
  want=$1; frag=$2; shift 2
  "$SW_BIN" telemetry "$@" >"$TMP/out" 2>"$TMP/err"; st=$?
  if [ "$st" -eq "$want" ] && grep -q -- "$frag" "$TMP/err"; then ok "refuses: $*"
  else bad "refuses: $* (status $st: $(head -1 "$TMP/err"))"; fi
}
check_refusal 2 "--demo-world is required" --out "$TMP/x"
check_refusal 2 "bad value for --until" --demo-world --until 5x --out "$TMP/x"
check_refusal 2 "--until must be after --from" --demo-world --from 2h --until 1h --out "$TMP/x"
check_refusal 2 "nowhere to write" --demo-world
check_refusal 2 "bad value for --teams" --demo-world --teams 9 --out "$TMP/x"
check_refusal 1 "syslog address must be" --demo-world --syslog http://x
check_refusal 1 "cannot create directory" --demo-world --out /proc/no/such
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
