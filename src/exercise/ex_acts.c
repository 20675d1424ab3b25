/* ex_acts.c — acts: each is validated (names resolved as players give
 * them), journaled at the exercise time it happens, then applied; and the
 * journal's replay, which applies the same entries again in order when an
 * exercise is opened.
 *
 * Journal kinds written here (payload JSON objects; at_ms is the exercise
 * time an act takes effect, queued_ms when the pipeline decided it earlier,
 * as a scripted defender's reaction with a delay):
 *   exercise.create   {"scenario","seed","until_ms","speed","version","files":[{"name","text"}]}
 *   action            {"action","host","org","to","value","port"[,"queued_ms"][,"defender":{...}]}
 *   clock.start|pause|resume|speed|end   {"speed"[,"reason"]}
 *   inject.release    {"inject"}
 *   defender.attach   {"name","text"}
 *   record.share      {"from","to","query","ids":[...]}
 * and by alerts/deploy.c: rule.deploy, rule.withdraw (at_ms set here).
 *
 * Replay (ex_replay): every entry after the first, in seq order: run the
 * pipeline to its queued time, apply it. Scripted defenders' commands that
 * are in the journal are known by key before the replay starts, so the
 * defenders, seeing the same events again, do not issue them twice. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "detect/query.h"
#include "exercise/ex_int.h"
#include "model/action.h"

#define EX_FORMAT_VERSION 1
#define EX_MAX_VALUE 4096 /* bytes of an action's value (a report's text) */

const char *const sw_ex_clock_op_names[] = {"start", "pause", "resume", "speed", "end"};

static void reply(sw_ex_reply_t *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(sw_ex_reply_t *rp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->msg, sizeof rp->msg, fmt, ap);
    va_end(ap);
}

static void reply_init(sw_ex_reply_t *rp)
{
    memset(rp, 0, sizeof *rp);
}

static const char *ex_time(int64_t ms, char *buf, size_t len)
{
    return sw_format_ex_time(ms, buf, len);
}

/* ---- the journal ---------------------------------------------------------------- */

int ex_journal(sw_exercise_t *ex, const char *actor, const char *team, const char *kind,
               int64_t at_ms, json_t *payload, sw_journal_tx_cb tx, void *ud, int64_t *seq,
               sw_errbuf_t *err)
{
    /* replay runs the pipeline to an act's time before applying it */
    int at_its_time = at_ms == ex->now_ms && !json_object_get(payload, "queued_ms");
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (!text)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    sw_journal_entry_t e = {0,    at_ms, ex_wall(ex), ex_actor(ex, actor), team ? team : "",
                            kind, text};
    int64_t s = 0;
    int rc = SW_OK;
    /* a replay in memory changes nothing on disk; the store's pending
     * appends go first (one writer at a time: journal.h) */
    if (ex->j && ex->o.how != SW_EXO_REPLAY && !(rc = ex_flush_records(ex, err)))
        rc = sw_journal_append(ex->j, &e, tx, ud, &s, err);
    if (!rc) {
        e.seq = s;
        /* the records were flushed up to now first: a resume replays to
         * this act, so the progress row need not be written for now too */
        if (ex->j && ex->o.how != SW_EXO_REPLAY && at_its_time)
            ex->progress_ms = ex->now_ms;
        sw_ex_note_t n = {.kind = SW_EXN_ACT, .at_ms = at_ms, .team = SW_NONE, .act = &e};
        if (team && *team)
            n.team = sw_world_team(ex->w, team);
        ex_note(ex, &n);
    }
    free(text);
    if (seq)
        *seq = s;
    return rc;
}

json_t *ex_create_payload(const sw_exercise_t *ex)
{
    json_t *files = json_array();
    for (uint32_t i = 0; files && i < ex->files.n; i++)
        json_array_append_new(files, json_pack("{s:s, s:s%}", "name", ex->files.v[i].name, "text",
                                               ex->files.v[i].text, ex->files.v[i].len));
    /* who plays and who watches, readable without loading the scenario */
    json_t *teams = json_array();
    for (uint32_t t = 0; teams && t < ex->w->n_teams; t++)
        json_array_append_new(
            teams, json_pack("{s:s, s:s}", "id", ex->w->teams[t].id, "kind",
                             ex->w->teams[t].kind == SW_TEAM_PLAYER ? "player" : "observer"));
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, ex->seed);
    return json_pack("{s:s, s:s, s:I, s:f, s:i, s:s, s:o, s:o}", "scenario", ex->scenario, "seed",
                     seed, "until_ms", (json_int_t)ex->until_ms, "speed", ex->speed, "version",
                     EX_FORMAT_VERSION, "observers_see",
                     sw_observer_view_names[ex->w->exercise.observers_see], "teams", teams, "files",
                     files);
}

int ex_read_create(sw_exercise_t *ex, const sw_journal_entry_t *e, sw_diags_t *diags,
                   sw_errbuf_t *err)
{
    json_error_t je;
    json_t *p = json_loads(e->payload, 0, &je);
    const char *scenario = NULL, *seed = NULL;
    json_int_t until = 0, version = 0;
    double speed = 1;
    json_t *files = NULL;
    int rc = SW_OK;
    if (p && json_is_array(json_object_get(p, "files")) &&
        json_array_size(json_object_get(p, "files")) == 0) {
        rc = sw_seterr(err, SW_EINVAL,
                       "%s: this exercise's world was built in memory (a test or benchmark): "
                       "it cannot be resumed",
                       ex->db);
        goto done;
    }
    if (!p ||
        json_unpack_ex(p, &je, 0, "{s:s, s:s, s:I, s:F, s:I, s:o}", "scenario", &scenario, "seed",
                       &seed, "until_ms", &until, "speed", &speed, "version", &version, "files",
                       &files) ||
        !json_is_array(files) || json_array_size(files) == 0) {
        rc = sw_seterr(err, SW_EINVAL, "%s: journal entry 1 (exercise.create) is damaged: %s",
                       ex->db, je.text);
        goto done;
    }
    if (version > EX_FORMAT_VERSION) {
        rc = sw_seterr(err, SW_EINVAL,
                       "%s was made by a newer seawall (exercise format %lld; this one reads %d)",
                       ex->db, (long long)version, EX_FORMAT_VERSION);
        goto done;
    }
    size_t n = json_array_size(files);
    if (!(ex->files.v = calloc(n, sizeof *ex->files.v))) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *text = NULL;
        size_t len = 0;
        if (json_unpack(json_array_get(files, i), "{s:s, s:s%}", "name", &name, "text", &text,
                        &len)) {
            rc = sw_seterr(err, SW_EINVAL, "%s: exercise.create: file %zu is damaged", ex->db, i);
            goto done;
        }
        sw_scenario_file_t *f = &ex->files.v[ex->files.n];
        f->name = strdup(name);
        f->text = malloc(len + 1);
        if (!f->name || !f->text) {
            free(f->name);
            free(f->text);
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(f->text, text, len + 1);
        f->len = len;
        ex->files.n++;
    }
    sw_diags_t own;
    sw_diags_init(&own);
    rc = sw_scenario_load_files(&ex->files, &ex->own, diags ? diags : &own);
    sw_diags_free(&own);
    if (rc) {
        rc = sw_seterr(err, SW_EINVAL, "%s: the exercise's scenario (%s) no longer loads", ex->db,
                       scenario);
        goto done;
    }
    ex->have_world = 1;
    char *end;
    errno = 0;
    ex->seed = strtoull(seed, &end, 10);
    ex->until_ms = until;
    ex->speed = speed > 0 ? speed : 1;
    if (errno || *end || until <= 0 || !(ex->scenario = strdup(scenario)))
        rc = sw_seterr(err, SW_EINVAL, "%s: exercise.create has a bad seed or end", ex->db);
done:
    json_decref(p);
    return rc;
}

