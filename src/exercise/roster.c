/* roster.c — accounts checked against the exercise, and CSV rosters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exercise/roster.h"

int sw_roster_check(const sw_exercise_info_t *info, const char *role, const char *team,
                    sw_account_role_t *role_out, char team_out[SW_ACCOUNT_MAX_NAME + 1],
                    sw_errbuf_t *err)
{
    int ri = -1;
    for (int i = 0; i < SW_ACCT__COUNT && role; i++)
        if (!strcmp(role, sw_account_role_names[i]))
            ri = i;
    if (ri < 0)
        return sw_seterr(err, SW_EINVAL, "role '%s' is not admin, instructor, player or observer",
                         role ? role : "");
    *role_out = (sw_account_role_t)ri;
    team_out[0] = '\0';
    int needs = ri == SW_ACCT_PLAYER || ri == SW_ACCT_OBSERVER;
    if (!needs) {
        if (team && *team)
            return sw_seterr(err, SW_EINVAL, "an %s belongs to no team (the white cell sees all)",
                             role);
        return SW_OK;
    }
    if (!team || !*team)
        return sw_seterr(err, SW_EINVAL, "a %s belongs to %s", role,
                         ri == SW_ACCT_PLAYER ? "a team" : "an observer delegation");
    for (uint32_t t = 0; t < info->n_teams; t++)
        if (!strcasecmp(info->teams[t].id, team) &&
            info->teams[t].observer == (ri == SW_ACCT_OBSERVER)) {
            snprintf(team_out, SW_ACCOUNT_MAX_NAME + 1, "%s", info->teams[t].id);
            return SW_OK;
        }
    /* say what there is */
    char list[512] = "";
    size_t at = 0;
    for (uint32_t t = 0; t < info->n_teams && at < sizeof list - 40; t++)
        if (info->teams[t].observer == (ri == SW_ACCT_OBSERVER))
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", at ? ", " : "",
                                   info->teams[t].id);
    return sw_seterr(err, SW_EINVAL, "no %s '%s' in this exercise (there are: %s)",
                     ri == SW_ACCT_PLAYER ? "team" : "observer delegation", team,
                     *list ? list : "none");
}

int sw_roster_add(sw_accounts_t *acc, const sw_exercise_info_t *info, const char *name,
                  const char *role, const char *team, const char *password, int64_t now_ms,
                  char pw_out[SW_ROSTER_PASSWORD_LEN + 1], sw_errbuf_t *err)
{
    sw_account_role_t r;
    char t[SW_ACCOUNT_MAX_NAME + 1];
    pw_out[0] = '\0';
    int rc = sw_roster_check(info, role, team, &r, t, err);
    if (rc)
        return rc;
    int one_time = !password || !*password;
    if (one_time) {
        sw_accounts_random_password(pw_out, SW_ROSTER_PASSWORD_LEN);
        password = pw_out;
    }
    rc = sw_accounts_add(acc, name, r, t, password, one_time, now_ms, err);
    if (rc)
        pw_out[0] = '\0';
    return rc;
}

/* ---- CSV ---------------------------------------------------------------------- */

/* One field of [p, end) up to a comma: trimmed, unquoted, into out (cap).
 * Returns where the next field starts (past the comma), or NULL at the
 * line's end; *col is the field's 1-based column; *too_long when it did not fit. */
static const char *field(const char *p, const char *end, char *out, size_t cap, int *too_long)
{
    const char *comma = memchr(p, ',', (size_t)(end - p));
    const char *fe = comma ? comma : end;
    while (p < fe && (*p == ' ' || *p == '\t'))
        p++;
    while (fe > p && (fe[-1] == ' ' || fe[-1] == '\t'))
        fe--;
    if (fe - p >= 2 && *p == '"' && fe[-1] == '"') {
        p++;
        fe--;
    }
    size_t n = (size_t)(fe - p);
    *too_long = n >= cap;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return comma ? comma + 1 : NULL;
}

