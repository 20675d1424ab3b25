# check.sh — what the integration scripts check with, sourced by them (not a
# test itself: tests/run.sh runs tests/integration/*.sh only). Each check
# prints "ok   NAME" or "FAIL NAME" and a detail, and counts into $pass and
# $fail; a script ends with `summary`, the "N passed, N failed" line
# tests/run.sh reads. expect keeps the command's output in $T/out and
# $T/err, so a script sets T (a temporary directory) first.
pass=0; fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "     $2"; }

expect() { # NAME WANT_STATUS CMD...
  name=$1; want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; st=$?
  if [ "$st" -eq "$want" ]; then ok "$name"; else ko "$name" "exit $st, wanted $want: $(head -c 300 "$T/err")"; fi
}
has() { # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1" "no '$3' in: $(head -c 300 "$2")"; fi
}
same() { # NAME FILE1 FILE2
  if cmp -s "$2" "$3"; then ok "$1"; else ko "$1" "$(diff "$2" "$3" | head -5)"; fi
}
lines() { # NAME FILE N
  n=$(wc -l <"$2" | tr -d ' ')
  if [ "$n" -eq "$3" ]; then ok "$1"; else ko "$1" "$n lines, wanted $3: $(head -c 300 "$2")"; fi
}
eq() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got '$2', wanted '$3'"; fi
}
summary() { echo "$pass passed, $fail failed"; }
