#!/usr/bin/env python3
"""server_api.py — every endpoint of the exercise server over real HTTP on
loopback (server_api.sh runs it): what each answers for a good request,
what it refuses (with a stable code and a message) and that a refusal
changes nothing. The Pacific exercise, its clock started by an instructor
at 600x so records, alerts and injects come within seconds."""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import Client, Server, Stream, Tally  # noqa: E402

T = Tally()
tmp = tempfile.mkdtemp(prefix="sw-api-")
srv = Server(tmp, args=["--scenario", "pacific-cable", "--paused"]).start()
out = srv.log()
T.check("serve prints the URL", "open http://127.0.0.1:%d/" % srv.port in out, out)
T.check("serve takes the first administrator's password from SEAWALL_ADMIN_PASSWORD",
        "password" not in out.split("open http")[0], out)

anon = Client(srv)

# ---- login, sessions, CSRF -------------------------------------------------------------
st = anon.get("/api/v1/exercise")
T.status("reading the exercise needs a session", st, 401)
T.check("a refusal is JSON with a code and a message",
        isinstance(st[1], dict) and st[1]["error"]["code"] == "unauthenticated" and
        st[1]["error"]["message"], st)
T.status("login refuses a wrong password", Client(srv).login("admin", "wrong-password"), 401)
T.status("login refuses unknown fields by name",
         anon.post("/api/v1/login", {"user": "admin", "password": "x", "remember": True}), 400)
T.check("... naming the field", "remember" in json.dumps(anon.post(
    "/api/v1/login", {"user": "admin", "password": "x", "remember": True})[1]))
T.status("login refuses a body that is not JSON", anon.req("POST", "/api/v1/login", raw="user=admin"),
         400)
T.status("login needs user and password", anon.post("/api/v1/login", {"user": "admin"}), 400)

admin = srv.admin()
T.check("login answers the role and a CSRF token", admin.csrf and len(admin.csrf) >= 40)
hdr = admin.last_headers.get("set-cookie", "")
T.check("the session cookie is HttpOnly and SameSite=Strict",
        "HttpOnly" in hdr and "SameSite=Strict" in hdr, hdr)
st = admin.get("/api/v1/me")
T.check("me says who the session is", st[0] == 200 and st[1]["user"] == "admin" and
        st[1]["role"] == "admin", st)

# rate limiting: five failures from one address for one name, then 429 even for the right one
srv_rl = Client(srv)
admin.post("/api/v1/users", {"user": "ratelimited", "role": "instructor", "password": "right-password-1"})
for _ in range(5):
    srv_rl.login("ratelimited", "wrong-password")
T.status("after five failed logins the sixth is refused (rate limit)",
         srv_rl.login("ratelimited", "right-password-1"), 429)
T.status("... for that name only", Client(srv).login("admin", srv.admin_pw), 200)

# CSRF
nocsrf = Client(srv)
nocsrf.login("admin", srv.admin_pw)
tok = nocsrf.csrf
nocsrf.csrf = None
st = nocsrf.post("/api/v1/broadcasts", {"text": "no token"})
T.check("a state-changing request without X-CSRF-Token is refused",
        st[0] == 403 and st[1]["error"]["code"] == "csrf", st)
nocsrf.csrf = "x" * 43
T.status("... and with a wrong one", nocsrf.post("/api/v1/broadcasts", {"text": "bad token"}), 403)
nocsrf.csrf = tok
nocsrf.origin = "http://evil.example"
st = nocsrf.post("/api/v1/broadcasts", {"text": "cross-site"})
T.check("a request from another origin is refused", st[0] == 403, st)
nocsrf.origin = None
st = admin.get("/api/v1/journal?kind=message.post")
T.check("refused requests changed nothing (no broadcast journaled)",
        st[0] == 200 and not st[1]["entries"], st)

# body limits
big = {"text": "x" * (2 << 20)}
st = admin.post("/api/v1/broadcasts", big)
T.check("a body over 1 MiB is refused with 413", st[0] == 413, st[0])

# ---- accounts (administrator) ----------------------------------------------------------
st = admin.post("/api/v1/users", {"user": "ana", "role": "player", "team": "palau"})
T.check("an administrator adds a player; a one-time password comes back",
        st[0] == 201 and len(st[1].get("password", "")) >= 10, st)
one_time = st[1].get("password", "")
st = admin.post("/api/v1/users", {"user": "ana", "role": "player", "team": "palau"})
T.status("the same name twice is a conflict", st, 409)
st = admin.post("/api/v1/users", {"user": "bob", "role": "player", "team": "atlantis"})
T.check("an unknown team is refused, naming the teams there are",
        st[0] == 422 and "palau" in st[1]["error"]["message"], st)
st = admin.post("/api/v1/users", {"user": "bob", "role": "player", "team": "fiji"})
T.status("a player cannot belong to an observer delegation", st, 422)
st = admin.post("/api/v1/users", {"user": "carl", "role": "instructor", "team": "palau"})
T.status("an instructor belongs to no team", st, 422)

