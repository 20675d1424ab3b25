/* scenario_load.c — scenario YAML trees to the world model.
 *
 * Phases, in order (sw_scenario_load_mem):
 *   1. read    the main file and its includes into trees (ld_file), DFS,
 *              include cycles and missing files reported at the include item;
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/stat.h>

#include "core/embedded.h"
#include "core/err.h"
#include "model/vocab.h"
#include "scenario/attack_table.h"
#include "scenario/scenario.h"
#include "scenario/scenario_int.h"
#include "scenario/yaml_tree.h"

#define BUILTIN "builtin:"
#define PATH_MAX_LEN 1024

typedef const yt_node_t node_t;

typedef struct ld {
    sw_world_t *w;
    sw_diags_t *d;
    sw_arena_t tmp;
    /* files read, in DFS order; stack = current include chain */
    node_t *roots[SW_SCN_MAX_FILES];
    const char *names[SW_SCN_MAX_FILES];
    int n_files;
    const char *stack[SW_SCN_MAX_INCLUDE_DEPTH + 2];
    int depth;
    /* singletons and where they were defined */
    node_t *exercise, *scoring, *rules, *seed;
    /* the YAML entry of every declared object */
    node_t **team_n, **org_n, **net_n, **host_n, **user_n, **link_n, **biz_n, **adv_n, **inj_n;
    uint32_t *host_first; /* first host of the count group the host belongs to */
    scn_idmap_t m_team, m_org, m_net, m_host, m_user, m_link, m_biz, m_adv, m_inj;
    int oom;
    uint64_t suggest_budget; /* "did you mean" work left (scn_suggest) */
} ld_t;

/* ---- diagnostics --------------------------------------------------------- */

#define ERR(L, loc, ...) sw_diags_add((L)->d, (loc), SW_DIAG_ERROR, __VA_ARGS__)
#define WARN(L, loc, ...) sw_diags_add((L)->d, (loc), SW_DIAG_WARNING, __VA_ARGS__)

static void *wz(ld_t *L, size_t n)
{
    void *p = sw_arena_zalloc(&L->w->arena, n ? n : 1);
    if (!p)
        L->oom = 1;
    return p;
}

static const char *wstr(ld_t *L, const char *s)
{
    char *p = sw_arena_strdup(&L->w->arena, s);
    if (!p)
        L->oom = 1;
    return p;
}

/* ---- tree access ---------------------------------------------------------- */

static node_t *mget(node_t *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    for (node_t *k = map->first; k && k->next; k = k->next->next)
        if (k->kind == YT_SCALAR && !strcmp(k->str, key))
            return k->next;
    return NULL;
}

/* Where key's value is, or the map itself when the key is absent. */
static sw_loc_t kloc(node_t *map, const char *key)
{
    node_t *v = mget(map, key);
    return v ? v->loc : map->loc;
}

static const char *list_names(const char *const *names, int n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        int r = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
        if (r < 0 || (size_t)r >= len - used)
            return buf;
        used += (size_t)r;
    }
    return buf;
}

/* Check that node is a mapping whose keys are all in allowed and that every
 * key in required is present; report duplicates. what names the object
 * ("host 'dc01'"). Returns 0 when node is a mapping (even with bad keys). */
static int check_keys(ld_t *L, node_t *node, const char *what, const char *const *allowed,
                      const char *const *required)
{
    if (!node)
        return -1;
    if (node->kind != YT_MAP) {
        ERR(L, node->loc, "%s must be a mapping, got %s", what, yt_kind_name(node));
        return -1;
    }
    node_t *seen[32] = {0}; /* first occurrence of each allowed key */
    for (node_t *k = node->first; k && k->next; k = k->next->next) {
        if (k->kind != YT_SCALAR) {
            ERR(L, k->loc, "keys in %s must be plain names, got %s", what, yt_kind_name(k));
            continue;
        }
        int known = -1;
        for (int i = 0; allowed[i] && i < 32; i++)
            if (!strcmp(allowed[i], k->str))
                known = i;
        if (known < 0) {
            const char *s = scn_suggest(k->str, allowed, NULL, &L->suggest_budget);
            if (s)
                ERR(L, k->loc, "unknown key '%s' in %s (did you mean '%s'?)", k->str, what, s);
            else
                ERR(L, k->loc, "unknown key '%s' in %s", k->str, what);
            continue;
        }
        if (seen[known])
            ERR(L, k->loc, "duplicate key '%s' in %s (first at line %d)", k->str, what,
                seen[known]->loc.line);
        else
            seen[known] = k;
    }
    for (size_t i = 0; required && required[i]; i++)
        if (!mget(node, required[i]))
            ERR(L, node->loc, "%s is missing required key '%s'", what, required[i]);
    return 0;
}

/* The scalar text of v, or NULL after reporting that key must be `expect`. */
static const char *scalar(ld_t *L, node_t *v, const char *key, const char *expect)
{
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        ERR(L, v->loc, "'%s' must be %s, got %s", key, expect, yt_kind_name(v));
        return NULL;
    }
    return v->str;
}

static const char *opt_str(ld_t *L, node_t *m, const char *key, const char *def)
{
    node_t *v = mget(m, key);
    if (!v)
        return def;
    const char *s = scalar(L, v, key, "a string");
    return s ? wstr(L, s) : def;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const t[] = {"true", "yes", "on", "True", "Yes", "On", "TRUE", NULL};
    static const char *const f[] = {"false", "no", "off", "False", "No", "Off", "FALSE", NULL};
    for (int i = 0; t[i]; i++)
        if (!strcmp(s, t[i]))
            return *out = 1, 0;
    for (int i = 0; f[i]; i++)
        if (!strcmp(s, f[i]))
            return *out = 0, 0;
    return -1;
}

static int val_bool(ld_t *L, node_t *v, const char *key, int def)
{
    int b;
    const char *s = scalar(L, v, key, "true or false");
    if (!s)
        return def;
    if (parse_bool(s, &b)) {
        ERR(L, v->loc, "'%s' must be true or false, got '%s'", key, s);
        return def;
    }
    return b;
}

static int opt_bool(ld_t *L, node_t *m, const char *key, int def)
{
    node_t *v = mget(m, key);
    return v ? val_bool(L, v, key, def) : def;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    if (!*s || (*s != '-' && *s != '.' && (*s < '0' || *s > '9')))
        return -1;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno || x != x || x > 1e15 || x < -1e15)
        return -1;
    *out = x;
    return 0;
}

/* A number in [lo, hi]; expect describes it for the message. */
static double val_num(ld_t *L, node_t *v, const char *key, double def, double lo, double hi,
                      const char *expect)
{
    const char *s = scalar(L, v, key, expect);
    double x;
    if (!s)
        return def;
    if (parse_double(s, &x) || x < lo || x > hi) {
        ERR(L, v->loc, "'%s' must be %s, got '%s'", key, expect, s);
        return def;
    }
    return x;
}

static double opt_num(ld_t *L, node_t *m, const char *key, double def, double lo, double hi,
                      const char *expect)
{
    node_t *v = mget(m, key);
    return v ? val_num(L, v, key, def, lo, hi, expect) : def;
}

static double opt_prob(ld_t *L, node_t *m, const char *key, double def)
{
    return opt_num(L, m, key, def, 0, 1, "a probability from 0 to 1");
}

static long val_int(ld_t *L, node_t *v, const char *key, long def, long lo, long hi)
{
    char expect[96];
    snprintf(expect, sizeof expect, "a whole number from %ld to %ld", lo, hi);
    const char *s = scalar(L, v, key, expect);
    if (!s)
        return def;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (!*s || *end || errno || x < lo || x > hi || (*s != '-' && (*s < '0' || *s > '9'))) {
        ERR(L, v->loc, "'%s' must be %s, got '%s'", key, expect, s);
        return def;
    }
    return x;
}

static long opt_int(ld_t *L, node_t *m, const char *key, long def, long lo, long hi)
{
    node_t *v = mget(m, key);
    return v ? val_int(L, v, key, def, lo, hi) : def;
}

static int64_t val_dur(ld_t *L, node_t *v, const char *key, int64_t def)
{
    const char *s = scalar(L, v, key, "a duration like 4h, 90m or 1h30m");
    int64_t ms;
    if (!s)
        return def;
    if (sw_parse_duration(s, &ms)) {
        ERR(L, v->loc, "'%s' must be a duration like 4h, 90m or 1h30m (at most 366d), got '%s'",
            key, s);
        return def;
    }
    return ms;
}

static int64_t opt_dur(ld_t *L, node_t *m, const char *key, int64_t def)
{
    node_t *v = mget(m, key);
    return v ? val_dur(L, v, key, def) : def;
}

