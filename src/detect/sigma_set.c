/* sigma_set.c — a set of Sigma rules: add (read metadata, map the
 * logsource, compile), then build the index the matcher runs on.
 *
 * Index (sw_sigma_set_build): channel -> EventID bucket -> entries, where an
 * entry is one rule under one record type (a process_creation rule sits in
 * the Sysmon/1 bucket and, with field renames, in the Security/4688 one).
 * Channel-wide rules (service: security) go to the buckets of the EventIDs
 * their condition requires, when it requires some (rule_event_ids).
 * Each bucket also has a literal scanner (sigma_ac.c) per field it must
 * scan: a rule whose condition implies groups of "one of these literals
 * occurs in field F" (its needs, see rule_cnf) is evaluated only when the
 * scans saw every group.
 *
 * Invariants:
 *  1. Field ids are stable: interning only appends.
 *  2. A rule that fails to compile leaves no trace the matcher can see
 *     (its arena leftovers are unreachable; its regexes are freed).
 *  3. After build, rules and fields are frozen (built = 1). */
#include "detect/sigma_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARENA_LIMIT ((size_t)1 << 31)

sw_sigma_set_t *sw_sigma_set_new(const sw_sigma_var_t *vars, size_t n_vars)
{
    sw_sigma_set_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    sw_arena_init(&s->arena, ARENA_LIMIT);
    if (n_vars) {
        s->vars = sw_arena_zalloc(&s->arena, n_vars * sizeof *s->vars);
        if (!s->vars)
            goto fail;
        for (size_t i = 0; i < n_vars; i++) {
            const char **vals = sw_arena_alloc(&s->arena, (vars[i].n_values + 1) * sizeof *vals);
            s->vars[i].name = sw_arena_strdup(&s->arena, vars[i].name);
            if (!vals || !s->vars[i].name)
                goto fail;
            for (size_t j = 0; j < vars[i].n_values; j++)
                if (!(vals[j] = sw_arena_strdup(&s->arena, vars[i].values[j])))
                    goto fail;
            s->vars[i].values = vals;
            s->vars[i].n_values = vars[i].n_values;
        }
        s->n_vars = n_vars;
    }
    return s;
fail:
    sw_sigma_set_free(s);
    return NULL;
}

void sw_sigma_set_free(sw_sigma_set_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_res; i++)
        pcre2_code_free(s->res[i]);
    free(s->res);
    for (size_t c = 0; c < s->n_channels; c++)
        for (size_t b = 0; b < s->channels[c].n_buckets; b++) {
            sigma_bucket_t *bk = &s->channels[c].buckets[b];
            for (size_t k = 0; k < bk->n_scans; k++)
                sigma_ac_free(bk->scans[k].ac);
            free(bk->scans);
            free(bk->entries);
            free(bk->marks);
            free(bk->base);
            free(bk->bit_entry);
        }
    for (size_t c = 0; c < s->n_channels; c++) {
        free(s->channels[c].buckets);
        free(s->channels[c].eid_slots);
    }
    free(s->channels);
    free(s->rules);
    free(s->fields);
    free(s->field_slots);
    free(s->seen);
    if (s->md)
        pcre2_match_data_free(s->md);
    if (s->mctx)
        pcre2_match_context_free(s->mctx);
    if (s->jit_stack)
        pcre2_jit_stack_free(s->jit_stack);
    free(s->dfa_ws);
    free(s->undecided);
    sw_arena_free(&s->arena);
    free(s);
}

void sw_sigma_set_prefilter(sw_sigma_set_t *s, int on)
{
    s->no_prefilter = !on;
}

size_t sw_sigma_set_count(const sw_sigma_set_t *s)
{
    return s->n_rules;
}

const sw_sigma_rule_info_t *sw_sigma_set_rule(const sw_sigma_set_t *s, size_t i)
{
    return i < s->n_rules ? &s->rules[i]->info : NULL;
}

void sw_sigma_set_on_undecided(sw_sigma_set_t *s, sw_sigma_alert_cb cb, void *ud)
{
    s->undecided_cb = cb;
    s->undecided_ud = ud;
}

uint64_t sw_sigma_set_undecided(const sw_sigma_set_t *s, size_t i)
{
    return s->undecided && i < s->n_rules ? s->undecided[i] : 0;
}

/* ---- field names ------------------------------------------------------------ */

