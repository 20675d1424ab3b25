/* evseg.c — one team's segment files: reading them (the view), opening and
 * mapping them, the writer thread, and appending. See evseg.h for the layout
 * and its invariants; evseg_check.c decides what of them is complete and
 * rebuilds what is damaged.
 *
 * The appending thread frames records into batches of blocks; the writer
 * thread packs each batch and writes it to log, lidx, roff, ts and sums, in
 * that order. A crash can still leave the files ending at different rows
 * (the kernel writes pages back in any order), which is why a reader
 * trusts only committed rows and the complete-row prefix after them
 * (seg_view_check) and the writer cuts the rest when it starts
 * (seg_writer_begin). Readers map the files read-only and remap when they
 * grew. Every file is opened under the team directory's descriptor,
 * O_NOFOLLOW, and created O_EXCL (evseg.h). */
#define _GNU_SOURCE /* sync_file_range */
#include "store/evseg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4.h>

#include "store/evidx.h" /* idx_sum: the columns' checksums */

/* LZ4's acceleration: on telemetry in 32 KB blocks, 2 packs 6.6:1 at
 * ~1.8 GB/s, 1 6.8:1, 4 6.3:1 a little faster */
#ifndef SEG_LZ4_ACCEL
#define SEG_LZ4_ACCEL 2
#endif

static const char seg_magic[6] = {'S', 'W', 'S', 'E', 'G', '1'};

/* What an empty file reads as: aligned, never NULL. */
static const uint64_t seg_empty[2];

void seg_file_name(int f, char *out, size_t cap)
{
    static const char *const names[SF_N] = {"log", "ts", "roff", "lidx", "sums"};
    snprintf(out, cap, "%s", f >= 0 && f < SF_N ? names[f] : "?");
}

int seg_file_kind(int f)
{
    static const int kinds[SF_N] = {0, 1, 2, 22, 23};
    return f >= 0 && f < SF_N ? kinds[f] : -1;
}

void seg_header(int f, uint64_t team_id, uint64_t store_id, uint8_t out[SEG_HDR])
{
    memcpy(out, seg_magic, sizeof seg_magic);
    out[6] = (uint8_t)seg_file_kind(f);
    out[7] = SEG_FORMAT;
    out[8] = (uint8_t)team_id;
    out[9] = (uint8_t)(team_id >> 8);
    for (int i = 0; i < 6; i++)
        out[10 + i] = (uint8_t)(store_id >> (8 * i));
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

/* A header's format, team and store (0 for formats before 4); -1 when it
 * is not a seawall segment header of file f's kind. */
static int header_read(int f, const uint8_t *h, uint64_t *team, uint64_t *store)
{
    if (memcmp(h, seg_magic, sizeof seg_magic) != 0 || h[6] != seg_file_kind(f))
        return -1;
    *store = 0;
    if (h[7] >= 4) {
        *team = (uint64_t)h[8] | (uint64_t)h[9] << 8;
        for (int i = 0; i < 6; i++)
            *store |= (uint64_t)h[10 + i] << (8 * i);
    } else {
        memcpy(team, h + 8, 8);
    }
    return h[7];
}

/* Forget what seg_view_check built: own columns, checks, repairs. */
static void view_reset(seg_view_t *v)
{
    for (int f = 0; f < SF_N; f++) {
        free(v->own[f]);
        v->own[f] = NULL;
        v->own_cap[f] = 0;
        v->seen[f] = 0;
    }
    v->owned = 0;
    v->ok_ent = 0;
    free(v->vchk);
    v->vchk = NULL;
    v->vchk_cap = 0;
    v->ok_rows = v->ok_units = v->ok_log = 0;
    v->sums_bad = v->repaired = 0;
    v->lost_lo = v->lost_hi = 0;
    v->note[0] = '\0';
    free(v->bsum);
    v->bsum = NULL;
    v->bsum_words = 0;
    memset(v->dsum, 0, sizeof v->dsum);
}

int seg_view_set(seg_view_t *v, const uint8_t *const file[SF_N], const size_t len[SF_N],
                 sw_errbuf_t *err)
{
    for (int i = 0; i < SEG_NCACHE; i++) /* the buffers stay, what they held goes */
        v->cache[i].unit = v->cache[i].before = SEG_NO_BLOCK;
    v->format = SEG_FORMAT;
    v->hdr_bad = 0;
    int fmt[SF_N] = {0};
    const char *why[SF_N] = {0};
    uint64_t tid[SF_N] = {0}, sid[SF_N] = {0};
    for (int f = 0; f < SF_N; f++) {
        v->d[f] = (const uint8_t *)seg_empty;
        v->dl[f] = 0;
        if (len[f] < SEG_HDR)
            continue; /* none, or a header cut short: empty */
        fmt[f] = header_read(f, file[f], &tid[f], &sid[f]);
        if (fmt[f] < 0)
            why[f] = "is not a seawall segment file of this kind (damaged or foreign)";
        else if (fmt[f] < 2 || fmt[f] > SEG_FORMAT)
            why[f] = "is in a format this seawall does not read";
        else if (tid[f] != v->team_id)
            why[f] = "belongs to another team";
        else if (fmt[f] >= 4 && sid[f] != v->store_id)
            why[f] = "belongs to another database";
    }
    if (fmt[SF_LOG] >= 2 && !why[SF_LOG])
        v->format = fmt[SF_LOG];
    char name[16];
    for (int f = 0; f < SF_N; f++) {
        if (!why[f] && fmt[f] && fmt[f] < 4 && v->format >= 4 && f != SF_SUMS)
            why[f] = "is in an older format than the team's log";
        if (!why[f] && fmt[f] && f == SF_SUMS && fmt[f] < 4)
            why[f] = "is in an older format than the team's log";
        if (!why[f]) {
            if (fmt[f]) {
                v->d[f] = file[f] + SEG_HDR;
                v->dl[f] = len[f] - SEG_HDR;
            }
            continue;
        }
        /* a derived file of a format-4 team is rebuilt from its log */
        if (f != SF_LOG && v->format >= 4) {
            v->hdr_bad |= 1 << f;
            continue;
        }
        seg_file_name(f, name, sizeof name);
        if (fmt[f] == 1 || fmt[f] > SEG_FORMAT)
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' is in format %d; this seawall reads formats 2 "
                             "to %d (ingest the records again into a new store)",
                             name, fmt[f], SEG_FORMAT);
        if (fmt[f] > 0 && tid[f] != v->team_id)
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' belongs to team %llu, not to team %llu", name,
                             (unsigned long long)tid[f], (unsigned long long)v->team_id);
        if (fmt[f] >= 4 && sid[f] != v->store_id)
            return sw_seterr(err, SW_EINVAL,
                             "segment file '%s' belongs to the database of store id %012llx, not "
                             "to this one (store id %012llx): a segment folder of another "
                             "database; move it away, or open the database it belongs to",
                             name, (unsigned long long)sid[f], (unsigned long long)v->store_id);
        return sw_seterr(err, SW_EINVAL, "segment file '%s' %s", name, why[f]);
    }
    /* a team the store has a commit point for was written by a seawall with
     * store ids: a log without one is not its own */
    if (v->commit.known && fmt[SF_LOG] && fmt[SF_LOG] < 4)
        return sw_seterr(err, SW_EINVAL,
                         "segment file 'log' is in format %d, without a store id, but this "
                         "database (store id %012llx) wrote the team in format %d: not this "
                         "database's log; move the segment folder away, or open the database "
                         "it belongs to",
                         fmt[SF_LOG], (unsigned long long)v->store_id, SEG_FORMAT);
    /* what seg_view_check kept stands while the files only grew */
    int shrank = 0;
    for (int f = 0; f < SF_N; f++)
        if (v->dl[f] < v->seen[f] || (v->sums_bad && v->dl[f] != v->seen[f]))
            shrank = 1;
    if (shrank)
        view_reset(v);
    for (int f = SF_TS; f <= SF_LIDX; f++) {
        size_t n = v->dl[f] / 8;
        if (!v->owned) {
            v->col[f] = (const uint64_t *)(const void *)v->d[f];
            v->ncol[f] = n;
            continue;
        }
        if (n > v->ncol[f]) { /* the file grew past the own copy: take the rest */
            if (n > v->own_cap[f]) {
                uint64_t *p = realloc(v->own[f], n * 8);
                if (!p)
                    return sw_seterr(err, SW_ENOMEM, "out of memory");
                v->own[f] = p;
                v->own_cap[f] = n;
            }
            memcpy(v->own[f] + v->ncol[f], v->d[f] + v->ncol[f] * 8, (n - v->ncol[f]) * 8);
            v->ncol[f] = n;
        }
        v->col[f] = v->own[f];
    }
    return SW_OK;
}

