/* sigma_match.c — evaluating compiled Sigma rules over one event.
 *
 * Per event (sw_sigma_set_match), in order:
 *   1. index_event: resolve the event's fields against the rule field names
 *      once (a per-event cache indexed by field id, so a field named by a
 *      hundred rules is looked up once);
 *   2. find the event's EventID(s) and, per record-type key (Channel for
 *      Windows events, event.dataset and the like for others), the buckets
 *      that fit (key value+EventID, key value+any, any value) - run_bucket:
 *      a. reset the bucket's mark bits (entries without a pre-filter start
 *         marked); scan each field the bucket's scanners cover
 *         (sigma_ac_scan), only its ends when every literal there is
 *         anchored — this marks the groups whose literal may occur;
 *      b. walk the set bits: an entry whose groups are all marked gets its
 *         record type's extra condition, then its rule tree (sigma_eval).
 * Comparisons fold case through a table as they go: nothing is allocated
 * per event. Not re-entrant: the set holds the per-event scratch.
 *
 * Results are three-valued (SV_TRUE, SV_FALSE, SV_UNKNOWN): only a regular
 * expression that neither matcher decides within its budget (re_match) is
 * unknown; and/or/not/counts combine unknowns as Kleene logic does, and an
 * entry whose rule comes out unknown is counted as undecided and reported,
 * never taken for a miss. Evaluation still stops at the first false of an
 * and and the first true of an or, so decided rules cost what they did. */
#include "detect/sigma_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

const uint8_t sigma_fold[256] = {
#define R(i) (uint8_t)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i))
#define R4(i) R(i), R(i + 1), R(i + 2), R(i + 3)
#define R16(i) R4(i), R4(i + 4), R4(i + 8), R4(i + 12)
#define R64(i) R16(i), R16(i + 16), R16(i + 32), R16(i + 48)
    R64(0), R64(64), R64(128), R64(192)
#undef R64
#undef R16
#undef R4
#undef R
};

/* Case-insensitive equality of two names of length n (ASCII folding, the
 * same as sw_field_hash). The usual case is two spellings that are the same
 * bytes: names of 4 to 16 bytes are compared with two overlapping loads
 * each way, longer ones 8 bytes at a time; only a difference falls back to
 * folding byte by byte. Reads nothing outside a[0..n) and b[0..n). */
