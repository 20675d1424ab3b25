/* evstore.c — the event store: teams, appends, sharing and ground truth.
 * See evstore.h for the contract.
 *
 * Design notes:
 *  1. Records live in per-team segment files (evseg.h): FILE.seg/<team id>/,
 *     the JSON text in an append-only log with each record's time and place
 *     beside it, and the field index (evidx.h) over every field. SQLite
 *     (FILE) keeps what is small and relational: teams, truth (ground-truth
 *     links, keyed by record id, read only by sw_store_truth) and shares.
 *  2. Isolation: a team handle opens only its own directory, named by its
 *     id, and every segment file carries that id in its header; a file of
 *     another team is refused (evseg.c, evidx.c). Record ids carry the team
 *     id (store_id), so sw_store_share can tell a foreign id without a
 *     lookup.
 *  3. A search (evquery.c) evaluates the query on the field index, piece
 *     by piece, into an exact set of rows; only records to return are read.
 *  4. Appends are batched (evseg.c: a writer thread writes each batch) and
 *     truth rows are batched in one SQLite transaction; sw_store_flush
 *     writes both out durably, the records first. A truth row is never
 *     committed before its record is durable: a crash can lose truth, never
 *     attach it to another record (ids of cut rows are given again).
 *
 * Transaction state (truth and shares): IDLE -> OPEN [store_begin, on an
 * append with ground truth] -> IDLE [sw_store_flush]. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "store/evstore.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "detect/event.h"
#include "detect/event_flat.h"
#include "store/evstore_int.h"

#define STORE_BATCH 100000

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS teams(id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE);"
    "CREATE TABLE IF NOT EXISTS truth(id INTEGER PRIMARY KEY, link TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS shares(id INTEGER PRIMARY KEY, from_team INTEGER NOT NULL,"
    " to_team INTEGER NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL);";

static int db_err(sw_store_t *s, sw_errbuf_t *err, const char *what)
{
    return sw_seterr(err, SW_EIO, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p) == 0 || errno == ENOENT ? 0 : -1;
}

int sw_store_open(const char *path, sw_store_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc;
    if (strlen(path) + 80 > sizeof s->seg_dir) {
        rc = sw_seterr(err, SW_ETOOBIG, "store path too long");
        goto fail;
    }
    snprintf(s->seg_dir, sizeof s->seg_dir, "%s.seg", path);
    /* A new store file beside an old FILE.seg: the segments of a store that
     * was deleted (seawall run replaces its store). Their team ids mean
     * nothing to the new file, so they go. */
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT && stat(s->seg_dir, &sb) == 0 &&
        nftw(s->seg_dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        rc = sw_seterr(err, SW_EIO, "%s: cannot remove the old segments: %s", s->seg_dir,
                       strerror(errno));
        goto fail;
    }
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

static int store_commit(sw_store_t *s, sw_errbuf_t *err)
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

int sw_store_flush(sw_store_t *s, sw_errbuf_t *err)
{
    int rc = SW_OK;
    for (sw_store_team_t *t = s->teams; t; t = t->next) {
        int r = seg_flush(&t->seg, 1, err);
        if (r && !rc)
            rc = r;
        if (!r)
            store_idx_flush(t, t->seg.last_stamp); /* derived: best effort */
    }
    int r = store_commit(s, rc ? NULL : err);
    return rc ? rc : r;
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
    for (int f = 0; f < SF_N; f++)
        t->seg.f[f].fd = -1;
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
    if (t->id < 1 || t->id > STORE_MAX_TEAM_ID) {
        rc = sw_seterr(err, SW_ETOOBIG, "team id %lld out of range", (long long)t->id);
        goto fail;
    }
    if ((rc = prep(s, "INSERT INTO truth(id, link) VALUES (?, ?)", &t->ins_truth, err)))
        goto fail;
    if (mkdir(s->seg_dir, 0755) != 0 && errno != EEXIST) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", s->seg_dir, strerror(errno));
        goto fail;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%lld", s->seg_dir, (long long)t->id);
    if ((rc = seg_open(&t->seg, dir, (uint64_t)t->id, 1, err)))
        goto fail;
    t->next = s->teams;
    s->teams = t;
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
    sw_store_flush(t->s, NULL); /* records durable before their truth commits */
    for (sw_store_team_t **p = &t->s->teams; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    seg_close(&t->seg);
    sqlite3_finalize(t->ins_truth);
    sw_event_free(&t->ev);
    store_idx_free(t->idx);
    free(t);
}

const char *sw_store_team_name(const sw_store_team_t *t)
{
    return t->name;
}

/* Does s[0..len) hold the key "_truth"? 16 places a step (SSE2): '_' and
 * the '"' five bytes after it compared at once, the rest only where both
 * are (every record is looked at, and JSON is mostly quotes: a memchr for
 * the quote was a fifth of the appending thread). */
static int has_truth_key(const char *s, size_t len)
{
    static const char key[] = "\"_truth\"";
    if (len < 8)
        return 0;
    size_t i = 1, last = len - 7; /* i: where "_truth\"" may start */
#ifdef __SSE2__
    const __m128i u = _mm_set1_epi8('_'), q = _mm_set1_epi8('"');
    for (; i + 16 <= last + 1; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 6));
        unsigned m =
            (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, u), _mm_cmpeq_epi8(b, q)));
        for (; m; m &= m - 1)
            if (memcmp(s + i + (unsigned)__builtin_ctz(m) - 1, key, 8) == 0)
                return 1;
    }
