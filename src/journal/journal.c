/* journal.c — the exercise journal on SQLite. See journal.h for the contract.
 *
 * Design notes:
 *  1. seq is an AUTOINCREMENT rowid: never reused, even after a rolled-back
 *     append, so it orders acts and names them for good.
 *  2. Append-only is enforced by the database, not by convention: triggers
 *     abort any UPDATE or DELETE on the table, whoever issues it.
 *  3. The connection runs synchronous=FULL: in WAL mode NORMAL may lose the
 *     last commits on power loss, and an acknowledged act must survive. The
 *     event store's own connection keeps NORMAL; its records can be replayed.
 *  4. BEGIN IMMEDIATE takes the write lock up front, so a busy database
 *     fails (after the busy timeout) before anything is half done.
 *
 * Transaction: IDLE -> WRITING [sw_journal_append: BEGIN IMMEDIATE] ->
 * IDLE [COMMIT, or ROLLBACK when the insert or the tx callback fails]. */
#include "journal/journal.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sw_journal {
    sqlite3 *db;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at_ms INTEGER, wall_ms INTEGER NOT NULL, actor TEXT NOT NULL,"
    " team TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL, payload TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS journal_team ON journal(team, seq);"
    "CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal"
    " BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal"
    " BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;";

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

int sw_journal_append(sw_journal_t *j, const sw_journal_entry_t *e, sw_journal_tx_cb tx, void *ud,
                      int64_t *seq, sw_errbuf_t *err)
{
    int rc = check_entry(e, err);
    if (rc)
        return rc;
    if (sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sw_seterr(err, SW_EIO, "journal: begin: %s", sqlite3_errmsg(j->db));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "INSERT INTO journal(at_ms, wall_ms, actor, team, kind, payload)"
                           " VALUES(?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "journal: %s", sqlite3_errmsg(j->db));
        goto fail;
    }
    if (e->at_ms == SW_JOURNAL_NO_TIME)
        sqlite3_bind_null(st, 1);
    else
        sqlite3_bind_int64(st, 1, e->at_ms);
    sqlite3_bind_int64(st, 2, e->wall_ms);
    sqlite3_bind_text(st, 3, e->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->team ? e->team : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->payload, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = sw_seterr(err, SW_EIO, "journal: insert: %s", sqlite3_errmsg(j->db));
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    int64_t s = sqlite3_last_insert_rowid(j->db);
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
    sqlite3_finalize(st);
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
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
        sw_journal_entry_t e = {
            .seq = sqlite3_column_int64(st, 0),
            .at_ms = sqlite3_column_type(st, 1) == SQLITE_NULL ? SW_JOURNAL_NO_TIME
                                                               : sqlite3_column_int64(st, 1),
            .wall_ms = sqlite3_column_int64(st, 2),
            .actor = (const char *)sqlite3_column_text(st, 3),
            .team = (const char *)sqlite3_column_text(st, 4),
            .kind = (const char *)sqlite3_column_text(st, 5),
            .payload = (const char *)sqlite3_column_text(st, 6),
        };
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
