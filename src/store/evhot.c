/* evhot.c — searching a team's segment: the columns (store/evseg.h, mapped
 * from disk, nothing loaded) narrow the rows, the JSON of each candidate is
 * checked against the whole query.
 *
 * Design notes:
 *  1. Rows are a team's records in arrival order; a record's id is
 *     store_id(team, row). Results go out in time order, then arrival:
 *     when the team's times never go backwards (the usual case, tracked in
 *     `sorted`) row order is time order and nothing is sorted.
 *  2. Time zones: the least and greatest time of each block of HOT_BLOCK
 *     rows, so a time range reads only the blocks it can hit. Computed from
 *     the mapped `ts` column on first use in a process (one pass over 8
 *     bytes a row) and caught up with new rows before each search.
 *  3. CommandLine is one mapped file of lower-cased text, rows separated by
 *     NUL. A wildcard's longest literal is searched with an SSE2
 *     first/last-byte filter (W. Mula's "SIMD friendly" strstr) over it;
 *     each hit is mapped to its row by binary search over `cend` and the row
 *     is checked with the full glob.
 *  4. Dictionary columns (Computer, Image, User, ...) hold ids; an equality
 *     is one id compare a row, count by / top count per id.
 *  5. Exactness: a column holds a field's first value; a team with
 *     irregular rows (the `multi` list) has every such row treated as a
 *     candidate and checked on its JSON, and no aggregate is answered from
 *     the columns unless the query is exact on them.
 *  6. A token index over CommandLine answers most hunts without the scan:
 *     tokens are maximal runs of [a-z0-9_.$-] (and non-ASCII bytes); the
 *     distinct tokens sit NUL-separated in one buffer with a posting list
 *     (row numbers) each. A literal made of token bytes can only occur
 *     inside one token, so the rows holding it are the union of the postings
 *     of the tokens that contain it — found by scanning the (small) token
 *     buffer instead of all the text. Every HOT_TOK_CHUNK rows the index
 *     is a file, tok.<first>-<rows> (evseg.h), written by the first search
 *     that needs it and mapped by every later one; every HOT_TOK_MERGE such
 *     files are merged into one (tokens recur from file to file, so a
 *     search scans ~5x fewer token bytes). A new process indexes only the
 *     rows past the last whole file, in memory, and keeps that up to date.
 *  7. Every value read from the files is bounds-checked (evseg.h invariant
 *     2): a damaged segment is an SW_EIO error naming the row.
 *
 * Cost: a search is O(rows of the blocks its time range hits) column reads,
 * or O(CommandLine bytes) for a scan, plus one JSON parse per candidate. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "store/evstore_int.h"

#define HOT_BLOCK 4096
#define HOT_TOK_CHUNK (1u << 18) /* rows a token index file covers */
#define HOT_TOK_MERGE 8          /* ... and files merged into one, once all there */

typedef struct hot_chunk {
    seg_tok_t tok;
    void *mem; /* malloc'd, or mapped (map_len) */
    size_t map_len;
} hot_chunk_t;

typedef struct rowlist {
    uint32_t *v;
    size_t n, cap;
} rowlist_t;

struct store_hot {
    /* time zones (note 2) */
    size_t z_rows;
    int64_t *zmin, *zmax;
    size_t cap_z;
    int sorted;
    /* CommandLine token index (note 6): whole chunks, then the rows past
     * them in memory from tok_base on */
    hot_chunk_t *chunks;
    size_t n_chunks, cap_chunks;
    size_t tok_base;
    size_t tok_rows; /* rows indexed so far */
    char *tok_text;  /* distinct tokens, '\0' after each */
    size_t tok_text_len, tok_text_cap;
    uint64_t *tok_off; /* tok_off[id]: start of token id in tok_text */
    struct hot_post {
        uint32_t *rows;
        uint32_t n, cap;
    } * post;
    size_t n_toks, cap_toks;
    uint32_t *tok_slots; /* open addressing: token id + 1, 0 empty */
    size_t cap_tok_slots;
};

static void tok_free(store_hot_t *h)
{
    for (size_t i = 0; i < h->n_toks; i++)
        free(h->post[i].rows);
    free(h->post);
    free(h->tok_text);
    free(h->tok_off);
    free(h->tok_slots);
    h->post = NULL;
    h->tok_text = NULL;
    h->tok_off = NULL;
    h->tok_slots = NULL;
    h->n_toks = h->cap_toks = h->cap_tok_slots = h->tok_text_len = h->tok_text_cap = 0;
    h->tok_rows = h->tok_base;
}

static void chunks_free(store_hot_t *h)
{
    for (size_t i = 0; i < h->n_chunks; i++) {
        if (h->chunks[i].map_len)
            munmap(h->chunks[i].mem, h->chunks[i].map_len);
        else
            free(h->chunks[i].mem);
    }
    free(h->chunks);
    h->chunks = NULL;
    h->n_chunks = h->cap_chunks = 0;
}

void store_hot_free(store_hot_t *h)
{
    if (!h)
        return;
    free(h->zmin);
    free(h->zmax);
    tok_free(h);
    chunks_free(h);
    free(h);
}

static int grow(void **p, size_t n, size_t elem)
{
    void *q = realloc(*p, n * elem);
    if (!q)
        return SW_ENOMEM;
    *p = q;
    return SW_OK;
}

static int rl_push(rowlist_t *l, size_t r)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        if (grow((void **)&l->v, nc, sizeof *l->v))
            return SW_ENOMEM;
        l->cap = nc;
    }
    l->v[l->n++] = (uint32_t)r;
    return SW_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int damaged(const sw_store_team_t *t, const char *what, size_t r, sw_errbuf_t *err)
{
    return sw_seterr(err, SW_EIO, "team %s: segment %s damaged at record %zu (%s)", t->name, what,
                     r + 1, t->seg.dir);
}

