/* server.h — the exercise server: one live exercise played over HTTP by a
 * room of teams, instructors and observers (docs/api.md).
 *
 * `seawall serve` opens the exercise in its database (a new one, or the one
 * there, resumed exactly where it stopped: src/exercise/), listens on
 * 127.0.0.1:8080 by default, and serves the JSON API under /api/v1, the live
 * stream (server-sent events) and the browser interface. One thread owns
 * the exercise; handlers reach it only through acts that are journaled
 * before they are acknowledged, and read snapshots and their own store
 * handles. Authorisation happens in one place, from the route table
 * (routes.c): a route names the roles it admits and what its {team} means. */
#ifndef SW_SERVER_H
#define SW_SERVER_H

#include <stdint.h>

#include "core/err.h"
#include "exercise/exercise.h"

#define SW_SERVER_DEFAULT_ADDR "127.0.0.1"
#define SW_SERVER_DEFAULT_PORT 8080
#define SW_SERVER_ADMIN_ENV "SEAWALL_ADMIN_PASSWORD" /* the first administrator's password */

typedef struct sw_server_opts {
    sw_exercise_opts_t ex; /* the exercise (db, scenario, seed, ...) */
    const char *addr;      /* listen address (default SW_SERVER_DEFAULT_ADDR) */
    uint16_t port;         /* 0: SW_SERVER_DEFAULT_PORT */
    const char *tls_cert;  /* PEM files: HTTPS when both are given */
    const char *tls_key;
    unsigned threads; /* handler threads (0: 4) */
    int paused;       /* do not start the clock of a new exercise */
    int fast;         /* the clock as fast as the machine can (tests) */
    int quiet;
    const char *const *rules; /* SigmaHQ rule folders for the after-action report */
    int n_rules;              /* 0: where a checkout keeps them (alerts/sigma_load.h) */
} sw_server_opts_t;

/* Serve until SIGINT/SIGTERM (or *stop becomes non-zero, when stop is
 * given). Prints the URL, and on the first start the administrator's
 * password (once). Returns 0 or an exit status after printing why. */
int sw_server_run(const sw_server_opts_t *o, volatile int *stop);

/* The route table as JSON (method, path, roles, scope): for the
 * authorisation matrix test and docs/api.md. The caller frees it. */
char *sw_server_routes_json(void);

#endif
