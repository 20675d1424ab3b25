/* ex_pipeline.c — the exercise's loop: from exercise time now to a target,
 * one step at a time, in phases (exercise.h):
 *
 *   ex_run_to(to):
 *     while now < to:
 *       defenders_timed      timed actions due at now: journaled, submitted
 *       step end e           the next minute boundary, timed action, or to
 *       sw_sim_run_until(e)  sim events -> on_sim: the telemetry bridge
 *                            (records -> on_record -> each team's alerter and
 *                            store), the defenders' rules, the notes
 *       bridge_advance(e)    the background up to e
 *       at a boundary:       defenders_flush (their reactions, journaled)
 *   sw_exercise_advance = ex_run_to, the end when reached, flush, publish.
 *
 * Records and resume: on_record counts what it produces per team; while a
 * team's count is within what its store held at open, the record is already
 * there (a resumed exercise replays from the start) and is not appended
 * again — only its ground truth is made sure of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "exercise/ex_int.h"

#define FNV_PRIME 1099511628211ULL

static void fail_cb(sw_exercise_t *ex, int rc)
{
    if (!ex->cb_rc)
        ex->cb_rc = rc;
}

/* A record from telemetry: count it, then store it (or hand it on). */
static int on_record(void *ud, const sw_tel_record_t *rec)
{
    sw_exercise_t *ex = ud;
    if (rec->team >= ex->w->n_teams)
        return sw_seterr(&ex->cb_err, SW_EINVAL, "a record for team %u of %u", rec->team,
                         ex->w->n_teams);
    ex_team_t *t = &ex->teams[rec->team];
    t->produced++;
    t->attack += rec->truth != 0;
    t->hash = sw_hash64_bulk(rec->json, rec->json_len, t->hash);
    if (rec->truth && ex->score) /* which step a record a team triages shows */
        sw_score_record(ex->score, rec->team, (int64_t)t->produced, rec->truth - 1, rec->t_ms);
    if (ex->o.records)
        return ex->o.records(ex->o.records_ud, rec);
    if (!ex->alerters || !ex->alerters[rec->team])
        return SW_OK; /* replaying in memory, or no store */
    char truth[32];
    if (rec->truth)
        snprintf(truth, sizeof truth, "gt:%u", (unsigned)(rec->truth - 1));
    if (t->produced <= t->stored) {
        /* already in the store; a crash may have lost its truth row */
        if (!rec->truth)
            return SW_OK;
        return sw_store_truth_ensure(ex->stores[rec->team], (int64_t)t->produced, truth,
                                     &ex->cb_err);
    }
    return sw_alerter_append_truth(ex->alerters[rec->team], rec->json, rec->json_len,
                                   rec->truth ? truth : NULL, NULL, &ex->cb_err);
}

/* A sim event: hash it, turn it into records, let the defenders see it,
 * publish it. */
static void on_sim(const sw_sim_event_t *ev, void *ud)
{
    sw_exercise_t *ex = ud;
    ex->sim_hash = sw_sim_event_hash(ex->sim_hash, ev);
    ex->n_sim_events++;
    if (ex->br && !ex->cb_rc) {
        int rc = sw_tel_bridge_event(ex->br, ev);
        if (rc)
            fail_cb(ex, rc);
    }
    if (ev->account && ev->team < ex->w->n_teams)
        ex_team_saw_account(ex, ev->team, ev->account);
    if (ex->causes && ev->business < ex->w->n_business) {
        char **c = &ex->causes[ev->business];
        free(*c);
        *c = NULL;
        if (ev->type == SW_SEV_BUSINESS_DOWN || ev->type == SW_SEV_BUSINESS_DEGRADED) {
            const char *what = ev->host < ex->w->n_hosts   ? ex->w->hosts[ev->host].hostname
                               : ev->link < ex->w->n_links ? ex->w->links[ev->link].name
                                                           : NULL;
            size_t n = (ev->detail ? strlen(ev->detail) : 0) + (what ? strlen(what) : 0) + 8;
            if ((*c = malloc(n)))
                snprintf(*c, n, "%s%s%s", ev->detail ? ev->detail : "outage", what ? ": " : "",
                         what ? what : "");
        }
    }
    ex_action_result(ex, ev);
    ex_defenders_react(ex, ev);
    sw_ex_note_t n = {.kind = SW_EXN_SIM, .at_ms = ev->at_ms, .team = ev->team, .ev = ev};
    ex_note(ex, &n);
}

