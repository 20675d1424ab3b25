/* net.c — the network as the sim sees it: who can reach what (zones, org
 * firewall rules, isolation, boundary blocks, trusted links, international
 * transit), links failing and failing over, C2 channels working or not, and
 * business service availability from the dependency graph.
 *
 * Design notes
 *  1. Reachability is computed on demand from current state, never cached
 *     across events: a block or an isolation takes effect for the very next
 *     question asked. Cost O(rules + blocks) per question.
 *  2. From the internet a host is reachable only on an exposed service the
 *     organisation's firewall lets in from zone "internet", and only while the
 *     organisation has international transit (the adversary is abroad).
 *     Inside an organisation, same zone is open; across zones the firewall
 *     decides. A trusted link between organisations is one more path, seen
 *     by the destination's firewall as coming from zone "wan".
 *  3. International transit of an organisation: all its primary links up ->
 *     PRIMARY; else, once failed over (act_failover) and every backup link
 *     up -> BACKUP; else DOWN. A business needing it degrades on BACKUP when
 *     the backup path carries less than its min_capacity_mbps.
 *  4. Availability of a business: every "all" dependency and at least one
 *     "any" dependency; each is 1 (up), 0.5 (degraded) or 0 (down) and the
 *     business takes the minimum, so it stays in [0, 1]. The first failing
 *     dependency is recorded as the cause. Cycles count as up.
 *
 * Transit state per organisation:
 *   PRIMARY -> DOWN    [net_link_set: a primary link cut, not failed over]
 *   PRIMARY -> BACKUP  [net_link_set when failed over; act_failover]
 *   DOWN/BACKUP -> PRIMARY [net_link_repair]
 */
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

sw_zone_t net_zone(const sw_world_t *w, uint32_t h)
{
    uint32_t n = w->hosts[h].network;
    return n < w->n_networks ? w->networks[n].zone : SW_ZONE_INTERNAL;
}

static int fw_allows(const sw_org_t *o, sw_zone_t from, sw_zone_t to, uint16_t port)
{
    if (from == to)
        return 1;
    for (uint32_t i = 0; i < o->n_fw; i++) {
        const sw_fw_rule_t *r = &o->fw[i];
        if (r->from != from || r->to != to)
            continue;
        if (port == 0 || (port >= r->port_lo && port <= r->port_hi))
            return r->allow;
    }
    return o->fw_default_allow;
}

/* Is (kind, value/port) blocked at org's boundary? Null-routes apply to
 * every organisation (the upstream drops the traffic). */
int net_blocked(const sw_sim_t *sim, uint32_t org, int kind, const char *value, uint16_t port)
{
    uint32_t team = org < sim->w->n_orgs ? sim->w->orgs[org].team : SW_NONE;
    for (uint32_t i = 0; i < sim->n_blocks; i++) {
        const sim_block_t *b = &sim->blocks[i];
        if (b->kind == SW_ACT_NULL_ROUTE) {
            if (kind == SW_ACT_BLOCK_IP && value && !strcmp(b->value, value))
                return 1;
            continue;
        }
        if (b->kind != kind || b->team != team || (b->org != SW_NONE && b->org != org))
            continue;
        if (kind == SW_ACT_BLOCK_PORT ? b->port == port && port != 0
                                      : value && !strcasecmp(b->value, value))
            return 1;
    }
    return 0;
}

static int has_exposed(const sw_host_t *h, uint16_t port)
{
    for (uint32_t i = 0; i < h->n_services; i++)
        if (h->services[i].exposed && (port == 0 || h->services[i].port == port))
            return 1;
    return 0;
}

static int orgs_trusted(const sw_world_t *w, uint32_t a, uint32_t b)
{
    for (uint32_t i = 0; i < w->orgs[a].trusts.n; i++)
        if (w->orgs[a].trusts.ids[i] == b)
            return 1;
    for (uint32_t i = 0; i < w->orgs[b].trusts.n; i++)
        if (w->orgs[b].trusts.ids[i] == a)
            return 1;
    return 0;
}

/* Can something at src (a host, or SW_NONE for the internet) open port on
 * dst (0: any port)? See design note 2. */
