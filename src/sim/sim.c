/* sim.c — the simulation engine: lifecycle, the main loop, host power states,
 * injects, ground truth, event emission and serialisation.
 *
 * Design notes
 *  1. Pure: no I/O, no clock reads, no globals. Memory: the caller's
 *     allocator, taken by sw_sim_new_alloc, given back by sw_sim_free. The
 *     queue holds the active events, so memory grows with hosts and pending
 *     work, not with time simulated (ground truth and commands grow with
 *     what happened).
 *  2. One queue orders everything by (at_ms, prio, seq): commands (prio 0)
 *     before world events (1) before the per-minute sample (2) at the same
 *     millisecond; seq keeps pushes stable. Every random draw comes from a
 *     stream keyed by purpose (adversary i, ...), so draws never shift others.
 *  3. No action is applied before it was issued: a command is refused when
 *     at_ms < now, and applied at at_ms + delay >= at_ms.
 *  4. Every foothold has a cause: the gt record of the step that gave it,
 *     whose own cause is the foothold it acted from, down to a step acting
 *     from the internet (initial access). Revived footholds take the cause of
 *     the persistence that revived them.
 *  5. Business availability is sampled once per exercise minute, after all
 *     other events of that minute, and always lies in [0, 1].
 *
 * Host power state (sim_host_t.state); isolation is an orthogonal flag:
 *
 *   UP -> DOWN        [sim_host_down from inject_fire: power loss]
 *   (a host already down may be taken down again: the newest action's
 *    state and duration win, through the host's generation)
 *   UP -> REBOOTING   [sim_host_down from act_patch]
 *   UP -> REIMAGING   [sim_host_down from act_reimage]
 *   UP -> RESTORING   [sim_host_down from act_restore]
 *   UP -> REFLASHING  [sim_host_down from act_reflash]
 *   any -> UP         [sim_host_boot, when the host's generation still matches]
 *   isolated 0 -> 1   [act_isolate];  1 -> 0 [act_release]
 *
 * Attacker presence on a host (adv_host_t, per adversary):
 *
 *   CLEAN -> COMPROMISED      [gain_foothold, from apply_effects: foothold, spread]
 *   COMPROMISED -> PERSISTENT [install_persist, from apply_effects: persist]
 *   COMPROMISED -> CLEAN      [planner_session_lost: reboot, kill, reimage]
 *   PERSISTENT -> DORMANT     [planner_session_lost: reboot, kill]
 *   DORMANT -> PERSISTENT     [planner_revive: boot, respawn]
 *   PERSISTENT -> CLEAN       [planner_remove_persist: quarantine, reimage
 *                              (not firmware), restore (newer than backup),
 *                              reflash (everything)]
 *
 * The main loop (sw_sim_run_until) pops one item at a time and dispatches:
 * command issue, command apply, adversary decide, step done, trigger, host boot,
 * implant respawn, link repair, inject, sample.
 */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sim/sim_int.h"

const char *const sw_sim_ev_names[SW_SEV__COUNT] = {
    "start",
    "command",
    "command-refused",
    "action",
    "action-failed",
    "host-down",
    "host-up",
    "host-isolated",
    "host-released",
    "data-lost",
    "link-down",
    "link-up",
    "transit",
    "business-down",
    "business-degraded",
    "business-up",
    "inject",
    "indicator",
    "report",
    "step-start",
    "step",
    "foothold",
    "foothold-lost",
    "credential",
    "persist",
    "persist-removed",
    "c2-up",
    "c2-down",
    "relay",
    "exfil",
    "encrypted",
    "wiped",
    "disrupted",
    "logs-tampered",
    "backups-destroyed",
    "quiet",
    "objective",
    "end",
};
const char *const sw_outcome_names[SW_OUT__COUNT] = {"none", "success", "failure", "interrupted"};
const char *const sw_host_state_names[SW_HOST__COUNT] = {
    "up", "down", "rebooting", "reimaging", "restoring", "reflashing",
};

/* ---- events ---------------------------------------------------------------- */

