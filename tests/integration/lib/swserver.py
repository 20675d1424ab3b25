"""swserver.py — drive `seawall serve` over real HTTP on loopback, for the
integration tests (tests/integration/server_*.py).

  Server   a `seawall serve` on a free 127.0.0.1 port, its database in a
           temporary directory: start, stop (SIGINT), kill (SIGKILL), log
  Client   one browser's worth of state: the session cookie and the CSRF
           token, JSON in and out; req() answers (status, body)
  Stream   the live stream (server-sent events) read frame by frame
  Tally    the checks: ok/FAIL lines and the "N passed, N failed" line
           tests/run.sh reads

Standard library only (python3 is in the bootstrap's test packages)."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

BIN = os.path.abspath(os.environ.get("SW_BIN", "build/seawall"))
# how much slower than a plain build the binary runs (the sanitizer build of
# `make san`: about three times): tests scale their time and memory bounds
SLOW = float(os.environ.get("SW_SLOW", "3" if os.sep + "build-san" + os.sep in BIN else "1"))
ADMIN_PW = "admin-password-for-tests"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print("ok   " + name, flush=True)

    def ko(self, name, detail=""):
        self.failed += 1
        print("FAIL " + name, flush=True)
        if detail:
            print("     " + str(detail)[:2000], flush=True)

    def check(self, name, cond, detail=""):
        if cond:
            self.ok(name)
        else:
            self.ko(name, detail)
        return cond

    def status(self, name, got, want, body=None):
        """got is (status, body); want a status or a tuple of them."""
        wants = want if isinstance(want, tuple) else (want,)
        return self.check(name, got[0] in wants, "status %s, wanted %s: %s" %
                          (got[0], want, json.dumps(got[1])[:400] if got[1] is not None else ""))

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        sys.exit(1 if self.failed else 0)


class Server:
    def __init__(self, tmp, db="ex.db", args=(), admin_pw=ADMIN_PW, preexec=None):
        """db None: serve's default (./seawall.db in tmp); admin_pw None: no
        SEAWALL_ADMIN_PASSWORD (the first start prints one); preexec: run in
        the child before seawall starts (limits: ulimit -n, ulimit -f)."""
        self.preexec = preexec
        self.tmp = tmp
        self.db = os.path.join(tmp, db) if db else None
        self.args = list(args)
        self.admin_pw = admin_pw
        self.port = free_port()
        self.proc = None
        self.starts = 0

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, extra=(), wait=True):
        self.starts += 1
        self.logfile = os.path.join(self.tmp, "serve.%d.log" % self.starts)
        env = dict(os.environ)
        env.pop("SEAWALL_ADMIN_PASSWORD", None)
        if self.admin_pw is not None:
            env["SEAWALL_ADMIN_PASSWORD"] = self.admin_pw
        cmd = [BIN, "serve"] + (["--db", self.db] if self.db else [])
        cmd += ["--listen", "127.0.0.1:%d" % self.port]
        cmd += self.args + list(extra)
        with open(self.logfile, "w") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.tmp, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, preexec_fn=self.preexec)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, seconds=60):
        end = time.time() + seconds
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("seawall serve exited %s: %s" % (self.proc.returncode, self.log()))
            try:
                st, _ = Client(self).req("GET", "/api/v1/me")
                if st == 401:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("seawall serve did not answer in %d s: %s" % (seconds, self.log()))

    def log(self):
        try:
            with open(self.logfile) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("seawall serve did not stop on SIGINT in %d s" % timeout)
        return self.proc.returncode if self.proc else None

    def rss_kb(self):
        """The server's resident memory (VmRSS), in KiB."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def admin(self):
        c = Client(self)
        st, body = c.login("admin", self.admin_pw)
        if st != 200:
            raise RuntimeError("admin cannot log in: %s %s" % (st, body))
        return c

    def account(self, admin, name, role, team=None, password=None):
        """An account (made by admin) and a client logged in as it, its own
        password chosen when the one it got was one-time."""
        body = {"user": name, "role": role}
        if team:
            body["team"] = team
        password = password or (name + "-password-1")
        body["password"] = password
        st, ans = admin.post("/api/v1/users", body)
        if st not in (201, 409):
            raise RuntimeError("cannot add %s: %s %s" % (name, st, ans))
        c = Client(self)
        st, ans = c.login(name, password)
        if st != 200:
            raise RuntimeError("%s cannot log in: %s %s" % (name, st, ans))
        return c


