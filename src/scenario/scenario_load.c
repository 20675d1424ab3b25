/* scenario_load.c — scenario YAML trees to the world model.
 *
 * Phases, in order (sw_scenario_load_mem):
 *   1. read    the main file and its includes into trees (scn_read in
 *              scenario_read.c), depth first, includes before their includer;
 *   2. declare every object with an id (ld_declare): arrays sized, ids put in
 *              maps, duplicates reported, `count:` hosts expanded — so any
 *              later reference may point forwards or into another file;
 *   3. fill    every field, section by section (scn_fill_* in
 *              scenario_exercise.c, scenario_network.c, scenario_adversary.c),
 *              resolving references through the maps;
 *   4. derive  the back-references (team->orgs, org->hosts, network->hosts);
 *   5. check   the semantics (scenario_check.c).
 * Every problem becomes a located diagnostic and loading goes on: a bad value
 * leaves the field at its default, an unresolved reference at SW_NONE.
 *
 * Invariants
 *  1. World strings and arrays live in w->arena; trees live in L->tmp and die
 *     at the end of the load.
 *  2. Locations name the file as the loader read it: a path as given/joined,
 *     or "builtin:scenarios/..." for embedded files.
 *  3. Anything sized by the input is bounded (files, depth, objects, count). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "scenario/scenario_i18n.h"
#include "scenario/scenario_int.h"

static uint32_t count_items(ld_t *L, const char *key)
{
    uint32_t n = 0;
    FOR_ITEMS(L, key, it)
    n++;
    return n;
}

static uint32_t count_sub(node_t *map, const char *key)
{
    node_t *v = scn_mget(map, key);
    return v && v->kind == YT_SEQ ? v->n : 0;
}

/* ---- phase 2: declare ------------------------------------------------------ */

/* Number of hosts an entry expands to (its `count:`, 1 by default). */
static uint32_t host_count(ld_t *L, node_t *h, int report)
{
    node_t *v = scn_mget(h, "count");
    if (!v)
        return 1;
    if (!report) {
        char *end;
        long x = v->kind == YT_SCALAR ? strtol(v->str, &end, 10) : 0;
        return (v->kind == YT_SCALAR && !*end && x >= 1 && x <= SW_SCN_MAX_COUNT) ? (uint32_t)x : 1;
    }
    return (uint32_t)scn_val_int(L, v, "count", 1, 1, SW_SCN_MAX_COUNT);
}

static int too_many(ld_t *L, uint32_t n, const char *what_kind)
{
    if (n <= SW_SCN_MAX_OBJECTS)
        return 0;
    sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
    ERR(L, loc, "too many %s (%u, limit %d)", what_kind, n, SW_SCN_MAX_OBJECTS);
    return 1;
}

