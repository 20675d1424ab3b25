#!/usr/bin/env python3
"""server_truth.py — ground truth never reaches a player or an observer who
may not see it, through any answer or stream event of a whole exercise.

The Pacific exercise runs as fast as the machine allows (four hours of
exercise time). Three players of three teams and an observer delegation
(observers_see: teams) use the exercise throughout as the interface does:
every read route their role allows, searches, and acts (a rule deployed,
an alert triaged, hosts isolated where the adversary sits, a report, an
indicator shared and used, messages), each with the live stream open. Every
answer body and every stream event they receive is recorded.

At the end the white cell reads the ground truth of every team (the truth
and the playbooks) and the markers are taken from it: the adversaries' ids
and names, their step and objective ids, the truth's own field names
(footholds, persistence, ...) and "_truth". None may appear in anything a
player or the observer received during play: not as a JSON key, not as a
whole string value, and the adversaries' names and "foothold" not even
inside text. (After the end a team's players may read their own team's
after-action report, ground truth and all, by design: those answers are
not searched; before the end they must be refused.)

The search is shown able to fail: the same search over the white cell's
truth answers finds every kind of marker."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import BIN, Client, Server, Stream, Tally  # noqa: E402

T = Tally()
tmp = tempfile.mkdtemp(prefix="sw-truth-")
srv = Server(tmp, args=["--fast", "--paused"]).start()
admin = srv.admin()
ins = srv.account(admin, "ins", "instructor")
TEAMS = {"ana": "palau", "bea": "fsm", "cal": "nauru"}
ROUTES = json.loads(subprocess.run([BIN, "serve", "--routes"], capture_output=True, text=True).stdout)


class Recorder(Client):
    """A client that keeps every answer it receives (path, status, body)."""

    def __init__(self, server, who):
        super().__init__(server)
        self.who = who
        self.seen = []
        self.lock = threading.Lock()

    def req(self, method, path, *a, **kw):
        st, ans = super().req(method, path, *a, **kw)
        with self.lock:
            self.seen.append((method, path, st, ans))
        return st, ans


def recorder(name, role, team=None):
    c = srv.account(admin, name, role, team)
    r = Recorder(srv, name)
    r.cookie, r.csrf = c.cookie, c.csrf
    return r


players = {n: recorder(n, "player", t) for n, t in TEAMS.items()}
obs = recorder("fio", "observer", "fiji")
st = ins.get("/api/v1/exercise")
T.check("the exercise lets observers see the teams (observers_see: teams)",
        st[0] == 200 and st[1].get("observers_see") == "teams", st)


class Listener(threading.Thread):
    """Keeps a client's stream open and records every frame, reconnecting
    with Last-Event-ID if it drops, until stopped (stop() closes it)."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.frames, self.done = client, [], threading.Event()
        self.status, self.stream = None, None

    def run(self):
        last = None
        while not self.done.is_set():
            try:
                self.stream = s = Stream(self.client, last_event_id=last, timeout=5)
                self.status = s.status
                s.follow(self.frames.append)
                last = s.last_id or last
            except OSError:
                time.sleep(0.2)

    def stop(self):
        self.done.set()
        if self.stream:
            self.stream.close()


listeners = {n: Listener(c) for n, c in list(players.items()) + [("fio", obs)]}
for li in listeners.values():
    li.start()

RULE = """title: Network logons
id: 7e57ab1e-0000-4000-8000-00000000%04d
status: test
author: seawall tests
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
level: low
"""
HUNTS = ["*", "EventID:4624", "* | count by Computer", "* | top 10 Image", "CommandLine:*", "_truth:*",
         "* | histogram 10m"]


def team_reads(c, team):
    """Every GET of a team's resources the route table has (no {id})."""
    for r in ROUTES:
        p = r["path"]
        if r["method"] != "GET" or "{team}" not in p or "{id}" in p or "/truth" in p or p.endswith("/report"):
            continue
        c.get(p.replace("{team}", team))


def general_reads(c):
    for p in ["/api/v1/me", "/api/v1/exercise", "/api/v1/teams", "/api/v1/scoreboard",
              "/api/v1/attack/techniques?q=T1190", "/api/v1/scenario/text", "/api/v1/briefings/players"]:
        c.get(p)


ended = threading.Event()
acted = {}
refusals = []  # (who, path, status) of truth and report reads during play


