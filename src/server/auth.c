/* auth.c — who is asking: the session cookie, login (rate limited per
 * address and name), logout, "me", the first administrator, and the
 * administrator's accounts API (one-time passwords for a room of fifty
 * from a CSV).
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/ (and Secure over
 * TLS); the CSRF token comes back in login's and me's answers and must be
 * echoed in X-CSRF-Token on every state-changing request (http.c). After
 * SRV_RL_FAILS failed logins in SRV_RL_WINDOW_MS from one address for one
 * name, that pair gets 429 until the window passes; after SRV_RL_NAME_FAILS
 * for one name from any addresses, the name does, from everywhere (so a
 * guesser with many addresses gets twenty tries, not five for each). A
 * login in progress counts against both until it is decided, so guesses
 * sent at once get no more tries than guesses sent one by one. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "exercise/roster.h"
#include "server/srv_int.h"

#define SRV_RL_FAILS 5
#define SRV_RL_NAME_FAILS 20
#define SRV_RL_WINDOW_MS (5 * 60 * 1000LL)
#define SRV_RL_MAX 4096

typedef struct srv_rl {
    char key[192]; /* address|name, or *|name */
    int fails;
    int pending; /* logins being decided */
    int64_t first_ms;
} srv_rl_t;

static void client_addr(srv_req_t *r, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, len, "?");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
                  out, (socklen_t)len);
}

static srv_rl_t *rl_find(srv_t *s, const char *key, int64_t now, int create)
{
    for (size_t i = 0; i < s->n_rl; i++)
        if (!strcmp(s->rl[i].key, key)) {
            if (now - s->rl[i].first_ms > SRV_RL_WINDOW_MS) {
                s->rl[i].fails = 0;
                s->rl[i].first_ms = now;
            }
            return &s->rl[i];
        }
    if (!create)
        return NULL;
    if (s->n_rl == SRV_RL_MAX) { /* forget the oldest window */
        size_t old = 0;
        for (size_t i = 1; i < s->n_rl; i++)
            if (s->rl[i].first_ms < s->rl[old].first_ms)
                old = i;
        s->rl[old] = s->rl[--s->n_rl];
    }
    srv_rl_t *n = realloc(s->rl, (s->n_rl + 1) * sizeof *n);
    if (!n)
        return NULL;
    s->rl = n;
    srv_rl_t *e = &s->rl[s->n_rl++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->first_ms = now;
    return e;
}

/* ---- sessions: looked up in the accounts store, remembered briefly ---------------- */

#define SESS_SLOTS 1024

typedef struct srv_sess {
    unsigned char key[32]; /* BLAKE2b of the token: the token itself is not kept */
    int used;
    int64_t checked_ms;
    sw_account_info_t who;
    char csrf[SW_SESSION_TOKEN_LEN + 1];
} srv_sess_t;

void srv_sessions_forget(srv_t *s)
{
    pthread_mutex_lock(&s->sess_lock);
    if (s->sess)
        memset(s->sess, 0, SESS_SLOTS * sizeof *s->sess);
    pthread_mutex_unlock(&s->sess_lock);
}

void srv_sessions_free(srv_t *s)
{
    if (s->sess)
        sodium_memzero(s->sess, SESS_SLOTS * sizeof *s->sess);
    free(s->sess);
    s->sess = NULL;
}

int srv_session(srv_req_t *r, char *csrf)
{
    srv_t *s = r->srv;
    const char *token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sw_session");
    if (!token || strlen(token) != SW_SESSION_TOKEN_LEN)
        return -1;
    unsigned char key[32];
    crypto_generichash(key, sizeof key, (const unsigned char *)token, strlen(token), NULL, 0);
    uint32_t slot = ((uint32_t)key[0] | (uint32_t)key[1] << 8) % SESS_SLOTS;
    int64_t now = srv_now_ms();
    /* 1. seen within the last SRV_SESSION_CACHE_MS */
    pthread_mutex_lock(&s->sess_lock);
    if (!s->sess)
        s->sess = calloc(SESS_SLOTS, sizeof *s->sess);
    srv_sess_t *e = s->sess ? &s->sess[slot] : NULL;
    if (e && e->used && now - e->checked_ms < SRV_SESSION_CACHE_MS &&
        sodium_memcmp(e->key, key, sizeof key) == 0) {
        r->who = e->who;
        memcpy(csrf, e->csrf, sizeof e->csrf);
        pthread_mutex_unlock(&s->sess_lock);
        return 0;
    }
    pthread_mutex_unlock(&s->sess_lock);
    /* 2. the store */
    sw_errbuf_t err;
    pthread_mutex_lock(&s->accounts_lock);
    int rc = sw_sessions_lookup(s->accounts, token, now, &r->who, csrf, &err);
    pthread_mutex_unlock(&s->accounts_lock);
    if (rc)
        return -1;
    pthread_mutex_lock(&s->sess_lock);
    if (s->sess) {
        e = &s->sess[slot];
        memcpy(e->key, key, sizeof key);
        e->used = 1;
        e->checked_ms = now;
        e->who = r->who;
        memcpy(e->csrf, csrf, sizeof e->csrf);
    }
    pthread_mutex_unlock(&s->sess_lock);
    return 0;
}

static json_t *who_json(const sw_account_info_t *w, const char *csrf)
{
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:b}", "user", w->name, "role", sw_account_role_names[w->role],
                  "team", w->team, "must_change", w->must_change);
    if (j && csrf)
        json_object_set_new(j, "csrf", json_string(csrf));
    return j;
}

