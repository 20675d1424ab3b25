/* scenario_adversary.c — the scenario's `adversaries:` (targets, C2,
 * objectives, playbook steps with their preconditions and effects) and
 * `injects:` (timed or triggered events, messages, indicators, effects),
 * and the host selectors both use. Phase 3 (fill) of the loader for those
 * sections; scenario_load.c drives the phases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/attack_table.h"
#include "scenario/procedure.h"
#include "scenario/scenario_int.h"

static const char *const k_adv[] = {"id",         "name",     "modelled_on", "targets",
                                    "start",      "patience", "operators",   "c2",
                                    "objectives", "playbook", NULL};
static const char *const r_adv[] = {"id", "objectives", "playbook", NULL};
static const char *const k_c2[] = {"domains", "ips", NULL};
static const char *const k_obj[] = {"id", "kind",      "description", "target",
                                    "at", "megabytes", "min_hosts",   NULL};
static const char *const r_obj[] = {"id", "kind", "target", NULL};
static const char *const k_step[] = {"id",       "name",    "technique", "procedure",
                                     "tool",     "target",  "requires",  "effects",
                                     "duration", "success", "noise",     NULL};
static const char *const r_step[] = {"id", "technique", "effects", NULL};
static const char *const k_sel[] = {"role", "host", "org", "org_kind", "zone", NULL};
static const char *const k_selpriv[] = {"priv", "role", "host", "org", "org_kind", "zone", NULL};
static const char *const k_cred[] = {"kind", "form", "account", NULL};
static const char *const k_inj[] = {"id", "title",   "kind", "at",         "when",   "from",
                                    "to", "subject", "body", "indicators", "effect", NULL};
static const char *const r_inj[] = {"id", "title", "kind", NULL};
static const char *const k_ind[] = {"type", "value", NULL};
static const char *const r_ind[] = {"type", "value", NULL};
static const char *const k_power[] = {"org", "host", "duration", NULL};
static const char *const r_power[] = {"duration", NULL};

static sw_selector_t sel_default(sw_loc_t loc)
{
    sw_selector_t s;
    memset(&s, 0, sizeof s);
    s.host = SW_NONE;
    s.org = SW_NONE;
    s.org_kind = -1;
    s.zone = -1;
    s.loc = loc;
    return s;
}

/* Fill a selector from the selector keys of map n (other keys are the
 * caller's to check). */
static sw_selector_t sel_fields(ld_t *L, node_t *n)
{
    sw_selector_t s = sel_default(n->loc);
    node_t *v;
    if ((v = scn_mget(n, "role"))) {
        int r = scn_val_enum(L, v, "role", sw_role_names, SW_ROLE__COUNT, -1);
        if (r >= 0) {
            s.has_role = 1;
            s.role = (sw_role_t)r;
        }
    }
    s.host = scn_opt_ref(L, n, "host", &L->m_host, "host");
    s.org = scn_opt_ref(L, n, "org", &L->m_org, "organisation");
    s.org_kind = scn_opt_enum(L, n, "org_kind", sw_org_kind_names, SW_ORG__COUNT, -1);
    s.zone = scn_opt_enum(L, n, "zone", sw_zone_names, SW_ZONE__COUNT, -1);
    return s;
}

static sw_selector_t val_sel(ld_t *L, node_t *n, const char *key)
{
    char wb[160];
    snprintf(wb, sizeof wb, "selector '%s'", key);
    if (scn_check_keys(L, n, wb, k_sel, NULL))
        return sel_default(n->loc);
    return sel_fields(L, n);
}

/* {priv: P, <selector keys>} or a bare privilege name */
static void val_priv_sel(ld_t *L, node_t *v, const char *key, sw_priv_t *priv, sw_selector_t *sel,
                         sw_priv_t def)
{
    *sel = sel_default(v->loc);
    *priv = def;
    if (v->kind == YT_SCALAR) {
        *priv = (sw_priv_t)scn_val_enum(L, v, key, sw_priv_names, 4, def);
        return;
    }
    char wb[64];
    snprintf(wb, sizeof wb, "'%s'", key);
    if (scn_check_keys(L, v, wb, k_selpriv, NULL))
        return;
    *priv = (sw_priv_t)scn_opt_enum(L, v, "priv", sw_priv_names, 4, def);
    *sel = sel_fields(L, v);
}

