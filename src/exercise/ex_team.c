/* ex_team.c — a team's acts beyond responses: triaging its alerts, filing
 * incident reports, its chat; and the white cell's: broadcasts, hints,
 * injects composed on the day. Each is validated, journaled at the current
 * exercise time, and only then acknowledged; scoring and the after-action
 * report read them from the journal.
 *
 * Journal kinds written here (payload JSON objects):
 *   alert.triage    {"alert","status","assignee","incident","rule_id","record","note"}
 *                   (by alerts/deploy.c, with the alert's state)
 *   report.submit   {"title","narrative","incident","techniques":[..],"hosts":[..],
 *                    "indicators":[{"type","value"}],"alerts":[..]}
 *   message.post    {"channel":"team"|"all","text"}
 *   hint.release    {"text"}                       (team: the one it helps)
 *   inject.compose  {"to":[teams] or [],"subject","body","kind","indicators":[..]} */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exercise/ex_int.h"
#include "scenario/attack_table.h"

#define EX_MAX_TEXT 16384 /* bytes of a narrative, a message, an inject body */
#define EX_MAX_ITEMS 64   /* techniques, hosts, indicators, alerts in one report */

static void reply(sw_ex_reply_t *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(sw_ex_reply_t *rp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->msg, sizeof rp->msg, fmt, ap);
    va_end(ap);
}

/* A player team, its store handle, and the exercise open to its acts. */
static int team_for_act(sw_exercise_t *ex, const char *team, uint32_t *ti, sw_ex_reply_t *rp)
{
    char why[512];
    memset(rp, 0, sizeof *rp);
    if (ex->bare) {
        reply(rp, "%s holds records only: there is no exercise to act in", ex->db);
        return SW_ESTATE;
    }
    if ((*ti = sw_exercise_find_team(ex, team, why, sizeof why)) == SW_NONE) {
        reply(rp, "%s", why);
        return SW_EINVAL;
    }
    if (ex->w->teams[*ti].kind != SW_TEAM_PLAYER) {
        reply(rp, "%s is an observer delegation: observers watch, they do not act",
              ex->w->teams[*ti].id);
        return SW_EINVAL;
    }
    return SW_OK;
}

static int text_ok(const char *s, size_t max, const char *what, sw_ex_reply_t *rp)
{
    if (!s || !*s) {
        reply(rp, "%s is empty", what);
        return 0;
    }
    if (strlen(s) > max) {
        reply(rp, "%s is longer than %zu bytes", what, max);
        return 0;
    }
    return 1;
}

static int journaled(sw_exercise_t *ex, const char *actor, const char *team, const char *kind,
                     json_t *p, sw_ex_reply_t *rp)
{
    sw_errbuf_t err;
    int64_t seq = 0;
    int rc = ex_journal(ex, actor, team, kind, ex->now_ms, p, NULL, NULL, &seq, &err);
    if (rc) {
        reply(rp, "not done: %s", err.msg);
        return rc;
    }
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    return SW_OK;
}

/* ---- alerts ------------------------------------------------------------------- */

typedef struct note_ctx {
    sw_exercise_t *ex;
    uint32_t team;
    int64_t seq;
} note_ctx_t;

static int note_entry(const sw_journal_entry_t *e, void *ud)
{
    note_ctx_t *c = ud;
    if (e->seq != c->seq)
        return 1;
    sw_ex_note_t n = {.kind = SW_EXN_ACT, .at_ms = e->at_ms, .team = c->team, .act = e};
    ex_note(c->ex, &n);
    return 1;
}