/* ms as the shortest duration text: "4h", "1h30m", "45s", "0". */
static const char *dur_text(int64_t ms, char *buf, size_t len)
{
    static const struct { int64_t ms; const char *u; } units[] = {
        {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"},
    };
    size_t used = 0;
    buf[0] = '\0';
    if (ms <= 0)
        return snprintf(buf, len, "0"), buf;
    for (size_t i = 0; i < 5 && ms > 0; i++) {
        if (ms < units[i].ms)
            continue;
        int r = snprintf(buf + used, len - used, "%lld%s", (long long)(ms / units[i].ms), units[i].u);
        if (r < 0 || (size_t)r >= len - used)
            break;
        used += (size_t)r;
        ms %= units[i].ms;
    }
    return buf;
}

/* An exercise time: a duration from the start ("1h30m") or a clock time
 * ("10:00", on the exercise day, not before the start). Must fall within the
 * exercise. */
static int64_t val_time(ld_t *L, node_t *v, const char *key, int64_t def)
{
    const char *s = scalar(L, v, key, "an exercise time like 1h30m or 10:00");
    if (!s)
        return def;
    int64_t ms;
    int minute;
    const sw_exercise_t *ex = &L->w->exercise;
    if (strchr(s, ':')) {
        if (sw_parse_time_of_day(s, &minute)) {
            ERR(L, v->loc, "'%s' must be a time of day HH:MM, got '%s'", key, s);
            return def;
        }
        if (minute < ex->start_minute) {
            ERR(L, v->loc, "'%s' %s is before the exercise starts (%02d:%02d)", key, s,
                ex->start_minute / 60, ex->start_minute % 60);
            return def;
        }
        ms = (int64_t)(minute - ex->start_minute) * 60000;
    } else if (sw_parse_duration(s, &ms)) {
        ERR(L, v->loc, "'%s' must be an exercise time like 1h30m or 10:00, got '%s'", key, s);
        return def;
    }
    if (ex->duration_ms > 0 && ms > ex->duration_ms) {
        char db[48];
        ERR(L, v->loc, "'%s' %s is after the end of the exercise (it lasts %s)", key, s,
            dur_text(ex->duration_ms, db, sizeof db));
        return def;
    }
    return ms;
}

static int64_t opt_time(ld_t *L, node_t *m, const char *key, int64_t def)
{
    node_t *v = mget(m, key);
    return v ? val_time(L, v, key, def) : def;
}


/* Value vocabularies local to the loader (the model's are in world.c/vocab.c). */
static const char *const n_lobj_cat[] = {"detection", "containment", "recovery", "reporting",
                                         "cooperation"};
static const char *const n_sensors[] = {"sysmon", "edr", "av", "security-log", "log-forwarding",
                                        "pcap", "netflow", "syslog"};
static const char *const n_indicator[] = {"ipv4-addr", "ipv6-addr", "domain-name", "url",
                                          "email-addr", "file:name", "file:hashes.MD5",
                                          "file:hashes.SHA-1", "file:hashes.SHA-256",
                                          "process:command_line", "user-account"};
static const char *const n_fw_action[] = {"deny", "allow"};

/* What the values of a names table are called, for messages. */
static const char *enum_noun(const char *const *names)
{
    static const struct { const char *const *names; const char *noun; } nouns[] = {
        {sw_zone_names, "zone"},
        {sw_role_names, "role"},
        {sw_priv_names, "privilege"},
        {sw_crit_names, "criticality"},
        {sw_link_kind_names, "link kind"},
        {sw_org_kind_names, "organisation kind"},
        {sw_proto_names, "protocol"},
        {sw_cred_kind_names, "credential kind"},
        {sw_cred_form_names, "credential form"},
        {sw_persist_names, "persistence kind"},
        {sw_obj_kind_names, "objective kind"},
        {sw_inject_kind_names, "inject kind"},
        {sw_action_names, "action"},
        {n_lobj_cat, "category"},
        {n_sensors, "sensor"},
        {n_indicator, "indicator type"},
        {n_fw_action, "firewall action"},
    };
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (nouns[i].names == names)
            return nouns[i].noun;
    return "value";
}

/* One of names[0..n); "unknown role 'x'" (or "unknown zone 'x' for 'from'"
 * when the key is not the noun), with a suggestion or the list of values. */
static int val_enum(ld_t *L, node_t *v, const char *key, const char *const *names, int n,
                    int def)
{
    char buf[512], noun[96];
    const char *s = scalar(L, v, key, "a name");
    if (!s)
        return def;
    int i = sw_enum_lookup(names, n, s);
    if (i >= 0)
        return i;
    const char *nn = enum_noun(names);
    if (strstr(nn, key)) /* "kind" in "link kind": the key says nothing more */
        snprintf(noun, sizeof noun, "unknown %s '%.40s'", nn, s);
    else
        snprintf(noun, sizeof noun, "unknown %s '%.40s' for '%s'", nn, s, key);
    const char *cands[64];
    int k = n < 63 ? n : 63;
    for (int j = 0; j < k; j++)
        cands[j] = names[j];
    cands[k] = NULL;
    const char *sug = scn_suggest(s, cands, NULL, &L->suggest_budget);
    if (sug)
        ERR(L, v->loc, "%s (did you mean '%s'?)", noun, sug);
    else
        ERR(L, v->loc, "%s (expected one of: %s)", noun, list_names(names, n, buf, sizeof buf));
    return def;
}

static int opt_enum(ld_t *L, node_t *m, const char *key, const char *const *names, int n,
                    int def)
{
    node_t *v = mget(m, key);
    return v ? val_enum(L, v, key, names, n, def) : def;
}

/* A list of strings (a single scalar is a list of one). */
static sw_strlist_t opt_strlist(ld_t *L, node_t *m, const char *key)
{
    sw_strlist_t out = {NULL, 0};
    node_t *v = mget(m, key);
    if (!v)
        return out;
    if (v->kind == YT_SCALAR) {
        const char *s = scalar(L, v, key, "a list of strings");
        if (!s)
            return out;
        out.s = wz(L, sizeof *out.s);
        if (out.s)
            out.s[out.n++] = wstr(L, s);
        return out;
    }
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of strings, got %s", key, yt_kind_name(v));
        return out;
    }
    out.s = wz(L, v->n * sizeof *out.s);
    if (!out.s)
        return out;
    for (node_t *it = v->first; it; it = it->next) {
        const char *s = scalar(L, it, key, "a list of strings");
        if (s)
            out.s[out.n++] = wstr(L, s);
    }
    return out;
}

/* Resolve a reference (scalar id) through map m; what names the kind. */
static uint32_t val_ref(ld_t *L, node_t *v, const char *key, const scn_idmap_t *m,
                        const char *what)
{
    const char *s = scalar(L, v, key, "an id");
    if (!s)
        return SW_NONE;
    uint32_t i = scn_idmap_get(m, s);
    if (i != SW_NONE)
        return i;
    const char *sug = scn_suggest(s, NULL, m, &L->suggest_budget);
    if (sug)
        ERR(L, v->loc, "unknown %s '%s' (did you mean '%s'?)", what, s, sug);
    else
        ERR(L, v->loc, "unknown %s '%s'", what, s);
    return SW_NONE;
}

static uint32_t opt_ref(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map,
                        const char *what)
{
    node_t *v = mget(m, key);
    return v ? val_ref(L, v, key, map, what) : SW_NONE;
}

/* A list of references (or one). Unresolved entries are dropped. */
static sw_idlist_t opt_reflist(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map,
                               const char *what)
{
    sw_idlist_t out = {NULL, 0};
    node_t *v = mget(m, key);
    if (!v)
        return out;
    if (v->kind == YT_SCALAR) {
        uint32_t i = val_ref(L, v, key, map, what);
        if (i != SW_NONE && (out.ids = wz(L, sizeof *out.ids)))
            out.ids[out.n++] = i;
        return out;
    }
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of %s ids, got %s", key, what, yt_kind_name(v));
        return out;
    }
    if (!(out.ids = wz(L, v->n * sizeof *out.ids)))
        return out;
    uint8_t *listed = calloc(SW_SCN_MAX_OBJECTS / 8 + 1, 1); /* ids are < the object limit */
    if (!listed) {
        L->oom = 1;
        return out;
    }
    for (node_t *it = v->first; it; it = it->next) {
        uint32_t i = val_ref(L, it, key, map, what);
        if (i == SW_NONE || i > SW_SCN_MAX_OBJECTS)
            continue;
        int dup = (listed[i / 8] >> (i % 8)) & 1;
        listed[i / 8] |= (uint8_t)(1u << (i % 8));
        if (dup)
            WARN(L, it->loc, "%s '%s' is listed twice in '%s'", what, it->str, key);
        else
            out.ids[out.n++] = i;
    }
    free(listed);
    return out;
}

/* Nested lists (services of a host, steps of an adversary, ...) are checked
 * for duplicates by scanning; this bound keeps that scan cheap. */
#define LIST_MAX 1000

/* Is v a list of at most LIST_MAX items? Reports otherwise. */
static int list_ok(ld_t *L, node_t *v, const char *key, const char *expect)
{
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be %s, got %s", key, expect, yt_kind_name(v));
        return 0;
    }
    if (v->n > LIST_MAX) {
        ERR(L, v->loc, "'%s' has %u items (limit %d)", key, v->n, LIST_MAX);
        return 0;
    }
    return 1;
}

/* ---- ids ------------------------------------------------------------------ */

static int id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* The id of an entry (key `key`, normally "id"), checked; NULL when missing
 * or malformed (reported). */
static const char *entry_id(ld_t *L, node_t *entry, const char *key, const char *what)
{
    node_t *v = mget(entry, key);
    if (!v)
        return NULL; /* check_keys reports the missing key */
    const char *s = scalar(L, v, key, "an id");
    if (!s)
        return NULL;
    if (!id_ok(s)) {
        ERR(L, v->loc, "invalid %s id '%s': use 1 to 64 letters, digits, '-', '_' or '.'",
            what, s);
        return NULL;
    }
    return s;
}

/* Put id into map m at index i; report a duplicate at loc. */
static void declare_id(ld_t *L, scn_idmap_t *m, const char *id, uint32_t i, sw_loc_t loc,
                       const sw_loc_t *locs_base, size_t stride, const char *what)
{
    uint32_t old;
    int r = scn_idmap_put(m, id, i, &old);
    if (r == SW_EEXIST) {
        const sw_loc_t *o = (const sw_loc_t *)((const char *)locs_base + stride * old);
        ERR(L, loc, "duplicate %s id '%s' (first defined at %s:%d:%d)", what, id, o->file,
            o->line, o->col);
    } else if (r) {
        L->oom = 1;
    }
}

#define DECLARE(L, m, id, i, arr, what)                                                        \
    declare_id((L), (m), (id), (i), (arr)[i].loc, &(arr)[0].loc, sizeof (arr)[0], (what))

/* ---- reading files -------------------------------------------------------- */

static const char *const top_keys[] = {
    "include", "seed", "exercise", "teams", "observers", "orgs", "links",
    "business", "adversaries", "injects", "scoring", "rules", NULL,
};

/* Normalise a relative/absolute path in place: drop "." segments and fold
 * "dir/.." pairs. Leading ".." segments of a relative path stay. */
static void path_normalise(char *p)
{
    char *segs[256];
    int n = 0;
    int abs = p[0] == '/';
    char *s = p;
    char tmp[PATH_MAX_LEN];
    while (*s && n < 256) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        char *e = strchr(s, '/');
        if (e)
            *e = '\0';
        if (!strcmp(s, ".")) {
        } else if (!strcmp(s, "..") && n > 0 && strcmp(segs[n - 1], "..")) {
            n--;
        } else if (!(abs && !strcmp(s, "..") && n == 0)) {
            segs[n++] = s;
        }
        if (!e)
            break;
        s = e + 1;
    }
    size_t used = 0;
    tmp[0] = '\0';
    if (abs)
        tmp[used++] = '/';
    for (int i = 0; i < n; i++) {
        size_t l = strlen(segs[i]);
        if (used + l + 2 >= sizeof tmp)
            break;
        if (i)
            tmp[used++] = '/';
        memcpy(tmp + used, segs[i], l);
        used += l;
    }
    tmp[used] = '\0';
    strcpy(p, tmp);
}

