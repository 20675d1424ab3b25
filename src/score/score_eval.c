/* score_eval.c — the figures: each team's score at a moment, computed from
 * the facts score.c keeps. The formula is docs/scoring.md's; each category
 * below says which part it is. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "score/score_int.h"

double sw_score_credit(int64_t delay_ms, int64_t full_ms, int64_t zero_ms)
{
    if (delay_ms <= full_ms)
        return 1;
    if (delay_ms >= zero_ms || zero_ms <= full_ms)
        return 0;
    return (double)(zero_ms - delay_ms) / (double)(zero_ms - full_ms);
}

int sc_technique_match(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb)
        return !strcasecmp(a, b);
    const char *lo = la < lb ? a : b, *hi = la < lb ? b : a;
    size_t n = la < lb ? la : lb;
    return !strncasecmp(lo, hi, n) && hi[n] == '.';
}

/* ---- availability: weight x minutes up, sampled each exercise minute ---------------- */

/* Sum of business b's values over the samples at 1, 2, ... k minutes: a
 * change at t holds from the first sample at or after t. */
static double biz_sum(const sw_score_t *s, uint32_t b, int64_t k)
{
    double sum = 0, cur = 1;
    int64_t done = 0;
    for (uint32_t i = 0; i < s->biz[b].n; i++) {
        const sw_score_change_t *c = &s->biz[b].v[i];
        int64_t first = (c->at_ms + SC_MINUTE_MS - 1) / SC_MINUTE_MS; /* ceil */
        if (first < 1)
            first = 1;
        int64_t upto = first - 1 < k ? first - 1 : k;
        if (upto > done) {
            sum += cur * (double)(upto - done);
            done = upto;
        }
        cur = c->value;
    }
    if (k > done)
        sum += cur * (double)(k - done);
    return sum;
}

double sw_score_business_availability(const sw_score_t *s, uint32_t b, int64_t now_ms)
{
    int64_t k = now_ms > 0 ? (now_ms - 1) / SC_MINUTE_MS : 0;
    return b < s->w->n_business && k ? biz_sum(s, b, k) / (double)k : 1;
}

static void availability(const sw_score_t *s, int64_t now_ms, sw_score_team_t *r)
{
    const sw_world_t *w = s->w;
    /* the sim samples at every whole minute before now */
    int64_t k = now_ms > 0 ? (now_ms - 1) / SC_MINUTE_MS : 0;
    double wsum = 0, frac = 0;
    for (uint32_t b = 0; b < w->n_business; b++) {
        if (w->business[b].team != r->team)
            continue;
        double wb = w->business[b].weight > 0 ? w->business[b].weight : 0;
        double sum = biz_sum(s, b, k);
        wsum += wb;
        frac += wb * (k ? sum / (double)k : 1);
        r->availability_minutes += wb * sum;
        r->availability_of += wb * (double)k;
    }
    r->fraction[SW_SC_AVAILABILITY] = wsum > 0 ? frac / wsum : 1;
}

/* ---- detection and containment, per stage ------------------------------------------- */

static const sw_score_stage_t *record_stage(const sw_score_t *s, uint32_t team, int64_t ord,
                                            uint32_t *index)
{
    const sc_records_t *r = &s->records[team];
    uint32_t lo = 0, hi = r->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->ord[mid] < ord)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= r->n || r->ord[lo] != ord)
        return NULL;
    uint32_t gt = r->gt[lo];
    if (gt >= s->gt_stage.n || s->gt_stage.v[gt] == SW_NONE)
        return NULL;
    *index = s->gt_stage.v[gt];
    const sw_score_stage_t *st = &s->stages.v[*index];
    return st->team == team ? st : NULL;
}

/* Does report r name stage st: its technique (or its parent) and a host it
 * had succeeded on before the report? */
