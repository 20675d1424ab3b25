/* fuzz_segment.c — libFuzzer target for what the store reads back from disk:
 * any bytes as a team's segment files (store/evseg.c) must give either a
 * clean error or a view whose every row reads without a crash, and the
 * rows it calls complete must really be readable; any bytes as a field
 * index piece (store/evidx.c) must be refused, or open to a piece whose
 * every field either fails its check or has every value, text and posting
 * where a search reads them.
 *
 * Input: chunks of [file byte][u16 length][bytes]. The file byte's low 3
 * bits pick the file (log, ts, roff, lidx, sums; modulo 5), or bit 6 the
 * index piece; bit 7 on a file prepends a valid header (SEG_FORMAT) for team 1
 * of store 1, on the piece recomputes its checksums (the fields', the
 * small sections', the header's) so the fuzzer spends its time past them,
 * on the structure. Bit 5 of the first byte gives the team a commit point
 * of (first byte & 31) rows, so that damage before it (rebuilt columns,
 * lost rows) is explored too. Corpus: fuzz/corpus/segment/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/evidx.h"
#include "store/evseg.h"

#define PIECE SF_N /* file[PIECE]: the index piece */

/* Recompute a piece's checksums where its bounds allow (what a writer
 * that got everything else wrong would still have written). */
static void fix_sums(uint8_t *b, size_t len)
{
    if (len < IDX_HDR + IDX_NSEC * 24)
        return;
    uint64_t off[IDX_NSEC], sl[IDX_NSEC];
    for (int s = 0; s < IDX_NSEC; s++) {
        memcpy(&off[s], b + IDX_HDR + s * 24, 8);
        memcpy(&sl[s], b + IDX_HDR + s * 24 + 8, 8);
        if (off[s] % 8 || off[s] > len || sl[s] > len - off[s])
            return;
    }
    size_t nf = sl[IDX_S_FIELDS] / sizeof(idx_field_t), nv = sl[IDX_S_VALUES] / sizeof(idx_value_t);
    idx_field_t *F = (idx_field_t *)(void *)(b + off[IDX_S_FIELDS]);
    const idx_value_t *V = (const idx_value_t *)(const void *)(b + off[IDX_S_VALUES]);
    const uint16_t *P = (const uint16_t *)(const void *)(b + off[IDX_S_POST]);
    for (size_t f = 0; f < nf; f++) {
        idx_field_t *x = &F[f];
        if (x->v0 > x->v1 || x->v1 > nv || x->text0 > x->text1 || x->text1 > sl[IDX_S_TEXT])
            continue;
        if (sl[IDX_S_HASH] >= nv * 2)
            x->sum_values = idx_values_sum(V, (const uint16_t *)(const void *)(b + off[IDX_S_HASH]),
                                           x->v0, x->v1);
        x->sum_text = idx_sum(b + off[IDX_S_TEXT] + x->text0, x->text1 - x->text0);
        uint32_t p0 = x->v0 ? V[x->v0 - 1].post_end & ~IDX_POST_BM : 0,
                 p1 = x->v1 ? V[x->v1 - 1].post_end & ~IDX_POST_BM : 0;
        if (p0 <= p1 && p1 <= sl[IDX_S_POST] / 2)
            x->sum_post = idx_sum(P + p0, (size_t)(p1 - p0) * 2);
    }
    const int small[] = {IDX_S_FIELDS, IDX_S_NAMES, IDX_S_TIME};
    for (size_t i = 0; i < 3; i++) {
        uint32_t sum = idx_sum(b + off[small[i]], sl[small[i]]);
        memcpy(b + IDX_HDR + small[i] * 24 + 16, &sum, 4);
    }
    uint32_t hs = idx_sum(b, 60) ^ idx_sum(b + IDX_HDR, IDX_NSEC * 24);
    memcpy(b + 60, &hs, 4);
}

