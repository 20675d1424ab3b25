#!/bin/sh
# server_api.sh — every endpoint of `seawall serve` over real HTTP on
# loopback (server_api.py; Python's standard library). Run by tests/run.sh.
export SW_BIN=${SW_BIN:-build/seawall}
export SW_SHARED=${SW_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
exec python3 "$(dirname "$0")/server_api.py"