void seg_view_free(seg_view_t *v)
{
    for (int i = 0; i < SEG_NCACHE; i++) {
        free(v->cache[i].buf);
        memset(&v->cache[i], 0, sizeof v->cache[i]);
        v->cache[i].unit = v->cache[i].before = SEG_NO_BLOCK;
    }
    view_reset(v);
}

uint32_t seg_block_sum(const void *data, uint32_t clen, uint32_t rawlen, uint32_t kind)
{
    return seg_sum(data, clen) ^ (rawlen * 2654435761u) ^ kind;
}

int seg_block_head(const seg_view_t *v, uint64_t off, uint32_t h[4])
{
    size_t dl = v->dl[SF_LOG];
    if (off > dl || dl - off < SEG_BLK_HDR)
        return SW_EIO;
    memcpy(h, v->d[SF_LOG] + off, 4 * sizeof *h);
    if (h[0] > dl - off - SEG_BLK_HDR || h[1] > SEG_BLK_MAX)
        return SW_EIO;
    return SW_OK;
}

/* The dictionary of the LZ4D block at data offset off whose kind is kind:
 * the last SEG_DICT_MAX bytes of the block kind >> 8 bytes before it,
 * which is stored as is (the writer stores its dictionary blocks
 * unpacked: reading one costs its checksum, once a process when it is
 * committed, and no unpacking). */
static int seg_dict(seg_view_t *v, uint64_t off, uint32_t kind, const uint8_t **d, size_t *dl)
{
    uint64_t dist = kind >> 8;
    uint32_t h[4];
    if (v->format < 5 || !dist || dist > off)
        return SW_EIO;
    uint64_t at = off - dist;
    if (seg_block_head(v, at, h) || h[3] != SEG_BLK_STORED || h[0] != h[1] || !h[1])
        return SW_EIO;
    const uint8_t *data = v->d[SF_LOG] + at + SEG_BLK_HDR;
    uint64_t *seen = &v->dsum[(at >> 12) % SEG_NDSUM];
    if (*seen != at + 1) {
        if (seg_block_sum(data, h[0], h[1], h[3]) != h[2])
            return SW_EIO;
        if (v->commit.known && at + SEG_BLK_HDR + h[0] <= v->commit.len[SF_LOG])
            *seen = at + 1; /* committed: never checked again */
    }
    *dl = h[1] < SEG_DICT_MAX ? h[1] : SEG_DICT_MAX;
    *d = data + h[1] - *dl;
    return SW_OK;
}