ana = Client(srv)
st = ana.login("ana", one_time)
T.check("a one-time password logs in and says it must change", st[0] == 200 and st[1]["must_change"],
        st)
st = ana.get("/api/v1/exercise")
T.check("with a one-time password nothing else is open",
        st[0] == 403 and st[1]["error"]["code"] == "password_change_required", st)
T.status("a new password needs the current one",
         ana.post("/api/v1/me/password", {"current": "not-it-at-all", "new": "ana-password-1"}), 403)
T.status("a new password is at least 10 characters",
         ana.post("/api/v1/me/password", {"current": one_time, "new": "short"}), 422)
st = ana.post("/api/v1/me/password", {"current": one_time, "new": "ana-password-1"})
T.check("a player chooses her own password and stays logged in",
        st[0] == 200 and not st[1]["must_change"] and st[1]["csrf"], st)
ana.csrf = st[1].get("csrf", ana.csrf)
T.status("... and can now read the exercise", ana.get("/api/v1/exercise"), 200)
T.status("the one-time password no longer works", Client(srv).login("ana", one_time), 401)

st = admin.post("/api/v1/users/import", {"csv": "name,role,team\nbea,player,fsm\n\n# the observers\n"
                                                "obs1,observer,fiji\nzed,player,narnia\nyan,admin,\n"})
T.check("a CSV import with a bad line adds nobody and says which line",
        st[0] == 422 and any(p["line"] == 6 and "narnia" in p["message"] for p in st[1]["error"].get("problems", [])), st)
T.status("... (bea was not added)", Client(srv).login("bea", "anything-at-all"), 401)
st = admin.post("/api/v1/users/import", {"csv": "name,role,team\nbea,player,fsm\nobs1,observer,fiji\n"
                                                "\"cid\", instructor ,\n"})
T.check("a good CSV import adds every account with a one-time password",
        st[0] == 201 and [u["user"] for u in st[1]["created"]] == ["bea", "obs1", "cid"] and
        all(len(u["password"]) >= 10 for u in st[1]["created"]), st)
made = {u["user"]: u["password"] for u in st[1].get("created", [])}
st = admin.get("/api/v1/users")
names = [u["user"] for u in st[1]["users"]] if st[0] == 200 else []
T.check("users lists the accounts", all(n in names for n in ("admin", "ana", "bea", "obs1", "cid")),
        st)
st = admin.patch("/api/v1/users/cid", {"disabled": True})
T.status("an administrator disables an account", st, 200)
T.status("a disabled account cannot log in", Client(srv).login("cid", made.get("cid", "")), 401)
st = admin.patch("/api/v1/users/cid", {"disabled": False, "password": ""})
T.check("... enables it again with a new one-time password", st[0] == 200 and st[1].get("password"),
        st)
T.status("PATCH of an unknown account is 404", admin.patch("/api/v1/users/nobody", {"disabled": True}),
         404)
T.status("users refuses unknown fields", admin.patch("/api/v1/users/cid", {"role": "admin"}), 400)

bea = Client(srv)
bea.login("bea", made.get("bea", ""))
bea.post("/api/v1/me/password", {"current": made.get("bea", ""), "new": "bea-password-1"})
bea = Client(srv)
bea.login("bea", "bea-password-1")
obs = Client(srv)
obs.login("obs1", made.get("obs1", ""))
st = obs.post("/api/v1/me/password", {"current": made.get("obs1", ""), "new": "obs-password-1"})
obs.csrf = st[1].get("csrf") if st[0] == 200 else obs.csrf
inst = srv.account(admin, "ina", "instructor")

# ---- the exercise and its clock --------------------------------------------------------
st = ana.get("/api/v1/exercise")
T.check("the exercise: name, clock (not started: --paused), timezone, observers_see",
        st[0] == 200 and st[1]["clock"]["state"] == "not started" and st[1]["name"] and
        st[1]["observers_see"] == "teams", st)
st = ana.get("/api/v1/teams")
ids = [t["id"] for t in st[1]["teams"]] if st[0] == 200 else []
T.check("teams lists the five countries and two observer delegations",
        ids[:5] == ["palau", "fsm", "marshalls", "nauru", "kiribati"] and "fiji" in ids, ids)
T.check("... each where it is: Palau in Pacific/Palau (UTC+9), Kiribati in Pacific/Tarawa (UTC+12)",
        st[0] == 200 and {(t["id"], t["timezone"], t["utc_offset_min"]) for t in st[1]["teams"]} >=
        {("palau", "Pacific/Palau", 540), ("kiribati", "Pacific/Tarawa", 720)}, st)
T.status("a player cannot touch the clock", ana.post("/api/v1/exercise/clock", {"what": "start"}), 403)
st = inst.post("/api/v1/exercise/clock", {"what": "warp"})
T.check("an unknown clock operation is refused, listing the right ones",
        st[0] == 422 and "resume" in st[1]["error"]["message"], st)
