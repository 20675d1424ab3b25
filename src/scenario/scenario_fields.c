/* scenario_fields.c — typed access to the YAML tree: one function per kind
 * of value (string, bool, number, duration, exercise time, enumeration,
 * reference, list), each reporting a wrong type or range at the value's
 * FILE:LINE:COL and returning a default so loading goes on; the key checks
 * (unknown keys with a suggestion, duplicates, missing required keys); ids.
 * See scenario_int.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/scenario_int.h"

void *scn_wz(ld_t *L, size_t n)
{
    void *p = sw_arena_zalloc(&L->w->arena, n ? n : 1);
    if (!p)
        L->oom = 1;
    return p;
}

const char *scn_wstr(ld_t *L, const char *s)
{
    char *p = sw_arena_strdup(&L->w->arena, s);
    if (!p)
        L->oom = 1;
    return p;
}

/* ---- tree access ---------------------------------------------------------- */

node_t *scn_mget(node_t *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    for (node_t *k = map->first; k && k->next; k = k->next->next)
        if (k->kind == YT_SCALAR && !strcmp(k->str, key))
            return k->next;
    return NULL;
}

/* Where key's value is, or the map itself when the key is absent. */
sw_loc_t scn_kloc(node_t *map, const char *key)
{
    node_t *v = scn_mget(map, key);
    return v ? v->loc : map->loc;
}

const char *scn_list_names(const char *const *names, int n, char *buf, size_t len)
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
int scn_check_keys(ld_t *L, node_t *node, const char *what, const char *const *allowed,
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
        if (!scn_mget(node, required[i]))
            ERR(L, node->loc, "%s is missing required key '%s'", what, required[i]);
    return 0;
}

/* The scalar text of v, or NULL after reporting that key must be `expect`. */
const char *scn_scalar(ld_t *L, node_t *v, const char *key, const char *expect)
{
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        ERR(L, v->loc, "'%s' must be %s, got %s", key, expect, yt_kind_name(v));
        return NULL;
    }
    return v->str;
}

const char *scn_opt_str(ld_t *L, node_t *m, const char *key, const char *def)
{
    node_t *v = scn_mget(m, key);
    if (!v)
        return def;
    const char *s = scn_scalar(L, v, key, "a string");
    return s ? scn_wstr(L, s) : def;
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

int scn_val_bool(ld_t *L, node_t *v, const char *key, int def)
{
    int b;
    const char *s = scn_scalar(L, v, key, "true or false");
    if (!s)
        return def;
    if (parse_bool(s, &b)) {
        ERR(L, v->loc, "'%s' must be true or false, got '%s'", key, s);
        return def;
    }
    return b;
}

int scn_opt_bool(ld_t *L, node_t *m, const char *key, int def)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_bool(L, v, key, def) : def;
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
double scn_val_num(ld_t *L, node_t *v, const char *key, double def, double lo, double hi,
                   const char *expect)
{
    const char *s = scn_scalar(L, v, key, expect);
    double x;
    if (!s)
        return def;
    if (parse_double(s, &x) || x < lo || x > hi) {
        ERR(L, v->loc, "'%s' must be %s, got '%s'", key, expect, s);
        return def;
    }
    return x;
}

double scn_opt_num(ld_t *L, node_t *m, const char *key, double def, double lo, double hi,
                   const char *expect)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_num(L, v, key, def, lo, hi, expect) : def;
}

double scn_opt_prob(ld_t *L, node_t *m, const char *key, double def)
{
    return scn_opt_num(L, m, key, def, 0, 1, "a probability from 0 to 1");
}

long scn_val_int(ld_t *L, node_t *v, const char *key, long def, long lo, long hi)
{
    char expect[96];
    snprintf(expect, sizeof expect, "a whole number from %ld to %ld", lo, hi);
    const char *s = scn_scalar(L, v, key, expect);
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

long scn_opt_int(ld_t *L, node_t *m, const char *key, long def, long lo, long hi)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_int(L, v, key, def, lo, hi) : def;
}

int64_t scn_val_dur(ld_t *L, node_t *v, const char *key, int64_t def)
{
    const char *s = scn_scalar(L, v, key, "a duration like 4h, 90m or 1h30m");
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

int64_t scn_opt_dur(ld_t *L, node_t *m, const char *key, int64_t def)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_dur(L, v, key, def) : def;
}

