/* evquery.c — a team's searches through the field index (evidx.h): which
 * pieces cover which rows, keeping them current as records arrive, and
 * running a query over them.
 *
 * Design notes:
 *  1. The pieces cover rows [0, covered) contiguously; the rows after them
 *     are in `tail`, a piece being built in memory. The appending thread
 *     packs each record's fields beside its frame (store_idx_append); the
 *     log's writer thread adds them to the tail as it writes each batch
 *     (idx_batch) and writes a piece file when the tail fills, so parsing
 *     and indexing run on two cores. The tail is the appending thread's
 *     again once seg_flush has drained the writer: every search, and the
 *     durable flush that writes the tail as a partial piece. Another
 *     process maps the files and indexes only what no file covers, from
 *     the log: never more than one piece's rows.
 *  2. A query is evaluated piece by piece into a bitmap of the piece's rows
 *     (eval). Each leaf is answered from the field's distinct values with
 *     the query's own matcher, so the bitmap is exact; the only terms it
 *     cannot answer (a text comparison with @timestamp) make it a superset,
 *     and then every candidate's JSON is checked with the whole query.
 *     NOT of a superset is every row (still a superset).
 *  3. AND evaluates its terms cheapest first and stops when nothing is
 *     left; free text is the dearest (every value of the piece).
 *  4. Aggregates over an exact bitmap never read a record: count is a
 *     popcount, count by / top count each value's postings against the
 *     bitmap, histogram reads the time column. `sort @timestamp | limit k`
 *     keeps the best k rows in a heap, visiting pieces best-first by their
 *     time span. Records are read from the log only to be returned.
 *  5. A piece whose checksums fail is built again from the log and written
 *     back (the log is the record; the index is derived from it).
 *  6. A hunt's records are handed over as soon as they are final (no piece
 *     left can hold an earlier one), so a hunt that stops after a page of
 *     records evaluates the pieces that page needs (stream_rows).
 *  7. Pieces are evaluated on two cores when they are dear (pieces_each):
 *     a second thread evaluates pieces ahead while this one aggregates or
 *     hands over the rows of the ones before, in order. The second thread
 *     reads only: the plan is built before, a piece's checked flags are
 *     its own, and a damaged piece is rebuilt by this thread alone.
 *
 * Cost: per piece, O(fields) to find a field, O(values of the field) per
 * leaf, O(value text) per free-text term, O(rows / 64) per bitmap op. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "detect/event_flat.h"
#include "detect/sigma_int.h" /* the literal scanner (sigma_ac.c) */
#include "store/evidx.h"
#include "store/evstore_int.h"

#define BM_WORDS (IDX_PIECE / 64)
#define MAX_DEPTH (SW_QUERY_MAX_DEPTH + 4)

typedef struct ipiece {
    idx_piece_t p;
    int64_t tmin, tmax; /* its rows' times (have_t) */
    int have_t;
} ipiece_t;

struct store_idx {
    ipiece_t *pieces;
    size_t n_pieces, cap_pieces;
    size_t covered;
    idx_build_t *tail; /* rows [covered, covered + rows) */
    ipiece_t tail_p;   /* the tail sealed, for searches */
    uint32_t tail_sealed;
    int have_tail_p;
    /* the tail as the last durable flush wrote it: a flush with nothing
     * new does not seal and write the same rows again */
    uint64_t flushed_first, flushed_stamp;
    uint32_t flushed_rows;
    sw_field_t *wf; /* the writer thread's fields of one row (store_idx_batch) */
    size_t wf_cap;
    uint64_t *pool;     /* MAX_DEPTH bitmaps */
    uint64_t *pool2;    /* and the second lane's (pieces_each), made when first used */
    struct qplan *plan; /* the running search's (store_idx_search) */
    size_t ts_rows;     /* rows the sorted flag has seen */
    int sorted;         /* times never go backwards */
    sw_event_t ev;
    /* rows whose record could not be read from the log: indexed as empty
     * rows (the tail's, and in pieces built while they were); a piece
     * built over one is not written back (the log may be restored) */
    uint64_t dmg_n, dmg_lo, dmg_hi;
    int tail_dmg;
    /* the running search's (store_idx_search): records it could not read */
    uint64_t s_dmg_n, s_dmg_lo, s_dmg_hi;
    /* and its deadline (CLOCK_MONOTONIC ms, 0: none); late once past it */
    int64_t deadline;
    int late;
};

/* Is the running search past its deadline (issue 15: no query runs
 * unbounded)? Checked between pieces, fields, values and rows; once late,
 * every loop stops. The coarse clock costs about 20 ns. */
static int late(store_idx_t *x)
{
    /* atomic: a search's two lanes (pieces_each) both look */
    if (!__atomic_load_n(&x->late, __ATOMIC_RELAXED) && x->deadline) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        if ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 > x->deadline)
            __atomic_store_n(&x->late, 1, __ATOMIC_RELAXED);
    }
    return __atomic_load_n(&x->late, __ATOMIC_RELAXED);
}

static uint32_t piece_rows(const sw_store_team_t *t)
{
    return t->idx_piece ? (uint32_t)t->idx_piece : IDX_PIECE;
}

void store_idx_free(store_idx_t *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n_pieces; i++)
        idx_piece_free(&x->pieces[i].p);
    free(x->pieces);
    idx_build_free(x->tail);
    if (x->have_tail_p)
        idx_piece_free(&x->tail_p.p);
    free(x->pool);
    free(x->pool2);
    free(x->wf);
    sw_event_free(&x->ev);
    free(x);
}