/* Catch the time zones up with the rows (note 2). O(new rows). */
static int hot_sync(sw_store_team_t *t, sw_errbuf_t *err)
{
    if (!t->hot) {
        if (!(t->hot = calloc(1, sizeof *t->hot)))
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        t->hot->sorted = 1;
    }
    store_hot_t *h = t->hot;
    const seg_view_t *v = &t->seg.v;
    size_t n = v->n_rows;
    if (n < h->z_rows || n < h->tok_rows) { /* cannot shrink; start over if it did */
        h->z_rows = 0;
        h->sorted = 1;
        chunks_free(h);
        h->tok_base = 0;
        tok_free(h);
    }
    size_t nb = (n + HOT_BLOCK - 1) / HOT_BLOCK;
    if (nb > h->cap_z) {
        size_t nc = h->cap_z ? h->cap_z : 64;
        while (nc < nb)
            nc *= 2;
        if (grow((void **)&h->zmin, nc, sizeof *h->zmin) ||
            grow((void **)&h->zmax, nc, sizeof *h->zmax))
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        h->cap_z = nc;
    }
    const int64_t *ts = seg_ts(v);
    for (size_t r = h->z_rows; r < n; r++) {
        size_t b = r / HOT_BLOCK;
        int64_t x = ts[r];
        if (r % HOT_BLOCK == 0) {
            h->zmin[b] = h->zmax[b] = x;
        } else {
            if (x < h->zmin[b])
                h->zmin[b] = x;
            if (x > h->zmax[b])
                h->zmax[b] = x;
        }
        if (r && x < ts[r - 1])
            h->sorted = 0;
    }
    h->z_rows = n;
    return SW_OK;
}

/* ---- conditions ------------------------------------------------------------ */

typedef enum { HC_TIME, HC_EQ, HC_EXISTS, HC_IEQ, HC_IRANGE } hot_cond_kind_t;

typedef struct hot_cond {
    hot_cond_kind_t kind;
    int col;
    uint32_t id;
    int64_t lo, hi;  /* HC_TIME (inclusive), HC_IEQ (lo) */
    double dlo, dhi; /* HC_IRANGE */
    int has_lo, has_hi, lo_incl, hi_incl;
} hot_cond_t;

#define HOT_MAX_CONDS 64

/* How a query runs on the columns. */
typedef struct hot_plan {
    hot_cond_t c[HOT_MAX_CONDS]; /* top-level conjuncts the columns answer exactly */
    size_t nc;
    const sw_qnode_t *cmd; /* a CommandLine term or wildcard not in c */
    size_t n_left;         /* conjuncts not in c */
    int multi;             /* the team has irregular rows */
    int64_t lo, hi;        /* the time window of the HC_TIME conditions */
} hot_plan_t;

/* The top-level conjuncts the columns can check (time always; the others
 * only when the team has no irregular rows, note 5). */
static int plan(sw_store_team_t *t, const sw_query_t *q, hot_plan_t *pl, sw_errbuf_t *err)
{
    memset(pl, 0, sizeof *pl);
    pl->multi = t->seg.v.n_multi > 0;
    pl->lo = INT64_MIN;
    pl->hi = INT64_MAX;
    const sw_qnode_t *root = q->root;
    sw_qnode_t *const *kids = (sw_qnode_t *const *)&root;
    size_t n = 1;
    if (root->kind == SW_QN_AND) {
        kids = root->kids;
        n = root->n_kids;
    }
    for (size_t i = 0; i < n; i++) {
        const sw_qnode_t *x = kids[i];
        if (x->kind == SW_QN_ALL)
            continue;
        hot_cond_t *c = &pl->c[pl->nc];
        memset(c, 0, sizeof *c);
        int ok = 0, col = x->field ? store_col_of(x->field) : -1;
        if (pl->nc == HOT_MAX_CONDS || !x->field) {
            ok = 0;
        } else if (x->field_is_time) {
            if (x->kind == SW_QN_RANGE && x->range_type == SW_QR_TIME) {
                c->kind = HC_TIME;
                c->lo = !x->has_lo ? INT64_MIN : x->lo_incl ? x->lo_ms : x->lo_ms + 1;
                c->hi = !x->has_hi ? INT64_MAX : x->hi_incl ? x->hi_ms : x->hi_ms - 1;
                if (c->lo > pl->lo)
                    pl->lo = c->lo;
                if (c->hi < pl->hi)
                    pl->hi = c->hi;
                ok = 1;
            }
        } else if (!pl->multi && col >= 0 && col != STORE_COL_CMDLINE) {
            c->col = col;
            if (col == STORE_COL_EVENTID) {
                if (x->kind == SW_QN_TERM && store_canonical_int(x->value, x->value_len, &c->lo)) {
                    c->kind = HC_IEQ;
                    ok = 1;
                } else if (x->kind == SW_QN_RANGE && x->range_type == SW_QR_NUMBER) {
                    c->kind = HC_IRANGE;
                    c->has_lo = x->has_lo;
                    c->has_hi = x->has_hi;
                    c->lo_incl = x->lo_incl;
                    c->hi_incl = x->hi_incl;
                    c->dlo = x->lo_num;
                    c->dhi = x->hi_num;
                    ok = 1;
                }
            } else if (x->kind == SW_QN_TERM) {
                c->kind = HC_EQ;
                sw_errbuf_t e2;
                c->id = seg_dict_id(&t->seg, col, x->value, x->value_len, &e2);
                if (c->id == UINT32_MAX && t->seg.dict[col].n_loaded < t->seg.v.n_keys)
                    return sw_seterr(err, SW_EIO, "team %s: %s", t->name, e2.msg);
                ok = 1;
            } else if (x->kind == SW_QN_EXISTS) {
                c->kind = HC_EXISTS;
                ok = 1;
            }
        }
        if (ok) {
            pl->nc++;
            continue;
        }
        pl->n_left++;
        if (x->field && (x->kind == SW_QN_WILD || x->kind == SW_QN_TERM) &&
            col == STORE_COL_CMDLINE && !pl->cmd)
            pl->cmd = x;
    }
    return SW_OK;
}

