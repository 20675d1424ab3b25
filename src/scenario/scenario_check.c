/* scenario_check.c — the semantic checks of a loaded scenario: what the
 * structure alone cannot show.
 *
 *  - every host address lies inside its network; no address is used twice;
 *  - no two networks overlap (sorted sweep, O(n log n));
 *  - the business-service and service dependency graphs have no cycle (DFS,
 *    the cycle named in the message);
 *  - every adversary objective is reachable by its playbook (sw_scenario_reach:
 *    a relaxed forward fixpoint, see below); steps that can never run are
 *    warned about.
 * Everything tolerates SW_NONE references left by earlier errors. */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/scenario.h"

#define ERR(d, loc, ...) sw_diags_add((d), (loc), SW_DIAG_ERROR, __VA_ARGS__)
#define WARN(d, loc, ...) sw_diags_add((d), (loc), SW_DIAG_WARNING, __VA_ARGS__)

static int cidr_valid(const sw_cidr_t *c)
{
    return c->prefix <= (c->v6 ? 128 : 32);
}

static void cidr_text(const sw_cidr_t *c, char *out, size_t len)
{
    char a[64];
    inet_ntop(c->v6 ? AF_INET6 : AF_INET, c->addr, a, sizeof a);
    snprintf(out, len, "%s/%u", a, c->prefix);
}

/* ---- addresses ------------------------------------------------------------- */

static void check_host_addresses(const sw_world_t *w, sw_diags_t *d)
{
    const sw_host_t *prev_bad = NULL;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        const sw_host_t *h = &w->hosts[i];
        if (h->network == SW_NONE || !h->ip_text)
            continue;
        const sw_network_t *n = &w->networks[h->network];
        if (!cidr_valid(&n->cidr))
            continue;
        if (sw_cidr_contains(&n->cidr, h->ip, h->ip_v6))
            continue;
        /* a count: group shares one location: report it once */
        if (prev_bad && prev_bad->loc.line == h->loc.line && prev_bad->loc.col == h->loc.col &&
            prev_bad->loc.file == h->loc.file)
            continue;
        prev_bad = h;
        char c[80];
        cidr_text(&n->cidr, c, sizeof c);
        ERR(d, h->loc, "host '%s' address %s is outside its network '%s' (%s)", h->id ? h->id : "?",
            h->ip_text, n->id ? n->id : "?", c);
    }
}

/* Sort keys carry their own copy of the address, so qsort needs no context
 * (and the module no mutable state). */
typedef struct addr_key {
    uint8_t addr[16];
    uint32_t v6;
    uint32_t prefix; /* networks: wider first on equal address */
    uint32_t idx;
} addr_key_t;