sw_sim_event_t sim_ev(const sw_sim_t *sim, sw_sim_ev_type_t type)
{
    sw_sim_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.at_ms = sw_sched_now(&sim->q);
    ev.team = ev.org = ev.host = ev.src_host = ev.link = ev.business = ev.inject = SW_NONE;
    ev.adversary = ev.step = ev.objective = ev.gt = ev.cause = SW_NONE;
    ev.action = -1;
    return ev;
}

void sim_ev_host(const sw_sim_t *sim, sw_sim_event_t *ev, uint32_t h)
{
    const sw_host_t *host = &sim->w->hosts[h];
    ev->host = h;
    ev->org = host->org;
    ev->team = host->team;
    ev->dst_ip = host->ip_text;
}

void sim_emit(sw_sim_t *sim, sw_sim_event_t *ev)
{
    ev->seq = sim->n_events++;
    if (sim->cb)
        sim->cb(ev, sim->ud);
}

int sim_push(sw_sim_t *sim, int64_t at_ms, int kind, uint8_t prio, uint32_t a, uint32_t b,
             uint32_t gen)
{
    sw_sched_item_t it;
    memset(&it, 0, sizeof it);
    it.at_ms = at_ms;
    it.kind = (uint16_t)kind;
    it.prio = prio;
    it.a = a;
    it.b = b;
    it.gen = gen;
    return sw_sched_push(&sim->q, &it);
}

uint32_t sim_gt_new(sw_sim_t *sim, const sw_gt_t *g)
{
    if (sim->n_gt == sim->cap_gt) {
        uint32_t ncap = sim->cap_gt ? sim->cap_gt * 2 : 256;
        sw_gt_t *n = SIM_REALLOC(sim, sim->gt, ncap, sizeof *n);
        if (!n)
            return SW_NONE;
        sim->gt = n;
        sim->cap_gt = ncap;
    }
    sim->gt[sim->n_gt] = *g;
    return sim->n_gt++;
}

int sim_team_owns_org(const sw_world_t *w, uint32_t team, uint32_t org)
{
    return org < w->n_orgs && w->orgs[org].team == team;
}

/* ---- hosts ------------------------------------------------------------------ */

int sim_host_live(const sw_sim_t *sim, uint32_t h)
{
    return sim->hosts[h].state == SW_HOST_UP && !sim->hosts[h].isolated;
}

/* Take host h down into state st for dur_ms (then sim_host_boot). Every
 * adversary loses its live session there; persistence makes it dormant. */
void sim_host_down(sw_sim_t *sim, uint32_t h, sw_host_state_t st, int64_t dur_ms, const char *why,
                   int by_defender)
{
    sim_host_t *sh = &sim->hosts[h];
    sh->state = (uint8_t)st;
    sh->gen++;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_HOST_DOWN);
    sim_ev_host(sim, &ev, h);
    ev.detail = why;
    ev.value = (double)dur_ms;
    sim_emit(sim, &ev);
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++)
        planner_session_lost(sim, a, h, why, by_defender);
    sim_push(sim, sw_sched_now(&sim->q) + (dur_ms > 0 ? dur_ms : MIN_MS), K_HOST_BOOT, PRIO_WORLD,
             h, 0, sh->gen);
    net_refresh(sim, by_defender);
}

void sim_host_boot(sw_sim_t *sim, uint32_t h, uint32_t gen)
{
    sim_host_t *sh = &sim->hosts[h];
    if (gen != sh->gen || sh->state == SW_HOST_UP)
        return;
    sh->state = SW_HOST_UP;
    sh->gen++;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_HOST_UP);
    sim_ev_host(sim, &ev, h);
    sim_emit(sim, &ev);
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++)
        planner_revive(sim, a, h, sh->gen);
    net_refresh(sim, 0);
}

/* ---- injects ------------------------------------------------------------------ */

static void inject_schedule(sw_sim_t *sim, uint32_t i)
{
    if (sim->inj_state[i] != 0)
        return;
    sim->inj_state[i] = 1;
    int64_t at = sim->w->injects[i].at_ms;
    int64_t now = sw_sched_now(&sim->q);
    sim_push(sim, at > now ? at : now, K_INJECT, PRIO_WORLD, i, 0, 0);
}

