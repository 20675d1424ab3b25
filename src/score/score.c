/* score.c — the score's facts: reading the exercise's notes (sim events,
 * journaled acts, records with ground truth) into what scoring and the
 * after-action report need. The figures are computed from them in
 * score_eval.c. See score.h and docs/scoring.md.
 *
 * The sim's state is mirrored from its events, one host (and adversary) at a
 * time, as sim.c's design notes describe it:
 *   privilege   FOOTHOLD sets it, FOOTHOLD_LOST clears it
 *   persistence PERSIST sets a kind's bit, PERSIST_REMOVED clears it
 *   data        ENCRYPTED, WIPED, DISRUPTED set; HOST_DOWN for a reimage or a
 *               restore clears all three, for a reflash the disruption
 * (tests/unit/test_score.c holds the mirror to the sim's own accessors.) */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "score/score_int.h"

const char *const sw_score_cat_names[SW_SC__COUNT] = {
    "availability", "detection", "containment", "recovery", "reporting", "sharing",
};
const char *const sw_score_cat_titles[SW_SC__COUNT] = {
    "Availability",   "Time to detect", "Time to contain",
    "Attack outcome", "Reporting",      "Cooperation",
};

/* ---- memory -------------------------------------------------------------------- */

struct sc_pool_chunk {
    sc_pool_chunk_t *next;
    size_t used, cap;
    char data[];
};

#define SC_POOL_CHUNK 16384

int sc_grow(sw_score_t *s, void **v, uint32_t *cap, uint32_t need, size_t size)
{
    if (s->err)
        return -1;
    if (need <= *cap)
        return 0;
    uint32_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > UINT32_MAX / 2) {
            s->err = SW_ENOMEM;
            return -1;
        }
        ncap *= 2;
    }
    void *n = sw_realloc_array(&s->al, *v, ncap, size);
    if (!n) {
        s->err = SW_ENOMEM;
        return -1;
    }
    *v = n;
    *cap = ncap;
    return 0;
}

/* A copy of p[0..n) kept as long as the score (lower-cased when lower). */
static const char *pool_str(sw_score_t *s, const char *p, size_t n, int lower)
{
    if (s->err)
        return NULL;
    sc_pool_chunk_t *c = s->pool;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > SC_POOL_CHUNK ? n + 1 : SC_POOL_CHUNK;
        sc_pool_chunk_t *nc = sw_realloc(&s->al, NULL, sizeof *nc + cap);
        if (!nc) {
            s->err = SW_ENOMEM;
            return NULL;
        }
        nc->next = s->pool;
        nc->used = 0;
        nc->cap = cap;
        s->pool = c = nc;
    }
    char *d = c->data + c->used;
    for (size_t i = 0; i < n; i++)
        d[i] = lower && p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
    d[n] = '\0';
    c->used += n + 1;
    return d;
}

static const char *pool_cstr(sw_score_t *s, const char *p, int lower)
{
    return p ? pool_str(s, p, strlen(p), lower) : NULL;
}

/* An indicator's value without the STIX-like type a player may put first
 * ("ipv4-addr:198.51.100.17", as scripted defenders share them). */
static const char *indicator_value(const char *v)
{
    static const char *const types[] = {
        "ipv4-addr:",           "ipv6-addr:",    "domain-name:",         "url:",
        "email-addr:",          "file:name:",    "file:hashes.MD5:",     "file:hashes.SHA-1:",
        "file:hashes.SHA-256:", "user-account:", "process:command_line:"};
    for (size_t i = 0; v && i < sizeof types / sizeof types[0]; i++)
        if (!strncasecmp(v, types[i], strlen(types[i])))
            return v + strlen(types[i]);
    return v;
}

int sc_strs_find(const sc_strs_t *set, const char *v)
{
    for (uint32_t i = 0; v && i < set->n; i++)
        if (!strcasecmp(set->v[i], v))
            return (int)i;
    return -1;
}

