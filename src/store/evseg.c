/* evseg.c — one team's segment files: append, map, recover. See evseg.h for
 * the layout and its invariants.
 *
 * Appends go to one buffer per file and reach the file when the buffer is
 * full or on seg_flush; nothing orders the files against each other, which
 * is why a reader trusts only the complete-row prefix (seg_view_check) and
 * the writer cuts the rest when it starts (seg_writer_begin). Readers map
 * the files read-only and remap when they grew. */
#define _GNU_SOURCE /* sync_file_range */
#include "store/evseg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4.h>

#include "detect/event.h"

#define SEG_BUF (1u << 18) /* pending bytes per file before a write */
/* LZ4's acceleration: 4 packs ~25% faster than 1 for ~10% more bytes (the
 * log: ~114 bytes a record instead of ~104); the writer thread (packing,
 * the dictionaries) is the busier of the two at 10 M records */
#ifndef SEG_LZ4_ACCEL
#define SEG_LZ4_ACCEL 4
#endif

static const char seg_magic[6] = {'S', 'W', 'S', 'E', 'G', '1'};

/* What an empty file reads as: aligned, never NULL. */
static const uint64_t seg_empty[2];

int seg_file_used(int f)
{
    if (f < 0 || f >= SF_N)
        return 0;
    if (f >= SF_COL && f < SF_DTXT)
        return seg_is_dict(f - SF_COL);
    return 1;
}

void seg_file_name(int f, char *out, size_t cap)
{
    static const char *const base[] = {"log", "ts", "roff", "cend", "cmd", "eid", "multi", "mcnt"};
    static const char *const tail[] = {"dkeys", "dends", "kcnt", "lidx"};
    if (f < SF_COL)
        snprintf(out, cap, "%s", base[f]);
    else if (f < SF_DTXT)
        snprintf(out, cap, "c%d", f - SF_COL);
    else
        snprintf(out, cap, "%s", tail[f - SF_DTXT]);
}

uint32_t seg_sum(const void *p, size_t len)
{
    const uint8_t *s = p;
    uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0xc2b2ae3d27d4eb4fULL;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) { /* two lanes: the multiplies overlap */
        uint64_t x, y;
        memcpy(&x, s + i, 8);
        memcpy(&y, s + i + 8, 8);
        a = (a ^ x) * 0xff51afd7ed558ccdULL;
        b = (b ^ y) * 0xc4ceb9fe1a85ec53ULL;
        a ^= a >> 29;
        b ^= b >> 31;
    }
    uint64_t x = 0, y = 0;
    size_t rest = len - i;
    memcpy(&x, s + i, rest < 8 ? rest : 8);
    if (rest > 8)
        memcpy(&y, s + i + 8, rest - 8);
    a = (a ^ x ^ (b * 31)) * 0xff51afd7ed558ccdULL;
    a ^= y;
    a *= 0xc4ceb9fe1a85ec53ULL;
    a ^= a >> 32;
    return (uint32_t)a;
}

/* ---- reading ---------------------------------------------------------------- */

int seg_view_set(seg_view_t *v, const uint8_t *const file[SF_N], const size_t len[SF_N],
                 uint64_t team_id, sw_errbuf_t *err)
{
    uint8_t *blk = v->blk;
    size_t blk_cap = v->blk_cap;
    memset(v, 0, sizeof *v);
    v->blk = blk; /* the buffer stays, what it held goes */
    v->blk_cap = blk_cap;
    v->blk_unit = SEG_NO_BLOCK;
    v->team_id = team_id;
    for (int f = 0; f < SF_N; f++) {
        v->d[f] = (const uint8_t *)seg_empty;
        if (!seg_file_used(f) || len[f] < SEG_HDR)
            continue; /* none, or a header cut short: empty */
        char name[16];
        const uint8_t *h = file[f];
        uint64_t tid;
        memcpy(&tid, h + 8, 8);
        if (memcmp(h, seg_magic, sizeof seg_magic) == 0 && h[6] == f && h[7] != SEG_FORMAT) {
            seg_file_name(f, name, sizeof name);
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' is in format %d; this seawall reads format %d "
                             "(ingest the records again into a new store)",
                             name, h[7], SEG_FORMAT);
        }
        if (memcmp(h, seg_magic, sizeof seg_magic) != 0 || h[6] != f) {
            seg_file_name(f, name, sizeof name);
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' is not a seawall segment file of this kind "
                             "(damaged or foreign)",
                             name);
        }
        if (tid != team_id) {
            seg_file_name(f, name, sizeof name);
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' belongs to team %llu, not to team %llu", name,
                             (unsigned long long)tid, (unsigned long long)team_id);
        }
        v->d[f] = h + SEG_HDR;
        v->dl[f] = len[f] - SEG_HDR;
    }
    return SW_OK;
}

void seg_view_free(seg_view_t *v)
{
    free(v->blk);
    v->blk = NULL;
    v->blk_cap = 0;
    v->blk_unit = SEG_NO_BLOCK;
}

/* The checksum of a block: its data, unpacked length and kind. */
static uint32_t blk_sum(const void *data, uint32_t clen, uint32_t rawlen, uint32_t kind)
{
    return seg_sum(data, clen) ^ (rawlen * 2654435761u) ^ kind;
}

/* The block starting at unit k, unpacked at least up to byte `need`:
 * checked, and kept in v until another is asked for. A block is unpacked
 * only as far as the first record asked of it needs (a hunt's rows are
 * scattered: on average half a block each), and whole when a later one
 * needs more (a scan in order: once a block). SW_EIO if damaged or not
 * there. */
