#!/usr/bin/env python3
"""server_authz.py — the authorisation matrix, generated from the route
table (`seawall serve --routes`): every endpoint x every role x own and
other team, under each observers_see setting, over real HTTP. A route added
to the table is probed here without anyone writing a line, so no endpoint
can escape authorisation.

What a route admits is the table's promise:
  roles   who may call it at all (others: 403; no session: 401)
  scope   what its {team} means:
            team-read   the team's players, the white cell, observers when
                        observers_see is teams or everything
            team-write  the team's players and the white cell
            truth       the white cell, observers when observers_see is
                        everything
            scoreboard  everyone but observers when observers_see is nothing
            report      the white cell, observers when observers_see is
                        everything, a team's players once the exercise ended
An allowed probe must get past authorisation: any status but 401/403 (the
probes carry an unknown field, so handlers refuse them without acting).
A refused probe must get 403 (401 without a session). Accounts with a
one-time password reach only the routes flagged for it."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import BIN, Client, Server, Tally  # noqa: E402

T = Tally()
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
routes = json.loads(subprocess.run([BIN, "serve", "--routes"], capture_output=True, text=True,
                                   check=True).stdout)
T.check("the route table lists the API (%d routes)" % len(routes), len(routes) >= 30, len(routes))
for r in routes:
    if "{team}" in r["path"]:
        T.check("%s %s: a team in the path has a team scope" % (r["method"], r["path"]),
                r["scope"] != "none", r)
    T.check("%s %s: admits someone" % (r["method"], r["path"]), r["roles"], r)

PARAMS = {"{id}": "probe-id"}
PATH_IDS = {"/api/v1/teams/{team}/alerts/{id}": "1", "/api/v1/users/{id}": "nobody",
            "/api/v1/teams/{team}/shares/{id}/use": "indicator--probe"}


def path_for(r, team):
    p = r["path"].replace("{team}", team)
    return p.replace("{id}", PATH_IDS.get(r["path"], "probe-id"))


def probe(client, r, team):
    """Status of one probe. The stream answers 200 and stays open: only its
    status line is read."""
    path = path_for(r, team)
    if r["path"] == "/api/v1/stream":
        conn = http.client.HTTPConnection("127.0.0.1", client.server.port, timeout=10)
        h = {"Cookie": "sw_session=" + client.cookie} if client.cookie else {}
        conn.request("GET", path, headers=h)
        st = conn.getresponse().status
        conn.close()
        return st, None
    if r["method"] == "GET":  # a format nobody has: refused after authorisation, no work done
        return client.req(r["method"], path + "?format=__probe")
    if r["method"] == "DELETE" and "{id}" in r["path"]:
        return client.req(r["method"], path)
    return client.req(r["method"], path, {"__authz_probe": 1})


def expected(role, own, r, observers_see):
    """allow / deny for role on route r (own: the path's team is the account's)."""
    if role == "anonymous":
        return "anonymous" in r["roles"]
    if role not in r["roles"]:
        return False
    white = role in ("admin", "instructor")
    sc = r["scope"]
    if sc == "none":
        return True
    if sc == "team-read":
        return white or (role == "player" and own) or (
            role == "observer" and observers_see in ("teams", "everything"))
    if sc == "team-write":
        return white or (role == "player" and own)
    if sc == "truth":
        return white or (role == "observer" and observers_see == "everything")
    if sc == "scoreboard":
        return role != "observer" or observers_see != "nothing"
    if sc == "report":  # the exercise is running here: players wait for the end
        return white or (role == "observer" and observers_see == "everything")
    raise ValueError(sc)


def matrix(observers_see, scenario_args):
    tmp = tempfile.mkdtemp(prefix="sw-authz-")
    srv = Server(tmp, args=scenario_args + ["--paused"]).start()
    admin = srv.admin()
    st = admin.get("/api/v1/exercise")
    T.check("[%s] the exercise says observers_see: %s" % (observers_see, observers_see),
            st[0] == 200 and st[1]["observers_see"] == observers_see, st)
    who = {
        "admin": (admin, None),
        "instructor": (srv.account(admin, "ins", "instructor"), None),
        "player": (srv.account(admin, "pla", "player", "palau"), "palau"),
        "observer": (srv.account(admin, "obs", "observer", "fiji"), "fiji"),
        "anonymous": (Client(srv), None),
    }
    # one-time password holders: only the flagged routes
    admin.post("/api/v1/users", {"user": "fresh", "role": "player", "team": "palau"})
    st = admin.patch("/api/v1/users/fresh", {"password": ""})
    fresh = Client(srv)
    fresh.login("fresh", st[1].get("password", "") if st[0] == 200 else "")
    probes = bad = 0
    # logout last: it ends the session the other probes use
    order = sorted(routes, key=lambda r: r["path"] == "/api/v1/logout")
    for r in order:
        for role, (c, team) in who.items():
            for target, own in (("palau", True), ("fsm", False)):
                if "{team}" not in r["path"] and not own:
                    continue  # no team in the path: one probe is enough
                if role == "player" and "{team}" in r["path"]:
                    own = target == team
                allow = expected(role, own, r, observers_see)
                st, body = probe(c, r, target)
                probes += 1
                ok = (st not in (401, 403)) if allow else (st == (401 if role == "anonymous" else 403))
                if not ok:
                    bad += 1
                    T.ko("[%s] %s %s as %s%s: %s" % (observers_see, r["method"], path_for(r, target), role,
                                                     "" if "{team}" not in r["path"] else
                                                     (" (own team)" if own else " (other team)"),
                                                     "should pass authorisation" if allow else "should be refused"),
                         "got %s %s" % (st, json.dumps(body)[:200]))
        if r["path"] != "/api/v1/logout":
            st, body = probe(fresh, r, "palau")
            flagged = r["one_time_password"]
            ok = st not in (401, 403) if flagged and ("player" in r["roles"]) else st in (401, 403)
            if not ok:
                bad += 1
                T.ko("[%s] %s %s with a one-time password: %s" % (
                    observers_see, r["method"], r["path"], "open" if flagged else "refused"),
                    "got %s %s" % (st, json.dumps(body)[:200]))
    T.check("[%s] %d probes (every route x every role x own/other team) all as the table says"
            % (observers_see, probes), bad == 0 and probes >= len(routes) * 5, "%d wrong" % bad)
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


# the Pacific exercise as shipped (observers see teams), and a copy with each other setting
matrix("teams", ["--scenario", "pacific-cable"])
for setting in ("nothing", "scoreboard", "everything"):
    d = tempfile.mkdtemp(prefix="sw-authz-scn-")
    shutil.copytree(os.path.join(ROOT, "scenarios"), os.path.join(d, "scenarios"))
    f = os.path.join(d, "scenarios", "pacific-cable", "scenario.yaml")
    with open(f) as fh:
        text = fh.read()
    with open(f, "w") as fh:
        fh.write(text.replace("observers_see: teams", "observers_see: " + setting))
    matrix(setting, ["--scenario", f])
    shutil.rmtree(d, ignore_errors=True)
T.summary()