static int row_ok(const seg_view_t *v, const hot_cond_t *c, size_t n, size_t r)
{
    for (size_t i = 0; i < n; i++, c++) {
        switch (c->kind) {
        case HC_TIME: {
            int64_t ts = seg_ts(v)[r];
            if (ts < c->lo || ts > c->hi)
                return 0;
            break;
        }
        case HC_EQ:
            if (seg_col(v, c->col)[r] != c->id)
                return 0;
            break;
        case HC_EXISTS:
            if (!seg_col(v, c->col)[r])
                return 0;
            break;
        case HC_IEQ:
            if (seg_eid(v)[r] != c->lo)
                return 0;
            break;
        case HC_IRANGE: {
            int64_t e = seg_eid(v)[r];
            if (e == SEG_ABSENT_INT)
                return 0;
            double d = (double)e;
            if (c->has_lo && (c->lo_incl ? d < c->dlo : d <= c->dlo))
                return 0;
            if (c->has_hi && (c->hi_incl ? d > c->dhi : d >= c->dhi))
                return 0;
            break;
        }
        }
    }
    return 1;
}

/* Rows [*a, min(*b, n_rows)) of the next run of blocks the time window can
 * hit, from block *b / HOT_BLOCK on; 0 when there are no more. */
static int next_blocks(const store_hot_t *h, const hot_plan_t *pl, size_t n_rows, size_t *a,
                       size_t *b)
{
    size_t blk = *b / HOT_BLOCK, nb = (n_rows + HOT_BLOCK - 1) / HOT_BLOCK;
    while (blk < nb && (h->zmax[blk] < pl->lo || h->zmin[blk] > pl->hi))
        blk++;
    if (blk >= nb)
        return 0;
    size_t end = blk + 1;
    while (end < nb && !(h->zmax[end] < pl->lo || h->zmin[end] > pl->hi))
        end++;
    *a = blk * HOT_BLOCK;
    *b = end * HOT_BLOCK;
    return 1;
}

/* ---- the CommandLine scan ----------------------------------------------------- */

/* The longest run of literal bytes in a lower-cased glob (escapes undone)
 * into lit; its length. */
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

/* Next occurrence of lit[0..n) (n >= 1) in buf[from..len), or len.
 * SSE2: compare 16 positions at once on the first and the last byte of lit,
 * verify the survivors with memcmp. */
static size_t find_lit(const char *buf, size_t len, size_t from, const char *lit, size_t n)
{
    if (n > len)
        return len;
    size_t last = len - n; /* last start position */
    size_t i = from;
#ifdef __SSE2__
    const __m128i f = _mm_set1_epi8(lit[0]);
    const __m128i l = _mm_set1_epi8(lit[n - 1]);
    for (; i + 16 <= last + 1; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(buf + i + n - 1));
        unsigned m =
            (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l)));
        while (m) {
            unsigned bit = (unsigned)__builtin_ctz(m);
            if (memcmp(buf + i + bit + 1, lit + 1, n > 1 ? n - 2 : 0) == 0 || n == 1)
                return i + bit;
            m &= m - 1;
        }
    }
#endif
    for (; i <= last; i++)
        if (buf[i] == lit[0] && memcmp(buf + i, lit, n) == 0)
            return i;
    return len;
}

/* The row holding byte offset o of the CommandLine text: the first row
 * whose end is past o (binary search over cend). */
static size_t row_of(const seg_view_t *v, size_t o)
{
    const uint64_t *ce = (const uint64_t *)(const void *)v->d[SF_CEND];
    size_t lo = 0, hi = v->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ce[mid] <= o)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 when row r's CommandLine matches cmd, 0 when not, -1 when damaged. */
static int cmd_row_matches(const seg_view_t *v, const sw_qnode_t *cmd, size_t r)
{
    size_t a, b;
    if (seg_cmd(v, r, &a, &b))
        return -1;
    const char *s = (const char *)v->d[SF_CMD] + a;
    size_t l = b - a;
    if (cmd->kind == SW_QN_TERM)
        return l == cmd->value_len && memcmp(s, cmd->value, l) == 0;
    return sw_query_glob(cmd->value, cmd->value_len, s, l);
}

/* ---- the CommandLine token index (note 6) ---------------------------------------- */

static int tok_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$' ||
           c == '-' || c >= 0x80;
}

static uint64_t tok_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

