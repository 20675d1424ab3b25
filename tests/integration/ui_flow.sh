#!/bin/sh
# ui_flow.sh — the tutorial played end to end in a real browser (Debian's
# chromium driven by playwright-core): tests/browser/flow.mjs.
. "$(dirname "$0")/lib/browser.sh"
run_browser_test flow.mjs
