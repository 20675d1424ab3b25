#!/bin/sh
# server_truth.sh — a whole exercise played through the API: no ground truth in
# anything a player or an observer receives (server_truth.py).
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_truth.py"
