/* cmd_run.c — `seawall run`: the main job that `make run` starts.
 *
 * Until the exercise server exists it plays the built-in default exercise
 * headless, in order:
 *   1. simulate the scenario to its end and print the summary (cmd_simulate);
 *   2. play it again, minute by minute, feeding its events through the sim
 *      bridge (telemetry/sim_bridge.h) into telemetry with the background
 *      activity interleaved in time order: what users, admins, machines and
 *      the attackers log through the exercise hours goes into an embedded
 *      SQLite event store, one part per team, so a trainee can hunt in it;
 *   3. print how to hunt and where to go next.
 * With --rules, the rules are deployed for every team before the first
 * record (alerts/deploy.h) and records go in through an alerter per team, so
 * their matches are the teams' alerts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/deploy.h"
#include "cli/commands.h"
#include "cli/rules_files.h"
#include "journal/journal.h"
#include "model/world.h"
#include "scenario/diag.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "store/evstore.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/telemetry.h"

#define RUN_DEFAULT_SCENARIO "pacific-cable"
#define RUN_DEFAULT_DB "seawall.db"

typedef struct run_store {
    sw_store_t *store;
    sw_store_team_t **teams; /* by world team index, opened on first record */
    sw_alerter_t **alerters; /* with --rules: by team index, all opened up front */
    const sw_world_t *w;
    uint64_t n_records;
    uint64_t n_attack; /* records with a ground-truth step behind them */
    sw_errbuf_t err;
} run_store_t;

static int run_record_cb(void *ud, const sw_tel_record_t *rec)
{
    run_store_t *rs = ud;
    if (rec->team >= rs->w->n_teams)
        return SW_EINVAL;
    if (!rs->teams[rec->team]) {
        int rc = sw_store_team_open(rs->store, rs->w->teams[rec->team].id, 1, &rs->teams[rec->team],
                                    &rs->err);
        if (rc)
            return rc;
    }
    /* ground truth goes beside the record, where only sw_store_truth reads it */
    char truth[32];
    if (rec->truth)
        snprintf(truth, sizeof truth, "gt:%u", (unsigned)(rec->truth - 1));
    const char *tr = rec->truth ? truth : NULL;
    int rc = rs->alerters ? sw_alerter_append_truth(rs->alerters[rec->team], rec->json,
                                                    rec->json_len, tr, NULL, &rs->err)
                          : sw_store_append_truth(rs->teams[rec->team], rec->json, rec->json_len,
                                                  tr, NULL, &rs->err);
    if (!rc) {
        rs->n_records++;
        rs->n_attack += rec->truth != 0;
    }
    return rc;
}

static void run_usage(FILE *f)
{
    fprintf(
        f,
        "usage: seawall run [--scenario NAME|FILE] [--db FILE] [--seed N] [--rules RULE.yml...]\n"
        "  Plays the exercise headless: simulation summary, then every team's\n"
        "  telemetry, background and attack, into an SQLite event store (default\n"
        "  %s, rewritten on each run) to hunt in with `seawall hunt`.\n"
        "  --rules deploys Sigma rules for every team before the first record, so\n"
        "  their matches are alerts (seawall alerts); every file is checked first.\n"
        "  Default scenario: the built-in '%s'.\n",
        RUN_DEFAULT_DB, RUN_DEFAULT_SCENARIO);
}

/* With --rules: every team's handle, the rules deployed for each (journaled,
 * actor "seawall-run"), and an alerter per team. Returns 0 or 1. */