static inline int name_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b1, b + n - 8, 8);
        if (a0 == b0 && a1 == b1)
            return 1;
    } else if (n >= 4 && n < 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        if (a0 == b0 && a1 == b1)
            return 1;
    } else if (n > 16) {
        size_t i = 0; /* 8 bytes at a time, the last 8 overlapping */
        for (;; i += 8) {
            if (i > n - 8)
                i = n - 8;
            uint64_t x, y;
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                break;
            if (i == n - 8)
                return 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (sigma_fold[(uint8_t)a[i]] != sigma_fold[(uint8_t)b[i]])
            return 0;
    return 1;
}

/* Resolve the event's fields against the names the rules use, once: each
 * event field is looked up in the set's interned names (open addressing
 * over the same precomputed hash, the hash and length in the slot), and a
 * hit fills that name's per-event record (first field, and whether the
 * name repeats). Fields no rule names cost one probe, usually of one
 * empty slot. After this sigma_field is an array read.
 * O(fields) per event. */
static void index_event(sw_sigma_set_t *s, const sw_event_t *ev)
{
    const size_t mask = s->n_slots - 1;
    const sigma_slot_t *slots = s->field_slots;
    const uint32_t gen = s->gen;
    /* The event is usually cold: ask for all of its field array at once so
     * the misses overlap instead of coming one line per two fields. */
    const char *fa = (const char *)ev->fields, *fend = (const char *)(ev->fields + ev->n_fields);
    for (const char *p = fa; p < fend; p += 64)
        __builtin_prefetch(p);
    for (size_t i = 0; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        const uint64_t hash = f->name_hash;
        for (size_t h = (size_t)hash & mask; slots[h].id1; h = (h + 1) & mask) {
            if (slots[h].hash != hash || slots[h].len != f->name_len)
                continue;
            uint32_t id = slots[h].id1 - 1;
            if (!name_eq(s->fields[id].name, f->name, f->name_len))
                continue;
            sigma_seen_t *sn = &s->seen[id];
            if (sn->gen == gen) {
                sn->multi = 1;
            } else {
                sn->gen = gen;
                sn->first = f;
                sn->multi = 0;
                __builtin_prefetch(f->value); /* read by a scan or a rule soon */
            }
            break;
        }
    }
}

const sw_field_t *sigma_field(sw_sigma_set_t *s, const sw_event_t *ev, uint32_t id, int *multi)
{
    (void)ev; /* resolved by index_event */
    const sigma_seen_t *sn = &s->seen[id];
    if (sn->gen != s->gen) {
        if (multi)
            *multi = 0;
        return NULL;
    }
    if (multi)
        *multi = (int)sn->multi;
    return sn->first;
}

/* ---- value comparisons ------------------------------------------------------ */

static int eq_fold(const uint8_t *a, const uint8_t *lit, size_t n, int cased)
{
    if (cased)
        return memcmp(a, lit, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (sigma_fold[a[i]] != lit[i])
            return 0;
    return 1;
}

/* Does lit (folded unless cased) occur in h? O(hn x n) worst case, about
 * O(hn) in practice. Cased: memchr on the first byte. Folded: 16 starts at
 * a time (SSE2) are tested on the needle's first and last bytes, then the
 * whole needle is checked where both agree; a rule with a list of
 * `contains` runs this once per item over a short value, so no call and no
 * setup per start matter more than the asymptotics. */
static int find_fold(const uint8_t *h, size_t hn, const uint8_t *lit, size_t n, int cased)
{
    if (n == 0)
        return 1;
    if (hn < n)
        return 0;
    if (cased) {
        for (const uint8_t *at = h; (at = memchr(at, lit[0], hn - n + 1 - (size_t)(at - h))); at++)
            if (!memcmp(at, lit, n))
                return 1;
        return 0;
    }
    const uint8_t first = lit[0], last = lit[n - 1];
    const size_t end = hn - n; /* the last start */
#if defined(__SSE2__)
    /* A folded needle byte l is lower case when it is a letter: then
     * (b | 0x20) == l exactly when sigma_fold[b] == l, else b == l. Blocks
     * of 16 starts, the last one moved back to end there (it re-tests a few
     * starts); the loads stay inside h since a block starts at most at
     * end - 15, so the last byte read is h[end + n - 1]. */
    if (end >= 15) {
        const __m128i vf = _mm_set1_epi8((char)first), vl = _mm_set1_epi8((char)last);
        const __m128i cf = _mm_set1_epi8(first >= 'a' && first <= 'z' ? 0x20 : 0);
        const __m128i cl = _mm_set1_epi8(last >= 'a' && last <= 'z' ? 0x20 : 0);
        for (size_t i = 0;; i += 16) {
            if (i > end - 15)
                i = end - 15;
            __m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(h + i)), cf);
            __m128i b =
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(h + i + n - 1)), cl);
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(a, vf), _mm_cmpeq_epi8(b, vl)));
            for (; m; m &= m - 1)
                if (eq_fold(h + i + (unsigned)__builtin_ctz(m), lit, n, 0))
                    return 1;
            if (i == end - 15)
                return 0;
        }
    }
#endif
    for (size_t i = 0; i <= end; i++)
        if (sigma_fold[h[i]] == first && sigma_fold[h[i + n - 1]] == last &&
            eq_fold(h + i + 1, lit + 1, n - 1, 0))
            return 1;
    return 0;
}

static int glob_match(const uint16_t *p, size_t pn, const uint8_t *s, size_t sn, int cased)
{
    size_t i = 0, j = 0, star = SIZE_MAX, mark = 0;
    while (j < sn) {
        uint16_t c = cased ? s[j] : sigma_fold[s[j]];
        if (i < pn && p[i] == SYM_STAR) {
            star = i++;
            mark = j;
        } else if (i < pn && (p[i] == SYM_ONE || p[i] == c)) {
            i++;
            j++;
        } else if (star != SIZE_MAX) {
            i = star + 1;
            j = ++mark;
        } else {
            return 0;
        }
    }
    while (i < pn && p[i] == SYM_STAR)
        i++;
    return i == pn;
}

