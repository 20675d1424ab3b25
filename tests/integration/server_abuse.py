#!/usr/bin/env python3
"""server_abuse.py — hostile HTTP against `seawall serve` on loopback: every
answer bounded, and the server stays responsive for everyone else.

A player of another team (the bystander) reads her team's network and the
exercise once every 50 ms on fresh connections, as a browser does, while
each attack runs; her slowest answer must come within BOUND_S (before
searches ran on their own worker threads, four held her for 9 s). The figures
(median and slowest answer per attack, the server's memory) are printed.

The exercise is the Pacific one with its benign background turned up (web,
DNS) and played at full speed to T+00:30, so a search has ~50,000 records
per team to go through. The server runs with a desktop's soft limit of
1,024 file descriptors (it must raise it itself for its 4,000
connections).

Attacks: oversized headers, URLs and bodies (declared, chunked, endless);
slowloris; one address's connections past its share; malformed JSON and
invalid UTF-8 in bodies, paths and query strings; path traversal; huge
results (10,000 rows) and expensive searches, alone and in parallel;
thousands of open streams."""
import json
import os
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import SLOW, Client, Server, Stream, Tally  # noqa: E402

BOUND_S = float(os.environ.get("SW_ABUSE_BOUND_S", "2.0")) * SLOW
N_STREAMS = int(os.environ.get("SW_ABUSE_STREAMS", "2000"))
WILD_LEN = int(os.environ.get("SW_ABUSE_WILD", "1500"))  # an expensive search's length
# AddressSanitizer keeps freed memory (256 MiB of quarantine) before reusing it
QUARANTINE_KB = 256 * 1024 if SLOW > 1 else 0
T = Tally()
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
tmp = tempfile.mkdtemp(prefix="sw-abuse-")

# ---- the exercise: Pacific, busier background, played to T+00:30 ---------------------------
shutil.copytree(os.path.join(ROOT, "scenarios"), os.path.join(tmp, "scenarios"))
scn = os.path.join(tmp, "scenarios", "pacific-cable", "scenario.yaml")
with open(scn, "a") as f:
    f.write("telemetry:\n  rates:\n    web_per_user_hour: 3000\n    web_hits_per_server_hour: 20000\n"
            "    dns_per_server_hour: 3000\n")


def desktop_limits():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))


T0 = time.time()
srv = Server(tmp, args=["--scenario", scn, "--fast", "--until", "30m"], preexec=desktop_limits).start()
admin = srv.admin()
ins = srv.account(admin, "ins", "instructor")
bob = srv.account(admin, "bob", "player", "fsm")  # the bystander
ana = srv.account(admin, "ana", "player", "palau")
eves = [srv.account(admin, "eve%d" % i, "player", "palau") for i in range(4)]
ended = ins.wait_for(lambda: ins.get("/api/v1/exercise")[1]["clock"]["state"] == "ended", 120 * SLOW, 0.5)
T.check("the busy Pacific exercise played to T+00:30 (%.1f s)" % (time.time() - T0), ended,
        ins.get("/api/v1/exercise"))
st = ana.post("/api/v1/teams/palau/hunt", {"query": "* | count"})
n_records = st[1]["rows"][0]["count"] if st[0] == 200 and st[1]["rows"] else 0
T.check("palau has tens of thousands of records to search (%d)" % n_records, n_records > 20000, st)
journal_len = len(ins.get("/api/v1/journal")[1]["entries"])


class Bystander(threading.Thread):
    """bob reads as a browser would, every 50 ms, each request on a new
    connection, until stopped: the time of each answer, and any failure."""

    def __init__(self):
        super().__init__(daemon=True)
        self.times, self.errors, self.stop = [], [], threading.Event()

    def run(self):
        paths = ["/api/v1/teams/fsm/network", "/api/v1/exercise"]
        i = 0
        while not self.stop.is_set():
            t = time.time()
            try:
                st = bob.get(paths[i % 2], timeout=30)
                if st[0] != 200:
                    self.errors.append(st[0])
            except OSError as e:
                self.errors.append(repr(e))
            self.times.append(time.time() - t)
            i += 1
            self.stop.wait(0.05)