static int seg_block(seg_view_t *v, uint64_t k, size_t need, const uint8_t **out, size_t *out_len)
{
    if (k >= v->dl[SF_LIDX] / 8)
        return SW_EIO;
    uint64_t off = ((const uint64_t *)(const void *)v->d[SF_LIDX])[k];
    size_t dl = v->dl[SF_LOG];
    if (off > dl || dl - off < SEG_BLK_HDR)
        return SW_EIO;
    if (v->blk_unit == k && (need <= v->blk_len || v->blk_len == v->blk_full)) {
        *out = v->blk_at;
        *out_len = v->blk_len;
        return SW_OK;
    }
    uint32_t h[4];
    memcpy(h, v->d[SF_LOG] + off, sizeof h);
    const uint8_t *data = v->d[SF_LOG] + off + SEG_BLK_HDR;
    if (h[0] > dl - off - SEG_BLK_HDR || h[1] > SEG_BLK_MAX)
        return SW_EIO;
    if (v->blk_unit != k && blk_sum(data, h[0], h[1], h[3]) != h[2])
        return SW_EIO; /* checked once per block, not again to unpack more */
    size_t want = v->blk_unit == k || need > h[1] ? h[1] : need;
    v->blk_unit = SEG_NO_BLOCK; /* while the buffer is being overwritten */
    if (h[3] == SEG_BLK_STORED) {
        if (h[0] != h[1])
            return SW_EIO;
        v->blk_at = data;
        want = h[1];
    } else if (h[3] == SEG_BLK_LZ4) {
        if (h[1] > v->blk_cap) {
            size_t cap = h[1] > SEG_UNIT ? h[1] : SEG_UNIT;
            uint8_t *b = realloc(v->blk, cap);
            if (!b)
                return SW_EIO;
            v->blk = b;
            v->blk_cap = cap;
        }
        if (h[0] > INT32_MAX)
            return SW_EIO;
        int got = LZ4_decompress_safe_partial((const char *)data, (char *)v->blk, (int)h[0],
                                              (int)want, (int)h[1]);
        if (got < (int)want || (want == h[1] && got != (int)h[1]))
            return SW_EIO;
        want = (size_t)got;
        v->blk_at = v->blk;
    } else {
        return SW_EIO;
    }
    v->blk_unit = k;
    v->blk_len = want;
    v->blk_full = h[1];
    *out = v->blk_at;
    *out_len = want;
    return SW_OK;
}

int seg_record(seg_view_t *v, size_t r, const char **json, size_t *len)
{
    uint64_t o = ((const uint64_t *)(const void *)v->d[SF_ROFF])[r];
    const uint8_t *b;
    size_t bl, in = (size_t)(o & (SEG_UNIT - 1));
    /* most records are far under 4 KB: one partial unpack reaches them */
    if (seg_block(v, o >> SEG_UNIT_BITS, in + 8 + 4096, &b, &bl))
        return SW_EIO;
    if (in > bl || bl - in < 8)
        return SW_EIO;
    uint32_t fl;
    memcpy(&fl, b + in, 4);
    if (fl <= SEG_MAX_RECORD && in + 8 + fl > bl &&
        seg_block(v, o >> SEG_UNIT_BITS, in + 8 + fl, &b, &bl))
        return SW_EIO;
    if (in > bl || bl - in < 8)
        return SW_EIO;
    uint32_t l, sum;
    memcpy(&l, b + in, 4);
    memcpy(&sum, b + in + 4, 4);
    if (l > SEG_MAX_RECORD || l > bl - in - 8)
        return SW_EIO;
    const char *p = (const char *)b + in + 8;
    if (seg_sum(p, l) != sum)
        return SW_EIO;
    *json = p;
    *len = l;
    return SW_OK;
}

int seg_cmd(const seg_view_t *v, size_t r, size_t *start, size_t *end)
{
    const uint64_t *ce = (const uint64_t *)(const void *)v->d[SF_CEND];
    uint64_t a = r ? ce[r - 1] : 0, b = ce[r];
    if (a >= b || b > v->dl[SF_CMD] || v->d[SF_CMD][b - 1] != '\0')
        return SW_EIO;
    *start = a;
    *end = b - 1;
    return SW_OK;
}

int seg_key(const seg_view_t *v, int c, uint32_t id, const char **key, size_t *len)
{
    if (id == 0 || id > v->n_keys)
        return SW_EIO;
    const uint64_t *de = (const uint64_t *)(const void *)v->d[SF_DEND];
    uint64_t a = id > 1 ? SEG_KEY_END(de[id - 2]) : 0, b = SEG_KEY_END(de[id - 1]);
    if (a > b || b > v->dl[SF_DTXT] || SEG_KEY_COL(de[id - 1]) != c)
        return SW_EIO;
    *key = (const char *)v->d[SF_DTXT] + a;
    *len = b - a;
    return SW_OK;
}

uint64_t seg_row_stamp(seg_view_t *v, size_t r)
{
    const char *j;
    size_t l;
    if (seg_record(v, r, &j, &l))
        return 0;
    uint32_t sum;
    memcpy(&sum, j - 4, 4);
    return (uint64_t)l << 32 | sum | (uint64_t)1 << 63;
}

int seg_tok_parse(const uint8_t *p, size_t len, uint64_t team_id, seg_tok_t *out)
{
    uint64_t h[6];
    if (len < SEG_HDR + sizeof h || memcmp(p, seg_magic, sizeof seg_magic) != 0 ||
        p[6] != SEG_TOK_KIND || p[7] != 1)
        return SW_EINVAL;
    uint64_t tid;
    memcpy(&tid, p + 8, 8);
    memcpy(h, p + SEG_HDR, sizeof h);
    if (tid != team_id)
        return SW_EINVAL;
    out->first_row = h[0];
    out->n_rows = h[1];
    out->n_toks = h[2];
    out->text_len = h[3];
    out->n_post = h[4];
    out->last = h[5];
    size_t o = SEG_HDR + 48, rest = len - o;
    if (h[2] > rest / 4 || h[4] > rest / 4 || h[3] > rest)
        return SW_EINVAL;
    size_t pad = (4 - h[3] % 4) % 4;
    if ((uint64_t)h[2] * 8 + h[3] + pad + h[4] * 4 != rest)
        return SW_EINVAL;
    out->tok_end = (const uint32_t *)(const void *)(p + o);
    out->text = (const char *)p + o + h[2] * 4;
    out->post_end = (const uint32_t *)(const void *)(p + o + h[2] * 4 + h[3] + pad);
    out->post = out->post_end + h[2];
    uint32_t prev = 0, pprev = 0;
    for (size_t i = 0; i < h[2]; i++) { /* ends ascending, tokens NUL-ended */
        uint32_t e = out->tok_end[i], pe = out->post_end[i];
        if (e <= prev || e > h[3] || out->text[e - 1] != '\0' || pe < pprev || pe > h[4])
            return SW_EINVAL;
        prev = e;
        pprev = pe;
    }
    return SW_OK;
}