/* Put field id in the first free slot of its probe sequence. */
static void slot_put(sigma_slot_t *t, size_t n, const sigma_fieldname_t *f, uint32_t id)
{
    size_t h = (size_t)f->hash & (n - 1);
    while (t[h].id1)
        h = (h + 1) & (n - 1);
    t[h] = (sigma_slot_t){f->hash, f->len, id + 1};
}

static int slots_grow(sw_sigma_set_t *s)
{
    size_t n = s->n_slots ? s->n_slots * 2 : 256;
    sigma_slot_t *t = calloc(n, sizeof *t);
    if (!t)
        return SW_ENOMEM;
    for (size_t i = 0; i < s->n_fields; i++)
        slot_put(t, n, &s->fields[i], (uint32_t)i);
    free(s->field_slots);
    s->field_slots = t;
    s->n_slots = n;
    return SW_OK;
}

/* The id of an interned name, or -1. O(1) expected. */
static int64_t field_find(const sw_sigma_set_t *s, const char *name, size_t len, uint64_t hash)
{
    if (!s->n_slots)
        return -1;
    for (size_t h = (size_t)hash & (s->n_slots - 1); s->field_slots[h].id1;
         h = (h + 1) & (s->n_slots - 1)) {
        const sigma_slot_t *sl = &s->field_slots[h];
        if (sl->hash == hash && sl->len == len &&
            !strncasecmp(s->fields[sl->id1 - 1].name, name, len))
            return sl->id1 - 1;
    }
    return -1;
}

/* Intern name[0..len) case-insensitively. O(1) expected. */
int64_t sigma_field_intern(sw_sigma_set_t *s, const char *name, size_t len)
{
    uint64_t hash = sw_field_hash(name, len);
    int64_t id = field_find(s, name, len, hash);
    if (id >= 0)
        return id;
    if (s->built)
        return SW_ESTATE;
    if ((s->n_fields + 1) * 2 > s->n_slots && slots_grow(s))
        return SW_ENOMEM;
    if (s->n_fields == s->cap_fields) {
        size_t cap = s->cap_fields ? s->cap_fields * 2 : 64;
        sigma_fieldname_t *f = realloc(s->fields, cap * sizeof *f);
        if (!f)
            return SW_ENOMEM;
        s->fields = f;
        s->cap_fields = cap;
    }
    char *copy = sw_arena_strndup(&s->arena, name, len);
    if (!copy)
        return SW_ENOMEM;
    s->fields[s->n_fields] = (sigma_fieldname_t){copy, (uint32_t)len, hash};
    slot_put(s->field_slots, s->n_slots, &s->fields[s->n_fields], (uint32_t)s->n_fields);
    return (int64_t)s->n_fields++;
}

/* ---- reading a rule ---------------------------------------------------------- */

static const char *scalar_or_empty(const sy_node_t *n)
{
    return n && n->kind == SY_SCALAR && !n->is_null ? n->str : "";
}

/* author may be a list in some rules: join it. */
static const char *read_author(sw_arena_t *a, const sy_node_t *n)
{
    if (!n || n->kind != SY_SEQ)
        return scalar_or_empty(n);
    size_t len = 1;
    for (size_t i = 0; i < n->n; i++)
        len += strlen(scalar_or_empty(n->vals[i])) + 2;
    char *s = sw_arena_alloc(a, len);
    if (!s)
        return "";
    s[0] = 0;
    for (size_t i = 0; i < n->n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, scalar_or_empty(n->vals[i]));
    }
    return s;
}

static int read_info(sw_sigma_set_t *s, const sy_node_t *root, const char *file, sigma_rule_t *r,
                     sw_sigma_error_t *err)
{
    sw_sigma_rule_info_t *in = &r->info;
    in->file = sw_arena_strdup(&s->arena, file ? file : "");
    if (!in->file)
        return SW_ENOMEM;
    const sy_node_t *title = sigma_map_get(root, "title");
    if (!title || title->kind != SY_SCALAR || title->is_null)
        return sigma_fail(err, title ? title : root, "not a rule", "a rule needs a title");
    in->title = title->str;
    in->id = scalar_or_empty(sigma_map_get(root, "id"));
    in->status = scalar_or_empty(sigma_map_get(root, "status"));
    in->level = scalar_or_empty(sigma_map_get(root, "level"));
    in->description = scalar_or_empty(sigma_map_get(root, "description"));
    in->author = read_author(&s->arena, sigma_map_get(root, "author"));
    const sy_node_t *tags = sigma_map_get(root, "tags");
    if (tags && tags->kind == SY_SEQ && tags->n) {
        const char **t = sw_arena_alloc(&s->arena, tags->n * sizeof *t);
        if (!t)
            return SW_ENOMEM;
        for (size_t i = 0; i < tags->n; i++)
            t[i] = scalar_or_empty(tags->vals[i]);
        in->tags = t;
        in->n_tags = tags->n;
    }
    const sy_node_t *ls = sigma_map_get(root, "logsource");
    if (!ls || ls->kind != SY_MAP)
        return sigma_fail(err, ls ? ls : root, "not a rule", "a rule needs a logsource mapping");
    in->product = scalar_or_empty(sigma_map_get(ls, "product"));
    in->category = scalar_or_empty(sigma_map_get(ls, "category"));
    in->service = scalar_or_empty(sigma_map_get(ls, "service"));
    r->ls =
        sigma_logsource_find(*in->product ? in->product : NULL, *in->category ? in->category : NULL,
                             *in->service ? in->service : NULL);
    if (!r->ls)
        return sigma_fail(err, ls, "unmapped logsource",
                          "logsource product=%s category=%s service=%s: seawall has no record "
                          "type for it",
                          *in->product ? in->product : "-", *in->category ? in->category : "-",
                          *in->service ? in->service : "-");
    return SW_OK;
}

