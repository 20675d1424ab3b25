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
 *   rule.broken     {"text"}                       (team: the one that broke it)
 *   inject.compose  {"to":[teams] or [],"subject","body","kind","indicators":[..]} */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exercise/ex_int.h"
#include "exercise/stix.h"
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
    /* published as journaled (alerts/deploy.c wrote it: read it back); the
     * act is done whatever the read says */
    sw_journal_filter_t f = {ex->w->teams[ti].id, "alert.triage", seq - 1};
    note_ctx_t c = {ex, ti, seq};
    sw_journal_list(ex->j, &f, note_entry, &c, &err);
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
    ex_command(ex, &c, rp->seq);
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

/* A white-cell act that costs team points when scored (a hint, a rule
 * broken): its text journaled as kind; the answer says what it costs. */
static int costed_act(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                      const char *kind, const char *what, double cost, sw_ex_reply_t *rp)
{
    uint32_t ti;
    int rc = team_for_act(ex, team, &ti, rp);
    if (rc)
        return rc;
    char field[64];
    snprintf(field, sizeof field, "the %s", what);
    if (!text_ok(text, EX_MAX_TEXT, field, rp))
        return SW_EINVAL;
    if ((rc =
             journaled(ex, actor, ex->w->teams[ti].id, kind, json_pack("{s:s}", "text", text), rp)))
        return rc;
    reply(rp, "%s #%lld for %s (it costs the team %g points when scored)", what, (long long)rp->seq,
          ex->w->teams[ti].id, cost);
    return SW_OK;
}

int sw_exercise_hint(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                     sw_ex_reply_t *rp)
{
    return costed_act(ex, actor, team, text, "hint.release", "hint", ex->w->scoring.hint_cost, rp);
}

int sw_exercise_rule_broken(sw_exercise_t *ex, const char *actor, const char *team,
                            const char *text, sw_ex_reply_t *rp)
{
    return costed_act(ex, actor, team, text, "rule.broken", "rule broken",
                      ex->w->scoring.rule_broken_cost, rp);
}