static int cmp_addr_key(const void *a, const void *b)
{
    const addr_key_t *x = a, *y = b;
    if (x->v6 != y->v6)
        return x->v6 < y->v6 ? -1 : 1;
    int c = memcmp(x->addr, y->addr, 16);
    if (c)
        return c;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void check_duplicate_ips(const sw_world_t *w, sw_diags_t *d)
{
    addr_key_t *keys = malloc((w->n_hosts + 1) * sizeof *keys);
    uint32_t n = 0;
    if (!keys)
        return;
    for (uint32_t i = 0; i < w->n_hosts; i++)
        if (w->hosts[i].ip_text) {
            memcpy(keys[n].addr, w->hosts[i].ip, 16);
            keys[n].v6 = (uint32_t)w->hosts[i].ip_v6;
            keys[n].prefix = 0;
            keys[n].idx = i;
            n++;
        }
    qsort(keys, n, sizeof *keys, cmp_addr_key);
    for (uint32_t k = 1; k < n; k++) {
        if (keys[k - 1].v6 != keys[k].v6 || memcmp(keys[k - 1].addr, keys[k].addr, 16))
            continue;
        const sw_host_t *a = &w->hosts[keys[k - 1].idx], *b = &w->hosts[keys[k].idx];
        ERR(d, b->loc, "host '%s' address %s is already used by host '%s' (defined at %s:%d:%d)",
            b->id ? b->id : "?", b->ip_text, a->id ? a->id : "?", a->loc.file, a->loc.line,
            a->loc.col);
    }
    free(keys);
}

static void cidr_last(const sw_cidr_t *c, uint8_t out[16])
{
    memcpy(out, c->addr, 16);
    int bits = c->v6 ? 128 : 32;
    for (int b = c->prefix; b < bits; b++)
        out[b / 8] |= (uint8_t)(0x80 >> (b % 8));
}

/* Sweep the networks in address order keeping the one that reaches furthest:
 * a network starting at or before that end overlaps it. Reported at whichever
 * of the two comes later in the file. */
static void check_overlaps(const sw_world_t *w, sw_diags_t *d)
{
    addr_key_t *keys = malloc((w->n_networks + 1) * sizeof *keys);
    uint32_t *idx = malloc((w->n_networks + 1) * sizeof *idx);
    uint32_t n = 0;
    if (!keys || !idx) {
        free(keys);
        free(idx);
        return;
    }
    for (uint32_t i = 0; i < w->n_networks; i++)
        if (cidr_valid(&w->networks[i].cidr)) {
            memcpy(keys[n].addr, w->networks[i].cidr.addr, 16);
            keys[n].v6 = w->networks[i].cidr.v6;
            keys[n].prefix = w->networks[i].cidr.prefix;
            keys[n].idx = i;
            n++;
        }
    qsort(keys, n, sizeof *keys, cmp_addr_key);
    for (uint32_t k = 0; k < n; k++)
        idx[k] = keys[k].idx;
    free(keys);
    uint32_t holder = SW_NONE;
    uint8_t end[16];
    for (uint32_t k = 0; k < n; k++) {
        const sw_network_t *x = &w->networks[idx[k]];
        uint8_t last[16];
        cidr_last(&x->cidr, last);
        if (holder != SW_NONE && w->networks[holder].cidr.v6 == x->cidr.v6 &&
            memcmp(x->cidr.addr, end, 16) <= 0) {
            uint32_t early = holder < idx[k] ? holder : idx[k];
            uint32_t late = holder < idx[k] ? idx[k] : holder;
            const sw_network_t *e = &w->networks[early], *l = &w->networks[late];
            char ce[80], cl[80];
            cidr_text(&e->cidr, ce, sizeof ce);
            cidr_text(&l->cidr, cl, sizeof cl);
            ERR(d, l->loc, "network '%s' (%s) overlaps network '%s' (%s, defined at %s:%d:%d)",
                l->id ? l->id : "?", cl, e->id ? e->id : "?", ce, e->loc.file, e->loc.line,
                e->loc.col);
        }
        if (holder == SW_NONE || w->networks[holder].cidr.v6 != x->cidr.v6 ||
            memcmp(last, end, 16) > 0) {
            holder = idx[k];
            memcpy(end, last, 16);
        }
    }
    free(idx);
}

/* ---- dependency cycles -------------------------------------------------------- */

/* A graph over n nodes given by an edge callback; DFS with an explicit stack
 * (no recursion: a hostile file could make chains thousands deep). */
typedef struct dgraph {
    uint32_t n;
    uint32_t (*n_edges)(const void *ctx, uint32_t v);
    uint32_t (*edge)(const void *ctx, uint32_t v, uint32_t k, sw_loc_t *loc);
    const char *(*name)(const void *ctx, uint32_t v, char *buf, size_t len);
    const void *ctx;
    const char *what;
} dgraph_t;

static void find_cycles(const dgraph_t *g, sw_diags_t *d)
{
    uint8_t *color = calloc(g->n + 1, 1); /* 0 white, 1 on stack, 2 done */
    uint32_t *stack = malloc((g->n + 1) * sizeof *stack);
    uint32_t *next = malloc((g->n + 1) * sizeof *next);
    if (!color || !stack || !next)
        goto out;
    for (uint32_t root = 0; root < g->n; root++) {
        if (color[root])
            continue;
        uint32_t sp = 0;
        stack[sp] = root;
        next[sp] = 0;
        sp++;
        color[root] = 1;
        while (sp) {
            uint32_t v = stack[sp - 1];
            if (next[sp - 1] >= g->n_edges(g->ctx, v)) {
                color[v] = 2;
                sp--;
                continue;
            }
            sw_loc_t loc;
            uint32_t u = g->edge(g->ctx, v, next[sp - 1]++, &loc);
            if (u == SW_NONE || u >= g->n || color[u] == 2)
                continue;
            if (color[u] == 1) {
                char msg[900], nb[160];
                size_t used = 0;
                uint32_t from = 0;
                while (stack[from] != u)
                    from++;
                for (uint32_t k = from; k < sp && used < sizeof msg - 200; k++) {
                    int r = snprintf(msg + used, sizeof msg - used, "%s -> ",
                                     g->name(g->ctx, stack[k], nb, sizeof nb));
                    if (r > 0)
                        used += (size_t)r;
                }
                snprintf(msg + used, sizeof msg - used, "%s", g->name(g->ctx, u, nb, sizeof nb));
                ERR(d, loc, "%s dependency cycle: %s", g->what, msg);
                continue;
            }
            color[u] = 1;
            stack[sp] = u;
            next[sp] = 0;
            sp++;
        }
    }
out:
    free(color);
    free(stack);
    free(next);
}

static uint32_t biz_n_edges(const void *ctx, uint32_t v)
{
    const sw_business_t *b = &((const sw_world_t *)ctx)->business[v];
    return b->n_all + b->n_any;
}

static uint32_t biz_edge(const void *ctx, uint32_t v, uint32_t k, sw_loc_t *loc)
{
    const sw_business_t *b = &((const sw_world_t *)ctx)->business[v];
    const sw_dep_t *dep = k < b->n_all ? &b->all[k] : &b->any[k - b->n_all];
    *loc = dep->loc;
    return dep->kind == SW_DEP_BUSINESS ? dep->ref : SW_NONE;
}

static const char *biz_name(const void *ctx, uint32_t v, char *buf, size_t len)
{
    const char *id = ((const sw_world_t *)ctx)->business[v].id;
    snprintf(buf, len, "%s", id ? id : "?");
    return buf;
}

/* Services as one numbering: node = svc_base[host] + index. */
typedef struct svc_graph {
    const sw_world_t *w;
    uint32_t *base; /* per host */
    uint32_t *host; /* per node */
} svc_graph_t;

static uint32_t svc_n_edges(const void *ctx, uint32_t v)
{
    const svc_graph_t *g = ctx;
    const sw_host_t *h = &g->w->hosts[g->host[v]];
    return h->services[v - g->base[g->host[v]]].n_deps;
}

static uint32_t svc_edge(const void *ctx, uint32_t v, uint32_t k, sw_loc_t *loc)
{
    const svc_graph_t *g = ctx;
    const sw_host_t *h = &g->w->hosts[g->host[v]];
    const sw_service_t *s = &h->services[v - g->base[g->host[v]]];
    *loc = s->loc;
    uint32_t th = s->dep_host[k];
    if (th == SW_NONE || th >= g->w->n_hosts || s->dep_svc[k] >= g->w->hosts[th].n_services)
        return SW_NONE;
    return g->base[th] + s->dep_svc[k];
}

static const char *svc_name(const void *ctx, uint32_t v, char *buf, size_t len)
{
    const svc_graph_t *g = ctx;
    const sw_host_t *h = &g->w->hosts[g->host[v]];
    snprintf(buf, len, "%s/%s", h->id ? h->id : "?", h->services[v - g->base[g->host[v]]].name);
    return buf;
}

static void check_cycles(const sw_world_t *w, sw_diags_t *d)
{
    dgraph_t bg = {w->n_business, biz_n_edges, biz_edge, biz_name, w, "business service"};
    find_cycles(&bg, d);

    svc_graph_t sg = {w, malloc((w->n_hosts + 1) * sizeof(uint32_t)), NULL};
    uint32_t total = 0;
    if (!sg.base)
        return;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        sg.base[i] = total;
        total += w->hosts[i].n_services;
    }
    sg.host = malloc((total + 1) * sizeof(uint32_t));
    if (sg.host) {
        for (uint32_t i = 0; i < w->n_hosts; i++)
            for (uint32_t k = 0; k < w->hosts[i].n_services; k++)
                sg.host[sg.base[i] + k] = i;
        dgraph_t g = {total, svc_n_edges, svc_edge, svc_name, &sg, "service"};
        find_cycles(&g, d);
    }
    free(sg.base);
    free(sg.host);
}

