/* bench_score.c — the score and the after-action report for the Pacific
 * exercise played over a full day (24 h of exercise time) with thousands
 * of acts: every team sharing, blocking, reporting, isolating and
 * releasing, hints from the white cell.
 *
 * Figures (medians of SW_BENCH_RUNS runs, default 5):
 *   recompute   a new score fed every note the exercise published (sim
 *               events, acts) and computed at the end: what recomputing
 *               the score from the journal costs on top of the replay;
 *               the ratio is to the exercise's own run (sim and acts,
 *               without telemetry), measured in the same process;
 *   html        the report's model built from the exercise and rendered
 *               as HTML; the ratio is to rendering the same model as JSON.
 * Targets (issue 14): recompute under 100 ms, HTML under 1 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exercise/report_model.h"
#include "score/report.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define MIN_MS 60000LL

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

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the notes, kept to be fed again --------------------------------------------- */

typedef struct kept {
    int kind; /* SW_EXN_SIM or SW_EXN_ACT */
    sw_sim_event_t ev;
    sw_score_act_t act;
} kept_t;

typedef struct notes {
    kept_t *v;
    size_t n, cap;
} notes_t;

static const char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void on_note(const sw_ex_note_t *n, void *ud)
{
    notes_t *ns = ud;
    if (n->kind != SW_EXN_SIM && n->kind != SW_EXN_ACT)
        return;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 4096;
        ns->v = realloc(ns->v, ns->cap * sizeof *ns->v);
        if (!ns->v)
            abort();
    }
    kept_t *k = &ns->v[ns->n++];
    memset(k, 0, sizeof *k);
    k->kind = n->kind;
    if (n->kind == SW_EXN_SIM) {
        k->ev = *n->ev; /* strings copied: some live in the sim only for the callback */
        k->ev.technique = dup(n->ev->technique);
        k->ev.tactic = dup(n->ev->tactic);
        k->ev.procedure = dup(n->ev->procedure);
        k->ev.tool = dup(n->ev->tool);
        k->ev.account = dup(n->ev->account);
        k->ev.src_ip = dup(n->ev->src_ip);
        k->ev.dst_ip = dup(n->ev->dst_ip);
        k->ev.channel = dup(n->ev->channel);
        k->ev.domain = dup(n->ev->domain);
        k->ev.detail = dup(n->ev->detail);
    } else {
        k->act = (sw_score_act_t){n->act->seq, n->act->at_ms, n->team, dup(n->act->kind),
                                  dup(n->act->payload)};
    }
}

/* ---- a day of acts ---------------------------------------------------------------- */

static const char *const techniques[] = {"T1190", "T1078", "T1505.003", "T1003.003",
                                         "T1021.001", "T1136.001", "T1601.002", "T1566.001"};
static const char *const indicators[] = {"203.0.113.45", "198.51.100.17",
                                         "update-cdn.reefnet.example", "192.0.2.66",
                                         "invoices-portal.example", "198.51.100.200"};

static int play_day(sw_exercise_t *ex, uint64_t *n_acts)
{
    const sw_world_t *w = sw_exercise_world(ex);
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    uint32_t players[16], np = 0;
    for (uint32_t t = 0; t < w->n_teams && np < 16; t++)
        if (w->teams[t].kind == SW_TEAM_PLAYER)
            players[np++] = t;
    for (int64_t at = MIN_MS; at < DAY_MS; at += MIN_MS) {
        if (sw_exercise_advance(ex, at, &err)) {
            fprintf(stderr, "bench_score: %s\n", err.msg);
            return 1;
        }
        uint64_t k = (uint64_t)(at / MIN_MS);
        const char *team = w->teams[players[k % np]].id;
        const char *other = w->teams[players[(k + 1) % np]].id;
        const char *ind = indicators[k % 6];
        /* the team's hosts, by id, for isolations and reports */
        const char *host = NULL;
        for (uint32_t h = (uint32_t)(k * 7) % w->n_hosts, i = 0; i < w->n_hosts && !host;
             i++, h = (h + 1) % w->n_hosts)
            if (w->hosts[h].team == players[k % np] && w->hosts[h].role == SW_ROLE_WORKSTATION)
                host = w->hosts[h].id;
        sw_ex_action_t share = {"bench", team, "share-indicator", NULL, ind, NULL, other, 0};
        *n_acts += sw_exercise_action(ex, &share, &rp) == SW_OK;
        sw_ex_action_t block = {"bench", other,
                                strchr(ind, '.') && ind[0] <= '9' ? "block-ip" : "block-domain",
                                NULL, ind, NULL, NULL, 0};
        *n_acts += sw_exercise_action(ex, &block, &rp) == SW_OK;
        if (host) {
            sw_ex_action_t iso = {"bench", team, k % 4 ? "enhanced-logging" : "isolate",
                                  host, NULL, NULL, NULL, 0};
            *n_acts += sw_exercise_action(ex, &iso, &rp) == SW_OK;
        }
        if (k % 3 == 0) {
            const char *tech[] = {techniques[k % 8], techniques[(k + 3) % 8]};
            const char *hosts[] = {host ? host : ""};
            sw_ex_indicator_t in[] = {{"ipv4-addr", ind}};
            sw_ex_report_t r = {"situation report", "what we see", NULL, tech, 2,
                                hosts, host ? 1 : 0, in, 1, NULL, 0};
            *n_acts += sw_exercise_report(ex, "bench", team, &r, &rp) == SW_OK;
        }
        if (k % 45 == 0)
            *n_acts += sw_exercise_hint(ex, "wc", team, "look again", &rp) == SW_OK;
    }
    return sw_exercise_advance(ex, DAY_MS, &err) ? 1 : 0;
}

