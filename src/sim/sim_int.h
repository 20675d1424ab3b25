/* sim_int.h — the engine's internal state, shared by the files of src/sim/
 * (sim.c: lifecycle, main loop, hosts, injects; net.c: reachability, links,
 * C2 channels, business services; planner.c: adversaries; actions.c:
 * defender actions). Nothing outside src/sim/ includes this.
 *
 * All mutable state lives here, in arrays parallel to the world's (index i of
 * hosts[] is w->hosts[i]); the world is never written. */
#ifndef SW_SIM_INT_H
#define SW_SIM_INT_H

#include <stdint.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "core/sched.h"
#include "sim/sim.h"

#define MIN_MS ((int64_t)60 * 1000)
#define HOUR_MS (60 * MIN_MS)
#define SIM_NEVER INT64_MAX
#define SIM_MAX_CHAN 8
#define SIM_FAILS_GIVE_UP 4 /* attempts of one step on one host before trying elsewhere */
#define SIM_SCAN_MAX 256    /* candidates examined per step per decision */
#define SIM_DIST_INF 0xffffu
#define SIM_MAX_EFF 16 /* effects per step the planner weighs separately */

/* Scheduled item kinds. */
enum {
    K_CMD_ISSUE,     /* a: command index */
    K_CMD_APPLY,     /* a: command index */
    K_ADV_DECIDE,    /* a: adversary; gen: decide generation */
    K_ADV_STEP_DONE, /* a: adversary, b: op (0 campaign, 1 strike); gen: op generation */
    K_ADV_TRIGGER,   /* a: adversary: a disrupt objective's time has come */
    K_HOST_BOOT,     /* a: host; gen: host generation */
    K_REVIVE,        /* a: adversary, b: host; gen: host generation */
    K_LINK_REPAIR,   /* a: link; gen: link generation */
    K_INJECT,        /* a: inject */
    K_SAMPLE,        /* business services, every exercise minute */
};
/* Priorities among items due at the same millisecond. */
enum { PRIO_CMD = 0, PRIO_WORLD = 1, PRIO_SAMPLE = 2 };

typedef struct sim_host {
    uint8_t state; /* sw_host_state_t */
    uint8_t isolated;
    uint8_t encrypted, wiped, disrupted;
    uint8_t logs_tampered, enhanced_logging, backups_destroyed;
    uint32_t gen;        /* bumped on every up/down change; stale boots are ignored */
    int64_t data_hit_ms; /* when its data was first encrypted or wiped, or SIM_NEVER */
    uint32_t vuln_base;  /* index of its first vuln in sim->patched */
    uint32_t svc_base;   /* index of its first service in the service memo */
} sim_host_t;

typedef struct adv_host {
    uint8_t priv;         /* sw_priv_t held now (0: none, or dormant) */
    uint8_t dormant_priv; /* held before a reboot/kill; persistence brings it back */
    uint8_t persist;      /* bits of sw_persist_t */
    uint8_t relay;
    uint32_t cause;         /* gt of the step that gave the current foothold */
    uint32_t persist_cause; /* gt of the step that installed persistence */
    int64_t persist_at;     /* first persistence installed, or SIM_NEVER */
    int32_t fh_pos;         /* position in adv->footholds, -1 when absent */
} adv_host_t;

typedef struct sim_cred {
    uint8_t kind; /* sw_cred_kind_t */
    uint8_t form; /* sw_cred_form_t */
    uint32_t org;
    const char *account;
    uint32_t resets_at; /* account's password resets when harvested */
    uint32_t krbtgt_at; /* org's krbtgt resets when harvested */
    uint32_t cause;     /* gt that harvested it */
} sim_cred_t;

typedef struct sim_chan {
    const char *name; /* "https", "dns", "proxy", ... */
    uint32_t host;    /* implant end */
    int32_t domain;   /* index in the adversary's c2_domains, -1: none */
    int32_t ip;       /* index in c2_ips, -1: none */
    uint32_t cause;
    uint8_t used, up;
} sim_chan_t;

/* One step in progress. */
typedef struct sim_op {
    int busy;
    uint32_t step, target, gt, src;
    uint16_t port;
    const char *account;
    uint32_t gen; /* bumped per step; a stale done event is ignored */
} sim_op_t;

typedef struct adv {
    sw_rng_t rng;
    adv_host_t *hosts; /* n_hosts */
    uint32_t *footholds;
    uint32_t n_footholds;
    sim_cred_t *creds;
    uint32_t n_creds, cap_creds;
    const char **facts;
    uint32_t n_facts, cap_facts;
    sim_chan_t chans[SIM_MAX_CHAN];
    int64_t quiet_until;
    uint32_t decide_gen;
    /* 0: the campaign; 1: a strike at a trigger time; 2..: the campaign's
     * other operators (sw_adversary_t.operators) */
    sim_op_t ops[SW_MAX_OPERATORS + 1];
    int64_t *obj_reached; /* n_objectives; -1 until reached */
    double *obj_mb;       /* exfiltrated so far per objective */
    uint32_t **obj_hosts; /* hosts matching each objective's target */
    uint32_t *n_obj_hosts;
    uint16_t *dist;  /* [objective * n_steps + step]: steps to an objective */
    uint16_t *edist; /* [(objective * n_steps + step) * SIM_MAX_EFF + effect] */
    uint32_t **cand; /* per step: hosts it may target */
    uint32_t *n_cand;
    uint8_t *fails; /* [step * n_hosts + host] failed attempts */
    double exfil_mb;
} adv_t;

typedef struct sim_acct { /* an account a defender touched */
    uint32_t org;
    const char *name;
    uint32_t resets;
    uint8_t disabled;
} sim_acct_t;

