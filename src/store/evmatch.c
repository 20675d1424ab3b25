/* evmatch.c — a query evaluated on one piece of the field index
 * (evidx.h, evquery_int.h), into a bitmap of the piece's rows, and the
 * aggregates answered from that bitmap.
 *
 * Design notes:
 *  1. Each leaf is answered from the field's distinct values with the
 *     query's own matcher, so the bitmap is exact; the only terms it
 *     cannot answer (a text comparison with @timestamp) make it a superset,
 *     and then every candidate's JSON is checked with the whole query
 *     (evsearch.c). NOT of a superset is every row (still a superset).
 *  2. AND evaluates its terms cheapest first and stops when nothing is
 *     left; free text is the dearest (every value of the piece).
 *  3. A free-text literal is found in a field's value text by a SIMD scan;
 *     the value holding each place is found galloping from the last one.
 *     An OR of free-text terms scans each field's text once for all its
 *     literals (one automaton, built before the pieces: store_idx_plan),
 *     4 KB at a time: a term looks for its values only where it may be.
 *  4. Aggregates over an exact bitmap never read a record: count is a
 *     popcount, count by / top count each value's postings against the
 *     bitmap, histogram reads the time column.
 *
 * Cost: per piece, O(fields) to find a field, O(values of the field) per
 * leaf, O(value text) per free-text term, O(rows / 64) per bitmap op. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "store/evquery_int.h"

/* ---- evaluating a query on one piece ------------------------------------------ */

static void bm_all(const qctx_t *c, uint64_t *b)
{
    memset(b, 0xff, c->words * 8);
    if (c->n % 64)
        b[c->words - 1] = ((uint64_t)1 << (c->n % 64)) - 1;
}

static int bm_empty(const qctx_t *c, const uint64_t *b)
{
    for (uint32_t i = 0; i < c->words; i++)
        if (b[i])
            return 0;
    return 1;
}

static size_t bm_count(const qctx_t *c, const uint64_t *b)
{
    size_t k = 0;
    for (uint32_t i = 0; i < c->words; i++)
        k += (size_t)__builtin_popcountll(b[i]);
    return k;
}

static int find_field(const idx_piece_t *p, const char *name, uint64_t hash)
{
    for (uint32_t f = 0; f < p->n_fields; f++)
        if (p->fields[f].name_hash == hash &&
            strcasecmp(p->names + p->fields[f].name_off, name) == 0)
            return (int)f;
    return -1;
}

static void or_postings(const idx_piece_t *p, uint32_t v, uint64_t *b)
{
    const uint64_t *bm = idx_post_bitmap(p, v);
    if (bm) {
        for (uint32_t w = 0, n = (p->n_rows + 63) / 64; w < n; w++)
            b[w] |= bm[w];
        return;
    }
    const uint16_t *q = p->post;
    for (uint32_t i = idx_post_start(p, v), e = idx_post_end(p, v); i < e; i++)
        b[q[i] >> 6] |= (uint64_t)1 << (q[i] & 63);
}

static int field_ok(qctx_t *c, uint32_t f)
{
    if (idx_field_check(c->p, f) == SW_OK)
        return 1;
    c->damaged = 1;
    return 0;
}

/* field_ok for its postings too (checked the first time they are read). */
static int post_ok(qctx_t *c, uint32_t f)
{
    if (idx_post_check(c->p, f) == SW_OK)
        return 1;
    c->damaged = 1;
    return 0;
}

/* Value v's rows (of field f, its postings checked once) into b. */
static void take_value(qctx_t *c, uint32_t f, uint32_t v, uint64_t *b)
{
    if (post_ok(c, f))
        or_postings(c->p, v, b);
}

/* Next place of lit[0..n) (lower case, n >= 1) in s[from..len), ASCII
 * case-insensitively; len if none. SSE2 on the first and last bytes. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *lit, size_t n)
{
    if (n > len)
        return len;
    size_t last = len - n, i = from;
    unsigned char f = (unsigned char)lit[0], l = (unsigned char)lit[n - 1];
    int fa = f >= 'a' && f <= 'z', la = l >= 'a' && l <= 'z';
#ifdef __SSE2__
    const __m128i vf = _mm_set1_epi8((char)f), vl = _mm_set1_epi8((char)l);
    const __m128i mf = _mm_set1_epi8(fa ? 0x20 : 0), ml = _mm_set1_epi8(la ? 0x20 : 0);
    for (; i + 16 <= last + 1; i += 16) {
        __m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), mf);
        __m128i b =
            _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + n - 1)), ml);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(a, vf), _mm_cmpeq_epi8(b, vl)));
        while (m) {
            unsigned bit = (unsigned)__builtin_ctz(m);
            if (n <= 2 || strncasecmp(s + i + bit + 1, lit + 1, n - 2) == 0) {
                size_t at = i + bit;
                /* the OR above also folds non-letters: check the ends */
                unsigned char x0 = (unsigned char)s[at], x1 = (unsigned char)s[at + n - 1];
                if ((x0 == f || (fa && (x0 | 0x20) == f)) && (x1 == l || (la && (x1 | 0x20) == l)))
                    return at;
            }
            m &= m - 1;
        }
    }
