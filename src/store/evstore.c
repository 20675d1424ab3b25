/* evstore.c — the event store on SQLite. See evstore.h for the contract.
 *
 * Design notes:
 *  1. One database file per exercise. `events` is narrow (team, time and the
 *     fields analysts filter on, each column the exact value of one named
 *     field), `records` holds the JSON text under the same id, `truth` the
 *     ground-truth links. Keeping JSON out of `events` keeps its pages dense
 *     for index and column scans.
 *  2. Every statement that touches events/records has "team = ?" bound from
 *     the handle (store_team_t.id). Functions that read records take a team
 *     handle; sw_store_truth is the only reader that does not, and it reads
 *     only the truth table.
 *  3. A search is a filter over candidates: indexed columns (time range,
 *     Computer, EventID, ...) taken from the query's top-level AND narrow the
 *     rows in SQL; every candidate is then parsed and checked against the
 *     whole query, so a pushed-down condition only has to be implied by the
 *     query, never exact. When a team has no irregular rows (the `multi`
 *     flag: an indexed field with several values, or an EventID that is not
 *     a plain integer), a query made only of exact conditions is
 *     "covered" and count / count by / top / histogram run in SQL or in the
 *     in-memory columns (store/evhot.c) without reading JSON.
 *  4. Appends run in one open transaction (committed every
 *     STORE_BATCH rows, on flush, before a search and on close), which is
 *     what makes SQLite ingest fast; WAL with synchronous=NORMAL.
 *
 * Transaction state: IDLE -> OPEN [store_begin, on append] -> IDLE
 * [sw_store_flush]. */
#include "store/evstore.h"

#include <ctype.h>
#include <stddef.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "detect/event.h"
#include "detect/event_flat.h"
#include "store/evstore_int.h"

#define STORE_BATCH 100000

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-262144;" /* 256 MB: index inserts stay in memory */
    "CREATE TABLE IF NOT EXISTS teams(id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE);"
    "CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, team INTEGER NOT NULL,"
    " ts_ms INTEGER NOT NULL, multi INTEGER NOT NULL DEFAULT 0,"
    " computer TEXT COLLATE NOCASE, event_id INTEGER, channel TEXT COLLATE NOCASE,"
    " image TEXT COLLATE NOCASE, command_line TEXT COLLATE NOCASE,"
    " parent_image TEXT COLLATE NOCASE, user TEXT COLLATE NOCASE,"
    " target_user TEXT COLLATE NOCASE, ip_address TEXT COLLATE NOCASE,"
    " source_ip TEXT COLLATE NOCASE, destination_ip TEXT COLLATE NOCASE);"
    "CREATE INDEX IF NOT EXISTS events_team_ts ON events(team, ts_ms);"
    "CREATE INDEX IF NOT EXISTS events_team_host ON events(team, computer, ts_ms);"
    "CREATE INDEX IF NOT EXISTS events_team_eid ON events(team, event_id, ts_ms);"
    "CREATE INDEX IF NOT EXISTS events_multi ON events(team) WHERE multi;"
    "CREATE TABLE IF NOT EXISTS records(id INTEGER PRIMARY KEY, json TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS truth(id INTEGER PRIMARY KEY, link TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS shares(id INTEGER PRIMARY KEY, from_team INTEGER NOT NULL,"
    " to_team INTEGER NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL);";

/* The indexed columns: each is exactly the first value of one field. */
const store_col_t store_cols[STORE_N_COLS] = {
    {"computer", "Computer", 0},
    {"event_id", "EventID", 1},
    {"channel", "Channel", 0},
    {"image", "Image", 0},
    {"command_line", "CommandLine", 0},
    {"parent_image", "ParentImage", 0},
    {"user", "User", 0},
    {"target_user", "TargetUserName", 0},
    {"ip_address", "IpAddress", 0},
    {"source_ip", "SourceIp", 0},
    {"destination_ip", "DestinationIp", 0},
};

static int db_err(sw_store_t *s, sw_errbuf_t *err, const char *what)
{
    return sw_seterr(err, SW_EIO, "%s: %s", what, sqlite3_errmsg(s->db));
}

