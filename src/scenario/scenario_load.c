/* scenario_load.c — scenario YAML trees to the world model.
 *
 * Phases, in order (sw_scenario_load_mem):
 *   1. read    the main file and its includes into trees (scn_read in
 *              scenario_read.c), depth first, includes before their includer;
 *   2. declare every object with an id (ld_declare_*): arrays sized, ids put in
 *              maps, duplicates reported, `count:` hosts expanded — so any
 *              later reference may point forwards or into another file;
 *   3. fill    every field (ld_fill_*), resolving references through the maps;
 *   4. derive  the back-references (team->orgs, org->hosts, network->hosts);
 *   5. check   the semantics (scenario_check.c).
 * Every problem becomes a located diagnostic and loading goes on: a bad value
 * leaves the field at its default, an unresolved reference at SW_NONE.
 *
 * Invariants
 *  1. World strings and arrays live in w->arena; trees live in L->tmp and die
 *     at the end of the load.
 *  2. Locations name the file as the loader read it: a path as given/joined,
 *     or "builtin:scenarios/..." for embedded files.
 *  3. Anything sized by the input is bounded (files, depth, objects, count). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/attack_table.h"
#include "scenario/scenario_i18n.h"
#include "scenario/scenario_int.h"

/* Iterate the items of top-level list `key` across every file read. */
#define FOR_ITEMS(L, key, it)                                                                      \
    for (int fi_ = 0; fi_ < (L)->n_files; fi_++)                                                   \
        for (node_t *lst_ = scn_mget((L)->roots[fi_], (key)),                                      \
                    *it = lst_ && lst_->kind == YT_SEQ ? lst_->first : NULL;                       \
             it; it = it->next)

/* Items of a nested list (NULL-safe). */
#define FOR_SUB(map, key, it)                                                                      \
    for (node_t *lst_##it = scn_mget((map), (key)),                                                \
                *it = lst_##it && lst_##it->kind == YT_SEQ ? lst_##it->first : NULL;               \
         it; it = it->next)

static uint32_t count_items(ld_t *L, const char *key)
{
    uint32_t n = 0;
    FOR_ITEMS(L, key, it)
    n++;
    return n;
}

static uint32_t count_sub(node_t *map, const char *key)
{
    node_t *v = scn_mget(map, key);
    return v && v->kind == YT_SEQ ? v->n : 0;
}

/* ---- key tables ------------------------------------------------------------ */

static const char *const k_exercise[] = {"name",     "description", "duration",      "start",
                                         "timezone", "utc_offset",  "date",          "speed",
                                         "seed",     "objectives",  "observers_see", NULL};
static const char *const r_exercise[] = {"name", "duration", NULL};
static const char *const k_lobj[] = {"id", "text", "category", "weight", NULL};
static const char *const r_lobj[] = {"id", "text", NULL};
static const char *const k_team[] = {"id", "name", "country", NULL};
static const char *const r_team[] = {"id", "name", NULL};
static const char *const k_org[] = {"id",    "name",  "team",     "kind",          "networks",
                                    "hosts", "users", "firewall", "international", "trusts",
                                    NULL};
static const char *const r_org[] = {"id", "team", "kind", NULL};
static const char *const k_fw[] = {"default", "rules", NULL};
static const char *const k_fwrule[] = {"from", "to", "port", "proto", "action", NULL};
static const char *const r_fwrule[] = {"from", "to", "action", NULL};
static const char *const k_intl[] = {"primary", "backup", NULL};
static const char *const r_intl[] = {"primary", NULL};
static const char *const k_net[] = {"id", "name", "cidr", "zone", NULL};
static const char *const r_net[] = {"id", "cidr", "zone", NULL};
static const char *const k_host[] = {"id",           "hostname",
                                     "ip",           "network",
                                     "os",           "role",
                                     "criticality",  "count",
                                     "services",     "accounts",
                                     "software",     "vulns",
                                     "sensors",      "av_signature_age_days",
                                     "backup",       "domain_joined",
                                     "reimage_time", NULL};
static const char *const r_host[] = {"id", "ip", "network", "os", "role", NULL};
static const char *const k_svc[] = {"name", "port", "proto", "exposed", "depends_on", NULL};
static const char *const r_svc[] = {"name", "port", NULL};
static const char *const k_acct[] = {"name", "admin", NULL};
static const char *const r_acct[] = {"name", NULL};
static const char *const k_vuln[] = {"cve", "service", "exploitability", "remote", "grants", NULL};
static const char *const r_vuln[] = {"cve", NULL};
static const char *const k_backup[] = {"every", "last_good_age", "offline", "restore_time", NULL};
static const char *const r_backup[] = {"every", NULL};
static const char *const k_user[] = {"id",  "name",  "account",  "workstation", "groups",
                                     "vpn", "hours", "phishing", NULL};
static const char *const r_user[] = {"id", "account", NULL};
static const char *const k_link[] = {
    "id", "name", "kind", "ends", "length_km", "capacity_mbps", "latency_ms", "repair_time", NULL};
static const char *const r_link[] = {"id", "kind", NULL};
static const char *const k_biz[] = {
    "id", "name", "org", "weight", "requires", "any_of", "min_capacity_mbps", NULL};
static const char *const r_biz[] = {"id", "org", NULL};
static const char *const k_adv[] = {"id",       "name", "modelled_on", "targets",  "start",
                                    "patience", "c2",   "objectives",  "playbook", NULL};
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
static const char *const k_cred[] = {"kind", "form", NULL};
static const char *const k_inj[] = {"id", "title",   "kind", "at",         "when",   "from",
                                    "to", "subject", "body", "indicators", "effect", NULL};
static const char *const r_inj[] = {"id", "title", "kind", NULL};
static const char *const k_ind[] = {"type", "value", NULL};
static const char *const r_ind[] = {"type", "value", NULL};
static const char *const k_power[] = {"org", "host", "duration", NULL};
static const char *const r_power[] = {"duration", NULL};
static const char *const k_scoring[] = {"weights", NULL};
static const char *const k_weights[] = {"availability", "detection", "containment", "recovery",
                                        "reporting",    "sharing",   NULL};
static const char *const k_rules[] = {"allowed_actions", "hints", "hint_cost", NULL};

/* The object name for messages: "host 'dc01'" or "host" when id is NULL. */
static const char *what(char *buf, size_t len, const char *kind, const char *id)
{
    if (id)
        snprintf(buf, len, "%s '%s'", kind, id);
    else
        snprintf(buf, len, "%s", kind);
    return buf;
}

/* ---- phase 2: declare ------------------------------------------------------ */

/* Number of hosts an entry expands to (its `count:`, 1 by default). */
static uint32_t host_count(ld_t *L, node_t *h, int report)
{
    node_t *v = scn_mget(h, "count");
    if (!v)
        return 1;
    if (!report) {
        char *end;
        long x = v->kind == YT_SCALAR ? strtol(v->str, &end, 10) : 0;
        return (v->kind == YT_SCALAR && !*end && x >= 1 && x <= SW_SCN_MAX_COUNT) ? (uint32_t)x : 1;
    }
    return (uint32_t)scn_val_int(L, v, "count", 1, 1, SW_SCN_MAX_COUNT);
}

static int too_many(ld_t *L, uint32_t n, const char *what_kind)
{
    if (n <= SW_SCN_MAX_OBJECTS)
        return 0;
    sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
    ERR(L, loc, "too many %s (%u, limit %d)", what_kind, n, SW_SCN_MAX_OBJECTS);
    return 1;
}

