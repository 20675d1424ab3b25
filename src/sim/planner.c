/* planner.c — the adversaries: a goal-directed planner over their playbook
 * steps, the effects of steps on the world, and the adversary's view of what
 * it holds (footholds, credentials, channels, facts).
 *
 * Design notes
 *  1. Not a script. At each decision the planner lists (step, target) pairs
 *     whose preconditions hold now and whose effects would change something,
 *     and takes the one closest to an unmet objective; ties are broken by a
 *     draw from the adversary's own stream.
 *  2. Closeness is a backward-chaining distance over the step graph computed
 *     once per objective and per effect at init (planner_dists): 0 for an effect
 *     is the objective (exfil from the place, persistence there, ...), else
 *     1 + the least distance of a step one of its effects enables (foothold
 *     of a role/priv -> on-target/foothold precondition, credential kind,
 *     fact, C2). Relaxed like a planning graph: hosts are abstracted to their
 *     selectors, delete effects ignored.
 *  3. Adapting falls out of re-deciding from current state: a lost foothold
 *     makes initial-access steps progress again (another vuln, phishing,
 *     stolen VPN credentials); a blocked channel makes a C2 step progress,
 *     which picks infrastructure not blocked or another channel; a reset
 *     credential makes harvesting progress; a patched vuln removes a way in.
 *     A (step, host) pair failing SIM_FAILS_GIVE_UP times is dropped. When a
 *     defender's action hurts it the adversary may go quiet for a while
 *     (chance = patience).
 *  4. One step at a time per operator: the campaign (op 0, and ops 2.. when
 *     the adversary has several `operators`, never two on the same step and
 *     target), plus a strike (op 1) that runs disruptive steps from a
 *     disrupt objective's trigger time on (planner_trigger); before it,
 *     disruptive steps are held back. A step's
 *     preconditions are checked at start and again at its end; if they
 *     stopped holding, the outcome is "interrupted" and no effect applies.
 *  5. Every step attempt gets a ground-truth record; its cause is the record
 *     behind the position it acted from (see sim.c note 4).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

/* ---- helpers --------------------------------------------------------------- */

static int sel_compat(const sw_selector_t *x, const sw_selector_t *y)
{
    if (x->has_role && y->has_role && x->role != y->role)
        return 0;
    if (x->host != SW_NONE && y->host != SW_NONE && x->host != y->host)
        return 0;
    if (x->org != SW_NONE && y->org != SW_NONE && x->org != y->org)
        return 0;
    if (x->org_kind >= 0 && y->org_kind >= 0 && x->org_kind != y->org_kind)
        return 0;
    if (x->zone >= 0 && y->zone >= 0 && x->zone != y->zone)
        return 0;
    return 1;
}

static int adv_targets_team(const sw_adversary_t *ad, uint32_t team)
{
    if (ad->targets.n == 0)
        return 1;
    for (uint32_t i = 0; i < ad->targets.n; i++)
        if (ad->targets.ids[i] == team)
            return 1;
    return 0;
}

/* Hosts a selector may pick for this adversary: its target teams, unless the
 * selector names a host or organisation, or asks for small-office routers
 * (relay fodder belongs to nobody's team). */
static int in_scope(const sw_world_t *w, const sw_adversary_t *ad, const sw_selector_t *s,
                    uint32_t h)
{
    if (!sw_selector_match(w, s, h))
        return 0;
    if (s->host != SW_NONE || s->org != SW_NONE || (s->has_role && s->role == SW_ROLE_SOHO_ROUTER))
        return 1;
    return adv_targets_team(ad, w->hosts[h].team);
}

static int has_fact(const adv_t *av, const char *f)
{
    for (uint32_t i = 0; i < av->n_facts; i++)
        if (!strcmp(av->facts[i], f))
            return 1;
    return 0;
}

static void fh_add(adv_t *av, uint32_t h)
{
    if (av->hosts[h].fh_pos >= 0)
        return;
    av->hosts[h].fh_pos = (int32_t)av->n_footholds;
    av->footholds[av->n_footholds++] = h;
}

static void fh_del(adv_t *av, uint32_t h)
{
    int32_t p = av->hosts[h].fh_pos;
    if (p < 0)
        return;
    uint32_t last = av->footholds[--av->n_footholds];
    av->footholds[p] = last;
    av->hosts[last].fh_pos = p;
    av->hosts[h].fh_pos = -1;
}

static double visibility(const sw_sim_t *sim, uint32_t h, double noise)
{
    if (h == SW_NONE)
        return noise * 0.5;
    const sw_sensors_t *s = &sim->w->hosts[h].sensors;
    double f = s->edr ? 1.0 : s->sysmon ? 0.8 : (s->security_log || s->syslog) ? 0.6 : 0.3;
    if (sim->hosts[h].enhanced_logging)
        f *= 1.5;
    if (sim->hosts[h].logs_tampered && !s->log_forwarding)
        f *= 0.3;
    double v = noise * f;
    return v > 1 ? 1 : v;
}

/* ---- credentials --------------------------------------------------------------- */

int planner_cred_valid(const sw_sim_t *sim, const sim_cred_t *c)
{
    uint32_t kr = sim->org_krbtgt[c->org];
    if (c->kind == SW_CRED_KRBTGT)
        return kr - c->krbtgt_at < 2; /* golden tickets die on the second reset */
    if (c->form == SW_CREDF_TICKET && kr != c->krbtgt_at)
        return 0;
    if (!c->account)
        return 1;
    const sim_acct_t *ac = act_acct(sim, c->org, c->account);
    if (!ac)
        return 1;
    if (ac->disabled)
        return 0;
    return c->form == SW_CREDF_TICKET || ac->resets == c->resets_at;
}

/* A valid credential of kind usable against org (its own or a trusting one). */
static const sim_cred_t *cred_find(const sw_sim_t *sim, uint32_t a, sw_cred_kind_t kind,
                                   uint32_t org)
{
    const adv_t *av = &sim->advs[a];
    const sw_world_t *w = sim->w;
    for (uint32_t i = 0; i < av->n_creds; i++) {
        const sim_cred_t *c = &av->creds[i];
        if (c->kind != kind || !planner_cred_valid(sim, c))
            continue;
        if (org == SW_NONE || c->org == org)
            return c;
        for (uint32_t t = 0; t < w->orgs[org].trusts.n; t++)
            if (w->orgs[org].trusts.ids[t] == c->org)
                return c;
    }
    return NULL;
}

/* Which account a harvest of kind on host h yields: the host's user for a
 * workstation, else an account of the right sort in the organisation, drawn
 * from the adversary's stream. */
static const char *cred_account(sw_sim_t *sim, uint32_t a, uint32_t h, sw_cred_kind_t kind)
{
    const sw_world_t *w = sim->w;
    const sw_host_t *host = &w->hosts[h];
    const sw_org_t *org = &w->orgs[host->org];
    switch (kind) {
    case SW_CRED_KRBTGT:
        return "krbtgt";
    case SW_CRED_LOCAL_ADMIN:
    case SW_CRED_ROUTER_ADMIN:
    case SW_CRED_SERVICE:
        for (uint32_t i = 0; i < host->n_accounts; i++)
            if ((host->accounts[i].admin != 0) == (kind != SW_CRED_SERVICE))
                return host->accounts[i].name;
        return kind == SW_CRED_SERVICE        ? "svc_app"
               : kind == SW_CRED_ROUTER_ADMIN ? "admin"
                                              : "Administrator";
    default:
        break;
    }
    if (kind == SW_CRED_DOMAIN_USER || kind == SW_CRED_VPN)
        for (uint32_t i = 0; i < org->users.n; i++) {
            const sw_user_t *u = &w->users[org->users.ids[i]];
            if (u->workstation == h && (kind != SW_CRED_VPN || u->vpn))
                return u->account;
        }
    uint32_t n = 0;
    const char *pick = NULL;
    for (uint32_t i = 0; i < org->users.n; i++) {
        const sw_user_t *u = &w->users[org->users.ids[i]];
        int ok = kind == SW_CRED_DOMAIN_ADMIN ? u->domain_admin : kind == SW_CRED_VPN ? u->vpn : 1;
        if (ok && sw_rng_below(&sim->advs[a].rng, ++n) == 0)
            pick = u->account;
    }
    return pick;
}

