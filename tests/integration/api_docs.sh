#!/bin/sh
# api_docs.sh — every example in docs/api.md runs against a real server
# (api_docs.py). Run by tests/run.sh; needs curl and jq.
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/api_docs.py"