static void strs_add(sw_score_t *s, sc_strs_t *set, const char *v, int64_t at_ms)
{
    if (!v || !*v || sc_strs_find(set, v) >= 0)
        return;
    uint32_t cap = set->cap;
    if (sc_grow(s, (void **)&set->v, &cap, set->n + 1, sizeof *set->v) ||
        sc_grow(s, (void **)&set->at, &set->cap, set->n + 1, sizeof *set->at))
        return;
    const char *c = pool_cstr(s, v, 1);
    if (!c)
        return;
    set->v[set->n] = c;
    set->at[set->n++] = at_ms;
}

static void strs_free(sw_score_t *s, sc_strs_t *set)
{
    sw_free(&s->al, set->v);
    sw_free(&s->al, set->at);
}

/* ---- lifecycle ------------------------------------------------------------------ */

/* The objectives each team faces: every objective of an adversary aimed at
 * it whose target matches one of its hosts. */
static int objectives_init(sw_score_t *s)
{
    const sw_world_t *w = s->w;
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        for (uint32_t a = 0; a < w->n_adversaries; a++) {
            const sw_adversary_t *ad = &w->adversaries[a];
            int aimed = ad->targets.n == 0;
            for (uint32_t i = 0; i < ad->targets.n; i++)
                aimed |= ad->targets.ids[i] == t;
            for (uint32_t o = 0; aimed && o < ad->n_objectives; o++) {
                const sw_adv_objective_t *ob = &ad->objectives[o];
                int any = 0;
                for (uint32_t h = 0; h < w->n_hosts && !any; h++)
                    any = w->hosts[h].team == t && sw_selector_match(w, &ob->target, h);
                if (!any)
                    continue;
                sw_score_obj_t *x = SC_PUSH(s, s->objs);
                if (!x)
                    return -1;
                memset(x, 0, sizeof *x);
                x->team = t;
                x->adversary = a;
                x->objective = o;
                x->reached_ms = -1;
                x->need = ob->kind == SW_OBJ_EXFILTRATE ? (ob->megabytes > 0 ? ob->megabytes : 1)
                          : ob->min_hosts               ? ob->min_hosts
                                                        : 1;
            }
        }
    }
    return 0;
}

sw_score_t *sw_score_new(const sw_world_t *w, const sw_alloc_t *alloc)
{
    sw_alloc_t al = {sw_alloc_libc, NULL};
    if (alloc && alloc->fn)
        al = *alloc;
    sw_score_t *s = sw_calloc(&al, 1, sizeof *s);
    if (!s)
        return NULL;
    s->w = w;
    s->al = al;
    size_t nah = (size_t)w->n_adversaries * w->n_hosts;
    uint32_t na = w->n_adversaries ? w->n_adversaries : 1;
    s->priv = sw_calloc(&al, nah ? nah : 1, 1);
    s->persist = sw_calloc(&al, nah ? nah : 1, 1);
    s->flags = sw_calloc(&al, w->n_hosts ? w->n_hosts : 1, 1);
    s->isolated = sw_calloc(&al, w->n_hosts ? w->n_hosts : 1, 1);
    s->step_base = sw_calloc(&al, na, sizeof *s->step_base);
    s->biz = sw_calloc(&al, w->n_business ? w->n_business : 1, sizeof *s->biz);
    s->records = sw_calloc(&al, w->n_teams ? w->n_teams : 1, sizeof *s->records);
    s->observed = sw_calloc(&al, w->n_teams ? w->n_teams : 1, sizeof *s->observed);
    if (!s->priv || !s->persist || !s->flags || !s->isolated || !s->step_base || !s->biz ||
        !s->records || !s->observed)
        goto fail;
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        s->step_base[a] = s->n_steps_all;
        s->n_steps_all += w->adversaries[a].n_steps;
    }
    size_t nso = (size_t)w->n_teams * s->n_steps_all;
    if (!(s->stage_of = sw_calloc(&al, nso ? nso : 1, sizeof *s->stage_of)))
        goto fail;
    for (size_t i = 0; i < nso; i++)
        s->stage_of[i] = SW_NONE;
    if (objectives_init(s))
        goto fail;
    /* the adversaries' infrastructure and the injects' indicators are correct */
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        const sw_adversary_t *ad = &w->adversaries[a];
        for (uint32_t i = 0; i < ad->c2_domains.n; i++)
            strs_add(s, &s->known, ad->c2_domains.s[i], 0);
        for (uint32_t i = 0; i < ad->c2_ips.n; i++)
            strs_add(s, &s->known, ad->c2_ips.s[i], 0);
    }
    for (uint32_t i = 0; i < w->n_injects; i++)
        for (uint32_t k = 0; k < w->injects[i].n_indicators; k++)
            strs_add(s, &s->known, w->injects[i].indicators[k].value, 0);
    if (s->err)
        goto fail;
    return s;