static int row_complete(seg_view_t *v, size_t r)
{
    const char *j;
    size_t l, a, b;
    if (seg_record(v, r, &j, &l) || seg_cmd(v, r, &a, &b))
        return 0;
    for (int c = 0; c < SEG_N_COLS; c++)
        if (seg_is_dict(c) && seg_col(v, c)[r] > v->n_keys)
            return 0;
    if (((const uint32_t *)(const void *)v->d[SF_KCNT])[r] > v->n_keys)
        return 0;
    const uint32_t *mc = (const uint32_t *)(const void *)v->d[SF_MCNT];
    return mc[r] <= v->dl[SF_MULTI] / 4 && mc[r] <= r + 1;
}

void seg_view_check(seg_view_t *v)
{
    size_t n = v->dl[SF_TS] / 8;
    const size_t w8[] = {SF_ROFF, SF_CEND, SF_EID};
    for (size_t i = 0; i < sizeof w8 / sizeof w8[0]; i++)
        if (v->dl[w8[i]] / 8 < n)
            n = v->dl[w8[i]] / 8;
    if (v->dl[SF_MCNT] / 4 < n)
        n = v->dl[SF_MCNT] / 4;
    if (v->dl[SF_KCNT] / 4 < n)
        n = v->dl[SF_KCNT] / 4;
    size_t k = v->dl[SF_DEND] / 8;
    const uint64_t *de = (const uint64_t *)(const void *)v->d[SF_DEND];
    while (k && SEG_KEY_END(de[k - 1]) > v->dl[SF_DTXT])
        k--;
    v->n_keys = k;
    for (int c = 0; c < SEG_N_COLS; c++) {
        if (!seg_is_dict(c))
            continue;
        if (v->dl[SF_COL + c] / 4 < n)
            n = v->dl[SF_COL + c] / 4;
    }
    while (n && !row_complete(v, n - 1))
        n--;
    v->n_rows = n;
    /* only the keys complete rows brought: the next writer cuts any others,
     * and a reader must not touch bytes that may go */
    uint32_t kc = n ? ((const uint32_t *)(const void *)v->d[SF_KCNT])[n - 1] : 0;
    if (kc < v->n_keys)
        v->n_keys = kc;
    /* the irregular rows of the complete ones: mcnt says how many */
    v->n_multi = n ? ((const uint32_t *)(const void *)v->d[SF_MCNT])[n - 1] : 0;
}

/* ---- files in a process ----------------------------------------------------- */

static int io_err(sw_errbuf_t *err, const seg_t *s, int f, const char *what)
{
    char name[16];
    seg_file_name(f, name, sizeof name);
    return sw_seterr(err, SW_EIO, "%s/%s: %s: %s", s->dir, name, what, strerror(errno));
}

/* Map every file at its current size and check the view. */
static int seg_remap(seg_t *s, sw_errbuf_t *err)
{
    const uint8_t *file[SF_N] = {0};
    size_t len[SF_N] = {0};
    for (int f = 0; f < SF_N; f++) {
        seg_file_t *sf = &s->f[f];
        if (!seg_file_used(f) || sf->fd < 0)
            continue;
        struct stat st;
        if (fstat(sf->fd, &st) != 0)
            return io_err(err, s, f, "stat");
        size_t sz = (size_t)st.st_size;
        if (sz != sf->map_len) {
            if (sf->map)
                munmap((void *)(uintptr_t)sf->map, sf->map_len);
            sf->map = NULL;
            sf->map_len = 0;
            if (sz) {
                void *m = mmap(NULL, sz, PROT_READ, MAP_SHARED, sf->fd, 0);
                if (m == MAP_FAILED)
                    return io_err(err, s, f, "mmap");
                sf->map = m;
                sf->map_len = sz;
            }
        }
        file[f] = sf->map;
        len[f] = sf->map_len;
    }
    int rc = seg_view_set(&s->v, file, len, s->team_id, err);
    if (rc) {
        char msg[SW_ERRBUF_LEN];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return sw_seterr(err, rc, "%s: %s", s->dir, msg);
    }
    seg_view_check(&s->v);
    return SW_OK;
}

int seg_open(seg_t *s, const char *dir, uint64_t team_id, int create, sw_errbuf_t *err)
{
    memset(s, 0, sizeof *s);
    for (int f = 0; f < SF_N; f++)
        s->f[f].fd = -1;
    if (strlen(dir) + 16 > sizeof s->dir)
        return sw_seterr(err, SW_ETOOBIG, "store path too long");
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->team_id = team_id;
    for (int c = 0; c < SEG_N_COLS; c++)
        sw_arena_init(&s->dict[c].arena, 0);
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (!create)
            return sw_seterr(err, SW_ENOENT, "%s: no segment directory", dir);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return sw_seterr(err, SW_EIO, "%s: %s", dir, strerror(errno));
    }
    for (int f = 0; f < SF_N; f++) {
        if (!seg_file_used(f))
            continue;
        char name[16], path[4200];
        seg_file_name(f, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            fd = open(path, O_RDONLY | O_CLOEXEC); /* a read-only copy: hunt still works */
        s->f[f].fd = fd;
    }
    return seg_remap(s, err);
}

