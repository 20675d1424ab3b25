/* ex_status.c — what the exercise looks like now, as JSON for its clients
 * (the server's snapshots, status lines): the clock; a team's network as
 * its players see it (hosts up or down and isolated, links, business
 * services with the cause of each outage); and, for the white cell, the
 * ground truth (the adversaries' footholds, persistence and objectives).
 * Built from the sim's public accessors and what the exercise saw. */
#include <stdlib.h>
#include <string.h>

#include "exercise/ex_int.h"

json_t *sw_exercise_clock_json(const sw_exercise_t *ex)
{
    return json_pack("{s:s, s:I, s:I, s:f, s:s, s:I}", "state", sw_ex_state_names[ex->state],
                     "now_ms", (json_int_t)ex->now_ms, "until_ms", (json_int_t)ex->until_ms,
                     "speed", ex->speed, "scenario", ex->scenario ? ex->scenario : "", "seed",
                     (json_int_t)ex->seed);
}

/* ---- actions and their results ------------------------------------------------- */

int ex_command(sw_exercise_t *ex, const sw_cmd_t *c, int64_t seq)
{
    int rc = sw_sim_command(ex->sim, c);
    if (rc || c->action == SW_ACT_REPORT)
        return rc;
    if (ex->n_actions == ex->cap_actions) {
        size_t nc = ex->cap_actions ? ex->cap_actions * 2 : 32;
        ex_action_t *n = realloc(ex->actions, nc * sizeof *n);
        if (!n)
            return SW_OK; /* the act stands; only its status line is lost */
        ex->actions = n;
        ex->cap_actions = nc;
    }
    ex->actions[ex->n_actions++] =
        (ex_action_t){seq, c->team, c->host, (int)c->action, c->at_ms, 0, EX_ACT_PENDING, NULL};
    return SW_OK;
}

void ex_action_result(sw_exercise_t *ex, const sw_sim_event_t *ev)
{
    if (ev->type != SW_SEV_ACTION && ev->type != SW_SEV_ACTION_FAILED &&
        ev->type != SW_SEV_CMD_REFUSED)
        return;
    /* the sim says when the command was issued: that, the team, the action
     * and the host name one command */
    for (size_t i = 0; i < ex->n_actions; i++) {
        ex_action_t *a = &ex->actions[i];
        if (a->state != EX_ACT_PENDING || a->team != ev->team || a->action != ev->action ||
            (double)a->issued_ms != ev->value || (a->host != SW_NONE && a->host != ev->host))
            continue;
        a->state = ev->type == SW_SEV_ACTION ? EX_ACT_DONE : EX_ACT_FAILED;
        a->done_ms = ev->at_ms;
        a->detail = ev->detail ? strdup(ev->detail) : NULL;
        return;
    }
}

void ex_actions_free(sw_exercise_t *ex)
{
    for (size_t i = 0; i < ex->n_actions; i++)
        free(ex->actions[i].detail);
    free(ex->actions);
    ex->actions = NULL;
    ex->n_actions = ex->cap_actions = 0;
}

static json_t *actions_json(const sw_exercise_t *ex, uint32_t team)
{
    static const char *const states[] = {"pending", "done", "failed"};
    const sw_world_t *w = ex->w;
    json_t *a = json_array();
    for (size_t i = 0; i < ex->n_actions; i++) {
        const ex_action_t *x = &ex->actions[i];
        if (x->team != team)
            continue;
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:I}", "seq", (json_int_t)x->seq, "action",
                      x->action >= 0 && x->action < SW_ACT__COUNT ? sw_action_names[x->action] : "",
                      "host", x->host < w->n_hosts ? w->hosts[x->host].hostname : "", "status",
                      states[x->state], "issued_ms", (json_int_t)x->issued_ms);
        if (x->state != EX_ACT_PENDING) {
            json_object_set_new(j, "done_ms", json_integer(x->done_ms));
            json_object_set_new(j, "result", json_string(x->detail ? x->detail : ""));
        }
        json_array_append_new(a, j);
    }
    return a;
}

/* ---- a team's view ----------------------------------------------------------- */

static const char *business_state(double v)
{
    return v >= 1 ? "up" : v > 0 ? "degraded" : "down";
}

