/* evidx.c — the field index's pieces: building one from records, its file
 * form, and checking a file before it is trusted. See evidx.h.
 *
 * Building (idx_build_add, once per appended row): every field of the
 * parsed record is looked up by name (its case-folded hash, a small table)
 * and its exact value in one table per piece (the value's bytes and the
 * field), a new value getting the next id; the row is recorded as a
 * (value, row) pair. Sealing sorts the pairs by value (a counting sort:
 * rows stay ascending) into postings, orders the values by field, and lays
 * the text out in two regions (note in evidx.h). Cost: one table probe per
 * field occurrence at append; O(pairs + values) to seal. */
#include "store/evidx.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/text.h"
#include "store/evseg.h"

static const char idx_magic[5] = {'S', 'W', 'I', 'D', 'X'};

typedef struct bfield {
    uint64_t name_hash;
    uint32_t name_off, name_len; /* first spelling, in names */
    uint32_t n_values;
    uint32_t last; /* the value it had in the last row it was in (UINT32_MAX: none) */
} bfield_t;

typedef struct bvalue {
    uint32_t field;
    uint32_t text_off, text_len;
    uint32_t count;
    uint32_t hash_lo; /* the hash's low half (its slot's tag holds the high) */
    uint16_t last;    /* the last row it is in */
    uint8_t twice;    /* in some row twice (seal: no bitmap for it) */
    uint8_t digits;   /* only digits and time punctuation (digits_class) */
} bvalue_t;

/* Value v is in row (once more). */
static inline void value_seen(bvalue_t *v, uint16_t row)
{
    v->twice |= v->last == row;
    v->last = row;
    v->count++;
}

/* A row as idx_build_add_ids takes it: stage 1 when it is added, stages
 * 2-4 (row_finish) then or at the next row. Per field: its id, value
 * hash, candidate value id, and the value. */
typedef struct brow {
    uint32_t *rf, *rc;
    uint64_t *rh;
    const char **val;
    uint32_t *len;
    size_t n, cap;
    uint16_t row;
} brow_t;

struct idx_build {
    uint64_t first_row;
    uint32_t n_rows;
    bfield_t *fields;
    size_t n_fields, cap_fields;
    uint32_t *fslots; /* field id + 1, by name hash */
    size_t cap_fslots;
    bvalue_t *values;
    size_t n_values, cap_values;
    uint64_t *vslots; /* the hash's top 32 bits, value id + 1 below; 0: empty */
    size_t cap_vslots;
    brow_t rows[2]; /* the row being added, and the one before it if pending */
    int cur, pending;
    char *names;
    size_t names_len, names_cap;
    char *text;
    size_t text_len, text_cap;
    uint32_t *pv; /* pairs: value id, row */
    uint16_t *pr;
    size_t n_pairs, cap_pairs;
    uint64_t hastime[IDX_PIECE / 64];
    uint64_t gen; /* idx_build_gen */
};

static uint64_t vhash(uint32_t field, const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)field << 32) ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    /* the last 1-7 bytes by two loads that may overlap (a memcpy of a
     * variable length was a call a field) */
    uint64_t x = 0;
    size_t r = n - i;
    if (r >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s + i, 4);
        memcpy(&hi, s + n - 4, 4);
        x = lo | (uint64_t)hi << (8 * (r - 4));
    } else if (r) {
        x = (uint64_t)(unsigned char)s[i] | (uint64_t)(unsigned char)s[i + r / 2] << 8 |
            (uint64_t)(unsigned char)s[n - 1] << 16;
    }
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h;
}

/* Huge pages for the tables a row's values are looked up in (the value
 * slots, the values, their text): they are read at random, a cache and a
 * TLB miss a field with 4 KB pages. Past 2 MB: aligned to 2 MB, asking
 * for huge pages (a hint; without it, 4 KB pages). */
#define HUGE_PAGE ((size_t)2 << 20)

static void huge_hint(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/* n zeroed bytes. */
static void *big_zalloc(size_t n)
{
    if (n < HUGE_PAGE)
        return calloc(n, 1);
    void *p;
    if (posix_memalign(&p, HUGE_PAGE, n))
        return NULL;
    huge_hint(p, n);
    memset(p, 0, n);
    return p;
}

/* grow for a table read at random: past 2 MB, moved to huge pages. */
static __attribute__((noinline)) int big_grow_to(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    if (nc * elem < HUGE_PAGE) {
        void *q = realloc(*p, nc * elem);
        if (!q)
            return -1;
        *p = q;
    } else {
        void *q;
        if (posix_memalign(&q, HUGE_PAGE, nc * elem))
            return -1;
        huge_hint(q, nc * elem);
        if (*cap)
            memcpy(q, *p, *cap * elem);
        free(*p);
        *p = q;
    }
    *cap = nc;
    return 0;
}

static inline int big_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap ? 0 : big_grow_to(p, cap, need, elem);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

idx_build_t *idx_build_new(uint64_t first_row)
{
    idx_build_t *b = calloc(1, sizeof *b);
    if (b) {
        b->first_row = first_row;
        b->gen = 1;
    }
    return b;
}

void idx_build_free(idx_build_t *b)
{
    if (!b)
        return;
    free(b->fields);
    free(b->fslots);
    free(b->values);
    free(b->vslots);
    for (int k = 0; k < 2; k++) {
        free(b->rows[k].rf);
        free(b->rows[k].rc);
        free(b->rows[k].rh);
        free(b->rows[k].val);
        free(b->rows[k].len);
    }
    free(b->names);
    free(b->text);
    free(b->pv);
    free(b->pr);
    free(b);
}

void idx_build_reset(idx_build_t *b, uint64_t first_row)
{
    b->first_row = first_row;
    b->gen++;
    b->n_rows = 0;
    b->pending = 0;
    b->n_fields = b->n_values = b->names_len = b->text_len = b->n_pairs = 0;
    if (b->fslots)
        memset(b->fslots, 0, b->cap_fslots * sizeof *b->fslots);
    if (b->vslots)
        memset(b->vslots, 0, b->cap_vslots * sizeof *b->vslots);
    memset(b->hastime, 0, sizeof b->hastime);
}

uint64_t idx_build_first(const idx_build_t *b)
{
    return b->first_row;
}

uint32_t idx_build_rows(const idx_build_t *b)
{
    return b->n_rows;
}

uint64_t idx_build_gen(const idx_build_t *b)
{
    return b->gen;
}

static int ci_eq(const char *a, const char *c, size_t n)
{
    if (sw_mem_eq(a, c, n)) /* nearly always: a field is spelled one way */
        return 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)c[i];
        if (x != y && (x | 0x20) != (y | 0x20))
            return 0;
        if (x != y && !((x | 0x20) >= 'a' && (x | 0x20) <= 'z'))
            return 0;
    }
    return 1;
}