static int get_idx(sw_store_team_t *t, sw_errbuf_t *err)
{
    if (t->idx)
        return SW_OK;
    store_idx_t *x = calloc(1, sizeof *x);
    if (!x || !(x->tail = idx_build_new(0)) ||
        !(x->pool = malloc(MAX_DEPTH * BM_WORDS * sizeof *x->pool))) {
        if (x) {
            idx_build_free(x->tail);
            free(x);
        }
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    }
    x->sorted = 1;
    sw_event_init(&x->ev);
    t->idx = x;
    return SW_OK;
}

static void piece_name(uint64_t first, char *out, size_t cap)
{
    snprintf(out, cap, "idx.%llu", (unsigned long long)first);
}

/* Write a sealed piece to idx.<first>, whole or not at all (a new file
 * under the team's directory, renamed over the old: never through a
 * link). Best effort: a piece that cannot be written is built again by
 * the next reader. 0 when written. The file mapped read-only into *map
 * when map is set (NULL when it was not written or mapped): the writer
 * then reads its pieces from the page cache instead of keeping their
 * bytes (150 MB over a million records). */
static int piece_write(const sw_store_team_t *t, uint64_t first, const uint8_t *b, size_t len,
                       void **map)
{
    if (map)
        *map = NULL;
    int dfd = t->seg.dirfd;
    if (dfd < 0)
        return -1;
    char name[64], tmp[96];
    piece_name(first, name, sizeof name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", name, (long)getpid());
    const int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dfd, tmp, flags, 0644);
    if (fd < 0 && errno == EEXIST && unlinkat(dfd, tmp, 0) == 0) /* left by a crash */
        fd = openat(dfd, tmp, flags, 0644);
    if (fd < 0)
        return -1;
    size_t at = 0;
    while (at < len) {
        ssize_t w = write(fd, b + at, len - at);
        if (w <= 0)
            break;
        at += (size_t)w;
    }
    void *m = MAP_FAILED;
    if (map && at == len && len)
        m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (close(fd) != 0 || at != len || renameat(dfd, tmp, dfd, name) != 0) {
        unlinkat(dfd, tmp, 0);
        if (m != MAP_FAILED)
            munmap(m, len);
        return -1;
    }
    if (map && m != MAP_FAILED)
        *map = m;
    return 0;
}

/* Map idx.<first> as a piece that fits the team's rows (n_rows): its
 * header sound, its first row `first`, its last row's stamp that of the
 * log. SW_ENOENT when there is none that fits. */