static uint32_t cred_add(sw_sim_t *sim, uint32_t a, uint32_t h, sw_cred_kind_t kind,
                         sw_cred_form_t form, const char *named, uint32_t gt, const char **account)
{
    adv_t *av = &sim->advs[a];
    uint32_t org = sim->w->hosts[h].org;
    /* the step names it (an advisory's account), else one is drawn; drawn
     * either way, so that naming it changes nothing else in the run */
    const char *acct = cred_account(sim, a, h, kind);
    if (named)
        acct = named;
    const sim_acct_t *st = acct ? act_acct(sim, org, acct) : NULL;
    sim_cred_t c = {(uint8_t)kind,       (uint8_t)form,        org, acct,
                    st ? st->resets : 0, sim->org_krbtgt[org], gt};
    *account = acct;
    for (uint32_t i = 0; i < av->n_creds; i++) /* refresh an old copy in place */
        if (av->creds[i].kind == kind && av->creds[i].org == org && av->creds[i].form == form &&
            ((!acct && !av->creds[i].account) ||
             (acct && av->creds[i].account && !strcmp(acct, av->creds[i].account)))) {
            av->creds[i] = c;
            return i;
        }
    if (av->n_creds == av->cap_creds) {
        uint32_t ncap = av->cap_creds ? av->cap_creds * 2 : 16;
        sim_cred_t *n = SIM_REALLOC(sim, av->creds, ncap, sizeof *n);
        if (!n)
            return SW_NONE;
        av->creds = n;
        av->cap_creds = ncap;
    }
    av->creds[av->n_creds] = c;
    return av->n_creds++;
}

/* The adversary's address as org sees it: its first IP not blocked there
 * (it moves on when one is burnt), or NULL when it has none. */
static const char *origin_ip(const sw_sim_t *sim, uint32_t a, uint32_t org)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    for (uint32_t i = 0; i < ad->c2_ips.n; i++)
        if (!net_blocked(sim, org, SW_ACT_BLOCK_IP, ad->c2_ips.s[i], 0))
            return ad->c2_ips.s[i];
    return ad->c2_ips.n ? ad->c2_ips.s[ad->c2_ips.n - 1] : NULL;
}

/* ---- preconditions ------------------------------------------------------------- */

typedef struct ctx {
    uint32_t src;        /* host acted from, SW_NONE: the internet */
    uint32_t cause;      /* gt behind src */
    uint32_t cred_cause; /* gt that harvested the credential used */
    const char *account; /* credential's account */
    uint16_t port;
    double success_mul;
} ctx_t;

static int vuln_open(const sw_sim_t *sim, uint32_t h, const char *cve, double *expl)
{
    const sw_host_t *host = &sim->w->hosts[h];
    for (uint32_t v = 0; v < host->n_vulns; v++) {
        const sw_vuln_t *vu = &host->vulns[v];
        if (sim->patched[sim->hosts[h].vuln_base + v])
            continue;
        if (cve ? !strcasecmp(vu->cve, cve) : vu->remote) {
            *expl = vu->exploitability > 0 ? vu->exploitability : 1.0;
            return 1;
        }
    }
    return 0;
}

static int step_exfils(const sw_step_t *st)
{
    for (uint32_t i = 0; i < st->n_eff; i++)
        if (st->eff[i].kind == SW_EFF_EXFIL)
            return 1;
    return 0;
}

static double path_capacity(const sw_world_t *w, const sw_idlist_t *p)
{
    double cap = -1;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->ids[i] < w->n_links && (cap < 0 || w->links[p->ids[i]].capacity_mbps < cap))
            cap = w->links[p->ids[i]].capacity_mbps;
    return cap;
}

/* Exfiltration over the backup path takes as many times longer as the
 * primary path is wider (1..20): a satellite link is a thin straw. */
static int64_t exfil_slowdown(const sw_sim_t *sim, uint32_t org)
{
    if (sim->org_transit[org] != 2)
        return 1;
    double p = path_capacity(sim->w, &sim->w->orgs[org].intl_primary);
    double b = path_capacity(sim->w, &sim->w->orgs[org].intl_backup);
    if (p <= 0 || b <= 0 || p <= b)
        return 1;
    double f = p / b;
    return f > 20 ? 20 : (int64_t)f;
}

/* Is the user at their desk now (the exercise clock starts at
 * exercise.start_minute, local time)? Hours that are not set (both 0) mean
 * always; an end before the start is a night shift. */
static int at_work(const sw_sim_t *sim, const sw_user_t *u)
{
    if (u->work_start_min == u->work_end_min)
        return 1;
    int64_t m = (sim->w->exercise.start_minute + sw_sched_now(&sim->q) / MIN_MS) % 1440;
    if (u->work_start_min < u->work_end_min)
        return m >= u->work_start_min && m < u->work_end_min;
    return m >= u->work_start_min || m < u->work_end_min;
}

/* Stolen VPN credentials are a way in of their own: log on to a live VPN
 * gateway of t's organisation that the internet reaches, then act from the
 * gateway's side of the firewall. The credential's harvest is the cause. */
static int vpn_reach(const sw_sim_t *sim, uint32_t a, uint32_t t, uint16_t port, ctx_t *cx)
{
    const sw_world_t *w = sim->w;
    const sim_cred_t *vc = cred_find(sim, a, SW_CRED_VPN, w->hosts[t].org);
    if (!vc)
        return 0;
    const sw_idlist_t *oh = &w->orgs[w->hosts[t].org].hosts;
    for (uint32_t k = 0; k < oh->n; k++) {
        uint32_t g = oh->ids[k];
        if (g >= w->n_hosts || g == t || w->hosts[g].role != SW_ROLE_VPN_GATEWAY ||
            !net_reach(sim, SW_NONE, g, 0) || !net_reach(sim, g, t, port))
            continue;
        cx->src = g;
        cx->cause = vc->cause;
        if (!cx->account)
            cx->account = vc->account;
        return 1;
    }
    return 0;
}

