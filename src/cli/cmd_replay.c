/* cmd_replay.c — `seawall replay`: the after-action rewind. The exercise in
 * the database is rebuilt from its journal in memory, never changing the
 * database, and stopped at --until (default: where it stopped); the state
 * there is printed: objectives, each team's services, steps, defender
 * actions, each team's records, and the state hash — the same as a live
 * run stopped at that moment gives (tests/integration/exercise_live.sh). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/summary.h"

static void on_note(const sw_ex_note_t *n, void *ud)
{
    sw_summary_note(ud, n);
}

int cmd_replay(sw_cli_t *a)
{
    sw_summary_t sum = {0};
    sw_exercise_t *ex = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sw_cli_open(a, sw_cli_db(a), SW_EXO_REPLAY, SW_CLI_TELEMETRY, on_note, &sum, &ex))
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    const sw_world_t *w = sw_exercise_world(ex);
    json_t *j = sw_summary_json(&sum, ex, wall_s);
    json_t *teams = json_object_get(j, "teams");
    for (size_t i = 0; i < json_array_size(teams); i++) {
        json_t *x = json_array_get(teams, i);
        uint32_t t = sw_world_team(w, json_string_value(json_object_get(x, "team")));
        sw_ex_team_stats_t st;
        sw_exercise_team_stats(ex, t, &st);
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)st.record_hash);
        json_object_set_new(x, "records", json_integer((json_int_t)st.records));
        json_object_set_new(x, "records_hash", json_string(hex));
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)sw_exercise_state_hash(ex));
    json_object_set_new(j, "state_hash", json_string(hex));
    json_object_set_new(j, "state", json_string(sw_ex_state_names[sw_exercise_state(ex)]));
    int status = 0;
    if (a->out) {
        char path[4096];
        snprintf(path, sizeof path, "%s/state.json", a->out);
        if ((mkdir(a->out, 0777) && errno != EEXIST) ||
            json_dump_file(j, path, JSON_INDENT(2) | JSON_SORT_KEYS)) {
            fprintf(stderr, "seawall replay: %s: cannot write: %s\n", path, strerror(errno));
            status = 1;
        }
    }
    if (a->json) {
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("\n");
    } else {
        sw_summary_print(stdout, &sum, ex, wall_s);
        printf("\nrecords at this moment\n");
        for (uint32_t t = 0; t < w->n_teams; t++) {
            if (w->teams[t].kind != SW_TEAM_PLAYER)
                continue;
            sw_ex_team_stats_t st;
            sw_exercise_team_stats(ex, t, &st);
            printf("  %-12s %llu (%llu from the attack)\n", w->teams[t].id,
                   (unsigned long long)st.records, (unsigned long long)st.attack);
        }
        printf("\nstate hash: %016llx (%s)\n", (unsigned long long)sw_exercise_state_hash(ex),
               sw_ex_state_names[sw_exercise_state(ex)]);
    }
    json_decref(j);
    sw_exercise_close(ex, NULL);
    sw_summary_free(&sum);
    return status;
}