int seg_unpack(seg_view_t *v, uint64_t off, const uint32_t h[4], uint8_t *dst, size_t want,
               size_t *got, uint64_t *before)
{
    const char *data = (const char *)v->d[SF_LOG] + off + SEG_BLK_HDR;
    if (h[0] > INT32_MAX || h[1] > INT32_MAX)
        return SW_EIO;
    if (want > h[1])
        want = h[1];
    int n;
    if (h[3] == SEG_BLK_LZ4) {
        n = LZ4_decompress_safe_partial(data, (char *)dst, (int)h[0], (int)want, (int)h[1]);
    } else if ((h[3] & 0xff) == SEG_BLK_LZ4D) {
        const uint8_t *d;
        size_t dl;
        if (seg_dict(v, off, h[3], &d, &dl))
            return SW_EIO;
        /* the dictionary right before dst: LZ4 reads its matches as one
         * buffer then, a fifth faster than from a dictionary apart, copy
         * included; no copy when the block before used the same one */
        uint64_t at = off - (h[3] >> 8);
        if (*before != at)
            memcpy(dst - dl, d, dl);
        *before = at;
        n = LZ4_decompress_safe_partial_usingDict(data, (char *)dst, (int)h[0], (int)want,
                                                  (int)h[1], (const char *)dst - dl, (int)dl);
    } else {
        return SW_EIO;
    }
    if (n < (int)want || (want == h[1] && n != (int)h[1]))
        return SW_EIO;
    *got = (size_t)n;
    return SW_OK;
}

/* The block starting at unit k, unpacked at least up to byte `need`:
 * checked, and kept in one of v's SEG_NCACHE slots (the least recently
 * used goes). A block is unpacked only as far as the first record asked of
 * it needs (a hunt's rows are scattered: on average half a block each),
 * and whole when a later one needs more (a scan in order: once a block).
 * SW_EIO if damaged or not there. */
static int seg_block(seg_view_t *v, uint64_t k, size_t need, const uint8_t **out, size_t *out_len)
{
    if (k >= v->ncol[SF_LIDX])
        return SW_EIO;
    uint64_t off = v->col[SF_LIDX][k];
    seg_cblk_t *c = NULL;
    for (int i = 0; i < SEG_NCACHE && !c; i++)
        if (v->cache[i].unit == k)
            c = &v->cache[i];
    v->tick++;
    if (c && (need <= c->len || c->len == c->full)) {
        c->used = v->tick;
        *out = c->at;
        *out_len = c->len;
        return SW_OK;
    }
    int seen = c != NULL; /* its checksum was checked when it was first unpacked */
    if (!c) {
        c = &v->cache[0];
        for (int i = 1; i < SEG_NCACHE; i++)
            if (v->cache[i].used < c->used)
                c = &v->cache[i];
    }
    uint32_t h[4];
    if (seg_block_head(v, off, h))
        return SW_EIO;
    const uint8_t *data = v->d[SF_LOG] + off + SEG_BLK_HDR;
    int summed = seen || (k / 64 < v->bsum_words && v->bsum[k / 64] >> (k % 64) & 1);
    if (!summed) {
        if (seg_block_sum(data, h[0], h[1], h[3]) != h[2])
            return SW_EIO; /* checked once per block, not again to unpack more */
        if (v->commit.known && off + SEG_BLK_HDR + h[0] <= v->commit.len[SF_LOG]) {
            if (k / 64 >= v->bsum_words) { /* committed: never checked again */
                size_t nw = (k / 64 + 1) * 2;
                uint64_t *w = realloc(v->bsum, nw * sizeof *w);
                if (w) {
                    memset(w + v->bsum_words, 0, (nw - v->bsum_words) * sizeof *w);
                    v->bsum = w;
                    v->bsum_words = nw;
                }
            }
            if (k / 64 < v->bsum_words)
                v->bsum[k / 64] |= (uint64_t)1 << (k % 64);
        }
    }
    size_t want = seen || need > h[1] ? h[1] : need;
    c->unit = SEG_NO_BLOCK; /* while the buffer is being overwritten */
    if (h[3] == SEG_BLK_STORED) {
        if (h[0] != h[1])
            return SW_EIO;
        c->at = data;
        want = h[1];
    } else {
        if (SEG_DICT_MAX + (size_t)h[1] > c->cap) {
            size_t cap = SEG_DICT_MAX + (h[1] > SEG_BLOCK ? h[1] : SEG_BLOCK);
            uint8_t *b = realloc(c->buf, cap);
            if (!b)
                return SW_EIO;
            c->buf = b;
            c->cap = cap;
            c->before = SEG_NO_BLOCK;
        }
        if (seg_unpack(v, off, h, c->buf + SEG_DICT_MAX, want, &want, &c->before))
            return SW_EIO;
        c->at = c->buf + SEG_DICT_MAX;
    }
    c->unit = k;
    c->len = want;
    c->full = h[1];
    c->used = v->tick;
    *out = c->at;
    *out_len = want;
    return SW_OK;
}