typedef struct sim_block {
    uint8_t kind; /* SW_ACT_BLOCK_IP / _DOMAIN / _PORT / SW_ACT_NULL_ROUTE */
    uint32_t team;
    uint32_t org; /* SW_NONE: all the team's orgs */
    const char *value;
    uint16_t port;
} sim_block_t;

typedef struct sim_cmd {
    sw_cmd_t c; /* c.arg points at arg */
    char *arg;  /* owned copy */
} sim_cmd_t;

struct sw_sim {
    const sw_world_t *w;
    uint64_t seed;
    sw_sim_event_cb cb;
    void *ud;
    sw_alloc_t alloc; /* every byte the sim holds comes from here */
    sw_sched_t q;
    uint64_t n_events;

    sim_host_t *hosts;
    uint8_t *patched; /* per (host, vuln) */
    adv_t *advs;
    uint8_t *link_up;
    uint32_t *link_gen;
    uint32_t *org_krbtgt;
    uint8_t *org_failover;
    uint8_t *org_transit; /* cached: 0 down, 1 primary, 2 backup */
    uint8_t *inj_state;   /* 0 waiting, 1 scheduled, 2 fired */

    sim_acct_t *accts;
    uint32_t n_accts, cap_accts;
    sim_block_t *blocks;
    uint32_t n_blocks, cap_blocks;
    sim_cmd_t *cmds;
    uint32_t n_cmds, cap_cmds;
    sw_gt_t *gt;
    uint32_t n_gt, cap_gt;

    /* business services */
    double *biz_sum;
    uint8_t *biz_state; /* 2 up, 1 degraded, 0 down */
    uint32_t n_samples;
    uint32_t stamp; /* memo generation for one evaluation pass */
    uint32_t *biz_stamp;
    double *biz_val;
    uint32_t *svc_stamp;
    double *svc_val;
    uint32_t n_svc;

    sw_sim_stats_t stats;
    size_t state_bytes;
    int finished;
};

/* Allocation through the caller's allocator (sim->alloc). */
#define SIM_CALLOC(sim, n, size) sw_calloc(&(sim)->alloc, (n), (size))
#define SIM_REALLOC(sim, p, n, size) sw_realloc_array(&(sim)->alloc, (p), (n), (size))
#define SIM_FREE(sim, p) sw_free(&(sim)->alloc, (p))

/* sim.c */
sw_sim_event_t sim_ev(const sw_sim_t *sim, sw_sim_ev_type_t type);
void sim_ev_host(const sw_sim_t *sim, sw_sim_event_t *ev, uint32_t h);
void sim_emit(sw_sim_t *sim, sw_sim_event_t *ev);
int sim_push(sw_sim_t *sim, int64_t at_ms, int kind, uint8_t prio, uint32_t a, uint32_t b,
             uint32_t gen);
int sim_host_live(const sw_sim_t *sim, uint32_t h);
void sim_host_down(sw_sim_t *sim, uint32_t h, sw_host_state_t st, int64_t dur_ms, const char *why,
                   int by_defender);
void sim_host_boot(sw_sim_t *sim, uint32_t h, uint32_t gen);
void sim_injects_on_foothold(sw_sim_t *sim, uint32_t h);
void sim_injects_on_step(sw_sim_t *sim, uint32_t a, uint32_t step);
void sim_injects_on_objective(sw_sim_t *sim, uint32_t a, uint32_t obj);
uint32_t sim_gt_new(sw_sim_t *sim, const sw_gt_t *g);
int sim_team_owns_org(const sw_world_t *w, uint32_t team, uint32_t org);

/* net.c */
sw_zone_t net_zone(const sw_world_t *w, uint32_t h);
int net_reach(const sw_sim_t *sim, uint32_t src, uint32_t dst, uint16_t port);
int net_blocked(const sw_sim_t *sim, uint32_t org, int kind, const char *value, uint16_t port);
void net_transit_update(sw_sim_t *sim, int quiet);
void net_link_set(sw_sim_t *sim, uint32_t l, int up, const char *why);
void net_link_repair(sw_sim_t *sim, uint32_t l, uint32_t gen);
int net_chan_working(const sw_sim_t *sim, uint32_t a, const sim_chan_t *c);
void net_refresh(sw_sim_t *sim, int by_defender);
void net_sample(sw_sim_t *sim);
double net_business_eval(sw_sim_t *sim, uint32_t b, const char **why, uint32_t *host,
                         uint32_t *link);

/* planner.c */
int planner_init(sw_sim_t *sim, uint32_t a);
void planner_free(sw_sim_t *sim, uint32_t a);
void planner_decide(sw_sim_t *sim, uint32_t a, uint32_t gen);
void planner_step_done(sw_sim_t *sim, uint32_t a, uint32_t op, uint32_t gen);
void planner_trigger(sw_sim_t *sim, uint32_t a);
void planner_opposed(sw_sim_t *sim, uint32_t a, const char *why);
void planner_session_lost(sw_sim_t *sim, uint32_t a, uint32_t h, const char *why, int by_defender);
void planner_revive(sw_sim_t *sim, uint32_t a, uint32_t h, uint32_t gen);
void planner_remove_persist(sw_sim_t *sim, uint32_t a, uint32_t h, uint32_t mask, const char *why);
int planner_cred_valid(const sw_sim_t *sim, const sim_cred_t *c);
int planner_objective_holds(const sw_sim_t *sim, uint32_t a, uint32_t o);
void planner_check_objectives(sw_sim_t *sim, uint32_t a);

/* actions.c */
int act_validate(const sw_sim_t *sim, const sw_cmd_t *c, const char **why);
void act_apply(sw_sim_t *sim, uint32_t cmd);
sim_acct_t *act_acct(const sw_sim_t *sim, uint32_t org, const char *name);

#endif
