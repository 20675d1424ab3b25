#!/usr/bin/env python3
"""api_docs.py — docs/api.md is true: its examples run, in order, against a
real `seawall serve` (api_docs.sh runs this).

The page's "## " sections that hold a `<!-- server: ARGS -->` comment are
each run as one bash script (set -e, pipefail) on a fresh server started
with ARGS, after the Conventions section's helpers (login, api, wait_for);
every block fenced ```sh counts, in order. A block that fails fails the
test, naming it. Then: every route of the route table has its
`METHOD PATH` on the page, so no endpoint goes undocumented."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from swserver import ADMIN_PW, BIN, Server, Tally  # noqa: E402

T = Tally()
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
page = open(os.path.join(ROOT, "docs", "api.md")).read()
sections = re.split(r"^## ", page, flags=re.M)
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
prelude = ""
runs = []
for sec in sections:
    title = sec.split("\n", 1)[0].strip()
    m = re.search(r"<!-- server: (.*?) -->", sec)
    blocks = BLOCK.findall(sec)
    if title == "Conventions":
        prelude = "\n".join(blocks)
    elif m:
        runs.append((title, m.group(1).split(), blocks))
T.check("docs/api.md has the helpers and runnable sections", prelude and len(runs) >= 3,
        [r[0] for r in runs])

for title, args, blocks in runs:
    tmp = tempfile.mkdtemp(prefix="sw-apidocs-")
    srv = Server(tmp, args=args).start()
    env = dict(os.environ, SW=srv.url, ADMIN_PASSWORD=ADMIN_PW)
    failed = None
    # one script: each block's end echoes a marker, so a failure names its block
    script = prelude + "\n"
    for i, b in enumerate(blocks):
        script += b + "\nprintf '\\n@@block %d done\\n'\n" % (i + 1)
    p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp, env=env,
                       capture_output=True, text=True, timeout=600)
    if os.environ.get("SW_DOCS_SHOW"):  # what a reader would see
        print(p.stdout, p.stderr)
    done = len(re.findall(r"^@@block \d+ done$", p.stdout, re.M))
    T.check("%s: all %d examples run (%d did)" % (title, len(blocks), done),
            p.returncode == 0 and done == len(blocks),
            "block %d failed: %s\n--- its output: %s\n--- the block:\n%s" % (
                done + 1, p.stderr[-600:], p.stdout.rsplit("@@block", 1)[-1][-600:],
                blocks[done] if done < len(blocks) else ""))
    srv.stop()

routes = json.loads(subprocess.run([BIN, "serve", "--routes"], capture_output=True, text=True,
                                   check=True).stdout)
missing = ["%s %s" % (r["method"], r["path"]) for r in routes
           if "`%s %s`" % (r["method"], r["path"]) not in page]
T.check("every route (%d) is documented as `METHOD PATH`" % len(routes), not missing, missing)
T.summary()