/* Join the directory of base with rel into out. */
static int path_join(const char *base, const char *rel, char *out, size_t len)
{
    int builtin = !strncmp(base, BUILTIN, strlen(BUILTIN));
    const char *b = builtin ? base + strlen(BUILTIN) : base;
    const char *slash = strrchr(b, '/');
    size_t dl = slash ? (size_t)(slash - b) : 0;
    int r;
    if (rel[0] == '/' && !builtin)
        r = snprintf(out, len, "%s", rel);
    else if (dl)
        r = snprintf(out, len, "%.*s/%s", (int)dl, b, rel);
    else
        r = snprintf(out, len, "%s", rel);
    if (r < 0 || (size_t)r >= len - strlen(BUILTIN) - 1)
        return SW_ETOOBIG;
    path_normalise(out);
    if (builtin) {
        memmove(out + strlen(BUILTIN), out, strlen(out) + 1);
        memcpy(out, BUILTIN, strlen(BUILTIN));
    }
    return SW_OK;
}

/* Read a whole file (at most YT_MAX_TEXT bytes) into the tmp arena. */
static int read_file(ld_t *L, const char *path, char **text, size_t *len, char *why,
                     size_t why_len)
{
    /* only regular files: opening a FIFO would block, a device never ends */
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return SW_ENOENT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "not a regular file");
        return SW_EIO;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "%s", strerror(errno));
        return SW_ENOENT;
    }
    char *buf = sw_arena_alloc(&L->tmp, YT_MAX_TEXT + 2);
    if (!buf) {
        fclose(f);
        snprintf(why, why_len, "out of memory");
        return SW_ENOMEM;
    }
    size_t n = fread(buf, 1, YT_MAX_TEXT + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(why, why_len, "read error (is it a directory?)");
        return SW_EIO;
    }
    if (n > YT_MAX_TEXT) {
        snprintf(why, why_len, "file is larger than %zu bytes", YT_MAX_TEXT);
        return SW_ETOOBIG;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SW_OK;
}

static int ld_file(ld_t *L, const char *name, const char *text, size_t len);

/* Process one `include:` item of the file `from`. */
static void ld_include(ld_t *L, const char *from, node_t *item)
{
    const char *rel = scalar(L, item, "include", "a file name");
    if (!rel)
        return;
    char path[PATH_MAX_LEN];
    if (path_join(from, rel, path, sizeof path)) {
        ERR(L, item->loc, "include path '%s' is too long", rel);
        return;
    }
    for (int i = 0; i < L->depth; i++)
        if (!strcmp(L->stack[i], path)) {
            char chain[1024];
            size_t used = 0;
            chain[0] = '\0';
            for (int j = i; j < L->depth; j++) {
                int r = snprintf(chain + used, sizeof chain - used, "%s -> ", L->stack[j]);
                if (r < 0 || (size_t)r >= sizeof chain - used)
                    break;
                used += (size_t)r;
            }
            ERR(L, item->loc, "include cycle: %s%s", chain, path);
            return;
        }
    for (int i = 0; i < L->n_files; i++)
        if (!strcmp(L->names[i], path))
            return; /* already read through another include: once is enough */
    if (L->depth > SW_SCN_MAX_INCLUDE_DEPTH) {
        ERR(L, item->loc, "includes nested too deeply (limit %d)", SW_SCN_MAX_INCLUDE_DEPTH);
        return;
    }
    if (L->n_files >= SW_SCN_MAX_FILES) {
        ERR(L, item->loc, "too many included files (limit %d)", SW_SCN_MAX_FILES);
        return;
    }
    char *txt = NULL;
    size_t tlen = 0;
    char why[128];
    if (!strncmp(path, BUILTIN, strlen(BUILTIN))) {
        const sw_embedded_t *e = sw_embedded_find(path + strlen(BUILTIN));
        if (!e) {
            ERR(L, item->loc, "cannot read include '%s': no such built-in file", rel);
            return;
        }
        txt = (char *)e->data;
        tlen = e->len;
    } else if (read_file(L, path, &txt, &tlen, why, sizeof why)) {
        ERR(L, item->loc, "cannot read include '%s': %s", rel, why);
        return;
    }
    ld_file(L, path, txt, tlen);
}

/* Parse one file, record its root, then read its includes (depth first). */
static int ld_file(ld_t *L, const char *name, const char *text, size_t len)
{
    const char *fname = wstr(L, name); /* locations point here: lives with the world */
    if (!fname)
        return SW_ENOMEM;
    node_t *root = yt_parse(&L->tmp, fname, text, len, L->d);
    if (!root)
        return SW_EINVAL;
    if (root->kind != YT_MAP) {
        ERR(L, root->loc, "a scenario file must be a mapping of sections (exercise, teams, ...), "
                          "got %s", yt_kind_name(root));
        return SW_EINVAL;
    }
    check_keys(L, root, "the scenario", top_keys, NULL);
    for (int i = 3; top_keys[i]; i++) { /* the lists */
        if (!strcmp(top_keys[i], "scoring") || !strcmp(top_keys[i], "rules"))
            continue;
        node_t *v = mget(root, top_keys[i]);
        if (v && v->kind != YT_SEQ && !yt_is_null(v))
            ERR(L, v->loc, "'%s' must be a list, got %s", top_keys[i], yt_kind_name(v));
    }
    node_t *inc = mget(root, "include");
    L->stack[L->depth++] = fname;
    if (!inc) {
    } else if (inc->kind == YT_SCALAR) {
        ld_include(L, fname, inc);
    } else if (inc->kind == YT_SEQ) {
        for (node_t *it = inc->first; it; it = it->next)
            ld_include(L, fname, it);
    } else {
        ERR(L, inc->loc, "'include' must be a file name or a list of them, got %s",
            yt_kind_name(inc));
    }
    L->depth--;
    /* singletons may be defined once across all files (post-order too) */
    static const char *const single[] = {"exercise", "scoring", "rules", "seed"};
    node_t **slot[] = {&L->exercise, &L->scoring, &L->rules, &L->seed};
    for (int i = 0; i < 4; i++) {
        node_t *v = mget(root, single[i]);
        if (!v)
            continue;
        if (*slot[i])
            ERR(L, v->loc, "'%s' is already defined at %s:%d:%d", single[i], (*slot[i])->loc.file,
                (*slot[i])->loc.line, (*slot[i])->loc.col);
        else
            *slot[i] = v;
    }
    /* post-order: a file's includes come before it, as with #include, so a
     * clash is reported in the file that adds the second definition */
    if (L->n_files >= SW_SCN_MAX_FILES) {
        ERR(L, root->loc, "too many included files (limit %d)", SW_SCN_MAX_FILES);
        return SW_ETOOBIG;
    }
    L->roots[L->n_files] = root;
    L->names[L->n_files] = fname;
    L->n_files++;
    return SW_OK;
}

/* Iterate the items of top-level list `key` across every file read. */
#define FOR_ITEMS(L, key, it)                                                                  \
    for (int fi_ = 0; fi_ < (L)->n_files; fi_++)                                               \
        for (node_t *lst_ = mget((L)->roots[fi_], (key)),                                      \
                    *it = lst_ && lst_->kind == YT_SEQ ? lst_->first : NULL;                    \
             it; it = it->next)

/* Items of a nested list (NULL-safe). */
#define FOR_SUB(map, key, it)                                                                  \
    for (node_t *lst_##it = mget((map), (key)),                                                \
                *it = lst_##it && lst_##it->kind == YT_SEQ ? lst_##it->first : NULL;            \
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
    node_t *v = mget(map, key);
    return v && v->kind == YT_SEQ ? v->n : 0;
}

/* ---- key tables ------------------------------------------------------------ */

static const char *const k_exercise[] = {"name", "description", "duration", "start", "timezone",
                                         "utc_offset", "date", "speed", "seed", "objectives",
                                         NULL};
static const char *const r_exercise[] = {"name", "duration", NULL};
static const char *const k_lobj[] = {"id", "text", "category", "weight", NULL};
static const char *const r_lobj[] = {"id", "text", NULL};
static const char *const k_team[] = {"id", "name", "country", NULL};
static const char *const r_team[] = {"id", "name", NULL};
static const char *const k_org[] = {"id",    "name",     "team",          "kind",   "networks",
                                    "hosts", "users",    "firewall",      "international",
                                    "trusts", NULL};
static const char *const r_org[] = {"id", "team", "kind", NULL};
static const char *const k_fw[] = {"default", "rules", NULL};
static const char *const k_fwrule[] = {"from", "to", "port", "proto", "action", NULL};
static const char *const r_fwrule[] = {"from", "to", "action", NULL};
static const char *const k_intl[] = {"primary", "backup", NULL};
static const char *const r_intl[] = {"primary", NULL};
static const char *const k_net[] = {"id", "name", "cidr", "zone", NULL};
static const char *const r_net[] = {"id", "cidr", "zone", NULL};
static const char *const k_host[] = {"id",       "hostname", "ip",       "network",
                                     "os",       "role",     "criticality", "count",
                                     "services", "accounts", "software", "vulns",
                                     "sensors",  "av_signature_age_days", "backup",
                                     "domain_joined", "reimage_time", NULL};
static const char *const r_host[] = {"id", "ip", "network", "os", "role", NULL};
static const char *const k_svc[] = {"name", "port", "proto", "exposed", "depends_on", NULL};
static const char *const r_svc[] = {"name", "port", NULL};
static const char *const k_acct[] = {"name", "admin", NULL};
static const char *const r_acct[] = {"name", NULL};
static const char *const k_vuln[] = {"cve", "service", "exploitability", "remote", "grants", NULL};
static const char *const r_vuln[] = {"cve", NULL};
static const char *const k_backup[] = {"every", "last_good_age", "offline", "restore_time", NULL};
static const char *const r_backup[] = {"every", NULL};
static const char *const k_user[] = {"id",  "name",  "account", "workstation", "groups",
                                     "vpn", "hours", "phishing", NULL};
static const char *const r_user[] = {"id", "account", NULL};
static const char *const k_link[] = {"id",            "name",       "kind",       "ends",
                                     "length_km",     "capacity_mbps", "latency_ms",
                                     "repair_time",   NULL};
static const char *const r_link[] = {"id", "kind", NULL};
static const char *const k_biz[] = {"id", "name", "org", "weight", "requires", "any_of",
                                    "min_capacity_mbps", NULL};
static const char *const r_biz[] = {"id", "org", NULL};
static const char *const k_adv[] = {"id", "name", "modelled_on", "targets", "start", "patience",
                                    "c2", "objectives", "playbook", NULL};
static const char *const r_adv[] = {"id", "objectives", "playbook", NULL};
static const char *const k_c2[] = {"domains", "ips", NULL};
static const char *const k_obj[] = {"id", "kind", "description", "target", "at", "megabytes",
                                    "min_hosts", NULL};
