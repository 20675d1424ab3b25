/* evsearch.c — a search of a team's records: the field index's pieces
 * (evquery.c) evaluated (evmatch.c) and answered, as an aggregate, the best
 * k rows by time, or the records read from the log in time order.
 *
 * Design notes:
 *  1. `sort @timestamp | limit k` keeps the best k rows in a heap,
 *     visiting pieces best-first by their time span. Records are read from
 *     the log only to be returned.
 *  2. A hunt's records are handed over as soon as they are final (no piece
 *     left can hold an earlier one), so a hunt that stops after a page of
 *     records evaluates the pieces that page needs (stream_rows).
 *  3. Pieces are evaluated on two cores when they are dear (pieces_each):
 *     a second thread evaluates pieces ahead while this one aggregates or
 *     hands over the rows of the ones before, in order. The second thread
 *     reads only: the plan is built before, a piece's checked flags are
 *     its own, and a damaged piece is rebuilt by this thread alone.
 *
 * Cost: the pieces' evaluation (evmatch.c), plus for records O(rows
 * returned) reads of the log, each unpacking at most one block. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/event_flat.h"
#include "store/evquery_int.h"

/* ---- running a search ----------------------------------------------------------- */

/* Keep the sorted flag (rows in time order: results need no sort) up to
 * n rows. */
static void ts_sync(store_idx_t *x, const int64_t *ts, size_t n)
{
    for (size_t r = x->ts_rows ? x->ts_rows : 1; r < n; r++)
        if (ts[r] < ts[r - 1])
            x->sorted = 0;
    x->ts_rows = n;
}

typedef struct trow {
    int64_t ts;
    uint32_t row;
} trow_t;

static int cmp_trow(const void *a, const void *b)
{
    const trow_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

typedef struct rows {
    trow_t *v;
    size_t n, cap;
} rows_t;

static int rows_push(rows_t *l, int64_t ts, size_t row)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 1024;
        trow_t *q = realloc(l->v, nc * sizeof *q);
        if (!q)
            return SW_ENOMEM;
        l->v = q;
        l->cap = nc;
    }
    l->v[l->n].ts = ts;
    l->v[l->n++].row = (uint32_t)row;
    return SW_OK;
}

/* Read, check (when the bitmap was a superset) and feed row r: 0, 1 (no
 * more wanted) or SW_E*. */
static int feed_row(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, size_t r, int check,
                    sw_errbuf_t *err)
{
    /* only a check or a pipeline stage reads the fields: a plain hunt
     * returns the text as stored */
    int need_ev = check;
    for (size_t i = 0; i < q->n_stages; i++)
        need_ev |= q->stages[i].kind != SW_QS_LIMIT;
    store_idx_t *x = t->idx;
    const char *json;
    size_t len;
    sw_errbuf_t perr;
    if (seg_record(&t->seg.v, r, &json, &len) ||
        (need_ev && sw_event_parse(&x->ev, json, len, &perr) != SW_OK)) {
        /* left out, and said at the end (search_damage) */
        idx_dmg_add(&x->s_dmg_n, &x->s_dmg_lo, &x->s_dmg_hi, r);
        return 0;
    }
    if (!need_ev)
        sw_event_clear(&x->ev);
    if (check && !sw_query_match(q, &x->ev))
        return 0;
    return sw_qrun_feed(run, store_id(t, r), seg_ts(&t->seg.v)[r], &x->ev, json, len, err);
}

/* The time span of a piece's rows that carry a time. */
static void piece_span(sw_store_team_t *t, ipiece_t *ip)
{
    if (ip->have_t)
        return;
    const int64_t *ts = seg_ts(&t->seg.v) + ip->p.first_row;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint32_t r = 0; r < ip->p.n_rows; r++) {
        lo = ts[r] < lo ? ts[r] : lo;
        hi = ts[r] > hi ? ts[r] : hi;
    }
    ip->tmin = lo;
    ip->tmax = hi;
    ip->have_t = 1;
}