int sw_store_open(const char *path, sw_store_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: not a seawall event store (%s)", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    *out = s;
    return SW_OK;
fail:
    sqlite3_close(s->db);
    free(s);
    return rc;
}

void sw_store_close(sw_store_t *s)
{
    if (!s)
        return;
    sw_store_flush(s, NULL);
    sqlite3_close(s->db);
    free(s);
}

static int store_begin(sw_store_t *s, sw_errbuf_t *err)
{
    if (s->in_txn)
        return SW_OK;
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(s, err, "begin");
    s->in_txn = 1;
    s->n_pending = 0;
    return SW_OK;
}

int sw_store_flush(sw_store_t *s, sw_errbuf_t *err)
{
    if (!s->in_txn)
        return SW_OK;
    s->in_txn = 0;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = db_err(s, err, "commit");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return SW_OK;
}

static int valid_team_name(const char *n)
{
    size_t l = strlen(n);
    if (l == 0 || l > SW_STORE_MAX_TEAM_NAME)
        return 0;
    for (size_t i = 0; i < l; i++)
        if (!isalnum((unsigned char)n[i]) && n[i] != '_' && n[i] != '-' && n[i] != '.')
            return 0;
    return 1;
}

static int prep(sw_store_t *s, const char *sql, sqlite3_stmt **st, sw_errbuf_t *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_err(s, err, "prepare");
    return SW_OK;
}

int sw_store_team_open(sw_store_t *s, const char *name, int create, sw_store_team_t **out,
                       sw_errbuf_t *err)
{
    *out = NULL;
    if (!valid_team_name(name))
        return sw_seterr(err, SW_EINVAL,
                         "team name '%.64s' must be 1-%d characters of letters, digits, _ . -",
                         name, SW_STORE_MAX_TEAM_NAME);
    sw_store_team_t *t = calloc(1, sizeof *t);
    if (!t)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    t->s = s;
    snprintf(t->name, sizeof t->name, "%s", name);
    sw_event_init(&t->ev);
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT id FROM teams WHERE name = ?", &st, err);
    if (rc)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        t->id = sqlite3_column_int64(st, 0);
    } else if (!create) {
        rc = sw_seterr(err, SW_ENOENT, "no team '%s' in this store", name);
        goto fail;
    } else {
        sqlite3_finalize(st);
        st = NULL;
        if ((rc = prep(s, "INSERT INTO teams(name) VALUES (?)", &st, err)))
            goto fail;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_err(s, err, "add team");
            goto fail;
        }
        t->id = sqlite3_last_insert_rowid(s->db);
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prep(s,
                   "INSERT INTO events(team, ts_ms, multi, computer, event_id, channel, image,"
                   " command_line, parent_image, user, target_user, ip_address, source_ip,"
                   " destination_ip) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   &t->ins_event, err)) ||
        (rc = prep(s, "INSERT INTO records(id, json) VALUES (?, ?)", &t->ins_record, err)) ||
        (rc = prep(s, "INSERT INTO truth(id, link) VALUES (?, ?)", &t->ins_truth, err)))
        goto fail;
    *out = t;
    return SW_OK;
fail:
    sqlite3_finalize(st);
    sw_store_team_close(t);
    return rc;
}

void sw_store_team_close(sw_store_team_t *t)
{
    if (!t)
        return;
    sw_store_flush(t->s, NULL);
    sqlite3_finalize(t->ins_event);
    sqlite3_finalize(t->ins_record);
    sqlite3_finalize(t->ins_truth);
    sw_event_free(&t->ev);
    store_hot_free(t->hot);
    free(t);
}

const char *sw_store_team_name(const sw_store_team_t *t)
{
    return t->name;
}

int store_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err)
{
    int rc = sw_event_parse_flat(ev, json, len); /* the common shape, ~10x faster */
    if (rc != SW_ENOENT)
        return rc ? sw_seterr(err, rc, "record too large") : SW_OK;
    return sw_event_parse_json(ev, json, len, err);
}

