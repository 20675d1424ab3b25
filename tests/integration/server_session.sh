#!/bin/sh
# server_session.sh — sessions against fixation, CSRF on every state-changing
# route, cookie flags, login rate limiting (server_session.py).
export SW_BIN=${SW_BIN:-build/seawall}
exec python3 "$(dirname "$0")/server_session.py"