static int run_deploy(run_store_t *rs, const char *db, char *const *rules, int n_rules,
                      sw_journal_t **j, sw_deploy_t **d)
{
    if (sw_journal_open(db, j, &rs->err) || sw_deploy_open(db, *j, d, &rs->err)) {
        fprintf(stderr, "seawall run: %s: %s\n", db, rs->err.msg);
        return 1;
    }
    rs->alerters = calloc(rs->w->n_teams ? rs->w->n_teams : 1, sizeof *rs->alerters);
    if (!rs->alerters)
        return 1;
    for (uint32_t t = 0; t < rs->w->n_teams; t++) {
        if (sw_store_team_open(rs->store, rs->w->teams[t].id, 1, &rs->teams[t], &rs->err))
            break;
        /* before the first record: exercise time 0 */
        if (sw_rules_deploy_files(*d, rs->teams[t], "seawall-run", 0, rules, n_rules, "run", NULL))
            return 1; /* it said why */
        if (sw_alerter_open(*d, rs->store, rs->teams[t], &rs->alerters[t], &rs->err))
            break;
    }
    if (rs->err.msg[0]) {
        fprintf(stderr, "seawall run: %s: %s\n", db, rs->err.msg);
        return 1;
    }
    return 0;
}

/* The exercise's telemetry, background and attack, into db. Returns 0 or 1. */
static int run_telemetry(const char *scenario, const char *db, uint64_t seed, char *const *rules,
                         int n_rules)
{
    sw_world_t w;
    sw_diags_t d;
    sw_world_init(&w);
    sw_diags_init(&d);
    run_store_t rs = {0};
    sw_tel_t *tel = NULL;
    sw_tel_bg_t *bg = NULL;
    sw_tel_bridge_t *br = NULL;
    sw_sim_t *sim = NULL;
    sw_journal_t *jn = NULL;
    sw_deploy_t *dep = NULL;
    int status = 1;

    if (sw_scenario_load(scenario, &w, &d) != SW_OK) {
        sw_diags_print(&d, stderr);
        goto done;
    }
    if (unlink(db) != 0 && errno != ENOENT) {
        fprintf(stderr, "seawall run: cannot replace %s: %s\n", db, strerror(errno));
        goto done;
    }
    if (sw_store_open(db, &rs.store, &rs.err)) {
        fprintf(stderr, "seawall run: %s: %s\n", db, rs.err.msg);
        goto done;
    }
    rs.w = &w;
    rs.teams = calloc(w.n_teams ? w.n_teams : 1, sizeof *rs.teams);
    if (!rs.teams || (n_rules && run_deploy(&rs, db, rules, n_rules, &jn, &dep)))
        goto done;
    sw_tel_config_t cfg = {0};
    cfg.seed = seed ? seed : w.exercise.seed;
    cfg.proc_audit = sw_tel_audit_from_world(&w);
    cfg.cb = run_record_cb;
    cfg.ud = &rs;
    sw_tel_rates_t rates;
    sw_tel_rates_from_world(&rates, &w); /* the scenario's telemetry: rates */
    if (sw_tel_new(&tel, &w, &cfg) || sw_tel_bg_new(&bg, tel, &rates, cfg.seed)) {
        fprintf(stderr, "seawall run: cannot start telemetry\n");
        goto done;
    }
    if (sw_tel_bridge_new(&br, tel, bg) ||
        !(sim = sw_sim_new(&w, cfg.seed, sw_tel_bridge_sim_cb, br))) {
        fprintf(stderr, "seawall run: cannot start the simulation\n");
        goto done;
    }
    /* minute by minute: the sim's events (each preceded by the background
     * due before it), then the rest of the minute's background */
    int rc = 0;
    for (int64_t t = 0; t < w.exercise.duration_ms && !rc;) {
        t = t + 60000 < w.exercise.duration_ms ? t + 60000 : w.exercise.duration_ms;
        sw_sim_run_until(sim, t);
        rc = sw_tel_bridge_error(br);
        if (!rc)
            rc = sw_tel_bridge_advance(br, t);
    }
    if (rc) {
        fprintf(stderr, "seawall run: telemetry: %s%s%s\n", sw_strerror(rc),
                rs.err.msg[0] ? ": " : "", rs.err.msg);
        goto done;
    }
    for (uint32_t t = 0; rs.alerters && t < w.n_teams; t++)
        if (sw_alerter_flush(rs.alerters[t], &rs.err)) {
            fprintf(stderr, "seawall run: %s: %s\n", db, rs.err.msg);
            goto done;
        }
    if (sw_store_flush(rs.store, &rs.err)) {
        fprintf(stderr, "seawall run: %s: %s\n", db, rs.err.msg);
        goto done;
    }
    printf("\nevent store\n  %s: %llu records (%llu background, %llu from %llu attack steps)"
           " over %lld min for",
           db, (unsigned long long)rs.n_records, (unsigned long long)(rs.n_records - rs.n_attack),
           (unsigned long long)rs.n_attack, (unsigned long long)sw_tel_bridge_steps(br),
           (long long)(w.exercise.duration_ms / 60000));
    const char *first_team = NULL;
    for (uint32_t t = 0; t < w.n_teams; t++)
        if (rs.teams[t]) {
            printf(" %s", w.teams[t].id);
            if (!first_team)
                first_team = w.teams[t].id;
        }
    printf("\n");
    if (rs.alerters) {
        printf("\nalerts from %d deployed rule%s\n", n_rules, n_rules == 1 ? "" : "s");
        for (uint32_t t = 0; t < w.n_teams; t++)
            printf("  %-10s %llu   (./build/seawall alerts --db %s --team %s)\n", w.teams[t].id,
                   (unsigned long long)sw_alerter_raised(rs.alerters[t]), db, w.teams[t].id);
    }
    if (first_team) {
        /* queries that answer on any scenario: which Windows channels and
         * other sources the team has, and which programs ran */
        printf("\nhunt, for example:\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 Channel'\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 event.dataset'\n"
               "  ./build/seawall hunt --db %s --team %s '* | top 10 Image'\n",
               db, first_team, db, first_team, db, first_team);
    }
    printf("\nmore: README.md (first exercise), docs/search.md, docs/sigma.md, "
           "docs/simulation.md\n");
    status = 0;
done:
    for (uint32_t t = 0; rs.alerters && t < w.n_teams; t++)
        sw_alerter_close(rs.alerters[t]);
    free(rs.alerters);
    sw_deploy_close(dep);
    sw_journal_close(jn);
    sw_sim_free(sim);
    sw_tel_bridge_free(br);
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    if (rs.teams)
        for (uint32_t t = 0; t < w.n_teams; t++)
            if (rs.teams[t])
                sw_store_team_close(rs.teams[t]);
    free(rs.teams);
    if (rs.store)
        sw_store_close(rs.store);
    sw_diags_free(&d);
    sw_world_free(&w);
    return status;
}

