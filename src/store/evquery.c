/* evquery.c — a team's field index (evidx.h) kept current: which pieces
 * cover which rows, as records arrive and as other processes read them
 * (evquery_int.h). evmatch.c evaluates a query on a piece, evsearch.c runs
 * a search over them all.
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
 *  2. A piece whose checksums fail is built again from the log and written
 *     back (the log is the record; the index is derived from it).
 *  3. What the appending thread hands the writer for each row (the
 *     batch's extra bytes) names each field by a number, not by its name:
 *     the appending thread numbers each exact spelling the first time it
 *     sees it and sends the name with that number once; the writer keeps
 *     the names it was sent and, per tail, each number's field id. A
 *     field then costs the writer an array lookup, not a hash probe and a
 *     compare of its name, and crosses between the cores in 8 bytes and
 *     its value instead of 16 bytes, its name and its value. Spellings
 *     past NAME_NUMBERS, or longer than NAME_NUMBERED_LEN, go by name
 *     every time. A row's bytes: u32 fields, u32 has_time; then each
 *     field: u32 number (| NAME_NEW: u64 hash, u32 length, the name and
 *     a NUL follow; NAME_INLINE: the same, unnumbered), u32 value
 *     length, the value and a NUL.
 *
 * Cost: a process that opens a team maps its pieces (O(pieces)) and
 * indexes at most one piece's rows from the log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"
#include "detect/event_flat.h"
#include "store/evquery_int.h"

#define NAME_NUMBERS (1u << 16)
#define NAME_NUMBERED_LEN 256
#define NAME_NEW 0x80000000u
#define NAME_INLINE 0xffffffffu
#define NO_FID UINT32_MAX

struct aname {
    uint64_t hash;
    uint32_t off, len; /* in an_text */
};

struct wname {
    uint64_t hash;
    uint32_t off, len; /* in wn_text */
    uint32_t fid;      /* in the tail of generation wn_gen, or NO_FID */
};

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
    idx_scratch_free(&x->scr[0]);
    idx_scratch_free(&x->scr[1]);
    free(x->wf);
    free(x->wfid);
    free(x->an);
    free(x->an_slot);
    free(x->an_text);
    free(x->wn);
    free(x->wn_text);
    sw_event_free(&x->ev);
    free(x);
}

int store_idx_get(sw_store_team_t *t, sw_errbuf_t *err)
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
        idx_dmg_add(&x->dmg_n, &x->dmg_lo, &x->dmg_hi, r);
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
int store_idx_catch_up(sw_store_team_t *t, size_t n_rows, int writer, sw_errbuf_t *err)
{
    int rc = store_idx_get(t, err);
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

/* Room in *buf for need more bytes past *len (doubling). 0 or -1. */
static int room(void **buf, size_t *cap, size_t len, size_t need, size_t elem)
{
    if (len + need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < len + need)
        nc *= 2;
    void *p = realloc(*buf, nc * elem);
    if (!p)
        return -1;
    *buf = p;
    *cap = nc;
    return 0;
}

/* The writer thread's half of store_idx_append: each row of a batch the
 * log's writer wrote (seg_batch_cb) into the tail, a full tail sealed and
 * written as a piece. 0 or an errno. */
static int idx_batch_rows(void *ud, size_t first_row, size_t rows, const uint8_t *extra,
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
            if (f)
                x->wf = f;
            uint32_t *fid = f ? realloc(x->wfid, h[0] * sizeof *fid) : NULL;
            if (!fid)
                return ENOMEM;
            x->wfid = fid;
            x->wf_cap = h[0];
        }
        if (idx_build_gen(x->tail) != x->wn_gen) { /* a new tail: its own field ids */
            for (size_t k = 0; k < x->n_wn; k++)
                x->wn[k].fid = NO_FID;
            x->wn_gen = idx_build_gen(x->tail);
        }
        for (uint32_t k = 0; k < h[0]; k++) {
            uint32_t g, l;
            /* the rows were written on the other core: ask for the lines
             * ahead (a prefetch past the end is harmless) */
            __builtin_prefetch(extra + at + 512);
            if (extra_len - at < 4)
                return EIO;
            memcpy(&g, extra + at, 4);
            at += 4;
            if (g & NAME_NEW) { /* a name follows */
                uint64_t hash;
                if (extra_len - at < 12)
                    return EIO;
                memcpy(&hash, extra + at, 8);
                memcpy(&l, extra + at + 8, 4);
                at += 12;
                if (extra_len - at < (size_t)l + 1)
                    return EIO;
                const char *name = (const char *)extra + at;
                at += (size_t)l + 1;
                if (g == NAME_INLINE) {
                    if (idx_build_field(x->tail, name, l, hash, &x->wfid[k]))
                        return ENOMEM;
                } else {
                    if ((g & ~NAME_NEW) != x->n_wn)
                        return EIO; /* numbered in order: never */
                    if (room((void **)&x->wn, &x->cap_wn, x->n_wn, 1, sizeof *x->wn) ||
                        room((void **)&x->wn_text, &x->wn_text_cap, x->wn_text_len, l, 1))
                        return ENOMEM;
                    struct wname *w = &x->wn[x->n_wn++];
                    w->hash = hash;
                    w->off = (uint32_t)x->wn_text_len;
                    w->len = l;
                    w->fid = NO_FID;
                    memcpy(x->wn_text + x->wn_text_len, name, l);
                    x->wn_text_len += l;
                    g &= ~NAME_NEW;
                }
            } else if (g >= x->n_wn) {
                return EIO; /* a number the writer was not told: never */
            }
            if (g != NAME_INLINE) {
                struct wname *w = &x->wn[g];
                if (w->fid == NO_FID &&
                    idx_build_field(x->tail, x->wn_text + w->off, w->len, w->hash, &w->fid))
                    return ENOMEM;
                x->wfid[k] = w->fid;
            }
            if (extra_len - at < 4)
                return EIO;
            memcpy(&l, extra + at, 4);
            at += 4;
            if (extra_len - at < (size_t)l + 1)
                return EIO;
            x->wf[k].value = (const char *)extra + at;
            x->wf[k].value_len = l;
            at += (size_t)l + 1;
        }
        int rc = idx_build_add_ids(x->tail, x->wfid, x->wf, h[0], (int)h[1]);
        if (!rc && idx_build_rows(x->tail) == piece_rows(t))
            rc = tail_to_piece(t, stamp[i], NULL);
        if (rc)
            return rc == SW_ENOMEM ? ENOMEM : EIO;
    }
    return 0;
}