int sw_sigma_set_add(sw_sigma_set_t *s, const char *yaml, size_t len, const char *file,
                     sw_sigma_error_t *err)
{
    sw_sigma_error_t dummy;
    if (!err)
        err = &dummy;
    memset(err, 0, sizeof *err);
    if (s->built)
        return SW_ESTATE;
    sy_node_t *root;
    int rc = sigma_yaml_load(&s->arena, yaml, len, &root, err);
    if (rc)
        return rc;
    if (root->kind != SY_MAP)
        return sigma_fail(err, root, "not a rule", "a rule is a YAML mapping");
    const sy_node_t *corr = sigma_map_get(root, "correlation");
    if (corr)
        return sigma_fail(err, corr, "correlation rule",
                          "correlation rules (event_count, value_count, temporal) are not "
                          "supported yet");
    sigma_rule_t *r = sw_arena_zalloc(&s->arena, sizeof *r);
    if (!r)
        return SW_ENOMEM;
    rc = read_info(s, root, file, r, err);
    if (rc)
        return rc;
    const sy_node_t *det = sigma_map_get(root, "detection");
    if (!det)
        return sigma_fail(err, root, "not a rule", "a rule needs a detection section");
    sigma_cctx_t cx = {
        .arena = &s->arena, .set = s, .vars = s->vars, .n_vars = s->n_vars, .err = err};
    rc = sigma_compile(&cx, det, &r->root);
    if (!rc && s->n_rules == s->cap_rules) {
        size_t cap = s->cap_rules ? s->cap_rules * 2 : 64;
        sigma_rule_t **v = realloc(s->rules, cap * sizeof *v);
        if (!v)
            rc = SW_ENOMEM;
        else {
            s->rules = v;
            s->cap_rules = cap;
        }
    }
    if (!rc && s->n_res + cx.n_res > s->cap_res) {
        size_t cap = (s->n_res + cx.n_res) * 2;
        pcre2_code **v = realloc(s->res, cap * sizeof *v);
        if (!v)
            rc = SW_ENOMEM;
        else {
            s->res = v;
            s->cap_res = cap;
        }
    }
    if (rc) {
        for (size_t i = 0; i < cx.n_res; i++)
            pcre2_code_free(cx.res[i]);
        free(cx.res);
        return rc;
    }
    if (cx.n_res)
        memcpy(s->res + s->n_res, cx.res, cx.n_res * sizeof *cx.res);
    s->n_res += cx.n_res;
    free(cx.res);
    r->index = (uint32_t)s->n_rules;
    s->rules[s->n_rules++] = r;
    return SW_OK;
}

/* ---- pre-filter needs ----------------------------------------------------------- */

#define NEED_MAX 256 /* more alternatives than this in a group: not worth it */
#define NEED_MIN_LEN 2
#define NEED_KEEP 8   /* bytes of each literal given to the automaton */
#define NEED_GROUPS 4 /* groups kept per rule (all must be seen) */

/* One group: "one of these literals occurs in its field". */
typedef struct needs {
    sigma_need_t v[NEED_MAX];
    size_t n;
} needs_t;

/* A conjunction of groups, all of which must hold for the node to match.
 * No groups: nothing can be said (the rule is always evaluated). */
typedef struct cnf {
    needs_t g[NEED_GROUPS];
    size_t n;
} cnf_t;

