/* bench_exercise.c — the exercise end to end through the exercise runtime
 * (src/exercise/): the simulation, every team's telemetry, ingest into the
 * teams' stores and alerts from deployed SigmaHQ rules, as `seawall run` and
 * `seawall play --fast` do it. Against a baseline in the same run: the same
 * pipeline hand-rolled the way `seawall run` did it before the runtime
 * existed (sim, bridge, alerter appends, one-minute windows), on the same
 * world, seed and rules — the runtime's overhead is the ratio.
 *
 *   1. pacific-cable, four hours, N rules per team: runtime vs baseline
 *   2. the demo world, 5 teams x 1,000 hosts, four hours, N rules per team:
 *      how many times faster than real time
 *
 *   SW_BENCH_RULES     rule folder (default ../shared/data/sigma/rules/windows/process_creation);
 *                      the first N files in name order that compile and have an id
 *   SW_BENCH_N_RULES   N (default 200)
 *   SW_BENCH_HOSTS     demo-world hosts per team (default 1000)
 *   SW_BENCH_RUNS      runs of each case, median (default 3)
 *   SW_BENCH_DIR       where the databases go (default /tmp/sw-bench-exercise)
 *
 * Figures, not assertions. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alerts/deploy.h"
#include "alerts/sigma_load.h"
#include "exercise/exercise.h"
#include "scenario/scenario.h"
#include "telemetry/demo_world.h"
#include "telemetry/sim_bridge.h"

#define MAX_RULES 4096

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_s(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct rules {
    char *path[MAX_RULES];
    char *text[MAX_RULES];
    size_t len[MAX_RULES];
    size_t n;
} rules_t;

/* The first n rule files of dir in name order that compile and carry an id. */
static void read_rules(const char *dir, size_t n, rules_t *r)
{
    memset(r, 0, sizeof *r);
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[MAX_RULES];
    size_t k = 0;
    struct dirent *e;
    while ((e = readdir(d)) && k < MAX_RULES) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".yml"))
            names[k++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, k, sizeof *names, cmp_s);
    sw_sigma_set_t *set = sw_sigma_set_new(NULL, 0);
    for (size_t i = 0; i < k; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        free(names[i]);
        char *text = NULL;
        size_t len = 0;
        sw_errbuf_t err;
        sw_sigma_error_t se;
        size_t before = set ? sw_sigma_set_count(set) : 0;
        if (r->n >= n || sw_read_file(p, SW_SIGMA_MAX_RULE_BYTES, &text, &len, &err) || !set ||
            sw_sigma_set_add(set, text, len, p, &se) || !*sw_sigma_set_rule(set, before)->id) {
            free(text);
            continue;
        }
        r->path[r->n] = strdup(p);
        r->text[r->n] = text;
        r->len[r->n++] = len;
    }
    sw_sigma_set_free(set);
}

static void fresh(const char *db)
{
    sw_errbuf_t err;
    sw_store_remove(db, &err);
}

typedef struct result {
    double wall_s;
    uint64_t records, alerts;
} result_t;

static void count_note(const sw_ex_note_t *n, void *ud)
{
    result_t *r = ud;
    r->alerts += n->kind == SW_EXN_ALERT;
}

/* One run through the runtime: create, deploy (untimed), play to the end
 * (timed). world may be NULL (the scenario). */
static int run_runtime(const char *db, const char *scenario, const sw_world_t *world,
                       const rules_t *rules, result_t *out)
{
    fresh(db);
    memset(out, 0, sizeof *out);
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.db = db;
    o.scenario = scenario;
    o.world = world;
    o.on_note = count_note;
    o.note_ud = out;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    if (sw_exercise_open(&o, &ex, NULL, &err)) {
        fprintf(stderr, "bench_exercise: %s\n", err.msg);
        return -1;
    }
    const sw_world_t *w = sw_exercise_world(ex);
    for (uint32_t t = 0; t < w->n_teams; t++)
        for (size_t i = 0; w->teams[t].kind == SW_TEAM_PLAYER && i < rules->n; i++) {
            sw_sigma_error_t se;
            if (sw_exercise_deploy(ex, "bench", w->teams[t].id, rules->text[i], rules->len[i],
                                   rules->path[i], &rp, &se))
                fprintf(stderr, "bench_exercise: %s\n", rp.msg);
        }
    sw_exercise_clock(ex, "bench", SW_CLOCK_START, 0, &rp);
    double t0 = now_s();
    int rc = sw_exercise_advance(ex, sw_exercise_until(ex), &err);
    out->wall_s = now_s() - t0;
    for (uint32_t t = 0; t < w->n_teams; t++) {
        sw_ex_team_stats_t st;
        sw_exercise_team_stats(ex, t, &st);
        out->records += st.records;
    }
    if (rc)
        fprintf(stderr, "bench_exercise: %s\n", err.msg);
    sw_exercise_close(ex, NULL);
    return rc;
}

