#!/usr/bin/env python3
"""server_session.py — sessions of `seawall serve` against the usual attacks.

1. Fixation: a cookie presented at login (made up, or another account's)
   is never adopted: login always issues a new token, and the one
   presented keeps meaning what it meant. Logout, a password change and
   disabling an account end sessions at once (no cache keeps them alive).
2. Cookie flags: HttpOnly, SameSite=Strict, Path=/, no Domain, a day at
   most; tokens of 256 bits, all different; the CSRF token is not the
   session token; logout clears the cookie.
3. CSRF on every state-changing route, taken from `seawall serve
   --routes`: without the X-CSRF-Token header, with another session's
   token, or from another origin, each is refused (403 csrf / origin) and
   journals nothing; with its own token the same request gets past the
   check. Login from another origin is refused too.
4. Login rate limiting: per address and name (five failures), per name
   from any number of addresses (twenty), and under thirty guesses sent at
   once (the limit is checked and counted atomically); an unknown name is
   limited the same way and told the same thing as a wrong password."""
import base64
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import BIN, Client, Server, Tally  # noqa: E402

T = Tally()
tmp = tempfile.mkdtemp(prefix="sw-session-")
srv = Server(tmp, args=["--paused"]).start()
admin = srv.admin()
ins = srv.account(admin, "ins", "instructor")
ana = srv.account(admin, "ana", "player", "palau")
eve = srv.account(admin, "eve", "player", "fsm")