#endif
    for (; i <= last; i++) {
        unsigned char x0 = (unsigned char)s[i];
        if ((x0 == f || (fa && (x0 | 0x20) == f)) && strncasecmp(s + i, lit, n) == 0)
            return i;
    }
    return len;
}

/* The longest run of literal bytes of a lower-cased glob (escapes undone). */
static size_t glob_literal(const char *pat, size_t len, char *lit, size_t cap)
{
    size_t best = 0, cur = 0;
    char run[512];
    for (size_t i = 0; i <= len; i++) {
        int end = i == len || pat[i] == '*' || pat[i] == '?';
        if (!end) {
            char ch = pat[i];
            if (ch == '\\' && i + 1 < len)
                ch = pat[++i];
            if (cur < sizeof run)
                run[cur++] = ch;
            continue;
        }
        if (cur > best && cur <= cap) {
            memcpy(lit, run, cur);
            best = cur;
        }
        cur = 0;
    }
    return best;
}

static int digits_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == ':' || ch == '-' || ch == '+' ||
              ch == ' ' || ch == 't' || ch == 'z' || ch == 'T' || ch == 'Z'))
            return 0;
    }
    return 1;
}

/* A run of a field's values as the matcher reads them (one code path for
 * both regions): value v of [v0, v1) at s + off[(v - v0) * stride],
 * NUL-ended, the text [from, end) of s. The letter region is the piece's
 * own text; the digit region its decoding (idx_digits_decode). */
typedef struct tview {
    const char *s;
    const uint32_t *off;
    uint32_t stride, v0, v1;
    size_t from, end;
} tview_t;

static inline size_t tv_off(const tview_t *t, uint32_t v)
{
    return t->off[(size_t)(v - t->v0) * t->stride];
}

static inline uint32_t tv_len(const tview_t *t, uint32_t v)
{
    return (uint32_t)((v + 1 < t->v1 ? tv_off(t, v + 1) : t->end) - tv_off(t, v) - 1);
}

/* Values [v0, v1) of field x as the piece holds them (not front-coded). */
static void piece_view(const idx_piece_t *p, const idx_field_t *x, uint32_t v0, uint32_t v1,
                       tview_t *t)
{
    *t = (tview_t){.s = p->text,
                   .off = &p->values[v0].text_off,
                   .stride = sizeof(idx_value_t) / sizeof(uint32_t),
                   .v0 = v0,
                   .v1 = v1,
                   .from = v0 < x->v1 ? p->values[v0].text_off : x->text1,
                   .end = v1 < x->v1 ? p->values[v1].text_off : x->text1};
}

/* Field x's letter values [v0, vb), in the piece. */
static void letter_view(const idx_piece_t *p, const idx_field_t *x, tview_t *t)
{
    piece_view(p, x, x->v0, x->vb, t);
}

/* Field f's digit values [vb, v1): in the piece, or, front-coded,
 * decoded into the lane's scratch (valid until it decodes again); 0, or
 * -1 when damaged (c->damaged) or out of memory (a superset would be
 * wrong: also -1, the piece is rebuilt and the search then fails
 * cleanly). */
static int digit_view(qctx_t *c, uint32_t f, tview_t *t)
{
    const idx_field_t *x = &c->p->fields[f];
    if (!x->dcoded) {
        piece_view(c->p, x, x->vb, x->v1, t);
        return 0;
    }
    if (idx_digits_decode(c->p, x, c->scr)) {
        c->damaged = 1;
        return -1;
    }
    *t = (tview_t){.s = c->scr->buf,
                   .off = c->scr->off,
                   .stride = 1,
                   .v0 = x->vb,
                   .v1 = x->v1,
                   .from = 0,
                   .end = c->scr->off[x->v1 - x->vb]};
    return 0;
}

/* The value of view t holding text place o: the last of [lo, hi) whose
 * text starts at or before it (lo's does). */
static uint32_t tv_holding(const tview_t *t, uint32_t lo, uint32_t hi, size_t o)
{
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tv_off(t, mid) <= o)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The values of view t holding lit (nl >= 1) at a place in [from, to) of
 * its text, matched with n, into b. */