/* The literal a pattern guarantees in its field's value, if any. */
static int pat_literal(sw_sigma_set_t *s, const sigma_pat_t *p, sigma_need_t *out, uint32_t field)
{
    out->field = field;
    out->anchor = p->kind == PM_PREFIX                       ? NEED_AT_START
                  : p->kind == PM_SUFFIX || p->kind == PM_EQ ? NEED_AT_END
                                                             : NEED_ANYWHERE;
    switch (p->kind) {
    case PM_EQ:
    case PM_PREFIX:
    case PM_SUFFIX:
    case PM_CONTAINS:
    case PM_RE:
        if (p->lit_len < NEED_MIN_LEN)
            return 0;
        out->lit = p->lit;
        out->len = p->lit_len;
        return 1;
    case PM_GLOB: {
        size_t best = 0, best_at = 0, run = 0;
        for (size_t i = 0; i <= p->sym_len; i++) {
            if (i < p->sym_len && p->sym[i] < 256) {
                run++;
                continue;
            }
            if (run > best) {
                best = run;
                best_at = i - run;
            }
            run = 0;
        }
        if (best < NEED_MIN_LEN)
            return 0;
        uint8_t *lit = sw_arena_alloc(&s->arena, best);
        if (!lit)
            return 0; /* no pre-filter is always correct */
        for (size_t i = 0; i < best; i++)
            lit[i] = (uint8_t)p->sym[best_at + i];
        out->lit = lit;
        out->len = (uint32_t)best;
        return 1;
    }
    default:
        return 0;
    }
}

static uint32_t group_min_len(const needs_t *g)
{
    uint32_t m = UINT32_MAX;
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i].len < m)
            m = g->v[i].len;
    return m;
}

/* How selective a group is: its shortest literal (longer literals are rarer)
 * minus a little per alternative. Higher is better. */
static long group_score(const needs_t *g)
{
    uint32_t shortest = UINT32_MAX;
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i].len < shortest)
            shortest = g->v[i].len;
    return (long)(shortest > 16 ? 16 : shortest) * 64 - (long)g->n;
}

/* Add group g to c, keeping the NEED_GROUPS best. */
static void cnf_add(cnf_t *c, const needs_t *g)
{
    size_t at = c->n;
    if (c->n == NEED_GROUPS) {
        at = 0;
        for (size_t i = 1; i < c->n; i++)
            if (group_score(&c->g[i]) < group_score(&c->g[at]))
                at = i;
        if (group_score(&c->g[at]) >= group_score(g))
            return;
    } else {
        c->n++;
    }
    c->g[at].n = g->n;
    memcpy(c->g[at].v, g->v, g->n * sizeof *g->v);
}

/* What must hold for node to match, as groups of literals (see cnf_t).
 * Sound by construction: AND keeps its terms' groups, OR merges one group of
 * each term, NOT and anything without literals say nothing.
 * Cost: O(size of the tree x NEED_MAX). */
static int rule_cnf(sw_sigma_set_t *s, const sigma_node_t *n, cnf_t *out, int depth)
{
    out->n = 0;
    if (depth > 64)
        return SW_OK;
    switch (n->type) {
    case SN_FIELD: {
        needs_t *g = malloc(sizeof *g);
        if (!g)
            return SW_ENOMEM;
        g->n = 0;
        if (n->all) { /* every pattern holds: each literal is its own group */
            for (uint32_t i = 0; i < n->n_pats; i++)
                if (pat_literal(s, &n->pats[i], &g->v[0], n->field)) {
                    g->n = 1;
                    cnf_add(out, g);
                }
        } else if (n->n_pats <= NEED_MAX) {
            for (uint32_t i = 0; i < n->n_pats; i++)
                if (!pat_literal(s, &n->pats[i], &g->v[g->n++], n->field)) {
                    g->n = 0;
                    break;
                }
            if (g->n)
                cnf_add(out, g);
        }
        free(g);
        return SW_OK;
    }
    case SN_AND: {
        cnf_t *k = malloc(sizeof *k);
        if (!k)
            return SW_ENOMEM;
        int rc = SW_OK;
        for (uint32_t i = 0; i < n->n_kids && !rc; i++) {
            rc = rule_cnf(s, n->kids[i], k, depth + 1);
            for (size_t j = 0; !rc && j < k->n; j++)
                cnf_add(out, &k->g[j]);
        }
        free(k);
        return rc;
    }
    case SN_OR:
    case SN_COUNT: {
        if (n->type == SN_COUNT && n->min == 0)
            return SW_OK;
        cnf_t *k = malloc(sizeof *k);
        needs_t *u = malloc(sizeof *u);
        int rc = SW_OK;
        if (!k || !u) {
            rc = SW_ENOMEM;
            goto or_done;
        }
        u->n = 0;
        for (uint32_t i = 0; i < n->n_kids && !rc; i++) {
            rc = rule_cnf(s, n->kids[i], k, depth + 1);
            if (rc || k->n == 0)
                goto or_done; /* one term says nothing: neither does the OR */
            size_t best = 0;
            for (size_t j = 1; j < k->n; j++)
                if (group_score(&k->g[j]) > group_score(&k->g[best]))
                    best = j;
            if (u->n + k->g[best].n > NEED_MAX)
                goto or_done;
            memcpy(u->v + u->n, k->g[best].v, k->g[best].n * sizeof *u->v);
            u->n += k->g[best].n;
        }
        if (u->n)
            cnf_add(out, u);
    or_done:
        free(k);
        free(u);
        return rc;
    }
    default:
        return SW_OK; /* NOT, keyword, constants: no pre-filter */
    }
}