fail:
    sw_score_free(s);
    return NULL;
}

void sw_score_free(sw_score_t *s)
{
    if (!s)
        return;
    const sw_alloc_t *al = &s->al;
    for (uint32_t i = 0; i < s->stages.n; i++) {
        sw_free(al, s->stages.v[i].hosts);
        sw_free(al, s->stages.v[i].host_ms);
        sw_free(al, s->stages.v[i].held);
    }
    for (uint32_t i = 0; i < s->reports.n; i++) {
        sw_free(al, s->reports.v[i].techniques);
        sw_free(al, s->reports.v[i].hosts);
        sw_free(al, s->reports.v[i].indicators);
    }
    for (uint32_t b = 0; s->biz && b < s->w->n_business; b++)
        sw_free(al, s->biz[b].v);
    for (uint32_t t = 0; s->records && t < s->w->n_teams; t++) {
        sw_free(al, s->records[t].ord);
        sw_free(al, s->records[t].gt);
    }
    for (uint32_t t = 0; s->observed && t < s->w->n_teams; t++)
        strs_free(s, &s->observed[t]);
    strs_free(s, &s->known);
    void *vecs[] = {s->priv,     s->persist,    s->flags,     s->step_base, s->stage_of,
                    s->stages.v, s->gt_stage.v, s->objs.v,    s->biz,       s->records,
                    s->observed, s->reports.v,  s->triages.v, s->actions.v, s->shares.v,
                    s->hints.v,  s->rules.v,    s->isolated};
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
        sw_free(al, vecs[i]);
    while (s->pool) {
        sc_pool_chunk_t *n = s->pool->next;
        sw_free(al, s->pool);
        s->pool = n;
    }
    sw_alloc_t copy = *al;
    sw_free(&copy, s);
}

int sw_score_error(const sw_score_t *s)
{
    return s->err;
}

/* ---- the sim's events --------------------------------------------------------------- */

int sc_holds(const sw_score_t *s, uint32_t a, uint32_t h)
{
    size_t k = (size_t)a * s->w->n_hosts + h;
    return s->priv[k] || s->persist[k];
}

int sc_uses(const sw_score_t *s, uint32_t a, uint32_t h)
{
    return sc_holds(s, a, h) && !s->isolated[h];
}

static int is_player_host(const sw_score_t *s, uint32_t h)
{
    const sw_world_t *w = s->w;
    return h < w->n_hosts && w->hosts[h].team < w->n_teams &&
           w->teams[w->hosts[h].team].kind == SW_TEAM_PLAYER;
}

/* Add v to a list of host ids (with a time, when ms is given) unless there. */
static int host_add(sw_score_t *s, uint32_t **v, int64_t **ms, uint32_t *n, uint32_t *cap,
                    uint32_t h, int64_t at_ms)
{
    for (uint32_t i = 0; i < *n; i++)
        if ((*v)[i] == h)
            return 0;
    uint32_t c2 = *cap;
    if (sc_grow(s, (void **)v, &c2, *n + 1, sizeof **v))
        return -1;
    if (ms && sc_grow(s, (void **)ms, cap, *n + 1, sizeof **ms))
        return -1;
    *cap = c2;
    (*v)[*n] = h;
    if (ms)
        (*ms)[*n] = at_ms;
    (*n)++;
    return 1;
}

/* Is the stage contained now: the adversary can use none of its hosts (it
 * lost them, or they are isolated)? Keeps contained_ms: since when, or -1. */
static void stage_recheck(sw_score_t *s, sw_score_stage_t *st, int64_t at_ms)
{
    int clear = 1;
    for (uint32_t i = 0; i < st->n_held && clear; i++)
        clear = !sc_uses(s, st->adversary, st->held[i]);
    if (!clear || !st->n_held)
        st->contained_ms = -1;
    else if (st->contained_ms < 0)
        st->contained_ms = at_ms;
}