/* ---- actions ------------------------------------------------------------------- */

/* The payload of an action; takes nothing, returns a new object. */
static json_t *action_payload(const sw_exercise_t *ex, const sw_cmd_t *c)
{
    const sw_world_t *w = ex->w;
    json_t *p = json_pack("{s:s}", "action", sw_action_names[c->action]);
    if (!p)
        return NULL;
    if (c->host < w->n_hosts)
        json_object_set_new(p, "host", json_string(w->hosts[c->host].id));
    if (c->org < w->n_orgs)
        json_object_set_new(p, "org", json_string(w->orgs[c->org].id));
    if (c->to_team < w->n_teams)
        json_object_set_new(p, "to", json_string(w->teams[c->to_team].id));
    if (c->arg)
        json_object_set_new(p, "value", json_string(c->arg));
    if (c->port)
        json_object_set_new(p, "port", json_integer(c->port));
    return p;
}

/* An action entry back into a command; 0 or -1 when it names what the
 * world has not. arg points into p. */
static int action_from_payload(const sw_exercise_t *ex, const sw_journal_entry_t *e, json_t *p,
                               sw_cmd_t *c)
{
    const sw_world_t *w = ex->w;
    sw_cmd_init(c);
    c->at_ms = e->at_ms;
    c->team = sw_world_team(w, e->team);
    const char *a = json_string_value(json_object_get(p, "action"));
    int ai = a ? sw_enum_lookup(sw_action_names, SW_ACT__COUNT, a) : -1;
    if (ai < 0 || c->team == SW_NONE)
        return -1;
    c->action = (sw_action_t)ai;
    const char *s;
    if ((s = json_string_value(json_object_get(p, "host"))) &&
        (c->host = sw_world_host(w, s)) == SW_NONE)
        return -1;
    if ((s = json_string_value(json_object_get(p, "org"))) &&
        (c->org = sw_world_org(w, s)) == SW_NONE)
        return -1;
    if ((s = json_string_value(json_object_get(p, "to"))) &&
        (c->to_team = sw_world_team(w, s)) == SW_NONE)
        return -1;
    c->arg = json_string_value(json_object_get(p, "value"));
    c->port = (uint16_t)json_integer_value(json_object_get(p, "port"));
    return 0;
}

/* Business services that need host h (directly): what isolating or taking
 * it down costs. Appends ", name, name" to buf. */
static void host_impact(const sw_exercise_t *ex, uint32_t h, char *buf, size_t len)
{
    const sw_world_t *w = ex->w;
    size_t used = strlen(buf);
    int n = 0;
    for (uint32_t b = 0; b < w->n_business; b++) {
        const sw_business_t *bs = &w->business[b];
        int hit = 0;
        for (uint32_t i = 0; i < bs->n_all && !hit; i++)
            hit = (bs->all[i].kind == SW_DEP_HOST || bs->all[i].kind == SW_DEP_SERVICE) &&
                  bs->all[i].ref == h;
        for (uint32_t i = 0; i < bs->n_any && !hit; i++)
            hit = (bs->any[i].kind == SW_DEP_HOST || bs->any[i].kind == SW_DEP_SERVICE) &&
                  bs->any[i].ref == h;
        if (!hit || used + 8 >= len)
            continue;
        int r =
            snprintf(buf + used, len - used, "%s%s", n++ ? ", " : "", bs->name ? bs->name : bs->id);
        if (r > 0)
            used += (size_t)r < len - used ? (size_t)r : len - used - 1;
    }
}

static int valid_domain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
            return 0;
    return 1;
}

/* Check and resolve a's value for action info into *out (static text or
 * text owned by the world/exercise). 0, or -1 with rp->msg filled. */
static int resolve_value(const sw_exercise_t *ex, uint32_t team, const sw_action_info_t *ai,
                         const sw_cmd_t *c, const char *v, const char **out, sw_ex_reply_t *rp)
{
    *out = NULL;
    if (!v || !*v) {
        if (ai->arg_required) {
            reply(rp, "%s needs %s %s", ai->name,
                  ai->arg == SW_ARG_IP || ai->arg == SW_ARG_INDICATOR ? "an" : "a",
                  ai->arg == SW_ARG_IP ? "IP address" : sw_arg_kind_names[ai->arg]);
            return -1;
        }
        return 0;
    }
    if (strlen(v) > EX_MAX_VALUE) {
        reply(rp, "the value is longer than %d bytes", EX_MAX_VALUE);
        return -1;
    }
    if (ai->arg == SW_ARG_NONE) {
        reply(rp, "%s takes no value (got '%s')", ai->name, v);
        return -1;
    }
    uint8_t ip[16];
    int v6;
    switch (ai->arg) {
    case SW_ARG_IP:
        if (sw_ip_parse(v, ip, &v6)) {
            reply(rp, "'%s' is not an IP address", v);
            return -1;
        }
        break;
    case SW_ARG_DOMAIN:
        if (!valid_domain(v)) {
            reply(rp, "'%s' is not a domain name", v);
            return -1;
        }
        break;
    case SW_ARG_ACCOUNT: {
        char why[256];
        if (!(*out = ex_find_account(ex, team, v, why, sizeof why))) {
            reply(rp, "%s", why);
            return -1;
        }
        return 0;
    }
    case SW_ARG_CVE:
        if (c->host < ex->w->n_hosts) {
            const sw_host_t *h = &ex->w->hosts[c->host];
            for (uint32_t i = 0; i < h->n_vulns; i++)
                if (!strcasecmp(h->vulns[i].cve, v)) {
                    *out = h->vulns[i].cve;
                    return 0;
                }
            char list[256] = "";
            size_t used = 0;
            for (uint32_t i = 0; i < h->n_vulns && used + 40 < sizeof list; i++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                         h->vulns[i].cve);
            reply(rp, "%s has no vulnerability %s to patch%s%s", h->hostname, v,
                  h->n_vulns ? "; its known ones: " : " (none is known on it)", list);
            return -1;
        }
        break;
    default:
        break;
    }
    *out = v;
    return 0;
}