void sim_injects_on_foothold(sw_sim_t *sim, uint32_t h)
{
    for (uint32_t i = 0; i < sim->w->n_injects; i++) {
        const sw_inject_t *in = &sim->w->injects[i];
        if (in->trigger == SW_TRIG_ATTACKER_ON && sim->inj_state[i] == 0 &&
            sw_selector_match(sim->w, &in->sel, h))
            inject_schedule(sim, i);
    }
}

void sim_injects_on_step(sw_sim_t *sim, uint32_t a, uint32_t step)
{
    for (uint32_t i = 0; i < sim->w->n_injects; i++) {
        const sw_inject_t *in = &sim->w->injects[i];
        if (in->trigger == SW_TRIG_STEP && in->adversary == a && in->index == step)
            inject_schedule(sim, i);
    }
}

void sim_injects_on_objective(sw_sim_t *sim, uint32_t a, uint32_t obj)
{
    for (uint32_t i = 0; i < sim->w->n_injects; i++) {
        const sw_inject_t *in = &sim->w->injects[i];
        if (in->trigger == SW_TRIG_OBJECTIVE && in->adversary == a && in->index == obj)
            inject_schedule(sim, i);
    }
}

static void inject_fire(sw_sim_t *sim, uint32_t i)
{
    const sw_world_t *w = sim->w;
    const sw_inject_t *in = &w->injects[i];
    if (sim->inj_state[i] == 2)
        return;
    sim->inj_state[i] = 2;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_INJECT);
    ev.inject = i;
    ev.detail = in->title ? in->title : in->id;
    if (in->to.n == 1)
        ev.team = in->to.ids[0];
    sim_emit(sim, &ev);
    switch (in->tech) {
    case SW_TECH_CABLE_FAULT:
        if (in->tech_link < w->n_links && sim->link_up[in->tech_link]) {
            net_link_set(sim, in->tech_link, 0, "cable fault");
            int64_t rep = w->links[in->tech_link].repair_ms;
            if (rep > 0)
                sim_push(sim, sw_sched_now(&sim->q) + rep, K_LINK_REPAIR, PRIO_WORLD, in->tech_link,
                         0, sim->link_gen[in->tech_link]);
        }
        break;
    case SW_TECH_LINK_REPAIR:
        if (in->tech_link < w->n_links && !sim->link_up[in->tech_link])
            net_link_set(sim, in->tech_link, 1, "repaired");
        break;
    case SW_TECH_POWER_LOSS: {
        int64_t dur = in->tech_duration_ms > 0 ? in->tech_duration_ms : HOUR_MS;
        for (uint32_t h = 0; h < w->n_hosts; h++) {
            int hit = in->tech_host != SW_NONE
                          ? h == in->tech_host
                          : in->tech_org != SW_NONE && w->hosts[h].org == in->tech_org;
            if (hit && sim->hosts[h].state == SW_HOST_UP)
                sim_host_down(sim, h, SW_HOST_DOWN, dur, "power loss", 0);
        }
        break;
    }
    case SW_TECH_NONE:
        break;
    }
}

/* ---- commands ------------------------------------------------------------------ */

static void cmd_refuse(sw_sim_t *sim, const sw_cmd_t *c, const char *why)
{
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_CMD_REFUSED);
    ev.team = c->team;
    ev.action = (int)c->action;
    ev.host = c->host;
    ev.detail = why;
    ev.value = (double)c->at_ms;
    sim->stats.refused++;
    sim_emit(sim, &ev);
}