/* The pieces' places into order[0..n), by their earliest time (desc: by
 * their latest, latest first), stable: insertion, n is pieces (153 at
 * 10 M records). */
static void pieces_by_time(sw_store_team_t *t, size_t *order, size_t n, int desc)
{
    store_idx_t *x = t->idx;
    for (size_t i = 0; i < n; i++) {
        piece_span(t, idx_piece_at(x, i));
        order[i] = i;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            const ipiece_t *a = idx_piece_at(x, order[j]), *p = idx_piece_at(x, order[j - 1]);
            if (desc ? a->tmax <= p->tmax : a->tmin >= p->tmin)
                break;
            size_t s = order[j];
            order[j] = order[j - 1];
            order[j - 1] = s;
        }
}

/* Is a better than b for `sort @timestamp` (desc or not): by time, then
 * the earlier row. */
static int better(const trow_t *a, const trow_t *b, int desc)
{
    if (a->ts != b->ts)
        return desc ? a->ts > b->ts : a->ts < b->ts;
    return a->row < b->row;
}

/* `sort @timestamp [desc] | limit k ...` over exact bitmaps: the k best
 * rows with a time of their own, the pieces visited best-first and left
 * when they cannot hold a better row. 1 when it answered, 0 when the
 * general path must (fewer than k rows with a time). */
static int top_k(sw_store_team_t *t, const sw_query_t *q, size_t n_pieces, sw_qrun_t *run,
                 uint64_t *b, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    int desc = q->stages[0].desc;
    size_t k = (size_t)q->stages[1].n;
    trow_t *heap = malloc(k * sizeof *heap); /* the worst of the best k at heap[0] */
    size_t *order = malloc((n_pieces ? n_pieces : 1) * sizeof *order);
    int rc = SW_OK, answered = 0;
    size_t nh = 0;
    if (!heap || !order) {
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        goto done;
    }
    pieces_by_time(t, order, n_pieces, desc); /* best first */
    for (size_t oi = 0; oi < n_pieces; oi++) {
        ipiece_t *ip = idx_piece_at(x, order[oi]);
        if (nh == k && (desc ? ip->tmax < heap[0].ts : ip->tmin > heap[0].ts))
            break;
        qctx_t c;
        int r = store_idx_eval(t, order[oi], q, b, &c, err);
        if (r) {
            rc = r < 0 ? r : SW_OK; /* inexact: the general path */
            goto done;
        }
        uint64_t first = c.ip->p.first_row;
        for (uint32_t w = 0; w < c.words; w++)
            for (uint64_t m = b[w] & c.p->hastime[w]; m; m &= m - 1) {
                uint32_t rr = w * 64 + (uint32_t)__builtin_ctzll(m);
                trow_t e = {c.ts[rr], (uint32_t)(first + rr)};
                if (nh == k && !better(&e, &heap[0], desc))
                    continue;
                size_t at;
                if (nh < k) {
                    at = nh++;
                    while (at && better(&heap[(at - 1) / 2], &e, desc)) {
                        heap[at] = heap[(at - 1) / 2];
                        at = (at - 1) / 2;
                    }
                } else { /* replace the worst, sift down */
                    at = 0;
                    for (;;) {
                        size_t l = 2 * at + 1, w2 = at;
                        const trow_t *worst = &e;
                        if (l < nh && better(worst, &heap[l], desc))
                            worst = &heap[w2 = l];
                        if (l + 1 < nh && better(worst, &heap[l + 1], desc))
                            w2 = l + 1;
                        if (w2 == at)
                            break;
                        heap[at] = heap[w2];
                        at = w2;
                    }
                }
                heap[at] = e;
            }
    }
    if (nh < k)
        goto done;                           /* rows without a time may belong: the general path */
    qsort(heap, nh, sizeof *heap, cmp_trow); /* fed in time order, as the general path does */
    for (size_t i = 0; i < nh && !rc; i++)
        rc = feed_row(t, q, run, heap[i].row, 0, err);
    if (rc == 1)
        rc = SW_OK;
    answered = !rc;
done:
    free(heap);
    free(order);
    return rc ? rc : answered;
}