def during(name, attack):
    """Run attack() while bob reads; check her answers stayed fast and right."""
    b = Bystander()
    b.start()
    time.sleep(0.2)
    rss0 = srv.rss_kb()
    t0 = time.time()
    try:
        result = attack()
    finally:
        time.sleep(0.2)
        b.stop.set()
        b.join(60)
    worst = max(b.times) if b.times else None
    med = statistics.median(b.times) if b.times else None
    print("     %s (%.1f s): bystander %d requests, median %.1f ms, slowest %.1f ms; server RSS %d -> %d KiB" % (
        name, time.time() - t0, len(b.times), (med or 0) * 1000, (worst or 0) * 1000, rss0, srv.rss_kb()), flush=True)
    T.check("%s: another team's player is answered throughout (slowest %.2f s <= %.1f s)" % (
        name, worst or -1, BOUND_S), b.times and not b.errors and worst <= BOUND_S,
        "errors %s, slowest %s" % (b.errors[:5], worst))
    T.check("%s: the server is still running" % name, srv.proc.poll() is None, srv.log()[-500:])
    return result


def raw(data, read=True, timeout=10, source="127.0.0.1"):
    """Send bytes on a new connection; the answer's first bytes (b'' when
    the server closed the connection without one)."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout, source_address=(source, 0))
    try:
        try:
            s.sendall(data)
        except OSError:
            pass
        if not read:
            return b""
        got = b""
        try:
            while len(got) < 4096:
                d = s.recv(4096)
                if not d:
                    break
                got += d
                if b"\r\n\r\n" in got and len(got) > 200:
                    break
        except OSError:
            pass
        return got
    finally:
        s.close()


def status_of(answer):
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


AUTH = "Cookie: sw_session=%s\r\nX-CSRF-Token: %s\r\n" % (ins.cookie, ins.csrf)

# ---- 1. oversized headers and URLs ------------------------------------------------------------


def headers():
    out = {}
    out["one header of 200 KB"] = raw(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 +
                                      b"\r\n\r\n")
    out["5,000 headers"] = raw(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" +
                               b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n")
    out["a URL of 100 KB"] = raw(b"GET /api/v1/" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    out["a cookie of 60 KB"] = raw(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: sw_session=" +
                                   b"b" * 60000 + b"\r\n\r\n")
    return out


for what, ans in during("oversized headers", headers).items():
    T.check("%s: refused (4xx) or the connection closed, never served" % what,
            ans == b"" or 400 <= (status_of(ans) or 0) < 500, ans[:120])

# ---- 2. oversized bodies ---------------------------------------------------------------------


def bodies():
    out = {}
    c = Client(srv)
    c.cookie, c.csrf = ins.cookie, ins.csrf
    out["2 MiB to a 1 MiB route"] = c.post("/api/v1/teams/palau/messages", {"text": "x" * (2 << 20)})
    out["9 MiB to an 8 MiB route (a rule)"] = c.post("/api/v1/teams/palau/rules/validate",
                                                     {"yaml": "x" * (9 << 20)})
    # chunked: no Content-Length, 2 MiB in 64 KiB chunks
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(32)) + b"0\r\n\r\n"
    out["2 MiB chunked"] = raw(("POST /api/v1/teams/palau/messages HTTP/1.1\r\nHost: x\r\n"
                                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n" +
                                AUTH + "\r\n").encode() + body)
    # endless: 100 GB declared; then chunked, with no length to refuse up front
    out["endless"] = pour("Content-Length: 100000000000", b"y" * (1 << 20))
    out["endless chunked"] = pour("Transfer-Encoding: chunked",
                                  b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(16)))
    return out


def pour(header, block):
    """POST a body without end, block after block, as fast as it goes (a
    minute or 1 GiB at most): how much was sent before the server closed."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(("POST /api/v1/teams/palau/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
               "\r\n%s\r\n%s\r\n" % (header, AUTH)).encode())
    sent, t0 = 0, time.time()
    try:
        while time.time() - t0 < 60 and sent < (1 << 30):
            s.sendall(block)
            sent += len(block)
    except OSError:
        pass
    s.close()
    return sent


rss_before = srv.rss_kb()
res = during("oversized bodies", bodies)
st = res["2 MiB to a 1 MiB route"]
T.check("a 2 MiB body to a 1 MiB route: 413 too_large, as JSON",
        st[0] == 413 and st[1]["error"]["code"] == "too_large", st[0])