/* ---- EventIDs a rule requires ------------------------------------------------------ */

#define SIGMA_EID_MAX 16

static size_t eid_union(uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        size_t k = 0;
        while (k < na && a[k] != b[i])
            k++;
        if (k == na) {
            if (na == SIGMA_EID_MAX)
                return 0;
            a[na++] = b[i];
        }
    }
    return na;
}

/* The EventIDs node can only match on (0: any). A field EventID with only
 * whole-value numeric patterns gives its values; AND takes the smallest
 * defined set among its terms, OR the union of its terms' sets (any if one
 * is any). Used to put a channel-wide rule (service: security) in the
 * buckets of those EventIDs instead of running it on every event of the
 * channel. Sound: an event with another EventID cannot satisfy node. */
static size_t rule_event_ids(const sw_sigma_set_t *s, const sigma_node_t *n, uint32_t *out,
                             int depth)
{
    if (depth > 64)
        return 0;
    switch (n->type) {
    case SN_FIELD: {
        if (n->field != s->f_event_id || n->all || !n->n_pats || n->n_pats > SIGMA_EID_MAX)
            return 0;
        size_t k = 0;
        for (uint32_t i = 0; i < n->n_pats; i++) {
            const sigma_pat_t *p = &n->pats[i];
            if (p->kind != PM_EQ || !p->lit_len || p->lit_len > 9)
                return 0;
            uint32_t v = 0;
            for (uint32_t j = 0; j < p->lit_len; j++) {
                if (p->lit[j] < '0' || p->lit[j] > '9' || (j == 0 && p->lit[j] == '0'))
                    return 0; /* only the spelling the matcher parses */
                v = v * 10 + (uint32_t)(p->lit[j] - '0');
            }
            uint32_t one = v;
            k = eid_union(out, k, &one, 1);
        }
        return k;
    }
    case SN_AND: {
        size_t best = 0;
        uint32_t tmp[SIGMA_EID_MAX];
        for (uint32_t i = 0; i < n->n_kids; i++) {
            size_t k = rule_event_ids(s, n->kids[i], tmp, depth + 1);
            if (k && (!best || k < best)) {
                memcpy(out, tmp, k * sizeof *tmp);
                best = k;
            }
        }
        return best;
    }
    case SN_OR:
    case SN_COUNT: {
        if (n->type == SN_COUNT && n->min == 0)
            return 0;
        size_t k = 0;
        uint32_t tmp[SIGMA_EID_MAX];
        for (uint32_t i = 0; i < n->n_kids; i++) {
            size_t kk = rule_event_ids(s, n->kids[i], tmp, depth + 1);
            if (!kk || !(k = eid_union(out, k, tmp, kk)))
                return 0;
        }
        return k;
    }
    default:
        return 0;
    }
}

/* ---- build --------------------------------------------------------------------- */

static sigma_channel_t *channel_get(sw_sigma_set_t *s, uint32_t key_field, const char *name,
                                    size_t *cap)
{
    for (size_t i = 0; i < s->n_channels; i++) {
        const char *n = s->channels[i].name;
        if (s->channels[i].key_field == key_field &&
            ((!n && !name) || (n && name && !strcasecmp(n, name))))
            return &s->channels[i];
    }
    if (s->n_channels == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        sigma_channel_t *c = realloc(s->channels, nc * sizeof *c);
        if (!c)
            return NULL;
        s->channels = c;
        *cap = nc;
    }
    sigma_channel_t *c = &s->channels[s->n_channels++];
    memset(c, 0, sizeof *c);
    c->key_field = key_field;
    c->name = name;
    c->name_len = name ? strlen(name) : 0;
    return c;
}

