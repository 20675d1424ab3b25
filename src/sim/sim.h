/* sim.h — the simulation engine's public face.
 *
 * A pure discrete-event simulation of the world a scenario describes: the
 * adversaries' planners act on hosts, defenders' commands change the world,
 * links fail and fail over, business services go up and down. It takes a
 * world (read-only, must outlive the sim), a seed and an ordered stream of
 * timestamped commands, and reports everything that happens through one
 * callback. No I/O, no wall clock, no globals; memory comes from the
 * caller's allocator (sw_sim_new_alloc; the C library's by default) and goes
 * back in sw_sim_free.
 *
 * Determinism: the events are a pure function of (world, seed, commands in
 * submission order). sw_sim_run_until(t) runs every event due strictly
 * before t, so a command at exactly t submitted afterwards still comes first
 * among the events due at t: how a caller chunks its run_until calls does not
 * change the result.
 *
 * Ground truth: adversary events carry the step, technique, procedure and
 * the causal chain (gt ids). Nothing in the sim decides what a player sees:
 * the telemetry layer turns events into log records and drops ground truth.
 */
#ifndef SW_SIM_H
#define SW_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "model/action.h"
#include "model/world.h"

typedef struct sw_sim sw_sim_t;

typedef enum {
    SW_SEV_START,         /* the simulation begins */
    SW_SEV_CMD_ACCEPTED,  /* a command was issued (at its at_ms) */
    SW_SEV_CMD_REFUSED,   /* a command was refused: detail says why */
    SW_SEV_ACTION,        /* a defender action took effect (action, host...) */
    SW_SEV_ACTION_FAILED, /* it could not: detail says why */
    SW_SEV_HOST_DOWN,     /* host went down (detail: power, reboot, reimage, restore, reflash) */
    SW_SEV_HOST_UP,       /* host is back */
    SW_SEV_HOST_ISOLATED,
    SW_SEV_HOST_RELEASED,
    SW_SEV_DATA_LOST, /* value: milliseconds of data lost (-1: all) */
    SW_SEV_LINK_DOWN,
    SW_SEV_LINK_UP,
    SW_SEV_TRANSIT,       /* an org's international transit changed; detail: primary/backup/down */
    SW_SEV_BUSINESS_DOWN, /* detail: cause; host/link: the failing dependency */
    SW_SEV_BUSINESS_DEGRADED,
    SW_SEV_BUSINESS_UP,
    SW_SEV_INJECT,        /* an inject fired (inject index in `inject`) */
    SW_SEV_INDICATOR,     /* an indicator shared with `team` (detail: value) */
    SW_SEV_REPORT,        /* an incident report filed */
    SW_SEV_STEP_START,    /* adversary starts a step on a host */
    SW_SEV_STEP,          /* ... and finishes it: outcome, ground truth */
    SW_SEV_FOOTHOLD,      /* adversary gained priv on host (cause: gt id) */
    SW_SEV_FOOTHOLD_LOST, /* ... lost it (detail: why) */
    SW_SEV_CREDENTIAL,    /* harvested account (account, detail: kind/form) */
    SW_SEV_PERSIST,       /* persistence installed (detail: kind) */
    SW_SEV_PERSIST_REMOVED,
    SW_SEV_C2_UP,   /* a channel established (channel, domain, dst_ip) */
    SW_SEV_C2_DOWN, /* a channel stopped working */
    SW_SEV_RELAY,   /* host became a relay of the adversary's proxy network */
    SW_SEV_EXFIL,   /* value: megabytes */
    SW_SEV_ENCRYPTED,
    SW_SEV_WIPED,
    SW_SEV_DISRUPTED,
    SW_SEV_LOGS_TAMPERED,
    SW_SEV_BACKUPS_DESTROYED,
    SW_SEV_QUIET,     /* adversary goes quiet until value ms */
    SW_SEV_OBJECTIVE, /* an objective reached (objective index) */
    SW_SEV_END,       /* summary sampled at the end of a run */
    SW_SEV__COUNT
} sw_sim_ev_type_t;

