/* score.h — an exercise's score, and the after-action facts behind it.
 *
 * A pure layer: fed what the exercise publishes — every simulation event
 * (sw_score_sim), every journaled act (sw_score_act) and every record that
 * has ground truth behind it (sw_score_record) — it keeps the facts scoring
 * and the after-action report need, and computes each team's score at any
 * moment (sw_score_compute). No I/O, no clock, no globals; its memory comes
 * from the caller's allocator (payloads are parsed with jansson, whose
 * short-lived allocations are the C library's).
 *
 * The formula, the defaults and a worked example: docs/scoring.md. In short,
 * per player team, six categories each a fraction 0..1 weighted by the
 * scenario's scoring.weights (times scoring.points), less penalties:
 *   availability  business services' weight x minutes up (degraded partly)
 *   detection     per attack stage: first activity -> first correct
 *                 detection (an alert triaged true-positive on one of the
 *                 stage's records, or a report naming its technique and a
 *                 host), credited by scoring.detect
 *   containment   per stage: first activity -> the adversary holding none of
 *                 the hosts the stage gained or acted on, by scoring.contain
 *   recovery      the adversary's objectives against the team: denied earn,
 *                 reached cost, reached but undone cost half
 *   reporting     each incident report against ground truth as it stood:
 *                 precision and recall of techniques, hosts, indicators
 *   sharing       correct indicators shared (more once another team used
 *                 them), towards scoring.share_goal
 *   penalties     hints, collateral damage, false indicators, rules broken
 *
 * Design notes
 *  1. Facts, then figures. Inputs are reduced to facts with their exercise
 *     times (stages, footholds, objectives' progress, business changes,
 *     reports, triages, shares, actions); sw_score_compute derives every
 *     figure from the facts at the moment asked. So the live exercise's own
 *     score and one recomputed by replaying the journal are the same by
 *     construction: the same notes give the same facts.
 *  2. Inputs must come in the order the exercise publishes them: sim events
 *     in emission order; a record before the acts that name it. Acts are
 *     judged by their own times, not by when they arrive among sim events.
 *  3. Out of memory is sticky (sw_score_error); the facts then stop growing
 *     and compute says so. Nothing is ever half-recorded.
 *
 * A stage is one adversary playbook step against one team: every attempt
 * of that step on the team's hosts. It counts once one attempt succeeded. */
#ifndef SW_SCORE_H
#define SW_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "model/world.h"
#include "sim/sim.h"

typedef enum {
    SW_SC_AVAILABILITY,
    SW_SC_DETECTION,
    SW_SC_CONTAINMENT,
    SW_SC_RECOVERY,
    SW_SC_REPORTING,
    SW_SC_SHARING,
    SW_SC__COUNT
} sw_score_cat_t;

/* The weight keys ("availability", ...) and their titles for people. */
extern const char *const sw_score_cat_names[SW_SC__COUNT];
extern const char *const sw_score_cat_titles[SW_SC__COUNT];

typedef struct sw_score sw_score_t;

/* A score over w (read-only, must outlive it). NULL when out of memory. */
sw_score_t *sw_score_new(const sw_world_t *w, const sw_alloc_t *alloc);
void sw_score_free(sw_score_t *s);

/* ---- inputs ---------------------------------------------------------------- */

void sw_score_sim(sw_score_t *s, const sw_sim_event_t *ev);

/* One journaled act (journal/journal.h's entry, by value). */
typedef struct sw_score_act {
    int64_t seq;
    int64_t at_ms;
    uint32_t team; /* world team index, or SW_NONE */
    const char *kind;
    const char *payload; /* JSON object text */
} sw_score_act_t;

/* Kinds read: alert.triage, report.submit, indicator.share, hint.release,
 * rule.broken;
 * others are ignored. A damaged payload is ignored (counted). */
void sw_score_act(sw_score_t *s, const sw_score_act_t *a);