/* ms as the shortest duration text: "4h", "1h30m", "45s", "0". */
const char *scn_dur_text(int64_t ms, char *buf, size_t len)
{
    static const struct {
        int64_t ms;
        const char *u;
    } units[] = {
        {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"},
    };
    size_t used = 0;
    buf[0] = '\0';
    if (ms <= 0)
        return snprintf(buf, len, "0"), buf;
    for (size_t i = 0; i < 5 && ms > 0; i++) {
        if (ms < units[i].ms)
            continue;
        int r =
            snprintf(buf + used, len - used, "%lld%s", (long long)(ms / units[i].ms), units[i].u);
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
int64_t scn_val_time(ld_t *L, node_t *v, const char *key, int64_t def)
{
    const char *s = scn_scalar(L, v, key, "an exercise time like 1h30m or 10:00");
    if (!s)
        return def;
    int64_t ms;
    int minute;
    const sw_exercise_spec_t *ex = &L->w->exercise;
    if (strchr(s, ':')) {
        if (sw_parse_time_of_day(s, &minute)) {
            ERR(L, v->loc, "'%s' must be a time of day HH:MM, got '%s'", key, s);
            return def;
        }
        if (minute >= ex->start_minute) {
            ms = (int64_t)(minute - ex->start_minute) * 60000;
        } else {
            /* earlier than the start: the next day, if the exercise runs past midnight */
            ms = (int64_t)(minute + 1440 - ex->start_minute) * 60000;
            if (ex->duration_ms <= 0 || ms > ex->duration_ms) {
                ERR(L, v->loc, "'%s' %s is before the exercise starts (%02d:%02d)", key, s,
                    ex->start_minute / 60, ex->start_minute % 60);
                return def;
            }
        }
    } else if (sw_parse_duration(s, &ms)) {
        ERR(L, v->loc, "'%s' must be an exercise time like 1h30m or 10:00, got '%s'", key, s);
        return def;
    }
    if (ex->duration_ms > 0 && ms > ex->duration_ms) {
        char db[48];
        ERR(L, v->loc, "'%s' %s is after the end of the exercise (it lasts %s)", key, s,
            scn_dur_text(ex->duration_ms, db, sizeof db));
        return def;
    }
    return ms;
}

int64_t scn_opt_time(ld_t *L, node_t *m, const char *key, int64_t def)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_time(L, v, key, def) : def;
}

/* Value vocabularies local to the loader (the model's are in world.c/vocab.c). */
const char *const scn_lobj_cat_names[] = {"detection", "containment", "recovery", "reporting",
                                          "cooperation"};
const char *const scn_sensor_names[] = {"sysmon",         "edr",  "av",      "security-log",
                                        "log-forwarding", "pcap", "netflow", "syslog"};
const char *const scn_indicator_names[] = {"ipv4-addr",           "ipv6-addr",
                                           "domain-name",         "url",
                                           "email-addr",          "file:name",
                                           "file:hashes.MD5",     "file:hashes.SHA-1",
                                           "file:hashes.SHA-256", "process:command_line",
                                           "user-account"};
const char *const scn_fw_action_names[] = {"deny", "allow"};

/* What the values of a names table are called, for messages. */
static const char *enum_noun(const char *const *names)
{
    static const struct {
        const char *const *names;
        const char *noun;
    } nouns[] = {
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
        {scn_lobj_cat_names, "category"},
        {scn_sensor_names, "sensor"},
        {scn_indicator_names, "indicator type"},
        {scn_fw_action_names, "firewall action"},
    };
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (nouns[i].names == names)
            return nouns[i].noun;
    return "value";
}

/* One of names[0..n); "unknown role 'x'" (or "unknown zone 'x' for 'from'"
 * when the key is not the noun), with a suggestion or the list of values. */
int scn_val_enum(ld_t *L, node_t *v, const char *key, const char *const *names, int n, int def)
{
    char buf[512], noun[96];
    const char *s = scn_scalar(L, v, key, "a name");
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
        ERR(L, v->loc, "%s (expected one of: %s)", noun, scn_list_names(names, n, buf, sizeof buf));
    return def;
}

int scn_opt_enum(ld_t *L, node_t *m, const char *key, const char *const *names, int n, int def)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_enum(L, v, key, names, n, def) : def;
}

/* A list of strings (a single scalar is a list of one). */
sw_strlist_t scn_opt_strlist(ld_t *L, node_t *m, const char *key)
{
    sw_strlist_t out = {NULL, 0};
    node_t *v = scn_mget(m, key);
    if (!v)
        return out;
    if (v->kind == YT_SCALAR) {
        const char *s = scn_scalar(L, v, key, "a list of strings");
        if (!s)
            return out;
        out.s = scn_wz(L, sizeof *out.s);
        if (out.s)
            out.s[out.n++] = scn_wstr(L, s);
        return out;
    }
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of strings, got %s", key, yt_kind_name(v));
        return out;
    }
    out.s = scn_wz(L, v->n * sizeof *out.s);
    if (!out.s)
        return out;
    for (node_t *it = v->first; it; it = it->next) {
        const char *s = scn_scalar(L, it, key, "a list of strings");
        if (s)
            out.s[out.n++] = scn_wstr(L, s);
    }
    return out;
}

