/* deploy.c — deployed Sigma rules and their alerts, over the exercise
 * database. See deploy.h for the contract and invariants.
 *
 * Design notes:
 *  1. This module sits above the event store and the journal (it does I/O),
 *     not in detect/ (pure): it uses only their public headers and the Sigma
 *     engine's.
 *  2. Writes that are acts (deploy, withdraw) run in the journal's
 *     transaction through its tx callback, on the journal's connection;
 *     everything else (reads, alerts) uses this module's own connection.
 *  3. The alerter keeps one compiled set of the team's live rules and a
 *     table from each compiled rule to its deployment. It reloads when the
 *     generation of d moves (an in-process deploy or withdraw) and, at each
 *     flush, when the team's latest rule act in the table differs from the
 *     one it loaded (another process).
 *  4. Alerts copy the rule's fields from deployed_rules at insert time
 *     (INSERT ... SELECT), so an alert reads whole even after a withdraw.
 *
 * Alerter: EMPTY -> LOADED [alerter_load] -> (appends queue alerts) ->
 * LOADED [sw_alerter_flush: store flush, insert queued alerts, re-check]. */
#include "alerts/deploy.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"

struct sw_deploy {
    sqlite3 *db;
    sw_journal_t *j;
    uint64_t generation; /* bumped by every deploy and withdraw through d */
    char *last_strings;  /* what the last sw_deploy_rule's out points into */
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS deployed_rules(deployment INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, rule_id TEXT NOT NULL COLLATE NOCASE,"
    " title TEXT NOT NULL, level TEXT NOT NULL, author TEXT NOT NULL, file TEXT NOT NULL,"
    " yaml TEXT NOT NULL, from_record INTEGER NOT NULL, actor TEXT NOT NULL,"
    " wall_ms INTEGER NOT NULL, withdrawn INTEGER);"
    "CREATE UNIQUE INDEX IF NOT EXISTS deployed_rules_live ON deployed_rules(team, rule_id)"
    " WHERE withdrawn IS NULL;"
    "CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, deployment INTEGER NOT NULL,"
    " rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT NOT NULL, author TEXT NOT NULL,"
    " record INTEGER NOT NULL, ts_ms INTEGER NOT NULL, time TEXT NOT NULL,"
    " host TEXT NOT NULL, event TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alerts_team ON alerts(team, id);";

static int db_err(sqlite3 *db, sw_errbuf_t *err, const char *what)
{
    return sw_seterr(err, SW_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

int sw_deploy_open(const char *path, sw_journal_t *j, sw_deploy_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_deploy_t *d = calloc(1, sizeof *d);
    if (!d)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc = SW_OK;
    char *msg = NULL;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, d->db ? sqlite3_errmsg(d->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(d->db, 5000);
    if (sqlite3_exec(d->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: rules: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        goto fail;
    }
    d->j = j;
    *out = d;
    return SW_OK;
fail:
    sqlite3_close(d->db);
    free(d);
    return rc;
}

void sw_deploy_close(sw_deploy_t *d)
{
    if (!d)
        return;
    sqlite3_close(d->db);
    free(d->last_strings);
    free(d);
}

/* ---- compiling one rule ----------------------------------------------------- */

static int compile_one(const char *yaml, size_t len, const char *file, sw_sigma_set_t **out,
                       sw_sigma_error_t *err)
{
    *out = NULL;
    sw_sigma_set_t *set = sw_sigma_set_new(NULL, 0);
    if (!set)
        goto oom;
    int rc = sw_sigma_set_add(set, yaml, len, file, err);
    if (rc) {
        sw_sigma_set_free(set);
        return rc;
    }
    if (sw_sigma_set_build(set)) {
        sw_sigma_set_free(set);
        goto oom;
    }
    *out = set;
    return SW_OK;
oom:
    memset(err, 0, sizeof *err);
    snprintf(err->reason, sizeof err->reason, "out of memory");
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return SW_ENOMEM;
}

/* A refusal that is not the engine's: whole-file position, reason, text. */
static int refuse(sw_sigma_error_t *err, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(sw_sigma_error_t *err, int code, const char *reason, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    snprintf(err->reason, sizeof err->reason, "%s", reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- testing on history ---------------------------------------------------- */

typedef struct test_ctx {
    sw_sigma_set_t *set;
    sw_deploy_match_cb cb;
    void *ud;
    const sw_qrow_t *row;
    sw_event_t ev;
    uint64_t n;
} test_ctx_t;

static void test_alert(const sw_sigma_alert_t *a, void *ud)
{
    test_ctx_t *c = ud;
    c->n++;
    if (c->cb)
        c->cb(a, c->row->id, c->row->json, c->row->json_len, c->ud);
}

static int test_row(const sw_qrow_t *row, void *ud)
{
    test_ctx_t *c = ud;
    if (!row->is_record)
        return 0;
    /* records were checked at ingest; one that no longer parses cannot match */
    if (sw_event_parse_json(&c->ev, row->json, row->json_len, NULL))
        return 0;
    c->row = row;
    sw_sigma_set_match(c->set, &c->ev, test_alert, c);
    return 0;
}

int sw_deploy_test(sw_store_team_t *t, const char *yaml, size_t len, const char *file,
                   sw_deploy_match_cb cb, void *ud, uint64_t *n_matches, sw_sigma_error_t *err)
{
    *n_matches = 0;
    test_ctx_t c = {.cb = cb, .ud = ud};
    int rc = compile_one(yaml, len, file, &c.set, err);
    if (rc)
        return rc;
    sw_query_t q;
    sw_query_opts_t qo = {0};
    sw_errbuf_t e;
    sw_event_init(&c.ev);
    if ((rc = sw_query_parse(&q, "*", 1, &qo, &e)) == SW_OK) {
        rc = sw_store_search(t, &q, test_row, &c, &e);
        sw_query_free(&q);
    }
    if (rc)
        refuse(err, rc, "store", "%s", e.msg);
    *n_matches = c.n;
    sw_event_free(&c.ev);
    sw_sigma_set_free(c.set);
    return rc;
}

/* ---- deploy, withdraw, list -------------------------------------------------- */

typedef struct deploy_tx {
    const char *team;
    const sw_sigma_rule_info_t *info;
    const char *yaml;
    size_t len;
    const char *file;
    int64_t from_record;
    const sw_act_t *act;
} deploy_tx_t;

static int deploy_tx_cb(sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err)
{
    deploy_tx_t *x = ud;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO deployed_rules(deployment, team, rule_id, title, level,"
                           " author, file, yaml, from_record, actor, wall_ms)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "deploy");
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, x->team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x->info->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, x->info->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, x->info->level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, x->info->author, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, x->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, x->yaml, (int)x->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, x->from_record);
    sqlite3_bind_text(st, 10, x->act->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, x->act->wall_ms);
    int src = sqlite3_step(st);
    int ext = sqlite3_extended_errcode(db);
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return SW_OK;
    if (ext == SQLITE_CONSTRAINT_UNIQUE)
        return sw_seterr(err, SW_EEXIST, "rule %s is already deployed for team %s", x->info->id,
                         x->team);
    return sw_seterr(err, SW_EIO, "deploy: %s", sqlite3_errmsg(db));
}

/* Live deployment of rule_id for team, or 0; canon (may be NULL) gets the
 * id as the rule spells it. */
static int64_t live_deployment(sw_deploy_t *d, const char *team, const char *rule_id,
                               char canon[SW_DEPLOY_MAX_ID + 1])
{
    sqlite3_stmt *st = NULL;
    int64_t dep = 0;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT deployment, rule_id FROM deployed_rules WHERE team = ?"
                           " AND rule_id = ? AND withdrawn IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rule_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        dep = sqlite3_column_int64(st, 0);
        if (canon)
            snprintf(canon, SW_DEPLOY_MAX_ID + 1, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return dep;
}

/* Compile yaml and check it can be deployed for team; *set_out holds the
 * compiled rule on success (the caller frees it). */
static int check_rule(sw_deploy_t *d, const char *team, const char *yaml, size_t len,
                      const char *file, sw_sigma_set_t **set_out, sw_sigma_error_t *err)
{
    sw_sigma_set_t *set = NULL;
    int rc = compile_one(yaml, len, file, &set, err);
    if (rc)
        return rc;
    const sw_sigma_rule_info_t *info = sw_sigma_set_rule(set, 0);
    if (!*info->id) {
        rc = refuse(err, SW_EINVAL, "no rule id",
                    "the rule has no id: add a line 'id: <UUID>' (withdrawing names it)");
    } else if (strlen(info->id) > SW_DEPLOY_MAX_ID) {
        rc = refuse(err, SW_EINVAL, "no rule id", "the rule id is longer than %d bytes",
                    SW_DEPLOY_MAX_ID);
    } else {
        int64_t dep = live_deployment(d, team, info->id, NULL);
        if (dep)
            rc = refuse(err, SW_EEXIST, "already deployed",
                        "rule %s is already deployed for team %s (deployment %lld); withdraw it "
                        "first",
                        info->id, team, (long long)dep);
    }
    if (rc)
        sw_sigma_set_free(set);
    else
        *set_out = set;
    return rc;
}

int sw_deploy_check(sw_deploy_t *d, sw_store_team_t *t, const char *yaml, size_t len,
                    const char *file, sw_sigma_error_t *err)
{
    sw_sigma_set_t *set = NULL;
    int rc = check_rule(d, sw_store_team_name(t), yaml, len, file, &set, err);
    sw_sigma_set_free(set);
    return rc;
}

int sw_deploy_rule(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act, const char *yaml,
                   size_t len, const char *file, sw_deployed_rule_t *out, sw_sigma_error_t *err)
{
    const char *team = sw_store_team_name(t);
    sw_sigma_set_t *set = NULL;
    char *payload = NULL;
    json_t *p = NULL;
    sw_errbuf_t e;
    int rc = check_rule(d, team, yaml, len, file, &set, err);
    if (rc)
        return rc;
    const sw_sigma_rule_info_t *info = sw_sigma_set_rule(set, 0);
    int64_t from = 0;
    if ((rc = sw_store_count(t, &from, &e))) {
        refuse(err, rc, "store", "%s", e.msg);
        goto done;
    }
    p = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s%}", "rule_id", info->id, "title", info->title,
                  "level", info->level, "author", info->author, "from_record", (json_int_t)from,
                  "yaml", yaml, len);
    payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    if (!payload) {
        rc = refuse(err, SW_EINVAL, "YAML structure", "the rule text is not valid UTF-8");
        goto done;
    }
    deploy_tx_t x = {team, info, yaml, len, file ? file : "", from, act};
    sw_journal_entry_t je = {.at_ms = act->at_ms,
                             .wall_ms = act->wall_ms,
                             .actor = act->actor,
                             .team = team,
                             .kind = "rule.deploy",
                             .payload = payload};
    int64_t seq = 0;
    if ((rc = sw_journal_append(d->j, &je, deploy_tx_cb, &x, &seq, &e))) {
        refuse(err, rc, rc == SW_EEXIST ? "already deployed" : "journal", "%s", e.msg);
        goto done;
    }
    d->generation++;
    if (out) {
        /* copy what out points to: the set is freed below */
        size_t n_id = strlen(info->id) + 1, n_title = strlen(info->title) + 1,
               n_level = strlen(info->level) + 1, n_author = strlen(info->author) + 1;
        char *s = malloc(n_id + n_title + n_level + n_author);
        free(d->last_strings);
        d->last_strings = s;
        if (s) {
            memcpy(s, info->id, n_id);
            memcpy(s + n_id, info->title, n_title);
            memcpy(s + n_id + n_title, info->level, n_level);
            memcpy(s + n_id + n_title + n_level, info->author, n_author);
        }
        *out = (sw_deployed_rule_t){.deployment = seq,
                                    .from_record = from,
                                    .wall_ms = act->wall_ms,
                                    .rule_id = s ? s : "",
                                    .title = s ? s + n_id : "",
                                    .level = s ? s + n_id + n_title : "",
                                    .author = s ? s + n_id + n_title + n_level : "",
                                    .file = x.file,
                                    .actor = act->actor,
                                    .yaml = ""};
    }
done:
    json_decref(p);
    free(payload);
    sw_sigma_set_free(set);
    return rc;
}

typedef struct withdraw_tx {
    const char *team, *rule_id;
} withdraw_tx_t;

static int withdraw_tx_cb(sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err)
{
    withdraw_tx_t *x = ud;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE deployed_rules SET withdrawn = ? WHERE team = ? AND rule_id = ?"
                           " AND withdrawn IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "withdraw");
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, x->team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x->rule_id, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return db_err(db, err, "withdraw");
    if (sqlite3_changes(db) != 1) /* withdrawn by someone else meanwhile */
        return sw_seterr(err, SW_ENOENT, "team %s has no deployed rule with id %s", x->team,
                         x->rule_id);
    return SW_OK;
}

int sw_deploy_withdraw(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act, const char *rule_id,
                       int64_t *deployment, sw_errbuf_t *err)
{
    const char *team = sw_store_team_name(t);
    char canon[SW_DEPLOY_MAX_ID + 1];
    int64_t dep =
        strlen(rule_id) <= SW_DEPLOY_MAX_ID ? live_deployment(d, team, rule_id, canon) : 0;
    if (!dep)
        return sw_seterr(
            err, SW_ENOENT,
            "team %s has no deployed rule with id '%s' (seawall rules list shows them)", team,
            rule_id);
    rule_id = canon; /* journal the id as the rule spells it */
    json_t *p = json_pack("{s:s, s:I}", "rule_id", rule_id, "deployment", (json_int_t)dep);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return sw_seterr(err, SW_EINVAL, "rule id is not valid UTF-8");
    withdraw_tx_t x = {team, rule_id};
    sw_journal_entry_t je = {.at_ms = act->at_ms,
                             .wall_ms = act->wall_ms,
                             .actor = act->actor,
                             .team = team,
                             .kind = "rule.withdraw",
                             .payload = payload};
    int rc = sw_journal_append(d->j, &je, withdraw_tx_cb, &x, NULL, err);
    free(payload);
    if (rc)
        return rc;
    d->generation++;
    if (deployment)
        *deployment = dep;
    return SW_OK;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

int sw_deploy_list(sw_deploy_t *d, sw_store_team_t *t, int all, sw_deployed_rule_cb cb, void *ud,
                   sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT deployment, coalesce(withdrawn, 0), from_record, wall_ms,"
                           " rule_id, title, level, author, file, actor, yaml FROM deployed_rules"
                           " WHERE team = ? AND (? OR withdrawn IS NULL) ORDER BY deployment",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(d->db, err, "rules");
    sqlite3_bind_text(st, 1, sw_store_team_name(t), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, all != 0);
    int rc = SW_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        sw_deployed_rule_t r = {
            .deployment = sqlite3_column_int64(st, 0),
            .withdrawn = sqlite3_column_int64(st, 1),
            .from_record = sqlite3_column_int64(st, 2),
            .wall_ms = sqlite3_column_int64(st, 3),
            .rule_id = col_text(st, 4),
            .title = col_text(st, 5),
            .level = col_text(st, 6),
            .author = col_text(st, 7),
            .file = col_text(st, 8),
            .actor = col_text(st, 9),
            .yaml = col_text(st, 10),
        };
        if ((rc = cb(&r, ud)) != 0)
            break;
    }
    if (rc == SW_OK && src != SQLITE_DONE)
        rc = db_err(d->db, err, "rules");
    sqlite3_finalize(st);
    return rc;
}

int sw_alerts_list(sw_deploy_t *d, sw_store_team_t *t, int64_t after_id, sw_alert_cb cb, void *ud,
                   sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT id, deployment, record, ts_ms, rule_id, title, level, author,"
                           " host, time, event FROM alerts WHERE team = ? AND id > ? ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(d->db, err, "alerts");
    sqlite3_bind_text(st, 1, sw_store_team_name(t), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, after_id);
    int rc = SW_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        sw_alert_t a = {
            .id = sqlite3_column_int64(st, 0),
            .deployment = sqlite3_column_int64(st, 1),
            .record = sqlite3_column_int64(st, 2),
            .ts_ms = sqlite3_column_int64(st, 3),
            .rule_id = col_text(st, 4),
            .title = col_text(st, 5),
            .level = col_text(st, 6),
            .author = col_text(st, 7),
            .host = col_text(st, 8),
            .time = col_text(st, 9),
            .event = col_text(st, 10),
        };
        if ((rc = cb(&a, ud)) != 0)
            break;
    }
    if (rc == SW_OK && src != SQLITE_DONE)
        rc = db_err(d->db, err, "alerts");
    sqlite3_finalize(st);
    return rc;
}

int sw_alerts_count(sw_deploy_t *d, sw_store_team_t *t, int64_t *n, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM alerts WHERE team = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(d->db, err, "alerts");
    sqlite3_bind_text(st, 1, sw_store_team_name(t), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? SW_OK : db_err(d->db, err, "alerts");
    if (!rc)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

/* ---- the alerter --------------------------------------------------------------- */

typedef struct live_rule {
    const sw_sigma_rule_info_t *info; /* in the compiled set */
    int64_t deployment;
    int64_t from_record;
} live_rule_t;

typedef struct queued_alert {
    int64_t deployment, record, ts_ms;
    char *host, *time, *event;
} queued_alert_t;

struct sw_alerter {
    sw_deploy_t *d;
    sw_store_t *s;
    sw_store_team_t *t;
    sw_sigma_set_t *set; /* NULL when the team has no live rule */
    live_rule_t *rules;
    size_t n_rules, n_broken;
    uint64_t generation; /* d->generation when loaded */
    int64_t last_act;    /* the team's latest rule act in the table when loaded */
    int64_t n_records;   /* the team's records, counting ours */
    queued_alert_t *queue;
    size_t n_queue;
    uint64_t raised;
    sw_event_t ev;
    /* the record being matched */
    int64_t cur_id, cur_ts;
    const char *cur_json;
    size_t cur_len;
    int cur_rc;
};

/* The latest deploy or withdraw of the team's rules (a journal seq), 0 if none. */
static int64_t team_last_act(sw_deploy_t *d, const char *team)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT max(max(deployment), coalesce(max(withdrawn), 0))"
                           " FROM deployed_rules WHERE team = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

typedef struct load_ctx {
    sw_alerter_t *a;
    sw_sigma_set_t *set;
    live_rule_t *rules;
    size_t n, cap, broken;
} load_ctx_t;

static int load_rule(const sw_deployed_rule_t *r, void *ud)
{
    load_ctx_t *c = ud;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        live_rule_t *nr = realloc(c->rules, cap * sizeof *nr);
        if (!nr)
            return SW_ENOMEM;
        c->rules = nr;
        c->cap = cap;
    }
    sw_sigma_error_t e;
    int rc = sw_sigma_set_add(c->set, r->yaml, strlen(r->yaml), r->file, &e);
    if (rc == SW_ENOMEM)
        return rc;
    if (rc) {
        c->broken++;
        return 0;
    }
    /* info pointers are fixed after build; keep the index for now */
    c->rules[c->n++] = (live_rule_t){NULL, r->deployment, r->from_record};
    return 0;
}

static void alerter_unload(sw_alerter_t *a)
{
    sw_sigma_set_free(a->set);
    free(a->rules);
    a->set = NULL;
    a->rules = NULL;
    a->n_rules = 0;
}

static int alerter_load(sw_alerter_t *a, sw_errbuf_t *err)
{
    alerter_unload(a);
    a->generation = a->d->generation;
    a->last_act = team_last_act(a->d, sw_store_team_name(a->t));
    load_ctx_t c = {.a = a, .set = sw_sigma_set_new(NULL, 0)};
    if (!c.set)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc = sw_deploy_list(a->d, a->t, 0, load_rule, &c, err);
    if (rc == SW_ENOMEM || (!rc && sw_sigma_set_build(c.set)))
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
    if (rc || c.n == 0) {
        sw_sigma_set_free(c.set);
        free(c.rules);
        a->n_broken = c.broken;
        return rc;
    }
    for (size_t i = 0; i < c.n; i++)
        c.rules[i].info = sw_sigma_set_rule(c.set, i);
    a->set = c.set;
    a->rules = c.rules;
    a->n_rules = c.n;
    a->n_broken = c.broken;
    return SW_OK;
}

int sw_alerter_open(sw_deploy_t *d, sw_store_t *s, sw_store_team_t *t, sw_alerter_t **out,
                    sw_errbuf_t *err)
{
    *out = NULL;
    sw_alerter_t *a = calloc(1, sizeof *a);
    if (!a)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    a->d = d;
    a->s = s;
    a->t = t;
    sw_event_init(&a->ev);
    a->queue = calloc(SW_ALERTER_MAX_QUEUE, sizeof *a->queue);
    int rc = a->queue ? SW_OK : sw_seterr(err, SW_ENOMEM, "out of memory");
    if (!rc)
        rc = sw_store_count(t, &a->n_records, err);
    if (!rc)
        rc = alerter_load(a, err);
    if (rc) {
        sw_alerter_close(a);
        return rc;
    }
    *out = a;
    return SW_OK;
}

static void queue_clear(sw_alerter_t *a)
{
    for (size_t i = 0; i < a->n_queue; i++) {
        free(a->queue[i].host);
        free(a->queue[i].time);
        free(a->queue[i].event);
    }
    a->n_queue = 0;
}

void sw_alerter_close(sw_alerter_t *a)
{
    if (!a)
        return;
    queue_clear(a);
    free(a->queue);
    alerter_unload(a);
    sw_event_free(&a->ev);
    free(a);
}

uint64_t sw_alerter_raised(const sw_alerter_t *a)
{
    return a->raised;
}

size_t sw_alerter_rules(const sw_alerter_t *a)
{
    return a->n_rules;
}

size_t sw_alerter_broken(const sw_alerter_t *a)
{
    return a->n_broken;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int alerter_write(sw_alerter_t *a, sw_errbuf_t *err);

static void alerter_match_cb(const sw_sigma_alert_t *m, void *ud)
{
    sw_alerter_t *a = ud;
    const live_rule_t *r = NULL;
    for (size_t i = 0; i < a->n_rules && !r; i++)
        if (a->rules[i].info == m->rule)
            r = &a->rules[i];
    if (!r || a->n_records <= r->from_record || a->cur_rc)
        return;
    if (a->n_queue == SW_ALERTER_MAX_QUEUE) {
        /* the record of this alert is appended but not committed: flush */
        sw_errbuf_t e;
        if ((a->cur_rc = alerter_write(a, &e)) != SW_OK)
            return;
    }
    queued_alert_t *q = &a->queue[a->n_queue];
    *q = (queued_alert_t){r->deployment,   a->cur_id,       a->cur_ts,
                          strdup(m->host), strdup(m->time), dup_n(a->cur_json, a->cur_len)};
    if (!q->host || !q->time || !q->event) {
        free(q->host);
        free(q->time);
        free(q->event);
        a->cur_rc = SW_ENOMEM;
        return;
    }
    a->n_queue++;
    a->raised++;
}

/* json without a top-level "_truth" member, as the store keeps it (the same
 * jansson round trip as evstore.c's split_truth), into *clean (malloc'd), or
 * *clean = NULL when there is none. */
static int strip_truth(const char *json, size_t len, char **clean)
{
    *clean = NULL;
    /* a quick look for "_truth" first: most records have none */
    const char *p = json, *end = json + len;
    while ((p = memchr(p, '_', (size_t)(end - p))) != NULL) {
        if (p > json && p[-1] == '"' && end - p >= 7 && !memcmp(p, "_truth\"", 7))
            break;
        p++;
    }
    if (!p)
        return SW_OK;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (!root)
        return SW_EINVAL;
    if (json_is_object(root) && json_object_get(root, "_truth")) {
        json_object_del(root, "_truth");
        *clean = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!*clean) {
            json_decref(root);
            return SW_ENOMEM;
        }
    }
    json_decref(root);
    return SW_OK;
}

int sw_alerter_append(sw_alerter_t *a, const char *json, size_t len, int64_t *id, sw_errbuf_t *err)
{
    if (a->generation != a->d->generation) {
        int rc = alerter_load(a, err);
        if (rc)
            return rc;
    }
    int64_t rid = 0;
    int rc = sw_store_append(a->t, json, len, &rid, err);
    if (rc)
        return rc;
    a->n_records++;
    if (id)
        *id = rid;
    if (!a->set)
        return SW_OK;
    char *clean = NULL;
    if ((rc = strip_truth(json, len, &clean)))
        return sw_seterr(err, rc, "record %lld: cannot cut out _truth", (long long)rid);
    const char *rec = clean ? clean : json;
    size_t rec_len = clean ? strlen(clean) : len;
    rc = sw_event_parse_flat(&a->ev, rec, rec_len);
    if (rc == SW_ENOENT)
        rc = sw_event_parse_json(&a->ev, rec, rec_len, NULL);
    if (rc == SW_OK) {
        a->cur_id = rid;
        a->cur_json = rec;
        a->cur_len = rec_len;
        a->cur_rc = SW_OK;
        if (sw_query_event_time(&a->ev, &a->cur_ts))
            a->cur_ts = 0;
        sw_sigma_set_match(a->set, &a->ev, alerter_match_cb, a);
        rc = a->cur_rc;
        if (rc)
            sw_seterr(err, rc, "record %lld: raising alerts failed", (long long)rid);
    } else {
        rc = SW_OK; /* the store took it; a record the parser refuses matches nothing */
    }
    free(clean);
    return rc;
}

/* Commit the store's pending appends, then insert the queued alerts in one
 * transaction. Never reloads the rules: it runs inside a match callback. */
static int alerter_write(sw_alerter_t *a, sw_errbuf_t *err)
{
    int rc = sw_store_flush(a->s, err);
    if (rc)
        return rc;
    sqlite3 *db = a->d->db;
    if (a->n_queue) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return db_err(db, err, "alerts");
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO alerts(team, deployment, rule_id, title, level, author,"
                               " record, ts_ms, time, host, event)"
                               " SELECT team, deployment, rule_id, title, level, author, ?, ?, ?,"
                               " ?, ? FROM deployed_rules WHERE deployment = ? AND team = ?",
                               -1, &st, NULL) != SQLITE_OK) {
            rc = db_err(db, err, "alerts");
            goto fail;
        }
        for (size_t i = 0; i < a->n_queue; i++) {
            queued_alert_t *q = &a->queue[i];
            sqlite3_bind_int64(st, 1, q->record);
            sqlite3_bind_int64(st, 2, q->ts_ms);
            sqlite3_bind_text(st, 3, q->time, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, q->host, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, q->event, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 6, q->deployment);
            sqlite3_bind_text(st, 7, sw_store_team_name(a->t), -1, SQLITE_STATIC);
            int src = sqlite3_step(st);
            sqlite3_reset(st);
            if (src != SQLITE_DONE) {
                rc = db_err(db, err, "alerts");
                goto fail;
            }
        }
        sqlite3_finalize(st);
        st = NULL;
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            rc = db_err(db, err, "alerts");
            goto fail;
        }
        queue_clear(a);
        return SW_OK;
    fail:
        sqlite3_finalize(st);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return SW_OK;
}

int sw_alerter_flush(sw_alerter_t *a, sw_errbuf_t *err)
{
    int rc = alerter_write(a, err);
    /* another process may have deployed or withdrawn meanwhile */
    if (!rc && team_last_act(a->d, sw_store_team_name(a->t)) != a->last_act)
        rc = alerter_load(a, err);
    return rc;
}