int store_idx_damage(sw_store_team_t *t, sw_errbuf_t *err)
{
    const seg_view_t *v = &t->seg.v;
    store_idx_t *x = t->idx;
    uint64_t lo = UINT64_MAX, hi = 0, n = 0;
    if (v->lost_hi > v->lost_lo) {
        lo = v->lost_lo;
        hi = v->lost_hi - 1;
        n = v->lost_hi - v->lost_lo;
    }
    const uint64_t *d[2][3] = {
        {x ? &x->dmg_n : NULL, x ? &x->dmg_lo : NULL, x ? &x->dmg_hi : NULL},
        {x ? &x->s_dmg_n : NULL, x ? &x->s_dmg_lo : NULL, x ? &x->s_dmg_hi : NULL}};
    for (int i = 0; i < 2 && x; i++) {
        if (!*d[i][0])
            continue;
        lo = *d[i][1] < lo ? *d[i][1] : lo;
        hi = *d[i][2] > hi ? *d[i][2] : hi;
        n = *d[i][0] > n ? *d[i][0] : n;
    }
    if (!n)
        return SW_OK;
    return sw_seterr(err, SW_EIO,
                     "team %s: %llu record%s between %llu and %llu could not be read (%s: %s); "
                     "the answer leaves them out",
                     t->name, (unsigned long long)n, n == 1 ? "" : "s", (unsigned long long)lo + 1,
                     (unsigned long long)hi + 1, t->seg.dir,
                     v->lost_hi > v->lost_lo ? v->note : "its log is damaged there");
}

/* Rows a..b of l (sorted) handed over in order: 0, or 1 when no more are
 * wanted, or SW_E*. */
static int feed_rows(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, const rows_t *l,
                     size_t a, size_t e, int exact, sw_errbuf_t *err)
{
    int rc = SW_OK;
    for (size_t i = a; i < e && !rc; i++)
        rc = (i & 255) || !idx_late(t->idx) ? feed_row(t, q, run, l->v[i].row, !exact, err)
                                            : SW_ETOOBIG;
    return rc;
}

/* Merge the sorted runs l[0..mid) and l[mid..n) in place (tmp: n - mid). */
static void rows_merge(rows_t *l, size_t mid, trow_t *tmp)
{
    size_t nb = l->n - mid;
    memcpy(tmp, l->v + mid, nb * sizeof *tmp);
    size_t i = mid, j = nb, o = l->n;
    while (j) {
        if (i && cmp_trow(&l->v[i - 1], &tmp[j - 1]) > 0)
            l->v[--o] = l->v[--i];
        else
            l->v[--o] = tmp[--j];
    }
}

/* ---- a search's pieces on two cores ------------------------------------------- */

/* What a search does with each piece's bitmap, in order (pieces_each): 0
 * go on, 1 no more wanted, 2 the piece's postings are damaged (it is built
 * again and handed over again), or SW_E*. */
typedef int (*piece_fn_t)(void *ud, qctx_t *c, const uint64_t *b, const idx_hist_t *pre,
                          sw_errbuf_t *err);

#define LANE_RING 8         /* pieces the second lane may evaluate ahead */
#define LANE_MIN_NS 50000.0 /* a piece dearer than this brings in the second lane */

typedef struct lane_slot {
    int state; /* 0 free, 1 being evaluated, 2 done */
    int r;     /* store_idx_eval_once's */
    int hist;  /* hist[] holds the piece's histogram */
    size_t oi;
    qctx_t c;
} lane_slot_t;