typedef struct max_ctx {
    int64_t max;
} max_ctx_t;

static int max_alert(const sw_alert_t *a, void *ud)
{
    max_ctx_t *c = ud;
    if (a->id > c->max)
        c->max = a->id;
    return 0;
}

int ex_pipeline_start(sw_exercise_t *ex, sw_errbuf_t *err)
{
    const sw_world_t *w = ex->w;
    uint32_t n = w->n_teams ? w->n_teams : 1;
    int rc;
    ex->sim_hash = SW_HASH64_INIT;
    if (!(ex->teams = calloc(n, sizeof *ex->teams)))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    for (uint32_t t = 0; t < w->n_teams; t++)
        ex->teams[t].hash = SW_HASH64_INIT;
    if (ex->store) {
        ex->stores = calloc(n, sizeof *ex->stores);
        ex->alerters = calloc(n, sizeof *ex->alerters);
        if (!ex->stores || !ex->alerters)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        for (uint32_t t = 0; t < w->n_teams; t++) {
            if (w->teams[t].kind != SW_TEAM_PLAYER)
                continue;
            int64_t count = 0;
            if ((rc = sw_store_team_open(ex->store, w->teams[t].id, 1, &ex->stores[t], err)) ||
                (rc = sw_store_count(ex->stores[t], &count, err)) ||
                (rc = sw_alerter_open(ex->deploy, ex->store, ex->stores[t], &ex->alerters[t], err)))
                return rc;
            ex->teams[t].stored = (uint64_t)count;
            max_ctx_t mc = {0};
            if ((rc = sw_alerts_list(ex->deploy, ex->stores[t], 0, max_alert, &mc, err)))
                return rc;
            ex->teams[t].last_alert = mc.max;
        }
    }
    if (ex->o.telemetry) {
        sw_tel_config_t cfg = {0};
        cfg.seed = ex->seed;
        cfg.proc_audit = sw_tel_audit_from_world(w);
        cfg.cb = on_record;
        cfg.ud = ex;
        sw_tel_rates_t rates;
        sw_tel_rates_from_world(&rates, w);
        if ((rc = sw_tel_new(&ex->tel, w, &cfg)) ||
            (rc = sw_tel_bg_new(&ex->bg, ex->tel, &rates, ex->seed)) ||
            (rc = sw_tel_bridge_new(&ex->br, ex->tel, ex->bg)))
            return sw_seterr(err, rc, "cannot start telemetry: %s", sw_strerror(rc));
    }
    if (!(ex->causes = calloc(w->n_business ? w->n_business : 1, sizeof *ex->causes)))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (!(ex->sim = sw_sim_new(w, ex->seed, on_sim, ex)))
        return sw_seterr(err, SW_ENOMEM, "cannot start the simulation (out of memory)");
    ex->now_ms = 0;
    return SW_OK;
}