static int pre_holds(const sw_sim_t *sim, uint32_t a, const sw_step_t *st, uint32_t t, ctx_t *cx)
{
    const sw_world_t *w = sim->w;
    const adv_t *av = &sim->advs[a];
    cx->src = SW_NONE;
    cx->cause = SW_NONE;
    cx->cred_cause = SW_NONE;
    cx->account = NULL;
    cx->port = 0;
    cx->success_mul = 1.0;
    if (!sim_host_live(sim, t))
        return 0;
    if (step_exfils(st) && sim->org_transit[w->hosts[t].org] == 0)
        return 0; /* the data has to leave the country */
    const sw_pre_t *reach = NULL;
    for (uint32_t i = 0; i < st->n_pre; i++) { /* positions first, the rest after */
        const sw_pre_t *p = &st->pre[i];
        switch (p->kind) {
        case SW_PRE_ON_TARGET:
            if (av->hosts[t].priv < (p->priv ? p->priv : SW_PRIV_USER))
                return 0;
            cx->src = t;
            cx->cause = av->hosts[t].cause;
            break;
        case SW_PRE_FOOTHOLD: {
            int found = 0;
            for (uint32_t k = 0; k < av->n_footholds && !found; k++) {
                uint32_t f = av->footholds[k];
                if (av->hosts[f].priv >= (p->priv ? p->priv : SW_PRIV_USER) &&
                    sim_host_live(sim, f) && sw_selector_match(w, &p->sel, f)) {
                    found = 1;
                    if (cx->src == SW_NONE) {
                        cx->src = f;
                        cx->cause = av->hosts[f].cause;
                    }
                }
            }
            if (!found)
                return 0;
            break;
        }
        case SW_PRE_REACH:
            reach = p;
            break;
        case SW_PRE_VULN: {
            double e;
            if (!vuln_open(sim, t, p->cve, &e))
                return 0;
            cx->success_mul *= e;
            break;
        }
        case SW_PRE_CREDENTIAL: {
            const sim_cred_t *c = cred_find(sim, a, p->cred, w->hosts[t].org);
            if (!c)
                return 0;
            cx->cred_cause = c->cause;
            cx->account = c->account;
            break;
        }
        case SW_PRE_PHISHABLE: {
            double best = 0;
            const sw_org_t *o = &w->orgs[w->hosts[t].org];
            for (uint32_t k = 0; k < o->users.n; k++) {
                const sw_user_t *u = &w->users[o->users.ids[k]];
                if (u->workstation == t && u->phishing > best && at_work(sim, u)) {
                    best = u->phishing;
                    cx->account = u->account;
                }
            }
            if (best <= 0)
                return 0;
            cx->success_mul *= best;
            break;
        }
        case SW_PRE_FACT:
            if (!p->fact || !has_fact(av, p->fact))
                return 0;
            break;
        case SW_PRE_NOT_FACT:
            if (p->fact && has_fact(av, p->fact))
                return 0;
            break;
        case SW_PRE_C2:
            if (!sw_sim_c2_working(sim, a))
                return 0;
            break;
        case SW_PRE_AFTER:
            if (sw_sched_now(&sim->q) < p->at_ms)
                return 0;
            break;
        }
    }
    if (reach) {
        cx->port = reach->port;
        if (cx->src != SW_NONE && net_reach(sim, cx->src, t, reach->port))
            return 1;
        if (cx->src == SW_NONE && net_reach(sim, SW_NONE, t, reach->port))
            return 1;
        /* pivot: any live foothold that reaches it */
        for (uint32_t k = 0; k < av->n_footholds; k++) {
            uint32_t f = av->footholds[k];
            if (f != t && sim_host_live(sim, f) && net_reach(sim, f, t, reach->port)) {
                cx->src = f;
                cx->cause = av->hosts[f].cause;
                return 1;
            }
        }
        return vpn_reach(sim, a, t, reach->port, cx);
    }
    return 1;
}

/* ---- objectives ---------------------------------------------------------------- */

static uint32_t obj_need(const sw_adv_objective_t *o)
{
    return o->min_hosts ? o->min_hosts : 1;
}

int planner_objective_holds(const sw_sim_t *sim, uint32_t a, uint32_t oi)
{
    const adv_t *av = &sim->advs[a];
    const sw_adv_objective_t *o = &sim->w->adversaries[a].objectives[oi];
    if (o->kind == SW_OBJ_EXFILTRATE)
        return av->obj_mb[oi] > 0 && av->obj_mb[oi] >= o->megabytes;
    if (o->kind == SW_OBJ_DISRUPT && sw_sched_now(&sim->q) < o->at_ms)
        return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < av->n_obj_hosts[oi]; i++) {
        uint32_t h = av->obj_hosts[oi][i];
        const sim_host_t *sh = &sim->hosts[h];
        const adv_host_t *ah = &av->hosts[h];
        switch (o->kind) {
        case SW_OBJ_PREPOSITION:
            n += ah->persist != 0;
            break;
        case SW_OBJ_IMPLANT:
            n += (ah->persist >> SW_PERSIST_FIRMWARE) & 1;
            break;
        case SW_OBJ_ENCRYPT:
            n += sh->encrypted;
            break;
        case SW_OBJ_DISRUPT:
            n += sh->disrupted || sh->wiped;
            break;
        default:
            break;
        }
    }
    return n >= obj_need(o);
}

void planner_check_objectives(sw_sim_t *sim, uint32_t a)
{
    adv_t *av = &sim->advs[a];
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    for (uint32_t o = 0; o < ad->n_objectives; o++) {
        if (av->obj_reached[o] >= 0 || !planner_objective_holds(sim, a, o))
            continue;
        av->obj_reached[o] = sw_sched_now(&sim->q);
        sw_sim_event_t ev = sim_ev(sim, SW_SEV_OBJECTIVE);
        ev.adversary = a;
        ev.objective = o;
        ev.detail = sw_obj_kind_names[ad->objectives[o].kind];
        ev.value = ad->objectives[o].kind == SW_OBJ_EXFILTRATE ? av->obj_mb[o] : 0;
        sim_emit(sim, &ev);
        sim_injects_on_objective(sim, a, o);
    }
}

/* ---- distances (design note 2) ---------------------------------------------------- */

static int eff_serves(const sw_eff_t *e, const sw_step_t *s, const sw_adv_objective_t *o)
{
    switch (o->kind) {
    case SW_OBJ_EXFILTRATE:
        return e->kind == SW_EFF_EXFIL && sel_compat(&s->target, &o->target);
    case SW_OBJ_PREPOSITION:
        return e->kind == SW_EFF_PERSIST && sel_compat(&s->target, &o->target);
    case SW_OBJ_IMPLANT:
        return e->kind == SW_EFF_PERSIST && e->persist == SW_PERSIST_FIRMWARE &&
               sel_compat(&s->target, &o->target);
    case SW_OBJ_ENCRYPT:
        return (e->kind == SW_EFF_ENCRYPT && sel_compat(&s->target, &o->target)) ||
               (e->kind == SW_EFF_SPREAD && sel_compat(&e->sel, &o->target));
    case SW_OBJ_DISRUPT:
        return (e->kind == SW_EFF_DISRUPT || e->kind == SW_EFF_WIPE) &&
               sel_compat(&s->target, &o->target);
    default:
        return 0;
    }
}

static int eff_enables(const sw_eff_t *e, const sw_step_t *s, const sw_step_t *t)
{
    for (uint32_t j = 0; j < t->n_pre; j++) {
        const sw_pre_t *p = &t->pre[j];
        switch (e->kind) {
        case SW_EFF_FOOTHOLD:
        case SW_EFF_SPREAD: {
            const sw_selector_t *on = e->kind == SW_EFF_SPREAD ? &e->sel : &s->target;
            sw_priv_t pv = e->priv ? e->priv : SW_PRIV_USER;
            sw_priv_t need = p->priv ? p->priv : SW_PRIV_USER;
            if (p->kind == SW_PRE_ON_TARGET && pv >= need && sel_compat(on, &t->target))
                return 1;
            if (p->kind == SW_PRE_FOOTHOLD && pv >= need && sel_compat(on, &p->sel))
                return 1;
            break;
        }
        case SW_EFF_CREDENTIAL:
            if (p->kind == SW_PRE_CREDENTIAL && p->cred == e->cred)
                return 1;
            break;
        case SW_EFF_FACT:
            if (p->kind == SW_PRE_FACT && p->fact && e->fact && !strcmp(p->fact, e->fact))
                return 1;
            break;
        case SW_EFF_C2: /* (a relay alone is no channel: only a "proxy" C2 uses it) */
            if (p->kind == SW_PRE_C2)
                return 1;
            break;
        default:
            break;
        }
    }
    return 0;
}

