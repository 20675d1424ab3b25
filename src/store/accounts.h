/* accounts.h — the people who may use an exercise, and their sessions:
 * administrators, instructors (the white cell), players bound to one team,
 * observers. Passwords are kept as Argon2id hashes (libsodium's
 * crypto_pwhash_str, its interactive limits); a session is a random token
 * the browser holds in an HttpOnly cookie, kept here only as its BLAKE2b
 * hash, with the token the browser must echo on every state-changing
 * request (CSRF).
 *
 * Storage: tables `accounts` and `sessions` in the exercise database,
 * through this header only (the server's handlers hold no SQL), so they
 * can move to another database later without touching them.
 *
 * Invariants
 *  1. A name is 1-64 bytes of [A-Za-z0-9_.@-], compared case-insensitively.
 *  2. A player has a team; the others have none.
 *  3. No plaintext password or session token is ever stored or logged. */
#ifndef SW_ACCOUNTS_H
#define SW_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SW_ACCOUNT_MAX_NAME 64
#define SW_ACCOUNT_MIN_PASSWORD 10
#define SW_ACCOUNT_MAX_PASSWORD 256
#define SW_SESSION_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */

typedef enum {
    SW_ACCT_ADMIN,
    SW_ACCT_INSTRUCTOR,
    SW_ACCT_PLAYER,
    SW_ACCT_OBSERVER,
    SW_ACCT__COUNT
} sw_account_role_t;

extern const char *const sw_account_role_names[SW_ACCT__COUNT];

typedef struct sw_account_info {
    char name[SW_ACCOUNT_MAX_NAME + 1];
    sw_account_role_t role;
    char team[SW_ACCOUNT_MAX_NAME + 1]; /* players and observers: their team; else "" */
    int disabled;
    int must_change; /* the password was set by someone else (one-time) */
    int64_t created_ms;
} sw_account_info_t;

typedef struct sw_accounts sw_accounts_t;

int sw_accounts_open(const char *path, sw_accounts_t **out, sw_errbuf_t *err);
void sw_accounts_close(sw_accounts_t *a);

/* Add an account. SW_EEXIST for a name taken, SW_EINVAL for a bad name,
 * role/team combination or a password shorter than SW_ACCOUNT_MIN_PASSWORD.
 * Cost: one Argon2id hash (~0.1 s, 64 MiB). */
int sw_accounts_add(sw_accounts_t *a, const char *name, sw_account_role_t role, const char *team,
                    const char *password, int must_change, int64_t now_ms, sw_errbuf_t *err);
/* Is this an account name: 1-SW_ACCOUNT_MAX_NAME letters, digits, _ . @ - */
int sw_accounts_name_ok(const char *name);

/* Add n accounts, all or none (one transaction): on a refusal nothing is
 * added, *bad (when given) is the index of the one refused and err says why. */
typedef struct sw_account_new {
    const char *name;
    sw_account_role_t role;
    const char *team;
    const char *password;
    int must_change;
} sw_account_new_t;
int sw_accounts_add_all(sw_accounts_t *a, const sw_account_new_t *v, size_t n, int64_t now_ms,
                        size_t *bad, sw_errbuf_t *err);
/* Check name's password: SW_OK and *out filled, or SW_ENOENT (unknown or
 * wrong password: the same answer for both), SW_ESTATE (disabled). */
int sw_accounts_verify(sw_accounts_t *a, const char *name, const char *password,
                       sw_account_info_t *out, sw_errbuf_t *err);
int sw_accounts_get(sw_accounts_t *a, const char *name, sw_account_info_t *out, sw_errbuf_t *err);
int sw_accounts_set_password(sw_accounts_t *a, const char *name, const char *password,
                             int must_change, sw_errbuf_t *err);
int sw_accounts_set_disabled(sw_accounts_t *a, const char *name, int disabled, sw_errbuf_t *err);
int sw_accounts_count(sw_accounts_t *a, int64_t *n, sw_errbuf_t *err);

typedef int (*sw_account_cb)(const sw_account_info_t *info, void *ud);
int sw_accounts_list(sw_accounts_t *a, sw_account_cb cb, void *ud, sw_errbuf_t *err);

/* A new session for name, valid until now + ttl: token (the cookie) and
 * csrf (the header) are written NUL-ended into the caller's buffers of
 * SW_SESSION_TOKEN_LEN + 1 bytes. */
int sw_sessions_create(sw_accounts_t *a, const char *name, int64_t now_ms, int64_t ttl_ms,
                       char *token, char *csrf, sw_errbuf_t *err);
/* The account behind a live session token (and its csrf token); SW_ENOENT
 * when there is none, it expired, or its account is disabled. */
int sw_sessions_lookup(sw_accounts_t *a, const char *token, int64_t now_ms, sw_account_info_t *out,
                       char *csrf, sw_errbuf_t *err);
int sw_sessions_delete(sw_accounts_t *a, const char *token, sw_errbuf_t *err);
/* End every session of name (its password changed, it was disabled). */
int sw_sessions_delete_all(sw_accounts_t *a, const char *name, sw_errbuf_t *err);

/* A random password of n letters and digits, easy to read aloud (no 0/O,
 * 1/l/I), NUL-ended into out (n + 1 bytes). */
void sw_accounts_random_password(char *out, size_t n);

#endif