/* Adversary a's hold on h changed: every stage that h contains. */
static void hold_changed(sw_score_t *s, uint32_t a, uint32_t h, int64_t at_ms)
{
    for (uint32_t i = 0; i < s->stages.n; i++) {
        sw_score_stage_t *st = &s->stages.v[i];
        if (st->adversary != a)
            continue;
        for (uint32_t k = 0; k < st->n_held; k++)
            if (st->held[k] == h) {
                stage_recheck(s, st, at_ms);
                break;
            }
    }
}

static void held_add(sw_score_t *s, sw_score_stage_t *st, uint32_t h, int64_t at_ms)
{
    if (host_add(s, &st->held, NULL, &st->n_held, &st->cap_held, h, 0) > 0)
        stage_recheck(s, st, at_ms);
}

static sw_score_stage_t *stage_get(sw_score_t *s, const sw_sim_event_t *ev, int create)
{
    const sw_world_t *w = s->w;
    if (!is_player_host(s, ev->host) || ev->adversary >= w->n_adversaries ||
        ev->step >= w->adversaries[ev->adversary].n_steps)
        return NULL;
    uint32_t t = w->hosts[ev->host].team;
    size_t k = (size_t)t * s->n_steps_all + s->step_base[ev->adversary] + ev->step;
    if (s->stage_of[k] != SW_NONE)
        return &s->stages.v[s->stage_of[k]];
    if (!create)
        return NULL;
    sw_score_stage_t *st = SC_PUSH(s, s->stages);
    if (!st)
        return NULL;
    memset(st, 0, sizeof *st);
    st->team = t;
    st->adversary = ev->adversary;
    st->step = ev->step;
    st->start_ms = ev->at_ms;
    st->success_ms = -1;
    st->contained_ms = -1;
    st->detected_ms = -1;
    s->stage_of[k] = s->stages.n - 1;
    return st;
}

static void gt_set(sw_score_t *s, uint32_t gt, uint32_t stage)
{
    if (gt == SW_NONE)
        return;
    while (s->gt_stage.n <= gt) {
        uint32_t *x = SC_PUSH(s, s->gt_stage);
        if (!x)
            return;
        *x = SW_NONE;
    }
    s->gt_stage.v[gt] = stage;
}

static sw_score_stage_t *stage_of_gt(sw_score_t *s, uint32_t gt)
{
    if (gt == SW_NONE || gt >= s->gt_stage.n || s->gt_stage.v[gt] == SW_NONE)
        return NULL;
    return &s->stages.v[s->gt_stage.v[gt]];
}

static void observe(sw_score_t *s, uint32_t h, const char *v, int64_t at_ms)
{
    if (!v || !*v || !is_player_host(s, h))
        return;
    strs_add(s, &s->observed[s->w->hosts[h].team], v, at_ms);
    strs_add(s, &s->known, v, at_ms);
}

double sc_obj_count(const sw_score_t *s, const sw_score_obj_t *x)
{
    const sw_world_t *w = s->w;
    const sw_adv_objective_t *o = &w->adversaries[x->adversary].objectives[x->objective];
    double n = 0;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        if (w->hosts[h].team != x->team || !sw_selector_match(w, &o->target, h))
            continue;
        size_t k = (size_t)x->adversary * w->n_hosts + h;
        switch (o->kind) {
        case SW_OBJ_PREPOSITION:
            n += s->persist[k] != 0;
            break;
        case SW_OBJ_IMPLANT:
            n += (s->persist[k] >> SW_PERSIST_FIRMWARE) & 1;
            break;
        case SW_OBJ_ENCRYPT:
            n += (s->flags[h] & SC_ENCRYPTED) != 0;
            break;
        case SW_OBJ_DISRUPT:
            n += (s->flags[h] & (SC_DISRUPTED | SC_WIPED)) != 0;
            break;
        default:
            break;
        }
    }
    return n;
}

/* Something that counts for adversary a's objectives happened on host h:
 * their progress against h's team. */