static void planner_dists(const sw_adversary_t *ad, uint16_t *dist, uint16_t *edist)
{
    uint32_t ns = ad->n_steps;
    for (uint32_t o = 0; o < ad->n_objectives; o++) {
        uint16_t *d = dist + (size_t)o * ns;
        uint16_t *ed = edist + (size_t)o * ns * SIM_MAX_EFF;
        for (uint32_t s = 0; s < ns; s++) {
            const sw_step_t *st = &ad->steps[s];
            d[s] = SIM_DIST_INF;
            for (uint32_t e = 0; e < SIM_MAX_EFF; e++) {
                uint16_t v = SIM_DIST_INF;
                if (e < st->n_eff && eff_serves(&st->eff[e], st, &ad->objectives[o]))
                    v = 0;
                /* clearing backups serves ransom: it makes encryption stick */
                else if (e < st->n_eff && ad->objectives[o].kind == SW_OBJ_ENCRYPT &&
                         st->eff[e].kind == SW_EFF_DESTROY_BACKUPS)
                    v = 1;
                ed[(size_t)s * SIM_MAX_EFF + e] = v;
                if (v < d[s])
                    d[s] = v;
            }
        }
        for (int changed = 1; changed;) { /* Bellman-Ford: at most n_steps rounds */
            changed = 0;
            for (uint32_t s = 0; s < ns; s++) {
                const sw_step_t *st = &ad->steps[s];
                for (uint32_t e = 0; e < st->n_eff && e < SIM_MAX_EFF; e++) {
                    uint16_t *v = &ed[(size_t)s * SIM_MAX_EFF + e];
                    for (uint32_t t = 0; t < ns; t++) {
                        if (d[t] == SIM_DIST_INF || d[t] + 1 >= *v ||
                            !eff_enables(&st->eff[e], st, &ad->steps[t]))
                            continue;
                        *v = (uint16_t)(d[t] + 1);
                        changed = 1;
                    }
                    if (*v < d[s])
                        d[s] = *v;
                }
            }
        }
    }
}

/* ---- init ----------------------------------------------------------------------- */

int planner_init(sw_sim_t *sim, uint32_t a)
{
    const sw_world_t *w = sim->w;
    const sw_adversary_t *ad = &w->adversaries[a];
    adv_t *av = &sim->advs[a];
    sw_rng_init(&av->rng, sim->seed, "adversary", a);
    av->quiet_until = 0;
    size_t nh = w->n_hosts ? w->n_hosts : 1, ns = ad->n_steps ? ad->n_steps : 1;
    size_t no = ad->n_objectives ? ad->n_objectives : 1;
    av->hosts = SIM_CALLOC(sim, nh, sizeof *av->hosts);
    av->footholds = SIM_CALLOC(sim, nh, sizeof *av->footholds);
    av->obj_reached = SIM_CALLOC(sim, no, sizeof *av->obj_reached);
    av->obj_mb = SIM_CALLOC(sim, no, sizeof *av->obj_mb);
    av->obj_hosts = SIM_CALLOC(sim, no, sizeof *av->obj_hosts);
    av->n_obj_hosts = SIM_CALLOC(sim, no, sizeof *av->n_obj_hosts);
    av->dist = SIM_CALLOC(sim, no * ns, sizeof *av->dist);
    av->edist = SIM_CALLOC(sim, no * ns * SIM_MAX_EFF, sizeof *av->edist);
    av->cand = SIM_CALLOC(sim, ns, sizeof *av->cand);
    av->n_cand = SIM_CALLOC(sim, ns, sizeof *av->n_cand);
    av->fails = SIM_CALLOC(sim, ns * nh, 1);
    if (!av->hosts || !av->footholds || !av->obj_reached || !av->obj_mb || !av->obj_hosts ||
        !av->n_obj_hosts || !av->dist || !av->edist || !av->cand || !av->n_cand || !av->fails)
        return -1;
    sim->state_bytes += nh * (sizeof *av->hosts + sizeof *av->footholds) + ns * nh +
                        no * ns * (1 + SIM_MAX_EFF) * sizeof *av->dist;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        av->hosts[h].fh_pos = -1;
        av->hosts[h].cause = av->hosts[h].persist_cause = SW_NONE;
        av->hosts[h].persist_at = SIM_NEVER;
    }
    for (uint32_t o = 0; o < ad->n_objectives; o++) {
        av->obj_reached[o] = -1;
        uint32_t n = 0;
        for (uint32_t h = 0; h < w->n_hosts; h++)
            n += in_scope(w, ad, &ad->objectives[o].target, h);
        if (!(av->obj_hosts[o] = SIM_CALLOC(sim, n ? n : 1, sizeof(uint32_t))))
            return -1;
        for (uint32_t h = 0; h < w->n_hosts; h++)
            if (in_scope(w, ad, &ad->objectives[o].target, h))
                av->obj_hosts[o][av->n_obj_hosts[o]++] = h;
        sim->state_bytes += n * sizeof(uint32_t);
    }
    for (uint32_t s = 0; s < ad->n_steps; s++) {
        uint32_t n = 0;
        for (uint32_t h = 0; h < w->n_hosts; h++)
            n += in_scope(w, ad, &ad->steps[s].target, h);
        if (!(av->cand[s] = SIM_CALLOC(sim, n ? n : 1, sizeof(uint32_t))))
            return -1;
        for (uint32_t h = 0; h < w->n_hosts; h++)
            if (in_scope(w, ad, &ad->steps[s].target, h))
                av->cand[s][av->n_cand[s]++] = h;
        sim->state_bytes += n * sizeof(uint32_t);
    }
    planner_dists(ad, av->dist, av->edist);
    return 0;
}

void planner_free(sw_sim_t *sim, uint32_t a)
{
    adv_t *av = &sim->advs[a];
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    if (av->obj_hosts)
        for (uint32_t o = 0; o < ad->n_objectives; o++)
            SIM_FREE(sim, av->obj_hosts[o]);
    if (av->cand)
        for (uint32_t s = 0; s < ad->n_steps; s++)
            SIM_FREE(sim, av->cand[s]);
    SIM_FREE(sim, av->hosts);
    SIM_FREE(sim, av->footholds);
    SIM_FREE(sim, av->creds);
    SIM_FREE(sim, av->facts);
    SIM_FREE(sim, av->obj_reached);
    SIM_FREE(sim, av->obj_mb);
    SIM_FREE(sim, av->obj_hosts);
    SIM_FREE(sim, av->n_obj_hosts);
    SIM_FREE(sim, av->dist);
    SIM_FREE(sim, av->edist);
    SIM_FREE(sim, av->cand);
    SIM_FREE(sim, av->n_cand);
    SIM_FREE(sim, av->fails);
}

/* ---- deciding -------------------------------------------------------------------- */

/* The channel an implant on h would open now: the first domain and IP of the
 * adversary's infrastructure not blocked for h's organisation. */
static sim_chan_t chan_make(const sw_sim_t *sim, uint32_t a, uint32_t h, const char *name,
                            uint32_t gt)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    uint32_t org = sim->w->hosts[h].org;
    sim_chan_t c = {name ? name : "https", h, -1, -1, gt, 1, 0};
    for (uint32_t i = 0; i < ad->c2_domains.n && c.domain < 0; i++)
        if (!net_blocked(sim, org, SW_ACT_BLOCK_DOMAIN, ad->c2_domains.s[i], 0))
            c.domain = (int32_t)i;
    for (uint32_t i = 0; i < ad->c2_ips.n && c.ip < 0; i++)
        if (!net_blocked(sim, org, SW_ACT_BLOCK_IP, ad->c2_ips.s[i], 0))
            c.ip = (int32_t)i;
    if (ad->c2_domains.n && c.domain < 0)
        c.domain = 0; /* everything burnt: it will not work */
    if (ad->c2_ips.n && c.ip < 0)
        c.ip = 0;
    return c;
}