int seg_row_place(const seg_view_t *v, size_t r, uint64_t *unit, size_t *in)
{
    if (r >= v->ncol[SF_ROFF])
        return SW_EIO;
    uint64_t o = v->col[SF_ROFF][r], u = o >> SEG_UNIT_BITS;
    const uint64_t *lx = v->col[SF_LIDX];
    uint64_t nu = v->ncol[SF_LIDX];
    for (uint64_t back = 0; u < nu && lx[u] == SEG_NO_BLOCK; back++, u--)
        if (u == 0 || back == SEG_BLK_SPAN)
            return SW_EIO;
    if (u >= nu)
        return SW_EIO;
    *unit = u;
    *in = (size_t)(o - (u << SEG_UNIT_BITS));
    return SW_OK;
}

int seg_record(seg_view_t *v, size_t r, const char **json, size_t *len)
{
    const uint8_t *b;
    size_t bl, in;
    uint64_t u;
    if (v->format >= 4)
        seg_view_verify(v, r);
    /* most records are far under 4 KB: one partial unpack reaches them */
    if (seg_row_lost(v, r) || seg_row_place(v, r, &u, &in) || in > SEG_BLK_MAX ||
        seg_block(v, u, in + 8 + 4096, &b, &bl))
        return SW_EIO;
    if (in > bl || bl - in < 8)
        return SW_EIO;
    uint32_t fl;
    memcpy(&fl, b + in, 4);
    if (fl <= SEG_MAX_RECORD && in + 8 + fl > bl && seg_block(v, u, in + 8 + fl, &b, &bl))
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
        if (sf->fd < 0)
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
    int rc = seg_view_set(&s->v, file, len, err);
    if (rc) {
        char msg[SW_ERRBUF_LEN];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return sw_seterr(err, rc, "%s: %s", s->dir, msg);
    }
    seg_view_check(&s->v);
    return SW_OK;
}

/* "PATH is a symbolic link" when it is one, for a refusal. */
static int link_refused(sw_errbuf_t *err, const char *path)
{
    return sw_seterr(err, SW_EINVAL,
                     "%s is a symbolic link or not a plain file: seawall does not follow it "
                     "(its target is left as it is); remove it",
                     path);
}

/* Open segment file f under the team's directory: never through a link,
 * created only when create (O_EXCL, so nothing there is reused). fd -1
 * when it is not there and !create. */
static int file_open(seg_t *s, int f, int create, sw_errbuf_t *err)
{
    char name[16], path[4200];
    seg_file_name(f, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    const int flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = openat(s->dirfd, name, flags);
    if (fd < 0 && errno == ENOENT && create) {
        fd = openat(s->dirfd, name, flags | O_CREAT | O_EXCL, 0644);
        if (fd < 0 && errno == EEXIST) /* another writer made it first */
            fd = openat(s->dirfd, name, flags);
    }
    if (fd < 0 && (errno == EACCES || errno == EROFS))
        fd = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return SW_OK;
        if (errno == ELOOP)
            return link_refused(err, path);
        return sw_seterr(err, SW_EIO, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return link_refused(err, path);
    }
    s->f[f].fd = fd;
    return SW_OK;
}

/* The team's directory, opened O_NOFOLLOW (made first when create). */
static int dir_open(seg_t *s, int create, sw_errbuf_t *err)
{
    if (s->dirfd >= 0)
        return SW_OK;
    if (create && mkdir(s->dir, 0755) != 0 && errno != EEXIST)
        return sw_seterr(err, SW_EIO, "%s: %s", s->dir, strerror(errno));
    s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->dirfd >= 0)
        return SW_OK;
    if (errno == ENOENT && !create)
        return SW_OK;
    if (errno == ELOOP || errno == ENOTDIR)
        return link_refused(err, s->dir);
    return sw_seterr(err, SW_EIO, "%s: %s", s->dir, strerror(errno));
}

int seg_open(seg_t *s, const char *dir, sw_errbuf_t *err)
{
    s->dirfd = -1;
    for (int f = 0; f < SF_N; f++)
        s->f[f].fd = -1;
    if (strlen(dir) + 16 > sizeof s->dir)
        return sw_seterr(err, SW_ETOOBIG, "store path too long");
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    int rc = dir_open(s, 0, err);
    for (int f = 0; f < SF_N && !rc && s->dirfd >= 0; f++)
        rc = file_open(s, f, 0, err);
    return rc ? rc : seg_remap(s, err);
}

/* A reader opened before the team's files existed (a team with no records
 * yet) looks for them again: without this, a handle kept from then on
 * (the server keeps its readers) never saw a record. */
static int reader_reopen(seg_t *s, sw_errbuf_t *err)
{
    int rc = dir_open(s, 0, err);
    for (int f = 0; f < SF_N && !rc && s->dirfd >= 0; f++)
        if (s->f[f].fd < 0)
            rc = file_open(s, f, 0, err);
    return rc;
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
    }
    if (s->dirfd >= 0)
        close(s->dirfd);
    memset(s, 0, sizeof *s);
    s->dirfd = -1;
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

/* ---- the writer thread ------------------------------------------------------------ */

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

/* Append n bytes to file f (the writer's). 0 or an errno. */
static int wappend(seg_t *s, int f, const void *p, size_t n)
{
    int e = pwrite_all(s->f[f].fd, p, n, s->f[f].disk_len);
    if (!e)
        s->f[f].disk_len += n;
    return e;
}

/* Pack b's blocks and append them to log, then their units to lidx, then
 * the rows' places to roff and times to ts, then the batch's sums entry
 * (invariant 1: a row a sound entry covers has its columns and its block
 * whole on disk, up to what fdatasync has not yet made durable, which the
 * checksums cover). 0 or an errno; *file: which file failed. */
