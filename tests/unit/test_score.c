/* test_score.c — the score (src/score/): each category alone on a small,
 * hand-made stream of sim events and acts whose figures are worked out by
 * hand in the comments, then all of them together; the sim's state as the
 * score mirrors it against the sim's own accessors; and the promise the
 * exercise makes: the live score and the one recomputed from the journal
 * are the same, also after a stop and a resume. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exercise/exercise.h"
#include "score/score.h"
#include "score/score_int.h"
#include "sim_fixture.h"

#define MIN (60 * 1000LL)
#define EPS 1e-9
#define assert_near(a, b) assert_near_at((a), (b), __LINE__)

static void assert_near_at(double a, double b, int line)
{
    if (fabs(a - b) > EPS)
        fail_msg("line %d: %.12g != %.12g", line, a, b);
}

/* ---- a small world with one adversary, scored with the documented defaults -- */

enum { ST_EXPLOIT, ST_RDP };
enum { OB_EXFIL, OB_ENCRYPT, OB_HOLD_RTR };

static void scoring_defaults(sw_world_t *w)
{
    sw_scoring_t *s = &w->scoring;
    s->w_availability = 0.30;
    s->w_detection = 0.25;
    s->w_containment = 0.15;
    s->w_recovery = 0.10;
    s->w_reporting = 0.10;
    s->w_sharing = 0.10;
    s->hint_cost = 5;
    s->points = 1000;
    s->detect_full_ms = 30 * MIN;
    s->detect_zero_ms = 150 * MIN;
    s->contain_full_ms = 60 * MIN;
    s->contain_zero_ms = 240 * MIN;
    s->share_goal = 4;
    s->collateral_cost = 25;
    s->false_indicator_cost = 10;
    s->rule_broken_cost = 50;
}

static sw_world_t *world(void)
{
    sw_world_t *w = fx_world();
    scoring_defaults(w);
    sw_adversary_t *a = fx_adversary(w, "x", 2, 3);
    fx_step(w, a, "exploit", "T1190", fx_sel_role(SW_ROLE_VPN_GATEWAY), 0, 0);
    fx_step(w, a, "rdp", "T1021.001", fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 0, 0);
    a->objectives[OB_EXFIL] = (sw_adv_objective_t){
        "ntds", "exfil", SW_OBJ_EXFILTRATE, fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 0, 60, 0, {0}};
    a->objectives[OB_ENCRYPT] = (sw_adv_objective_t){
        "ransom", "encrypt", SW_OBJ_ENCRYPT, fx_sel_role(SW_ROLE_FILE_SERVER), 0, 0, 1, {0}};
    a->objectives[OB_HOLD_RTR] = (sw_adv_objective_t){
        "hold", "persist", SW_OBJ_PREPOSITION, fx_sel_role(SW_ROLE_EDGE_ROUTER), 0, 0, 1, {0}};
    return w;
}

static sw_sim_event_t E(sw_sim_ev_type_t type, int64_t at_min)
{
    sw_sim_event_t e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.at_ms = at_min * MIN;
    e.team = e.org = e.host = e.src_host = e.link = e.business = e.inject = SW_NONE;
    e.adversary = e.step = e.objective = e.gt = e.cause = SW_NONE;
    e.action = -1;
    return e;
}

/* An adversary event on a host of blue's. */
static void adv(sw_score_t *s, sw_sim_ev_type_t type, int64_t at_min, uint32_t host, uint32_t step,
                uint32_t gt, sw_outcome_t out)
{
    sw_sim_event_t e = E(type, at_min);
    e.host = host;
    e.team = 0;
    e.adversary = 0;
    e.step = step;
    e.gt = gt;
    e.outcome = out;
    e.priv = SW_PRIV_SYSTEM;
    e.src_ip = "203.0.113.10";
    sw_score_sim(s, &e);
}

static void biz(sw_score_t *s, sw_sim_ev_type_t type, int64_t at_min, uint32_t b, double v)
{
    sw_sim_event_t e = E(type, at_min);
    e.business = b;
    e.team = 0;
    e.value = v;
    sw_score_sim(s, &e);
}

static void action(sw_score_t *s, int64_t at_min, uint32_t team, sw_action_t a, uint32_t host,
                   const char *value)
{
    sw_sim_event_t e = E(SW_SEV_ACTION, at_min);
    e.team = team;
    e.action = (int)a;
    e.host = host;
    e.detail = value;
    sw_score_sim(s, &e);
    if (a == SW_ACT_SHARE_INDICATOR) { /* the sim tells the recipient */
        sw_sim_event_t i = E(SW_SEV_INDICATOR, at_min);
        i.team = 1 - team;
        i.detail = value;
        i.value = team;
        sw_score_sim(s, &i);
    }
}

