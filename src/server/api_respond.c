/* api_respond.c — what a team can do, said before it does it: the response
 * actions (model/action.h's one table) with what each takes and costs, and,
 * for one host, the team's business services that depend on it, so the
 * interface's confirmation can say "isolating MAIL-01 takes Email down"
 * before the player commits. Read-only: the world is fixed once the
 * exercise starts (srv->w), and the route table decides who may ask. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/action.h"
#include "server/srv_int.h"

/* Does business service b need host h (directly, through one of its
 * services, or through another business service that does)? depth bounds
 * the walk (the scenario loader refuses cycles; this is belt and braces). */
static int needs_host(const sw_world_t *w, uint32_t b, uint32_t h, int depth)
{
    if (depth > 8 || b >= w->n_business)
        return 0;
    const sw_business_t *x = &w->business[b];
    for (int g = 0; g < 2; g++) {
        const sw_dep_t *deps = g ? x->any : x->all;
        uint32_t n = g ? x->n_any : x->n_all;
        for (uint32_t i = 0; i < n; i++) {
            if ((deps[i].kind == SW_DEP_HOST || deps[i].kind == SW_DEP_SERVICE) && deps[i].ref == h)
                return 1;
            if (deps[i].kind == SW_DEP_BUSINESS && needs_host(w, deps[i].ref, h, depth + 1))
                return 1;
        }
    }
    return 0;
}

int api_actions_catalogue(srv_req_t *r)
{
    static const char *const arg_names[] = {"",          "ip",   "domain",  "account", "cve",
                                            "indicator", "text", "process", "file"};
    const sw_world_t *w = r->srv->w;
    json_t *acts = json_array();
    for (int a = 0; a < SW_ACT__COUNT; a++) {
        const sw_action_info_t *in = sw_action_info((sw_action_t)a);
        if (!in || !in->name)
            continue;
        json_array_append_new(
            acts,
            json_pack("{s:s, s:b, s:b, s:s, s:b, s:b, s:I, s:s}", "action", in->name, "on_host",
                      in->on_host, "on_org", in->on_org, "arg",
                      (size_t)in->arg < sizeof arg_names / sizeof arg_names[0] ? arg_names[in->arg]
                                                                               : "",
                      "arg_required", in->arg_required, "needs_port", in->needs_port, "delay_ms",
                      (json_int_t)in->delay_ms, "effect", in->effect ? in->effect : ""));
    }
    json_t *j = json_pack("{s:s, s:o}", "team", r->team_id, "actions", acts);
    const char *host = srv_arg(r, "host");
    if (host) {
        uint32_t h = SW_NONE;
        for (uint32_t i = 0; i < w->n_hosts && h == SW_NONE; i++)
            if (w->hosts[i].team == r->team &&
                (!strcasecmp(w->hosts[i].id, host) || !strcasecmp(w->hosts[i].hostname, host)))
                h = i;
        if (h == SW_NONE) {
            json_decref(j);
            return srv_error(r, 404, "not_found", "no host '%.64s' in team %s", host, r->team_id);
        }
        json_t *affects = json_array();
        for (uint32_t b = 0; b < w->n_business; b++)
            if (w->business[b].team == r->team && needs_host(w, b, h, 0))
                json_array_append_new(
                    affects,
                    json_pack("{s:s, s:s}", "id", w->business[b].id, "name",
                              w->business[b].name ? w->business[b].name : w->business[b].id));
        json_object_set_new(j, "host",
                            json_pack("{s:s, s:s, s:o}", "id", w->hosts[h].id, "hostname",
                                      w->hosts[h].hostname, "affects", affects));
    }
    return srv_ok(r, 200, j);
}