static int writer_batch(seg_t *s, seg_blk_t *b, int *file)
{
    seg_writer_t *w = &s->wr;
    size_t need = (size_t)LZ4_compressBound((int)b->len) + SEG_BATCH * SEG_BLK_HDR;
    uint64_t units = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t end = i + 1 < b->n ? b->start[i + 1] : b->len;
        units += (end - b->start[i] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
    }
    if (need > w->out_cap) {
        uint8_t *p = realloc(w->out, need);
        if (!p)
            return ENOMEM;
        w->out = p;
        w->out_cap = need;
    }
    if (units > w->ent_cap) {
        uint64_t *p = realloc(w->ent, units * 8);
        if (!p)
            return ENOMEM;
        w->ent = p;
        w->ent_cap = units;
    }
    size_t at = 0, log_at = s->f[SF_LOG].disk_len;
    uint64_t e = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t end = i + 1 < b->n ? b->start[i + 1] : b->len, rl = end - b->start[i];
        const uint8_t *raw = b->raw + b->start[i];
        uint8_t *dst = w->out + at;
        uint32_t h[4];
        /* with the dictionary, unless this block is to be the next one */
        uint64_t boff = log_at - SEG_HDR + at, dist = boff - w->dict_off;
        int use = w->dict_off != SEG_NO_BLOCK && dist < SEG_DICT_REACH;
        int fresh = rl >= SEG_BLOCK / 2 && rl <= SEG_BLOCK && (!use || dist >= SEG_DICT_EVERY);
        int c = 0; /* 0: stored as is, as a dictionary block always is (seg_dict) */
        if (use && !fresh) {
            memcpy(w->lz_work, w->lz_dict, sizeof(LZ4_stream_t));
            c = LZ4_compress_fast_continue(w->lz_work, (const char *)raw, (char *)dst + SEG_BLK_HDR,
                                           (int)rl, LZ4_compressBound((int)rl), SEG_LZ4_ACCEL);
            h[3] = SEG_BLK_LZ4D | (uint32_t)dist << 8;
        } else if (!fresh) {
            c = LZ4_compress_fast((const char *)raw, (char *)dst + SEG_BLK_HDR, (int)rl,
                                  LZ4_compressBound((int)rl), SEG_LZ4_ACCEL);
            h[3] = SEG_BLK_LZ4;
        }
        if (c <= 0 || (size_t)c >= rl) { /* does not shrink, or a dictionary: store it */
            memcpy(dst + SEG_BLK_HDR, raw, rl);
            h[0] = (uint32_t)rl;
            h[3] = SEG_BLK_STORED;
        } else {
            h[0] = (uint32_t)c;
        }
        if (fresh) { /* the dictionary of the blocks after it */
            w->dict_len = rl < SEG_DICT_MAX ? rl : SEG_DICT_MAX;
            memcpy(w->dict, raw + rl - w->dict_len, w->dict_len);
            LZ4_loadDict(w->lz_dict, (const char *)w->dict, (int)w->dict_len);
            w->dict_off = boff;
        }
        h[1] = (uint32_t)rl;
        h[2] = seg_block_sum(dst + SEG_BLK_HDR, h[0], h[1], h[3]);
        memcpy(dst, h, sizeof h);
        /* one entry per unit the block spans: the first names it */
        uint64_t span = (rl + SEG_UNIT - 1) >> SEG_UNIT_BITS;
        for (uint64_t u = 0; u < span; u++)
            w->ent[e++] = u ? SEG_NO_BLOCK : log_at - SEG_HDR + at;
        at += SEG_BLK_HDR + h[0];
    }
    int err;
    *file = SF_LOG;
    if ((err = wappend(s, SF_LOG, w->out, at)))
        return err;
    /* the writer starts the writeback (the call costs the appending
     * thread a device notification when made there), a megabyte at a
     * time: a call a batch was a notification every few dozen KB */
    if (s->f[SF_LOG].disk_len - w->wb_from >= SEG_WRITEBACK) {
        start_writeback(s->f[SF_LOG].fd, w->wb_from, s->f[SF_LOG].disk_len - w->wb_from);
        w->wb_from = s->f[SF_LOG].disk_len;
    }
    *file = SF_LIDX;
    if (b->n && s->f[SF_LIDX].disk_len != SEG_HDR + b->unit[0] * 8)
        return EIO; /* units are handed over in order: never */
    if ((err = wappend(s, SF_LIDX, w->ent, units * 8)))
        return err;
    *file = SF_ROFF;
    if ((err = wappend(s, SF_ROFF, b->roff, b->rows * 8)))
        return err;
    *file = SF_TS;
    if ((err = wappend(s, SF_TS, b->ts, b->rows * 8)))
        return err;
    seg_sument_t x = {.first_row = s->wr_rows,
                      .first_unit = s->wr_units,
                      .log_off = log_at - SEG_HDR,
                      .log_end = log_at - SEG_HDR + at,
                      .rows = (uint32_t)b->rows,
                      .units = (uint32_t)units,
                      .sum_ts = idx_sum(b->ts, b->rows * 8),
                      .sum_roff = idx_sum(b->roff, b->rows * 8),
                      .sum_lidx = idx_sum(w->ent, units * 8)};
    seg_sument_seal(&x);
    *file = SF_SUMS;
    if ((err = wappend(s, SF_SUMS, &x, sizeof x)))
        return err;
    s->wr_rows += b->rows;
    s->wr_units += units;
    w->dirty = 1;
    return 0;
}