static void objectives_progress(sw_score_t *s, uint32_t a, uint32_t h, const sw_sim_event_t *ev)
{
    const sw_world_t *w = s->w;
    if (!is_player_host(s, h))
        return;
    for (uint32_t i = 0; i < s->objs.n; i++) {
        sw_score_obj_t *x = &s->objs.v[i];
        const sw_adv_objective_t *o = &w->adversaries[x->adversary].objectives[x->objective];
        if (x->team != w->hosts[h].team || !sw_selector_match(w, &o->target, h))
            continue;
        if (o->kind == SW_OBJ_EXFILTRATE) {
            if (ev->type != SW_SEV_EXFIL || x->adversary != a)
                continue;
            x->progress += ev->value;
        } else {
            if ((o->kind == SW_OBJ_PREPOSITION || o->kind == SW_OBJ_IMPLANT) && x->adversary != a)
                continue;
            if (o->kind == SW_OBJ_DISRUPT && ev->at_ms < o->at_ms)
                continue;
            double n = sc_obj_count(s, x);
            if (n > x->progress)
                x->progress = n;
            if (n < x->need)
                continue;
        }
        if (x->reached_ms < 0 && x->progress >= x->need)
            x->reached_ms = ev->at_ms;
    }
}

static int persist_bit(const char *name)
{
    int p = name ? sw_enum_lookup(sw_persist_names, SW_PERSIST__COUNT, name) : -1;
    return p < 0 ? 0 : 1 << p;
}

static void step_event(sw_score_t *s, const sw_sim_event_t *ev)
{
    sw_score_stage_t *st = stage_get(s, ev, ev->type == SW_SEV_STEP_START);
    if (!st)
        return;
    uint32_t idx = (uint32_t)(st - s->stages.v);
    if (ev->src_host == SW_NONE)
        observe(s, ev->host, ev->src_ip, ev->at_ms);
    if (ev->type == SW_SEV_STEP_START) {
        st->n_attempts++;
        gt_set(s, ev->gt, idx);
        return;
    }
    if (ev->outcome != SW_OUT_SUCCESS)
        return;
    st->n_success++;
    if (st->success_ms < 0)
        st->success_ms = ev->at_ms;
    host_add(s, &st->hosts, &st->host_ms, &st->n_hosts, &st->cap_hosts, ev->host, ev->at_ms);
    /* acting on a host the adversary holds: losing it contains the stage */
    if (sc_holds(s, ev->adversary, ev->host))
        held_add(s, st, ev->host, ev->at_ms);
}

/* Isolating, reimaging, restoring or reflashing a healthy critical host
 * (no adversary on it, its data intact): collateral damage. */
static int is_collateral(const sw_score_t *s, const sw_sim_event_t *ev)
{
    const sw_world_t *w = s->w;
    if (ev->type != SW_SEV_ACTION || ev->host >= w->n_hosts ||
        w->hosts[ev->host].criticality < SW_CRIT_HIGH)
        return 0;
    if (ev->action != SW_ACT_ISOLATE && ev->action != SW_ACT_REIMAGE &&
        ev->action != SW_ACT_RESTORE && ev->action != SW_ACT_REFLASH)
        return 0;
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (sc_holds(s, a, ev->host))
            return 0;
    return s->flags[ev->host] == 0;
}

static void action_event(sw_score_t *s, const sw_sim_event_t *ev)
{
    if (ev->team >= s->w->n_teams || ev->action < 0 || ev->action >= SW_ACT__COUNT)
        return;
    int collateral = is_collateral(s, ev);
    const char *value = NULL;
    if (ev->detail && ev->type == SW_SEV_ACTION && sw_action_names[ev->action])
        value = pool_cstr(s, indicator_value(ev->detail), 1);
    sw_score_action_t *x = SC_PUSH(s, s->actions);
    if (!x)
        return;
    x->team = ev->team;
    x->at_ms = ev->at_ms;
    x->action = ev->action;
    x->host = ev->host;
    x->value = value;
    x->ok = ev->type == SW_SEV_ACTION;
    x->collateral = collateral;
}