def http_req(method, path, body=None, cookie=None, csrf=None, origin=None, source="127.0.0.1"):
    """One request from a chosen source address: (status, body, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60, source_address=(source, 0))
    h = {"Content-Type": "application/json"}
    if cookie is not None:
        h["Cookie"] = "sw_session=" + cookie
    if csrf is not None:
        h["X-CSRF-Token"] = csrf
    if origin is not None:
        h["Origin"] = origin
    try:
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=h)
        resp = conn.getresponse()
        text = resp.read()
        try:
            ans = json.loads(text) if text else None
        except ValueError:
            ans = text
        return resp.status, ans, resp.getheaders()
    finally:
        conn.close()


def set_cookie(headers):
    v = [v for k, v in headers if k.lower() == "set-cookie"]
    return v[0] if v else None


def token_of(cookie_header):
    return cookie_header.split(";", 1)[0].split("=", 1)[1] if cookie_header else None


def me(token):
    st, ans, _ = http_req("GET", "/api/v1/me", cookie=token)
    return ans.get("user") if st == 200 and isinstance(ans, dict) else st


def login(user, password, cookie=None, source="127.0.0.1", origin=None):
    st, ans, hdr = http_req("POST", "/api/v1/login", {"user": user, "password": password}, cookie=cookie,
                            source=source, origin=origin)
    return st, ans, token_of(set_cookie(hdr)), set_cookie(hdr)


# ---- 1. fixation ----------------------------------------------------------------------------------
chosen = "ab" * 32
st, ans, tok, _ = login("ana", "ana-password-1", cookie=chosen)
T.check("login presenting a made-up cookie issues a new token", st == 200 and tok and tok != chosen, (st, tok))
T.check("... and the made-up one opens nothing", me(chosen) == 401, me(chosen))
T.check("... the new one is ana's", me(tok) == "ana", me(tok))
st, ans, tok2, _ = login("ana", "ana-password-1", cookie=eve.cookie)
T.check("ana logging in with eve's cookie planted gets a token of her own", st == 200 and tok2 not in (
    eve.cookie, tok), tok2)
T.check("... eve's token is still eve's, not ana's", me(eve.cookie) == "eve", me(eve.cookie))
T.check("... and ana's new one is ana's", me(tok2) == "ana", me(tok2))
st, ans, hdr = http_req("POST", "/api/v1/logout", {}, cookie=tok2, csrf=ans["csrf"])
T.check("logout clears the cookie (empty, Max-Age=0)", st == 200 and set_cookie(hdr).startswith("sw_session=;")
        and "Max-Age=0" in set_cookie(hdr), set_cookie(hdr))
T.check("... and the token opens nothing at once", me(tok2) == 401, me(tok2))
T.check("... ana's other session is untouched", me(tok) == "ana", me(tok))
# a password change ends every other session of the account
c1, c2 = Client(srv), Client(srv)
c1.login("ana", "ana-password-1")
c2.login("ana", "ana-password-1")
old1 = c1.cookie
st = c1.post("/api/v1/me/password", {"current": "ana-password-1", "new": "ana-password-2"})
T.check("a password change answers a new session to the one that made it",
        st[0] == 200 and c1.cookie and c1.cookie != old1 and me(c1.cookie) == "ana", st)
T.check("... every other session of the account ends at once (and the old token of this one)",
        me(c2.cookie) == 401 and me(tok) == 401 and me(old1) == 401, (me(c2.cookie), me(tok), me(old1)))
c1.post("/api/v1/me/password", {"current": "ana-password-2", "new": "ana-password-1"})
# disabling ends sessions at once
st = admin.patch("/api/v1/users/eve", {"disabled": True})
T.check("disabling an account ends its sessions at once", st[0] == 200 and me(eve.cookie) == 401,
        (st, me(eve.cookie)))
admin.patch("/api/v1/users/eve", {"disabled": False})
eve = Client(srv)
eve.login("eve", "eve-password-1")

# ---- 2. cookie flags ------------------------------------------------------------------------------
st, ans, tok, raw_cookie = login("ins", "ins-password-1")
attrs = [a.strip() for a in raw_cookie.split(";")][1:]
low = [a.lower() for a in attrs]
T.check("the session cookie is HttpOnly, SameSite=Strict, Path=/ (%s)" % raw_cookie.replace(tok, "…"),
        "httponly" in low and "samesite=strict" in low and "path=/" in low, raw_cookie)
T.check("... has no Domain (this host only)", not any(a.startswith("domain") for a in low), attrs)
age = [int(a.split("=")[1]) for a in low if a.startswith("max-age=")]
T.check("... lasts a day at most (Max-Age %s)" % age, age and 0 < age[0] <= 86400, age)
T.check("... and is not Secure over plain HTTP on loopback (browsers would drop it)",
        "secure" not in low, attrs)
tokens = [login("ins", "ins-password-1")[2] for _ in range(8)]
T.check("session tokens are 256 bits (base64url), all different",
        all(len(base64.urlsafe_b64decode(t + "=")) == 32 for t in tokens) and len(set(tokens)) == len(tokens),
        tokens)
T.check("the CSRF token is not the session token", ans["csrf"] != tok and len(ans["csrf"]) >= 32, ans)

# ---- 3. CSRF on every state-changing route --------------------------------------------------------
routes = json.loads(subprocess.run([BIN, "serve", "--routes"], capture_output=True, text=True).stdout)
writes = [r for r in routes if r["method"] not in ("GET", "HEAD")]
T.check("the route table has state-changing routes (%d), each but login under CSRF" % len(writes),
        len(writes) > 20 and all(r["csrf"] == (r["path"] != "/api/v1/login") for r in writes),
        [r["path"] for r in writes if r["csrf"] != (r["path"] != "/api/v1/login")])
PARAMS = {"{team}": "palau", "{id}": "1"}
journal0 = len(ins.get("/api/v1/journal")[1]["entries"])
white = Client(srv)
white.login("admin", srv.admin_pw)
for r in writes:
    if r["path"] == "/api/v1/login":
        continue
    path = r["path"]
    for k, v in PARAMS.items():
        path = path.replace(k, v)
    who = white if "admin" in r["roles"] else ins
    what = "%s %s" % (r["method"], r["path"])
    st, ans, _ = http_req(r["method"], path, {}, cookie=who.cookie)
    T.check("%s: refused without X-CSRF-Token (403 csrf)" % what,
            st == 403 and ans["error"]["code"] == "csrf", (st, ans))
    st, ans, _ = http_req(r["method"], path, {}, cookie=who.cookie, csrf=eve.csrf)
    T.check("%s: refused with another session's token" % what,
            st == 403 and ans["error"]["code"] == "csrf", (st, ans))
    st, ans, _ = http_req(r["method"], path, {}, cookie=who.cookie, csrf=who.csrf, origin="http://evil.example")
    T.check("%s: refused from another origin (403 origin)" % what,
            st == 403 and ans["error"]["code"] == "origin", (st, ans))
T.check("none of the refused requests journaled anything",
        len(ins.get("/api/v1/journal")[1]["entries"]) == journal0)
passed = []
for r in writes:  # with its own token (an empty body: most answer 400), logout last
    if r["path"] in ("/api/v1/login", "/api/v1/logout"):
        continue
    path = r["path"]
    for k, v in PARAMS.items():
        path = path.replace(k, v)
    who = white if "admin" in r["roles"] else ins
    st, ans, _ = http_req(r["method"], path, {}, cookie=who.cookie, csrf=who.csrf,
                          origin="http://127.0.0.1:%d" % srv.port)
    passed.append((r["method"], r["path"], st, (ans or {}).get("error", {}).get("code")
                   if isinstance(ans, dict) else None))
T.check("with its own token and origin every such request gets past the check",
        all(p[3] not in ("csrf", "origin") for p in passed), [p for p in passed if p[3] in ("csrf", "origin")])
st, ans, _ = http_req("POST", "/api/v1/logout", {}, cookie=white.cookie, csrf=white.csrf)
T.check("... logout too", st == 200, (st, ans))
st, ans, tok, _ = login("ins", "ins-password-1", origin="http://evil.example")
T.check("a login from another origin is refused (login CSRF)",
        st == 403 and ans["error"]["code"] == "origin" and not tok, (st, ans))

# ---- 4. login rate limiting -------------------------------------------------------------------------
admin = srv.admin()
for name in ("kim", "lee", "max", "ned"):
    admin.post("/api/v1/users", {"user": name, "role": "player", "team": "palau",
                                 "password": name + "-password-1"})
codes = [login("kim", "wrong-%d" % i, source="127.0.0.2")[0] for i in range(6)]
T.check("five failed logins for a name from one address, then 429 (%s)" % codes,
        codes == [401] * 5 + [429], codes)
st = login("kim", "kim-password-1", source="127.0.0.2")
T.check("... the right password from there is refused too, until the window passes",
        st[0] == 429 and not st[2], st[:2])
T.check("... another name from that address is not held", login("lee", "lee-password-1",
                                                               source="127.0.0.2")[0] == 200)
T.check("... nor the same name from another address", login("kim", "kim-password-1",
                                                            source="127.0.0.3")[0] == 200)
# per name, from many addresses: four each from six addresses (under the per-address limit)
codes = []
for a in range(6):
    codes += [login("max", "wrong-%d-%d" % (a, i), source="127.0.0.%d" % (10 + a))[0] for i in range(4)]
T.check("twenty failures for a name from any addresses, then 429 from everywhere (%d of %d refused)" % (
    codes.count(429), len(codes)), codes[:20] == [401] * 20 and set(codes[20:]) == {429}, codes)
st = login("max", "max-password-1", source="127.0.0.99")
T.check("... a fresh address with the right password is held too", st[0] == 429, st[:2])
# thirty guesses at once from one address
res = []


def guess(i):
    res.append(login("ned", "wrong-%d" % i, source="127.0.0.4")[0])


ths = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
for t in ths:
    t.start()
for t in ths:
    t.join(120)
T.check("thirty guesses sent at once: five are tried, the rest refused (%d tried, %d refused)" % (
    res.count(401), res.count(429)), res.count(401) == 5 and res.count(429) == 25, sorted(res))
# an unknown name: limited the same, told the same
codes, msgs = [], set()
for i in range(6):
    st, ans, _, _ = login("nobody-here", "wrong-%d" % i, source="127.0.0.5")
    codes.append(st)
    if st == 401:
        msgs.add((ans["error"]["code"], ans["error"]["message"]))
st, ans, _, _ = login("ana", "not-her-password", source="127.0.0.6")
T.check("an unknown name is limited like a real one (%s)" % codes, codes == [401] * 5 + [429], codes)
T.check("... and told exactly what a wrong password is told",
        msgs == {(ans["error"]["code"], ans["error"]["message"])}, (msgs, ans))

T.check("serve stops", srv.stop() == 0, srv.log()[-400:])
shutil.rmtree(tmp, ignore_errors=True)
T.summary()