def play(name, c, team):
    i = 0
    done = set()
    while not ended.is_set():
        general_reads(c)
        team_reads(c, team)
        c.post("/api/v1/teams/%s/hunt" % team, {"query": HUNTS[i % len(HUNTS)], "limit": 200})
        for p in ["/api/v1/teams/%s/truth" % team, "/api/v1/teams/%s/truth/plan" % team,
                  "/api/v1/teams/%s/report" % team, "/api/v1/report"]:
            st = c.get(p)
            if not ended.is_set() and c.get("/api/v1/exercise")[1]["clock"]["state"] != "ended":
                refusals.append((name, p, st[0]))
        net = c.get("/api/v1/teams/%s/network" % team)[1] or {}
        hosts = net.get("hosts", [])
        # act, once each, as the exercise goes on
        if "rule" not in done:
            done.add("rule")
            acted[(name, "rule")] = c.post("/api/v1/teams/%s/rules" % team, {"yaml": RULE % i})[0]
        alerts = (c.get("/api/v1/teams/%s/alerts" % team)[1] or {}).get("alerts", [])
        if alerts and "triage" not in done:
            done.add("triage")
            acted[(name, "triage")] = c.post("/api/v1/teams/%s/alerts/%d" % (team, alerts[0]["alert"]),
                                             {"status": "escalated", "assignee": name})[0]
        # isolate the hosts the adversary goes for: the VPN appliance, a DC
        for role in ("vpn", "domain-controller", "workstation"):
            cand = [h for h in hosts if h.get("role") == role and not h.get("isolated")]
            if cand and ("isolate", role) not in done and i >= 3:
                done.add(("isolate", role))
                acted[(name, "isolate " + role)] = c.post("/api/v1/teams/%s/actions" % team, {
                    "action": "isolate", "host": cand[0]["hostname"]})[0]
        if i == 5:
            acted[(name, "report")] = c.post("/api/v1/teams/%s/reports" % team, {
                "title": "Odd logons", "narrative": "We looked.", "techniques": ["T1078"],
                "hosts": [h["hostname"] for h in hosts[:1]],
                "indicators": [{"type": "ipv4-addr", "value": "203.0.113.45"}]})[0]
            acted[(name, "share")] = c.post("/api/v1/teams/%s/shares" % team, {
                "indicators": [{"type": "ipv4-addr", "value": "203.0.113.45"}], "tlp": "green",
                "note": "seen at %s" % team})[0]
            c.post("/api/v1/teams/%s/messages" % team, {"text": "found something at %d" % i})
        if i >= 8 and "use" not in done:
            got = (c.get("/api/v1/teams/%s/shares" % team)[1] or {}).get("received", [])
            ids = [o["id"] for g in got for o in g.get("share", {}).get("bundle", {}).get("objects", [])
                   if o.get("type") == "indicator"]
            if ids:
                done.add("use")
                acted[(name, "use share")] = c.post("/api/v1/teams/%s/shares/%s/use" % (
                    team, ids[0]), {"as": "hunt"})[0]
        i += 1
        time.sleep(0.3)


def watch(c):
    """The observer reads every team, and tries the truth."""
    while not ended.is_set():
        general_reads(c)
        for team in ("palau", "fsm", "marshalls", "nauru", "kiribati"):
            team_reads(c, team)
            c.post("/api/v1/teams/%s/hunt" % team, {"query": "*", "limit": 50})
            for p in ["/api/v1/teams/%s/truth" % team, "/api/v1/teams/%s/truth/plan" % team,
                      "/api/v1/teams/%s/report" % team]:
                refusals.append(("fio", p, c.get(p)[0]))
        refusals.append(("fio", "/api/v1/report", c.get("/api/v1/report")[0]))
        time.sleep(0.5)


threads = [threading.Thread(target=play, args=(n, c, TEAMS[n]), daemon=True) for n, c in players.items()]
threads.append(threading.Thread(target=watch, args=(obs,), daemon=True))
t0 = time.time()
ins.post("/api/v1/exercise/clock", {"what": "start"})
for t in threads:
    t.start()
fin = ins.wait_for(lambda: ins.get("/api/v1/exercise")[1]["clock"]["state"] == "ended", 600, 0.5)
ended.set()
for t in threads:
    t.join(120)
time.sleep(1.5)  # the last events reach the streams
for li in listeners.values():
    li.stop()
for li in listeners.values():
    li.join(10)
took = time.time() - t0
T.check("the whole Pacific exercise was played (%.0f s)" % took, fin, ins.get("/api/v1/exercise"))

# ---- what the players and the observer did and received -------------------------------------
n_answers = sum(len(c.seen) for c in list(players.values()) + [obs])
n_frames = sum(len(li.frames) for li in listeners.values())
print("     %d answers and %d stream events recorded; acts: %s" % (
    n_answers, n_frames, ", ".join("%s %s %s" % (k[0], k[1], v) for k, v in sorted(acted.items()))),
    flush=True)
T.check("every stream was open (200)", all(li.status == 200 for li in listeners.values()),
        {n: li.status for n, li in listeners.items()})