json_t *sw_exercise_team_view(const sw_exercise_t *ex, uint32_t team)
{
    const sw_world_t *w = ex->w;
    if (team >= w->n_teams || !ex->sim)
        return NULL;
    json_t *orgs = json_array(), *hosts = json_array(), *biz = json_array(), *links = json_array();
    for (uint32_t o = 0; o < w->n_orgs; o++)
        if (w->orgs[o].team == team)
            json_array_append_new(orgs, json_pack("{s:s, s:s, s:s}", "id", w->orgs[o].id, "name",
                                                  w->orgs[o].name ? w->orgs[o].name : "", "kind",
                                                  sw_org_kind_names[w->orgs[o].kind]));
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        const sw_host_t *x = &w->hosts[h];
        if (x->team != team)
            continue;
        json_t *j =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", x->id, "hostname",
                      x->hostname ? x->hostname : x->id, "ip", x->ip_text ? x->ip_text : "", "org",
                      x->org < w->n_orgs ? w->orgs[x->org].id : "", "zone",
                      x->network < w->n_networks ? sw_zone_names[w->networks[x->network].zone] : "",
                      "role", sw_role_names[x->role], "os", x->os ? x->os : "", "state",
                      sw_host_state_names[sw_sim_host_state(ex->sim, h)], "isolated",
                      sw_sim_host_isolated(ex->sim, h));
        json_array_append_new(hosts, j);
    }
    for (uint32_t b = 0; b < w->n_business; b++) {
        if (w->business[b].team != team)
            continue;
        double now = sw_sim_business_now(ex->sim, b);
        json_t *j = json_pack("{s:s, s:s, s:s, s:f, s:f}", "id", w->business[b].id, "name",
                              w->business[b].name ? w->business[b].name : w->business[b].id,
                              "state", business_state(now), "weight", w->business[b].weight,
                              "availability", sw_sim_business_availability(ex->sim, b));
        if (now < 1 && ex->causes && ex->causes[b])
            json_object_set_new(j, "cause", json_string(ex->causes[b]));
        json_array_append_new(biz, j);
    }
    /* links the team's organisations ride on (their international paths) */
    for (uint32_t l = 0; l < w->n_links; l++) {
        int used = 0;
        for (uint32_t o = 0; o < w->n_orgs && !used; o++) {
            if (w->orgs[o].team != team)
                continue;
            for (uint32_t i = 0; i < w->orgs[o].intl_primary.n; i++)
                used |= w->orgs[o].intl_primary.ids[i] == l;
            for (uint32_t i = 0; i < w->orgs[o].intl_backup.n; i++)
                used |= w->orgs[o].intl_backup.ids[i] == l;
        }
        if (used)
            json_array_append_new(
                links,
                json_pack("{s:s, s:s, s:s, s:b, s:f}", "id", w->links[l].id, "name",
                          w->links[l].name ? w->links[l].name : w->links[l].id, "kind",
                          sw_link_kind_names[w->links[l].kind], "up", sw_sim_link_up(ex->sim, l),
                          "capacity_mbps", w->links[l].capacity_mbps));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:f}", "team", w->teams[team].id, "name",
                     w->teams[team].name ? w->teams[team].name : w->teams[team].id, "organisations",
                     orgs, "hosts", hosts, "business", biz, "links", links, "actions",
                     actions_json(ex, team), "availability",
                     sw_sim_team_availability(ex->sim, team));
}

/* The steps of adversary a tried against team (every team: SW_NONE), in
 * the order first tried, from the score's stages: when, how often, with
 * what success, on which hosts. */
static json_t *steps_json(const sw_exercise_t *ex, uint32_t a, uint32_t team)
{
    json_t *steps = json_array();
    if (!ex->score)
        return steps;
    sw_score_facts_t f;
    sw_score_facts(ex->score, &f);
    for (uint32_t i = 0; i < f.n_stages; i++) {
        const sw_score_stage_t *s = &f.stages[i];
        if (s->adversary != a || (team != SW_NONE && s->team != team))
            continue;
        json_t *hosts = json_array();
        for (uint32_t k = 0; k < s->n_hosts; k++)
            json_array_append_new(hosts, json_string(ex->w->hosts[s->hosts[k]].hostname));
        json_array_append_new(
            steps,
            json_pack("{s:s, s:s, s:I, s:o, s:i, s:i, s:o}", "step",
                      ex->w->adversaries[a].steps[s->step].id, "team", ex->w->teams[s->team].id,
                      "first_ms", (json_int_t)s->start_ms, "success_ms",
                      s->success_ms >= 0 ? json_integer(s->success_ms) : json_null(), "attempts",
                      (int)s->n_attempts, "successes", (int)s->n_success, "hosts", hosts));
    }
    return steps;
}

json_t *sw_exercise_truth_json(const sw_exercise_t *ex, uint32_t team)
{
    const sw_world_t *w = ex->w;
    if (!ex->sim)
        return NULL;
    json_t *advs = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        const sw_adversary_t *ad = &w->adversaries[a];
        int targets = team == SW_NONE;
        for (uint32_t i = 0; i < ad->targets.n && !targets; i++)
            targets = ad->targets.ids[i] == team;
        if (!targets)
            continue;
        json_t *footholds = json_array(), *objs = json_array();
        for (uint32_t h = 0; h < w->n_hosts; h++) {
            if (team != SW_NONE && w->hosts[h].team != team)
                continue;
            sw_priv_t p = sw_sim_priv(ex->sim, a, h);
            if (p == SW_PRIV_NONE)
                continue;
            json_t *persist = json_array();
            uint32_t mask = sw_sim_persist_mask(ex->sim, a, h);
            for (int k = 0; k < SW_PERSIST__COUNT; k++)
                if (mask & (1u << k))
                    json_array_append_new(persist, json_string(sw_persist_names[k]));
            json_array_append_new(footholds,
                                  json_pack("{s:s, s:s, s:s, s:o}", "host", w->hosts[h].id,
                                            "hostname", w->hosts[h].hostname, "priv",
                                            sw_priv_names[p], "persistence", persist));
        }
        for (uint32_t o = 0; o < ad->n_objectives; o++) {
            int64_t at = sw_sim_objective_reached(ex->sim, a, o);
            json_array_append_new(objs,
                                  json_pack("{s:s, s:s, s:o, s:b}", "id", ad->objectives[o].id,
                                            "kind", sw_obj_kind_names[ad->objectives[o].kind],
                                            "reached_ms", at >= 0 ? json_integer(at) : json_null(),
                                            "holds", sw_sim_objective_holds(ex->sim, a, o)));
        }
        json_array_append_new(advs,
                              json_pack("{s:s, s:s, s:b, s:o, s:o, s:o}", "id", ad->id, "name",
                                        ad->name ? ad->name : ad->id, "c2",
                                        sw_sim_c2_working(ex->sim, a), "footholds", footholds,
                                        "objectives", objs, "steps", steps_json(ex, a, team)));
    }
    return json_pack("{s:o}", "adversaries", advs);
}