static void dict_free(seg_dict_t *d)
{
    free(d->slots);
    sw_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

static void writer_stop(seg_t *s);

void seg_close(seg_t *s)
{
    if (s->writing && !s->broken)
        seg_flush(s, 1, NULL);
    writer_stop(s);
    seg_view_free(&s->v);
    for (int f = 0; f < SF_N; f++) {
        seg_file_t *sf = &s->f[f];
        if (sf->map)
            munmap((void *)(uintptr_t)sf->map, sf->map_len);
        if (sf->fd >= 0)
            close(sf->fd); /* drops the flock with the last descriptor */
        free(sf->buf);
    }
    for (int c = 0; c < SEG_N_COLS; c++)
        dict_free(&s->dict[c]);
    memset(s, 0, sizeof *s);
    for (int f = 0; f < SF_N; f++)
        s->f[f].fd = -1;
}

/* Ask the kernel to start writing [off, off + len) to disk now, without
 * waiting. Otherwise a long ingest's pages sit dirty in the page cache
 * until the flush's fdatasync, which then waits for gigabytes at the
 * disk's speed after the CPU work is done; started early, the disk works
 * while records are parsed. Only a hint: fdatasync still decides what is
 * durable, and a failure here changes nothing. len 0: to the end. */
static void start_writeback(int fd, size_t off, size_t len)
{
#ifdef SYNC_FILE_RANGE_WRITE
    (void)sync_file_range(fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    (void)off;
    (void)len;
#endif
}

/* Write f's pending bytes at its end. */
static int write_out(seg_t *s, int f, sw_errbuf_t *err)
{
    seg_file_t *sf = &s->f[f];
    size_t done = 0;
    while (done < sf->buf_len) {
        ssize_t w =
            pwrite(sf->fd, sf->buf + done, sf->buf_len - done, (off_t)(sf->disk_len + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s->broken = 1;
            return io_err(err, s, f, "write");
        }
        done += (size_t)w;
    }
    sf->disk_len += sf->buf_len;
    sf->buf_len = 0;
    sf->dirty = 1;
    return SW_OK;
}

/* Room for n more bytes in f's buffer; a pointer to them. */
static uint8_t *reserve(seg_t *s, int f, size_t n, sw_errbuf_t *err)
{
    seg_file_t *sf = &s->f[f];
    size_t cap = SEG_BUF;
    if (n > cap)
        cap = n;
    if (!sf->buf) {
        if (!(sf->buf = malloc(cap > SEG_BUF ? cap : SEG_BUF))) {
            sw_seterr(err, SW_ENOMEM, "out of memory");
            return NULL;
        }
    } else if (sf->buf_len + n > SEG_BUF) {
        if (write_out(s, f, err))
            return NULL;
        if (n > SEG_BUF) {
            uint8_t *b = realloc(sf->buf, n);
            if (!b) {
                sw_seterr(err, SW_ENOMEM, "out of memory");
                return NULL;
            }
            sf->buf = b;
        }
    }
    uint8_t *p = sf->buf + sf->buf_len;
    sf->buf_len += n;
    return p;
}

static int put_slow(seg_t *s, int f, const void *p, size_t n, sw_errbuf_t *err)
{
    uint8_t *d = reserve(s, f, n, err);
    if (!d)
        return s->broken ? SW_EIO : SW_ENOMEM;
    memcpy(d, p, n);
    return SW_OK;
}

/* Append n bytes to f's buffer. Inline for the common case (room in the
 * buffer): ingest puts ~20 small values a record. */
static inline int put(seg_t *s, int f, const void *p, size_t n, sw_errbuf_t *err)
{
    seg_file_t *sf = &s->f[f];
    if (sf->buf && sf->buf_len + n <= SEG_BUF) {
        memcpy(sf->buf + sf->buf_len, p, n);
        sf->buf_len += n;
        return SW_OK;
    }
    return put_slow(s, f, p, n, err);
}

/* Bytes of f after its header, pending ones included. */
static size_t data_len(const seg_t *s, int f)
{
    return s->f[f].disk_len - SEG_HDR + s->f[f].buf_len;
}

/* ---- dictionaries -------------------------------------------------------------- */

/* A case-insensitive (ASCII) hash, 8 bytes a step: ingest hashes ~9 values
 * a record, so byte-at-a-time FNV showed in profiles. */
static uint64_t dict_hash(const char *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    size_t i = 0;
    for (;; i += 8) {
        uint64_t w = 0;
        size_t m = n - i < 8 ? n - i : 8;
        memcpy(&w, k + i, m);
        /* lower-case A-Z in all 8 bytes at once (SWAR) */
        uint64_t hi = 0x8080808080808080ULL;
        uint64_t x = w & ~hi;
        uint64_t ge_a = x + 0x3f3f3f3f3f3f3f3fULL; /* >= 'A' sets bit 7 */
        uint64_t gt_z = x + 0x2525252525252525ULL; /* > 'Z' sets bit 7 */
        uint64_t up = ge_a & ~gt_z & ~w & hi;
        w |= up >> 2;
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        if (m < 8 || i + 8 == n)
            break;
    }
    return h;
}

/* Add key (hash h, not there yet) with id. The slot keeps 32 bits of the
 * hash, so growing the table never reads the keys again (a cache miss
 * each, for the near-unique DestinationIp millions of them), and the
 * key's length sits in the arena just before it. */
static int dict_insert(seg_dict_t *d, const char *key, size_t len, uint64_t h, uint32_t id)
{
    if ((d->n_in + 1) * 2 > d->cap_slots) {
        size_t nc = d->cap_slots ? d->cap_slots * 2 : 256;
        seg_dict_slot_t *sl = calloc(nc, sizeof *sl);
        if (!sl)
            return SW_ENOMEM;
        for (size_t i = 0; i < d->cap_slots; i++) {
            const seg_dict_slot_t *o = &d->slots[i];
            if (!o->key)
                continue;
            size_t j = o->h32 & (nc - 1);
            while (sl[j].key)
                j = (j + 1) & (nc - 1);
            sl[j] = *o;
        }
        free(d->slots);
        d->slots = sl;
        d->cap_slots = nc;
    }
    if (len > UINT32_MAX)
        return SW_ETOOBIG;
    char *k = sw_arena_alloc(&d->arena, len + 5);
    if (!k)
        return SW_ENOMEM;
    uint32_t l32 = (uint32_t)len;
    memcpy(k, &l32, 4);
    memcpy(k + 4, key, len);
    k[4 + len] = '\0';
    uint32_t h32 = (uint32_t)h;
    size_t j = h32 & (d->cap_slots - 1);
    while (d->slots[j].key)
        j = (j + 1) & (d->cap_slots - 1);
    d->slots[j] = (seg_dict_slot_t){k + 4, id, h32};
    d->n_in++;
    return SW_OK;
}

/* The slot's key equals key[0..len), ASCII case-insensitively. */
static int key_eq(const seg_dict_slot_t *sl, const char *key, size_t len)
{
    const char *k = sl->key;
    uint32_t kl;
    memcpy(&kl, k - 4, 4);
    if (kl != len)
        return 0;
    if (memcmp(k, key, len) == 0) /* nearly always: the same spelling again */
        return 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)k[i], b = (unsigned char)key[i];
        if (a != b && (a | 0x20) != (b | 0x20))
            return 0;
        if (a != b && !((a | 0x20) >= 'a' && (a | 0x20) <= 'z'))
            return 0;
    }
    return 1;
}

/* The id of key (hash h), 0 if absent. */
static uint32_t dict_find(const seg_dict_t *d, const char *key, size_t len, uint64_t h)
{
    if (!d->cap_slots)
        return 0;
    uint32_t h32 = (uint32_t)h;
    size_t j = h32 & (d->cap_slots - 1);
    while (d->slots[j].key) {
        if (d->slots[j].h32 == h32 && key_eq(&d->slots[j], key, len))
            return d->slots[j].id;
        j = (j + 1) & (d->cap_slots - 1);
    }
    return 0;
}

/* Bring the in-memory dictionary of c up to the keys on disk: one look at
 * each key's column, a hash insert for c's. */
static int dict_load(seg_t *s, int c, sw_errbuf_t *err)
{
    seg_dict_t *d = &s->dict[c];
    const uint64_t *de = (const uint64_t *)(const void *)s->v.d[SF_DEND];
    while (d->n_loaded < s->v.n_keys) {
        uint32_t id = (uint32_t)(d->n_loaded + 1);
        if (SEG_KEY_COL(de[id - 1]) != c) {
            d->n_loaded++;
            continue;
        }
        const char *k;
        size_t l;
        if (seg_key(&s->v, c, id, &k, &l))
            return sw_seterr(err, SW_EIO, "%s: dictionary damaged at key %u", s->dir, id);
        /* a key holding NUL cannot be matched by a query: keep it unmatchable */
        uint64_t h = dict_hash(k, l);
        if (!memchr(k, '\0', l) && !dict_find(d, k, l, h) && dict_insert(d, k, l, h, id))
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        d->n_loaded++;
    }
    return SW_OK;
}

uint32_t seg_dict_id(seg_t *s, int c, const char *key, size_t len, sw_errbuf_t *err)
{
    seg_dict_t *d = &s->dict[c];
    if (!s->writing && dict_load(s, c, err))
        return UINT32_MAX;
    uint32_t id = dict_find(d, key, len, dict_hash(key, len));
    return id ? id : UINT32_MAX;
}

/* ---- the log's writer thread --------------------------------------------------- */

/* pwrite all of p at off; errno on failure. */
static int pwrite_all(int fd, const void *p, size_t n, size_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, (const uint8_t *)p + done, n - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        done += (size_t)w;
    }
    return 0;
}