void sw_score_sim(sw_score_t *s, const sw_sim_event_t *ev)
{
    if (s->err)
        return;
    const sw_world_t *w = s->w;
    uint32_t h = ev->host, a = ev->adversary;
    int adv_host = h < w->n_hosts && a < w->n_adversaries;
    size_t k = adv_host ? (size_t)a * w->n_hosts + h : 0;
    switch (ev->type) {
    case SW_SEV_STEP_START:
    case SW_SEV_STEP:
        step_event(s, ev);
        break;
    case SW_SEV_FOOTHOLD:
        if (!adv_host)
            break;
        s->priv[k] = (uint8_t)(ev->priv > 0 ? ev->priv : SW_PRIV_USER);
        {
            sw_score_stage_t *st = stage_of_gt(s, ev->gt);
            if (st && is_player_host(s, h) && w->hosts[h].team == st->team)
                held_add(s, st, h, ev->at_ms);
        }
        hold_changed(s, a, h, ev->at_ms);
        break;
    case SW_SEV_FOOTHOLD_LOST:
        if (!adv_host)
            break;
        s->priv[k] = 0;
        hold_changed(s, a, h, ev->at_ms);
        break;
    case SW_SEV_PERSIST:
    case SW_SEV_PERSIST_REMOVED:
        if (!adv_host)
            break;
        if (ev->type == SW_SEV_PERSIST)
            s->persist[k] |= (uint8_t)persist_bit(ev->detail);
        else
            s->persist[k] &= (uint8_t)~persist_bit(ev->detail);
        hold_changed(s, a, h, ev->at_ms);
        if (ev->type == SW_SEV_PERSIST)
            objectives_progress(s, a, h, ev);
        break;
    case SW_SEV_ENCRYPTED:
    case SW_SEV_WIPED:
    case SW_SEV_DISRUPTED:
        if (h >= w->n_hosts)
            break;
        s->flags[h] |= ev->type == SW_SEV_ENCRYPTED ? SC_ENCRYPTED
                       : ev->type == SW_SEV_WIPED   ? SC_WIPED
                                                    : SC_DISRUPTED;
        objectives_progress(s, a, h, ev);
        break;
    case SW_SEV_HOST_ISOLATED:
    case SW_SEV_HOST_RELEASED:
        if (h >= w->n_hosts)
            break;
        s->isolated[h] = ev->type == SW_SEV_HOST_ISOLATED;
        for (uint32_t i = 0; i < w->n_adversaries; i++)
            hold_changed(s, i, h, ev->at_ms);
        break;
    case SW_SEV_HOST_DOWN:
        if (h < w->n_hosts && ev->detail &&
            (!strcmp(ev->detail, "reimage") || !strcmp(ev->detail, "restore")))
            s->flags[h] = 0;
        else if (h < w->n_hosts && ev->detail && !strcmp(ev->detail, "reflash"))
            s->flags[h] &= (uint8_t)~SC_DISRUPTED;
        break;
    case SW_SEV_EXFIL:
        observe(s, h, ev->dst_ip, ev->at_ms);
        if (adv_host)
            objectives_progress(s, a, h, ev);
        break;
    case SW_SEV_C2_UP:
        observe(s, h, ev->domain, ev->at_ms);
        observe(s, h, ev->dst_ip, ev->at_ms);
        break;
    case SW_SEV_BUSINESS_DOWN:
    case SW_SEV_BUSINESS_DEGRADED:
    case SW_SEV_BUSINESS_UP:
        if (ev->business < w->n_business) {
            sw_score_change_t *c = SC_PUSH(s, s->biz[ev->business]);
            if (c)
                *c = (sw_score_change_t){ev->at_ms, ev->value};
        }
        break;
    case SW_SEV_ACTION:
    case SW_SEV_ACTION_FAILED:
        action_event(s, ev);
        break;
    case SW_SEV_INDICATOR:
        if (ev->team < w->n_teams && ev->value >= 0 && ev->value < w->n_teams && ev->detail) {
            const char *v = pool_cstr(s, indicator_value(ev->detail), 1);
            sw_score_share_t *x = v ? SC_PUSH(s, s->shares) : NULL;
            if (x)
                *x = (sw_score_share_t){(uint32_t)ev->value, ev->team, ev->at_ms, v, 0, -1};
        }
        break;
    default:
        break;
    }
}

/* ---- records ------------------------------------------------------------------------ */