int sw_exercise_action(sw_exercise_t *ex, const sw_ex_action_t *a, sw_ex_reply_t *rp)
{
    reply_init(rp);
    const sw_world_t *w = ex->w;
    char why[512];
    if (ex->bare) {
        reply(rp, "%s holds records only (made by seawall ingest): there is no exercise to act in",
              ex->db);
        return SW_ESTATE;
    }
    uint32_t team = sw_exercise_find_team(ex, a->team, why, sizeof why);
    if (team == SW_NONE) {
        reply(rp, "%s", why);
        return SW_EINVAL;
    }
    if (w->teams[team].kind != SW_TEAM_PLAYER) {
        reply(rp, "%s is an observer delegation: observers watch, they do not act",
              w->teams[team].id);
        return SW_EINVAL;
    }
    if (ex->state == SW_EX_ENDED) {
        reply(rp, "the exercise has ended: nothing more can be done in it");
        return SW_ESTATE;
    }
    int ai_i = a->action ? sw_enum_lookup(sw_action_names, SW_ACT__COUNT, a->action) : -1;
    if (ai_i < 0) {
        size_t used = (size_t)snprintf(rp->msg, sizeof rp->msg,
                                       "unknown action '%s'; one of:", a->action ? a->action : "");
        for (int i = 0; i < SW_ACT__COUNT && used < sizeof rp->msg; i++)
            used +=
                (size_t)snprintf(rp->msg + used, sizeof rp->msg - used, " %s", sw_action_names[i]);
        return SW_EINVAL;
    }
    const sw_action_info_t *ai = sw_action_info((sw_action_t)ai_i);
    sw_cmd_t c;
    sw_cmd_init(&c);
    c.action = (sw_action_t)ai_i;
    c.team = team;
    c.at_ms = ex->now_ms;
    if (ai->on_host) {
        if (!a->host || !*a->host) {
            reply(rp, "%s needs a host (as the logs name it, e.g. %s)", ai->name,
                  w->n_hosts ? w->hosts[0].hostname : "WS01");
            return SW_EINVAL;
        }
        if ((c.host = sw_exercise_find_host(ex, team, a->host, why, sizeof why)) == SW_NONE) {
            reply(rp, "%s", why);
            return SW_EINVAL;
        }
    } else if (a->host && *a->host) {
        reply(rp, "%s acts on no single host (got '%s')", ai->name, a->host);
        return SW_EINVAL;
    }
    if (a->org && *a->org) {
        if (!ai->on_org) {
            reply(rp, "%s cannot be limited to an organisation", ai->name);
            return SW_EINVAL;
        }
        if ((c.org = ex_find_org(ex, team, a->org, why, sizeof why)) == SW_NONE) {
            reply(rp, "%s", why);
            return SW_EINVAL;
        }
    }
    if (a->to && *a->to) {
        if (c.action != SW_ACT_SHARE_INDICATOR) {
            reply(rp, "only share-indicator has a recipient");
            return SW_EINVAL;
        }
        if ((c.to_team = sw_exercise_find_team(ex, a->to, why, sizeof why)) == SW_NONE) {
            reply(rp, "%s", why);
            return SW_EINVAL;
        }
        if (c.to_team == team || w->teams[c.to_team].kind != SW_TEAM_PLAYER) {
            reply(rp, "share with another player team, not %s", w->teams[c.to_team].id);
            return SW_EINVAL;
        }
    }
    if (ai->needs_port) {
        if (a->port < 1 || a->port > 65535) {
            reply(rp, "%s needs a port 1-65535", ai->name);
            return SW_EINVAL;
        }
        c.port = (uint16_t)a->port;
    } else if (a->port) {
        reply(rp, "%s takes no port", ai->name);
        return SW_EINVAL;
    }
    if (resolve_value(ex, team, ai, &c, a->value, &c.arg, rp))
        return SW_EINVAL;
    const char *swhy = NULL;
    if (sw_sim_command_check(ex->sim, &c, &swhy)) {
        reply(rp, "%s refused: %s", ai->name, swhy);
        return SW_EINVAL;
    }
    /* journaled, then applied, then acknowledged */
    json_t *p = action_payload(ex, &c);
    if (!p) {
        reply(rp, "out of memory");
        return SW_ENOMEM;
    }
    sw_errbuf_t err;
    int64_t seq = 0;
    int rc =
        ex_journal(ex, a->actor, w->teams[team].id, "action", c.at_ms, p, NULL, NULL, &seq, &err);
    if (rc) {
        reply(rp, "not done: %s", err.msg);
        return rc;
    }
    if ((rc = ex_command(ex, &c, seq))) {
        reply(rp, "journaled as #%lld but the simulation refused it: %s", (long long)seq,
              sw_strerror(rc));
        return rc;
    }
    rp->seq = seq;
    rp->at_ms = c.at_ms;
    rp->effect_ms = c.at_ms + ai->delay_ms;
    char t1[32], t2[32], impact[256] = "", what[384];
    if (c.host < w->n_hosts &&
        (c.action == SW_ACT_ISOLATE || c.action == SW_ACT_PATCH || c.action == SW_ACT_REIMAGE ||
         c.action == SW_ACT_RESTORE || c.action == SW_ACT_REFLASH))
        host_impact(ex, c.host, impact, sizeof impact);
    char port[16] = "";
    if (c.port)
        snprintf(port, sizeof port, " %u", c.port);
    snprintf(what, sizeof what, "%s%s%s%s%.200s%s", ai->name, c.host < w->n_hosts ? " " : "",
             c.host < w->n_hosts ? w->hosts[c.host].hostname : "",
             c.arg && c.action != SW_ACT_REPORT ? " " : "",
             c.arg && c.action != SW_ACT_REPORT ? c.arg : "", port);
    reply(rp, "%s for %s: journaled%s%lld at %s, takes effect at %s: %s%s%s", what,
          w->teams[team].id, seq ? " as #" : "", (long long)seq, ex_time(c.at_ms, t1, sizeof t1),
          ex_time(rp->effect_ms, t2, sizeof t2), ai->effect,
          *impact ? "; while it lasts it takes down: " : "", impact);
    return SW_OK;
}