st = inst.post("/api/v1/exercise/clock", {"what": "start"})
T.check("an instructor starts the clock; the act is journaled", st[0] == 200 and st[1].get("seq"), st)
st = inst.post("/api/v1/exercise/clock", {"what": "speed", "speed": 600})
T.status("... and sets it to 600x", st, 200)
t0 = time.time()
now = ana.wait_for(lambda: (ana.now_ms() or 0) >= 40 * 60000 and ana.now_ms(), 30)
T.check("the clock runs (40 exercise minutes within seconds)", now, now)

# ---- a team's network ------------------------------------------------------------------
st = ana.get("/api/v1/teams/palau/network")
net = st[1] if st[0] == 200 else {}
T.check("a team's network: organisations, hosts, business services, links",
        net.get("organisations") and net.get("hosts") and net.get("business") and
        net.get("links") is not None, st)
T.check("each business service has a live state and weight",
        all(b["state"] in ("up", "degraded", "down") and "weight" in b for b in net.get("business", [])),
        net.get("business"))
T.status("a player cannot read another team's network", ana.get("/api/v1/teams/fsm/network"), 403)
T.status("an unknown team is 403 for a player (no probing)", ana.get("/api/v1/teams/atlantis/network"),
         403)
T.status("... and 404 for the white cell", inst.get("/api/v1/teams/atlantis/network"), 404)
T.status("an observer (observers_see: teams) reads a team's network", obs.get("/api/v1/teams/palau/network"),
         200)
T.check("the team's view holds no ground truth", "foothold" not in json.dumps(net).lower(), "")

# ---- ground truth ----------------------------------------------------------------------
st = inst.get("/api/v1/teams/palau/truth")
T.check("the white cell reads the ground truth on a team", st[0] == 200 and "adversaries" in st[1], st)
T.status("a player does not", ana.get("/api/v1/teams/palau/truth"), 403)
T.status("an observer with observers_see: teams does not", obs.get("/api/v1/teams/palau/truth"), 403)

# ---- hunt --------------------------------------------------------------------------------
st = ana.post("/api/v1/teams/palau/hunt", {"query": "EventID:4624", "limit": 5})
T.check("hunt returns the team's records, limited", st[0] == 200 and 0 < len(st[1]["rows"]) <= 5 and
        st[1]["truncated"], st)
rec = st[1]["rows"][0]["record"] if st[0] == 200 and st[1]["rows"] else {}
T.check("a hunted record is the Windows event as logged (Event.System.Computer, EventID 4624)",
        rec.get("Event", {}).get("System", {}).get("EventID") == 4624 and
        rec["Event"]["System"].get("Computer"), rec)
st = ana.post("/api/v1/teams/palau/hunt", {"query": "* | count by Channel"})
T.check("hunt aggregates (count by)", st[0] == 200 and st[1]["aggregate"] and
        all("key" in r and "count" in r for r in st[1]["rows"]), st)
st = ana.post("/api/v1/teams/palau/hunt", {"query": "EventID:4624 AND (User:"})
T.check("a bad query is 400 with the column", st[0] == 400 and st[1]["error"]["code"] == "bad_query" and
        st[1]["error"].get("col"), st)
T.status("hunt refuses a limit out of range", ana.post("/api/v1/teams/palau/hunt",
                                                       {"query": "*", "limit": 0}), 400)
# at 600x the records of the last second (10 exercise minutes) may not be flushed yet
st = ana.post("/api/v1/teams/palau/hunt", {"query": "@timestamp:>now-30m | count"})
T.check("relative times are the exercise's (records in its last 30 minutes)",
        st[0] == 200 and st[1]["rows"] and st[1]["rows"][0]["count"] > 0, st)
T.status("a player cannot hunt in another team's records",
         ana.post("/api/v1/teams/fsm/hunt", {"query": "*"}), 403)


def palau_count():
    st = ana.post("/api/v1/teams/palau/hunt", {"query": "* | count"})
    return st[1]["rows"][0]["count"] if st[0] == 200 and st[1]["rows"] else -1


# the search workers keep their team handles from one search to the next
# (work.c): a kept handle still sees the records that arrive after it opened
c0 = palau_count()
c1 = ana.wait_for(lambda: (lambda c: c > c0 and c)(palau_count()), 10, 0.05)
T.check("a search sees the records that arrived since the last one", c0 > 0 and c1, (c0, c1))

# ---- rules ---------------------------------------------------------------------------------
RULE = """title: Logon from the network
id: 5c0ffee0-1111-4222-8333-444455556666
status: test
author: seawall tests
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
level: low
"""
BAD = "title: broken\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: nosuch\n"
st = ana.post("/api/v1/teams/palau/rules/validate", {"yaml": RULE})
T.check("validate accepts a good rule, naming it", st[0] == 200 and st[1]["id"].startswith("5c0ffee0"),
        st)
