# browser.sh — sourced by tests/integration/ui_*.sh: run one node script of
# tests/browser/ (it prints its checks and "N passed, N failed"). The npm
# packages come from scripts/bootstrap.sh check (npm ci in tests/browser).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
run_browser_test() {
  if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ] || ! command -v node >/dev/null ||
     [ ! -x "${SW_CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "FAIL browser test $1: run scripts/bootstrap.sh check (chromium, node, npm ci)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  cd "$ROOT/tests/browser" || exit 1
  SW_BIN=${SW_BIN:-$ROOT/build/seawall} node "$1"
}