static void act(sw_score_t *s, int64_t seq, int64_t at_min, const char *kind, const char *payload)
{
    sw_score_act_t a = {seq, at_min * MIN, 0, kind, payload};
    sw_score_act(s, &a);
}

static void compute(sw_score_t *s, int64_t now_min, sw_score_team_t out[2])
{
    assert_int_equal(sw_score_compute(s, now_min * MIN, out), SW_OK);
}

/* ---- each category alone ---------------------------------------------------------- */

/* Feeds for each category, reused together below. */

static void feed_availability(sw_score_t *s)
{
    /* email (weight 1) down from T+10 to T+40; portal (weight 1) degraded
     * from T+30 */
    biz(s, SW_SEV_BUSINESS_DOWN, 10, 0, 0);
    biz(s, SW_SEV_BUSINESS_DEGRADED, 30, 1, 0.5);
    biz(s, SW_SEV_BUSINESS_UP, 40, 0, 1);
}

static void availability_is_weight_times_minutes_up(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_availability(s);
    sw_score_team_t r[2];
    compute(s, 60, r);
    /* at T+01:00 the sim has sampled minutes 1..59: email is up at 1..9 and
     * 40..59 (29 of 59), the portal up at 1..29 and half at 30..59 (29 +
     * 15 = 44 of 59): (29 + 44) / (2 x 59) */
    assert_near(r[0].fraction[SW_SC_AVAILABILITY], 73.0 / 118.0);
    assert_near(r[0].availability_minutes, 73);
    assert_near(r[0].availability_of, 118);
    assert_near(r[0].points[SW_SC_AVAILABILITY], 300 * 73.0 / 118.0);
    /* nothing else happened: nothing to detect, contain or report; no
     * objective reached; nothing shared */
    assert_near(r[0].fraction[SW_SC_DETECTION], 1);
    assert_near(r[0].fraction[SW_SC_RECOVERY], 1);
    assert_near(r[0].fraction[SW_SC_REPORTING], 1);
    assert_near(r[0].fraction[SW_SC_SHARING], 0);
    assert_near(r[0].total, 300 * 73.0 / 118.0 + 250 + 150 + 100 + 100);
    /* green has no services: full marks there */
    assert_near(r[1].fraction[SW_SC_AVAILABILITY], 1);
    /* at T+00:30 (samples 1..29): email 9 of 29, portal 29 of 29 */
    compute(s, 30, r);
    assert_near(r[0].fraction[SW_SC_AVAILABILITY], (9.0 / 29 + 1) / 2);
    sw_score_free(s);
    fx_free(w);
}

static void feed_stages(sw_score_t *s)
{
    /* exploit on vpn01 (gt 0): begins T+10, succeeds T+15 with a foothold;
     * its record #5 at blue is triaged true-positive at T+40 (25 min after
     * it began: full credit); the foothold is lost at T+70 (60 min: full) */
    adv(s, SW_SEV_STEP_START, 10, FX_VPN, ST_EXPLOIT, 0, SW_OUT_NONE);
    adv(s, SW_SEV_STEP, 15, FX_VPN, ST_EXPLOIT, 0, SW_OUT_SUCCESS);
    adv(s, SW_SEV_FOOTHOLD, 15, FX_VPN, ST_EXPLOIT, 0, SW_OUT_NONE);
    sw_score_record(s, 0, 3, SW_NONE, 12 * MIN); /* not noted: background */
    sw_score_record(s, 0, 5, 0, 12 * MIN);
    act(s, 10, 40, "alert.triage",
        "{\"alert\":1,\"status\":\"true-positive\",\"record\":1099511627781,\"rule_id\":\"r\"}");
    /* a benign record triaged true-positive proves nothing */
    act(s, 11, 41, "alert.triage",
        "{\"alert\":2,\"status\":\"true-positive\",\"record\":1099511627779,\"rule_id\":\"r\"}");
    adv(s, SW_SEV_FOOTHOLD_LOST, 70, FX_VPN, SW_NONE, SW_NONE, SW_OUT_NONE);
    /* rdp to dc01 (gt 1): begins T+20, succeeds T+25; a report at T+110
     * names T1021 (its parent) and dc01: 90 min, credit (150-90)/120 = 0.5;
     * never contained */
    adv(s, SW_SEV_STEP_START, 20, FX_DC, ST_RDP, 1, SW_OUT_NONE);
    adv(s, SW_SEV_STEP, 25, FX_DC, ST_RDP, 1, SW_OUT_SUCCESS);
    adv(s, SW_SEV_FOOTHOLD, 25, FX_DC, ST_RDP, 1, SW_OUT_NONE);
    act(s, 12, 110, "report.submit",
        "{\"title\":\"RDP to the DC\",\"techniques\":[\"T1021\"],\"hosts\":[\"dc01\"],"
        "\"indicators\":[]}");
}

