/* actions.c — defender actions: validation when a command is submitted, and
 * the effect (with its side effects) when it is applied after its delay.
 *
 * Design notes
 *  1. Every action is a command: issued at at_ms (refused if in the past or
 *     not the team's to take), applied at at_ms + sw_sim_action_delay.
 *  2. Costs are not special-cased: an action that takes a host down or cuts
 *     it off (isolate, patch reboot, reimage, restore, reflash) makes the
 *     business services that depend on it fail in the next sample exactly as
 *     an attack would, and the outage names the action's state as its cause.
 *  3. Removal is precise: kill ends a live session (persistence respawns it
 *     within 30 minutes); quarantine removes file-based persistence
 *     (web shell, task, service, run key); reimage removes everything but a
 *     firmware implant and loses local data newer than the last backup;
 *     restore brings back the last good backup (before the data was hit) and
 *     with it only the persistence older than that backup; reflash removes
 *     everything from a network device.
 *  4. Credentials: reset-password invalidates passwords and hashes of that
 *     account (tickets survive); disable-account invalidates all; reset-krbtgt
 *     invalidates tickets at once and golden tickets on the second reset.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

#define FILE_PERSIST                                                                               \
    ((1u << SW_PERSIST_WEBSHELL) | (1u << SW_PERSIST_SCHEDTASK) | (1u << SW_PERSIST_SERVICE) |     \
     (1u << SW_PERSIST_REGISTRY))

int64_t sw_sim_action_delay(sw_action_t a)
{
    const sw_action_info_t *ai = sw_action_info(a);
    return ai ? ai->delay_ms : 0;
}

/* Downtime of the actions that take a host down. */
static int64_t patch_reboot_ms(void)
{
    return 10 * MIN_MS;
}
static int64_t reflash_ms(void)
{
    return 30 * MIN_MS;
}
static int64_t reimage_ms(const sw_host_t *h)
{
    if (h->reimage_ms > 0)
        return h->reimage_ms;
    return h->role == SW_ROLE_WORKSTATION ? HOUR_MS : 4 * HOUR_MS;
}
static int64_t restore_ms(const sw_host_t *h)
{
    return h->backup.restore_ms > 0 ? h->backup.restore_ms : 2 * HOUR_MS;
}

int act_validate(const sw_sim_t *sim, const sw_cmd_t *c, const char **why)
{
    const sw_world_t *w = sim->w;
    if ((int)c->action < 0 || c->action >= SW_ACT__COUNT)
        return *why = "unknown action", -1;
    if (c->team >= w->n_teams)
        return *why = "unknown team", -1;
    uint32_t allowed = w->scoring.allowed_actions;
    if (allowed && !((allowed >> c->action) & 1))
        return *why = "action not allowed in this exercise", -1;
    const sw_action_info_t *ai = sw_action_info(c->action);
    if (ai->on_host) {
        if (c->host >= w->n_hosts)
            return *why = "needs a host", -1;
        if (w->hosts[c->host].team != c->team)
            return *why = "host belongs to another team", -1;
    }
    if (c->org != SW_NONE && !sim_team_owns_org(w, c->team, c->org))
        return *why = "organisation belongs to another team", -1;
    if (ai->arg_required && (!c->arg || !*c->arg))
        return *why = "needs a value (ip, domain, account, CVE or indicator)", -1;
    if (ai->needs_port && c->port == 0)
        return *why = "needs a port", -1;
    if (c->to_team != SW_NONE && c->to_team >= w->n_teams)
        return *why = "unknown recipient team", -1;
    return 0;
}

/* The defender-side state of (org, account), or NULL if never touched. */
sim_acct_t *act_acct(const sw_sim_t *sim, uint32_t org, const char *name)
{
    for (uint32_t i = 0; i < sim->n_accts; i++)
        if (sim->accts[i].org == org && !strcasecmp(sim->accts[i].name, name))
            return &sim->accts[i];
    return NULL;
}

static sim_acct_t *acct_get(sw_sim_t *sim, uint32_t org, const char *name)
{
    sim_acct_t *a = act_acct(sim, org, name);
    if (a)
        return a;
    if (sim->n_accts == sim->cap_accts) {
        uint32_t ncap = sim->cap_accts ? sim->cap_accts * 2 : 16;
        sim_acct_t *n = SIM_REALLOC(sim, sim->accts, ncap, sizeof *n);
        if (!n)
            return NULL;
        sim->accts = n;
        sim->cap_accts = ncap;
    }
    a = &sim->accts[sim->n_accts++];
    memset(a, 0, sizeof *a);
    a->org = org;
    a->name = name;
    return a;
}