/* ---- reachability ----------------------------------------------------------------
 *
 * A relaxed planning graph: facts only ever become true (delete-free), every
 * step whose preconditions can hold on some target is applied to every such
 * target, chance, durations, order in time and defenders are ignored, and
 * NOT_FACT is assumed to hold. If an objective is unreachable here, no run of
 * the real engine can reach it. Each pass over the playbook is
 * O(steps * hosts * preconditions); the passes stop at the fixpoint, at most
 * steps + 1 of them, since a pass applies everything already applicable. */

enum {
    RF_ENCRYPT = 1,
    RF_WIPE = 2,
    RF_EXFIL = 4,
    RF_DISRUPT = 8,
    RF_TAMPER = 16,
    RF_NOBACKUP = 32,
    RF_PROXY = 64
};

typedef struct rstate {
    const sw_world_t *w;
    const sw_adversary_t *a;
    uint8_t *scope; /* host is in one of the target teams */
    int8_t *priv;   /* max privilege held, -1 none */
    uint32_t *persist;
    uint32_t *flags;
    uint8_t *phish;       /* host may be phished (static, computed once) */
    uint32_t n_footholds; /* hosts with any privilege: "a foothold somewhere" in O(1) */
    uint32_t creds;
    int c2;
    const char **facts;
    uint32_t n_facts, cap_facts;
    int changed;
} rstate_t;

