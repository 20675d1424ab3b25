/* cmd_run.c — `seawall run`: play an exercise headless, at full speed, to
 * its end, into a database: the exercise runtime's batch client.
 *
 * A database that already holds the exercise is resumed (and finished if it
 * had not ended), never rewritten; --replace starts over, and only ever
 * replaces a seawall database. Then the summary (objectives, availability,
 * steps), what each team's store holds, and where to hunt. --rules deploys
 * Sigma rules for every team before the first record, so their matches are
 * the teams' alerts; --defender attaches scripted defenders. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "alerts/sigma_load.h"
#include "cli/summary.h"
#include "cli/rules_files.h"
#include "exercise/exercise.h"

static void on_note(const sw_ex_note_t *n, void *ud)
{
    sw_summary_note(ud, n);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deploy every --rules file for every player team: all or none. */
static int deploy_rules(const sw_cli_t *a, sw_exercise_t *ex)
{
    const sw_world_t *w = sw_exercise_world(ex);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t t = 0; t < w->n_teams; t++) {
            if (w->teams[t].kind != SW_TEAM_PLAYER)
                continue;
            for (int i = 0; i < a->n_rules; i++) {
                char *yaml = NULL;
                size_t len = 0;
                sw_errbuf_t err;
                if (sw_read_file(a->rules[i], SW_SIGMA_MAX_RULE_BYTES, &yaml, &len, &err)) {
                    fprintf(stderr, "seawall run: %s\n", err.msg);
                    return 1;
                }
                sw_ex_reply_t rp;
                sw_sigma_error_t se;
                int rc = pass == 0 ? sw_exercise_deploy_check(ex, w->teams[t].id, yaml, len,
                                                              a->rules[i], &rp, &se)
                                   : sw_exercise_deploy(ex, "seawall-run", w->teams[t].id, yaml,
                                                        len, a->rules[i], &rp, &se);
                free(yaml);
                if (rc) {
                    fprintf(stderr, "seawall run: %s\n", rp.msg);
                    return 1;
                }
            }
        }
    return 0;
}

int cmd_run(sw_cli_t *a)
{
    /* bad rules stop the run before anything is created */
    if (a->n_rules && sw_rules_check_files((char *const *)(uintptr_t)a->rules, a->n_rules, "run"))
        return 1;
    sw_summary_t sum = {0};
    sw_exercise_t *ex = NULL;
    double t0 = mono_s();
    const char *db = sw_cli_db(a);
    int status = sw_cli_open(a, db, a->replace ? SW_EXO_REPLACE : SW_EXO_OPEN, SW_CLI_TELEMETRY,
                             on_note, &sum, &ex);
    if (status)
        return status;
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    status = 1;
    if (sw_exercise_resumed(ex)) {
        /* the database's own exercise, whatever the options would start */
        if ((a->scenario && strcmp(a->scenario, sw_exercise_scenario(ex))) ||
            (a->has_seed && a->seed != sw_exercise_seed(ex)) || a->n_rules || a->n_defenders) {
            fprintf(stderr,
                    "seawall run: %s already holds an exercise (%s, seed %llu): it is kept; "
                    "start a different one with another --db, or --replace it\n",
                    db, sw_exercise_scenario(ex), (unsigned long long)sw_exercise_seed(ex));
            goto done;
        }
        if (!a->quiet)
            fprintf(stderr, "seawall run: %s holds this exercise already: resuming it%s\n", db,
                    sw_exercise_state(ex) == SW_EX_ENDED ? " (it has ended)" : "");
    } else if (sw_cli_attach_defenders(a, ex) || deploy_rules(a, ex)) {
        goto done;
    }
    if (sw_exercise_state(ex) == SW_EX_NOT_STARTED &&
        sw_exercise_clock(ex, sw_cli_actor(a), SW_CLOCK_START, 0, &rp)) {
        fprintf(stderr, "seawall run: %s\n", rp.msg);
        goto done;
    }
    if (sw_exercise_state(ex) != SW_EX_ENDED &&
        sw_exercise_advance(ex, sw_exercise_until(ex), &err)) {
        fprintf(stderr, "seawall run: %s\n", err.msg);
        goto done;
    }
    sw_summary_print(stdout, &sum, ex, mono_s() - t0);
    const sw_world_t *w = sw_exercise_world(ex);
    uint64_t total = 0, attack = 0;
    for (uint32_t t = 0; t < w->n_teams; t++) {
        sw_ex_team_stats_t st;
        sw_exercise_team_stats(ex, t, &st);
        total += st.records;
        attack += st.attack;
    }
    printf("\nevent store\n  %s: %llu records (%llu background, %llu from %llu attack steps)"
           " over %lld min for",
           db, (unsigned long long)total, (unsigned long long)(total - attack),
           (unsigned long long)attack, (unsigned long long)sw_exercise_attack_steps(ex),
           (long long)(sw_exercise_now(ex) / 60000));
    const char *first = NULL;
    for (uint32_t t = 0; t < w->n_teams; t++)
        if (sw_exercise_team_store(ex, t)) {
            printf(" %s", w->teams[t].id);
            first = first ? first : w->teams[t].id;
        }
    printf("\n");
    if (a->n_rules) {
        printf("\nalerts from %d deployed rule%s\n", a->n_rules, a->n_rules == 1 ? "" : "s");
        for (uint32_t t = 0; t < w->n_teams; t++) {
            sw_ex_team_stats_t st;
            sw_exercise_team_stats(ex, t, &st);
            if (sw_exercise_team_store(ex, t))
                printf("  %-10s %llu   (./build/seawall alerts --db %s --team %s)\n",
                       w->teams[t].id, (unsigned long long)st.alerts, db, w->teams[t].id);
        }
    }
    if (first)
        /* queries that answer on any scenario: which Windows channels and
         * other sources the team has, and which programs ran */
        printf("\nhunt, for example:\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 Channel'\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 event.dataset'\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 Image'\n",
               db, first, db, first, db, first);
    printf("\nplay it live: ./build/seawall play --db NEW.db (then seawall act in another shell)\n"
           "more: README.md (first exercise), docs/search.md, docs/sigma.md, docs/simulation.md\n");
    status = 0;
done:
    if (sw_exercise_close(ex, &err) && !status) {
        fprintf(stderr, "seawall run: %s\n", err.msg);
        status = 1;
    }
    sw_summary_free(&sum);
    return status;
}
