#!/bin/sh
# server_abuse.sh — hostile HTTP against `seawall serve` on loopback: bounded
# answers, and the server responsive for everyone else (server_abuse.py).
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_abuse.py"
