/* exercise.c — opening an exercise (new, resumed, replaced, replayed),
 * closing it, its defaults and what callers read. The loop is in
 * ex_pipeline.c, the acts in ex_acts.c; see exercise.h for the design.
 *
 * Opening, in order:
 *   1. what is at db: nothing (create), a seawall database (resume), or
 *      something else (refused, untouched); --replace removes only a
 *      seawall database;
 *   2. the lock: one process plays an exercise at a time (an flock on the
 *      database file; `seawall act` talks to the holder instead);
 *   3. the world: a new exercise loads its scenario and keeps its files; a
 *      resumed one loads the files its journal's first entry holds;
 *   4. the pipeline (ex_pipeline_start): sim, telemetry, stores, alerters;
 *   5. a new exercise journals exercise.create; a resumed one replays its
 *      journal to where it stopped (ex_replay). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "exercise/ex_int.h"

const char *const sw_ex_state_names[] = {"not started", "running", "paused", "ended"};

void sw_exercise_opts_init(sw_exercise_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->how = SW_EXO_OPEN;
    o->telemetry = 1;
    o->replay_ms = -1;
}

static int64_t system_now(void *ud)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ex_wall(sw_exercise_t *ex)
{
    return ex->o.now ? ex->o.now(ex->o.now_ud) : system_now(NULL);
}

const char *ex_actor(const sw_exercise_t *ex, const char *actor)
{
    if (actor && *actor)
        return actor;
    return ex->o.actor && *ex->o.actor ? ex->o.actor : "system";
}

/* The score sees what everyone else is told (score/score.h). */
static void score_note(sw_score_t *s, const sw_ex_note_t *n)
{
    if (n->kind == SW_EXN_SIM) {
        sw_score_sim(s, n->ev);
    } else if (n->kind == SW_EXN_ACT) {
        sw_score_act_t a = {n->act->seq, n->act->at_ms, n->team, n->act->kind, n->act->payload};
        sw_score_act(s, &a);
    }
}

void ex_note(sw_exercise_t *ex, sw_ex_note_t *n)
{
    n->replaying = ex->replaying;
    n->world = ex->w;
    if (ex->score)
        score_note(ex->score, n);
    if (ex->o.on_note)
        ex->o.on_note(n, ex->o.note_ud);
}

int sw_exercise_db_kind(const char *path)
{
    return sw_store_probe(path);
}

static int is_create(const sw_journal_entry_t *e, void *ud)
{
    *(int *)ud = !strcmp(e->kind, "exercise.create");
    return 1; /* the first entry only */
}

int sw_exercise_in_db(const char *path)
{
    if (sw_store_probe(path) != 1)
        return 0;
    sw_journal_t *j = NULL;
    sw_errbuf_t err;
    int yes = 0;
    if (sw_journal_open(path, &j, &err) == SW_OK)
        sw_journal_list(j, NULL, is_create, &yes, &err);
    sw_journal_close(j);
    return yes;
}

typedef struct info_ctx {
    sw_exercise_info_t *info;
    int found;
} info_ctx_t;

static int read_info(const sw_journal_entry_t *e, void *ud)
{
    info_ctx_t *c = ud;
    if (strcmp(e->kind, "exercise.create"))
        return 1;
    json_t *p = json_loads(e->payload, 0, NULL);
    sw_exercise_info_t *in = c->info;
    const char *s = json_string_value(json_object_get(p, "scenario"));
    snprintf(in->scenario, sizeof in->scenario, "%s", s ? s : "");
    s = json_string_value(json_object_get(p, "seed"));
    in->seed = s ? strtoull(s, NULL, 10) : 0;
    in->until_ms = json_integer_value(json_object_get(p, "until_ms"));
    s = json_string_value(json_object_get(p, "observers_see"));
    int v = s ? sw_enum_lookup(sw_observer_view_names, SW_OBS__COUNT, s) : -1;
    in->observers_see = v < 0 ? SW_OBS_TEAMS : v;
    json_t *teams = json_object_get(p, "teams");
    for (size_t i = 0; i < json_array_size(teams) && in->n_teams < SW_EX_INFO_MAX_TEAMS; i++) {
        json_t *t = json_array_get(teams, i);
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *kind = json_string_value(json_object_get(t, "kind"));
        if (!id)
            continue;
        snprintf(in->teams[in->n_teams].id, sizeof in->teams[0].id, "%s", id);
        in->teams[in->n_teams++].observer = kind && !strcmp(kind, "observer");
    }
    json_decref(p);
    c->found = 1;
    return 1;
}