static int has_fact(const rstate_t *s, const char *f)
{
    for (uint32_t i = 0; f && i < s->n_facts; i++)
        if (!strcmp(s->facts[i], f))
            return 1;
    return 0;
}

static void add_fact(rstate_t *s, const char *f)
{
    if (!f || has_fact(s, f) || s->n_facts >= s->cap_facts)
        return;
    s->facts[s->n_facts++] = f;
    s->changed = 1;
}

static int any_foothold(const rstate_t *s, const sw_selector_t *sel, int priv)
{
    for (uint32_t h = 0; h < s->w->n_hosts; h++)
        if (s->scope[h] && s->priv[h] >= priv && (!sel || sw_selector_match(s->w, sel, h)))
            return 1;
    return 0;
}

/* A host is phishable when a user who may open a lure sits at it, or when
 * such a user of its organisation has no assigned machine and it is a
 * workstation. O(users + hosts). */
static void mark_phishable(rstate_t *s)
{
    const sw_world_t *w = s->w;
    uint8_t *org_floating = calloc(w->n_orgs + 1, 1);
    for (uint32_t u = 0; u < w->n_users; u++) {
        const sw_user_t *us = &w->users[u];
        if (us->phishing <= 0)
            continue;
        if (us->workstation != SW_NONE && us->workstation < w->n_hosts)
            s->phish[us->workstation] = 1;
        else if (org_floating && us->org < w->n_orgs)
            org_floating[us->org] = 1;
    }
    for (uint32_t h = 0; org_floating && h < w->n_hosts; h++)
        if (w->hosts[h].role == SW_ROLE_WORKSTATION && org_floating[w->hosts[h].org])
            s->phish[h] = 1;
    free(org_floating);
}

static int pre_holds(const rstate_t *s, const sw_pre_t *p, uint32_t h, const int *foot_ok)
{
    const sw_host_t *host = &s->w->hosts[h];
    switch (p->kind) {
    case SW_PRE_ON_TARGET:
        return p->priv == SW_PRIV_NONE || s->priv[h] >= (int)p->priv;
    case SW_PRE_FOOTHOLD:
        return *foot_ok;
    case SW_PRE_REACH:
        if (p->port == 0)
            return 1;
        for (uint32_t k = 0; k < host->n_services; k++)
            if (host->services[k].port == p->port)
                return host->services[k].exposed || s->n_footholds > 0;
        return 0;
    case SW_PRE_VULN:
        for (uint32_t k = 0; k < host->n_vulns; k++)
            if (p->cve ? !strcmp(host->vulns[k].cve, p->cve) : host->vulns[k].remote)
                return 1;
        return 0;
    case SW_PRE_CREDENTIAL:
        return (s->creds >> p->cred) & 1;
    case SW_PRE_PHISHABLE:
        return s->phish[h];
    case SW_PRE_FACT:
        return has_fact(s, p->fact);
    case SW_PRE_NOT_FACT:
        return 1;
    case SW_PRE_C2:
        return s->c2;
    case SW_PRE_AFTER:
        return 1;
    }
    return 0;
}

static void raise_priv(rstate_t *s, uint32_t h, int priv)
{
    if (priv < SW_PRIV_USER)
        priv = SW_PRIV_USER;
    if (s->priv[h] < priv) {
        if (s->priv[h] < 0)
            s->n_footholds++;
        s->priv[h] = (int8_t)priv;
        s->changed = 1;
    }
}