/* EventID text that is a canonical integer (what the column can hold
 * without changing what equality means). */
int store_canonical_int(const char *v, size_t len, int64_t *out)
{
    if (len == 0 || len > 18)
        return 0;
    size_t i = v[0] == '-' ? 1 : 0;
    if (i == len || (v[i] == '0' && len > i + 1))
        return 0;
    int64_t x = 0;
    for (; i < len; i++) {
        if (!isdigit((unsigned char)v[i]))
            return 0;
        x = x * 10 + (v[i] - '0');
    }
    *out = v[0] == '-' ? -x : x;
    return 1;
}

/* Does s[0..len) contain needle (n >= 1 bytes)? memchr-driven. */
static int has_bytes(const char *s, size_t len, const char *needle, size_t n)
{
    const char *p = s, *end = s + len;
    while ((size_t)(end - p) >= n &&
           (p = memchr(p, needle[0], (size_t)(end - p - (ptrdiff_t)n + 1)))) {
        if (memcmp(p, needle, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* Cut a top-level "_truth" member out of json. On success *clean is the
 * record without it (malloc'd) and *link the truth as text (malloc'd; a
 * string value as is, anything else as compact JSON). */
static int split_truth(const char *json, size_t len, char **clean, char **link, sw_errbuf_t *err)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!root)
        return sw_seterr(err, SW_EINVAL, "column %d: %s", je.column, je.text);
    int rc = SW_OK;
    json_t *tr = json_is_object(root) ? json_object_get(root, "_truth") : NULL;
    *clean = NULL;
    *link = NULL;
    if (!tr)
        goto done;
    *link = json_is_string(tr) ? strdup(json_string_value(tr)) : json_dumps(tr, JSON_COMPACT);
    json_object_del(root, "_truth");
    *clean = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!*link || !*clean) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto done;
    }
    if (strlen(*link) > SW_STORE_MAX_TRUTH)
        rc = sw_seterr(err, SW_ETOOBIG, "_truth is over %d bytes", SW_STORE_MAX_TRUTH);
done:
    if (rc) {
        free(*clean);
        free(*link);
        *clean = *link = NULL;
    }
    json_decref(root);
    return rc;
}

/* Bind the indexed columns of ev to ins_event (parameters 3..). */
static void bind_columns(sqlite3_stmt *st, const sw_event_t *ev, int *multi)
{
    *multi = 0;
    for (int c = 0; c < STORE_N_COLS; c++) {
        const sw_field_t *f = sw_event_get(ev, store_cols[c].field);
        int p = 4 + c;
        if (!f) {
            sqlite3_bind_null(st, p);
            continue;
        }
        if (sw_event_next(ev, f))
            *multi = 1;
        int64_t v;
        if (store_cols[c].is_int) {
            if (store_canonical_int(f->value, f->value_len, &v)) {
                sqlite3_bind_int64(st, p, v);
            } else {
                sqlite3_bind_null(st, p);
                *multi = 1; /* irregular: the column cannot stand for the field */
            }
        } else {
            sqlite3_bind_text(st, p, f->value, (int)f->value_len, SQLITE_STATIC);
        }
    }
}