st = ana.post("/api/v1/teams/palau/rules/validate", {"yaml": BAD})
T.check("validate refuses a bad rule with line and column",
        st[0] == 422 and st[1]["error"]["code"] == "bad_rule" and st[1]["error"].get("line"), st)
st = ana.post("/api/v1/teams/palau/rules/test", {"yaml": RULE})
T.check("test runs the rule over the team's history", st[0] == 200 and st[1]["matches"] > 0 and
        st[1]["first"], st)
st = ana.post("/api/v1/teams/palau/rules", {"yaml": RULE})
T.check("deploy: journaled", st[0] == 200 and st[1].get("seq"), st)
st = ana.get("/api/v1/teams/palau/rules")
T.check("rules lists it live", st[0] == 200 and any(r["id"].startswith("5c0ffee0") and
                                                    r["status"] == "live" for r in st[1]["rules"]), st)
T.status("deploying a bad rule is refused", ana.post("/api/v1/teams/palau/rules", {"yaml": BAD}), 422)

alerts = ana.wait_for(lambda: (lambda s: s[0] == 200 and s[1]["alerts"])(
    ana.get("/api/v1/teams/palau/alerts")), 30)
st = ana.get("/api/v1/teams/palau/alerts")
T.check("the deployed rule raises alerts as records arrive", alerts and st[1]["alerts"], st)
a0 = st[1]["alerts"][0] if st[0] == 200 and st[1]["alerts"] else {}
T.check("an alert names its rule, author, host and record",
        a0.get("title") == "Logon from the network" and a0.get("author") == "seawall tests" and
        a0.get("host") and a0.get("record"), a0)

# ---- triage ------------------------------------------------------------------------------
aid = a0.get("alert", 0)
st = ana.post("/api/v1/teams/palau/alerts/%d" % aid, {"status": "acknowledged", "assignee": "ana"})
T.check("triage: acknowledge and assign", st[0] == 200, st)
st = ana.get("/api/v1/teams/palau/alerts")
a1 = [a for a in st[1]["alerts"] if a["alert"] == aid][0] if st[0] == 200 else {}
T.check("... the alert says so", a1.get("status") == "acknowledged" and a1.get("assignee") == "ana", a1)
st = ana.post("/api/v1/teams/palau/alerts/%d" % aid, {"status": "sleeping"})
T.status("an unknown triage status is refused", st, 422)
T.status("an unknown alert is 404", ana.post("/api/v1/teams/palau/alerts/99999999",
                                             {"status": "acknowledged"}), 404)
T.status("a player cannot triage another team's alerts",
         ana.post("/api/v1/teams/fsm/alerts/%d" % aid, {"status": "escalated"}), 403)
T.status("an observer cannot triage", obs.post("/api/v1/teams/palau/alerts/%d" % aid,
                                              {"status": "escalated"}), 403)

st = ana.delete("/api/v1/teams/palau/rules/5c0ffee0-1111-4222-8333-444455556666")
T.check("withdraw a rule", st[0] == 200, st)
T.status("withdrawing it again is refused", ana.delete(
    "/api/v1/teams/palau/rules/5c0ffee0-1111-4222-8333-444455556666"), (404, 409, 422))

# ---- actions -------------------------------------------------------------------------------
hosts = [h for h in net.get("hosts", []) if h["role"] == "workstation"] or net.get("hosts", [])
target = hosts[0]["hostname"] if hosts else "nohost"
st = ana.post("/api/v1/teams/palau/actions", {"action": "isolate", "host": target})
T.check("a player isolates a host: journaled, with when it takes effect",
        st[0] == 200 and st[1].get("seq") and st[1].get("effect_ms", 0) >= st[1].get("at_ms", 0), st)
seq = st[1].get("seq") if st[0] == 200 else None
st = ana.post("/api/v1/teams/palau/actions", {"action": "isolate", "host": "NOSUCH-HOST-01"})
T.check("an unknown host is refused, saying so", st[0] == 422 and "NOSUCH" in st[1]["error"]["message"],
        st)
st = ana.post("/api/v1/teams/palau/actions", {"action": "levitate", "host": target})
T.status("an unknown action is refused", st, 422)
T.status("actions refuses unknown fields", ana.post("/api/v1/teams/palau/actions",
                                                    {"action": "isolate", "hots": target}), 400)


def action_done():
    s = ana.get("/api/v1/teams/palau/actions")
    mine = [a for a in s[1]["actions"] if a["seq"] == seq] if s[0] == 200 else []
    return mine and mine[0]["status"] != "pending" and mine[0]


done = ana.wait_for(action_done, 30)
T.check("actions lists it with its status and result once the sim applied it",
        done and done["status"] == "done" and done["payload"]["action"] == "isolate" and
        "done_ms" in done, done)
st = ana.get("/api/v1/teams/palau/network")
h = [x for x in st[1]["hosts"] if x["hostname"] == target] if st[0] == 200 else []
T.check("the network shows the host isolated", h and h[0]["isolated"], h)