/* Rehash a table of ids + 1 by the hash each id's entry has. */
static int rehash(uint32_t **slots, size_t *cap, size_t n, const void *ents, size_t elem,
                  size_t hash_at)
{
    size_t nc = *cap ? *cap * 2 : 256;
    while (nc < n * 2 + 2)
        nc *= 2;
    uint32_t *s = calloc(nc, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t h;
        memcpy(&h, (const char *)ents + i * elem + hash_at, 8);
        size_t j = h & (nc - 1);
        while (s[j])
            j = (j + 1) & (nc - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(*slots);
    *slots = s;
    *cap = nc;
    return 0;
}

int idx_build_field(idx_build_t *b, const char *name, uint32_t len, uint64_t hash, uint32_t *out)
{
    if ((b->n_fields + 1) * 2 > b->cap_fslots &&
        rehash(&b->fslots, &b->cap_fslots, b->n_fields, b->fields, sizeof *b->fields,
               offsetof(bfield_t, name_hash)))
        return SW_ENOMEM;
    size_t m = b->cap_fslots - 1, j = hash & m;
    for (; b->fslots[j]; j = (j + 1) & m) {
        const bfield_t *x = &b->fields[b->fslots[j] - 1];
        if (x->name_hash == hash && x->name_len == len &&
            ci_eq(b->names + x->name_off, name, len)) {
            *out = b->fslots[j] - 1;
            return SW_OK;
        }
    }
    if (grow((void **)&b->fields, &b->cap_fields, b->n_fields + 1, sizeof *b->fields) ||
        grow((void **)&b->names, &b->names_cap, b->names_len + len + 1, 1))
        return SW_ENOMEM;
    bfield_t *x = &b->fields[b->n_fields];
    x->name_hash = hash;
    x->name_off = (uint32_t)b->names_len;
    x->name_len = len;
    x->n_values = 0;
    x->last = UINT32_MAX;
    memcpy(b->names + b->names_len, name, len);
    b->names[b->names_len + len] = '\0';
    b->names_len += len + 1;
    b->fslots[j] = (uint32_t)b->n_fields + 1;
    *out = (uint32_t)b->n_fields++;
    return SW_OK;
}

#define VSLOT_ID(e) ((uint32_t)(e)-1)
#define VSLOT_TAG(h) ((h) >> 32)
#define NO_VALUE UINT32_MAX
#define SAME_VALUE 0x80000000u /* rc: the field's last value, confirmed */

/* A value table of at least 2 * need slots, every value in it again. */
static int vrehash(idx_build_t *b, size_t need)
{
    size_t nc = b->cap_vslots ? b->cap_vslots * 2 : 256;
    while (nc < need * 2)
        nc *= 2;
    uint64_t *sl = big_zalloc(nc * sizeof *sl);
    if (!sl)
        return -1;
    for (size_t k = 0; k < b->cap_vslots; k++) { /* each slot moves, tag and id */
        uint64_t e = b->vslots[k];
        if (!e)
            continue;
        /* the low half places it: tables stay far below 2^32 slots */
        size_t j = b->values[VSLOT_ID(e)].hash_lo & (nc - 1);
        while (sl[j])
            j = (j + 1) & (nc - 1);
        sl[j] = e;
    }
    free(b->vslots);
    b->vslots = sl;
    b->cap_vslots = nc;
    return 0;
}

/* Only digits and time punctuation: a literal with another byte skips it. */
static int digits_class(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-' || c == '+' || c == ' ' ||
              c == 'T' || c == 'Z' || c == 't' || c == 'z'))
            return 0;
    }
    return 1;
}

/* The id of field's value v[0..n) (hash h) in row, added when new. The
 * table has room (idx_build_add makes it before a row). */
static int value_id(idx_build_t *b, uint32_t field, const char *v, size_t n, uint64_t h,
                    uint16_t row, uint32_t *out)
{
    size_t m = b->cap_vslots - 1, j = h & m;
    for (; b->vslots[j]; j = (j + 1) & m) {
        if (VSLOT_TAG(b->vslots[j]) != VSLOT_TAG(h))
            continue;
        bvalue_t *x = &b->values[VSLOT_ID(b->vslots[j])];
        if (x->hash_lo == (uint32_t)h && x->field == field && x->text_len == n &&
            sw_mem_eq(b->text + x->text_off, v, n)) {
            value_seen(x, row);
            *out = VSLOT_ID(b->vslots[j]);
            return SW_OK;
        }
    }
    if (big_grow((void **)&b->values, &b->cap_values, b->n_values + 1, sizeof *b->values) ||
        big_grow((void **)&b->text, &b->text_cap, b->text_len + n + 1, 1))
        return SW_ENOMEM;
    bvalue_t *x = &b->values[b->n_values];
    x->field = field;
    x->text_off = (uint32_t)b->text_len;
    x->text_len = (uint32_t)n;
    x->count = 1;
    x->hash_lo = (uint32_t)h;
    x->last = row;
    x->twice = 0;
    x->digits = (uint8_t)digits_class(v, n); /* its text at hand: sealing needs it */
    memcpy(b->text + b->text_len, v, n);
    b->text_len += n;
    b->fields[field].n_values++;
    b->vslots[j] = VSLOT_TAG(h) << 32 | (uint64_t)(b->n_values + 1);
    *out = (uint32_t)b->n_values++;
    return SW_OK;
}

