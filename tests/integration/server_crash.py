#!/usr/bin/env python3
"""server_crash.py — kill -9 of `seawall serve` during play loses nothing
that was acknowledged: players keep acting (chat, actions, reports) from
two teams while the server is killed five times at random moments and
restarted on the same database; afterwards every act that got a 200 is
there, in order, sessions still work, the clock went back by at most one
flush (a wall second), and a stream reconnecting with an id from before the
crash is told to reload."""
import os
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import Client, Server, Stream, Tally  # noqa: E402

T = Tally()
rng = random.Random(int(os.environ.get("SW_CRASH_SEED", "7")))
tmp = tempfile.mkdtemp(prefix="sw-crash-")
srv = Server(tmp, args=["--scenario", "pacific-cable", "--speed", "300"]).start()
admin = srv.admin()
pal = srv.account(admin, "pal", "player", "palau")
fsm = srv.account(admin, "fsmp", "player", "fsm")
ins = srv.account(admin, "ins", "instructor")
net = pal.get("/api/v1/teams/palau/network")[1]
hosts = [h["hostname"] for h in net["hosts"]]

acked = []  # (team, kind, key, seq)
lock = threading.Lock()
stop = threading.Event()


def player(client, team, tag):
    i = 0
    while not stop.is_set():
        i += 1
        key = "%s-%d" % (tag, i)
        try:
            kind = i % 3
            if kind == 0:
                st, ans = client.post("/api/v1/teams/%s/messages" % team, {"text": key}, timeout=5)
                k = "message.post"
            elif kind == 1:
                ip = "192.0.2.%d" % (i % 250 + 1) if team == "fsm" else "198.51.100.%d" % (i % 250 + 1)
                st, ans = client.post("/api/v1/teams/%s/actions" % team,
                                      {"action": "block-ip", "value": ip}, timeout=5)
                k = "action"
            else:
                st, ans = client.post("/api/v1/teams/%s/reports" % team,
                                      {"title": key, "narrative": "crash test " + key}, timeout=5)
                k = "report.submit"
        except OSError:
            time.sleep(0.05)  # the server is down: try again
            continue
        if st == 200:
            with lock:
                acked.append((team, k, key, ans["seq"]))
        elif st not in (409, 422, 503):
            time.sleep(0.05)


threads = [threading.Thread(target=player, args=(pal, "palau", "p")),
           threading.Thread(target=player, args=(fsm, "fsm", "f"))]
for t in threads:
    t.start()

last_now = 0
before_id = None
for k in range(5):
    time.sleep(rng.uniform(0.4, 1.5))
    now = ins.now_ms() or last_now
    if k == 0:
        s = Stream(pal)
        s.frames(1.5, until=lambda f: "id" in f)
        before_id = s.last_id
        s.close()
    with lock:
        n_before = len(acked)
    srv.kill()
    T.check("kill -9 #%d during play (%d acts acknowledged so far)" % (k + 1, n_before),
            srv.proc.returncode == -9, srv.proc.returncode)
    try:
        srv.start()
        T.ok("serve restarts on the same database after kill #%d" % (k + 1))
    except RuntimeError as e:
        T.ko("serve restarts on the same database after kill #%d" % (k + 1), e)
        break
    T.check("... and says it resumed", "resumed" in srv.log(), srv.log()[-300:])
    after = ins.now_ms()
    # progress is written with each flush (once a wall second): a crash may
    # take the clock back by up to that, never more (300x: 300 s, + slack)
    T.check("... the clock went back by at most a flush's worth (%s >= %s - 450000)" % (after, now),
            after is not None and after >= now - 450000, (after, now))
    last_now = after or now

stop.set()
for t in threads:
    t.join(30)

# everything acknowledged is there
journal = ins.get("/api/v1/journal")[1]["entries"]
by_seq = dict((e["seq"], e) for e in journal)
missing = [a for a in acked if a[3] not in by_seq or by_seq[a[3]]["kind"] != a[1] or
           by_seq[a[3]]["team"] != a[0]]
T.check("every one of %d acknowledged acts is in the journal under its number" % len(acked),
        acked and not missing, missing[:5])
texts = set(m["payload"].get("text") for m in pal.get("/api/v1/teams/palau/messages")[1]["messages"])
lost = [a for a in acked if a[0] == "palau" and a[1] == "message.post" and a[2] not in texts]
T.check("palau's acknowledged chat messages are all in its messages", not lost, lost[:5])
titles = set(r["payload"]["title"] for r in fsm.get("/api/v1/teams/fsm/reports")[1]["reports"])
lost = [a for a in acked if a[0] == "fsm" and a[1] == "report.submit" and a[2] not in titles]
T.check("fsm's acknowledged reports are all in its reports", not lost, lost[:5])
acts = set(a["seq"] for a in pal.get("/api/v1/teams/palau/actions")[1]["actions"])
lost = [a for a in acked if a[0] == "palau" and a[1] == "action" and a[3] not in acts]
T.check("palau's acknowledged actions are all in its actions", not lost, lost[:5])
seqs = [e["seq"] for e in journal]
T.check("the journal's numbers only go up", seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "")
T.status("a session from before the crashes still works", pal.get("/api/v1/me"), 200)
s = Stream(pal, last_event_id=before_id)
f = s.frames(3)
s.close()
T.check("a stream resuming from before the crash gets a reset (reload)", f and f[0]["event"] == "reset",
        f[:2])
srv.stop()
T.check("serve stops cleanly at the end", srv.proc.returncode == 0, srv.log()[-300:])
T.summary()