int sw_sim_command(sw_sim_t *sim, const sw_cmd_t *cmd)
{
    const char *why = NULL;
    if (cmd->at_ms < sw_sched_now(&sim->q)) {
        cmd_refuse(sim, cmd, "issued in the past");
        return SW_EINVAL;
    }
    if (act_validate(sim, cmd, &why)) {
        cmd_refuse(sim, cmd, why);
        return SW_EINVAL;
    }
    if (sim->n_cmds == sim->cap_cmds) {
        uint32_t ncap = sim->cap_cmds ? sim->cap_cmds * 2 : 64;
        sim_cmd_t *n = SIM_REALLOC(sim, sim->cmds, ncap, sizeof *n);
        if (!n)
            return SW_ENOMEM;
        sim->cmds = n;
        sim->cap_cmds = ncap;
    }
    sim_cmd_t *sc = &sim->cmds[sim->n_cmds];
    sc->c = *cmd;
    sc->arg = NULL;
    if (cmd->arg) {
        size_t len = strlen(cmd->arg) + 1;
        if (!(sc->arg = SIM_CALLOC(sim, len, 1)))
            return SW_ENOMEM;
        memcpy(sc->arg, cmd->arg, len);
        sc->c.arg = sc->arg;
    }
    int rc = sim_push(sim, cmd->at_ms, K_CMD_ISSUE, PRIO_CMD, sim->n_cmds, 0, 0);
    if (rc) {
        SIM_FREE(sim, sc->arg);
        return rc;
    }
    sim->n_cmds++;
    sim->stats.commands++;
    return SW_OK;
}

int sw_sim_command_check(const sw_sim_t *sim, const sw_cmd_t *cmd, const char **why)
{
    if (cmd->at_ms < sw_sched_now(&sim->q))
        return *why = "issued in the past", SW_EINVAL;
    return act_validate(sim, cmd, why) ? SW_EINVAL : SW_OK;
}

int sw_sim_release_inject(sw_sim_t *sim, int64_t at_ms, uint32_t i)
{
    if (i >= sim->w->n_injects || at_ms < sw_sched_now(&sim->q))
        return SW_EINVAL;
    return sim_push(sim, at_ms, K_INJECT, PRIO_CMD, i, 0, 0);
}

static void cmd_issue(sw_sim_t *sim, uint32_t i)
{
    const sw_cmd_t *c = &sim->cmds[i].c;
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_CMD_ACCEPTED);
    if (c->host != SW_NONE)
        sim_ev_host(sim, &ev, c->host);
    ev.team = c->team;
    ev.action = (int)c->action;
    ev.detail = c->arg;
    ev.dst_port = c->port;
    sim_emit(sim, &ev);
    sim_push(sim, sw_sched_now(&sim->q) + sw_sim_action_delay(c->action), K_CMD_APPLY, PRIO_WORLD,
             i, 0, 0);
}

/* ---- lifecycle ------------------------------------------------------------------- */

#define ALLOC_N(p, n)                                                                              \
    do {                                                                                           \
        size_t bytes_ = (size_t)(n) * sizeof *(p) + 1;                                             \
        if (!((p) = SIM_CALLOC(sim, 1, bytes_)))                                                   \
            goto fail;                                                                             \
        sim->state_bytes += bytes_;                                                                \
    } while (0)

static int ids_ok(const sw_idlist_t *l, uint32_t n)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->ids[i] >= n)
            return 0;
    return 1;
}

/* The references the engine follows without checking. The loader already
 * guarantees them; a world built by hand might not. O(world). */
static int world_ok(const sw_world_t *w)
{
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        const sw_host_t *x = &w->hosts[h];
        if (x->org >= w->n_orgs || (x->network != SW_NONE && x->network >= w->n_networks) ||
            (x->n_services && !x->services) || (x->n_vulns && !x->vulns))
            return 0;
    }
    for (uint32_t o = 0; o < w->n_orgs; o++) {
        const sw_org_t *g = &w->orgs[o];
        if (!ids_ok(&g->users, w->n_users) || !ids_ok(&g->trusts, w->n_orgs) || (g->n_fw && !g->fw))
            return 0;
    }
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        const sw_adversary_t *ad = &w->adversaries[a];
        for (uint32_t s = 0; s < ad->n_steps; s++)
            for (uint32_t e = 0; e < ad->steps[s].n_eff; e++) {
                const sw_eff_t *f = &ad->steps[s].eff[e];
                if ((unsigned)f->cred >= SW_CRED__COUNT ||
                    (unsigned)f->persist >= SW_PERSIST__COUNT)
                    return 0;
            }
        for (uint32_t o = 0; o < ad->n_objectives; o++)
            if ((unsigned)ad->objectives[o].kind >= SW_OBJ__COUNT)
                return 0;
    }
    return 1;
}