/* Room in r for n fields. 0 or -1. */
static int row_room(brow_t *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    uint32_t *rf = realloc(r->rf, n * sizeof *rf);
    if (rf)
        r->rf = rf;
    uint32_t *rc = rf ? realloc(r->rc, n * sizeof *rc) : NULL;
    if (rc)
        r->rc = rc;
    uint64_t *rh = rc ? realloc(r->rh, n * sizeof *rh) : NULL;
    if (rh)
        r->rh = rh;
    const char **val = rh ? realloc(r->val, n * sizeof *val) : NULL;
    if (val)
        r->val = val;
    uint32_t *len = val ? realloc(r->len, n * sizeof *len) : NULL;
    if (!len)
        return -1;
    r->len = len;
    r->cap = n;
    return 0;
}

/* Stage 1 of a row (note above idx_build_add_ids): each field's id, and
 * either its last row's value confirmed or its value's hash, its slot
 * prefetched. */
static int row_begin(idx_build_t *b, brow_t *r, const uint32_t *fids, const sw_field_t *fields,
                     size_t n)
{
    size_t m = b->cap_vslots - 1;
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        const sw_field_t *f = &fields[i];
        if (fids) {
            if (fids[i] >= b->n_fields)
                return SW_EINVAL; /* not one of b's: never */
            r->rf[i] = fids[i];
        } else {
            int rc = idx_build_field(b, f->name, f->name_len, f->name_hash, &r->rf[i]);
            if (rc)
                return rc;
        }
        r->val[i] = f->value;
        r->len[i] = f->value_len;
        /* the field's value in its last row, again (half of them are):
         * that value is in cache, and no lookup is needed */
        uint32_t lv = b->fields[r->rf[i]].last;
        if (lv != UINT32_MAX && b->values[lv].text_len == f->value_len &&
            sw_mem_eq(b->text + b->values[lv].text_off, f->value, f->value_len)) {
            r->rc[i] = lv | SAME_VALUE;
            continue;
        }
        r->rc[i] = NO_VALUE;
        r->rh[i] = vhash(r->rf[i], f->value, f->value_len);
        __builtin_prefetch(&b->vslots[r->rh[i] & m]);
    }
    return SW_OK;
}

/* Stages 2-4 of a row: its values found or added, its pairs recorded. */
static int row_finish(idx_build_t *b, brow_t *r)
{
    size_t m = b->cap_vslots - 1, n = r->n;
    for (size_t i = 0; i < n; i++) { /* 2 */
        if (r->rc[i] != NO_VALUE)
            continue; /* the same as in the field's last row */
        uint64_t h = r->rh[i];
        for (size_t j = h & m; b->vslots[j]; j = (j + 1) & m)
            if (VSLOT_TAG(b->vslots[j]) == VSLOT_TAG(h)) {
                r->rc[i] = VSLOT_ID(b->vslots[j]);
                __builtin_prefetch(&b->values[r->rc[i]]);
                break;
            }
    }
    for (size_t i = 0; i < n; i++) { /* 3 */
        if (r->rc[i] == NO_VALUE || (r->rc[i] & SAME_VALUE))
            continue;
        const bvalue_t *x = &b->values[r->rc[i]];
        if (x->hash_lo == (uint32_t)r->rh[i] && x->field == r->rf[i] && x->text_len == r->len[i])
            __builtin_prefetch(b->text + x->text_off);
        else
            r->rc[i] = NO_VALUE;
    }
    for (size_t i = 0; i < n; i++) { /* 4 */
        uint32_t vid = r->rc[i];
        if (vid != NO_VALUE && (vid & SAME_VALUE)) {
            vid &= ~SAME_VALUE;
            value_seen(&b->values[vid], r->row);
        } else if (vid != NO_VALUE &&
                   sw_mem_eq(b->text + b->values[vid].text_off, r->val[i], r->len[i])) {
            value_seen(&b->values[vid], r->row);
        } else {
            int rc = value_id(b, r->rf[i], r->val[i], r->len[i], r->rh[i], r->row, &vid);
            if (rc)
                return rc;
        }
        b->fields[r->rf[i]].last = vid;
        b->pv[b->n_pairs] = vid;
        b->pr[b->n_pairs++] = r->row;
    }
    return SW_OK;
}

int idx_build_flush(idx_build_t *b)
{
    if (!b->pending)
        return SW_OK;
    b->pending = 0;
    return row_finish(b, &b->rows[!b->cur]);
}

/* A row's values are looked up in stages over all its fields, so that the
 * cache misses of one field (its slot, its value, its text: the table
 * outgrows the caches) overlap those of the others: (1) field ids and
 * hashes, the slots prefetched; (2) the slot whose tag matches, its value
 * prefetched; (3) the value's field and length, its text prefetched; (4)
 * the text compared. A candidate that is not confirmed (or none) takes
 * the plain lookup, which also adds new values: the stages only guess,
 * and a guess that checks out is the value. A field whose value is the
 * one it had in its last row is confirmed in stage 1. With fids (the
 * writer thread's rows), stages 2-4 of a row run after stage 1 of the
 * next (idx_build_flush: the last), so that its prefetches have a row's
 * work to arrive in: its values must stay readable until then. */