static sigma_bucket_t *bucket_get(sigma_channel_t *c, uint32_t eid)
{
    for (size_t i = 0; i < c->n_buckets; i++)
        if (c->buckets[i].event_id == eid)
            return &c->buckets[i];
    sigma_bucket_t *b = realloc(c->buckets, (c->n_buckets + 1) * sizeof *b);
    if (!b)
        return NULL;
    c->buckets = b;
    b = &c->buckets[c->n_buckets++];
    memset(b, 0, sizeof *b);
    b->event_id = eid;
    return b;
}

static int bucket_add(sigma_bucket_t *b, const sigma_entry_t *e)
{
    if ((b->n_entries & (b->n_entries - 1)) == 0) { /* grow at powers of two */
        size_t cap = b->n_entries ? b->n_entries * 2 : 8;
        sigma_entry_t *v = realloc(b->entries, cap * sizeof *v);
        if (!v)
            return SW_ENOMEM;
        b->entries = v;
    }
    b->entries[b->n_entries++] = *e;
    return SW_OK;
}

/* The scan of field in bucket b (created on first use); widens the part of
 * the value it covers so that a literal anchored as need says is inside. */
static sigma_ac_t *bucket_scan(sigma_bucket_t *b, uint32_t field, const sigma_need_t *need)
{
    sigma_scan_t *sc = NULL;
    for (size_t i = 0; i < b->n_scans && !sc; i++)
        if (b->scans[i].field == field)
            sc = &b->scans[i];
    if (!sc) {
        sigma_scan_t *v = realloc(b->scans, (b->n_scans + 1) * sizeof *v);
        if (!v)
            return NULL;
        b->scans = v;
        sigma_ac_t *ac = sigma_ac_new();
        if (!ac)
            return NULL;
        sc = &b->scans[b->n_scans++];
        *sc = (sigma_scan_t){.field = field, .ac = ac};
    }
    if (need->anchor == NEED_ANYWHERE)
        sc->anywhere = 1;
    else if (need->anchor == NEED_AT_START && need->len > sc->head)
        sc->head = need->len;
    else if (need->anchor == NEED_AT_END && need->len > sc->tail)
        sc->tail = need->len;
    return sc->ac;
}

/* Build c's EventID -> bucket table (at most half full). */
static int channel_index(sigma_channel_t *c)
{
    uint32_t n = 4;
    while (n < c->n_buckets * 2)
        n *= 2;
    c->eid_slots = calloc(n, sizeof *c->eid_slots);
    if (!c->eid_slots)
        return SW_ENOMEM;
    c->eid_mask = n - 1;
    c->any_bucket = UINT32_MAX;
    for (size_t b = 0; b < c->n_buckets; b++) {
        uint32_t eid = c->buckets[b].event_id;
        if (eid == UINT32_MAX) {
            c->any_bucket = (uint32_t)b;
            continue;
        }
        uint32_t h = sigma_eid_slot(eid, c->eid_mask);
        while (c->eid_slots[h])
            h = (h + 1) & c->eid_mask;
        c->eid_slots[h] = (uint32_t)b + 1;
    }
    return SW_OK;
}

/* Remap tables for record types with renames: interned before the field
 * count is final, built after. The logsource table has fewer distinct
 * rename lists than this (test_sigma_logsource checks). */
#define SIGMA_MAX_REMAPS 32
typedef struct remap {
    const char *const (*renames)[2];
    uint32_t *map;
} remap_t;

/* Intern an optional name; its id in *id (def when name is NULL). */
static int intern_opt(sw_sigma_set_t *s, const char *name, uint32_t def, uint32_t *id)
{
    if (!name) {
        *id = def;
        return SW_OK;
    }
    int64_t f = sigma_field_intern(s, name, strlen(name));
    if (f < 0)
        return SW_ENOMEM;
    *id = (uint32_t)f;
    return SW_OK;
}

