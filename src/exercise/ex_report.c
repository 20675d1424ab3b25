/* ex_report.c — the after-action report's model (the JSON report) and the
 * scoreboard, from an exercise opened in memory and its own score
 * (score/score.h): what `seawall report` and the server's report render
 * (score/report.h), what the scoreboard shows, what the benchmark times.
 * The model gathers the score's figures and facts with what only the
 * database holds (the record behind each missed stage) and the SigmaHQ
 * rules that would have revealed it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "detect/event_flat.h"
#include "exercise/ex_int.h"
#include "exercise/report_model.h"
#include "scenario/attack_table.h"
#include "score/score.h"

#define MISSED_RECORDS 5 /* records of a missed stage matched against the rules */
#define MISSED_RULES 3   /* rules named per missed stage */

static json_t *jtime(int64_t ms)
{
    return ms < 0 ? json_null() : json_integer(ms);
}

static const char *host_name(const sw_world_t *w, uint32_t h)
{
    return h < w->n_hosts ? w->hosts[h].hostname : "-";
}

/* ---- the rules that would have revealed a stage ---------------------------------- */

typedef struct rules_ctx {
    json_t *arr;
} rules_ctx_t;

static void on_rule(const sw_sigma_alert_t *a, void *ud)
{
    rules_ctx_t *c = ud;
    if (json_array_size(c->arr) >= MISSED_RULES)
        return;
    for (size_t i = 0; i < json_array_size(c->arr); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(c->arr, i), "id")),
                    a->rule->id))
            return;
    json_array_append_new(c->arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", a->rule->id, "title",
                                            a->rule->title, "level", a->rule->level, "author",
                                            a->rule->author, "file", a->rule->file));
}

typedef struct rec_ctx {
    char *json;
    int64_t ts_ms;
} rec_ctx_t;

static int take_record(const sw_qrow_t *row, void *ud)
{
    rec_ctx_t *c = ud;
    if (row->is_record && !c->json)
        c->json = strndup(row->json, row->json_len);
    return 1;
}

/* The missed stage's first records from the store, and the rules that
 * match them. */
static void missed_detail(sw_store_t *st, sw_sigma_set_t *rules, const sw_world_t *w,
                          sw_score_t *score, uint32_t i, json_t *stage)
{
    int64_t ords[MISSED_RECORDS];
    uint32_t n = sw_score_stage_records(score, i, ords, MISSED_RECORDS);
    json_object_set_new(stage, "n_records", json_integer(n));
    if (!n || !st)
        return;
    sw_score_facts_t f;
    sw_score_facts(score, &f);
    sw_store_team_t *t = NULL;
    sw_errbuf_t err;
    if (sw_store_team_open(st, w->teams[f.stages[i].team].id, 0, &t, &err))
        return;
    json_t *arr = json_array();
    sw_event_t ev;
    sw_event_init(&ev);
    for (uint32_t k = 0; k < n; k++) {
        rec_ctx_t rc = {0};
        if (sw_store_scan(t, ords[k] - 1, ords[k], take_record, &rc, &err) < 0 || !rc.json)
            continue;
        if (k == 0) {
            json_t *r = json_loads(rc.json, 0, NULL);
            json_object_set_new(stage, "record", r ? r : json_string(rc.json));
            json_object_set_new(stage, "record_ordinal", json_integer(ords[k]));
        }
        rules_ctx_t c = {arr};
        if (rules && sw_event_parse(&ev, rc.json, strlen(rc.json), &err) == SW_OK)
            sw_sigma_set_match(rules, &ev, on_rule, &c);
        free(rc.json);
    }
    sw_event_free(&ev);
    json_object_set_new(stage, "sigma", arr);
    sw_store_team_close(t);
}

/* ---- the model --------------------------------------------------------------------- */