sw_sim_t *sw_sim_new(const sw_world_t *w, uint64_t seed, sw_sim_event_cb cb, void *ud)
{
    return sw_sim_new_alloc(w, seed, cb, ud, NULL);
}

sw_sim_t *sw_sim_new_alloc(const sw_world_t *w, uint64_t seed, sw_sim_event_cb cb, void *ud,
                           const sw_alloc_t *alloc)
{
    if (!world_ok(w))
        return NULL;
    sw_sim_t *sim = sw_calloc(alloc, 1, sizeof *sim);
    if (!sim)
        return NULL;
    if (alloc)
        sim->alloc = *alloc;
    sim->w = w;
    sim->seed = seed;
    sim->cb = cb;
    sim->ud = ud;
    sw_sched_init_alloc(&sim->q, 0, &sim->alloc);

    ALLOC_N(sim->hosts, w->n_hosts);
    uint32_t n_vulns = 0, n_svc = 0;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        sim->hosts[h].vuln_base = n_vulns;
        sim->hosts[h].svc_base = n_svc;
        sim->hosts[h].data_hit_ms = SIM_NEVER;
        n_vulns += w->hosts[h].n_vulns;
        n_svc += w->hosts[h].n_services;
    }
    sim->n_svc = n_svc;
    ALLOC_N(sim->patched, n_vulns);
    ALLOC_N(sim->svc_stamp, n_svc);
    ALLOC_N(sim->svc_val, n_svc);
    ALLOC_N(sim->link_up, w->n_links);
    ALLOC_N(sim->link_gen, w->n_links);
    for (uint32_t l = 0; l < w->n_links; l++)
        sim->link_up[l] = 1;
    ALLOC_N(sim->org_krbtgt, w->n_orgs);
    ALLOC_N(sim->org_failover, w->n_orgs);
    ALLOC_N(sim->org_transit, w->n_orgs);
    ALLOC_N(sim->inj_state, w->n_injects);
    ALLOC_N(sim->biz_sum, w->n_business);
    ALLOC_N(sim->biz_state, w->n_business);
    ALLOC_N(sim->biz_stamp, w->n_business);
    ALLOC_N(sim->biz_val, w->n_business);
    for (uint32_t b = 0; b < w->n_business; b++)
        sim->biz_state[b] = 2;
    ALLOC_N(sim->advs, w->n_adversaries);
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (planner_init(sim, a))
            goto fail;
    net_transit_update(sim, 1); /* the starting transit is not news */

    sw_sim_event_t ev = sim_ev(sim, SW_SEV_START);
    sim_emit(sim, &ev);

    for (uint32_t i = 0; i < w->n_injects; i++)
        if (w->injects[i].trigger == SW_TRIG_TIME)
            inject_schedule(sim, i);
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        int64_t st = w->adversaries[a].start_ms > 0 ? w->adversaries[a].start_ms : 0;
        if (sim_push(sim, st, K_ADV_DECIDE, PRIO_WORLD, a, 0, sim->advs[a].decide_gen))
            goto fail;
        for (uint32_t o = 0; o < w->adversaries[a].n_objectives; o++) {
            const sw_adv_objective_t *ob = &w->adversaries[a].objectives[o];
            if (ob->kind == SW_OBJ_DISRUPT && ob->at_ms > 0 &&
                sim_push(sim, ob->at_ms, K_ADV_TRIGGER, PRIO_WORLD, a, 0, 0))
                goto fail;
        }
    }
    if (sim_push(sim, MIN_MS, K_SAMPLE, PRIO_SAMPLE, 0, 0, 0))
        goto fail;
    return sim;
fail:
    sw_sim_free(sim);
    return NULL;
}