void sw_score_record(sw_score_t *s, uint32_t team, int64_t ordinal, uint32_t gt, int64_t at_ms)
{
    (void)at_ms;
    if (s->err || team >= s->w->n_teams)
        return;
    sc_records_t *r = &s->records[team];
    if (r->n && r->ord[r->n - 1] >= ordinal)
        return; /* in order only: a record once */
    uint32_t cap = r->cap;
    if (sc_grow(s, (void **)&r->ord, &cap, r->n + 1, sizeof *r->ord) ||
        sc_grow(s, (void **)&r->gt, &r->cap, r->n + 1, sizeof *r->gt))
        return;
    r->ord[r->n] = ordinal;
    r->gt[r->n++] = gt;
    sw_score_stage_t *st = stage_of_gt(s, gt);
    if (st && st->team == team) {
        if (!st->first_record)
            st->first_record = ordinal;
        st->n_records++;
    }
}

/* ---- acts --------------------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Strings of a JSON array (of strings, or of objects' member key) into the
 * pool. *out is allocated; NULL with *n = 0 when the array is empty. */
static int str_array(sw_score_t *s, json_t *arr, const char *key, int lower, const char ***out,
                     uint32_t *n)
{
    *out = NULL;
    *n = 0;
    size_t m = json_array_size(arr);
    if (!m)
        return 0;
    if (!(*out = sw_calloc(&s->al, m, sizeof **out))) {
        s->err = SW_ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < m; i++) {
        json_t *x = json_array_get(arr, i);
        const char *v = key ? jstr(x, key) : json_string_value(x);
        if (v && *v && (v = pool_cstr(s, v, lower)))
            (*out)[(*n)++] = v;
    }
    return s->err ? -1 : 0;
}

static void act_report(sw_score_t *s, const sw_score_act_t *a, json_t *p)
{
    sw_score_report_t r;
    memset(&r, 0, sizeof r);
    r.team = a->team;
    r.seq = a->seq;
    r.at_ms = a->at_ms;
    r.title = pool_cstr(s, jstr(p, "title") ? jstr(p, "title") : "", 0);
    json_t *hosts = json_object_get(p, "hosts");
    size_t nh = json_array_size(hosts);
    if (nh && !(r.hosts = sw_calloc(&s->al, nh, sizeof *r.hosts)))
        s->err = SW_ENOMEM;
    for (size_t i = 0; r.hosts && i < nh; i++) {
        uint32_t h = sw_world_host(s->w, json_string_value(json_array_get(hosts, i)));
        if (h != SW_NONE)
            r.hosts[r.n_hosts++] = h;
    }
    str_array(s, json_object_get(p, "techniques"), NULL, 0, &r.techniques, &r.n_techniques);
    str_array(s, json_object_get(p, "indicators"), "value", 1, &r.indicators, &r.n_indicators);
    sw_score_report_t *x = s->err ? NULL : SC_PUSH(s, s->reports);
    if (!x) {
        sw_free(&s->al, r.hosts);
        sw_free(&s->al, r.techniques);
        sw_free(&s->al, r.indicators);
        return;
    }
    *x = r;
    for (int d = 0; d < 3; d++)
        x->precision[d] = x->recall[d] = -1;
}

static void act_mark(sw_score_t *s, const sw_score_act_t *a, json_t *p, int rule)
{
    const char *text = jstr(p, "text");
    if (!text)
        text = jstr(p, "rule");
    const char *c = pool_cstr(s, text ? text : "", 0);
    sw_score_mark_t *x = c ? (rule ? SC_PUSH(s, s->rules) : SC_PUSH(s, s->hints)) : NULL;
    if (x)
        *x = (sw_score_mark_t){a->team, a->seq, a->at_ms, c};
}