static void time_to_detect_and_to_contain_per_stage(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_stages(s);
    sw_score_team_t r[2];
    compute(s, 120, r);
    assert_int_equal(r[0].n_stages, 2);
    assert_int_equal(r[0].n_detected, 2);
    assert_near(r[0].fraction[SW_SC_DETECTION], (1 + 0.5) / 2);
    assert_near(r[0].median_detect_ms, (30 + 90) / 2.0 * MIN);
    assert_int_equal(r[0].n_containable, 2);
    assert_int_equal(r[0].n_contained, 1);
    assert_near(r[0].fraction[SW_SC_CONTAINMENT], (1 + 0) / 2.0);
    assert_near(r[0].median_contain_ms, 60.0 * MIN);
    assert_int_equal(r[0].n_triage_tp_right, 1);
    assert_int_equal(r[0].n_triage_tp_wrong, 1);
    sw_score_facts_t f;
    sw_score_facts(s, &f);
    assert_int_equal(f.stages[0].detected_by, SW_DET_TRIAGE);
    assert_int_equal(f.stages[0].detected_alert, 1);
    assert_int_equal(f.stages[0].first_record, 5);
    assert_int_equal(f.stages[1].detected_by, SW_DET_REPORT);
    assert_int_equal(f.stages[1].detected_seq, 12);
    /* before the report, the rdp stage is undetected: 0 */
    compute(s, 100, r);
    assert_near(r[0].fraction[SW_SC_DETECTION], 0.5);
    /* the foothold comes back (persistence revived it): no longer contained */
    adv(s, SW_SEV_FOOTHOLD, 130, FX_VPN, ST_EXPLOIT, 0, SW_OUT_NONE);
    compute(s, 131, r);
    assert_int_equal(r[0].n_contained, 0);
    assert_near(r[0].fraction[SW_SC_CONTAINMENT], 0);
    /* dc01 isolated at T+140: the adversary holds it but cannot use it; the
     * rdp stage is contained 120 min after it began: (240-120)/180 */
    sw_sim_event_t iso = E(SW_SEV_HOST_ISOLATED, 140);
    iso.host = FX_DC;
    sw_score_sim(s, &iso);
    compute(s, 141, r);
    assert_int_equal(r[0].n_contained, 1);
    assert_near(r[0].fraction[SW_SC_CONTAINMENT], (0 + 120.0 / 180) / 2);
    iso.type = SW_SEV_HOST_RELEASED; /* released while still held: no longer contained */
    iso.at_ms = 150 * MIN;
    sw_score_sim(s, &iso);
    compute(s, 151, r);
    assert_int_equal(r[0].n_contained, 0);
    sw_score_free(s);
    fx_free(w);
}

static void feed_objectives(sw_score_t *s)
{
    /* 30 + 30 MB from dc01: the exfiltration objective (60 MB) is reached at
     * T+80 and holds; fs01 encrypted at T+90 (reached), restored at T+120
     * (undone); the router is never held (denied) */
    sw_sim_event_t e = E(SW_SEV_EXFIL, 50);
    e.host = FX_DC;
    e.team = 0;
    e.adversary = 0;
    e.value = 30;
    e.dst_ip = "203.0.113.11";
    sw_score_sim(s, &e);
    e.at_ms = 80 * MIN;
    sw_score_sim(s, &e);
    adv(s, SW_SEV_ENCRYPTED, 90, FX_FS, SW_NONE, SW_NONE, SW_OUT_NONE);
}

static void feed_restore(sw_score_t *s)
{
    sw_sim_event_t d = E(SW_SEV_HOST_DOWN, 120);
    d.host = FX_FS;
    d.detail = "restore";
    sw_score_sim(s, &d);
}

static void objectives_reached_cost_and_denied_earn(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_objectives(s);
    sw_score_team_t r[2];
    compute(s, 100, r);
    /* at T+01:40 both reached and holding: 1 - (1 + 1 + 0) / 3 */
    assert_int_equal(r[0].n_objectives, 3);
    assert_int_equal(r[0].n_reached, 2);
    assert_near(r[0].fraction[SW_SC_RECOVERY], 1 - 2.0 / 3);
    feed_restore(s);
    compute(s, 130, r);
    /* after the restore: 1 - (1 + 0.5 + 0) / 3 = 0.5 */
    assert_int_equal(r[0].n_recovered, 1);
    assert_near(r[0].fraction[SW_SC_RECOVERY], 0.5);
    sw_score_facts_t f;
    sw_score_facts(s, &f);
    assert_int_equal(f.objectives[OB_EXFIL].reached_ms, 80 * MIN);
    assert_near(f.objectives[OB_EXFIL].progress, 60);
    assert_int_equal(f.objectives[OB_HOLD_RTR].reached_ms, -1);
    /* green is not a target of x: no objectives */
    assert_int_equal(r[1].n_objectives, 0);
    sw_score_free(s);
    fx_free(w);
}