/* The batch written, its rows to the callback. */
static int writer_hand_on(seg_t *s, seg_blk_t *b, int *file)
{
    seg_writer_t *w = &s->wr;
    if (!w->on_batch || !b->rows)
        return 0;
    *file = SF_TS;
    size_t first = (s->f[SF_TS].disk_len - SEG_HDR) / 8 - b->rows;
    return w->on_batch(w->on_batch_ud, first, b->rows, b->extra, b->extra_len, b->stamp);
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
        if (!failed && !e)
            e = writer_hand_on(s, b, &file);
        pthread_mutex_lock(&w->mu);
        if (e && !w->failed) {
            w->failed = e;
            w->failed_file = file;
        }
        b->len = b->n = b->rows = b->extra_len = 0;
        w->next = (w->next + 1) % SEG_NBLK;
        w->queued--;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Start the writer (the files' disk_len set). */
static int writer_start(seg_t *s, sw_errbuf_t *err)
{
    seg_writer_t *w = &s->wr;
    w->failed = 0;
    w->dirty = 0;
    w->dict_off = SEG_NO_BLOCK; /* the files may have been cut: the next block starts one */
    w->wb_from = s->f[SF_LOG].disk_len;
    if (w->started)
        return SW_OK;
    if (!w->dict && !(w->dict = malloc(SEG_DICT_MAX)))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (!w->lz_dict && !(w->lz_dict = LZ4_createStream()))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    if (!w->lz_work && !(w->lz_work = LZ4_createStream()))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    for (int i = 0; i < SEG_NBLK; i++) {
        if (!w->blk[i].raw && !(w->blk[i].raw = malloc(SEG_BATCH * SEG_BLOCK)))
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        w->blk[i].cap = SEG_BATCH * SEG_BLOCK;
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
        free(w->blk[i].ts);
        free(w->blk[i].roff);
        free(w->blk[i].stamp);
        free(w->blk[i].extra);
    }
    free(w->out);
    free(w->ent);
    free(w->dict);
    LZ4_freeStream(w->lz_dict);
    LZ4_freeStream(w->lz_work);
    seg_batch_cb cb = w->on_batch;
    void *ud = w->on_batch_ud;
    memset(w, 0, sizeof *w);
    w->on_batch = cb;
    w->on_batch_ud = ud;
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
    if (!b->n || b->len - b->start[b->n - 1] + n > SEG_BLOCK) {
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

/* A format-2 team's files that later formats no longer have: the fixed
 * columns, their dictionary, and the CommandLine token index. */
static int legacy_file(const char *name)
{
    static const char *const old[] = {"cend", "cmd",   "eid",   "multi",
                                      "mcnt", "dkeys", "dends", "kcnt"};
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++)
        if (strcmp(name, old[i]) == 0)
            return 1;
    if (name[0] == 'c' && name[1] >= '0' && name[1] <= '9')
        return strspn(name + 1, "0123456789") == strlen(name + 1);
    return strncmp(name, "tok.", 4) == 0;
}

/* Replace file f's content with its header and data[0..n): what a repair
 * or an upgrade writes. */
static int file_rewrite(seg_t *s, int f, const void *data, size_t n, sw_errbuf_t *err)
{
    uint8_t h[SEG_HDR];
    seg_header(f, s->v.team_id, s->v.store_id, h);
    int e = pwrite_all(s->f[f].fd, h, SEG_HDR, 0);
    if (!e && n)
        e = pwrite_all(s->f[f].fd, data, n, SEG_HDR);
    if (e) {
        errno = e;
        return io_err(err, s, f, "write");
    }
    if (ftruncate(s->f[f].fd, (off_t)(SEG_HDR + n)) != 0)
        return io_err(err, s, f, "truncate");
    return SW_OK;
}

/* Bring a format-2 or -3 team to format 4 (evseg.h), under the lock: its
 * old files go, sums is made from its columns for its complete rows, then
 * the derived files' headers and last the log's say 4. A crash before the
 * log's header leaves a team read as it was, upgraded again by the next
 * writer. */
static int upgrade(seg_t *s, sw_errbuf_t *err)
{
    DIR *d = fdopendir(dup(s->dirfd));
    if (!d)
        return sw_seterr(err, SW_EIO, "%s: %s", s->dir, strerror(errno));
    struct dirent *de;
    int rc = SW_OK;
    while ((de = readdir(d)) && !rc)
        if (legacy_file(de->d_name) && unlinkat(s->dirfd, de->d_name, 0) != 0 && errno != ENOENT)
            rc = sw_seterr(err, SW_EIO, "%s/%s: cannot remove: %s", s->dir, de->d_name,
                           strerror(errno));
    closedir(d);
    uint8_t *sums = NULL;
    size_t sl = 0;
    if (!rc && seg_sums_build(&s->v, &sums, &sl))
        rc = sw_seterr(err, SW_EIO,
                       "%s: the team's files (format %d) do not hold together: cannot upgrade "
                       "them",
                       s->dir, s->v.format);
    if (!rc)
        rc = file_rewrite(s, SF_SUMS, sums, sl, err);
    free(sums);
    uint8_t h[SEG_HDR];
    for (int f = SF_TS; f <= SF_LIDX && !rc; f++) {
        seg_header(f, s->v.team_id, s->v.store_id, h);
        if (pwrite_all(s->f[f].fd, h, SEG_HDR, 0) != 0)
            rc = io_err(err, s, f, "write");
    }
    for (int f = 0; f < SF_N && !rc; f++)
        if (f != SF_LOG && fdatasync(s->f[f].fd) != 0)
            rc = io_err(err, s, f, "fdatasync");
    seg_header(SF_LOG, s->v.team_id, s->v.store_id, h);
    if (!rc && pwrite_all(s->f[SF_LOG].fd, h, SEG_HDR, 0) != 0)
        rc = io_err(err, s, SF_LOG, "write");
    if (!rc && fdatasync(s->f[SF_LOG].fd) != 0)
        rc = io_err(err, s, SF_LOG, "fdatasync");
    return rc;
}

/* Write what the view rebuilt from the log (invariant 3) back to the
 * files, under the lock: the derived columns as the view has them, sums
 * made again from them. */
static int repair(seg_t *s, sw_errbuf_t *err)
{
    seg_view_t *v = &s->v;
    uint64_t rows = v->n_rows, units = v->ok_units;
    const size_t n[SF_N] = {[SF_TS] = rows, [SF_ROFF] = rows, [SF_LIDX] = units};
    int rc = SW_OK;
    for (int f = SF_TS; f <= SF_LIDX && !rc; f++) {
        if (v->ncol[f] < n[f])
            return sw_seterr(err, SW_EIO, "%s: the rebuilt columns are short", s->dir);
        rc = file_rewrite(s, f, v->col[f], n[f] * 8, err);
    }
    uint8_t *sums = NULL;
    size_t sl = 0;
    if (!rc && seg_sums_build(v, &sums, &sl))
        rc = sw_seterr(err, SW_EIO, "%s: the rebuilt columns do not hold together", s->dir);
    if (!rc)
        rc = file_rewrite(s, SF_SUMS, sums, sl, err);
    free(sums);
    for (int f = 0; f < SF_N && !rc; f++)
        if (fdatasync(s->f[f].fd) != 0)
            rc = io_err(err, s, f, "fdatasync");
    if (!rc) {
        size_t dl = strlen(s->dir) < 100 ? strlen(s->dir) : 100;
        snprintf(s->note, sizeof s->note, "%.*s: %.200s; written back", (int)dl, s->dir, v->note);
    }
    return rc;
}

int seg_writer_begin(seg_t *s, sw_errbuf_t *err)
{
    if (s->writing)
        return SW_OK;
    if (s->broken)
        return sw_seterr(err, SW_EIO, "%s: an earlier write failed; reopen the store", s->dir);
    int rc = dir_open(s, 1, err);
    for (int f = 0; f < SF_N && !rc; f++)
        if (s->f[f].fd < 0)
            rc = file_open(s, f, 1, err);
    if (rc)
        return rc;
    for (int f = 0; f < SF_N; f++)
        if (s->f[f].fd < 0 || (fcntl(s->f[f].fd, F_GETFL) & O_ACCMODE) != O_RDWR)
            return sw_seterr(err, SW_EIO, "%s: cannot write the segment files", s->dir);
    if (flock(s->f[SF_LOG].fd, LOCK_EX | LOCK_NB) != 0)
        return sw_seterr(err, SW_ESTATE, "%s: another process is writing this team's records",
                         s->dir);
    if ((rc = seg_remap(s, err))) /* under the lock: nobody appends now */
        return rc;
    seg_view_t *v = &s->v;
    if (v->lost_hi > v->lost_lo)
        return sw_seterr(err, SW_EIO,
                         "%s: %s; not appending to the team, which would make the loss "
                         "permanent: restore the folder from a backup (docs/search.md, "
                         "\"Damage\")",
                         s->dir, v->note);
    s->note[0] = '\0';
    if (v->format >= 4) /* what a reader checks as it reads, a writer before it writes */
        seg_view_verify_all(v);
    if (v->format < 4) {
        if ((rc = upgrade(s, err)))
            return rc;
        /* its rows as they were are its committed ones from now on (the
         * store records the point at its next flush) */
        v->commit.known = 1;
        v->commit.rows = v->n_rows;
        view_reset(v);
        if ((rc = seg_remap(s, err)))
            return rc;
    } else if (v->repaired || v->hdr_bad || v->sums_bad) {
        if ((rc = repair(s, err)))
            return rc;
        view_reset(v);
        if ((rc = seg_remap(s, err)))
            return rc;
    }
    if (v->format == 4) { /* its blocks as they are: format 5 only adds LZ4D ones */
        uint8_t h[SEG_HDR];
        seg_header(SF_LOG, v->team_id, v->store_id, h);
        int e = pwrite_all(s->f[SF_LOG].fd, h, SEG_HDR, 0);
        if (e) {
            errno = e;
            return io_err(err, s, SF_LOG, "write");
        }
        if (fdatasync(s->f[SF_LOG].fd) != 0)
            return io_err(err, s, SF_LOG, "fdatasync");
        if ((rc = seg_remap(s, err)))
            return rc;
    }
    if (v->format < SEG_FORMAT || v->repaired || v->sums_bad || v->hdr_bad ||
        v->lost_hi > v->lost_lo)
        return sw_seterr(err, SW_EIO, "%s: the segment changed while it was being repaired",
                         s->dir);
    /* invariant 1: cut every file back to the complete rows (what sums
     * covers: the log, lidx and sums to its checked entries) */
    size_t want[SF_N] = {[SF_LOG] = v->ok_log,
                         [SF_TS] = v->ok_rows * 8,
                         [SF_ROFF] = v->ok_rows * 8,
                         [SF_LIDX] = v->ok_units * 8,
                         [SF_SUMS] = v->ok_ent * SEG_SUMENT};
    size_t n = v->n_rows;
    for (int f = 0; f < SF_N; f++) {
        seg_file_t *sf = &s->f[f];
        if (sf->map_len < SEG_HDR) { /* new, or a header cut short */
            if ((rc = file_rewrite(s, f, NULL, 0, err)))
                return rc;
        } else if (sf->map_len != SEG_HDR + want[f] &&
                   ftruncate(sf->fd, (off_t)(SEG_HDR + want[f])) != 0) {
            return io_err(err, s, f, "truncate");
        }
        sf->disk_len = SEG_HDR + want[f];
    }
    if ((rc = seg_remap(s, err)))
        return rc;
    if ((rc = writer_start(s, err)))
        return rc;
    s->n_rows = v->n_rows;
    s->wr_rows = v->ok_rows;
    s->wr_units = s->log_unit = v->ok_units;
    s->last_stamp = n ? seg_row_stamp(v, n - 1) : 0;
    if (s->n_rows != n || s->wr_rows != n)
        return sw_seterr(err, SW_EIO, "%s: segment changed while it was being repaired", s->dir);
    s->writing = 1;
    return SW_OK;
}

int seg_append(seg_t *s, const char *json, size_t len, int64_t ts, size_t *row_out,
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
    /* the checksum here, while the record is in cache */
    uint32_t hdr[2] = {(uint32_t)len, seg_sum(json, len)};
    uint8_t *p = writer_frame(s, 8 + len, &roff, err);
    if (!p) {
        s->broken = 1;
        return SW_EIO;
    }
    memcpy(p, hdr, 8);
    memcpy(p + 8, json, len);
    /* the row's time and place, in the batch its frame went to */
    seg_blk_t *b = &s->wr.blk[s->wr.fill];
    if (b->rows == b->rows_cap) {
        size_t cap = b->rows_cap ? b->rows_cap * 2 : 1024;
        int64_t *t2 = realloc(b->ts, cap * sizeof *t2);
        if (t2)
            b->ts = t2;
        uint64_t *r2 = t2 ? realloc(b->roff, cap * sizeof *r2) : NULL;
        if (r2)
            b->roff = r2;
        uint64_t *s2 = r2 ? realloc(b->stamp, cap * sizeof *s2) : NULL;
        if (!s2) {
            s->broken = 1;
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        }
        b->stamp = s2;
        b->rows_cap = cap;
    }
    s->last_stamp = seg_stamp(hdr[0], hdr[1]);
    b->ts[b->rows] = ts;
    b->roff[b->rows] = roff;
    b->stamp[b->rows++] = s->last_stamp;
    s->n_rows++;
    if (row_out)
        *row_out = r;
    return SW_OK;
}

uint8_t *seg_row_extra(seg_t *s, size_t n, sw_errbuf_t *err)
{
    seg_blk_t *b = &s->wr.blk[s->wr.fill];
    if (b->extra_len + n > b->extra_cap) {
        size_t cap = b->extra_cap ? b->extra_cap * 2 : SEG_BATCH * SEG_BLOCK * 2;
        while (cap < b->extra_len + n)
            cap *= 2;
        uint8_t *p = realloc(b->extra, cap);
        if (!p) {
            s->broken = 1;
            sw_seterr(err, SW_ENOMEM, "out of memory");
            return NULL;
        }
        b->extra = p;
        b->extra_cap = cap;
    }
    uint8_t *p = b->extra + b->extra_len;
    b->extra_len += n;
    return p;
}

void seg_row_extra_unused(seg_t *s, size_t n)
{
    seg_blk_t *b = &s->wr.blk[s->wr.fill];
    b->extra_len -= n <= b->extra_len ? n : b->extra_len;
}

void seg_on_batch(seg_t *s, seg_batch_cb cb, void *ud)
{
    s->wr.on_batch = cb;
    s->wr.on_batch_ud = ud;
}

int seg_flush(seg_t *s, int durable, sw_errbuf_t *err)
{
    seg_view_t *v = &s->v;
    if (s->writing) {
        /* every row appended so far is complete on disk (and readers see
         * them all) when the writer has written what it was handed */
        if (writer_seal(s, err) || writer_drain(s, err))
            return SW_EIO;
        if (durable && s->wr.dirty) {
            for (int f = 0; f < SF_N; f++)
                if (fdatasync(s->f[f].fd) != 0)
                    return io_err(err, s, f, "fdatasync");
            s->wr.dirty = 0;
        }
        /* what this process wrote under the lock needs no checking */
        if (!v->owned && !v->sums_bad) {
            v->ok_ent = (s->f[SF_SUMS].disk_len - SEG_HDR) / SEG_SUMENT;
            v->ok_rows = s->wr_rows;
            v->ok_units = s->wr_units;
            v->ok_log = s->f[SF_LOG].disk_len - SEG_HDR;
        }
    }
    int rc = SW_OK;
    int missing = s->dirfd < 0;
    for (int f = 0; f < SF_N; f++)
        missing |= s->f[f].fd < 0;
    if (!s->writing && missing && v->n_rows == 0) /* (a format-3 team has no sums) */
        rc = reader_reopen(s, err);
    if (!rc)
        rc = seg_remap(s, err);
    if (!rc && s->writing && v->n_rows != s->n_rows)
        rc = sw_seterr(err, SW_EIO, "%s: %zu records written, %zu readable", s->dir, s->n_rows,
                       v->n_rows);
    return rc;
}

void seg_commit_point(const seg_t *s, seg_commit_t *out)
{
    memset(out, 0, sizeof *out);
    out->known = 1;
    out->rows = s->wr_rows;
    for (int f = 0; f < SF_N; f++)
        out->len[f] = s->f[f].disk_len;
}
