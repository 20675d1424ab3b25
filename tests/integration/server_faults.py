#!/usr/bin/env python3
"""server_faults.py — `seawall serve` under faults, over real HTTP on loopback.

1. A resume leaves the database writable: an exercise stopped after the
   adversary's records exist (ground truth in the store) and started again
   paused must let people log in and the white cell start the clock at once
   (the resume's ground-truth rows once held SQLite's write lock until a
   flush that a paused exercise never makes: every login and act failed
   with "database is locked")."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import Client, Server, Tally  # noqa: E402

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

T.summary()