int sw_exercise_scoreboard_set(sw_exercise_t *ex, const char *actor, int hidden, int frozen,
                               sw_ex_reply_t *rp)
{
    memset(rp, 0, sizeof *rp);
    if (ex->bare) {
        reply(rp, "a database of records only has no scoreboard");
        return SW_ESTATE;
    }
    if (hidden < 0)
        hidden = ex->sb_hidden;
    if (frozen < 0)
        frozen = ex->sb_frozen != NULL;
    int rc = journaled(ex, actor, "", "scoreboard.set",
                       json_pack("{s:b, s:b}", "hidden", hidden, "frozen", frozen), rp);
    if (rc)
        return rc;
    ex_scoreboard_apply(ex, hidden, frozen);
    reply(rp, "the scoreboard is %s for players and observers",
          hidden   ? "hidden"
          : frozen ? "frozen as it stands now"
                   : "live");
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

/* ---- indicators shared between teams (STIX 2.1) --------------------------------- */

typedef struct shared_ctx {
    const char *to;
    const sw_stix_ind_t *ind;
    int found;
} shared_ctx_t;

/* Did an earlier indicator.share of the team send ind to `to` (or to all)? */
static int shared_one(const sw_journal_entry_t *e, void *ud)
{
    shared_ctx_t *c = ud;
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *to = json_string_value(json_object_get(p, "to"));
    json_t *inds = json_object_get(p, "indicators");
    if (to && (!strcasecmp(to, c->to) || !strcmp(to, "all"))) {
        size_t i;
        json_t *x;
        json_array_foreach(inds, i, x)
        {
            const char *t = json_string_value(json_object_get(x, "type"));
            const char *v = json_string_value(json_object_get(x, "value"));
            if (t && v && !strcmp(t, c->ind->type) && !strcmp(v, c->ind->value))
                c->found = 1;
        }
    }
    json_decref(p);
    return c->found;
}

int sw_exercise_share_indicators(sw_exercise_t *ex, const char *actor, const char *team,
                                 const char *to, const sw_stix_ind_t *ind, size_t n,
                                 const char *tlp, const char *note, sw_ex_reply_t *rp)
{
    uint32_t ti, to_i = SW_NONE;
    int rc = team_for_act(ex, team, &ti, rp);
    if (rc)
        return rc;
    if (ex->state == SW_EX_ENDED) {
        reply(rp, "the exercise has ended");
        return SW_ESTATE;
    }
    if (!to || !*to || !strcasecmp(to, "all")) {
        to = "all";
    } else {
        char why[512];
        if ((to_i = sw_exercise_find_team(ex, to, why, sizeof why)) == SW_NONE) {
            reply(rp, "%s", why);
            return SW_EINVAL;
        }
        if (to_i == ti || ex->w->teams[to_i].kind != SW_TEAM_PLAYER) {
            reply(rp, "share with another player team, not %s", ex->w->teams[to_i].id);
            return SW_EINVAL;
        }
        to = ex->w->teams[to_i].id;
    }
    if (n == 0 || n > SW_STIX_MAX_INDICATORS) {
        reply(rp, "a share has 1 to %d indicators", SW_STIX_MAX_INDICATORS);
        return SW_EINVAL;
    }
    if (note && strlen(note) > EX_MAX_TEXT) {
        reply(rp, "the note is longer than %d bytes", EX_MAX_TEXT);
        return SW_EINVAL;
    }
    static const char *const tlp_ok[] = {"clear", "white", "green", "amber", "red", NULL};
    int tlp_known = !tlp;
    for (int i = 0; tlp && tlp_ok[i]; i++)
        tlp_known |= !strcasecmp(tlp, tlp_ok[i]);
    if (!tlp_known) {
        reply(rp, "TLP '%s' is not clear, green, amber or red", tlp);
        return SW_EINVAL;
    }
    sw_stix_ind_t *kept = calloc(n, sizeof *kept);
    if (!kept) {
        reply(rp, "out of memory");
        return SW_ENOMEM;
    }
    size_t nk = 0, dup = 0;
    for (size_t i = 0; i < n; i++) {
        sw_stix_ind_t x = ind[i];
        char why[300];
        if (sw_stix_check(&x, why, sizeof why)) {
            reply(rp, "indicator %zu: %s", i + 1, why);
            free(kept);
            return SW_EINVAL;
        }
        int again = 0;
        for (size_t k = 0; k < nk && !again; k++)
            again = !strcmp(kept[k].type, x.type) && !strcmp(kept[k].value, x.value);
        shared_ctx_t c = {to, &x, 0};
        sw_journal_filter_t f = {ex->w->teams[ti].id, "indicator.share", 0};
        if (!again && ex->j)
            sw_journal_list(ex->j, &f, shared_one, &c, NULL);
        if (again || c.found)
            dup++;
        else
            kept[nk++] = x;
    }
    if (nk == 0) {
        free(kept);
        reply(rp, "%s already shared %s with %s: nothing new", ex->w->teams[ti].id,
              n == 1 ? "that indicator" : "those indicators", to);
        return SW_EEXIST;
    }
    int64_t unix_ms = sw_world_epoch_ms(ex->w) + ex->now_ms;
    json_t *bundle = sw_stix_bundle(ex->w->teams[ti].id, ex->w->teams[ti].name, kept, nk,
                                    tlp ? tlp : "green", note, unix_ms);
    json_t *inds = json_array();
    for (size_t i = 0; i < nk; i++) {
        char key[700], id[96];
        snprintf(key, sizeof key, "%s|%s|%s", ex->w->teams[ti].id, kept[i].type, kept[i].value);
        sw_stix_id("indicator", key, id, sizeof id);
        json_array_append_new(inds, json_pack("{s:s, s:s, s:s}", "type", kept[i].type, "value",
                                              kept[i].value, "id", id));
    }
    free(kept);
    json_t *p = json_pack("{s:s, s:s, s:s, s:o, s:o}", "to", to, "tlp", tlp ? tlp : "green", "note",
                          note ? note : "", "indicators", inds, "bundle", bundle);
    if ((rc = journaled(ex, actor, ex->w->teams[ti].id, "indicator.share", p, rp)))
        return rc;
    reply(rp, "%s shared %zu indicator%s with %s as STIX 2.1 (journal #%lld)%s",
          ex->w->teams[ti].id, nk, nk == 1 ? "" : "s", to, (long long)rp->seq,
          dup ? "; the others were shared before" : "");
    return SW_OK;
}