static void feed_report(sw_score_t *s)
{
    /* truth by T+60: T1190 on vpn01 (T+15), T1021.001 on dc01 (T+25), the
     * adversary's address 203.0.113.10 seen */
    adv(s, SW_SEV_STEP_START, 10, FX_VPN, ST_EXPLOIT, 0, SW_OUT_NONE);
    adv(s, SW_SEV_STEP, 15, FX_VPN, ST_EXPLOIT, 0, SW_OUT_SUCCESS);
    adv(s, SW_SEV_STEP_START, 20, FX_DC, ST_RDP, 1, SW_OUT_NONE);
    adv(s, SW_SEV_STEP, 25, FX_DC, ST_RDP, 1, SW_OUT_SUCCESS);
    act(s, 20, 60, "report.submit",
        "{\"title\":\"VPN\",\"techniques\":[\"T1190\",\"T1059\"],\"hosts\":[\"vpn01\",\"ws01\"],"
        "\"indicators\":[{\"type\":\"ipv4-addr\",\"value\":\"203.0.113.10\"},"
        "{\"type\":\"domain-name\",\"value\":\"evil.example\"}]}");
}

static void reports_against_the_truth_as_it_stood(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_report(s);
    sw_score_team_t r[2];
    compute(s, 61, r);
    /* techniques: P 1/2, R 1/2 (T1021.001 missed): F1 0.5; hosts the same;
     * indicators: P 1/2 (evil.example is nobody's), R 1/1: F1 2/3 */
    sw_score_facts_t f;
    sw_score_facts(s, &f);
    assert_int_equal(f.n_reports, 1);
    assert_near(f.reports[0].precision[0], 0.5);
    assert_near(f.reports[0].recall[0], 0.5);
    assert_near(f.reports[0].precision[1], 0.5);
    assert_near(f.reports[0].recall[1], 0.5);
    assert_near(f.reports[0].precision[2], 0.5);
    assert_near(f.reports[0].recall[2], 1);
    assert_near(f.reports[0].quality, (0.5 + 0.5 + 2.0 / 3) / 3);
    assert_near(r[0].fraction[SW_SC_REPORTING], (0.5 + 0.5 + 2.0 / 3) / 3);
    /* the report detected the exploit stage (T1190 on vpn01), not the rdp */
    assert_int_equal(r[0].n_detected, 1);
    sw_score_free(s);
    fx_free(w);
}

static void feed_sharing(sw_score_t *s)
{
    /* blue shares the adversary's address (green blocks it at T+30) and a
     * wrong one */
    action(s, 20, 0, SW_ACT_SHARE_INDICATOR, SW_NONE, "203.0.113.10");
    action(s, 25, 0, SW_ACT_SHARE_INDICATOR, SW_NONE, "8.8.8.8");
    action(s, 30, 1, SW_ACT_BLOCK_IP, SW_NONE, "203.0.113.10");
    /* green blocked something before it was told: not a use */
    action(s, 5, 1, SW_ACT_BLOCK_IP, SW_NONE, "203.0.113.11");
    action(s, 35, 0, SW_ACT_SHARE_INDICATOR, SW_NONE, "203.0.113.11");
}

static void shared_indicators_count_when_correct_and_more_when_used(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_sharing(s);
    sw_score_team_t r[2];
    compute(s, 60, r);
    /* 1 (used) + 0.5 (correct, not used after) of a goal of 4; one false */
    assert_int_equal(r[0].n_shared, 3);
    assert_int_equal(r[0].n_shared_correct, 2);
    assert_int_equal(r[0].n_shared_used, 1);
    assert_near(r[0].fraction[SW_SC_SHARING], 1.5 / 4);
    assert_int_equal(r[0].n_false_indicators, 1);
    assert_near(r[0].pen_false_indicators, 10);
    assert_near(r[1].fraction[SW_SC_SHARING], 0);
    /* green shares over STIX (indicator.share) the domain blue then blocks */
    sw_score_act_t st = {40, 50 * MIN, 1, "indicator.share",
                         "{\"to\":\"all\",\"indicators\":[{\"type\":\"domain-name\","
                         "\"value\":\"cdn-update.example\",\"id\":\"x\"}]}"};
    sw_score_act(s, &st);
    action(s, 55, 0, SW_ACT_BLOCK_DOMAIN, SW_NONE, "cdn-update.example");
    compute(s, 60, r);
    assert_int_equal(r[1].n_shared_used, 1);
    assert_near(r[1].fraction[SW_SC_SHARING], 1.0 / 4);
    sw_score_free(s);
    fx_free(w);
}