/* A list item that must be a mapping with exactly one key; returns it. */
static node_t *single_key(ld_t *L, node_t *it, const char *what_item)
{
    if (it->kind != YT_MAP || it->n != 2 || it->first->kind != YT_SCALAR) {
        ERR(L, it->loc, "each %s must be a mapping with one key, like '- fact: domain-mapped'",
            what_item);
        return NULL;
    }
    return it->first;
}

static int kind_of(ld_t *L, node_t *k, const char *const *names, int n, const char *what_item)
{
    int i = sw_enum_lookup(names, n, k->str);
    if (i >= 0)
        return i;
    const char *cands[32];
    for (int j = 0; j < n; j++)
        cands[j] = names[j];
    cands[n] = NULL;
    const char *sug = scn_suggest(k->str, cands, NULL, &L->suggest_budget);
    if (sug)
        ERR(L, k->loc, "unknown %s '%s' (did you mean '%s'?)", what_item, k->str, sug);
    else {
        char buf[512];
        ERR(L, k->loc, "unknown %s '%s' (expected one of: %s)", what_item, k->str,
            scn_list_names(names, n, buf, sizeof buf));
    }
    return -1;
}

/* A scalar that must be `true` (switch-like precondition/effect). */
static int must_true(ld_t *L, node_t *v, const char *key)
{
    int b = scn_val_bool(L, v, key, 1);
    if (!b)
        ERR(L, v->loc, "'%s' can only be true here (leave it out instead)", key);
    return b;
}

static const char *fact_name(ld_t *L, node_t *v, const char *key)
{
    const char *s = scn_scalar(L, v, key, "a fact name");
    if (s && !scn_id_ok(s)) {
        ERR(L, v->loc, "invalid fact name '%s': use letters, digits, '-', '_' or '.'", s);
        return NULL;
    }
    return s ? scn_wstr(L, s) : NULL;
}

static int ld_fill_pre(ld_t *L, node_t *it, sw_pre_t *p)
{
    node_t *k = single_key(L, it, "precondition");
    if (!k)
        return -1;
    int kind = kind_of(L, k, sw_pre_kind_names, SW_PRE__COUNT, "precondition");
    if (kind < 0)
        return -1;
    node_t *v = k->next;
    memset(p, 0, sizeof *p);
    p->kind = (sw_pre_kind_t)kind;
    p->loc = k->loc;
    p->sel = sel_default(k->loc);
    switch (p->kind) {
    case SW_PRE_ON_TARGET:
        p->priv = (sw_priv_t)scn_val_enum(L, v, "on_target", sw_priv_names, 4, SW_PRIV_USER);
        break;
    case SW_PRE_FOOTHOLD:
        val_priv_sel(L, v, "foothold", &p->priv, &p->sel, SW_PRIV_USER);
        break;
    case SW_PRE_REACH:
        p->port = (uint16_t)scn_val_int(L, v, "reach", 0, 0, 65535);
        break;
    case SW_PRE_VULN: {
        const char *s = scn_scalar(L, v, "vuln", "a CVE id or any");
        if (s && strcmp(s, "any")) {
            if (!scn_cve_ok(s))
                ERR(L, v->loc, "'vuln' must be a CVE id like CVE-2023-46805 or any, got '%s'", s);
            p->cve = scn_wstr(L, s);
        }
        break;
    }
    case SW_PRE_CREDENTIAL:
        p->cred =
            (sw_cred_kind_t)scn_val_enum(L, v, "credential", sw_cred_kind_names, SW_CRED__COUNT, 0);
        break;
    case SW_PRE_PHISHABLE:
    case SW_PRE_C2:
        must_true(L, v, sw_pre_kind_names[kind]);
        break;
    case SW_PRE_FACT:
    case SW_PRE_NOT_FACT:
        p->fact = fact_name(L, v, sw_pre_kind_names[kind]);
        break;
    case SW_PRE_AFTER:
        p->at_ms = scn_val_time(L, v, "after", 0);
        break;
    }
    return 0;
}