int net_reach(const sw_sim_t *sim, uint32_t src, uint32_t dst, uint16_t port)
{
    const sw_world_t *w = sim->w;
    if (!sim_host_live(sim, dst))
        return 0;
    const sw_host_t *d = &w->hosts[dst];
    const sw_org_t *dorg = &w->orgs[d->org];
    sw_zone_t dz = net_zone(w, dst);
    if (src != SW_NONE) {
        if (!sim_host_live(sim, src))
            return 0;
        const sw_host_t *s = &w->hosts[src];
        if (s->org == d->org)
            return fw_allows(dorg, net_zone(w, src), dz, port);
        /* a trusted link is an extra path (zone "wan"), the internet still another */
        if (orgs_trusted(w, s->org, d->org) && fw_allows(dorg, SW_ZONE_WAN, dz, port))
            return 1;
        /* another organisation: over the internet; another country's needs
         * both sides' international transit */
        if (s->team != d->team && (sim->org_transit[s->org] == 0 || sim->org_transit[d->org] == 0))
            return 0;
        return has_exposed(d, port) && !net_blocked(sim, d->org, SW_ACT_BLOCK_PORT, NULL, port) &&
               fw_allows(dorg, SW_ZONE_INTERNET, dz, port);
    }
    if (sim->org_transit[d->org] == 0)
        return 0;
    return has_exposed(d, port) && !net_blocked(sim, d->org, SW_ACT_BLOCK_PORT, NULL, port) &&
           fw_allows(dorg, SW_ZONE_INTERNET, dz, port);
}

/* ---- links and transit -------------------------------------------------------- */

static int path_up(const sw_sim_t *sim, const sw_idlist_t *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        if (p->ids[i] < sim->w->n_links && !sim->link_up[p->ids[i]])
            return 0;
    return 1;
}

static uint8_t transit_compute(const sw_sim_t *sim, uint32_t o)
{
    const sw_org_t *org = &sim->w->orgs[o];
    if (org->intl_primary.n == 0 || path_up(sim, &org->intl_primary))
        return 1;
    if (sim->org_failover[o] && org->intl_backup.n > 0 && path_up(sim, &org->intl_backup))
        return 2;
    return 0;
}

void net_transit_update(sw_sim_t *sim, int quiet)
{
    static const char *const names[3] = {"down", "primary", "backup"};
    for (uint32_t o = 0; o < sim->w->n_orgs; o++) {
        uint8_t t = transit_compute(sim, o);
        if (t == sim->org_transit[o])
            continue;
        sim->org_transit[o] = t;
        if (quiet)
            continue;
        sw_sim_event_t ev = sim_ev(sim, SW_SEV_TRANSIT);
        ev.org = o;
        ev.team = sim->w->orgs[o].team;
        ev.detail = names[t];
        sim_emit(sim, &ev);
    }
}

void net_link_set(sw_sim_t *sim, uint32_t l, int up, const char *why)
{
    sim->link_up[l] = (uint8_t)(up != 0);
    sim->link_gen[l]++;
    sw_sim_event_t ev = sim_ev(sim, up ? SW_SEV_LINK_UP : SW_SEV_LINK_DOWN);
    ev.link = l;
    ev.detail = why;
    sim_emit(sim, &ev);
    net_transit_update(sim, 0);
    net_refresh(sim, 0);
}

void net_link_repair(sw_sim_t *sim, uint32_t l, uint32_t gen)
{
    if (gen == sim->link_gen[l] && !sim->link_up[l])
        net_link_set(sim, l, 1, "repaired");
}

/* ---- C2 channels --------------------------------------------------------------- */

/* A channel works while its implant host is live, the host's organisation
 * has transit, and neither its domain, its IP nor its port is blocked there.
 * "proxy" rides on the adversary's relays instead of its own IPs. */
int net_chan_working(const sw_sim_t *sim, uint32_t a, const sim_chan_t *c)
{
    const sw_world_t *w = sim->w;
    const sw_adversary_t *ad = &w->adversaries[a];
    if (!c->used || !sim_host_live(sim, c->host))
        return 0;
    uint32_t org = w->hosts[c->host].org;
    if (sim->org_transit[org] == 0)
        return 0;
    int is_dns = c->name && !strcmp(c->name, "dns");
    uint16_t port = is_dns ? 53 : 443;
    if (net_blocked(sim, org, SW_ACT_BLOCK_PORT, NULL, port))
        return 0;
    if (c->domain >= 0 &&
        net_blocked(sim, org, SW_ACT_BLOCK_DOMAIN, ad->c2_domains.s[c->domain], 0))
        return 0;
    if (c->name && !strcmp(c->name, "proxy")) {
        const adv_t *av = &sim->advs[a];
        for (uint32_t h = 0; h < w->n_hosts; h++)
            if (av->hosts[h].relay && sim_host_live(sim, h) &&
                !net_blocked(sim, org, SW_ACT_BLOCK_IP, w->hosts[h].ip_text, 0))
                return 1;
        return 0;
    }
    if (c->ip >= 0 && !is_dns && net_blocked(sim, org, SW_ACT_BLOCK_IP, ad->c2_ips.s[c->ip], 0))
        return 0;
    return 1;
}

