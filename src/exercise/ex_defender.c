/* ex_defender.c — scripted defenders played by the exercise: their timed
 * actions are issued when the pipeline reaches them, and their rules react
 * to sim events ("a step of technique T seen on a host") by queuing a
 * command that is issued at the end of the pipeline's step, no sooner than
 * the rule's delay. Both become journaled `action` acts like a player's
 * (ex_issue_reaction), so a run with a scripted defender is replayed from
 * its journal like any other.
 *
 * Rules react only to what the event says (technique, visibility, host),
 * never to sim internals: an honest stand-in for a human acting on an
 * alert. A rule fires at most once per host unless `once: false`. */
#include <stdlib.h>
#include <string.h>

#include "exercise/ex_int.h"

int ex_defender_add(sw_exercise_t *ex, const char *name, const char *text, size_t len,
                    sw_diags_t *diags, uint32_t *index)
{
    if (ex->n_defs >= EX_MAX_DEFENDERS)
        return SW_ETOOBIG;
    for (uint32_t i = 0; i < ex->n_defs; i++)
        if (!strcmp(ex->defs[i].name, name))
            return SW_EEXIST;
    ex_defender_t *d = &ex->defs[ex->n_defs];
    memset(d, 0, sizeof *d);
    sw_diags_t own;
    sw_diags_init(&own);
    int rc = sw_defender_parse(&d->spec, ex->w, name, text, len, diags ? diags : &own);
    sw_diags_free(&own);
    if (rc)
        return rc;
    d->n_hosts = ex->w->n_hosts;
    d->name = strdup(name);
    d->fired =
        calloc((size_t)(d->spec.n_rules ? d->spec.n_rules : 1) * (d->n_hosts ? d->n_hosts : 1), 1);
    d->issued = calloc(d->spec.n_actions ? d->spec.n_actions : 1, 1);
    if (!d->name || !d->fired || !d->issued) {
        free(d->name);
        free(d->fired);
        free(d->issued);
        sw_defender_free(&d->spec);
        return SW_ENOMEM;
    }
    *index = ex->n_defs++;
    return SW_OK;
}

void ex_defenders_free(sw_exercise_t *ex)
{
    for (uint32_t i = 0; i < ex->n_defs; i++) {
        ex_defender_t *d = &ex->defs[i];
        sw_defender_free(&d->spec);
        free(d->name);
        free(d->fired);
        free(d->issued);
    }
    ex->n_defs = 0;
}

int64_t ex_defenders_next_timed(const sw_exercise_t *ex)
{
    int64_t next = INT64_MAX;
    for (uint32_t i = 0; i < ex->n_defs; i++) {
        const ex_defender_t *d = &ex->defs[i];
        for (uint32_t a = 0; a < d->spec.n_actions; a++)
            if (!d->issued[a] && d->spec.actions[a].at_ms < next)
                next = d->spec.actions[a].at_ms;
    }
    return next;
}

int ex_defenders_timed(sw_exercise_t *ex, sw_errbuf_t *err)
{
    for (uint32_t i = 0; i < ex->n_defs; i++) {
        ex_defender_t *d = &ex->defs[i];
        for (uint32_t a = 0; a < d->spec.n_actions; a++) { /* in file order */
            if (d->issued[a] || d->spec.actions[a].at_ms > ex->now_ms)
                continue;
            d->issued[a] = 1;
            ex_reaction_t r = {.cmd = d->spec.actions[a], .defender = i, .timed = 1, .index = a};
            r.cmd.at_ms = ex->now_ms;
            int rc = ex_issue_reaction(ex, &r, err);
            if (rc)
                return rc;
        }
    }
    return SW_OK;
}

static int technique_match(const char *pat, const char *t)
{
    if (!strcmp(pat, "*"))
        return 1;
    if (!t)
        return 0;
    size_t n = strlen(pat);
    return !strncmp(pat, t, n) && (t[n] == '\0' || t[n] == '.');
}

/* The rule's value with $src_ip, $account, $host taken from the event. */
static const char *expand(const sw_world_t *w, const char *v, const sw_sim_event_t *ev)
{
    if (!v || v[0] != '$')
        return v;
    if (!strcmp(v, "$src_ip"))
        return ev->src_ip;
    if (!strcmp(v, "$account"))
        return ev->account;
    if (!strcmp(v, "$host"))
        return ev->host < w->n_hosts ? w->hosts[ev->host].id : NULL;
    return v;
}

void ex_defenders_react(sw_exercise_t *ex, const sw_sim_event_t *ev)
{
    const sw_world_t *w = ex->w;
    if (ev->type != SW_SEV_STEP || ev->host >= w->n_hosts)
        return;
    for (uint32_t di = 0; di < ex->n_defs; di++) {
        ex_defender_t *d = &ex->defs[di];
        for (uint32_t i = 0; i < d->spec.n_rules; i++) {
            const sw_def_rule_t *r = &d->spec.rules[i];
            if (!technique_match(r->technique, ev->technique) ||
                ev->visibility < r->min_visibility ||
                (r->success_only && ev->outcome != SW_OUT_SUCCESS))
                continue;
            uint32_t h = r->on_src ? ev->src_host : ev->host;
            if (h >= w->n_hosts || (r->team != SW_NONE && w->hosts[ev->host].team != r->team))
                continue;
            uint8_t *f = &d->fired[(size_t)i * d->n_hosts + h];
            if (r->once && *f)
                continue;
            *f = 1;
            if (ex->n_pending >= EX_MAX_REACTIONS)
                continue; /* a bound on a scripted file's enthusiasm */
            if (!ex->pending && !(ex->pending = calloc(EX_MAX_REACTIONS, sizeof *ex->pending)))
                continue;
            ex_reaction_t *x = &ex->pending[ex->n_pending++];
            memset(x, 0, sizeof *x);
            x->cmd = r->cmd;
            x->cmd.at_ms = ev->at_ms + r->cmd.at_ms;
            x->cmd.host = h;
            if (x->cmd.team == SW_NONE)
                x->cmd.team = w->hosts[h].team;
            const char *v = expand(w, r->cmd.arg, ev);
            if (v) {
                snprintf(x->arg, sizeof x->arg, "%s", v);
                x->cmd.arg = x->arg;
            } else {
                x->cmd.arg = NULL;
            }
            x->defender = di;
            x->index = i;
            x->ev_seq = ev->seq;
        }
    }
}

int ex_defenders_flush(sw_exercise_t *ex, sw_errbuf_t *err)
{
    int rc = SW_OK;
    for (uint32_t i = 0; i < ex->n_pending && !rc; i++)
        rc = ex_issue_reaction(ex, &ex->pending[i], err);
    ex->n_pending = 0;
    return rc;
}