/* ---- scripted defenders' commands ----------------------------------------------- */

static int key_eq(const ex_key_t *a, const ex_key_t *b)
{
    return a->defender == b->defender && a->timed == b->timed && a->index == b->index &&
           a->host == b->host && a->ev_seq == b->ev_seq;
}

int ex_key_has(const sw_exercise_t *ex, const ex_key_t *k)
{
    for (uint32_t i = 0; i < ex->n_keys; i++)
        if (key_eq(&ex->keys[i], k))
            return 1;
    return 0;
}

int ex_key_add(sw_exercise_t *ex, const ex_key_t *k)
{
    if (ex->n_keys == ex->cap_keys) {
        uint32_t ncap = ex->cap_keys ? ex->cap_keys * 2 : 64;
        ex_key_t *n = realloc(ex->keys, ncap * sizeof *n);
        if (!n)
            return SW_ENOMEM;
        ex->keys = n;
        ex->cap_keys = ncap;
    }
    ex->keys[ex->n_keys++] = *k;
    return SW_OK;
}

int ex_issue_reaction(sw_exercise_t *ex, const ex_reaction_t *r, sw_errbuf_t *err)
{
    ex_key_t k = {r->defender, r->timed, r->index, r->timed ? SW_NONE : r->cmd.host, r->ev_seq};
    if (ex_key_has(ex, &k))
        return SW_OK; /* in the journal already: the replay submits it */
    sw_cmd_t c = r->cmd;
    if (c.at_ms < ex->now_ms)
        c.at_ms = ex->now_ms;
    const char *why = NULL;
    if (sw_sim_command_check(ex->sim, &c, &why))
        return SW_OK; /* refused, as a player's would be: nothing journaled */
    json_t *p = action_payload(ex, &c);
    json_t *d =
        json_pack("{s:s, s:i, s:s, s:i}", "name", ex->defs[r->defender].name, "defender",
                  (int)r->defender, "kind", r->timed ? "timed" : "rule", "index", (int)r->index);
    if (!p || !d) {
        json_decref(p);
        json_decref(d);
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    }
    if (!r->timed)
        json_object_set_new(d, "ev", json_integer((json_int_t)r->ev_seq));
    json_object_set_new(p, "defender", d);
    if (c.at_ms != ex->now_ms)
        json_object_set_new(p, "queued_ms", json_integer(ex->now_ms));
    char actor[SW_JOURNAL_MAX_NAME + 1];
    snprintf(actor, sizeof actor, "defender:%s", ex->defs[r->defender].name);
    int64_t seq = 0;
    int rc =
        ex_journal(ex, actor, ex->w->teams[c.team].id, "action", c.at_ms, p, NULL, NULL, &seq, err);
    if (rc)
        return rc;
    if ((rc = ex_key_add(ex, &k)))
        return sw_seterr(err, rc, "out of memory");
    if ((rc = ex_command(ex, &c, seq)))
        return sw_seterr(err, rc, "the simulation refused a defender's command");
    return SW_OK;
}

/* ---- the clock ------------------------------------------------------------------ */

int64_t ex_clock_at(const sw_exercise_t *ex, int64_t wall_ms)
{
    if (ex->state != SW_EX_RUNNING)
        return ex->now_ms;
    double t = (double)ex->base_at_ms + (double)(wall_ms - ex->base_wall_ms) * ex->speed;
    if (t < (double)ex->now_ms)
        return ex->now_ms;
    if (t > (double)ex->until_ms)
        return ex->until_ms;
    return (int64_t)t;
}

/* Apply a clock act (live or replayed). */
static void clock_apply(sw_exercise_t *ex, sw_ex_clock_op_t op, double speed, int64_t wall_ms)
{
    if (speed > 0)
        ex->speed = speed;
    switch (op) {
    case SW_CLOCK_START:
    case SW_CLOCK_RESUME:
        ex->state = SW_EX_RUNNING;
        break;
    case SW_CLOCK_PAUSE:
        ex->state = SW_EX_PAUSED;
        break;
    case SW_CLOCK_END:
        ex->state = SW_EX_ENDED;
        sw_sim_finish(ex->sim); /* the END event: the availability figures */
        break;
    case SW_CLOCK_SPEED:
        break;
    }
    ex->base_at_ms = ex->now_ms;
    ex->base_wall_ms = wall_ms;
}