int sw_exercise_read_info(const char *db, sw_exercise_info_t *info, sw_errbuf_t *err)
{
    memset(info, 0, sizeof *info);
    if (sw_store_probe(db) != 1)
        return sw_seterr(err, SW_ENOENT, "%s: no exercise database", db);
    sw_journal_t *j = NULL;
    info_ctx_t c = {info, 0};
    int rc = sw_journal_open(db, &j, err);
    if (!rc)
        rc = sw_journal_list(j, NULL, read_info, &c, err);
    sw_journal_close(j);
    if (rc < 0)
        return rc;
    return c.found ? SW_OK : sw_seterr(err, SW_ENOENT, "%s holds no exercise", db);
}

static int info_team(const sw_exercise_info_t *in, const char *id)
{
    for (uint32_t i = 0; id && i < in->n_teams; i++)
        if (!strcasecmp(in->teams[i].id, id))
            return (int)i;
    return -1;
}

int sw_exercise_info_may_read(const sw_exercise_info_t *info, const char *viewer,
                              const char *target, int truth, char *why, size_t why_len)
{
    int v = info_team(info, viewer), t = info_team(info, target);
    if (v < 0 || t < 0) {
        snprintf(why, why_len, "no team '%s' in this exercise", v < 0 ? viewer : target);
        return 0;
    }
    if (info->teams[t].observer) {
        snprintf(why, why_len, "%s is an observer delegation: it has no records of its own",
                 info->teams[t].id);
        return 0;
    }
    if (!info->teams[v].observer) {
        if (v == t && !truth)
            return 1;
        snprintf(why, why_len, "a team sees only its own records (and never the ground truth)");
        return 0;
    }
    int need = truth ? SW_OBS_EVERYTHING : SW_OBS_TEAMS;
    if (info->observers_see >= need)
        return 1;
    snprintf(why, why_len, "this exercise lets observers see %s only (observers_see: %s)",
             info->observers_see == SW_OBS_NOTHING      ? "its name and clock"
             : info->observers_see == SW_OBS_SCOREBOARD ? "the scoreboard and the timeline"
                                                        : "the teams' records, not the truth",
             sw_observer_view_names[info->observers_see]);
    return 0;
}