# ---- reports -------------------------------------------------------------------------------
rep = {"title": "Web shell on the VPN appliance", "narrative": "We found it and isolated the host.",
       "techniques": ["T1190", "T1505.003"], "hosts": [target],
       "indicators": [{"type": "ipv4-addr", "value": "203.0.113.45"}], "alerts": [aid]}
st = ana.post("/api/v1/teams/palau/reports", rep)
T.check("a player files an incident report", st[0] == 200 and st[1].get("seq"), st)
st = ana.post("/api/v1/teams/palau/reports", dict(rep, techniques=["T9999"]))
T.status("a report with an unknown ATT&CK technique is refused", st, 422)
st = ana.get("/api/v1/teams/palau/reports")
T.check("reports lists it", st[0] == 200 and len(st[1]["reports"]) == 1 and
        st[1]["reports"][0]["payload"]["title"] == rep["title"], st)

# ---- messages, broadcasts, hints ------------------------------------------------------------
T.status("a player posts to the team's chat", ana.post("/api/v1/teams/palau/messages",
                                                      {"text": "VPN box isolated"}), 200)
T.status("an empty message is refused", ana.post("/api/v1/teams/palau/messages", {"text": ""}), 422)
T.status("an instructor broadcasts", inst.post("/api/v1/broadcasts", {"text": "Lunch at 12:30"}), 200)
T.status("a player does not broadcast", ana.post("/api/v1/broadcasts", {"text": "hi all"}), 403)
T.status("an instructor sends palau a hint", inst.post("/api/v1/teams/palau/hints",
                                                      {"text": "Look at the VPN logs"}), 200)
st = ana.get("/api/v1/teams/palau/messages")
texts = [m["payload"].get("text") for m in st[1]["messages"]] if st[0] == 200 else []
T.check("messages: the team's chat, the broadcast and the hint",
        "VPN box isolated" in texts and "Lunch at 12:30" in texts and "Look at the VPN logs" in texts,
        texts)
st = bea.get("/api/v1/teams/fsm/messages")
texts = [m["payload"].get("text") for m in st[1]["messages"]] if st[0] == 200 else []
T.check("another team sees the broadcast but not palau's chat or hint",
        "Lunch at 12:30" in texts and "VPN box isolated" not in texts and
        "Look at the VPN logs" not in texts, texts)

# ---- injects and the inbox ------------------------------------------------------------------
st = ana.get("/api/v1/teams/palau/inbox")
inbox = st[1]["inbox"] if st[0] == 200 else []
adv = [i for i in inbox if i["id"] == "MSEL-001"]
T.check("the inbox has the advisory in full, with its indicators",
        adv and "Connect Secure" in adv[0]["body"] and
        {"type": "ipv4-addr", "value": "203.0.113.45"} in adv[0]["indicators"], inbox)
st = inst.get("/api/v1/injects")
T.check("the white cell sees the inject timeline: the scenario's and what was sent",
        st[0] == 200 and any(i["id"] == "MSEL-008" for i in st[1]["scenario"]) and st[1]["sent"], st)
T.status("a player does not", ana.get("/api/v1/injects"), 403)
st = inst.post("/api/v1/injects", {"to": "palau", "subject": "Call from the minister",
                                   "body": "The minister wants a briefing at 14:00."})
T.check("an instructor writes and sends an inject to one team", st[0] == 200, st)
st = ana.get("/api/v1/teams/palau/inbox")
T.check("... it is in that team's inbox", st[0] == 200 and any(
    i["subject"] == "Call from the minister" for i in st[1]["inbox"]), st)
st = bea.get("/api/v1/teams/fsm/inbox")
T.check("... and not in another's", st[0] == 200 and not any(
    i["subject"] == "Call from the minister" for i in st[1]["inbox"]), st)
st = inst.post("/api/v1/injects", {"id": "MSEL-008"})
T.check("an instructor releases a scenario inject early", st[0] == 200, st)
T.status("an unknown inject is refused", inst.post("/api/v1/injects", {"id": "MSEL-999"}), (404, 422))

# ---- sharing (STIX 2.1) ---------------------------------------------------------------------
st = ana.post("/api/v1/teams/palau/shares", {"indicators": [{"type": "ipv4-addr", "value": "203.0.113.45"},
                                                            {"type": "domain-name",
                                                             "value": "update-cdn.reefnet.example"}],
                                             "to": "fsm", "tlp": "amber", "note": "from our VPN logs"})
T.check("a team shares indicators with another", st[0] == 200 and st[1].get("seq"), st)
st = ana.post("/api/v1/teams/palau/shares", {"indicators": [{"type": "ipv4-addr", "value": "203.0.113.45"}],
                                             "to": "fsm"})
T.check("sharing the same indicator again is not a second one", st[0] in (200, 409) and (
    st[0] == 409 or "already" in st[1].get("msg", "")), st)