typedef struct lanes {
    sw_store_team_t *t;
    const sw_query_t *q;
    const size_t *order;
    size_t n;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;     /* the next piece (place in order) no lane has taken */
    size_t consumed; /* pieces handed over: slots of later ones only are in use */
    int stop;
    lane_slot_t slot[LANE_RING];
    uint64_t *bm; /* LANE_RING bitmaps, piece oi's at oi % LANE_RING */
    /* a histogram's buckets (hist_ms > 0), made by the thread that
     * evaluated the piece: the bucketing is on both cores too */
    int64_t hist_ms;
    idx_hist_t hist[LANE_RING];
} lanes_t;

/* The next piece to evaluate, if the ring has room (mu held): its place in
 * order, or SIZE_MAX. */
static size_t lane_take(lanes_t *L)
{
    if (L->next >= L->n || L->next >= L->consumed + LANE_RING)
        return SIZE_MAX;
    size_t oi = L->next++;
    L->slot[oi % LANE_RING] = (lane_slot_t){.state = 1, .oi = oi};
    return oi;
}

/* Evaluate the piece at oi (taken, mu not held) with pool's bitmaps. */
static void lane_eval(lanes_t *L, size_t oi, uint64_t *pool)
{
    qctx_t c;
    uint64_t *bits = L->bm + (oi % LANE_RING) * BM_WORDS;
    int r = store_idx_eval_once(L->t, L->order[oi], L->q, bits, &c, pool);
    int hist = r == 0 && L->hist_ms > 0 &&
               store_idx_histogram(&c, bits, L->hist_ms, &L->hist[oi % LANE_RING]) == SW_OK;
    pthread_mutex_lock(&L->mu);
    lane_slot_t *s = &L->slot[oi % LANE_RING];
    s->c = c;
    s->r = r;
    s->hist = hist;
    s->state = 2;
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
}

/* Take the next piece and evaluate it with pool's bitmaps (mu held, and
 * held again after); or, when the ring is full, wait for a change. */
static void lane_work(lanes_t *L, uint64_t *pool)
{
    size_t oi = lane_take(L);
    if (oi == SIZE_MAX) {
        pthread_cond_wait(&L->cv, &L->mu);
        return;
    }
    pthread_mutex_unlock(&L->mu);
    lane_eval(L, oi, pool);
    pthread_mutex_lock(&L->mu);
}

static void *lane_main(void *ud)
{
    lanes_t *L = ud;
    pthread_mutex_lock(&L->mu);
    while (!L->stop && L->next < L->n)
        lane_work(L, L->t->idx->pool2);
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

/* The second lane, from the piece at place from on; NULL when it cannot
 * be had (the search goes on alone). */
static lanes_t *lanes_start(sw_store_team_t *t, const sw_query_t *q, const size_t *order, size_t n,
                            size_t from, int64_t hist_ms)
{
    store_idx_t *x = t->idx;
    if (!x->pool2 && !(x->pool2 = malloc(MAX_DEPTH * BM_WORDS * sizeof *x->pool2)))
        return NULL;
    lanes_t *L = calloc(1, sizeof *L);
    if (!L || !(L->bm = malloc(LANE_RING * BM_WORDS * sizeof *L->bm))) {
        free(L);
        return NULL;
    }
    L->t = t;
    L->q = q;
    L->order = order;
    L->n = n;
    L->hist_ms = hist_ms;
    L->next = L->consumed = from;
    pthread_mutex_init(&L->mu, NULL);
    pthread_cond_init(&L->cv, NULL);
    if (pthread_create(&L->th, NULL, lane_main, L)) {
        pthread_mutex_destroy(&L->mu);
        pthread_cond_destroy(&L->cv);
        free(L->bm);
        free(L);
        return NULL;
    }
    return L;
}

static void lanes_end(lanes_t *L)
{
    pthread_mutex_lock(&L->mu);
    L->stop = 1;
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
    pthread_join(L->th, NULL);
    pthread_mutex_destroy(&L->mu);
    pthread_cond_destroy(&L->cv);
    for (int i = 0; i < LANE_RING; i++)
        store_idx_hist_free(&L->hist[i]);
    free(L->bm);
    free(L);
}

/* The piece at oi, evaluated by either lane: this one evaluates the
 * pieces it can take while it waits. store_idx_eval_once's result. */
static int lane_next(lanes_t *L, size_t oi, qctx_t *c, const uint64_t **bits,
                     const idx_hist_t **hist)
{
    pthread_mutex_lock(&L->mu);
    lane_slot_t *s = &L->slot[oi % LANE_RING];
    while (!(s->state == 2 && s->oi == oi))
        lane_work(L, L->t->idx->pool);
    *c = s->c;
    *bits = L->bm + (oi % LANE_RING) * BM_WORDS;
    *hist = s->hist ? &L->hist[oi % LANE_RING] : NULL;
    int r = s->r;
    pthread_mutex_unlock(&L->mu);
    return r;
}

/* The piece at oi is handed over: its slot is free. */
static void lane_done(lanes_t *L, size_t oi)
{
    pthread_mutex_lock(&L->mu);
    L->slot[oi % LANE_RING].state = 0;
    L->consumed = oi + 1;
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
}

static double ns_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e9 + (double)(t1.tv_nsec - t0->tv_nsec);
}