int sw_store_append(sw_store_team_t *t, const char *json, size_t len, int64_t *id, sw_errbuf_t *err)
{
    sw_store_t *s = t->s;
    char *clean = NULL, *link = NULL;
    int rc;
    if (len > SW_EVENT_MAX_BYTES)
        return sw_seterr(err, SW_ETOOBIG, "record of %zu bytes is over the %u-byte limit", len,
                         SW_EVENT_MAX_BYTES);
    /* the cheap test first: most records carry no ground truth */
    if (has_bytes(json, len, "\"_truth\"", 8)) {
        if ((rc = split_truth(json, len, &clean, &link, err)))
            return rc;
        if (clean) {
            json = clean;
            len = strlen(clean);
        }
    }
    if ((rc = store_parse(&t->ev, json, len, err)))
        goto done;
    int64_t ts;
    if (sw_query_event_time(&t->ev, &ts) == SW_OK)
        t->last_ts = ts;
    else
        ts = t->last_ts;
    if ((rc = store_begin(s, err)))
        goto done;
    sqlite3_stmt *st = t->ins_event;
    int multi;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, ts);
    bind_columns(st, &t->ev, &multi);
    sqlite3_bind_int(st, 3, multi);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        rc = db_err(s, err, "append");
        goto done;
    }
    int64_t rid = sqlite3_last_insert_rowid(s->db);
    sqlite3_bind_int64(t->ins_record, 1, rid);
    sqlite3_bind_text(t->ins_record, 2, json, (int)len, SQLITE_STATIC);
    src = sqlite3_step(t->ins_record);
    sqlite3_reset(t->ins_record);
    if (src != SQLITE_DONE) {
        rc = db_err(s, err, "append");
        goto done;
    }
    if (link) {
        sqlite3_bind_int64(t->ins_truth, 1, rid);
        sqlite3_bind_text(t->ins_truth, 2, link, -1, SQLITE_STATIC);
        src = sqlite3_step(t->ins_truth);
        sqlite3_reset(t->ins_truth);
        if (src != SQLITE_DONE) {
            rc = db_err(s, err, "append");
            goto done;
        }
    }
    if (id)
        *id = rid;
    if (++s->n_pending >= STORE_BATCH)
        rc = sw_store_flush(s, err);
done:
    free(clean);
    free(link);
    return rc;
}

int sw_store_count(sw_store_team_t *t, int64_t *n, sw_errbuf_t *err)
{
    sqlite3_stmt *st;
    int rc = prep(t->s, "SELECT count(*) FROM events WHERE team = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, t->id);
    *n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return SW_OK;
}

int sw_store_truth(sw_store_t *s, int64_t id, char *out, size_t out_len, sw_errbuf_t *err)
{
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT link FROM truth WHERE id = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = SW_OK;
    } else {
        rc = sw_seterr(err, SW_ENOENT, "record %lld has no ground truth", (long long)id);
    }
    sqlite3_finalize(st);
    return rc;
}

int sw_store_share(sw_store_team_t *from, int64_t id, sw_store_team_t *to, int64_t *new_id,
                   sw_errbuf_t *err)
{
    sw_store_t *s = from->s;
    if (to->s != s)
        return sw_seterr(err, SW_EINVAL, "teams of different stores");
    sqlite3_stmt *st = NULL;
    char *json = NULL;
    int rc = prep(s,
                  "SELECT r.json FROM events e JOIN records r ON r.id = e.id"
                  " WHERE e.id = ? AND e.team = ?",
                  &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, from->id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = sw_seterr(err, SW_ENOENT, "team %s has no record %lld", from->name, (long long)id);
        goto done;
    }
    json = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    st = NULL;
    if (!json) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = sw_store_append(to, json, strlen(json), new_id, err)))
        goto done;
    if ((rc = prep(s, "INSERT INTO shares(from_team, to_team, src, dst) VALUES (?,?,?,?)", &st,
                   err)))
        goto done;
    sqlite3_bind_int64(st, 1, from->id);
    sqlite3_bind_int64(st, 2, to->id);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_int64(st, 4, *new_id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_err(s, err, "share");
        goto done;
    }
    rc = sw_store_flush(s, err);
done:
    sqlite3_finalize(st);
    free(json);
    return rc;
}

/* ---- search ----------------------------------------------------------------- */

int store_col_of(const char *field)
{
    for (int c = 0; c < STORE_N_COLS; c++)
        if (strcasecmp(store_cols[c].field, field) == 0)
            return c;
    return -1;
}

/* Does the team hold irregular records (an indexed field multi-valued, or an
 * EventID that is not a plain integer)? Then column conditions are not
 * implied by the query (a column holds the first value) and are not used.
 * One probe of the partial index events_multi. */
int store_team_multi(sw_store_team_t *t)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->s->db, "SELECT 1 FROM events WHERE team = ? AND multi LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_int64(st, 1, t->id);
    int r = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return r;
}