static void set_session_cookie(srv_req_t *r, const char *token)
{
    snprintf(r->cookie_buf, sizeof r->cookie_buf,
             "sw_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld%s", token,
             (long long)(SRV_SESSION_TTL_MS / 1000), r->srv->o.tls_cert ? "; Secure" : "");
    r->set_cookie = r->cookie_buf;
}

int api_login(srv_req_t *r)
{
    static const char *const f[] = {"user", "password", NULL};
    if (srv_only(r, f))
        return 0;
    const char *user = srv_str(r, "user"), *pw = srv_str(r, "password");
    if (!user || !pw)
        return srv_error(r, 400, "missing_field", "login needs \"user\" and \"password\"");
    srv_t *s = r->srv;
    char addr[64], key[160], name_key[160];
    client_addr(r, addr, sizeof addr);
    snprintf(key, sizeof key, "%s|%.64s", addr, user);
    snprintf(name_key, sizeof name_key, "*|%.64s", user);
    int64_t now = srv_now_ms();
    /* checked and counted in one step: a login in progress counts */
    pthread_mutex_lock(&s->rl_lock);
    srv_rl_t *e = rl_find(s, key, now, 0);
    int limited = e && e->fails + e->pending >= SRV_RL_FAILS;
    e = rl_find(s, name_key, now, 0);
    int name_limited = e && e->fails + e->pending >= SRV_RL_NAME_FAILS;
    if (!limited && !name_limited) {
        if ((e = rl_find(s, key, now, 1)))
            e->pending++;
        if ((e = rl_find(s, name_key, now, 1)))
            e->pending++;
    }
    pthread_mutex_unlock(&s->rl_lock);
    if (limited || name_limited)
        return srv_error(r, 429, "too_many_attempts",
                         "too many failed logins for %.64s%s: wait a few minutes", user,
                         limited ? " from here" : "");
    sw_errbuf_t err;
    sw_account_info_t who;
    char token[SW_SESSION_TOKEN_LEN + 1], csrf[SW_SESSION_TOKEN_LEN + 1];
    pthread_mutex_lock(&s->accounts_lock);
    int rc = sw_accounts_verify(s->accounts, user, pw, &who, &err);
    int failed = rc != 0;
    if (!rc)
        rc = sw_sessions_create(s->accounts, who.name, now, SRV_SESSION_TTL_MS, token, csrf, &err);
    pthread_mutex_unlock(&s->accounts_lock);
    pthread_mutex_lock(&s->rl_lock);
    const char *keys[2] = {key, name_key};
    for (int i = 0; i < 2; i++)
        if ((e = rl_find(s, keys[i], now, 1))) {
            e->pending -= e->pending > 0;
            e->fails += failed;
        }
    pthread_mutex_unlock(&s->rl_lock);
    if (rc && !failed) /* the right password, but the session could not be written */
        return srv_error(r, 503, "unavailable", "cannot log in now: the server cannot write (%s)",
                         err.msg);
    if (rc)
        return srv_error(r, 401, rc == SW_ESTATE ? "disabled" : "bad_login", "%s", err.msg);
    set_session_cookie(r, token);
    return srv_ok(r, 200, who_json(&who, csrf));
}