extern const char *const sw_sim_ev_names[SW_SEV__COUNT];

typedef enum {
    SW_OUT_NONE,
    SW_OUT_SUCCESS,
    SW_OUT_FAILURE,     /* the dice said no */
    SW_OUT_INTERRUPTED, /* a precondition stopped holding during the step */
    SW_OUT__COUNT
} sw_outcome_t;

extern const char *const sw_outcome_names[SW_OUT__COUNT];

/* One thing that happened. Strings point into the world or the sim and are
 * valid during the callback only. Absent indices are SW_NONE, absent
 * strings NULL. */
typedef struct sw_sim_event {
    sw_sim_ev_type_t type;
    int64_t at_ms;
    uint64_t seq;  /* 0, 1, 2... in emission order */
    uint32_t team; /* the team that owns the host/org/business, or the command's team */
    uint32_t org;
    uint32_t host;
    uint32_t src_host; /* adversary: where it acted from (SW_NONE: the internet) */
    uint32_t link;
    uint32_t business;
    uint32_t inject;
    uint32_t adversary;
    uint32_t step; /* index in the adversary's steps */
    uint32_t objective;
    uint32_t gt;    /* ground-truth record of this step */
    uint32_t cause; /* ground-truth record that made it possible (SW_NONE: initial access) */
    int action;     /* sw_action_t for command/action events, -1 otherwise */
    sw_outcome_t outcome;
    int priv; /* sw_priv_t gained / held */
    const char *technique;
    const char *tactic;
    const char *procedure; /* the command line or protocol action */
    const char *tool;      /* the process image */
    const char *account;
    const char *src_ip;
    const char *dst_ip;
    uint16_t dst_port;
    const char *channel;
    const char *domain;
    const char *detail;
    double value;
    double noise;      /* the step's noise */
    double visibility; /* noise as the host's sensors would see it, 0..1 */
} sw_sim_event_t;

typedef void (*sw_sim_event_cb)(const sw_sim_event_t *ev, void *ud);

/* Create a sim over w (read-only; must outlive the sim). NULL on out of memory
 * or when w has dangling references (the loader never produces those). */
sw_sim_t *sw_sim_new(const sw_world_t *w, uint64_t seed, sw_sim_event_cb cb, void *ud);
/* The same with an allocator (copied; NULL: the C library). Every allocation
 * the sim makes, now or while it runs, goes through it; one that fails is
 * handled (the work that needed it is dropped), never a crash. */
sw_sim_t *sw_sim_new_alloc(const sw_world_t *w, uint64_t seed, sw_sim_event_cb cb, void *ud,
                           const sw_alloc_t *alloc);
void sw_sim_free(sw_sim_t *sim);

/* Submit a command. Refused (SW_EINVAL, plus a CMD_REFUSED event) when it
 * is issued before now, or names something that is not the team's; accepted
 * commands are applied at at_ms + the action's delay (sw_sim_action_delay). */
int sw_sim_command(sw_sim_t *sim, const sw_cmd_t *cmd);
/* Run every event due before t_ms; the clock ends at t_ms. */
int sw_sim_run_until(sw_sim_t *sim, int64_t t_ms);
int64_t sw_sim_now(const sw_sim_t *sim);
/* Emit an END event with the availability figures; call once after a run. */
void sw_sim_finish(sw_sim_t *sim);

/* Delay between a command being issued and taking effect, ms (the action
 * table's, model/action.h). */
int64_t sw_sim_action_delay(sw_action_t a);

/* Would sw_sim_command accept cmd now? SW_OK, or SW_EINVAL with *why set
 * (a static string). Changes nothing, emits nothing. */
int sw_sim_command_check(const sw_sim_t *sim, const sw_cmd_t *cmd, const char **why);

/* Fire inject i (an index into the world's injects) at at_ms, ahead of its
 * own trigger: an instructor releasing it. An inject fires once; releasing
 * one that already fired does nothing. SW_EINVAL when at_ms is before now or
 * i is out of range. */
int sw_sim_release_inject(sw_sim_t *sim, int64_t at_ms, uint32_t i);