int cmd_run(int argc, char **argv)
{
    const char *scenario = RUN_DEFAULT_SCENARIO, *db = RUN_DEFAULT_DB, *seed_s = NULL;
    char **rules = NULL;
    int n_rules = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--rules")) {
            /* the files that follow, up to the next option */
            rules = argv + i + 1;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2))
                i++, n_rules++;
            if (!n_rules) {
                fprintf(stderr, "seawall run: --rules needs at least one RULE.yml\n");
                return 2;
            }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            run_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--scenario") && i + 1 < argc) {
            scenario = argv[++i];
        } else if (!strcmp(a, "--db") && i + 1 < argc) {
            db = argv[++i];
        } else if (!strcmp(a, "--seed") && i + 1 < argc) {
            seed_s = argv[++i];
        } else {
            fprintf(stderr, "seawall run: unexpected argument '%s'\n", a);
            run_usage(stderr);
            return 2;
        }
    }
    uint64_t seed = 0;
    if (seed_s) {
        char *end;
        errno = 0;
        seed = strtoull(seed_s, &end, 10);
        if (errno || *end || !*seed_s || seed_s[0] == '-') {
            fprintf(stderr, "seawall run: --seed '%s' is not a number\n", seed_s);
            return 2;
        }
    }
    char *sim_argv[5] = {"simulate", (char *)scenario, NULL, NULL, NULL};
    int sim_argc = 2;
    if (seed_s) {
        sim_argv[2] = "--seed";
        sim_argv[3] = (char *)seed_s;
        sim_argc = 4;
    }
    /* bad rules stop the run before anything is simulated or rewritten */
    if (n_rules && sw_rules_check_files(rules, n_rules, "run"))
        return 1;
    int rc = cmd_simulate(sim_argc, sim_argv);
    if (rc)
        return rc;
    return run_telemetry(scenario, db, seed, rules, n_rules);
}