static int parse_num(const char *v, double *out)
{
    char *end;
    if (!*v)
        return -1;
    *out = strtod(v, &end);
    return *end ? -1 : 0;
}

static int cidr_match(const sigma_pat_t *p, const char *v)
{
    uint8_t a[16];
    if (p->family == 4 ? inet_pton(AF_INET, v, a) != 1 : inet_pton(AF_INET6, v, a) != 1)
        return 0;
    int bits = p->prefix, i = 0;
    for (; bits >= 8; bits -= 8, i++)
        if (a[i] != p->addr[i])
            return 0;
    if (bits) {
        uint8_t m = (uint8_t)(0xFF << (8 - bits));
        if ((a[i] & m) != (p->addr[i] & m))
            return 0;
    }
    return 1;
}

/* A regular expression over v[0..n): SV_TRUE, SV_FALSE, or SV_UNKNOWN when
 * the JIT matcher runs past its budget (steps, stack, heap) and the DFA
 * fallback cannot decide either (no fallback for the pattern, a value past
 * SW_SIGMA_RE_DFA_MAX_BYTES, its workspace full, a value that is not UTF-8,
 * which only the first matcher takes). Cost: the JIT match, bounded by
 * SW_SIGMA_RE_MATCH_LIMIT; on a budget error, one DFA pass over v, each
 * byte costing at most the states SW_SIGMA_RE_DFA_WORKSPACE holds. */
static int re_match(sw_sigma_set_t *s, const sigma_pat_t *p, const uint8_t *v, size_t n)
{
    int rc = pcre2_match(p->re, v, n, 0, 0, s->md, s->mctx);
    if (rc >= 0)
        return SV_TRUE; /* 0: the match data has no room for groups, but it matched */
    if (rc == PCRE2_ERROR_NOMATCH)
        return SV_FALSE;
    if (!p->dfa || n > SW_SIGMA_RE_DFA_MAX_BYTES)
        return SV_UNKNOWN;
    rc = pcre2_dfa_match(p->dfa, v, n, 0, PCRE2_ANCHORED | PCRE2_DFA_SHORTEST, s->md, s->mctx,
                         s->dfa_ws, SW_SIGMA_RE_DFA_WORKSPACE);
    return rc >= 0 ? SV_TRUE : rc == PCRE2_ERROR_NOMATCH ? SV_FALSE : SV_UNKNOWN;
}

static int pat_value(sw_sigma_set_t *s, const sigma_pat_t *p, const sw_field_t *f)
{
    const uint8_t *v = (const uint8_t *)f->value;
    size_t n = f->value_len;
    switch (p->kind) {
    case PM_EQ:
        return n == p->lit_len && eq_fold(v, p->lit, n, p->cased);
    case PM_PREFIX:
        return n >= p->lit_len && eq_fold(v, p->lit, p->lit_len, p->cased);
    case PM_SUFFIX:
        return n >= p->lit_len && eq_fold(v + n - p->lit_len, p->lit, p->lit_len, p->cased);
    case PM_CONTAINS:
        return find_fold(v, n, p->lit, p->lit_len, p->cased);
    case PM_GLOB:
        return glob_match(p->sym, p->sym_len, v, n, p->cased);
    case PM_RE:
        if (p->lit_len && !find_fold(v, n, p->lit, p->lit_len, 0))
            return 0; /* the literal every match contains is not there */
        return re_match(s, p, v, n);
    case PM_CIDR:
        return cidr_match(p, f->value);
    case PM_NUM: {
        double d;
        if (parse_num(f->value, &d))
            return 0;
        switch (p->cmp) {
        case CMP_LT:
            return d < p->num;
        case CMP_LTE:
            return d <= p->num;
        case CMP_GT:
            return d > p->num;
        default:
            return d >= p->num;
        }
    }
    default:
        return 0;
    }
}

