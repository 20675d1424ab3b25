#!/bin/sh
# server_default.sh — `make run`'s job, seawall serve with its defaults
# (server_default.py). Run by tests/run.sh.
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_default.py"
