/* api_report.c — the after-action report over HTTP, the same document
 * `seawall report` writes (exercise/report_model.h, score/report.h): the
 * exercise replayed read-only in memory to now or to ?until=, its score,
 * the records behind missed stages from the team's store, and the SigmaHQ
 * rules that would have revealed them (`serve --rules`, or where a checkout
 * keeps them). One report is built at a time: a replay of a day's exercise
 * takes a second or two and the room's laptop has other work. Who may read
 * which report is the route table's (scope "report"). */
#include <stdlib.h>
#include <string.h>

#include "alerts/sigma_load.h"
#include "exercise/report_model.h"
#include "scenario/scenario.h"
#include "score/report.h"
#include "server/srv_int.h"

static const struct {
    const char *name, *type;
    sw_report_format_t f;
} formats[] = {
    {"html", "text/html; charset=utf-8", SW_REPORT_HTML},
    {"json", "application/json", SW_REPORT_JSON},
    {"md", "text/markdown; charset=utf-8", SW_REPORT_MD},
    {"csv", "text/csv; charset=utf-8", SW_REPORT_CSV},
};

/* The rules, loaded the first time a report asks (report_lock held). */
static sw_sigma_set_t *rules(srv_t *s, const char **from)
{
    if (!s->rules_tried) {
        s->rules_tried = 1;
        s->rules = sw_sigma_load_set(s->o.rules, s->o.n_rules, &s->rules_from,
                                     s->o.quiet ? NULL : stderr, "seawall serve");
    }
    *from = s->rules ? s->rules_from : NULL;
    return s->rules;
}

int api_report_get(srv_req_t *r)
{
    srv_t *s = r->srv;
    const char *fmt = srv_arg(r, "format") ? srv_arg(r, "format") : "html";
    size_t fi = 0;
    while (fi < sizeof formats / sizeof formats[0] && strcmp(formats[fi].name, fmt))
        fi++;
    if (fi == sizeof formats / sizeof formats[0])
        return srv_error(r, 400, "bad_field", "format '%.32s' is not html, json, md or csv", fmt);
    int64_t until = -1;
    const char *u = srv_arg(r, "until");
    if (u && sw_parse_exercise_time(u, &until))
        return srv_error(r, 400, "bad_field", "until '%.32s' is not an exercise time like T+02:00",
                         u);
    const char *team = r->team_id ? r->team_id : srv_arg(r, "team");
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_REPLAY;
    o.db = s->o.ex.db;
    o.telemetry = 1;
    o.replay_ms = until;
    pthread_mutex_lock(&s->report_lock);
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    int rc = sw_exercise_open(&o, &ex, NULL, &err);
    if (rc) {
        pthread_mutex_unlock(&s->report_lock);
        return srv_error(r, 500, "internal", "cannot replay the exercise: %s", err.msg);
    }
    if (team && !r->team_id) { /* ?team= of the all-teams route */
        char why[256];
        uint32_t t = sw_exercise_find_team(ex, team, why, sizeof why);
        if (t == SW_NONE || s->w->teams[t].kind != SW_TEAM_PLAYER) {
            sw_exercise_close(ex, NULL);
            pthread_mutex_unlock(&s->report_lock);
            return srv_error(r, 404, "not_found", "%s",
                             t == SW_NONE ? why : "an observer delegation has no score");
        }
    }
    const char *from = NULL;
    sw_sigma_set_t *rs = rules(s, &from);
    sw_store_t *st = NULL;
    if (sw_store_open(s->o.ex.db, &st, &err))
        st = NULL; /* the report goes without records */
    json_t *m = sw_report_model(ex, team, st, rs, from, &rc);
    if (st)
        sw_store_close(st);
    sw_exercise_close(ex, NULL);
    pthread_mutex_unlock(&s->report_lock);
    if (!m)
        return srv_error(r, 503, "unavailable", "%s", sw_strerror(rc ? rc : SW_ENOMEM));
    sw_buf_t out;
    sw_buf_init(&out, 0);
    rc = sw_report_render(m, formats[fi].f, &out);
    json_decref(m);
    if (rc || sw_buf_putc(&out, '\0')) {
        sw_buf_free(&out);
        return srv_error(r, 503, "unavailable", "%s", sw_strerror(rc ? rc : SW_ENOMEM));
    }
    srv_ok_text(r, 200, sw_buf_take(&out));
    r->content_type = formats[fi].type;
    return 0;
}