/* Team's record number ordinal (1-based: its position in the team's store)
 * was caused by ground-truth record gt. */
void sw_score_record(sw_score_t *s, uint32_t team, int64_t ordinal, uint32_t gt, int64_t at_ms);

/* SW_OK, or SW_ENOMEM once an input could not be kept. */
int sw_score_error(const sw_score_t *s);

/* A record id as the store gives it (evstore.h: the team's id above bit
 * 40, the ordinal below) to its ordinal. */
static inline int64_t sw_score_ordinal(int64_t record_id)
{
    return record_id & (((int64_t)1 << 40) - 1);
}

/* ---- results --------------------------------------------------------------- */

typedef struct sw_score_team {
    uint32_t team;
    int player;                    /* observers have no score */
    double fraction[SW_SC__COUNT]; /* 0..1 */
    double points[SW_SC__COUNT];   /* weight x scoring.points x fraction */
    uint32_t n_hints, n_collateral, n_false_indicators, n_rules_broken;
    double pen_hints, pen_collateral, pen_false_indicators, pen_rules_broken;
    double penalties; /* their sum, points */
    double total;     /* points - penalties (may be negative) */
    uint32_t rank;    /* 1 = best total among player teams */
    /* the figures behind the fractions */
    double availability_minutes; /* weighted minutes up (degraded partly) */
    double availability_of;      /* weighted minutes elapsed */
    uint32_t n_stages, n_detected, n_containable, n_contained;
    double median_detect_ms, median_contain_ms; /* -1: none */
    uint32_t n_objectives, n_reached, n_recovered;
    uint32_t n_reports;
    double precision[3], recall[3]; /* techniques, hosts, indicators: means, -1 none */
    uint32_t n_shared, n_shared_correct, n_shared_used;
    uint32_t n_triaged, n_triage_tp_right, n_triage_tp_wrong, n_triage_fp_wrong;
} sw_score_team_t;

/* Every team's score at exercise time now_ms (the time the inputs reached),
 * into out[w->n_teams]; the stages' and reports' computed fields are
 * filled too. SW_ENOMEM when inputs were lost. Cost: O(stages x (reports +
 * triages) + business x changes + shares x actions). */
int sw_score_compute(sw_score_t *s, int64_t now_ms, sw_score_team_t *out);

/* Credit for a delay: 1 up to full_ms, 0 from zero_ms on, linear between. */
double sw_score_credit(int64_t delay_ms, int64_t full_ms, int64_t zero_ms);

/* ---- the facts (for the after-action report) -------------------------------- */

typedef enum { SW_DET_NONE, SW_DET_TRIAGE, SW_DET_REPORT } sw_score_det_t;

typedef struct sw_score_stage {
    uint32_t team, adversary, step;
    int64_t start_ms;   /* its first attempt began */
    int64_t success_ms; /* its first success ended, -1 none */
    uint32_t n_attempts, n_success;
    uint32_t *hosts;  /* hosts it succeeded on */
    int64_t *host_ms; /* ... first success on each */
    uint32_t n_hosts, cap_hosts;
    uint32_t *held; /* hosts whose loss contains it (gained by it, or acted on while held) */
    uint32_t n_held, cap_held;
    int64_t first_record; /* the team's first record it caused (ordinal), 0 none */
    uint32_t n_records;
    int64_t contained_ms; /* since when none of held is held, -1 not contained */
    /* filled by sw_score_compute */
    int64_t detected_ms; /* -1: not detected */
    sw_score_det_t detected_by;
    int64_t detected_seq; /* the journal entry that detected it */
    int64_t detected_alert;
    double detect_credit, contain_credit;
} sw_score_stage_t;

typedef struct sw_score_obj {
    uint32_t team, adversary, objective;
    double progress;    /* megabytes, or hosts */
    double need;        /* what reaching it takes */
    int64_t reached_ms; /* -1: denied so far */
    int holds;          /* filled by compute: still in place */
} sw_score_obj_t;

