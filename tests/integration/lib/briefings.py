#!/usr/bin/env python3
"""briefings.py FACTS ROOT SW_BIN [SIGMA_RULES] — check the facts the training
material states (tests/data/briefings/facts.tsv) against the runs they
describe, and what every scenario's briefings say about zones and hosts.

Each line of FACTS (tab-separated; '#' comments):

    FILE  TEXT  SCENARIO  KIND  ARGS...

TEXT must be in FILE word for word (whitespace runs count as one space): it
is the statement the fact stands for, so editing the statement without the
fact, or the fact without the statement, fails. SCENARIO is run on its own
seed, once without a defender (`seawall simulate --out`, `seawall run --db`)
and once with its defender.yaml when a fact asks. KIND and ARGS:

    step ADV STEP CLOCK [HOSTNAME]   ADV's first successful STEP at CLOCK
                                     (HH:MM within the minute, or HH:MM:SS)
    objective ADV OBJ CLOCK|never    when ADV reaches OBJ, undefended
    inject ID CLOCK                  when inject ID fires
    log TEAM QUERY REGEX             a line of `seawall hunt` matches REGEX
    nolog TEAM QUERY REGEX           no line does
    count TEAM QUERY N               `seawall hunt` finds N records
    count-rules FOLDER N             the SigmaHQ folder holds N rules
    sigma TEAM RULES HOSTNAME TITLE  SigmaHQ rule TITLE (RULES: a folder under
                                     the rules) fires on HOSTNAME
    cli REGEX ARG...                 `seawall ARG...` prints a line matching
                                     REGEX ({db}: the run's database, {rules}:
                                     the SigmaHQ rules; skipped without them)
    zone N ADV STEP TEAM QUERY       the first record QUERY finds is N hours
                                     behind the clock time of ADV's STEP
    defended ACTION                  the scripted defender applies ACTION
    defended none                    with it no objective is reached
    availability TEAM V plain|defended  TEAM's availability is V (3 decimals)
    defended better TEAM             and TEAM's availability is higher

Then, for every scenario with briefings: each "UTC+N" in them is the zone
a `zone` fact established, and each host name (like NSO-WS04 or MOF-WS01)
they mention is one of the scenario's hosts. Prints "ok"/"FAIL" lines.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

FACTS, ROOT, BIN = sys.argv[1], sys.argv[2], sys.argv[3]
RULES = sys.argv[4] if len(sys.argv) > 4 else ""
TMP = tempfile.mkdtemp(prefix="briefings.")
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok   " + name)


def ko(name, detail=""):
    global failed
    failed += 1
    print("FAIL " + name)
    if detail:
        print("     " + detail[:600])


def sw(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, cwd=ROOT)
    return r.returncode, r.stdout + r.stderr


def clock(s):
    p = [int(x) for x in s.split(":")]
    return p[0] * 3600 + p[1] * 60 + (p[2] if len(p) > 2 else 0), len(p) > 2


def fmt(sec):
    sec %= 86400
    return "%02d:%02d:%02d" % (sec // 3600, sec % 3600 // 60, sec % 60)


# ---- a scenario's files and hosts -------------------------------------------
def scenario_files(path, seen=None):
    seen = seen if seen is not None else []
    path = os.path.normpath(path)
    if path in seen:
        return seen
    doc = yaml.safe_load(open(path)) or {}
    for inc in doc.get("include", []) or []:
        scenario_files(os.path.join(os.path.dirname(path), inc), seen)
    seen.append(path)
    return seen


def hosts_of(files):
    names = set()
    for f in files:
        doc = yaml.safe_load(open(f)) or {}
        for org in doc.get("orgs", []) or []:
            for h in org.get("hosts", []) or []:
                name = str(h.get("hostname") or h.get("id"))
                n = h.get("count")
                if n:
                    names.update("%s%02d" % (name, i) for i in range(1, int(n) + 1))
                else:
                    names.add(name)
    return names


class Scenario:
    def __init__(self, name):
        self.name = name
        self.yaml = os.path.join(ROOT, "scenarios", name, "scenario.yaml")
        files = scenario_files(self.yaml)
        self.hosts = hosts_of(files)
        ex = {}
        for f in files:
            ex.update((yaml.safe_load(open(f)) or {}).get("exercise", {}) or {})
        self.start, _ = clock(str(ex.get("start", "08:00")))
        self.zone = None
        self._sim = self._db = self._def = None

    def sim(self):
        if self._sim is None:
            d = os.path.join(TMP, self.name + ".sim")
            rc, out = sw("simulate", self.name, "--out", d)
            if rc:
                ko("simulate " + self.name, out)
            self._sim = [json.loads(l) for l in open(os.path.join(d, "events.jsonl"))] if not rc else []
        return self._sim

    def db(self):
        if self._db is None:
            self._db = os.path.join(TMP, self.name + ".db")
            rc, out = sw("run", "--scenario", self.name, "--db", self._db, "--quiet")
            if rc:
                ko("run " + self.name, out)
        return self._db

    def defended(self):
        if self._def is None:
            defender = os.path.join(ROOT, "scenarios", self.name, "defender.yaml")
            _, plain = sw("simulate", self.name)
            _, dfd = sw("simulate", self.name, "--defender", defender)
            self._def = (plain, dfd)
        return self._def

    def hunt(self, team, query):
        rc, out = sw("hunt", "--db", self.db(), "--team", team, query)
        return rc, out

    def at(self, t_ms):
        return self.start + t_ms // 1000


SCEN = {}


def scen(name):
    if name not in SCEN:
        SCEN[name] = Scenario(name)
    return SCEN[name]


def near(got, want, exact):
    """got (seconds) is the stated time: the same second, or within the
    stated minute (HH:MM means from HH:MM:00 to HH:MM:59, or a rounding up)."""
    if exact:
        return got == want
    return want - 30 <= got < want + 60


def first(events, pred):
    for e in events:
        if pred(e):
            return e
    return None


def availability(summary, team):
    m = re.search(r"^  %s +([0-9.]+)" % re.escape(team), summary, re.M)
    return float(m.group(1)) if m else None


def check(fact):
    f, text, name, kind, args = fact[0], fact[1], fact[2], fact[3], fact[4:]
    label = "%s: %s" % (f, text[:70])
    body = re.sub(r"\s+", " ", open(os.path.join(ROOT, f)).read())
    if re.sub(r"\s+", " ", text) not in body:
        return ko(label, "the statement is no longer in %s: update the fact or the text" % f)
    s = scen(name)
    if kind == "step":
        adv, step, when = args[0], args[1], args[2]
        e = first(s.sim(), lambda e: e["type"] == "step" and e.get("adversary") == adv and
                  e.get("step") == step and e.get("outcome") == "success")
        if not e:
            return ko(label, "%s/%s never succeeds" % (adv, step))
        want, exact = clock(when)
        got = s.at(e["t_ms"])
        if not near(got, want, exact):
            return ko(label, "%s/%s succeeds at %s, not %s" % (adv, step, fmt(got), when))
        if len(args) > 3 and e.get("hostname") != args[3]:
            return ko(label, "%s/%s is on %s, not %s" % (adv, step, e.get("hostname"), args[3]))
        return ok(label)
    if kind == "objective":
        adv, obj, when = args
        e = first(s.sim(), lambda e: e["type"] == "objective" and e.get("adversary") == adv and
                  e.get("objective") == obj)
        if when == "never":
            return ko(label, "reached at %s" % fmt(s.at(e["t_ms"]))) if e else ok(label)
        if not e:
            return ko(label, "%s/%s is never reached" % (adv, obj))
        want, exact = clock(when)
        got = s.at(e["t_ms"])
        return ok(label) if near(got, want, exact) else \
            ko(label, "%s reached at %s, not %s" % (obj, fmt(got), when))
    if kind == "inject":
        e = first(s.sim(), lambda e: e["type"] == "inject" and e.get("inject") == args[0])
        if not e:
            return ko(label, "inject %s never fires" % args[0])
        want, exact = clock(args[1])
        got = s.at(e["t_ms"])
        return ok(label) if near(got, want, exact) else \
            ko(label, "%s fires at %s, not %s" % (args[0], fmt(got), args[1]))
    if kind in ("log", "nolog"):
        team, query, rx = args
        rc, out = s.hunt(team, query)
        hit = any(re.search(rx, l) for l in out.splitlines())
        if rc:
            return ko(label, out)
        if (kind == "log") == hit:
            return ok(label)
        return ko(label, "hunt %s '%s': %s /%s/ in:\n%s" %
                  (team, query, "no line matches" if kind == "log" else "a line matches", rx,
                   out[:500]))
    if kind == "count":
        team, query, n = args
        rc, out = s.hunt(team, query)
        m = re.search(r"^(\d+) records?$", out, re.M)
        got = int(m.group(1)) if m else 0
        return ok(label) if got == int(n) else ko(label, "%d records, not %s" % (got, n))
    if kind == "sigma":
        team, folder, host, title = args
        if not RULES:
            return print("skip (no SigmaHQ rules): " + label)
        rc, out = sw("sigma", "--rules", os.path.join(RULES, folder), "--db", s.db(),
                     "--team", team)
        hit = [l for l in out.splitlines() if title in l and host in l]
        return ok(label) if hit else ko(label, "'%s' does not fire on %s" % (title, host))
    if kind == "cli":
        rx, argv = args[0], args[1:]
        if any("{rules}" in a for a in argv) and not RULES:
            return print("skip (no SigmaHQ rules): " + label)
        argv = [a.replace("{db}", s.db()).replace("{rules}", RULES) for a in argv]
        rc, out = sw(*argv)
        hit = any(re.search(rx, l) for l in out.splitlines())
        return ok(label) if hit else ko(label, "seawall %s: no line matches /%s/ in:\n%s" %
                                         (" ".join(args[1:]), rx, out[:400]))
    if kind == "count-rules":
        if not RULES:
            return print("skip (no SigmaHQ rules): " + label)
        n = sum(1 for _, _, fs in os.walk(os.path.join(RULES, args[0]))
                for x in fs if x.endswith(".yml"))
        return ok(label) if n == int(args[1]) else ko(label, "%d rules, not %s" % (n, args[1]))
    if kind == "zone":
        n, adv, step, team, query = args
        e = first(s.sim(), lambda e: e["type"] == "step" and e.get("adversary") == adv and
                  e.get("step") == step and e.get("outcome") == "success")
        # the step's records fall between its start and its end
        st = e and first(s.sim(), lambda x: x["type"] == "step-start" and x.get("gt") == e["gt"])
        rc, out = s.hunt(team, query)
        m = re.search(r"^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)", out, re.M)
        if not e or not st or not m:
            return ko(label, "no step or no record to compare")
        log = clock(m.group(1))[0]
        diff = (s.at(st["t_ms"]) - log) % 86400
        hours = round(diff / 3600.0)
        s.zone = hours if hours <= 14 else hours - 24
        span = (e["t_ms"] - st["t_ms"]) // 1000
        late = (log + hours * 3600 - s.at(st["t_ms"])) % 86400
        if late > span + 5:
            return ko(label, "the record is %d s from the step, which lasts %d s" % (late, span))
        return ok(label) if s.zone == int(n) else \
            ko(label, "the logs run UTC%+d, not UTC%+d" % (s.zone, int(n)))
    if kind == "availability":
        plain, dfd = s.defended()
        got = availability(dfd if args[2] == "defended" else plain, args[0])
        return ok(label) if got is not None and "%.3f" % got == args[1] else \
            ko(label, "%s availability %s, not %s" % (args[2], got, args[1]))
    if kind == "defended":
        plain, dfd = s.defended()
        what = args[0]
        if what == "none":
            return ok(label) if "  reached" not in dfd and " not reached" in dfd else \
                ko(label, "reached with the defender: " +
                   "; ".join(l.strip() for l in dfd.splitlines() if "  reached" in l))
        if what == "better":
            a, b = availability(plain, args[1]), availability(dfd, args[1])
            return ok(label) if a is not None and b is not None and b > a else \
                ko(label, "availability %s undefended, %s defended" % (a, b))
        m = re.search(r"^  %s +(\d+)/\d+" % re.escape(what), dfd, re.M)
        return ok(label) if m and int(m.group(1)) > 0 else \
            ko(label, "the defender applies no '%s'" % what)
    return ko(label, "unknown kind '%s'" % kind)


facts = []
for line in open(FACTS):
    if not line.strip() or line.startswith("#"):
        continue
    facts.append(line.rstrip("\n").split("\t"))
for fact in facts:
    check(fact)

# ---- every scenario's briefings: zones and host names -----------------------
HOST_RX = re.compile(r"\b[A-Z]{2,5}-[A-Z]{2,6}[0-9]{2}\b")
for name in sorted(os.listdir(os.path.join(ROOT, "scenarios"))):
    d = os.path.join(ROOT, "scenarios", name)
    if not os.path.isfile(os.path.join(d, "scenario.yaml")):
        continue
    s = scen(name)
    for md in sorted(os.listdir(d)):
        if not md.endswith(".md"):
            continue
        text = open(os.path.join(d, md)).read()
        rel = "scenarios/%s/%s" % (name, md)
        zones = set(int(z) for z in re.findall(r"UTC([+-]\d+)\b", text))
        if zones:
            if s.zone is None:
                ko("%s: states UTC%s" % (rel, ",".join("%+d" % z for z in zones)),
                   "no 'zone' fact for %s establishes its zone" % name)
            elif zones != {s.zone}:
                ko("%s: states UTC%s" % (rel, ",".join("%+d" % z for z in zones)),
                   "the logs run UTC%+d" % s.zone)
            else:
                ok("%s: UTC%+d, as the logs" % (rel, s.zone))
        unknown = sorted(set(h for h in HOST_RX.findall(text) if h not in s.hosts))
        if unknown:
            ko("%s: every host it names is in the scenario" % rel, "not hosts: " + ", ".join(unknown))
        else:
            ok("%s: every host it names is in the scenario" % rel)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