int idx_build_add(idx_build_t *b, const sw_field_t *fields, size_t n_fields, int has_time)
{
    return idx_build_add_ids(b, NULL, fields, n_fields, has_time);
}

int idx_build_add_ids(idx_build_t *b, const uint32_t *fids, const sw_field_t *fields,
                      size_t n_fields, int has_time)
{
    if (b->n_rows >= IDX_PIECE)
        return SW_ETOOBIG;
    size_t before = b->pending ? b->rows[!b->cur].n : 0; /* the pending row's fields */
    if (b->n_pairs + before + n_fields > b->cap_pairs) { /* pv and pr grow together */
        size_t nc = b->cap_pairs ? b->cap_pairs * 2 : 4096;
        while (nc < b->n_pairs + before + n_fields)
            nc *= 2;
        uint32_t *pv = realloc(b->pv, nc * sizeof *pv);
        if (pv)
            b->pv = pv;
        uint16_t *pr = pv ? realloc(b->pr, nc * sizeof *pr) : NULL;
        if (!pr)
            return SW_ENOMEM;
        b->pr = pr;
        b->cap_pairs = nc;
    }
    brow_t *r = &b->rows[b->cur];
    if (row_room(r, n_fields))
        return SW_ENOMEM;
    /* room for every field to bring a new value: no rehash inside a row */
    if ((b->n_values + before + n_fields) * 2 > b->cap_vslots &&
        vrehash(b, b->n_values + before + n_fields))
        return SW_ENOMEM;
    int rc = row_begin(b, r, fids, fields, n_fields);
    if (!rc)
        rc = idx_build_flush(b);
    if (rc)
        return rc;
    r->row = (uint16_t)b->n_rows;
    if (has_time)
        b->hastime[r->row / 64] |= (uint64_t)1 << (r->row % 64);
    b->n_rows++;
    if (!fids)
        return row_finish(b, r);
    b->pending = 1;
    b->cur = !b->cur;
    return SW_OK;
}

static size_t al8(size_t x)
{
    return (x + 7) & ~(size_t)7;
}

/* A value as sealing reads it, in the piece's order. */
typedef struct sval {
    uint32_t text_off, text_len, count, field;
    uint8_t digits, twice;
} sval_t;

/* The bytes s and t have in common from the start, of their first m and
 * at most 255 (a u8 counts them), 8 at a time (little-endian: the lowest
 * differing byte is the lowest set bit's). */
static uint32_t common_prefix(const char *s, const char *t, uint32_t m)
{
    uint32_t i = 0, lim = m < 255 ? m : 255;
    for (; i + 8 <= lim; i += 8) {
        uint64_t a, c;
        memcpy(&a, s + i, 8);
        memcpy(&c, t + i, 8);
        if (a != c)
            return i + (uint32_t)__builtin_ctzll(a ^ c) / 8;
    }
    while (i < lim && s[i] == t[i])
        i++;
    return i;
}

