#!/bin/sh
# server_faults.sh — `seawall serve` under faults: a resume that must not
# hold the database, a disk that fills during play (server_faults.py).
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_faults.py"
