/* journal.c — the exercise journal on SQLite. See journal.h for the contract.
 *
 * Design notes:
 *  1. seq is an AUTOINCREMENT rowid, given explicitly by the append: one
 *     past both the last entry and the highest seq the table ever had
 *     (sqlite_sequence), so it is never reused and a tail cut off shows as
 *     a gap at the next append. A rolled-back append takes no number.
 *  2. Append-only is enforced by the database, not by convention: triggers
 *     abort any UPDATE or DELETE on the table, whoever issues it.
 *  3. The connection runs synchronous=FULL: in WAL mode NORMAL may lose the
 *     last commits on power loss, and an acknowledged act must survive. The
 *     event store's own connection keeps NORMAL; its records can be replayed.
 *  4. BEGIN IMMEDIATE takes the write lock up front, so a busy database
 *     fails (after the busy timeout) before anything is half done. The
 *     append reads the last entry (seq, hash) under that lock, so two
 *     writers cannot chain to the same entry.
 *  5. The chain (journal.h invariant 4) lives in two BLOB columns, prev and
 *     hash. They are not NOT NULL so that a journal of the older shape can
 *     take them by ALTER TABLE; a NULL is a broken link to sw_journal_verify.
 *
 * Transaction: IDLE -> WRITING [sw_journal_append: BEGIN IMMEDIATE] ->
 * IDLE [COMMIT, or ROLLBACK when the insert or the tx callback fails]. */
#include "journal/journal.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sw_journal {
    sqlite3 *db;
};

#define NO_UPDATE_TRIGGER                                                                          \
    "CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal"                      \
    " BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;"

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at_ms INTEGER, wall_ms INTEGER NOT NULL, actor TEXT NOT NULL,"
    " team TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL, payload TEXT NOT NULL,"
    " prev BLOB, hash BLOB);"
    "CREATE INDEX IF NOT EXISTS journal_team ON journal(team, seq);" NO_UPDATE_TRIGGER
    "CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal"
    " BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;";

/* ---- the chain ------------------------------------------------------------------- */

static const char hash_domain[] = "seawall journal v1"; /* 18 bytes, no NUL */

static void put_be64(crypto_generichash_state *st, int64_t v)
{
    uint64_t u = (uint64_t)v;
    unsigned char b[8];
    for (int i = 7; i >= 0; i--, u >>= 8)
        b[i] = (unsigned char)(u & 0xff);
    crypto_generichash_update(st, b, 8);
}

static void put_str(crypto_generichash_state *st, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    unsigned char b[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8), (unsigned char)n};
    crypto_generichash_update(st, b, 4);
    if (n)
        crypto_generichash_update(st, (const unsigned char *)s, n);
}

void sw_journal_entry_hash(const uint8_t prev[SW_JOURNAL_HASH_LEN], const sw_journal_entry_t *e,
                           uint8_t out[SW_JOURNAL_HASH_LEN])
{
    /* picks the fastest BLAKE2b code once (later calls return at once); the
     * portable code hashes the same when it cannot */
    if (sodium_init() < 0) {
    }
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, SW_JOURNAL_HASH_LEN);
    crypto_generichash_update(&st, (const unsigned char *)hash_domain, sizeof hash_domain - 1);
    crypto_generichash_update(&st, prev, SW_JOURNAL_HASH_LEN);
    put_be64(&st, e->seq);
    unsigned char has_at = e->at_ms != SW_JOURNAL_NO_TIME;
    crypto_generichash_update(&st, &has_at, 1);
    put_be64(&st, has_at ? e->at_ms : 0);
    put_be64(&st, e->wall_ms);
    put_str(&st, e->actor);
    put_str(&st, e->team);
    put_str(&st, e->kind);
    put_str(&st, e->payload);
    crypto_generichash_final(&st, out, SW_JOURNAL_HASH_LEN);
}

/* Does the journal table have its chain columns? 1 yes, 0 no, <0 error. */
static int has_chain_columns(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'hash'",
                           -1, &st, NULL) != SQLITE_OK)
        return SW_EIO;
    int rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) > 0 : SW_EIO;
    sqlite3_finalize(st);
    return rc;
}

