/* defender_load.c — the scripted defender's file: parse its YAML (through
 * the located YAML tree) into timed actions and rules, every name resolved
 * against the world. See defender.h for the format; the exercise runtime
 * (exercise/ex_defender.c) plays it.
 *
 * Design notes
 *  1. Parsing resolves every name (team, host, org, action) against the world
 *     up front, so a bad file fails before anything runs, with FILE:LINE:COL.
 *  2. Rules react only to what the event says (technique, visibility, host),
 *     never to sim internals, so they are an honest stand-in for a human
 *     acting on an alert; the commands they issue go through the same path
 *     (and refusals) as a player's.
 */
#include "scenario/defender.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "scenario/scenario.h"
#include "scenario/yaml_tree.h"

typedef struct pctx {
    sw_defender_t *d;
    const sw_world_t *w;
    sw_diags_t *diags;
    uint32_t team; /* default */
} pctx_t;

static const yt_node_t *map_get(const yt_node_t *m, const char *key)
{
    if (!m || m->kind != YT_MAP)
        return NULL;
    for (const yt_node_t *k = m->first; k && k->next; k = k->next->next)
        if (k->kind == YT_SCALAR && !strcmp(k->str, key))
            return k->next;
    return NULL;
}

static int bad(pctx_t *p, const yt_node_t *n, const char *fmt, const char *arg)
{
    sw_diags_add(p->diags, n->loc, SW_DIAG_ERROR, fmt, arg ? arg : "");
    return -1;
}

static const char *scalar(pctx_t *p, const yt_node_t *n, const char *what)
{
    if (!n || n->kind != YT_SCALAR) {
        if (n)
            bad(p, n, "%s must be a string", what);
        return NULL;
    }
    return n->str;
}

static int check_keys(pctx_t *p, const yt_node_t *m, const char *const *keys)
{
    int rc = 0;
    for (const yt_node_t *k = m->first; k && k->next; k = k->next->next) {
        int ok = 0;
        for (const char *const *q = keys; *q && !ok; q++)
            ok = k->kind == YT_SCALAR && !strcmp(k->str, *q);
        if (!ok) {
            rc = bad(p, k, "unknown key '%s'", k->kind == YT_SCALAR ? k->str : "?");
            continue;
        }
        /* the first definition would win silently: refuse the second */
        for (const yt_node_t *e = m->first; e != k; e = e->next->next)
            if (e->kind == YT_SCALAR && !strcmp(e->str, k->str)) {
                sw_diags_add(p->diags, k->loc, SW_DIAG_ERROR,
                             "'%s' is given twice in this mapping (first at line %d)", k->str,
                             e->loc.line);
                rc = -1;
                break;
            }
    }
    return rc;
}

static int get_duration(pctx_t *p, const yt_node_t *m, const char *key, int64_t *out)
{
    const yt_node_t *n = map_get(m, key);
    *out = 0;
    if (!n)
        return 0;
    const char *s = scalar(p, n, key);
    if (!s)
        return -1;
    if (sw_parse_duration(s, out))
        return bad(p, n, "'%s' is not a duration (like 90s, 10m, 1h30m)", s);
    return 0;
}

static int get_team(pctx_t *p, const yt_node_t *m, uint32_t *out)
{
    const yt_node_t *n = map_get(m, "team");
    if (!n)
        return 0;
    const char *s = scalar(p, n, "team");
    if (!s)
        return -1;
    if ((*out = sw_world_team(p->w, s)) == SW_NONE)
        return bad(p, n, "no team '%s' in the scenario", s);
    return 0;
}

