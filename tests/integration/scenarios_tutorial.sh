#!/bin/sh
# scenarios_tutorial.sh — the tutorial's player briefing
# (scenarios/tutorial/briefing-players.md) is a step-by-step guide whose
# commands must work exactly as printed. This test takes every command line
# in it (indented `./build/seawall ...` lines) and every file it asks the
# trainee to save (```yaml blocks whose first line is `# file: NAME`), runs
# them in order in a scratch directory where ./build/seawall is the binary
# under test and ../shared the shared data, and checks that each succeeds and
# shows what the briefing says it shows. Run by tests/run.sh with SW_BIN set.
set -u
BIN=${SW_BIN:-build/seawall}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SHARED=$(cd "${SW_SHARED:-../shared}" 2>/dev/null && pwd)
BRIEF=scenarios/tutorial/briefing-players.md
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

# the scratch checkout: ./build/seawall and ../shared as the briefing assumes
mkdir -p "$T/work/build"
ln -s "$BIN" "$T/work/build/seawall"
[ -n "$SHARED" ] && ln -s "$SHARED" "$T/shared"

# files to save
awk -v dir="$T/work" '
  /^```yaml/ { inblock = 1; first = 1; next }
  /^```/     { inblock = 0; out = ""; next }
  inblock && first { first = 0; if ($1 == "#" && $2 == "file:") { out = dir "/" $3; printf "" > out } }
  inblock && out != "" { print >> out }
' "$BRIEF"
check "the briefing gives first-rule.yml" "[ -s '$T/work/first-rule.yml' ]"
check "the briefing gives my-response.yaml" "[ -s '$T/work/my-response.yaml' ]"

# commands, in order
grep -E '^    \./build/seawall ' "$BRIEF" | sed 's/^    //' >"$T/cmds"
n=$(wc -l <"$T/cmds")
check "the briefing has at least 9 commands (got $n)" "[ $n -ge 9 ]"
i=0
while IFS= read -r cmd <&3; do
  i=$((i + 1))
  case "$cmd" in *../shared*) [ -n "$SHARED" ] || { echo "skip (no ../shared): $cmd"; continue; } ;; esac
  (cd "$T/work" && eval "$cmd") >"$T/out.$i" 2>"$T/err.$i"
  rc=$?
  check "step $i runs: $cmd" "[ $rc -eq 0 ]"
  o="$T/out.$i"
  case "$cmd" in
    *"run --scenario tutorial"*)
      check "  it writes tutorial.db" "[ -s '$T/work/tutorial.db' ]"
      check "  about 600 records, as the briefing says" \
        "r=\$(sed -n 's/.*tutorial.db: \([0-9]*\) records.*/\1/p' '$o'); [ \"\${r:-0}\" -ge 450 ] && [ \"\${r:-0}\" -le 700 ]" ;;
    *"count by Computer"*)
      check "  NSO-WS04 is among the machines" "grep -q 'NSO-WS04' '$o'" ;;
    *"CommandLine:*iwr*"*)
      check "  the download cradle on NSO-WS04 at 21:03:59, nowhere else" \
        "grep -q '21:03:59  NSO-WS04.*survey-results.example/p.ps1' '$o' && ! grep -E '^[0-9]{4}-' '$o' | grep -vq 'NSO-WS04'" ;;
    *"ParentImage:*powershell*"*)
      check "  whoami /all at 21:06 and the schtasks at 21:09" \
        "grep -q '21:06:.*whoami /all' '$o' && grep -q '21:09:.*schtasks /create /tn \"OneDrive Sync Helper\"' '$o'" ;;
    *"CommandLine:*survey-results*"*)
      check "  the address also on NSO-FS01 in a curl upload at 21:18" "grep -q '21:18:.*NSO-FS01.*curl.exe' '$o'" ;;
    *"User:*m.tau*"*)
      check "  net use (21:14), curl (21:18) and 7z (21:25) on NSO-FS01" \
        "grep -q '21:14:.*net use Z:' '$o' && grep -q '21:18:.*curl.exe -k -T' '$o' && grep -q '21:25:.*7z.exe a -pC3nsus' '$o'" ;;
    *"--rules first-rule.yml"*)
      check "  the trainee's rule matches on NSO-WS04 at 21:09:14, with the trainee as author" \
        "grep -q '21:09:14.*NSO-WS04.*Scheduled task that runs a program from the Public folder.*Tutorial trainee' '$o'"
      check "  once, and nowhere else" "cat '$o' '$T/err.$i' | grep -q '1 rules, [0-9]* events, 1 matches'" ;;
    *"--rules ../shared"*)
      for t in 'PowerShell Download and Execution Cradles' 'Enumerate All Information With Whoami.EXE' \
               'Schedule Task Creation From Env Variable Or Potentially Suspicious Path' \
               'Windows Share Mount Via Net.EXE' 'Insecure Transfer Via Curl.EXE' \
               'Compress Data and Lock With Password for Exfiltration With 7-ZIP'; do
        check "  SigmaHQ: $t" "grep -qF '$t' '$o'"
      done
      check "  nothing but the intruder's machines (NSO-WS04, NSO-FS01)" \
        "! grep -E '^[0-9]{4}-' '$o' | grep -vqE 'NSO-WS04|NSO-FS01'" ;;
    *"--defender my-response.yaml"*)
      check "  with the response, no objective reached" "[ \$(grep -c 'not reached' '$o') -eq 3 ]"
      check "  availability 1.000" "grep -q 'trainee *1.000' '$o'" ;;
    *"simulate tutorial")
      check "  without a response, the three objectives reached at 09:09, 09:18, 09:25" \
        "grep -q 'persist-desk.*reached T+00:09' '$o' && grep -q 'steal-census.*reached T+00:18' '$o' && grep -q 'lock-census.*reached T+00:25' '$o'"
      check "  and the census files' availability drops" "! grep -q 'nso-census-files 1.000' '$o'" ;;
  esac
done 3<"$T/cmds"
check "the expected solution is the briefing's response" \
  "grep -v '^#' scenarios/tutorial/defender.yaml | grep -v '^ *$' | sed 's/ *#.*//' >'$T/a'; grep -v '^ *#' '$T/work/my-response.yaml' | grep -v '^ *$' >'$T/b'; cmp -s '$T/a' '$T/b'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