void sw_sim_free(sw_sim_t *sim)
{
    if (!sim)
        return;
    if (sim->advs)
        for (uint32_t a = 0; a < sim->w->n_adversaries; a++)
            planner_free(sim, a);
    SIM_FREE(sim, sim->advs);
    SIM_FREE(sim, sim->hosts);
    SIM_FREE(sim, sim->patched);
    SIM_FREE(sim, sim->svc_stamp);
    SIM_FREE(sim, sim->svc_val);
    SIM_FREE(sim, sim->link_up);
    SIM_FREE(sim, sim->link_gen);
    SIM_FREE(sim, sim->org_krbtgt);
    SIM_FREE(sim, sim->org_failover);
    SIM_FREE(sim, sim->org_transit);
    SIM_FREE(sim, sim->inj_state);
    SIM_FREE(sim, sim->biz_sum);
    SIM_FREE(sim, sim->biz_state);
    SIM_FREE(sim, sim->biz_stamp);
    SIM_FREE(sim, sim->biz_val);
    SIM_FREE(sim, sim->accts);
    SIM_FREE(sim, sim->blocks);
    for (uint32_t i = 0; i < sim->n_cmds; i++)
        SIM_FREE(sim, sim->cmds[i].arg);
    SIM_FREE(sim, sim->cmds);
    SIM_FREE(sim, sim->gt);
    sw_sched_free(&sim->q);
    sw_alloc_t a = sim->alloc;
    sw_free(&a, sim);
}

/* The main loop: one item at a time, in (time, prio, seq) order. */
int sw_sim_run_until(sw_sim_t *sim, int64_t t_ms)
{
    sw_sched_item_t it;
    while (sw_sched_peek(&sim->q, &it) && it.at_ms < t_ms) {
        sw_sched_pop(&sim->q, &it);
        sim->stats.sched_items++;
        switch (it.kind) {
        case K_CMD_ISSUE:
            cmd_issue(sim, it.a);
            break;
        case K_CMD_APPLY:
            act_apply(sim, it.a);
            break;
        case K_ADV_DECIDE:
            planner_decide(sim, it.a, it.gen);
            break;
        case K_ADV_STEP_DONE:
            planner_step_done(sim, it.a, it.b, it.gen);
            break;
        case K_ADV_TRIGGER:
            planner_trigger(sim, it.a);
            break;
        case K_HOST_BOOT:
            sim_host_boot(sim, it.a, it.gen);
            break;
        case K_REVIVE:
            planner_revive(sim, it.a, it.b, it.gen);
            break;
        case K_LINK_REPAIR:
            net_link_repair(sim, it.a, it.gen);
            break;
        case K_INJECT:
            inject_fire(sim, it.a);
            break;
        case K_SAMPLE:
            net_sample(sim);
            break;
        default:
            break;
        }
    }
    sw_sched_advance(&sim->q, t_ms);
    return SW_OK;
}

int64_t sw_sim_now(const sw_sim_t *sim)
{
    return sw_sched_now(&sim->q);
}