#endif
    for (; i <= last; i++)
        if (s[i] == '_' && memcmp(s + i - 1, key, 8) == 0)
            return 1;
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

static int append_row(sw_store_team_t *t, const char *json, size_t len, int64_t ts, int has_ts,
                      const char *link, int64_t *id, sw_errbuf_t *err);

int sw_store_append(sw_store_team_t *t, const char *json, size_t len, int64_t *id, sw_errbuf_t *err)
{
    return sw_store_append_truth(t, json, len, NULL, id, err);
}

int sw_store_append_truth(sw_store_team_t *t, const char *json, size_t len, const char *truth,
                          int64_t *id, sw_errbuf_t *err)
{
    char *clean = NULL, *link = NULL;
    int rc;
    if (truth && strlen(truth) >= SW_STORE_MAX_TRUTH)
        return sw_seterr(err, SW_ETOOBIG, "ground truth is over %d bytes", SW_STORE_MAX_TRUTH);
    if (len > SW_EVENT_MAX_BYTES)
        return sw_seterr(err, SW_ETOOBIG, "record of %zu bytes is over the %u-byte limit", len,
                         SW_EVENT_MAX_BYTES);
    int64_t ts = 0;
    /* the cheap test first: most records carry no ground truth (a caller
     * that gives it through truth has none in the text) */
    if (!truth && has_truth_key(json, len)) {
        if ((rc = split_truth(json, len, &clean, &link, err)))
            return rc;
        if (clean) {
            json = clean;
            len = strlen(clean);
        }
    }
    if ((rc = sw_event_parse(&t->ev, json, len, err)))
        goto done;
    int has_ts = sw_query_event_time(&t->ev, &ts) == SW_OK;
    rc = append_row(t, json, len, ts, has_ts, truth ? truth : link, id, err);
done:
    free(clean);
    free(link);
    return rc;
}

/* Append a parsed record (t->ev) to the log and the field index, with its
 * ground truth when link. */
static int append_row(sw_store_team_t *t, const char *json, size_t len, int64_t ts, int has_ts,
                      const char *link, int64_t *id, sw_errbuf_t *err)
{
    sw_store_t *s = t->s;
    int rc;
    if (!t->seg.writing) {
        if ((rc = seg_writer_begin(&t->seg, err)) || (rc = store_idx_begin(t, err)))
            return rc;
        if (t->seg.n_rows && !t->have_last_ts) /* a reopened team: carry its last time on */
            t->last_ts = seg_ts(&t->seg.v)[t->seg.n_rows - 1];
    }
    if (has_ts)
        t->last_ts = ts;
    else
        ts = t->last_ts;
    t->have_last_ts = 1;
    size_t r;
    if ((rc = seg_append(&t->seg, json, len, ts, &r, err)) ||
        (rc = store_idx_append(t, &t->ev, has_ts, err)))
        return rc;
    int64_t rid = store_id(t, r);
    if (link) {
        if ((rc = store_begin(s, err)))
            return rc;
        sqlite3_bind_int64(t->ins_truth, 1, rid);
        sqlite3_bind_text(t->ins_truth, 2, link, -1, SQLITE_STATIC);
        int src = sqlite3_step(t->ins_truth);
        sqlite3_reset(t->ins_truth);
        if (src != SQLITE_DONE)
            return db_err(s, err, "append");
        /* the records first: a truth row committed for a record a crash
         * then cuts would attach to the next record given that id */
        if (++s->n_pending >= STORE_BATCH && (rc = sw_store_flush(s, err)))
            return rc;
    }
    if (id)
        *id = rid;
    return SW_OK;
}

int sw_store_count(sw_store_team_t *t, int64_t *n, sw_errbuf_t *err)
{
    (void)err;
    *n = (int64_t)(t->seg.writing ? t->seg.n_rows : t->seg.v.n_rows);
    return SW_OK;
}