static int fieldref_match(sw_sigma_set_t *s, const sigma_pat_t *p, const sw_field_t *f,
                          const sw_event_t *ev, const uint32_t *remap)
{
    const sw_field_t *g = sigma_field(s, ev, remap ? remap[p->ref_field] : p->ref_field, NULL);
    if (!g)
        return 0;
    const uint8_t *a = (const uint8_t *)f->value, *b = (const uint8_t *)g->value;
    size_t an = f->value_len, bn = g->value_len;
    /* compare a against b, folding both unless cased */
    if (bn > an || (p->cmp == 0 && an != bn))
        return 0;
    size_t from = 0, to = 0;
    switch (p->cmp) {
    case 0: /* equal */
    case 2: /* startswith */
        from = to = 0;
        break;
    case 3: /* endswith */
        from = to = an - bn;
        break;
    default: /* contains */
        from = 0;
        to = an - bn;
        break;
    }
    for (size_t at = from; at <= to; at++) {
        size_t i = 0;
        for (; i < bn; i++) {
            uint8_t x = a[at + i], y = b[i];
            if (!p->cased) {
                x = sigma_fold[x];
                y = sigma_fold[y];
            }
            if (x != y)
                break;
        }
        if (i == bn)
            return 1;
    }
    return 0;
}

/* Does pattern p hold for field f (NULL: absent)? Multi-valued fields match
 * when any of their values does (unknown when none does and one is unknown). */
static int pat_field(sw_sigma_set_t *s, const sigma_pat_t *p, const sw_field_t *f, int multi,
                     const sw_event_t *ev, const uint32_t *remap)
{
    switch (p->kind) {
    case PM_EXISTS:
        return (f != NULL) == p->want;
    case PM_NULL:
        return !f || f->value_len == 0;
    default:
        break;
    }
    int r = SV_FALSE;
    for (; f; f = multi ? sw_event_next(ev, f) : NULL) {
        int v = p->kind == PM_FIELDREF ? fieldref_match(s, p, f, ev, remap) : pat_value(s, p, f);
        if (v == SV_TRUE)
            return SV_TRUE;
        r |= v; /* SV_UNKNOWN sticks */
    }
    return r;
}

/* Fold result v into an or (all = 0: true decides) or an and (all = 1:
 * false decides). Returns 1 when v decides; *acc keeps whether an unknown
 * was seen. */
static inline int tv_step(int v, int all, int *acc)
{
    if (v == (all ? SV_FALSE : SV_TRUE))
        return 1;
    *acc |= v == SV_UNKNOWN;
    return 0;
}

/* Keywords: each pattern is searched in the record's raw line (kw_field)
 * where its record type has one, else in every field. */
static int eval_keyword(sw_sigma_set_t *s, const sigma_node_t *n, const sw_event_t *ev,
                        uint32_t kw_field)
{
    int unknown = 0;
    for (uint32_t i = 0; i < n->n_pats; i++) {
        int hit = SV_FALSE;
        if (kw_field != SIGMA_KW_ANY) {
            int multi;
            for (const sw_field_t *f = sigma_field(s, ev, kw_field, &multi); f && !(hit & SV_TRUE);
                 f = multi ? sw_event_next(ev, f) : NULL)
                hit |= pat_value(s, &n->pats[i], f);
        }
        for (size_t k = 0; kw_field == SIGMA_KW_ANY && k < ev->n_fields && !(hit & SV_TRUE); k++)
            hit |= pat_value(s, &n->pats[i], &ev->fields[k]);
        if (hit & SV_TRUE) /* true (1) or both true and unknown seen (3): true */
            hit = SV_TRUE;
        if (tv_step(hit, n->all, &unknown))
            return hit;
    }
    return unknown ? SV_UNKNOWN : n->all ? SV_TRUE : SV_FALSE;
}