static void chan_open(sw_sim_t *sim, uint32_t a, uint32_t h, const char *name, uint32_t gt)
{
    adv_t *av = &sim->advs[a];
    sim_chan_t c = chan_make(sim, a, h, name, gt);
    int slot = -1;
    for (int i = 0; i < SIM_MAX_CHAN && slot < 0; i++) /* replace a dead one, else the oldest */
        if (!av->chans[i].used || !net_chan_working(sim, a, &av->chans[i]))
            slot = i;
    if (slot < 0)
        slot = (int)(gt % SIM_MAX_CHAN);
    av->chans[slot] = c;
    net_refresh(sim, 0);
}

/* Does the adversary already hold, in t's organisation, a live foothold of
 * at least pv on a host the same selector picks? Then another one there adds
 * nothing the relaxed plan can use (it ignores which host), and the planner
 * should not mistake it for progress. */
static int has_equivalent(const sw_sim_t *sim, uint32_t a, const sw_selector_t *sel, uint32_t t,
                          sw_priv_t pv)
{
    const adv_t *av = &sim->advs[a];
    uint32_t org = sim->w->hosts[t].org;
    for (uint32_t k = 0; k < av->n_footholds; k++) {
        uint32_t f = av->footholds[k];
        if (f != t && av->hosts[f].priv >= pv && sim->w->hosts[f].org == org &&
            sim_host_live(sim, f) && sw_selector_match(sim->w, sel, f))
            return 1;
    }
    return 0;
}

/* Which of this step's effects on t would change anything (bit i: effect i;
 * design note 1)? 0: none, the step is pointless now. */
static uint32_t step_progress(const sw_sim_t *sim, uint32_t a, const sw_step_t *st, uint32_t t)
{
    const adv_t *av = &sim->advs[a];
    const adv_host_t *ah = &av->hosts[t];
    const sim_host_t *sh = &sim->hosts[t];
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    uint32_t mask = 0;
    for (uint32_t i = 0; i < st->n_eff && i < SIM_MAX_EFF; i++) {
        const sw_eff_t *e = &st->eff[i];
        uint32_t bit = 1u << i;
        switch (e->kind) {
        case SW_EFF_FOOTHOLD: {
            sw_priv_t pv = e->priv ? e->priv : SW_PRIV_USER;
            if (ah->priv < pv && !has_equivalent(sim, a, &st->target, t, pv))
                mask |= bit;
            break;
        }
        case SW_EFF_CREDENTIAL:
            if (!cred_find(sim, a, e->cred, sim->w->hosts[t].org))
                mask |= bit;
            break;
        case SW_EFF_PERSIST:
            if (!((ah->persist >> e->persist) & 1))
                mask |= bit;
            break;
        case SW_EFF_FACT:
            if (e->fact && !has_fact(av, e->fact))
                mask |= bit;
            break;
        case SW_EFF_C2:
            if (!sw_sim_c2_working(sim, a)) {
                sim_chan_t c = chan_make(sim, a, t, e->channel, SW_NONE);
                if (net_chan_working(sim, a, &c)) /* only if it would work from there */
                    mask |= bit;
            }
            break;
        case SW_EFF_PROXY:
            if (!ah->relay)
                mask |= bit;
            break;
        case SW_EFF_ENCRYPT:
            if (!sh->encrypted)
                mask |= bit;
            break;
        case SW_EFF_WIPE:
            if (!sh->wiped)
                mask |= bit;
            break;
        case SW_EFF_DISRUPT:
            if (!sh->disrupted)
                mask |= bit;
            break;
        case SW_EFF_TAMPER_LOGS:
            if (!sh->logs_tampered)
                mask |= bit;
            break;
        case SW_EFF_DESTROY_BACKUPS:
            if (!sh->backups_destroyed && sim->w->hosts[t].backup.present &&
                !sim->w->hosts[t].backup.offline)
                mask |= bit;
            break;
        case SW_EFF_EXFIL:
            for (uint32_t o = 0; o < ad->n_objectives; o++)
                if (ad->objectives[o].kind == SW_OBJ_EXFILTRATE && av->obj_reached[o] < 0 &&
                    sw_selector_match(sim->w, &ad->objectives[o].target, t)) {
                    mask |= bit;
                    break;
                }
            break;
        case SW_EFF_SPREAD: {
            const sw_idlist_t *oh = &sim->w->orgs[sim->w->hosts[t].org].hosts;
            for (uint32_t k = 0; k < oh->n; k++) {
                uint32_t h = oh->ids[k];
                if (h < sim->w->n_hosts && !av->hosts[h].priv && sim_host_live(sim, h) &&
                    in_scope(sim->w, ad, &e->sel, h)) {
                    mask |= bit;
                    break;
                }
            }
            break;
        }
        }
    }
    return mask;
}

/* The step's distance to the nearest unmet objective, counting only the
 * effects in mask (those that would change something on t). */
static uint32_t step_dist(const sw_sim_t *sim, uint32_t a, uint32_t s, uint32_t t, uint32_t mask)
{
    const adv_t *av = &sim->advs[a];
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    const sw_step_t *st = &ad->steps[s];
    uint32_t best = SIM_DIST_INF;
    for (uint32_t o = 0; o < ad->n_objectives; o++) {
        if (av->obj_reached[o] >= 0 && planner_objective_holds(sim, a, o))
            continue;
        const sw_adv_objective_t *ob = &ad->objectives[o];
        const uint16_t *ed = av->edist + ((size_t)o * ad->n_steps + s) * SIM_MAX_EFF;
        for (uint32_t e = 0; e < st->n_eff && e < SIM_MAX_EFF; e++) {
            uint32_t d = ed[e];
            if (!((mask >> e) & 1) || d >= best)
                continue;
            if (d == 0) {
                if (st->eff[e].kind != SW_EFF_SPREAD && !sw_selector_match(sim->w, &ob->target, t))
                    continue;
                if (ob->kind == SW_OBJ_DISRUPT && sw_sched_now(&sim->q) < ob->at_ms)
                    continue; /* hold fire until the trigger time */
            }
            best = d;
        }
    }
    return best;
}

/* A disruptive step serving a disrupt objective whose time has not come is
 * held back: firing early would tip the defenders off. */
static int holds_fire(const sw_sim_t *sim, uint32_t a, const sw_step_t *st)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    int64_t now = sw_sched_now(&sim->q);
    for (uint32_t o = 0; o < ad->n_objectives; o++) {
        const sw_adv_objective_t *ob = &ad->objectives[o];
        if (ob->kind != SW_OBJ_DISRUPT || now >= ob->at_ms)
            continue;
        for (uint32_t e = 0; e < st->n_eff; e++)
            if (eff_serves(&st->eff[e], st, ob))
                return 1;
    }
    return 0;
}

static int serves_trigger(const sw_sim_t *sim, uint32_t a, const sw_step_t *st)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    for (uint32_t o = 0; o < ad->n_objectives; o++)
        for (uint32_t e = 0; e < st->n_eff; e++)
            if (ad->objectives[o].kind == SW_OBJ_DISRUPT &&
                eff_serves(&st->eff[e], st, &ad->objectives[o]))
                return 1;
    return 0;
}