int sw_roster_parse(const sw_exercise_info_t *info, const char *file, const char *csv, size_t len,
                    sw_roster_row_t **rows_out, size_t *n_out, sw_diags_t *d, sw_errbuf_t *err)
{
    sw_roster_row_t *rows = NULL;
    size_t n = 0, cap = 0;
    int line = 0;
    const char *p = csv, *end = csv + len;
    size_t errors_before = d->n_errors;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        line++;
        if (le > p && le[-1] == '\r')
            le--;
        sw_loc_t loc = {.file = file, .line = line, .col = 1};
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q == le || *q == '#' || (line == 1 && le - q >= 5 && !strncasecmp(q, "name,", 5))) {
            p = next;
            continue;
        }
        if (memchr(p, '\0', (size_t)(le - p))) {
            sw_diags_add(d, loc, SW_DIAG_ERROR, "a NUL byte: this is not a text CSV");
            break;
        }
        if (n == SW_ROSTER_MAX_ROWS) {
            sw_diags_add(d, loc, SW_DIAG_ERROR, "more than %d accounts in one import",
                         SW_ROSTER_MAX_ROWS);
            break;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            sw_roster_row_t *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                free(rows);
                return sw_seterr(err, SW_ENOMEM, "out of memory reading the roster");
            }
            rows = nr;
            cap = nc;
        }
        sw_roster_row_t *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->line = line;
        int long1, long2 = 0, long3 = 0;
        const char *f2 = field(p, le, r->name, sizeof r->name, &long1);
        const char *f3 = f2 ? field(f2, le, r->role, sizeof r->role, &long2) : NULL;
        const char *f4 = f3 ? field(f3, le, r->team, sizeof r->team, &long3) : NULL;
        sw_errbuf_t e;
        sw_account_role_t role;
        char team[SW_ACCOUNT_MAX_NAME + 1];
        if (!f2)
            sw_diags_add(d, loc, SW_DIAG_ERROR, "expected name,role,team (e.g. ana,player,tonga)");
        else if (f4) {
            loc.col = (int)(f4 - p);
            sw_diags_add(d, loc, SW_DIAG_ERROR, "more than three fields: expected name,role,team");
        } else if (long1 || long3)
            sw_diags_add(d, loc, SW_DIAG_ERROR, "a %s longer than %d characters",
                         long1 ? "name" : "team", SW_ACCOUNT_MAX_NAME);
        else if (!sw_accounts_name_ok(r->name))
            sw_diags_add(d, loc, SW_DIAG_ERROR,
                         "'%s' is not an account name (letters, digits, _ . @ -)", r->name);
        else if (long2 || sw_roster_check(info, r->role, r->team, &role, team, &e)) {
            loc.col = (int)(f2 - p) + 1;
            sw_diags_add(d, loc, SW_DIAG_ERROR, "%s",
                         long2 ? "role is admin, instructor, player or observer" : e.msg);
        } else {
            r->r = role;
            snprintf(r->team, sizeof r->team, "%s", team);
            n++;
        }
        p = next;
    }
    if (d->n_errors > errors_before) {
        free(rows);
        return sw_seterr(err, SW_EINVAL, "%s: %zu problem%s; no account was added", file,
                         d->n_errors - errors_before, d->n_errors - errors_before == 1 ? "" : "s");
    }
    *rows_out = rows;
    *n_out = n;
    return SW_OK;
}

int sw_roster_import(sw_accounts_t *acc, const sw_exercise_info_t *info, const char *file,
                     const char *csv, size_t len, int64_t now_ms, sw_roster_made_cb made, void *ud,
                     sw_diags_t *d, sw_errbuf_t *err)
{
    sw_roster_row_t *rows = NULL;
    size_t n = 0;
    int rc = sw_roster_parse(info, file, csv, len, &rows, &n, d, err);
    if (rc)
        return rc;
    sw_account_new_t *v = calloc(n ? n : 1, sizeof *v);
    if (!v) {
        free(rows);
        return sw_seterr(err, SW_ENOMEM, "out of memory reading the roster");
    }
    for (size_t i = 0; i < n; i++) {
        sw_accounts_random_password(rows[i].password, SW_ROSTER_PASSWORD_LEN);
        v[i] = (sw_account_new_t){rows[i].name, rows[i].r, rows[i].team, rows[i].password, 1};
    }
    size_t bad = 0;
    rc = sw_accounts_add_all(acc, v, n, now_ms, &bad, err);
    if (rc == SW_EINVAL || rc == SW_EEXIST) {
        sw_loc_t loc = {.file = file, .line = rows[bad].line, .col = 1};
        sw_diags_add(d, loc, SW_DIAG_ERROR, "%s", err->msg);
        sw_seterr(err, SW_EINVAL, "%s: line %d refused; no account was added", file,
                  rows[bad].line);
        rc = SW_EINVAL;
    }
    for (size_t i = 0; !rc && made && i < n; i++) {
        sw_roster_made_t m = {rows[i].line, rows[i].name, sw_account_role_names[rows[i].r],
                              rows[i].team, rows[i].password};
        made(&m, ud);
    }
    free(v);
    free(rows);
    return rc;
}