static int piece_map(sw_store_team_t *t, uint64_t first, size_t n_rows, ipiece_t *out)
{
    char name[64];
    piece_name(first, name, sizeof name);
    int fd = t->seg.dirfd < 0 ? -1 : openat(t->seg.dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return SW_ENOENT;
    struct stat st;
    void *m = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return SW_ENOENT;
    memset(out, 0, sizeof *out);
    idx_piece_t *p = &out->p;
    if (idx_piece_open(p, m, (size_t)st.st_size, (uint64_t)t->id, t->s->store_id) != SW_OK ||
        p->first_row != first || p->n_rows > n_rows - first || p->n_rows > piece_rows(t) ||
        seg_row_stamp(&t->seg.v, first + p->n_rows - 1) != p->stamp) {
        free(p->fchecked);
        munmap(m, (size_t)st.st_size);
        memset(out, 0, sizeof *out);
        return SW_ENOENT;
    }
    p->mem = m;
    p->map_len = (size_t)st.st_size;
    return SW_OK;
}

static int push_piece(store_idx_t *x, const ipiece_t *p)
{
    if (x->n_pieces == x->cap_pieces) {
        size_t nc = x->cap_pieces ? x->cap_pieces * 2 : 16;
        ipiece_t *q = realloc(x->pieces, nc * sizeof *q);
        if (!q)
            return SW_ENOMEM;
        x->pieces = q;
        x->cap_pieces = nc;
    }
    x->pieces[x->n_pieces++] = *p;
    x->covered = p->p.first_row + p->p.n_rows;
    return SW_OK;
}

static void tail_drop(store_idx_t *x)
{
    idx_build_reset(x->tail, x->covered);
    if (x->have_tail_p)
        idx_piece_free(&x->tail_p.p);
    x->have_tail_p = 0;
    x->tail_sealed = 0;
    x->tail_dmg = 0;
}

/* Seal the tail (full): write it, and take the file (or the bytes) as a
 * piece. */
static int tail_to_piece(sw_store_team_t *t, uint64_t stamp, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    uint8_t *b;
    size_t len;
    uint64_t first = idx_build_first(x->tail);
    if (idx_build_seal(x->tail, (uint64_t)t->id, t->s->store_id, stamp, &b, &len))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    void *m = NULL;
    if (!x->tail_dmg)
        piece_write(t, first, b, len, &m);
    ipiece_t p = {0};
    if (idx_piece_open(&p.p, m ? m : b, len, (uint64_t)t->id, t->s->store_id)) {
        if (m)
            munmap(m, len);
        free(b);
        return sw_seterr(err, SW_EIO, "team %s: index piece at row %llu did not seal", t->name,
                         (unsigned long long)first);
    }
    if (m) { /* the file, mapped: its pages are the kernel's to drop */
        free(b);
        p.p.mem = m;
        p.p.map_len = len;
    } else {
        p.p.mem = b; /* kept in memory */
    }
    int rc = push_piece(x, &p);
    if (rc) {
        idx_piece_free(&p.p);
        return sw_seterr(err, rc, "out of memory");
    }
    tail_drop(x);
    return SW_OK;
}

static void dmg_add(uint64_t *n, uint64_t *lo, uint64_t *hi, uint64_t r)
{
    if (!*n || r < *lo)
        *lo = r;
    if (!*n || r > *hi)
        *hi = r;
    (*n)++;
}

/* Add row r (from the log) to the tail; a record the log cannot give is
 * an empty row there, counted as damage (the search says so). */
static int tail_add_row(sw_store_team_t *t, size_t r, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    const char *json;
    size_t len;
    sw_errbuf_t perr;
    int64_t ms;
    int rc;
    if (seg_record(&t->seg.v, r, &json, &len) ||
        sw_event_parse(&x->ev, json, len, &perr) != SW_OK) {
        dmg_add(&x->dmg_n, &x->dmg_lo, &x->dmg_hi, r);
        x->tail_dmg = 1;
        rc = idx_build_add(x->tail, NULL, 0, 0);
    } else {
        rc = idx_build_add(x->tail, x->ev.fields, x->ev.n_fields,
                           sw_query_event_time(&x->ev, &ms) == SW_OK);
    }
    return rc ? sw_seterr(err, rc, "out of memory") : SW_OK;
}

/* Bring the pieces and the tail up to the team's n_rows (note 1). The
 * writer (`writer`) keeps no partial piece: its tail holds the whole piece
 * being filled, to seal it when full. */
static int idx_catch_up(sw_store_team_t *t, size_t n_rows, int writer, sw_errbuf_t *err)
{
    int rc = get_idx(t, err);
    if (rc)
        return rc;
    store_idx_t *x = t->idx;
    uint32_t P = piece_rows(t);
    if (n_rows < x->covered + idx_build_rows(x->tail)) { /* cut back: start over */
        for (size_t i = 0; i < x->n_pieces; i++)
            idx_piece_free(&x->pieces[i].p);
        x->n_pieces = 0;
        x->covered = 0;
        tail_drop(x);
        x->ts_rows = 0;
        x->sorted = 1;
        x->dmg_n = 0;
    }
    for (;;) {
        ipiece_t *last = x->n_pieces ? &x->pieces[x->n_pieces - 1] : NULL;
        if (last && last->p.n_rows < P) { /* a partial piece: it may have grown */
            uint64_t f = last->p.first_row;
            ipiece_t np;
            if (n_rows > x->covered && piece_map(t, f, n_rows, &np) == SW_OK) {
                if (np.p.n_rows > last->p.n_rows) {
                    idx_piece_free(&last->p);
                    *last = np;
                    x->covered = f + np.p.n_rows;
                    tail_drop(x);
                } else {
                    idx_piece_free(&np.p);
                }
            }
            if (last->p.n_rows < P && (writer || n_rows >= f + P)) {
                idx_piece_free(&last->p); /* the tail takes the whole piece */
                x->n_pieces--;
                x->covered = f;
                tail_drop(x);
                continue;
            }
            if (last->p.n_rows < P)
                break;
        }
        if (x->covered >= n_rows)
            break;
        ipiece_t np;
        if (piece_map(t, x->covered, n_rows, &np) != SW_OK)
            break;
        if (writer && np.p.n_rows < P) {
            idx_piece_free(&np.p);
            break;
        }
        if ((rc = push_piece(x, &np))) {
            idx_piece_free(&np.p);
            return sw_seterr(err, rc, "out of memory");
        }
        tail_drop(x);
    }
    if (idx_build_first(x->tail) != x->covered)
        tail_drop(x);
    for (size_t r = x->covered + idx_build_rows(x->tail); r < n_rows; r++) {
        if (idx_build_rows(x->tail) == P &&
            (rc = tail_to_piece(t, seg_row_stamp(&t->seg.v, r - 1), err)))
            return rc;
        if ((rc = tail_add_row(t, r, err)))
            return rc;
    }
    return SW_OK;
}

/* The writer thread's half of store_idx_append: each row of a batch the
 * log's writer wrote (seg_batch_cb) into the tail, a full tail sealed and
 * written as a piece. 0 or an errno. */
static int idx_batch(void *ud, size_t first_row, size_t rows, const uint8_t *extra,
                     size_t extra_len, const uint64_t *stamp)
{
    sw_store_team_t *t = ud;
    store_idx_t *x = t->idx;
    if (first_row != idx_build_first(x->tail) + idx_build_rows(x->tail))
        return EIO; /* rows are handed on in order: never */
    size_t at = 0;
    for (size_t i = 0; i < rows; i++) {
        uint32_t h[2];
        if (extra_len - at < 8)
            return EIO;
        memcpy(h, extra + at, 8);
        at += 8;
        if (h[0] > x->wf_cap) {
            sw_field_t *f = realloc(x->wf, h[0] * sizeof *f);
            if (!f)
                return ENOMEM;
            x->wf = f;
            x->wf_cap = h[0];
        }
        for (uint32_t k = 0; k < h[0]; k++) {
            sw_field_t *f = &x->wf[k];
            uint32_t l[2];
            if (extra_len - at < 16)
                return EIO;
            memcpy(&f->name_hash, extra + at, 8);
            memcpy(l, extra + at + 8, 8);
            at += 16;
            if (extra_len - at < (size_t)l[0] + l[1] + 2)
                return EIO;
            f->name = (const char *)extra + at;
            f->name_len = l[0];
            f->value = f->name + l[0] + 1;
            f->value_len = l[1];
            at += (size_t)l[0] + l[1] + 2;
        }
        int rc = idx_build_add(x->tail, x->wf, h[0], (int)h[1]);
        if (!rc && idx_build_rows(x->tail) == piece_rows(t))
            rc = tail_to_piece(t, stamp[i], NULL);
        if (rc)
            return rc == SW_ENOMEM ? ENOMEM : EIO;
    }
    return 0;
}

int store_idx_begin(sw_store_team_t *t, sw_errbuf_t *err)
{
    int rc = idx_catch_up(t, t->seg.v.n_rows, 1, err);
    if (!rc)
        seg_on_batch(&t->seg, idx_batch, t);
    return rc;
}

int store_idx_append(sw_store_team_t *t, const sw_event_t *ev, int has_time, sw_errbuf_t *err)
{
    size_t n = 8;
    for (size_t i = 0; i < ev->n_fields; i++)
        n += 16 + (size_t)ev->fields[i].name_len + ev->fields[i].value_len + 2;
    uint8_t *p = seg_row_extra(&t->seg, n, err);
    if (!p)
        return SW_ENOMEM;
    uint32_t h[2] = {(uint32_t)ev->n_fields, (uint32_t) !!has_time};
    memcpy(p, h, 8);
    p += 8;
    for (size_t i = 0; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        uint32_t l[2] = {f->name_len, f->value_len};
        memcpy(p, &f->name_hash, 8);
        memcpy(p + 8, l, 8);
        p += 16;
        memcpy(p, f->name, f->name_len);
        p[f->name_len] = '\0';
        p += f->name_len + 1;
        memcpy(p, f->value, f->value_len);
        p[f->value_len] = '\0';
        p += f->value_len + 1;
    }
    return SW_OK;
}

int store_idx_flush(sw_store_team_t *t, uint64_t stamp)
{
    store_idx_t *x = t->idx;
    if (!x || !t->seg.writing || !idx_build_rows(x->tail) || x->tail_dmg)
        return SW_OK;
    uint64_t first = idx_build_first(x->tail);
    uint32_t rows = idx_build_rows(x->tail);
    if (x->flushed_rows == rows && x->flushed_first == first && x->flushed_stamp == stamp)
        return SW_OK; /* written as it is */
    uint8_t *b;
    size_t len;
    if (idx_build_seal(x->tail, (uint64_t)t->id, t->s->store_id, stamp, &b, &len))
        return SW_OK; /* the next reader indexes these rows itself */
    int written = !piece_write(t, first, b, len, NULL);
    free(b);
    if (!written)
        return SW_OK;
    x->flushed_first = first;
    x->flushed_rows = rows;
    x->flushed_stamp = stamp;
    return SW_OK;
}

/* The tail as a piece for a search (sealed again only when it grew). */
static int tail_piece(sw_store_team_t *t, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    uint32_t n = idx_build_rows(x->tail);
    if (x->have_tail_p && x->tail_sealed == n)
        return SW_OK;
    if (x->have_tail_p)
        idx_piece_free(&x->tail_p.p);
    x->have_tail_p = 0;
    if (!n)
        return SW_OK;
    uint8_t *b;
    size_t len;
    if (idx_build_seal(x->tail, (uint64_t)t->id, t->s->store_id, 0, &b, &len))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    memset(&x->tail_p, 0, sizeof x->tail_p);
    if (idx_piece_open(&x->tail_p.p, b, len, (uint64_t)t->id, t->s->store_id)) {
        free(b);
        return sw_seterr(err, SW_EIO, "team %s: the index tail did not seal", t->name);
    }
    x->tail_p.p.mem = b;
    x->have_tail_p = 1;
    x->tail_sealed = n;
    return SW_OK;
}

/* Build piece i again from the log (its checksums failed) and write it
 * back. */
static int piece_rebuild(sw_store_team_t *t, ipiece_t *ip, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    uint64_t first = ip->p.first_row;
    uint32_t n = ip->p.n_rows;
    idx_build_t *b = idx_build_new(first);
    if (!b)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    idx_build_t *keep = x->tail;
    int keep_dmg = x->tail_dmg;
    x->tail = b; /* tail_add_row adds to x->tail */
    x->tail_dmg = 0;
    int rc = SW_OK;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = tail_add_row(t, first + i, err);
    int dmg = x->tail_dmg;
    x->tail = keep;
    x->tail_dmg = keep_dmg;
    uint8_t *buf = NULL;
    size_t len;
    if (!rc && idx_build_seal(b, (uint64_t)t->id, t->s->store_id,
                              seg_row_stamp(&t->seg.v, first + n - 1), &buf, &len))
        rc = sw_seterr(err, SW_ENOMEM, "out of memory");
    idx_build_free(b);
    if (rc)
        return rc;
    ipiece_t np = {0};
    if (idx_piece_open(&np.p, buf, len, (uint64_t)t->id, t->s->store_id)) {
        free(buf);
        return sw_seterr(err, SW_EIO, "team %s: index piece at row %llu did not seal", t->name,
                         (unsigned long long)first);
    }
    np.p.mem = buf;
    if (ip != &x->tail_p && !dmg)
        piece_write(t, first, buf, len, NULL);
    idx_piece_free(&ip->p);
    *ip = np;
    return SW_OK;
}

/* ---- evaluating a query on one piece ------------------------------------------ */

/* An OR of free-text terms, scanned for all its literals at once. */
#define OR_AC_MIN 4   /* terms: fewer are scanned one by one */
#define OR_AC_MAX 256 /* terms an automaton takes */
typedef struct or_scan {
    const sw_qnode_t *node; /* the OR */
    sigma_ac_t *ac;         /* tag i: the node's i-th free-text kid in kid[] */
    const sw_qnode_t *kid[OR_AC_MAX];
    size_t n_kid;
    int letters; /* every literal has a letter: the digit values need no scan */
} or_scan_t;

/* What a search builds once for all its pieces. */
#define PLAN_MAX_OR 8
typedef struct qplan {
    or_scan_t ors[PLAN_MAX_OR];
    size_t n_ors;
} qplan_t;

typedef struct qctx {
    sw_store_team_t *t;
    ipiece_t *ip;
    idx_piece_t *p;
    const int64_t *ts; /* the piece's rows' times */
    uint32_t n, words;
    uint64_t *pool;
    qplan_t *plan;
    int damaged; /* a field's checksums failed */
} qctx_t;

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

static uint32_t post_start(const idx_piece_t *p, uint32_t v)
{
    return v ? p->values[v - 1].post_end : 0;
}

static void or_postings(const idx_piece_t *p, uint32_t v, uint64_t *b)
{
    const uint16_t *q = p->post;
    for (uint32_t i = post_start(p, v), e = p->values[v].post_end; i < e; i++)
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

/* Values of field f matching n (free text: a substring of any value), by
 * the literal lit when there is one, into b. */
static void match_values(qctx_t *c, uint32_t f, const sw_qnode_t *n, int free_text, const char *lit,
                         size_t nl, int letters, uint64_t *b)
{
    const idx_piece_t *p = c->p;
    const idx_field_t *x = &p->fields[f];
    if (n->kind == SW_QN_TERM && !free_text) { /* equality: the hash first */
        uint32_t h = (uint32_t)sw_field_hash(n->value, n->value_len);
        for (uint32_t v = x->v0; v < x->v1; v++)
            if (p->values[v].h32 == h && sw_qnode_value_matches(n, p->text + p->values[v].text_off,
                                                                idx_value_len(p, x, v), 0))
                take_value(c, f, v, b);
        return;
    }
    if (!nl) {
        for (uint32_t v = x->v0; v < x->v1; v++) {
            if (!((v - x->v0) & 4095) && late(c->t->idx))
                return;
            if (sw_qnode_value_matches(n, p->text + p->values[v].text_off, idx_value_len(p, x, v),
                                       free_text))
                take_value(c, f, v, b);
        }
        return;
    }
    /* the literal's places in the field's text; a literal with a letter
     * cannot be in the digit values at its end */
    size_t end = letters && x->vb < x->v1 ? p->values[x->vb].text_off : x->text1;
    size_t o = x->text0;
    uint32_t from = x->v0; /* values before it end before o */
    while ((o = find_ci(p->text, end, o, lit, nl)) < end) {
        /* the value holding o, the last start <= o: galloping from the
         * last one found (a short literal is found in most values, and
         * then it is the next one or close) */
        uint32_t lo = from, step = 1, hi;
        while (lo + step < x->v1 && p->values[lo + step].text_off <= o) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < x->v1 ? lo + step : x->v1;
        while (hi - lo > 1) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (p->values[mid].text_off <= o)
                lo = mid;
            else
                hi = mid;
        }
        const idx_value_t *v = &p->values[lo];
        uint32_t vl = idx_value_len(p, x, lo);
        if (o + nl <= (size_t)v->text_off + vl &&
            sw_qnode_value_matches(n, p->text + v->text_off, vl, free_text))
            take_value(c, f, lo, b);
        o = (size_t)v->text_off + vl + 1;
        from = lo + 1;
    }
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

/* The automaton of OR node n (built on its first piece), NULL when the
 * OR has too few free-text terms for one (or the plan is full). */
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
    if (k < OR_AC_MIN || k > OR_AC_MAX || !(o->ac = sigma_ac_new()))
        return NULL;
    for (size_t i = 0; i < n->n_kids; i++) {
        char lit[256];
        const sw_qnode_t *kid = n->kids[i];
        if (!or_scannable(kid))
            continue;
        size_t nl = term_literal(kid, lit, sizeof lit);
        if (sigma_ac_add(o->ac, (const uint8_t *)lit, nl, (uint32_t)o->n_kid)) {
            sigma_ac_free(o->ac);
            o->ac = NULL;
            return NULL;
        }
        o->kid[o->n_kid++] = kid;
        o->letters &= !digits_only(lit, nl);
    }
    if (sigma_ac_build(o->ac)) {
        sigma_ac_free(o->ac);
        o->ac = NULL;
        return NULL;
    }
    return o;
}

static void plan_free(qplan_t *pl)
{
    for (size_t i = 0; i < pl->n_ors; i++)
        sigma_ac_free(pl->ors[i].ac);
    pl->n_ors = 0;
}

static int eval(qctx_t *c, const sw_qnode_t *n, uint64_t *b, int depth);

/* OR node n's free-text terms in one pass over each field's text: the
 * automaton says which of their literals occur in the field at all (a
 * superset), and only those terms look for their values there. Its other
 * terms are evaluated one by one. The bitmap into b; as eval. */
static int eval_or_scan(qctx_t *c, const sw_qnode_t *n, const or_scan_t *o, uint64_t *b, int depth)
{
    const idx_piece_t *p = c->p;
    uint64_t marks[OR_AC_MAX / 64];
    char lit[256];
    for (uint32_t f = 0; f < p->n_fields; f++) {
        const idx_field_t *x = &p->fields[f];
        if (x->text1 <= x->text0)
            continue;
        if (late(c->t->idx) || !field_ok(c, f))
            return -1;
        size_t end = o->letters && x->vb < x->v1 ? p->values[x->vb].text_off : x->text1;
        if (end <= x->text0)
            continue;
        memset(marks, 0, sizeof marks);
        sigma_ac_scan(o->ac, (const uint8_t *)p->text + x->text0, end - x->text0, marks);
        for (size_t k = 0; k < o->n_kid; k++) {
            if (!(marks[k >> 6] >> (k & 63) & 1))
                continue;
            size_t nl = term_literal(o->kid[k], lit, sizeof lit);
            match_values(c, f, o->kid[k], 1, lit, nl, !digits_only(lit, nl), b);
        }
        if (c->damaged)
            return -1;
    }
    uint64_t *tmp = c->pool + (size_t)(depth + 1) * BM_WORDS;
    int inexact = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        if (or_scannable(n->kids[i]))
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
        if (o)
            return eval_or_scan(c, n, o, b, depth);
        uint64_t *tmp = c->pool + (size_t)(depth + 1) * BM_WORDS;
        int inexact = 0;
        for (size_t i = 0; i < n->n_kids; i++) {
            int r = eval(c, n->kids[i], tmp, depth + 1);
            if (r < 0)
                return r;
            inexact |= r;
            for (uint32_t w = 0; w < c->words; w++)
                b[w] |= tmp[w];
        }
        return inexact;
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
            if (late(c->t->idx) || !field_ok(c, f))
                return -1;
            match_values(c, f, n, 1, lit, nl, letters, b);
        }
        return c->damaged || late(c->t->idx) ? -1 : 0;
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
    return c->damaged || late(c->t->idx) ? -1 : 0;
}

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