T.check("the players acted: rules deployed, hosts isolated, reports filed, indicators shared",
        sum(v == 200 for k, v in acted.items() if k[1] == "rule") == 3 and
        sum(v == 200 for k, v in acted.items() if k[1].startswith("isolate")) >= 3 and
        sum(v == 200 for k, v in acted.items() if k[1] in ("report", "share")) == 6, acted)
T.check("... triaged alerts and used another team's share",
        any(k[1] == "triage" and v == 200 for k, v in acted.items()) and
        any(k[1] == "use share" and v == 200 for k, v in acted.items()), acted)
T.check("the streams carried the exercise (clock, acts, alerts: %d events)" % n_frames,
        all(len(li.frames) > 20 for li in listeners.values()) and
        any(f.get("event") == "alert" for li in listeners.values() for f in li.frames),
        {n: len(li.frames) for n, li in listeners.items()})
bad = [r for r in refusals if r[2] != 403]
T.check("during play every truth read, and every report read, by a player or the observer was "
        "refused (%d tries)" % len(refusals), refusals and not bad, bad[:10])

# ---- the markers, from the white cell's truth -----------------------------------------------
truth_answers = []
for team in ("palau", "fsm", "marshalls", "nauru", "kiribati"):
    for p in ("/api/v1/teams/%s/truth" % team, "/api/v1/teams/%s/truth/plan" % team):
        st = ins.get(p)
        T.check("the white cell reads %s" % p, st[0] == 200, st)
        truth_answers.append(st[1])
values, names = set(), set()
for a in truth_answers:
    for adv in a.get("adversaries", []):
        values.add(adv["id"])
        names.add(adv["name"])
        values.update(o["id"] for o in adv.get("objectives", []))
        # the playbook's steps (plan: "id") and those tried so far (truth: "step")
        values.update(s.get("id") or s.get("step") for s in adv.get("steps", []))
values.discard(None)
TRUTH_KEYS = {"_truth", "footholds", "persistence", "holds", "reached_ms", "steps", "playbook", "truth",
              "objectives", "success_ms"}
# short distinctive parts of the names ("STORM-REEF (Volt Typhoon-like)" -> "STORM-REEF")
name_parts = {n.split(" (")[0] for n in names} | names
SUBSTRINGS = sorted(name_parts | {"foothold"}, key=len)
print("     markers: %d ids (%s ...), %d names, keys %s" % (
    len(values), ", ".join(sorted(values)[:8]), len(names), sorted(TRUTH_KEYS)), flush=True)
T.check("the markers: three adversaries, their objectives and dozens of steps",
        len(names) == 3 and len(values) > 40, (names, len(values)))
sub_re = re.compile("|".join(re.escape(s) for s in SUBSTRINGS), re.I)


def leaks(obj, where=""):
    """Every marker in a decoded JSON value: (where, what)."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in TRUTH_KEYS:
                out.append((where + "/" + k, "key " + k))
            out += leaks(v, where + "/" + k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += leaks(v, "%s[%d]" % (where, i))
    elif isinstance(obj, str):
        if obj in values:
            out.append((where, "value " + obj))
        m = sub_re.search(obj)
        if m:
            out.append((where, "text " + m.group(0)))
    return out


found = [x for a in truth_answers for x in leaks(a)]
kinds = {w.split(" ")[0] for _, w in found}
T.check("the search finds the markers where they are: in the white cell's truth (%d hits: %s)" % (
    len(found), sorted(kinds)), {"key", "value", "text"} <= kinds, found[:5])


def after_end_report(method, path):
    return method == "GET" and path.split("?")[0].endswith("/report")


for c in list(players.values()) + [obs]:
    hits = []
    for method, path, st, ans in c.seen:
        if after_end_report(method, path) and st == 200:
            continue  # a team's own report once the exercise ended: truth by design
        hits += [(method, path) + h for h in leaks(ans)]
    T.check("%s (%s): no ground truth in any of %d answers" % (
        c.who, TEAMS.get(c.who, "observer, fiji"), len(c.seen)), not hits, hits[:10])
    frames = listeners[c.who].frames
    fh = [(f.get("event"),) + h for f in frames for h in leaks(f.get("data"))]
    T.check("%s: no ground truth in any of %d stream events" % (c.who, len(frames)), not fh, fh[:10])

# after the end a team's players read their own team's report, the observer (teams) still not
st = players["ana"].get("/api/v1/teams/palau/report")
T.check("after the end ana reads palau's report (the truth in it, by design)", st[0] == 200, st[0])
T.check("... the observer still cannot", obs.get("/api/v1/teams/palau/report")[0] == 403)
T.check("serve stops", srv.stop() == 0, srv.log()[-400:])
shutil.rmtree(tmp, ignore_errors=True)
T.summary()