int api_logout(srv_req_t *r)
{
    const char *token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sw_session");
    sw_errbuf_t err;
    pthread_mutex_lock(&r->srv->accounts_lock);
    sw_sessions_delete(r->srv->accounts, token, &err);
    pthread_mutex_unlock(&r->srv->accounts_lock);
    srv_sessions_forget(r->srv);
    snprintf(r->cookie_buf, sizeof r->cookie_buf,
             "sw_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    r->set_cookie = r->cookie_buf;
    return srv_ok(r, 200, json_pack("{s:b}", "ok", 1));
}

int api_me(srv_req_t *r)
{
    char csrf[SW_SESSION_TOKEN_LEN + 1] = "";
    srv_session(r, csrf);
    return srv_ok(r, 200, who_json(&r->who, csrf));
}

int api_password(srv_req_t *r)
{
    static const char *const f[] = {"current", "new", NULL};
    if (srv_only(r, f))
        return 0;
    const char *cur = srv_str(r, "current"), *pw = srv_str(r, "new");
    if (!cur || !pw)
        return srv_error(r, 400, "missing_field", "a new password needs \"current\" and \"new\"");
    if (!strcmp(cur, pw))
        return srv_error(r, 422, "refused", "the new password is the current one");
    srv_t *s = r->srv;
    sw_errbuf_t err;
    sw_account_info_t who;
    char token[SW_SESSION_TOKEN_LEN + 1], csrf[SW_SESSION_TOKEN_LEN + 1];
    int64_t now = srv_now_ms();
    pthread_mutex_lock(&s->accounts_lock);
    int rc = sw_accounts_verify(s->accounts, r->who.name, cur, &who, &err);
    if (rc) {
        pthread_mutex_unlock(&s->accounts_lock);
        return srv_error(r, 403, "bad_login", "the current password is not right");
    }
    /* every session of the account ends; this one continues as a new one */
    rc = sw_accounts_set_password(s->accounts, who.name, pw, 0, &err);
    srv_sessions_forget(s);
    if (!rc)
        rc = sw_sessions_create(s->accounts, who.name, now, SRV_SESSION_TTL_MS, token, csrf, &err);
    if (!rc)
        rc = sw_accounts_get(s->accounts, who.name, &who, &err);
    pthread_mutex_unlock(&s->accounts_lock);
    if (rc)
        return srv_error(r, rc == SW_EINVAL ? 422 : 500, rc == SW_EINVAL ? "refused" : "internal",
                         "%s", err.msg);
    set_session_cookie(r, token);
    return srv_ok(r, 200, who_json(&who, csrf));
}

int srv_first_admin(srv_t *s, char *password_out, size_t len, sw_errbuf_t *err)
{
    int64_t n = 0;
    password_out[0] = '\0';
    int rc = sw_accounts_count(s->accounts, &n, err);
    if (rc || n > 0)
        return rc;
    const char *env = getenv(SW_SERVER_ADMIN_ENV);
    char pw[32];
    if (env && *env) {
        snprintf(pw, sizeof pw, "%s", env);
        if (strlen(env) >= sizeof pw)
            return sw_seterr(err, SW_EINVAL, "%s is longer than %zu characters",
                             SW_SERVER_ADMIN_ENV, sizeof pw - 1);
    } else {
        sw_accounts_random_password(pw, 16);
        snprintf(password_out, len, "%s", pw);
    }
    return sw_accounts_add(s->accounts, "admin", SW_ACCT_ADMIN, NULL, pw, env && *env ? 0 : 1,
                           srv_now_ms(), err);
}

/* ---- accounts (administrator) ------------------------------------------------------- */

static int list_one(const sw_account_info_t *in, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:b, s:b}", "user", in->name, "role",
                                        sw_account_role_names[in->role], "team", in->team,
                                        "disabled", in->disabled, "must_change", in->must_change));
    return 0;
}