st = res["9 MiB to an 8 MiB route (a rule)"]
T.check("a 9 MiB rule: 413 too_large", st[0] == 413 and st[1]["error"]["code"] == "too_large", st[0])
T.check("a 2 MiB chunked body: 413", status_of(res["2 MiB chunked"]) == 413, res["2 MiB chunked"][:120])
T.check("an endless body is cut off by the server (after %d MiB of a declared 100 GB)" % (
    res["endless"] >> 20), res["endless"] < (256 << 20), res["endless"])
T.check("an endless chunked body is cut off too (after %d MiB)" % (res["endless chunked"] >> 20),
        res["endless chunked"] < (256 << 20), res["endless chunked"])
T.check("... and none of it is kept (RSS %d -> %d KiB)" % (rss_before, srv.rss_kb()),
        srv.rss_kb() - rss_before < 32 * 1024 + QUARANTINE_KB, (rss_before, srv.rss_kb()))

# ---- 3. slowloris ------------------------------------------------------------------------------


def slowloris():
    conns = []
    for i in range(300):
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5, source_address=("127.0.0.2", 0))
            s.sendall(b"GET /api/v1/me HTTP/1.1\r\n")
            conns.append(s)
        except OSError:
            break
    t0 = time.time()
    while time.time() - t0 < 6:  # a header byte a second, each
        for s in conns:
            try:
                s.sendall(b"X")
            except OSError:
                pass
        time.sleep(1)
    n = len(conns)
    for s in conns:
        s.close()
    return n


n = during("slowloris (300 connections, a byte a second)", slowloris)
T.check("slowloris: all 300 trickling connections were open at once (%d)" % n, n == 300, n)

# ---- 4. one address's share ------------------------------------------------------------------


def one_address():
    conns, refused = [], 0
    for i in range(1600):
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5, source_address=("127.0.0.3", 0))
            conns.append(s)
        except OSError:
            refused += 1
    time.sleep(1)
    # the server closes what is past the address's share: those read EOF
    closed = 0
    for s in conns:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    # a request on one of those that stayed open is still served
    alive = [s for s in conns if s.fileno() >= 0]
    for s in conns:
        s.close()
    return len(conns) - closed, closed + refused, len(alive)


kept, cut, _ = during("1,600 connections from one address", one_address)
T.check("one address keeps at most its share of connections (1,500): %d kept, %d cut" % (kept, cut),
        1400 <= kept <= 1500 and cut >= 100, (kept, cut))
T.check("... past the 1,024 descriptors a desktop's soft limit allows (the server raised it)",
        kept > 1100, kept)

# ---- 5. malformed JSON, invalid UTF-8 ------------------------------------------------------------
BAD_BODIES = [
    ("not JSON", b"text=hello"),
    ("a JSON array", b"[1,2,3]"),
    ("truncated", b'{"text": "hel'),
    ("trailing garbage", b'{"text": "a"} garbage'),
    ("invalid UTF-8 in a string", b'{"text": "\xff\xfe"}'),
    ("an overlong UTF-8 slash", b'{"text": "\xc0\xaf"}'),
    ("a UTF-16 surrogate as UTF-8", b'{"text": "\xed\xa0\x80"}'),
    ("a lone surrogate escape", b'{"text": "\\ud800"}'),
    ("a NUL escape", b'{"text": "a\\u0000b"}'),
    ("nested 100,000 deep", b"[" * 100000),
    ("a duplicate key", b'{"text": "a", "text": "b"}'),
    ("a number for a string", b'{"text": 12}'),
    ("an unknown field in invalid UTF-8", b'{"\xff\xfe": 1}'),
    ("an unknown field cut inside a character", b'{"a' + "\u00e9".encode() * 40 + b'": 1}'),
]


def bad_inputs():
    out = []
    for what, body in BAD_BODIES:
        out.append(("body: " + what, ana.req("POST", "/api/v1/teams/palau/messages", raw=body)))
    out.append(("hunt: invalid UTF-8 in the query", ana.req("POST", "/api/v1/teams/palau/hunt",
                                                            raw=b'{"query": "Image:\xc3("}')))
    out.append(("hunt: bidi and control characters", ana.post("/api/v1/teams/palau/hunt",
                                                              {"query": "\u202eImage:\u0007*"})))
    for path in ["/api/v1/%ff%fe", "/api/v1/teams/%ff/network", "/api/v1/teams/palau%c3/network",
                 "/api/v1/report?format=%ff", "/api/v1/report?format=json&until=%ff%fe",
                 "/api/v1/report?format=json&team=%c3%28", "/api/v1/teams/palau/alerts?after=%ff",
                 "/api/v1/journal?kind=%ff&team=%fe&after=x", "/api/v1/teams/palau/rules?all=%00"]:
        who = ins if "/report" in path or "/journal" in path else ana
        out.append(("path: " + path, who.get(path)))
    return out