/* The id of token s[0..n), added if new; (size_t)-1 when out of memory. */
static size_t tok_id(store_hot_t *h, const char *s, size_t n)
{
    if ((h->n_toks + 1) * 2 > h->cap_tok_slots) {
        size_t nc = h->cap_tok_slots ? h->cap_tok_slots * 2 : 4096;
        uint32_t *sl = calloc(nc, sizeof *sl);
        if (!sl)
            return (size_t)-1;
        for (size_t i = 0; i < h->cap_tok_slots; i++) {
            if (!h->tok_slots[i])
                continue;
            size_t id = h->tok_slots[i] - 1;
            const char *t = h->tok_text + h->tok_off[id];
            size_t j = tok_hash(t, h->tok_off[id + 1] - h->tok_off[id] - 1) & (nc - 1);
            while (sl[j])
                j = (j + 1) & (nc - 1);
            sl[j] = h->tok_slots[i];
        }
        free(h->tok_slots);
        h->tok_slots = sl;
        h->cap_tok_slots = nc;
    }
    size_t j = tok_hash(s, n) & (h->cap_tok_slots - 1);
    while (h->tok_slots[j]) {
        size_t id = h->tok_slots[j] - 1;
        const char *t = h->tok_text + h->tok_off[id];
        if (h->tok_off[id + 1] - h->tok_off[id] == n + 1 && memcmp(t, s, n) == 0)
            return id;
        j = (j + 1) & (h->cap_tok_slots - 1);
    }
    if (h->n_toks == h->cap_toks) {
        size_t nc = h->cap_toks ? h->cap_toks * 2 : 4096;
        if (grow((void **)&h->post, nc, sizeof *h->post) ||
            grow((void **)&h->tok_off, nc + 1, sizeof *h->tok_off))
            return (size_t)-1;
        h->cap_toks = nc;
    }
    if (h->tok_text_len + n + 1 > h->tok_text_cap) {
        size_t nc = h->tok_text_cap ? h->tok_text_cap : 1 << 16;
        while (nc < h->tok_text_len + n + 1)
            nc *= 2;
        if (grow((void **)&h->tok_text, nc, 1))
            return (size_t)-1;
        h->tok_text_cap = nc;
    }
    size_t id = h->n_toks++;
    h->tok_off[id] = h->tok_text_len;
    memcpy(h->tok_text + h->tok_text_len, s, n);
    h->tok_text[h->tok_text_len + n] = '\0';
    h->tok_text_len += n + 1;
    h->tok_off[id + 1] = h->tok_text_len;
    h->post[id] = (struct hot_post){0};
    h->tok_slots[j] = (uint32_t)(id + 1);
    return id;
}

/* Index the rows not indexed yet, up to row `upto`. O(new CommandLine bytes). */
static int tok_sync(sw_store_team_t *t, size_t upto, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    const seg_view_t *v = &t->seg.v;
    if (upto > v->n_rows)
        upto = v->n_rows;
    for (size_t r = h->tok_rows; r < upto; r++) {
        size_t a, b;
        if (seg_cmd(v, r, &a, &b))
            return damaged(t, "cmd", r, err);
        const char *s = (const char *)v->d[SF_CMD] + a;
        size_t l = b - a;
        for (size_t i = 0; i < l;) {
            if (!tok_byte((unsigned char)s[i])) {
                i++;
                continue;
            }
            size_t st = i;
            while (i < l && tok_byte((unsigned char)s[i]))
                i++;
            size_t id = tok_id(h, s + st, i - st);
            if (id == (size_t)-1)
                return sw_seterr(err, SW_ENOMEM, "out of memory indexing CommandLine");
            struct hot_post *p = &h->post[id];
            if (p->n && p->rows[p->n - 1] == (uint32_t)r)
                continue;
            if (p->n == p->cap) {
                uint32_t nc = p->cap ? p->cap * 2 : 4;
                if (grow((void **)&p->rows, nc, sizeof *p->rows))
                    return sw_seterr(err, SW_ENOMEM, "out of memory indexing CommandLine");
                p->cap = nc;
            }
            p->rows[p->n++] = (uint32_t)r;
        }
    }
    h->tok_rows = upto;
    return SW_OK;
}

/* The in-memory index (rows [tok_base, tok_rows)) in the tok.<k> layout,
 * malloc'd into *out (*len bytes). */
static int tok_serialize(const store_hot_t *h, uint64_t team_id, uint64_t last, uint8_t **out,
                         size_t *len)
{
    size_t n_post = 0;
    for (size_t i = 0; i < h->n_toks; i++)
        n_post += h->post[i].n;
    size_t pad = (4 - h->tok_text_len % 4) % 4;
    size_t sz = SEG_HDR + 48 + h->n_toks * 4 + h->tok_text_len + pad + h->n_toks * 4 + n_post * 4;
    uint8_t *p = calloc(1, sz);
    if (!p)
        return SW_ENOMEM;
    memcpy(p, "SWSEG1", 6);
    p[6] = SEG_TOK_KIND;
    p[7] = 1;
    memcpy(p + 8, &team_id, 8);
    uint64_t hd[6] = {h->tok_base, h->tok_rows - h->tok_base, h->n_toks, h->tok_text_len, n_post,
                      last};
    memcpy(p + SEG_HDR, hd, sizeof hd);
    uint32_t *te = (uint32_t *)(void *)(p + SEG_HDR + 48);
    for (size_t i = 0; i < h->n_toks; i++)
        te[i] = (uint32_t)h->tok_off[i + 1];
    if (h->tok_text_len)
        memcpy(p + SEG_HDR + 48 + h->n_toks * 4, h->tok_text, h->tok_text_len);
    uint32_t *pe = (uint32_t *)(void *)(p + SEG_HDR + 48 + h->n_toks * 4 + h->tok_text_len + pad);
    uint32_t *po = pe + h->n_toks;
    size_t k = 0;
    for (size_t i = 0; i < h->n_toks; i++) {
        if (h->post[i].n)
            memcpy(po + k, h->post[i].rows, h->post[i].n * sizeof *po);
        k += h->post[i].n;
        pe[i] = (uint32_t)k;
    }
    *out = p;
    *len = sz;
    return SW_OK;
}

static size_t chunk_rows(const sw_store_team_t *t)
{
    return t->tok_chunk ? t->tok_chunk : HOT_TOK_CHUNK;
}

