/* summary.c — the exercise summary `run`, `simulate` and `replay` print
 * (summary.h). */
#include "cli/summary.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

static void tally_step(sw_summary_t *s, const sw_sim_event_t *ev)
{
    const char *t = ev->technique ? ev->technique : "?";
    for (uint32_t i = 0; i < s->n_steps; i++)
        if (!strcmp(s->steps[i].technique, t)) {
            s->steps[i].n[ev->outcome]++;
            return;
        }
    if (s->n_steps == s->cap_steps) {
        uint32_t ncap = s->cap_steps ? s->cap_steps * 2 : 32;
        sw_tally_step_t *n = realloc(s->steps, ncap * sizeof *n);
        if (!n)
            return;
        s->steps = n;
        s->cap_steps = ncap;
    }
    memset(&s->steps[s->n_steps], 0, sizeof s->steps[0]);
    s->steps[s->n_steps].technique = t; /* the world's string: lives with it */
    s->steps[s->n_steps++].n[ev->outcome]++;
}

void sw_summary_note(sw_summary_t *s, const sw_ex_note_t *n)
{
    if (n->kind != SW_EXN_SIM)
        return;
    const sw_sim_event_t *ev = n->ev;
    s->n_events++;
    switch (ev->type) {
    case SW_SEV_STEP:
        tally_step(s, ev);
        break;
    case SW_SEV_ACTION:
        if (ev->action >= 0 && ev->action < SW_ACT__COUNT)
            s->applied[ev->action]++;
        break;
    case SW_SEV_ACTION_FAILED:
        if (ev->action >= 0 && ev->action < SW_ACT__COUNT)
            s->failed[ev->action]++;
        break;
    case SW_SEV_CMD_REFUSED:
        s->refused++;
        break;
    default:
        break;
    }
}

void sw_summary_free(sw_summary_t *s)
{
    free(s->steps);
    memset(s, 0, sizeof *s);
}

/* Did adversary a attempt any step? (An adversary that never acts usually
 * means a scenario whose way in is closed, e.g. by a default-deny firewall.) */
static int adversary_acted(const sw_sim_t *sim, uint32_t a)
{
    for (uint32_t g = 0; g < sw_sim_gt_count(sim); g++)
        if (sw_sim_gt(sim, g)->adversary == a)
            return 1;
    return 0;
}

json_t *sw_summary_json(const sw_summary_t *s, const sw_exercise_t *ex, double wall_s)
{
    const sw_world_t *w = sw_exercise_world(ex);
    const sw_sim_t *sim = sw_exercise_sim(ex);
    json_t *j = json_object();
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)sw_exercise_sim_hash(ex));
    json_object_set_new(j, "scenario", json_string(w->exercise.name ? w->exercise.name : ""));
    json_object_set_new(j, "seed", json_integer((json_int_t)sw_exercise_seed(ex)));
    json_object_set_new(j, "until_ms", json_integer(sw_exercise_now(ex)));
    json_object_set_new(j, "events", json_integer((json_int_t)s->n_events));
    json_object_set_new(j, "hash", json_string(hex));
    json_object_set_new(j, "wall_s", json_real(wall_s));
    json_t *objs = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        for (uint32_t o = 0; o < w->adversaries[a].n_objectives; o++) {
            const sw_adv_objective_t *ob = &w->adversaries[a].objectives[o];
            int64_t at = sw_sim_objective_reached(sim, a, o);
            json_t *x = json_object();
            json_object_set_new(x, "adversary", json_string(w->adversaries[a].id));
            json_object_set_new(x, "objective", json_string(ob->id));
            json_object_set_new(x, "kind", json_string(sw_obj_kind_names[ob->kind]));
            json_object_set_new(x, "reached_ms", at >= 0 ? json_integer(at) : json_null());
            json_object_set_new(x, "holds", json_boolean(sw_sim_objective_holds(sim, a, o)));
            json_array_append_new(objs, x);
        }
    json_object_set_new(j, "objectives", objs);
    json_t *teams = json_array();
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        json_t *x = json_object();
        json_object_set_new(x, "team", json_string(w->teams[t].id));
        json_object_set_new(x, "availability", json_real(sw_sim_team_availability(sim, t)));
        json_t *bs = json_object();
        for (uint32_t b = 0; b < w->n_business; b++)
            if (w->business[b].team == t)
                json_object_set_new(bs, w->business[b].id,
                                    json_real(sw_sim_business_availability(sim, b)));
        json_object_set_new(x, "business", bs);
        json_array_append_new(teams, x);
    }
    json_object_set_new(j, "teams", teams);
    json_t *steps = json_array();
    for (uint32_t i = 0; i < s->n_steps; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "technique", json_string(s->steps[i].technique));
        for (int o = SW_OUT_SUCCESS; o < SW_OUT__COUNT; o++)
            json_object_set_new(x, sw_outcome_names[o], json_integer(s->steps[i].n[o]));
        json_array_append_new(steps, x);
    }
    json_object_set_new(j, "steps", steps);
    json_t *acts = json_object();
    for (int a = 0; a < SW_ACT__COUNT; a++)
        if (s->applied[a] || s->failed[a]) {
            json_t *x = json_object();
            json_object_set_new(x, "applied", json_integer(s->applied[a]));
            json_object_set_new(x, "failed", json_integer(s->failed[a]));
            json_object_set_new(acts, sw_action_names[a], x);
        }
    json_object_set_new(j, "actions", acts);
    json_object_set_new(j, "refused", json_integer(s->refused));
    json_t *idle = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (!adversary_acted(sim, a))
            json_array_append_new(idle, json_string(w->adversaries[a].id));
    json_object_set_new(j, "idle_adversaries", idle);
    return j;
}