class Client:
    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.origin = None

    def req(self, method, path, body=None, headers=None, raw=None, timeout=60):
        h = {"Accept": "application/json"}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            h["Content-Type"] = "application/json"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = "sw_session=" + self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if self.origin:
            h["Origin"] = self.origin
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            text = resp.read()
            for k, v in resp.getheaders():
                if k.lower() == "set-cookie" and v.startswith("sw_session="):
                    val = v.split(";", 1)[0][len("sw_session="):]
                    self.cookie = val or None
            self.last_headers = dict((k.lower(), v) for k, v in resp.getheaders())
            try:
                ans = json.loads(text) if text else None
            except ValueError:
                ans = text.decode("utf-8", "replace")
            return resp.status, ans
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body if body is not None else {}, **kw)

    def patch(self, path, body=None, **kw):
        return self.req("PATCH", path, body if body is not None else {}, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def login(self, user, password):
        st, ans = self.req("POST", "/api/v1/login", {"user": user, "password": password})
        if st == 200:
            self.csrf = ans.get("csrf")
        return st, ans

    def wait_for(self, what, seconds=60, every=0.1):
        """Poll what() (returning a truthy value when done) for up to seconds."""
        end = time.time() + seconds
        while True:
            v = what()
            if v or time.time() > end:
                return v
            time.sleep(every)

    def now_ms(self):
        st, ans = self.get("/api/v1/exercise")
        return ans["clock"]["now_ms"] if st == 200 else None


class Stream:
    """The live stream of a client, read as frames {id, event, data}."""

    def __init__(self, client, last_event_id=None, timeout=5):
        self.conn = http.client.HTTPConnection("127.0.0.1", client.server.port, timeout=timeout)
        h = {"Accept": "text/event-stream", "Cookie": "sw_session=" + (client.cookie or "")}
        if last_event_id:
            h["Last-Event-ID"] = last_event_id
        self.conn.request("GET", "/api/v1/stream", headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = dict((k.lower(), v) for k, v in self.resp.getheaders())
        self.last_id = last_event_id

    def frames(self, seconds=5, until=None, max_frames=100000):
        """Frames for up to seconds, or until until(frame) is true. (A
        timeout spoils the connection for further reads: for a stream read
        for long, from a thread, use follow.)"""
        return self._read(seconds, until, max_frames)

    def follow(self, on_frame):
        """Hand every frame to on_frame until the stream ends or another
        thread calls close(); returns the number of frames."""
        count = [0]

        def each(frame):
            count[0] += 1
            on_frame(frame)
            return False
        self._read(None, each, None, keep=False)
        return count[0]

    def _read(self, seconds, until, max_frames, keep=True):
        out = []
        end = time.time() + seconds if seconds is not None else None
        cur = {}
        n = 0
        if end is None:
            self.conn.sock.settimeout(None)
        while (end is None or time.time() < end) and (max_frames is None or n < max_frames):
            if end is not None:
                self.conn.sock.settimeout(max(0.05, end - time.time()))
            try:
                line = self.resp.readline()
            except (socket.timeout, TimeoutError):
                break
            except (OSError, ValueError, AttributeError):  # closed by another thread
                break
            if not line:
                break
            line = line.decode("utf-8").rstrip("\r\n")
            if line == "":
                if "event" in cur or "data" in cur:
                    if "data" in cur:
                        try:
                            cur["data"] = json.loads(cur["data"])
                        except ValueError:
                            pass
                    if "id" in cur:
                        self.last_id = cur["id"]
                    n += 1
                    if keep:
                        out.append(cur)
                    if until and until(cur):
                        break
                cur = {}
                continue
            if line.startswith(":"):
                continue
            k, _, v = line.partition(":")
            v = v[1:] if v.startswith(" ") else v
            if k == "data" and "data" in cur:
                cur["data"] += "\n" + v
            else:
                cur[k] = v
        return out

    def close(self):
        try:
            if self.conn.sock:
                self.conn.sock.shutdown(socket.SHUT_RDWR)  # wakes a reader in another thread
        except OSError:
            pass
        try:
            self.conn.close()
        except OSError:
            pass