/* Evaluate q on the pieces order[0..n) and hand each bitmap to fn in that
 * order (note 3). Pieces are evaluated by this thread alone until one
 * takes longer than LANE_MIN_NS (free text, wildcards, a range over a
 * field of many values; a field that only later pieces hold: Zeek's
 * records after the Windows ones); then a second thread evaluates the
 * pieces after that one, up to LANE_RING ahead of fn, while
 * this one does too whenever the next piece fn needs is not ready. Only
 * this thread rebuilds a damaged piece, with the second lane stopped.
 * hist_ms > 0: the thread that evaluated a piece also counts its rows by
 * buckets of hist_ms, handed to fn (or NULL: fn counts them). 0, or as fn
 * (1: stopped early), or SW_E*. */
static int pieces_each(sw_store_team_t *t, const sw_query_t *q, const size_t *order, size_t n,
                       uint64_t *b, int64_t hist_ms, piece_fn_t fn, void *ud, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    lanes_t *L = NULL;
    int rc = SW_OK;
    for (size_t oi = 0; oi < n && !rc; oi++) {
        qctx_t c;
        const uint64_t *bits = b;
        const idx_hist_t *pre = NULL;
        int r = 0, laned = 0;
        if (L) {
            r = lane_next(L, oi, &c, &bits, &pre);
            laned = r >= 0;
            if (r < 0 && !idx_late(x)) { /* damaged: rebuilt below, this lane alone */
                lanes_end(L);
                L = NULL;
            }
        }
        if (!L) {
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            bits = b;
            pre = NULL;
            r = store_idx_eval(t, order[oi], q, b, &c, err);
            if (r >= 0 && n - oi > 2 && t->lanes >= 0 &&
                (t->lanes > 0 ? oi + 1 >= (size_t)t->lanes : ns_since(&t0) > LANE_MIN_NS))
                L = lanes_start(t, q, order, n, oi + 1, hist_ms);
        }
        if (r < 0) {
            rc = idx_late(x) ? SW_ETOOBIG : r;
            break;
        }
        int a = fn(ud, &c, bits, pre, err);
        if (a == 2) { /* postings damaged: built again, handed over again */
            if (L) {
                lanes_end(L);
                L = NULL;
            }
            if ((rc = store_idx_rebuild(t, c.ip, err)))
                break;
            oi--;
            continue;
        }
        if (laned)
            lane_done(L, oi);
        rc = a;
    }
    if (L)
        lanes_end(L);
    return rc;
}

/* ---- the answers -------------------------------------------------------------- */

typedef struct agg_ud {
    const sw_qstage_t *s;
    sw_qrun_t *run;
} agg_ud_t;