/* The fields an action and a rule share: action, host, org, value, port. */
static int parse_cmd(pctx_t *p, const yt_node_t *m, sw_cmd_t *c, int need_host)
{
    int rc = 0;
    sw_cmd_init(c);
    c->team = p->team;
    rc |= get_team(p, m, &c->team);
    const yt_node_t *n = map_get(m, "action");
    const char *s = n ? scalar(p, n, "action") : NULL;
    if (!n)
        return bad(p, m, "missing 'action'%s", NULL);
    if (!s)
        return -1;
    int a = sw_enum_lookup(sw_action_names, SW_ACT__COUNT, s);
    if (a < 0)
        return bad(p, n, "unknown action '%s'", s);
    c->action = (sw_action_t)a;
    if ((n = map_get(m, "host"))) {
        if (!(s = scalar(p, n, "host")))
            return -1;
        if ((c->host = sw_world_host(p->w, s)) == SW_NONE)
            rc = bad(p, n, "no host '%s' in the scenario", s);
        else if (c->team == SW_NONE)
            c->team = p->w->hosts[c->host].team;
    } else if (need_host && sw_action_info(c->action)->on_host) {
        rc = bad(p, m, "%s needs a 'host'", sw_action_names[c->action]);
    }
    if ((n = map_get(m, "org"))) {
        if (!(s = scalar(p, n, "org")))
            return -1;
        if ((c->org = sw_world_org(p->w, s)) == SW_NONE)
            rc = bad(p, n, "no organisation '%s' in the scenario", s);
        else if (c->team == SW_NONE)
            c->team = p->w->orgs[c->org].team;
    }
    if ((n = map_get(m, "to"))) {
        if (!(s = scalar(p, n, "to")))
            return -1;
        if ((c->to_team = sw_world_team(p->w, s)) == SW_NONE)
            rc = bad(p, n, "no team '%s' in the scenario", s);
    }
    if ((n = map_get(m, "value"))) {
        if (!(s = scalar(p, n, "value")))
            return -1;
        c->arg = sw_arena_strdup(&p->d->arena, s);
    }
    if ((n = map_get(m, "port"))) {
        if (!(s = scalar(p, n, "port")))
            return -1;
        char *end;
        long v = strtol(s, &end, 10);
        if (*end || v < 1 || v > 65535)
            rc = bad(p, n, "port '%s' is not 1..65535", s);
        c->port = (uint16_t)v;
    }
    return rc;
}

static int parse_action(pctx_t *p, const yt_node_t *m, sw_cmd_t *c)
{
    static const char *const keys[] = {"at", "team",  "action", "host", "org",
                                       "to", "value", "port",   NULL};
    if (m->kind != YT_MAP)
        return bad(p, m, "an action must be a mapping, not %s", yt_kind_name(m));
    int rc = check_keys(p, m, keys);
    if (!map_get(m, "at"))
        rc = bad(p, m, "missing 'at'%s", NULL);
    int64_t at = 0;
    rc |= get_duration(p, m, "at", &at);
    rc |= parse_cmd(p, m, c, 1);
    c->at_ms = at;
    if (!rc && c->team == SW_NONE)
        rc = bad(p, m, "no team: set 'team' here or at the top%s", NULL);
    return rc;
}

static int parse_rule(pctx_t *p, const yt_node_t *m, sw_def_rule_t *r)
{
    static const char *const keys[] = {"when", "team",  "action", "org",  "to", "value",
                                       "port", "after", "target", "once", NULL};
    static const char *const wkeys[] = {"technique", "min_visibility", "team", "outcome", NULL};
    if (m->kind != YT_MAP)
        return bad(p, m, "a rule must be a mapping, not %s", yt_kind_name(m));
    memset(r, 0, sizeof *r);
    r->loc = m->loc;
    r->once = 1;
    r->team = SW_NONE;
    int rc = check_keys(p, m, keys);
    const yt_node_t *when = map_get(m, "when");
    if (!when || when->kind != YT_MAP)
        return bad(p, when ? when : m, when ? "'when' must be a mapping%s" : "missing 'when'%s",
                   NULL) |
               rc;
    rc |= check_keys(p, when, wkeys);
    const yt_node_t *n;
    const char *s;
    r->technique = "*";
    if ((n = map_get(when, "technique")) && (s = scalar(p, n, "technique")))
        r->technique = sw_arena_strdup(&p->d->arena, s);
    if ((n = map_get(when, "min_visibility")) && (s = scalar(p, n, "min_visibility"))) {
        char *end;
        r->min_visibility = strtod(s, &end);
        if (*end || !(r->min_visibility >= 0 && r->min_visibility <= 1))
            rc = bad(p, n, "min_visibility '%s' is not a number in 0..1", s);
    }
    rc |= get_team(p, when, &r->team);
    if ((n = map_get(when, "outcome")) && (s = scalar(p, n, "outcome"))) {
        if (!strcmp(s, "success"))
            r->success_only = 1;
        else if (strcmp(s, "any"))
            rc = bad(p, n, "outcome '%s' is not success or any", s);
    }
    uint32_t saved = p->team;
    p->team = SW_NONE; /* the team comes from the host where the step was seen */
    rc |= parse_cmd(p, m, &r->cmd, 0);
    p->team = saved;
    rc |= get_duration(p, m, "after", &r->cmd.at_ms);
    if ((n = map_get(m, "target")) && (s = scalar(p, n, "target"))) {
        if (!strcmp(s, "src"))
            r->on_src = 1;
        else if (strcmp(s, "host"))
            rc = bad(p, n, "target '%s' is not host or src", s);
    }
    if ((n = map_get(m, "once")) && (s = scalar(p, n, "once")))
        r->once = strcmp(s, "false") != 0;
    return rc;
}