static int ld_fill_eff(ld_t *L, node_t *it, sw_eff_t *e)
{
    node_t *k = single_key(L, it, "effect");
    if (!k)
        return -1;
    int kind = kind_of(L, k, sw_eff_kind_names, SW_EFF__COUNT, "effect");
    if (kind < 0)
        return -1;
    node_t *v = k->next;
    memset(e, 0, sizeof *e);
    e->kind = (sw_eff_kind_t)kind;
    e->loc = k->loc;
    e->sel = sel_default(k->loc);
    const char *key = sw_eff_kind_names[kind];
    switch (e->kind) {
    case SW_EFF_FOOTHOLD:
        e->priv = (sw_priv_t)scn_val_enum(L, v, key, sw_priv_names, 4, SW_PRIV_USER);
        break;
    case SW_EFF_CREDENTIAL:
        if (v->kind == YT_MAP) {
            if (!scn_check_keys(L, v, "'credential'", k_cred,
                                (const char *const[]){"kind", NULL})) {
                e->cred = (sw_cred_kind_t)scn_opt_enum(L, v, "kind", sw_cred_kind_names,
                                                       SW_CRED__COUNT, 0);
                e->form = (sw_cred_form_t)scn_opt_enum(L, v, "form", sw_cred_form_names, 3, 0);
                e->account = scn_opt_str(L, v, "account", NULL);
            }
        } else {
            e->cred =
                (sw_cred_kind_t)scn_val_enum(L, v, key, sw_cred_kind_names, SW_CRED__COUNT, 0);
        }
        break;
    case SW_EFF_PERSIST:
        e->persist = (sw_persist_t)scn_val_enum(L, v, key, sw_persist_names, SW_PERSIST__COUNT, 0);
        break;
    case SW_EFF_FACT:
        e->fact = fact_name(L, v, key);
        break;
    case SW_EFF_C2: {
        const char *s = scn_scalar(L, v, key, "a channel name like https or dns");
        e->channel = s ? scn_wstr(L, s) : NULL;
        break;
    }
    case SW_EFF_EXFIL:
        e->megabytes = scn_val_num(L, v, key, 0, 0.001, 1e7, "a size in megabytes above 0");
        break;
    case SW_EFF_SPREAD:
        val_priv_sel(L, v, key, &e->priv, &e->sel, SW_PRIV_USER);
        break;
    default: /* proxy, encrypt, wipe, disrupt, tamper_logs, destroy_backups */
        must_true(L, v, key);
        break;
    }
    return 0;
}

/* A procedure's commands: each line's technique annotation is an ATT&CK
 * technique, each placeholder one the bridge knows (procedure.h). */
static void check_procedure(ld_t *L, node_t *v, const char *proc)
{
    const char *cur = proc;
    int line = 0, multi = sw_proc_count(proc) > 1;
    sw_proc_line_t l;
    char where[32] = "";
    while (sw_proc_next(&cur, &line, &l)) {
        if (multi)
            snprintf(where, sizeof where, " (line %d)", l.line);
        if (l.tech_len) {
            char id[16], tactic[64];
            snprintf(id, sizeof id, "%.*s", (int)l.tech_len, l.tech);
            if (!sw_attack_lookup(id, NULL, 0, tactic, sizeof tactic))
                ERR(L, v->loc,
                    "'procedure'%s names unknown ATT&CK technique '%s' (not in the enterprise "
                    "table)",
                    where, id);
        }
        const char *s = l.cmd, *a, *b;
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "%.*s",
                 (int)(l.cmd_len < sizeof cmd ? l.cmd_len : sizeof cmd - 1), l.cmd);
        s = cmd;
        while (sw_proc_next_placeholder(s, &a, &b)) {
            if (!sw_proc_placeholder_known(a, (size_t)(b - a))) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(b - a < 60 ? b - a : 60), a);
                const char *sug = scn_suggest(name, sw_proc_placeholders, NULL, &L->suggest_budget);
                ERR(L, v->loc, "'procedure'%s uses unknown placeholder '{%s}'%s%s%s", where, name,
                    sug ? " (did you mean '{" : "", sug ? sug : "", sug ? "}'?)" : "");
            }
            s = b + 1;
        }
    }
}