static int64_t count_rows(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM journal", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static const char add_chain_columns[] = "ALTER TABLE journal ADD COLUMN prev BLOB;"
                                        "ALTER TABLE journal ADD COLUMN hash BLOB;";

/* A journal of the shape before the chain: take the columns when it is
 * empty, refuse it (saying how to upgrade) when it holds entries. Checked
 * again under the write lock, so two processes opening it at once do not
 * both alter it. */
static int check_chained(sqlite3 *db, const char *path, sw_errbuf_t *err)
{
    int has = has_chain_columns(db);
    if (has == 1)
        return SW_OK;
    if (has < 0)
        return sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
    int rc = SW_OK;
    int64_t n = count_rows(db);
    if ((has = has_chain_columns(db)) == 1) {
    } else if (has < 0 || n < 0) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
    } else if (n > 0) {
        rc = sw_seterr(err, SW_ESTATE,
                       "%s: the journal's %lld entr%s were written by an older seawall, without "
                       "tamper evidence; `seawall journal --db %s --upgrade` chains them as they "
                       "are now (it cannot vouch for them before)",
                       path, (long long)n, n == 1 ? "y was" : "ies were", path);
    } else if (sqlite3_exec(db, add_chain_columns, NULL, NULL, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
    }
    if (sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
    return rc;
}

int sw_journal_open(const char *path, sw_journal_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_journal_t *j = calloc(1, sizeof *j);
    if (!j)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc = SW_OK;
    char *msg = NULL;
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, j->db ? sqlite3_errmsg(j->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(j->db, 5000);
    if (sqlite3_exec(j->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        goto fail;
    }
    if ((rc = check_chained(j->db, path, err)) != SW_OK)
        goto fail;
    *out = j;
    return SW_OK;
fail:
    sqlite3_close(j->db);
    free(j);
    return rc;
}

void sw_journal_close(sw_journal_t *j)
{
    if (!j)
        return;
    sqlite3_close(j->db);
    free(j);
}

/* 1-64 bytes of [a-z0-9_.-] (kind) or of any printable ASCII (actor, team). */
static int valid_name(const char *s, int strict, int may_be_empty)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0)
        return may_be_empty;
    if (n > SW_JOURNAL_MAX_NAME)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (strict ? !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                       c == '-')
                   : (c < 0x20 || c > 0x7e))
            return 0;
    }
    return 1;
}

static int check_entry(const sw_journal_entry_t *e, sw_errbuf_t *err)
{
    if (!valid_name(e->actor, 0, 0))
        return sw_seterr(err, SW_EINVAL, "journal: actor must be 1-%d printable ASCII bytes",
                         SW_JOURNAL_MAX_NAME);
    if (!valid_name(e->team, 0, 1))
        return sw_seterr(err, SW_EINVAL, "journal: team must be at most %d printable ASCII bytes",
                         SW_JOURNAL_MAX_NAME);
    if (!valid_name(e->kind, 1, 0))
        return sw_seterr(err, SW_EINVAL, "journal: kind must be 1-%d bytes of [a-z0-9_.-]",
                         SW_JOURNAL_MAX_NAME);
    size_t len = e->payload ? strlen(e->payload) : 0;
    if (len > SW_JOURNAL_MAX_PAYLOAD)
        return sw_seterr(err, SW_ETOOBIG, "journal: payload larger than %u bytes",
                         SW_JOURNAL_MAX_PAYLOAD);
    json_t *p = len ? json_loadb(e->payload, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    int is_obj = json_is_object(p);
    json_decref(p);
    if (!is_obj)
        return sw_seterr(err, SW_EINVAL, "journal: payload must be a JSON object");
    return SW_OK;
}

/* The last entry's seq and hash, and the highest seq the table ever had;
 * zeros for an empty journal. Inside the append's transaction. */
typedef struct tail {
    int64_t seq, ever;
    uint8_t hash[SW_JOURNAL_HASH_LEN];
} tail_t;

static int read_tail(sqlite3 *db, tail_t *t)
{
    memset(t, 0, sizeof *t);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return SW_EIO;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        t->seq = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == SW_JOURNAL_HASH_LEN)
            memcpy(t->hash, sqlite3_column_blob(st, 1), SW_JOURNAL_HASH_LEN);
    }
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return SW_EIO;
    st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name = 'journal'", -1, &st,
                           NULL) != SQLITE_OK)
        return SW_EIO;
    if ((src = sqlite3_step(st)) == SQLITE_ROW)
        t->ever = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? SW_OK : SW_EIO;
}