void ex_pipeline_stop(sw_exercise_t *ex)
{
    const sw_world_t *w = ex->w;
    sw_sim_free(ex->sim);
    ex->sim = NULL;
    sw_tel_bridge_free(ex->br);
    sw_tel_bg_free(ex->bg);
    sw_tel_free(ex->tel);
    ex->br = NULL;
    ex->bg = NULL;
    ex->tel = NULL;
    for (uint32_t t = 0; ex->alerters && t < w->n_teams; t++)
        sw_alerter_close(ex->alerters[t]);
    for (uint32_t t = 0; ex->stores && t < w->n_teams; t++)
        sw_store_team_close(ex->stores[t]);
    free(ex->alerters);
    free(ex->stores);
    ex->alerters = NULL;
    ex->stores = NULL;
    for (uint32_t t = 0; ex->teams && t < w->n_teams; t++) {
        for (uint32_t i = 0; i < ex->teams[t].n_accounts; i++)
            free(ex->teams[t].accounts[i]);
        free(ex->teams[t].accounts);
    }
    free(ex->teams);
    ex->teams = NULL;
    for (uint32_t b = 0; ex->causes && b < w->n_business; b++)
        free(ex->causes[b]);
    free(ex->causes);
    ex->causes = NULL;
    ex_actions_free(ex);
}

/* The error a callback kept, as this call's. */
static int cb_error(sw_exercise_t *ex, sw_errbuf_t *err)
{
    int rc = ex->cb_rc;
    if (!rc && ex->br)
        rc = sw_tel_bridge_error(ex->br);
    if (!rc)
        return SW_OK;
    ex->cb_rc = 0;
    return sw_seterr(err, rc, "at %lld ms: %s", (long long)ex->now_ms,
                     ex->cb_err.msg[0] ? ex->cb_err.msg : sw_strerror(rc));
}

int ex_run_to(sw_exercise_t *ex, int64_t to_ms, sw_errbuf_t *err)
{
    int rc;
    while (ex->now_ms < to_ms) {
        if ((rc = ex_defenders_timed(ex, err)))
            return rc;
        int64_t e = (ex->now_ms / SW_EXERCISE_STEP_MS + 1) * SW_EXERCISE_STEP_MS;
        int64_t next = ex_defenders_next_timed(ex);
        if (next > ex->now_ms && next < e)
            e = next;
        if (to_ms < e)
            e = to_ms;
        if ((rc = sw_sim_run_until(ex->sim, e)) || (rc = cb_error(ex, err)))
            return rc ? rc : SW_EIO;
        if (ex->br && (rc = sw_tel_bridge_advance(ex->br, e)))
            return sw_seterr(err, rc, "at %lld ms: telemetry: %s", (long long)e,
                             ex->cb_err.msg[0] ? ex->cb_err.msg : sw_strerror(rc));
        if ((rc = cb_error(ex, err)))
            return rc;
        ex->now_ms = e;
        if (e % SW_EXERCISE_STEP_MS == 0 && (rc = ex_defenders_flush(ex, err)))
            return rc;
    }
    return SW_OK;
}

int ex_share_copies(sw_exercise_t *ex, uint32_t from, uint32_t to, const int64_t *ids, size_t n,
                    sw_errbuf_t *err)
{
    ex_team_t *t = &ex->teams[to];
    for (size_t i = 0; i < n; i++) {
        t->produced++;
        t->hash = (t->hash ^ (uint64_t)ids[i]) * FNV_PRIME;
        if (t->produced <= t->stored || !ex->alerters || !ex->alerters[to])
            continue; /* copied before (resume), or nothing stored (replay) */
        int rc = sw_alerter_share(ex->alerters[to], ex->stores[from], ids[i], NULL, err);
        if (rc)
            return rc;
    }
    return SW_OK;
}

int ex_flush_records(sw_exercise_t *ex, sw_errbuf_t *err)
{
    for (uint32_t t = 0; ex->alerters && t < ex->w->n_teams; t++) {
        int rc = ex->alerters[t] ? sw_alerter_flush(ex->alerters[t], err) : SW_OK;
        if (rc)
            return rc;
    }
    return ex->store ? sw_store_flush(ex->store, err) : SW_OK;
}

int ex_rules_ready(sw_exercise_t *ex, sw_errbuf_t *err)
{
    for (uint32_t t = 0; ex->alerters && t < ex->w->n_teams; t++) {
        int rc = ex->alerters[t] ? sw_alerter_ready(ex->alerters[t], err) : SW_OK;
        if (rc)
            return rc;
    }
    return SW_OK;
}

