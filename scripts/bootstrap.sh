#!/bin/sh
# bootstrap.sh — install the Debian packages seawall needs, skipping those present.
#
#   scripts/bootstrap.sh run     what `make run` needs (compiler, libraries)
#   scripts/bootstrap.sh check   plus what the tests need (cmocka, clang and its
#                                sanitizer/fuzzer runtime, rsyslog, ripgrep, ...,
#                                chromium, a Japanese font and Node for the browser
#                                tests, whose npm packages go to tests/browser/node_modules)
#
# Idempotent: a package already installed is not touched, and apt-get is not run
# at all when nothing is missing. Uses sudo when not root.
set -eu

RUN_PKGS="gcc make pkg-config libyaml-dev libsqlite3-dev libjansson-dev \
libsodium-dev libpcre2-dev libmicrohttpd-dev liblz4-dev"
CHECK_PKGS="$RUN_PKGS libcmocka-dev wrk clang llvm libclang-rt-14-dev \
sqlite3 ripgrep rsyslog python3 python3-jsonschema python3-yaml curl jq openssl clang-format \
chromium poppler-utils nodejs fonts-ipafont-gothic"

case "${1:-run}" in
  run)   want=$RUN_PKGS ;;
  check) want=$CHECK_PKGS ;;
  *) echo "usage: $0 run|check" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
# npm: Debian's package where the machine's Node.js does not carry its own
if [ "${1:-run}" = check ] && ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi

# the browser tests' npm packages (playwright-core, from the lock file),
# installed once per lock file: no browser download, Debian's chromium drives
browser_deps() {
  [ "${1:-run}" = check ] || return 0
  dir=$(cd "$(dirname "$0")/../tests/browser" && pwd)
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.seawall-lock"; then
    echo "bootstrap: npm ci in tests/browser"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) &&
      cp "$dir/package-lock.json" "$dir/node_modules/.seawall-lock"
  fi
}

[ -z "$missing" ] && { browser_deps "${1:-run}"; exit 0; }

echo "bootstrap: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
browser_deps "${1:-run}"
