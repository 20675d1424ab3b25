#!/bin/sh
# syslog.sh — telemetry reaches a real syslog collector intact.
#
# Starts Debian's rsyslogd on loopback (imudp + imtcp on free high ports,
# each writing what it receives to its own file), sends one run of
# `seawall telemetry` to both (UDP datagrams; TCP with RFC 6587 octet
# counting) while also writing the JSON-lines files, then checks that every
# record arrived once, byte for byte, with the RFC 5424 header fields
# rsyslog parsed out of it. Ends with "N passed, N failed".
set -u
SW_BIN=${SW_BIN:-build/seawall}
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$RSYSLOGD" ]; then
  bad "rsyslogd is installed (scripts/bootstrap.sh check installs it)"; finish
fi
TMP=$(mktemp -d)
RS_PID=""
cleanup() {
  if [ -n "$RS_PID" ]; then kill "$RS_PID" 2>/dev/null; wait "$RS_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

# two free ports: bind to port 0 and let the kernel choose
PORTS=$(python3 -c 'import socket
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a.bind(("127.0.0.1",0))
b=socket.socket(); b.bind(("127.0.0.1",0))
print(a.getsockname()[1], b.getsockname()[1])')
UPORT=${PORTS% *}; TPORT=${PORTS#* }

cat >"$TMP/rsyslog.conf" <<CONF
global(workDirectory="$TMP" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
template(name="fields" type="string" string="%hostname% %app-name% %msgid% %structured-data% %msg%\n")
ruleset(name="udp") { action(type="omfile" file="$TMP/udp.log" template="fields") }
ruleset(name="tcp") { action(type="omfile" file="$TMP/tcp.log" template="fields") }
input(type="imudp" address="127.0.0.1" port="$UPORT" ruleset="udp" rcvbufSize="16m")
input(type="imtcp" address="127.0.0.1" port="$TPORT" ruleset="tcp")
CONF

"$RSYSLOGD" -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslogd.pid" >"$TMP/rsyslogd.out" 2>&1 &
RS_PID=$!
# wait until it listens on TCP (and so has bound UDP too)
i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$TPORT),0.2).close()" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 50 ] || ! kill -0 "$RS_PID" 2>/dev/null; then
    bad "rsyslogd starts and listens"; cat "$TMP/rsyslogd.out"; finish
  fi
  sleep 0.1
done
ok "rsyslogd listens on udp/$UPORT and tcp/$TPORT"

if "$SW_BIN" telemetry --demo-world --teams 2 --hosts 20 --seed 3 --until 15m --out "$TMP/out" \
     --syslog "udp://127.0.0.1:$UPORT" --syslog "tcp://127.0.0.1:$TPORT" 2>"$TMP/sw.err"; then
  ok "seawall telemetry sends to both collectors"
else
  bad "seawall telemetry sends to both collectors"; cat "$TMP/sw.err"
fi
cat "$TMP"/out/*/*.jsonl | LC_ALL=C sort >"$TMP/sent"
N=$(wc -l <"$TMP/sent")
[ "$N" -gt 500 ] && ok "the run wrote $N records to files" || bad "the run wrote records ($N)"

# rsyslog writes asynchronously: wait for both files to hold N lines
i=0
while :; do
  nu=$(cat "$TMP/udp.log" 2>/dev/null | wc -l); nt=$(cat "$TMP/tcp.log" 2>/dev/null | wc -l)
  [ "$nu" -ge "$N" ] && [ "$nt" -ge "$N" ] && break
  i=$((i + 1)); [ $i -gt 100 ] && break
  sleep 0.1
done

for proto in tcp udp; do
  got=$(wc -l <"$TMP/$proto.log")
  [ "$got" -eq "$N" ] && ok "$proto: $got of $N records arrived" || bad "$proto: $got of $N records arrived"
  # the MSG part must be the record, byte for byte
  cut -d" " -f6- "$TMP/$proto.log" | LC_ALL=C sort >"$TMP/$proto.msgs"
  if cmp -s "$TMP/sent" "$TMP/$proto.msgs"; then
    ok "$proto: every message is a record, intact"
  else
    bad "$proto: messages differ from the records"
    diff "$TMP/sent" "$TMP/$proto.msgs" | head -5 | cut -c1-300
  fi
  # header fields as rsyslog parsed them: HOSTNAME, APP-NAME, MSGID, SD
  if awk '$2=="sysmon" && $1 ~ /^pw-/ && $3 ~ /^[0-9]+$/ && $4=="[seawall@32473" && $5=="team=\"pw\"]" {f=1} END {exit !f}' "$TMP/$proto.log" &&
     awk '$2=="zeek_conn" && $3=="-" {f=1} END {exit !f}' "$TMP/$proto.log"; then
    ok "$proto: RFC 5424 header fields parsed (host, app-name, msgid, structured data)"
  else
    bad "$proto: RFC 5424 header fields parsed"; head -2 "$TMP/$proto.log" | cut -c1-200
  fi
done
finish