static const char *const r_obj[] = {"id", "kind", "target", NULL};
static const char *const k_step[] = {"id",       "name",    "technique", "procedure",
                                     "tool",     "target",  "requires",  "effects",
                                     "duration", "success", "noise",     NULL};
static const char *const r_step[] = {"id", "technique", "effects", NULL};
static const char *const k_sel[] = {"role", "host", "org", "org_kind", "zone", NULL};
static const char *const k_selpriv[] = {"priv", "role", "host", "org", "org_kind", "zone", NULL};
static const char *const k_cred[] = {"kind", "form", NULL};
static const char *const k_inj[] = {"id",   "title",   "kind", "at",         "when",  "from",
                                    "to",   "subject", "body", "indicators", "effect", NULL};
static const char *const r_inj[] = {"id", "title", "kind", NULL};
static const char *const k_ind[] = {"type", "value", NULL};
static const char *const r_ind[] = {"type", "value", NULL};
static const char *const k_power[] = {"org", "host", "duration", NULL};
static const char *const r_power[] = {"duration", NULL};
static const char *const k_scoring[] = {"weights", NULL};
static const char *const k_weights[] = {"availability", "detection", "containment",
                                        "recovery",     "reporting", "sharing", NULL};
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
    node_t *v = mget(h, "count");
    if (!v)
        return 1;
    if (!report) {
        char *end;
        long x = v->kind == YT_SCALAR ? strtol(v->str, &end, 10) : 0;
        return (v->kind == YT_SCALAR && !*end && x >= 1 && x <= SW_SCN_MAX_COUNT) ? (uint32_t)x : 1;
    }
    return (uint32_t)val_int(L, v, "count", 1, 1, SW_SCN_MAX_COUNT);
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
    FOR_ITEMS(L, "orgs", o) {
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
        L->oom = 1; /* stop: nothing more is useful */
        return;
    }
    w->teams = wz(L, nt * sizeof *w->teams);
    w->orgs = wz(L, no * sizeof *w->orgs);
    w->networks = wz(L, nn * sizeof *w->networks);
    w->hosts = wz(L, nh * sizeof *w->hosts);
    w->users = wz(L, nu * sizeof *w->users);
    w->links = wz(L, nl * sizeof *w->links);
    w->business = wz(L, nb * sizeof *w->business);
    w->adversaries = wz(L, na * sizeof *w->adversaries);
    w->injects = wz(L, ni * sizeof *w->injects);
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
        FOR_ITEMS(L, tkeys[k], t) {
            uint32_t i = w->n_teams++;
            sw_team_t *tm = &w->teams[i];
            L->team_n[i] = t;
            tm->loc = t->loc;
            tm->kind = k ? SW_TEAM_OBSERVER : SW_TEAM_PLAYER;
            const char *id = entry_id(L, t, "id", k ? "observer" : "team");
            if (id && (tm->id = wstr(L, id)))
                DECLARE(L, &L->m_team, tm->id, i, w->teams, "team");
        }
    FOR_ITEMS(L, "orgs", o) {
        uint32_t i = w->n_orgs++;
        sw_org_t *org = &w->orgs[i];
        L->org_n[i] = o;
        org->loc = o->loc;
        org->team = SW_NONE;
        const char *id = entry_id(L, o, "id", "organisation");
        if (id && (org->id = wstr(L, id)))
            DECLARE(L, &L->m_org, org->id, i, w->orgs, "organisation");
        FOR_SUB(o, "networks", n) {
            uint32_t j = w->n_networks++;
            sw_network_t *net = &w->networks[j];
            L->net_n[j] = n;
            net->loc = n->loc;
            net->org = i;
            const char *nid = entry_id(L, n, "id", "network");
            if (nid && (net->id = wstr(L, nid)))
                DECLARE(L, &L->m_net, net->id, j, w->networks, "network");
        }
        FOR_SUB(o, "hosts", h) {
            uint32_t cnt = host_count(L, h, 1);
            const char *hid = entry_id(L, h, "id", "host");
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
                    host->id = wstr(L, wb);
                } else {
                    host->id = wstr(L, hid);
                }
                if (host->id)
                    DECLARE(L, &L->m_host, host->id, j, w->hosts, "host");
            }
        }
        FOR_SUB(o, "users", u) {
            uint32_t j = w->n_users++;
            sw_user_t *user = &w->users[j];
            L->user_n[j] = u;
            user->loc = u->loc;
            user->org = i;
            const char *uid = entry_id(L, u, "id", "user");
            if (uid && (user->id = wstr(L, uid)))
                DECLARE(L, &L->m_user, user->id, j, w->users, "user");
        }
    }
    FOR_ITEMS(L, "links", l) {
        uint32_t i = w->n_links++;
        L->link_n[i] = l;
        w->links[i].loc = l->loc;
        const char *id = entry_id(L, l, "id", "link");
        if (id && (w->links[i].id = wstr(L, id)))
            DECLARE(L, &L->m_link, w->links[i].id, i, w->links, "link");
    }
    FOR_ITEMS(L, "business", b) {
        uint32_t i = w->n_business++;
        L->biz_n[i] = b;
        w->business[i].loc = b->loc;
        const char *id = entry_id(L, b, "id", "business service");
        if (id && (w->business[i].id = wstr(L, id)))
            DECLARE(L, &L->m_biz, w->business[i].id, i, w->business, "business service");
    }
    FOR_ITEMS(L, "adversaries", a) {
        uint32_t i = w->n_adversaries++;
        L->adv_n[i] = a;
        w->adversaries[i].loc = a->loc;
        const char *id = entry_id(L, a, "id", "adversary");
        if (id && (w->adversaries[i].id = wstr(L, id)))
            DECLARE(L, &L->m_adv, w->adversaries[i].id, i, w->adversaries, "adversary");
    }
    FOR_ITEMS(L, "injects", j) {
        uint32_t i = w->n_injects++;
        L->inj_n[i] = j;
        w->injects[i].loc = j->loc;
        const char *id = entry_id(L, j, "id", "inject");
        if (id && (w->injects[i].id = wstr(L, id)))
            DECLARE(L, &L->m_inj, w->injects[i].id, i, w->injects, "inject");
    }
    (void)wb;
}

/* ---- phase 3: fill ----------------------------------------------------------- */