st = ana.post("/api/v1/teams/palau/shares", {"indicators": [{"type": "ipv4-addr", "value": "999.1.1.1"}]})
T.status("a malformed IP is refused", st, 422)
st = ana.post("/api/v1/teams/palau/shares", {"bundle": {"type": "bundle", "id": "bundle--x", "objects": 3}})
T.status("a malformed bundle is refused", st, 422)
st = bea.get("/api/v1/teams/fsm/shares")
rec = st[1]["received"] if st[0] == 200 else []
T.check("the other team receives it, as a STIX 2.1 bundle", rec and
        rec[0]["share"]["bundle"]["type"] == "bundle" and rec[0]["from"] == "palau", st)
bundle_path = os.path.join(tmp, "received.json")
if rec:
    with open(bundle_path, "w") as f:
        json.dump(rec[0]["share"]["bundle"], f)
validator = os.path.join(os.environ.get("SW_SHARED", "../shared"), "tools", "stix-validate")
if os.path.exists(validator) and rec:
    import subprocess
    p = subprocess.run([validator, bundle_path], capture_output=True, text=True)
    T.check("the bundle seawall wrote passes stix-validate", p.returncode == 0, p.stdout + p.stderr)
else:
    T.ko("the bundle seawall wrote passes stix-validate", "no validator at %s or nothing received" %
         validator)
ind = [i for i in (rec[0]["share"]["indicators"] if rec else []) if i["type"] == "ipv4-addr"]
st = bea.post("/api/v1/teams/fsm/shares/%s/use" % (ind[0]["id"] if ind else "none"), {"as": "block"})
T.check("the receiving team blocks a received indicator in one request", st[0] == 200 and st[1].get("seq"),
        st)
st = bea.get("/api/v1/teams/fsm/actions")
T.check("... it is a block-ip action of theirs", st[0] == 200 and any(
    a["payload"]["action"] == "block-ip" for a in st[1]["actions"]), st)
st = bea.post("/api/v1/teams/fsm/shares/%s/use" % (ind[0]["id"] if ind else "none"), {"as": "hunt"})
T.check("... or hunts for it", st[0] == 200 and "rows" in st[1], st)
T.status("using an indicator nobody sent is 404", bea.post("/api/v1/teams/fsm/shares/indicator--nope/use",
                                                          {"as": "block"}), 404)
T.status("the sender does not 'receive' its own", ana.post(
    "/api/v1/teams/palau/shares/%s/use" % (ind[0]["id"] if ind else "none"), {"as": "block"}), 404)
examples = os.path.join(os.environ.get("SW_SHARED", "../shared"), "data", "stix", "examples",
                        "indicator-for-c2-ip-address.json")
if os.path.exists(examples):
    with open(examples) as f:
        ex = json.load(f)
    st = ana.post("/api/v1/teams/palau/shares", {"bundle": ex, "to": "all"})
    T.check("a bundle another tool wrote (OASIS example) imports", st[0] == 200, st)
else:
    T.ko("a bundle another tool wrote (OASIS example) imports", "missing " + examples)

# ---- the scoreboard ------------------------------------------------------------------------
st = ana.get("/api/v1/scoreboard")
board = st[1] if st[0] == 200 else {}
T.check("the scoreboard: every player team ranked, with its categories",
        [t["id"] for t in board.get("teams", [])] and
        sorted(t["id"] for t in board["teams"]) == ["fsm", "kiribati", "marshalls", "nauru", "palau"] and
        [t["rank"] for t in board["teams"]] == sorted(t["rank"] for t in board["teams"]) and
        {"availability", "detection", "containment", "reporting", "sharing"} <=
        set(board["teams"][0]["categories"]), board)
deadline = time.time() + 10  # the board follows acts within a flush (a wall second)
while not any(t["id"] == "palau" and t["penalties"] > 0 for t in board.get("teams", [])) \
        and time.time() < deadline:
    time.sleep(0.2)
    st = ana.get("/api/v1/scoreboard")
    board = st[1] if st[0] == 200 else {}
T.check("... with palau's hint counted as a penalty", any(
    t["id"] == "palau" and t["penalties"] > 0 for t in board.get("teams", [])), board)
T.status("an observer (observers_see: teams) reads it", obs.get("/api/v1/scoreboard"), 200)


def fsm_penalties():
    st = inst.get("/api/v1/scoreboard")
    return next((t["penalties"] for t in st[1].get("teams", []) if t["id"] == "fsm"), None) \
        if st[0] == 200 else None


pen0 = fsm_penalties()
st = inst.post("/api/v1/teams/fsm/penalties", {"text": "Scanned an address outside the range."})
T.check("the white cell records a rule fsm broke (journaled rule.broken)",
        st[0] == 200 and st[1].get("seq") and "rule broken" in st[1].get("msg", ""), st)
T.status("a penalty needs its text", inst.post("/api/v1/teams/fsm/penalties", {"text": ""}), 422)
T.status("a player cannot record one", bea.post("/api/v1/teams/fsm/penalties", {"text": "x"}), 403)
deadline = time.time() + 10
while fsm_penalties() == pen0 and time.time() < deadline:
    time.sleep(0.2)