static void ld_declare(ld_t *L)
{
    sw_world_t *w = L->w;
    char wb[160];
    /* teams and observers */
    uint32_t nt = count_items(L, "teams") + count_items(L, "observers");
    uint32_t no = count_items(L, "orgs"), nn = 0, nh = 0, nu = 0;
    FOR_ITEMS(L, "orgs", o)
    {
        nn += count_sub(o, "networks");
        nu += count_sub(o, "users");
        FOR_SUB(o, "hosts", h)
        nh += host_count(L, h, 0);
    }
    uint32_t nl = count_items(L, "links"), nb = count_items(L, "business");
    uint32_t na = count_items(L, "adversaries"), ni = count_items(L, "injects");
    if (too_many(L, nt, "teams") || too_many(L, no, "organisations") ||
        too_many(L, nn, "networks") || too_many(L, nh, "hosts") || too_many(L, nu, "users") ||
        too_many(L, nl, "links") || too_many(L, nb, "business services") ||
        too_many(L, na, "adversaries") || too_many(L, ni, "injects")) {
        L->stop = 1;
        return;
    }
    w->teams = scn_wz(L, nt * sizeof *w->teams);
    w->orgs = scn_wz(L, no * sizeof *w->orgs);
    w->networks = scn_wz(L, nn * sizeof *w->networks);
    w->hosts = scn_wz(L, nh * sizeof *w->hosts);
    w->users = scn_wz(L, nu * sizeof *w->users);
    w->links = scn_wz(L, nl * sizeof *w->links);
    w->business = scn_wz(L, nb * sizeof *w->business);
    w->adversaries = scn_wz(L, na * sizeof *w->adversaries);
    w->injects = scn_wz(L, ni * sizeof *w->injects);
    L->team_n = calloc(nt + 1, sizeof *L->team_n);
    L->org_n = calloc(no + 1, sizeof *L->org_n);
    L->net_n = calloc(nn + 1, sizeof *L->net_n);
    L->host_n = calloc(nh + 1, sizeof *L->host_n);
    L->host_first = calloc(nh + 1, sizeof *L->host_first);
    L->user_n = calloc(nu + 1, sizeof *L->user_n);
    L->link_n = calloc(nl + 1, sizeof *L->link_n);
    L->biz_n = calloc(nb + 1, sizeof *L->biz_n);
    L->adv_n = calloc(na + 1, sizeof *L->adv_n);
    L->inj_n = calloc(ni + 1, sizeof *L->inj_n);
    if (L->oom || !L->team_n || !L->org_n || !L->net_n || !L->host_n || !L->host_first ||
        !L->user_n || !L->link_n || !L->biz_n || !L->adv_n || !L->inj_n) {
        L->oom = 1;
        return;
    }

    static const char *const tkeys[2] = {"teams", "observers"};
    for (int k = 0; k < 2; k++)
        FOR_ITEMS(L, tkeys[k], t)
        {
            uint32_t i = w->n_teams++;
            sw_team_t *tm = &w->teams[i];
            L->team_n[i] = t;
            tm->loc = t->loc;
            tm->kind = k ? SW_TEAM_OBSERVER : SW_TEAM_PLAYER;
            const char *id = scn_entry_id(L, t, "id", k ? "observer" : "team");
            if (id && (tm->id = scn_wstr(L, id)))
                DECLARE(L, &L->m_team, tm->id, i, w->teams, "team");
        }
    FOR_ITEMS(L, "orgs", o)
    {
        uint32_t i = w->n_orgs++;
        sw_org_t *org = &w->orgs[i];
        L->org_n[i] = o;
        org->loc = o->loc;
        org->team = SW_NONE;
        const char *id = scn_entry_id(L, o, "id", "organisation");
        if (id && (org->id = scn_wstr(L, id)))
            DECLARE(L, &L->m_org, org->id, i, w->orgs, "organisation");
        FOR_SUB(o, "networks", n)
        {
            uint32_t j = w->n_networks++;
            sw_network_t *net = &w->networks[j];
            L->net_n[j] = n;
            net->loc = n->loc;
            net->org = i;
            const char *nid = scn_entry_id(L, n, "id", "network");
            if (nid && (net->id = scn_wstr(L, nid)))
                DECLARE(L, &L->m_net, net->id, j, w->networks, "network");
        }
        FOR_SUB(o, "hosts", h)
        {
            uint32_t cnt = host_count(L, h, 1);
            const char *hid = scn_entry_id(L, h, "id", "host");
            uint32_t first = w->n_hosts;
            for (uint32_t c = 0; c < cnt; c++) {
                uint32_t j = w->n_hosts++;
                sw_host_t *host = &w->hosts[j];
                L->host_n[j] = h;
                L->host_first[j] = first;
                host->loc = h->loc;
                host->org = i;
                if (!hid)
                    continue;
                if (cnt > 1) {
                    snprintf(wb, sizeof wb, "%s%02u", hid, c + 1);
                    host->id = scn_wstr(L, wb);
                } else {
                    host->id = scn_wstr(L, hid);
                }
                if (host->id)
                    DECLARE(L, &L->m_host, host->id, j, w->hosts, "host");
            }
        }
        FOR_SUB(o, "users", u)
        {
            uint32_t j = w->n_users++;
            sw_user_t *user = &w->users[j];
            L->user_n[j] = u;
            user->loc = u->loc;
            user->org = i;
            const char *uid = scn_entry_id(L, u, "id", "user");
            if (uid && (user->id = scn_wstr(L, uid)))
                DECLARE(L, &L->m_user, user->id, j, w->users, "user");
        }
    }
    FOR_ITEMS(L, "links", l)
    {
        uint32_t i = w->n_links++;
        L->link_n[i] = l;
        w->links[i].loc = l->loc;
        const char *id = scn_entry_id(L, l, "id", "link");
        if (id && (w->links[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_link, w->links[i].id, i, w->links, "link");
    }
    FOR_ITEMS(L, "business", b)
    {
        uint32_t i = w->n_business++;
        L->biz_n[i] = b;
        w->business[i].loc = b->loc;
        const char *id = scn_entry_id(L, b, "id", "business service");
        if (id && (w->business[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_biz, w->business[i].id, i, w->business, "business service");
    }
    FOR_ITEMS(L, "adversaries", a)
    {
        uint32_t i = w->n_adversaries++;
        L->adv_n[i] = a;
        w->adversaries[i].loc = a->loc;
        const char *id = scn_entry_id(L, a, "id", "adversary");
        if (id && (w->adversaries[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_adv, w->adversaries[i].id, i, w->adversaries, "adversary");
    }
    FOR_ITEMS(L, "injects", j)
    {
        uint32_t i = w->n_injects++;
        L->inj_n[i] = j;
        w->injects[i].loc = j->loc;
        const char *id = scn_entry_id(L, j, "id", "inject");
        if (id && (w->injects[i].id = scn_wstr(L, id)))
            DECLARE(L, &L->m_inj, w->injects[i].id, i, w->injects, "inject");
    }
}

/* ---- phase 3: fill ----------------------------------------------------------- */

struct tz {
    const char *name;
    int offset_min;
};
static const struct tz tz_table[] = {
    {"UTC", 0},
    {"Etc/UTC", 0},
    {"Pacific/Palau", 540},
    {"Pacific/Guam", 600},
    {"Pacific/Saipan", 600},
    {"Pacific/Chuuk", 600},
    {"Pacific/Port_Moresby", 600},
    {"Australia/Brisbane", 600},
    {"Pacific/Pohnpei", 660},
    {"Pacific/Kosrae", 660},
    {"Pacific/Noumea", 660},
    {"Pacific/Guadalcanal", 660},
    {"Pacific/Efate", 660},
    {"Pacific/Majuro", 720},
    {"Pacific/Kwajalein", 720},
    {"Pacific/Nauru", 720},
    {"Pacific/Tarawa", 720},
    {"Pacific/Fiji", 720},
    {"Pacific/Funafuti", 720},
    {"Pacific/Wallis", 720},
    {"Pacific/Tongatapu", 780},
    {"Pacific/Apia", 780},
    {"Pacific/Kanton", 780},
    {"Pacific/Fakaofo", 780},
    {"Pacific/Kiritimati", 840},
    {"Pacific/Honolulu", -600},
    {"Pacific/Pago_Pago", -660},
    {"Pacific/Rarotonga", -600},
    {"Pacific/Niue", -660},
    {"Asia/Tokyo", 540},
    {"Asia/Singapore", 480},
    {NULL, 0},
};

static int date_ok(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

static uint64_t val_seed(ld_t *L, node_t *v)
{
    const char *s = scn_scalar(L, v, "seed", "a whole number from 0 to 2^64-1");
    if (!s)
        return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (!*s || *s < '0' || *s > '9' || *end || errno) {
        ERR(L, v->loc, "'seed' must be a whole number from 0 to 2^64-1, got '%s'", s);
        return 0;
    }
    return (uint64_t)x;
}

static void ld_fill_exercise(ld_t *L)
{
    sw_exercise_spec_t *ex = &L->w->exercise;
    ex->speed = 1;
    ex->timezone = "UTC";
    ex->start_minute = 8 * 60;
    ex->seed = 1;
    node_t *e = L->exercise;
    if (L->seed)
        ex->seed = val_seed(L, L->seed);
    if (!e) {
        sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
        ERR(L, loc, "the scenario is missing required section 'exercise'");
        return;
    }
    ex->loc = e->loc;
    if (scn_check_keys(L, e, "exercise", k_exercise, r_exercise))
        return;
    ex->name = scn_opt_str(L, e, "name", NULL);
    ex->description = scn_opt_str(L, e, "description", NULL);
    node_t *v;
    if ((v = scn_mget(e, "duration"))) {
        ex->duration_ms = scn_val_dur(L, v, "duration", 0);
        if (ex->duration_ms == 0 || ex->duration_ms > (int64_t)7 * 86400000) {
            if (ex->duration_ms)
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            else if (v->kind == YT_SCALAR && !strcmp(v->str, "0"))
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            ex->duration_ms = 0;
        }
    }
    if ((v = scn_mget(e, "start"))) {
        const char *s = scn_scalar(L, v, "start", "a time of day HH:MM");
        if (s && sw_parse_time_of_day(s, &ex->start_minute))
            ERR(L, v->loc, "'start' must be a time of day HH:MM, got '%s'", s);
    }
    ex->timezone = scn_opt_str(L, e, "timezone", "UTC");
    int known = 0;
    for (int i = 0; tz_table[i].name; i++)
        if (ex->timezone && !strcmp(ex->timezone, tz_table[i].name)) {
            ex->utc_offset_min = tz_table[i].offset_min;
            known = 1;
        }
    if ((v = scn_mget(e, "utc_offset"))) {
        const char *s = scn_scalar(L, v, "utc_offset", "an offset like +09:00");
        if (s && sw_parse_utc_offset(s, &ex->utc_offset_min))
            ERR(L, v->loc,
                "'utc_offset' must be an offset like +09:00 (-12:00 to +14:00), got '%s'", s);
    } else if (!known && (v = scn_mget(e, "timezone"))) {
        ERR(L, v->loc, "unknown time zone '%s': add 'utc_offset' (e.g. +10:00)", ex->timezone);
    }
    if ((v = scn_mget(e, "date"))) {
        const char *s = scn_scalar(L, v, "date", "a date YYYY-MM-DD");
        if (s && !date_ok(s))
            ERR(L, v->loc, "'date' must be a date YYYY-MM-DD, got '%s'", s);
        else if (s)
            ex->date = scn_wstr(L, s);
    }
    ex->speed = scn_opt_num(L, e, "speed", 1, 0.1, 3600,
                            "a speed from 0.1 to 3600 (exercise seconds per second)");
    ex->observers_see =
        scn_opt_enum(L, e, "observers_see", sw_observer_view_names, SW_OBS__COUNT, SW_OBS_TEAMS);
    if ((v = scn_mget(e, "seed"))) {
        if (L->seed)
            ERR(L, v->loc, "'seed' is already defined at %s:%d:%d", L->seed->loc.file,
                L->seed->loc.line, L->seed->loc.col);
        else
            ex->seed = val_seed(L, v);
    }
    node_t *objs = scn_mget(e, "objectives");
    if (objs && !scn_list_ok(L, objs, "objectives", "a list"))
        return;
    if (!objs)
        return;
    ex->objectives = scn_wz(L, objs->n * sizeof *ex->objectives);
    if (!ex->objectives)
        return;
    for (node_t *o = objs->first; o; o = o->next) {
        if (scn_check_keys(L, o, "learning objective", k_lobj, r_lobj))
            continue;
        sw_learning_obj_t *lo = &ex->objectives[ex->n_objectives++];
        lo->loc = o->loc;
        lo->id = scn_opt_str(L, o, "id", NULL);
        lo->text = scn_opt_str(L, o, "text", NULL);
        int cat = scn_opt_enum(L, o, "category", scn_lobj_cat_names, 5, 0);
        lo->category = scn_lobj_cat_names[cat];
        lo->weight = scn_opt_num(L, o, "weight", 1, 0, 1, "a weight from 0 to 1");
        for (uint32_t i = 0; i + 1 < ex->n_objectives; i++)
            if (lo->id && ex->objectives[i].id && !strcmp(lo->id, ex->objectives[i].id))
                ERR(L, scn_kloc(o, "id"),
                    "duplicate learning objective id '%s' (first defined at %s:%d:%d)", lo->id,
                    ex->objectives[i].loc.file, ex->objectives[i].loc.line,
                    ex->objectives[i].loc.col);
    }
}

static void ld_fill_teams(ld_t *L)
{
    char wb[160];
    for (uint32_t i = 0; i < L->w->n_teams; i++) {
        sw_team_t *t = &L->w->teams[i];
        node_t *n = L->team_n[i];
        const char *kind = t->kind == SW_TEAM_OBSERVER ? "observer" : "team";
        if (scn_check_keys(L, n, what(wb, sizeof wb, kind, t->id), k_team, r_team))
            continue;
        t->name = scn_opt_str(L, n, "name", t->id);
        t->country = scn_opt_str(L, n, "country", NULL);
        node_t *c = scn_mget(n, "country");
        if (t->country && !(strlen(t->country) == 2 && t->country[0] >= 'A' &&
                            t->country[0] <= 'Z' && t->country[1] >= 'A' && t->country[1] <= 'Z'))
            ERR(L, c->loc, "'country' must be an ISO 3166-1 alpha-2 code like PW, got '%s'",
                t->country);
    }
}

static void ld_fill_links(ld_t *L)
{
    char wb[160];
    for (uint32_t i = 0; i < L->w->n_links; i++) {
        sw_link_t *l = &L->w->links[i];
        node_t *n = L->link_n[i];
        if (scn_check_keys(L, n, what(wb, sizeof wb, "link", l->id), k_link, r_link))
            continue;
        l->name = scn_opt_str(L, n, "name", l->id);
        l->kind = (sw_link_kind_t)scn_opt_enum(L, n, "kind", sw_link_kind_names, SW_LINK__COUNT, 0);
        node_t *e = scn_mget(n, "ends");
        if (e) {
            if (e->kind != YT_SEQ || e->n != 2 || e->first->kind != YT_SCALAR ||
                e->last->kind != YT_SCALAR || yt_is_null(e->first) || yt_is_null(e->last)) {
                ERR(L, e->loc, "'ends' must be a list of two place names, like [Ngardmau, Piti]");
            } else {
                l->end_a = scn_wstr(L, e->first->str);
                l->end_b = scn_wstr(L, e->last->str);
            }
        }
        l->length_km = scn_opt_num(L, n, "length_km", 0, 0, 40000, "a length from 0 to 40000 km");
        l->capacity_mbps =
            scn_opt_num(L, n, "capacity_mbps", 1000, 0.001, 1e9, "a capacity above 0 Mbps");
        double def_lat = l->kind == SW_LINK_SATELLITE ? 300
                         : l->kind == SW_LINK_CABLE   ? l->length_km / 200.0 + 1
                                                      : 1;
        l->latency_ms = scn_opt_num(L, n, "latency_ms", def_lat, 0, 10000,
                                    "a one-way latency from 0 to 10000 ms");
        l->repair_ms = scn_opt_dur(L, n, "repair_time",
                                   l->kind == SW_LINK_CABLE ? (int64_t)14 * 86400000 : 4 * 3600000);
    }
}

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

/* "lo-hi", a number, or "any" */
static void fw_ports(ld_t *L, node_t *v, sw_fw_rule_t *r)
{
    r->port_lo = 0;
    r->port_hi = 65535;
    if (!v)
        return;
    const char *s = scn_scalar(L, v, "port", "a port, a range lo-hi, or any");
    if (!s || !strcmp(s, "any"))
        return;
    unsigned lo, hi;
    char tail;
    int n = sscanf(s, "%5u-%5u%c", &lo, &hi, &tail);
    if (n == 1 && strspn(s, "0123456789") == strlen(s))
        hi = lo;
    else if (!(n == 2 && strspn(s, "0123456789-") == strlen(s)))
        lo = 1, hi = 0; /* bad */
    if (lo > hi || hi > 65535) {
        ERR(L, v->loc, "'port' must be a port, a range lo-hi, or any, got '%s'", s);
        return;
    }
    r->port_lo = (uint16_t)lo;
    r->port_hi = (uint16_t)hi;
}

static void ld_fill_firewall(ld_t *L, sw_org_t *org, node_t *fw)
{
    if (scn_check_keys(L, fw, "firewall", k_fw, NULL))
        return;
    node_t *v = scn_mget(fw, "default");
    if (v)
        org->fw_default_allow = scn_val_enum(L, v, "default", scn_fw_action_names, 2, 0);
    node_t *rules = scn_mget(fw, "rules");
    if (!rules)
        return;
    if (!scn_list_ok(L, rules, "rules", "a list"))
        return;
    if (!(org->fw = scn_wz(L, rules->n * sizeof *org->fw)))
        return;
    for (node_t *r = rules->first; r; r = r->next) {
        if (scn_check_keys(L, r, "firewall rule", k_fwrule, r_fwrule))
            continue;
        sw_fw_rule_t *fr = &org->fw[org->n_fw++];
        fr->loc = r->loc;
        fr->from = (sw_zone_t)scn_opt_enum(L, r, "from", sw_zone_names, SW_ZONE__COUNT, 0);
        fr->to = (sw_zone_t)scn_opt_enum(L, r, "to", sw_zone_names, SW_ZONE__COUNT, 0);
        fw_ports(L, scn_mget(r, "port"), fr);
        fr->proto = (sw_proto_t)scn_opt_enum(L, r, "proto", sw_proto_names, 2, 0);
        fr->allow = scn_opt_enum(L, r, "action", scn_fw_action_names, 2, 0);
    }
}

static void ld_fill_network(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_network_t *net = &L->w->networks[i];
    node_t *n = L->net_n[i];
    if (scn_check_keys(L, n, what(wb, sizeof wb, "network", net->id), k_net, r_net))
        return;
    net->name = scn_opt_str(L, n, "name", net->id);
    net->zone =
        (sw_zone_t)scn_opt_enum(L, n, "zone", sw_zone_names, SW_ZONE__COUNT, SW_ZONE_INTERNAL);
    node_t *v = scn_mget(n, "cidr");
    const char *s = v ? scn_scalar(L, v, "cidr", "a network like 10.1.0.0/24") : NULL;
    net->cidr.prefix = 255; /* marks "no valid CIDR" for the checks */
    if (s) {
        if (sw_cidr_parse(s, &net->cidr)) {
            net->cidr.prefix = 255;
            ERR(L, v->loc,
                "'cidr' must be a network like 10.1.0.0/24 with the host bits zero, got '%s'", s);
        }
    }
}

static int cve_ok(const char *s)
{
    if (strncmp(s, "CVE-", 4) || strlen(s) < 13 || strlen(s) > 20)
        return 0;
    for (int i = 4; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    if (s[8] != '-')
        return 0;
    for (const char *p = s + 9; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* Services, accounts, software, vulns, sensors, backup of one host entry. */
static void ld_fill_host_body(ld_t *L, sw_host_t *h, node_t *n)
{
    node_t *v;
    if ((v = scn_mget(n, "services"))) {
        if (!scn_list_ok(L, v, "services", "a list")) {
        } else if ((h->services = scn_wz(L, v->n * sizeof *h->services))) {
            for (node_t *s = v->first; s; s = s->next) {
                if (scn_check_keys(L, s, "service", k_svc, r_svc))
                    continue;
                sw_service_t *sv = &h->services[h->n_services];
                sv->loc = s->loc;
                sv->name = scn_opt_str(L, s, "name", NULL);
                if (!sv->name)
                    continue;
                if (!scn_id_ok(sv->name)) {
                    ERR(L, scn_kloc(s, "name"),
                        "invalid service name '%s': use letters, digits, '-', '_' or '.'",
                        sv->name);
                    continue;
                }
                int dup = 0;
                for (uint32_t j = 0; j < h->n_services; j++)
                    if (!strcmp(h->services[j].name, sv->name))
                        dup = 1;
                if (dup) {
                    ERR(L, scn_kloc(s, "name"), "duplicate service '%s' on host '%s'", sv->name,
                        h->id ? h->id : "?");
                    continue;
                }
                sv->port = (uint16_t)scn_opt_int(L, s, "port", 0, 0, 65535);
                sv->proto =
                    (sw_proto_t)scn_opt_enum(L, s, "proto", sw_proto_names, 2, SW_PROTO_TCP);
                sv->exposed = scn_opt_bool(L, s, "exposed", 0);
                h->n_services++;
            }
        }
    }
    if ((v = scn_mget(n, "accounts"))) {
        if (!scn_list_ok(L, v, "accounts", "a list")) {
        } else if ((h->accounts = scn_wz(L, v->n * sizeof *h->accounts))) {
            for (node_t *a = v->first; a; a = a->next) {
                if (scn_check_keys(L, a, "account", k_acct, r_acct))
                    continue;
                sw_account_t *ac = &h->accounts[h->n_accounts++];
                ac->loc = a->loc;
                ac->name = scn_opt_str(L, a, "name", "?");
                ac->admin = scn_opt_bool(L, a, "admin", 0);
            }
        }
    }
    h->software = scn_opt_strlist(L, n, "software");
    if ((v = scn_mget(n, "vulns"))) {
        if (!scn_list_ok(L, v, "vulns", "a list")) {
        } else if ((h->vulns = scn_wz(L, v->n * sizeof *h->vulns))) {
            for (node_t *x = v->first; x; x = x->next) {
                if (scn_check_keys(L, x, "vulnerability", k_vuln, r_vuln))
                    continue;
                sw_vuln_t *vu = &h->vulns[h->n_vulns++];
                vu->loc = x->loc;
                vu->cve = scn_opt_str(L, x, "cve", "?");
                if (scn_mget(x, "cve") && !cve_ok(vu->cve))
                    ERR(L, scn_kloc(x, "cve"),
                        "'cve' must be a CVE id like CVE-2023-46805, got '%s'", vu->cve);
                vu->service = scn_opt_str(L, x, "service", NULL);
                if (vu->service) {
                    int found = 0;
                    for (uint32_t j = 0; j < h->n_services; j++)
                        found |= !strcmp(h->services[j].name, vu->service);
                    if (!found)
                        ERR(L, scn_kloc(x, "service"), "unknown service '%s' on host '%s'",
                            vu->service, h->id ? h->id : "?");
                }
                vu->exploitability = scn_opt_prob(L, x, "exploitability", 0.5);
                vu->remote = scn_opt_bool(L, x, "remote", vu->service != NULL);
                vu->grants =
                    (sw_priv_t)scn_opt_enum(L, x, "grants", sw_priv_names, 4, SW_PRIV_USER);
            }
        }
    }
    /* Windows and Linux keep a local security log unless told otherwise. */
    h->sensors.security_log = h->os_family == SW_OSF_WINDOWS || h->os_family == SW_OSF_LINUX;
    if ((v = scn_mget(n, "sensors"))) {
        int *flags[] = {&h->sensors.sysmon,
                        &h->sensors.edr,
                        &h->sensors.av,
                        &h->sensors.security_log,
                        &h->sensors.log_forwarding,
                        &h->sensors.pcap,
                        &h->sensors.netflow,
                        &h->sensors.syslog};
        if (v->kind != YT_SEQ) {
            ERR(L, v->loc, "'sensors' must be a list of sensor names, got %s", yt_kind_name(v));
        } else {
            for (node_t *s = v->first; s; s = s->next) {
                int k = scn_val_enum(L, s, "sensor", scn_sensor_names, 8, -1);
                if (k >= 0)
                    *flags[k] = 1;
            }
        }
    }
    h->sensors.av_sig_age_days = (int)scn_opt_int(L, n, "av_signature_age_days", 0, 0, 3650);
    if ((v = scn_mget(n, "backup")) && !scn_check_keys(L, v, "backup", k_backup, r_backup)) {
        h->backup.present = 1;
        h->backup.interval_ms = scn_opt_dur(L, v, "every", 86400000);
        if (h->backup.interval_ms == 0)
            ERR(L, scn_kloc(v, "every"), "'every' must be a duration above 0");
        h->backup.last_good_age_ms = scn_opt_dur(L, v, "last_good_age", h->backup.interval_ms);
        h->backup.offline = scn_opt_bool(L, v, "offline", 0);
        h->backup.restore_ms = scn_opt_dur(L, v, "restore_time", 2 * 3600000);
    }
    int netdev = h->os_family == SW_OSF_NETWORK;
    h->domain_joined = scn_opt_bool(L, n, "domain_joined", h->os_family == SW_OSF_WINDOWS);
    h->reimage_ms = scn_opt_dur(L, n, "reimage_time",
                                h->role == SW_ROLE_WORKSTATION ? 3600000
                                : netdev                       ? 2 * 3600000
                                                               : 4 * 3600000);
}

/* Fill the hosts of count group [first, first+cnt) from entry n. The body
 * (services, vulns, ...) is parsed once and shared: the world is read-only. */
static void ld_fill_host_group(ld_t *L, uint32_t first, uint32_t cnt, node_t *n)
{
    char wb[160];
    sw_host_t *h0 = &L->w->hosts[first];
    if (scn_check_keys(L, n, what(wb, sizeof wb, "host", h0->id && cnt == 1 ? h0->id : NULL),
                       k_host, r_host))
        return;
    node_t *v;
    h0->network = scn_opt_ref(L, n, "network", &L->m_net, "network");
    if (h0->network != SW_NONE && L->w->networks[h0->network].org != h0->org)
        ERR(L, scn_kloc(n, "network"),
            "network '%s' belongs to organisation '%s', not to this host's '%s'",
            L->w->networks[h0->network].id, L->w->orgs[L->w->networks[h0->network].org].id,
            L->w->orgs[h0->org].id ? L->w->orgs[h0->org].id : "?");
    h0->os = "unknown";
    h0->os_family = SW_OSF_OTHER;
    if ((v = scn_mget(n, "os"))) {
        const char *s = scn_scalar(L, v, "os", "an OS name");
        const sw_os_info_t *os = s ? sw_os_find(s) : NULL;
        if (os) {
            h0->os = os->name;
            h0->os_family = os->family;
        } else if (s) {
            const char *cands[64];
            int k = 0;
            for (const sw_os_info_t *o = sw_os_table; o->name && k < 63; o++)
                cands[k++] = o->name;
            cands[k] = NULL;
            const char *sug = scn_suggest(s, cands, NULL, &L->suggest_budget);
            if (sug)
                ERR(L, v->loc, "unknown os '%s' (did you mean '%s'?)", s, sug);
            else
                ERR(L, v->loc, "unknown os '%s' (see the OS table in docs/scenario-format.md)", s);
        }
    }
    h0->role =
        (sw_role_t)scn_opt_enum(L, n, "role", sw_role_names, SW_ROLE__COUNT, SW_ROLE_APP_SERVER);
    h0->criticality =
        (sw_crit_t)scn_opt_enum(L, n, "criticality", sw_crit_names, 4, SW_CRIT_MEDIUM);
    ld_fill_host_body(L, h0, n);
    const char *hostname = scn_opt_str(L, n, "hostname", NULL);
    if (hostname && (!*hostname || strlen(hostname) > 63 || strchr(hostname, ' ')))
        ERR(L, scn_kloc(n, "hostname"),
            "'hostname' must be 1 to 63 characters without spaces, got '%s'", hostname);
    /* the address */
    uint8_t ip[16];
    int v6 = 0, ip_ok = 0;
    if ((v = scn_mget(n, "ip"))) {
        const char *s = scn_scalar(L, v, "ip", "an IP address");
        if (s && sw_ip_parse(s, ip, &v6))
            ERR(L, v->loc, "'ip' must be an IPv4 or IPv6 address, got '%s'", s);
        else if (s)
            ip_ok = 1;
    }
    if (ip_ok && cnt > 1) {
        /* the last address must not wrap around the address space */
        uint32_t carry = cnt - 1;
        int len = v6 ? 16 : 4;
        uint8_t last[16];
        memcpy(last, ip, 16);
        for (int b = len - 1; b >= 0 && carry; b--) {
            uint32_t x = last[b] + (carry & 0xff);
            last[b] = (uint8_t)x;
            carry = (carry >> 8) + (x >> 8);
        }
        if (carry) {
            ERR(L, scn_kloc(n, "count"),
                "'count' %u runs past the end of the address space from %s", cnt,
                scn_mget(n, "ip")->str);
            ip_ok = 0;
        }
    }
    for (uint32_t c = 0; c < cnt; c++) {
        sw_host_t *h = &L->w->hosts[first + c];
        if (c) {
            const char *id = h->id;
            *h = *h0;
            h->id = id;
        }
        if (hostname && cnt > 1) {
            snprintf(wb, sizeof wb, "%s%02u", hostname, c + 1);
            h->hostname = scn_wstr(L, wb);
        } else {
            h->hostname = hostname ? hostname : h->id;
        }
        if (ip_ok) {
            memcpy(h->ip, ip, 16);
            h->ip_v6 = v6;
            uint32_t carry = c;
            for (int b = (v6 ? 15 : 3); b >= 0 && carry; b--) {
                uint32_t x = h->ip[b] + (carry & 0xff);
                h->ip[b] = (uint8_t)x;
                carry = (carry >> 8) + (x >> 8);
            }
            char txt[64];
            inet_ntop(v6 ? AF_INET6 : AF_INET, h->ip, txt, sizeof txt);
            h->ip_text = scn_wstr(L, txt);
        }
    }
}

static void ld_fill_user(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_user_t *u = &L->w->users[i];
    node_t *n = L->user_n[i];
    u->workstation = SW_NONE;
    if (scn_check_keys(L, n, what(wb, sizeof wb, "user", u->id), k_user, r_user))
        return;
    u->name = scn_opt_str(L, n, "name", u->id);
    u->account = scn_opt_str(L, n, "account", u->id);
    u->workstation = scn_opt_ref(L, n, "workstation", &L->m_host, "host");
    if (u->workstation != SW_NONE && L->w->hosts[u->workstation].org != u->org)
        WARN(L, scn_kloc(n, "workstation"), "workstation '%s' belongs to another organisation",
             L->w->hosts[u->workstation].id);
    u->groups = scn_opt_strlist(L, n, "groups");
    int vpn = 0;
    for (uint32_t g = 0; g < u->groups.n; g++) {
        const char *s = u->groups.s[g];
        if (!strcmp(s, "Domain Admins") || !strcmp(s, "Enterprise Admins") ||
            !strcmp(s, "Administrators"))
            u->domain_admin = 1;
        if (strstr(s, "VPN"))
            vpn = 1;
    }
    u->vpn = scn_opt_bool(L, n, "vpn", vpn);
    u->work_start_min = 8 * 60;
    u->work_end_min = 17 * 60;
    node_t *v = scn_mget(n, "hours");
    if (v) {
        const char *s = scn_scalar(L, v, "hours", "working hours like 08:00-17:00");
        if (s && sw_parse_hours(s, &u->work_start_min, &u->work_end_min))
            ERR(L, v->loc, "'hours' must be working hours like 08:00-17:00, got '%s'", s);
    }
    u->phishing = scn_opt_prob(L, n, "phishing", 0.1);
}

static void ld_fill_orgs(ld_t *L)
{
    char wb[160];
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        sw_org_t *org = &w->orgs[i];
        node_t *n = L->org_n[i];
        if (scn_check_keys(L, n, what(wb, sizeof wb, "organisation", org->id), k_org, r_org))
            continue;
        org->name = scn_opt_str(L, n, "name", org->id);
        org->team = scn_opt_ref(L, n, "team", &L->m_team, "team");
        if (org->team != SW_NONE && w->teams[org->team].kind == SW_TEAM_OBSERVER)
            ERR(L, scn_kloc(n, "team"),
                "organisation '%s' belongs to observer '%s': observers defend nothing",
                org->id ? org->id : "?", w->teams[org->team].id);
        org->kind = (sw_org_kind_t)scn_opt_enum(L, n, "kind", sw_org_kind_names, SW_ORG__COUNT,
                                                SW_ORG_OTHER);
        node_t *v;
        static const char *const subs[] = {"networks", "hosts", "users"};
        for (int k = 0; k < 3; k++)
            if ((v = scn_mget(n, subs[k])) && v->kind != YT_SEQ)
                ERR(L, v->loc, "'%s' must be a list, got %s", subs[k], yt_kind_name(v));
        if ((v = scn_mget(n, "firewall")))
            ld_fill_firewall(L, org, v);
        if ((v = scn_mget(n, "international")) &&
            !scn_check_keys(L, v, "international", k_intl, r_intl)) {
            org->intl_primary = scn_opt_reflist(L, v, "primary", &L->m_link, "link");
            org->intl_backup = scn_opt_reflist(L, v, "backup", &L->m_link, "link");
        }
        org->trusts = scn_opt_reflist(L, n, "trusts", &L->m_org, "organisation");
        for (uint32_t t = 0; t < org->trusts.n; t++)
            if (org->trusts.ids[t] == i)
                ERR(L, scn_kloc(n, "trusts"), "organisation '%s' cannot trust itself", org->id);
    }
    for (uint32_t i = 0; i < w->n_networks; i++)
        ld_fill_network(L, i);
    for (uint32_t i = 0; i < w->n_hosts;) {
        uint32_t cnt = 1;
        while (i + cnt < w->n_hosts && L->host_first[i + cnt] == i)
            cnt++;
        for (uint32_t c = 0; c < cnt; c++) {
            w->hosts[i + c].network = SW_NONE;
            w->hosts[i + c].team = w->orgs[w->hosts[i + c].org].team;
        }
        ld_fill_host_group(L, i, cnt, L->host_n[i]);
        for (uint32_t c = 0; c < cnt; c++) /* team is the org's */
            w->hosts[i + c].team = w->orgs[w->hosts[i + c].org].team;
        i += cnt;
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        ld_fill_user(L, i);
}

/* "HOST/SERVICE" -> host and service index. */
static int resolve_svc(ld_t *L, node_t *v, const char *text, uint32_t *host, uint32_t *svc)
{
    const char *slash = strchr(text, '/');
    char hid[128];
    if (!slash || slash == text || (size_t)(slash - text) >= sizeof hid || !slash[1]) {
        ERR(L, v->loc, "service reference '%s' must be HOST/SERVICE", text);
        return -1;
    }
    memcpy(hid, text, (size_t)(slash - text));
    hid[slash - text] = '\0';
    *host = scn_idmap_get(&L->m_host, hid);
    if (*host == SW_NONE) {
        const char *sug = scn_suggest(hid, NULL, &L->m_host, &L->suggest_budget);
        if (sug)
            ERR(L, v->loc, "unknown host '%s' (did you mean '%s'?)", hid, sug);
        else
            ERR(L, v->loc, "unknown host '%s'", hid);
        return -1;
    }
    const sw_host_t *h = &L->w->hosts[*host];
    for (uint32_t i = 0; i < h->n_services; i++)
        if (!strcmp(h->services[i].name, slash + 1)) {
            *svc = i;
            return 0;
        }
    ERR(L, v->loc, "unknown service '%s' on host '%s'", slash + 1, hid);
    return -1;
}

/* depends_on of every service; once per count group (the arrays are shared). */
static void ld_fill_service_deps(ld_t *L)
{
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        if (L->host_first[i] != i || !L->host_n[i] || L->host_n[i]->kind != YT_MAP)
            continue;
        sw_host_t *h = &w->hosts[i];
        uint32_t si = 0; /* services[] holds the accepted entries, in order */
        FOR_SUB(L->host_n[i], "services", s)
        {
            if (si >= h->n_services)
                break;
            sw_service_t *sv = &h->services[si];
            if (sv->loc.line != s->loc.line || sv->loc.col != s->loc.col)
                continue; /* this entry was rejected */
            si++;
            node_t *d = scn_mget(s, "depends_on");
            if (!d)
                continue;
            if (d->kind == YT_SCALAR) {
                uint32_t hh, ss;
                if (!resolve_svc(L, d, d->str, &hh, &ss) &&
                    (sv->dep_host = scn_wz(L, sizeof(uint32_t))) &&
                    (sv->dep_svc = scn_wz(L, sizeof(uint32_t)))) {
                    sv->dep_host[0] = hh;
                    sv->dep_svc[0] = ss;
                    sv->n_deps = 1;
                }
                continue;
            }
            if (d->kind != YT_SEQ) {
                ERR(L, d->loc, "'depends_on' must be a list of HOST/SERVICE, got %s",
                    yt_kind_name(d));
                continue;
            }
            sv->dep_host = scn_wz(L, d->n * sizeof(uint32_t));
            sv->dep_svc = scn_wz(L, d->n * sizeof(uint32_t));
            if (!sv->dep_host || !sv->dep_svc)
                continue;
            for (node_t *x = d->first; x; x = x->next) {
                const char *t = scn_scalar(L, x, "depends_on", "HOST/SERVICE");
                uint32_t hh, ss;
                if (t && !resolve_svc(L, x, t, &hh, &ss)) {
                    sv->dep_host[sv->n_deps] = hh;
                    sv->dep_svc[sv->n_deps] = ss;
                    sv->n_deps++;
                }
            }
        }
    }
}

/* One business dependency "kind:ref". */
static int val_dep(ld_t *L, node_t *v, sw_dep_t *dep)
{
    const char *s = scn_scalar(L, v, "dependency", "a dependency like host:ID");
    if (!s)
        return -1;
    dep->loc = v->loc;
    dep->svc = SW_NONE;
    const char *colon = strchr(s, ':');
    static const char *const kinds[] = {"host", "service", "link", "business", "international"};
    int k = -1;
    if (colon)
        for (int i = 0; i < 5; i++)
            if (strlen(kinds[i]) == (size_t)(colon - s) &&
                !strncmp(s, kinds[i], (size_t)(colon - s)))
                k = i;
    if (k < 0) {
        ERR(L, v->loc,
            "dependency '%s' must be host:ID, service:HOST/NAME, link:ID, business:ID "
            "or international:ORG",
            s);
        return -1;
    }
    const char *ref = colon + 1;
    static const char *const what_k[] = {"host", "service", "link", "business service",
                                         "organisation"};
    const scn_idmap_t *maps[] = {&L->m_host, NULL, &L->m_link, &L->m_biz, &L->m_org};
    dep->kind = (sw_dep_kind_t)k;
    if (k == SW_DEP_SERVICE)
        return resolve_svc(L, v, ref, &dep->ref, &dep->svc);
    dep->ref = scn_idmap_get(maps[k], ref);
    if (dep->ref == SW_NONE) {
        const char *sug = scn_suggest(ref, NULL, maps[k], &L->suggest_budget);
        if (sug)
            ERR(L, v->loc, "unknown %s '%s' (did you mean '%s'?)", what_k[k], ref, sug);
        else
            ERR(L, v->loc, "unknown %s '%s'", what_k[k], ref);
        return -1;
    }
    return 0;
}

static sw_dep_t *val_deps(ld_t *L, node_t *n, const char *key, uint32_t *count)
{
    node_t *v = scn_mget(n, key);
    *count = 0;
    if (!v)
        return NULL;
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of dependencies, got %s", key, yt_kind_name(v));
        return NULL;
    }
    sw_dep_t *deps = scn_wz(L, v->n * sizeof *deps);
    if (!deps)
        return NULL;
    for (node_t *x = v->first; x; x = x->next)
        if (!val_dep(L, x, &deps[*count]))
            (*count)++;
    return deps;
}

static void ld_fill_business(ld_t *L)
{
    char wb[160];
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_business; i++) {
        sw_business_t *b = &w->business[i];
        node_t *n = L->biz_n[i];
        b->org = b->team = SW_NONE;
        if (scn_check_keys(L, n, what(wb, sizeof wb, "business service", b->id), k_biz, r_biz))
            continue;
        b->name = scn_opt_str(L, n, "name", b->id);
        b->org = scn_opt_ref(L, n, "org", &L->m_org, "organisation");
        if (b->org != SW_NONE)
            b->team = w->orgs[b->org].team;
        b->weight = scn_opt_num(L, n, "weight", 1, 0, 1000, "a weight from 0 to 1000");
        b->all = val_deps(L, n, "requires", &b->n_all);
        b->any = val_deps(L, n, "any_of", &b->n_any);
        if (!scn_mget(n, "requires") && !scn_mget(n, "any_of"))
            ERR(L, n->loc, "business service '%s' needs 'requires' or 'any_of'",
                b->id ? b->id : "?");
        b->min_capacity_mbps =
            scn_opt_num(L, n, "min_capacity_mbps", 0, 0, 1e9, "a capacity of 0 Mbps or more");
    }
}

/* ---- adversaries ------------------------------------------------------------ */

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
            if (!cve_ok(s))
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

static void ld_fill_step(ld_t *L, sw_step_t *st, node_t *n)
{
    node_t *v;
    st->name = scn_opt_str(L, n, "name", st->id);
    st->procedure = scn_opt_str(L, n, "procedure", NULL);
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

static void ld_fill_adversary(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_world_t *w = L->w;
    sw_adversary_t *a = &w->adversaries[i];
    node_t *n = L->adv_n[i];
    if (scn_check_keys(L, n, what(wb, sizeof wb, "adversary", a->id), k_adv, r_adv))
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
                if (scn_check_keys(L, o, what(wb, sizeof wb, "objective", oid), k_obj, r_obj))
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
                if (scn_check_keys(L, s, what(wb, sizeof wb, "step", sid), k_step, r_step))
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

static void ld_fill_inject(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_world_t *w = L->w;
    sw_inject_t *j = &w->injects[i];
    node_t *n = L->inj_n[i];
    j->adversary = j->index = SW_NONE;
    j->tech_link = j->tech_org = j->tech_host = SW_NONE;
    j->sel = sel_default(n->loc);
    if (scn_check_keys(L, n, what(wb, sizeof wb, "inject", j->id), k_inj, r_inj))
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

/* telemetry: {rates: {NAME: N, ...}, process_audit: none|servers|all} */
static const char *const k_telemetry[] = {"rates", "process_audit", NULL};

static void ld_fill_telemetry(ld_t *L)
{
    sw_telemetry_spec_t *t = &L->w->telemetry;
    t->proc_audit = SW_PROC_AUDIT_DEFAULT;
    node_t *tn = L->telemetry, *v;
    if (!tn || yt_is_null(tn))
        return;
    if (tn->kind != YT_MAP) {
        ERR(L, tn->loc, "'telemetry' must be a mapping, got %s", yt_kind_name(tn));
        return;
    }
    if (scn_check_keys(L, tn, "telemetry", k_telemetry, NULL))
        return;
    t->loc = tn->loc;
    if (scn_mget(tn, "process_audit"))
        t->proc_audit = (sw_proc_audit_t)scn_opt_enum(L, tn, "process_audit", sw_proc_audit_names,
                                                      SW_PROC_AUDIT__COUNT, SW_PROC_AUDIT_SERVERS);
    if (!(v = scn_mget(tn, "rates")) || yt_is_null(v))
        return;
    if (v->kind != YT_MAP) {
        ERR(L, v->loc, "'rates' must be a mapping of rate names to numbers, got %s",
            yt_kind_name(v));
        return;
    }
    const char *names[SW_RATE__COUNT + 1];
    for (int i = 0; i < SW_RATE__COUNT; i++)
        names[i] = sw_rate_names[i];
    names[SW_RATE__COUNT] = NULL;
    if (scn_check_keys(L, v, "rates", names, NULL))
        return;
    for (int i = 0; i < SW_RATE__COUNT; i++) {
        if (!scn_mget(v, sw_rate_names[i]))
            continue;
        int ratio = i == SW_RATE_SPAM_RATIO || i == SW_RATE_FAILED_LOGON_RATIO;
        t->rates[i] = scn_opt_num(L, v, sw_rate_names[i], 0, 0, ratio ? 1 : 100000,
                                  ratio ? "a ratio from 0 to 1" : "a rate from 0 to 100000");
        t->rates_set |= 1u << i;
    }
}

static void ld_fill_scoring(ld_t *L)
{
    sw_scoring_t *s = &L->w->scoring;
    s->w_availability = 0.30;
    s->w_detection = 0.25;
    s->w_containment = 0.15;
    s->w_recovery = 0.10;
    s->w_reporting = 0.10;
    s->w_sharing = 0.10;
    s->allowed_actions = (1u << SW_ACT__COUNT) - 1;
    s->hints = 1;
    s->hint_cost = 5;
    node_t *v;
    if (L->scoring && !scn_check_keys(L, L->scoring, "scoring", k_scoring, NULL)) {
        s->loc = L->scoring->loc;
        if ((v = scn_mget(L->scoring, "weights")) &&
            !scn_check_keys(L, v, "weights", k_weights, NULL)) {
            double *f[] = {&s->w_availability, &s->w_detection, &s->w_containment,
                           &s->w_recovery,     &s->w_reporting, &s->w_sharing};
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                if (scn_mget(v, k_weights[i]))
                    *f[i] = scn_opt_num(L, v, k_weights[i], 0, 0, 1, "a weight from 0 to 1");
                else
                    *f[i] = 0;
                sum += *f[i];
            }
            if (sum < 0.999 || sum > 1.001)
                ERR(L, v->loc, "scoring weights must add up to 1, they add up to %g", sum);
        }
    }
    if (L->rules && !scn_check_keys(L, L->rules, "rules", k_rules, NULL)) {
        if (!s->loc.file)
            s->loc = L->rules->loc;
        if ((v = scn_mget(L->rules, "allowed_actions"))) {
            if (v->kind == YT_SCALAR && !strcmp(v->str, "all")) {
            } else if (v->kind != YT_SEQ) {
                ERR(L, v->loc, "'allowed_actions' must be all or a list of actions, got %s",
                    yt_kind_name(v));
            } else {
                s->allowed_actions = 0;
                for (node_t *x = v->first; x; x = x->next) {
                    int a = scn_val_enum(L, x, "action", sw_action_names, SW_ACT__COUNT, -1);
                    if (a >= 0)
                        s->allowed_actions |= 1u << a;
                }
            }
        }
        s->hints = scn_opt_bool(L, L->rules, "hints", 1);
        s->hint_cost = scn_opt_num(L, L->rules, "hint_cost", 5, 0, 1000, "points from 0 to 1000");
    }
}

/* ---- phase 4: derive back-references ---------------------------------------- */

static void ld_derive(ld_t *L)
{
    sw_world_t *w = L->w;
    /* counts first, then fill: team->orgs, org->networks/hosts/users, network->hosts */
    for (uint32_t i = 0; i < w->n_orgs; i++)
        if (w->orgs[i].team != SW_NONE)
            w->teams[w->orgs[i].team].orgs.n++;
    for (uint32_t i = 0; i < w->n_networks; i++)
        w->orgs[w->networks[i].org].networks.n++;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        w->orgs[w->hosts[i].org].hosts.n++;
        if (w->hosts[i].network != SW_NONE)
            w->networks[w->hosts[i].network].hosts.n++;
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        w->orgs[w->users[i].org].users.n++;
#define ALLOC_LIST(l)                                                                              \
    do {                                                                                           \
        (l).ids = scn_wz(L, (l).n * sizeof *(l).ids);                                              \
        (l).n = 0;                                                                                 \
    } while (0)
    for (uint32_t i = 0; i < w->n_teams; i++)
        ALLOC_LIST(w->teams[i].orgs);
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        ALLOC_LIST(w->orgs[i].networks);
        ALLOC_LIST(w->orgs[i].hosts);
        ALLOC_LIST(w->orgs[i].users);
    }
    for (uint32_t i = 0; i < w->n_networks; i++)
        ALLOC_LIST(w->networks[i].hosts);
    if (L->oom)
        return;
#define PUSH(l, v) ((l).ids[(l).n++] = (v))
    for (uint32_t i = 0; i < w->n_orgs; i++)
        if (w->orgs[i].team != SW_NONE)
            PUSH(w->teams[w->orgs[i].team].orgs, i);
    for (uint32_t i = 0; i < w->n_networks; i++)
        PUSH(w->orgs[w->networks[i].org].networks, i);
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        PUSH(w->orgs[w->hosts[i].org].hosts, i);
        if (w->hosts[i].network != SW_NONE)
            PUSH(w->networks[w->hosts[i].network].hosts, i);
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        PUSH(w->orgs[w->users[i].org].users, i);
    int has_teams = 0;
    for (int i = 0; i < L->n_files; i++)
        has_teams |= scn_mget(L->roots[i], "teams") != NULL;
    if (w->n_teams == 0 && !has_teams) {
        sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
        ERR(L, loc, "the scenario has no teams: add a 'teams' list");
    }
#undef PUSH
#undef ALLOC_LIST
}

static void ld_free(ld_t *L)
{
    sw_arena_free(&L->tmp);
    free(L->team_n);
    free(L->org_n);
    free(L->net_n);
    free(L->host_n);
    free(L->host_first);
    free(L->user_n);
    free(L->link_n);
    free(L->biz_n);
    free(L->adv_n);
    free(L->inj_n);
    scn_idmap_t *maps[] = {&L->m_team, &L->m_org, &L->m_net, &L->m_host, &L->m_user,
                           &L->m_link, &L->m_biz, &L->m_adv, &L->m_inj};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        scn_idmap_free(maps[i]);
}

int sw_scenario_load_mem(const char *name, const char *text, size_t len, sw_world_t *w,
                         sw_diags_t *d)
{
    return scn_load(name, text, len, w, d, NULL, NULL);
}

int scn_load(const char *name, const char *text, size_t len, sw_world_t *w, sw_diags_t *d,
             sw_scenario_files_t *keep, const sw_scenario_files_t *given)
{
    ld_t L;
    memset(&L, 0, sizeof L);
    L.keep = keep;
    L.given = given;
    sw_world_init(w);
    if (!name)
        name = "<input>";
    if (!text) { /* libyaml asserts on a NULL input */
        text = "";
        len = 0;
    }
    L.w = w;
    L.d = d;
    L.suggest_budget = (uint64_t)200 << 20; /* ~0.2 s of edit distances at most */
    /* trees are bounded per file; this bounds the sum over includes too */
    sw_arena_init(&L.tmp, (size_t)512 << 20);
    size_t errors_before = d->n_errors;
    int rc = SW_OK;

    if (scn_read(&L, name, text, len) || L.n_files == 0 || L.oom)
        goto fail;
    ld_declare(&L);
    if (L.oom || L.stop)
        goto fail;
    ld_fill_exercise(&L);
    ld_fill_teams(&L);
    ld_fill_links(&L);
    ld_fill_orgs(&L);
    ld_fill_service_deps(&L);
    ld_fill_business(&L);
    for (uint32_t i = 0; i < w->n_adversaries; i++)
        ld_fill_adversary(&L, i);
    for (uint32_t i = 0; i < w->n_injects; i++)
        ld_fill_inject(&L, i);
    ld_fill_scoring(&L);
    ld_fill_telemetry(&L);
    ld_derive(&L);
    if (L.oom)
        goto fail;
    /* the files read, main first */
    w->files.s = scn_wz(&L, (size_t)L.n_files * sizeof *w->files.s);
    if (L.oom)
        goto fail;
    w->files.s[w->files.n++] = L.names[L.n_files - 1]; /* the main file was read last */
    for (int i = 0; i + 1 < L.n_files; i++)
        w->files.s[w->files.n++] = L.names[i];
    /* reachability needs a fully resolved world: only when all else is clean */
    sw_scenario_check(w, d, d->n_errors == errors_before);
    sw_i18n_check(w, d); /* its translations, beside it (scenario_i18n.c) */
    if (d->n_errors != errors_before)
        goto fail;
    ld_free(&L);
    return SW_OK;

fail:
    if (L.oom) {
        sw_loc_t loc = {name, 1, 1};
        if (d->n_errors == errors_before)
            sw_diags_add(d, loc, SW_DIAG_ERROR, "out of memory loading the scenario");
    }
    rc = L.oom ? SW_ENOMEM : SW_EINVAL;
    ld_free(&L);
    sw_world_free(w);
    return rc;
}
