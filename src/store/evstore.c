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
 *  3. A search (evsearch.c, evmatch.c) evaluates the query on the field index, piece
 *     by piece, into an exact set of rows; only records to return are read.
 *  4. Appends are batched (evseg.c: a writer thread writes each batch) and
 *     truth rows are batched in one SQLite transaction; sw_store_flush
 *     writes both out durably, the records first. A truth row is never
 *     committed before its record is durable: a crash can lose truth, never
 *     attach it to another record (ids of cut rows are given again).
 *  5. Binding (issue 15): the store has a random 48-bit id (table store),
 *     written into every segment file's header; each team's commit point
 *     (table seg_commit: rows and file lengths a durable flush made
 *     durable) is written in the flush's transaction, after the files'
 *     fdatasync, so it never claims what is not on disk. A team created
 *     gets its row (0 rows) in the transaction that adds it; a segment
 *     folder beside a new or empty database is refused before anything is
 *     written (sw_store_open), as is a team folder of another store
 *     (evseg.h invariant 3).
 *
 * Transaction state (truth and shares): IDLE -> OPEN [store_begin, on an
 * append with ground truth] -> IDLE [sw_store_flush]. */
#define _GNU_SOURCE /* nftw, getrandom */
#include "store/evstore.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
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
    " to_team INTEGER NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS store(id INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS seg_commit(team INTEGER PRIMARY KEY, rows INTEGER NOT NULL,"
    " log INTEGER NOT NULL, ts INTEGER NOT NULL, roff INTEGER NOT NULL,"
    " lidx INTEGER NOT NULL, sums INTEGER NOT NULL);";

/* What SQLite said, with the system's reason when there is one (a full
 * disk reads "No space left on device", not only "disk I/O error"). */
static int sql_err(sqlite3 *db, sw_errbuf_t *err, int code, const char *what)
{
    int e = db ? sqlite3_system_errno(db) : 0;
    const char *m = db ? sqlite3_errmsg(db) : "cannot open";
    if (e && (sqlite3_errcode(db) & 0xff) != SQLITE_OK &&
        (sqlite3_errcode(db) & 0xff) != SQLITE_NOTADB)
        return sw_seterr(err, code, "%s: %s (%s)", what, strerror(e), m);
    return sw_seterr(err, code, "%s: %s", what, m);
}

static int db_err(sw_store_t *s, sw_errbuf_t *err, const char *what)
{
    return sql_err(s->db, err, SW_EIO, what);
}

/* A new random store id (48 bits, not 0). */
static uint64_t new_store_id(void)
{
    uint64_t id = 0;
    while (!id) {
        if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id) {
            struct timespec ts; /* no entropy source: time and pid still differ */
            clock_gettime(CLOCK_REALTIME, &ts);
            id = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
                 (uint64_t)getpid() << 32;
        }
        id &= ((uint64_t)1 << SEG_STORE_BITS) - 1;
    }
    return id;
}

/* Does FILE.seg hold anything (a team folder)? *what says whose it is: the
 * store id in the first log header found, for the message. */
static int seg_dir_used(const char *seg_dir, char *what, size_t cap)
{
    snprintf(what, cap, "written without a store id");
    DIR *d = opendir(seg_dir);
    if (!d)
        return 0;
    int used = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        used = 1;
        char p[4400];
        snprintf(p, sizeof p, "%s/%s/log", seg_dir, de->d_name);
        int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        uint8_t h[SEG_HDR];
        if (fd >= 0 && read(fd, h, SEG_HDR) == SEG_HDR && !memcmp(h, "SWSEG1", 6) && h[7] >= 4) {
            uint64_t id = 0;
            for (int i = 0; i < 6; i++)
                id |= (uint64_t)h[10 + i] << (8 * i);
            snprintf(what, cap, "store id %012llx", (unsigned long long)id);
        }
        if (fd >= 0)
            close(fd);
        if (strcmp(what, "written without a store id"))
            break;
    }
    closedir(d);
    return used;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p) == 0 || errno == ENOENT ? 0 : -1;
}

/* The store's id (design note 5), made once by whoever opens the store
 * first without one. Read first: an INSERT, even one that adds nothing,
 * waits for the write lock, which an ingest may hold for seconds. */