static void feed_penalties(sw_score_t *s)
{
    /* two hints; web01 (healthy, high criticality) isolated; vpn01 isolated
     * while the adversary holds it (a response, not collateral); a rule
     * broken */
    act(s, 30, 5, "hint.release", "{\"text\":\"look at the VPN\"}");
    act(s, 31, 6, "hint.release", "{\"text\":\"and the DC\"}");
    adv(s, SW_SEV_FOOTHOLD, 7, FX_VPN, SW_NONE, SW_NONE, SW_OUT_NONE);
    action(s, 8, 0, SW_ACT_ISOLATE, FX_WEB, NULL);
    action(s, 9, 0, SW_ACT_ISOLATE, FX_VPN, NULL);
    act(s, 32, 9, "rule.broken", "{\"rule\":\"scanned green's network\"}");
    act(s, 33, 9, "report.submit", "not json"); /* ignored, counted */
}

static void penalties_for_hints_collateral_and_rules(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    feed_penalties(s);
    sw_score_team_t r[2];
    compute(s, 10, r);
    assert_int_equal(r[0].n_hints, 2);
    assert_near(r[0].pen_hints, 10);
    assert_int_equal(r[0].n_collateral, 1);
    assert_near(r[0].pen_collateral, 25);
    assert_int_equal(r[0].n_rules_broken, 1);
    assert_near(r[0].penalties, 10 + 25 + 50);
    sw_score_facts_t f;
    sw_score_facts(s, &f);
    assert_int_equal(f.n_bad_acts, 1);
    sw_score_free(s);
    fx_free(w);
}

/* ---- all together ---------------------------------------------------------------------- */

static void every_category_together(void **state)
{
    (void)state;
    sw_world_t *w = world();
    sw_score_t *s = sw_score_new(w, NULL);
    /* the stage and objective feeds share the adversary's steps */
    feed_availability(s);
    feed_penalties(s); /* T+5..9: before the stages, as a stream would have it */
    feed_stages(s);
    feed_objectives(s);
    feed_restore(s);
    feed_sharing(s);
    sw_score_team_t r[2];
    compute(s, 120, r);
    /* availability at T+02:00 (119 samples): email up 9 + 80 = 89, portal
     * 29 + 0.5 x 90 = 74: 163 / 238 */
    double av = 163.0 / 238;
    /* detection 0.75, containment 0.5 (vpn01, isolated at T+9 while held,
     * contains the exploit as soon as it succeeds: credit 1 as alone);
     * recovery 0.5 at T+02:00 */
    double rec = 0.5;
    /* reporting: the one report at T+110 named T1021 and dc01 only: by then
     * truth was {T1190, T1021.001}, {vpn01, dc01}, indicators seen
     * {203.0.113.10, 203.0.113.11}: techniques P 1 R 1/2 -> 2/3; hosts
     * P 1 R 1/2 -> 2/3; indicators none reported, two to report -> 0 */
    double rep = (2.0 / 3 + 2.0 / 3 + 0) / 3;
    double share = 1.5 / 4;
    assert_near(r[0].fraction[SW_SC_AVAILABILITY], av);
    assert_near(r[0].fraction[SW_SC_DETECTION], 0.75);
    assert_near(r[0].fraction[SW_SC_CONTAINMENT], 0.5);
    assert_near(r[0].fraction[SW_SC_RECOVERY], rec);
    assert_near(r[0].fraction[SW_SC_REPORTING], rep);
    assert_near(r[0].fraction[SW_SC_SHARING], share);
    double total =
        1000 * (0.30 * av + 0.25 * 0.75 + 0.15 * 0.5 + 0.10 * rec + 0.10 * rep + 0.10 * share) -
        (10 + 25 + 10 + 50);
    assert_near(r[0].total, total);
    assert_int_equal(r[0].rank, 2); /* green: no stages, no services, nothing lost */
    assert_int_equal(r[1].rank, 1);
    sw_score_free(s);
    fx_free(w);
}

/* ---- allocation failures: never a crash, always said ------------------------------------- */

typedef struct budget {
    int left;
} budget_t;

static void *tight(void *ud, void *p, size_t n)
{
    budget_t *b = ud;
    if (n == 0) {
        free(p);
        return NULL;
    }
    if (b->left-- <= 0)
        return NULL;
    return realloc(p, n);
}

static void out_of_memory_is_said_not_hidden(void **state)
{
    (void)state;
    sw_world_t *w = world();
    int failed_once = 0;
    for (int k = 0; k < 200; k++) {
        budget_t b = {k};
        sw_alloc_t al = {tight, &b};
        sw_score_t *s = sw_score_new(w, &al);
        if (!s)
            continue;
        feed_stages(s);
        feed_objectives(s);
        feed_restore(s);
        feed_sharing(s);
        sw_score_team_t r[2];
        int rc = sw_score_compute(s, 120 * MIN, r);
        if (sw_score_error(s) || rc) {
            assert_int_equal(rc, SW_ENOMEM);
            failed_once = 1;
        }
        sw_score_free(s);
    }
    assert_true(failed_once);
    fx_free(w);
}