static int report_names(const sw_score_t *s, const sw_score_report_t *r, const sw_score_stage_t *st)
{
    const char *tech = s->w->adversaries[st->adversary].steps[st->step].technique;
    int t = 0;
    for (uint32_t i = 0; i < r->n_techniques && !t; i++)
        t = sc_technique_match(r->techniques[i], tech);
    if (!t)
        return 0;
    for (uint32_t i = 0; i < r->n_hosts; i++)
        for (uint32_t k = 0; k < st->n_hosts; k++)
            if (r->hosts[i] == st->hosts[k] && st->host_ms[k] <= r->at_ms)
                return 1;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double median(int64_t *v, uint32_t n)
{
    if (!n)
        return -1;
    qsort(v, n, sizeof *v, cmp_i64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static void stages(sw_score_t *s, int64_t now_ms, sw_score_team_t *out, int64_t *scratch)
{
    const sw_scoring_t *sc = &s->w->scoring;
    for (uint32_t i = 0; i < s->stages.n; i++) {
        sw_score_stage_t *st = &s->stages.v[i];
        st->detected_ms = -1;
        st->detected_by = SW_DET_NONE;
        st->detected_seq = st->detected_alert = 0;
    }
    /* triages: an alert judged real, on a record the stage caused */
    for (uint32_t i = 0; i < s->triages.n; i++) {
        sw_score_triage_t *tr = &s->triages.v[i];
        uint32_t idx = SW_NONE;
        const sw_score_stage_t *cst = record_stage(s, tr->team, tr->ordinal, &idx);
        tr->stage = cst ? idx : SW_NONE;
        if (!cst || tr->at_ms > now_ms)
            continue;
        sw_score_stage_t *st = &s->stages.v[idx];
        if (tr->positive && (st->detected_ms < 0 || tr->at_ms < st->detected_ms)) {
            st->detected_ms = tr->at_ms;
            st->detected_by = SW_DET_TRIAGE;
            st->detected_seq = tr->seq;
            st->detected_alert = tr->alert;
        }
    }
    /* reports naming what and where */
    for (uint32_t i = 0; i < s->stages.n; i++) {
        sw_score_stage_t *st = &s->stages.v[i];
        for (uint32_t k = 0; k < s->reports.n; k++) {
            const sw_score_report_t *r = &s->reports.v[k];
            if (r->team != st->team || r->at_ms > now_ms ||
                (st->detected_ms >= 0 && r->at_ms >= st->detected_ms) || !report_names(s, r, st))
                continue;
            st->detected_ms = r->at_ms;
            st->detected_by = SW_DET_REPORT;
            st->detected_seq = r->seq;
            st->detected_alert = 0;
        }
    }
    for (uint32_t t = 0; t < s->w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        double dsum = 0, csum = 0;
        uint32_t nd = 0, nc = 0;
        for (uint32_t i = 0; i < s->stages.n; i++) {
            sw_score_stage_t *st = &s->stages.v[i];
            st->detect_credit = st->contain_credit = 0;
            if (st->team != t || !st->n_success)
                continue;
            r->n_stages++;
            if (st->detected_ms >= 0) {
                r->n_detected++;
                st->detect_credit = sw_score_credit(st->detected_ms - st->start_ms,
                                                    sc->detect_full_ms, sc->detect_zero_ms);
                scratch[nd++] = st->detected_ms - st->start_ms;
            }
            dsum += st->detect_credit;
            if (!st->n_held)
                continue;
            r->n_containable++;
            if (st->contained_ms >= 0) {
                r->n_contained++;
                st->contain_credit = sw_score_credit(st->contained_ms - st->start_ms,
                                                     sc->contain_full_ms, sc->contain_zero_ms);
                scratch[s->stages.n + nc++] = st->contained_ms - st->start_ms;
            }
            csum += st->contain_credit;
        }
        r->fraction[SW_SC_DETECTION] = r->n_stages ? dsum / r->n_stages : 1;
        r->fraction[SW_SC_CONTAINMENT] = r->n_containable ? csum / r->n_containable : 1;
        r->median_detect_ms = median(scratch, nd);
        r->median_contain_ms = median(scratch + s->stages.n, nc);
    }
}

/* ---- recovery: the adversary's objectives against the team ---------------------------- */

/* Does objective x hold now (what was reached still in place)? */
static int obj_holds(const sw_score_t *s, const sw_score_obj_t *x)
{
    const sw_adv_objective_t *o = &s->w->adversaries[x->adversary].objectives[x->objective];
    if (x->reached_ms < 0)
        return 0;
    if (o->kind == SW_OBJ_EXFILTRATE)
        return 1; /* data that left does not come back */
    return sc_obj_count(s, x) >= x->need;
}

static void recovery(sw_score_t *s, sw_score_team_t *out)
{
    for (uint32_t t = 0; t < s->w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        double damage = 0;
        for (uint32_t i = 0; i < s->objs.n; i++) {
            sw_score_obj_t *x = &s->objs.v[i];
            if (x->team != t)
                continue;
            x->holds = obj_holds(s, x);
            r->n_objectives++;
            if (x->reached_ms < 0)
                continue;
            r->n_reached++;
            r->n_recovered += !x->holds;
            damage += x->holds ? 1 : 0.5;
        }
        r->fraction[SW_SC_RECOVERY] = r->n_objectives ? 1 - damage / r->n_objectives : 1;
    }
}

/* ---- reporting: each report against the ground truth as it stood ------------------------ */

/* Precision and recall into p, rc (-1 undefined); returns the dimension's
 * F1, or -1 when there was nothing to report and nothing reported. */
static double dimension(uint32_t n_reported, uint32_t n_right, uint32_t n_truth, uint32_t n_found,
                        double *p, double *rc)
{
    *p = n_reported ? (double)n_right / n_reported : -1;
    *rc = n_truth ? (double)n_found / n_truth : -1;
    if (!n_reported && !n_truth)
        return -1;
    if (!n_reported || !n_truth)
        return n_reported ? *p : 0;
    return *p + *rc > 0 ? 2 * *p * *rc / (*p + *rc) : 0;
}

/* The team's truth before at_ms: techniques of stages succeeded by then. */
static int truth_technique(const sw_score_t *s, uint32_t team, int64_t at_ms, const char *tech)
{
    for (uint32_t i = 0; i < s->stages.n; i++) {
        const sw_score_stage_t *st = &s->stages.v[i];
        if (st->team == team && st->success_ms >= 0 && st->success_ms <= at_ms &&
            sc_technique_match(tech, s->w->adversaries[st->adversary].steps[st->step].technique))
            return 1;
    }
    return 0;
}

static int truth_host(const sw_score_t *s, uint32_t team, int64_t at_ms, uint32_t h)
{
    for (uint32_t i = 0; i < s->stages.n; i++) {
        const sw_score_stage_t *st = &s->stages.v[i];
        for (uint32_t k = 0; st->team == team && k < st->n_hosts; k++)
            if (st->hosts[k] == h && st->host_ms[k] <= at_ms)
                return 1;
    }
    return 0;
}

static void report_eval(sw_score_t *s, sw_score_report_t *r)
{
    const sw_world_t *w = s->w;
    uint32_t team = r->team;
    double f[3];
    /* techniques: distinct ones of the stages before it */
    uint32_t right = 0, truth = 0, found = 0;
    for (uint32_t i = 0; i < r->n_techniques; i++)
        right += truth_technique(s, team, r->at_ms, r->techniques[i]);
    for (uint32_t i = 0; i < s->stages.n; i++) {
        const sw_score_stage_t *st = &s->stages.v[i];
        if (st->team != team || st->success_ms < 0 || st->success_ms > r->at_ms)
            continue;
        const char *tech = w->adversaries[st->adversary].steps[st->step].technique;
        int dup = 0; /* two steps of one technique are one thing to report */
        for (uint32_t k = 0; k < i && !dup; k++) {
            const sw_score_stage_t *o = &s->stages.v[k];
            dup = o->team == team && o->success_ms >= 0 && o->success_ms <= r->at_ms &&
                  !strcasecmp(w->adversaries[o->adversary].steps[o->step].technique, tech);
        }
        if (dup)
            continue;
        truth++;
        for (uint32_t k = 0; k < r->n_techniques; k++)
            if (sc_technique_match(r->techniques[k], tech)) {
                found++;
                break;
            }
    }
    f[0] = dimension(r->n_techniques, right, truth, found, &r->precision[0], &r->recall[0]);
    /* hosts: those the adversary had succeeded on */
    right = truth = found = 0;
    for (uint32_t i = 0; i < r->n_hosts; i++)
        right += truth_host(s, team, r->at_ms, r->hosts[i]);
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        if (w->hosts[h].team != team || !truth_host(s, team, r->at_ms, h))
            continue;
        truth++;
        for (uint32_t k = 0; k < r->n_hosts; k++)
            if (r->hosts[k] == h) {
                found++;
                break;
            }
    }
    f[1] = dimension(r->n_hosts, right, truth, found, &r->precision[1], &r->recall[1]);
    /* indicators: right if any adversary's; found among those seen against the team */
    right = truth = found = 0;
    for (uint32_t i = 0; i < r->n_indicators; i++)
        right += sc_strs_find(&s->known, r->indicators[i]) >= 0;
    const sc_strs_t *obs = &s->observed[team];
    for (uint32_t i = 0; i < obs->n; i++) {
        if (obs->at[i] > r->at_ms)
            continue;
        truth++;
        for (uint32_t k = 0; k < r->n_indicators; k++)
            if (!strcasecmp(r->indicators[k], obs->v[i])) {
                found++;
                break;
            }
    }
    f[2] = dimension(r->n_indicators, right, truth, found, &r->precision[2], &r->recall[2]);
    double sum = 0;
    int n = 0;
    for (int d = 0; d < 3; d++)
        if (f[d] >= 0) {
            sum += f[d];
            n++;
        }
    r->quality = n ? sum / n : 0;
}

static void reporting(sw_score_t *s, int64_t now_ms, sw_score_team_t *out)
{
    for (uint32_t i = 0; i < s->reports.n; i++)
        report_eval(s, &s->reports.v[i]);
    for (uint32_t t = 0; t < s->w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        double q = 0, ps[3] = {0}, rs[3] = {0};
        uint32_t np[3] = {0}, nr[3] = {0};
        for (uint32_t i = 0; i < s->reports.n; i++) {
            const sw_score_report_t *x = &s->reports.v[i];
            if (x->team != t || x->at_ms > now_ms)
                continue;
            r->n_reports++;
            q += x->quality;
            for (int d = 0; d < 3; d++) {
                if (x->precision[d] >= 0)
                    ps[d] += x->precision[d], np[d]++;
                if (x->recall[d] >= 0)
                    rs[d] += x->recall[d], nr[d]++;
            }
        }
        for (int d = 0; d < 3; d++) {
            r->precision[d] = np[d] ? ps[d] / np[d] : -1;
            r->recall[d] = nr[d] ? rs[d] / nr[d] : -1;
        }
        /* nothing happened to report and nothing reported: nothing missed */
        r->fraction[SW_SC_REPORTING] = r->n_reports ? q / r->n_reports : r->n_stages ? 0 : 1;
    }
}

/* ---- sharing: correct indicators shared, used by another team ------------------------- */

/* Did team `to` act on value (block it, null-route it, report it) at or
 * after at_ms? The first time, or -1. */
static int64_t used_at(const sw_score_t *s, uint32_t to, const char *value, int64_t at_ms,
                       int64_t now_ms)
{
    int64_t best = -1;
    for (uint32_t i = 0; i < s->actions.n; i++) {
        const sw_score_action_t *a = &s->actions.v[i];
        if (a->team != to || !a->ok || a->at_ms < at_ms || a->at_ms > now_ms || !a->value ||
            (a->action != SW_ACT_BLOCK_IP && a->action != SW_ACT_BLOCK_DOMAIN &&
             a->action != SW_ACT_NULL_ROUTE) ||
            strcasecmp(a->value, value))
            continue;
        if (best < 0 || a->at_ms < best)
            best = a->at_ms;
    }
    for (uint32_t i = 0; i < s->reports.n; i++) {
        const sw_score_report_t *r = &s->reports.v[i];
        if (r->team != to || r->at_ms < at_ms || r->at_ms > now_ms ||
            (best >= 0 && r->at_ms >= best))
            continue;
        for (uint32_t k = 0; k < r->n_indicators; k++)
            if (!strcasecmp(r->indicators[k], value)) {
                best = r->at_ms;
                break;
            }
    }
    return best;
}

static void sharing(sw_score_t *s, int64_t now_ms, sw_score_team_t *out)
{
    const sw_scoring_t *sc = &s->w->scoring;
    for (uint32_t i = 0; i < s->shares.n; i++) {
        sw_score_share_t *x = &s->shares.v[i];
        x->correct = sc_strs_find(&s->known, x->value) >= 0;
        x->used_ms = used_at(s, x->to, x->value, x->at_ms, now_ms);
    }
    for (uint32_t t = 0; t < s->w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        double credit = 0;
        /* each distinct value once: 1 when some recipient used it, else 0.5 */
        for (uint32_t i = 0; i < s->shares.n; i++) {
            const sw_score_share_t *x = &s->shares.v[i];
            if (x->from != t || x->at_ms > now_ms)
                continue;
            int first = 1, used = x->used_ms >= 0;
            for (uint32_t k = 0; k < s->shares.n && first; k++) {
                const sw_score_share_t *y = &s->shares.v[k];
                if (y->from != t || y->at_ms > now_ms || strcasecmp(y->value, x->value))
                    continue;
                if (k < i)
                    first = 0;
                used |= y->used_ms >= 0;
            }
            if (!first)
                continue;
            r->n_shared++;
            if (!x->correct) {
                r->n_false_indicators++;
                continue;
            }
            r->n_shared_correct++;
            r->n_shared_used += used;
            credit += used ? 1 : 0.5;
        }
        double goal = sc->share_goal > 0 ? sc->share_goal : 1;
        r->fraction[SW_SC_SHARING] = credit >= goal ? 1 : credit / goal;
    }
}

/* ---- penalties, totals, ranks ---------------------------------------------------------- */

static void penalties(const sw_score_t *s, int64_t now_ms, sw_score_team_t *out)
{
    const sw_scoring_t *sc = &s->w->scoring;
    for (uint32_t i = 0; i < s->hints.n; i++)
        out[s->hints.v[i].team].n_hints += s->hints.v[i].at_ms <= now_ms;
    for (uint32_t i = 0; i < s->rules.n; i++)
        out[s->rules.v[i].team].n_rules_broken += s->rules.v[i].at_ms <= now_ms;
    for (uint32_t i = 0; i < s->actions.n; i++)
        out[s->actions.v[i].team].n_collateral +=
            s->actions.v[i].collateral && s->actions.v[i].at_ms <= now_ms;
    for (uint32_t t = 0; t < s->w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        r->pen_hints = r->n_hints * sc->hint_cost;
        r->pen_collateral = r->n_collateral * sc->collateral_cost;
        r->pen_false_indicators = r->n_false_indicators * sc->false_indicator_cost;
        r->pen_rules_broken = r->n_rules_broken * sc->rule_broken_cost;
        r->penalties =
            r->pen_hints + r->pen_collateral + r->pen_false_indicators + r->pen_rules_broken;
    }
}

static void triage_counts(const sw_score_t *s, int64_t now_ms, sw_score_team_t *out)
{
    for (uint32_t i = 0; i < s->triages.n; i++) {
        const sw_score_triage_t *tr = &s->triages.v[i];
        sw_score_team_t *r = &out[tr->team];
        if (tr->at_ms > now_ms)
            continue;
        r->n_triaged++;
        if (tr->positive && tr->stage != SW_NONE)
            r->n_triage_tp_right++;
        else if (tr->positive)
            r->n_triage_tp_wrong++;
        else if (tr->negative && tr->stage != SW_NONE)
            r->n_triage_fp_wrong++;
    }
}

int sw_score_compute(sw_score_t *s, int64_t now_ms, sw_score_team_t *out)
{
    const sw_world_t *w = s->w;
    const sw_scoring_t *sc = &w->scoring;
    memset(out, 0, (size_t)w->n_teams * sizeof *out);
    if (s->err)
        return s->err;
    int64_t *scratch = sw_calloc(&s->al, 2 * (size_t)s->stages.n + 1, sizeof *scratch);
    if (!scratch)
        return SW_ENOMEM;
    double wts[SW_SC__COUNT] = {sc->w_availability, sc->w_detection, sc->w_containment,
                                sc->w_recovery,     sc->w_reporting, sc->w_sharing};
    for (uint32_t t = 0; t < w->n_teams; t++) {
        out[t].team = t;
        out[t].player = w->teams[t].kind == SW_TEAM_PLAYER;
        availability(s, now_ms, &out[t]);
    }
    stages(s, now_ms, out, scratch);
    sw_free(&s->al, scratch);
    recovery(s, out);
    reporting(s, now_ms, out);
    sharing(s, now_ms, out);
    penalties(s, now_ms, out);
    triage_counts(s, now_ms, out);
    for (uint32_t t = 0; t < w->n_teams; t++) {
        sw_score_team_t *r = &out[t];
        if (!r->player) {
            memset(r, 0, sizeof *r);
            r->team = t;
            continue;
        }
        double sum = 0;
        for (int c = 0; c < SW_SC__COUNT; c++) {
            r->points[c] = wts[c] * sc->points * r->fraction[c];
            sum += r->points[c];
        }
        r->total = sum - r->penalties;
    }
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (!out[t].player)
            continue;
        out[t].rank = 1;
        for (uint32_t u = 0; u < w->n_teams; u++)
            if (out[u].player && out[u].total > out[t].total)
                out[t].rank++;
    }
    return SW_OK;
}

int sw_score_lo_met(const sw_learning_obj_t *lo, const sw_score_team_t *r)
{
    const char *c = lo->category ? lo->category : "";
    double f;
    if (!strcmp(c, "detection"))
        f = r->fraction[SW_SC_DETECTION];
    else if (!strcmp(c, "containment"))
        f = r->fraction[SW_SC_CONTAINMENT];
    else if (!strcmp(c, "reporting"))
        f = r->fraction[SW_SC_REPORTING];
    else if (!strcmp(c, "cooperation"))
        f = r->fraction[SW_SC_SHARING];
    else if (!strcmp(c, "recovery"))
        f = fmin(r->fraction[SW_SC_AVAILABILITY], r->fraction[SW_SC_RECOVERY]);
    else
        return -1;
    return f >= 0.5;
}
