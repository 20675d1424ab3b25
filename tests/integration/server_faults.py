#!/usr/bin/env python3
"""server_faults.py — `seawall serve` under faults, over real HTTP on loopback.

1. A resume leaves the database writable: an exercise stopped after the
   adversary's records exist (ground truth in the store) and started again
   paused must let people log in and the white cell start the clock at once
   (the resume's ground-truth rows once held SQLite's write lock until a
   flush that a paused exercise never makes: every login and act failed
   with "database is locked").
2. A disk that fills during live play (the server's file size limit
   lowered under it with prlimit, as `ulimit -f` would: writes fail with
   EFBIG; SIGXFSZ ignored as a service manager would): acts are refused
   with a clear error and journal nothing, a login is refused as
   unavailable (not as a wrong password), reads go on, the log says so
   once rather than ten times a second; when space returns play goes on,
   the exercise advances again, and everything acknowledged is in the
   journal, its chain intact. (A small tmpfs would need root to mount:
   the limit gives the same failed writes without it.)"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import BIN, SLOW, Client, Server, Tally  # noqa: E402

T = Tally()

# ---- 1. a paused resume holds no lock ---------------------------------------------------
tmp = tempfile.mkdtemp(prefix="sw-faults-")
srv = Server(tmp, args=["--fast"]).start()
admin = srv.admin()
ins = srv.account(admin, "ins", "instructor")
# by T+01:30 the adversary holds footholds on palau, and its records
# (with their ground truth) are in palau's store
ins.wait_for(lambda: (ins.now_ms() or 0) >= 90 * 60000, 90)
st = ins.get("/api/v1/teams/palau/truth")
T.check("the adversary reached palau by T+01:30 (its records carry ground truth)",
        st[0] == 200 and any(a.get("footholds") for a in st[1]["adversaries"]), st)
ins.post("/api/v1/exercise/clock", {"what": "pause"})
T.check("the white cell pauses the clock", ins.wait_for(
    lambda: ins.get("/api/v1/exercise")[1]["clock"]["state"] == "paused", 10))
paused_at = ins.now_ms()
T.check("serve stops", srv.stop() == 0, srv.log()[-300:])
srv.start(extra=["--paused"])
t0 = time.time()
c = Client(srv)
st = c.login("ins", "ins-password-1")
T.check("after a paused resume an instructor logs in at once (%.1f s)" % (time.time() - t0),
        st[0] == 200 and time.time() - t0 < 3, st)
t0 = time.time()
st = c.post("/api/v1/exercise/clock", {"what": "resume"})
T.check("... and resumes the clock at once (%.1f s)" % (time.time() - t0),
        st[0] == 200 and time.time() - t0 < 3, st)
T.check("... from where it was paused", (c.now_ms() or 0) >= paused_at, (c.now_ms(), paused_at))
srv.stop()
shutil.rmtree(tmp, ignore_errors=True)

# ---- 2. a disk that fills during play ---------------------------------------------------
tmp = tempfile.mkdtemp(prefix="sw-diskfull-")


def no_sigxfsz():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


srv = Server(tmp, args=["--speed", "120"], preexec=no_sigxfsz).start()
admin = srv.admin()
ins = srv.account(admin, "ins", "instructor")
ana = srv.account(admin, "ana", "player", "palau")
srv.account(admin, "bob", "player", "fsm")
acked, refused = [], []


def say(text):
    st = ana.post("/api/v1/teams/palau/messages", {"text": text})
    (acked if st[0] == 200 else refused).append((text, st))
    return st


for i in range(3):
    T.check("before: a message is acknowledged", say("before %d" % i)[0] == 200)


def largest():
    return max(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs)


# the disk fills: no file may grow past its size now (plus a page or two)
limit = largest() + 16384
resource.prlimit(srv.proc.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
t0, st = time.time(), (200, None)
while st[0] == 200 and time.time() - t0 < 20:
    st = say("while filling %d" % len(acked))
    time.sleep(0.2)
T.check("once the disk is full an act is refused (%.1f s in)" % (time.time() - t0), st[0] != 200, st)
T.check("... with an error saying it was not done", st[0] >= 500 and "not done" in st[1]["error"]["message"],
        st)
time.sleep(2)
st = say("while full")
T.check("... and so is the next, two seconds later", st[0] >= 500, st)
c = Client(srv)
st = c.login("bob", "bob-password-1")
T.check("a login with the right password while the disk is full: 503, saying the server cannot write "
        "(not a wrong password)", st[0] == 503 and st[1]["error"]["code"] == "unavailable" and
        "cannot write" in st[1]["error"]["message"], st)
T.status("reads go on (the team's network)", ana.get("/api/v1/teams/palau/network"), 200)
T.check("the server is still running", srv.proc.poll() is None, srv.log()[-300:])
time.sleep(3)
n_said = srv.log().count("stopped advancing")
T.check("the log says the exercise stopped advancing, once (%d times in 5 s)" % n_said, 1 <= n_said <= 2,
        srv.log()[-600:])
# space returns
resource.prlimit(srv.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
before = ins.now_ms()
ok = ins.wait_for(lambda: say("after %d" % len(acked))[0] == 200, 20 * SLOW, 0.5)
T.check("when space returns acts are acknowledged again", ok, refused[-1:])
T.check("... a login works", c.login("bob", "bob-password-1")[0] == 200)
T.check("... the exercise advances again, and the log says so",
        ins.wait_for(lambda: "advances again" in srv.log(), 20 * SLOW) and (ins.now_ms() or 0) > before,
        srv.log()[-400:])
entries = ins.get("/api/v1/journal")[1]["entries"]
texts = [e["payload"].get("text") for e in entries if isinstance(e.get("payload"), dict)]
T.check("everything acknowledged is in the journal (%d messages)" % len(acked),
        all(t in texts for t, _ in acked), ([t for t, _ in acked if t not in texts], texts))
T.check("... and nothing refused is (%d refused)" % len(refused), not any(t in texts for t, _ in refused),
        [t for t, _ in refused if t in texts])
T.check("serve stops", srv.stop() == 0, srv.log()[-300:])
v = subprocess.run([BIN, "journal", "--db", srv.db, "--verify"], capture_output=True, text=True)
T.check("the journal's chain is intact", v.returncode == 0, v.stdout + v.stderr)
shutil.rmtree(tmp, ignore_errors=True)

T.summary()