static void ld_fill_step(ld_t *L, sw_step_t *st, node_t *n)
{
    node_t *v;
    st->name = scn_opt_str(L, n, "name", st->id);
    st->procedure = scn_opt_str(L, n, "procedure", NULL);
    if (st->procedure)
        check_procedure(L, scn_mget(n, "procedure"), st->procedure);
    st->tool = scn_opt_str(L, n, "tool", NULL);
    st->technique = scn_opt_str(L, n, "technique", NULL);
    if (st->technique) {
        char tactic[64];
        v = scn_mget(n, "technique");
        if (!sw_attack_id_valid(st->technique))
            ERR(L, v->loc,
                "'technique' must be an ATT&CK technique id like T1059 or T1003.003, got '%s'",
                st->technique);
        else if (!sw_attack_lookup(st->technique, NULL, 0, tactic, sizeof tactic))
            ERR(L, v->loc, "unknown ATT&CK technique '%s' (not in the enterprise table)",
                st->technique);
        else
            st->tactic = scn_wstr(L, tactic);
    }
    st->target = (v = scn_mget(n, "target")) ? val_sel(L, v, "target") : sel_default(n->loc);
    if ((v = scn_mget(n, "requires"))) {
        if (!scn_list_ok(L, v, "requires", "a list of preconditions")) {
        } else if ((st->pre = scn_wz(L, v->n * sizeof *st->pre)))
            for (node_t *it = v->first; it; it = it->next)
                if (!ld_fill_pre(L, it, &st->pre[st->n_pre]))
                    st->n_pre++;
    }
    if ((v = scn_mget(n, "effects"))) {
        if (v->kind == YT_SEQ && v->n == 0)
            ERR(L, v->loc, "'effects' must be a non-empty list of effects, got an empty list");
        else if (!scn_list_ok(L, v, "effects", "a non-empty list of effects")) {
        } else if ((st->eff = scn_wz(L, v->n * sizeof *st->eff)))
            for (node_t *it = v->first; it; it = it->next)
                if (!ld_fill_eff(L, it, &st->eff[st->n_eff]))
                    st->n_eff++;
    }
    st->dur_min_ms = st->dur_max_ms = 5 * 60000;
    if ((v = scn_mget(n, "duration"))) {
        const char *s = scn_scalar(L, v, "duration", "a duration or range like 10m..40m");
        if (s && sw_parse_duration_range(s, &st->dur_min_ms, &st->dur_max_ms)) {
            ERR(L, v->loc,
                "'duration' must be a duration or range like 10m..40m (min <= max), got '%s'", s);
            st->dur_min_ms = st->dur_max_ms = 5 * 60000;
        }
    }
    st->success = scn_opt_prob(L, n, "success", 1.0);
    st->noise = scn_opt_prob(L, n, "noise", 0.5);
}

