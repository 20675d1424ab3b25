/* cmd_serve.c — `seawall serve`: the exercise served over HTTP (server.h).
 * The command parses and hands over; the server does the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "server/server.h"

int cmd_serve(sw_cli_t *a)
{
    if (a->routes) {
        char *j = sw_server_routes_json();
        if (j)
            puts(j);
        free(j);
        return j ? 0 : 1;
    }
    sw_server_opts_t o;
    memset(&o, 0, sizeof o);
    sw_exercise_opts_init(&o.ex);
    o.ex.how = a->replace ? SW_EXO_REPLACE : SW_EXO_OPEN;
    o.ex.db = sw_cli_db(a);
    o.ex.scenario = a->scenario;
    o.ex.seed = a->seed;
    o.ex.has_seed = a->has_seed;
    o.ex.until_ms = a->until_ms;
    o.ex.has_until = a->has_until;
    o.ex.speed = a->has_speed ? a->speed : 0;
    o.ex.actor = sw_cli_actor(a);
    o.paused = a->paused;
    o.fast = a->fast;
    o.quiet = a->quiet;
    o.tls_cert = a->tls_cert;
    o.rules = (const char *const *)a->rules;
    o.n_rules = a->n_rules;
    o.tls_key = a->tls_key;
    char addr[64] = SW_SERVER_DEFAULT_ADDR;
    unsigned port = SW_SERVER_DEFAULT_PORT;
    if (a->listen) {
        const char *colon = strrchr(a->listen, ':');
        char *end = NULL;
        unsigned long p = colon ? strtoul(colon + 1, &end, 10) : 0;
        if (!colon || colon == a->listen || (size_t)(colon - a->listen) >= sizeof addr ||
            end == colon + 1 || *end || p < 1 || p > 65535)
            return sw_cli_usage_error(a, "--listen '%s' is not ADDR:PORT (like 0.0.0.0:8080)",
                                      a->listen);
        memcpy(addr, a->listen, (size_t)(colon - a->listen));
        addr[colon - a->listen] = '\0';
        port = (unsigned)p;
    }
    if (!!a->tls_cert != !!a->tls_key)
        return sw_cli_usage_error(a, "--tls-cert and --tls-key go together");
    o.addr = addr;
    o.port = (uint16_t)port;
    return sw_server_run(&o, NULL);
}