static int64_t next_after_time(const sw_sim_t *sim, uint32_t a)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    int64_t now = sw_sched_now(&sim->q), best = SIM_NEVER;
    for (uint32_t s = 0; s < ad->n_steps; s++)
        for (uint32_t i = 0; i < ad->steps[s].n_pre; i++)
            if (ad->steps[s].pre[i].kind == SW_PRE_AFTER && ad->steps[s].pre[i].at_ms > now &&
                ad->steps[s].pre[i].at_ms < best)
                best = ad->steps[s].pre[i].at_ms;
    for (uint32_t o = 0; o < ad->n_objectives; o++)
        if (ad->objectives[o].kind == SW_OBJ_DISRUPT && ad->objectives[o].at_ms > now &&
            ad->objectives[o].at_ms < best)
            best = ad->objectives[o].at_ms;
    return best;
}

/* The campaign's operators: op 0, then ops 2.. (op 1 is the strike). */
static uint32_t n_campaign_ops(const sw_adversary_t *ad)
{
    uint32_t n = ad->operators ? ad->operators : 1;
    return n > SW_MAX_OPERATORS ? SW_MAX_OPERATORS : n;
}

static uint32_t campaign_op(uint32_t k)
{
    return k ? k + 1 : 0;
}

/* Is an operator other than op busy with step s on t? */
static int op_on(const adv_t *av, uint32_t op, uint32_t s, uint32_t t)
{
    for (uint32_t i = 0; i < SW_MAX_OPERATORS + 1; i++)
        if (i != op && av->ops[i].busy && av->ops[i].step == s && av->ops[i].target == t)
            return 1;
    return 0;
}

static void schedule_decide(sw_sim_t *sim, uint32_t a, int64_t at)
{
    adv_t *av = &sim->advs[a];
    av->decide_gen++;
    sim_push(sim, at, K_ADV_DECIDE, PRIO_WORLD, a, 0, av->decide_gen);
}

static int all_reached(const sw_sim_t *sim, uint32_t a)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    for (uint32_t o = 0; o < ad->n_objectives; o++)
        if (!planner_objective_holds(sim, a, o))
            return 0;
    return ad->n_objectives > 0;
}

/* Pick the best (step, target) now and start it on op. strike: only steps
 * that serve a disrupt objective (its time has come). Returns 0 when nothing
 * is applicable. */
static int choose_and_start(sw_sim_t *sim, uint32_t a, uint32_t op, int strike)
{
    adv_t *av = &sim->advs[a];
    const sw_world_t *w = sim->w;
    const sw_adversary_t *ad = &w->adversaries[a];
    int64_t now = sw_sched_now(&sim->q);
    uint32_t best_s = SW_NONE, best_t = SW_NONE, best_d = SIM_DIST_INF + 1, n_best = 0;
    ctx_t best_cx, cx;
    memset(&best_cx, 0, sizeof best_cx);
    for (uint32_t s = 0; s < ad->n_steps; s++) {
        const sw_step_t *st = &ad->steps[s];
        uint32_t n = av->n_cand[s];
        if (n == 0 || (strike ? !serves_trigger(sim, a, st) : holds_fire(sim, a, st)))
            continue;
        uint32_t start = n > SIM_SCAN_MAX ? (uint32_t)sw_rng_below(&av->rng, n) : 0;
        uint32_t scan = n > SIM_SCAN_MAX ? SIM_SCAN_MAX : n;
        for (uint32_t k = 0; k < scan; k++) {
            uint32_t t = av->cand[s][(start + k) % n];
            if (av->fails[(size_t)s * w->n_hosts + t] >= SIM_FAILS_GIVE_UP)
                continue;
            if (op_on(av, op, s, t))
                continue; /* another operator is on it */
            uint32_t mask = step_progress(sim, a, st, t);
            if (!mask)
                continue;
            uint32_t d = step_dist(sim, a, s, t, mask);
            if (d > best_d || !pre_holds(sim, a, st, t, &cx))
                continue;
            if (d < best_d) {
                best_d = d;
                n_best = 0;
            }
            if (sw_rng_below(&av->rng, ++n_best) == 0) {
                best_s = s;
                best_t = t;
                best_cx = cx;
            }
        }
    }
    if (best_s == SW_NONE)
        return 0;
    const sw_step_t *st = &ad->steps[best_s];
    int64_t lo = st->dur_min_ms > 0 ? st->dur_min_ms : MIN_MS;
    int64_t hi = st->dur_max_ms >= lo ? st->dur_max_ms : lo;
    int64_t dur = sw_rng_range(&av->rng, lo, hi);
    if (step_exfils(st))
        dur *= exfil_slowdown(sim, w->hosts[best_t].org);
    sw_gt_t g = {a,  best_s,      best_t, best_cx.src, best_cx.cause, best_cx.cred_cause, now,
                 -1, SW_OUT_NONE, 0};
    sim_op_t *o = &av->ops[op];
    o->busy = 1;
    o->step = best_s;
    o->target = best_t;
    o->gt = sim_gt_new(sim, &g);
    o->src = best_cx.src;
    o->port = best_cx.port;
    o->account = best_cx.account;
    o->gen++;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_STEP_START);
    sim_ev_host(sim, &ev, best_t);
    ev.adversary = a;
    ev.step = best_s;
    ev.gt = o->gt;
    ev.cause = best_cx.cause;
    ev.src_host = best_cx.src;
    ev.src_ip = best_cx.src != SW_NONE ? w->hosts[best_cx.src].ip_text
                                       : origin_ip(sim, a, w->hosts[best_t].org);
    ev.technique = st->technique;
    ev.tactic = st->tactic;
    ev.procedure = st->procedure;
    ev.tool = st->tool;
    ev.account = best_cx.account;
    ev.dst_port = best_cx.port;
    ev.noise = st->noise;
    ev.visibility = visibility(sim, best_t, st->noise);
    ev.value = (double)dur;
    sim_emit(sim, &ev);
    sim_push(sim, now + dur, K_ADV_STEP_DONE, PRIO_WORLD, a, op, o->gen);
    return 1;
}

void planner_decide(sw_sim_t *sim, uint32_t a, uint32_t gen)
{
    adv_t *av = &sim->advs[a];
    int64_t now = sw_sched_now(&sim->q);
    uint32_t n = n_campaign_ops(&sim->w->adversaries[a]), k;
    if (gen != av->decide_gen)
        return;
    for (k = 0; k < n && av->ops[campaign_op(k)].busy; k++)
        ;
    if (k == n)
        return; /* every operator is at work */
    if (av->quiet_until > now) {
        schedule_decide(sim, a, av->quiet_until);
        return;
    }
    for (; k < n; k++) {
        if (av->ops[campaign_op(k)].busy)
            continue;
        if (!choose_and_start(sim, a, campaign_op(k), 0)) {
            /* nothing (more) to do now: wait for the world to change */
            int64_t next = now + (all_reached(sim, a) ? 30 : 15) * MIN_MS;
            int64_t after = next_after_time(sim, a);
            schedule_decide(sim, a, after < next ? after : next);
            return;
        }
    }
}

static int trigger_pending(const sw_sim_t *sim, uint32_t a)
{
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    for (uint32_t o = 0; o < ad->n_objectives; o++)
        if (ad->objectives[o].kind == SW_OBJ_DISRUPT && sim->advs[a].obj_reached[o] < 0 &&
            sw_sched_now(&sim->q) >= ad->objectives[o].at_ms)
            return 1;
    return 0;
}

/* A disrupt objective's trigger time has come: a second operator strikes
 * (op 1) while the campaign (op 0) goes on, as a pre-positioned actor with
 * more than one pair of hands would; not reached yet, it tries again in a
 * few minutes, quiet or not. */