static json_t *categories(const sw_world_t *w, const sw_score_team_t *r)
{
    const sw_scoring_t *sc = &w->scoring;
    double wts[SW_SC__COUNT] = {sc->w_availability, sc->w_detection, sc->w_containment,
                                sc->w_recovery,     sc->w_reporting, sc->w_sharing};
    json_t *c = json_object();
    for (int k = 0; k < SW_SC__COUNT; k++)
        json_object_set_new(c, sw_score_cat_names[k],
                            json_pack("{s:s, s:f, s:f, s:f}", "title", sw_score_cat_titles[k],
                                      "fraction", r->fraction[k], "points", r->points[k], "weight",
                                      wts[k]));
    return c;
}

static json_t *prf(const double *v)
{
    json_t *o = json_object();
    static const char *const dims[3] = {"techniques", "hosts", "indicators"};
    for (int d = 0; d < 3; d++)
        json_object_set_new(o, dims[d], v[d] < 0 ? json_null() : json_real(v[d]));
    return o;
}

static json_t *stage_json(const sw_world_t *w, const sw_score_stage_t *s)
{
    const sw_adversary_t *ad = &w->adversaries[s->adversary];
    const sw_step_t *st = &ad->steps[s->step];
    char tname[128] = "";
    sw_attack_lookup(st->technique, tname, sizeof tname, NULL, 0);
    json_t *hosts = json_array();
    for (uint32_t k = 0; k < s->n_hosts; k++)
        json_array_append_new(hosts, json_string(host_name(w, s->hosts[k])));
    static const char *const by[] = {"", "triage", "report"};
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:i, s:i, s:o, s:s, s:I, s:f, s:b, s:o, "
        "s:f, s:b}",
        "adversary", ad->id, "adversary_name", ad->name ? ad->name : ad->id, "step", st->id, "name",
        st->name ? st->name : st->id, "technique", st->technique ? st->technique : "",
        "technique_name", tname, "hosts", hosts, "start_ms", (json_int_t)s->start_ms, "success_ms",
        jtime(s->success_ms), "attempts", (int)s->n_attempts, "successes", (int)s->n_success,
        "detected_ms", jtime(s->detected_ms), "detected_by", by[s->detected_by], "detected_seq",
        (json_int_t)s->detected_seq, "detect_credit", s->detect_credit, "containable",
        s->n_held > 0, "contained_ms", jtime(s->contained_ms), "contain_credit", s->contain_credit,
        "missed", s->detected_ms < 0);
    json_object_set_new(o, "tactic", json_string(st->tactic ? st->tactic : ""));
    return o;
}