int idx_build_seal(idx_build_t *b, uint64_t team_id, uint64_t store_id, uint64_t stamp,
                   uint8_t **out, size_t *out_len)
{
    *out = NULL;
    if (idx_build_flush(b))
        return SW_ENOMEM;
    size_t nf = b->n_fields, nv = b->n_values, np = b->n_pairs;
    uint32_t *newid = malloc((nv ? nv : 1) * sizeof *newid);
    uint32_t *old = malloc((nv ? nv : 1) * sizeof *old);
    uint32_t *fa = calloc(nf + 1, sizeof *fa), *fb = calloc(nf + 1, sizeof *fb);
    /* each value in its new order, gathered once: the passes after read
     * it in order, not the values at random */
    sval_t *sv = malloc((nv ? nv : 1) * sizeof *sv);
    uint32_t *pend = NULL;  /* each value's post_end */
    uint8_t *shared = NULL; /* a digit value's bytes shared with the one before */
    int64_t *coded = NULL;  /* per field: > 0, its digit values are front-coded */
    int rc = SW_ENOMEM;
    uint8_t *buf = NULL;
    if (!newid || !old || !fa || !fb || !sv)
        goto done;
    /* per field, its letter values first, then its digit values */
    for (size_t v = 0; v < nv; v++) {
        const bvalue_t *x = &b->values[v];
        (x->digits ? fb : fa)[x->field]++;
    }
    uint32_t at_v = 0;
    for (size_t f = 0; f < nf; f++) { /* fa[f], fb[f]: where its A and B values go */
        uint32_t na = fa[f], nb = fb[f];
        fa[f] = at_v;
        fb[f] = at_v + na;
        at_v += na + nb;
    }
    for (size_t v = 0; v < nv; v++) {
        const bvalue_t *x = &b->values[v];
        uint32_t k = (x->digits ? fb : fa)[x->field]++;
        newid[v] = k;
        old[k] = (uint32_t)v;
        sv[k] = (sval_t){.text_off = x->text_off,
                         .text_len = x->text_len,
                         .count = x->count,
                         .field = x->field,
                         .digits = x->digits,
                         .twice = x->twice};
    }
    size_t len[IDX_NSEC];
    len[IDX_S_FIELDS] = nf * sizeof(idx_field_t);
    len[IDX_S_NAMES] = b->names_len;
    len[IDX_S_VALUES] = nv * sizeof(idx_value_t);
    /* the text: a letter value's bytes and a NUL; a digit value's front-
     * coded (evidx.h): shared[k] its bytes in common with the one before */
    if (!(shared = malloc(nv ? nv : 1)) || !(coded = calloc(nf + 1, sizeof *coded)))
        goto done;
    size_t text_len = 0;
    for (size_t k = 0; k < nv; k++) { /* coded[f]: the bytes front coding saves */
        const sval_t *x = &sv[k];
        shared[k] = 0;
        if (x->digits && (k - fa[x->field]) % IDX_FC_RESTART) {
            const sval_t *y = &sv[k - 1];
            shared[k] =
                (uint8_t)common_prefix(b->text + x->text_off, b->text + y->text_off,
                                       x->text_len < y->text_len ? x->text_len : y->text_len);
        }
        if (x->digits)
            coded[x->field] += (int64_t)shared[k] - 1 - (int64_t)(x->text_len + 1) / 4;
    }
    for (size_t k = 0; k < nv; k++) { /* front-coded where it saves a quarter */
        const sval_t *x = &sv[k];
        int fc = x->digits && coded[x->field] > 0;
        if (!fc)
            shared[k] = 0;
        text_len += x->text_len + 1 + (size_t)fc - shared[k];
    }
    len[IDX_S_TEXT] = text_len;
    /* each value's postings: a list of u16, or a bitmap when that is
     * smaller (8-byte aligned: up to 3 u16 of padding before it) and the
     * value is in no row twice (an array holding it twice: its count by
     * counts both, as the evaluator's does) */
    uint32_t words = (b->n_rows + 63) / 64, e = 0;
    if (!(pend = malloc((nv ? nv : 1) * sizeof *pend)))
        goto done;
    for (size_t k = 0; k < nv; k++) { /* twice: known since the rows were added */
        uint32_t c = sv[k].count;
        if ((uint64_t)c * 2 > (uint64_t)words * 8 + 6 && !sv[k].twice)
            pend[k] = (e = ((e + 3) & ~3u) + words * 4) | IDX_POST_BM;
        else
            pend[k] = e += c;
    }
    len[IDX_S_POST] = (size_t)e * 2;
    len[IDX_S_TIME] = (size_t)(b->n_rows + 63) / 64 * 8;
    len[IDX_S_HASH] = nv * 2;
    size_t off[IDX_NSEC], at = IDX_HDR + IDX_NSEC * 24;
    for (int s = 0; s < IDX_NSEC; s++) {
        off[s] = at = al8(at);
        at += len[s];
    }
    size_t total = al8(at);
    if (!(buf = calloc(1, total)))
        goto done;
    idx_value_t *V = (idx_value_t *)(void *)(buf + off[IDX_S_VALUES]);
    char *T = (char *)buf + off[IDX_S_TEXT];
    uint16_t *P = (uint16_t *)(void *)(buf + off[IDX_S_POST]);
    uint16_t *HS = (uint16_t *)(void *)(buf + off[IDX_S_HASH]);
    size_t tp = 0;
    for (size_t k = 0; k < nv; k += 4) { /* idx_hash16, four values at a time */
        const char *s4[4];
        size_t n4[4];
        uint64_t h4[4];
        for (size_t l = 0; l < 4; l++) {
            const sval_t *x = &sv[k + l < nv ? k + l : k];
            s4[l] = b->text + x->text_off;
            n4[l] = strnlen(s4[l], x->text_len);
        }
        sw_field_hash4(s4, n4, h4);
        for (size_t l = 0; l < 4 && k + l < nv; l++)
            HS[k + l] = (uint16_t)(h4[l] >> 48);
    }
    for (size_t k = 0; k < nv; k++) {
        const sval_t *x = &sv[k];
        V[k].text_off = (uint32_t)tp;
        const char *src = b->text + x->text_off;
        if (x->digits && coded[x->field] > 0) /* a digit value, coded */
            T[tp++] = (char)shared[k];
        memcpy(T + tp, src + shared[k], x->text_len - shared[k]);
        T[tp + x->text_len - shared[k]] = '\0';
        tp += x->text_len - shared[k] + 1;
        V[k].post_end = pend[k];
    }
    {
        uint32_t *fill = malloc((nv ? nv : 1) * sizeof *fill);
        if (!fill)
            goto done;
        for (size_t k = 0; k < nv; k++) {
            fill[k] = k ? pend[k - 1] & ~IDX_POST_BM : 0;
            if (pend[k] & IDX_POST_BM)
                fill[k] = (fill[k] + 3) & ~3u;
        }
        for (size_t i = 0; i < np; i++) {
            uint32_t k = newid[b->pv[i]], r = b->pr[i];
            if (pend[k] & IDX_POST_BM) {
                uint64_t *w = (uint64_t *)(void *)(P + fill[k]);
                w[r >> 6] |= (uint64_t)1 << (r & 63);
            } else {
                P[fill[k]++] = (uint16_t)r;
            }
        }
        free(fill);
    }
    idx_field_t *F = (idx_field_t *)(void *)(buf + off[IDX_S_FIELDS]);
    uint32_t v0 = 0;
    for (size_t f = 0; f < nf; f++) {
        idx_field_t *x = &F[f];
        x->name_hash = b->fields[f].name_hash;
        x->name_off = b->fields[f].name_off;
        x->name_len = b->fields[f].name_len;
        x->v0 = v0;
        x->vb = fa[f];
        x->v1 = v0 + b->fields[f].n_values;
        x->dcoded = coded[f] > 0;
        x->text0 = x->v1 > x->v0 ? V[x->v0].text_off : 0;
        x->text1 = x->v1 > x->v0 ? (x->v1 < nv ? V[x->v1].text_off : (uint32_t)tp) : 0;
        uint32_t p0 = x->v0 ? pend[x->v0 - 1] & ~IDX_POST_BM : 0,
                 p1 = x->v1 ? pend[x->v1 - 1] & ~IDX_POST_BM : 0;
        x->sum_values = idx_values_sum(V, HS, x->v0, x->v1);
        x->sum_text = idx_sum(T + x->text0, x->text1 - x->text0);
        x->sum_post = idx_sum(P + p0, (size_t)(p1 - p0) * 2);
        v0 = x->v1;
    }
    if (b->names_len) /* none when every row is empty (records the log lost) */
        memcpy(buf + off[IDX_S_NAMES], b->names, b->names_len);
    if (len[IDX_S_TIME])
        memcpy(buf + off[IDX_S_TIME], b->hastime, len[IDX_S_TIME]);
    /* the header and the section table */
    memcpy(buf, idx_magic, 5);
    buf[5] = IDX_KIND;
    buf[6] = IDX_FORMAT;
    uint64_t first = b->first_row;
    uint32_t h32[4] = {b->n_rows, (uint32_t)nf, (uint32_t)nv, e};
    memcpy(buf + 8, &team_id, 8);
    memcpy(buf + 16, &store_id, 8);
    memcpy(buf + 24, &first, 8);
    memcpy(buf + 32, h32, 16);
    memcpy(buf + 48, &stamp, 8);
    for (int s = 0; s < IDX_NSEC; s++) {
        uint64_t o = off[s], l = len[s];
        /* the big sections are checked field by field (idx_field_t) */
        uint32_t sum = s == IDX_S_FIELDS || s == IDX_S_NAMES || s == IDX_S_TIME
                           ? idx_sum(buf + off[s], len[s])
                           : 0,
                 pad = 0;
        memcpy(buf + IDX_HDR + s * 24, &o, 8);
        memcpy(buf + IDX_HDR + s * 24 + 8, &l, 8);
        memcpy(buf + IDX_HDR + s * 24 + 16, &sum, 4);
        memcpy(buf + IDX_HDR + s * 24 + 20, &pad, 4);
    }
    uint32_t hs = idx_sum(buf, 60) ^ idx_sum(buf + IDX_HDR, IDX_NSEC * 24);
    memcpy(buf + 60, &hs, 4);
    *out = buf;
    *out_len = total;
    buf = NULL;
    rc = SW_OK;
done:
    free(buf);
    free(newid);
    free(old);
    free(fa);
    free(fb);
    free(sv);
    free(pend);
    free(shared);
    free(coded);
    return rc;
}

