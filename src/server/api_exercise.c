/* api_exercise.c — the exercise as a whole: its state and clock, its teams,
 * a team's live network, the white cell's ground truth, the journal, and
 * the instructors' acts on the exercise (the clock, injects, broadcasts,
 * hints). Authorisation is the route table's (routes.c); handlers parse,
 * call the exercise (acts through the world thread) and answer. */
#include <stdlib.h>
#include <string.h>

#include "server/srv_int.h"

/* A control request with the session's account as its actor. */
static json_t *act(srv_req_t *r, json_t *req)
{
    json_object_set_new(req, "actor", json_string(r->who.name));
    return srv_world_call(r->srv, req);
}

int api_exercise_get(srv_req_t *r)
{
    srv_t *s = r->srv;
    json_t *clock = srv_snapshot_clock(s);
    const sw_world_t *w = s->w;
    json_t *j = json_pack("{s:o, s:s, s:s, s:s, s:s}", "clock", clock ? clock : json_object(),
                          "name", w->exercise.name ? w->exercise.name : "", "description",
                          w->exercise.description ? w->exercise.description : "", "timezone",
                          w->exercise.timezone ? w->exercise.timezone : "UTC", "observers_see",
                          sw_observer_view_names[s->info.observers_see]);
    json_object_set_new(j, "utc_offset_min", json_integer(w->exercise.utc_offset_min));
    json_object_set_new(j, "start_minute", json_integer(w->exercise.start_minute));
    if (w->exercise.date)
        json_object_set_new(j, "date", json_string(w->exercise.date));
    return srv_ok(r, 200, j);
}

int api_clock_post(srv_req_t *r)
{
    static const char *const f[] = {"what", "speed", NULL};
    if (srv_only(r, f))
        return 0;
    const char *what = srv_str(r, "what");
    if (!what)
        return srv_error(r, 400, "missing_field",
                         "the clock needs \"what\": start, pause, resume, speed or end");
    json_t *req = json_pack("{s:s, s:s}", "op", "clock", "what", what);
    json_t *sp = json_object_get(r->json, "speed");
    if (sp) {
        if (!json_is_number(sp))
            return json_decref(req), srv_error(r, 400, "bad_field", "\"speed\" is a number");
        json_object_set(req, "speed", sp);
    }
    return srv_act_answer(r, act(r, req));
}

int api_teams_get(srv_req_t *r)
{
    const sw_world_t *w = r->srv->w;
    json_t *a = json_array();
    for (uint32_t t = 0; t < w->n_teams; t++) {
        const sw_team_t *x = &w->teams[t];
        /* where the team is: its local time beside UTC (the exercise's
         * zone when the scenario gives the team none) */
        const char *tz = x->timezone ? x->timezone : w->exercise.timezone;
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "id", x->id, "name",
                         x->name ? x->name : x->id, "country", x->country ? x->country : "", "kind",
                         x->kind == SW_TEAM_PLAYER ? "player" : "observer", "timezone",
                         tz ? tz : "UTC", "utc_offset_min",
                         x->timezone ? x->utc_offset_min : w->exercise.utc_offset_min));
    }
    return srv_ok(r, 200, json_pack("{s:o}", "teams", a));
}

int api_team_network(srv_req_t *r)
{
    char *j = srv_snapshot_team_text(r->srv, r->team);
    if (!j)
        return srv_error(r, 503, "unavailable", "the exercise has not published yet");
    return srv_ok_text(r, 200, j);
}

int api_truth_get(srv_req_t *r)
{
    char *j = srv_snapshot_truth_text(r->srv, r->team);
    if (!j)
        return srv_error(r, 503, "unavailable", "the exercise has not published yet");
    return srv_ok_text(r, 200, j);
}

int api_injects_get(srv_req_t *r)
{
    const sw_world_t *w = r->srv->w;
    json_t *fired = srv_inbox(r->srv, SW_NONE);
    json_t *a = json_array();
    static const char *const trig[] = {"time", "attacker-on", "step", "objective"};
    for (uint32_t i = 0; i < w->n_injects; i++) {
        const sw_inject_t *in = &w->injects[i];
        json_t *to = json_array();
        for (uint32_t k = 0; k < in->to.n; k++)
            json_array_append_new(to, json_string(w->teams[in->to.ids[k]].id));
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:b}", "id", in->id,
                                           "title", in->title ? in->title : "", "kind",
                                           sw_inject_kind_names[in->kind], "trigger",
                                           trig[in->trigger], "at_ms", (json_int_t)in->at_ms, "to",
                                           to, "white_cell", in->to_instructors));
    }
    srv_translate_injects(r, a); /* ?lang= */
    srv_translate_injects(r, fired);
    return srv_ok(r, 200, json_pack("{s:o, s:o}", "scenario", a, "sent", fired));
}

