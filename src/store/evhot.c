/* evhot.c — a team's hot columns in memory, for what SQLite does slowly:
 * wildcards over CommandLine (LIKE '%x%' reads every row, about 2 s on
 * 10 M records) and top-N / count-by over all records.
 *
 * Design notes:
 *  1. Columns are loaded from the `events` table on first need and caught up
 *     before each use (rows with id > max_id: the store is append-only, so
 *     that is all that can have changed). A row is one record of this team,
 *     in id order; every SELECT here is bound to the team's id.
 *  2. CommandLine is kept lower-cased in one contiguous buffer, rows
 *     separated by '\0', with an offset array. A wildcard's longest literal
 *     is searched with an SSE2 first/last-byte filter (W. Mula's "SIMD
 *     friendly" strstr) over the whole buffer; each hit is mapped to its row
 *     by binary search and the row is checked with the full glob.
 *  3. Other text columns are dictionary-encoded (uint32 per row, 0 for
 *     absent; the dictionary matches case-insensitively and keeps the first
 *     spelling seen, as count-by does). Aggregates count per dictionary id.
 *  4. Exactness: a column holds a field's first value; a team with irregular
 *     rows (multi-valued or non-integer EventID, the `multi` flag) has every
 *     flagged row treated as a candidate and checked on its JSON, and no
 *     aggregate is answered from the columns (evstore.c decides "covered").
 *  5. A token index over CommandLine answers most hunts without the scan:
 *     tokens are maximal runs of [a-z0-9_.$-] (and non-ASCII bytes); the
 *     distinct tokens sit '\0'-separated in one buffer with a posting list
 *     (row numbers) each. A literal made of token bytes can only occur
 *     inside one token, so the rows holding it are the union of the postings
 *     of the tokens that contain it — found by scanning the (small) token
 *     buffer instead of all the text. Each such row is then checked with the
 *     full pattern. Built on the first CommandLine query, kept up to date.
 *
 * Cost: loading is one pass over the team's rows per column; memory is ~25
 * bytes per row, plus 4 per row per dictionary column, plus the CommandLine
 * bytes, plus ~4 bytes per CommandLine token for the index (see
 * bench/bench_store.c for measured figures). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/arena.h"
#include "store/evstore_int.h"

#define HOT_NONE UINT32_MAX /* a dictionary id that no row has */
#define HOT_ABSENT_INT INT64_MIN

/* A list of row numbers, ascending once built. */
typedef struct rowlist {
    uint32_t *v;
    size_t n, cap;
} rowlist_t;

typedef struct hot_dict {
    char **keys;   /* keys[id], id >= 1 */
    size_t n_keys; /* ids used, including the unused 0 */
    size_t cap_keys;
    uint32_t *slots; /* open addressing; 0 empty */
    size_t cap_slots;
} hot_dict_t;

struct store_hot {
    size_t n_rows, cap_rows;
    int64_t *id, *ts;
    uint8_t *multi;
    int64_t max_id;
    int loaded[STORE_N_COLS];
    uint32_t *val[STORE_N_COLS]; /* text columns: dictionary ids */
    hot_dict_t dict[STORE_N_COLS];
    int64_t *ival; /* EventID */
    char *text;    /* CommandLine, lower-cased, '\0' after each row */
    size_t text_len, text_cap;
    uint64_t *off; /* off[r]: start of row r in text */
    sw_arena_t arena;
    /* CommandLine token index (note 5) */
    int tok_on;
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
    rowlist_t multi_rows; /* irregular rows: always candidates */
};

void store_hot_free(store_hot_t *h)
{
    if (!h)
        return;
    free(h->id);
    free(h->ts);
    free(h->multi);
    for (int c = 0; c < STORE_N_COLS; c++) {
        free(h->val[c]);
        free(h->dict[c].keys);
        free(h->dict[c].slots);
    }
    free(h->ival);
    free(h->text);
    free(h->off);
    sw_arena_free(&h->arena);
    for (size_t i = 0; i < h->n_toks; i++)
        free(h->post[i].rows);
    free(h->post);
    free(h->tok_text);
    free(h->tok_off);
    free(h->tok_slots);
    free(h->multi_rows.v);
    free(h);
}