for what, st in during("malformed JSON and invalid UTF-8", bad_inputs):
    if st[0] == 200:  # a filter that matches nothing is an answer too
        T.check("%s: a JSON answer" % what, isinstance(st[1], dict), st)
        continue
    T.check("%s: refused with a code and a message" % what,
            400 <= st[0] < 500 and isinstance(st[1], dict) and st[1].get("error", {}).get("code") and
            st[1]["error"].get("message"), st)
T.check("nothing malformed was journaled", len(ins.get("/api/v1/journal")[1]["entries"]) == journal_len)

# ---- 6. path traversal ---------------------------------------------------------------------------
TRAVERSALS = ["/../../../../etc/passwd", "/api/v1/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
              "/api/v1/teams/..%2f..%2f..%2fetc%2fpasswd/network", "/static/..%2f..%2f..%2fetc/passwd",
              "/..%5c..%5c..%5cetc%5cpasswd", "/%252e%252e/%252e%252e/etc/passwd",
              "/api/v1/teams/palau/report?format=../../../../etc/passwd", "/index.html/../../etc/passwd",
              "//etc/passwd", "/api/v1/teams/%2e%2e/network"]


def traversal():
    out = []
    for p in TRAVERSALS:
        out.append((p, raw(("GET %s HTTP/1.1\r\nHost: x\r\nCookie: sw_session=%s\r\nConnection: close\r\n\r\n"
                            % (p, ins.cookie)).encode())))
    return out




def etag(ans):
    for line in ans.split(b"\r\n"):
        if line.lower().startswith(b"etag:"):
            return line.split(b":", 1)[1].strip()
    return None