/* indicator.share (the STIX path): each indicator to each recipient. */
static void act_share(sw_score_t *s, const sw_score_act_t *a, json_t *p)
{
    const sw_world_t *w = s->w;
    const char *to = jstr(p, "to");
    uint32_t only = to && *to && strcmp(to, "all") ? sw_world_team(w, to) : SW_NONE;
    json_t *inds = json_object_get(p, "indicators");
    for (size_t i = 0; i < json_array_size(inds); i++) {
        const char *v = pool_cstr(s, indicator_value(jstr(json_array_get(inds, i), "value")), 1);
        for (uint32_t t = 0; v && *v && t < w->n_teams; t++) {
            if (t == a->team || w->teams[t].kind != SW_TEAM_PLAYER ||
                (only != SW_NONE && t != only))
                continue;
            sw_score_share_t *x = SC_PUSH(s, s->shares);
            if (x)
                *x = (sw_score_share_t){a->team, t, a->at_ms, v, 0, -1};
        }
    }
}

void sw_score_act(sw_score_t *s, const sw_score_act_t *a)
{
    if (s->err || !a->kind || a->team >= s->w->n_teams)
        return;
    int triage = !strcmp(a->kind, "alert.triage"), report = !strcmp(a->kind, "report.submit"),
        hint = !strcmp(a->kind, "hint.release"), rule = !strcmp(a->kind, "rule.broken"),
        share = !strcmp(a->kind, "indicator.share");
    if (!triage && !report && !hint && !rule && !share)
        return;
    json_t *p = a->payload ? json_loads(a->payload, 0, NULL) : NULL;
    if (!json_is_object(p)) {
        json_decref(p);
        s->n_bad_acts++;
        return;
    }
    if (triage) {
        const char *st = jstr(p, "status");
        json_t *rec = json_object_get(p, "record");
        if (!st || !json_is_integer(rec)) {
            s->n_bad_acts++;
        } else {
            sw_score_triage_t *x = SC_PUSH(s, s->triages);
            if (x)
                *x = (sw_score_triage_t){a->team,
                                         a->seq,
                                         a->at_ms,
                                         json_integer_value(json_object_get(p, "alert")),
                                         sw_score_ordinal(json_integer_value(rec)),
                                         !strcmp(st, "true-positive") || !strcmp(st, "escalated"),
                                         !strcmp(st, "false-positive"),
                                         SW_NONE};
        }
    } else if (report) {
        act_report(s, a, p);
    } else if (share) {
        act_share(s, a, p);
    } else {
        act_mark(s, a, p, rule);
    }
    json_decref(p);
}

/* ---- reading ----------------------------------------------------------------------- */

void sw_score_facts(const sw_score_t *s, sw_score_facts_t *out)
{
    out->stages = s->stages.v;
    out->n_stages = s->stages.n;
    out->objectives = s->objs.v;
    out->n_objectives = s->objs.n;
    out->reports = s->reports.v;
    out->n_reports = s->reports.n;
    out->triages = s->triages.v;
    out->n_triages = s->triages.n;
    out->actions = s->actions.v;
    out->n_actions = s->actions.n;
    out->shares = s->shares.v;
    out->n_shares = s->shares.n;
    out->hints = s->hints.v;
    out->n_hints = s->hints.n;
    out->rules_broken = s->rules.v;
    out->n_rules_broken = s->rules.n;
    out->n_bad_acts = s->n_bad_acts;
}

const sw_score_change_t *sw_score_business(const sw_score_t *s, uint32_t b, uint32_t *n)
{
    *n = b < s->w->n_business ? s->biz[b].n : 0;
    return *n ? s->biz[b].v : NULL;
}

uint32_t sw_score_n_observed(const sw_score_t *s, uint32_t team)
{
    return team < s->w->n_teams ? s->observed[team].n : 0;
}

const char *sw_score_observed(const sw_score_t *s, uint32_t team, uint32_t i, int64_t *first_ms)
{
    if (team >= s->w->n_teams || i >= s->observed[team].n)
        return NULL;
    if (first_ms)
        *first_ms = s->observed[team].at[i];
    return s->observed[team].v[i];
}

uint32_t sw_score_stage_records(const sw_score_t *s, uint32_t i, int64_t *out, uint32_t max)
{
    if (i >= s->stages.n)
        return 0;
    const sc_records_t *r = &s->records[s->stages.v[i].team];
    uint32_t n = 0;
    for (uint32_t k = 0; k < r->n && n < max; k++)
        if (r->gt[k] < s->gt_stage.n && s->gt_stage.v[r->gt[k]] == i)
            out[n++] = r->ord[k];
    return n;
}