static int block_add(sw_sim_t *sim, const sw_cmd_t *c)
{
    if (sim->n_blocks == sim->cap_blocks) {
        uint32_t ncap = sim->cap_blocks ? sim->cap_blocks * 2 : 16;
        sim_block_t *n = SIM_REALLOC(sim, sim->blocks, ncap, sizeof *n);
        if (!n)
            return -1;
        sim->blocks = n;
        sim->cap_blocks = ncap;
    }
    sim_block_t *b = &sim->blocks[sim->n_blocks++];
    b->kind = (uint8_t)c->action;
    b->team = c->team;
    b->org = c->org;
    b->value = c->arg ? c->arg : "";
    b->port = c->port;
    return 0;
}

/* Credentials any adversary holds that this change invalidated: opposition. */
static void creds_recheck(sw_sim_t *sim, uint32_t *valid_before)
{
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < sim->advs[a].n_creds; i++)
            n += (uint32_t)planner_cred_valid(sim, &sim->advs[a].creds[i]);
        if (valid_before && n < valid_before[a])
            planner_opposed(sim, a, "credential invalidated");
    }
}

static uint32_t creds_count(const sw_sim_t *sim, uint32_t a)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < sim->advs[a].n_creds; i++)
        n += (uint32_t)planner_cred_valid(sim, &sim->advs[a].creds[i]);
    return n;
}

/* Last good backup of h: the newest scheduled backup taken before its data
 * was hit (or now). */
static int64_t last_good_backup(const sw_sim_t *sim, uint32_t h)
{
    const sw_backup_t *bk = &sim->w->hosts[h].backup;
    int64_t t0 = -bk->last_good_age_ms;
    int64_t until = sim->hosts[h].data_hit_ms;
    int64_t now = sw_sched_now(&sim->q);
    if (until > now)
        until = now;
    if (bk->interval_ms <= 0 || until < t0)
        return t0;
    return t0 + ((until - t0) / bk->interval_ms) * bk->interval_ms;
}

static void data_lost(sw_sim_t *sim, const sw_cmd_t *c, uint32_t h, int64_t since)
{
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_DATA_LOST);
    sim_ev_host(sim, &ev, h);
    ev.action = (int)c->action;
    ev.value = since == SIM_NEVER ? -1 : (double)(sw_sched_now(&sim->q) - since);
    sim_emit(sim, &ev);
}

static void data_clean(sim_host_t *sh)
{
    sh->encrypted = sh->wiped = sh->disrupted = sh->logs_tampered = 0;
    sh->data_hit_ms = SIM_NEVER;
}

static void applied(sw_sim_t *sim, const sw_cmd_t *c, const char *detail)
{
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_ACTION);
    if (c->host != SW_NONE)
        sim_ev_host(sim, &ev, c->host);
    ev.team = c->team;
    ev.org = c->org != SW_NONE ? c->org : ev.org;
    ev.action = (int)c->action;
    ev.account =
        c->action == SW_ACT_DISABLE_ACCOUNT || c->action == SW_ACT_RESET_PASSWORD ? c->arg : NULL;
    ev.detail = detail ? detail : c->arg;
    ev.dst_port = c->port;
    ev.value = (double)c->at_ms; /* when it was issued */
    sim_emit(sim, &ev);
}

static void failed(sw_sim_t *sim, const sw_cmd_t *c, const char *why)
{
    sw_sim_event_t ev = sim_ev(sim, SW_SEV_ACTION_FAILED);
    if (c->host != SW_NONE)
        sim_ev_host(sim, &ev, c->host);
    ev.team = c->team;
    ev.action = (int)c->action;
    ev.detail = why;
    ev.value = (double)c->at_ms;
    sim_emit(sim, &ev);
}

/* Orgs a command covers: its org, or every org of its team. */
static int covers(const sw_sim_t *sim, const sw_cmd_t *c, uint32_t o)
{
    return c->org != SW_NONE ? o == c->org : sim->w->orgs[o].team == c->team;
}

