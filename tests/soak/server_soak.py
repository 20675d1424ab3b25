#!/usr/bin/env python3
"""server_soak.py — `make soak`: a full room against `seawall serve` on
loopback for a whole exercise, long (not part of make check).

Five teams of ten players and five instructors play the Pacific exercise
at 10x (four hours of exercise time: 24 minutes), each as a browser does:
the live stream open throughout, the pages read now and then (network,
alerts, inbox, messages, scoreboard), a search every half minute or so,
and acts (alerts triaged, messages, a rule, hosts isolated, reports,
shares; the white cell's broadcasts, hints and injects). It prints:

  - requests and errors (any answer but the expected one, any dropped
    connection or stream), by kind;
  - latency percentiles (p50, p95, p99, max) by kind of request;
  - the server's resident memory (VmRSS) every 30 s: during play it grows
    with what the exercise keeps (every team's records and their indexes,
    the stream's event log of the last 65,536 events, the journal), so the
    room goes on for SOAK_AFTER seconds (default 180) after the exercise
    ends, reading, searching and streaming as before: with nothing new to
    keep, memory must then stay flat (a leak per request would show);
  - stream events received, and stream reconnects.

It fails (exit 1) on any error, or on memory growing more than SOAK_GROWTH
(default 5%) from the first minute after the end to the last.

Environment: SOAK_SPEED (10), SOAK_UNTIL ("" = the whole exercise, or
e.g. 1h), SOAK_AFTER (180 s), SOAK_GROWTH (0.05), SOAK_TEAMS (5),
SOAK_PLAYERS (10 per team), SOAK_INSTRUCTORS (5)."""
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration", "lib"))
from swserver import Server, Stream  # noqa: E402

SPEED = float(os.environ.get("SOAK_SPEED", "10"))
UNTIL = os.environ.get("SOAK_UNTIL", "")
N_TEAMS = int(os.environ.get("SOAK_TEAMS", "5"))
N_PLAYERS = int(os.environ.get("SOAK_PLAYERS", "10"))
N_INS = int(os.environ.get("SOAK_INSTRUCTORS", "5"))
GROWTH = float(os.environ.get("SOAK_GROWTH", "0.05"))
AFTER = float(os.environ.get("SOAK_AFTER", "180"))
TEAMS = ["palau", "fsm", "marshalls", "nauru", "kiribati"][:N_TEAMS]

tmp = tempfile.mkdtemp(prefix="sw-soak-")
args = ["--speed", "%g" % SPEED, "--paused"] + (["--until", UNTIL] if UNTIL else [])
srv = Server(tmp, args=args).start()
admin = srv.admin()
lock = threading.Lock()
lat = {}  # kind -> [seconds]
errors = []  # (kind, detail)
stop = threading.Event()


def timed(kind, fn, ok=(200,)):
    """Time fn(); an answer not in ok is an error (acts: 409 too, which is
    a duplicate share or an act after the exercise ended)."""
    if kind.startswith("act") or kind.startswith("white: h") or kind.startswith("white: b"):
        ok = tuple(ok) + (409,)
    t = time.time()
    try:
        st = fn()
    except OSError as e:
        st = (None, repr(e))
    dt = time.time() - t
    with lock:
        lat.setdefault(kind, []).append(dt)
        if st[0] not in ok:
            errors.append((kind, "%s %s" % (st[0], json.dumps(st[1])[:200] if st[1] is not None else "")))
    return st