/* ---- growing ----------------------------------------------------------------- */

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

/* Room for column c's values of cap rows (only loaded columns take memory). */
static int col_alloc(store_hot_t *h, int c, size_t cap)
{
    if (c == STORE_COL_CMDLINE)
        return SW_OK; /* text grows by bytes; off[] is always there */
    if (c == STORE_COL_EVENTID)
        return grow((void **)&h->ival, cap, sizeof *h->ival);
    return grow((void **)&h->val[c], cap, sizeof *h->val[c]);
}

static int rows_reserve(store_hot_t *h, size_t need)
{
    if (need <= h->cap_rows)
        return SW_OK;
    size_t nc = h->cap_rows ? h->cap_rows : 4096;
    while (nc < need)
        nc *= 2;
    if (grow((void **)&h->id, nc, sizeof *h->id) || grow((void **)&h->ts, nc, sizeof *h->ts) ||
        grow((void **)&h->multi, nc, 1) || grow((void **)&h->off, nc + 1, sizeof *h->off))
        return SW_ENOMEM;
    for (int c = 0; c < STORE_N_COLS; c++)
        if (h->loaded[c] && col_alloc(h, c, nc))
            return SW_ENOMEM;
    h->cap_rows = nc;
    return SW_OK;
}

/* The id of key in d (case-insensitive), adding it when add is set;
 * HOT_NONE when absent and not added. Amortized O(len). */
static uint32_t dict_id(store_hot_t *h, hot_dict_t *d, const char *key, size_t len, int add)
{
    if ((d->n_keys + 1) * 2 > d->cap_slots) {
        size_t nc = d->cap_slots ? d->cap_slots * 2 : 1024;
        uint32_t *s = calloc(nc, sizeof *s);
        if (!s)
            return HOT_NONE;
        for (size_t i = 0; i < d->cap_slots; i++) {
            uint32_t k = d->slots[i];
            if (!k)
                continue;
            size_t j = sw_field_hash(d->keys[k], strlen(d->keys[k])) & (nc - 1);
            while (s[j])
                j = (j + 1) & (nc - 1);
            s[j] = k;
        }
        free(d->slots);
        d->slots = s;
        d->cap_slots = nc;
    }
    size_t j = sw_field_hash(key, len) & (d->cap_slots - 1);
    while (d->slots[j]) {
        const char *k = d->keys[d->slots[j]];
        if (strncasecmp(k, key, len) == 0 && k[len] == '\0')
            return d->slots[j];
        j = (j + 1) & (d->cap_slots - 1);
    }
    if (!add)
        return HOT_NONE;
    if (d->n_keys == 0)
        d->n_keys = 1; /* id 0: absent */
    if (d->n_keys >= d->cap_keys) {
        size_t nc = d->cap_keys ? d->cap_keys * 2 : 1024;
        if (grow((void **)&d->keys, nc, sizeof *d->keys))
            return HOT_NONE;
        d->cap_keys = nc;
    }
    char *k = sw_arena_strndup(&h->arena, key, len);
    if (!k)
        return HOT_NONE;
    d->keys[d->n_keys] = k;
    d->slots[j] = (uint32_t)d->n_keys;
    return (uint32_t)d->n_keys++;
}