# the interface's files are compiled in (static.c): a path without a dot
# outside /api/ is one of its own pages, answered with index.html
index = raw(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
T.check("the interface's index.html is served at / (with an ETag)", status_of(index) == 200 and etag(index),
        index[:200])
for p, ans in during("path traversal", traversal):
    T.check("traversal %s: no file's content: an error or the interface's own index.html" % p,
            b"root:" not in ans and ((status_of(ans) or 0) in (400, 403, 404) or (
                status_of(ans) == 200 and etag(ans) == etag(index) and "/api/" not in p)), ans[:160])

# ---- 7. huge results, expensive searches --------------------------------------------------------
WILD = " OR ".join("*%s*%s*%s*%s*" % (a, b, c, d) for a, b, c, d in zip(
    "qwertyuiopasdfghjklzxcvbnm" * 20, "zxcvbnmlkjhgfdsapoiuytrewq" * 20,
    "mnbvcxzasdfghjklpoiuytrewq" * 20, "plmoknijbuhvygctfxrdzeswaq" * 20))[:WILD_LEN]
sizes = {}


def hunt(c, body, key):
    t = time.time()
    st = c.post("/api/v1/teams/palau/hunt", body, timeout=120)
    sizes[key] = (st[0], len(json.dumps(st[1])), time.time() - t,
                  len(st[1].get("rows", [])) if isinstance(st[1], dict) else 0,
                  st[1].get("truncated") if isinstance(st[1], dict) else None)


def huge():
    hunt(ana, {"query": "*", "limit": 10000}, "all")
    return sizes["all"]


st, size, took, rows, trunc = during("a hunt of 10,000 rows", huge)
T.check("a hunt of 10,000 rows: at most 10,000 rows, said to be truncated (%d rows, %.1f MB, %.1f s)" % (
    rows, size / 1e6, took), st == 200 and rows == 10000 and trunc, (st, rows, trunc))
T.check("... the limit is enforced (10,001 refused)",
        ana.post("/api/v1/teams/palau/hunt", {"query": "*", "limit": 10001})[0] == 400)


def parallel():
    ths = [threading.Thread(target=hunt, args=(c, {"query": WILD + " | count"}, "wild%d" % i))
           for i, c in enumerate(eves)]
    ths += [threading.Thread(target=hunt, args=(ana, {"query": "*", "limit": 10000}, "all2"))]
    for t in ths:
        t.start()
        time.sleep(0.02)
    for t in ths:
        t.join(300)


during("four expensive searches and a 10,000-row one, in parallel", parallel)
slow = [sizes["wild%d" % i] for i in range(4)]
print("     the searches: %s" % ", ".join("%d in %.1f s" % (s[0], s[2]) for s in slow + [sizes["all2"]]),
      flush=True)
T.check("every search was answered (%s)" % [s[0] for s in slow + [sizes["all2"]]],
        all(s[0] == 200 for s in slow + [sizes["all2"]]), slow)


def flood():
    """One player sends twelve expensive searches at once (eight may wait);
    meanwhile another team's player searches her own records."""
    ths = [threading.Thread(target=hunt, args=(eves[0], {"query": WILD[:WILD_LEN // 2] + " | count"},
                                               "flood%d" % i)) for i in range(12)]
    for t in ths:
        t.start()
    time.sleep(0.3)
    t0 = time.time()
    st = bob.post("/api/v1/teams/fsm/hunt", {"query": "EventID:4624 | count by Computer"}, timeout=120)
    took = time.time() - t0
    for t in ths:
        t.join(300)
    return st, took


st, took = during("one player's twelve searches at once", flood)
codes = [sizes["flood%d" % i][0] for i in range(12)]
print("     the flood: %s" % codes, flush=True)
T.check("one player's flood: eight wait, one runs, the rest are 429 (%d answered, %d refused)" % (
    codes.count(200), codes.count(429)), codes.count(200) >= 8 and codes.count(429) >= 1 and
    codes.count(200) + codes.count(429) == 12, codes)
# one account's searches take one worker at most: the other one is free
T.check("... and meanwhile another team's search is answered within %.1f s (%.2f s)" % (BOUND_S / 2, took),
        st[0] == 200 and took <= BOUND_S / 2, (st[0], took))

# ---- 8. thousands of open streams ---------------------------------------------------------------


def open_stream(cookie, source):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10, source_address=(source, 0))
    s.sendall(("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
               "Cookie: sw_session=%s\r\n\r\n" % cookie).encode())
    return s


def streams():
    watch = Stream(bob, timeout=10)  # bob's own stream, opened before
    socks, failed = [], 0
    for i in range(N_STREAMS):
        try:
            socks.append(open_stream(ana.cookie, "127.0.0.%d" % (4 + i % 3)))
        except OSError:
            failed += 1
    time.sleep(1)
    rss = srv.rss_kb()
    t0 = time.time()
    st = ins.post("/api/v1/broadcasts", {"text": "while %d streams are open" % N_STREAMS})
    got = watch.frames(10, until=lambda f: f.get("event") == "act" and "streams are open" in json.dumps(
        f.get("data")))
    delivered = time.time() - t0 if any(f.get("event") == "act" for f in got) else None
    # a sample of the crowd got it too
    reached = 0
    for s in socks[::max(1, len(socks) // 20)]:
        s.settimeout(5)
        buf = b""
        try:
            while b"streams are open" not in buf and len(buf) < 65536:
                d = s.recv(8192)
                if not d:
                    break
                buf += d
        except OSError:
            pass
        reached += b"streams are open" in buf
    n = len(socks)
    for s in socks:
        s.close()
    watch.close()
    return n, failed, rss, st, delivered, reached, len(socks[::max(1, len(socks) // 20)])


n, failed, rss, st, delivered, reached, sample = during("%d open streams" % N_STREAMS, streams)
T.check("%d streams open at once (%d failed)" % (n, failed), n == N_STREAMS and not failed, (n, failed))
T.check("... the server's memory stays bounded with them open (%d KiB)" % rss, rss < 512 * 1024 * SLOW, rss)
T.check("a broadcast while they are open is answered", st[0] == 200, st)
T.check("... and reaches a bystander's stream promptly (%s s)" % (
    "%.2f" % delivered if delivered is not None else "never"), delivered is not None and delivered < BOUND_S,
    delivered)
T.check("... and every sampled stream of the crowd (%d of %d)" % (reached, sample), reached == sample,
        (reached, sample))

T.check("after every attack the server stops cleanly", srv.stop() == 0, srv.log()[-500:])
shutil.rmtree(tmp, ignore_errors=True)
T.summary()