static void act_isolate(sw_sim_t *sim, const sw_cmd_t *c, int on)
{
    sim_host_t *sh = &sim->hosts[c->host];
    if (sh->isolated == on) {
        failed(sim, c, on ? "already isolated" : "not isolated");
        return;
    }
    sh->isolated = (uint8_t)on;
    applied(sim, c, NULL);
    sw_sim_event_t ev = sim_ev(sim, on ? SW_SEV_HOST_ISOLATED : SW_SEV_HOST_RELEASED);
    sim_ev_host(sim, &ev, c->host);
    sim_emit(sim, &ev);
    if (on)
        for (uint32_t a = 0; a < sim->w->n_adversaries; a++)
            if (sim->advs[a].hosts[c->host].priv)
                planner_opposed(sim, a, "host isolated");
    net_refresh(sim, on);
}

static void act_kill(sw_sim_t *sim, const sw_cmd_t *c, int quarantine)
{
    uint32_t h = c->host;
    applied(sim, c, NULL);
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++) {
        if (quarantine)
            planner_remove_persist(sim, a, h, FILE_PERSIST, "quarantined");
        planner_session_lost(sim, a, h, quarantine ? "file quarantined" : "process killed", 1);
        if (sim->advs[a].hosts[h].persist) /* the task or service starts it again */
            sim_push(sim, sw_sched_now(&sim->q) + 30 * MIN_MS, K_REVIVE, PRIO_WORLD, a, h,
                     sim->hosts[h].gen);
    }
    net_refresh(sim, 1);
}

static void act_patch(sw_sim_t *sim, const sw_cmd_t *c)
{
    uint32_t h = c->host;
    const sw_host_t *host = &sim->w->hosts[h];
    int found = 0;
    for (uint32_t v = 0; v < host->n_vulns; v++)
        if (host->vulns[v].cve && !strcasecmp(host->vulns[v].cve, c->arg)) {
            sim->patched[sim->hosts[h].vuln_base + v] = 1;
            found = 1;
        }
    if (!found) {
        failed(sim, c, "no such vulnerability on this host");
        return;
    }
    applied(sim, c, NULL);
    sim_host_down(sim, h, SW_HOST_REBOOTING, patch_reboot_ms(), "patch reboot", 1);
}

static void act_reimage(sw_sim_t *sim, const sw_cmd_t *c)
{
    uint32_t h = c->host;
    const sw_host_t *host = &sim->w->hosts[h];
    applied(sim, c, NULL);
    data_lost(sim, c, h, host->backup.present ? last_good_backup(sim, h) : SIM_NEVER);
    data_clean(&sim->hosts[h]);
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++) {
        planner_remove_persist(sim, a, h, ~(1u << SW_PERSIST_FIRMWARE), "reimaged");
        sim->advs[a].hosts[h].relay = 0;
    }
    sim_host_down(sim, h, SW_HOST_REIMAGING, reimage_ms(host), "reimage", 1);
}

static void act_restore(sw_sim_t *sim, const sw_cmd_t *c)
{
    uint32_t h = c->host;
    const sw_host_t *host = &sim->w->hosts[h];
    if (!host->backup.present) {
        failed(sim, c, "no backup");
        return;
    }
    if (sim->hosts[h].backups_destroyed) {
        failed(sim, c, "backups encrypted or destroyed");
        return;
    }
    int64_t good = last_good_backup(sim, h);
    applied(sim, c, NULL);
    data_lost(sim, c, h, good);
    data_clean(&sim->hosts[h]);
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++) /* newer than the backup: gone */
        if (sim->advs[a].hosts[h].persist_at >= good)
            planner_remove_persist(sim, a, h, ~(1u << SW_PERSIST_FIRMWARE), "restored");
    sim_host_down(sim, h, SW_HOST_RESTORING, restore_ms(host), "restore", 1);
}

static void act_reflash(sw_sim_t *sim, const sw_cmd_t *c)
{
    uint32_t h = c->host;
    const sw_host_t *host = &sim->w->hosts[h];
    int netdev = host->os_family == SW_OSF_NETWORK || host->role == SW_ROLE_EDGE_ROUTER ||
                 host->role == SW_ROLE_CORE_ROUTER || host->role == SW_ROLE_FIREWALL ||
                 host->role == SW_ROLE_VPN_GATEWAY || host->role == SW_ROLE_SOHO_ROUTER;
    if (!netdev) {
        failed(sim, c, "not a network device");
        return;
    }
    applied(sim, c, NULL);
    sim->hosts[h].disrupted = 0;
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++) {
        planner_remove_persist(sim, a, h, 0xff, "reflashed");
        sim->advs[a].hosts[h].relay = 0;
    }
    sim_host_down(sim, h, SW_HOST_REFLASHING, reflash_ms(), "reflash", 1);
}