/* Set column c of row r from result column i of st. */
static int put_col(store_hot_t *h, int c, size_t r, sqlite3_stmt *st, int i)
{
    int null = sqlite3_column_type(st, i) == SQLITE_NULL;
    if (c == STORE_COL_EVENTID) {
        h->ival[r] = null ? HOT_ABSENT_INT : sqlite3_column_int64(st, i);
        return SW_OK;
    }
    if (c == STORE_COL_CMDLINE) {
        const char *v = null ? "" : (const char *)sqlite3_column_text(st, i);
        size_t l = null ? 0 : (size_t)sqlite3_column_bytes(st, i);
        if (h->text_len + l + 1 > h->text_cap) {
            size_t nc = h->text_cap ? h->text_cap : 1 << 20;
            while (nc < h->text_len + l + 1)
                nc *= 2;
            if (grow((void **)&h->text, nc, 1))
                return SW_ENOMEM;
            h->text_cap = nc;
        }
        h->off[r] = h->text_len;
        char *o = h->text + h->text_len;
        for (size_t k = 0; k < l; k++)
            o[k] = (char)tolower((unsigned char)v[k]);
        o[l] = '\0';
        h->text_len += l + 1;
        h->off[r + 1] = h->text_len;
        return SW_OK;
    }
    if (null) {
        h->val[c][r] = 0;
        return SW_OK;
    }
    uint32_t id = dict_id(h, &h->dict[c], (const char *)sqlite3_column_text(st, i),
                          (size_t)sqlite3_column_bytes(st, i), 1);
    if (id == HOT_NONE)
        return SW_ENOMEM;
    h->val[c][r] = id;
    return SW_OK;
}

/* Load the columns in want[] and catch up with rows appended since the last
 * sync. One pass over the team's rows per newly wanted column. */