/* Insert e chained after the last entry; the caller holds the write lock
 * (an open BEGIN IMMEDIATE). *seq gets its number. */
static int insert_chained(sqlite3 *db, const sw_journal_entry_t *e, int64_t *seq, sw_errbuf_t *err)
{
    tail_t t;
    if (read_tail(db, &t))
        return sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(db));
    sw_journal_entry_t c = *e;
    c.team = e->team ? e->team : "";
    c.seq = (t.seq > t.ever ? t.seq : t.ever) + 1;
    if (c.seq < 1)
        c.seq = 1;
    uint8_t h[SW_JOURNAL_HASH_LEN];
    sw_journal_entry_hash(t.hash, &c, h);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload,"
                           " prev, hash) VALUES(?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, c.seq);
    if (c.at_ms == SW_JOURNAL_NO_TIME)
        sqlite3_bind_null(st, 2);
    else
        sqlite3_bind_int64(st, 2, c.at_ms);
    sqlite3_bind_int64(st, 3, c.wall_ms);
    sqlite3_bind_text(st, 4, c.actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c.team, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c.kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c.payload, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, t.hash, SW_JOURNAL_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, h, SW_JOURNAL_HASH_LEN, SQLITE_STATIC);
    int rc = SW_OK;
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: insert: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    *seq = c.seq;
    return rc;
}

int sw_journal_append(sw_journal_t *j, const sw_journal_entry_t *e, sw_journal_tx_cb tx, void *ud,
                      int64_t *seq, sw_errbuf_t *err)
{
    int rc = check_entry(e, err);
    if (rc)
        return rc;
    if (sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: begin: %s", sqlite3_errmsg(j->db));
    int64_t s = 0;
    if ((rc = insert_chained(j->db, e, &s, err)) != SW_OK)
        goto fail;
    if (tx && (rc = tx(j->db, s, ud, err)) != SW_OK)
        goto fail;
    if (sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "journal: commit: %s", sqlite3_errmsg(j->db));
        goto fail;
    }
    if (seq)
        *seq = s;
    return SW_OK;
fail:
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* The entry in columns 0-6 (seq, at_ms, wall_ms, actor, team, kind,
 * payload) of st's row; NULL text (possible only in an edited file) reads
 * as "". */
static void row_entry(sqlite3_stmt *st, sw_journal_entry_t *e)
{
    const char *t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (const char *)sqlite3_column_text(st, 3 + i);
        if (!t[i])
            t[i] = "";
    }
    *e = (sw_journal_entry_t){
        .seq = sqlite3_column_int64(st, 0),
        .at_ms = sqlite3_column_type(st, 1) == SQLITE_NULL ? SW_JOURNAL_NO_TIME
                                                           : sqlite3_column_int64(st, 1),
        .wall_ms = sqlite3_column_int64(st, 2),
        .actor = t[0],
        .team = t[1],
        .kind = t[2],
        .payload = t[3],
    };
}

int sw_journal_list(sw_journal_t *j, const sw_journal_filter_t *f, sw_journal_entry_cb cb, void *ud,
                    sw_errbuf_t *err)
{
    sw_journal_filter_t none = {0};
    if (!f)
        f = &none;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT seq, at_ms, wall_ms, actor, team, kind, payload FROM journal"
                           " WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR kind = ?2)"
                           " AND seq > ?3 ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    if (f->team && *f->team)
        sqlite3_bind_text(st, 1, f->team, -1, SQLITE_STATIC);
    if (f->kind && *f->kind)
        sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->after_seq);
    int rc = SW_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        sw_journal_entry_t e;
        row_entry(st, &e);
        if ((rc = cb(&e, ud)) != 0)
            break;
    }
    if (rc == SW_OK && src != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}

