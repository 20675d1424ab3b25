#!/bin/sh
# server_authz.sh — the authorisation matrix generated from the route table
# (server_authz.py): every endpoint x role x own/other team, for each
# observers_see setting, over real HTTP on loopback. Run by tests/run.sh.
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_authz.py"
