#!/bin/sh
# ui_api.sh — over real HTTP on loopback, what the browser interface adds to
# the server: its embedded files (static.c: index for app routes, types,
# gzip, ETag/304, 404, 405), the routes it reads (ATT&CK technique search,
# a team's record sources and fields, the response actions with the
# services a host carries, hints, scenario text and briefings in a
# language, inject translations in the inbox and the timeline, the source
# of each hunt row), who may read them (the route table), and the scenario
# translations' checks (tests/data/scenarios/i18n: the good one loads, the
# bad ones fail at the lines their `expect` names).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/integration/lib/check.sh
BIN=${SW_BIN:-build/seawall}
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
D=tests/data/scenarios/i18n

# ---- translations: validate --------------------------------------------------
expect "a scenario with a good translation validates" 0 "$BIN" validate "$D/good/scenario.yaml"
for c in bad-id bad-shape; do
  "$BIN" validate "$D/$c/scenario.yaml" >/dev/null 2>"$T/err"; st=$?
  eq "$c: validate exits 1" "$st" 1
  grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$T/err" >"$T/got"
  same "$c: the errors are located where $D/$c/expect says" "$D/$c/expect" "$T/got"
done
expect "the Pacific exercise and its Japanese texts validate" 0 "$BIN" validate pacific-cable

# ---- a server -----------------------------------------------------------------
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve NAME SCENARIO [ARGS]: a server in the background; its URL in $URL
serve() {
  name=$1; sc=$2; shift 2
  P=$(port)
  SEAWALL_ADMIN_PASSWORD=admin-pass-123 "$BIN" serve --db "$T/$name.db" --scenario "$sc" \
    --listen "127.0.0.1:$P" "$@" >"$T/$name.log" 2>&1 &
  PIDS="$PIDS $!"
  URL=http://127.0.0.1:$P
  for _ in $(seq 1 100); do curl -s -o /dev/null "$URL/api/v1/me" && return 0; sleep 0.1; done
  echo "server $name did not start: $(cat "$T/$name.log")"
}
# login NAME USER: cookie jar $T/NAME.jar, CSRF token in $T/NAME.csrf
login() {
  curl -s -c "$T/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"user\":\"$2\",\"password\":\"${3:-pass-word-123}\"}" "$URL/api/v1/login" >"$T/login.json"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("csrf",""))' "$T/login.json" >"$T/$1.csrf"
}
# call SESSION METHOD PATH [BODY]: the answer in $T/out, the status in $ST
call() {
  s=$1; m=$2; p=$3
  if [ $# -ge 4 ]; then
    ST=$(curl -s -o "$T/out" -w '%{http_code}' -b "$T/$s.jar" -X "$m" -H "X-CSRF-Token: $(cat "$T/$s.csrf")" \
      -H 'Content-Type: application/json' -d "$4" "$URL/api/v1$p")
  else
    ST=$(curl -s -o "$T/out" -w '%{http_code}' -b "$T/$s.jar" -X "$m" "$URL/api/v1$p")
  fi
}
# jq-like: a Python expression over the answer (j)
js() { python3 -c "import json,sys; j=json.load(open('$T/out')); print($1)" 2>/dev/null; }
adduser() { # SESSION USER ROLE [TEAM]
  b="{\"user\":\"$2\",\"role\":\"$3\",\"password\":\"pass-word-123\""
  [ -n "${4:-}" ] && b="$b,\"team\":\"$4\""
  call "$1" POST /users "$b}"
}

# ---- the tutorial: static files, fields, actions, hunt sources ----------------
serve tut tutorial --speed 600
login admin admin admin-pass-123
adduser admin p1 player trainee
adduser admin w1 instructor
login p1 p1
login w1 w1

st=$(curl -s -o "$T/index" -D "$T/h" -w '%{http_code}' "$URL/")
eq "GET / is the interface" "$st" 200
has "... as HTML" "$T/h" "Content-Type: text/html"
has "... with a Content-Security-Policy that allows only this origin" "$T/h" "default-src 'self'"
st=$(curl -s -o "$T/route" -w '%{http_code}' "$URL/t/trainee/hunt")
eq "an interface route answers index.html" "$st" 200
same "... the same file" "$T/index" "$T/route"
st=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -H 'Accept-Encoding: gzip' "$URL/web/js/app.js")
eq "a script is served" "$st" 200
has "... as JavaScript" "$T/h" "text/javascript"
has "... gzipped when asked" "$T/h" "Content-Encoding: gzip"
etag=$(sed -n 's/^ETag: //Ip' "$T/h" | tr -d '\r')
st=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/web/js/app.js")
eq "... and 304 when the browser has it (ETag)" "$st" 304
curl -s -o "$T/plain" "$URL/web/js/app.js"
has "... plain when gzip is not asked for" "$T/plain" "import"
st=$(curl -s -o /dev/null -w '%{http_code}' "$URL/web/js/nothing.js")
eq "a missing file is 404" "$st" 404
st=$(curl -s --path-as-is -o "$T/pw" -w '%{http_code}' "$URL/web/../../etc/passwd")
eq "no way out of web/" "$st" 404
st=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/t/trainee/hunt")
eq "the interface's files take only GET" "$st" 405
st=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/nothing")
eq "an unknown API path is still the API's 404" "$st" 404
call p1 GET /teams/trainee/fields
eq "a player reads the team's fields" "$ST" 200
for _ in $(seq 1 50); do
  call p1 GET /teams/trainee/fields
  [ "$(js 'len(j["sources"])')" != 0 ] && break
  sleep 0.2