typedef struct sw_score_change {
    int64_t at_ms;
    double value; /* 1 up, 0 down, between: degraded */
} sw_score_change_t;

typedef struct sw_score_report {
    uint32_t team;
    int64_t seq, at_ms;
    const char *title;
    const char **techniques;
    uint32_t n_techniques;
    uint32_t *hosts;
    uint32_t n_hosts;
    const char **indicators; /* values, lower-cased */
    uint32_t n_indicators;
    /* filled by compute: techniques, hosts, indicators; -1 when undefined */
    double precision[3], recall[3];
    double quality; /* 0..1 */
} sw_score_report_t;

typedef struct sw_score_triage {
    uint32_t team;
    int64_t seq, at_ms, alert, ordinal;
    int positive;   /* true-positive or escalated */
    int negative;   /* false-positive */
    uint32_t stage; /* filled by compute: the stage its record belongs to, or SW_NONE */
} sw_score_triage_t;

typedef struct sw_score_action {
    uint32_t team;
    int64_t at_ms;
    int action; /* sw_action_t */
    uint32_t host;
    const char *value; /* lower-cased, or NULL */
    int ok;            /* applied (else it failed) */
    int collateral;    /* a healthy critical host taken out of service */
} sw_score_action_t;

typedef struct sw_score_share {
    uint32_t from, to;
    int64_t at_ms;
    const char *value; /* lower-cased */
    int correct;       /* filled by compute */
    int64_t used_ms;   /* filled by compute: `to` blocked or reported it, -1 not */
} sw_score_share_t;

typedef struct sw_score_mark { /* a hint, or a rule broken */
    uint32_t team;
    int64_t seq, at_ms;
    const char *text;
} sw_score_mark_t;

typedef struct sw_score_facts {
    const sw_score_stage_t *stages;
    uint32_t n_stages;
    const sw_score_obj_t *objectives;
    uint32_t n_objectives;
    const sw_score_report_t *reports;
    uint32_t n_reports;
    const sw_score_triage_t *triages;
    uint32_t n_triages;
    const sw_score_action_t *actions;
    uint32_t n_actions;
    const sw_score_share_t *shares;
    uint32_t n_shares;
    const sw_score_mark_t *hints;
    uint32_t n_hints;
    const sw_score_mark_t *rules_broken;
    uint32_t n_rules_broken;
    uint32_t n_bad_acts; /* acts with a payload it could not read */
} sw_score_facts_t;

/* The facts as they stand (pointers valid until the next input). */
void sw_score_facts(const sw_score_t *s, sw_score_facts_t *out);

/* The ordinals of the records stage i caused in its team's store, the
 * first max of them, into out; returns how many. */
uint32_t sw_score_stage_records(const sw_score_t *s, uint32_t i, int64_t *out, uint32_t max);

/* Business service b's availability at now_ms: its value averaged over
 * the sim's minute samples before now (docs/scoring.md). */
double sw_score_business_availability(const sw_score_t *s, uint32_t b, int64_t now_ms);

/* Business service b's changes, in time order (it starts up, 1). */
const sw_score_change_t *sw_score_business(const sw_score_t *s, uint32_t b, uint32_t *n);

/* Indicator values observed in the adversaries' activity against team (its
 * ground truth), first seen at *first_ms. */
uint32_t sw_score_n_observed(const sw_score_t *s, uint32_t team);
const char *sw_score_observed(const sw_score_t *s, uint32_t team, uint32_t i, int64_t *first_ms);

/* Is the scenario's learning objective lo met by a team scored r? By its
 * category: detection, containment, reporting, cooperation (sharing) and
 * recovery (availability and recovery both) at 0.5 or more. -1 when its
 * category is none of these. */
int sw_score_lo_met(const sw_learning_obj_t *lo, const sw_score_team_t *r);

#endif