void planner_trigger(sw_sim_t *sim, uint32_t a)
{
    adv_t *av = &sim->advs[a];
    if (av->ops[1].busy || !trigger_pending(sim, a))
        return;
    if (!choose_and_start(sim, a, 1, 1))
        sim_push(sim, sw_sched_now(&sim->q) + 5 * MIN_MS, K_ADV_TRIGGER, PRIO_WORLD, a, 0, 0);
}

/* ---- effects ----------------------------------------------------------------------- */

static void emit_adv(sw_sim_t *sim, sw_sim_ev_type_t type, uint32_t a, uint32_t h, uint32_t gt,
                     const char *detail)
{
    sw_sim_event_t ev = sim_ev(sim, type);
    if (h != SW_NONE)
        sim_ev_host(sim, &ev, h);
    ev.adversary = a;
    ev.gt = gt;
    ev.detail = detail;
    sim_emit(sim, &ev);
}

static void gain_foothold(sw_sim_t *sim, uint32_t a, uint32_t h, sw_priv_t pv, uint32_t gt,
                          const char *how)
{
    adv_t *av = &sim->advs[a];
    adv_host_t *ah = &av->hosts[h];
    if (ah->priv >= pv)
        return;
    ah->priv = (uint8_t)pv;
    if (ah->dormant_priv < pv)
        ah->dormant_priv = (uint8_t)pv;
    ah->cause = gt;
    fh_add(av, h);
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_FOOTHOLD);
    sim_ev_host(sim, &ev, h);
    ev.adversary = a;
    ev.gt = gt;
    ev.cause = gt;
    ev.priv = (int)pv;
    ev.detail = how;
    sim_emit(sim, &ev);
    sim_injects_on_foothold(sim, h);
}

static void install_persist(sw_sim_t *sim, uint32_t a, uint32_t h, sw_persist_t p, uint32_t gt)
{
    adv_host_t *ah = &sim->advs[a].hosts[h];
    if ((ah->persist >> p) & 1)
        return;
    ah->persist |= (uint8_t)(1u << p);
    ah->persist_cause = gt;
    if (ah->persist_at == SIM_NEVER)
        ah->persist_at = sw_sched_now(&sim->q);
    emit_adv(sim, SW_SEV_PERSIST, a, h, gt, sw_persist_names[p]);
}

static void data_hit(sw_sim_t *sim, uint32_t a, uint32_t h, int encrypt, uint32_t gt)
{
    sim_host_t *sh = &sim->hosts[h];
    if (encrypt ? sh->encrypted : sh->wiped)
        return;
    if (encrypt)
        sh->encrypted = 1;
    else
        sh->wiped = 1;
    if (sh->data_hit_ms == SIM_NEVER)
        sh->data_hit_ms = sw_sched_now(&sim->q);
    emit_adv(sim, encrypt ? SW_SEV_ENCRYPTED : SW_SEV_WIPED, a, h, gt, NULL);
    const sw_backup_t *bk = &sim->w->hosts[h].backup;
    if (bk->present && !bk->offline && !sh->backups_destroyed) { /* online backups go too */
        sh->backups_destroyed = 1;
        emit_adv(sim, SW_SEV_BACKUPS_DESTROYED, a, h, gt, encrypt ? "encrypted" : "wiped");
    }
}

/* Apply every effect of step s on t (and, for spread, on hosts reached). */
static void apply_effects(sw_sim_t *sim, uint32_t a, const sw_step_t *st, uint32_t t, uint32_t gt)
{
    const sw_world_t *w = sim->w;
    adv_t *av = &sim->advs[a];
    const sw_adversary_t *ad = &w->adversaries[a];
    sim_host_t *sh = &sim->hosts[t];
    for (uint32_t i = 0; i < st->n_eff; i++) {
        const sw_eff_t *e = &st->eff[i];
        switch (e->kind) {
        case SW_EFF_FOOTHOLD:
            gain_foothold(sim, a, t, e->priv ? e->priv : SW_PRIV_USER, gt, st->technique);
            break;
        case SW_EFF_CREDENTIAL: {
            const char *acct = NULL;
            if (cred_add(sim, a, t, e->cred, e->form, e->account, gt, &acct) == SW_NONE)
                break;
            sw_sim_event_t ev = sim_ev(sim, SW_SEV_CREDENTIAL);
            sim_ev_host(sim, &ev, t);
            ev.adversary = a;
            ev.gt = gt;
            ev.account = acct;
            ev.detail = sw_cred_kind_names[e->cred];
            sim_emit(sim, &ev);
            break;
        }
        case SW_EFF_PERSIST:
            install_persist(sim, a, t, e->persist, gt);
            break;
        case SW_EFF_FACT:
            if (e->fact && !has_fact(av, e->fact)) {
                if (av->n_facts == av->cap_facts) {
                    uint32_t ncap = av->cap_facts ? av->cap_facts * 2 : 8;
                    const char **n = SIM_REALLOC(sim, av->facts, ncap, sizeof *n);
                    if (!n)
                        break;
                    av->facts = n;
                    av->cap_facts = ncap;
                }
                av->facts[av->n_facts++] = e->fact;
            }
            break;
        case SW_EFF_C2:
            chan_open(sim, a, t, e->channel, gt);
            break;
        case SW_EFF_PROXY:
            if (!av->hosts[t].relay) {
                av->hosts[t].relay = 1;
                emit_adv(sim, SW_SEV_RELAY, a, t, gt, NULL);
                net_refresh(sim, 0);
            }
            break;
        case SW_EFF_ENCRYPT:
            data_hit(sim, a, t, 1, gt);
            break;
        case SW_EFF_WIPE:
            data_hit(sim, a, t, 0, gt);
            break;
        case SW_EFF_DISRUPT:
            if (!sh->disrupted) {
                sh->disrupted = 1;
                emit_adv(sim, SW_SEV_DISRUPTED, a, t, gt, NULL);
            }
            break;
        case SW_EFF_EXFIL: {
            double mb = e->megabytes > 0 ? e->megabytes : 100;
            av->exfil_mb += mb;
            for (uint32_t o = 0; o < ad->n_objectives; o++)
                if (ad->objectives[o].kind == SW_OBJ_EXFILTRATE &&
                    sw_selector_match(w, &ad->objectives[o].target, t))
                    av->obj_mb[o] += mb;
            sw_sim_event_t ev = sim_ev(sim, SW_SEV_EXFIL);
            sim_ev_host(sim, &ev, t);
            ev.adversary = a;
            ev.gt = gt;
            ev.value = mb;
            ev.dst_ip = origin_ip(sim, a, w->hosts[t].org);
            ev.src_ip = w->hosts[t].ip_text;
            sim_emit(sim, &ev);
            break;
        }
        case SW_EFF_TAMPER_LOGS:
            if (!sh->logs_tampered) {
                sh->logs_tampered = 1;
                emit_adv(sim, SW_SEV_LOGS_TAMPERED, a, t, gt, NULL);
            }
            break;
        case SW_EFF_DESTROY_BACKUPS:
            if (!sh->backups_destroyed && w->hosts[t].backup.present &&
                !w->hosts[t].backup.offline) {
                sh->backups_destroyed = 1;
                emit_adv(sim, SW_SEV_BACKUPS_DESTROYED, a, t, gt, "deleted");
            }
            break;
        case SW_EFF_SPREAD: {
            /* a worm: every live host of the same organisation matching sel that
             * t can reach runs the malware: a foothold where it had none, and
             * the step's other damage (encrypt, wipe, persistence) everywhere.
             * The step's own reach port and vulnerability preconditions apply
             * to every host it spreads to: a worm through a vulnerable service
             * only takes hosts where that service is open and unpatched (each
             * with the vulnerability's exploitability). */
            uint16_t port = 0;
            const char *cve = NULL;
            int worm = 0;
            for (uint32_t j = 0; j < st->n_pre; j++) {
                if (st->pre[j].kind == SW_PRE_REACH && !port)
                    port = st->pre[j].port;
                if (st->pre[j].kind == SW_PRE_VULN && !worm) {
                    worm = 1;
                    cve = st->pre[j].cve;
                }
            }
            const sw_idlist_t *oh = &w->orgs[w->hosts[t].org].hosts;
            for (uint32_t k = 0; k < oh->n; k++) {
                uint32_t h = oh->ids[k];
                double expl = 1.0;
                if (h >= w->n_hosts || h == t || !in_scope(w, ad, &e->sel, h) ||
                    !net_reach(sim, t, h, port))
                    continue;
                if (worm && (!vuln_open(sim, h, cve, &expl) || !sw_rng_chance(&av->rng, expl)))
                    continue;
                gain_foothold(sim, a, h, e->priv ? e->priv : SW_PRIV_ADMIN, gt, "spread");
                for (uint32_t j = 0; j < st->n_eff; j++) {
                    const sw_eff_t *f = &st->eff[j];
                    if (f->kind == SW_EFF_ENCRYPT)
                        data_hit(sim, a, h, 1, gt);
                    else if (f->kind == SW_EFF_WIPE)
                        data_hit(sim, a, h, 0, gt);
                    else if (f->kind == SW_EFF_PERSIST)
                        install_persist(sim, a, h, f->persist, gt);
                }
            }
            break;
        }
        }
    }
}