/* ---- the score in the exercise ----------------------------------------------------------- */

static int64_t fake_now(void *ud)
{
    return *(int64_t *)ud;
}

static char *tmpdb(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", getenv("SW_TEST_TMP") ? getenv("SW_TEST_TMP") : "/tmp", name);
    sw_errbuf_t err;
    sw_store_remove(buf, &err);
    return buf;
}

static sw_exercise_t *open_pacific(const char *db, sw_ex_how_t how, int64_t *wall, int64_t until)
{
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = how;
    o.db = db;
    o.scenario = "pacific-cable";
    o.now = fake_now;
    o.now_ud = wall;
    o.replay_ms = until;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    if (sw_exercise_open(&o, &ex, NULL, &err))
        fail_msg("open %s: %s", db, err.msg);
    return ex;
}

static void scores_equal(sw_exercise_t *a, sw_exercise_t *b)
{
    const sw_world_t *w = sw_exercise_world(a);
    sw_score_team_t *ra = calloc(w->n_teams, sizeof *ra), *rb = calloc(w->n_teams, sizeof *rb);
    assert_int_equal(sw_exercise_now(a), sw_exercise_now(b));
    assert_int_equal(sw_score_compute(sw_exercise_score(a), sw_exercise_now(a), ra), SW_OK);
    assert_int_equal(sw_score_compute(sw_exercise_score(b), sw_exercise_now(b), rb), SW_OK);
    for (uint32_t t = 0; t < w->n_teams; t++) {
        for (int c = 0; c < SW_SC__COUNT; c++)
            if (ra[t].fraction[c] != rb[t].fraction[c])
                fail_msg("%s %s: %.17g live, %.17g recomputed", w->teams[t].id,
                         sw_score_cat_names[c], ra[t].fraction[c], rb[t].fraction[c]);
        if (ra[t].total != rb[t].total || ra[t].penalties != rb[t].penalties)
            fail_msg("%s: total %.17g live, %.17g recomputed", w->teams[t].id, ra[t].total,
                     rb[t].total);
    }
    sw_score_facts_t fa, fb;
    sw_score_facts(sw_exercise_score(a), &fa);
    sw_score_facts(sw_exercise_score(b), &fb);
    assert_int_equal(fa.n_stages, fb.n_stages);
    assert_int_equal(fa.n_reports, fb.n_reports);
    assert_int_equal(fa.n_triages, fb.n_triages);
    assert_int_equal(fa.n_actions, fb.n_actions);
    assert_int_equal(fa.n_shares, fb.n_shares);
    assert_int_equal(fa.n_hints, fb.n_hints);
    free(ra);
    free(rb);
}

/* A rule every logon matches: alerts to triage. */
static const char logon_rule[] = "title: Any logon\n"
                                 "id: 6b1f2a4e-0000-4000-8000-00000000b001\n"
                                 "author: seawall tests\n"
                                 "logsource: {product: windows, service: security}\n"
                                 "detection: {sel: {EventID: 4624}, condition: sel}\n"
                                 "level: low\n";

typedef struct first_alert {
    int64_t id;
} first_alert_t;

static int take_first(const sw_alert_t *a, void *ud)
{
    first_alert_t *f = ud;
    if (!f->id)
        f->id = a->id;
    return 0;
}

