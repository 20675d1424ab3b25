#!/bin/sh
# ui_network.sh — reconnect after a server restart and a dropped link (the
# page says it is offline, nothing is lost), and the first load and use over
# a 600 ms / 256 kbit/s link: tests/browser/network.mjs.
. "$(dirname "$0")/lib/browser.sh"
run_browser_test network.mjs