done
eq "a team's record sources include Sysmon" "$(js '"sysmon" in [s["source"] for s in j["sources"]]')" True
eq "... with its fields (CommandLine)" "$(js '"CommandLine" in [f["name"] for s in j["sources"] if s["source"]=="sysmon" for f in s["fields"]]')" True
curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/teams/trainee/fields" >"$T/st"
eq "fields need a session" "$(cat "$T/st")" 401
call p1 POST /teams/trainee/hunt '{"query":"EventID:1","limit":3}'
eq "hunt rows say their source" "$(js 'j["rows"][0]["source"]')" sysmon
call p1 GET '/teams/trainee/actions/catalogue?host=NSO-FS01'
eq "the action catalogue lists isolate" "$(js '"isolate" in [a["action"] for a in j["actions"]]')" True
eq "... with what it costs" "$(js '[a for a in j["actions"] if a["action"]=="isolate"][0]["effect"].startswith("cuts the host")')" True
eq "... and the services the file server carries" "$(js '[b["id"] for b in j["host"]["affects"]]')" "['nso-census-files']"
call p1 GET '/teams/trainee/actions/catalogue?host=NSO-WS01'
eq "a workstation carries no business service" "$(js 'j["host"]["affects"]')" "[]"
call p1 GET '/teams/trainee/actions/catalogue?host=NOPE-01'
eq "an unknown host is 404" "$ST" 404
call p1 GET '/attack/techniques?q=T1003.001'
eq "ATT&CK search by id" "$(js 'j["techniques"][0]["id"]')" T1003.001
call p1 GET '/attack/techniques?q=scheduled%20task'
eq "ATT&CK search by name (every word)" "$(js '"T1053.005" in [t["id"] for t in j["techniques"]]')" True
call p1 GET '/attack/techniques?q=t1003&limit=3'
eq "ids that start with the query come first, at most limit" "$(js '[t["id"][:5] for t in j["techniques"]]')" "['T1003', 'T1003', 'T1003']"
call p1 GET '/attack/techniques?q=x&limit=0'
eq "a bad limit is 400" "$ST" 400
call w1 POST /teams/trainee/hints '{"text":"Look at scheduled tasks."}'
eq "the white cell gives a hint" "$ST" 200
call p1 GET /teams/trainee/hints
eq "the team reads its hints" "$(js 'j["hints"][0]["text"]')" "Look at scheduled tasks."
call p1 GET /scenario/text
eq "scenario text: the exercise's name" "$(js 'j["exercise"]["name"]')" "Tutorial - your first hunt"
eq "... a scenario without translations has English only" "$(js 'j["languages"]')" "['en']"
call p1 GET /briefings/players
eq "the players' briefing, in Markdown" "$(js 'j["text"].startswith("#")')" True
call p1 GET /briefings/instructors
eq "a player may not read the instructors' briefing" "$ST" 403
call w1 GET /briefings/instructors
eq "the white cell may" "$ST" 200

# ---- the Pacific exercise: teams apart, Japanese texts ------------------------
serve pc pacific-cable --speed 600
login admin admin admin-pass-123
adduser admin pw1 player palau
adduser admin fm1 player fsm
adduser admin w1 instructor
adduser admin ob1 observer fiji
login pw1 pw1
login w1 w1
login ob1 ob1
for p in /teams/fsm/fields /teams/fsm/hints '/teams/fsm/actions/catalogue?host=MOF-FS01'; do
  call pw1 GET "$p"
  eq "a Palau player may not read $p" "$ST" 403
done
call pw1 GET '/teams/palau/actions/catalogue?host=FSM-NOT-HERE'
eq "... nor name another team's host" "$ST" 404
call w1 GET /teams/fsm/fields
eq "the white cell reads any team's fields" "$ST" 200
call pw1 GET '/scenario/text?lang=ja'
eq "the exercise's name in Japanese" "$(js 'j["exercise"]["name"]')" "パシフィック・ケーブル"
eq "... a business service's" "$(js 'j["business"]["pw-transit"]')" "国際トランジット（パラオ）"
eq "... the languages it has" "$(js 'j["languages"]')" "['en', 'ja']"
call pw1 GET '/scenario/text?lang=xx'
eq "an unknown language falls back to English" "$(js 'j["language"]+"/"+j["exercise"]["name"]')" "en/Pacific Cable"
call w1 GET '/briefings/instructors?lang=ja'
eq "the instructors' briefing in Japanese" "$(js 'j["language"]+" "+str("インストラクター向けブリーフィング" in j["text"])')" "ja True"
call pw1 GET '/briefings/players?lang=ja'
eq "an untranslated briefing comes in English, saying so" "$(js 'j["language"]')" en
for _ in $(seq 1 50); do
  call pw1 GET '/teams/palau/inbox?lang=ja'
  [ "$(js 'len(j["inbox"])')" != 0 ] && break
  sleep 0.2
done
eq "the inbox's first inject in Japanese" "$(js '[i["title"] for i in j["inbox"] if i["id"]=="MSEL-001"][0]')" "Connect Secure の悪用に関する地域CERTの注意喚起"
eq "... its indicators untouched" "$(js '[i["indicators"][0]["value"] for i in j["inbox"] if i["id"]=="MSEL-001"][0]')" 203.0.113.45
call pw1 GET '/teams/palau/inbox'
eq "... and in English without ?lang" "$(js '[i["title"] for i in j["inbox"] if i["id"]=="MSEL-001"][0]')" "Regional CERT advisory on Connect Secure exploitation"
call w1 GET '/injects?lang=ja'
eq "the white cell's inject timeline in Japanese" "$(js '[i["title"] for i in j["scenario"] if i["id"]=="MSEL-005"][0]')" "パラオ〜グアム間ケーブルの光断"
call ob1 GET /briefings/instructors
eq "an observer may not read the instructors' briefing" "$ST" 403
summary
[ "$fail" -eq 0 ]
