#!/bin/sh
# validate.sh — data-driven tests of `seawall validate` (run by tests/run.sh
# with SW_BIN set; runs from the repository root so paths in messages are
# stable).
#
#  - every tests/data/scenarios/bad/NAME.yaml must exit 1 and print exactly
#    the diagnostic lines in NAME.expect (FILE:LINE:COL: error|warning: message,
#    in order; nothing more, nothing less), so a changed message, line or
#    column fails the test;
#  - every tests/data/scenarios/good/*.yaml must exit 0 with an "ok" summary
#    and no diagnostics;
#  - the built-in example must validate by name and by path, without warnings;
#  - several files in one run: all are checked, the status is 1 if any fails;
#  - no argument is a usage error (2).
# Prints "N passed, N failed" last. Regenerate an .expect after a deliberate
# message change with:  SW_BLESS=1 sh tests/integration/validate.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
BIN=${SW_BIN:-build/seawall}
DATA=tests/data/scenarios
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

diags() { grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning): ' || true; }

for f in "$DATA"/bad/*.yaml; do
  exp="${f%.yaml}.expect"
  got=$("$BIN" validate "$f" 2>&1 >/dev/null | diags)
  "$BIN" validate "$f" >/dev/null 2>&1
  rc=$?
  if [ "${SW_BLESS:-0}" = 1 ]; then printf '%s\n' "$got" >"$exp"; fi
  if [ ! -f "$exp" ]; then ko "$f: missing $exp"; continue; fi
  if [ "$rc" -ne 1 ]; then ko "$f: exit status $rc, want 1"; continue; fi
  if [ "$got" != "$(cat "$exp")" ]; then
    ko "$f: diagnostics differ from $exp"
    printf '%s\n' "$got" | diff "$exp" - | sed 's/^/    /'
    continue
  fi
  ok
done

for f in "$DATA"/good/*.yaml; do
  out=$("$BIN" validate "$f" 2>"$ERR")
  rc=$?
  err=$(cat "$ERR")
  case "$out" in
    "$f: ok: "*) if [ "$rc" -eq 0 ] && [ -z "$err" ]; then ok; else ko "$f: rc=$rc: $err"; fi ;;
    *) ko "$f: rc=$rc out='$out' err='$err'" ;;
  esac
done

for f in example scenarios/example.yaml; do
  out=$("$BIN" validate "$f" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ] && [ "$out" = "$f: ok: 2 teams, 1 observer, 82 hosts, 2 adversaries, 6 injects" ]; then ok
  else ko "validate $f: rc=$rc: $out"; fi
done

# several files, one run: both reported, status 1
out=$("$BIN" validate scenarios/example.yaml "$DATA/bad/bad-cidr.yaml" "$DATA/bad/bad-ip.yaml" 2>&1)
rc=$?
n=$(printf '%s\n' "$out" | grep -c -E ': ok: |: error: ')
if [ "$rc" -eq 1 ] && [ "$n" -eq 3 ]; then ok; else ko "several files: rc=$rc n=$n: $out"; fi

"$BIN" validate >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok; else ko "no arguments: rc=$rc, want 2"; fi

out=$("$BIN" validate /no/such/file.yaml 2>&1)
rc=$?
case "$out" in
  "/no/such/file.yaml:1:1: error: cannot read '/no/such/file.yaml': No such file or directory"*)
    [ "$rc" -eq 1 ] && ok || ko "missing file: rc=$rc" ;;
  *) ko "missing file: $out" ;;
esac

# an include of a FIFO is refused at once (reading one would block), as is
# a FIFO given as the scenario
FIFO_DIR=$(mktemp -d)
mkfifo "$FIFO_DIR/pipe.yaml"
printf 'include: [pipe.yaml]\n' >"$FIFO_DIR/main.yaml"
out=$(timeout 10 "$BIN" validate "$FIFO_DIR/main.yaml" 2>&1)
rc=$?
case "$out" in
  *"cannot read include 'pipe.yaml': not a regular file"*) [ "$rc" -eq 1 ] && ok || ko "fifo include: rc=$rc" ;;
  *) ko "fifo include: rc=$rc: $out" ;;
esac
out=$(timeout 10 "$BIN" validate "$FIFO_DIR/pipe.yaml" 2>&1)
rc=$?
case "$out" in
  *"not a regular file"*) [ "$rc" -eq 1 ] && ok || ko "fifo scenario: rc=$rc" ;;
  *) ko "fifo scenario: rc=$rc: $out" ;;
esac
rm -rf "$FIFO_DIR"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