void scn_fill_adversary(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_world_t *w = L->w;
    sw_adversary_t *a = &w->adversaries[i];
    node_t *n = L->adv_n[i];
    if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "adversary", a->id), k_adv, r_adv))
        return;
    node_t *v;
    a->name = scn_opt_str(L, n, "name", a->id);
    a->group = scn_opt_str(L, n, "modelled_on", NULL);
    if (a->group) {
        const char *g = a->group;
        int ok = g[0] == 'G' && strlen(g) == 5 && strspn(g + 1, "0123456789") == 4;
        if (!ok)
            ERR(L, scn_kloc(n, "modelled_on"),
                "'modelled_on' must be an ATT&CK group id like G1017, got '%s'", g);
    }
    a->targets = scn_opt_reflist(L, n, "targets", &L->m_team, "team");
    for (uint32_t t = 0; t < a->targets.n; t++)
        if (w->teams[a->targets.ids[t]].kind == SW_TEAM_OBSERVER)
            ERR(L, scn_kloc(n, "targets"),
                "adversary targets observer '%s': observers have no networks",
                w->teams[a->targets.ids[t]].id);
    a->start_ms = scn_opt_time(L, n, "start", 0);
    a->patience = scn_opt_prob(L, n, "patience", 0.5);
    a->operators = (uint32_t)scn_opt_int(L, n, "operators", 1, 1, SW_MAX_OPERATORS);
    if ((v = scn_mget(n, "c2")) && !scn_check_keys(L, v, "c2", k_c2, NULL)) {
        a->c2_domains = scn_opt_strlist(L, v, "domains");
        a->c2_ips = scn_opt_strlist(L, v, "ips");
        FOR_SUB(v, "ips", x)
        {
            uint8_t ip[16];
            int v6;
            if (x->kind == YT_SCALAR && sw_ip_parse(x->str, ip, &v6))
                ERR(L, x->loc, "C2 address '%s' is not an IP address", x->str);
        }
    }
    /* objectives */
    if ((v = scn_mget(n, "objectives"))) {
        if (v->kind == YT_SEQ && v->n == 0) {
            ERR(L, v->loc, "'objectives' must be a non-empty list, got an empty list");
        } else if (!scn_list_ok(L, v, "objectives", "a non-empty list")) {
        } else if ((a->objectives = scn_wz(L, v->n * sizeof *a->objectives))) {
            for (node_t *o = v->first; o; o = o->next) {
                const char *oid = scn_entry_id(L, o, "id", "objective");
                if (scn_check_keys(L, o, scn_what(wb, sizeof wb, "objective", oid), k_obj, r_obj))
                    continue;
                sw_adv_objective_t *ob = &a->objectives[a->n_objectives];
                ob->loc = o->loc;
                ob->id = oid ? scn_wstr(L, oid) : NULL;
                for (uint32_t j = 0; ob->id && j < a->n_objectives; j++)
                    if (a->objectives[j].id && !strcmp(a->objectives[j].id, ob->id))
                        ERR(L, scn_kloc(o, "id"),
                            "duplicate objective id '%s' in adversary '%s' (first defined at "
                            "%s:%d:%d)",
                            ob->id, a->id ? a->id : "?", a->objectives[j].loc.file,
                            a->objectives[j].loc.line, a->objectives[j].loc.col);
                ob->description = scn_opt_str(L, o, "description", NULL);
                ob->kind =
                    (sw_obj_kind_t)scn_opt_enum(L, o, "kind", sw_obj_kind_names, SW_OBJ__COUNT, 0);
                node_t *t = scn_mget(o, "target");
                ob->target = t ? val_sel(L, t, "target") : sel_default(o->loc);
                ob->at_ms = scn_opt_time(L, o, "at", 0);
                ob->megabytes =
                    scn_opt_num(L, o, "megabytes", ob->kind == SW_OBJ_EXFILTRATE ? 100 : 0, 0, 1e7,
                                "a size in megabytes from 0 to 10000000");
                ob->min_hosts = (uint32_t)scn_opt_int(L, o, "min_hosts", 1, 1, SW_SCN_MAX_OBJECTS);
                a->n_objectives++;
            }
        }
    }
    if ((v = scn_mget(n, "playbook"))) {
        if (v->kind == YT_SEQ && v->n == 0) {
            ERR(L, v->loc, "'playbook' must be a non-empty list of steps, got an empty list");
        } else if (!scn_list_ok(L, v, "playbook", "a non-empty list of steps")) {
        } else if ((a->steps = scn_wz(L, v->n * sizeof *a->steps))) {
            for (node_t *s = v->first; s; s = s->next) {
                const char *sid = scn_entry_id(L, s, "id", "step");
                if (scn_check_keys(L, s, scn_what(wb, sizeof wb, "step", sid), k_step, r_step))
                    continue;
                sw_step_t *st = &a->steps[a->n_steps];
                st->loc = s->loc;
                st->id = sid ? scn_wstr(L, sid) : NULL;
                for (uint32_t j = 0; st->id && j < a->n_steps; j++)
                    if (a->steps[j].id && !strcmp(a->steps[j].id, st->id))
                        ERR(L, scn_kloc(s, "id"),
                            "duplicate step id '%s' in adversary '%s' (first defined at %s:%d:%d)",
                            st->id, a->id ? a->id : "?", a->steps[j].loc.file, a->steps[j].loc.line,
                            a->steps[j].loc.col);
                ld_fill_step(L, st, s);
                a->n_steps++;
            }
        }
    }
}