/* Take the exercise's lock: an flock on the database file. */
static int take_lock(sw_exercise_t *ex, sw_errbuf_t *err)
{
    ex->lock_fd = open(ex->db, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (ex->lock_fd < 0)
        return sw_seterr(err, SW_EIO, "%s: cannot open: %s", ex->db, strerror(errno));
    if (flock(ex->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return sw_seterr(err, SW_ESTATE,
                         "%s: the exercise is being played by another seawall process (use "
                         "`seawall act` to act in it, or stop that process first)",
                         ex->db);
    return SW_OK;
}

/* Step 3 for a new exercise: the scenario, its files, seed, end, speed. */
static int load_new(sw_exercise_t *ex, sw_diags_t *diags, sw_errbuf_t *err)
{
    const char *name = ex->o.scenario ? ex->o.scenario : SW_EXERCISE_DEFAULT_SCENARIO;
    if (ex->o.world) {
        name = "(a world given in memory)";
    } else {
        sw_diags_t own;
        sw_diags_init(&own);
        int rc = sw_scenario_load_keep(name, &ex->own, diags ? diags : &own, &ex->files);
        sw_diags_free(&own);
        if (rc != SW_OK) {
            sw_scenario_files_free(&ex->files);
            return sw_seterr(err, rc == SW_ENOMEM ? SW_ENOMEM : SW_EINVAL,
                             "%s: the scenario has errors", name);
        }
        ex->have_world = 1;
    }
    if (!(ex->scenario = strdup(name)))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    const sw_exercise_t *e = ex;
    ex->seed = e->o.has_seed ? e->o.seed : e->w->exercise.seed ? e->w->exercise.seed : 1;
    ex->until_ms = e->o.has_until                   ? e->o.until_ms
                   : e->w->exercise.duration_ms > 0 ? e->w->exercise.duration_ms
                                                    : SW_EXERCISE_DEFAULT_DURATION_MS;
    ex->speed = e->o.speed > 0 ? e->o.speed : e->w->exercise.speed > 0 ? e->w->exercise.speed : 1;
    if (ex->speed > SW_EXERCISE_MAX_SPEED)
        ex->speed = SW_EXERCISE_MAX_SPEED;
    if (ex->until_ms <= 0)
        return sw_seterr(err, SW_EINVAL, "the exercise must last longer than 0");
    return SW_OK;
}

/* Step 1: decide between create and resume. *create gets the choice. */
static int what_to_open(sw_exercise_t *ex, int *create, sw_errbuf_t *err)
{
    sw_ex_how_t how = ex->o.how;
    int kind = sw_exercise_db_kind(ex->db);
    if (kind == 0)
        return sw_seterr(err, SW_EEXIST,
                         "%s exists and is not a seawall database: seawall will not use or replace "
                         "it (choose another --db)",
                         ex->db);
    switch (how) {
    case SW_EXO_CREATE:
        if (kind > 0)
            return sw_seterr(err, SW_EEXIST,
                             "%s already holds an exercise (resume it, or start a new one with "
                             "another --db, or --replace it)",
                             ex->db);
        *create = 1;
        return SW_OK;
    case SW_EXO_RESUME:
    case SW_EXO_REPLAY:
        if (kind < 0)
            return sw_seterr(err, SW_ENOENT, "%s: no such exercise database", ex->db);
        *create = 0;
        return SW_OK;
    case SW_EXO_REPLACE: {
        /* not from under a process playing it */
        int rc = kind > 0 ? take_lock(ex, err) : SW_OK;
        if (!rc && kind > 0)
            rc = sw_store_remove(ex->db, err);
        if (ex->lock_fd >= 0)
            close(ex->lock_fd);
        ex->lock_fd = -1;
        *create = 1;
        return rc;
    }
    case SW_EXO_OPEN:
    default:
        *create = kind < 0;
        return SW_OK;
    }
}

/* The first journal entry of a resumed exercise. */
typedef struct first_ctx {
    sw_exercise_t *ex;
    sw_diags_t *diags;
    sw_errbuf_t *err;
    int rc, seen;
} first_ctx_t;

static int first_entry(const sw_journal_entry_t *e, void *ud)
{
    first_ctx_t *c = ud;
    c->seen = 1;
    if (strcmp(e->kind, "exercise.create") && c->ex->o.bare_ok) {
        c->ex->bare = 1;
        return 1;
    }
    if (strcmp(e->kind, "exercise.create")) {
        c->rc = sw_seterr(c->err, SW_EINVAL,
                          "%s holds no exercise (its journal begins with %s, not "
                          "exercise.create): it was made by `seawall ingest` or an older seawall",
                          c->ex->db, e->kind);
        return 1;
    }
    c->rc = ex_read_create(c->ex, e, c->diags, c->err);
    return 1; /* only the first */
}

static int load_resumed(sw_exercise_t *ex, sw_diags_t *diags, sw_errbuf_t *err)
{
    first_ctx_t c = {ex, diags, err, SW_OK, 0};
    int rc = sw_journal_list(ex->j, NULL, first_entry, &c, err);
    if (rc < 0)
        return rc;
    if (!c.seen && ex->o.bare_ok) {
        ex->bare = 1;
        return SW_OK;
    }
    if (!c.seen)
        return sw_seterr(err, SW_EINVAL,
                         "%s holds no exercise (its journal is empty): it was made by `seawall "
                         "ingest`; play an exercise in another database",
                         ex->db);
    return c.rc;
}

int sw_exercise_open(const sw_exercise_opts_t *o, sw_exercise_t **out, sw_diags_t *diags,
                     sw_errbuf_t *err)
{
    *out = NULL;
    sw_exercise_t *ex = calloc(1, sizeof *ex);
    if (!ex)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    ex->o = *o;
    ex->lock_fd = -1;
    ex->state = SW_EX_NOT_STARTED;
    sw_world_init(&ex->own);
    ex->w = o->world ? o->world : &ex->own;
    int rc = SW_OK, create = 1;
    if (o->db) {
        if (!(ex->db = strdup(o->db))) {
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = what_to_open(ex, &create, err)))
            goto fail;
        if (!create && o->how != SW_EXO_REPLAY && (rc = take_lock(ex, err)))
            goto fail;
    } else if (o->how == SW_EXO_RESUME || o->how == SW_EXO_REPLAY) {
        rc = sw_seterr(err, SW_EINVAL, "resuming an exercise needs its database");
        goto fail;
    }
    if (o->world && o->db && o->how != SW_EXO_CREATE && o->how != SW_EXO_REPLACE) {
        rc = sw_seterr(err, SW_EINVAL, "a world given in memory makes a new exercise only");
        goto fail;
    }
    if (create) {
        if ((rc = load_new(ex, diags, err)))
            goto fail;
        if (ex->db) {
            /* the store creates the file; the lock is on it from then on */
            if ((rc = sw_store_open(ex->db, &ex->store, err)) || (rc = take_lock(ex, err)) ||
                (rc = sw_journal_open(ex->db, &ex->j, err)))
                goto fail;
        }
    } else {
        ex->resumed = 1;
        if ((rc = sw_journal_open(ex->db, &ex->j, err)) || (rc = load_resumed(ex, diags, err)))
            goto fail;
        if (o->how != SW_EXO_REPLAY && (rc = sw_store_open(ex->db, &ex->store, err)))
            goto fail;
    }
    if (ex->store && (rc = sw_deploy_open(ex->db, ex->j, &ex->deploy, err)))
        goto fail;
    if (ex->bare) { /* records only: no world to play */
        *out = ex;
        return SW_OK;
    }
    if (!(ex->score = sw_score_new(ex->w, NULL))) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = ex_pipeline_start(ex, err)))
        goto fail;
    if (create && ex->j) {
        json_t *p = ex_create_payload(ex);
        if (!p) {
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = ex_journal(ex, NULL, "", "exercise.create", 0, p, NULL, NULL, NULL, err)))
            goto fail;
    }
    if (!create) {
        if ((rc = ex_replay(ex, o->how == SW_EXO_REPLAY ? o->replay_ms : -1, err)))
            goto fail;
        /* a resume re-ensures the ground truth of records already stored
         * in an open store transaction (SQLite's write lock): commit it
         * now, for a paused or ended exercise has no flush coming, and
         * every other writer (logins, acts) would wait it out and fail */
        if (o->how != SW_EXO_REPLAY && (rc = ex_flush_records(ex, err)))
            goto fail;
    }
    *out = ex;
    return SW_OK;