int sigma_eval(sw_sigma_set_t *s, const sigma_node_t *n, const sw_event_t *ev,
               const uint32_t *remap, uint32_t kw_field)
{
    int unknown = 0;
    switch (n->type) {
    case SN_AND:
    case SN_OR: {
        int all = n->type == SN_AND;
        for (uint32_t i = 0; i < n->n_kids; i++) {
            int v = sigma_eval(s, n->kids[i], ev, remap, kw_field);
            if (tv_step(v, all, &unknown))
                return v;
        }
        return unknown ? SV_UNKNOWN : all ? SV_TRUE : SV_FALSE;
    }
    case SN_NOT: {
        int v = sigma_eval(s, n->kids[0], ev, remap, kw_field);
        return v == SV_UNKNOWN ? SV_UNKNOWN : !v;
    }
    case SN_COUNT: {
        uint32_t hits = 0, unknowns = 0;
        for (uint32_t i = 0; i < n->n_kids && hits < n->min; i++) {
            int v = sigma_eval(s, n->kids[i], ev, remap, kw_field);
            hits += v == SV_TRUE;
            unknowns += v == SV_UNKNOWN;
        }
        return hits >= n->min ? SV_TRUE : hits + unknowns >= n->min ? SV_UNKNOWN : SV_FALSE;
    }
    case SN_TRUE:
        return 1;
    case SN_FALSE:
        return 0;
    case SN_KEYWORD:
        return eval_keyword(s, n, ev, kw_field);
    case SN_FIELD: {
        int multi;
        const sw_field_t *f = sigma_field(s, ev, remap ? remap[n->field] : n->field, &multi);
        for (uint32_t i = 0; i < n->n_pats; i++) {
            int v = pat_field(s, &n->pats[i], f, multi, ev, remap);
            if (tv_step(v, n->all, &unknown))
                return v;
        }
        return unknown ? SV_UNKNOWN : n->all && n->n_pats > 0 ? SV_TRUE : SV_FALSE;
    }
    default:
        return 0;
    }
}

/* ---- the per-event loop ----------------------------------------------------------- */

const char *sw_sigma_event_host(const sw_event_t *ev)
{
    /* observer.name: the sensor that wrote a firewall or proxy record */
    static const char *const names[] = {"Computer", "host.name", "hostname", "host",
                                        "observer.name"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const sw_field_t *f = sw_event_get(ev, names[i]);
        if (f && f->value_len)
            return f->value;
    }
    return "";
}

const char *sw_sigma_event_time(const sw_event_t *ev)
{
    static const char *const names[] = {"TimeCreated", "@timestamp", "UtcTime", "timestamp",
                                        "time"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const sw_field_t *f = sw_event_get(ev, names[i]);
        if (f && f->value_len)
            return f->value;
    }
    return "";
}

static int extra_ok(sw_sigma_set_t *s, const sigma_entry_t *e, const sw_event_t *ev)
{
    if (!e->variant->extra_field)
        return 1;
    const sw_field_t *f = sigma_field(s, ev, e->extra_field, NULL);
    if (!f)
        return 0;
    for (size_t i = 0; i < 4 && e->variant->extra_values[i]; i++)
        if (!strcasecmp(f->value, e->variant->extra_values[i]))
            return 1;
    return 0;
}

static int run_bucket(sw_sigma_set_t *s, sigma_bucket_t *b, const sw_event_t *ev,
                      sw_sigma_alert_cb cb, void *ud)
{
    const size_t n_words = b->n_bits / 64 + 1;
    memcpy(b->marks, b->base, n_words * sizeof *b->marks);
    for (size_t k = 0; k < b->n_scans && !s->no_prefilter; k++) {
        int multi;
        const sigma_scan_t *sc = &b->scans[k];
        for (const sw_field_t *f = sigma_field(s, ev, sc->field, &multi); f;
             f = multi ? sw_event_next(ev, f) : NULL) {
            const uint8_t *v = (const uint8_t *)f->value;
            size_t n = f->value_len;
            if (sc->anywhere || n <= (size_t)sc->head + sc->tail) {
                sigma_ac_scan(sc->ac, v, n, b->marks);
                continue;
            }
            /* every literal is anchored: only the ends can hold one */
            if (sc->head)
                sigma_ac_scan(sc->ac, v, sc->head, b->marks);
            if (sc->tail)
                sigma_ac_scan(sc->ac, v + n - sc->tail, sc->tail, b->marks);
        }
    }
    int hits = 0;
    /* Walk the set bits in order: an entry is a candidate when its first
     * bit is set (always, for entries without a pre-filter) and then all
     * its other groups' bits. Cost: O(words + set bits), not O(entries). */
    for (size_t w = 0; w < n_words; w++) {
        uint64_t word = s->no_prefilter ? ~(uint64_t)0 : b->marks[w];
        while (word) {
            size_t bit = w * 64 + (size_t)__builtin_ctzll(word);
            word &= word - 1;
            if (bit >= b->n_bits)
                break;
            uint32_t be = b->bit_entry[bit];
            if (!(be & SIGMA_FIRST_BIT))
                continue; /* not an entry's first group: its first bit decides */
            const sigma_entry_t *e = &b->entries[be & ~SIGMA_FIRST_BIT];
            uint32_t g = 1;
            for (; g < e->n_groups && !s->no_prefilter; g++) {
                uint32_t t = e->tag0 + g;
                if (!(b->marks[t >> 6] & ((uint64_t)1 << (t & 63))))
                    break;
            }
            if (g < e->n_groups && !s->no_prefilter)
                continue; /* some needed literal is absent: cannot match */
            if (!extra_ok(s, e, ev))
                continue;
            int v = sigma_eval(s, e->rule->root, ev, e->remap, e->kw_field);
            if (v == SV_FALSE)
                continue;
            sw_sigma_alert_t a = {&e->rule->info, ev, sw_sigma_event_host(ev),
                                  sw_sigma_event_time(ev)};
            if (v == SV_UNKNOWN) { /* neither a match nor a miss: say so */
                s->undecided[e->rule->index]++;
                if (s->undecided_cb)
                    s->undecided_cb(&a, s->undecided_ud);
                continue;
            }
            hits++;
            if (cb)
                cb(&a, ud);
        }
    }
    return hits;
}