/* "ADVERSARY/ID" to adversary and step/objective index. */
static int resolve_adv_item(ld_t *L, node_t *v, const char *key, int objective, uint32_t *adv,
                            uint32_t *index)
{
    const char *s = scn_scalar(L, v, key, "ADVERSARY/ID");
    if (!s)
        return -1;
    const char *slash = strchr(s, '/');
    char aid[128];
    if (!slash || slash == s || (size_t)(slash - s) >= sizeof aid || !slash[1]) {
        ERR(L, v->loc, "'%s' must be ADVERSARY/%s, got '%s'", key, objective ? "OBJECTIVE" : "STEP",
            s);
        return -1;
    }
    memcpy(aid, s, (size_t)(slash - s));
    aid[slash - s] = '\0';
    *adv = scn_idmap_get(&L->m_adv, aid);
    if (*adv == SW_NONE) {
        const char *sug = scn_suggest(aid, NULL, &L->m_adv, &L->suggest_budget);
        if (sug)
            ERR(L, v->loc, "unknown adversary '%s' (did you mean '%s'?)", aid, sug);
        else
            ERR(L, v->loc, "unknown adversary '%s'", aid);
        return -1;
    }
    const sw_adversary_t *a = &L->w->adversaries[*adv];
    uint32_t n = objective ? a->n_objectives : a->n_steps;
    for (uint32_t i = 0; i < n; i++) {
        const char *id = objective ? a->objectives[i].id : a->steps[i].id;
        if (id && !strcmp(id, slash + 1)) {
            *index = i;
            return 0;
        }
    }
    ERR(L, v->loc, "adversary '%s' has no %s '%s'", aid, objective ? "objective" : "step",
        slash + 1);
    return -1;
}