/* The Pacific exercise with a team's acts of every kind the score reads. */
static void play_acts(sw_exercise_t *ex, int64_t *wall, int64_t stop_at)
{
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    sw_sigma_error_t se;
    if (sw_exercise_now(ex) == 0) {
        assert_int_equal(sw_exercise_deploy(ex, "t", "nauru", logon_rule, strlen(logon_rule),
                                            "logon.yml", &rp, &se),
                         SW_OK);
        assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp), SW_OK);
    }
    struct {
        int64_t at;
        int what;
    } plan[] = {{20 * MIN, 0}, {50 * MIN, 1}, {70 * MIN, 2}, {90 * MIN, 3}, {130 * MIN, 4}};
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
        if (plan[i].at < sw_exercise_now(ex))
            continue;
        if (plan[i].at > stop_at)
            return;
        assert_int_equal(sw_exercise_advance(ex, plan[i].at, &err), SW_OK);
        *wall = plan[i].at / 60;
        switch (plan[i].what) {
        case 0: {
            sw_ex_action_t a = {"t",     "nauru", "share-indicator", NULL, "203.0.113.45", NULL,
                                "palau", 0};
            assert_int_equal(sw_exercise_action(ex, &a, &rp), SW_OK);
            break;
        }
        case 1: {
            first_alert_t f = {0};
            sw_alerts_list(sw_exercise_deploys(ex), sw_exercise_team_store(ex, 3), 0, take_first,
                           &f, &err);
            assert_true(f.id > 0);
            sw_alert_triage_t tr = {f.id, "true-positive", "lead", NULL, NULL};
            assert_int_equal(sw_exercise_triage(ex, "t", "nauru", &tr, &rp), SW_OK);
            break;
        }
        case 2: {
            const char *tech[] = {"T1190", "T1078"};
            const char *hosts[] = {"MOF-VPN01"};
            sw_ex_indicator_t ind[] = {{"ipv4-addr", "203.0.113.45"}};
            sw_ex_report_t r = {"VPN", "", NULL, tech, 2, hosts, 1, ind, 1, NULL, 0};
            assert_int_equal(sw_exercise_report(ex, "t", "nauru", &r, &rp), SW_OK);
            break;
        }
        case 3:
            assert_int_equal(sw_exercise_hint(ex, "wc", "palau", "look at the VPN", &rp), SW_OK);
            break;
        default: {
            sw_ex_action_t a = {"t", "palau", "block-ip", NULL, "203.0.113.45", NULL, NULL, 0};
            assert_int_equal(sw_exercise_action(ex, &a, &rp), SW_OK);
            break;
        }
        }
    }
}

static void live_score_is_the_recomputed_one(void **state)
{
    (void)state;
    char db[512];
    tmpdb(db, sizeof db, "score_live.db");
    int64_t wall = 0;
    sw_errbuf_t err;
    /* played to T+01:40 with acts, stopped, resumed, played to the end */
    sw_exercise_t *ex = open_pacific(db, SW_EXO_CREATE, &wall, -1);
    play_acts(ex, &wall, 100 * MIN);
    assert_int_equal(sw_exercise_advance(ex, 100 * MIN, &err), SW_OK);
    sw_exercise_t *mid = open_pacific(db, SW_EXO_REPLAY, &wall, -1);
    scores_equal(ex, mid); /* recomputed at the stop */
    sw_exercise_close(mid, NULL);
    assert_int_equal(sw_exercise_close(ex, &err), SW_OK);
    ex = open_pacific(db, SW_EXO_RESUME, &wall, -1);
    play_acts(ex, &wall, INT64_MAX);
    assert_int_equal(sw_exercise_advance(ex, sw_exercise_until(ex), &err), SW_OK);
    /* recomputed from the journal alone, at the end and at T+01:00 */
    sw_exercise_t *re = open_pacific(db, SW_EXO_REPLAY, &wall, -1);
    scores_equal(ex, re);
    sw_score_facts_t f;
    sw_score_facts(sw_exercise_score(re), &f);
    assert_int_equal(f.n_reports, 1);
    assert_int_equal(f.n_triages, 1);
    assert_int_equal(f.n_hints, 1);
    assert_true(f.n_shares >= 1);
    sw_exercise_close(re, NULL);
    sw_exercise_close(ex, NULL);
    /* the same acts without the stop: the same score */
    char ref[512];
    tmpdb(ref, sizeof ref, "score_ref.db");
    ex = open_pacific(ref, SW_EXO_CREATE, &wall, -1);
    play_acts(ex, &wall, INT64_MAX);
    assert_int_equal(sw_exercise_advance(ex, sw_exercise_until(ex), &err), SW_OK);
    re = open_pacific(db, SW_EXO_REPLAY, &wall, -1);
    scores_equal(ex, re);
    sw_exercise_close(re, NULL);
    sw_exercise_close(ex, NULL);
    sw_store_remove(db, &err);
    sw_store_remove(ref, &err);
}

/* The score's mirror of the sim's state, and its availability, against the
 * sim's own accessors at the end of the Pacific exercise played without a
 * defence (the adversaries get far). */