static void ld_declare(ld_t *L)
{
    sw_world_t *w = L->w;
    char wb[160];
    /* teams and observers */
    uint32_t nt = count_items(L, "teams") + count_items(L, "observers");
    uint32_t no = count_items(L, "orgs"), nn = 0, nh = 0, nu = 0;
    FOR_ITEMS(L, "orgs", o)
    {
        nn += count_sub(o, "networks");
        nu += count_sub(o, "users");
        FOR_SUB(o, "hosts", h)
        nh += host_count(L, h, 0);
    }
    uint32_t nl = count_items(L, "links"), nb = count_items(L, "business");
    uint32_t na = count_items(L, "adversaries"), ni = count_items(L, "injects");
    if (too_many(L, nt, "teams") || too_many(L, no, "organisations") ||
        too_many(L, nn, "networks") || too_many(L, nh, "hosts") || too_many(L, nu, "users") ||
        too_many(L, nl, "links") || too_many(L, nb, "business services") ||
        too_many(L, na, "adversaries") || too_many(L, ni, "injects")) {
        L->stop = 1;
        return;
    }
    w->teams = scn_wz(L, nt * sizeof *w->teams);
    w->orgs = scn_wz(L, no * sizeof *w->orgs);
    w->networks = scn_wz(L, nn * sizeof *w->networks);
    w->hosts = scn_wz(L, nh * sizeof *w->hosts);
    w->users = scn_wz(L, nu * sizeof *w->users);
    w->links = scn_wz(L, nl * sizeof *w->links);
    w->business = scn_wz(L, nb * sizeof *w->business);
    w->adversaries = scn_wz(L, na * sizeof *w->adversaries);
    w->injects = scn_wz(L, ni * sizeof *w->injects);
    L->team_n = calloc(nt + 1, sizeof *L->team_n);
    L->org_n = calloc(no + 1, sizeof *L->org_n);
    L->net_n = calloc(nn + 1, sizeof *L->net_n);
    L->host_n = calloc(nh + 1, sizeof *L->host_n);
    L->host_first = calloc(nh + 1, sizeof *L->host_first);
    L->user_n = calloc(nu + 1, sizeof *L->user_n);
    L->link_n = calloc(nl + 1, sizeof *L->link_n);
    L->biz_n = calloc(nb + 1, sizeof *L->biz_n);
    L->adv_n = calloc(na + 1, sizeof *L->adv_n);
    L->inj_n = calloc(ni + 1, sizeof *L->inj_n);
    if (L->oom || !L->team_n || !L->org_n || !L->net_n || !L->host_n || !L->host_first ||
        !L->user_n || !L->link_n || !L->biz_n || !L->adv_n || !L->inj_n) {
        L->oom = 1;
        return;
    }

    static const char *const tkeys[2] = {"teams", "observers"};
    for (int k = 0; k < 2; k++)
        FOR_ITEMS(L, tkeys[k], t)
        {
            uint32_t i = w->n_teams++;
            sw_team_t *tm = &w->teams[i];
            L->team_n[i] = t;
            tm->loc = t->loc;
            tm->kind = k ? SW_TEAM_OBSERVER : SW_TEAM_PLAYER;
            const char *id = scn_entry_id(L, t, "id", k ? "observer" : "team");
            if (id && (tm->id = scn_wstr(L, id)))
                DECLARE(L, &L->m_team, tm->id, i, w->teams, "team");
        }
    FOR_ITEMS(L, "orgs", o)
    {
        uint32_t i = w->n_orgs++;
        sw_org_t *org = &w->orgs[i];
        L->org_n[i] = o;
        org->loc = o->loc;
        org->team = SW_NONE;
        const char *id = scn_entry_id(L, o, "id", "organisation");
        if (id && (org->id = scn_wstr(L, id)))
            DECLARE(L, &L->m_org, org->id, i, w->orgs, "organisation");
        FOR_SUB(o, "networks", n)
        {
            uint32_t j = w->n_networks++;
            sw_network_t *net = &w->networks[j];
            L->net_n[j] = n;
            net->loc = n->loc;
            net->org = i;
            const char *nid = scn_entry_id(L, n, "id", "network");
            if (nid && (net->id = scn_wstr(L, nid)))
                DECLARE(L, &L->m_net, net->id, j, w->networks, "network");
        }
        FOR_SUB(o, "hosts", h)
        {
            uint32_t cnt = host_count(L, h, 1);
            const char *hid = scn_entry_id(L, h, "id", "host");
            uint32_t first = w->n_hosts;
            for (uint32_t c = 0; c < cnt; c++) {
                uint32_t j = w->n_hosts++;
                sw_host_t *host = &w->hosts[j];
                L->host_n[j] = h;
                L->host_first[j] = first;
                host->loc = h->loc;
                host->org = i;
                if (!hid)
                    continue;
                if (cnt > 1) {
                    snprintf(wb, sizeof wb, "%s%02u", hid, c + 1);
                    host->id = scn_wstr(L, wb);
                } else {
                    host->id = scn_wstr(L, hid);
                }
                if (host->id)
                    DECLARE(L, &L->m_host, host->id, j, w->hosts, "host");
            }
        }
        FOR_SUB(o, "users", u)
        {
            uint32_t j = w->n_users++;
            sw_user_t *user = &w->users[j];
            L->user_n[j] = u;
            user->loc = u->loc;
            user->org = i;
            const char *uid = scn_entry_id(L, u, "id", "user");
            if (uid && (user->id = scn_wstr(L, uid)))
                DECLARE(L, &L->m_user, user->id, j, w->users, "user");
        }
    }
    FOR_ITEMS(L, "links", l)
    {
        uint32_t i = w->n_links++;
        L->link_n[i] = l;
        w->links[i].loc = l->loc;
        const char *id = scn_entry_id(L, l, "id", "link");
        if (id && (w->links[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_link, w->links[i].id, i, w->links, "link");
    }
    FOR_ITEMS(L, "business", b)
    {
        uint32_t i = w->n_business++;
        L->biz_n[i] = b;
        w->business[i].loc = b->loc;
        const char *id = scn_entry_id(L, b, "id", "business service");
        if (id && (w->business[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_biz, w->business[i].id, i, w->business, "business service");
    }
    FOR_ITEMS(L, "adversaries", a)
    {
        uint32_t i = w->n_adversaries++;
        L->adv_n[i] = a;
        w->adversaries[i].loc = a->loc;
        const char *id = scn_entry_id(L, a, "id", "adversary");
        if (id && (w->adversaries[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_adv, w->adversaries[i].id, i, w->adversaries, "adversary");
    }
    FOR_ITEMS(L, "injects", j)
    {
        uint32_t i = w->n_injects++;
        L->inj_n[i] = j;
        w->injects[i].loc = j->loc;
        const char *id = scn_entry_id(L, j, "id", "inject");
        if (id && (w->injects[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_inj, w->injects[i].id, i, w->injects, "inject");
    }
}

/* ---- phase 4: derive back-references ---------------------------------------- */

static void ld_derive(ld_t *L)
{
    sw_world_t *w = L->w;
    /* counts first, then fill: team->orgs, org->networks/hosts/users, network->hosts */
    for (uint32_t i = 0; i < w->n_orgs; i++)
        if (w->orgs[i].team != SW_NONE)
            w->teams[w->orgs[i].team].orgs.n++;
    for (uint32_t i = 0; i < w->n_networks; i++)
        w->orgs[w->networks[i].org].networks.n++;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        w->orgs[w->hosts[i].org].hosts.n++;
        if (w->hosts[i].network != SW_NONE)
            w->networks[w->hosts[i].network].hosts.n++;
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        w->orgs[w->users[i].org].users.n++;
#define ALLOC_LIST(l)                                                                              \
    do {                                                                                           \
        (l).ids = scn_wz(L, (l).n * sizeof *(l).ids);                                              \
        (l).n = 0;                                                                                 \
    } while (0)
    for (uint32_t i = 0; i < w->n_teams; i++)
        ALLOC_LIST(w->teams[i].orgs);
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        ALLOC_LIST(w->orgs[i].networks);
        ALLOC_LIST(w->orgs[i].hosts);
        ALLOC_LIST(w->orgs[i].users);
    }
    for (uint32_t i = 0; i < w->n_networks; i++)
        ALLOC_LIST(w->networks[i].hosts);
    if (L->oom)
        return;
#define PUSH(l, v) ((l).ids[(l).n++] = (v))
    for (uint32_t i = 0; i < w->n_orgs; i++)
        if (w->orgs[i].team != SW_NONE)
            PUSH(w->teams[w->orgs[i].team].orgs, i);
    for (uint32_t i = 0; i < w->n_networks; i++)
        PUSH(w->orgs[w->networks[i].org].networks, i);
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        PUSH(w->orgs[w->hosts[i].org].hosts, i);
        if (w->hosts[i].network != SW_NONE)
            PUSH(w->networks[w->hosts[i].network].hosts, i);
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        PUSH(w->orgs[w->users[i].org].users, i);
    int has_teams = 0;
    for (int i = 0; i < L->n_files; i++)
        has_teams |= scn_mget(L->roots[i], "teams") != NULL;
    if (w->n_teams == 0 && !has_teams) {
        sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
        ERR(L, loc, "the scenario has no teams: add a 'teams' list");
    }
#undef PUSH
#undef ALLOC_LIST
}

static void ld_free(ld_t *L)
{
    sw_arena_free(&L->tmp);
    free(L->team_n);
    free(L->org_n);
    free(L->net_n);
    free(L->host_n);
    free(L->host_first);
    free(L->user_n);
    free(L->link_n);
    free(L->biz_n);
    free(L->adv_n);
    free(L->inj_n);
    scn_idmap_t *maps[] = {&L->m_team, &L->m_org, &L->m_net, &L->m_host, &L->m_user,
                           &L->m_link, &L->m_biz, &L->m_adv, &L->m_inj};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        scn_idmap_free(maps[i]);
}

int sw_scenario_load_mem(const char *name, const char *text, size_t len, sw_world_t *w,
                         sw_diags_t *d)
{
    return scn_load(name, text, len, w, d, NULL, NULL);
}

int scn_load(const char *name, const char *text, size_t len, sw_world_t *w, sw_diags_t *d,
             sw_scenario_files_t *keep, const sw_scenario_files_t *given)
{
    ld_t L;
    memset(&L, 0, sizeof L);
    L.keep = keep;
    L.given = given;
    sw_world_init(w);
    if (!name)
        name = "<input>";
    if (!text) { /* libyaml asserts on a NULL input */
        text = "";
        len = 0;
    }
    L.w = w;
    L.d = d;
    L.suggest_budget = (uint64_t)200 << 20; /* ~0.2 s of edit distances at most */
    /* trees are bounded per file; this bounds the sum over includes too */
    sw_arena_init(&L.tmp, (size_t)512 << 20);
    size_t errors_before = d->n_errors;
    int rc = SW_OK;

    if (scn_read(&L, name, text, len) || L.n_files == 0 || L.oom)
        goto fail;
    ld_declare(&L);
    if (L.oom || L.stop)
        goto fail;
    scn_fill_exercise(&L);
    scn_fill_teams(&L);
    scn_fill_links(&L);
    scn_fill_orgs(&L);
    scn_fill_service_deps(&L);
    scn_fill_business(&L);
    for (uint32_t i = 0; i < w->n_adversaries; i++)
        scn_fill_adversary(&L, i);
    for (uint32_t i = 0; i < w->n_injects; i++)
        scn_fill_inject(&L, i);
    scn_fill_scoring(&L);
    scn_fill_telemetry(&L);
    ld_derive(&L);
    if (L.oom)
        goto fail;
    /* the files read, main first */
    w->files.s = scn_wz(&L, (size_t)L.n_files * sizeof *w->files.s);
    if (L.oom)
        goto fail;
    w->files.s[w->files.n++] = L.names[L.n_files - 1]; /* the main file was read last */
    for (int i = 0; i + 1 < L.n_files; i++)
        w->files.s[w->files.n++] = L.names[i];
    /* reachability needs a fully resolved world: only when all else is clean */
    sw_scenario_check(w, d, d->n_errors == errors_before);
    sw_i18n_check(w, d); /* its translations, beside it (scenario_i18n.c) */
    if (d->n_errors != errors_before)
        goto fail;
    ld_free(&L);
    return SW_OK;

fail:
    if (L.oom) {
        sw_loc_t loc = {name, 1, 1};
        if (d->n_errors == errors_before)
            sw_diags_add(d, loc, SW_DIAG_ERROR, "out of memory loading the scenario");
    }
    rc = L.oom ? SW_ENOMEM : SW_EINVAL;
    ld_free(&L);
    sw_world_free(w);
    return rc;
}
