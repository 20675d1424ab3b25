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
 *     generation of d moves (an in-process deploy or withdraw), at the
 *     next append or sw_alerter_ready, once for any number of acts; and,
 *     at a flush with no such act pending, when the team's latest rule act
 *     in the table differs from the one it loaded (another process; with
 *     an in-process act pending, the one reload covers both).
 *  4. Alerts copy the rule's fields from deployed_rules at insert time
 *     (INSERT ... SELECT), so an alert reads whole even after a withdraw;
 *     the same SELECT keeps a record outside the deployment's range
 *     (from_record, until_record] out, so an alert queued before a withdraw
 *     from another process was seen is dropped, not stored.
 *  5. Marks (deploy.h invariant 6). The alerter matches its live rules from
 *     `base` on: when it loads them, every mark is at least base (a lagging
 *     one was caught up first), and each write moves the marks that are
 *     still >= base to the records matched. A mark that is not (someone
 *     else's doing) stays put and the next load catches it up. A record
 *     counts as matched only when all its rules ran: the alerter writes
 *     between records, never inside a match.
 *  6. The turnstile. The store's SQLite transaction (ground truth rows)
 *     holds the write lock from the first append after a commit to the
 *     next (a whole input file), so a deployer in another process waited
 *     out its 5 s busy timeout and failed; and even a commit now and then
 *     would not let it in, since it polls (sleeping) and the ingest takes
 *     the lock again microseconds after a commit. So a deployer takes an
 *     exclusive flock on FILE-deploy around its journal append; an
 *     alerter looks for one every SW_ALERTER_KNOCK_EVERY appends (a
 *     non-blocking shared flock fails) and then commits and waits for a
 *     shared flock (turnstile_pass), holding no SQLite lock, until the
 *     deployer is done: the deployer's next try gets the write lock. No
 *     deployer, no extra commit: an ingest pays one flock call per
 *     SW_ALERTER_KNOCK_EVERY records.
 *
 * Alerter: EMPTY -> LOADED [alerter_load: write, catch_up, compile live
 * rules] -> (appends queue alerts; writes past SW_ALERTER_MAX_QUEUE alerts
 * or when a deployer knocks) -> LOADED [sw_alerter_flush: alerter_write,
 * turnstile_pass, alerter_load if the team's rule acts changed]. */
#include "alerts/deploy.h"

#include <jansson.h>
#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"

struct sw_deploy {
    sqlite3 *db;
    sw_journal_t *j;
    uint64_t generation; /* bumped by every deploy and withdraw through d */
    char *last_strings;  /* what the last sw_deploy_rule's out points into */
    int lock_fd;         /* the turnstile, FILE-deploy; -1 without one */
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS deployed_rules(deployment INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, rule_id TEXT NOT NULL COLLATE NOCASE,"
    " title TEXT NOT NULL, level TEXT NOT NULL, author TEXT NOT NULL, file TEXT NOT NULL,"
    " yaml TEXT NOT NULL, from_record INTEGER NOT NULL, actor TEXT NOT NULL,"
    " wall_ms INTEGER NOT NULL, withdrawn INTEGER, until_record INTEGER);"
    "CREATE UNIQUE INDEX IF NOT EXISTS deployed_rules_live ON deployed_rules(team, rule_id)"
    " WHERE withdrawn IS NULL;"
    /* team_last_act from the index alone: a scan of the table reads every
     * rule's YAML, at every flush of every team */
    "CREATE INDEX IF NOT EXISTS deployed_rules_acts ON deployed_rules(team, deployment, withdrawn);"
    "CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, deployment INTEGER NOT NULL,"
    " rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT NOT NULL, author TEXT NOT NULL,"
    " record INTEGER NOT NULL, ts_ms INTEGER NOT NULL, time TEXT NOT NULL,"
    " host TEXT NOT NULL, event TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alerts_team ON alerts(team, id);"
    /* one alert per deployment and record: a record matched twice (a catch-up
     * racing a write) cannot alert twice */
    "CREATE UNIQUE INDEX IF NOT EXISTS alerts_once ON alerts(deployment, record);"
    "CREATE TABLE IF NOT EXISTS alert_marks(deployment INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, matched INTEGER NOT NULL);"
    /* a team's triage of its alerts: the latest alert.triage act of each,
     * written in that act's transaction (journal.h invariant 3) */
    "CREATE TABLE IF NOT EXISTS alert_triage(alert INTEGER PRIMARY KEY,"
    " team TEXT NOT NULL COLLATE NOCASE, status TEXT NOT NULL, assignee TEXT NOT NULL,"
    " incident TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER);";

static int db_err(sqlite3 *db, sw_errbuf_t *err, const char *what)
{
    return sw_seterr(err, SW_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

/* A file from before withdrawals kept until_record: add the column (NULL in
 * old rows: their alerts stop at the withdraw as they always did). */
static int add_until_record(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM pragma_table_info('deployed_rules')"
                           " WHERE name = 'until_record'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int have = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (have || sqlite3_exec(db, "ALTER TABLE deployed_rules ADD COLUMN until_record INTEGER", NULL,
                             NULL, NULL) == SQLITE_OK)
        return 0;
    /* another process may have added it meanwhile */
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM pragma_table_info('deployed_rules')"
                           " WHERE name = 'until_record'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    have = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return have ? 0 : -1;
}

/* The turnstile (design note 6): FILE-deploy, an empty file beside the
 * database. -1 when it cannot be made (a read-only directory: then nobody
 * here deploys either). */
static int turnstile_open(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + sizeof "-deploy");
    if (!p)
        return -1;
    memcpy(p, path, n);
    memcpy(p + n, "-deploy", sizeof "-deploy");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(p);
    return fd;
}

int sw_deploy_open(const char *path, sw_journal_t *j, sw_deploy_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_deploy_t *d = calloc(1, sizeof *d);
    if (!d)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    d->lock_fd = -1;
    int rc = SW_OK;
    char *msg = NULL;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, d->db ? sqlite3_errmsg(d->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(d->db, 5000);
    if (sqlite3_exec(d->db, schema, NULL, NULL, &msg) != SQLITE_OK || add_until_record(d->db)) {
        rc = sw_seterr(err, SW_EIO, "%s: rules: %s", path, msg ? msg : sqlite3_errmsg(d->db));
        sqlite3_free(msg);
        goto fail;
    }
    d->j = j;
    d->lock_fd = turnstile_open(path);
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
    if (d->lock_fd >= 0)
        close(d->lock_fd);
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
    if (sw_event_parse(&c->ev, row->json, row->json_len, NULL))
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
    if (src != SQLITE_DONE && ext == SQLITE_CONSTRAINT_UNIQUE)
        return sw_seterr(err, SW_EEXIST, "rule %s is already deployed for team %s", x->info->id,
                         x->team);
    if (src != SQLITE_DONE)
        return sw_seterr(err, SW_EIO, "deploy: %s", sqlite3_errmsg(db));
    /* its mark: nothing before from_record concerns it (invariant 6) */
    if (sqlite3_prepare_v2(db, "INSERT INTO alert_marks(deployment, team, matched) VALUES(?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "deploy");
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, x->team, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, x->from_record);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SW_OK : db_err(db, err, "deploy");
}

/* Deployers queue at the turnstile (design note 6) so that an alerter,
 * which passes it at each commit, lets them at the write lock. */
static void turnstile_enter(sw_deploy_t *d)
{
    if (d->lock_fd >= 0)
        while (flock(d->lock_fd, LOCK_EX) != 0 && errno == EINTR)
            ;
}

static void turnstile_leave(sw_deploy_t *d)
{
    if (d->lock_fd >= 0)
        flock(d->lock_fd, LOCK_UN);
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
    turnstile_enter(d);
    rc = sw_journal_append(d->j, &je, deploy_tx_cb, &x, &seq, &e);
    turnstile_leave(d);
    if (rc) {
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
    int64_t until_record;
} withdraw_tx_t;

static int withdraw_tx_cb(sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err)
{
    withdraw_tx_t *x = ud;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE deployed_rules SET withdrawn = ?, until_record = ?"
                           " WHERE team = ? AND rule_id = ? AND withdrawn IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "withdraw");
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, x->until_record);
    sqlite3_bind_text(st, 3, x->team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, x->rule_id, -1, SQLITE_STATIC);
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
    int64_t until = 0;
    int rc = sw_store_count(t, &until, err);
    if (rc)
        return rc;
    json_t *p = json_pack("{s:s, s:I, s:I}", "rule_id", rule_id, "deployment", (json_int_t)dep,
                          "until_record", (json_int_t)until);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return sw_seterr(err, SW_EINVAL, "rule id is not valid UTF-8");
    withdraw_tx_t x = {team, rule_id, until};
    sw_journal_entry_t je = {.at_ms = act->at_ms,
                             .wall_ms = act->wall_ms,
                             .actor = act->actor,
                             .team = team,
                             .kind = "rule.withdraw",
                             .payload = payload};
    turnstile_enter(d);
    rc = sw_journal_append(d->j, &je, withdraw_tx_cb, &x, NULL, err);
    turnstile_leave(d);
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
                           "SELECT a.id, a.deployment, a.record, a.ts_ms, a.rule_id, a.title,"
                           " a.level, a.author, a.host, a.time, a.event,"
                           " coalesce(t.status, 'new'), coalesce(t.assignee, ''),"
                           " coalesce(t.incident, '') FROM alerts a"
                           " LEFT JOIN alert_triage t ON t.alert = a.id"
                           " WHERE a.team = ? AND a.id > ? ORDER BY a.id",
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
            .status = col_text(st, 11),
            .assignee = col_text(st, 12),
            .incident = col_text(st, 13),
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

/* A record's number in its team, 1, 2, ...: the row below bit 40 of its id
 * (evstore.h), what from_record, until_record and matched count. */
#define RECORD_ORD_MASK ((INT64_C(1) << 40) - 1)

/* A compiled rule and the records it may alert on: lo < number <= hi. */
typedef struct live_rule {
    const sw_sigma_rule_info_t *info; /* in the compiled set */
    int64_t deployment;
    int64_t lo, hi;
} live_rule_t;

typedef struct ruleset {
    sw_sigma_set_t *set; /* NULL when empty */
    live_rule_t *rules;
    size_t n, broken;
} ruleset_t;

typedef struct queued_alert {
    int64_t deployment, record, ord, ts_ms;
    char *host, *time, *event;
} queued_alert_t;

struct sw_alerter {
    sw_deploy_t *d;
    sw_store_t *s;
    sw_store_team_t *t;
    ruleset_t live;      /* the team's live rules: lo = from_record, hi = INT64_MAX */
    uint64_t generation; /* d->generation when loaded */
    int64_t last_act;    /* the team's latest rule act in the table when loaded */
    int64_t n_records;   /* the team's records, counting ours */
    int64_t base;        /* every live rule's mark was >= base when matching resumed */
    queued_alert_t *queue;
    size_t n_queue, cap_queue;
    uint64_t raised, recovered;
    uint64_t undecided;   /* (record, rule) pairs in range the engine could not decide */
    uint64_t compiles;    /* times the team's live rules were compiled */
    unsigned since_knock; /* appends since the last look at the turnstile */
    long crash_after;     /* tests: SIGKILL after this many store commits; 0: never */
    sw_event_t ev;
    /* the record being matched */
    const ruleset_t *cur_rules;
    int64_t cur_id, cur_ord, cur_ts;
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

static void ruleset_free(ruleset_t *rs)
{
    sw_sigma_set_free(rs->set);
    free(rs->rules);
    *rs = (ruleset_t){0};
}

/* Compile the rules st yields, one row each: deployment, yaml, file, lo, hi.
 * A rule the engine no longer takes is counted in rs->broken and skipped. */
static int ruleset_load(ruleset_t *rs, sqlite3 *db, sqlite3_stmt *st, sw_errbuf_t *err)
{
    size_t cap = 0;
    int rc = SW_OK, src;
    *rs = (ruleset_t){0};
    if (!(rs->set = sw_sigma_set_new(NULL, 0)))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (rs->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            live_rule_t *nr = realloc(rs->rules, nc * sizeof *nr);
            if (!nr) {
                rc = sw_seterr(err, SW_ENOMEM, "out of memory");
                break;
            }
            rs->rules = nr;
            cap = nc;
        }
        const char *yaml = (const char *)sqlite3_column_text(st, 1);
        const char *file = (const char *)sqlite3_column_text(st, 2);
        sw_sigma_error_t e;
        int arc = sw_sigma_set_add(rs->set, yaml ? yaml : "", yaml ? strlen(yaml) : 0, file, &e);
        if (arc == SW_ENOMEM) {
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            break;
        }
        if (arc) {
            rs->broken++;
            continue;
        }
        /* info pointers are fixed after build; set below */
        rs->rules[rs->n++] =
            (live_rule_t){NULL, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 3),
                          sqlite3_column_int64(st, 4)};
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_err(db, err, "rules");
    if (!rc && rs->n && sw_sigma_set_build(rs->set))
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
    if (rc || rs->n == 0) {
        size_t broken = rs->broken;
        ruleset_free(rs);
        rs->broken = broken;
        return rc;
    }
    for (size_t i = 0; i < rs->n; i++)
        rs->rules[i].info = sw_sigma_set_rule(rs->set, i);
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

static int queue_order(const void *x, const void *y)
{
    const queued_alert_t *p = x, *q = y;
    if (p->ord != q->ord)
        return p->ord < q->ord ? -1 : 1;
    return (p->deployment > q->deployment) - (p->deployment < q->deployment);
}

/* In one transaction: store the queued alerts (each only if its record is
 * in its deployment's range, and only once: alerts_once), and move the mark
 * of every deployment of marks (may be NULL) that is at or past base up to
 * to. Nothing to write takes no lock. */
static int queue_commit(sw_alerter_t *a, const ruleset_t *marks, int64_t base, int64_t to,
                        sw_errbuf_t *err)
{
    int n_marks = marks && to > base ? (int)marks->n : 0;
    if (!a->n_queue && !n_marks)
        return SW_OK;
    sqlite3 *db = a->d->db;
    const char *team = sw_store_team_name(a->t);
    sqlite3_stmt *ins = NULL, *mark = NULL;
    int rc = SW_OK;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(db, err, "alerts");
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO alerts(team, deployment, rule_id, title, level,"
                           " author, record, ts_ms, time, host, event)"
                           " SELECT team, deployment, rule_id, title, level, author, ?1, ?2, ?3,"
                           " ?4, ?5 FROM deployed_rules WHERE deployment = ?6 AND team = ?7"
                           " AND from_record < ?8 AND (until_record IS NULL OR ?8 <= until_record)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE alert_marks SET matched = ?1 WHERE deployment = ?2"
                           " AND matched >= ?3 AND matched < ?1",
                           -1, &mark, NULL) != SQLITE_OK) {
        rc = db_err(db, err, "alerts");
        goto fail;
    }
    /* record order, as a run that never stopped would have stored them */
    if (a->n_queue > 1)
        qsort(a->queue, a->n_queue, sizeof *a->queue, queue_order);
    uint64_t stored = 0;
    for (size_t i = 0; i < a->n_queue; i++) {
        queued_alert_t *q = &a->queue[i];
        sqlite3_bind_int64(ins, 1, q->record);
        sqlite3_bind_int64(ins, 2, q->ts_ms);
        sqlite3_bind_text(ins, 3, q->time, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, q->host, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, q->event, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, q->deployment);
        sqlite3_bind_text(ins, 7, team, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 8, q->ord);
        int src = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (src != SQLITE_DONE) {
            rc = db_err(db, err, "alerts");
            goto fail;
        }
        stored += (uint64_t)sqlite3_changes(db);
    }
    for (int i = 0; i < n_marks; i++) {
        sqlite3_bind_int64(mark, 1, to);
        sqlite3_bind_int64(mark, 2, marks->rules[i].deployment);
        sqlite3_bind_int64(mark, 3, base);
        int src = sqlite3_step(mark);
        sqlite3_reset(mark);
        if (src != SQLITE_DONE) {
            rc = db_err(db, err, "alerts");
            goto fail;
        }
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(mark);
    ins = mark = NULL;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(db, err, "alerts");
        goto fail;
    }
    a->raised += stored;
    queue_clear(a);
    return SW_OK;
fail:
    sqlite3_finalize(ins);
    sqlite3_finalize(mark);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
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

/* The live rule of a->cur_rules that compiled to m's rule, when the record
 * being matched is in its range; else NULL. */
static const live_rule_t *rule_in_range(const sw_alerter_t *a, const sw_sigma_alert_t *m)
{
    const ruleset_t *rs = a->cur_rules;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->rules[i].info == m->rule)
            return a->cur_ord > rs->rules[i].lo && a->cur_ord <= rs->rules[i].hi ? &rs->rules[i]
                                                                                 : NULL;
    return NULL;
}

/* Queue an alert of a->cur_rules on the record being matched, when the
 * record is in the rule's range. */
static void alerter_match_cb(const sw_sigma_alert_t *m, void *ud)
{
    sw_alerter_t *a = ud;
    const live_rule_t *r = rule_in_range(a, m);
    if (!r || a->cur_rc)
        return;
    if (a->n_queue == a->cap_queue) {
        /* past SW_ALERTER_MAX_QUEUE by at most one record's alerts */
        size_t nc = a->cap_queue ? a->cap_queue * 2 : 64;
        queued_alert_t *nq = realloc(a->queue, nc * sizeof *nq);
        if (!nq) {
            a->cur_rc = SW_ENOMEM;
            return;
        }
        a->queue = nq;
        a->cap_queue = nc;
    }
    queued_alert_t *q = &a->queue[a->n_queue];
    *q = (queued_alert_t){r->deployment,
                          a->cur_id,
                          a->cur_ord,
                          a->cur_ts,
                          strdup(m->host),
                          strdup(m->time),
                          dup_n(a->cur_json, a->cur_len)};
    if (!q->host || !q->time || !q->event) {
        free(q->host);
        free(q->time);
        free(q->event);
        a->cur_rc = SW_ENOMEM;
        return;
    }
    a->n_queue++;
}

/* A rule left undecided on the record (detect/sigma.h): counted. */
static void alerter_undecided_cb(const sw_sigma_alert_t *m, void *ud)
{
    sw_alerter_t *a = ud;
    if (rule_in_range(a, m))
        a->undecided++;
}

/* Match the parsed ev, record id with json[0..len), against rs. */
static int alerter_match(sw_alerter_t *a, const ruleset_t *rs, const sw_event_t *ev, int64_t id,
                         const char *json, size_t len)
{
    a->cur_rules = rs;
    a->cur_id = id;
    a->cur_ord = id & RECORD_ORD_MASK;
    a->cur_json = json;
    a->cur_len = len;
    a->cur_rc = SW_OK;
    if (sw_query_event_time(ev, &a->cur_ts))
        a->cur_ts = 0;
    sw_sigma_set_on_undecided(rs->set, alerter_undecided_cb, a);
    sw_sigma_set_match(rs->set, ev, alerter_match_cb, a);
    return a->cur_rc;
}

/* ---- catching up ---------------------------------------------------------------- */

typedef struct catch_up_ctx {
    sw_alerter_t *a;
    ruleset_t lag;
    int64_t lo, hi; /* the widest range any lagging rule needs */
    sw_errbuf_t *err;
} catch_up_ctx_t;

static int catch_up_row(const sw_qrow_t *row, void *ud)
{
    catch_up_ctx_t *c = ud;
    sw_alerter_t *a = c->a;
    int64_t ord = row->id & RECORD_ORD_MASK;
    if (!row->is_record || ord <= c->lo || ord > c->hi)
        return 0;
    /* the store keeps records without ground truth: match them as they are */
    int rc = sw_event_parse(&a->ev, row->json, row->json_len, NULL);
    if (rc)
        return 0; /* as at ingest: a record the parser refuses matches nothing */
    if ((rc = alerter_match(a, &c->lag, &a->ev, row->id, row->json, row->json_len)))
        return sw_seterr(c->err, rc, "record %lld: raising alerts failed", (long long)row->id);
    /* a batch without marks: alerts_once keeps a repeat after a crash single */
    if (a->n_queue >= SW_ALERTER_MAX_QUEUE)
        return queue_commit(a, NULL, 0, 0, c->err);
    return 0;
}

/* Match every deployment of the team whose mark lags (records up to
 * a->n_records, all committed, that it should have seen and has not) over
 * those records, store the alerts and move their marks to a->n_records.
 * Cost: one SELECT when nothing lags; else a read and a match of each
 * record in the lagging range (sw_store_scan), whatever the team's size. */
static int catch_up(sw_alerter_t *a, sw_errbuf_t *err)
{
    const char *team = sw_store_team_name(a->t);
    int64_t n = a->n_records;
    sqlite3 *db = a->d->db;
    sqlite3_stmt *st = NULL;
    /* a file from before marks: take what its deployments had as matched */
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM deployed_rules r WHERE team = ? AND NOT EXISTS"
                           " (SELECT 1 FROM alert_marks m WHERE m.deployment = r.deployment)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "alerts");
    sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
    int legacy = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (legacy) {
        if (sqlite3_prepare_v2(db,
                               "INSERT OR IGNORE INTO alert_marks(deployment, team, matched)"
                               " SELECT deployment, team, max(from_record, ?1)"
                               " FROM deployed_rules WHERE team = ?2",
                               -1, &st, NULL) != SQLITE_OK)
            return db_err(db, err, "alerts");
        sqlite3_bind_int64(st, 1, n);
        sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
            return db_err(db, err, "alerts");
    }
    /* lo = max(mark, from_record), hi = n for a live rule, its until_record
     * (if below n) for a withdrawn one; a rule lags when lo < hi */
    if (sqlite3_prepare_v2(db,
                           "SELECT deployment, yaml, file, lo, hi FROM (SELECT r.deployment,"
                           " r.yaml, r.file, max(m.matched, r.from_record) AS lo,"
                           " CASE WHEN r.withdrawn IS NULL THEN ?1"
                           " ELSE coalesce(min(r.until_record, ?1), 0) END AS hi"
                           " FROM deployed_rules r JOIN alert_marks m"
                           " ON m.deployment = r.deployment WHERE r.team = ?2 AND m.matched < ?1)"
                           " WHERE lo < hi ORDER BY deployment",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "alerts");
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
    catch_up_ctx_t c = {.a = a, .lo = INT64_MAX, .hi = 0, .err = err};
    int rc = ruleset_load(&c.lag, db, st, err);
    sqlite3_finalize(st);
    if (rc || c.lag.n == 0)
        return rc;
    for (size_t i = 0; i < c.lag.n; i++) {
        if (c.lag.rules[i].lo < c.lo)
            c.lo = c.lag.rules[i].lo;
        if (c.lag.rules[i].hi > c.hi)
            c.hi = c.lag.rules[i].hi;
    }
    uint64_t before = a->raised;
    rc = sw_store_scan(a->t, c.lo, c.hi, catch_up_row, &c, err);
    if (!rc)
        rc = queue_commit(a, &c.lag, 0, n, err);
    queue_clear(a);
    if (!rc)
        a->recovered += a->raised - before;
    ruleset_free(&c.lag);
    return rc;
}

/* ---- the alerter's life ------------------------------------------------------------ */

/* Commit the store's pending appends, then the queued alerts with the live
 * rules' marks moved to the records matched. */
static int alerter_write(sw_alerter_t *a, sw_errbuf_t *err)
{
    int rc = sw_store_flush(a->s, err);
    if (rc)
        return rc;
    /* tests: die in the window between the records' commit and their alerts' */
    if (a->crash_after && --a->crash_after == 0)
        raise(SIGKILL);
    if ((rc = queue_commit(a, &a->live, a->base, a->n_records, err)))
        return rc;
    a->base = a->n_records;
    return SW_OK;
}

/* Reload the team's live rules: write what is held under the old ones,
 * catch up every lagging deployment, then compile the live ones. */
static int alerter_load(sw_alerter_t *a, sw_errbuf_t *err)
{
    int rc = alerter_write(a, err);
    if (rc)
        return rc;
    ruleset_free(&a->live);
    const char *team = sw_store_team_name(a->t);
    a->generation = a->d->generation;
    /* read first: a rule act after it makes the next flush reload again */
    a->last_act = team_last_act(a->d, team);
    if ((rc = catch_up(a, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->d->db,
                           "SELECT deployment, yaml, file, from_record, ?1 FROM deployed_rules"
                           " WHERE team = ?2 AND withdrawn IS NULL ORDER BY deployment",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(a->d->db, err, "rules");
    sqlite3_bind_int64(st, 1, INT64_MAX);
    sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
    rc = ruleset_load(&a->live, a->d->db, st, err);
    a->compiles++;
    sqlite3_finalize(st);
    a->base = a->n_records;
    return rc;
}

/* The team's rules as deployed now: a deploy or withdraw through d moves
 * its generation; only one of this team's reloads them (another team's
 * leaves them as they are: deploying one rule for one team of five
 * re-compiled every team's rules). */
static int alerter_current(sw_alerter_t *a, sw_errbuf_t *err)
{
    if (a->generation == a->d->generation)
        return SW_OK;
    int64_t last = team_last_act(a->d, sw_store_team_name(a->t));
    if (last >= 0 && last == a->last_act) {
        a->generation = a->d->generation;
        return SW_OK;
    }
    return alerter_load(a, err);
}

/* Let a deployer waiting at the turnstile through (design note 6). Called
 * holding no write lock. */
static void turnstile_pass(sw_deploy_t *d)
{
    if (d->lock_fd < 0)
        return;
    while (flock(d->lock_fd, LOCK_SH) != 0 && errno == EINTR)
        ;
    flock(d->lock_fd, LOCK_UN);
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
    const char *crash = getenv("SW_TEST_CRASH_AFTER_COMMITS");
    a->crash_after = crash ? strtol(crash, NULL, 10) : 0;
    sw_event_init(&a->ev);
    int rc = sw_store_count(t, &a->n_records, err);
    if (!rc)
        rc = alerter_load(a, err);
    if (rc) {
        sw_alerter_close(a);
        return rc;
    }
    *out = a;
    return SW_OK;
}

void sw_alerter_close(sw_alerter_t *a)
{
    if (!a)
        return;
    queue_clear(a);
    free(a->queue);
    ruleset_free(&a->live);
    sw_event_free(&a->ev);
    free(a);
}

uint64_t sw_alerter_raised(const sw_alerter_t *a)
{
    return a->raised;
}

uint64_t sw_alerter_recovered(const sw_alerter_t *a)
{
    return a->recovered;
}

size_t sw_alerter_rules(const sw_alerter_t *a)
{
    return a->live.n;
}

uint64_t sw_alerter_compiles(const sw_alerter_t *a)
{
    return a->compiles;
}

uint64_t sw_alerter_undecided(const sw_alerter_t *a)
{
    return a->undecided;
}

size_t sw_alerter_broken(const sw_alerter_t *a)
{
    return a->live.broken;
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

/* Is a deployer waiting at the turnstile? Looked at every
 * SW_ALERTER_KNOCK_EVERY appends: one non-blocking flock. */
static int deployer_waiting(sw_alerter_t *a)
{
    if (a->d->lock_fd < 0 || ++a->since_knock < SW_ALERTER_KNOCK_EVERY)
        return 0;
    a->since_knock = 0;
    if (flock(a->d->lock_fd, LOCK_SH | LOCK_NB) == 0) {
        flock(a->d->lock_fd, LOCK_UN);
        return 0;
    }
    return errno == EWOULDBLOCK;
}

int sw_alerter_append(sw_alerter_t *a, const char *json, size_t len, int64_t *id, sw_errbuf_t *err)
{
    return sw_alerter_append_truth(a, json, len, NULL, id, err);
}

int sw_alerter_append_truth(sw_alerter_t *a, const char *json, size_t len, const char *truth,
                            int64_t *id, sw_errbuf_t *err)
{
    int rc;
    if ((rc = alerter_current(a, err)))
        return rc;
    int64_t rid = 0;
    if ((rc = sw_store_append_truth(a->t, json, len, truth, &rid, err)))
        return rc;
    a->n_records++;
    if (id)
        *id = rid;
    if (a->live.set) {
        char *clean = NULL;
        /* ground truth given beside the record is not in its text */
        if (!truth && (rc = strip_truth(json, len, &clean)))
            return sw_seterr(err, rc, "record %lld: cannot cut out _truth", (long long)rid);
        const char *rec = clean ? clean : json;
        size_t rec_len = clean ? strlen(clean) : len;
        /* the fields the store parsed: the same text, parsed once */
        rc = alerter_match(a, &a->live, sw_store_appended(a->t), rid, rec, rec_len);
        free(clean);
        if (rc)
            return sw_seterr(err, rc, "record %lld: raising alerts failed", (long long)rid);
    }
    /* the record is matched whole: a commit now marks it done */
    if (a->n_queue >= SW_ALERTER_MAX_QUEUE || deployer_waiting(a))
        return sw_alerter_flush(a, err);
    return SW_OK;
}

typedef struct copy_ctx {
    sw_alerter_t *a;
    int64_t rid;
    int rc;
} copy_ctx_t;

static int match_copy(const sw_qrow_t *row, void *ud)
{
    copy_ctx_t *c = ud;
    sw_alerter_t *a = c->a;
    if (sw_event_parse(&a->ev, row->json, row->json_len, NULL) == SW_OK)
        c->rc = alerter_match(a, &a->live, &a->ev, c->rid, row->json, row->json_len);
    return c->rc ? -1 : 1;
}

int sw_alerter_share(sw_alerter_t *a, sw_store_team_t *from, int64_t id, int64_t *new_id,
                     sw_errbuf_t *err)
{
    int rc;
    if ((rc = alerter_current(a, err)))
        return rc;
    int64_t rid = 0;
    if ((rc = sw_store_share(from, id, a->t, &rid, err)))
        return rc;
    a->n_records++;
    if (new_id)
        *new_id = rid;
    if (a->live.set) {
        /* the copy as the store keeps it (without ground truth) */
        copy_ctx_t c = {a, rid, SW_OK};
        rc = sw_store_scan(a->t, a->n_records - 1, a->n_records, match_copy, &c, err);
        if (rc < 0 && c.rc == SW_OK)
            return rc;
        if (c.rc)
            return sw_seterr(err, c.rc, "record %lld: raising alerts failed", (long long)rid);
    }
    if (a->n_queue >= SW_ALERTER_MAX_QUEUE)
        return sw_alerter_flush(a, err);
    return SW_OK;
}

int sw_alerter_flush(sw_alerter_t *a, sw_errbuf_t *err)
{
    int rc = alerter_write(a, err);
    if (rc)
        return rc;
    turnstile_pass(a->d);
    /* another process may have deployed or withdrawn meanwhile; after an act
     * through d the next append (or sw_alerter_ready) reloads once, however
     * many rules were deployed since: reloading at each deploy's flush
     * compiled the team's whole set once per rule */
    if (a->generation == a->d->generation &&
        team_last_act(a->d, sw_store_team_name(a->t)) != a->last_act)
        rc = alerter_load(a, err);
    return rc;
}

int sw_alerter_ready(sw_alerter_t *a, sw_errbuf_t *err)
{
    return alerter_current(a, err);
}

/* ---- triage -------------------------------------------------------------------- */

const char *const sw_alert_status_names[] = {
    "new", "acknowledged", "true-positive", "false-positive", "escalated", NULL};

typedef struct triage_tx {
    int64_t alert;
    const char *team, *status, *assignee, *incident;
    int64_t at_ms;
} triage_tx_t;

static int triage_tx_cb(sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err)
{
    triage_tx_t *x = ud;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO alert_triage(alert, team, status, assignee,"
                           " incident, seq, at_ms) VALUES(?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(db, err, "triage");
    sqlite3_bind_int64(st, 1, x->alert);
    sqlite3_bind_text(st, 2, x->team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, x->assignee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, x->incident, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, seq);
    if (x->at_ms == SW_JOURNAL_NO_TIME)
        sqlite3_bind_null(st, 7);
    else
        sqlite3_bind_int64(st, 7, x->at_ms);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SW_OK : db_err(db, err, "triage");
}

int sw_alerts_triage(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act,
                     const sw_alert_triage_t *tr, int64_t *seq, sw_errbuf_t *err)
{
    int known = 0;
    for (int i = 1; sw_alert_status_names[i] && tr->status; i++)
        known |= !strcmp(sw_alert_status_names[i], tr->status);
    if (!known)
        return sw_seterr(err, SW_EINVAL,
                         "status '%s' is not one of acknowledged, true-positive, false-positive, "
                         "escalated",
                         tr->status ? tr->status : "");
    const char *assignee = tr->assignee ? tr->assignee : "";
    const char *incident = tr->incident ? tr->incident : "";
    if (strlen(assignee) > SW_JOURNAL_MAX_NAME || strlen(incident) > SW_JOURNAL_MAX_NAME)
        return sw_seterr(err, SW_EINVAL, "assignee and incident are at most %d bytes",
                         SW_JOURNAL_MAX_NAME);
    /* the team's own alert, and what it was */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db, "SELECT rule_id, record FROM alerts WHERE id = ? AND team = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(d->db, err, "triage");
    sqlite3_bind_int64(st, 1, tr->alert);
    sqlite3_bind_text(st, 2, sw_store_team_name(t), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return sw_seterr(err, SW_ENOENT, "team %s has no alert %lld", sw_store_team_name(t),
                         (long long)tr->alert);
    }
    json_t *p =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "alert", (json_int_t)tr->alert, "status",
                  tr->status, "assignee", assignee, "incident", incident, "rule_id",
                  col_text(st, 0), "record", (json_int_t)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (p && tr->note && *tr->note)
        json_object_set_new(p, "note", json_string(tr->note));
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    sw_journal_entry_t je = {.at_ms = act->at_ms,
                             .wall_ms = act->wall_ms,
                             .actor = act->actor,
                             .team = sw_store_team_name(t),
                             .kind = "alert.triage",
                             .payload = payload};
    triage_tx_t x = {tr->alert, sw_store_team_name(t), tr->status, assignee, incident, act->at_ms};
    int rc = sw_journal_append(d->j, &je, triage_tx_cb, &x, seq, err);
    free(payload);
    return rc;
}