/* ---- the baseline: the pipeline without the runtime ------------------------------- */

typedef struct base {
    const sw_world_t *w;
    sw_store_t *store;
    sw_store_team_t **teams;
    sw_alerter_t **alerters;
    uint64_t records;
    sw_errbuf_t err;
} base_t;

static int base_record(void *ud, const sw_tel_record_t *rec)
{
    base_t *b = ud;
    char truth[32];
    if (rec->truth)
        snprintf(truth, sizeof truth, "gt:%u", (unsigned)(rec->truth - 1));
    b->records++;
    return sw_alerter_append_truth(b->alerters[rec->team], rec->json, rec->json_len,
                                   rec->truth ? truth : NULL, NULL, &b->err);
}

static int run_baseline(const char *db, const sw_world_t *w, uint64_t seed, int64_t until,
                        const rules_t *rules, result_t *out)
{
    fresh(db);
    memset(out, 0, sizeof *out);
    base_t b = {.w = w};
    sw_journal_t *j = NULL;
    sw_deploy_t *d = NULL;
    sw_tel_t *tel = NULL;
    sw_tel_bg_t *bg = NULL;
    sw_tel_bridge_t *br = NULL;
    sw_sim_t *sim = NULL;
    int rc = -1;
    b.teams = calloc(w->n_teams, sizeof *b.teams);
    b.alerters = calloc(w->n_teams, sizeof *b.alerters);
    if (sw_store_open(db, &b.store, &b.err) || sw_journal_open(db, &j, &b.err) ||
        sw_deploy_open(db, j, &d, &b.err))
        goto done;
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        if (sw_store_team_open(b.store, w->teams[t].id, 1, &b.teams[t], &b.err) ||
            sw_store_flush(b.store, &b.err))
            goto done;
        for (size_t i = 0; i < rules->n; i++) {
            sw_act_t act = {"bench", 0, 0};
            sw_sigma_error_t se;
            sw_deploy_rule(d, b.teams[t], &act, rules->text[i], rules->len[i], rules->path[i], NULL,
                           &se);
        }
        if (sw_alerter_open(d, b.store, b.teams[t], &b.alerters[t], &b.err))
            goto done;
    }
    sw_tel_config_t cfg = {
        .seed = seed, .proc_audit = sw_tel_audit_from_world(w), .cb = base_record, .ud = &b};
    sw_tel_rates_t rates;
    sw_tel_rates_from_world(&rates, w);
    if (sw_tel_new(&tel, w, &cfg) || sw_tel_bg_new(&bg, tel, &rates, seed) ||
        sw_tel_bridge_new(&br, tel, bg) || !(sim = sw_sim_new(w, seed, sw_tel_bridge_sim_cb, br)))
        goto done;
    double t0 = now_s();
    rc = 0;
    for (int64_t t = 0; t < until && !rc;) {
        t = t + 60000 < until ? t + 60000 : until;
        sw_sim_run_until(sim, t);
        if (!(rc = sw_tel_bridge_error(br)))
            rc = sw_tel_bridge_advance(br, t);
    }
    for (uint32_t t = 0; t < w->n_teams && !rc; t++)
        if (b.alerters[t]) {
            rc = sw_alerter_flush(b.alerters[t], &b.err);
            out->alerts += sw_alerter_raised(b.alerters[t]);
        }
    out->wall_s = now_s() - t0;
    out->records = b.records;
done:
    if (rc)
        fprintf(stderr, "bench_exercise: baseline: %s\n", b.err.msg);
    sw_sim_free(sim);
    sw_tel_bridge_free(br);
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    for (uint32_t t = 0; t < w->n_teams; t++) {
        sw_alerter_close(b.alerters[t]);
        sw_store_team_close(b.teams[t]);
    }
    free(b.alerters);
    free(b.teams);
    sw_deploy_close(d);
    sw_journal_close(j);
    sw_store_close(b.store);
    return rc;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