static void set_flag(uint32_t *word, uint32_t bit, int *changed)
{
    if (!(*word & bit)) {
        *word |= bit;
        *changed = 1;
    }
}

/* Apply effect k of step st on host h. spread_done: bit k set once spread
 * effect k ran this pass (a spread reaches the same hosts from any source,
 * relaxed here to every host in scope its selector matches). As in the sim
 * (planner.c apply_effects), a spread carries the step's encrypt, wipe and
 * persistence to every host it reaches. */
static void apply_eff(rstate_t *s, const sw_step_t *st, uint32_t k, uint32_t h,
                      uint64_t *spread_done)
{
    const sw_eff_t *e = &st->eff[k];
    switch (e->kind) {
    case SW_EFF_FOOTHOLD:
        raise_priv(s, h, (int)e->priv);
        break;
    case SW_EFF_CREDENTIAL:
        set_flag(&s->creds, 1u << e->cred, &s->changed);
        break;
    case SW_EFF_PERSIST:
        set_flag(&s->persist[h], 1u << e->persist, &s->changed);
        break;
    case SW_EFF_FACT:
        add_fact(s, e->fact);
        break;
    case SW_EFF_C2:
        if (!s->c2)
            s->c2 = s->changed = 1;
        break;
    case SW_EFF_PROXY:
        set_flag(&s->flags[h], RF_PROXY, &s->changed);
        break;
    case SW_EFF_ENCRYPT:
        set_flag(&s->flags[h], RF_ENCRYPT, &s->changed);
        break;
    case SW_EFF_WIPE:
        set_flag(&s->flags[h], RF_WIPE, &s->changed);
        break;
    case SW_EFF_EXFIL:
        set_flag(&s->flags[h], RF_EXFIL, &s->changed);
        break;
    case SW_EFF_DISRUPT:
        set_flag(&s->flags[h], RF_DISRUPT, &s->changed);
        break;
    case SW_EFF_TAMPER_LOGS:
        set_flag(&s->flags[h], RF_TAMPER, &s->changed);
        break;
    case SW_EFF_DESTROY_BACKUPS:
        set_flag(&s->flags[h], RF_NOBACKUP, &s->changed);
        break;
    case SW_EFF_SPREAD: {
        uint64_t bit = k < 64 ? (uint64_t)1 << k : 0;
        if (*spread_done & bit)
            break;
        *spread_done |= bit;
        for (uint32_t x = 0; x < s->w->n_hosts; x++) {
            if (!s->scope[x] || !sw_selector_match(s->w, &e->sel, x))
                continue;
            raise_priv(s, x, e->priv ? (int)e->priv : SW_PRIV_ADMIN);
            for (uint32_t j = 0; j < st->n_eff; j++) {
                const sw_eff_t *f = &st->eff[j];
                if (f->kind == SW_EFF_ENCRYPT)
                    set_flag(&s->flags[x], RF_ENCRYPT, &s->changed);
                else if (f->kind == SW_EFF_WIPE)
                    set_flag(&s->flags[x], RF_WIPE, &s->changed);
                else if (f->kind == SW_EFF_PERSIST)
                    set_flag(&s->persist[x], 1u << f->persist, &s->changed);
            }
        }
        break;
    }
    }
}

/* One pass over the playbook; ran[i] records steps that applied somewhere. */
static void reach_pass(rstate_t *s, uint8_t *ran)
{
    const sw_adversary_t *a = s->a;
    for (uint32_t i = 0; i < a->n_steps; i++) {
        const sw_step_t *st = &a->steps[i];
        /* FOOTHOLD preconditions do not depend on the target: once per step */
        int foot_ok = 1;
        for (uint32_t k = 0; k < st->n_pre; k++)
            if (st->pre[k].kind == SW_PRE_FOOTHOLD &&
                !any_foothold(s, &st->pre[k].sel,
                              st->pre[k].priv < SW_PRIV_USER ? SW_PRIV_USER : (int)st->pre[k].priv))
                foot_ok = 0;
        if (!foot_ok)
            continue;
        uint64_t spread_done = 0;
        for (uint32_t h = 0; h < s->w->n_hosts; h++) {
            if (!s->scope[h] || !sw_selector_match(s->w, &st->target, h))
                continue;
            int ok = 1;
            for (uint32_t k = 0; k < st->n_pre && ok; k++)
                ok = pre_holds(s, &st->pre[k], h, &foot_ok);
            if (!ok)
                continue;
            ran[i] = 1;
            for (uint32_t k = 0; k < st->n_eff; k++)
                apply_eff(s, st, k, h, &spread_done);
        }
    }
}