void sw_sim_finish(sw_sim_t *sim)
{
    if (sim->finished)
        return;
    sim->finished = 1;
    for (uint32_t t = 0; t < sim->w->n_teams; t++) {
        if (sim->w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        sw_sim_event_t ev = sim_ev(sim, SW_SEV_END);
        ev.team = t;
        ev.value = sw_sim_team_availability(sim, t);
        sim_emit(sim, &ev);
    }
}

/* ---- accessors ------------------------------------------------------------------ */

sw_host_state_t sw_sim_host_state(const sw_sim_t *sim, uint32_t h)
{
    return (sw_host_state_t)sim->hosts[h].state;
}
int sw_sim_host_isolated(const sw_sim_t *sim, uint32_t h)
{
    return sim->hosts[h].isolated;
}
int sw_sim_host_encrypted(const sw_sim_t *sim, uint32_t h)
{
    return sim->hosts[h].encrypted;
}
int sw_sim_host_disrupted(const sw_sim_t *sim, uint32_t h)
{
    return sim->hosts[h].disrupted || sim->hosts[h].wiped;
}
int sw_sim_vuln_patched(const sw_sim_t *sim, uint32_t h, uint32_t v)
{
    return sim->patched[sim->hosts[h].vuln_base + v];
}
sw_priv_t sw_sim_priv(const sw_sim_t *sim, uint32_t a, uint32_t h)
{
    return (sw_priv_t)sim->advs[a].hosts[h].priv;
}
uint32_t sw_sim_persist_mask(const sw_sim_t *sim, uint32_t a, uint32_t h)
{
    return sim->advs[a].hosts[h].persist;
}
uint32_t sw_sim_foothold_cause(const sw_sim_t *sim, uint32_t a, uint32_t h)
{
    return sim->advs[a].hosts[h].cause;
}
int sw_sim_has_valid_cred(const sw_sim_t *sim, uint32_t a, sw_cred_kind_t kind, uint32_t org)
{
    const adv_t *ad = &sim->advs[a];
    for (uint32_t i = 0; i < ad->n_creds; i++)
        if (ad->creds[i].kind == kind && (org == SW_NONE || ad->creds[i].org == org) &&
            planner_cred_valid(sim, &ad->creds[i]))
            return 1;
    return 0;
}
int sw_sim_c2_working(const sw_sim_t *sim, uint32_t a)
{
    for (int i = 0; i < SIM_MAX_CHAN; i++)
        if (sim->advs[a].chans[i].used && net_chan_working(sim, a, &sim->advs[a].chans[i]))
            return 1;
    return 0;
}
int sw_sim_link_up(const sw_sim_t *sim, uint32_t l)
{
    return sim->link_up[l];
}
int sw_sim_transit(const sw_sim_t *sim, uint32_t o)
{
    return sim->org_transit[o];
}
double sw_sim_business_now(const sw_sim_t *sim, uint32_t b)
{
    return net_business_eval((sw_sim_t *)sim, b, NULL, NULL, NULL);
}
double sw_sim_business_availability(const sw_sim_t *sim, uint32_t b)
{
    if (sim->n_samples == 0)
        return 1.0;
    return sim->biz_sum[b] / (double)sim->n_samples;
}
double sw_sim_team_availability(const sw_sim_t *sim, uint32_t team)
{
    double sum = 0, wsum = 0;
    for (uint32_t b = 0; b < sim->w->n_business; b++) {
        if (sim->w->business[b].team != team)
            continue;
        double wt = sim->w->business[b].weight > 0 ? sim->w->business[b].weight : 1.0;
        sum += wt * sw_sim_business_availability(sim, b);
        wsum += wt;
    }
    return wsum > 0 ? sum / wsum : 1.0;
}
int64_t sw_sim_objective_reached(const sw_sim_t *sim, uint32_t a, uint32_t o)
{
    return sim->advs[a].obj_reached[o];
}
int sw_sim_objective_holds(const sw_sim_t *sim, uint32_t a, uint32_t o)
{
    return planner_objective_holds(sim, a, o);
}
double sw_sim_exfil_mb(const sw_sim_t *sim, uint32_t a)
{
    return sim->advs[a].exfil_mb;
}
uint32_t sw_sim_gt_count(const sw_sim_t *sim)
{
    return sim->n_gt;
}
const sw_gt_t *sw_sim_gt(const sw_sim_t *sim, uint32_t id)
{
    return id < sim->n_gt ? &sim->gt[id] : NULL;
}
void sw_sim_stats(const sw_sim_t *sim, sw_sim_stats_t *out)
{
    *out = sim->stats;
    out->events = sim->n_events;
    out->sched_peak = sim->q.peak;
    out->state_bytes = sim->state_bytes + sim->q.cap * sizeof(sw_sched_item_t);
}

/* ---- serialisation -------------------------------------------------------------- */

static void json_str(sw_buf_t *b, const char *key, const char *s)
{
    if (!s)
        return;
    sw_buf_printf(b, ",\"%s\":\"", key);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sw_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            sw_buf_printf(b, "\\u%04x", *p);
        else
            sw_buf_putc(b, (char)*p);
    }
    sw_buf_putc(b, '"');
}