/* ---- accessors (state now) ---------------------------------------------- */
typedef enum {
    SW_HOST_UP,
    SW_HOST_DOWN,
    SW_HOST_REBOOTING,
    SW_HOST_REIMAGING,
    SW_HOST_RESTORING,
    SW_HOST_REFLASHING,
    SW_HOST__COUNT
} sw_host_state_t;
extern const char *const sw_host_state_names[SW_HOST__COUNT];

sw_host_state_t sw_sim_host_state(const sw_sim_t *sim, uint32_t h);
int sw_sim_host_isolated(const sw_sim_t *sim, uint32_t h);
int sw_sim_host_encrypted(const sw_sim_t *sim, uint32_t h);
int sw_sim_host_disrupted(const sw_sim_t *sim, uint32_t h);
int sw_sim_vuln_patched(const sw_sim_t *sim, uint32_t h, uint32_t v);
sw_priv_t sw_sim_priv(const sw_sim_t *sim, uint32_t adv, uint32_t h);
uint32_t sw_sim_persist_mask(const sw_sim_t *sim, uint32_t adv,
                             uint32_t h); /* bits of sw_persist_t */
uint32_t sw_sim_foothold_cause(const sw_sim_t *sim, uint32_t adv, uint32_t h);
int sw_sim_has_valid_cred(const sw_sim_t *sim, uint32_t adv, sw_cred_kind_t kind, uint32_t org);
int sw_sim_c2_working(const sw_sim_t *sim, uint32_t adv);
int sw_sim_link_up(const sw_sim_t *sim, uint32_t link);
/* 0 down, 1 primary, 2 backup (failed over). */
int sw_sim_transit(const sw_sim_t *sim, uint32_t org);
/* Business state now: 1 up, 0.5 degraded, 0 down; and mean over samples. */
double sw_sim_business_now(const sw_sim_t *sim, uint32_t b);
double sw_sim_business_availability(const sw_sim_t *sim, uint32_t b);
/* Weighted mean availability of a team's business services (1 when none). */
double sw_sim_team_availability(const sw_sim_t *sim, uint32_t team);
/* Time an objective was first reached, or -1. */
int64_t sw_sim_objective_reached(const sw_sim_t *sim, uint32_t adv, uint32_t obj);
/* Whether it holds now (persistence still in place, data still encrypted...). */
int sw_sim_objective_holds(const sw_sim_t *sim, uint32_t adv, uint32_t obj);
double sw_sim_exfil_mb(const sw_sim_t *sim, uint32_t adv);

/* Ground truth: one record per adversary step attempted. */
typedef struct sw_gt {
    uint32_t adversary, step, host, src_host;
    uint32_t cause;      /* record that gave the position acted from; SW_NONE: from the internet */
    uint32_t cred_cause; /* record that harvested the credential used, or SW_NONE */
    int64_t start_ms, end_ms;
    sw_outcome_t outcome;
    int initial_access; /* gained a foothold acting from the internet */
} sw_gt_t;
uint32_t sw_sim_gt_count(const sw_sim_t *sim);
const sw_gt_t *sw_sim_gt(const sw_sim_t *sim, uint32_t id);

typedef struct sw_sim_stats {
    uint64_t events;
    uint64_t sched_items; /* processed */
    size_t sched_peak;    /* largest queue */
    size_t state_bytes;   /* bytes of mutable state (grows with hosts) */
    uint32_t commands, refused;
} sw_sim_stats_t;
void sw_sim_stats(const sw_sim_t *sim, sw_sim_stats_t *out);

/* ---- serialisation (pure: into a buffer) ------------------------------- */
/* One JSON object (no newline) for ev, with names resolved through w. */
int sw_sim_event_json(const sw_world_t *w, const sw_sim_event_t *ev, sw_buf_t *out);
/* Fold ev into a running FNV-1a 64 hash (start from SW_HASH64_INIT). */
uint64_t sw_sim_event_hash(uint64_t h, const sw_sim_event_t *ev);

#endif