void sw_defender_free(sw_defender_t *d)
{
    sw_arena_free(&d->arena);
    free(d->actions);
    free(d->rules);
    memset(d, 0, sizeof *d);
}

int sw_defender_parse(sw_defender_t *d, const sw_world_t *w, const char *name, const char *text,
                      size_t len, sw_diags_t *diags)
{
    static const char *const keys[] = {"team", "actions", "rules", NULL};
    memset(d, 0, sizeof *d);
    sw_arena_init(&d->arena, 8 * SW_DEF_MAX_TEXT);
    pctx_t p = {d, w, diags, SW_NONE};
    size_t errs0 = diags->n_errors;
    if (len > SW_DEF_MAX_TEXT) {
        sw_loc_t loc = {name, 1, 1};
        sw_diags_add(diags, loc, SW_DIAG_ERROR, "defender file larger than %zu bytes",
                     SW_DEF_MAX_TEXT);
        goto fail;
    }
    yt_node_t *root = yt_parse(&d->arena, name, text, len, diags);
    if (!root)
        goto fail;
    if (root->kind != YT_MAP) {
        bad(&p, root, "the defender file must be a mapping, not %s", yt_kind_name(root));
        goto fail;
    }
    check_keys(&p, root, keys);
    get_team(&p, root, &p.team);
    const yt_node_t *acts = map_get(root, "actions"), *rules = map_get(root, "rules");
    if (acts && acts->kind != YT_SEQ && !yt_is_null(acts))
        bad(&p, acts, "'actions' must be a list%s", NULL);
    if (rules && rules->kind != YT_SEQ && !yt_is_null(rules))
        bad(&p, rules, "'rules' must be a list%s", NULL);
    uint32_t na = acts && acts->kind == YT_SEQ ? acts->n : 0;
    uint32_t nr = rules && rules->kind == YT_SEQ ? rules->n : 0;
    if (na > SW_DEF_MAX_ITEMS || nr > SW_DEF_MAX_ITEMS) {
        bad(&p, root, "more than 10000 actions or rules%s", NULL);
        goto fail;
    }
    d->actions = calloc(na + 1, sizeof *d->actions);
    d->rules = calloc(nr + 1, sizeof *d->rules);
    if (!d->actions || !d->rules) {
        sw_loc_t loc = {name, 1, 1};
        sw_diags_add(diags, loc, SW_DIAG_ERROR, "out of memory");
        goto fail;
    }
    for (const yt_node_t *n = na ? acts->first : NULL; n; n = n->next)
        if (!parse_action(&p, n, &d->actions[d->n_actions]))
            d->n_actions++;
    for (const yt_node_t *n = nr ? rules->first : NULL; n; n = n->next)
        if (!parse_rule(&p, n, &d->rules[d->n_rules]))
            d->n_rules++;
    if (diags->n_errors > errs0)
        goto fail;
    return SW_OK;
fail:
    sw_defender_free(d);
    return SW_EINVAL;
}