static void match_text(qctx_t *c, uint32_t f, const tview_t *t, const sw_qnode_t *n, int free_text,
                       const char *lit, size_t nl, size_t from, size_t to, uint64_t *b)
{
    if (t->v1 <= t->v0)
        return;
    size_t lim = to - 1 + nl < t->end ? to - 1 + nl : t->end; /* places before to */
    size_t o = from;
    uint32_t at = tv_holding(t, t->v0, t->v1, from); /* values before it end before o */
    while ((o = find_ci(t->s, lim, o, lit, nl)) < lim) {
        /* the value holding o, the last start <= o: galloping from the
         * last one found (a short literal is found in most values, and
         * then it is the next one or close) */
        uint32_t lo = at, step = 1;
        while (lo + step < t->v1 && tv_off(t, lo + step) <= o) {
            lo += step;
            step *= 2;
        }
        lo = tv_holding(t, lo, lo + step < t->v1 ? lo + step : t->v1, o);
        size_t vo = tv_off(t, lo);
        uint32_t vl = tv_len(t, lo);
        if (o + nl <= vo + vl && sw_qnode_value_matches(n, t->s + vo, vl, free_text))
            take_value(c, f, lo, b);
        o = vo + vl + 1;
        at = lo + 1;
    }
}

/* The values of view t matching n (free text: a substring of any value),
 * by the literal lit when there is one, into b. */
/* A number range's bounds as whole numbers [*lo, *hi] that a plain integer
 * value (at most 15 digits, so exact as the double the matcher compares)
 * lies in exactly when the matcher takes it: 0 when n is no number range. */
static int int_range(const sw_qnode_t *n, int64_t *lo, int64_t *hi)
{
    const double lim = 1e16; /* past any 15-digit value, inside int64 */
    if (n->kind != SW_QN_RANGE || n->range_type != SW_QR_NUMBER)
        return 0;
    double l = -lim, h = lim;
    if (n->has_lo)
        l = n->lo_incl ? ceil(n->lo_num) : floor(n->lo_num) + 1;
    if (n->has_hi)
        h = n->hi_incl ? floor(n->hi_num) : ceil(n->hi_num) - 1;
    if (l != l || h != h) /* NaN: leave it to the matcher */
        return 0;
    *lo = (int64_t)(l < -lim ? -lim : l > lim ? lim : l);
    *hi = (int64_t)(h < -lim ? -lim : h > lim ? lim : h);
    return 1;
}

/* The plain integer s[0..len) (an optional '-', 1 to 15 digits), as the
 * matcher reads it (query.c's parse_plain_int): 0 when it is not one.
 * room: bytes readable from s (a port, a byte count: 1 to 8 digits with 8
 * readable are read as one word, the digits checked and summed in it). */
