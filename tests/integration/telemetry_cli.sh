#!/bin/sh
# telemetry_cli.sh — `seawall telemetry` as a user meets it: the files it
# writes, byte-identical output for the same seed, different output for
# another, clear refusals of bad arguments; on a scenario: attack records
# with their truth, deterministic, at the scenario's own background rates
# (`telemetry: rates:`), with a scripted defender's actions. Ends with
# "N passed, N failed".
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

"$SW_BIN" telemetry --help | grep -q -- "--scenario" && ok "help names --scenario" || bad "help names --scenario"
check_refusal() { # expected-status message-fragment args...
  want=$1; frag=$2; shift 2
  "$SW_BIN" telemetry "$@" >"$TMP/out" 2>"$TMP/err"; st=$?
  if [ "$st" -eq "$want" ] && grep -q -- "$frag" "$TMP/err"; then ok "refuses: $*"
  else bad "refuses: $* (status $st: $(head -1 "$TMP/err"))"; fi
}
check_refusal 2 "give --scenario NAME|FILE or --demo-world" --out "$TMP/x"
check_refusal 2 "give --scenario NAME|FILE or --demo-world" --demo-world --scenario example --out "$TMP/x"
check_refusal 2 "--defender needs --scenario" --demo-world --defender x.yaml --out "$TMP/x"
check_refusal 2 "--until '5x' is not a duration" --demo-world --until 5x --out "$TMP/x"
check_refusal 2 "--until must be after --from" --demo-world --from 2h --until 1h --out "$TMP/x"
check_refusal 2 "nowhere to write" --demo-world
check_refusal 2 "--teams 9 is out of range (1 to 8)" --demo-world --teams 9 --out "$TMP/x"
check_refusal 1 "syslog address must be" --demo-world --syslog http://x
check_refusal 1 "port must be a number from 1 to 65535" --demo-world --until 1m --syslog udp://127.0.0.1:99999
check_refusal 1 "port must be a number from 1 to 65535" --demo-world --until 1m --syslog tcp://127.0.0.1:0
check_refusal 1 "port must be a number from 1 to 65535" --demo-world --until 1m --syslog udp://127.0.0.1:514x
check_refusal 1 "cannot create directory" --demo-world --out /proc/no/such

# ---- on a scenario ------------------------------------------------------------
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
scn() { "$SW_BIN" telemetry --scenario "$@" --quiet; }
scn example --until 2h --out "$TMP/s1" && scn example --until 2h --out "$TMP/s2" \
  && ok "scenario runs succeed" || bad "scenario runs succeed"
h1=$(cd "$TMP/s1" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
h2=$(cd "$TMP/s2" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)
[ "$h1" = "$h2" ] && ok "scenario: byte-identical files for the same seed" || bad "scenario: byte-identical files"
[ -s "$TMP/s1/truth.jsonl" ] && ok "scenario: truth.jsonl links attack records" || bad "scenario: truth.jsonl is not empty"
[ -s "$TMP/s1/palau/sysmon.jsonl" ] && [ -s "$TMP/s1/nauru/security.jsonl" ] \
  && ok "scenario: per-team files" || bad "scenario: per-team files"
if grep -q '_truth\|"truth"' "$TMP"/s1/palau/*.jsonl; then bad "scenario: no truth in team files"; else ok "scenario: no truth in team files"; fi

# the scenario's rates: twice the web browsing and no mail, against the defaults
cp -r "$ROOT/scenarios/lib" "$TMP/lib"
cat "$ROOT/scenarios/example.yaml" >"$TMP/rates.yaml"
printf 'telemetry:\n  process_audit: all\n  rates:\n    web_per_user_hour: 24\n    mail_per_user_hour: 0\n' >>"$TMP/rates.yaml"
cp "$ROOT/scenarios/example.yaml" "$TMP/plain.yaml"
scn "$TMP/plain.yaml" --until 3h --out "$TMP/p" && scn "$TMP/rates.yaml" --until 3h --out "$TMP/r" \
  && ok "scenario with telemetry rates runs" || bad "scenario with telemetry rates runs"
cnt() { cat "$@" 2>/dev/null | wc -l; }
pw=$(cnt "$TMP"/p/*/proxy.jsonl); rw=$(cnt "$TMP"/r/*/proxy.jsonl)
pm=$(cnt "$TMP"/p/*/mail.jsonl); rm_=$(grep -h '"direction":"inbound"' "$TMP"/r/*/mail.jsonl 2>/dev/null | grep -vc 'billing@' )
# proxy lines: web visits (plus a few attack connections); twice the rate, well over 1.5x
if [ "$pw" -gt 0 ] && [ $((rw * 2)) -gt $((pw * 3)) ]; then ok "web_per_user_hour: 24 gives more proxy records ($pw -> $rw)"
else bad "web_per_user_hour: 24 gives more proxy records ($pw -> $rw)"; fi
if [ "$pm" -gt 0 ] && [ "$rm_" -eq 0 ]; then ok "mail_per_user_hour: 0 stops background mail ($pm -> $rm_)"
else bad "mail_per_user_hour: 0 stops background mail ($pm -> $rm_)"; fi
p4688=$(cat "$TMP"/p/*/security.jsonl | grep -c '"EventID":4688')
r4688=$(cat "$TMP"/r/*/security.jsonl | grep -c '"EventID":4688')
if [ "$r4688" -gt "$p4688" ]; then ok "process_audit: all writes more 4688 ($p4688 -> $r4688)"
else bad "process_audit: all writes more 4688 ($p4688 -> $r4688)"; fi
printf 'telemetry:\n  rates:\n    web_per_user_hr: 24\n' >"$TMP/typo.yaml"
cat "$ROOT/scenarios/example.yaml" "$TMP/typo.yaml" >"$TMP/bad.yaml"
"$SW_BIN" telemetry --scenario "$TMP/bad.yaml" --out "$TMP/b" >"$TMP/out" 2>"$TMP/err"; st=$?
if [ "$st" -ne 0 ] && grep -q "bad.yaml:[0-9]*:[0-9]*:.*web_per_user_hr" "$TMP/err"; then
  ok "an unknown rate is refused at its line"
else bad "an unknown rate is refused at its line (status $st: $(head -2 "$TMP/err"))"; fi

# a scripted defender: enhanced logging turns Sysmon on where there was none
printf 'actions:\n  - {at: 10m, team: nauru, action: enhanced-logging, host: nr-mof-fs01}\n' >"$TMP/def.yaml"
scn example --until 1h --defender "$TMP/def.yaml" --out "$TMP/d" && ok "scenario with a defender runs" \
  || bad "scenario with a defender runs"
if grep -q '"Computer":"MOF-FS01' "$TMP/s1/nauru/sysmon.jsonl"; then bad "no Sysmon on MOF-FS01 by default"
else ok "no Sysmon on MOF-FS01 by default"; fi
if grep -q '"State":"Started".*"Computer":"MOF-FS01\|"Computer":"MOF-FS01.*"State":"Started"' "$TMP/d/nauru/sysmon.jsonl"; then
  ok "enhanced logging starts Sysmon on MOF-FS01"
else bad "enhanced logging starts Sysmon on MOF-FS01"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