/* A slot for one more chunk. */
static hot_chunk_t *chunk_slot(store_hot_t *h)
{
    if (h->n_chunks == h->cap_chunks) {
        size_t nc = h->cap_chunks ? h->cap_chunks * 2 : 16;
        if (grow((void **)&h->chunks, nc, sizeof *h->chunks))
            return NULL;
        h->cap_chunks = nc;
    }
    hot_chunk_t *c = &h->chunks[h->n_chunks];
    memset(c, 0, sizeof *c);
    return c;
}

static void chunk_path(const sw_store_team_t *t, size_t first, size_t n, char *out, size_t cap)
{
    snprintf(out, cap, "%s/tok.%zu-%zu", t->seg.dir, first, n);
}

/* Map tok.<first>-<n> into c if it is there, sound, and of these rows. */
static int chunk_load(sw_store_team_t *t, size_t first, size_t n, hot_chunk_t *c)
{
    char path[4200];
    chunk_path(t, first, n, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    int ok = 0;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) {
            ok = seg_tok_parse(m, (size_t)st.st_size, (uint64_t)t->id, &c->tok) == SW_OK &&
                 c->tok.first_row == first && c->tok.n_rows == n &&
                 c->tok.last == seg_row_stamp(&t->seg.v, first + n - 1);
            if (ok) {
                c->mem = m;
                c->map_len = (size_t)st.st_size;
            } else {
                munmap(m, (size_t)st.st_size); /* damaged, foreign or stale: build again */
            }
        }
    }
    close(fd);
    return ok;
}

/* The in-memory index (rows [tok_base, tok_rows)) into c as a chunk, and
 * written to its file (best effort: a read-only store keeps it in memory). */