/* Append n bytes to the writer-owned file f's buffer (writing it out when
 * full). 0 or an errno. The writer's own put: put() marks the segment
 * broken from whichever thread, which is the appender's to do. */
static int wput(seg_t *s, int f, const void *p, size_t n)
{
    seg_file_t *sf = &s->f[f];
    if (sf->buf && sf->buf_len + n <= SEG_BUF) {
        memcpy(sf->buf + sf->buf_len, p, n);
        sf->buf_len += n;
        return 0;
    }
    if (!sf->buf && !(sf->buf = malloc(SEG_BUF)))
        return ENOMEM;
    int e;
    if (sf->buf_len && (e = pwrite_all(sf->fd, sf->buf, sf->buf_len, sf->disk_len)))
        return e;
    sf->disk_len += sf->buf_len;
    sf->buf_len = 0;
    sf->dirty = 1;
    if (n > SEG_BUF) { /* a key bigger than the buffer: straight to the file */
        if ((e = pwrite_all(sf->fd, p, n, sf->disk_len)))
            return e;
        sf->disk_len += n;
        return 0;
    }
    memcpy(sf->buf, p, n);
    sf->buf_len = n;
    return 0;
}

/* The id of key (hash h) in dictionary c, added (to the dictionary, dkeys
 * and dends) when new. Writer thread. 0 or an errno; *file: which failed. */
static int writer_dict_id(seg_t *s, int c, const char *key, size_t len, uint64_t h, uint32_t *id,
                          int *file)
{
    seg_dict_t *d = &s->dict[c];
    if ((*id = dict_find(d, key, len, h)))
        return 0;
    if (s->n_keys >= UINT32_MAX - 1 || len >= ((uint64_t)1 << 40))
        return EOVERFLOW;
    *id = (uint32_t)(s->n_keys + 1);
    if (dict_insert(d, key, len, h, *id))
        return ENOMEM;
    int e;
    *file = SF_DTXT;
    if ((e = wput(s, SF_DTXT, key, len)))
        return e;
    uint64_t end = data_len(s, SF_DTXT) | ((uint64_t)c << 56);
    *file = SF_DEND;
    if ((e = wput(s, SF_DEND, &end, 8)))
        return e;
    s->n_keys++;
    for (int k = 0; k < SEG_N_COLS; k++) /* every dictionary has seen this key */
        if (s->dict[k].n_loaded == s->n_keys - 1)
            s->dict[k].n_loaded = s->n_keys;
    return 0;
}

/* The dictionary columns of b's rows: ids, and the key count after each
 * row. Writer thread. 0 or an errno; *file: which failed. */
static int writer_columns(seg_t *s, const seg_blk_t *b, int *file)
{
    const uint8_t *p = b->vals, *end = b->vals + b->vals_len;
    for (size_t r = 0; r < b->rows; r++) {
        for (int c = 0; c < SEG_N_COLS; c++) {
            if (!seg_is_dict(c))
                continue;
            uint32_t l, id = 0;
            if (end - p < 4)
                return EIO; /* the appender wrote them: never */
            memcpy(&l, p, 4);
            p += 4;
            int e;
            if (l) {
                uint64_t h;
                if ((size_t)(end - p) < 8 + (size_t)(l - 1))
                    return EIO;
                memcpy(&h, p, 8);
                if ((e = writer_dict_id(s, c, (const char *)p + 8, l - 1, h, &id, file)))
                    return e;
                p += 8 + (l - 1);
            }
            *file = SF_COL + c;
            if ((e = wput(s, SF_COL + c, &id, 4)))
                return e;
        }
        uint32_t kc = (uint32_t)s->n_keys;
        int e;
        *file = SF_KCNT;
        if ((e = wput(s, SF_KCNT, &kc, 4)))
            return e;
    }
    return 0;
}