static uint32_t obj_hosts(const rstate_t *s, const sw_adv_objective_t *o, uint32_t *matching)
{
    uint32_t n = 0;
    *matching = 0;
    for (uint32_t h = 0; h < s->w->n_hosts; h++) {
        if (!s->scope[h] || !sw_selector_match(s->w, &o->target, h))
            continue;
        (*matching)++;
        int done = 0;
        switch (o->kind) {
        case SW_OBJ_EXFILTRATE:
            done = (s->flags[h] & RF_EXFIL) != 0;
            break;
        case SW_OBJ_PREPOSITION:
            done = s->persist[h] != 0;
            break;
        case SW_OBJ_DISRUPT:
            done = (s->flags[h] & (RF_DISRUPT | RF_WIPE | RF_ENCRYPT)) != 0;
            break;
        case SW_OBJ_ENCRYPT:
            done = (s->flags[h] & RF_ENCRYPT) != 0;
            break;
        case SW_OBJ_IMPLANT:
            done = (s->persist[h] >> SW_PERSIST_FIRMWARE) & 1;
            break;
        default:
            break;
        }
        n += (uint32_t)done;
    }
    return n;
}

/* Shared by sw_scenario_reach and the check: run to the fixpoint; ran (may be
 * NULL) gets which steps could ever apply; ok per objective; counts (may be
 * NULL) the achievable and matching host counts per objective. */