int api_inject_post(srv_req_t *r)
{
    static const char *const f[] = {"id", "to", "subject", "body", NULL};
    if (srv_only(r, f))
        return 0;
    const char *id = srv_str(r, "id");
    if (id) /* a scenario's inject, released now */
        return srv_act_answer(r, act(r, json_pack("{s:s, s:s}", "op", "inject", "id", id)));
    const char *to = srv_str(r, "to"), *subject = srv_str(r, "subject"), *body = srv_str(r, "body");
    return srv_act_answer(
        r, act(r, json_pack("{s:s, s:s, s:s, s:s}", "op", "send", "to", to ? to : "all", "subject",
                            subject ? subject : "", "body", body ? body : "")));
}

/* A white-cell act on the team of the route that carries only {"text"}. */
static int team_text_act(srv_req_t *r, const char *op)
{
    static const char *const f[] = {"text", NULL};
    if (srv_only(r, f))
        return 0;
    const char *text = srv_str(r, "text");
    return srv_act_answer(r, act(r, json_pack("{s:s, s:s, s:s}", "op", op, "team", r->team_id,
                                              "text", text ? text : "")));
}

int api_hint_post(srv_req_t *r)
{
    return team_text_act(r, "hint");
}

int api_penalty_post(srv_req_t *r)
{
    return team_text_act(r, "penalty");
}

typedef struct jl {
    json_t *a;
    size_t max;
} jl_t;

static int journal_one(const sw_journal_entry_t *e, void *ud)
{
    jl_t *c = ud;
    json_t *p = json_loads(e->payload, 0, NULL);
    if (p) {
        json_object_del(p, "files");
        if (!strcmp(e->kind, "defender.attach"))
            json_object_del(p, "text");
    }
    json_t *x = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "seq", (json_int_t)e->seq, "wall_ms",
                          (json_int_t)e->wall_ms, "actor", e->actor, "team", e->team, "kind",
                          e->kind, "payload", p ? p : json_object());
    if (e->at_ms != SW_JOURNAL_NO_TIME)
        json_object_set_new(x, "at_ms", json_integer(e->at_ms));
    json_array_append_new(c->a, x);
    return json_array_size(c->a) >= c->max;
}

int api_journal_get(srv_req_t *r)
{
    const char *after = srv_arg(r, "after"), *kind = srv_arg(r, "kind"), *team = srv_arg(r, "team");
    sw_journal_filter_t f = {team, kind, after ? strtoll(after, NULL, 10) : 0};
    sw_journal_t *j = NULL;
    sw_errbuf_t err;
    jl_t c = {json_array(), 5000};
    int rc = sw_journal_open(r->srv->o.ex.db, &j, &err);
    if (!rc)
        rc = sw_journal_list(j, &f, journal_one, &c, &err);
    sw_journal_close(j);
    if (rc < 0) {
        json_decref(c.a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:o}", "entries", c.a));
}

int api_scoreboard_get(srv_req_t *r)
{
    int white = r->who.role == SW_ACCT_ADMIN || r->who.role == SW_ACCT_INSTRUCTOR;
    char *b = srv_snapshot_board_text(r->srv, white);
    if (!b)
        return srv_error(r, 503, "unavailable", "the scoreboard has not been computed yet");
    return srv_ok_text(r, 200, b);
}

int api_scoreboard_post(srv_req_t *r)
{
    static const char *const f[] = {"hidden", "frozen", NULL};
    if (srv_only(r, f))
        return 0;
    json_t *h = json_object_get(r->json, "hidden"), *fr = json_object_get(r->json, "frozen");
    if ((h && !json_is_boolean(h)) || (fr && !json_is_boolean(fr)) || (!h && !fr))
        return srv_error(r, 400, "bad_field",
                         "the scoreboard takes \"hidden\" and \"frozen\": "
                         "true or false");
    json_t *req = json_pack("{s:s}", "op", "scoreboard");
    if (h)
        json_object_set(req, "hidden", h);
    if (fr)
        json_object_set(req, "frozen", fr);
    return srv_act_answer(r, act(r, req));
}