int sw_journal_count(sw_journal_t *j, int64_t *n, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(j->db, "SELECT count(*) FROM journal", -1, &st, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    int rc = SW_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}

/* ---- verifying and upgrading ------------------------------------------------------ */

/* Is column i of st's row a hash equal to h? */
static int col_is(sqlite3_stmt *st, int i, const uint8_t h[SW_JOURNAL_HASH_LEN])
{
    const void *b = sqlite3_column_blob(st, i);
    return sqlite3_column_bytes(st, i) == SW_JOURNAL_HASH_LEN && b &&
           memcmp(b, h, SW_JOURNAL_HASH_LEN) == 0;
}

int sw_journal_verify(sw_journal_t *j, const uint8_t *noted, sw_journal_check_t *out,
                      sw_errbuf_t *err)
{
    memset(out, 0, sizeof *out);
    out->intact = 1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT seq, at_ms, wall_ms, actor, team, kind, payload, prev, hash"
                           " FROM journal ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    uint8_t link[SW_JOURNAL_HASH_LEN] = {0}; /* what the next entry's prev must be */
    int64_t latest = 0;                      /* the latest wall time of the intact entries */
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        out->n_entries++;
        if (!out->intact)
            continue; /* counting the rest */
        sw_journal_entry_t e;
        row_entry(st, &e);
        uint8_t h[SW_JOURNAL_HASH_LEN];
        sw_journal_entry_hash(link, &e, h);
        const int64_t want = out->head_seq + 1;
        out->bad_seq = e.seq;
        if (e.seq < 1)
            snprintf(out->why, sizeof out->why,
                     "seq must be 1 or more (an entry no listing shows was inserted)");
        else if (e.seq == want + 1)
            snprintf(out->why, sizeof out->why, "entry %lld is missing (deleted)", (long long)want);
        else if (e.seq > want)
            snprintf(out->why, sizeof out->why, "entries %lld to %lld are missing (deleted)",
                     (long long)want, (long long)(e.seq - 1));
        else if (!col_is(st, 7, link))
            snprintf(out->why, sizeof out->why,
                     "it is not chained to the entry before it (that entry was replaced, or "
                     "this one was inserted)");
        else if (!col_is(st, 8, h))
            snprintf(out->why, sizeof out->why,
                     "its fields do not match its hash (edited after it was written, or "
                     "inserted)");
        else if (out->head_seq && e.wall_ms < latest - SW_JOURNAL_BACKDATE_SLACK_MS)
            snprintf(out->why, sizeof out->why,
                     "dated %lld s before an entry it follows (back-dated: appended later)",
                     (long long)((latest - e.wall_ms) / 1000));
        else {
            out->bad_seq = 0;
            if (!out->head_seq || e.wall_ms > latest)
                latest = e.wall_ms;
            out->head_seq = e.seq;
            memcpy(out->head, h, sizeof h);
            memcpy(link, h, sizeof h);
            if (noted && memcmp(noted, h, sizeof h) == 0)
                out->noted_seq = e.seq;
            continue;
        }
        out->intact = 0;
    }
    int rc = SW_OK;
    if (src != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}

/* Chain every entry of an unchained journal in seq order, as it is. The
 * caller holds the write lock and has added the columns and dropped the
 * update trigger. *n counts them; head gets the last hash. */
static int chain_all(sqlite3 *db, int64_t *n, uint8_t head[SW_JOURNAL_HASH_LEN], sw_errbuf_t *err)
{
    sqlite3_stmt *rd = NULL, *wr = NULL;
    int rc = SW_OK, src = SQLITE_DONE;
    memset(head, 0, SW_JOURNAL_HASH_LEN);
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, at_ms, wall_ms, actor, team, kind, payload FROM journal"
                           " ORDER BY seq",
                           -1, &rd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE journal SET prev = ?, hash = ? WHERE seq = ?", -1, &wr,
                           NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(db));
        goto done;
    }
    while ((src = sqlite3_step(rd)) == SQLITE_ROW) {
        sw_journal_entry_t e;
        row_entry(rd, &e);
        uint8_t h[SW_JOURNAL_HASH_LEN];
        sw_journal_entry_hash(head, &e, h);
        sqlite3_bind_blob(wr, 1, head, SW_JOURNAL_HASH_LEN, SQLITE_TRANSIENT);
        sqlite3_bind_blob(wr, 2, h, SW_JOURNAL_HASH_LEN, SQLITE_TRANSIENT);
        sqlite3_bind_int64(wr, 3, e.seq);
        if (sqlite3_step(wr) != SQLITE_DONE) {
            rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(db));
            goto done;
        }
        sqlite3_reset(wr);
        memcpy(head, h, SW_JOURNAL_HASH_LEN);
        (*n)++;
    }
    if (src != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(db));
