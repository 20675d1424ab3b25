#!/bin/sh
# ui_i18n.sh — every main page in English and Japanese for each role, with
# screenshots under build/screenshots/ and no English left in Japanese:
# tests/browser/i18n.mjs.
. "$(dirname "$0")/lib/browser.sh"
run_browser_test i18n.mjs
