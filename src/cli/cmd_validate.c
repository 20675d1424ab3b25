/* cmd_validate.c — `seawall validate FILE...`: load each scenario (a path or
 * a built-in name), print every problem gcc style on stderr, and for a clean
 * file a one-line summary on stdout. Exit 0 when every file is clean
 * (warnings allowed), 1 when any has errors, 2 on a usage error. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/err.h"
#include "scenario/scenario.h"

static uint32_t count_kind(const sw_world_t *w, sw_team_kind_t k)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->n_teams; i++)
        n += w->teams[i].kind == k;
    return n;
}

int cmd_validate(sw_cli_t *a)
{
    char **argv = a->args;
    int status = 0;
    for (int i = 0; i < a->n_args; i++) {
        sw_world_t w;
        sw_diags_t d;
        sw_diags_init(&d);
        int rc = sw_scenario_load(argv[i], &w, &d);
        fflush(stdout);
        sw_diags_print(&d, stderr);
        if (rc == SW_OK) {
            uint32_t players = count_kind(&w, SW_TEAM_PLAYER);
            uint32_t observers = count_kind(&w, SW_TEAM_OBSERVER);
            printf("%s: ok: %u team%s, %u observer%s, %u host%s, %u adversar%s, %u inject%s",
                   argv[i], players, players == 1 ? "" : "s", observers, observers == 1 ? "" : "s",
                   w.n_hosts, w.n_hosts == 1 ? "" : "s", w.n_adversaries,
                   w.n_adversaries == 1 ? "y" : "ies", w.n_injects, w.n_injects == 1 ? "" : "s");
            if (d.n_warnings)
                printf(" (%zu warning%s)", d.n_warnings, d.n_warnings == 1 ? "" : "s");
            printf("\n");
            sw_world_free(&w);
        } else {
            fprintf(stderr, "%s: %zu error%s\n", argv[i], d.n_errors, d.n_errors == 1 ? "" : "s");
            status = 1;
        }
        sw_diags_free(&d);
    }
    return status;
}