/* ---- reading a piece ------------------------------------------------------------ */

int idx_piece_open(idx_piece_t *p, const uint8_t *b, size_t len, uint64_t team_id,
                   uint64_t store_id)
{
    memset(p, 0, sizeof *p);
    if (len < IDX_HDR + IDX_NSEC * 24 || memcmp(b, idx_magic, 5) || b[5] != IDX_KIND ||
        b[6] != IDX_FORMAT)
        return SW_EINVAL;
    uint64_t tid, sid;
    uint32_t hs, h[4];
    memcpy(&tid, b + 8, 8);
    memcpy(&sid, b + 16, 8);
    memcpy(&hs, b + 60, 4);
    /* store id 0: a piece written before stores had one (its stamp still
     * ties it to the log) */
    if (tid != team_id || (sid && sid != store_id) ||
        hs != (idx_sum(b, 60) ^ idx_sum(b + IDX_HDR, IDX_NSEC * 24)))
        return SW_EINVAL;
    memcpy(&p->first_row, b + 24, 8);
    memcpy(h, b + 32, 16);
    memcpy(&p->stamp, b + 48, 8);
    p->n_rows = h[0];
    p->n_fields = h[1];
    p->n_values = h[2];
    p->n_post = h[3];
    if (p->n_rows == 0 || p->n_rows > IDX_PIECE)
        return SW_EINVAL;
    for (int s = 0; s < IDX_NSEC; s++) {
        memcpy(&p->sec_off[s], b + IDX_HDR + s * 24, 8);
        memcpy(&p->sec_len[s], b + IDX_HDR + s * 24 + 8, 8);
        memcpy(&p->sec_sum[s], b + IDX_HDR + s * 24 + 16, 4);
        if (p->sec_off[s] % 8 || p->sec_off[s] > len || p->sec_len[s] > len - p->sec_off[s])
            return SW_EINVAL;
    }
    if (p->sec_len[IDX_S_FIELDS] != (uint64_t)p->n_fields * sizeof(idx_field_t) ||
        p->sec_len[IDX_S_VALUES] != (uint64_t)p->n_values * sizeof(idx_value_t) ||
        p->sec_len[IDX_S_POST] != (uint64_t)p->n_post * 2 ||
        p->sec_len[IDX_S_TIME] != (uint64_t)(p->n_rows + 63) / 64 * 8 ||
        p->sec_len[IDX_S_HASH] != (uint64_t)p->n_values * 2 || p->sec_len[IDX_S_TEXT] > UINT32_MAX)
        return SW_EINVAL;
    const int small[] = {IDX_S_FIELDS, IDX_S_NAMES, IDX_S_TIME};
    for (size_t i = 0; i < 3; i++)
        if (idx_sum(b + p->sec_off[small[i]], p->sec_len[small[i]]) != p->sec_sum[small[i]])
            return SW_EINVAL;
    p->p = b;
    p->len = len;
    p->fields = (const idx_field_t *)(const void *)(b + p->sec_off[IDX_S_FIELDS]);
    p->names = (const char *)b + p->sec_off[IDX_S_NAMES];
    p->values = (const idx_value_t *)(const void *)(b + p->sec_off[IDX_S_VALUES]);
    p->text = (const char *)b + p->sec_off[IDX_S_TEXT];
    p->text_len = p->sec_len[IDX_S_TEXT];
    p->post = (const uint16_t *)(const void *)(b + p->sec_off[IDX_S_POST]);
    p->hastime = (const uint64_t *)(const void *)(b + p->sec_off[IDX_S_TIME]);
    p->hash = (const uint16_t *)(const void *)(b + p->sec_off[IDX_S_HASH]);
    uint32_t prev = 0;
    size_t nl = p->sec_len[IDX_S_NAMES];
    for (uint32_t f = 0; f < p->n_fields; f++) {
        const idx_field_t *x = &p->fields[f];
        if (x->v0 != prev || x->vb < x->v0 || x->v1 < x->vb || x->v1 > p->n_values ||
            x->name_off >= nl || x->name_len >= nl - x->name_off ||
            p->names[x->name_off + x->name_len] != '\0' || x->text0 > x->text1 || x->dcoded > 1 ||
            x->text1 > p->text_len)
            return SW_EINVAL;
        prev = x->v1;
    }
    if (prev != p->n_values || !(p->fchecked = calloc(p->n_fields ? p->n_fields : 1, 1)))
        return SW_EINVAL;
    return SW_OK;
}