static json_t *team_json(const sw_world_t *w, sw_score_t *score, int64_t now_ms,
                         const sw_score_team_t *r, const sw_score_facts_t *f, sw_store_t *st,
                         sw_sigma_set_t *rules)
{
    uint32_t t = r->team;
    json_t *o = json_pack(
        "{s:s, s:s, s:i, s:f, s:f, s:o, s:{s:{s:i,s:f}, s:{s:i,s:f}, s:{s:i,s:f}, s:{s:i,s:f}}}",
        "id", w->teams[t].id, "name", w->teams[t].name ? w->teams[t].name : w->teams[t].id, "rank",
        (int)r->rank, "total", r->total, "penalties", r->penalties, "categories", categories(w, r),
        "penalty", "hints", "n", (int)r->n_hints, "points", r->pen_hints, "collateral", "n",
        (int)r->n_collateral, "points", r->pen_collateral, "false_indicators", "n",
        (int)r->n_false_indicators, "points", r->pen_false_indicators, "rules_broken", "n",
        (int)r->n_rules_broken, "points", r->pen_rules_broken);
    json_object_set_new(
        o, "figures",
        json_pack(
            "{s:i, s:i, s:i, s:i, s:o, s:o, s:i, s:i, s:i, s:i, s:o, s:o, s:i, s:i, s:i, "
            "s:i, s:i, s:i, s:f, s:f}",
            "stages", (int)r->n_stages, "detected", (int)r->n_detected, "containable",
            (int)r->n_containable, "contained", (int)r->n_contained, "median_detect_ms",
            r->median_detect_ms < 0 ? json_null() : json_integer((json_int_t)r->median_detect_ms),
            "median_contain_ms",
            r->median_contain_ms < 0 ? json_null() : json_integer((json_int_t)r->median_contain_ms),
            "objectives", (int)r->n_objectives, "reached", (int)r->n_reached, "recovered",
            (int)r->n_recovered, "reports", (int)r->n_reports, "precision", prf(r->precision),
            "recall", prf(r->recall), "shared", (int)r->n_shared, "shared_correct",
            (int)r->n_shared_correct, "shared_used", (int)r->n_shared_used, "triaged",
            (int)r->n_triaged, "triage_tp_right", (int)r->n_triage_tp_right, "triage_tp_wrong",
            (int)r->n_triage_tp_wrong, "availability_minutes", r->availability_minutes,
            "availability_of", r->availability_of));
    json_t *stages = json_array();
    for (uint32_t i = 0; i < f->n_stages; i++) {
        const sw_score_stage_t *s = &f->stages[i];
        if (s->team != t || !s->n_success)
            continue;
        json_t *x = stage_json(w, s);
        if (s->detected_ms < 0)
            missed_detail(st, rules, w, score, i, x);
        json_array_append_new(stages, x);
    }
    json_object_set_new(o, "stages", stages);
    json_t *objs = json_array();
    for (uint32_t i = 0; i < f->n_objectives; i++) {
        const sw_score_obj_t *x = &f->objectives[i];
        if (x->team != t)
            continue;
        const sw_adversary_t *ad = &w->adversaries[x->adversary];
        const sw_adv_objective_t *ob = &ad->objectives[x->objective];
        json_array_append_new(objs,
                              json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:f, s:f}", "adversary",
                                        ad->id, "id", ob->id, "kind", sw_obj_kind_names[ob->kind],
                                        "description", ob->description ? ob->description : "",
                                        "reached_ms", jtime(x->reached_ms), "holds", x->holds,
                                        "progress", x->progress, "need", x->need));
    }
    json_object_set_new(o, "objectives", objs);
    json_t *svcs = json_array();
    for (uint32_t b = 0; b < w->n_business; b++) {
        if (w->business[b].team != t)
            continue;
        uint32_t n;
        const sw_score_change_t *c = sw_score_business(score, b, &n);
        json_t *ch = json_array();
        for (uint32_t k = 0; k < n; k++)
            json_array_append_new(ch, json_pack("[I, f]", (json_int_t)c[k].at_ms, c[k].value));
        json_t *x = json_pack("{s:s, s:s, s:f, s:o, s:f}", "id", w->business[b].id, "name",
                              w->business[b].name ? w->business[b].name : w->business[b].id,
                              "weight", w->business[b].weight, "changes", ch, "availability",
                              sw_score_business_availability(score, b, now_ms));
        json_array_append_new(svcs, x);
    }
    json_object_set_new(o, "services", svcs);
    json_t *reps = json_array();
    for (uint32_t i = 0; i < f->n_reports; i++) {
        const sw_score_report_t *x = &f->reports[i];
        if (x->team != t)
            continue;
        json_t *tech = json_array(), *hosts = json_array(), *ind = json_array();
        for (uint32_t k = 0; k < x->n_techniques; k++)
            json_array_append_new(tech, json_string(x->techniques[k]));
        for (uint32_t k = 0; k < x->n_hosts; k++)
            json_array_append_new(hosts, json_string(host_name(w, x->hosts[k])));
        for (uint32_t k = 0; k < x->n_indicators; k++)
            json_array_append_new(ind, json_string(x->indicators[k]));
        json_array_append_new(
            reps, json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:f}", "seq",
                            (json_int_t)x->seq, "at_ms", (json_int_t)x->at_ms, "title", x->title,
                            "techniques", tech, "hosts", hosts, "indicators", ind, "precision",
                            prf(x->precision), "recall", prf(x->recall), "quality", x->quality));
    }
    json_object_set_new(o, "reports", reps);
    json_t *shares = json_array(), *received = json_array();
    for (uint32_t i = 0; i < f->n_shares; i++) {
        const sw_score_share_t *x = &f->shares[i];
        if (x->from != t && x->to != t)
            continue;
        json_array_append_new(x->from == t ? shares : received,
                              json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}", "from",
                                        w->teams[x->from].id, "to", w->teams[x->to].id, "value",
                                        x->value, "at_ms", (json_int_t)x->at_ms, "correct",
                                        x->correct, "used_ms", jtime(x->used_ms)));
    }
    json_object_set_new(o, "shared", shares);
    json_object_set_new(o, "received", received);
    json_t *acts = json_array();
    for (uint32_t i = 0; i < f->n_actions; i++) {
        const sw_score_action_t *x = &f->actions[i];
        if (x->team != t)
            continue;
        json_array_append_new(
            acts, json_pack("{s:I, s:s, s:s, s:s, s:b, s:b}", "at_ms", (json_int_t)x->at_ms,
                            "action", sw_action_names[x->action], "host",
                            x->host < w->n_hosts ? host_name(w, x->host) : "", "value",
                            x->value ? x->value : "", "ok", x->ok, "collateral", x->collateral));
    }
    json_object_set_new(o, "actions", acts);
    json_t *tri = json_array();
    for (uint32_t i = 0; i < f->n_triages; i++) {
        const sw_score_triage_t *x = &f->triages[i];
        if (x->team != t)
            continue;
        json_array_append_new(tri,
                              json_pack("{s:I, s:I, s:b, s:b, s:b}", "at_ms", (json_int_t)x->at_ms,
                                        "alert", (json_int_t)x->alert, "positive", x->positive,
                                        "negative", x->negative, "attack", x->stage != SW_NONE));
    }
    json_object_set_new(o, "triage", tri);
    json_t *hints = json_array();
    for (uint32_t i = 0; i < f->n_hints; i++)
        if (f->hints[i].team == t)
            json_array_append_new(hints,
                                  json_pack("{s:I, s:s}", "at_ms", (json_int_t)f->hints[i].at_ms,
                                            "text", f->hints[i].text));
    json_object_set_new(o, "hints", hints);
    json_t *broken = json_array();
    for (uint32_t i = 0; i < f->n_rules_broken; i++)
        if (f->rules_broken[i].team == t)
            json_array_append_new(broken, json_pack("{s:I, s:s}", "at_ms",
                                                    (json_int_t)f->rules_broken[i].at_ms, "text",
                                                    f->rules_broken[i].text));
    json_object_set_new(o, "rules_broken", broken);
    json_t *los = json_array();
    for (uint32_t i = 0; i < w->exercise.n_objectives; i++) {
        const sw_learning_obj_t *lo = &w->exercise.objectives[i];
        int met = sw_score_lo_met(lo, r);
        json_array_append_new(los, json_pack("{s:s, s:s, s:s, s:o}", "id", lo->id, "text",
                                             lo->text ? lo->text : "", "category",
                                             lo->category ? lo->category : "", "met",
                                             met < 0 ? json_null() : json_boolean(met)));
    }
    json_object_set_new(o, "learning_objectives", los);
    return o;
}