/* Re-derive every channel after a change; report the ones that changed. A
 * defender's action that cuts the adversary's last channel opposes it. */
void net_refresh(sw_sim_t *sim, int by_defender)
{
    const sw_world_t *w = sim->w;
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        adv_t *av = &sim->advs[a];
        int lost = 0, any_up = 0;
        for (int i = 0; i < SIM_MAX_CHAN; i++) {
            sim_chan_t *c = &av->chans[i];
            if (!c->used)
                continue;
            uint8_t up = (uint8_t)net_chan_working(sim, a, c);
            any_up |= up;
            if (up == c->up)
                continue;
            c->up = up;
            lost |= !up;
            sw_sim_event_t ev = sim_ev(sim, up ? SW_SEV_C2_UP : SW_SEV_C2_DOWN);
            sim_ev_host(sim, &ev, c->host);
            ev.adversary = a;
            ev.channel = c->name;
            ev.cause = c->cause;
            if (c->domain >= 0)
                ev.domain = w->adversaries[a].c2_domains.s[c->domain];
            /* the implant beacons out: host -> C2 */
            ev.src_ip = ev.dst_ip;
            ev.dst_ip = c->ip >= 0 ? w->adversaries[a].c2_ips.s[c->ip] : NULL;
            ev.dst_port = c->name && !strcmp(c->name, "dns") ? 53 : 443;
            sim_emit(sim, &ev);
        }
        if (lost && !any_up && by_defender)
            planner_opposed(sim, a, "c2 cut");
    }
}

/* ---- business services ------------------------------------------------------- */

typedef struct why {
    const char *what;
    uint32_t host, link;
} why_t;

static double biz_eval(sw_sim_t *sim, uint32_t b, why_t *why, int depth);

static void why_set(why_t *y, const char *what, uint32_t host, uint32_t link)
{
    if (y && !y->what) {
        y->what = what;
        y->host = host;
        y->link = link;
    }
}

static double host_val(const sw_sim_t *sim, uint32_t h, why_t *why)
{
    const sim_host_t *sh = &sim->hosts[h];
    if (sh->state != SW_HOST_UP) {
        why_set(why, sw_host_state_names[sh->state], h, SW_NONE);
        return 0;
    }
    if (sh->isolated) {
        why_set(why, "isolated", h, SW_NONE);
        return 0;
    }
    return 1;
}

static double svc_eval(sw_sim_t *sim, uint32_t h, uint32_t s, why_t *why, int depth)
{
    const sw_host_t *host = &sim->w->hosts[h];
    if (s >= host->n_services)
        return host_val(sim, h, why);
    uint32_t k = sim->hosts[h].svc_base + s;
    if (sim->svc_stamp[k] == sim->stamp && !why)
        return sim->svc_val[k];
    double v = host_val(sim, h, why);
    const sim_host_t *sh = &sim->hosts[h];
    if (v > 0 && (sh->encrypted || sh->wiped || sh->disrupted)) {
        why_set(why, sh->encrypted ? "encrypted" : sh->wiped ? "wiped" : "disrupted", h, SW_NONE);
        v = 0;
    }
    if (v > 0 && depth < 32) {
        sim->svc_stamp[k] = sim->stamp; /* cycle guard: count as up while evaluating */
        sim->svc_val[k] = 1;
        const sw_service_t *sv = &host->services[s];
        for (uint32_t i = 0; i < sv->n_deps && v > 0; i++) {
            if (sv->dep_host[i] >= sim->w->n_hosts)
                continue;
            double d = svc_eval(sim, sv->dep_host[i], sv->dep_svc[i], why, depth + 1);
            if (d < v)
                v = d;
        }
    }
    sim->svc_stamp[k] = sim->stamp;
    sim->svc_val[k] = v;
    return v;
}