/* Resolve a reference (scalar id) through map m; what names the kind. */
uint32_t scn_val_ref(ld_t *L, node_t *v, const char *key, const scn_idmap_t *m, const char *what)
{
    const char *s = scn_scalar(L, v, key, "an id");
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

uint32_t scn_opt_ref(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map, const char *what)
{
    node_t *v = scn_mget(m, key);
    return v ? scn_val_ref(L, v, key, map, what) : SW_NONE;
}

/* A list of references (or one). Unresolved entries are dropped. */
sw_idlist_t scn_opt_reflist(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map,
                            const char *what)
{
    sw_idlist_t out = {NULL, 0};
    node_t *v = scn_mget(m, key);
    if (!v)
        return out;
    if (v->kind == YT_SCALAR) {
        uint32_t i = scn_val_ref(L, v, key, map, what);
        if (i != SW_NONE && (out.ids = scn_wz(L, sizeof *out.ids)))
            out.ids[out.n++] = i;
        return out;
    }
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of %s ids, got %s", key, what, yt_kind_name(v));
        return out;
    }
    if (!(out.ids = scn_wz(L, v->n * sizeof *out.ids)))
        return out;
    uint8_t *listed = calloc(SW_SCN_MAX_OBJECTS / 8 + 1, 1); /* ids are < the object limit */
    if (!listed) {
        L->oom = 1;
        return out;
    }
    for (node_t *it = v->first; it; it = it->next) {
        uint32_t i = scn_val_ref(L, it, key, map, what);
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

/* Is v a list of at most LIST_MAX items? Reports otherwise. */
int scn_list_ok(ld_t *L, node_t *v, const char *key, const char *expect)
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

int scn_cve_ok(const char *s)
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

int scn_id_ok(const char *s)
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
const char *scn_entry_id(ld_t *L, node_t *entry, const char *key, const char *what)
{
    node_t *v = scn_mget(entry, key);
    if (!v)
        return NULL; /* check_keys reports the missing key */
    const char *s = scn_scalar(L, v, key, "an id");
    if (!s)
        return NULL;
    if (!scn_id_ok(s)) {
        ERR(L, v->loc, "invalid %s id '%s': use 1 to 64 letters, digits, '-', '_' or '.'", what, s);
        return NULL;
    }
    return s;
}

/* Put id into map m at index i; report a duplicate at loc. */
void scn_declare_id(ld_t *L, scn_idmap_t *m, const char *id, uint32_t i, sw_loc_t loc,
                    const sw_loc_t *locs_base, size_t stride, const char *what)
{
    uint32_t old;
    int r = scn_idmap_put(m, id, i, &old);
    if (r == SW_EEXIST) {
        const sw_loc_t *o = (const sw_loc_t *)((const char *)locs_base + stride * old);
        ERR(L, loc, "duplicate %s id '%s' (first defined at %s:%d:%d)", what, id, o->file, o->line,
            o->col);
    } else if (r) {
        L->oom = 1;
    }
}