static int idx_batch(void *ud, size_t first_row, size_t rows, const uint8_t *extra,
                     size_t extra_len, const uint64_t *stamp)
{
    int e = idx_batch_rows(ud, first_row, rows, extra, extra_len, stamp);
    /* the last row's values are this batch's bytes: looked up now, even
     * after an error (the batch's buffer is reused) */
    int f = idx_build_flush(((sw_store_team_t *)ud)->idx->tail);
    return e ? e : f ? ENOMEM : 0;
}

int store_idx_begin(sw_store_team_t *t, sw_errbuf_t *err)
{
    int rc = store_idx_catch_up(t, t->seg.v.n_rows, 1, err);
    if (!rc)
        seg_on_batch(&t->seg, idx_batch, t);
    return rc;
}

/* The number of field f's exact spelling (note 3): g, or g | NAME_NEW the
 * first time (numbered now), or NAME_INLINE when it goes by name. */
static uint32_t name_number(store_idx_t *x, const sw_field_t *f)
{
    if (f->name_len > NAME_NUMBERED_LEN)
        return NAME_INLINE;
    size_t m = x->cap_an_slot - 1, j = x->cap_an_slot ? f->name_hash & m : 0;
    if (x->cap_an_slot)
        for (; x->an_slot[j]; j = (j + 1) & m) {
            const struct aname *a = &x->an[x->an_slot[j] - 1];
            if (a->hash == f->name_hash && a->len == f->name_len &&
                sw_mem_eq(x->an_text + a->off, f->name, f->name_len))
                return x->an_slot[j] - 1;
        }
    if (x->n_an >= NAME_NUMBERS || room((void **)&x->an, &x->cap_an, x->n_an, 1, sizeof *x->an) ||
        room((void **)&x->an_text, &x->an_text_cap, x->an_text_len, f->name_len, 1))
        return NAME_INLINE;
    if ((x->n_an + 1) * 2 > x->cap_an_slot) { /* the slots again, twice as many */
        size_t nc = x->cap_an_slot ? x->cap_an_slot * 2 : 256;
        uint32_t *sl = calloc(nc, sizeof *sl);
        if (!sl)
            return NAME_INLINE;
        for (size_t k = 0; k < x->n_an; k++) {
            size_t i = x->an[k].hash & (nc - 1);
            while (sl[i])
                i = (i + 1) & (nc - 1);
            sl[i] = (uint32_t)k + 1;
        }
        free(x->an_slot);
        x->an_slot = sl;
        x->cap_an_slot = nc;
        for (j = f->name_hash & (nc - 1); sl[j]; j = (j + 1) & (nc - 1))
            ;
    }
    struct aname *a = &x->an[x->n_an];
    a->hash = f->name_hash;
    a->off = (uint32_t)x->an_text_len;
    a->len = f->name_len;
    memcpy(x->an_text + x->an_text_len, f->name, f->name_len);
    x->an_text_len += f->name_len;
    x->an_slot[j] = (uint32_t)x->n_an + 1;
    return (uint32_t)x->n_an++ | NAME_NEW;
}

int store_idx_append(sw_store_team_t *t, const sw_event_t *ev, int has_time, sw_errbuf_t *err)
{
    store_idx_t *x = t->idx;
    size_t n = 8; /* at most: every name sent */
    for (size_t i = 0; i < ev->n_fields; i++)
        n += 22 + (size_t)ev->fields[i].name_len + ev->fields[i].value_len;
    uint8_t *p0 = seg_row_extra(&t->seg, n, err), *p = p0;
    if (!p)
        return SW_ENOMEM;
    uint32_t h[2] = {(uint32_t)ev->n_fields, (uint32_t) !!has_time};
    memcpy(p, h, 8);
    p += 8;
    for (size_t i = 0; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        uint32_t g = name_number(x, f);
        memcpy(p, &g, 4);
        p += 4;
        if (g & NAME_NEW) {
            memcpy(p, &f->name_hash, 8);
            memcpy(p + 8, &f->name_len, 4);
            p += 12;
            memcpy(p, f->name, f->name_len);
            p[f->name_len] = '\0';
            p += f->name_len + 1;
        }
        memcpy(p, &f->value_len, 4);
        p += 4;
        memcpy(p, f->value, f->value_len);
        p[f->value_len] = '\0';
        p += f->value_len + 1;
    }
    seg_row_extra_unused(&t->seg, n - (size_t)(p - p0));
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
int store_idx_tail(sw_store_team_t *t, sw_errbuf_t *err)
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
int store_idx_rebuild(sw_store_team_t *t, ipiece_t *ip, sw_errbuf_t *err)
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