static int agg_piece(void *ud, qctx_t *c, const uint64_t *b, const idx_hist_t *pre,
                     sw_errbuf_t *err)
{
    agg_ud_t *a = ud;
    return store_idx_aggregate(c, a->s, b, pre, a->run, err);
}

/* A hunt's records in time order (then arrival), handed over piece by
 * piece (note 2): a row is final once no piece left to evaluate can hold
 * an earlier one, so a hunt that wants a page of records (the server's
 * limit, `| head`) evaluates the pieces that page needs, not the whole
 * team. Rows in time order (the sorted flag, every live exercise): each
 * piece's rows are final when it is done. Otherwise the pieces go by
 * their earliest time and the rows wait, merged in order, until the next
 * piece's earliest time passes them. */
typedef struct stream {
    sw_store_team_t *t;
    const sw_query_t *q;
    sw_qrun_t *run;
    const size_t *order;
    size_t n, at; /* pieces, and the next one's place in order */
    int exact;
    rows_t rows; /* evaluated, not yet handed over */
    trow_t *tmp; /* rows_merge's */
    size_t tmp_cap;
} stream_t;

static int stream_piece(void *ud, qctx_t *c, const uint64_t *b, const idx_hist_t *pre,
                        sw_errbuf_t *err)
{
    (void)pre;
    stream_t *st = ud;
    store_idx_t *x = st->t->idx;
    rows_t *rows = &st->rows;
    size_t mid = rows->n;
    uint64_t first = c->ip->p.first_row;
    for (uint32_t w = 0; w < c->words; w++)
        for (uint64_t m = b[w]; m; m &= m - 1) {
            uint32_t rr = w * 64 + (uint32_t)__builtin_ctzll(m);
            if (rows_push(rows, c->ts[rr], first + rr))
                return sw_seterr(err, SW_ENOMEM, "out of memory");
        }
    size_t ready = rows->n; /* rows final after this piece */
    st->at++;
    if (!x->sorted) {
        if (rows->n - mid > 1)
            qsort(rows->v + mid, rows->n - mid, sizeof *rows->v, cmp_trow);
        if (mid && rows->n > mid) {
            if (st->tmp_cap < rows->n - mid) {
                free(st->tmp);
                st->tmp_cap = rows->n - mid;
                if (!(st->tmp = malloc(st->tmp_cap * sizeof *st->tmp))) {
                    st->tmp_cap = 0;
                    return sw_seterr(err, SW_ENOMEM, "out of memory");
                }
            }
            rows_merge(rows, mid, st->tmp);
        }
        if (st->at < st->n) { /* rows before the next piece's earliest */
            int64_t next = idx_piece_at(x, st->order[st->at])->tmin;
            size_t lo = 0, hi = rows->n;
            while (lo < hi) {
                size_t m2 = lo + (hi - lo) / 2;
                if (rows->v[m2].ts < next)
                    lo = m2 + 1;
                else
                    hi = m2;
            }
            ready = lo;
        }
    }
    int rc = feed_rows(st->t, st->q, st->run, rows, 0, ready, st->exact, err);
    if (ready) { /* (no rows yet: no array either) */
        memmove(rows->v, rows->v + ready, (rows->n - ready) * sizeof *rows->v);
        rows->n -= ready;
    }
    return rc;
}

static int stream_rows(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, size_t n_pieces,
                       int exact, uint64_t *b, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    size_t *order = malloc((n_pieces ? n_pieces : 1) * sizeof *order);
    if (!order)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (x->sorted) /* in place order is in time order */
        for (size_t i = 0; i < n_pieces; i++)
            order[i] = i;
    else
        pieces_by_time(t, order, n_pieces, 0);
    stream_t st = {.t = t, .q = q, .run = run, .order = order, .n = n_pieces, .exact = exact};
    int rc = pieces_each(t, q, order, n_pieces, b, 0, stream_piece, &st, err);
    if (!rc)
        rc = feed_rows(t, q, run, &st.rows, 0, st.rows.n, exact, err);
    if (rc == 1)
        rc = SW_OK;
    free(st.rows.v);
    free(st.tmp);
    free(order);
    return rc;
}