/* Open the piece and read everything a search reads of each sound field. */
static uint64_t read_piece(const uint8_t *b, size_t len)
{
    idx_piece_t p;
    uint64_t sum = 0;
    if (idx_piece_open(&p, b, len, 1, 1) != SW_OK) {
        free(p.fchecked);
        return 0;
    }
    idx_scratch_t sc = {0};
    for (uint32_t f = 0; f < p.n_fields; f++) {
        const idx_field_t *x = &p.fields[f];
        sum +=
            (unsigned char)p.names[x->name_off] + (unsigned char)p.names[x->name_off + x->name_len];
        /* the digit values decoded before any check: refused or read
         * inside the piece, never past it */
        if (idx_digits_decode(&p, x, &sc) == SW_OK && x->v1 > x->vb)
            sum += (unsigned char)sc.buf[sc.off[x->v1 - x->vb] - 1];
        if (idx_field_check(&p, f) != SW_OK || idx_post_check(&p, f) != SW_OK)
            continue;
        /* a checked field decodes, every value as its length says, one
         * by one as a whole */
        if (idx_digits_decode(&p, x, &sc) != SW_OK)
            __builtin_trap();
        for (uint32_t v = x->vb; v < x->v1; v++) {
            uint32_t o = sc.off[v - x->vb], n = sc.off[v - x->vb + 1] - o - 1;
            if (n != idx_value_len(&p, x, v) || sc.buf[o + n] != '\0')
                __builtin_trap();
        }
        char *all = malloc(sc.off[x->v1 - x->vb] + 1);
        if (all && x->v1 > x->vb)
            memcpy(all, sc.buf, sc.off[x->v1 - x->vb]);
        for (uint32_t v = x->v0; all && v < x->v1; v++) {
            const char *s;
            uint32_t n;
            if (idx_value_text(&p, x, v, &sc, &s, &n) != SW_OK || n != idx_value_len(&p, x, v) ||
                (v >= x->vb && memcmp(s, all + sc.off[v - x->vb], n) != 0))
                __builtin_trap();
        }
        free(all);
        if (x->text1 > x->text0) /* the text a free-text scan reads */
            sum += (unsigned char)p.text[x->text0] + (unsigned char)p.text[x->text1 - 1];
        for (uint32_t v = x->v0; v < x->v1; v++) {
            const idx_value_t *y = &p.values[v];
            uint32_t end = v + 1 < x->v1 ? p.values[v + 1].text_off : x->text1;
            if (p.text[v < x->vb ? y->text_off + idx_value_len(&p, x, v) : end - 1] != '\0')
                __builtin_trap(); /* the check promised NUL-ended values */
            sum += (unsigned char)p.text[y->text_off];
            const uint64_t *bm = idx_post_bitmap(&p, v);
            for (uint32_t w = 0; bm && w < (p.n_rows + 63) / 64; w++) {
                if (w == p.n_rows / 64 && bm[w] >> (p.n_rows % 64))
                    __builtin_trap(); /* ... rows inside the piece */
                sum += (uint64_t)__builtin_popcountll(bm[w] & p.hastime[w]);
            }
            for (uint32_t i = idx_post_start(&p, v), e = idx_post_end(&p, v); !bm && i < e; i++) {
                if (p.post[i] >= p.n_rows)
                    __builtin_trap(); /* ... and rows inside the piece */
                sum += p.hastime[p.post[i] >> 6] >> (p.post[i] & 63) & 1;
            }
        }
    }
    idx_scratch_free(&sc);
    p.mem = NULL; /* the bytes are the caller's */
    idx_piece_free(&p);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *file[SF_N + 1] = {0};
    size_t len[SF_N + 1] = {0};
    int fix = 0;
    for (size_t i = 0; i + 3 <= size;) {
        int f = data[i] & 0x40 ? PIECE : (data[i] & 7) % SF_N, hdr = data[i] & 0x80;
        size_t n = (size_t)data[i + 1] | (size_t)data[i + 2] << 8;
        i += 3;
        if (n > size - i)
            n = size - i;
        uint8_t *p = realloc(file[f], len[f] + n + SEG_HDR);
        if (!p)
            break;
        file[f] = p;
        if (f == PIECE) {
            fix |= hdr;
        } else if (hdr && len[f] == 0) {
            seg_header(f, 1, 1, p);
            len[f] = SEG_HDR;
        }
        memcpy(p + len[f], data + i, n);
        len[f] += n;
        i += n;
    }
    /* the buffers are malloc'd: aligned, as mmap gives */
    const uint8_t *cf[SF_N];
    for (int f = 0; f < SF_N; f++)
        cf[f] = file[f];
    seg_view_t v = {.team_id = 1, .store_id = 1};
    if (size && data[0] & 0x20) {
        v.commit.known = 1;
        v.commit.rows = data[0] & 31;
    }
    if (seg_view_set(&v, cf, len, NULL) == SW_OK) {
        seg_view_check(&v);
        if (v.n_rows > v.ncol[SF_TS] || v.n_rows > v.ncol[SF_ROFF])
            __builtin_trap();
        for (size_t r = 0; r < v.n_rows; r++) {
            const char *j;
            size_t l;
            /* a complete row's last record is readable (an older format's
             * rule; in format 4 a record of a damaged block is damage the
             * search reports, and a lost one is never read) */
            if (v.format < 4 && r + 1 == v.n_rows &&
                (seg_record(&v, r, &j, &l) || !seg_row_stamp(&v, r)))
                __builtin_trap();
            if (seg_row_lost(&v, r) && seg_record(&v, r, &j, &l) == SW_OK)
                __builtin_trap();
            if (seg_record(&v, r, &j, &l) == SW_OK && l && (j[0] == 0x7f && j[l - 1] == 0x7f))
                v.team_id++; /* touch the bytes */
            (void)seg_ts(&v)[r];
        }
    }
    if (len[PIECE]) {
        if (fix)
            fix_sums(file[PIECE], len[PIECE]);
        v.team_id += read_piece(file[PIECE], len[PIECE]) & 1;
    }
    seg_view_free(&v);
    for (int f = 0; f <= SF_N; f++)
        free(file[f]);
    return 0;
}