int api_users_get(srv_req_t *r)
{
    json_t *a = json_array();
    sw_errbuf_t err;
    pthread_mutex_lock(&r->srv->accounts_lock);
    int rc = sw_accounts_list(r->srv->accounts, list_one, a, &err);
    pthread_mutex_unlock(&r->srv->accounts_lock);
    if (rc) {
        json_decref(a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:o}", "users", a));
}

int api_user_post(srv_req_t *r)
{
    static const char *const f[] = {"user", "role", "team", "password", NULL};
    if (srv_only(r, f))
        return 0;
    char pw[SW_ROSTER_PASSWORD_LEN + 1];
    sw_errbuf_t err;
    pthread_mutex_lock(&r->srv->accounts_lock);
    int rc = sw_roster_add(r->srv->accounts, &r->srv->info, srv_str(r, "user"), srv_str(r, "role"),
                           srv_str(r, "team"), srv_str(r, "password"), srv_now_ms(), pw, &err);
    pthread_mutex_unlock(&r->srv->accounts_lock);
    if (rc)
        return srv_error(r, rc == SW_EEXIST ? 409 : 422, rc == SW_EEXIST ? "conflict" : "refused",
                         "%s", err.msg);
    json_t *j = json_pack("{s:s}", "user", srv_str(r, "user"));
    if (*pw)
        json_object_set_new(j, "password", json_string(pw));
    return srv_ok(r, 201, j);
}

int api_user_patch(srv_req_t *r)
{
    static const char *const f[] = {"disabled", "password", NULL};
    if (srv_only(r, f))
        return 0;
    const char *name = r->params[0];
    json_t *dis = json_object_get(r->json, "disabled");
    const char *pw = srv_str(r, "password");
    sw_errbuf_t err;
    int rc = SW_OK;
    char gen[SW_ROSTER_PASSWORD_LEN + 1] = "";
    pthread_mutex_lock(&r->srv->accounts_lock);
    if (dis && json_is_boolean(dis))
        rc = sw_accounts_set_disabled(r->srv->accounts, name, json_is_true(dis), &err);
    if (!rc && json_object_get(r->json, "password")) {
        if (!pw || !*pw) { /* reset: a one-time password */
            sw_accounts_random_password(gen, SW_ROSTER_PASSWORD_LEN);
            pw = gen;
        }
        rc = sw_accounts_set_password(r->srv->accounts, name, pw, *gen != '\0', &err);
    }
    srv_sessions_forget(r->srv);
    pthread_mutex_unlock(&r->srv->accounts_lock);
    if (rc)
        return srv_error(r, rc == SW_ENOENT ? 404 : 422, rc == SW_ENOENT ? "not_found" : "refused",
                         "%s", err.msg);
    json_t *j = json_pack("{s:s}", "user", name);
    if (*gen)
        json_object_set_new(j, "password", json_string(gen));
    return srv_ok(r, 200, j);
}

static void add_made(const sw_roster_made_t *m, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:s}", "user", m->name, "role", m->role,
                                        "team", m->team, "password", m->password));
}

int api_users_import(srv_req_t *r)
{
    static const char *const f[] = {"csv", NULL};
    if (srv_only(r, f))
        return 0;
    const char *csv = srv_str(r, "csv");
    if (!csv)
        return srv_error(r, 400, "missing_field", "import needs \"csv\": lines name,role,team");
    json_t *made = json_array();
    sw_diags_t d;
    sw_diags_init(&d);
    sw_errbuf_t err;
    pthread_mutex_lock(&r->srv->accounts_lock);
    int rc = sw_roster_import(r->srv->accounts, &r->srv->info, "csv", csv, strlen(csv),
                              srv_now_ms(), add_made, made, &d, &err);
    pthread_mutex_unlock(&r->srv->accounts_lock);
    if (rc) {
        json_t *problems = json_array();
        for (size_t i = 0; i < d.n; i++)
            json_array_append_new(problems,
                                  json_pack("{s:i, s:i, s:s}", "line", d.items[i].loc.line, "col",
                                            d.items[i].loc.col, "message", d.items[i].msg));
        sw_diags_free(&d);
        json_decref(made);
        srv_error(r, rc == SW_EINVAL ? 422 : 500, rc == SW_EINVAL ? "refused" : "internal", "%s",
                  err.msg);
        json_object_set_new(json_object_get(r->answer, "error"), "problems", problems);
        return 0;
    }
    sw_diags_free(&d);
    return srv_ok(r, 201, json_pack("{s:o}", "created", made));
}