done:
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    return rc;
}

int sw_journal_upgrade(const char *path, const char *actor, int64_t wall_ms, int64_t *n_chained,
                       sw_errbuf_t *err)
{
    *n_chained = 0;
    sqlite3 *db = NULL;
    int rc = SW_OK;
    char *msg = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        sqlite3_close(db);
        return rc;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: begin: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return rc;
    }
    int has = has_chain_columns(db);
    int64_t n = 0, seq = 0;
    uint8_t head[SW_JOURNAL_HASH_LEN];
    char hex[2 * SW_JOURNAL_HASH_LEN + 1], payload[128];
    if (has < 0) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if (has == 1)
        goto done; /* chained already: nothing to do */
    if (sqlite3_exec(db, add_chain_columns, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "DROP TRIGGER IF EXISTS journal_no_update", NULL, NULL, NULL) !=
            SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if ((rc = chain_all(db, &n, head, err)) != SW_OK)
        goto done;
    if (sqlite3_exec(db, NO_UPDATE_TRIGGER, NULL, NULL, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: journal: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if (n == 0)
        goto done; /* nothing to vouch for: the columns are enough */
    sodium_bin2hex(hex, sizeof hex, head, sizeof head);
    snprintf(payload, sizeof payload, "{\"chained\":%lld,\"head\":\"%s\"}", (long long)n, hex);
    sw_journal_entry_t e = {.at_ms = SW_JOURNAL_NO_TIME,
                            .wall_ms = wall_ms,
                            .actor = actor,
                            .team = "",
                            .kind = "journal.chain",
                            .payload = payload};
    if ((rc = check_entry(&e, err)) != SW_OK || (rc = insert_chained(db, &e, &seq, err)) != SW_OK)
        goto done;
    *n_chained = n;
done:
    if (sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = sw_seterr(err, SW_EIO, "%s: journal: commit: %s", path, sqlite3_errmsg(db));
    if (rc)
        *n_chained = 0;
    sqlite3_close(db);
    return rc;
}

/* ---- progress: how far the exercise's pipeline got ------------------------- */

static int progress_table(sw_journal_t *j, sw_errbuf_t *err)
{
    char *msg = NULL;
    if (sqlite3_exec(j->db,
                     "CREATE TABLE IF NOT EXISTS progress(id INTEGER PRIMARY KEY CHECK (id = 1),"
                     " at_ms INTEGER NOT NULL, wall_ms INTEGER NOT NULL)",
                     NULL, NULL, &msg) != SQLITE_OK) {
        int rc = sw_seterr(err, SW_EIO, "journal: progress: %s", msg ? msg : "schema failed");
        sqlite3_free(msg);
        return rc;
    }
    return SW_OK;
}

int sw_journal_progress_set(sw_journal_t *j, int64_t at_ms, int64_t wall_ms, sw_errbuf_t *err)
{
    int rc = progress_table(j, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "INSERT OR REPLACE INTO progress(id, at_ms, wall_ms) VALUES(1,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: progress: %s", sqlite3_errmsg(j->db));
    sqlite3_bind_int64(st, 1, at_ms);
    sqlite3_bind_int64(st, 2, wall_ms);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: progress: %s", sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}

int sw_journal_progress_get(sw_journal_t *j, int64_t *at_ms, sw_errbuf_t *err)
{
    *at_ms = 0;
    int rc = progress_table(j, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db, "SELECT at_ms FROM progress WHERE id = 1", -1, &st, NULL) !=
        SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: progress: %s", sqlite3_errmsg(j->db));
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *at_ms = sqlite3_column_int64(st, 0);
    else if (src != SQLITE_DONE)
        rc = sw_seterr(err, SW_EIO, "journal: progress: %s", sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}
