/* fuzz_segment.c — libFuzzer target for what the store reads back from disk
 * (store/evseg.c): any bytes as a team's segment files must give either a
 * clean error or a view whose every row reads without a crash, and the
 * rows it calls complete must really be readable. The same input, as one
 * JSON record, also holds the ingest fast path (store/evscan.c) to the full
 * parser's columns.
 *
 * Input: chunks of [file byte][u16 length][bytes]. The file byte's low 5
 * bits pick the file (mod SF_N), or bit 6 a token index chunk (tok.<k>);
 * bit 7 prepends a valid header for team 1, so the fuzzer spends its time
 * past the magic. Corpus: fuzz/corpus/segment/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/event.h"
#include "detect/query.h"
#include "store/evscan.h"
#include "store/evseg.h"
#include "store/evstore_int.h"

static void check_scan(const uint8_t *data, size_t size)
{
    char *scratch = malloc(size + 1);
    seg_row_t row;
    int has_ts;
    if (!scratch || store_scan((const char *)data, size, scratch, &row, &has_ts) != SW_OK) {
        free(scratch);
        return;
    }
    sw_event_t ev;
    sw_event_init(&ev);
    if (sw_event_parse_json(&ev, (const char *)data, size, NULL) != SW_OK)
        __builtin_trap(); /* the fast path took what the parser rejects */
    int64_t ts;
    if ((sw_query_event_time(&ev, &ts) == SW_OK) != has_ts || (has_ts && ts != row.ts))
        __builtin_trap();
    int multi = 0;
    int64_t eid = SEG_ABSENT_INT;
    for (int c = 0; c < STORE_N_COLS; c++) {
        const sw_field_t *f = sw_event_get(&ev, store_cols[c].field);
        if (f && sw_event_next(&ev, f))
            multi = 1;
        if (c == STORE_COL_EVENTID) {
            if (f && !store_canonical_int(f->value, f->value_len, &eid))
                multi = 1;
        } else if (!f != !row.val[c] || (f && (f->value_len != row.val_len[c] ||
                                               memcmp(f->value, row.val[c], f->value_len)))) {
            __builtin_trap();
        }
    }
    if (multi != row.multi || eid != row.eid)
        __builtin_trap();
    sw_event_free(&ev);
    free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_scan(data, size);
    uint8_t *file[SF_N + 1] = {0};
    size_t len[SF_N + 1] = {0};
    for (size_t i = 0; i + 3 <= size;) {
        int f = data[i] & 0x40 ? SF_N : (data[i] & 31) % SF_N, hdr = data[i] & 0x80;
        size_t n = (size_t)data[i + 1] | (size_t)data[i + 2] << 8;
        i += 3;
        if (n > size - i)
            n = size - i;
        uint8_t *p = realloc(file[f], len[f] + n + SEG_HDR);
        if (!p)
            break;
        file[f] = p;
        if (hdr && len[f] == 0) {
            uint64_t team = 1;
            memcpy(p, "SWSEG1", 6);
            p[6] = (uint8_t)(f == SF_N ? SEG_TOK_KIND : f);
            p[7] = SEG_FORMAT;
            memcpy(p + 8, &team, 8);
            len[f] = SEG_HDR;
        }
        memcpy(p + len[f], data + i, n);
        len[f] += n;
        i += n;
    }
    /* aligned copies, as mmap gives */
    const uint8_t *cf[SF_N];
    for (int f = 0; f < SF_N; f++)
        cf[f] = file[f];
    seg_view_t v = {0};
    if (seg_view_set(&v, cf, len, 1, NULL) == SW_OK) {
        seg_view_check(&v);
        if (v.n_rows > v.dl[SF_TS] / 8 || v.n_multi > v.dl[SF_MULTI] / 4)
            __builtin_trap();
        for (size_t r = 0; r < v.n_rows; r++) {
            const char *j;
            size_t l, a, b;
            /* a complete row's last record and text are readable */
            if (r + 1 == v.n_rows && (seg_record(&v, r, &j, &l) || seg_cmd(&v, r, &a, &b)))
                __builtin_trap();
            if (seg_record(&v, r, &j, &l) == SW_OK && l && (j[0] == 0x7f && j[l - 1] == 0x7f))
                v.team_id++; /* touch the bytes */
            (void)seg_cmd(&v, r, &a, &b);
            (void)seg_ts(&v)[r];
            (void)seg_eid(&v)[r];
            for (int c = 0; c < SEG_N_COLS; c++) {
                if (!seg_is_dict(c))
                    continue;
                const char *k;
                size_t kl;
                uint32_t id = seg_col(&v, c)[r];
                if (id && seg_key(&v, c, id, &k, &kl) == SW_OK && kl && k[kl - 1] == 0x7f)
                    v.team_id++;
            }
        }
        for (size_t i = 0; i < v.n_multi; i++)
            (void)seg_multi(&v)[i];
    }
    seg_tok_t tk;
    if (len[SF_N] && seg_tok_parse(file[SF_N], len[SF_N], 1, &tk) == SW_OK) {
        uint64_t sum = 0;
        for (size_t i = 0; i < tk.n_toks; i++) { /* every token and posting is inside */
            uint32_t a = i ? tk.tok_end[i - 1] : 0, pa = i ? tk.post_end[i - 1] : 0;
            sum += (unsigned char)tk.text[a] + (unsigned char)tk.text[tk.tok_end[i] - 1];
            for (uint32_t k = pa; k < tk.post_end[i]; k++)
                sum += tk.post[k];
        }
        v.team_id += sum & 1;
    }
    seg_view_free(&v);
    for (int f = 0; f <= SF_N; f++)
        free(file[f]);
    return 0;
}
