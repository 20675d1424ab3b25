/* api_plan.c — the adversaries' playbooks against one team, for the white
 * cell's ground truth page: each adversary that targets the team, its steps
 * in playbook order (id, name, ATT&CK technique and tactic, tool), so the
 * page can show what is done (from the truth it has seen) and what comes
 * next. Read from the world, fixed once the exercise starts (srv->w); the
 * route table lets only those who may see ground truth ask. */
#include <string.h>

#include "server/srv_int.h"

int api_truth_plan(srv_req_t *r)
{
    const sw_world_t *w = r->srv->w;
    json_t *advs = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++) {
        const sw_adversary_t *ad = &w->adversaries[a];
        int targets = 0;
        for (uint32_t i = 0; i < ad->targets.n && !targets; i++)
            targets = ad->targets.ids[i] == r->team;
        if (!targets)
            continue;
        json_t *steps = json_array();
        for (uint32_t s = 0; s < ad->n_steps; s++) {
            const sw_step_t *st = &ad->steps[s];
            json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", st->id,
                                                   "name", st->name ? st->name : st->id,
                                                   "technique", st->technique ? st->technique : "",
                                                   "tactic", st->tactic ? st->tactic : "", "tool",
                                                   st->tool ? st->tool : ""));
        }
        json_array_append_new(advs, json_pack("{s:s, s:s, s:o}", "id", ad->id, "name",
                                              ad->name ? ad->name : ad->id, "steps", steps));
    }
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, "adversaries", advs));
}