struct tz { const char *name; int offset_min; };
static const struct tz tz_table[] = {
    {"UTC", 0},               {"Etc/UTC", 0},           {"Pacific/Palau", 540},
    {"Pacific/Guam", 600},    {"Pacific/Saipan", 600},  {"Pacific/Chuuk", 600},
    {"Pacific/Port_Moresby", 600}, {"Australia/Brisbane", 600},
    {"Pacific/Pohnpei", 660}, {"Pacific/Kosrae", 660},  {"Pacific/Noumea", 660},
    {"Pacific/Guadalcanal", 660}, {"Pacific/Efate", 660},
    {"Pacific/Majuro", 720},  {"Pacific/Kwajalein", 720}, {"Pacific/Nauru", 720},
    {"Pacific/Tarawa", 720},  {"Pacific/Fiji", 720},    {"Pacific/Funafuti", 720},
    {"Pacific/Wallis", 720},  {"Pacific/Tongatapu", 780}, {"Pacific/Apia", 780},
    {"Pacific/Kanton", 780},  {"Pacific/Fakaofo", 780}, {"Pacific/Kiritimati", 840},
    {"Pacific/Honolulu", -600}, {"Pacific/Pago_Pago", -660}, {"Pacific/Rarotonga", -600},
    {"Pacific/Niue", -660},   {"Asia/Tokyo", 540},      {"Asia/Singapore", 480},
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
    const char *s = scalar(L, v, "seed", "a whole number from 0 to 2^64-1");
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
    sw_exercise_t *ex = &L->w->exercise;
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
    if (check_keys(L, e, "exercise", k_exercise, r_exercise))
        return;
    ex->name = opt_str(L, e, "name", NULL);
    ex->description = opt_str(L, e, "description", NULL);
    node_t *v;
    if ((v = mget(e, "duration"))) {
        ex->duration_ms = val_dur(L, v, "duration", 0);
        if (ex->duration_ms == 0 || ex->duration_ms > (int64_t)7 * 86400000) {
            if (ex->duration_ms)
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            else if (v->kind == YT_SCALAR && !strcmp(v->str, "0"))
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            ex->duration_ms = 0;
        }
    }
    if ((v = mget(e, "start"))) {
        const char *s = scalar(L, v, "start", "a time of day HH:MM");
        if (s && sw_parse_time_of_day(s, &ex->start_minute))
            ERR(L, v->loc, "'start' must be a time of day HH:MM, got '%s'", s);
    }
    ex->timezone = opt_str(L, e, "timezone", "UTC");
    int known = 0;
    for (int i = 0; tz_table[i].name; i++)
        if (ex->timezone && !strcmp(ex->timezone, tz_table[i].name)) {
            ex->utc_offset_min = tz_table[i].offset_min;
            known = 1;
        }
    if ((v = mget(e, "utc_offset"))) {
        const char *s = scalar(L, v, "utc_offset", "an offset like +09:00");
        if (s && sw_parse_utc_offset(s, &ex->utc_offset_min))
            ERR(L, v->loc, "'utc_offset' must be an offset like +09:00 (-12:00 to +14:00), got '%s'",
                s);
    } else if (!known && (v = mget(e, "timezone"))) {
        ERR(L, v->loc, "unknown time zone '%s': add 'utc_offset' (e.g. +10:00)", ex->timezone);
    }
    if ((v = mget(e, "date"))) {
        const char *s = scalar(L, v, "date", "a date YYYY-MM-DD");
        if (s && !date_ok(s))
            ERR(L, v->loc, "'date' must be a date YYYY-MM-DD, got '%s'", s);
        else if (s)
            ex->date = wstr(L, s);
    }
    ex->speed = opt_num(L, e, "speed", 1, 0.1, 3600,
                        "a speed from 0.1 to 3600 (exercise seconds per second)");
    if ((v = mget(e, "seed"))) {
        if (L->seed)
            ERR(L, v->loc, "'seed' is already defined at %s:%d:%d", L->seed->loc.file,
                L->seed->loc.line, L->seed->loc.col);
        else
            ex->seed = val_seed(L, v);
    }
    node_t *objs = mget(e, "objectives");
    if (objs && !list_ok(L, objs, "objectives", "a list"))
        return;
    if (!objs)
        return;
    ex->objectives = wz(L, objs->n * sizeof *ex->objectives);
    if (!ex->objectives)
        return;
    for (node_t *o = objs->first; o; o = o->next) {
        if (check_keys(L, o, "learning objective", k_lobj, r_lobj))
            continue;
        sw_learning_obj_t *lo = &ex->objectives[ex->n_objectives++];
        lo->loc = o->loc;
        lo->id = opt_str(L, o, "id", NULL);
        lo->text = opt_str(L, o, "text", NULL);
        int cat = opt_enum(L, o, "category", n_lobj_cat, 5, 0);
        lo->category = n_lobj_cat[cat];
        lo->weight = opt_num(L, o, "weight", 1, 0, 1, "a weight from 0 to 1");
        for (uint32_t i = 0; i + 1 < ex->n_objectives; i++)
            if (lo->id && ex->objectives[i].id && !strcmp(lo->id, ex->objectives[i].id))
                ERR(L, kloc(o, "id"), "duplicate learning objective id '%s' (first defined at %s:%d:%d)",
                    lo->id, ex->objectives[i].loc.file, ex->objectives[i].loc.line,
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
        if (check_keys(L, n, what(wb, sizeof wb, kind, t->id), k_team, r_team))
            continue;
        t->name = opt_str(L, n, "name", t->id);
        t->country = opt_str(L, n, "country", NULL);
        node_t *c = mget(n, "country");
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
        if (check_keys(L, n, what(wb, sizeof wb, "link", l->id), k_link, r_link))
            continue;
        l->name = opt_str(L, n, "name", l->id);
        l->kind = (sw_link_kind_t)opt_enum(L, n, "kind", sw_link_kind_names, SW_LINK__COUNT, 0);
        node_t *e = mget(n, "ends");
        if (e) {
            if (e->kind != YT_SEQ || e->n != 2 || e->first->kind != YT_SCALAR ||
                e->last->kind != YT_SCALAR || yt_is_null(e->first) || yt_is_null(e->last)) {
                ERR(L, e->loc, "'ends' must be a list of two place names, like [Ngardmau, Piti]");
            } else {
                l->end_a = wstr(L, e->first->str);
                l->end_b = wstr(L, e->last->str);
            }
        }
        l->length_km = opt_num(L, n, "length_km", 0, 0, 40000, "a length from 0 to 40000 km");
        l->capacity_mbps = opt_num(L, n, "capacity_mbps", 1000, 0.001, 1e9,
                                   "a capacity above 0 Mbps");
        double def_lat = l->kind == SW_LINK_SATELLITE ? 300 : l->kind == SW_LINK_CABLE
                                                                  ? l->length_km / 200.0 + 1
                                                                  : 1;
        l->latency_ms = opt_num(L, n, "latency_ms", def_lat, 0, 10000,
                                "a one-way latency from 0 to 10000 ms");
        l->repair_ms = opt_dur(L, n, "repair_time",
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
    if ((v = mget(n, "role"))) {
        int r = val_enum(L, v, "role", sw_role_names, SW_ROLE__COUNT, -1);
        if (r >= 0) {
            s.has_role = 1;
            s.role = (sw_role_t)r;
        }
    }
    s.host = opt_ref(L, n, "host", &L->m_host, "host");
    s.org = opt_ref(L, n, "org", &L->m_org, "organisation");
    s.org_kind = opt_enum(L, n, "org_kind", sw_org_kind_names, SW_ORG__COUNT, -1);
    s.zone = opt_enum(L, n, "zone", sw_zone_names, SW_ZONE__COUNT, -1);
    return s;
}

static sw_selector_t val_sel(ld_t *L, node_t *n, const char *key)
{
    char wb[160];
    snprintf(wb, sizeof wb, "selector '%s'", key);
    if (check_keys(L, n, wb, k_sel, NULL))
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
    const char *s = scalar(L, v, "port", "a port, a range lo-hi, or any");
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
    if (check_keys(L, fw, "firewall", k_fw, NULL))
        return;
    node_t *v = mget(fw, "default");
    if (v)
        org->fw_default_allow = val_enum(L, v, "default", n_fw_action, 2, 0);
    node_t *rules = mget(fw, "rules");
    if (!rules)
        return;
    if (!list_ok(L, rules, "rules", "a list"))
        return;
    if (!(org->fw = wz(L, rules->n * sizeof *org->fw)))
        return;
    for (node_t *r = rules->first; r; r = r->next) {
        if (check_keys(L, r, "firewall rule", k_fwrule, r_fwrule))
            continue;
        sw_fw_rule_t *fr = &org->fw[org->n_fw++];
        fr->loc = r->loc;
        fr->from = (sw_zone_t)opt_enum(L, r, "from", sw_zone_names, SW_ZONE__COUNT, 0);
        fr->to = (sw_zone_t)opt_enum(L, r, "to", sw_zone_names, SW_ZONE__COUNT, 0);
        fw_ports(L, mget(r, "port"), fr);
        fr->proto = (sw_proto_t)opt_enum(L, r, "proto", sw_proto_names, 2, 0);
        fr->allow = opt_enum(L, r, "action", n_fw_action, 2, 0);
    }
}

static void ld_fill_network(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_network_t *net = &L->w->networks[i];
    node_t *n = L->net_n[i];
    if (check_keys(L, n, what(wb, sizeof wb, "network", net->id), k_net, r_net))
        return;
    net->name = opt_str(L, n, "name", net->id);
    net->zone = (sw_zone_t)opt_enum(L, n, "zone", sw_zone_names, SW_ZONE__COUNT, SW_ZONE_INTERNAL);
    node_t *v = mget(n, "cidr");
    const char *s = v ? scalar(L, v, "cidr", "a network like 10.1.0.0/24") : NULL;
    net->cidr.prefix = 255; /* marks "no valid CIDR" for the checks */
    if (s) {
        if (sw_cidr_parse(s, &net->cidr)) {
            net->cidr.prefix = 255;
            ERR(L, v->loc, "'cidr' must be a network like 10.1.0.0/24 with the host bits zero, got '%s'",
                s);
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
    if ((v = mget(n, "services"))) {
        if (!list_ok(L, v, "services", "a list")) {
        } else if ((h->services = wz(L, v->n * sizeof *h->services))) {
            for (node_t *s = v->first; s; s = s->next) {
                if (check_keys(L, s, "service", k_svc, r_svc))
                    continue;
                sw_service_t *sv = &h->services[h->n_services];
                sv->loc = s->loc;
                sv->name = opt_str(L, s, "name", NULL);
                if (!sv->name)
                    continue;
                if (!id_ok(sv->name)) {
                    ERR(L, kloc(s, "name"),
                        "invalid service name '%s': use letters, digits, '-', '_' or '.'",
                        sv->name);
                    continue;
                }
                int dup = 0;
                for (uint32_t j = 0; j < h->n_services; j++)
                    if (!strcmp(h->services[j].name, sv->name))
                        dup = 1;
                if (dup) {
                    ERR(L, kloc(s, "name"), "duplicate service '%s' on host '%s'", sv->name,
                        h->id ? h->id : "?");
                    continue;
                }
                sv->port = (uint16_t)opt_int(L, s, "port", 0, 0, 65535);
                sv->proto = (sw_proto_t)opt_enum(L, s, "proto", sw_proto_names, 2, SW_PROTO_TCP);
                sv->exposed = opt_bool(L, s, "exposed", 0);
                h->n_services++;
            }
        }
    }
    if ((v = mget(n, "accounts"))) {
        if (!list_ok(L, v, "accounts", "a list")) {
        } else if ((h->accounts = wz(L, v->n * sizeof *h->accounts))) {
            for (node_t *a = v->first; a; a = a->next) {
                if (check_keys(L, a, "account", k_acct, r_acct))
                    continue;
                sw_account_t *ac = &h->accounts[h->n_accounts++];
                ac->loc = a->loc;
                ac->name = opt_str(L, a, "name", "?");
                ac->admin = opt_bool(L, a, "admin", 0);
            }
        }
    }
    h->software = opt_strlist(L, n, "software");
    if ((v = mget(n, "vulns"))) {
        if (!list_ok(L, v, "vulns", "a list")) {
        } else if ((h->vulns = wz(L, v->n * sizeof *h->vulns))) {
            for (node_t *x = v->first; x; x = x->next) {
                if (check_keys(L, x, "vulnerability", k_vuln, r_vuln))
                    continue;
                sw_vuln_t *vu = &h->vulns[h->n_vulns++];
                vu->loc = x->loc;
                vu->cve = opt_str(L, x, "cve", "?");
                if (mget(x, "cve") && !cve_ok(vu->cve))
                    ERR(L, kloc(x, "cve"), "'cve' must be a CVE id like CVE-2023-46805, got '%s'",
                        vu->cve);
                vu->service = opt_str(L, x, "service", NULL);
                if (vu->service) {
                    int found = 0;
                    for (uint32_t j = 0; j < h->n_services; j++)
                        found |= !strcmp(h->services[j].name, vu->service);
                    if (!found)
                        ERR(L, kloc(x, "service"), "unknown service '%s' on host '%s'",
                            vu->service, h->id ? h->id : "?");
                }
                vu->exploitability = opt_prob(L, x, "exploitability", 0.5);
                vu->remote = opt_bool(L, x, "remote", vu->service != NULL);
                vu->grants = (sw_priv_t)opt_enum(L, x, "grants", sw_priv_names, 4, SW_PRIV_USER);
            }
        }
    }
    /* Windows and Linux keep a local security log unless told otherwise. */
    h->sensors.security_log = h->os_family == SW_OSF_WINDOWS || h->os_family == SW_OSF_LINUX;
    if ((v = mget(n, "sensors"))) {
        int *flags[] = {&h->sensors.sysmon, &h->sensors.edr, &h->sensors.av,
                        &h->sensors.security_log, &h->sensors.log_forwarding, &h->sensors.pcap,
                        &h->sensors.netflow, &h->sensors.syslog};
        if (v->kind != YT_SEQ) {
            ERR(L, v->loc, "'sensors' must be a list of sensor names, got %s", yt_kind_name(v));
        } else {
            for (node_t *s = v->first; s; s = s->next) {
                int k = val_enum(L, s, "sensor", n_sensors, 8, -1);
                if (k >= 0)
                    *flags[k] = 1;
            }
        }
    }
    h->sensors.av_sig_age_days = (int)opt_int(L, n, "av_signature_age_days", 0, 0, 3650);
    if ((v = mget(n, "backup")) && !check_keys(L, v, "backup", k_backup, r_backup)) {
        h->backup.present = 1;
        h->backup.interval_ms = opt_dur(L, v, "every", 86400000);
        if (h->backup.interval_ms == 0)
            ERR(L, kloc(v, "every"), "'every' must be a duration above 0");
        h->backup.last_good_age_ms = opt_dur(L, v, "last_good_age", h->backup.interval_ms);
        h->backup.offline = opt_bool(L, v, "offline", 0);
        h->backup.restore_ms = opt_dur(L, v, "restore_time", 2 * 3600000);
    }
    int netdev = h->os_family == SW_OSF_NETWORK;
    h->domain_joined = opt_bool(L, n, "domain_joined", h->os_family == SW_OSF_WINDOWS);
    h->reimage_ms = opt_dur(L, n, "reimage_time",
                            h->role == SW_ROLE_WORKSTATION ? 3600000
                                                           : netdev ? 2 * 3600000 : 4 * 3600000);
}

/* Fill the hosts of count group [first, first+cnt) from entry n. The body
 * (services, vulns, ...) is parsed once and shared: the world is read-only. */
static void ld_fill_host_group(ld_t *L, uint32_t first, uint32_t cnt, node_t *n)
{
    char wb[160];
    sw_host_t *h0 = &L->w->hosts[first];
    if (check_keys(L, n, what(wb, sizeof wb, "host", h0->id && cnt == 1 ? h0->id : NULL),
                   k_host, r_host))
        return;
    node_t *v;
    h0->network = opt_ref(L, n, "network", &L->m_net, "network");
    if (h0->network != SW_NONE && L->w->networks[h0->network].org != h0->org)
        ERR(L, kloc(n, "network"),
            "network '%s' belongs to organisation '%s', not to this host's '%s'",
            L->w->networks[h0->network].id, L->w->orgs[L->w->networks[h0->network].org].id,
            L->w->orgs[h0->org].id ? L->w->orgs[h0->org].id : "?");
    h0->os = "unknown";
    h0->os_family = SW_OSF_OTHER;
    if ((v = mget(n, "os"))) {
        const char *s = scalar(L, v, "os", "an OS name");
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
    h0->role = (sw_role_t)opt_enum(L, n, "role", sw_role_names, SW_ROLE__COUNT, SW_ROLE_APP_SERVER);
    h0->criticality = (sw_crit_t)opt_enum(L, n, "criticality", sw_crit_names, 4, SW_CRIT_MEDIUM);
    ld_fill_host_body(L, h0, n);
    const char *hostname = opt_str(L, n, "hostname", NULL);
    if (hostname && (!*hostname || strlen(hostname) > 63 || strchr(hostname, ' ')))
        ERR(L, kloc(n, "hostname"), "'hostname' must be 1 to 63 characters without spaces, got '%s'",
            hostname);
    /* the address */
    uint8_t ip[16];
    int v6 = 0, ip_ok = 0;
    if ((v = mget(n, "ip"))) {
        const char *s = scalar(L, v, "ip", "an IP address");
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
            ERR(L, kloc(n, "count"), "'count' %u runs past the end of the address space from %s",
                cnt, mget(n, "ip")->str);
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
            h->hostname = wstr(L, wb);
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
            h->ip_text = wstr(L, txt);
        }
    }
}

static void ld_fill_user(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_user_t *u = &L->w->users[i];
    node_t *n = L->user_n[i];
    u->workstation = SW_NONE;
    if (check_keys(L, n, what(wb, sizeof wb, "user", u->id), k_user, r_user))
        return;
    u->name = opt_str(L, n, "name", u->id);
    u->account = opt_str(L, n, "account", u->id);
    u->workstation = opt_ref(L, n, "workstation", &L->m_host, "host");
    if (u->workstation != SW_NONE && L->w->hosts[u->workstation].org != u->org)
        WARN(L, kloc(n, "workstation"), "workstation '%s' belongs to another organisation",
             L->w->hosts[u->workstation].id);
    u->groups = opt_strlist(L, n, "groups");
    int vpn = 0;
    for (uint32_t g = 0; g < u->groups.n; g++) {
        const char *s = u->groups.s[g];
        if (!strcmp(s, "Domain Admins") || !strcmp(s, "Enterprise Admins") ||
            !strcmp(s, "Administrators"))
            u->domain_admin = 1;
        if (strstr(s, "VPN"))
            vpn = 1;
    }
    u->vpn = opt_bool(L, n, "vpn", vpn);
    u->work_start_min = 8 * 60;
    u->work_end_min = 17 * 60;
    node_t *v = mget(n, "hours");
    if (v) {
        const char *s = scalar(L, v, "hours", "working hours like 08:00-17:00");
        if (s && sw_parse_hours(s, &u->work_start_min, &u->work_end_min))
            ERR(L, v->loc, "'hours' must be working hours like 08:00-17:00, got '%s'", s);
    }
    u->phishing = opt_prob(L, n, "phishing", 0.1);
}

static void ld_fill_orgs(ld_t *L)
{
    char wb[160];
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        sw_org_t *org = &w->orgs[i];
        node_t *n = L->org_n[i];
        if (check_keys(L, n, what(wb, sizeof wb, "organisation", org->id), k_org, r_org))
            continue;
        org->name = opt_str(L, n, "name", org->id);
        org->team = opt_ref(L, n, "team", &L->m_team, "team");
        if (org->team != SW_NONE && w->teams[org->team].kind == SW_TEAM_OBSERVER)
            ERR(L, kloc(n, "team"), "organisation '%s' belongs to observer '%s': observers defend nothing",
                org->id ? org->id : "?", w->teams[org->team].id);
        org->kind = (sw_org_kind_t)opt_enum(L, n, "kind", sw_org_kind_names, SW_ORG__COUNT,
                                            SW_ORG_OTHER);
        node_t *v;
        static const char *const subs[] = {"networks", "hosts", "users"};
        for (int k = 0; k < 3; k++)
            if ((v = mget(n, subs[k])) && v->kind != YT_SEQ)
                ERR(L, v->loc, "'%s' must be a list, got %s", subs[k], yt_kind_name(v));
        if ((v = mget(n, "firewall")))
            ld_fill_firewall(L, org, v);
        if ((v = mget(n, "international")) && !check_keys(L, v, "international", k_intl, r_intl)) {
            org->intl_primary = opt_reflist(L, v, "primary", &L->m_link, "link");
            org->intl_backup = opt_reflist(L, v, "backup", &L->m_link, "link");
        }
        org->trusts = opt_reflist(L, n, "trusts", &L->m_org, "organisation");
        for (uint32_t t = 0; t < org->trusts.n; t++)
            if (org->trusts.ids[t] == i)
                ERR(L, kloc(n, "trusts"), "organisation '%s' cannot trust itself", org->id);
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
        node_t *svcs = mget(L->host_n[i], "services");
        uint32_t si = 0;
        FOR_SUB(L->host_n[i], "services", s) {
            (void)svcs;
            if (si >= h->n_services)
                break;
            sw_service_t *sv = &h->services[si];
            if (sv->loc.line != s->loc.line || sv->loc.col != s->loc.col)
                continue; /* this entry was rejected */
            si++;
            node_t *d = mget(s, "depends_on");
            if (!d)
                continue;
            if (d->kind == YT_SCALAR) {
                uint32_t hh, ss;
                if (!resolve_svc(L, d, d->str, &hh, &ss) && (sv->dep_host = wz(L, sizeof(uint32_t))) &&
                    (sv->dep_svc = wz(L, sizeof(uint32_t)))) {
                    sv->dep_host[0] = hh;
                    sv->dep_svc[0] = ss;
                    sv->n_deps = 1;
                }
                continue;
            }
            if (d->kind != YT_SEQ) {
                ERR(L, d->loc, "'depends_on' must be a list of HOST/SERVICE, got %s", yt_kind_name(d));
                continue;
            }
            sv->dep_host = wz(L, d->n * sizeof(uint32_t));
            sv->dep_svc = wz(L, d->n * sizeof(uint32_t));
            if (!sv->dep_host || !sv->dep_svc)
                continue;
            for (node_t *x = d->first; x; x = x->next) {
                const char *t = scalar(L, x, "depends_on", "HOST/SERVICE");
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
    const char *s = scalar(L, v, "dependency", "a dependency like host:ID");
    if (!s)
        return -1;
    dep->loc = v->loc;
    dep->svc = SW_NONE;
    const char *colon = strchr(s, ':');
    static const char *const kinds[] = {"host", "service", "link", "business", "international"};
    int k = -1;
    if (colon)
        for (int i = 0; i < 5; i++)
            if (strlen(kinds[i]) == (size_t)(colon - s) && !strncmp(s, kinds[i], (size_t)(colon - s)))
                k = i;
    if (k < 0) {
        ERR(L, v->loc, "dependency '%s' must be host:ID, service:HOST/NAME, link:ID, business:ID "
                       "or international:ORG", s);
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
    node_t *v = mget(n, key);
    *count = 0;
    if (!v)
        return NULL;
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of dependencies, got %s", key, yt_kind_name(v));
        return NULL;
    }
    sw_dep_t *deps = wz(L, v->n * sizeof *deps);
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
        if (check_keys(L, n, what(wb, sizeof wb, "business service", b->id), k_biz, r_biz))
            continue;
        b->name = opt_str(L, n, "name", b->id);
        b->org = opt_ref(L, n, "org", &L->m_org, "organisation");
        if (b->org != SW_NONE)
            b->team = w->orgs[b->org].team;
        b->weight = opt_num(L, n, "weight", 1, 0, 1000, "a weight from 0 to 1000");
        b->all = val_deps(L, n, "requires", &b->n_all);
        b->any = val_deps(L, n, "any_of", &b->n_any);
        if (!mget(n, "requires") && !mget(n, "any_of"))
            ERR(L, n->loc, "business service '%s' needs 'requires' or 'any_of'", b->id ? b->id : "?");
        b->min_capacity_mbps = opt_num(L, n, "min_capacity_mbps", 0, 0, 1e9,
                                       "a capacity of 0 Mbps or more");
    }
}

/* ---- adversaries ------------------------------------------------------------ */

/* {priv: P, <selector keys>} or a bare privilege name */
static void val_priv_sel(ld_t *L, node_t *v, const char *key, sw_priv_t *priv,
                         sw_selector_t *sel, sw_priv_t def)
{
    *sel = sel_default(v->loc);
    *priv = def;
    if (v->kind == YT_SCALAR) {
        *priv = (sw_priv_t)val_enum(L, v, key, sw_priv_names, 4, def);
        return;
    }
    char wb[64];
    snprintf(wb, sizeof wb, "'%s'", key);
    if (check_keys(L, v, wb, k_selpriv, NULL))
        return;
    *priv = (sw_priv_t)opt_enum(L, v, "priv", sw_priv_names, 4, def);
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
            list_names(names, n, buf, sizeof buf));
    }
    return -1;
}

/* A scalar that must be `true` (switch-like precondition/effect). */
static int must_true(ld_t *L, node_t *v, const char *key)
{
    int b = val_bool(L, v, key, 1);
    if (!b)
        ERR(L, v->loc, "'%s' can only be true here (leave it out instead)", key);
    return b;
}

static const char *fact_name(ld_t *L, node_t *v, const char *key)
{
    const char *s = scalar(L, v, key, "a fact name");
    if (s && !id_ok(s)) {
        ERR(L, v->loc, "invalid fact name '%s': use letters, digits, '-', '_' or '.'", s);
        return NULL;
    }
    return s ? wstr(L, s) : NULL;
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
        p->priv = (sw_priv_t)val_enum(L, v, "on_target", sw_priv_names, 4, SW_PRIV_USER);
        break;
    case SW_PRE_FOOTHOLD:
        val_priv_sel(L, v, "foothold", &p->priv, &p->sel, SW_PRIV_USER);
        break;
    case SW_PRE_REACH:
        p->port = (uint16_t)val_int(L, v, "reach", 0, 0, 65535);
        break;
    case SW_PRE_VULN: {
        const char *s = scalar(L, v, "vuln", "a CVE id or any");
        if (s && strcmp(s, "any")) {
            if (!cve_ok(s))
                ERR(L, v->loc, "'vuln' must be a CVE id like CVE-2023-46805 or any, got '%s'", s);
            p->cve = wstr(L, s);
        }
        break;
    }
    case SW_PRE_CREDENTIAL:
        p->cred = (sw_cred_kind_t)val_enum(L, v, "credential", sw_cred_kind_names, SW_CRED__COUNT, 0);
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
        p->at_ms = val_time(L, v, "after", 0);
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
        e->priv = (sw_priv_t)val_enum(L, v, key, sw_priv_names, 4, SW_PRIV_USER);
        break;
    case SW_EFF_CREDENTIAL:
        if (v->kind == YT_MAP) {
            if (!check_keys(L, v, "'credential'", k_cred, (const char *const[]){"kind", NULL})) {
                e->cred = (sw_cred_kind_t)opt_enum(L, v, "kind", sw_cred_kind_names, SW_CRED__COUNT, 0);
                e->form = (sw_cred_form_t)opt_enum(L, v, "form", sw_cred_form_names, 3, 0);
            }
        } else {
            e->cred = (sw_cred_kind_t)val_enum(L, v, key, sw_cred_kind_names, SW_CRED__COUNT, 0);
        }
        break;
    case SW_EFF_PERSIST:
        e->persist = (sw_persist_t)val_enum(L, v, key, sw_persist_names, SW_PERSIST__COUNT, 0);
        break;
    case SW_EFF_FACT:
        e->fact = fact_name(L, v, key);
        break;
    case SW_EFF_C2: {
        const char *s = scalar(L, v, key, "a channel name like https or dns");
        e->channel = s ? wstr(L, s) : NULL;
        break;
    }
    case SW_EFF_EXFIL:
        e->megabytes = val_num(L, v, key, 0, 0.001, 1e7, "a size in megabytes above 0");
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
    st->name = opt_str(L, n, "name", st->id);
    st->procedure = opt_str(L, n, "procedure", NULL);
    st->tool = opt_str(L, n, "tool", NULL);
    st->technique = opt_str(L, n, "technique", NULL);
    if (st->technique) {
        char tactic[64];
        v = mget(n, "technique");
        if (!sw_attack_id_valid(st->technique))
            ERR(L, v->loc, "'technique' must be an ATT&CK technique id like T1059 or T1003.003, got '%s'",
                st->technique);
        else if (!sw_attack_lookup(st->technique, NULL, 0, tactic, sizeof tactic))
            ERR(L, v->loc, "unknown ATT&CK technique '%s' (not in the enterprise table)",
                st->technique);
        else
            st->tactic = wstr(L, tactic);
    }
    st->target = (v = mget(n, "target")) ? val_sel(L, v, "target") : sel_default(n->loc);
    if ((v = mget(n, "requires"))) {
        if (!list_ok(L, v, "requires", "a list of preconditions")) {
        } else if ((st->pre = wz(L, v->n * sizeof *st->pre)))
            for (node_t *it = v->first; it; it = it->next)
                if (!ld_fill_pre(L, it, &st->pre[st->n_pre]))
                    st->n_pre++;
    }
    if ((v = mget(n, "effects"))) {
        if (v->kind == YT_SEQ && v->n == 0)
            ERR(L, v->loc, "'effects' must be a non-empty list of effects, got an empty list");
        else if (!list_ok(L, v, "effects", "a non-empty list of effects")) {
        } else if ((st->eff = wz(L, v->n * sizeof *st->eff)))
            for (node_t *it = v->first; it; it = it->next)
                if (!ld_fill_eff(L, it, &st->eff[st->n_eff]))
                    st->n_eff++;
    }
    st->dur_min_ms = st->dur_max_ms = 5 * 60000;
    if ((v = mget(n, "duration"))) {
        const char *s = scalar(L, v, "duration", "a duration or range like 10m..40m");
        if (s && sw_parse_duration_range(s, &st->dur_min_ms, &st->dur_max_ms)) {
            ERR(L, v->loc, "'duration' must be a duration or range like 10m..40m (min <= max), got '%s'",
                s);
            st->dur_min_ms = st->dur_max_ms = 5 * 60000;
        }
    }
    st->success = opt_prob(L, n, "success", 1.0);
    st->noise = opt_prob(L, n, "noise", 0.5);
}

static void ld_fill_adversary(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_world_t *w = L->w;
    sw_adversary_t *a = &w->adversaries[i];
    node_t *n = L->adv_n[i];
    if (check_keys(L, n, what(wb, sizeof wb, "adversary", a->id), k_adv, r_adv))
        return;
    node_t *v;
    a->name = opt_str(L, n, "name", a->id);
    a->group = opt_str(L, n, "modelled_on", NULL);
    if (a->group) {
        const char *g = a->group;
        int ok = g[0] == 'G' && strlen(g) == 5 && strspn(g + 1, "0123456789") == 4;
        if (!ok)
            ERR(L, kloc(n, "modelled_on"),
                "'modelled_on' must be an ATT&CK group id like G1017, got '%s'", g);
    }
    a->targets = opt_reflist(L, n, "targets", &L->m_team, "team");
    for (uint32_t t = 0; t < a->targets.n; t++)
        if (w->teams[a->targets.ids[t]].kind == SW_TEAM_OBSERVER)
            ERR(L, kloc(n, "targets"), "adversary targets observer '%s': observers have no networks",
                w->teams[a->targets.ids[t]].id);
    a->start_ms = opt_time(L, n, "start", 0);
    a->patience = opt_prob(L, n, "patience", 0.5);
    if ((v = mget(n, "c2")) && !check_keys(L, v, "c2", k_c2, NULL)) {
        a->c2_domains = opt_strlist(L, v, "domains");
        a->c2_ips = opt_strlist(L, v, "ips");
        node_t *ips = mget(v, "ips");
        uint32_t k = 0;
        FOR_SUB(v, "ips", x) {
            uint8_t ip[16];
            int v6;
            if (x->kind == YT_SCALAR && sw_ip_parse(x->str, ip, &v6))
                ERR(L, x->loc, "C2 address '%s' is not an IP address", x->str);
            k++;
        }
        (void)ips;
    }
    /* objectives */
    if ((v = mget(n, "objectives"))) {
        if (v->kind == YT_SEQ && v->n == 0) {
            ERR(L, v->loc, "'objectives' must be a non-empty list, got an empty list");
        } else if (!list_ok(L, v, "objectives", "a non-empty list")) {
        } else if ((a->objectives = wz(L, v->n * sizeof *a->objectives))) {
            for (node_t *o = v->first; o; o = o->next) {
                const char *oid = entry_id(L, o, "id", "objective");
                if (check_keys(L, o, what(wb, sizeof wb, "objective", oid), k_obj, r_obj))
                    continue;
                sw_adv_objective_t *ob = &a->objectives[a->n_objectives];
                ob->loc = o->loc;
                ob->id = oid ? wstr(L, oid) : NULL;
                for (uint32_t j = 0; ob->id && j < a->n_objectives; j++)
                    if (a->objectives[j].id && !strcmp(a->objectives[j].id, ob->id))
                        ERR(L, kloc(o, "id"),
                            "duplicate objective id '%s' in adversary '%s' (first defined at %s:%d:%d)",
                            ob->id, a->id ? a->id : "?", a->objectives[j].loc.file,
                            a->objectives[j].loc.line, a->objectives[j].loc.col);
                ob->description = opt_str(L, o, "description", NULL);
                ob->kind = (sw_obj_kind_t)opt_enum(L, o, "kind", sw_obj_kind_names, SW_OBJ__COUNT, 0);
                node_t *t = mget(o, "target");
                ob->target = t ? val_sel(L, t, "target") : sel_default(o->loc);
                ob->at_ms = opt_time(L, o, "at", 0);
                ob->megabytes = opt_num(L, o, "megabytes", ob->kind == SW_OBJ_EXFILTRATE ? 100 : 0,
                                        0, 1e7, "a size in megabytes from 0 to 10000000");
                ob->min_hosts = (uint32_t)opt_int(L, o, "min_hosts", 1, 1, SW_SCN_MAX_OBJECTS);
                a->n_objectives++;
            }
        }
    }
    if ((v = mget(n, "playbook"))) {
        if (v->kind == YT_SEQ && v->n == 0) {
            ERR(L, v->loc, "'playbook' must be a non-empty list of steps, got an empty list");
        } else if (!list_ok(L, v, "playbook", "a non-empty list of steps")) {
        } else if ((a->steps = wz(L, v->n * sizeof *a->steps))) {
            for (node_t *s = v->first; s; s = s->next) {
                const char *sid = entry_id(L, s, "id", "step");
                if (check_keys(L, s, what(wb, sizeof wb, "step", sid), k_step, r_step))
                    continue;
                sw_step_t *st = &a->steps[a->n_steps];
                st->loc = s->loc;
                st->id = sid ? wstr(L, sid) : NULL;
                for (uint32_t j = 0; st->id && j < a->n_steps; j++)
                    if (a->steps[j].id && !strcmp(a->steps[j].id, st->id))
                        ERR(L, kloc(s, "id"),
                            "duplicate step id '%s' in adversary '%s' (first defined at %s:%d:%d)",
                            st->id, a->id ? a->id : "?", a->steps[j].loc.file,
                            a->steps[j].loc.line, a->steps[j].loc.col);
                ld_fill_step(L, st, s);
                a->n_steps++;
            }
        }
    }
}

/* "ADVERSARY/ID" to adversary and step/objective index. */
static int resolve_adv_item(ld_t *L, node_t *v, const char *key, int objective,
                            uint32_t *adv, uint32_t *index)
{
    const char *s = scalar(L, v, key, "ADVERSARY/ID");
    if (!s)
        return -1;
    const char *slash = strchr(s, '/');
    char aid[128];
    if (!slash || slash == s || (size_t)(slash - s) >= sizeof aid || !slash[1]) {
        ERR(L, v->loc, "'%s' must be ADVERSARY/%s, got '%s'", key, objective ? "OBJECTIVE" : "STEP", s);
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
    ERR(L, v->loc, "adversary '%s' has no %s '%s'", aid, objective ? "objective" : "step", slash + 1);
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
    if (check_keys(L, n, what(wb, sizeof wb, "inject", j->id), k_inj, r_inj))
        return;
    node_t *v;
    j->title = opt_str(L, n, "title", NULL);
    j->kind = (sw_inject_kind_t)opt_enum(L, n, "kind", sw_inject_kind_names, SW_INJ__COUNT, 0);
    j->trigger = SW_TRIG_TIME;
    j->at_ms = opt_time(L, n, "at", 0);
    if ((v = mget(n, "when"))) {
        node_t *k = single_key(L, v, "'when' condition");
        int kind = k ? kind_of(L, k, sw_trigger_kind_names + 1, SW_TRIG__COUNT - 1, "condition") : -1;
        if (kind >= 0) {
            j->trigger = (sw_trigger_kind_t)(kind + 1);
            if (j->trigger == SW_TRIG_ATTACKER_ON)
                j->sel = val_sel(L, k->next, "attacker_on");
            else
                resolve_adv_item(L, k->next, k->str, j->trigger == SW_TRIG_OBJECTIVE, &j->adversary,
                                 &j->index);
        }
    } else if (!mget(n, "at")) {
        ERR(L, n->loc, "inject '%s' needs a trigger: 'at' (a time) or 'when' (a condition)",
            j->id ? j->id : "?");
    }
    j->from = opt_str(L, n, "from", NULL);
    if ((v = mget(n, "to"))) {
        if (v->kind == YT_SCALAR && !strcmp(v->str, "all")) {
        } else if (v->kind == YT_SCALAR && !strcmp(v->str, "instructors")) {
            j->to_instructors = 1;
        } else if (v->kind == YT_SEQ) {
            if ((j->to.ids = wz(L, v->n * sizeof *j->to.ids)))
                for (node_t *x = v->first; x; x = x->next) {
                    if (x->kind == YT_SCALAR && !strcmp(x->str, "instructors")) {
                        j->to_instructors = 1;
                        continue;
                    }
                    uint32_t t = val_ref(L, x, "to", &L->m_team, "team");
                    if (t != SW_NONE)
                        j->to.ids[j->to.n++] = t;
                }
        } else {
            uint32_t t = val_ref(L, v, "to", &L->m_team, "team");
            if (t != SW_NONE && (j->to.ids = wz(L, sizeof *j->to.ids)))
                j->to.ids[j->to.n++] = t;
        }
    }
    j->subject = opt_str(L, n, "subject", NULL);
    j->body = opt_str(L, n, "body", NULL);
    if ((v = mget(n, "indicators"))) {
        if (!list_ok(L, v, "indicators", "a list")) {
        } else if ((j->indicators = wz(L, v->n * sizeof *j->indicators))) {
            for (node_t *x = v->first; x; x = x->next) {
                if (check_keys(L, x, "indicator", k_ind, r_ind))
                    continue;
                sw_indicator_t *ind = &j->indicators[j->n_indicators++];
                ind->loc = x->loc;
                int t = opt_enum(L, x, "type", n_indicator, 11, 0);
                ind->type = n_indicator[t];
                ind->value = opt_str(L, x, "value", "");
                uint8_t ip[16];
                int v6;
                if ((t == 0 || t == 1) && mget(x, "value") && (sw_ip_parse(ind->value, ip, &v6) || v6 != (t == 1)))
                    ERR(L, kloc(x, "value"), "indicator value '%s' is not an %s address",
                        ind->value, t ? "IPv6" : "IPv4");
            }
        }
    }
    if ((v = mget(n, "effect"))) {
        node_t *k = single_key(L, v, "'effect'");
        int kind = k ? kind_of(L, k, sw_tech_kind_names + 1, SW_TECH__COUNT - 1, "technical effect") : -1;
        if (kind >= 0) {
            j->tech = (sw_tech_kind_t)(kind + 1);
            node_t *x = k->next;
            if (j->tech == SW_TECH_POWER_LOSS) {
                if (!check_keys(L, x, "'power_loss'", k_power, r_power)) {
                    j->tech_org = opt_ref(L, x, "org", &L->m_org, "organisation");
                    j->tech_host = opt_ref(L, x, "host", &L->m_host, "host");
                    if (!mget(x, "org") && !mget(x, "host"))
                        ERR(L, x->loc, "'power_loss' needs 'org' or 'host'");
                    j->tech_duration_ms = opt_dur(L, x, "duration", 0);
                }
            } else {
                j->tech_link = val_ref(L, x, k->str, &L->m_link, "link");
            }
        }
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
    if (L->scoring && !check_keys(L, L->scoring, "scoring", k_scoring, NULL)) {
        s->loc = L->scoring->loc;
        if ((v = mget(L->scoring, "weights")) && !check_keys(L, v, "weights", k_weights, NULL)) {
            double *f[] = {&s->w_availability, &s->w_detection, &s->w_containment,
                           &s->w_recovery, &s->w_reporting, &s->w_sharing};
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                if (mget(v, k_weights[i]))
                    *f[i] = opt_num(L, v, k_weights[i], 0, 0, 1, "a weight from 0 to 1");
                else
                    *f[i] = 0;
                sum += *f[i];
            }
            if (sum < 0.999 || sum > 1.001)
                ERR(L, v->loc, "scoring weights must add up to 1, they add up to %g", sum);
        }
    }
    if (L->rules && !check_keys(L, L->rules, "rules", k_rules, NULL)) {
        if (!s->loc.file)
            s->loc = L->rules->loc;
        if ((v = mget(L->rules, "allowed_actions"))) {
            if (v->kind == YT_SCALAR && !strcmp(v->str, "all")) {
            } else if (v->kind != YT_SEQ) {
                ERR(L, v->loc, "'allowed_actions' must be all or a list of actions, got %s",
                    yt_kind_name(v));
            } else {
                s->allowed_actions = 0;
                for (node_t *x = v->first; x; x = x->next) {
                    int a = val_enum(L, x, "action", sw_action_names, SW_ACT__COUNT, -1);
                    if (a >= 0)
                        s->allowed_actions |= 1u << a;
                }
            }
        }
        s->hints = opt_bool(L, L->rules, "hints", 1);
        s->hint_cost = opt_num(L, L->rules, "hint_cost", 5, 0, 1000, "points from 0 to 1000");
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
#define ALLOC_LIST(l)                                                                          \
    do {                                                                                       \
        (l).ids = wz(L, (l).n * sizeof *(l).ids);                                              \
        (l).n = 0;                                                                             \
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
        has_teams |= mget(L->roots[i], "teams") != NULL;
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
    ld_t L;
    memset(&L, 0, sizeof L);
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

    if (ld_file(&L, name, text, len) || L.n_files == 0 || L.oom)
        goto fail;
    ld_declare(&L);
    if (L.oom)
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
    ld_derive(&L);
    if (L.oom)
        goto fail;
    /* the files read, main first */
    w->files.s = wz(&L, (size_t)L.n_files * sizeof *w->files.s);
    if (L.oom)
        goto fail;
    w->files.s[w->files.n++] = L.names[L.n_files - 1]; /* the main file was read last */
    for (int i = 0; i + 1 < L.n_files; i++)
        w->files.s[w->files.n++] = L.names[i];
    /* reachability needs a fully resolved world: only when all else is clean */
    sw_scenario_check(w, d, d->n_errors == errors_before);
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
    rc = SW_EINVAL;
    ld_free(&L);
    sw_world_free(w);
    return rc;
}

int sw_scenario_load(const char *path_or_name, sw_world_t *w, sw_diags_t *d)
{
    char path[PATH_MAX_LEN];
    struct stat st;
    if (!path_or_name)
        path_or_name = "";
    /* "builtin:scenarios/x.yaml", as locations print built-in files */
    if (!strncmp(path_or_name, BUILTIN, strlen(BUILTIN))) {
        const sw_embedded_t *e = sw_embedded_find(path_or_name + strlen(BUILTIN));
        if (e)
            return sw_scenario_load_mem(path_or_name, e->data, e->len, w, d);
    }
    if (stat(path_or_name, &st) == 0) {
        ld_t tmp;
        memset(&tmp, 0, sizeof tmp);
        sw_arena_init(&tmp.tmp, 0);
        char *text = NULL, why[128];
        size_t len = 0;
        int r = read_file(&tmp, path_or_name, &text, &len, why, sizeof why);
        if (r) {
            sw_loc_t loc = {path_or_name, 1, 1};
            sw_diags_add(d, loc, SW_DIAG_ERROR, "cannot read '%s': %s", path_or_name, why);
            sw_arena_free(&tmp.tmp);
            sw_world_init(w);
            sw_world_free(w);
            return r == SW_ENOENT ? SW_ENOENT : SW_EINVAL;
        }
        r = sw_scenario_load_mem(path_or_name, text, len, w, d);
        sw_arena_free(&tmp.tmp);
        return r;
    }
    int err = errno;
    static const char *const forms[] = {"scenarios/%s.yaml", "scenarios/%s/scenario.yaml"};
    for (int i = 0; i < 2 && !strchr(path_or_name, '/'); i++) {
        snprintf(path, sizeof path, forms[i], path_or_name);
        const sw_embedded_t *e = sw_embedded_find(path);
        if (e) {
            char name[PATH_MAX_LEN + 16];
            snprintf(name, sizeof name, BUILTIN "%s", path);
            return sw_scenario_load_mem(name, e->data, e->len, w, d);
        }
    }
    sw_loc_t loc = {path_or_name, 1, 1};
    sw_diags_add(d, loc, SW_DIAG_ERROR, "cannot read '%s': %s%s", path_or_name, strerror(err),
                 strchr(path_or_name, '/') ? "" : " (and no built-in scenario has that name)");
    sw_world_init(w);
    sw_world_free(w);
    return SW_ENOENT;
}
