/* accounts.c — accounts and sessions in the exercise database (accounts.h).
 *
 * Design notes
 *  1. Hashes: crypto_pwhash_str (Argon2id, interactive limits); verification
 *     runs the hash even for an unknown name, against a fixed dummy hash, so
 *     the answer takes as long whether the name exists or not.
 *  2. Sessions: the token is 32 bytes from randombytes_buf; the row keeps
 *     BLAKE2b(token), so a copy of the database gives no live session.
 *  3. Own SQLite connection, synchronous=FULL like the journal's: an account
 *     or session written is on disk when the call returns. */
#include "store/accounts.h"

#include <ctype.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sw_account_role_names[SW_ACCT__COUNT] = {"admin", "instructor", "player",
                                                           "observer"};

struct sw_accounts {
    sqlite3 *db;
    char dummy[crypto_pwhash_STRBYTES]; /* verified against for unknown names */
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS accounts(name TEXT PRIMARY KEY COLLATE NOCASE,"
    " role TEXT NOT NULL, team TEXT NOT NULL, hash TEXT NOT NULL, disabled INTEGER NOT NULL,"
    " must_change INTEGER NOT NULL, created_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions(token_hash BLOB PRIMARY KEY,"
    " name TEXT NOT NULL COLLATE NOCASE, csrf TEXT NOT NULL, expires_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sessions_name ON sessions(name);";

static int db_err(sw_accounts_t *a, sw_errbuf_t *err, const char *what)
{
    return sw_seterr(err, SW_EIO, "accounts: %s: %s", what, sqlite3_errmsg(a->db));
}

int sw_accounts_open(const char *path, sw_accounts_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    if (sodium_init() < 0)
        return sw_seterr(err, SW_EIO, "libsodium does not initialise");
    sw_accounts_t *a = calloc(1, sizeof *a);
    if (!a)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    char *msg = NULL;
    int rc = SW_OK;
    if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: %s", path, a->db ? sqlite3_errmsg(a->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(a->db, 5000);
    if (sqlite3_exec(a->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "%s: accounts: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        goto fail;
    }
    /* the dummy: a hash of a random password, never matched */
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    if (crypto_pwhash_str(a->dummy, (const char *)r, sizeof r, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        rc = sw_seterr(err, SW_ENOMEM, "cannot hash (out of memory)");
        goto fail;
    }
    *out = a;
    return SW_OK;
fail:
    sqlite3_close(a->db);
    free(a);
    return rc;
}

void sw_accounts_close(sw_accounts_t *a)
{
    if (!a)
        return;
    sqlite3_close(a->db);
    free(a);
}

int sw_accounts_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SW_ACCOUNT_MAX_NAME)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_.@-", *s))
            return 0;
    return 1;
}

static int password_ok(const char *p, sw_errbuf_t *err)
{
    size_t n = p ? strlen(p) : 0;
    if (n < SW_ACCOUNT_MIN_PASSWORD)
        return sw_seterr(err, SW_EINVAL, "a password has at least %d characters",
                         SW_ACCOUNT_MIN_PASSWORD);
    if (n > SW_ACCOUNT_MAX_PASSWORD)
        return sw_seterr(err, SW_EINVAL, "a password has at most %d characters",
                         SW_ACCOUNT_MAX_PASSWORD);
    return SW_OK;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], sw_errbuf_t *err)
{
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return sw_seterr(err, SW_ENOMEM, "cannot hash the password (out of memory)");
    return SW_OK;
}

/* Check and insert one (inside the caller's transaction). */
static int add_one(sw_accounts_t *a, const sw_account_new_t *v, int64_t now_ms, sw_errbuf_t *err)
{
    const char *name = v->name, *team = v->team;
    sw_account_role_t role = v->role;
    if (!sw_accounts_name_ok(name))
        return sw_seterr(err, SW_EINVAL,
                         "'%s' is not an account name (1-%d letters, digits, _ . @ -)",
                         name ? name : "", SW_ACCOUNT_MAX_NAME);
    if ((int)role < 0 || role >= SW_ACCT__COUNT)
        return sw_seterr(err, SW_EINVAL, "unknown role");
    int needs_team = role == SW_ACCT_PLAYER || role == SW_ACCT_OBSERVER;
    if (needs_team && (!team || !*team))
        return sw_seterr(err, SW_EINVAL, "a %s belongs to a team", sw_account_role_names[role]);
    if (!needs_team && team && *team)
        return sw_seterr(err, SW_EINVAL, "an %s belongs to no team", sw_account_role_names[role]);
    if (team && strlen(team) > SW_ACCOUNT_MAX_NAME)
        return sw_seterr(err, SW_EINVAL, "team name too long");
    int rc = password_ok(v->password, err);
    if (rc)
        return rc;
    char h[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(v->password, h, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db,
                           "INSERT INTO accounts(name, role, team, hash, disabled, must_change,"
                           " created_ms) VALUES(?,?,?,?,0,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(a, err, "add");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sw_account_role_names[role], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, needs_team ? team : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, h, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, v->must_change != 0);
    sqlite3_bind_int64(st, 6, now_ms);
    int src = sqlite3_step(st);
    int ext = sqlite3_extended_errcode(a->db);
    sqlite3_finalize(st);
    sodium_memzero(h, sizeof h);
    if (src != SQLITE_DONE && ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return sw_seterr(err, SW_EEXIST, "there is an account '%s' already", name);
    return src == SQLITE_DONE ? SW_OK : db_err(a, err, "add");
}

int sw_accounts_add_all(sw_accounts_t *a, const sw_account_new_t *v, size_t n, int64_t now_ms,
                        size_t *bad, sw_errbuf_t *err)
{
    if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(a, err, "add");
    int rc = SW_OK;
    for (size_t i = 0; i < n && !rc; i++)
        if ((rc = add_one(a, &v[i], now_ms, err)) && bad)
            *bad = i;
    if (rc) {
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_err(a, err, "add");
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

int sw_accounts_add(sw_accounts_t *a, const char *name, sw_account_role_t role, const char *team,
                    const char *password, int must_change, int64_t now_ms, sw_errbuf_t *err)
{
    sw_account_new_t v = {name, role, team, password, must_change};
    return sw_accounts_add_all(a, &v, 1, now_ms, NULL, err);
}

static void fill(sqlite3_stmt *st, sw_account_info_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 0));
    const char *role = (const char *)sqlite3_column_text(st, 1);
    for (int r = 0; r < SW_ACCT__COUNT; r++)
        if (role && !strcmp(role, sw_account_role_names[r]))
            out->role = (sw_account_role_t)r;
    snprintf(out->team, sizeof out->team, "%s", (const char *)sqlite3_column_text(st, 2));
    out->disabled = sqlite3_column_int(st, 3);
    out->must_change = sqlite3_column_int(st, 4);
    out->created_ms = sqlite3_column_int64(st, 5);
}

#define COLS "name, role, team, disabled, must_change, created_ms"

int sw_accounts_get(sw_accounts_t *a, const char *name, sw_account_info_t *out, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT " COLS " FROM accounts WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(a, err, "get");
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int rc = SW_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        fill(st, out);
    else
        rc = sw_seterr(err, SW_ENOENT, "no account '%s'", name ? name : "");
    sqlite3_finalize(st);
    return rc;
}

int sw_accounts_verify(sw_accounts_t *a, const char *name, const char *password,
                       sw_account_info_t *out, sw_errbuf_t *err)
{
    char h[crypto_pwhash_STRBYTES];
    snprintf(h, sizeof h, "%s", a->dummy);
    int known = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT " COLS ", hash FROM accounts WHERE name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return db_err(a, err, "verify");
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        fill(st, out);
        snprintf(h, sizeof h, "%s", (const char *)sqlite3_column_text(st, 6));
        known = 1;
    }
    sqlite3_finalize(st);
    const char *pw = password ? password : "";
    size_t n = strlen(pw);
    int match = n <= SW_ACCOUNT_MAX_PASSWORD && crypto_pwhash_str_verify(h, pw, n) == 0;
    sodium_memzero(h, sizeof h);
    if (!known || !match)
        return sw_seterr(err, SW_ENOENT, "wrong name or password");
    if (out->disabled)
        return sw_seterr(err, SW_ESTATE, "the account '%s' is disabled", out->name);
    return SW_OK;
}

int sw_accounts_set_password(sw_accounts_t *a, const char *name, const char *password,
                             int must_change, sw_errbuf_t *err)
{
    int rc = password_ok(password, err);
    if (rc)
        return rc;
    char h[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password, h, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "UPDATE accounts SET hash = ?, must_change = ? WHERE name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(a, err, "password");
    sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, must_change != 0);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    sodium_memzero(h, sizeof h);
    if (src != SQLITE_DONE)
        return db_err(a, err, "password");
    if (sqlite3_changes(a->db) == 0)
        return sw_seterr(err, SW_ENOENT, "no account '%s'", name);
    return sw_sessions_delete_all(a, name, err);
}

int sw_accounts_set_disabled(sw_accounts_t *a, const char *name, int disabled, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "UPDATE accounts SET disabled = ? WHERE name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return db_err(a, err, "disable");
    sqlite3_bind_int(st, 1, disabled != 0);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return db_err(a, err, "disable");
    if (sqlite3_changes(a->db) == 0)
        return sw_seterr(err, SW_ENOENT, "no account '%s'", name);
    return disabled ? sw_sessions_delete_all(a, name, err) : SW_OK;
}

int sw_accounts_count(sw_accounts_t *a, int64_t *n, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(a->db, "SELECT count(*) FROM accounts", -1, &st, NULL) != SQLITE_OK)
        return db_err(a, err, "count");
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return SW_OK;
}

int sw_accounts_list(sw_accounts_t *a, sw_account_cb cb, void *ud, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT " COLS " FROM accounts ORDER BY role, team, name", -1,
                           &st, NULL) != SQLITE_OK)
        return db_err(a, err, "list");
    int rc = SW_OK;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sw_account_info_t in;
        fill(st, &in);
        if ((rc = cb(&in, ud)))
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- sessions ------------------------------------------------------------------ */

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static void random_token(char *out)
{
    unsigned char r[32];
    randombytes_buf(r, sizeof r);
    sodium_bin2base64(out, SW_SESSION_TOKEN_LEN + 1, r, sizeof r,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int sw_sessions_create(sw_accounts_t *a, const char *name, int64_t now_ms, int64_t ttl_ms,
                       char *token, char *csrf, sw_errbuf_t *err)
{
    random_token(token);
    random_token(csrf);
    unsigned char h[32];
    token_hash(token, h);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db,
                           "INSERT INTO sessions(token_hash, name, csrf, expires_ms)"
                           " VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(a, err, "session");
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms + ttl_ms);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_DONE) /* its message, before the clean-up below replaces it */
        return db_err(a, err, "session");
    /* expired sessions go as new ones come */
    sqlite3_stmt *gc = NULL;
    if (sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE expires_ms < ?", -1, &gc, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(gc, 1, now_ms);
        sqlite3_step(gc);
    }
    sqlite3_finalize(gc);
    return SW_OK;
}

int sw_sessions_lookup(sw_accounts_t *a, const char *token, int64_t now_ms, sw_account_info_t *out,
                       char *csrf, sw_errbuf_t *err)
{
    if (!token || strlen(token) != SW_SESSION_TOKEN_LEN)
        return sw_seterr(err, SW_ENOENT, "no session");
    unsigned char h[32];
    token_hash(token, h);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT a.name, a.role, a.team, a.disabled, a.must_change, a.created_ms,"
                           " s.csrf FROM sessions s JOIN accounts a ON a.name = s.name"
                           " WHERE s.token_hash = ? AND s.expires_ms > ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(a, err, "session");
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    int rc = SW_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        fill(st, out);
        if (csrf)
            snprintf(csrf, SW_SESSION_TOKEN_LEN + 1, "%s",
                     (const char *)sqlite3_column_text(st, 6));
        if (out->disabled)
            rc = sw_seterr(err, SW_ENOENT, "no session");
    } else {
        rc = sw_seterr(err, SW_ENOENT, "no session");
    }
    sqlite3_finalize(st);
    return rc;
}

int sw_sessions_delete(sw_accounts_t *a, const char *token, sw_errbuf_t *err)
{
    unsigned char h[32];
    token_hash(token ? token : "", h);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE token_hash = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(a, err, "logout");
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SW_OK : db_err(a, err, "logout");
}

int sw_sessions_delete_all(sw_accounts_t *a, const char *name, sw_errbuf_t *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(a, err, "sessions");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SW_OK : db_err(a, err, "sessions");
}

void sw_accounts_random_password(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[n] = '\0';
}