uint32_t idx_sum(const void *p, size_t len)
{
    const uint8_t *s = p;
    uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0xc2b2ae3d27d4eb4fULL, c = 0x165667b19e3779f9ULL,
             d = 0x27d4eb2f165667c5ULL;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) { /* four lanes: the multiplies overlap */
        uint64_t x[4];
        memcpy(x, s + i, 32);
        a = (a ^ x[0]) * 0xff51afd7ed558ccdULL;
        b = (b ^ x[1]) * 0xc4ceb9fe1a85ec53ULL;
        c = (c ^ x[2]) * 0xff51afd7ed558ccdULL;
        d = (d ^ x[3]) * 0xc4ceb9fe1a85ec53ULL;
        a ^= a >> 29;
        b ^= b >> 31;
        c ^= c >> 29;
        d ^= d >> 31;
    }
    uint64_t t = seg_sum(s + i, len - i); /* the last 0-31 bytes */
    uint64_t h = (a ^ (b * 31) ^ (c * 61) ^ (d * 127) ^ t) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

uint32_t idx_values_sum(const idx_value_t *values, const uint16_t *hash, uint32_t v0, uint32_t v1)
{
    return idx_sum(values + v0, (size_t)(v1 - v0) * sizeof *values) ^
           idx_sum(hash + v0, (size_t)(v1 - v0) * 2) * 0x9e3779b1u;
}

uint16_t idx_hash16(const char *s, size_t n)
{
    return (uint16_t)(sw_field_hash(s, n) >> 48);
}

int idx_field_check(idx_piece_t *p, uint32_t f)
{
    if (p->fchecked[f] & 1)
        return SW_OK;
    const idx_field_t *x = &p->fields[f];
    const idx_value_t *V = p->values;
    if (idx_values_sum(V, p->hash, x->v0, x->v1) != x->sum_values ||
        idx_sum(p->text + x->text0, x->text1 - x->text0) != x->sum_text)
        return SW_EIO;
    uint32_t prev = x->v0 ? V[x->v0 - 1].post_end & ~IDX_POST_BM : 0;
    if (x->v0 && x->v0 <= p->n_values && prev > p->n_post)
        return SW_EIO;
    uint32_t t = x->text0, words = (p->n_rows + 63) / 64, plen = 0;
    for (uint32_t v = x->v0; v < x->v1; v++) {
        uint32_t next = v + 1 < x->v1 ? V[v + 1].text_off : x->text1;
        uint32_t end = V[v].post_end & ~IDX_POST_BM;
        if (V[v].text_off != t || next <= t || next > x->text1 || p->text[next - 1] != '\0' ||
            end < prev || end > p->n_post ||
            ((V[v].post_end & IDX_POST_BM) && ((prev + 3) & ~3u) + (uint64_t)words * 4 != end))
            return SW_EIO;
        if (v >= x->vb && x->dcoded) { /* coded: shares no more than the value before has */
            uint32_t sh = (uint8_t)p->text[t];
            if (next - t < 2 || sh > plen || ((v - x->vb) % IDX_FC_RESTART == 0 && sh))
                return SW_EIO;
            plen = sh + (next - t - 2);
        }
        t = next;
        prev = end;
    }
    if (t != x->text1 && x->v1 > x->v0)
        return SW_EIO;
    p->fchecked[f] |= 1;
    return SW_OK;
}

int idx_post_check(idx_piece_t *p, uint32_t f)
{
    if (p->fchecked[f] & 2)
        return SW_OK;
    if (idx_field_check(p, f))
        return SW_EIO;
    const idx_field_t *x = &p->fields[f];
    const idx_value_t *V = p->values;
    uint32_t p0 = x->v0 ? V[x->v0 - 1].post_end & ~IDX_POST_BM : 0,
             p1 = x->v1 > x->v0 ? V[x->v1 - 1].post_end & ~IDX_POST_BM : p0;
    if (idx_sum(p->post + p0, (size_t)(p1 - p0) * 2) != x->sum_post)
        return SW_EIO;
    uint32_t words = (p->n_rows + 63) / 64;
    for (uint32_t v = x->v0; v < x->v1; v++) {
        const uint64_t *bm = idx_post_bitmap(p, v);
        if (bm) { /* no row past the piece's */
            if (p->n_rows % 64 && bm[words - 1] >> (p->n_rows % 64))
                return SW_EIO;
            continue;
        }
        for (uint32_t i = idx_post_start(p, v), e = idx_post_end(p, v); i < e; i++)
            if (p->post[i] >= p->n_rows)
                return SW_EIO;
    }
    p->fchecked[f] |= 2;
    return SW_OK;
}

/* ---- decoding the digit values ------------------------------------------------ */

void idx_scratch_free(idx_scratch_t *s)
{
    free(s->buf);
    free(s->off);
    memset(s, 0, sizeof *s);
}

static int scratch_room(idx_scratch_t *s, size_t need)
{
    return grow((void **)&s->buf, &s->cap, need, 1) ? SW_ENOMEM : SW_OK;
}