int main(void)
{
    int runs = getenv("SW_BENCH_RUNS") ? atoi(getenv("SW_BENCH_RUNS")) : 5;
    if (runs < 1)
        runs = 1;
    notes_t notes = {0};
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.scenario = "pacific-cable";
    o.until_ms = DAY_MS;
    o.has_until = 1;
    o.telemetry = 0;
    o.on_note = on_note;
    o.note_ud = &notes;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    double t0 = now_s();
    if (sw_exercise_open(&o, &ex, NULL, &err)) {
        fprintf(stderr, "bench_score: %s\n", err.msg);
        return 1;
    }
    uint64_t n_acts = 0;
    if (play_day(ex, &n_acts))
        return 1;
    double run_s = now_s() - t0;
    const sw_world_t *w = sw_exercise_world(ex);
    sw_score_team_t *r = calloc(w->n_teams, sizeof *r), *r2 = calloc(w->n_teams, sizeof *r2);
    sw_score_compute(sw_exercise_score(ex), sw_exercise_now(ex), r);

    double *rec = calloc((size_t)runs, sizeof *rec), *html = calloc((size_t)runs, sizeof *html),
           *json = calloc((size_t)runs, sizeof *json);
    size_t html_len = 0;
    for (int i = 0; i < runs; i++) {
        double a = now_s();
        sw_score_t *s = sw_score_new(w, NULL);
        for (size_t k = 0; k < notes.n; k++) {
            if (notes.v[k].kind == SW_EXN_SIM)
                sw_score_sim(s, &notes.v[k].ev);
            else
                sw_score_act(s, &notes.v[k].act);
        }
        sw_score_compute(s, DAY_MS, r2);
        rec[i] = now_s() - a;
        sw_score_free(s);
        for (uint32_t t = 0; t < w->n_teams; t++)
            if (r2[t].total != r[t].total) {
                fprintf(stderr, "bench_score: the recomputed score of %s differs\n",
                        w->teams[t].id);
                return 1;
            }
        int rc = 0;
        a = now_s();
        json_t *m = sw_report_model(ex, NULL, NULL, NULL, NULL, &rc);
        sw_buf_t out;
        sw_buf_init(&out, 0);
        if (!m || sw_report_render(m, SW_REPORT_HTML, &out)) {
            fprintf(stderr, "bench_score: the report failed\n");
            return 1;
        }
        html[i] = now_s() - a;
        html_len = out.len;
        sw_buf_reset(&out);
        a = now_s();
        sw_report_render(m, SW_REPORT_JSON, &out);
        json[i] = now_s() - a;
        sw_buf_free(&out);
        json_decref(m);
    }
    sw_score_facts_t f;
    sw_score_facts(sw_exercise_score(ex), &f);
    double mr = median(rec, runs), mh = median(html, runs), mj = median(json, runs);
    printf("pacific-cable, 24 h: %llu acts, %zu notes, %u stages, %u reports, %u actions\n",
           (unsigned long long)n_acts, notes.n, f.n_stages, f.n_reports, f.n_actions);
    printf("%-12s median %8.2f ms of %d runs  (%.3f x the exercise's own run, %.0f ms)  "
           "target < 100 ms\n",
           "recompute", mr * 1e3, runs, mr / run_s, run_s * 1e3);
    printf("%-12s median %8.2f ms of %d runs  (%.1f x rendering it as JSON, %.2f ms)  %zu bytes  "
           "target < 1 s\n",
           "html", mh * 1e3, runs, mh / (mj > 0 ? mj : 1e-9), mj * 1e3, html_len);
    sw_exercise_close(ex, NULL);
    for (size_t k = 0; k < notes.n; k++) {
        kept_t *x = &notes.v[k];
        if (x->kind == SW_EXN_SIM) {
            const char *ss[] = {x->ev.technique, x->ev.tactic,   x->ev.procedure, x->ev.tool,
                                x->ev.account,   x->ev.src_ip,   x->ev.dst_ip,    x->ev.channel,
                                x->ev.domain,    x->ev.detail};
            for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++)
                free((void *)ss[i]);
        } else {
            free((void *)x->act.kind);
            free((void *)x->act.payload);
        }
    }
    free(notes.v);
    free(r);
    free(r2);
    free(rec);
    free(html);
    free(json);
    return 0;
}