static int store_id_get(sw_store_t *s, sw_errbuf_t *err)
{
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT id FROM store ORDER BY rowid LIMIT 1", -1, &st,
                               NULL) != SQLITE_OK)
            return sql_err(s->db, err, SW_EIO, s->path);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            s->store_id = (uint64_t)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW)
            return SW_OK;
        if (rc != SQLITE_DONE || pass)
            return sql_err(s->db, err, SW_EIO, s->path);
        if (sqlite3_prepare_v2(s->db,
                               "INSERT INTO store(id) SELECT ? WHERE NOT EXISTS"
                               " (SELECT 1 FROM store)",
                               -1, &st, NULL) != SQLITE_OK)
            return sql_err(s->db, err, SW_EIO, s->path);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)new_store_id());
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return sql_err(s->db, err, SW_EIO, s->path);
    }
    return SW_OK;
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
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->seg_dir, sizeof s->seg_dir, "%s.seg", path);
    /* A new or empty FILE beside a FILE.seg that holds teams: the segments
     * of another database (this one deleted or emptied, or the folder
     * copied or linked here). Their ids mean nothing to a new FILE, and
     * they are not seawall's to delete: refused before anything is
     * written. */
    struct stat sb;
    char whose[64];
    if ((stat(path, &sb) != 0 ? errno == ENOENT : sb.st_size == 0) &&
        seg_dir_used(s->seg_dir, whose, sizeof whose)) {
        rc = sw_seterr(err, SW_EEXIST,
                       "%s holds the segment files of another database (%s), but %s is %s: "
                       "refusing to adopt them; move %s away, or open the database they "
                       "belong to",
                       s->seg_dir, whose, path, stat(path, &sb) ? "new" : "empty", s->seg_dir);
        goto fail;
    }
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        rc = sql_err(s->db, err, SW_EIO, path);
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(s->db) & 0xff;
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            rc = sw_seterr(err, SW_EINVAL, "%s: not a seawall event store (%s)", path,
                           msg ? msg : "?");
        else
            rc = sql_err(s->db, err, SW_EIO, path);
        sqlite3_free(msg);
        goto fail;
    }
    if ((rc = store_id_get(s, err)))
        goto fail;
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

static int commit_same(const seg_commit_t *a, const seg_commit_t *b)
{
    if (a->known != b->known || a->rows != b->rows)
        return 0;
    for (int f = 0; f < SF_N; f++)
        if (a->len[f] != b->len[f])
            return 0;
    return 1;
}

/* Record team t's commit point c in the open transaction (design note 5). */
static int commit_put(sw_store_team_t *t, const seg_commit_t *c, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            t->s->db,
            "INSERT OR REPLACE INTO seg_commit(team, rows, log, ts, roff, lidx, sums)"
            " VALUES (?,?,?,?,?,?,?)",
            -1, &st, NULL) != SQLITE_OK)
        return db_err(t->s, err, "commit point");
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)c->rows);
    const int order[] = {SF_LOG, SF_TS, SF_ROFF, SF_LIDX, SF_SUMS};
    for (int i = 0; i < SF_N; i++)
        sqlite3_bind_int64(st, 3 + i, (sqlite3_int64)c->len[order[i]]);
    int rc = sqlite3_step(st) == SQLITE_DONE ? SW_OK : db_err(t->s, err, "commit point");
    sqlite3_finalize(st);
    return rc;
}

