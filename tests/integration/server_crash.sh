#!/bin/sh
# server_crash.sh — kill -9 of `seawall serve` during play loses nothing
# acknowledged (server_crash.py). Run by tests/run.sh.
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_crash.py"