int main(void)
{
    const char *dir = getenv("SW_BENCH_DIR") ? getenv("SW_BENCH_DIR") : "/tmp/sw-bench-exercise";
    const char *rdir = getenv("SW_BENCH_RULES")
                           ? getenv("SW_BENCH_RULES")
                           : "../shared/data/sigma/rules/windows/process_creation";
    size_t n_rules =
        getenv("SW_BENCH_N_RULES") ? strtoul(getenv("SW_BENCH_N_RULES"), NULL, 10) : 200;
    uint32_t hosts = getenv("SW_BENCH_HOSTS") ? (uint32_t)atoi(getenv("SW_BENCH_HOSTS")) : 1000;
    int runs = getenv("SW_BENCH_RUNS") ? atoi(getenv("SW_BENCH_RUNS")) : 3;
    if (runs < 1 || runs > 15)
        runs = 3;
    mkdir(dir, 0777);
    static rules_t rules;
    read_rules(rdir, n_rules, &rules);
    printf("bench_exercise: %zu SigmaHQ rules per team from %s; medians of %d runs\n", rules.n,
           rdir, runs);
    char db[4200], bdb[4200];
    snprintf(db, sizeof db, "%s/runtime.db", dir);
    snprintf(bdb, sizeof bdb, "%s/baseline.db", dir);

    /* 1. pacific-cable: the runtime against the baseline, alternating */
    sw_world_t w;
    sw_diags_t dg;
    sw_diags_init(&dg);
    if (sw_scenario_load(SW_EXERCISE_DEFAULT_SCENARIO, &w, &dg)) {
        sw_diags_print(&dg, stderr);
        return 1;
    }
    sw_diags_free(&dg);
    double rt[15], bl[15];
    result_t r, b;
    for (int i = 0; i < runs; i++) {
        if (run_runtime(db, SW_EXERCISE_DEFAULT_SCENARIO, NULL, &rules, &r) ||
            run_baseline(bdb, &w, w.exercise.seed, w.exercise.duration_ms, &rules, &b))
            return 1;
        rt[i] = r.wall_s;
        bl[i] = b.wall_s;
    }
    double mr = median(rt, runs), mb = median(bl, runs);
    printf("%-44s %8.3f s  %9.0f records/s  %llu records, %llu alerts\n",
           "pacific-cable 4 h, runtime (seawall run)", mr, (double)r.records / mr,
           (unsigned long long)r.records, (unsigned long long)r.alerts);
    printf("%-44s %8.3f s  %9.0f records/s  %llu records, %llu alerts\n",
           "pacific-cable 4 h, hand-rolled baseline", mb, (double)b.records / mb,
           (unsigned long long)b.records, (unsigned long long)b.alerts);
    printf("%-44s %8.3f   (runtime / baseline; target < 1.10)\n", "overhead of the runtime",
           mr / mb);
    sw_world_free(&w);

    /* 2. the demo world: 5 teams x hosts, four hours */
    sw_world_t dw;
    sw_world_init(&dw);
    if (sw_tel_demo_world(&dw, 5, hosts, 1)) {
        fprintf(stderr, "bench_exercise: cannot build the demo world\n");
        return 1;
    }
    dw.exercise.duration_ms = 4 * 3600 * 1000LL;
    double dt[15];
    for (int i = 0; i < runs; i++) {
        if (run_runtime(db, NULL, &dw, &rules, &r))
            return 1;
        dt[i] = r.wall_s;
    }
    double md = median(dt, runs);
    printf("demo world 5 x %u hosts, 4 h, runtime          %8.3f s  %9.0f records/s  %llu "
           "records, %llu alerts\n",
           hosts, md, (double)r.records / md, (unsigned long long)r.records,
           (unsigned long long)r.alerts);
    printf("%-44s %8.0f x real time (target >= 1000)\n", "  that is", 4 * 3600.0 / md);
    sw_world_free(&dw);
    fresh(db);
    fresh(bdb);
    for (size_t i = 0; i < rules.n; i++) {
        free(rules.path[i]);
        free(rules.text[i]);
    }
    return 0;
}