static int chunk_take(sw_store_team_t *t, hot_chunk_t *c, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    size_t first = h->tok_base, n = h->tok_rows - h->tok_base;
    uint64_t stamp = seg_row_stamp(&t->seg.v, first + n - 1);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (tok_serialize(h, (uint64_t)t->id, stamp, &buf, &len))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (seg_tok_parse(buf, len, (uint64_t)t->id, &c->tok) != SW_OK || c->tok.last != stamp) {
        free(buf);
        return sw_seterr(err, SW_EIO, "token index of rows %zu-%zu did not check", first,
                         first + n);
    }
    c->mem = buf;
    char path[4200], tmp[4300];
    chunk_path(t, first, n, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (wfd >= 0) {
        int ok = write(wfd, buf, len) == (ssize_t)len && fdatasync(wfd) == 0;
        close(wfd);
        if (!ok || rename(tmp, path) != 0)
            unlink(tmp);
    }
    return SW_OK;
}

/* Chunk of rows [first, first + C): its file, or built from the rows. */
static int chunk_get(sw_store_team_t *t, size_t first, size_t C, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    hot_chunk_t *c = chunk_slot(h);
    if (!c)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (chunk_load(t, first, C, c)) {
        h->n_chunks++;
        return SW_OK;
    }
    h->tok_base = first;
    tok_free(h);
    int rc = tok_sync(t, first + C, err);
    if (!rc && (rc = chunk_take(t, c, err)) == SW_OK)
        h->n_chunks++;
    h->tok_base = first + C;
    tok_free(h);
    return rc;
}

/* Merge the last m chunks into one of their rows (a file of HOT_TOK_MERGE
 * chunks' rows): fewer, larger token lists to scan per search, since most
 * tokens recur from chunk to chunk. O(their tokens and postings). */
static int chunk_merge(sw_store_team_t *t, size_t m, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    hot_chunk_t *src = &h->chunks[h->n_chunks - m];
    size_t first = src[0].tok.first_row;
    h->tok_base = first;
    tok_free(h);
    for (size_t i = 0; i < m; i++) {
        const seg_tok_t *k = &src[i].tok;
        for (size_t id = 0; id < k->n_toks; id++) {
            uint32_t a = id ? k->tok_end[id - 1] : 0, pa = id ? k->post_end[id - 1] : 0;
            size_t nid = tok_id(h, k->text + a, k->tok_end[id] - a - 1);
            if (nid == (size_t)-1)
                return sw_seterr(err, SW_ENOMEM, "out of memory");
            struct hot_post *p = &h->post[nid];
            uint32_t add = k->post_end[id] - pa;
            if (p->n + add > p->cap) {
                uint32_t nc = p->cap ? p->cap : 4;
                while (nc < p->n + add)
                    nc *= 2;
                if (grow((void **)&p->rows, nc, sizeof *p->rows))
                    return sw_seterr(err, SW_ENOMEM, "out of memory");
                p->cap = nc;
            }
            memcpy(p->rows + p->n, k->post + pa, add * sizeof *p->rows);
            p->n += add;
        }
    }
    h->tok_rows = src[m - 1].tok.first_row + src[m - 1].tok.n_rows;
    hot_chunk_t merged = {0};
    int rc = chunk_take(t, &merged, err);
    size_t end = h->tok_rows;
    tok_free(h);
    h->tok_base = end;
    h->tok_rows = end;
    if (rc)
        return rc;
    for (size_t i = 0; i < m; i++) { /* the merged file stands for them now */
        char path[4200];
        chunk_path(t, src[i].tok.first_row, src[i].tok.n_rows, path, sizeof path);
        if (src[i].map_len)
            munmap(src[i].mem, src[i].map_len);
        else
            free(src[i].mem);
        unlink(path);
    }
    h->n_chunks -= m;
    h->chunks[h->n_chunks++] = merged;
    return SW_OK;
}

/* Bring the token index up to the rows: files of HOT_TOK_MERGE * C rows
 * where they fit, files of C rows after them, the rest in memory. */
static int tok_update(sw_store_team_t *t, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    size_t n = t->seg.v.n_rows, C = chunk_rows(t), big = C * HOT_TOK_MERGE;
    int rc;
    for (;;) {
        size_t pos = h->n_chunks ? h->chunks[h->n_chunks - 1].tok.first_row +
                                       h->chunks[h->n_chunks - 1].tok.n_rows
                                 : 0;
        if (pos + C > n)
            break;
        if (pos % big == 0 && pos + big <= n) {
            hot_chunk_t *c = chunk_slot(h);
            if (!c)
                return sw_seterr(err, SW_ENOMEM, "out of memory");
            if (chunk_load(t, pos, big, c)) {
                h->n_chunks++;
                continue;
            }
            for (size_t i = 0; i < HOT_TOK_MERGE; i++)
                if ((rc = chunk_get(t, pos + i * C, C, err)))
                    return rc;
            if ((rc = chunk_merge(t, HOT_TOK_MERGE, err)))
                return rc;
            continue;
        }
        if ((rc = chunk_get(t, pos, C, err)))
            return rc;
    }
    size_t base = h->n_chunks ? h->chunks[h->n_chunks - 1].tok.first_row +
                                    h->chunks[h->n_chunks - 1].tok.n_rows
                              : 0;
    if (h->tok_base != base) {
        h->tok_base = base;
        tok_free(h);
    }
    return tok_sync(t, n, err);
}

/* The token id whose text holds byte offset o of tok_text. */
static size_t tok_of(const store_hot_t *h, size_t o)
{
    size_t lo = 0, hi = h->n_toks;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->tok_off[mid] <= o)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The longest run of token bytes in lit[0..n): *start, its length. */
static size_t tok_run(const char *lit, size_t n, size_t *start)
{
    size_t best = 0;
    for (size_t i = 0; i < n;) {
        if (!tok_byte((unsigned char)lit[i])) {
            i++;
            continue;
        }
        size_t st = i;
        while (i < n && tok_byte((unsigned char)lit[i]))
            i++;
        if (i - st > best) {
            best = i - st;
            *start = st;
        }
    }
    return best;
}

#define SEEN(r) (seen[(r) / 32] >> ((r) % 32 * 2) & 1)
#define IN_OUT(r) (seen[(r) / 32] >> ((r) % 32 * 2 + 1) & 1)
#define SET_SEEN(r, m) (seen[(r) / 32] |= (uint64_t)(1 | ((m) ? 2 : 0)) << ((r) % 32 * 2))

/* Row r of a token's postings, checked once: does its CommandLine match
 * cmd (every row of a pure token does)? Into out if so. */
static int take_row(sw_store_team_t *t, const sw_qnode_t *cmd, int pure, uint64_t *seen, uint32_t r,
                    rowlist_t *out, sw_errbuf_t *err)
{
    if (SEEN(r))
        return SW_OK;
    int m = pure ? 1 : cmd_row_matches(&t->seg.v, cmd, r);
    if (m < 0)
        return damaged(t, "cmd", r, err);
    SET_SEEN(r, m);
    if (m && rl_push(out, r))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    return SW_OK;
}

/* The rows whose CommandLine matches cmd, plus the irregular rows (to be
 * checked on their JSON), ascending, into out. Through the token index when
 * the pattern has a literal of 3+ token bytes (cost: the token buffer plus
 * the postings of the tokens that hold it), else a scan of all the text
 * with the SIMD filter. No pass over every row unless there is no literal. */
static int cmd_scan(sw_store_team_t *t, const sw_qnode_t *cmd, rowlist_t *out, sw_errbuf_t *err)
{
    store_hot_t *h = t->hot;
    const seg_view_t *v = &t->seg.v;
    size_t n_rows = v->n_rows;
    char lit[256];
    size_t n = cmd->kind == SW_QN_TERM
                   ? (cmd->value_len <= sizeof lit
                          ? (memcpy(lit, cmd->value, cmd->value_len), cmd->value_len)
                          : 0)
                   : glob_literal(cmd->value, cmd->value_len, lit, sizeof lit);
    if (n == 0) { /* no literal to look for: check every row */
        for (size_t r = 0; r < n_rows; r++) {
            int m = cmd_row_matches(v, cmd, r);
            if (m < 0)
                return damaged(t, "cmd", r, err);
            if (m && rl_push(out, r))
                return sw_seterr(err, SW_ENOMEM, "out of memory");
        }
        goto multi;
    }
    /* two bits a row: checked, and in out (a byte a row cost a 10 MB memset
     * a search at 10 M rows) */
    size_t words = n_rows / 32 + 1;
    uint64_t *seen = calloc(words, sizeof *seen);
    if (!seen)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    int rc = SW_OK;
    size_t ts = 0, tn = tok_run(lit, n, &ts);
    /* *lit* with lit all token bytes: every row of a matching token matches */
    int pure = cmd->kind == SW_QN_WILD && tn == n && cmd->value_len == n + 2 &&
               cmd->value[0] == '*' && cmd->value[n + 1] == '*' &&
               memcmp(cmd->value + 1, lit, n) == 0;
    if (tn >= 3) {
        if ((rc = tok_update(t, err)))
            goto done;
        for (size_t ci = 0; ci < h->n_chunks; ci++) {
            const seg_tok_t *k = &h->chunks[ci].tok;
            size_t o = 0;
            while ((o = find_lit(k->text, k->text_len, o, lit + ts, tn)) < k->text_len) {
                size_t lo = 0, hi = k->n_toks; /* the token holding o: first end past it */
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (k->tok_end[mid] <= o)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo >= k->n_toks)
                    break;
                uint32_t pa = lo ? k->post_end[lo - 1] : 0, pb = k->post_end[lo];
                for (uint32_t i = pa; i < pb; i++) {
                    uint32_t r = k->post[i];
                    if (r < k->first_row || r - k->first_row >= k->n_rows || r >= n_rows) {
                        rc = damaged(t, "token index", r, err);
                        goto done;
                    }
                    if ((rc = take_row(t, cmd, pure, seen, r, out, err)))
                        goto done;
                }
                o = k->tok_end[lo];
            }
        }
        size_t o = 0;
        while ((o = find_lit(h->tok_text, h->tok_text_len, o, lit + ts, tn)) < h->tok_text_len) {
            size_t id = tok_of(h, o);
            const struct hot_post *p = &h->post[id];
            for (uint32_t i = 0; i < p->n; i++) {
                if ((rc = take_row(t, cmd, pure, seen, p->rows[i], out, err)))
                    goto done;
            }
            o = h->tok_off[id + 1];
        }
    } else {
        const char *text = (const char *)v->d[SF_CMD];
        const uint64_t *ce = (const uint64_t *)(const void *)v->d[SF_CEND];
        size_t text_len = n_rows ? ce[n_rows - 1] : 0;
        if (text_len > v->dl[SF_CMD]) {
            rc = damaged(t, "cmd", n_rows - 1, err);
            goto done;
        }
        size_t o = 0;
        while ((o = find_lit(text, text_len, o, lit, n)) < text_len) {
            size_t r = row_of(v, o);
            if (r >= n_rows)
                break;
            if (o + n < ce[r]) { /* not across rows */
                int m = cmd_row_matches(v, cmd, r);
                if (m < 0) {
                    rc = damaged(t, "cmd", r, err);
                    goto done;
                }
                if (m) {
                    SET_SEEN(r, 1);
                    if (rl_push(out, r)) {
                        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
                        goto done;
                    }
                }
            }
            if (ce[r] <= o) { /* cend out of order: damaged */
                rc = damaged(t, "cend", r, err);
                goto done;
            }
            o = ce[r]; /* next row */
        }
    }
    for (size_t i = 0; i < v->n_multi; i++) {
        uint32_t r = seg_multi(v)[i];
        if (r < n_rows && !IN_OUT(r) && rl_push(out, r)) {
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_u32);
done:
    free(seen);
    return rc;
multi:
    if (v->n_multi) {
        for (size_t i = 0; i < v->n_multi; i++)
            if (seg_multi(v)[i] < n_rows && rl_push(out, seg_multi(v)[i]))
                return sw_seterr(err, SW_ENOMEM, "out of memory");
        qsort(out->v, out->n, sizeof *out->v, cmp_u32);
        size_t k = 0; /* a row both matched and irregular: once */
        for (size_t i = 0; i < out->n; i++)
            if (!k || out->v[k - 1] != out->v[i])
                out->v[k++] = out->v[i];
        out->n = k;
    }
    return SW_OK;
}

/* ---- running a search ------------------------------------------------------------ */

/* The rows that pass the plan's column conditions (and, with a CommandLine
 * condition, its scan), ascending. */
static int candidates(sw_store_team_t *t, const hot_plan_t *pl, rowlist_t *out, sw_errbuf_t *err)
{
    const seg_view_t *v = &t->seg.v;
    if (pl->cmd) {
        rowlist_t hits = {0};
        int rc = cmd_scan(t, pl->cmd, &hits, err);
        for (size_t i = 0; !rc && i < hits.n; i++)
            if (row_ok(v, pl->c, pl->nc, hits.v[i]) && rl_push(out, hits.v[i]))
                rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        free(hits.v);
        return rc;
    }
    size_t a = 0, b = 0;
    while (next_blocks(t->hot, pl, v->n_rows, &a, &b))
        for (size_t r = a; r < b && r < v->n_rows; r++)
            if (row_ok(v, pl->c, pl->nc, r) && rl_push(out, r))
                return sw_seterr(err, SW_ENOMEM, "out of memory");
    return SW_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Aggregate straight from the columns (the query is exact on them): rows
 * are the candidates, or NULL for every row. */
static int hot_aggregate(sw_store_team_t *t, const sw_qstage_t *s, int agg_col,
                         const rowlist_t *rows, sw_qrun_t *run, sw_errbuf_t *err)
{
    const seg_view_t *v = &t->seg.v;
    int rc = SW_OK;
    size_t n_it = rows ? rows->n : v->n_rows;
#define ROW(i) ((size_t)(rows ? rows->v[i] : (i)))
    if (s->kind == SW_QS_COUNT)
        return sw_qrun_add(run, "", 0, 0, n_it, err);
    if (s->kind == SW_QS_HISTOGRAM) {
        /* buckets in time order: by row when the times are sorted, else
         * the bucket keys sorted first */
        const int64_t *ts = seg_ts(v);
        if (t->hot->sorted) { /* row order is time order: one pass, no memory */
            int64_t cur = 0;
            uint64_t k = 0;
            for (size_t i = 0; i < n_it && !rc; i++) {
                int64_t x = ts[ROW(i)];
                if (k && x >= cur && x - cur < s->bucket_ms) { /* no division a row */
                    k++;
                    continue;
                }
                int64_t b = x - ((x % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
                if (k && b != cur) {
                    rc = sw_qrun_add(run, NULL, 0, cur, k, err);
                    k = 0;
                }
                cur = b;
                k++;
            }
            return rc || !k ? rc : sw_qrun_add(run, NULL, 0, cur, k, err);
        }
        int64_t *bk = malloc((n_it ? n_it : 1) * sizeof *bk);
        if (!bk)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        for (size_t i = 0; i < n_it; i++) {
            int64_t x = ts[ROW(i)];
            bk[i] = x - ((x % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
        }
        for (size_t i = 1; i < n_it; i++) {
            if (bk[i] < bk[i - 1]) { /* times went backwards somewhere */
                qsort(bk, n_it, sizeof *bk, cmp_i64);
                break;
            }
        }
        uint64_t k = 0;
        for (size_t i = 0; i < n_it && !rc; i++) {
            k++;
            if (i + 1 == n_it || bk[i + 1] != bk[i]) {
                rc = sw_qrun_add(run, NULL, 0, bk[i], k, err);
                k = 0;
            }
        }
        free(bk);
        return rc;
    }
    if (agg_col == STORE_COL_EVENTID) { /* few distinct EventIDs: a small linear table */
        int64_t keys[512];
        uint64_t cnt[512];
        size_t nk = 0;
        const int64_t *e = seg_eid(v);
        for (size_t i = 0; i < n_it; i++) {
            int64_t x = e[ROW(i)];
            if (x == SEG_ABSENT_INT)
                continue;
            size_t j = 0;
            while (j < nk && keys[j] != x)
                j++;
            if (j == nk) {
                if (nk == 512)
                    return sw_seterr(err, SW_ETOOBIG, "more than 512 distinct EventIDs");
                keys[nk] = x;
                cnt[nk++] = 0;
            }
            cnt[j]++;
        }
        for (size_t j = 0; j < nk && !rc; j++) {
            char k[32];
            int l = snprintf(k, sizeof k, "%lld", (long long)keys[j]);
            rc = sw_qrun_add(run, k, (size_t)l, 0, cnt[j], err);
        }
        return rc;
    }
    size_t nk = v->n_keys;
    uint64_t *cnt = calloc(nk + 1, sizeof *cnt);
    if (!cnt)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    const uint32_t *col = seg_col(v, agg_col);
    uint32_t worst = 0;
    if (!rows) {
        for (size_t r = 0; r < v->n_rows; r++) {
            uint32_t id = col[r];
            worst = id > worst ? id : worst;
            cnt[id <= nk ? id : 0]++;
        }
    } else {
        for (size_t i = 0; i < n_it; i++) {
            uint32_t id = col[rows->v[i]];
            worst = id > worst ? id : worst;
            cnt[id <= nk ? id : 0]++;
        }
    }
    if (worst > nk)
        rc = sw_seterr(err, SW_EIO, "team %s: segment column %d damaged (%s)", t->name, agg_col,
                       t->seg.dir);
    for (size_t k = 1; k <= nk && !rc; k++) { /* keys of other columns have no count */
        if (!cnt[k])
            continue;
        const char *key;
        size_t kl;
        if (seg_key(v, agg_col, (uint32_t)k, &key, &kl))
            rc = sw_seterr(err, SW_EIO, "team %s: dictionary %d damaged (%s)", t->name, agg_col,
                           t->seg.dir);
        else
            rc = sw_qrun_add(run, key, kl, 0, cnt[k], err);
    }
    free(cnt);
    return rc;
#undef ROW
}

typedef struct cand {
    int64_t ts;
    uint32_t row;
} cand_t;

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Parse a candidate, check the whole query, feed the pipeline: 0, 1 (the
 * pipeline wants no more) or SW_E*. */
static int check_feed(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, size_t r,
                      sw_errbuf_t *err)
{
    const char *json;
    size_t len;
    if (seg_record(&t->seg.v, r, &json, &len))
        return damaged(t, "log", r, err);
    sw_errbuf_t perr;
    if (store_parse(&t->ev, json, len, &perr) != SW_OK)
        return damaged(t, "log", r, err); /* it parsed at ingest */
    if (!sw_query_match(q, &t->ev))
        return 0;
    return sw_qrun_feed(run, store_id(t, r), seg_ts(&t->seg.v)[r], &t->ev, json, len, err);
}

int store_hot_search(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, sw_errbuf_t *err)
{
    int rc = hot_sync(t, err);
    if (rc)
        return rc;
    hot_plan_t pl;
    if ((rc = plan(t, q, &pl, err)))
        return rc;
    const sw_qstage_t *s = q->n_stages == 1 ? &q->stages[0] : NULL;
    int agg_col = -1, agg_ok = 0;
    if (s && sw_query_is_aggregate(q)) {
        if (s->kind == SW_QS_COUNT || s->kind == SW_QS_HISTOGRAM) {
            agg_ok = 1;
        } else if (!s->field_is_time) {
            agg_col = store_col_of(s->field);
            agg_ok = agg_col >= 0 && agg_col != STORE_COL_CMDLINE && !pl.multi;
        }
    }
    int exact = pl.n_left == 0 || (pl.n_left == 1 && pl.cmd && !pl.multi);
    if (exact && agg_ok && !pl.cmd && pl.nc == 0) /* every row: no list */
        return hot_aggregate(t, s, agg_col, NULL, run, err);
    rowlist_t rows = {0};
    cand_t *cands = NULL;
    if ((rc = candidates(t, &pl, &rows, err)))
        goto done;
    if (exact && agg_ok) {
        rc = hot_aggregate(t, s, agg_col, &rows, run, err);
        goto done;
    }
    /* records (or an inexact aggregate): in time order, checked on their JSON */
    if (t->hot->sorted) {
        for (size_t i = 0; i < rows.n && !rc; i++)
            rc = check_feed(t, q, run, rows.v[i], err);
    } else {
        if (!(cands = malloc((rows.n ? rows.n : 1) * sizeof *cands))) {
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < rows.n; i++)
            cands[i] = (cand_t){seg_ts(&t->seg.v)[rows.v[i]], rows.v[i]};
        qsort(cands, rows.n, sizeof *cands, cmp_cand);
        for (size_t i = 0; i < rows.n && !rc; i++)
            rc = check_feed(t, q, run, cands[i].row, err);
    }
    if (rc == 1)
        rc = SW_OK;
done:
    free(cands);
    free(rows.v);
    return rc;
}