static inline int plain_int(const char *s, uint32_t len, size_t room, int64_t *out)
{
    if (len - 1 < 8 && room >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        /* the value's bytes (the word's low len), each '0' to '9' (0x3N,
         * and 0x3N + 6 still 0x3N), then the digits to the word's top
         * with zeros below: "12345" as "00012345" */
        uint64_t m = ~0ull >> (64 - 8 * len), ds = 0x3030303030303030ull & m;
        w &= m;
        if ((((w & 0xf0f0f0f0f0f0f0f0ull) ^ ds) |
             (((w + (0x0606060606060606ull & m)) & 0xf0f0f0f0f0f0f0f0ull) ^ ds)) == 0) {
            w = (w & 0x0f0f0f0f0f0f0f0full) << (64 - 8 * len);
            w = (w * 2561) >> 8;
            w = ((w & 0x00ff00ff00ff00ffull) * 6553601) >> 16;
            *out = (int64_t)(uint32_t)(((w & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32);
            return 1;
        }
    }
    uint32_t i = len && s[0] == '-';
    if (len <= i || len - i > 15)
        return 0;
    int64_t v = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        v = v * 10 + d;
    }
    *out = s[0] == '-' ? -v : v;
    return 1;
}

/* match_view for a number range: a plain integer value compared in the
 * loop, any other (1.5, 2e3, text) by the matcher. The values of a port
 * or byte-count field are almost all plain integers, and a range over
 * such a field walks every value of every piece (65,000 a piece). */
static void match_int_range(qctx_t *c, uint32_t f, const tview_t *t, const sw_qnode_t *n,
                            int64_t lo, int64_t hi, uint64_t *b)
{
    if (t->v0 >= t->v1 || !post_ok(c, f))
        return;
    /* the values that match, gathered without a branch on the match (a
     * third of a port field's values: a branch would guess wrong often),
     * then their rows taken */
    enum { BATCH = 256 };
    uint32_t ids[BATCH + 1];
    size_t off = tv_off(t, t->v0);
    for (uint32_t v0 = t->v0; v0 < t->v1; v0 += BATCH) {
        if (idx_late(c->t->idx))
            return;
        uint32_t k = 0, e = t->v1 - v0 < BATCH ? t->v1 : v0 + BATCH;
        for (uint32_t v = v0; v < e; v++) {
            size_t next = v + 1 < t->v1 ? tv_off(t, v + 1) : t->end;
            const char *s = t->s + off;
            uint32_t len = (uint32_t)(next - off - 1);
            int64_t x;
            ids[k] = v;
            if (plain_int(s, len, t->end - off, &x))
                k += (x >= lo) & (x <= hi);
            else
                k += sw_qnode_value_matches(n, s, len, 0) != 0;
            off = next;
        }
        const idx_value_t *V = c->p->values;
        const uint16_t *q = c->p->post;
        for (uint32_t i = 0; i < k; i++) { /* or_postings, a list inline (most: one row) */
            uint32_t v = ids[i], pe = V[v].post_end;
            if (pe & IDX_POST_BM) {
                or_postings(c->p, v, b);
                continue;
            }
            for (uint32_t j = idx_post_start(c->p, v); j < pe; j++)
                b[q[j] >> 6] |= (uint64_t)1 << (q[j] & 63);
        }
    }
}

static void match_view(qctx_t *c, uint32_t f, const tview_t *t, const sw_qnode_t *n, int free_text,
                       const char *lit, size_t nl, uint64_t *b)
{
    if (nl) {
        match_text(c, f, t, n, free_text, lit, nl, t->from, t->end, b);
        return;
    }
    int64_t lo, hi;
    if (!free_text && int_range(n, &lo, &hi)) {
        match_int_range(c, f, t, n, lo, hi, b);
        return;
    }
    for (uint32_t v = t->v0; v < t->v1; v++) {
        if (!((v - t->v0) & 4095) && idx_late(c->t->idx))
            return;
        if (sw_qnode_value_matches(n, t->s + tv_off(t, v), tv_len(t, v), free_text))
            take_value(c, f, v, b);
    }
}

/* The first of values [v, e) whose hash16 is h, or e: 8 at a time (a
 * uid's lookup reads every value's 2 bytes of hash, 20,000 a piece). */
static uint32_t next_hash(const uint16_t *hash, uint32_t v, uint32_t e, uint16_t h)
{
#ifdef __SSE2__
    const __m128i vh = _mm_set1_epi16((short)h);
    for (; v + 8 <= e; v += 8) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(hash + v));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(x, vh));
        if (m)
            return v + (unsigned)__builtin_ctz(m) / 2;
    }
#endif
    while (v < e && hash[v] != h)
        v++;
    return v;
}

/* Values of field f matching n (free text: a substring of any value), by
 * the literal lit when there is one, into b. A literal with a letter
 * cannot be in the digit values: they are not decoded. */
static void match_values(qctx_t *c, uint32_t f, const sw_qnode_t *n, int free_text, const char *lit,
                         size_t nl, int letters, uint64_t *b)
{
    const idx_piece_t *p = c->p;
    const idx_field_t *x = &p->fields[f];
    if (n->kind == SW_QN_TERM && !free_text) { /* equality: the hash first */
        uint16_t h = idx_hash16(n->value, n->value_len);
        for (uint32_t v = x->v0; (v = next_hash(p->hash, v, x->v1, h)) < x->v1; v++) {
            const char *s;
            uint32_t sl;
            if (idx_value_text(p, x, v, c->scr, &s, &sl)) {
                c->damaged = 1;
                return;
            }
            if (sw_qnode_value_matches(n, s, sl, 0))
                take_value(c, f, v, b);
        }
        return;
    }
    tview_t t;
    letter_view(p, x, &t);
    match_view(c, f, &t, n, free_text, lit, nl, b);
    if (x->vb < x->v1 && !(nl && letters) && !digit_view(c, f, &t))
        match_view(c, f, &t, n, free_text, lit, nl, b);
}

/* A free-text or wildcard term's literal (lower case) into lit: its
 * length, 0 when it has none. */
static size_t term_literal(const sw_qnode_t *n, char *lit, size_t cap)
{
    if (n->kind == SW_QN_TERM && !n->field && n->value_len <= cap) {
        memcpy(lit, n->value, n->value_len);
        return n->value_len;
    }
    if (n->kind == SW_QN_WILD)
        return glob_literal(n->value, n->value_len, lit, cap);
    return 0;
}

/* Can the OR's automaton take kid k: free text (no field) with a literal
 * of at least 2 bytes? */
static int or_scannable(const sw_qnode_t *k)
{
    char lit[256];
    return !k->field && (k->kind == SW_QN_TERM || k->kind == SW_QN_WILD) &&
           term_literal(k, lit, sizeof lit) >= 2;
}

/* The automaton of OR node n (built by store_idx_plan before the pieces,
 * found after), NULL when the OR has too few free-text terms for one (or
 * the plan is full). */