T.check("... and it costs fsm the scenario's rule_broken cost (50) on the scoreboard",
        pen0 is not None and fsm_penalties() == pen0 + 50, (pen0, fsm_penalties()))
T.status("a player cannot hide it", ana.post("/api/v1/scoreboard", {"hidden": True}), 403)
T.status("the scoreboard takes booleans", inst.post("/api/v1/scoreboard", {"hidden": "yes"}), 400)
s_board = Stream(ana)
st = inst.post("/api/v1/scoreboard", {"hidden": True})
T.check("the white cell hides it from players (journaled)", st[0] == 200 and st[1].get("seq"), st)
st = ana.get("/api/v1/scoreboard")
T.check("... a player then sees that it is hidden, and no team",
        st[0] == 200 and st[1]["hidden"] and st[1]["teams"] == [], st)
fb = s_board.frames(5, until=lambda f: f.get("event") == "score" and f["data"].get("hidden"))
T.check("... and the stream tells players so", any(
    f.get("event") == "score" and f["data"].get("hidden") and not f["data"]["teams"] for f in fb),
    [f.get("event") for f in fb])
s_board.close()
st = inst.get("/api/v1/scoreboard")
T.check("... while the white cell still sees it live", st[0] == 200 and st[1]["hidden"] and
        len(st[1]["teams"]) == 5, st)
st = inst.post("/api/v1/scoreboard", {"hidden": False, "frozen": True})
frozen_at = inst.now_ms()
time.sleep(1.5)
st = ana.get("/api/v1/scoreboard")
T.check("frozen: players see it as it stood then", st[0] == 200 and st[1]["frozen"] and
        st[1]["frozen_at_ms"] <= frozen_at and st[1]["at_ms"] == st[1]["frozen_at_ms"], st)
st = inst.get("/api/v1/scoreboard")
T.check("... the white cell sees it live", st[0] == 200 and st[1]["at_ms"] > frozen_at, st)
inst.post("/api/v1/scoreboard", {"frozen": False})
st = ana.get("/api/v1/scoreboard")
T.check("unfrozen: live again for players", st[0] == 200 and not st[1]["frozen"] and
        not st[1]["hidden"] and st[1]["teams"], st)

# ---- the after-action report ------------------------------------------------------------------
st = inst.get("/api/v1/report?format=json")
T.check("the white cell gets the after-action report (the model as JSON) while it plays",
        st[0] == 200 and st[1]["format"] == "seawall-report/1" and len(st[1]["teams"]) == 5, st)
st = inst.get("/api/v1/report?format=json&until=T%2B00:30")
T.check("... as it stood at ?until=", st[0] == 200 and st[1]["exercise"]["at_ms"] == 1800000,
        st[1].get("exercise") if st[0] == 200 else st)
st = inst.get("/api/v1/teams/palau/report")
T.check("... a team's, as HTML", st[0] == 200 and isinstance(st[1], str) and "<html" in st[1].lower() and
        inst.last_headers.get("content-type", "").startswith("text/html"), (st[0], str(st[1])[:200]))
T.status("a report format that does not exist is refused", inst.get("/api/v1/report?format=pdf"), 400)
T.status("a player does not get it while the exercise runs (it tells the ground truth)",
         ana.get("/api/v1/teams/palau/report"), 403)
T.status("an observer (observers_see: teams) does not", obs.get("/api/v1/report"), 403)
st = inst.get("/api/v1/teams/fsm/report?format=json")
T.check("fsm's report names the rule it broke",
        st[0] == 200 and any(r["text"] == "Scanned an address outside the range."
                             for t in st[1]["teams"] for r in t.get("rules_broken", [])), st)

st = inst.get("/api/v1/teams/palau/truth")
plan = inst.get("/api/v1/teams/palau/truth/plan")
steps = [(a["id"], s) for a in st[1].get("adversaries", []) for s in a.get("steps", [])] if st[0] == 200 else []
ids = {(a["id"], x["id"]) for a in plan[1].get("adversaries", []) for x in a["steps"]} if plan[0] == 200 else set()
T.check("the ground truth records the steps tried on palau so far, each a step of its playbook",
        steps and all((a, s["step"]) in ids and s["team"] == "palau" and s["attempts"] >= 1 for a, s in steps),
        steps[:3])
T.check("... the succeeded ones with when and on which hosts",
        any(s["success_ms"] is not None and s["hosts"] and s["success_ms"] >= s["first_ms"] for _, s in steps),
        steps[:3])

# ---- the journal -----------------------------------------------------------------------------
st = inst.get("/api/v1/journal")
kinds = set(e["kind"] for e in st[1]["entries"]) if st[0] == 200 else set()
T.check("the journal has every kind of act this test made",
        {"exercise.create", "clock.start", "rule.deploy", "rule.withdraw", "alert.triage", "action",
         "report.submit", "message.post", "hint.release", "inject.compose", "inject.release",
         "indicator.share", "scoreboard.set", "rule.broken"} <= kinds, kinds)