/* One top-level conjunct turned into SQL, if it can be. Sets *exact when the
 * SQL condition means the same as the term (given no multi-valued rows). */
static int push_term(const sw_qnode_t *n, sw_buf_t *sql, store_bind_t *binds, size_t *n_binds,
                     int *exact)
{
    *exact = 0;
    if (!n->field || *n_binds + 2 > STORE_MAX_BINDS)
        return 0;
    if (n->field_is_time && n->kind == SW_QN_RANGE && n->range_type == SW_QR_TIME) {
        if (n->has_lo) {
            sw_buf_printf(sql, " AND ts_ms %s ?", n->lo_incl ? ">=" : ">");
            binds[(*n_binds)++] = (store_bind_t){.is_int = 1, .i = n->lo_ms};
        }
        if (n->has_hi) {
            sw_buf_printf(sql, " AND ts_ms %s ?", n->hi_incl ? "<=" : "<");
            binds[(*n_binds)++] = (store_bind_t){.is_int = 1, .i = n->hi_ms};
        }
        *exact = 1;
        return 1;
    }
    int c = store_col_of(n->field);
    if (c < 0 || c == STORE_COL_CMDLINE) /* unindexed: the in-memory column scans it */
        return 0;
    const store_col_t *col = &store_cols[c];
    if (n->kind == SW_QN_TERM) {
        if (col->is_int) {
            int64_t v;
            if (!store_canonical_int(n->value, n->value_len, &v))
                return 0;
            sw_buf_printf(sql, " AND %s = ?", col->col);
            binds[(*n_binds)++] = (store_bind_t){.is_int = 1, .i = v};
        } else {
            sw_buf_printf(sql, " AND %s = ?", col->col);
            binds[(*n_binds)++] = (store_bind_t){.s = n->value};
        }
        *exact = 1;
        return 1;
    }
    if (n->kind == SW_QN_EXISTS) {
        if (col->is_int)
            return 0; /* a non-integer EventID is NULL in the column */
        sw_buf_printf(sql, " AND %s IS NOT NULL", col->col);
        *exact = 1;
        return 1;
    }
    if (n->kind == SW_QN_RANGE && col->is_int && n->range_type == SW_QR_NUMBER) {
        if (n->has_lo) {
            sw_buf_printf(sql, " AND %s %s ?", col->col, n->lo_incl ? ">=" : ">");
            binds[(*n_binds)++] = (store_bind_t){.is_real = 1, .d = n->lo_num};
        }
        if (n->has_hi) {
            sw_buf_printf(sql, " AND %s %s ?", col->col, n->hi_incl ? "<=" : "<");
            binds[(*n_binds)++] = (store_bind_t){.is_real = 1, .d = n->hi_num};
        }
        *exact = 1;
        return 1;
    }
    return 0;
}

int store_plan(sw_store_team_t *t, const sw_query_t *q, store_plan_t *pl)
{
    memset(pl, 0, sizeof *pl);
    sw_buf_init(&pl->where, 1 << 16);
    const sw_qnode_t *root = q->root;
    const sw_qnode_t *const *kids = &root;
    size_t n = 1;
    if (root->kind == SW_QN_AND) {
        kids = (const sw_qnode_t *const *)root->kids;
        n = root->n_kids;
    }
    int all_exact = 1;
    pl->multi = -1;
    for (size_t i = 0; i < n; i++) {
        const sw_qnode_t *k = kids[i];
        if (k->kind == SW_QN_ALL)
            continue;
        int exact = 0;
        int is_col = k->field && !k->field_is_time;
        if (is_col && pl->multi < 0)
            pl->multi = store_team_multi(t);
        if (is_col && pl->multi) { /* column conditions would not be implied */
            all_exact = 0;
            pl->n_left++;
            if ((k->kind == SW_QN_WILD || k->kind == SW_QN_TERM) &&
                store_col_of(k->field) == STORE_COL_CMDLINE && !pl->cmd)
                pl->cmd = k; /* the in-memory scan keeps irregular rows */
            continue;
        }
        if (push_term(k, &pl->where, pl->binds, &pl->n_binds, &exact)) {
            if (!exact)
                all_exact = 0;
        } else {
            all_exact = 0;
            pl->n_left++;
            if (k->field && (k->kind == SW_QN_WILD || k->kind == SW_QN_TERM) &&
                store_col_of(k->field) == STORE_COL_CMDLINE && !pl->cmd)
                pl->cmd = k;
        }
    }
    pl->covered = all_exact;
    return pl->where.failed ? SW_ENOMEM : SW_OK;
}