static or_scan_t *or_scan_of(qplan_t *pl, const sw_qnode_t *n)
{
    if (!pl)
        return NULL;
    for (size_t i = 0; i < pl->n_ors; i++)
        if (pl->ors[i].node == n)
            return pl->ors[i].ac ? &pl->ors[i] : NULL;
    if (pl->n_ors == PLAN_MAX_OR)
        return NULL;
    or_scan_t *o = &pl->ors[pl->n_ors++];
    memset(o, 0, sizeof *o);
    o->node = n;
    o->letters = 1;
    size_t k = 0;
    for (size_t i = 0; i < n->n_kids; i++)
        k += or_scannable(n->kids[i]);
    if (k < OR_AC_MIN || k > OR_AC_MAX || !(o->ac = sigma_ac_new()) ||
        !(o->lits = malloc(k * 256))) {
        sigma_ac_free(o->ac);
        o->ac = NULL;
        return NULL;
    }
    uint32_t at = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        const sw_qnode_t *kid = n->kids[i];
        if (!or_scannable(kid))
            continue;
        char *lit = o->lits + at;
        size_t nl = term_literal(kid, lit, 256);
        if (sigma_ac_add(o->ac, (const uint8_t *)lit, nl, (uint32_t)o->n_kid)) {
            sigma_ac_free(o->ac);
            o->ac = NULL;
            return NULL;
        }
        o->lit_off[o->n_kid] = at;
        o->lit_len[o->n_kid] = (uint16_t)nl;
        o->max_lit = nl > o->max_lit ? nl : o->max_lit;
        o->kid[o->n_kid++] = kid;
        o->letters &= !digits_only(lit, nl);
        at += (uint32_t)nl;
    }
    if (sigma_ac_build(o->ac)) {
        sigma_ac_free(o->ac);
        o->ac = NULL;
        return NULL;
    }
    return o;
}

void store_idx_plan_free(qplan_t *pl)
{
    for (size_t i = 0; i < pl->n_ors; i++) {
        sigma_ac_free(pl->ors[i].ac);
        free(pl->ors[i].lits);
    }
    pl->n_ors = 0;
}

static int eval(qctx_t *c, const sw_qnode_t *n, uint64_t *b, int depth);

/* OR node n's kids (but the free-text ones an automaton took: scanned) one
 * by one, OR-ed into b; as eval. */
static int or_kids(qctx_t *c, const sw_qnode_t *n, uint64_t *b, int depth, int scanned)
{
    uint64_t *tmp = c->pool + (size_t)(depth + 1) * BM_WORDS;
    int inexact = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        if (scanned && or_scannable(n->kids[i]))
            continue;
        int r = eval(c, n->kids[i], tmp, depth + 1);
        if (r < 0)
            return r;
        inexact |= r;
        for (uint32_t w = 0; w < c->words; w++)
            b[w] |= tmp[w];
    }
    return inexact;
}

/* OR node n's free-text terms in one pass over each field's text, 4 KB
 * at a time: the automaton says which of their literals may start in
 * those 4 KB (a superset), and only those terms look for their values
 * there. Its other terms are evaluated one by one. The bitmap into b; as
 * eval. */
#define OR_CHUNK 4096
static void or_scan_view(qctx_t *c, uint32_t f, const or_scan_t *o, const tview_t *t, uint64_t *b)
{
    uint64_t marks[OR_AC_MAX / 64];
    size_t mw = (o->n_kid + 63) / 64;
    for (size_t c0 = t->from; c0 < t->end; c0 += OR_CHUNK) {
        size_t c1 = t->end - c0 > OR_CHUNK ? c0 + OR_CHUNK : t->end;
        size_t se = t->end - c1 > o->max_lit - 1 ? c1 + o->max_lit - 1 : t->end;
        memset(marks, 0, mw * sizeof *marks);
        sigma_ac_scan(o->ac, (const uint8_t *)t->s + c0, se - c0, marks);
        for (size_t w = 0; w < mw; w++)
            for (uint64_t m = marks[w]; m; m &= m - 1) {
                size_t k = w * 64 + (size_t)__builtin_ctzll(m);
                match_text(c, f, t, o->kid[k], 1, o->lits + o->lit_off[k], o->lit_len[k], c0, c1,
                           b);
            }
    }
}

static int eval_or_scan(qctx_t *c, const sw_qnode_t *n, const or_scan_t *o, uint64_t *b, int depth)
{
    const idx_piece_t *p = c->p;
    for (uint32_t f = 0; f < p->n_fields; f++) {
        const idx_field_t *x = &p->fields[f];
        if (x->text1 <= x->text0)
            continue;
        if (idx_late(c->t->idx) || !field_ok(c, f))
            return -1;
        tview_t t;
        letter_view(p, x, &t);
        or_scan_view(c, f, o, &t, b);
        /* the digit values only when a literal has no letter */
        if (!o->letters && x->vb < x->v1 && !digit_view(c, f, &t))
            or_scan_view(c, f, o, &t, b);
        if (c->damaged)
            return -1;
    }
    return or_kids(c, n, b, depth, 1);
}