static void act_accounts(sw_sim_t *sim, const sw_cmd_t *c)
{
    uint32_t na = sim->w->n_adversaries;
    uint32_t *before = SIM_CALLOC(sim, na ? na : 1, sizeof *before);
    for (uint32_t a = 0; before && a < na; a++)
        before[a] = creds_count(sim, a);
    int any = 0;
    for (uint32_t o = 0; o < sim->w->n_orgs; o++) {
        if (!covers(sim, c, o))
            continue;
        any = 1;
        if (c->action == SW_ACT_RESET_KRBTGT) {
            sim->org_krbtgt[o]++;
            continue;
        }
        sim_acct_t *ac = acct_get(sim, o, c->arg);
        if (!ac)
            continue;
        if (c->action == SW_ACT_DISABLE_ACCOUNT)
            ac->disabled = 1;
        else
            ac->resets++;
    }
    if (!any)
        failed(sim, c, "team has no organisation");
    else
        applied(sim, c, NULL);
    creds_recheck(sim, before);
    SIM_FREE(sim, before);
}

static void act_share(sw_sim_t *sim, const sw_cmd_t *c)
{
    applied(sim, c, NULL);
    for (uint32_t t = 0; t < sim->w->n_teams; t++) {
        if (t == c->team || sim->w->teams[t].kind != SW_TEAM_PLAYER ||
            (c->to_team != SW_NONE && t != c->to_team))
            continue;
        sw_sim_event_t ev = sim_ev(sim, SW_SEV_INDICATOR);
        ev.team = t;
        ev.detail = c->arg;
        ev.action = (int)c->action;
        ev.value = (double)c->team;
        sim_emit(sim, &ev);
    }
}

void act_apply(sw_sim_t *sim, uint32_t i)
{
    const sw_cmd_t *c = &sim->cmds[i].c;
    switch (c->action) {
    case SW_ACT_ISOLATE:
        act_isolate(sim, c, 1);
        break;
    case SW_ACT_RELEASE:
        act_isolate(sim, c, 0);
        break;
    case SW_ACT_BLOCK_IP:
    case SW_ACT_BLOCK_DOMAIN:
    case SW_ACT_BLOCK_PORT:
    case SW_ACT_NULL_ROUTE:
        if (block_add(sim, c)) {
            failed(sim, c, "out of memory");
            break;
        }
        applied(sim, c, NULL);
        net_refresh(sim, 1);
        break;
    case SW_ACT_DISABLE_ACCOUNT:
    case SW_ACT_RESET_PASSWORD:
    case SW_ACT_RESET_KRBTGT:
        act_accounts(sim, c);
        break;
    case SW_ACT_KILL_PROCESS:
        act_kill(sim, c, 0);
        break;
    case SW_ACT_QUARANTINE_FILE:
        act_kill(sim, c, 1);
        break;
    case SW_ACT_PATCH:
        act_patch(sim, c);
        break;
    case SW_ACT_REIMAGE:
        act_reimage(sim, c);
        break;
    case SW_ACT_RESTORE:
        act_restore(sim, c);
        break;
    case SW_ACT_REFLASH:
        act_reflash(sim, c);
        break;
    case SW_ACT_ENHANCED_LOGGING:
        sim->hosts[c->host].enhanced_logging = 1;
        applied(sim, c, NULL);
        break;
    case SW_ACT_FAILOVER: {
        int any = 0;
        for (uint32_t o = 0; o < sim->w->n_orgs; o++)
            if (covers(sim, c, o) && sim->w->orgs[o].intl_backup.n > 0) {
                sim->org_failover[o] = 1;
                any = 1;
            }
        if (!any) {
            failed(sim, c, "no backup international path");
            break;
        }
        applied(sim, c, NULL);
        net_transit_update(sim, 0);
        net_refresh(sim, 0);
        break;
    }
    case SW_ACT_SHARE_INDICATOR:
        act_share(sim, c);
        break;
    case SW_ACT_REPORT: {
        applied(sim, c, NULL);
        sw_sim_event_t ev = sim_ev(sim, SW_SEV_REPORT);
        ev.team = c->team;
        ev.detail = c->arg;
        ev.action = (int)c->action;
        sim_emit(sim, &ev);
        break;
    }
    default:
        failed(sim, c, "unknown action");
        break;
    }
    for (uint32_t a = 0; a < sim->w->n_adversaries; a++)
        planner_check_objectives(sim, a);
}