st = inst.get("/api/v1/journal?kind=action&team=fsm")
T.check("the journal filters by kind and team", st[0] == 200 and st[1]["entries"] and all(
    e["kind"] == "action" and e["team"] == "fsm" for e in st[1]["entries"]), st)
T.status("a player does not read the journal", ana.get("/api/v1/journal"), 403)
st = inst.get("/api/v1/journal?kind=action&team=palau")
T.check("a player's act is journaled under her account (the session's, journal.h)",
        st[0] == 200 and st[1]["entries"] and all(e["actor"] == "ana" for e in st[1]["entries"]), st)

# ---- the stream ------------------------------------------------------------------------------
s_ana = Stream(ana)
s_inst = Stream(inst)
T.check("the stream is text/event-stream", s_ana.status == 200 and
        s_ana.headers.get("content-type", "").startswith("text/event-stream"), s_ana.headers)
inst.post("/api/v1/teams/palau/hints", {"text": "stream hint"})
inst.post("/api/v1/teams/fsm/hints", {"text": "fsm only hint"})
fa = s_ana.frames(8, until=lambda f: f.get("event") == "act" and
                  f["data"].get("payload", {}).get("text") == "stream hint")
fi = s_inst.frames(8, until=lambda f: f.get("event") == "act" and
                   f["data"].get("payload", {}).get("text") == "fsm only hint")
T.check("a new stream starts with the clock", fa and fa[0]["event"] == "clock", fa[:2])
T.check("the hint reaches palau's stream", any(f.get("event") == "act" and f["data"]["payload"].get("text") ==
                                               "stream hint" for f in fa), [f.get("event") for f in fa])
T.check("every event with content has an id", all("id" in f for f in fa if f["event"] not in ("clock",)),
        fa[:3])
T.check("the white cell sees fsm's hint too", any(f.get("event") == "act" for f in fi), fi[-2:])
more = s_ana.frames(3)
T.check("fsm's hint never reaches palau's stream", not any(
    f.get("event") == "act" and f["data"]["payload"].get("text") == "fsm only hint" for f in fa + more), more)
T.check("ground truth never reaches a player's stream", not any(f.get("event") == "truth" for f in fa + more),
        "")
last = s_ana.last_id
s_ana.close()
inst.post("/api/v1/teams/palau/hints", {"text": "while you were away"})
time.sleep(0.5)
s2 = Stream(ana, last_event_id=last)
f2 = s2.frames(5, until=lambda f: f.get("event") == "act" and
               f["data"].get("payload", {}).get("text") == "while you were away")
T.check("reconnecting with Last-Event-ID delivers what was missed",
        any(f.get("event") == "act" and f["data"]["payload"].get("text") == "while you were away" for f in f2),
        [f.get("event") for f in f2])
T.check("... and nothing from before it", not any(
    f.get("event") == "act" and f["data"]["payload"].get("text") == "stream hint" for f in f2), "")
s2.close()
s3 = Stream(ana, last_event_id="00000001.5")
f3 = s3.frames(3)
T.check("a Last-Event-ID from another server run gets a reset first", f3 and f3[0]["event"] == "reset", f3[:2])
s3.close()
s_inst.close()
st = anon.get("/api/v1/stream")
T.status("the stream needs a session", st, 401)

# ---- routing -----------------------------------------------------------------------------------
T.status("an unknown resource is 404", admin.get("/api/v1/nothing-here"), 404)
T.status("a wrong method is 405", admin.req("PUT", "/api/v1/exercise", {}), 405)

# ---- the end -----------------------------------------------------------------------------------
st = inst.post("/api/v1/exercise/clock", {"what": "end"})
T.check("the white cell ends the exercise", st[0] == 200, st)
ana.wait_for(lambda: ana.get("/api/v1/exercise")[1]["clock"]["state"] == "ended", 10)
st = ana.get("/api/v1/teams/palau/report?format=md")
T.check("after the end a player gets her own team's report", st[0] == 200 and "palau" in str(st[1]).lower(),
        (st[0], str(st[1])[:200]))
T.status("... not another team's", ana.get("/api/v1/teams/fsm/report?format=md"), 403)
T.status("... nor the whole exercise's", ana.get("/api/v1/report?format=md"), 403)

# ---- logout ------------------------------------------------------------------------------------
st = bea.post("/api/v1/logout")
T.status("logout", st, 200)
T.status("after logout the session is gone", bea.get("/api/v1/exercise"), 401)

srv.stop()
T.check("serve stops on SIGINT with status 0", srv.proc.returncode == 0, srv.log()[-400:])
# every act this run journaled through the server is chained (journal.h invariant 4)
import subprocess  # noqa: E402
p = subprocess.run([os.environ.get("SW_BIN", "build/seawall"), "journal", "--db", srv.db, "--verify"],
                   capture_output=True, text=True)
T.check("the server's journal verifies: an intact hash chain", p.returncode == 0 and
        "journal intact" in p.stdout, p.stdout + p.stderr)
T.summary()