static int cost(const sw_qnode_t *n)
{
    switch (n->kind) {
    case SW_QN_ALL:
        return 0;
    case SW_QN_TERM:
        return n->field ? 1 : 5;
    case SW_QN_EXISTS:
        return 2;
    case SW_QN_RANGE:
        return n->field_is_time ? 1 : 3;
    case SW_QN_WILD:
        return n->field ? 4 : 6;
    default:
        return 7;
    }
}

/* n over the piece into b (c->words words). 0: exact; 1: a superset (the
 * records must be checked); negative: damaged (c->damaged). */
static int eval(qctx_t *c, const sw_qnode_t *n, uint64_t *b, int depth)
{
    const idx_piece_t *p = c->p;
    if (depth >= MAX_DEPTH - 1)
        return (bm_all(c, b), 1);
    switch (n->kind) {
    case SW_QN_ALL:
        bm_all(c, b);
        return 0;
    case SW_QN_AND: {
        /* cheapest first (note 3); a small query's order by cost */
        const sw_qnode_t *kids[64];
        size_t nk = n->n_kids < 64 ? n->n_kids : 64;
        memcpy(kids, n->kids, nk * sizeof *kids);
        for (size_t i = 1; i < nk; i++)
            for (size_t j = i; j > 0 && cost(kids[j]) < cost(kids[j - 1]); j--) {
                const sw_qnode_t *s = kids[j];
                kids[j] = kids[j - 1];
                kids[j - 1] = s;
            }
        int inexact = eval(c, kids[0], b, depth + 1);
        if (inexact < 0)
            return inexact;
        uint64_t *tmp = c->pool + (size_t)(depth + 1) * BM_WORDS;
        for (size_t i = 1; i < n->n_kids && !bm_empty(c, b); i++) {
            int r = eval(c, i < nk ? kids[i] : n->kids[i], tmp, depth + 1);
            if (r < 0)
                return r;
            inexact |= r;
            for (uint32_t w = 0; w < c->words; w++)
                b[w] &= tmp[w];
        }
        return inexact;
    }
    case SW_QN_OR: {
        memset(b, 0, c->words * 8);
        const or_scan_t *o = or_scan_of(c->plan, n);
        return o ? eval_or_scan(c, n, o, b, depth) : or_kids(c, n, b, depth, 0);
    }
    case SW_QN_NOT: {
        int r = eval(c, n->kids[0], b, depth + 1);
        if (r)
            return r < 0 ? r : (bm_all(c, b), 1);
        for (uint32_t w = 0; w < c->words; w++)
            b[w] = ~b[w];
        if (c->n % 64)
            b[c->words - 1] &= ((uint64_t)1 << (c->n % 64)) - 1;
        return 0;
    }
    default:
        break;
    }
    memset(b, 0, c->words * 8);
    if (n->field && n->field_is_time) { /* the record's own time */
        if (n->kind == SW_QN_EXISTS) {
            memcpy(b, p->hastime, c->words * 8);
            return 0;
        }
        if (n->kind != SW_QN_RANGE || n->range_type != SW_QR_TIME)
            return (bm_all(c, b), 1);
        int64_t lo = !n->has_lo ? INT64_MIN : n->lo_incl ? n->lo_ms : n->lo_ms + 1;
        int64_t hi = !n->has_hi ? INT64_MAX : n->hi_incl ? n->hi_ms : n->hi_ms - 1;
        for (uint32_t r = 0; r < c->n; r++)
            if (c->ts[r] >= lo && c->ts[r] <= hi)
                b[r >> 6] |= (uint64_t)1 << (r & 63);
        for (uint32_t w = 0; w < c->words; w++)
            b[w] &= p->hastime[w];
        return 0;
    }
    char lit[256];
    size_t nl = term_literal(n, lit, sizeof lit);
    int letters = nl && !digits_only(lit, nl);
    if (!n->field) { /* free text: every field's values */
        for (uint32_t f = 0; f < p->n_fields; f++) {
            if (idx_late(c->t->idx) || !field_ok(c, f))
                return -1;
            match_values(c, f, n, 1, lit, nl, letters, b);
        }
        return c->damaged || idx_late(c->t->idx) ? -1 : 0;
    }
    int f = find_field(p, n->field, n->field_hash);
    if (f < 0)
        return 0;
    if (!field_ok(c, (uint32_t)f))
        return -1;
    if (n->kind == SW_QN_EXISTS) {
        if (!post_ok(c, (uint32_t)f))
            return -1;
        for (uint32_t v = p->fields[f].v0; v < p->fields[f].v1; v++)
            or_postings(p, v, b);
        return 0;
    }
    match_values(c, (uint32_t)f, n, 0, lit, nl, letters, b);
    return c->damaged || idx_late(c->t->idx) ? -1 : 0;
}