int sw_sigma_set_build(sw_sigma_set_t *s)
{
    if (s->built)
        return SW_OK;
    int rc = SW_ENOMEM;
    remap_t remaps[SIGMA_MAX_REMAPS];
    size_t n_remaps = 0, cap_ch = 0;
    int64_t fc = sigma_field_intern(s, "Channel", 7), fe = sigma_field_intern(s, "EventID", 7);
    if (fc < 0 || fe < 0)
        return SW_ENOMEM;
    s->f_channel = (uint32_t)fc;
    s->f_event_id = (uint32_t)fe;
    /* 1. intern every renamed and extra field name */
    for (size_t i = 0; i < s->n_rules; i++) {
        const sigma_logsource_t *ls = s->rules[i]->ls;
        for (size_t v = 0; v < ls->n_variants; v++) {
            const sigma_variant_t *va = &ls->variants[v];
            uint32_t unused;
            if (intern_opt(s, va->extra_field, 0, &unused) ||
                intern_opt(s, va->key_field, 0, &unused) ||
                intern_opt(s, va->keyword_field, 0, &unused))
                return SW_ENOMEM;
            if (!va->renames)
                continue;
            size_t k;
            for (k = 0; k < n_remaps; k++)
                if (remaps[k].renames == va->renames)
                    break;
            if (k < n_remaps)
                continue;
            if (n_remaps == SIGMA_MAX_REMAPS)
                return SW_ENOMEM; /* never with the static table; never silently unrenamed */
            remaps[n_remaps++] = (remap_t){va->renames, NULL};
            for (size_t j = 0; va->renames[j][0]; j++)
                if (sigma_field_intern(s, va->renames[j][0], strlen(va->renames[j][0])) < 0 ||
                    sigma_field_intern(s, va->renames[j][1], strlen(va->renames[j][1])) < 0)
                    return SW_ENOMEM;
        }
    }
    for (size_t k = 0; k < n_remaps; k++) {
        uint32_t *m = sw_arena_alloc(&s->arena, s->n_fields * sizeof *m);
        if (!m)
            return SW_ENOMEM;
        for (size_t f = 0; f < s->n_fields; f++)
            m[f] = (uint32_t)f;
        for (size_t j = 0; remaps[k].renames[j][0]; j++) {
            int64_t from =
                sigma_field_intern(s, remaps[k].renames[j][0], strlen(remaps[k].renames[j][0]));
            int64_t to =
                sigma_field_intern(s, remaps[k].renames[j][1], strlen(remaps[k].renames[j][1]));
            m[from] = (uint32_t)to;
        }
        remaps[k].map = m;
    }
    s->built = 1; /* fields are final from here */
    /* 2. needs per rule */
    cnf_t *nd = malloc(sizeof *nd);
    if (!nd)
        return SW_ENOMEM;
    for (size_t i = 0; i < s->n_rules; i++) {
        sigma_rule_t *r = s->rules[i];
        if ((rc = rule_cnf(s, r->root, nd, 0)))
            goto fail;
        /* Groups with a 2-3 byte literal need the slower automaton and pass
         * often ('/c', ' -y'): keep them only when the rule has no other. */
        size_t n_long_groups = 0;
        for (size_t g = 0; g < nd->n; g++)
            n_long_groups += group_min_len(&nd->g[g]) >= 4;
        if (n_long_groups && n_long_groups < nd->n) {
            size_t k = 0;
            for (size_t g = 0; g < nd->n; g++)
                if (group_min_len(&nd->g[g]) >= 4) {
                    if (k != g) {
                        nd->g[k].n = nd->g[g].n;
                        memcpy(nd->g[k].v, nd->g[g].v, nd->g[g].n * sizeof *nd->g[g].v);
                    }
                    k++;
                }
            nd->n = k;
        }
        size_t total = 0;
        for (size_t g = 0; g < nd->n; g++)
            total += nd->g[g].n;
        r->n_groups = (uint32_t)nd->n;
        if (!total)
            continue;
        r->needs = sw_arena_alloc(&s->arena, total * sizeof *r->needs);
        if (!r->needs) {
            rc = SW_ENOMEM;
            goto fail;
        }
        for (size_t g = 0; g < nd->n; g++)
            for (size_t j = 0; j < nd->g[g].n; j++) {
                r->needs[r->n_needs] = nd->g[g].v[j];
                r->needs[r->n_needs++].group = (uint32_t)g;
            }
    }
    /* 3. buckets and automata */
    rc = SW_ENOMEM;
    for (size_t i = 0; i < s->n_rules; i++) {
        const sigma_rule_t *r = s->rules[i];
        for (size_t v = 0; v < r->ls->n_variants; v++) {
            const sigma_variant_t *va = &r->ls->variants[v];
            uint32_t key, kw;
            if (intern_opt(s, va->key_field, s->f_channel, &key) ||
                intern_opt(s, va->keyword_field, SIGMA_KW_ANY, &kw))
                goto fail;
            sigma_channel_t *c = channel_get(s, key, va->channel, &cap_ch);
            if (!c)
                goto fail;
            sigma_entry_t e = {.rule = r, .variant = va, .n_groups = r->n_groups, .kw_field = kw};
            for (size_t k = 0; k < n_remaps; k++)
                if (remaps[k].renames == va->renames)
                    e.remap = remaps[k].map;
            if (va->extra_field)
                e.extra_field =
                    (uint32_t)sigma_field_intern(s, va->extra_field, strlen(va->extra_field));
            uint32_t eids[SIGMA_EID_MAX];
            size_t n_eids = 0;
            while (n_eids < 8 && va->event_ids[n_eids]) {
                eids[n_eids] = va->event_ids[n_eids];
                n_eids++;
            }
            if (!n_eids && !va->key_field) /* channel-wide: the rule may name its EventIDs */
                n_eids = rule_event_ids(s, r->root, eids, 0);
            for (size_t k = 0; k < (n_eids ? n_eids : 1); k++) {
                sigma_bucket_t *b = bucket_get(c, n_eids ? eids[k] : UINT32_MAX);
                if (!b)
                    goto fail;
                e.tag0 = (uint32_t)b->n_bits;
                b->n_bits += r->n_groups ? r->n_groups : 1; /* one bit even without groups */
                if (bucket_add(b, &e))
                    goto fail;
                for (uint32_t j = 0; j < r->n_needs; j++) {
                    uint32_t f = e.remap ? e.remap[r->needs[j].field] : r->needs[j].field;
                    sigma_ac_t *ac = bucket_scan(b, f, &r->needs[j]);
                    uint32_t len = r->needs[j].len;
                    const uint8_t *lit = r->needs[j].lit;
                    if (len > NEED_KEEP) { /* any part of a needed literal is needed */
                        lit += len - NEED_KEEP;
                        len = NEED_KEEP;
                    }
                    if (!ac || sigma_ac_add(ac, lit, len, e.tag0 + r->needs[j].group))
                        goto fail;
                }
            }
        }
    }
    for (size_t c = 0; c < s->n_channels; c++)
        for (size_t b = 0; b < s->channels[c].n_buckets; b++) {
            sigma_bucket_t *bk = &s->channels[c].buckets[b];
            for (size_t k = 0; k < bk->n_scans; k++)
                if (sigma_ac_build(bk->scans[k].ac))
                    goto fail;
            bk->marks = calloc(bk->n_bits / 64 + 1, sizeof *bk->marks);
            bk->base = calloc(bk->n_bits / 64 + 1, sizeof *bk->base);
            bk->bit_entry = calloc(bk->n_bits + 1, sizeof *bk->bit_entry);
            if (!bk->marks || !bk->base || !bk->bit_entry)
                goto fail;
            for (size_t e = 0; e < bk->n_entries; e++) {
                const sigma_entry_t *en = &bk->entries[e];
                for (uint32_t g = 0; g < (en->n_groups ? en->n_groups : 1); g++)
                    bk->bit_entry[en->tag0 + g] = (uint32_t)e | (g ? 0 : SIGMA_FIRST_BIT);
                if (!en->n_groups)
                    bk->base[en->tag0 >> 6] |= (uint64_t)1 << (en->tag0 & 63);
            }
        }
    for (size_t c = 0; c < s->n_channels; c++)
        if (channel_index(&s->channels[c]))
            goto fail;
    s->seen = calloc(s->n_fields, sizeof *s->seen);
    s->md = pcre2_match_data_create(1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->dfa_ws = malloc(SW_SIGMA_RE_DFA_WORKSPACE * sizeof *s->dfa_ws);
    s->undecided = calloc(s->n_rules + 1, sizeof *s->undecided);
    if (!s->seen || !s->md || !s->mctx || !s->dfa_ws || !s->undecided)
        goto fail;
    pcre2_set_match_limit(s->mctx, SW_SIGMA_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, SW_SIGMA_RE_MATCH_LIMIT / 10);
    /* JIT's own stack is 32 KiB, which a repeated group such as SigmaHQ's
     * (.){200,} exhausts on a value of a few hundred bytes; without JIT
     * (jit_stack NULL) the interpreter's heap and depth limits apply */
    s->jit_stack = pcre2_jit_stack_create(32 << 10, SW_SIGMA_RE_JIT_STACK, NULL);
    if (s->jit_stack)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    rc = SW_OK;
fail:
    free(nd);
    return rc;
}