/* Pack b's blocks and append them to log,
 * then their units to lidx (log first: a unit lidx names is always whole
 * on disk, up to what fdatasync has not yet made durable, which the
 * checksum covers). 0 or an errno; *file: which file failed. */
static int writer_batch(seg_t *s, seg_blk_t *b, int *file)
{
    seg_writer_t *w = &s->wr;
    int ce = writer_columns(s, b, file);
    if (ce)
        return ce;
    size_t need = (size_t)LZ4_compressBound((int)b->len) + SEG_BATCH * SEG_BLK_HDR;
    uint64_t units = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t end = i + 1 < b->n ? b->start[i + 1] : b->len;
        units += (end - b->start[i] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
    }
    need += units * 8;
    if (need > w->out_cap) {
        uint8_t *p = realloc(w->out, need);
        if (!p)
            return ENOMEM;
        w->out = p;
        w->out_cap = need;
    }
    /* the packed blocks from the front of out, their lidx entries after */
    size_t at = 0;
    uint64_t *ent = malloc(units * 8), e = 0;
    if (!ent)
        return ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        size_t end = i + 1 < b->n ? b->start[i + 1] : b->len, rl = end - b->start[i];
        const uint8_t *raw = b->raw + b->start[i];
        uint8_t *dst = w->out + at;
        uint32_t h[4];
        int c = LZ4_compress_fast((const char *)raw, (char *)dst + SEG_BLK_HDR, (int)rl,
                                  LZ4_compressBound((int)rl), SEG_LZ4_ACCEL);
        if (c <= 0 || (size_t)c >= rl) { /* does not shrink: store it */
            memcpy(dst + SEG_BLK_HDR, raw, rl);
            h[0] = (uint32_t)rl;
            h[3] = SEG_BLK_STORED;
        } else {
            h[0] = (uint32_t)c;
            h[3] = SEG_BLK_LZ4;
        }
        h[1] = (uint32_t)rl;
        h[2] = blk_sum(dst + SEG_BLK_HDR, h[0], h[1], h[3]);
        memcpy(dst, h, sizeof h);
        /* one entry per unit the block spans: the first names it */
        uint64_t span = (rl + SEG_UNIT - 1) >> SEG_UNIT_BITS;
        for (uint64_t u = 0; u < span; u++)
            ent[e++] = u ? SEG_NO_BLOCK : w->log_len - SEG_HDR + at;
        at += SEG_BLK_HDR + h[0];
    }
    int err = 0;
    *file = SF_LOG;
    if ((err = pwrite_all(s->f[SF_LOG].fd, w->out, at, w->log_len)))
        goto done;
    /* the writer starts the writeback of every file: the call costs the
     * appending thread a device notification when made there */
    start_writeback(s->f[SF_LOG].fd, w->log_len, at);
    for (int f = SF_LOG + 1; f < SF_N; f++)
        if (f != SF_LIDX && seg_file_used(f) && s->f[f].fd >= 0)
            start_writeback(s->f[f].fd, 0, 0); /* 0: to the end of the file */
    w->log_len += at;
    *file = SF_LIDX;
    if (b->n && w->lidx_len != SEG_HDR + b->unit[0] * 8) {
        err = EIO; /* units are handed over in order: never */
        goto done;
    }
    if ((err = pwrite_all(s->f[SF_LIDX].fd, ent, units * 8, w->lidx_len)))
        goto done;
    w->lidx_len += units * 8;
    w->dirty = 1;
done:
    free(ent);
    return err;
}

static void *writer_main(void *arg)
{
    seg_t *s = arg;
    seg_writer_t *w = &s->wr;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->queued && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->queued)
            break; /* stop, and nothing left */
        seg_blk_t *b = &w->blk[w->next];
        int failed = w->failed;
        pthread_mutex_unlock(&w->mu);
        int e = 0, file = SF_LOG;
        if (!failed) /* after a failure, blocks are dropped: the writer is broken */
            e = writer_batch(s, b, &file);
        pthread_mutex_lock(&w->mu);
        if (e && !w->failed) {
            w->failed = e;
            w->failed_file = file;
        }
        b->len = b->n = b->vals_len = b->rows = 0;
        w->next = (w->next + 1) % SEG_NBLK;
        w->queued--;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Start the writer with the log and lidx lengths on disk. */
static int writer_start(seg_t *s, size_t log_len, size_t lidx_len, sw_errbuf_t *err)
{
    seg_writer_t *w = &s->wr;
    w->log_len = log_len;
    w->lidx_len = lidx_len;
    w->failed = 0;
    w->dirty = 0;
    if (w->started)
        return SW_OK;
    for (int i = 0; i < SEG_NBLK; i++) {
        if (!w->blk[i].raw && !(w->blk[i].raw = malloc(SEG_BATCH * SEG_UNIT)))
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        w->blk[i].cap = SEG_BATCH * SEG_UNIT;
        w->blk[i].len = w->blk[i].n = 0;
    }
    w->fill = w->next = w->queued = 0;
    w->stop = 0;
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return sw_seterr(err, SW_ENOMEM, "cannot make a mutex");
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return sw_seterr(err, SW_ENOMEM, "cannot make a condition variable");
    }
    if (pthread_create(&w->th, NULL, writer_main, s) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return sw_seterr(err, SW_ENOMEM, "cannot start the log's writer thread");
    }
    w->started = 1;
    return SW_OK;
}

/* Wait until the writer has written everything handed to it; then report
 * a write it failed (the segment is broken from then on). */
static int writer_drain(seg_t *s, sw_errbuf_t *err)
{
    seg_writer_t *w = &s->wr;
    if (!w->started)
        return SW_OK;
    pthread_mutex_lock(&w->mu);
    while (w->queued)
        pthread_cond_wait(&w->cv, &w->mu);
    int failed = w->failed, file = w->failed_file;
    pthread_mutex_unlock(&w->mu);
    if (failed) {
        s->broken = 1;
        errno = failed;
        return io_err(err, s, file, "write");
    }
    return SW_OK;
}

static void writer_stop(seg_t *s)
{
    seg_writer_t *w = &s->wr;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stop = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->th, NULL);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
    }
    for (int i = 0; i < SEG_NBLK; i++) {
        free(w->blk[i].raw);
        free(w->blk[i].vals);
    }
    free(w->out);
    memset(w, 0, sizeof *w);
}