static int search_run(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, sw_errbuf_t *err)
{
    size_t n_rows = t->seg.v.n_rows;
    if (q->root->kind == SW_QN_ALL && q->n_stages == 1 && q->stages[0].kind == SW_QS_COUNT) {
        size_t n = n_rows - (size_t)(t->seg.v.lost_hi - t->seg.v.lost_lo); /* no index needed */
        return n ? sw_qrun_add(run, "", 0, 0, n, err) : SW_OK;
    }
    int rc = store_idx_catch_up(t, n_rows, t->seg.writing, err);
    if (rc || (rc = store_idx_tail(t, err)))
        return rc;
    store_idx_t *x = t->idx;
    ts_sync(x, seg_ts(&t->seg.v), n_rows);
    size_t n_pieces = x->n_pieces + (x->have_tail_p ? 1 : 0);
    int exact = store_idx_exact(q->root, 0);
    uint64_t *b = malloc(BM_WORDS * sizeof *b);
    if (!b)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    qplan_t plan = {.n_ors = 0};
    store_idx_plan(&plan, q->root, 0);
    x->plan = &plan;
    const sw_qstage_t *s = q->n_stages == 1 && sw_query_is_aggregate(q) ? &q->stages[0] : NULL;
    int agg =
        exact && s && (s->kind == SW_QS_COUNT || s->kind == SW_QS_HISTOGRAM || !s->field_is_time);
    if (exact && q->n_stages >= 2 && q->stages[0].kind == SW_QS_SORT &&
        q->stages[0].field_is_time && q->stages[1].kind == SW_QS_LIMIT &&
        q->stages[1].n <= 100000) {
        rc = top_k(t, q, n_pieces, run, b, err);
        if (rc) {
            free(b);
            store_idx_plan_free(&plan);
            x->plan = NULL;
            return rc < 0 ? rc : SW_OK;
        }
    }
    if (agg) {
        size_t *order = malloc((n_pieces ? n_pieces : 1) * sizeof *order);
        if (!order)
            rc = sw_seterr(err, SW_ENOMEM, "out of memory");
        for (size_t i = 0; order && i < n_pieces; i++)
            order[i] = i;
        agg_ud_t a = {s, run};
        if (order)
            rc = pieces_each(t, q, order, n_pieces, b,
                             s->kind == SW_QS_HISTOGRAM ? s->bucket_ms : 0, agg_piece, &a, err);
        free(order);
    } else {
        rc = stream_rows(t, q, run, n_pieces, exact, b, err);
    }
    free(b);
    store_idx_plan_free(&plan);
    x->plan = NULL;
    return rc;
}

int store_idx_late(const sw_store_team_t *t)
{
    return t->idx && t->idx->late;
}

int store_idx_search(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, int64_t timeout_ms,
                     sw_errbuf_t *err)
{
    if (t->idx) {
        t->idx->s_dmg_n = 0;
        t->idx->late = 0;
        t->idx->deadline = 0;
    }
    int64_t t0 = 0;
    if (timeout_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        t0 = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    int rc = SW_OK;
    if (timeout_ms > 0 && (rc = store_idx_get(t, err)))
        return rc;
    if (t->idx)
        t->idx->deadline = timeout_ms > 0 ? t0 + timeout_ms : 0;
    rc = search_run(t, q, run, err);
    if (t->idx && t->idx->late) {
        t->idx->deadline = 0;
        return sw_seterr(err, SW_ETOOBIG,
                         "query stopped after %lld s; narrow it (a field, a time range, fewer "
                         "wildcards)",
                         (long long)((timeout_ms + 999) / 1000));
    }
    if (t->idx)
        t->idx->deadline = 0;
    return rc;
}