json_t *sw_report_model(sw_exercise_t *ex, const char *team, sw_store_t *st, sw_sigma_set_t *rules,
                        const char *rules_from, int *err_out)
{
    const sw_world_t *w = sw_exercise_world(ex);
    sw_score_t *score = sw_exercise_score(ex);
    sw_score_team_t *r = calloc(w->n_teams ? w->n_teams : 1, sizeof *r);
    if (!r || sw_score_compute(score, sw_exercise_now(ex), r)) {
        free(r);
        *err_out = SW_ENOMEM;
        return NULL;
    }
    sw_score_facts_t f;
    sw_score_facts(score, &f);
    const sw_scoring_t *sc = &w->scoring;
    char at[32];
    json_t *m = json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s}, s:{s:f, s:[I,I], s:[I,I], s:f, "
        "s:{s:f, s:f, s:f, s:f}}}",
        "format", "seawall-report/1", "exercise", "name", w->exercise.name ? w->exercise.name : "",
        "description", w->exercise.description ? w->exercise.description : "", "scenario",
        sw_exercise_scenario(ex), "date", w->exercise.date ? w->exercise.date : "", "at_ms",
        (json_int_t)sw_exercise_now(ex), "at",
        sw_format_ex_time(sw_exercise_now(ex), at, sizeof at), "until_ms",
        (json_int_t)sw_exercise_until(ex), "state", sw_ex_state_names[sw_exercise_state(ex)],
        "sigma_rules", rules_from ? rules_from : "", "scoring", "points", sc->points, "detect",
        (json_int_t)sc->detect_full_ms, (json_int_t)sc->detect_zero_ms, "contain",
        (json_int_t)sc->contain_full_ms, (json_int_t)sc->contain_zero_ms, "share_goal",
        sc->share_goal, "penalties", "hint", sc->hint_cost, "collateral", sc->collateral_cost,
        "false_indicator", sc->false_indicator_cost, "rule_broken", sc->rule_broken_cost);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sw_exercise_seed(ex));
    json_object_set_new(json_object_get(m, "exercise"), "seed", json_string(seed));
    /* the journal it was computed from, and its head: noted beside the
     * report, a later `seawall journal --verify --head` shows it unchanged */
    sw_journal_check_t chk;
    sw_errbuf_t jerr;
    if (ex->j && sw_journal_verify(ex->j, NULL, &chk, &jerr) == SW_OK) {
        char hex[2 * SW_JOURNAL_HASH_LEN + 1];
        for (int i = 0; i < SW_JOURNAL_HASH_LEN; i++)
            snprintf(hex + 2 * i, 3, "%02x", chk.head[i]);
        json_t *jo =
            json_pack("{s:b, s:I, s:I, s:s}", "intact", chk.intact, "entries",
                      (json_int_t)chk.n_entries, "head_seq", (json_int_t)chk.head_seq, "head", hex);
        if (!chk.intact)
            json_object_set_new(jo, "problem", json_string(chk.why));
        json_object_set_new(json_object_get(m, "exercise"), "journal", jo);
    }
    json_t *teams = json_array(); /* best first */
    for (uint32_t rank = 1; rank <= w->n_teams; rank++)
        for (uint32_t t = 0; t < w->n_teams; t++) {
            if (!r[t].player || r[t].rank != rank || (team && strcasecmp(team, w->teams[t].id)))
                continue;
            json_array_append_new(teams,
                                  team_json(w, score, sw_exercise_now(ex), &r[t], &f, st, rules));
        }
    json_object_set_new(m, "teams", teams);
    /* the adversaries against each team, side by side */
    json_t *advs = json_array();
    for (uint32_t ai = 0; ai < w->n_adversaries; ai++) {
        const sw_adversary_t *ad = &w->adversaries[ai];
        json_t *per = json_object();
        for (uint32_t i = 0; i < f.n_stages; i++) {
            const sw_score_stage_t *s = &f.stages[i];
            if (s->adversary != ai || !s->n_success || !r[s->team].player)
                continue;
            json_t *x = json_object_get(per, w->teams[s->team].id);
            if (!x) {
                x = json_pack("{s:i, s:i, s:i, s:i}", "stages", 0, "detected", 0, "objectives", 0,
                              "reached", 0);
                json_object_set_new(per, w->teams[s->team].id, x);
            }
            json_object_set_new(x, "stages",
                                json_integer(json_integer_value(json_object_get(x, "stages")) + 1));
            json_object_set_new(x, "detected",
                                json_integer(json_integer_value(json_object_get(x, "detected")) +
                                             (s->detected_ms >= 0)));
        }
        for (uint32_t i = 0; i < f.n_objectives; i++) {
            const sw_score_obj_t *x = &f.objectives[i];
            if (x->adversary != ai)
                continue;
            json_t *y = json_object_get(per, w->teams[x->team].id);
            if (!y) {
                y = json_pack("{s:i, s:i, s:i, s:i}", "stages", 0, "detected", 0, "objectives", 0,
                              "reached", 0);
                json_object_set_new(per, w->teams[x->team].id, y);
            }
            json_object_set_new(
                y, "objectives",
                json_integer(json_integer_value(json_object_get(y, "objectives")) + 1));
            json_object_set_new(y, "reached",
                                json_integer(json_integer_value(json_object_get(y, "reached")) +
                                             (x->reached_ms >= 0)));
        }
        json_array_append_new(advs, json_pack("{s:s, s:s, s:s, s:o}", "id", ad->id, "name",
                                              ad->name ? ad->name : ad->id, "group",
                                              ad->group ? ad->group : "", "teams", per));
    }
    json_object_set_new(m, "adversaries", advs);
    free(r);
    return m;
}