int sw_sim_event_json(const sw_world_t *w, const sw_sim_event_t *ev, sw_buf_t *b)
{
    sw_buf_printf(b, "{\"seq\":%llu,\"t_ms\":%lld,\"type\":\"%s\"", (unsigned long long)ev->seq,
                  (long long)ev->at_ms, sw_sim_ev_names[ev->type]);
    if (ev->team < w->n_teams)
        json_str(b, "team", w->teams[ev->team].id);
    if (ev->org < w->n_orgs)
        json_str(b, "org", w->orgs[ev->org].id);
    if (ev->host < w->n_hosts) {
        json_str(b, "host", w->hosts[ev->host].id);
        json_str(b, "hostname", w->hosts[ev->host].hostname);
    }
    if (ev->src_host < w->n_hosts)
        json_str(b, "src_host", w->hosts[ev->src_host].id);
    if (ev->link < w->n_links)
        json_str(b, "link", w->links[ev->link].id);
    if (ev->business < w->n_business)
        json_str(b, "business", w->business[ev->business].id);
    if (ev->inject < w->n_injects)
        json_str(b, "inject", w->injects[ev->inject].id);
    if (ev->adversary < w->n_adversaries) {
        const sw_adversary_t *ad = &w->adversaries[ev->adversary];
        json_str(b, "adversary", ad->id);
        if (ev->step < ad->n_steps)
            json_str(b, "step", ad->steps[ev->step].id);
        if (ev->objective < ad->n_objectives)
            json_str(b, "objective", ad->objectives[ev->objective].id);
    }
    if (ev->gt != SW_NONE)
        sw_buf_printf(b, ",\"gt\":%u", ev->gt);
    if (ev->cause != SW_NONE)
        sw_buf_printf(b, ",\"cause\":%u", ev->cause);
    if (ev->action >= 0 && ev->action < SW_ACT__COUNT)
        json_str(b, "action", sw_action_names[ev->action]);
    if (ev->outcome != SW_OUT_NONE)
        json_str(b, "outcome", sw_outcome_names[ev->outcome]);
    if (ev->priv > 0 && ev->priv < 4)
        json_str(b, "priv", sw_priv_names[ev->priv]);
    json_str(b, "technique", ev->technique);
    json_str(b, "tactic", ev->tactic);
    json_str(b, "procedure", ev->procedure);
    json_str(b, "tool", ev->tool);
    json_str(b, "account", ev->account);
    json_str(b, "src_ip", ev->src_ip);
    json_str(b, "dst_ip", ev->dst_ip);
    if (ev->dst_port)
        sw_buf_printf(b, ",\"dst_port\":%u", ev->dst_port);
    json_str(b, "channel", ev->channel);
    json_str(b, "domain", ev->domain);
    json_str(b, "detail", ev->detail);
    if (ev->value != 0 && ev->value == (double)(long long)ev->value)
        sw_buf_printf(b, ",\"value\":%lld", (long long)ev->value); /* ms, counts: exact */
    else if (ev->value != 0)
        sw_buf_printf(b, ",\"value\":%.6g", ev->value);
    if (ev->noise > 0)
        sw_buf_printf(b, ",\"noise\":%.3f,\"visibility\":%.3f", ev->noise, ev->visibility);
    return sw_buf_putc(b, '}');
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    if (!s)
        return sw_hash64("\xff", 1, h);
    return sw_hash64(s, strlen(s) + 1, h);
}

uint64_t sw_sim_event_hash(uint64_t h, const sw_sim_event_t *ev)
{
    int64_t ints[] = {ev->type,      ev->at_ms,  (int64_t)ev->seq, ev->team,
                      ev->org,       ev->host,   ev->src_host,     ev->link,
                      ev->business,  ev->inject, ev->adversary,    ev->step,
                      ev->objective, ev->gt,     ev->cause,        ev->action,
                      ev->outcome,   ev->priv,   ev->dst_port,     (int64_t)(ev->value * 1000.0)};
    h = sw_hash64(ints, sizeof ints, h);
    h = hash_str(h, ev->technique);
    h = hash_str(h, ev->procedure);
    h = hash_str(h, ev->account);
    h = hash_str(h, ev->src_ip);
    h = hash_str(h, ev->dst_ip);
    h = hash_str(h, ev->channel);
    h = hash_str(h, ev->domain);
    return hash_str(h, ev->detail);
}
