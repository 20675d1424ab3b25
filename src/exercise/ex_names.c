/* ex_names.c — names as players give them. Logs name a host NSO-WS04 (its
 * hostname), nso-ws04.nso.gov.pw (an FQDN) or 10.20.1.14; the scenario
 * calls it nso-ws04; an account is PW\jdoe, jdoe@pw.gov or jdoe. Each is
 * accepted, resolved to the world's object, and a name that resolves to
 * nothing is refused with the closest right name, or with the fact that it
 * belongs to another team. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "exercise/ex_int.h"

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
    if (!why || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

uint32_t sw_exercise_find_team(const sw_exercise_t *ex, const char *name, char *why, size_t why_len)
{
    const sw_world_t *w = ex->w;
    if (!name || !*name) {
        say(why, why_len, "no team given");
        return SW_NONE;
    }
    for (uint32_t t = 0; t < w->n_teams; t++)
        if (!strcasecmp(w->teams[t].id, name))
            return t;
    const char *cands[64];
    size_t n = 0;
    for (uint32_t t = 0; t < w->n_teams && n < 64; t++)
        cands[n++] = w->teams[t].id;
    const char *near = sw_closest(name, cands, n, 1);
    if (near) {
        say(why, why_len, "no team '%s' in this exercise; did you mean %s?", name, near);
    } else {
        size_t used =
            (size_t)snprintf(why, why_len, "no team '%s' in this exercise; its teams:", name);
        for (uint32_t t = 0; t < w->n_teams && used < why_len; t++)
            used += (size_t)snprintf(why + used, why_len - used, " %s", w->teams[t].id);
    }
    return SW_NONE;
}

/* Does name (as given) name host h? */
static int host_is(const sw_host_t *h, const char *name)
{
    if (!strcasecmp(h->id, name) || (h->hostname && !strcasecmp(h->hostname, name)) ||
        (h->ip_text && !strcmp(h->ip_text, name)))
        return 1;
    /* an FQDN: its first label is the hostname */
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : 0;
    return dot && h->hostname && strlen(h->hostname) == n && !strncasecmp(h->hostname, name, n) &&
           (name[n + 1] < '0' || name[n + 1] > '9');
}

uint32_t sw_exercise_find_host(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                               size_t why_len)
{
    const sw_world_t *w = ex->w;
    uint32_t other = SW_NONE;
    for (uint32_t h = 0; name && h < w->n_hosts; h++) {
        if (!host_is(&w->hosts[h], name))
            continue;
        if (w->hosts[h].team == team)
            return h;
        if (other == SW_NONE)
            other = h;
    }
    if (!name || !*name) {
        say(why, why_len, "no host given");
        return SW_NONE;
    }
    if (other != SW_NONE) {
        uint32_t ot = w->hosts[other].team;
        say(why, why_len, "%s belongs to %s, not to %s: a team acts only on its own hosts", name,
            ot < w->n_teams ? w->teams[ot].id : "no team",
            team < w->n_teams ? w->teams[team].id : "?");
        return SW_NONE;
    }
    /* the closest of the team's hostnames (as the logs show them) */
    const char **cands = calloc(w->n_hosts ? w->n_hosts : 1, sizeof *cands);
    size_t n = 0;
    for (uint32_t h = 0; cands && h < w->n_hosts; h++)
        if (w->hosts[h].team == team)
            cands[n++] = w->hosts[h].hostname ? w->hosts[h].hostname : w->hosts[h].id;
    const char *near = cands ? sw_closest(name, cands, n, 1) : NULL;
    if (near)
        say(why, why_len, "no host '%s' in %s's network; did you mean %s?", name, w->teams[team].id,
            near);
    else
        say(why, why_len,
            "no host '%s' in %s's network (name it as the logs do, e.g. %s, or by its IP)", name,
            w->teams[team].id, n ? cands[0] : "WS01");
    free(cands);
    return SW_NONE;
}