static void the_mirror_matches_the_sim(void **state)
{
    (void)state;
    int64_t wall = 0;
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.scenario = "pacific-cable";
    o.telemetry = 0;
    o.now = fake_now;
    o.now_ud = &wall;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    assert_int_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
    for (int64_t t = 37 * MIN; t <= sw_exercise_until(ex); t += 37 * MIN) {
        assert_int_equal(sw_exercise_advance(ex, t, &err), SW_OK);
        const sw_world_t *w = sw_exercise_world(ex);
        const sw_sim_t *sim = sw_exercise_sim(ex);
        sw_score_t *s = sw_exercise_score(ex);
        for (uint32_t a = 0; a < w->n_adversaries; a++)
            for (uint32_t h = 0; h < w->n_hosts; h++) {
                size_t k = (size_t)a * w->n_hosts + h;
                assert_int_equal(s->priv[k], sw_sim_priv(sim, a, h));
                assert_int_equal(s->persist[k], sw_sim_persist_mask(sim, a, h));
            }
        for (uint32_t h = 0; h < w->n_hosts; h++) {
            assert_int_equal(s->isolated[h], sw_sim_host_isolated(sim, h));
            assert_int_equal((s->flags[h] & SC_ENCRYPTED) != 0, sw_sim_host_encrypted(sim, h));
            assert_int_equal((s->flags[h] & (SC_DISRUPTED | SC_WIPED)) != 0,
                             sw_sim_host_disrupted(sim, h));
        }
        sw_score_team_t *r = calloc(w->n_teams, sizeof *r);
        assert_int_equal(sw_score_compute(s, sw_exercise_now(ex), r), SW_OK);
        for (uint32_t tm = 0; tm < w->n_teams; tm++)
            if (w->teams[tm].kind == SW_TEAM_PLAYER)
                assert_near(r[tm].fraction[SW_SC_AVAILABILITY], sw_sim_team_availability(sim, tm));
        free(r);
    }
    sw_score_t *s = sw_exercise_score(ex);
    sw_score_facts_t f;
    sw_score_facts(s, &f);
    assert_true(f.n_stages > 5);
    /* every objective the sim says was reached, the score has reached
     * against some team (per-team thresholds may only be stricter) */
    const sw_world_t *w = sw_exercise_world(ex);
    int reached_any = 0;
    for (uint32_t i = 0; i < f.n_objectives; i++)
        if (f.objectives[i].reached_ms >= 0) {
            reached_any = 1;
            assert_true(sw_sim_objective_reached(sw_exercise_sim(ex), f.objectives[i].adversary,
                                                 f.objectives[i].objective) >= 0);
        }
    assert_true(reached_any);
    (void)w;
    sw_exercise_close(ex, NULL);
}

/* ---- the scenario's scoring section ----------------------------------------------------- */

#include "scenario/scenario.h"

static void weights_and_windows_come_from_the_scenario(void **state)
{
    (void)state;
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load("tests/data/scenarios/good/scoring.yaml", &w, &d), SW_OK);
    assert_near(w.scoring.points, 100);
    assert_near(w.scoring.w_availability, 0.4);
    assert_int_equal(w.scoring.detect_full_ms, 15 * MIN);
    assert_int_equal(w.scoring.detect_zero_ms, 60 * MIN);
    assert_int_equal(w.scoring.contain_full_ms, 30 * MIN);
    assert_int_equal(w.scoring.contain_zero_ms, 120 * MIN);
    assert_near(w.scoring.share_goal, 2);
    assert_near(w.scoring.collateral_cost, 5);
    assert_near(w.scoring.false_indicator_cost, 1);
    assert_near(w.scoring.rule_broken_cost, 10);
    assert_near(w.scoring.hint_cost, 2);
    sw_world_free(&w);
    /* none given: the documented defaults, as world() sets them here */
    assert_int_equal(sw_scenario_load("tests/data/scenarios/good/base-only.yaml", &w, &d), SW_OK);
    sw_world_t *ref = world();
    assert_near(w.scoring.points, ref->scoring.points);
    assert_int_equal(w.scoring.detect_full_ms, ref->scoring.detect_full_ms);
    assert_int_equal(w.scoring.detect_zero_ms, ref->scoring.detect_zero_ms);
    assert_int_equal(w.scoring.contain_full_ms, ref->scoring.contain_full_ms);
    assert_int_equal(w.scoring.contain_zero_ms, ref->scoring.contain_zero_ms);
    assert_near(w.scoring.share_goal, ref->scoring.share_goal);
    assert_near(w.scoring.collateral_cost, ref->scoring.collateral_cost);
    assert_near(w.scoring.false_indicator_cost, ref->scoring.false_indicator_cost);
    assert_near(w.scoring.rule_broken_cost, ref->scoring.rule_broken_cost);
    assert_near(w.scoring.w_detection, ref->scoring.w_detection);
    fx_free(ref);
    sw_world_free(&w);
    sw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(availability_is_weight_times_minutes_up),
        cmocka_unit_test(time_to_detect_and_to_contain_per_stage),
        cmocka_unit_test(objectives_reached_cost_and_denied_earn),
        cmocka_unit_test(reports_against_the_truth_as_it_stood),
        cmocka_unit_test(shared_indicators_count_when_correct_and_more_when_used),
        cmocka_unit_test(penalties_for_hints_collateral_and_rules),
        cmocka_unit_test(every_category_together),
        cmocka_unit_test(out_of_memory_is_said_not_hidden),
        cmocka_unit_test(weights_and_windows_come_from_the_scenario),
        cmocka_unit_test(the_mirror_matches_the_sim),
        cmocka_unit_test(live_score_is_the_recomputed_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