/* The unit after the last block of b (b->n > 0). */
static uint64_t batch_next_unit(const seg_blk_t *b)
{
    size_t rl = b->len - b->start[b->n - 1];
    return b->unit[b->n - 1] + ((rl + SEG_UNIT - 1) >> SEG_UNIT_BITS);
}

/* Hand the batch being filled to the writer (waiting while it has
 * SEG_NBLK - 1); the next block starts at the next free unit. */
static int writer_seal(seg_t *s, sw_errbuf_t *err)
{
    seg_writer_t *w = &s->wr;
    seg_blk_t *b = &w->blk[w->fill];
    if (!b->n)
        return SW_OK;
    s->log_unit = batch_next_unit(b);
    pthread_mutex_lock(&w->mu);
    while (w->queued == SEG_NBLK - 1)
        pthread_cond_wait(&w->cv, &w->mu);
    int failed = w->failed;
    w->queued++;
    w->fill = (w->fill + 1) % SEG_NBLK;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (failed)
        return writer_drain(s, err);
    return SW_OK;
}

/* Room for a frame of n bytes in the block being filled (a new block when
 * it would pass its unit; a new batch when the batch is full): a pointer
 * to it, *roff its place in the unpacked stream. */
static uint8_t *writer_frame(seg_t *s, size_t n, uint64_t *roff, sw_errbuf_t *err)
{
    seg_writer_t *w = &s->wr;
    seg_blk_t *b = &w->blk[w->fill];
    if (!b->n || b->len - b->start[b->n - 1] + n > SEG_UNIT) {
        if (b->n == SEG_BATCH) {
            if (writer_seal(s, err))
                return NULL;
            b = &w->blk[w->fill];
        } else if (b->n) {
            s->log_unit = batch_next_unit(b);
        }
        b->start[b->n] = b->len;
        b->unit[b->n] = s->log_unit;
        b->n++;
    }
    if (b->len + n > b->cap) { /* a record bigger than a unit */
        size_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n;
        uint8_t *p = realloc(b->raw, cap);
        if (!p) {
            sw_seterr(err, SW_ENOMEM, "out of memory");
            return NULL;
        }
        b->raw = p;
        b->cap = cap;
    }
    size_t in = b->len - b->start[b->n - 1];
    *roff = (b->unit[b->n - 1] << SEG_UNIT_BITS) + in;
    uint8_t *p = b->raw + b->len;
    b->len += n;
    return p;
}

/* ---- writing ------------------------------------------------------------------- */

