#!/bin/sh
# ui_isolation.sh — a player cannot reach another team's pages or data, in the
# interface or by editing URLs; an observer reads but cannot act:
# tests/browser/isolation.mjs.
. "$(dirname "$0")/lib/browser.sh"
run_browser_test isolation.mjs