typedef struct agg {
    uint32_t v;
    uint32_t min_row;
    uint64_t n;
} agg_t;

static int cmp_agg(const void *a, const void *b)
{
    const agg_t *x = a, *y = b;
    if (x->min_row != y->min_row)
        return x->min_row < y->min_row ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* An aggregate over the piece's exact bitmap b (note 4). */
static int hist_push(idx_hist_t *h, int64_t bk, uint64_t n)
{
    if (h->len == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 64;
        int64_t *a = realloc(h->bk, nc * sizeof *a);
        if (!a)
            return SW_ENOMEM;
        h->bk = a;
        uint64_t *m = realloc(h->n, nc * sizeof *m);
        if (!m)
            return SW_ENOMEM;
        h->n = m;
        h->cap = nc;
    }
    h->bk[h->len] = bk;
    h->n[h->len++] = n;
    return SW_OK;
}

int store_idx_histogram(const qctx_t *c, const uint64_t *b, int64_t bucket_ms, idx_hist_t *h)
{
    int64_t cur = 0;
    uint64_t k = 0;
    h->len = 0;
    for (uint32_t w = 0; w < c->words; w++)
        for (uint64_t m = b[w]; m; m &= m - 1) {
            int64_t x = c->ts[w * 64 + (uint32_t)__builtin_ctzll(m)];
            if (k && x >= cur && x - cur < bucket_ms) {
                k++;
                continue;
            }
            int64_t bk = x - ((x % bucket_ms) + bucket_ms) % bucket_ms;
            if (k && bk != cur) {
                if (hist_push(h, cur, k))
                    return SW_ENOMEM;
                k = 0;
            }
            cur = bk;
            k++;
        }
    return k ? hist_push(h, cur, k) : SW_OK;
}

void store_idx_hist_free(idx_hist_t *h)
{
    free(h->bk);
    free(h->n);
    memset(h, 0, sizeof *h);
}

int store_idx_aggregate(qctx_t *c, const sw_qstage_t *s, const uint64_t *b, const idx_hist_t *pre,
                        sw_qrun_t *run, sw_errbuf_t *err)
{
    const idx_piece_t *p = c->p;
    if (s->kind == SW_QS_COUNT) {
        size_t k = bm_count(c, b);
        return k ? sw_qrun_add(run, "", 0, 0, k, err) : SW_OK;
    }
    if (s->kind == SW_QS_HISTOGRAM) {
        idx_hist_t own = {0};
        if (!pre && store_idx_histogram(c, b, s->bucket_ms, &own)) {
            store_idx_hist_free(&own);
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        }
        const idx_hist_t *h = pre ? pre : &own;
        int rc = SW_OK;
        for (size_t i = 0; i < h->len && !rc; i++)
            rc = sw_qrun_add(run, NULL, 0, h->bk[i], h->n[i], err);
        store_idx_hist_free(&own);
        return rc;
    }
    int f = find_field(p, s->field, s->field_hash);
    if (f < 0)
        return SW_OK;
    if (!post_ok(c, (uint32_t)f))
        return 2; /* damaged */
    const idx_field_t *x = &p->fields[f];
    agg_t *a = malloc((x->v1 - x->v0 + 1) * sizeof *a);
    if (!a)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    size_t na = 0;
    for (uint32_t v = x->v0; v < x->v1; v++) {
        uint64_t k = 0;
        uint32_t mr = UINT32_MAX;
        const uint64_t *bm = idx_post_bitmap(p, v);
        if (bm) {
            for (uint32_t w = 0; w < c->words; w++) {
                uint64_t m = bm[w] & b[w];
                if (m && mr == UINT32_MAX)
                    mr = w * 64 + (uint32_t)__builtin_ctzll(m);
                k += (uint64_t)__builtin_popcountll(m);
            }
        } else {
            for (uint32_t i = idx_post_start(p, v), e = idx_post_end(p, v); i < e; i++) {
                uint16_t r = p->post[i];
                if (b[r >> 6] >> (r & 63) & 1) {
                    k++;
                    if (r < mr)
                        mr = r;
                }
            }
        }
        if (k)
            a[na++] = (agg_t){v, mr, k};
    }
    /* groups take the spelling of their first matching record; digit
     * values are decoded (this thread's scratch: aggregates run on the
     * search's thread): one by one from their restarts when few are
     * wanted (EventID:4625 | count by IpAddress), else the field's all
     * at once */
    qsort(a, na, sizeof *a, cmp_agg);
    idx_scratch_t *sc = &c->t->idx->scr[0];
    size_t nd = 0;
    for (size_t i = 0; i < na; i++)
        nd += a[i].v >= x->vb;
    int rc = SW_OK, whole = x->dcoded && nd * 4 > x->v1 - x->vb;
    if (whole && idx_digits_decode(p, x, sc)) {
        free(a);
        return 2; /* damaged (or out of memory: rebuilt, then it fails cleanly) */
    }
    for (size_t i = 0; i < na && !rc; i++) {
        uint32_t v = a[i].v, len;
        const char *txt;
        if (whole && v >= x->vb) {
            txt = sc->buf + sc->off[v - x->vb];
            len = sc->off[v - x->vb + 1] - sc->off[v - x->vb] - 1;
        } else if (idx_value_text(p, x, v, sc, &txt, &len)) {
            free(a);
            return 2;
        }
        rc = sw_qrun_add(run, txt, len, 0, a[i].n, err);
    }
    free(a);
    return rc;
}

/* Rows the log has lost are in no answer (evseg.h invariant 4). */
static void clear_lost(const sw_store_team_t *t, const qctx_t *c, uint64_t *b)
{
    const seg_view_t *v = &t->seg.v;
    uint64_t first = c->ip->p.first_row, end = first + c->n;
    if (v->lost_hi <= v->lost_lo || v->lost_hi <= first || v->lost_lo >= end)
        return;
    uint64_t lo = (v->lost_lo > first ? v->lost_lo : first) - first;
    uint64_t hi = (v->lost_hi < end ? v->lost_hi : end) - first;
    for (uint64_t r = lo; r < hi; r++)
        b[r >> 6] &= ~((uint64_t)1 << (r & 63));
}

/* Evaluate q on piece i into b (rebuilding the piece when damaged):
 * 0 exact, 1 superset, or SW_E*. */
/* Evaluate q on piece i into b with the bitmaps of pool, as it is: 0
 * exact, 1 superset, negative when damaged or late. Either lane
 * (pieces_each) may call it; it changes nothing but the piece's checked
 * flags. */
int store_idx_eval_once(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b, qctx_t *c,
                        uint64_t *pool)
{
    store_idx_t *x = t->idx;
    ipiece_t *ip = idx_piece_at(x, i);
    *c = (qctx_t){.t = t,
                  .ip = ip,
                  .p = &ip->p,
                  .n = ip->p.n_rows,
                  .words = (ip->p.n_rows + 63) / 64,
                  .pool = pool,
                  .scr = pool == x->pool ? &x->scr[0] : &x->scr[1],
                  .plan = x->plan};
    c->ts = seg_ts(&t->seg.v) + ip->p.first_row;
    int r = idx_late(x) ? -1 : eval(c, q->root, b, 0);
    if (r >= 0)
        clear_lost(t, c, b);
    return r;
}

int store_idx_eval(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b, qctx_t *c,
                   sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    for (int attempt = 0;; attempt++) {
        ipiece_t *ip = idx_piece_at(x, i);
        int r = store_idx_eval_once(t, i, q, b, c, x->pool);
        if (r >= 0)
            return r;
        if (idx_late(x))
            return SW_ETOOBIG; /* store_idx_search says so */
        if (attempt)
            return sw_seterr(err, SW_EIO, "team %s: index piece at row %llu damaged", t->name,
                             (unsigned long long)ip->p.first_row);
        int rc = store_idx_rebuild(t, ip, err); /* evquery.c, note 2 */
        if (rc)
            return rc;
    }
}

/* Can the bitmaps answer n exactly (eval returns 0)? Only a text term on
 * @timestamp (its text, not its time) cannot. */
int store_idx_exact(const sw_qnode_t *n, int depth)
{
    if (depth >= MAX_DEPTH - 1)
        return 0;
    if (n->kind == SW_QN_AND || n->kind == SW_QN_OR || n->kind == SW_QN_NOT) {
        for (size_t i = 0; i < n->n_kids; i++)
            if (!store_idx_exact(n->kids[i], depth + 1))
                return 0;
        return 1;
    }
    if (n->field && n->field_is_time)
        return n->kind == SW_QN_EXISTS || (n->kind == SW_QN_RANGE && n->range_type == SW_QR_TIME);
    return 1;
}

/* Build every OR's automaton before the pieces are evaluated: the two
 * lanes then only read the plan. */
void store_idx_plan(qplan_t *pl, const sw_qnode_t *n, int depth)
{
    if (depth >= MAX_DEPTH - 1)
        return;
    if (n->kind == SW_QN_OR)
        or_scan_of(pl, n);
    if (n->kind == SW_QN_AND || n->kind == SW_QN_OR || n->kind == SW_QN_NOT)
        for (size_t i = 0; i < n->n_kids; i++)
            store_idx_plan(pl, n->kids[i], depth + 1);
}
