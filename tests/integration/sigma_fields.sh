#!/bin/sh
# sigma_fields.sh — the field names SigmaHQ rules use exist in our records.
#
# For each Windows log source seawall writes (Sysmon process creation,
# network connection, DNS, file, registry and image-load events; Security
# events by EventID), collect the fields every SigmaHQ rule under
# ../shared/data/sigma/rules matches on, and check that the records of a
# background run carry them (flattened the way detect/event.h does). Rules
# that name fields the real source does not have either (NOT_IN_SOURCE:
# other products' field names, other EventIDs) are reported; any other
# missing name fails its category. Ends with "N passed, N failed".
set -u
SW_BIN=${SW_BIN:-build/seawall}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# the rules: $SIGMA_RULES, or vendored under data/, or the shared reference data
RULES=""
for d in "${SIGMA_RULES:-}" "$ROOT/data/sigma/rules" "$ROOT/../shared/data/sigma/rules" \
         /work/shared/data/sigma/rules; do
  if [ -n "$d" ] && [ -d "$d/windows" ]; then RULES=$d; break; fi
done
if [ -z "$RULES" ]; then
  echo "SKIP - no SigmaHQ rules found (set SIGMA_RULES=DIR/rules)"
  echo "0 passed, 0 failed"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! "$SW_BIN" telemetry --demo-world --teams 1 --hosts 40 --seed 5 --until 10h --out "$TMP/out" --quiet; then
  echo "FAIL - seawall telemetry runs"; echo "0 passed, 1 failed"; exit 1
fi
python3 - "$RULES" "$TMP/out" <<'PY'
import glob, json, os, sys
import yaml

rules_dir, out = sys.argv[1], sys.argv[2]
passed = failed = 0

def flat(o, prefix, acc):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == '#attributes':
                flat(v, prefix, acc)
            else:
                flat(v, (prefix + '.' if prefix else '') + k, acc)
    elif isinstance(o, list):
        for v in o:
            flat(v, prefix, acc)
    else:
        acc.add(prefix.lower())

def names(rec):
    """Field names as detect/event.h gives them."""
    acc = set()
    ev = rec.get('Event')
    if isinstance(ev, dict) and 'System' in ev:
        acc |= {'eventid', 'channel', 'computer', 'provider_name', 'level', 'task', 'keywords', 'opcode',
                'version', 'eventrecordid', 'timecreated', 'processid', 'threadid'}
        for part in ('EventData', 'UserData'):
            d = ev.get(part) or {}
            if part == 'UserData':
                d = next(iter(d.values()), {}) if d else {}
            for k, v in d.items():
                flat(v, k, acc)
    else:
        flat(rec, '', acc)
    return acc

# fields present per (file, EventID)
have = {}
for path in glob.glob(os.path.join(out, '*', '*.jsonl')):
    src = os.path.basename(path)[:-6]
    for line in open(path):
        r = json.loads(line)
        eid = r.get('Event', {}).get('System', {}).get('EventID')
        if isinstance(eid, dict):
            eid = eid.get('#text')
        have.setdefault((src, eid), set()).update(names(r))

def rule_fields(det):
    fields = set()
    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                fields.add(k.split('|')[0].lower())
        elif isinstance(v, list):
            for x in v:
                walk(x)
    for k, v in det.items():
        if k in ('condition', 'timeframe'):
            continue
        walk(v)
    fields.discard('')
    return fields

sysmon = {'process_creation': 1, 'network_connection': 3, 'dns_query': 22, 'file_event': 11,
          'registry_set': 13, 'registry_add': 12, 'registry_delete': 12, 'image_load': 7}
by_cat = {}
for path in glob.glob(os.path.join(rules_dir, 'windows', '**', '*.yml'), recursive=True):
    try:
        docs = list(yaml.safe_load_all(open(path)))
    except Exception:
        continue
    for d in docs:
        if not isinstance(d, dict) or 'detection' not in d:
            continue
        ls = d.get('logsource', {}) or {}
        cat, svc = ls.get('category'), ls.get('service')
        f = rule_fields(d['detection'])
        if cat in sysmon:
            key = ('sysmon', sysmon[cat])
            name = cat
        elif svc == 'security':
            # the rule's EventIDs; only those seawall writes
            det = json.dumps(d['detection'])
            eids = [e for e in (4624, 4625, 4634, 4648, 4672, 4688, 4698, 4719, 4720, 4728, 4732, 4769, 1102)
                    if ('"EventID": %d' % e) in det or (' %d,' % e) in det or (' %d]' % e) in det]
            if len(eids) != 1:
                continue
            key = ('security', eids[0])
            name = 'security %d' % eids[0]
        elif svc == 'system' and '7045' in json.dumps(d['detection']):
            key, name = ('system', 7045), 'system 7045'
        else:
            continue
        by_cat.setdefault(name, [key, 0, 0, {}])
        ent = by_cat[name]
        ent[1] += 1
        missing = f - have.get(key, set()) - {'eventid', 'provider_name', 'channel'}
        if not missing:
            ent[2] += 1
        for m in missing:
            ent[3][m] = ent[3].get(m, 0) + 1

# Names some rules use that the real event does not carry (the rule covers
# several EventIDs, or was written for another product's schema): a feed
# from real Sysmon / Windows lacks them too.
NOT_IN_SOURCE = {
    ('sysmon', 3): {'commandline', 'parentimage', 'parentcommandline'},
    ('sysmon', 7): {'commandline', 'parentimage', 'parentcommandline'},
    ('sysmon', 11): {'commandline', 'parentimage', 'parentcommandline'},
    ('security', 4624): {'workstation'},
    ('security', 4720): {'newtargetusername'},  # 4781 (rename), in a two-event rule
}
# a category passes when every name its rules miss is on that list
for name, (key, n, ok, missing) in sorted(by_cat.items()):
    if n < 3:
        continue
    share = ok / n
    worst = ', '.join('%s (%d)' % kv for kv in sorted(missing.items(), key=lambda kv: -kv[1])[:6])
    line = '%s: %d of %d rules find all their fields (%.0f%%)%s' % (
        name, ok, n, 100 * share, '; missing: ' + worst if worst else '')
    unexplained = set(missing) - NOT_IN_SOURCE.get(key, set())
    if key in have and not unexplained:
        passed += 1
        print('ok   - ' + line)
    else:
        failed += 1
        print('FAIL - ' + line)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
PY