int sw_exercise_clock(sw_exercise_t *ex, const char *actor, sw_ex_clock_op_t op, double speed,
                      sw_ex_reply_t *rp)
{
    reply_init(rp);
    int64_t wall_ms = ex_wall(ex);
    static const int allowed[][4] = {
        /*              NOT_STARTED RUNNING PAUSED ENDED */
        [SW_CLOCK_START] = {1, 0, 0, 0},  [SW_CLOCK_PAUSE] = {0, 1, 0, 0},
        [SW_CLOCK_RESUME] = {0, 0, 1, 0}, [SW_CLOCK_SPEED] = {1, 1, 1, 0},
        [SW_CLOCK_END] = {1, 1, 1, 0},
    };
    if ((int)op < 0 || op > SW_CLOCK_END) {
        reply(rp, "unknown clock operation");
        return SW_EINVAL;
    }
    if (ex->bare) {
        reply(rp, "%s holds records only: it has no clock", ex->db);
        return SW_ESTATE;
    }
    if (!allowed[op][ex->state]) {
        reply(rp, "cannot %s the clock: the exercise is %s", sw_ex_clock_op_names[op],
              sw_ex_state_names[ex->state]);
        return SW_ESTATE;
    }
    if ((op == SW_CLOCK_SPEED || speed != 0) && !(speed > 0 && speed <= SW_EXERCISE_MAX_SPEED)) {
        reply(rp, "speed %g is not in (0, %g] exercise seconds per wall second", speed,
              SW_EXERCISE_MAX_SPEED);
        return SW_EINVAL;
    }
    sw_errbuf_t err;
    int rc;
    /* rules deployed before a start or during a pause are compiled now, and
     * the clock runs from when that is done */
    if (op == SW_CLOCK_START || op == SW_CLOCK_RESUME) {
        if ((rc = ex_rules_ready(ex, &err))) {
            reply(rp, "not done: %s", err.msg);
            return rc;
        }
        wall_ms = ex_wall(ex);
    }
    /* the pipeline catches up with the clock first: a pause or a new speed
     * takes effect at the moment it is asked for */
    if (ex->state == SW_EX_RUNNING && op != SW_CLOCK_END &&
        (rc = ex_run_to(ex, ex_clock_at(ex, wall_ms), &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    json_t *p = json_pack("{s:f}", "speed", speed > 0 ? speed : ex->speed);
    if (p && op == SW_CLOCK_END)
        json_object_set_new(p, "reason",
                            json_string(ex->now_ms >= ex->until_ms ? "time" : "instructor"));
    char kind[32];
    snprintf(kind, sizeof kind, "clock.%s", sw_ex_clock_op_names[op]);
    int64_t seq = 0;
    if ((rc = ex_journal(ex, actor, "", kind, ex->now_ms, p, NULL, NULL, &seq, &err))) {
        reply(rp, "not done: %s", err.msg);
        return rc;
    }
    clock_apply(ex, op, speed, wall_ms);
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    char t[32];
    reply(rp, "clock %s at %s: the exercise is %s (speed %gx)", sw_ex_clock_op_names[op],
          ex_time(ex->now_ms, t, sizeof t), sw_ex_state_names[ex->state], ex->speed);
    sw_ex_note_t n = {.kind = SW_EXN_CLOCK, .at_ms = ex->now_ms, .team = SW_NONE};
    ex_note(ex, &n);
    return SW_OK;
}

/* ---- injects ------------------------------------------------------------------- */

int sw_exercise_release_inject(sw_exercise_t *ex, const char *actor, const char *id,
                               sw_ex_reply_t *rp)
{
    reply_init(rp);
    const sw_world_t *w = ex->w;
    if (ex->state == SW_EX_ENDED || ex->bare) {
        reply(rp, "%s",
              ex->bare ? "a database of records only has no injects" : "the exercise has ended");
        return SW_ESTATE;
    }
    uint32_t i = SW_NONE;
    for (uint32_t k = 0; id && k < w->n_injects && i == SW_NONE; k++)
        if (!strcasecmp(w->injects[k].id, id))
            i = k;
    if (i == SW_NONE) {
        size_t used = (size_t)snprintf(
            rp->msg, sizeof rp->msg, "no inject '%s' in the scenario; its injects:", id ? id : "");
        for (uint32_t k = 0; k < w->n_injects && used < sizeof rp->msg; k++)
            used +=
                (size_t)snprintf(rp->msg + used, sizeof rp->msg - used, " %s", w->injects[k].id);
        return SW_EINVAL;
    }
    json_t *p = json_pack("{s:s}", "inject", w->injects[i].id);
    sw_errbuf_t err;
    int64_t seq = 0;
    int rc = ex_journal(ex, actor, "", "inject.release", ex->now_ms, p, NULL, NULL, &seq, &err);
    if (rc) {
        reply(rp, "not done: %s", err.msg);
        return rc;
    }
    sw_sim_release_inject(ex->sim, ex->now_ms, i);
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    char t[32];
    reply(rp, "inject %s (%s) released at %s (an inject reaches its teams once)", w->injects[i].id,
          w->injects[i].title ? w->injects[i].title : "", ex_time(ex->now_ms, t, sizeof t));
    return SW_OK;
}

/* ---- rules ---------------------------------------------------------------------- */

/* The exercise time an act is journaled at (none in a bare store). */
static int64_t act_time(const sw_exercise_t *ex)
{
    return ex->bare ? SW_JOURNAL_NO_TIME : ex->now_ms;
}

/* A bare store's team by name, opened once. */
static sw_store_team_t *bare_team(sw_exercise_t *ex, const char *team, sw_ex_reply_t *rp)
{
    for (uint32_t i = 0; i < ex->n_bare; i++)
        if (!strcasecmp(sw_store_team_name(ex->bare_stores[i]), team ? team : ""))
            return ex->bare_stores[i];
    sw_store_team_t **n = realloc(ex->bare_stores, (ex->n_bare + 1) * sizeof *n);
    if (!n) {
        reply(rp, "out of memory");
        return NULL;
    }
    ex->bare_stores = n;
    sw_errbuf_t err;
    if (sw_store_team_open(ex->store, team ? team : "", 0, &n[ex->n_bare], &err)) {
        reply(rp, "%s: %s", ex->db, err.msg);
        return NULL;
    }
    return n[ex->n_bare++];
}

/* The store handle of team (a player team of the exercise, or a team of a
 * bare store); *ti gets its world index (SW_NONE in a bare store). */
static int team_store(sw_exercise_t *ex, const char *team, sw_store_team_t **t, uint32_t *ti,
                      sw_ex_reply_t *rp)
{
    char why[512];
    *ti = SW_NONE;
    if (!ex->store) {
        reply(rp, "rules and shares need an exercise database");
        return SW_ESTATE;
    }
    if (ex->bare)
        return (*t = bare_team(ex, team, rp)) ? SW_OK : SW_EINVAL;
    *ti = sw_exercise_find_team(ex, team, why, sizeof why);
    if (*ti == SW_NONE) {
        reply(rp, "%s", why);
        return SW_EINVAL;
    }
    if (!(*t = ex->stores[*ti])) {
        reply(rp, "%s is an observer delegation: it has no records or rules of its own",
              ex->w->teams[*ti].id);
        return SW_EINVAL;
    }
    return SW_OK;
}

/* " at T+01:23" for an exercise, "" for a bare store. */
static const char *at_text(const sw_exercise_t *ex, char *buf, size_t len)
{
    char t[32];
    if (ex->bare)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, " at %s", ex_time(ex->now_ms, t, sizeof t));
    return buf;
}

int sw_exercise_deploy_check(sw_exercise_t *ex, const char *team, const char *yaml, size_t len,
                             const char *file, sw_ex_reply_t *rp, sw_sigma_error_t *serr)
{
    reply_init(rp);
    memset(serr, 0, sizeof *serr);
    sw_store_team_t *t;
    uint32_t ti;
    int rc = team_store(ex, team, &t, &ti, rp);
    if (rc)
        return rc;
    sw_errbuf_t err;
    if ((rc = ex_flush_records(ex, &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    if ((rc = sw_deploy_check(ex->deploy, t, yaml, len, file, serr)))
        reply(rp, "%s: %s [%s]", file, serr->msg, serr->reason);
    return rc;
}

int sw_exercise_deploy(sw_exercise_t *ex, const char *actor, const char *team, const char *yaml,
                       size_t len, const char *file, sw_ex_reply_t *rp, sw_sigma_error_t *serr)
{
    int rc = sw_exercise_deploy_check(ex, team, yaml, len, file, rp, serr);
    if (rc)
        return rc;
    /* after the end too: teams practise on what they have (no records come) */
    sw_store_team_t *t;
    uint32_t ti;
    team_store(ex, team, &t, &ti, rp);
    sw_act_t act = {ex_actor(ex, actor), act_time(ex), ex_wall(ex)};
    sw_deployed_rule_t r;
    if ((rc = sw_deploy_rule(ex->deploy, t, &act, yaml, len, file, &r, serr))) {
        reply(rp, "%s: %s [%s]", file, serr->msg, serr->reason);
        return rc;
    }
    rp->seq = r.deployment;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    char at[48];
    reply(rp,
          "deployed %s \"%s\" (%s, author: %s) for team %s%s: deployment %lld, applies to "
          "records after the first %lld",
          r.rule_id, r.title, *r.level ? r.level : "-", *r.author ? r.author : "unknown",
          sw_store_team_name(t), at_text(ex, at, sizeof at), (long long)r.deployment,
          (long long)r.from_record);
    sw_journal_entry_t e = {r.deployment,          act.at_ms,     act.wall_ms, act.actor,
                            sw_store_team_name(t), "rule.deploy", "{}"};
    sw_ex_note_t n = {.kind = SW_EXN_ACT, .at_ms = ex->now_ms, .team = ti, .act = &e};
    ex_note(ex, &n);
    return SW_OK;
}

int sw_exercise_withdraw(sw_exercise_t *ex, const char *actor, const char *team,
                         const char *rule_id, sw_ex_reply_t *rp)
{
    reply_init(rp);
    sw_store_team_t *t;
    uint32_t ti;
    int rc = team_store(ex, team, &t, &ti, rp);
    if (rc)
        return rc;
    sw_errbuf_t err;
    if ((rc = ex_flush_records(ex, &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    sw_act_t act = {ex_actor(ex, actor), act_time(ex), ex_wall(ex)};
    int64_t dep = 0;
    if ((rc = sw_deploy_withdraw(ex->deploy, t, &act, rule_id, &dep, &err))) {
        reply(rp, "%s", err.msg);
        return rc;
    }
    rp->seq = dep;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    char at[48];
    reply(rp, "withdrew deployment %lld of %s for team %s%s", (long long)dep, rule_id,
          sw_store_team_name(t), at_text(ex, at, sizeof at));
    return SW_OK;
}

/* ---- sharing records ------------------------------------------------------------ */

typedef struct ids {
    int64_t *v;
    size_t n, cap;
    int is_agg;
} ids_t;

static int ids_add(ids_t *ids, int64_t id)
{
    if (ids->n == ids->cap) {
        size_t ncap = ids->cap ? ids->cap * 2 : 64;
        int64_t *nv = realloc(ids->v, ncap * sizeof *nv);
        if (!nv)
            return SW_ENOMEM;
        ids->v = nv;
        ids->cap = ncap;
    }
    ids->v[ids->n++] = id;
    return SW_OK;
}

static int collect(const sw_qrow_t *row, void *ud)
{
    ids_t *ids = ud;
    if (!row->is_record) {
        ids->is_agg = 1;
        return 1;
    }
    return ids_add(ids, row->id);
}

typedef struct shared_ctx {
    const char *from, *to;
    ids_t *done;
} shared_ctx_t;

/* Ids an earlier record.share already sent from -> to. */
static int shared_before(const sw_journal_entry_t *e, void *ud)
{
    shared_ctx_t *c = ud;
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *to = json_string_value(json_object_get(p, "to"));
    json_t *ids = json_object_get(p, "ids");
    int rc = 0;
    if (to && !strcasecmp(to, c->to) && json_is_array(ids))
        for (size_t i = 0; i < json_array_size(ids) && !rc; i++)
            rc = ids_add(c->done, (int64_t)json_integer_value(json_array_get(ids, i)));
    json_decref(p);
    return rc;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int sw_exercise_share_records(sw_exercise_t *ex, const char *actor, const char *from,
                              const char *to, const char *query, long max, int64_t now_ms,
                              sw_ex_reply_t *rp)
{
    reply_init(rp);
    sw_store_team_t *tf, *tt;
    uint32_t fi, ti;
    int rc;
    if ((rc = team_store(ex, from, &tf, &fi, rp)) || (rc = team_store(ex, to, &tt, &ti, rp)))
        return rc;
    const char *fname = sw_store_team_name(tf), *tname = sw_store_team_name(tt);
    if (!strcasecmp(fname, tname)) {
        reply(rp, "a team shares with another team, not itself (%s)", fname);
        return SW_EINVAL;
    }
    sw_query_t q;
    sw_errbuf_t err;
    sw_query_opts_t qo = {.now_ms = now_ms};
    ids_t ids = {0}, done = {0};
    if (sw_query_parse(&q, query, strlen(query), &qo, &err)) {
        reply(rp, "bad query: %s", err.msg);
        sw_query_free(&q);
        return SW_EINVAL;
    }
    if ((rc = ex_flush_records(ex, &err)) ||
        ((rc = sw_store_search(tf, &q, collect, &ids, &err)) < 0)) {
        reply(rp, "%s", err.msg);
        goto done;
    }
    rc = SW_EINVAL;
    if (ids.is_agg) {
        reply(rp, "the query ends in an aggregate (count, top, histogram): it names no records "
                  "to share");
        goto done;
    }
    /* what `to` already has from `from` is not copied again */
    shared_ctx_t sc = {fname, tname, &done};
    sw_journal_filter_t f = {fname, "record.share", 0};
    if (ex->j && sw_journal_list(ex->j, &f, shared_before, &sc, &err) < 0) {
        reply(rp, "%s", err.msg);
        rc = SW_EIO;
        goto done;
    }
    if (done.n)
        qsort(done.v, done.n, sizeof *done.v, cmp_id);
    size_t matched = ids.n, kept = 0;
    for (size_t i = 0; i < ids.n; i++)
        if (!done.n || !bsearch(&ids.v[i], done.v, done.n, sizeof *done.v, cmp_id))
            ids.v[kept++] = ids.v[i];
    ids.n = kept;
    if (matched == 0) {
        reply(rp, "no records of %s match; nothing shared", fname);
        goto done;
    }
    if (max > 0 && matched > (size_t)max) {
        reply(rp,
              "%zu records of %s match, more than --max %ld; nothing shared (narrow the query or "
              "raise --max)",
              matched, fname, max);
        goto done;
    }
    if (kept == 0) {
        reply(rp, "the %zu record%s of %s that match %s already shared with %s; nothing new",
              matched, matched == 1 ? "" : "s", fname, matched == 1 ? "was" : "were", tname);
        goto done;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ids.n; i++)
        json_array_append_new(arr, json_integer((json_int_t)ids.v[i]));
    json_t *p =
        json_pack("{s:s, s:s, s:s, s:o}", "from", fname, "to", tname, "query", query, "ids", arr);
    int64_t seq = 0;
    if ((rc = ex_journal(ex, actor, fname, "record.share", act_time(ex), p, NULL, NULL, &seq,
                         &err))) {
        reply(rp, "%s; nothing shared", err.msg);
        goto done;
    }
    if (ex->bare) /* records only: the copies go straight in; alerts catch up */
        for (size_t i = 0; i < ids.n && !rc; i++) {
            int64_t nid;
            rc = sw_store_share(tf, ids.v[i], tt, &nid, &err);
        }
    else
        rc = ex_share_copies(ex, fi, ti, ids.v, ids.n, &err);
    if (rc || (rc = ex_flush_records(ex, &err))) {
        reply(rp, "journaled as #%lld, but copying failed: %s (resuming the exercise completes it)",
              (long long)seq, err.msg);
        goto done;
    }
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    reply(rp, "shared %zu record%s of %s with %s (journal seq %lld)%s", ids.n,
          ids.n == 1 ? "" : "s", fname, tname, (long long)seq,
          matched > kept ? "; the others were shared before" : "");
    rc = SW_OK;
done:
    sw_query_free(&q);
    free(ids.v);
    free(done.v);
    return rc;
}

/* ---- scripted defenders ---------------------------------------------------------- */

int sw_exercise_attach_defender(sw_exercise_t *ex, const char *actor, const char *name,
                                const char *text, size_t len, sw_diags_t *diags, sw_ex_reply_t *rp)
{
    reply_init(rp);
    uint32_t index;
    int rc = ex_defender_add(ex, name, text, len, diags, &index);
    if (rc) {
        reply(rp, "%s: %s", name,
              rc == SW_ETOOBIG  ? "too many defenders"
              : rc == SW_EEXIST ? "a defender of that name is attached already"
                                : "the defender file has problems");
        return rc;
    }
    json_t *p = json_pack("{s:s, s:s%}", "name", name, "text", text, len);
    sw_errbuf_t err;
    int64_t seq = 0;
    if ((rc =
             ex_journal(ex, actor, "", "defender.attach", ex->now_ms, p, NULL, NULL, &seq, &err))) {
        ex_defender_t *d = &ex->defs[--ex->n_defs];
        sw_defender_free(&d->spec);
        free(d->name);
        free(d->fired);
        free(d->issued);
        memset(d, 0, sizeof *d);
        reply(rp, "not attached: %s", err.msg);
        return rc;
    }
    rp->seq = seq;
    rp->at_ms = rp->effect_ms = ex->now_ms;
    reply(rp, "defender %s attached: %u timed actions, %u rules", name,
          ex->defs[index].spec.n_actions, ex->defs[index].spec.n_rules);
    return SW_OK;
}

/* ---- replay ---------------------------------------------------------------------- */

typedef struct entry {
    sw_journal_entry_t e;
    char *actor, *team, *kind, *payload;
} entry_t;

typedef struct entries {
    entry_t *v;
    size_t n, cap;
} entries_t;

static int load_entry(const sw_journal_entry_t *e, void *ud)
{
    entries_t *es = ud;
    if (e->seq == 1)
        return 0; /* exercise.create, read at open */
    if (es->n == es->cap) {
        size_t ncap = es->cap ? es->cap * 2 : 256;
        entry_t *nv = realloc(es->v, ncap * sizeof *nv);
        if (!nv)
            return SW_ENOMEM;
        es->v = nv;
        es->cap = ncap;
    }
    entry_t *x = &es->v[es->n];
    x->e = *e;
    x->actor = strdup(e->actor);
    x->team = strdup(e->team);
    x->kind = strdup(e->kind);
    x->payload = strdup(e->payload);
    if (!x->actor || !x->team || !x->kind || !x->payload) {
        free(x->actor);
        free(x->team);
        free(x->kind);
        free(x->payload);
        return SW_ENOMEM;
    }
    x->e.actor = x->actor;
    x->e.team = x->team;
    x->e.kind = x->kind;
    x->e.payload = x->payload;
    es->n++;
    return 0;
}

static void entries_free(entries_t *es)
{
    for (size_t i = 0; i < es->n; i++) {
        free(es->v[i].actor);
        free(es->v[i].team);
        free(es->v[i].kind);
        free(es->v[i].payload);
    }
    free(es->v);
}

/* The defender key of an action entry, if a defender issued it. */
static int entry_key(const sw_exercise_t *ex, json_t *p, ex_key_t *k)
{
    json_t *d = json_object_get(p, "defender");
    if (!json_is_object(d))
        return 0;
    memset(k, 0, sizeof *k);
    k->defender = (uint32_t)json_integer_value(json_object_get(d, "defender"));
    const char *kind = json_string_value(json_object_get(d, "kind"));
    k->timed = kind && !strcmp(kind, "timed");
    k->index = (uint32_t)json_integer_value(json_object_get(d, "index"));
    k->host = SW_NONE;
    if (!k->timed) {
        const char *h = json_string_value(json_object_get(p, "host"));
        k->host = h ? sw_world_host(ex->w, h) : SW_NONE;
        k->ev_seq = (uint64_t)json_integer_value(json_object_get(d, "ev"));
    }
    return 1;
}

/* Apply one journal entry again. Problems that a newer seawall might cause
 * (an entry the world no longer accepts) are errors: the exercise cannot be
 * rebuilt exactly. */
static int replay_entry(sw_exercise_t *ex, const sw_journal_entry_t *e, json_t *p, sw_errbuf_t *err)
{
    const char *k = e->kind;
    if (!strcmp(k, "action")) {
        sw_cmd_t c;
        const char *why = NULL;
        if (action_from_payload(ex, e, p, &c) || sw_sim_command_check(ex->sim, &c, &why))
            return sw_seterr(err, SW_EINVAL, "journal entry #%lld (action) cannot be replayed%s%s",
                             (long long)e->seq, why ? ": " : "", why ? why : "");
        return ex_command(ex, &c, e->seq);
    }
    if (!strncmp(k, "clock.", 6)) {
        int op = sw_enum_lookup(sw_ex_clock_op_names, SW_CLOCK_END + 1, k + 6);
        if (op < 0)
            return sw_seterr(err, SW_EINVAL, "journal entry #%lld: unknown kind %s",
                             (long long)e->seq, k);
        clock_apply(ex, (sw_ex_clock_op_t)op, json_number_value(json_object_get(p, "speed")),
                    e->wall_ms);
        sw_ex_note_t n = {.kind = SW_EXN_CLOCK, .at_ms = ex->now_ms, .team = SW_NONE};
        ex_note(ex, &n);
        return SW_OK;
    }
    if (!strcmp(k, "inject.release")) {
        const char *id = json_string_value(json_object_get(p, "inject"));
        for (uint32_t i = 0; id && i < ex->w->n_injects; i++)
            if (!strcmp(ex->w->injects[i].id, id))
                return sw_sim_release_inject(ex->sim, ex->now_ms, i);
        return sw_seterr(err, SW_EINVAL, "journal entry #%lld: no inject %s", (long long)e->seq,
                         id ? id : "?");
    }
    if (!strcmp(k, "defender.attach")) {
        const char *name = NULL, *text = NULL;
        size_t len = 0;
        uint32_t index;
        if (json_unpack(p, "{s:s, s:s%}", "name", &name, "text", &text, &len) ||
            ex_defender_add(ex, name, text, len, NULL, &index))
            return sw_seterr(err, SW_EINVAL, "journal entry #%lld: the defender does not load",
                             (long long)e->seq);
        return SW_OK;
    }
    if (!strcmp(k, "record.share")) {
        uint32_t fi = sw_world_team(ex->w, json_string_value(json_object_get(p, "from")));
        uint32_t ti = sw_world_team(ex->w, json_string_value(json_object_get(p, "to")));
        json_t *ids = json_object_get(p, "ids");
        if (fi == SW_NONE || ti == SW_NONE || !json_is_array(ids))
            return sw_seterr(err, SW_EINVAL, "journal entry #%lld: a damaged share",
                             (long long)e->seq);
        size_t n = json_array_size(ids);
        int64_t *v = calloc(n ? n : 1, sizeof *v);
        if (!v)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            v[i] = (int64_t)json_integer_value(json_array_get(ids, i));
        int rc = ex_share_copies(ex, fi, ti, v, n, err);
        free(v);
        return rc;
    }
    if (!strcmp(k, "report.submit")) { /* its event in the sim, as sw_exercise_report made it */
        sw_cmd_t c;
        sw_cmd_init(&c);
        c.action = SW_ACT_REPORT;
        c.team = sw_world_team(ex->w, e->team);
        c.at_ms = ex->now_ms;
        c.arg = json_string_value(json_object_get(p, "title"));
        return c.team == SW_NONE ? SW_OK : ex_command(ex, &c, e->seq);
    }
    if (!strcmp(k, "scoreboard.set")) {
        ex_scoreboard_apply(ex, json_is_true(json_object_get(p, "hidden")),
                            json_is_true(json_object_get(p, "frozen")));
        return SW_OK;
    }
    /* rule.deploy / rule.withdraw: their tables are written with the entry */
    return SW_OK;
}

int ex_replay(sw_exercise_t *ex, int64_t until_ms, sw_errbuf_t *err)
{
    entries_t es = {0};
    int64_t progress = 0;
    int rc = until_ms < 0 ? sw_journal_progress_get(ex->j, &progress, err) : SW_OK;
    if (rc)
        return rc;
    rc = sw_journal_list(ex->j, NULL, load_entry, &es, err);
    if (rc) {
        entries_free(&es);
        return rc < 0 ? rc : sw_seterr(err, SW_ENOMEM, "out of memory");
    }
    ex->replaying = 1;
    /* the defenders' commands already journaled, so they are not issued twice */
    for (size_t i = 0; i < es.n && !rc; i++) {
        if (strcmp(es.v[i].e.kind, "action"))
            continue;
        json_t *p = json_loads(es.v[i].e.payload, 0, NULL);
        ex_key_t k;
        if (p && entry_key(ex, p, &k))
            rc = ex_key_add(ex, &k);
        json_decref(p);
    }
    for (size_t i = 0; i < es.n && !rc; i++) {
        const sw_journal_entry_t *e = &es.v[i].e;
        json_t *p = json_loads(e->payload, 0, NULL);
        if (!json_is_object(p)) {
            json_decref(p);
            rc = sw_seterr(err, SW_EINVAL, "journal entry #%lld is damaged", (long long)e->seq);
            break;
        }
        int64_t q = e->at_ms;
        json_t *qv = json_object_get(p, "queued_ms");
        if (json_is_integer(qv))
            q = json_integer_value(qv);
        if (q == SW_JOURNAL_NO_TIME)
            q = ex->now_ms;
        if (until_ms >= 0 && q > until_ms) {
            json_decref(p);
            break;
        }
        if (q > ex->now_ms)
            rc = ex_run_to(ex, q, err);
        if (!rc)
            rc = replay_entry(ex, e, p, err);
        if (!rc) { /* published again, as when it was made */
            sw_ex_note_t n = {.kind = SW_EXN_ACT, .at_ms = e->at_ms, .team = SW_NONE, .act = e};
            if (*e->team)
                n.team = sw_world_team(ex->w, e->team);
            ex_note(ex, &n);
        }
        json_decref(p);
    }
    if (until_ms < 0) /* a resume: every act applied; on to where the clock was */
        until_ms = progress;
    if (!rc && until_ms > ex->now_ms)
        rc = ex_run_to(ex, until_ms > ex->until_ms ? ex->until_ms : until_ms, err);
    ex->replaying = 0;
    ex->progress_ms = ex->now_ms;
    /* the clock goes on from here, not from when the exercise stopped */
    ex->base_at_ms = ex->now_ms;
    ex->base_wall_ms = ex_wall(ex);
    entries_free(&es);
    return rc;
}