int sw_exercise_triage(sw_exercise_t *ex, const char *actor, const char *team,
                       const sw_alert_triage_t *tr, sw_ex_reply_t *rp)
{
    uint32_t ti;
    int rc = team_for_act(ex, team, &ti, rp);
    if (rc)
        return rc;
    sw_store_team_t *t = ex->stores ? ex->stores[ti] : NULL;
    if (!t) {
        reply(rp, "alerts need an exercise database");
        return SW_ESTATE;
    }
    sw_errbuf_t err;
    if ((rc = ex_flush_records(ex, &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    sw_act_t act = {ex_actor(ex, actor), ex->now_ms, ex_wall(ex)};
    int64_t seq = 0;
    if ((rc = sw_alerts_triage(ex->deploy, t, &act, tr, &seq, &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    reply(rp, "alert %lld of %s: %s%s%s", (long long)tr->alert, ex->w->teams[ti].id, tr->status,
          tr->assignee && *tr->assignee ? ", assigned to " : "",
          tr->assignee && *tr->assignee ? tr->assignee : "");
    /* published as journaled (alerts/deploy.c wrote it: read it back) */
    sw_journal_filter_t f = {ex->w->teams[ti].id, "alert.triage", seq - 1};
    note_ctx_t c = {ex, ti, seq};
    if (sw_journal_list(ex->j, &f, note_entry, &c, &err) < 0) {
        reply(rp, "%s", err.msg);
        return SW_EIO;
    }
    return SW_OK;
}

/* ---- incident reports ------------------------------------------------------------ */

int sw_exercise_report(sw_exercise_t *ex, const char *actor, const char *team,
                       const sw_ex_report_t *r, sw_ex_reply_t *rp)
{
    uint32_t ti;
    int rc = team_for_act(ex, team, &ti, rp);
    if (rc)
        return rc;
    if (ex->state == SW_EX_ENDED) {
        reply(rp, "the exercise has ended: reports are closed");
        return SW_ESTATE;
    }
    if (!text_ok(r->title, 200, "the report's title", rp))
        return SW_EINVAL;
    if (r->narrative && strlen(r->narrative) > EX_MAX_TEXT) {
        reply(rp, "the narrative is longer than %d bytes", EX_MAX_TEXT);
        return SW_EINVAL;
    }
    if (r->n_techniques > EX_MAX_ITEMS || r->n_hosts > EX_MAX_ITEMS ||
        r->n_indicators > EX_MAX_ITEMS || r->n_alerts > EX_MAX_ITEMS) {
        reply(rp, "a report lists at most %d techniques, hosts, indicators and alerts each",
              EX_MAX_ITEMS);
        return SW_EINVAL;
    }
    json_t *tech = json_array(), *hosts = json_array(), *inds = json_array(),
           *alerts = json_array();
    char why[512];
    rc = SW_EINVAL;
    for (uint32_t i = 0; i < r->n_techniques; i++) {
        const char *id = r->techniques[i];
        if (!id || !sw_attack_id_valid(id) || !sw_attack_lookup(id, NULL, 0, NULL, 0)) {
            reply(rp, "'%s' is not an ATT&CK technique id (like T1003 or T1003.003)", id ? id : "");
            goto done;
        }
        json_array_append_new(tech, json_string(id));
    }
    for (uint32_t i = 0; i < r->n_hosts; i++) {
        uint32_t h = sw_exercise_find_host(ex, ti, r->hosts[i], why, sizeof why);
        if (h == SW_NONE) {
            reply(rp, "%s", why);
            goto done;
        }
        json_array_append_new(hosts, json_string(ex->w->hosts[h].id));
    }
    for (uint32_t i = 0; i < r->n_indicators; i++) {
        const sw_ex_indicator_t *in = &r->indicators[i];
        if (!text_ok(in->type, 64, "an indicator's type", rp) ||
            !text_ok(in->value, 1024, "an indicator's value", rp))
            goto done;
        json_array_append_new(inds, json_pack("{s:s, s:s}", "type", in->type, "value", in->value));
    }
    for (uint32_t i = 0; i < r->n_alerts; i++)
        json_array_append_new(alerts, json_integer(r->alerts[i]));
    json_t *p =
        json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O}", "title", r->title, "narrative",
                  r->narrative ? r->narrative : "", "incident", r->incident ? r->incident : "",
                  "techniques", tech, "hosts", hosts, "indicators", inds, "alerts", alerts);
    if (!p) {
        reply(rp, "out of memory");
        rc = SW_ENOMEM;
        goto done;
    }
    if ((rc = journaled(ex, actor, ex->w->teams[ti].id, "report.submit", p, rp)))
        goto done;
    /* the sim's own record of it (a report event in the stream) */
    sw_cmd_t c;
    sw_cmd_init(&c);
    c.action = SW_ACT_REPORT;
    c.team = ti;
    c.at_ms = ex->now_ms;
    c.arg = r->title;
    sw_sim_command(ex->sim, &c);
    reply(rp, "report \"%s\" filed by %s at #%lld: %u techniques, %u hosts, %u indicators",
          r->title, ex->w->teams[ti].id, (long long)rp->seq, r->n_techniques, r->n_hosts,
          r->n_indicators);
done:
    json_decref(tech);
    json_decref(hosts);
    json_decref(inds);
    json_decref(alerts);
    return rc;
}

/* ---- messages, hints, injects of the day ----------------------------------------- */

int sw_exercise_message(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                        sw_ex_reply_t *rp)
{
    uint32_t ti = SW_NONE;
    int rc;
    memset(rp, 0, sizeof *rp);
    if (team && *team && (rc = team_for_act(ex, team, &ti, rp)))
        return rc;
    if (!text_ok(text, EX_MAX_TEXT, "the message", rp))
        return SW_EINVAL;
    json_t *p = json_pack("{s:s, s:s}", "channel", ti == SW_NONE ? "all" : "team", "text", text);
    if ((rc =
             journaled(ex, actor, ti == SW_NONE ? "" : ex->w->teams[ti].id, "message.post", p, rp)))
        return rc;
    reply(rp, "message #%lld to %s", (long long)rp->seq,
          ti == SW_NONE ? "everyone" : ex->w->teams[ti].id);
    return SW_OK;
}

int sw_exercise_hint(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                     sw_ex_reply_t *rp)
{
    uint32_t ti;
    int rc = team_for_act(ex, team, &ti, rp);
    if (rc)
        return rc;
    if (!text_ok(text, EX_MAX_TEXT, "the hint", rp))
        return SW_EINVAL;
    if ((rc = journaled(ex, actor, ex->w->teams[ti].id, "hint.release",
                        json_pack("{s:s}", "text", text), rp)))
        return rc;
    reply(rp, "hint #%lld for %s (it costs the team %g points when scored)", (long long)rp->seq,
          ex->w->teams[ti].id, ex->w->scoring.hint_cost);
    return SW_OK;
}

int sw_exercise_compose_inject(sw_exercise_t *ex, const char *actor, const char *to,
                               const char *subject, const char *body, sw_ex_reply_t *rp)
{
    memset(rp, 0, sizeof *rp);
    uint32_t ti = SW_NONE;
    int rc;
    if (ex->bare || ex->state == SW_EX_ENDED) {
        reply(rp, "%s",
              ex->bare ? "a database of records only has no injects" : "the exercise has ended");
        return SW_ESTATE;
    }
    if (to && *to && strcasecmp(to, "all") && (rc = team_for_act(ex, to, &ti, rp)))
        return rc;
    if (!text_ok(subject, 200, "the subject", rp) || !text_ok(body, EX_MAX_TEXT, "the body", rp))
        return SW_EINVAL;
    json_t *dest = json_array();
    if (ti != SW_NONE)
        json_array_append_new(dest, json_string(ex->w->teams[ti].id));
    json_t *p = json_pack("{s:o, s:s, s:s, s:s}", "to", dest, "subject", subject, "body", body,
                          "kind", "email");
    if ((rc = journaled(ex, actor, ti == SW_NONE ? "" : ex->w->teams[ti].id, "inject.compose", p,
                        rp)))
        return rc;
    reply(rp, "inject #%lld \"%s\" sent to %s", (long long)rp->seq, subject,
          ti == SW_NONE ? "every team" : ex->w->teams[ti].id);
    return SW_OK;
}
