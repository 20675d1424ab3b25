#!/bin/sh
# briefings.sh — the training material tells the truth: every fact the
# briefings, learning objectives and README state about a run (times, zones,
# hosts, command lines, file names, what fires, what the scripted defender
# does) is checked against that run by tests/integration/lib/briefings.py,
# from the list in tests/data/briefings/facts.tsv; and every scenario's
# briefings name only its own hosts and its own zone. A statement changed
# without its fact (or a run that no longer shows it) fails. Ends with
# "N passed, N failed".
set -u
SW_BIN=${SW_BIN:-build/seawall}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case "$SW_BIN" in /*) ;; *) SW_BIN=$(pwd)/$SW_BIN ;; esac
RULES=""
for d in "${SIGMA_RULES:-}" "$ROOT/../shared/data/sigma/rules" /work/shared/data/sigma/rules; do
  if [ -n "$d" ] && [ -d "$d/windows" ]; then RULES=$(cd "$d" && pwd); break; fi
done
python3 "$ROOT/tests/integration/lib/briefings.py" "$ROOT/tests/data/briefings/facts.tsv" \
  "$ROOT" "$SW_BIN" "$RULES"