/* The pieces of a search: the team's, then the tail. */
static ipiece_t *piece_at(store_idx_t *x, size_t i)
{
    return i < x->n_pieces ? &x->pieces[i] : &x->tail_p;
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
static int piece_aggregate(qctx_t *c, const sw_qstage_t *s, const uint64_t *b, sw_qrun_t *run,
                           sw_errbuf_t *err)
{
    const idx_piece_t *p = c->p;
    if (s->kind == SW_QS_COUNT) {
        size_t k = bm_count(c, b);
        return k ? sw_qrun_add(run, "", 0, 0, k, err) : SW_OK;
    }
    if (s->kind == SW_QS_HISTOGRAM) {
        int64_t cur = 0;
        uint64_t k = 0;
        int rc = SW_OK;
        for (uint32_t w = 0; w < c->words && !rc; w++)
            for (uint64_t m = b[w]; m && !rc; m &= m - 1) {
                int64_t x = c->ts[w * 64 + (uint32_t)__builtin_ctzll(m)];
                if (k && x >= cur && x - cur < s->bucket_ms) {
                    k++;
                    continue;
                }
                int64_t bk = x - ((x % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
                if (k && bk != cur) {
                    rc = sw_qrun_add(run, NULL, 0, cur, k, err);
                    k = 0;
                }
                cur = bk;
                k++;
            }
        return rc || !k ? rc : sw_qrun_add(run, NULL, 0, cur, k, err);
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
        for (uint32_t i = post_start(p, v), e = p->values[v].post_end; i < e; i++) {
            uint16_t r = p->post[i];
            if (b[r >> 6] >> (r & 63) & 1) {
                k++;
                if (r < mr)
                    mr = r;
            }
        }
        if (k)
            a[na++] = (agg_t){v, mr, k};
    }
    /* groups take the spelling of their first matching record */
    qsort(a, na, sizeof *a, cmp_agg);
    int rc = SW_OK;
    for (size_t i = 0; i < na && !rc; i++)
        rc = sw_qrun_add(run, p->text + p->values[a[i].v].text_off, idx_value_len(p, x, a[i].v), 0,
                         a[i].n, err);
    free(a);
    return rc;
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
        dmg_add(&x->s_dmg_n, &x->s_dmg_lo, &x->s_dmg_hi, r);
        return 0;
    }
    if (!need_ev)
        sw_event_clear(&x->ev);
    if (check && !sw_query_match(q, &x->ev))
        return 0;
    return sw_qrun_feed(run, store_id(t, r), seg_ts(&t->seg.v)[r], &x->ev, json, len, err);
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
static int piece_eval_once(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b,
                           qctx_t *c, uint64_t *pool)
{
    store_idx_t *x = t->idx;
    ipiece_t *ip = piece_at(x, i);
    *c = (qctx_t){.t = t,
                  .ip = ip,
                  .p = &ip->p,
                  .n = ip->p.n_rows,
                  .words = (ip->p.n_rows + 63) / 64,
                  .pool = pool,
                  .plan = x->plan};
    c->ts = seg_ts(&t->seg.v) + ip->p.first_row;
    int r = late(x) ? -1 : eval(c, q->root, b, 0);
    if (r >= 0)
        clear_lost(t, c, b);
    return r;
}

static int piece_eval(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b, qctx_t *c,
                      sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    for (int attempt = 0;; attempt++) {
        ipiece_t *ip = piece_at(x, i);
        int r = piece_eval_once(t, i, q, b, c, x->pool);
        if (r >= 0)
            return r;
        if (late(x))
            return SW_ETOOBIG; /* store_idx_search says so */
        if (attempt)
            return sw_seterr(err, SW_EIO, "team %s: index piece at row %llu damaged", t->name,
                             (unsigned long long)ip->p.first_row);
        int rc = piece_rebuild(t, ip, err); /* note 5 */
        if (rc)
            return rc;
    }
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
    for (size_t i = 0; i < n_pieces; i++) {
        piece_span(t, piece_at(x, i));
        order[i] = i;
    }
    for (size_t i = 1; i < n_pieces; i++) /* best first */
        for (size_t j = i; j > 0; j--) {
            const ipiece_t *a = piece_at(x, order[j]), *p = piece_at(x, order[j - 1]);
            if (desc ? a->tmax <= p->tmax : a->tmin >= p->tmin)
                break;
            size_t s = order[j];
            order[j] = order[j - 1];
            order[j - 1] = s;
        }
    for (size_t oi = 0; oi < n_pieces; oi++) {
        ipiece_t *ip = piece_at(x, order[oi]);
        if (nh == k && (desc ? ip->tmax < heap[0].ts : ip->tmin > heap[0].ts))
            break;
        qctx_t c;
        int r = piece_eval(t, order[oi], q, b, &c, err);
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

/* Can the bitmaps answer n exactly (eval returns 0)? Only a text term on
 * @timestamp (its text, not its time) cannot. */
static int query_exact(const sw_qnode_t *n, int depth)
{
    if (depth >= MAX_DEPTH - 1)
        return 0;
    if (n->kind == SW_QN_AND || n->kind == SW_QN_OR || n->kind == SW_QN_NOT) {
        for (size_t i = 0; i < n->n_kids; i++)
            if (!query_exact(n->kids[i], depth + 1))
                return 0;
        return 1;
    }
    if (n->field && n->field_is_time)
        return n->kind == SW_QN_EXISTS || (n->kind == SW_QN_RANGE && n->range_type == SW_QR_TIME);
    return 1;
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
        rc =
            (i & 255) || !late(t->idx) ? feed_row(t, q, run, l->v[i].row, !exact, err) : SW_ETOOBIG;
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
typedef int (*piece_fn_t)(void *ud, qctx_t *c, const uint64_t *b, sw_errbuf_t *err);

#define LANE_RING 8         /* pieces the second lane may evaluate ahead */
#define LANE_MIN_NS 50000.0 /* a first piece dearer than this brings in the second lane */

typedef struct lane_slot {
    int state; /* 0 free, 1 being evaluated, 2 done */
    int r;     /* piece_eval_once's */
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
    int r =
        piece_eval_once(L->t, L->order[oi], L->q, L->bm + (oi % LANE_RING) * BM_WORDS, &c, pool);
    pthread_mutex_lock(&L->mu);
    lane_slot_t *s = &L->slot[oi % LANE_RING];
    s->c = c;
    s->r = r;
    s->state = 2;
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
}

static void *lane_main(void *ud)
{
    lanes_t *L = ud;
    pthread_mutex_lock(&L->mu);
    while (!L->stop && L->next < L->n) {
        size_t oi = lane_take(L);
        if (oi == SIZE_MAX) {
            pthread_cond_wait(&L->cv, &L->mu);
            continue;
        }
        pthread_mutex_unlock(&L->mu);
        lane_eval(L, oi, L->t->idx->pool2);
        pthread_mutex_lock(&L->mu);
    }
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

/* The second lane, from the piece at place 1 on; NULL when it cannot be
 * had (the search goes on alone). */
static lanes_t *lanes_start(sw_store_team_t *t, const sw_query_t *q, const size_t *order, size_t n)
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
    L->next = L->consumed = 1;
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
    free(L->bm);
    free(L);
}

/* The piece at oi, evaluated by either lane: this one evaluates the
 * pieces it can take while it waits. piece_eval_once's result. */
static int lane_next(lanes_t *L, size_t oi, qctx_t *c, const uint64_t **bits)
{
    pthread_mutex_lock(&L->mu);
    lane_slot_t *s = &L->slot[oi % LANE_RING];
    while (!(s->state == 2 && s->oi == oi)) {
        size_t k = lane_take(L);
        if (k == SIZE_MAX) {
            pthread_cond_wait(&L->cv, &L->mu);
            continue;
        }
        pthread_mutex_unlock(&L->mu);
        lane_eval(L, k, L->t->idx->pool);
        pthread_mutex_lock(&L->mu);
    }
    *c = s->c;
    *bits = L->bm + (oi % LANE_RING) * BM_WORDS;
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
 * order (note 7). The first piece is evaluated alone; when it took longer
 * than LANE_MIN_NS (free text, wildcards: not a field's value) a second
 * thread evaluates the pieces after it, up to LANE_RING ahead of fn, while
 * this one does too whenever the next piece fn needs is not ready. Only
 * this thread rebuilds a damaged piece, with the second lane stopped. 0,
 * or as fn (1: stopped early), or SW_E*. */
static int pieces_each(sw_store_team_t *t, const sw_query_t *q, const size_t *order, size_t n,
                       uint64_t *b, piece_fn_t fn, void *ud, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    lanes_t *L = NULL;
    int rc = SW_OK;
    for (size_t oi = 0; oi < n && !rc; oi++) {
        qctx_t c;
        const uint64_t *bits = b;
        int r = 0, laned = 0;
        if (L) {
            r = lane_next(L, oi, &c, &bits);
            laned = r >= 0;
            if (r < 0 && !late(x)) { /* damaged: rebuilt below, this lane alone */
                lanes_end(L);
                L = NULL;
            }
        }
        if (!L) {
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            bits = b;
            r = piece_eval(t, order[oi], q, b, &c, err);
            if (r >= 0 && oi == 0 && n > 2 && t->lanes >= 0 &&
                (t->lanes > 0 || ns_since(&t0) > LANE_MIN_NS))
                L = lanes_start(t, q, order, n);
        }
        if (r < 0) {
            rc = late(x) ? SW_ETOOBIG : r;
            break;
        }
        int a = fn(ud, &c, bits, err);
        if (a == 2) { /* postings damaged: built again, handed over again */
            if (L) {
                lanes_end(L);
                L = NULL;
            }
            if ((rc = piece_rebuild(t, c.ip, err)))
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

static int agg_piece(void *ud, qctx_t *c, const uint64_t *b, sw_errbuf_t *err)
{
    agg_ud_t *a = ud;
    return piece_aggregate(c, a->s, b, a->run, err);
}

/* A hunt's records in time order (then arrival), handed over piece by
 * piece (note 6): a row is final once no piece left to evaluate can hold
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

static int stream_piece(void *ud, qctx_t *c, const uint64_t *b, sw_errbuf_t *err)
{
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
            int64_t next = piece_at(x, st->order[st->at])->tmin;
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
    memmove(rows->v, rows->v + ready, (rows->n - ready) * sizeof *rows->v);
    rows->n -= ready;
    return rc;
}

static int stream_rows(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, size_t n_pieces,
                       int exact, uint64_t *b, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    size_t *order = malloc((n_pieces ? n_pieces : 1) * sizeof *order);
    if (!order)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_pieces; i++) {
        order[i] = i;
        if (!x->sorted)
            piece_span(t, piece_at(x, i));
    }
    if (!x->sorted) /* by earliest time, then place (stable) */
        for (size_t i = 1; i < n_pieces; i++)
            for (size_t j = i;
                 j > 0 && piece_at(x, order[j])->tmin < piece_at(x, order[j - 1])->tmin; j--) {
                size_t sw = order[j];
                order[j] = order[j - 1];
                order[j - 1] = sw;
            }
    stream_t st = {.t = t, .q = q, .run = run, .order = order, .n = n_pieces, .exact = exact};
    int rc = pieces_each(t, q, order, n_pieces, b, stream_piece, &st, err);
    if (!rc)
        rc = feed_rows(t, q, run, &st.rows, 0, st.rows.n, exact, err);
    if (rc == 1)
        rc = SW_OK;
    free(st.rows.v);
    free(st.tmp);
    free(order);
    return rc;
}

/* Build every OR's automaton before the pieces are evaluated: the two
 * lanes then only read the plan. */
static void plan_prepare(qplan_t *pl, const sw_qnode_t *n, int depth)
{
    if (depth >= MAX_DEPTH - 1)
        return;
    if (n->kind == SW_QN_OR)
        or_scan_of(pl, n);
    if (n->kind == SW_QN_AND || n->kind == SW_QN_OR || n->kind == SW_QN_NOT)
        for (size_t i = 0; i < n->n_kids; i++)
            plan_prepare(pl, n->kids[i], depth + 1);
}

static int search_run(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, sw_errbuf_t *err)
{
    size_t n_rows = t->seg.v.n_rows;
    if (q->root->kind == SW_QN_ALL && q->n_stages == 1 && q->stages[0].kind == SW_QS_COUNT) {
        size_t n = n_rows - (size_t)(t->seg.v.lost_hi - t->seg.v.lost_lo); /* no index needed */
        return n ? sw_qrun_add(run, "", 0, 0, n, err) : SW_OK;
    }
    int rc = idx_catch_up(t, n_rows, t->seg.writing, err);
    if (rc || (rc = tail_piece(t, err)))
        return rc;
    store_idx_t *x = t->idx;
    ts_sync(x, seg_ts(&t->seg.v), n_rows);
    size_t n_pieces = x->n_pieces + (x->have_tail_p ? 1 : 0);
    int exact = query_exact(q->root, 0);
    uint64_t *b = malloc(BM_WORDS * sizeof *b);
    if (!b)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    qplan_t plan = {.n_ors = 0};
    plan_prepare(&plan, q->root, 0);
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
            plan_free(&plan);
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
            rc = pieces_each(t, q, order, n_pieces, b, agg_piece, &a, err);
        free(order);
    } else {
        rc = stream_rows(t, q, run, n_pieces, exact, b, err);
    }
    free(b);
    plan_free(&plan);
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
    if (timeout_ms > 0 && (rc = get_idx(t, err)))
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