int sw_store_flush(sw_store_t *s, sw_errbuf_t *err)
{
    int rc = SW_OK;
    /* the records durable first, then their commit points and truth in one
     * transaction */
    for (sw_store_team_t *t = s->teams; t; t = t->next) {
        int r = seg_flush(&t->seg, 1, err);
        if (r && !rc)
            rc = r;
        if (r || !t->seg.writing)
            continue;
        store_idx_flush(t, t->seg.last_stamp); /* derived: best effort */
        seg_commit_t c;
        seg_commit_point(&t->seg, &c);
        if (commit_same(&c, &t->seg.v.commit))
            continue;
        if (!rc && ((r = store_begin(s, err)) || (r = commit_put(t, &c, err))))
            rc = r;
    }
    int r = rc ? SW_OK : store_commit(s, err);
    if (rc && s->in_txn) { /* nothing of a failed flush is committed */
        s->in_txn = 0;
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (!rc && !r)
        for (sw_store_team_t *t = s->teams; t; t = t->next)
            if (t->seg.writing)
                seg_commit_point(&t->seg, &t->seg.v.commit);
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

/* The time a record was given when it was appended (append_row): what a
 * ts rebuilt from the log must hold (evseg.h seg_time_fn). */
static int row_time(void *ud, const char *json, size_t len, int64_t *ms)
{
    sw_store_team_t *t = ud;
    sw_errbuf_t e;
    return sw_event_parse(&t->cev, json, len, &e) == SW_OK &&
           sw_query_event_time(&t->cev, ms) == SW_OK;
}

/* Add team `name` with its commit point of 0 rows, in a transaction of its
 * own (design note 5): committed before any of its records is written. */
static int team_add(sw_store_t *s, const char *name, int64_t *id, sw_errbuf_t *err)
{
    int rc;
    if (s->in_txn && (rc = sw_store_flush(s, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = store_begin(s, err)) ||
        (rc = prep(s, "INSERT INTO teams(name) VALUES (?)", &st, err)))
        goto done;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_err(s, err, "add team");
        goto done;
    }
    *id = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prep(s, "INSERT OR REPLACE INTO seg_commit VALUES (?, 0, 0, 0, 0, 0, 0)", &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, *id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_err(s, err, "add team");
        goto done;
    }
    rc = store_commit(s, err);
done:
    sqlite3_finalize(st);
    if (rc && s->in_txn) {
        s->in_txn = 0;
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

/* The team's commit point as the store recorded it (known 0: none). */
static int commit_get(sw_store_t *s, int64_t id, seg_commit_t *c, sw_errbuf_t *err)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = NULL;
    int rc =
        prep(s, "SELECT rows, log, ts, roff, lidx, sums FROM seg_commit WHERE team = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        c->known = 1;
        c->rows = (uint64_t)sqlite3_column_int64(st, 0);
        const int order[] = {SF_LOG, SF_TS, SF_ROFF, SF_LIDX, SF_SUMS};
        for (int i = 0; i < SF_N; i++)
            c->len[order[i]] = (uint64_t)sqlite3_column_int64(st, 1 + i);
    }
    sqlite3_finalize(st);
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
    t->search_ms = SW_STORE_SEARCH_MS;
    t->search_mem = SW_STORE_SEARCH_MEM;
    t->seg.dirfd = -1;
    for (int f = 0; f < SF_N; f++)
        t->seg.f[f].fd = -1;
    snprintf(t->name, sizeof t->name, "%s", name);
    sw_event_init(&t->ev);
    sw_event_init(&t->cev);
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT id FROM teams WHERE name = ?", &st, err);
    if (rc)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        t->id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (!found && !create) {
        rc = sw_seterr(err, SW_ENOENT, "no team '%s' in this store", name);
        goto fail;
    }
    if (!found && (rc = team_add(s, name, &t->id, err)))
        goto fail;
    if (t->id < 1 || t->id > STORE_MAX_TEAM_ID) {
        rc = sw_seterr(err, SW_ETOOBIG, "team id %lld out of range", (long long)t->id);
        goto fail;
    }
    if ((rc = prep(s, "INSERT INTO truth(id, link) VALUES (?, ?)", &t->ins_truth, err)))
        goto fail;
    seg_view_t *v = &t->seg.v;
    v->team_id = (uint64_t)t->id;
    v->store_id = s->store_id;
    v->time_of = row_time;
    v->time_ud = t;
    if ((rc = commit_get(s, t->id, &v->commit, err)))
        goto fail;
    if (mkdir(s->seg_dir, 0755) != 0 && errno != EEXIST) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", s->seg_dir, strerror(errno));
        goto fail;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%lld", s->seg_dir, (long long)t->id);
    if ((rc = seg_open(&t->seg, dir, err)))
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
    sw_event_free(&t->cev);
    store_idx_free(t->idx);
    free(t);
}

void sw_store_search_limits(sw_store_team_t *t, int64_t timeout_ms, size_t mem_bytes)
{
    if (timeout_ms > 0)
        t->search_ms = timeout_ms;
    if (mem_bytes)
        t->search_mem = mem_bytes;
}

int sw_store_search_timed_out(const sw_store_team_t *t)
{
    return store_idx_late(t);
}

const char *sw_store_team_name(const sw_store_team_t *t)
{
    return t->name;
}

const char *sw_store_team_notice(sw_store_team_t *t)
{
    const seg_view_t *v = &t->seg.v;
    if (t->seg.note[0])
        snprintf(t->notice, sizeof t->notice, "team %s: %s", t->name, t->seg.note);
    else if (v->note[0] && v->lost_hi <= v->lost_lo)
        snprintf(t->notice, sizeof t->notice,
                 "team %s: %.300s: %s (the next ingest writes them back)", t->name, t->seg.dir,
                 v->note);
    else
        return NULL;
    return t->notice;
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

const sw_event_t *sw_store_appended(const sw_store_team_t *t)
{
    return &t->ev;
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
    sw_qrun_budget(run, t->search_mem);
    rc = store_idx_search(t, q, run, t->search_ms, err);
    /* an aggregate over records some of which could not be read would be
     * a wrong figure (a count of 0 for a team whose log is lost): only the
     * error. Records are streamed: those read came out, the error follows */
    if (!rc && sw_query_is_aggregate(q) && (rc = store_idx_damage(t, err)))
        goto done;
    if (!rc)
        rc = sw_qrun_finish(run, err);
    if (!rc) /* what the answer had to leave out (never a silently shorter
              * team: evseg.h invariant 4) */
        rc = store_idx_damage(t, err);
done:
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