int sw_store_truth(sw_store_t *s, int64_t id, char *out, size_t out_len, sw_errbuf_t *err)
{
    sqlite3_stmt *st;
    int rc = store_commit(s, err);
    if (rc || (rc = prep(s, "SELECT link FROM truth WHERE id = ?", &st, err)))
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
    int rc = seg_flush(&from->seg, 0, err);
    if (rc)
        return rc;
    /* the id names its team: another team's id is not found here */
    int64_t row = (id & (((int64_t)1 << STORE_ID_SHIFT) - 1)) - 1;
    if (id <= 0 || (id >> STORE_ID_SHIFT) != from->id || row < 0 ||
        (uint64_t)row >= from->seg.v.n_rows)
        return sw_seterr(err, SW_ENOENT, "team %s has no record %lld", from->name, (long long)id);
    const char *j;
    size_t l;
    if (seg_record(&from->seg.v, (size_t)row, &j, &l))
        return sw_seterr(err, SW_EIO, "team %s: record %lld is damaged", from->name, (long long)id);
    char *json = malloc(l + 1);
    if (!json)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    memcpy(json, j, l); /* the map may move when `to` is `from` */
    json[l] = '\0';
    sqlite3_stmt *st = NULL;
    if ((rc = sw_store_append(to, json, l, new_id, err)))
        goto done;
    if ((rc = store_begin(s, err)) ||
        (rc = prep(s, "INSERT INTO shares(from_team, to_team, src, dst) VALUES (?,?,?,?)", &st,
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

int sw_store_scan(sw_store_team_t *t, int64_t after, int64_t upto, sw_qrow_cb cb, void *ud,
                  sw_errbuf_t *err)
{
    int rc = seg_flush(&t->seg, 0, err);
    if (rc)
        return rc;
    size_t n = t->seg.v.n_rows;
    size_t lo = after < 0 ? 0 : (size_t)after, hi = upto < 0 ? 0 : (size_t)upto;
    if (hi > n)
        hi = n;
    for (size_t r = lo; r < hi; r++) {
        sw_qrow_t row = {.is_record = 1, .id = store_id(t, r), .ts_ms = seg_ts(&t->seg.v)[r]};
        if (seg_record(&t->seg.v, r, &row.json, &row.json_len))
            return sw_seterr(err, SW_EIO, "team %s: segment %s damaged at record %zu", t->name,
                             t->seg.dir, r + 1);
        if ((rc = cb(&row, ud)))
            return rc < 0 ? rc : SW_OK;
    }
    return SW_OK;
}

int sw_store_search(sw_store_team_t *t, const sw_query_t *q, sw_qrow_cb cb, void *ud,
                    sw_errbuf_t *err)
{
    if (!q->root)
        return sw_seterr(err, SW_EINVAL, "query did not parse");
    /* what this handle appended becomes readable; what others appended, visible */
    int rc = seg_flush(&t->seg, 0, err);
    if (rc)
        return rc;
    sw_qrun_t *run = NULL;
    if ((rc = sw_qrun_new(&run, q, cb, ud)))
        return sw_seterr(err, rc, "out of memory");
    rc = store_idx_search(t, q, run, err);
    if (!rc)
        rc = sw_qrun_finish(run, err);
    sw_qrun_free(run);
    return rc;
}

/* ---- what is at a path ------------------------------------------------------ */

int sw_store_probe(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? -1 : 0;
    if (!S_ISREG(sb.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    char magic[16] = {0};
    size_t n = f ? fread(magic, 1, sizeof magic, f) : 0;
    if (f)
        fclose(f);
    if (n == 0)
        return 0; /* empty: nothing of seawall's in it */
    if (n < sizeof magic || memcmp(magic, "SQLite format 3", 16))
        return 0;
    sqlite3 *db = NULL;
    int kind = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                               " AND name IN ('teams', 'journal')",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            kind = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return kind;
}

int sw_store_remove(const char *path, sw_errbuf_t *err)
{
    int kind = sw_store_probe(path);
    if (kind == 0)
        return sw_seterr(err, SW_EEXIST, "%s is not a seawall database: not removing it", path);
    char p[4200];
    if (strlen(path) + 16 > sizeof p)
        return sw_seterr(err, SW_ETOOBIG, "%s: path too long", path);
    static const char *const sfx[] = {"-wal", "-shm", "-journal", "-deploy"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return sw_seterr(err, SW_EIO, "%s: cannot remove: %s", p, strerror(errno));
    }
    /* the segments: never followed through a link (FTW_PHYS removes the link) */
    snprintf(p, sizeof p, "%s.seg", path);
    struct stat sb;
    if (lstat(p, &sb) == 0 && nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return sw_seterr(err, SW_EIO, "%s: cannot remove: %s", p, strerror(errno));
    if (kind > 0 && unlink(path) != 0 && errno != ENOENT)
        return sw_seterr(err, SW_EIO, "%s: cannot remove: %s", path, strerror(errno));
    return SW_OK;
}

int sw_store_truth_ensure(sw_store_team_t *t, int64_t ordinal, const char *link, sw_errbuf_t *err)
{
    sw_store_t *s = t->s;
    int64_t n = 0;
    sw_store_count(t, &n, err);
    if (ordinal < 1 || ordinal > n)
        return sw_seterr(err, SW_ENOENT, "team %s has no record %lld", t->name, (long long)ordinal);
    if (!link || strlen(link) >= SW_STORE_MAX_TRUTH)
        return sw_seterr(err, SW_EINVAL, "bad ground-truth link");
    sqlite3_stmt *st = NULL;
    int rc = store_begin(s, err);
    if (rc || (rc = prep(s, "INSERT OR IGNORE INTO truth(id, link) VALUES (?, ?)", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, store_id(t, (size_t)(ordinal - 1)));
    sqlite3_bind_text(st, 2, link, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_err(s, err, "truth");
    sqlite3_finalize(st);
    return rc;
}