void scn_fill_inject(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_world_t *w = L->w;
    sw_inject_t *j = &w->injects[i];
    node_t *n = L->inj_n[i];
    j->adversary = j->index = SW_NONE;
    j->tech_link = j->tech_org = j->tech_host = SW_NONE;
    j->sel = sel_default(n->loc);
    if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "inject", j->id), k_inj, r_inj))
        return;
    node_t *v;
    j->title = scn_opt_str(L, n, "title", NULL);
    j->kind = (sw_inject_kind_t)scn_opt_enum(L, n, "kind", sw_inject_kind_names, SW_INJ__COUNT, 0);
    j->trigger = SW_TRIG_TIME;
    j->at_ms = scn_opt_time(L, n, "at", 0);
    if ((v = scn_mget(n, "when"))) {
        node_t *k = single_key(L, v, "'when' condition");
        int kind =
            k ? kind_of(L, k, sw_trigger_kind_names + 1, SW_TRIG__COUNT - 1, "condition") : -1;
        if (kind >= 0) {
            j->trigger = (sw_trigger_kind_t)(kind + 1);
            if (j->trigger == SW_TRIG_ATTACKER_ON)
                j->sel = val_sel(L, k->next, "attacker_on");
            else
                resolve_adv_item(L, k->next, k->str, j->trigger == SW_TRIG_OBJECTIVE, &j->adversary,
                                 &j->index);
        }
    } else if (!scn_mget(n, "at")) {
        ERR(L, n->loc, "inject '%s' needs a trigger: 'at' (a time) or 'when' (a condition)",
            j->id ? j->id : "?");
    }
    j->from = scn_opt_str(L, n, "from", NULL);
    if ((v = scn_mget(n, "to"))) {
        if (v->kind == YT_SCALAR && !strcmp(v->str, "all")) {
        } else if (v->kind == YT_SCALAR && !strcmp(v->str, "instructors")) {
            j->to_instructors = 1;
        } else if (v->kind == YT_SEQ) {
            if ((j->to.ids = scn_wz(L, v->n * sizeof *j->to.ids)))
                for (node_t *x = v->first; x; x = x->next) {
                    if (x->kind == YT_SCALAR && !strcmp(x->str, "instructors")) {
                        j->to_instructors = 1;
                        continue;
                    }
                    uint32_t t = scn_val_ref(L, x, "to", &L->m_team, "team");
                    if (t != SW_NONE)
                        j->to.ids[j->to.n++] = t;
                }
        } else {
            uint32_t t = scn_val_ref(L, v, "to", &L->m_team, "team");
            if (t != SW_NONE && (j->to.ids = scn_wz(L, sizeof *j->to.ids)))
                j->to.ids[j->to.n++] = t;
        }
    }
    j->subject = scn_opt_str(L, n, "subject", NULL);
    j->body = scn_opt_str(L, n, "body", NULL);
    if ((v = scn_mget(n, "indicators"))) {
        if (!scn_list_ok(L, v, "indicators", "a list")) {
        } else if ((j->indicators = scn_wz(L, v->n * sizeof *j->indicators))) {
            for (node_t *x = v->first; x; x = x->next) {
                if (scn_check_keys(L, x, "indicator", k_ind, r_ind))
                    continue;
                sw_indicator_t *ind = &j->indicators[j->n_indicators++];
                ind->loc = x->loc;
                int t = scn_opt_enum(L, x, "type", scn_indicator_names, 11, 0);
                ind->type = scn_indicator_names[t];
                ind->value = scn_opt_str(L, x, "value", "");
                uint8_t ip[16];
                int v6;
                if ((t == 0 || t == 1) && scn_mget(x, "value") &&
                    (sw_ip_parse(ind->value, ip, &v6) || v6 != (t == 1)))
                    ERR(L, scn_kloc(x, "value"), "indicator value '%s' is not an %s address",
                        ind->value, t ? "IPv6" : "IPv4");
            }
        }
    }
    if ((v = scn_mget(n, "effect"))) {
        node_t *k = single_key(L, v, "'effect'");
        int kind =
            k ? kind_of(L, k, sw_tech_kind_names + 1, SW_TECH__COUNT - 1, "technical effect") : -1;
        if (kind >= 0) {
            j->tech = (sw_tech_kind_t)(kind + 1);
            node_t *x = k->next;
            if (j->tech == SW_TECH_POWER_LOSS) {
                if (!scn_check_keys(L, x, "'power_loss'", k_power, r_power)) {
                    j->tech_org = scn_opt_ref(L, x, "org", &L->m_org, "organisation");
                    j->tech_host = scn_opt_ref(L, x, "host", &L->m_host, "host");
                    if (!scn_mget(x, "org") && !scn_mget(x, "host"))
                        ERR(L, x->loc, "'power_loss' needs 'org' or 'host'");
                    j->tech_duration_ms = scn_opt_dur(L, x, "duration", 0);
                }
            } else {
                j->tech_link = scn_val_ref(L, x, k->str, &L->m_link, "link");
            }
        }
    }
}