static int hot_sync(sw_store_team_t *t, const int want[STORE_N_COLS], sw_errbuf_t *err)
{
    sqlite3 *db = t->s->db;
    if (!t->hot) {
        t->hot = calloc(1, sizeof *t->hot);
        if (!t->hot)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        sw_arena_init(&t->hot->arena, 0);
    }
    store_hot_t *h = t->hot;
    sw_buf_t sql;
    sw_buf_init(&sql, 4096);
    sqlite3_stmt *st = NULL;
    int rc = SW_OK;
    /* 1. newly wanted columns, for the rows we already have */
    for (int c = 0; c < STORE_N_COLS; c++) {
        if (!want[c] || h->loaded[c])
            continue;
        if (h->n_rows) {
            if (col_alloc(h, c, h->cap_rows))
                goto oom;
            sw_buf_reset(&sql);
            sw_buf_printf(&sql, "SELECT %s FROM events WHERE +team = ? AND id <= ? ORDER BY id",
                          store_cols[c].col);
            if (sqlite3_prepare_v2(db, sw_buf_str(&sql), -1, &st, NULL) != SQLITE_OK)
                goto dberr;
            sqlite3_bind_int64(st, 1, t->id);
            sqlite3_bind_int64(st, 2, h->max_id);
            size_t r = 0;
            if (c == STORE_COL_CMDLINE)
                h->text_len = 0;
            while (sqlite3_step(st) == SQLITE_ROW && r < h->n_rows)
                if ((rc = put_col(h, c, r++, st, 0)))
                    goto fail;
            sqlite3_finalize(st);
            st = NULL;
            if (r != h->n_rows) {
                rc = sw_seterr(err, SW_EIO, "event store changed under a search");
                goto fail;
            }
        }
        h->loaded[c] = 1;
    }
    /* 2. rows appended since the last sync, with every loaded column */
    sw_buf_reset(&sql);
    sw_buf_puts(&sql, "SELECT id, ts_ms, multi");
    for (int c = 0; c < STORE_N_COLS; c++)
        if (h->loaded[c])
            sw_buf_printf(&sql, ", %s", store_cols[c].col);
    sw_buf_puts(&sql, " FROM events WHERE +team = ? AND id > ? ORDER BY id");
    if (sqlite3_prepare_v2(db, sw_buf_str(&sql), -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, h->max_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t r = h->n_rows;
        if ((rc = rows_reserve(h, r + 1)))
            goto oom;
        h->id[r] = sqlite3_column_int64(st, 0);
        h->ts[r] = sqlite3_column_int64(st, 1);
        h->multi[r] = (uint8_t)(sqlite3_column_int(st, 2) != 0);
        if (h->multi[r] && rl_push(&h->multi_rows, r))
            goto oom;
        if (r == 0)
            h->off[0] = 0;
        int i = 3;
        for (int c = 0; c < STORE_N_COLS; c++)
            if (h->loaded[c] && (rc = put_col(h, c, r, st, i++)))
                goto oom;
        h->max_id = h->id[r];
        h->n_rows++;
    }
    goto done;
oom:
    rc = sw_seterr(err, SW_ENOMEM, "out of memory loading the event columns");
    goto fail;
dberr:
    rc = sw_seterr(err, SW_EIO, "event columns: %s", sqlite3_errmsg(db));
fail:
done:
    sqlite3_finalize(st);
    sw_buf_free(&sql);
    return rc;
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
    const sw_qnode_t *node; /* the conjunct */
} hot_cond_t;

#define HOT_MAX_CONDS 64


/* The top-level conjuncts the columns can check (time always; the others
 * only when the team has no irregular rows). Marks the columns they need. */
static size_t build_conds(const sw_query_t *q, int multi, hot_cond_t *out, int want[STORE_N_COLS])
{
    const sw_qnode_t *root = q->root;
    sw_qnode_t *const *kids = (sw_qnode_t *const *)&root;
    size_t n = 1, k = 0;
    if (root->kind == SW_QN_AND) {
        kids = root->kids;
        n = root->n_kids;
    }
    for (size_t i = 0; i < n && k < HOT_MAX_CONDS; i++) {
        const sw_qnode_t *x = kids[i];
        if (!x->field)
            continue;
        hot_cond_t *c = &out[k];
        memset(c, 0, sizeof *c);
        c->node = x;
        if (x->field_is_time) {
            if (x->kind != SW_QN_RANGE || x->range_type != SW_QR_TIME)
                continue;
            c->kind = HC_TIME;
            c->lo = !x->has_lo ? INT64_MIN : x->lo_incl ? x->lo_ms : x->lo_ms + 1;
            c->hi = !x->has_hi ? INT64_MAX : x->hi_incl ? x->hi_ms : x->hi_ms - 1;
            k++;
            continue;
        }
        if (multi)
            continue;
        int col = store_col_of(x->field);
        if (col < 0 || col == STORE_COL_CMDLINE)
            continue;
        c->col = col;
        if (col == STORE_COL_EVENTID) {
            if (x->kind == SW_QN_TERM && store_canonical_int(x->value, x->value_len, &c->lo)) {
                c->kind = HC_IEQ;
            } else if (x->kind == SW_QN_RANGE && x->range_type == SW_QR_NUMBER) {
                c->kind = HC_IRANGE;
                c->has_lo = x->has_lo;
                c->has_hi = x->has_hi;
                c->lo_incl = x->lo_incl;
                c->hi_incl = x->hi_incl;
                c->dlo = x->lo_num;
                c->dhi = x->hi_num;
            } else {
                continue;
            }
        } else if (x->kind == SW_QN_TERM) {
            c->kind = HC_EQ;
            c->id = (uint32_t)-2; /* resolved after loading */
        } else if (x->kind == SW_QN_EXISTS) {
            c->kind = HC_EXISTS;
        } else {
            continue;
        }
        want[col] = 1;
        k++;
    }
    return k;
}

static int row_ok(const store_hot_t *h, const hot_cond_t *c, size_t n, size_t r)
{
    for (size_t i = 0; i < n; i++, c++) {
        switch (c->kind) {
        case HC_TIME:
            if (h->ts[r] < c->lo || h->ts[r] > c->hi)
                return 0;
            break;
        case HC_EQ:
            if (h->val[c->col][r] != c->id)
                return 0;
            break;
        case HC_EXISTS:
            if (!h->val[c->col][r])
                return 0;
            break;
        case HC_IEQ:
            if (h->ival[r] != c->lo)
                return 0;
            break;
        case HC_IRANGE: {
            if (h->ival[r] == HOT_ABSENT_INT)
                return 0;
            double d = (double)h->ival[r];
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

/* The row holding byte offset o of the text: binary search over off[]. */
static size_t row_of(const store_hot_t *h, size_t o)
{
    size_t lo = 0, hi = h->n_rows;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->off[mid] <= o)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int cmd_row_matches(const store_hot_t *h, const sw_qnode_t *cmd, size_t r)
{
    const char *v = h->text + h->off[r];
    size_t l = h->off[r + 1] - h->off[r] - 1;
    if (cmd->kind == SW_QN_TERM)
        return l == cmd->value_len && memcmp(v, cmd->value, l) == 0;
    return sw_query_glob(cmd->value, cmd->value_len, v, l);
}

/* ---- the CommandLine token index (note 5) ---------------------------------------- */

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
            size_t j = tok_hash(t, strlen(t)) & (nc - 1);
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
        if (memcmp(t, s, n) == 0 && t[n] == '\0')
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

/* Index the rows not indexed yet. O(new CommandLine bytes). */
static int tok_sync(store_hot_t *h)
{
    for (size_t r = h->tok_rows; r < h->n_rows; r++) {
        const char *v = h->text + h->off[r];
        size_t l = h->off[r + 1] - h->off[r] - 1;
        for (size_t i = 0; i < l;) {
            if (!tok_byte((unsigned char)v[i])) {
                i++;
                continue;
            }
            size_t st = i;
            while (i < l && tok_byte((unsigned char)v[i]))
                i++;
            size_t id = tok_id(h, v + st, i - st);
            if (id == (size_t)-1)
                return SW_ENOMEM;
            struct hot_post *p = &h->post[id];
            if (p->n && p->rows[p->n - 1] == (uint32_t)r)
                continue;
            if (p->n == p->cap) {
                uint32_t nc = p->cap ? p->cap * 2 : 4;
                if (grow((void **)&p->rows, nc, sizeof *p->rows))
                    return SW_ENOMEM;
                p->cap = nc;
            }
            p->rows[p->n++] = (uint32_t)r;
        }
    }
    h->tok_rows = h->n_rows;
    h->tok_on = 1;
    return SW_OK;
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

/* The rows whose CommandLine matches cmd, plus the irregular rows (to be
 * checked on their JSON), ascending, into out. Through the token index when
 * the pattern has a literal of 3+ token bytes (cost: the token buffer plus
 * the postings of the tokens that hold it), else a scan of all the text
 * with the SIMD filter. No pass over every row unless there is no literal. */
static int cmd_scan(store_hot_t *h, const sw_qnode_t *cmd, rowlist_t *out)
{
    char lit[256];
    size_t n = cmd->kind == SW_QN_TERM
                   ? (cmd->value_len <= sizeof lit
                          ? (memcpy(lit, cmd->value, cmd->value_len), cmd->value_len)
                          : 0)
                   : glob_literal(cmd->value, cmd->value_len, lit, sizeof lit);
    if (n == 0) { /* no literal to look for: check every row */
        for (size_t r = 0; r < h->n_rows; r++)
            if ((h->multi[r] || cmd_row_matches(h, cmd, r)) && rl_push(out, r))
                return SW_ENOMEM;
        return SW_OK;
    }
    /* seen[r]: 1 in out, 2 checked and rejected. calloc'd pages cost only
     * where touched. */
    uint8_t *seen = calloc(h->n_rows ? h->n_rows : 1, 1);
    if (!seen)
        return SW_ENOMEM;
    int rc = SW_OK;
    size_t ts = 0, tn = tok_run(lit, n, &ts);
    /* *lit* with lit all token bytes: every row of a matching token matches */
    int pure = cmd->kind == SW_QN_WILD && tn == n && cmd->value_len == n + 2 &&
               cmd->value[0] == '*' && cmd->value[n + 1] == '*' &&
               memcmp(cmd->value + 1, lit, n) == 0;
    if (tn >= 3) {
        if ((rc = tok_sync(h)))
            goto done;
        size_t o = 0;
        while ((o = find_lit(h->tok_text, h->tok_text_len, o, lit + ts, tn)) < h->tok_text_len) {
            size_t id = tok_of(h, o);
            const struct hot_post *p = &h->post[id];
            for (uint32_t i = 0; i < p->n; i++) {
                uint32_t r = p->rows[i];
                if (seen[r])
                    continue;
                seen[r] = pure || cmd_row_matches(h, cmd, r) ? 1 : 2;
                if (seen[r] == 1 && (rc = rl_push(out, r)))
                    goto done;
            }
            o = h->tok_off[id + 1];
        }
    } else {
        size_t o = 0;
        while ((o = find_lit(h->text, h->text_len, o, lit, n)) < h->text_len) {
            size_t r = row_of(h, o);
            if (o + n < h->off[r + 1] && cmd_row_matches(h, cmd, r)) { /* not across rows */
                seen[r] = 1;
                if ((rc = rl_push(out, r)))
                    goto done;
            }
            o = h->off[r + 1]; /* next row */
        }
    }
    for (size_t i = 0; i < h->multi_rows.n; i++) {
        uint32_t r = h->multi_rows.v[i];
        if (seen[r] != 1 && (rc = rl_push(out, r)))
            goto done;
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_u32);
done:
    free(seen);
    return rc;
}

/* ---- running a search on the columns ------------------------------------------ */

typedef struct cand {
    int64_t ts, id;
} cand_t;

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Aggregate straight from the columns (the query is exact on them). */
static int hot_aggregate(store_hot_t *h, const sw_qstage_t *s, int agg_col, const hot_cond_t *c,
                         size_t nc, const rowlist_t *rows, sw_qrun_t *run, sw_errbuf_t *err)
{
    int rc = SW_OK;
    size_t n_it = rows ? rows->n : h->n_rows; /* rows: only these; else all */
#define ROW(i) ((size_t)(rows ? rows->v[i] : (i)))
    if (s->kind == SW_QS_COUNT) {
        uint64_t n = 0;
        for (size_t i = 0; i < n_it; i++)
            n += row_ok(h, c, nc, ROW(i));
        return sw_qrun_add(run, "", 0, 0, n, err);
    }
    if (s->kind == SW_QS_HISTOGRAM) {
        int64_t cur = 0;
        uint64_t n = 0;
        for (size_t i = 0; i < n_it && !rc; i++) {
            size_t r = ROW(i);
            if (!row_ok(h, c, nc, r))
                continue;
            int64_t b = h->ts[r] - ((h->ts[r] % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
            if (n && b != cur) {
                rc = sw_qrun_add(run, NULL, 0, cur, n, err);
                n = 0;
            }
            cur = b;
            n++;
        }
        if (!rc && n)
            rc = sw_qrun_add(run, NULL, 0, cur, n, err);
        return rc;
    }
    /* count by / top on a column */
    if (agg_col == STORE_COL_EVENTID) {
        /* few distinct EventIDs: a small linear table */
        int64_t keys[512];
        uint64_t cnt[512];
        size_t nk = 0;
        for (size_t i = 0; i < n_it; i++) {
            size_t r = ROW(i);
            if (!row_ok(h, c, nc, r) || h->ival[r] == HOT_ABSENT_INT)
                continue;
            size_t j = 0;
            while (j < nk && keys[j] != h->ival[r])
                j++;
            if (j == nk) {
                if (nk == 512)
                    return sw_seterr(err, SW_ETOOBIG, "more than 512 distinct EventIDs");
                keys[nk] = h->ival[r];
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
    hot_dict_t *d = &h->dict[agg_col];
    uint64_t *cnt = calloc(d->n_keys + 1, sizeof *cnt);
    if (!cnt)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    const uint32_t *v = h->val[agg_col];
    if (nc == 0 && !rows) {
        for (size_t r = 0; r < h->n_rows; r++)
            cnt[v[r]]++;
    } else {
        for (size_t i = 0; i < n_it; i++)
            if (row_ok(h, c, nc, ROW(i)))
                cnt[v[ROW(i)]]++;
    }
    for (size_t k = 1; k < d->n_keys && !rc; k++)
        if (cnt[k])
            rc = sw_qrun_add(run, d->keys[k], strlen(d->keys[k]), 0, cnt[k], err);
    free(cnt);
    return rc;
#undef ROW
}

int store_hot_search(sw_store_team_t *t, const sw_query_t *q, const store_plan_t *pl,
                     sw_qrun_t *run, sw_errbuf_t *err)
{
    int multi = pl->multi >= 0 ? pl->multi : -1;
    const sw_qstage_t *s = q->n_stages == 1 ? &q->stages[0] : NULL;
    int agg_col = -1;
    int agg_ok = 0;
    if (s && sw_query_is_aggregate(q)) {
        if (s->kind == SW_QS_COUNT || s->kind == SW_QS_HISTOGRAM) {
            agg_ok = 1;
        } else if (!s->field_is_time) {
            agg_col = store_col_of(s->field);
            agg_ok = agg_col >= 0 && agg_col != STORE_COL_CMDLINE;
        }
        if (agg_ok && agg_col >= 0 && multi < 0)
            multi = store_team_multi(t);
        if (multi > 0 && agg_col >= 0)
            agg_ok = 0;
    }
    int cmd_exact = pl->cmd && pl->n_left == 1 && multi == 0;
    int exact = pl->covered || cmd_exact;
    /* The columns help with a CommandLine scan, and with an exact aggregate
     * when they are loaded already or SQL has no index to narrow with. */
    int use_agg = exact && agg_ok && (t->hot || pl->n_binds == 0 || pl->cmd);
    if (!pl->cmd && !use_agg)
        return SW_ENOENT;
    int want[STORE_N_COLS] = {0};
    hot_cond_t conds[HOT_MAX_CONDS];
    size_t nc = build_conds(q, multi != 0, conds, want);
    if (pl->cmd)
        want[STORE_COL_CMDLINE] = 1;
    if (use_agg && agg_col >= 0)
        want[agg_col] = 1;
    int rc = hot_sync(t, want, err);
    if (rc)
        return rc;
    store_hot_t *h = t->hot;
    for (size_t i = 0; i < nc; i++) /* equality values to dictionary ids */
        if (conds[i].kind == HC_EQ)
            conds[i].id = dict_id(h, &h->dict[conds[i].col], conds[i].node->value,
                                  conds[i].node->value_len, 0);
    rowlist_t hits = {0};
    cand_t *cands = NULL;
    sqlite3_stmt *st = NULL;
    if (pl->cmd) {
        if ((rc = cmd_scan(h, pl->cmd, &hits))) {
            free(hits.v);
            return sw_seterr(err, rc, "out of memory indexing CommandLine");
        }
    }
    if (use_agg) {
        rc = hot_aggregate(h, s, agg_col, conds, nc, pl->cmd ? &hits : NULL, run, err);
        goto done;
    }
    /* records (or an inexact aggregate): candidates in time order, checked on
     * their JSON */
    size_t n = 0, cap = 1024;
    cands = malloc(cap * sizeof *cands);
    if (!cands) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < hits.n; i++) {
        size_t r = hits.v[i];
        if (!row_ok(h, conds, nc, r))
            continue;
        if (n == cap) {
            cap *= 2;
            if (grow((void **)&cands, cap, sizeof *cands)) {
                rc = sw_seterr(err, SW_ENOMEM, "out of memory");
                goto done;
            }
        }
        cands[n++] = (cand_t){h->ts[r], h->id[r]};
    }
    if (n > 1)
        qsort(cands, n, sizeof *cands, cmp_cand);
    if (sqlite3_prepare_v2(t->s->db,
                           "SELECT r.json FROM events e JOIN records r ON r.id = e.id"
                           " WHERE e.id = ? AND e.team = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = sw_seterr(err, SW_EIO, "search: %s", sqlite3_errmsg(t->s->db));
        goto done;
    }
    sqlite3_bind_int64(st, 2, t->id);
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_bind_int64(st, 1, cands[i].id);
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = store_check_feed(t, q, run, cands[i].id, cands[i].ts,
                                  (const char *)sqlite3_column_text(st, 0),
                                  (size_t)sqlite3_column_bytes(st, 0), err);
        sqlite3_reset(st);
    }
    if (rc == 1)
        rc = SW_OK;
done:
    sqlite3_finalize(st);
    free(cands);
    free(hits.v);
    return rc;
}