int seg_writer_begin(seg_t *s, sw_errbuf_t *err)
{
    if (s->writing)
        return SW_OK;
    if (s->broken)
        return sw_seterr(err, SW_EIO, "%s: an earlier write failed; reopen the store", s->dir);
    for (int f = 0; f < SF_N; f++)
        if (seg_file_used(f) && s->f[f].fd < 0)
            return sw_seterr(err, SW_EIO, "%s: cannot write the segment files", s->dir);
    if (flock(s->f[SF_LOG].fd, LOCK_EX | LOCK_NB) != 0)
        return sw_seterr(err, SW_ESTATE, "%s: another process is writing this team's records",
                         s->dir);
    int rc = seg_remap(s, err); /* under the lock: nobody appends now */
    if (rc)
        return rc;
    /* invariant 1: cut every file back to the complete rows */
    const seg_view_t *v = &s->v;
    size_t n = v->n_rows;
    size_t want[SF_N] = {0};
    want[SF_TS] = want[SF_ROFF] = want[SF_CEND] = want[SF_EID] = n * 8;
    uint64_t unit = 0, units = 0; /* the last complete row's block: its unit and span */
    s->log_unit = 0;
    if (n) {
        const char *j;
        size_t l, a, b;
        seg_record(&s->v, n - 1, &j, &l); /* complete: its block is whole */
        unit = ((const uint64_t *)(const void *)v->d[SF_ROFF])[n - 1] >> SEG_UNIT_BITS;
        uint64_t off = ((const uint64_t *)(const void *)v->d[SF_LIDX])[unit];
        uint32_t h[4];
        memcpy(h, v->d[SF_LOG] + off, sizeof h);
        want[SF_LOG] = (size_t)(off + SEG_BLK_HDR + h[0]);
        units = (h[1] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
        want[SF_LIDX] = (size_t)((unit + units) * 8);
        s->log_unit = unit + units;
        seg_cmd(v, n - 1, &a, &b);
        want[SF_CMD] = b + 1;
    }
    want[SF_MULTI] = v->n_multi * 4;
    want[SF_MCNT] = want[SF_KCNT] = n * 4;
    for (int c = 0; c < SEG_N_COLS; c++)
        if (seg_is_dict(c))
            want[SF_COL + c] = n * 4;
    /* keys no complete row brought go too: the next row brings them again */
    size_t k = n ? ((const uint32_t *)(const void *)v->d[SF_KCNT])[n - 1] : 0;
    want[SF_DEND] = k * 8;
    want[SF_DTXT] = k ? SEG_KEY_END(((const uint64_t *)(const void *)v->d[SF_DEND])[k - 1]) : 0;
    s->n_keys = k;
    for (int f = 0; f < SF_N; f++) {
        if (!seg_file_used(f))
            continue;
        seg_file_t *sf = &s->f[f];
        if (sf->map_len < SEG_HDR) {
            /* new, or a header cut short: (re)write the header */
            uint8_t h[SEG_HDR];
            memcpy(h, seg_magic, sizeof seg_magic);
            h[6] = (uint8_t)f;
            h[7] = SEG_FORMAT;
            memcpy(h + 8, &s->team_id, 8);
            if (ftruncate(sf->fd, 0) != 0 || pwrite(sf->fd, h, SEG_HDR, 0) != SEG_HDR)
                return io_err(err, s, f, "write");
        } else if (sf->map_len != SEG_HDR + want[f] &&
                   ftruncate(sf->fd, (off_t)(SEG_HDR + want[f])) != 0) {
            return io_err(err, s, f, "truncate");
        }
        sf->disk_len = SEG_HDR + want[f];
        sf->buf_len = 0;
    }
    /* the units a big last block spans name no block (a torn lidx write
     * may have left them zero) */
    for (uint64_t u = unit + 1; u < unit + units; u++) {
        uint64_t none = SEG_NO_BLOCK;
        if (pwrite_all(s->f[SF_LIDX].fd, &none, 8, SEG_HDR + u * 8)) {
            errno = EIO;
            return io_err(err, s, SF_LIDX, "write");
        }
    }
    if ((rc = seg_remap(s, err)))
        return rc;
    if ((rc = writer_start(s, SEG_HDR + want[SF_LOG], SEG_HDR + want[SF_LIDX], err)))
        return rc;
    s->n_rows = s->v.n_rows;
    s->n_multi = s->v.n_multi;
    if (s->n_rows != n || s->v.n_keys != s->n_keys)
        return sw_seterr(err, SW_EIO, "%s: segment changed while it was being repaired", s->dir);
    s->writing = 1;
    for (int c = 0; c < SEG_N_COLS; c++)
        if (seg_is_dict(c) && (rc = dict_load(s, c, err))) {
            s->writing = 0;
            return rc;
        }
    return SW_OK;
}

int seg_append(seg_t *s, const char *json, size_t len, const seg_row_t *row, size_t *row_out,
               sw_errbuf_t *err)
{
    int rc;
    if (!s->writing && (rc = seg_writer_begin(s, err)))
        return rc;
    if (s->broken)
        return sw_seterr(err, SW_EIO, "%s: an earlier write failed; reopen the store", s->dir);
    if (len > SEG_MAX_RECORD)
        return sw_seterr(err, SW_ETOOBIG, "record over %u bytes", SEG_MAX_RECORD);
    if (s->n_rows >= UINT32_MAX - 1)
        return sw_seterr(err, SW_ETOOBIG, "team is full (%u records)", UINT32_MAX - 1);
    size_t r = s->n_rows;
    uint64_t roff;
    /* the checksum here, while the record is in cache: the writer thread is
     * the busier one at 10 M records (its dictionaries grow) */
    uint32_t hdr[2] = {(uint32_t)len, seg_sum(json, len)};
    s->last_stamp = (uint64_t)len << 32 | hdr[1] | (uint64_t)1 << 63; /* as seg_row_stamp */
    uint8_t *p = writer_frame(s, 8 + len, &roff, err);
    if (!p) {
        s->broken = 1;
        return SW_EIO;
    }
    memcpy(p, hdr, 8);
    memcpy(p + 8, json, len);
    /* the dictionary values, for the writer (into the batch the frame went
     * to): it gives the ids */
    seg_blk_t *b = &s->wr.blk[s->wr.fill];
    size_t need = 4 * SEG_N_COLS;
    for (int c = 0; c < SEG_N_COLS; c++)
        if (seg_is_dict(c) && row->val[c])
            need += 8 + row->val_len[c];
    if (b->vals_len + need > b->vals_cap) {
        size_t cap = b->vals_cap ? b->vals_cap * 2 : SEG_BATCH * SEG_UNIT;
        if (cap < b->vals_len + need)
            cap = b->vals_len + need;
        uint8_t *v = realloc(b->vals, cap);
        if (!v) {
            s->broken = 1;
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        }
        b->vals = v;
        b->vals_cap = cap;
    }
    for (int c = 0; c < SEG_N_COLS; c++) {
        if (!seg_is_dict(c))
            continue;
        uint32_t l = row->val[c] ? (uint32_t)row->val_len[c] + 1 : 0;
        memcpy(b->vals + b->vals_len, &l, 4);
        b->vals_len += 4;
        if (l) { /* the hash here: it balances the two threads' work */
            uint64_t h = dict_hash(row->val[c], l - 1);
            memcpy(b->vals + b->vals_len, &h, 8);
            memcpy(b->vals + b->vals_len + 8, row->val[c], l - 1);
            b->vals_len += 8 + (l - 1);
        }
    }
    b->rows++;
    const char *cl = row->val[SEG_COL_CMDLINE];
    size_t cll = cl ? row->val_len[SEG_COL_CMDLINE] : 0;
    if (!(p = reserve(s, SF_CMD, cll + 1, err))) {
        s->broken = 1;
        return SW_EIO;
    }
    for (size_t i = 0; i < cll; i++) {
        unsigned char ch = (unsigned char)cl[i];
        p[i] = (uint8_t)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    p[cll] = 0;
    uint64_t cend = data_len(s, SF_CMD);
    uint32_t r32 = (uint32_t)r;
    if (row->multi)
        s->n_multi++;
    uint32_t mc = (uint32_t)s->n_multi;
    if (put(s, SF_TS, &row->ts, 8, err) || put(s, SF_ROFF, &roff, 8, err) ||
        put(s, SF_CEND, &cend, 8, err) || put(s, SF_EID, &row->eid, 8, err) ||
        (row->multi && put(s, SF_MULTI, &r32, 4, err)) || put(s, SF_MCNT, &mc, 4, err)) {
        s->broken = 1;
        return SW_EIO;
    }
    s->n_rows++;
    if (row_out)
        *row_out = r;
    return SW_OK;
}

int seg_flush(seg_t *s, int durable, sw_errbuf_t *err)
{
    if (s->writing) {
        /* the log's blocks first, so that when this returns every row
         * appended so far is complete on disk (and readers see them all) */
        if (writer_seal(s, err) || writer_drain(s, err))
            return SW_EIO;
        if (s->wr.dirty) {
            s->f[SF_LOG].dirty = s->f[SF_LIDX].dirty = 1;
            s->wr.dirty = 0;
        }
        for (int f = 0; f < SF_N; f++) {
            seg_file_t *sf = &s->f[f];
            if (!seg_file_used(f))
                continue;
            if (sf->buf_len && write_out(s, f, err))
                return SW_EIO;
            if (durable && sf->dirty) {
                if (fdatasync(sf->fd) != 0)
                    return io_err(err, s, f, "fdatasync");
                sf->dirty = 0;
            }
        }
    }
    int rc = seg_remap(s, err);
    if (!rc && s->writing && s->v.n_rows != s->n_rows)
        rc = sw_seterr(err, SW_EIO, "%s: %zu records written, %zu readable", s->dir, s->n_rows,
                       s->v.n_rows);
    return rc;
}