void sw_summary_print(FILE *f, const sw_summary_t *s, const sw_exercise_t *ex, double wall_s)
{
    const sw_world_t *w = sw_exercise_world(ex);
    const sw_sim_t *sim = sw_exercise_sim(ex);
    char t[32];
    fprintf(f, "%s — seed %llu, %s simulated in %.3f s, %llu events\n",
            w->exercise.name ? w->exercise.name : "scenario",
            (unsigned long long)sw_exercise_seed(ex),
            sw_format_ex_time(sw_exercise_now(ex), t, sizeof t), wall_s,
            (unsigned long long)s->n_events);
    fprintf(f, "\nobjectives\n");
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        for (uint32_t o = 0; o < w->adversaries[a].n_objectives; o++) {
            const sw_adv_objective_t *ob = &w->adversaries[a].objectives[o];
            int64_t at = sw_sim_objective_reached(sim, a, o);
            if (at >= 0)
                fprintf(f, "  %-12s %-20s %-12s reached %s%s\n", w->adversaries[a].id, ob->id,
                        sw_obj_kind_names[ob->kind], sw_format_ex_time(at, t, sizeof t),
                        sw_sim_objective_holds(sim, a, o) ? "" : " (no longer holds)");
            else
                fprintf(f, "  %-12s %-20s %-12s not reached\n", w->adversaries[a].id, ob->id,
                        sw_obj_kind_names[ob->kind]);
        }
    fprintf(f, "\navailability\n");
    for (uint32_t tm = 0; tm < w->n_teams; tm++) {
        if (w->teams[tm].kind != SW_TEAM_PLAYER)
            continue;
        fprintf(f, "  %-12s %.3f  ", w->teams[tm].id, sw_sim_team_availability(sim, tm));
        for (uint32_t b = 0; b < w->n_business; b++)
            if (w->business[b].team == tm)
                fprintf(f, " %s %.3f", w->business[b].id, sw_sim_business_availability(sim, b));
        fprintf(f, "\n");
    }
    fprintf(f, "\nattacker steps (technique: success/failure/interrupted)\n");
    for (uint32_t i = 0; i < s->n_steps; i++)
        fprintf(f, "  %-12s %u/%u/%u\n", s->steps[i].technique, s->steps[i].n[SW_OUT_SUCCESS],
                s->steps[i].n[SW_OUT_FAILURE], s->steps[i].n[SW_OUT_INTERRUPTED]);
    fprintf(f, "\ndefender actions (applied/failed)\n");
    int any = 0;
    for (int a = 0; a < SW_ACT__COUNT; a++)
        if (s->applied[a] || s->failed[a]) {
            fprintf(f, "  %-16s %u/%u\n", sw_action_names[a], s->applied[a], s->failed[a]);
            any = 1;
        }
    if (!any)
        fprintf(f, "  none\n");
    if (s->refused)
        fprintf(f, "  refused commands: %u\n", s->refused);
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (!adversary_acted(sim, a))
            fprintf(f,
                    "\nnote: adversary '%s' never found a step it could take: check that its\n"
                    "      initial access can happen (services exposed *and* allowed from the\n"
                    "      internet by the firewall, vulnerabilities, phishable users, start "
                    "time)\n",
                    w->adversaries[a].id);
    fprintf(f, "\nevent stream hash (fnv1a-64): %016llx\n",
            (unsigned long long)sw_exercise_sim_hash(ex));
}