static int reach_run(const sw_world_t *w, uint32_t ai, int *ok, uint8_t *ran_out,
                     uint32_t *achieved, uint32_t *matching)
{
    const sw_adversary_t *a = &w->adversaries[ai];
    rstate_t s;
    memset(&s, 0, sizeof s);
    s.w = w;
    s.a = a;
    uint32_t nh = w->n_hosts;
    s.scope = calloc(nh + 1, 1);
    s.priv = malloc(nh + 1);
    s.persist = calloc(nh + 1, sizeof *s.persist);
    s.phish = calloc(nh + 1, 1);
    s.flags = calloc(nh + 1, sizeof *s.flags);
    s.cap_facts = 0;
    for (uint32_t i = 0; i < a->n_steps; i++)
        s.cap_facts += a->steps[i].n_eff;
    s.facts = calloc(s.cap_facts + 1, sizeof *s.facts);
    uint8_t *ran = calloc(a->n_steps + 1, 1);
    int rc = SW_ENOMEM;
    if (!s.scope || !s.priv || !s.persist || !s.flags || !s.facts || !ran || !s.phish)
        goto out;
    mark_phishable(&s);
    memset(s.priv, -1, nh + 1);
    for (uint32_t h = 0; h < nh; h++) {
        uint32_t t = w->hosts[h].team;
        if (t == SW_NONE || t >= w->n_teams || w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        int in = a->targets.n == 0;
        for (uint32_t k = 0; k < a->targets.n; k++)
            in |= a->targets.ids[k] == t;
        s.scope[h] = (uint8_t)in;
    }
    for (uint32_t pass = 0; pass <= a->n_steps + 1; pass++) {
        s.changed = 0;
        reach_pass(&s, ran);
        if (!s.changed)
            break;
    }
    for (uint32_t i = 0; i < a->n_objectives; i++) {
        const sw_adv_objective_t *o = &a->objectives[i];
        uint32_t m;
        uint32_t n = obj_hosts(&s, o, &m);
        uint32_t need = (o->kind == SW_OBJ_ENCRYPT || o->kind == SW_OBJ_IMPLANT) ? o->min_hosts : 1;
        if (need == 0)
            need = 1;
        ok[i] = n >= need;
        if (achieved)
            achieved[i] = n;
        if (matching)
            matching[i] = m;
    }
    if (ran_out)
        memcpy(ran_out, ran, a->n_steps);
    rc = SW_OK;
out:
    free(s.scope);
    free(s.priv);
    free(s.persist);
    free(s.flags);
    free(s.phish);
    free(s.facts);
    free(ran);
    return rc;
}

int sw_scenario_reach(const sw_world_t *w, uint32_t a, int *ok)
{
    if (a >= w->n_adversaries)
        return SW_EINVAL;
    return reach_run(w, a, ok, NULL, NULL, NULL);
}

static const char *obj_verb(sw_obj_kind_t k)
{
    switch (k) {
    case SW_OBJ_EXFILTRATE:
        return "exfiltrate data from";
    case SW_OBJ_PREPOSITION:
        return "persist on";
    case SW_OBJ_DISRUPT:
        return "disrupt";
    case SW_OBJ_ENCRYPT:
        return "encrypt";
    case SW_OBJ_IMPLANT:
        return "implant firmware on";
    default:
        return "reach";
    }
}

static void check_reach(const sw_world_t *w, sw_diags_t *d)
{
    for (uint32_t ai = 0; ai < w->n_adversaries; ai++) {
        const sw_adversary_t *a = &w->adversaries[ai];
        /* a bound on the work: pathological playbooks are refused, not analysed */
        if ((uint64_t)a->n_steps * (a->n_steps + 2) * (w->n_hosts + 1) > 50000000ull) {
            WARN(d, a->loc, "adversary '%s' is too large to check its objectives' reachability",
                 a->id ? a->id : "?");
            continue;
        }
        int *ok = calloc(a->n_objectives + 1, sizeof *ok);
        uint32_t *ach = calloc(a->n_objectives + 1, sizeof *ach);
        uint32_t *mat = calloc(a->n_objectives + 1, sizeof *mat);
        uint8_t *ran = calloc(a->n_steps + 1, 1);
        if (ok && ach && mat && ran && reach_run(w, ai, ok, ran, ach, mat) == SW_OK) {
            for (uint32_t i = 0; i < a->n_objectives; i++) {
                const sw_adv_objective_t *o = &a->objectives[i];
                const char *oid = o->id ? o->id : "?", *aid = a->id ? a->id : "?";
                if (ok[i])
                    continue;
                if (mat[i] == 0)
                    ERR(d, o->target.loc,
                        "objective '%s' of adversary '%s' cannot be reached: its target matches "
                        "no host of the teams it attacks",
                        oid, aid);
                else if (ach[i] == 0)
                    ERR(d, o->loc,
                        "objective '%s' of adversary '%s' cannot be reached: no chain of playbook "
                        "steps from no foothold can %s a host matching its target",
                        oid, aid, obj_verb(o->kind));
                else
                    ERR(d, o->loc,
                        "objective '%s' of adversary '%s' cannot be reached: the playbook can "
                        "%s only %u of the %u hosts it needs",
                        oid, aid, obj_verb(o->kind), ach[i], o->min_hosts);
            }
            for (uint32_t i = 0; i < a->n_steps; i++)
                if (!ran[i])
                    WARN(d, a->steps[i].loc,
                         "step '%s' of adversary '%s' can never run: its preconditions never "
                         "hold on a host matching its target",
                         a->steps[i].id ? a->steps[i].id : "?", a->id ? a->id : "?");
        }
        free(ok);
        free(ach);
        free(mat);
        free(ran);
    }
}

/* An inject waiting for an attacker on a host no selector can match would
 * never fire: worth a warning, not an error (the controllers may fire it by
 * hand). */
static void check_inject_selectors(const sw_world_t *w, sw_diags_t *d)
{
    for (uint32_t i = 0; i < w->n_injects; i++) {
        const sw_inject_t *j = &w->injects[i];
        if (j->trigger != SW_TRIG_ATTACKER_ON)
            continue;
        int any = 0;
        for (uint32_t h = 0; h < w->n_hosts && !any; h++)
            any = sw_selector_match(w, &j->sel, h);
        if (!any)
            WARN(d, j->sel.loc,
                 "inject '%s' can never fire: no host matches its 'attacker_on' selector",
                 j->id ? j->id : "?");
    }
}

size_t sw_scenario_check(const sw_world_t *w, sw_diags_t *d, int reach)
{
    size_t before = d->n_errors;
    check_host_addresses(w, d);
    check_duplicate_ips(w, d);
    check_overlaps(w, d);
    check_cycles(w, d);
    check_inject_selectors(w, d);
    if (reach && d->n_errors == before)
        check_reach(w, d);
    return d->n_errors - before;
}
