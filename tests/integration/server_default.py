#!/usr/bin/env python3
"""server_default.py — what `make run` starts: `seawall serve` with its
defaults, in a fresh directory (only the port is moved off 8080 so tests
can run beside a real server). The built-in Pacific exercise in
./seawall.db, the URL printed, the administrator's one-time password printed
once on the first start and never again; a second start resumes the same
exercise (re-running never destroys one); a file that is not a seawall
database is refused and left alone."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import BIN, Client, Server, Tally  # noqa: E402

T = Tally()
tmp = tempfile.mkdtemp(prefix="sw-default-")
srv = Server(tmp, db=None, admin_pw=None)  # no --db, no --scenario, no password given


srv.start()
out = srv.log()
m = re.search(r"administrator 'admin', password (\S+)", out)
T.check("the first start prints the administrator's password once", m, out)
T.check("... and where to point a browser", "open http://127.0.0.1:%d/" % srv.port in out, out)
T.check("the database is ./seawall.db", os.path.exists(os.path.join(tmp, "seawall.db")), os.listdir(tmp))
c = Client(srv)
st = c.login("admin", m.group(1) if m else "")
T.check("the printed password logs in (and must be changed)", st[0] == 200 and st[1]["must_change"], st)
c.post("/api/v1/me/password", {"current": m.group(1) if m else "", "new": "organiser-password-1"})
c = Client(srv)
c.login("admin", "organiser-password-1")
st = c.get("/api/v1/exercise")
T.check("the exercise is the built-in Pacific one, its clock running",
        st[0] == 200 and st[1]["name"] == "Pacific Cable" and st[1]["clock"]["state"] == "running", st)
c.post("/api/v1/broadcasts", {"text": "before the restart"})
T.check("Ctrl-C stops it", srv.stop() == 0, srv.log()[-300:])

srv.start()
out = srv.log()
T.check("a second start resumes the same exercise", "resumed" in out, out)
T.check("... and prints no password", "password" not in out, out)
c = Client(srv)
T.status("... the organiser's own password still works", c.login("admin", "organiser-password-1"), 200)
st = c.get("/api/v1/journal?kind=message.post")
T.check("... and what was done before is there", st[0] == 200 and any(
    e["payload"].get("text") == "before the restart" for e in st[1]["entries"]), st)
st = c.get("/api/v1/journal?kind=exercise.create")
T.check("... created once", st[0] == 200 and len(st[1]["entries"]) == 1, st)
srv.stop()

# not a seawall database: refused, untouched
other = os.path.join(tmp, "notes.db")
with open(other, "w") as f:
    f.write("my notes, not an exercise\n")
p = subprocess.run([BIN, "serve", "--db", other, "--listen", "127.0.0.1:%d" % srv.port], cwd=tmp,
                   capture_output=True, text=True, timeout=60)
T.check("a file that is not a seawall database is refused with a message", p.returncode != 0 and
        "notes.db" in p.stderr, p.stderr)
with open(other) as f:
    T.check("... and left as it was", f.read() == "my notes, not an exercise\n")
p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:99999"], cwd=tmp, capture_output=True, text=True,
                   timeout=60)
T.check("a bad --listen is refused, saying what it wants", p.returncode != 0 and "ADDR:PORT" in p.stderr,
        p.stderr)

# HTTPS with a certificate and key (docs/operations.md)
key, crt = os.path.join(tmp, "seawall.key"), os.path.join(tmp, "seawall.crt")
p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-keyout", key, "-out", crt], capture_output=True, text=True)
T.check("openssl makes a self-signed certificate", p.returncode == 0, p.stderr)
tls = Server(tempfile.mkdtemp(prefix="sw-tls-"), args=["--tls-cert", crt, "--tls-key", key,
                                                       "--paused"])
tls.start(wait=False)
import http.client  # noqa: E402
import json  # noqa: E402
import ssl  # noqa: E402
import time  # noqa: E402
ctx = ssl.create_default_context(cafile=crt)
ctx.check_hostname = False
answer = None
for _ in range(300):
    try:
        conn = http.client.HTTPSConnection("127.0.0.1", tls.port, context=ctx, timeout=10)
        conn.request("POST", "/api/v1/login", body=json.dumps({"user": "admin", "password": tls.admin_pw}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        answer = (r.status, r.getheader("Set-Cookie") or "", r.read())
        conn.close()
        break
    except OSError:
        time.sleep(0.1)
T.check("over HTTPS the login works", answer and answer[0] == 200, answer)
T.check("... and the session cookie is Secure", answer and "; Secure" in answer[1], answer)
T.check("the log says https", "open https://" in tls.log(), tls.log())
try:
    conn = http.client.HTTPConnection("127.0.0.1", tls.port, timeout=5)
    conn.request("GET", "/api/v1/me")
    plain = conn.getresponse().status
except (OSError, http.client.HTTPException):
    plain = None
T.check("plain HTTP on the TLS port gets no answer", plain is None, plain)
tls.stop()
p = subprocess.run([BIN, "serve", "--db", os.path.join(tmp, "t2.db"), "--tls-cert", crt], cwd=tmp,
                   capture_output=True, text=True, timeout=60)
T.check("a certificate without its key is refused", p.returncode != 0 and "--tls-key" in p.stderr,
        p.stderr)
T.summary()