static int step_is_lure(const sw_step_t *st)
{
    for (uint32_t i = 0; i < st->n_pre; i++)
        if (st->pre[i].kind == SW_PRE_PHISHABLE)
            return 1;
    return 0;
}

void planner_step_done(sw_sim_t *sim, uint32_t a, uint32_t op, uint32_t gen)
{
    adv_t *av = &sim->advs[a];
    const sw_world_t *w = sim->w;
    const sw_adversary_t *ad = &w->adversaries[a];
    if (op > SW_MAX_OPERATORS)
        return;
    sim_op_t *o = &av->ops[op];
    if (!o->busy || gen != o->gen)
        return;
    o->busy = 0;
    uint32_t s = o->step, t = o->target, gt = o->gt;
    const sw_step_t *st = &ad->steps[s];
    ctx_t cx;
    sw_outcome_t out;
    if (!pre_holds(sim, a, st, t, &cx)) {
        out = SW_OUT_INTERRUPTED;
    } else {
        double p = (st->success > 0 ? st->success : 1.0) * cx.success_mul;
        out = sw_rng_chance(&av->rng, p) ? SW_OUT_SUCCESS : SW_OUT_FAILURE;
    }
    if (gt != SW_NONE) {
        sim->gt[gt].end_ms = sw_sched_now(&sim->q);
        sim->gt[gt].outcome = out;
        /* acting from the internet and gaining a foothold: initial access */
        if (out == SW_OUT_SUCCESS && o->src == SW_NONE)
            for (uint32_t i = 0; i < st->n_eff; i++)
                if (st->eff[i].kind == SW_EFF_FOOTHOLD)
                    sim->gt[gt].initial_access = 1;
    }
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_STEP);
    sim_ev_host(sim, &ev, t);
    ev.adversary = a;
    ev.step = s;
    ev.gt = gt;
    ev.cause = gt != SW_NONE ? sim->gt[gt].cause : SW_NONE;
    ev.src_host = o->src;
    ev.src_ip = o->src != SW_NONE ? w->hosts[o->src].ip_text : origin_ip(sim, a, w->hosts[t].org);
    ev.outcome = out;
    ev.technique = st->technique;
    ev.tactic = st->tactic;
    ev.procedure = st->procedure;
    ev.tool = st->tool;
    ev.account = o->account;
    ev.dst_port = o->port;
    ev.noise = st->noise;
    ev.visibility = visibility(sim, t, st->noise);
    sim_emit(sim, &ev);
    if (out == SW_OUT_SUCCESS) {
        apply_effects(sim, a, st, t, gt);
        sim_injects_on_step(sim, a, s);
        planner_check_objectives(sim, a);
    } else if (!step_is_lure(st)) { /* a lure can always be sent again */
        uint8_t *f = &av->fails[(size_t)s * w->n_hosts + t];
        if (*f < 255)
            (*f)++;
    }
    int64_t next = sw_sched_now(&sim->q) + sw_rng_range(&av->rng, MIN_MS, 5 * MIN_MS);
    if (op != 1)
        schedule_decide(sim, a, next);
    else if (trigger_pending(sim, a))
        sim_push(sim, next, K_ADV_TRIGGER, PRIO_WORLD, a, 0, 0);
}

/* ---- losing ground ------------------------------------------------------------------- */

void planner_opposed(sw_sim_t *sim, uint32_t a, const char *why)
{
    adv_t *av = &sim->advs[a];
    const sw_adversary_t *ad = &sim->w->adversaries[a];
    int64_t now = sw_sched_now(&sim->q);
    if (av->quiet_until > now || !sw_rng_chance(&av->rng, ad->patience))
        return;
    av->quiet_until = now + sw_rng_range(&av->rng, 30 * MIN_MS,
                                         30 * MIN_MS + (int64_t)(ad->patience * 4 * HOUR_MS));
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_QUIET);
    ev.adversary = a;
    ev.detail = why;
    ev.value = (double)av->quiet_until;
    sim_emit(sim, &ev);
}

/* The live session on h ends (reboot, kill, reimage...). With persistence
 * the presence goes dormant and comes back (planner_revive); without, gone. */
void planner_session_lost(sw_sim_t *sim, uint32_t a, uint32_t h, const char *why, int by_defender)
{
    adv_t *av = &sim->advs[a];
    adv_host_t *ah = &av->hosts[h];
    if (!ah->priv)
        return;
    if (ah->priv > ah->dormant_priv)
        ah->dormant_priv = ah->priv;
    ah->priv = SW_PRIV_NONE;
    fh_del(av, h);
    if (!ah->persist)
        ah->dormant_priv = 0;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_FOOTHOLD_LOST);
    sim_ev_host(sim, &ev, h);
    ev.adversary = a;
    ev.cause = ah->cause;
    ev.detail = why;
    ev.priv = ah->persist ? ah->dormant_priv : 0;
    sim_emit(sim, &ev);
    if (by_defender)
        planner_opposed(sim, a, why);
}

void planner_revive(sw_sim_t *sim, uint32_t a, uint32_t h, uint32_t gen)
{
    adv_t *av = &sim->advs[a];
    adv_host_t *ah = &av->hosts[h];
    if (gen != sim->hosts[h].gen || ah->priv || !ah->persist || !ah->dormant_priv ||
        sim->hosts[h].state != SW_HOST_UP)
        return;
    uint32_t cause = ah->persist_cause;
    gain_foothold(sim, a, h, (sw_priv_t)ah->dormant_priv, cause, "persistence");
}

void planner_remove_persist(sw_sim_t *sim, uint32_t a, uint32_t h, uint32_t mask, const char *why)
{
    adv_host_t *ah = &sim->advs[a].hosts[h];
    uint8_t gone = (uint8_t)(ah->persist & mask);
    if (!gone)
        return;
    ah->persist &= (uint8_t)~gone;
    if (!ah->persist) {
        ah->persist_at = SIM_NEVER;
        ah->dormant_priv = 0;
    }
    for (int p = 0; p < SW_PERSIST__COUNT; p++)
        if ((gone >> p) & 1)
            emit_adv(sim, SW_SEV_PERSIST_REMOVED, a, h, ah->persist_cause, sw_persist_names[p]);
    (void)why;
}