/* Decode values [from, to) of field x's digit region, from from's restart
 * on, into sc->buf at 0 (offs: each value's offset, or NULL: each value
 * over the one before, only the last kept). *n: the last one's length.
 * Every coded byte is checked against the field's bounds here too: a
 * field that passed idx_field_check cannot fail, and one that did not
 * cannot make it read out of bounds. */
static int digits_walk(const idx_piece_t *p, const idx_field_t *x, uint32_t from, uint32_t to,
                       idx_scratch_t *sc, uint32_t *offs, uint32_t *n)
{
    if (x->text1 > p->text_len || from < x->vb || to > x->v1)
        return SW_EIO;
    const char *T = p->text;
    uint32_t hd = x->dcoded ? 1 : 0; /* the shared length's byte before the rest */
    size_t at = 0, plen = 0;         /* the previous value: buf[at - plen - 1, at - 1) */
    uint32_t k = (from - x->vb) % IDX_FC_RESTART; /* from's place after its restart */
#ifdef __SSE2__
    /* a value of up to 31 bytes is made in two registers: the previous
     * value's first sh bytes, then its rest loaded where it lands (the
     * 32 bytes at its coded start - sh), zeros past it. Nothing is read
     * back from the bytes just written (a load spanning two recent
     * stores stalls: most of the time of a byte-wise decoding). */
    const __m128i i0 = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i i1 = _mm_add_epi8(i0, _mm_set1_epi8(16));
    __m128i c0 = _mm_setzero_si128(), c1 = c0; /* the previous value, when inreg */
    int inreg = 0;
#endif
    for (uint32_t v = from; v < to; v++) {
        uint32_t o = p->values[v].text_off,
                 next = v + 1 < x->v1 ? p->values[v + 1].text_off : x->text1;
        if (o < x->text0 || next > x->text1 || next <= o || next - o < 1 + hd ||
            T[next - 1] != '\0')
            return SW_EIO;
        size_t sh = hd ? (uint8_t)T[o] : 0, rest = next - o - 1 - hd;
        if (sh > plen || (k == 0 && sh))
            return SW_EIO;
        k = k + 1 == IDX_FC_RESTART ? 0 : k + 1;
        size_t start = offs ? at : 0, len = sh + rest;
        if (start + len + 1 > UINT32_MAX)
            return SW_EIO;
        if (start + len + 33 > sc->cap && scratch_room(sc, start + len + 33))
            return SW_ENOMEM;
        char *d = sc->buf + start;
#ifdef __SSE2__
        if (len < 32 && o + hd >= sh && (size_t)o + hd - sh + 32 <= p->text_len) {
            if (sh && !inreg) { /* the previous value, from the scratch */
                const char *pv = d - (offs ? plen + 1 : 0);
                c0 = _mm_loadu_si128((const __m128i *)(const void *)pv);
                c1 = _mm_loadu_si128((const __m128i *)(const void *)(pv + 16));
            }
            const char *src = T + o + hd - sh;
            __m128i s0 = _mm_loadu_si128((const __m128i *)(const void *)src);
            __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)(src + 16));
            __m128i vs = _mm_set1_epi8((char)sh), vl = _mm_set1_epi8((char)len);
            __m128i k0 = _mm_cmplt_epi8(i0, vs), k1 = _mm_cmplt_epi8(i1, vs);
            c0 = _mm_and_si128(_mm_or_si128(_mm_and_si128(k0, c0), _mm_andnot_si128(k0, s0)),
                               _mm_cmplt_epi8(i0, vl));
            c1 = _mm_and_si128(_mm_or_si128(_mm_and_si128(k1, c1), _mm_andnot_si128(k1, s1)),
                               _mm_cmplt_epi8(i1, vl));
            _mm_storeu_si128((__m128i *)(void *)d, c0);
            _mm_storeu_si128((__m128i *)(void *)(d + 16), c1);
            inreg = 1;
            goto next_value;
        }
        inreg = 0;
#endif
        if (offs && sh) /* the previous value ends before d: its bytes are read first */
            memcpy(d, d - plen - 1, sh);
        /* else: the shared bytes are in place already */
        memcpy(d + sh, T + o + hd, rest);
        d[len] = '\0';
#ifdef __SSE2__
    next_value:
#endif
        if (offs)
            offs[v - from] = (uint32_t)start;
        at = start + len + 1;
        plen = len;
    }
    if (offs)
        offs[to - from] = (uint32_t)at;
    *n = (uint32_t)plen;
    return SW_OK;
}

int idx_value_text(const idx_piece_t *p, const idx_field_t *x, uint32_t v, idx_scratch_t *sc,
                   const char **s, uint32_t *n)
{
    if (v < x->vb || !x->dcoded) {
        *s = p->text + p->values[v].text_off;
        *n = idx_value_len(p, x, v);
        return SW_OK;
    }
    uint32_t r = x->vb + (v - x->vb) / IDX_FC_RESTART * IDX_FC_RESTART;
    int rc = digits_walk(p, x, r, v + 1, sc, NULL, n);
    *s = rc ? "" : sc->buf;
    return rc;
}

int idx_digits_decode(const idx_piece_t *p, const idx_field_t *x, idx_scratch_t *sc)
{
    uint32_t n;
    if (grow((void **)&sc->off, &sc->off_cap, (size_t)(x->v1 - x->vb) + 1, sizeof *sc->off))
        return SW_ENOMEM;
    sc->off[0] = 0;
    return x->v1 > x->vb ? digits_walk(p, x, x->vb, x->v1, sc, sc->off, &n) : SW_OK;
}

void idx_piece_free(idx_piece_t *p)
{
    free(p->fchecked);
    if (p->map_len)
        munmap(p->mem, p->map_len);
    else
        free(p->mem);
    memset(p, 0, sizeof *p);
}