fail:
    sw_exercise_close(ex, NULL);
    return rc ? rc : SW_EIO;
}

int sw_exercise_close(sw_exercise_t *ex, sw_errbuf_t *err)
{
    if (!ex)
        return SW_OK;
    sw_errbuf_t own;
    int rc = SW_OK;
    if (ex->store && ex->o.how != SW_EXO_REPLAY)
        rc = sw_exercise_flush(ex, err ? err : &own);
    ex_pipeline_stop(ex);
    sw_score_free(ex->score);
    json_decref(ex->sb_frozen);
    for (uint32_t i = 0; i < ex->n_bare; i++)
        sw_store_team_close(ex->bare_stores[i]);
    free(ex->bare_stores);
    sw_deploy_close(ex->deploy);
    sw_journal_close(ex->j);
    if (ex->store)
        sw_store_close(ex->store);
    if (ex->lock_fd >= 0)
        close(ex->lock_fd);
    ex_defenders_free(ex);
    free(ex->keys);
    free(ex->pending);
    sw_scenario_files_free(&ex->files);
    if (ex->have_world)
        sw_world_free(&ex->own);
    free(ex->scenario);
    free(ex->db);
    free(ex);
    return rc;
}

/* ---- reading ------------------------------------------------------------------ */

const sw_world_t *sw_exercise_world(const sw_exercise_t *ex)
{
    return ex->w;
}
const sw_sim_t *sw_exercise_sim(const sw_exercise_t *ex)
{
    return ex->sim;
}
int64_t sw_exercise_now(const sw_exercise_t *ex)
{
    return ex->now_ms;
}
int64_t sw_exercise_until(const sw_exercise_t *ex)
{
    return ex->until_ms;
}
uint64_t sw_exercise_seed(const sw_exercise_t *ex)
{
    return ex->seed;
}
double sw_exercise_speed(const sw_exercise_t *ex)
{
    return ex->speed;
}
sw_ex_state_t sw_exercise_state(const sw_exercise_t *ex)
{
    return ex->state;
}
const char *sw_exercise_scenario(const sw_exercise_t *ex)
{
    return ex->scenario ? ex->scenario : "";
}
int sw_exercise_resumed(const sw_exercise_t *ex)
{
    return ex->resumed;
}
int sw_exercise_bare(const sw_exercise_t *ex)
{
    return ex->bare;
}
int64_t sw_exercise_clock_at(const sw_exercise_t *ex, int64_t wall_ms)
{
    return ex_clock_at(ex, wall_ms);
}
sw_store_team_t *sw_exercise_team_store(sw_exercise_t *ex, uint32_t team)
{
    return ex->stores && team < ex->w->n_teams ? ex->stores[team] : NULL;
}
sw_deploy_t *sw_exercise_deploys(sw_exercise_t *ex)
{
    return ex->deploy;
}
sw_journal_t *sw_exercise_journal(sw_exercise_t *ex)
{
    return ex->j;
}
sw_score_t *sw_exercise_score(sw_exercise_t *ex)
{
    return ex->score;
}

void sw_exercise_team_stats(const sw_exercise_t *ex, uint32_t team, sw_ex_team_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!ex->teams || team >= ex->w->n_teams)
        return;
    const ex_team_t *t = &ex->teams[team];
    out->records = t->produced;
    out->attack = t->attack;
    out->alerts = t->alerts;
    out->record_hash = t->hash;
}

#define FNV_PRIME 1099511628211ULL

uint64_t sw_exercise_state_hash(const sw_exercise_t *ex)
{
    uint64_t h = ex->sim_hash;
    for (uint32_t t = 0; ex->teams && t < ex->w->n_teams; t++) {
        h = (h ^ ex->teams[t].hash) * FNV_PRIME;
        h = (h ^ ex->teams[t].produced) * FNV_PRIME;
    }
    return h;
}

uint64_t sw_exercise_sim_hash(const sw_exercise_t *ex)
{
    return ex->sim_hash;
}

uint64_t sw_exercise_attack_steps(const sw_exercise_t *ex)
{
    return ex->br ? sw_tel_bridge_steps(ex->br) : 0;
}