/* ---- the scoreboard ----------------------------------------------------------------------- */

/* Every player team best first, with its categories, now. */
static json_t *board_now(sw_exercise_t *ex)
{
    const sw_world_t *w = sw_exercise_world(ex);
    sw_score_t *score = sw_exercise_score(ex);
    sw_score_team_t *r = score ? calloc(w->n_teams ? w->n_teams : 1, sizeof *r) : NULL;
    if (!r || sw_score_compute(score, sw_exercise_now(ex), r)) {
        free(r);
        return NULL;
    }
    json_t *teams = json_array();
    for (uint32_t rank = 1; rank <= w->n_teams; rank++)
        for (uint32_t t = 0; t < w->n_teams; t++) {
            if (!r[t].player || r[t].rank != rank)
                continue;
            json_array_append_new(
                teams, json_pack("{s:s, s:s, s:i, s:f, s:f, s:o}", "id", w->teams[t].id, "name",
                                 w->teams[t].name ? w->teams[t].name : w->teams[t].id, "rank",
                                 (int)r[t].rank, "total", r[t].total, "penalties", r[t].penalties,
                                 "categories", categories(w, &r[t])));
        }
    free(r);
    return json_pack("{s:I, s:o}", "at_ms", (json_int_t)sw_exercise_now(ex), "teams", teams);
}