uint32_t ex_find_org(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                     size_t why_len)
{
    const sw_world_t *w = ex->w;
    const char *cands[256];
    size_t n = 0;
    for (uint32_t o = 0; o < w->n_orgs; o++) {
        if (w->orgs[o].team != team)
            continue;
        if (!strcasecmp(w->orgs[o].id, name) ||
            (w->orgs[o].name && !strcasecmp(w->orgs[o].name, name)))
            return o;
        if (n < 256)
            cands[n++] = w->orgs[o].id;
    }
    const char *near = sw_closest(name, cands, n, 1);
    if (near)
        say(why, why_len, "no organisation '%s' in %s; did you mean %s?", name, w->teams[team].id,
            near);
    else
        say(why, why_len, "no organisation '%s' in %s", name, w->teams[team].id);
    return SW_NONE;
}

void ex_team_saw_account(sw_exercise_t *ex, uint32_t team, const char *account)
{
    ex_team_t *t = &ex->teams[team];
    for (uint32_t i = 0; i < t->n_accounts; i++)
        if (!strcasecmp(t->accounts[i], account))
            return;
    if (t->n_accounts == t->cap_accounts) {
        uint32_t ncap = t->cap_accounts ? t->cap_accounts * 2 : 16;
        if (ncap > 4096)
            return; /* a bound, not a need: accounts come from the scenario */
        char **n = realloc(t->accounts, ncap * sizeof *n);
        if (!n)
            return;
        t->accounts = n;
        t->cap_accounts = ncap;
    }
    char *copy = strdup(account);
    if (copy)
        t->accounts[t->n_accounts++] = copy;
}

const char *ex_find_account(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                            size_t why_len)
{
    const sw_world_t *w = ex->w;
    /* DOMAIN\user and user@domain name the same account */
    char bare[128];
    const char *p = strrchr(name, '\\');
    snprintf(bare, sizeof bare, "%s", p ? p + 1 : name);
    char *at = strchr(bare, '@');
    if (at)
        *at = '\0';
    if (!*bare) {
        say(why, why_len, "no account given");
        return NULL;
    }
    if (!strcasecmp(bare, "krbtgt")) {
        say(why, why_len, "krbtgt is reset with reset-krbtgt (twice, to end golden tickets)");
        return NULL;
    }
    const char **cands = NULL;
    size_t n = 0, cap = 0;
    const char *found = NULL;
#define CAND(s)                                                                                    \
    do {                                                                                           \
        const char *c_ = (s);                                                                      \
        if (!c_ || found)                                                                          \
            break;                                                                                 \
        if (!strcasecmp(c_, bare)) {                                                               \
            found = c_;                                                                            \
            break;                                                                                 \
        }                                                                                          \
        if (n == cap) {                                                                            \
            size_t nc = cap ? cap * 2 : 64;                                                        \
            const char **nv = realloc(cands, nc * sizeof *nv);                                     \
            if (!nv)                                                                               \
                break;                                                                             \
            cands = nv;                                                                            \
            cap = nc;                                                                              \
        }                                                                                          \
        cands[n++] = c_;                                                                           \
    } while (0)
    for (uint32_t u = 0; u < w->n_users && !found; u++)
        if (w->users[u].org < w->n_orgs && w->orgs[w->users[u].org].team == team)
            CAND(w->users[u].account);
    for (uint32_t h = 0; h < w->n_hosts && !found; h++)
        if (w->hosts[h].team == team)
            for (uint32_t a = 0; a < w->hosts[h].n_accounts; a++)
                CAND(w->hosts[h].accounts[a].name);
    const ex_team_t *t = &ex->teams[team];
    for (uint32_t i = 0; i < t->n_accounts && !found; i++)
        CAND(t->accounts[i]);
    if (!found)
        CAND("Administrator");
#undef CAND
    if (!found) {
        const char *near = sw_closest(bare, cands, n, 1);
        if (near)
            say(why, why_len, "no account '%s' in %s; did you mean %s?", name, w->teams[team].id,
                near);
        else
            say(why, why_len,
                "no account '%s' in %s (give it as the logs show it: DOMAIN\\user, user@domain "
                "or user)",
                name, w->teams[team].id);
    }
    free(cands);
    return found;
}