static double dep_eval(sw_sim_t *sim, const sw_business_t *bz, const sw_dep_t *d, why_t *why,
                       int depth)
{
    const sw_world_t *w = sim->w;
    switch (d->kind) {
    case SW_DEP_HOST:
        return d->ref < w->n_hosts ? host_val(sim, d->ref, why) : 1;
    case SW_DEP_SERVICE:
        return d->ref < w->n_hosts ? svc_eval(sim, d->ref, d->svc, why, depth) : 1;
    case SW_DEP_LINK:
        if (d->ref < w->n_links && !sim->link_up[d->ref]) {
            why_set(why, "link down", SW_NONE, d->ref);
            return 0;
        }
        return 1;
    case SW_DEP_BUSINESS:
        return d->ref < w->n_business ? biz_eval(sim, d->ref, why, depth + 1) : 1;
    case SW_DEP_INTL: {
        uint32_t o = d->ref < w->n_orgs ? d->ref : bz->org;
        if (o >= w->n_orgs)
            return 1;
        uint8_t t = sim->org_transit[o];
        if (t == 0) {
            why_set(why, "international transit down", SW_NONE, SW_NONE);
            return 0;
        }
        if (t == 2 && bz->min_capacity_mbps > 0) {
            double cap = -1;
            const sw_idlist_t *p = &w->orgs[o].intl_backup;
            for (uint32_t i = 0; i < p->n; i++)
                if (p->ids[i] < w->n_links && (cap < 0 || w->links[p->ids[i]].capacity_mbps < cap))
                    cap = w->links[p->ids[i]].capacity_mbps;
            if (cap >= 0 && cap < bz->min_capacity_mbps) {
                why_set(why, "on backup transit below needed capacity", SW_NONE, p->ids[0]);
                return 0.5;
            }
        }
        return 1;
    }
    }
    return 1;
}

static double biz_eval(sw_sim_t *sim, uint32_t b, why_t *why, int depth)
{
    if (sim->biz_stamp[b] == sim->stamp && !why)
        return sim->biz_val[b];
    if (depth > 32)
        return 1;
    const sw_business_t *bz = &sim->w->business[b];
    sim->biz_stamp[b] = sim->stamp; /* cycle guard */
    sim->biz_val[b] = 1;
    double v = 1;
    for (uint32_t i = 0; i < bz->n_all; i++) {
        double d = dep_eval(sim, bz, &bz->all[i], why, depth);
        if (d < v)
            v = d;
    }
    if (bz->n_any > 0) {
        double best = 0;
        why_t first = {0};
        for (uint32_t i = 0; i < bz->n_any; i++) {
            double d = dep_eval(sim, bz, &bz->any[i], why && !first.what ? &first : NULL, depth);
            if (d > best)
                best = d;
        }
        if (best < v) {
            v = best;
            if (why && first.what)
                why_set(why, first.what, first.host, first.link);
        }
    }
    sim->biz_val[b] = v;
    return v;
}

double net_business_eval(sw_sim_t *sim, uint32_t b, const char **what, uint32_t *host,
                         uint32_t *link)
{
    sim->stamp++;
    why_t y = {NULL, SW_NONE, SW_NONE};
    double v = biz_eval(sim, b, what ? &y : NULL, 0);
    if (what)
        *what = y.what;
    if (host)
        *host = y.host;
    if (link)
        *link = y.link;
    return v;
}

/* Once per exercise minute, after every other event of that minute: add each
 * business's value to its sum; report the ones whose state changed, with the
 * cause. O(business * dependencies). */
void net_sample(sw_sim_t *sim)
{
    const sw_world_t *w = sim->w;
    sim->stamp++;
    for (uint32_t b = 0; b < w->n_business; b++) {
        double v = biz_eval(sim, b, NULL, 0);
        sim->biz_sum[b] += v;
        uint8_t st = v >= 1 ? 2 : v > 0 ? 1 : 0;
        if (st == sim->biz_state[b])
            continue;
        sim->biz_state[b] = st;
        const char *what = NULL;
        uint32_t host = SW_NONE, link = SW_NONE;
        if (st != 2)
            net_business_eval(sim, b, &what, &host, &link);
        sw_sim_event_t ev = sim_ev(sim, st == 2   ? SW_SEV_BUSINESS_UP
                                        : st == 1 ? SW_SEV_BUSINESS_DEGRADED
                                                  : SW_SEV_BUSINESS_DOWN);
        ev.business = b;
        ev.team = w->business[b].team;
        ev.org = w->business[b].org;
        ev.host = host;
        ev.link = link;
        ev.detail = what;
        ev.value = v;
        sim_emit(sim, &ev);
    }
    sim->n_samples++;
    sim_push(sim, sw_sched_now(&sim->q) + MIN_MS, K_SAMPLE, PRIO_SAMPLE, 0, 0, 0);
}