void ex_scoreboard_apply(sw_exercise_t *ex, int hidden, int frozen)
{
    ex->sb_hidden = hidden;
    if (!frozen) {
        json_decref(ex->sb_frozen);
        ex->sb_frozen = NULL;
    } else if (!ex->sb_frozen) { /* frozen again: it stays as it was */
        ex->sb_frozen = board_now(ex);
    }
}

int sw_exercise_scoreboard_settings(const sw_exercise_t *ex)
{
    return (ex->sb_hidden ? SW_SB_HIDDEN : 0) | (ex->sb_frozen ? SW_SB_FROZEN : 0);
}

json_t *sw_exercise_scoreboard(sw_exercise_t *ex, int white)
{
    json_t *b;
    if (!white && ex->sb_hidden)
        b = json_pack("{s:I, s:[]}", "at_ms", (json_int_t)sw_exercise_now(ex), "teams");
    else if (!white && ex->sb_frozen)
        b = json_deep_copy(ex->sb_frozen);
    else
        b = board_now(ex);
    if (!b)
        return NULL;
    json_object_set_new(b, "hidden", json_boolean(ex->sb_hidden));
    json_object_set_new(b, "frozen", json_boolean(ex->sb_frozen != NULL));
    if (ex->sb_frozen)
        json_object_set(b, "frozen_at_ms", json_object_get(ex->sb_frozen, "at_ms"));
    return b;
}