int sw_sigma_set_match(sw_sigma_set_t *s, const sw_event_t *ev, sw_sigma_alert_cb cb, void *ud)
{
    if (!s->built)
        return SW_ESTATE;
    if (++s->gen == 0) { /* wrapped: forget every cached lookup */
        for (size_t i = 0; i < s->n_fields; i++)
            s->seen[i].gen = 0;
        s->gen = 1;
    }
    index_event(s, ev);
    /* the event's EventIDs (one, nearly always; up to 8 distinct if the
     * field repeats), parsed as the bucket keys are */
    uint32_t eids[8];
    size_t n_eids = 0;
    int multi;
    for (const sw_field_t *ef = sigma_field(s, ev, s->f_event_id, &multi); ef && n_eids < 8;
         ef = multi ? sw_event_next(ev, ef) : NULL) {
        if (!ef->value_len || ef->value_len > 9)
            continue;
        uint32_t v = 0;
        size_t i = 0;
        for (; i < ef->value_len && ef->value[i] >= '0' && ef->value[i] <= '9'; i++)
            v = v * 10 + (uint32_t)(ef->value[i] - '0');
        size_t k = 0;
        while (k < n_eids && eids[k] != v)
            k++;
        if (i == ef->value_len && k == n_eids)
            eids[n_eids++] = v;
    }
    int hits = 0;
    for (size_t c = 0; c < s->n_channels; c++) {
        sigma_channel_t *chn = &s->channels[c];
        const sw_field_t *ch = sigma_field(s, ev, chn->key_field, NULL);
        if (!ch) /* not this kind of record (no Channel, no event.dataset, ...) */
            continue;
        if (chn->name &&
            (chn->name_len != ch->value_len || !name_eq(chn->name, ch->value, ch->value_len)))
            continue;
        /* the buckets of the event's EventIDs and the any-EventID one, run
         * in bucket order (so alerts come in the same order whatever the
         * order of the EventIDs) */
        uint32_t run[9];
        size_t n_run = 0;
        if (chn->any_bucket != UINT32_MAX)
            run[n_run++] = chn->any_bucket;
        for (size_t k = 0; k < n_eids; k++)
            for (uint32_t h = sigma_eid_slot(eids[k], chn->eid_mask); chn->eid_slots[h];
                 h = (h + 1) & chn->eid_mask) {
                uint32_t b = chn->eid_slots[h] - 1;
                if (chn->buckets[b].event_id != eids[k])
                    continue;
                size_t at = n_run++; /* insertion sort: n_run <= 9 */
                for (; at && run[at - 1] > b; at--)
                    run[at] = run[at - 1];
                run[at] = b;
                break;
            }
        for (size_t k = 0; k < n_run; k++)
            hits += run_bucket(s, &chn->buckets[run[k]], ev, cb, ud);
    }
    return hits;
}