void store_plan_free(store_plan_t *pl)
{
    sw_buf_free(&pl->where);
}

void store_bind_all(sqlite3_stmt *st, int first, const store_bind_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i].is_int)
            sqlite3_bind_int64(st, first + (int)i, b[i].i);
        else if (b[i].is_real)
            sqlite3_bind_double(st, first + (int)i, b[i].d);
        else
            sqlite3_bind_text(st, first + (int)i, b[i].s, -1, SQLITE_STATIC);
    }
}

/* Parse a candidate, check the whole query, feed the pipeline. */
int store_check_feed(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, int64_t id,
                     int64_t ts, const char *json, size_t len, sw_errbuf_t *err)
{
    sw_errbuf_t perr;
    if (store_parse(&t->ev, json, len, &perr) != SW_OK)
        return 0; /* stored records parsed at ingest; skip a damaged one */
    if (!sw_query_match(q, &t->ev))
        return 0;
    return sw_qrun_feed(run, id, ts, &t->ev, json, len, err);
}

static int search_sql(sw_store_team_t *t, const sw_query_t *q, const store_plan_t *pl,
                      sw_qrun_t *run, sw_errbuf_t *err)
{
    sw_store_t *s = t->s;
    sw_buf_t sql;
    sw_buf_init(&sql, 1 << 17);
    sw_buf_printf(&sql,
                  "SELECT e.id, e.ts_ms, r.json FROM events e JOIN records r ON r.id = e.id"
                  " WHERE e.team = ?%s ORDER BY e.ts_ms, e.id",
                  sw_buf_str(&pl->where));
    sqlite3_stmt *st = NULL;
    int rc = sql.failed ? sw_seterr(err, SW_ENOMEM, "out of memory")
                        : prep(s, sw_buf_str(&sql), &st, err);
    if (rc)
        goto done;
    sqlite3_bind_int64(st, 1, t->id);
    store_bind_all(st, 2, pl->binds, pl->n_binds);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        rc = store_check_feed(t, q, run, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                              (const char *)sqlite3_column_text(st, 2),
                              (size_t)sqlite3_column_bytes(st, 2), err);
        if (rc)
            break;
    }
    if (rc == 1)
        rc = SW_OK;
    else if (!rc && src != SQLITE_DONE)
        rc = db_err(s, err, "search");
done:
    sqlite3_finalize(st);
    sw_buf_free(&sql);
    return rc;
}

int sw_store_search(sw_store_team_t *t, const sw_query_t *q, sw_qrow_cb cb, void *ud,
                    sw_errbuf_t *err)
{
    if (!q->root)
        return sw_seterr(err, SW_EINVAL, "query did not parse");
    int rc = sw_store_flush(t->s, err);
    if (rc)
        return rc;
    store_plan_t pl;
    sw_qrun_t *run = NULL;
    if ((rc = store_plan(t, q, &pl))) {
        sw_seterr(err, rc, "out of memory");
        goto done;
    }
    if ((rc = sw_qrun_new(&run, q, cb, ud))) {
        sw_seterr(err, rc, "out of memory");
        goto done;
    }
    rc = store_hot_search(t, q, &pl, run, err); /* SW_ENOENT: not for the columns */
    if (rc == SW_ENOENT)
        rc = search_sql(t, q, &pl, run, err);
    if (!rc)
        rc = sw_qrun_finish(run, err);
done:
    sw_qrun_free(run);
    store_plan_free(&pl);
    return rc;
}