class Listener(threading.Thread):
    """The client's stream, open until the end: a drop is an error (it
    reconnects with Last-Event-ID and counts it)."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.events, self.reconnects, self.stream = client, 0, 0, None

    def count(self, frame):
        self.events += 1

    def run(self):
        last = None
        while not stop.is_set():
            try:
                self.stream = s = Stream(self.client, last_event_id=last, timeout=10)
                if s.status != 200:
                    with lock:
                        errors.append(("stream", "status %s" % s.status))
                    time.sleep(1)
                    continue
                s.follow(self.count)
                last = s.last_id or last
            except OSError as e:
                if not stop.is_set():
                    with lock:
                        errors.append(("stream", repr(e)))
                    time.sleep(1)
            if not stop.is_set():
                self.reconnects += 1
                with lock:
                    errors.append(("stream", "dropped"))


RULE = """title: Soak rule %s
id: 50a50a50-0000-4000-8000-%012d
status: test
author: soak
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
level: low
"""
HUNTS = ["EventID:4624 | count by Computer", "CommandLine:*powershell*", "* | top 10 Image",
         "EventID:4625", "* | histogram 10m", "DestinationPort:3389"]


def player(idx, c, team):
    rnd = random.Random(idx)
    p = "/api/v1/teams/%s" % team
    n = 0
    while not stop.is_set():
        r = rnd.random()
        if r < 0.25:
            timed("read network", lambda: c.get(p + "/network"))
        elif r < 0.45:
            st = timed("read alerts", lambda: c.get(p + "/alerts"))
            alerts = st[1].get("alerts", []) if st[0] == 200 else []
            if alerts and rnd.random() < 0.3:
                a = rnd.choice(alerts)
                timed("act: triage", lambda: c.post(p + "/alerts/%d" % a["alert"], {
                    "status": "acknowledged", "assignee": "p%d" % idx}))
        elif r < 0.55:
            timed("read inbox+messages", lambda: c.get(p + "/inbox"))
            timed("read inbox+messages", lambda: c.get(p + "/messages"))
        elif r < 0.65:
            timed("read exercise+scoreboard", lambda: c.get("/api/v1/exercise"))
            timed("read exercise+scoreboard", lambda: c.get("/api/v1/scoreboard"))
        elif r < 0.80:
            timed("hunt", lambda: c.post(p + "/hunt", {"query": rnd.choice(HUNTS), "limit": 50}, timeout=120))
        elif r < 0.85:
            timed("act: message", lambda: c.post(p + "/messages", {"text": "p%d note %d" % (idx, n)}))
        elif r < 0.87 and n > 5:
            timed("act: rule", lambda: c.post(p + "/rules", {"yaml": RULE % (idx, idx * 1000 + n)}))
        elif r < 0.89:
            st = c.get(p + "/network")
            hosts = [h for h in (st[1] or {}).get("hosts", []) if h.get("role") == "workstation"
                     and not h.get("isolated")] if st[0] == 200 else []
            if hosts:
                timed("act: isolate", lambda: c.post(p + "/actions", {
                    "action": "isolate", "host": rnd.choice(hosts)["hostname"]}), ok=(200, 409, 422))
        elif r < 0.90:
            timed("act: report", lambda: c.post(p + "/reports", {
                "title": "Soak %d" % n, "narrative": "seen", "techniques": ["T1078"], "hosts": []}))
        elif r < 0.91:
            timed("act: share", lambda: c.post(p + "/shares", {
                "indicators": [{"type": "ipv4-addr", "value": "203.0.113.%d" % (idx % 250)}], "tlp": "green"}))
        n += 1
        stop.wait(rnd.uniform(1.0, 4.0))  # a person reads before clicking again


def instructor(idx, c):
    rnd = random.Random(1000 + idx)
    n = 0
    while not stop.is_set():
        r = rnd.random()
        if r < 0.3:
            timed("white: scoreboard", lambda: c.get("/api/v1/scoreboard"))
        elif r < 0.5:
            t = rnd.choice(TEAMS)
            timed("white: truth", lambda: c.get("/api/v1/teams/%s/truth" % t))
        elif r < 0.7:
            timed("white: journal", lambda: c.get("/api/v1/journal?after=%d" % max(0, n * 10)))
        elif r < 0.8:
            timed("white: injects", lambda: c.get("/api/v1/injects"))
        elif r < 0.85:
            timed("white: hint", lambda: c.post("/api/v1/teams/%s/hints" % rnd.choice(TEAMS),
                                                {"text": "hint %d" % n}))
        elif r < 0.88:
            timed("white: broadcast", lambda: c.post("/api/v1/broadcasts", {"text": "note %d" % n}))
        else:
            timed("white: network", lambda: c.get("/api/v1/teams/%s/network" % rnd.choice(TEAMS)))
        n += 1
        stop.wait(rnd.uniform(1.0, 4.0))


t_setup = time.time()
clients = []
for ti, team in enumerate(TEAMS):
    for i in range(N_PLAYERS):
        clients.append(("player", ti * N_PLAYERS + i, srv.account(admin, "%s%d" % (team, i), "player", team),
                        team))
for i in range(N_INS):
    clients.append(("instructor", i, srv.account(admin, "white%d" % i, "instructor"), None))
print("soak: %d players in %d teams, %d instructors, %gx%s; accounts made in %.0f s" % (
    N_TEAMS * N_PLAYERS, N_TEAMS, N_INS, SPEED, " until " + UNTIL if UNTIL else "", time.time() - t_setup),
    flush=True)
listeners = [Listener(c) for _, _, c, _ in clients]
for li in listeners:
    li.start()
ins0 = clients[-1][2] if N_INS else admin
threads = [threading.Thread(target=player if kind == "player" else instructor,
                            args=(idx, c, team) if kind == "player" else (idx, c), daemon=True)
           for kind, idx, c, team in clients]
st = ins0.post("/api/v1/exercise/clock", {"what": "start"})
t0 = time.time()
for t in threads:
    t.start()
rss = []  # (seconds, KiB)


def state():
    st = admin.get("/api/v1/exercise")
    return st[1]["clock"]["state"] if st[0] == 200 else None


next_sample = 0
while state() != "ended":
    if time.time() - t0 >= next_sample:
        rss.append((time.time() - t0, srv.rss_kb()))
        print("  %5.0f s  T+%s  RSS %d KiB  requests %d  errors %d" % (
            time.time() - t0, time.strftime("%H:%M", time.gmtime((admin.now_ms() or 0) / 1000)), rss[-1][1],
            sum(len(v) for v in lat.values()), len(errors)), flush=True)
        next_sample += 30
    time.sleep(1)
rss.append((time.time() - t0, srv.rss_kb()))
played = time.time() - t0
print("  the exercise ended after %.0f s; the room goes on for %.0f s" % (played, AFTER), flush=True)
after = []  # (seconds since the end, KiB)
while time.time() - t0 < played + AFTER:
    time.sleep(min(10, max(0.1, played + AFTER - (time.time() - t0))))
    after.append((time.time() - t0 - played, srv.rss_kb()))
    if int(after[-1][0]) % 30 < 10:
        print("  %5.0f s  ended  RSS %d KiB  requests %d  errors %d" % (
            time.time() - t0, after[-1][1], sum(len(v) for v in lat.values()), len(errors)), flush=True)
took = time.time() - t0
stop.set()
for t in threads:
    t.join(60)
for li in listeners:
    if li.stream:
        li.stream.close()
for li in listeners:
    li.join(15)

# ---- figures ---------------------------------------------------------------------------------


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


total = sum(len(v) for v in lat.values())
print("\nsoak: %.0f s of wall time, %d requests (%.1f/s), %d errors" % (took, total, total / took, len(errors)))
print("%-26s %7s %8s %8s %8s %8s" % ("latency (ms)", "n", "p50", "p95", "p99", "max"))
for kind in sorted(lat):
    v = lat[kind]
    print("%-26s %7d %8.1f %8.1f %8.1f %8.1f" % (kind, len(v), pct(v, 50) * 1e3, pct(v, 95) * 1e3,
                                                 pct(v, 99) * 1e3, max(v) * 1e3))
allv = [x for v in lat.values() for x in v]
print("%-26s %7d %8.1f %8.1f %8.1f %8.1f" % ("all", len(allv), pct(allv, 50) * 1e3, pct(allv, 95) * 1e3,
                                             pct(allv, 99) * 1e3, max(allv) * 1e3))
ev = [li.events for li in listeners]
print("streams: %d open, events received per stream: median %d, min %d; reconnects %d" % (
    len(listeners), statistics.median(ev), min(ev), sum(li.reconnects for li in listeners)))
warm = [k for s, k in rss if s >= played / 4] or [rss[-1][1]]
print("server RSS (KiB) during play: start %d, a quarter in %d, at the end %d (%+.1f%%: records, events, "
      "journal kept)" % (rss[0][1], warm[0], rss[-1][1], (rss[-1][1] - warm[0]) * 100.0 / warm[0]))
steady = [k for s, k in after if s >= 60] or [k for _, k in after] or [rss[-1][1]]
growth = (steady[-1] - steady[0]) / float(steady[0])
print("server RSS (KiB) after the end, the room still busy: %d a minute in, %d at %.0f s, peak %d: %+.2f%%" % (
    steady[0], steady[-1], after[-1][0] if after else 0, max(steady), growth * 100))
kinds = {}
for k, d in errors:
    kinds.setdefault(k, []).append(d)
for k, ds in sorted(kinds.items()):
    print("errors, %s: %d, e.g. %s" % (k, len(ds), ds[0]))
ok = not errors and growth <= GROWTH and srv.stop() == 0
print("soak: %s" % ("passed" if ok else "FAILED"))
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(0 if ok else 1)