typedef struct pub_ctx {
    sw_exercise_t *ex;
    uint32_t team;
} pub_ctx_t;

static int publish_alert(const sw_alert_t *a, void *ud)
{
    pub_ctx_t *c = ud;
    ex_team_t *t = &c->ex->teams[c->team];
    if (a->id > t->last_alert)
        t->last_alert = a->id;
    t->alerts++;
    sw_ex_note_t n = {.kind = SW_EXN_ALERT, .at_ms = c->ex->now_ms, .team = c->team, .alert = a};
    ex_note(c->ex, &n);
    return 0;
}

int sw_exercise_flush(sw_exercise_t *ex, sw_errbuf_t *err)
{
    int rc = ex_flush_records(ex, err);
    if (rc)
        return rc;
    if (ex->j && ex->o.how != SW_EXO_REPLAY && ex->now_ms != ex->progress_ms) {
        if ((rc = sw_journal_progress_set(ex->j, ex->now_ms, ex_wall(ex), err)))
            return rc;
        ex->progress_ms = ex->now_ms;
    }
    /* the alerts the flush stored, to whoever listens */
    for (uint32_t t = 0; ex->stores && t < ex->w->n_teams; t++) {
        /* none stored since the last look (the alerter is the team's only
         * writer of alerts): no query */
        const sw_alerter_t *a = ex->alerters ? ex->alerters[t] : NULL;
        uint64_t raised = a ? sw_alerter_raised(a) : 0;
        if (!ex->stores[t] || (a && raised == ex->teams[t].listed))
            continue;
        ex->teams[t].listed = raised;
        pub_ctx_t c = {ex, t};
        if ((rc = sw_alerts_list(ex->deploy, ex->stores[t], ex->teams[t].last_alert, publish_alert,
                                 &c, err)))
            return rc;
    }
    return SW_OK;
}

int sw_exercise_advance(sw_exercise_t *ex, int64_t to_ms, sw_errbuf_t *err)
{
    if (ex->state == SW_EX_ENDED || ex->o.how == SW_EXO_REPLAY)
        return SW_OK;
    if (to_ms > ex->until_ms)
        to_ms = ex->until_ms;
    int64_t from = ex->now_ms;
    int rc = ex_run_to(ex, to_ms, err);
    if (rc)
        return rc;
    if (ex->now_ms >= ex->until_ms) {
        sw_ex_reply_t rp;
        rc = sw_exercise_clock(ex, "system", SW_CLOCK_END, 0, &rp);
        if (rc)
            return sw_seterr(err, rc, "%s", rp.msg);
    }
    /* records and alerts reach readers at a flush: at every advance, or at
     * most every opts.flush_ms while the clock runs */
    int64_t wall = ex_wall(ex);
    if (ex->o.flush_ms <= 0 || ex->state != SW_EX_RUNNING ||
        wall - ex->flushed_wall >= ex->o.flush_ms) {
        if ((rc = sw_exercise_flush(ex, err)))
            return rc;
        ex->flushed_wall = wall;
    }
    if (ex->now_ms != from) {
        sw_ex_note_t n = {.kind = SW_EXN_PROGRESS, .at_ms = ex->now_ms, .team = SW_NONE};
        ex_note(ex, &n);
    }
    return SW_OK;
}

int sw_exercise_tick(sw_exercise_t *ex, sw_errbuf_t *err)
{
    if (ex->state != SW_EX_RUNNING)
        return SW_OK;
    return sw_exercise_advance(ex, ex_clock_at(ex, ex_wall(ex)), err);
}

int64_t sw_exercise_wall_until(sw_exercise_t *ex, int64_t at_ms)
{
    if (ex->state != SW_EX_RUNNING || ex->speed <= 0)
        return -1;
    double wall = (double)ex->base_wall_ms + (double)(at_ms - ex->base_at_ms) / ex->speed;
    int64_t d = (int64_t)wall - ex_wall(ex);
    return d < 0 ? 0 : d;
}
