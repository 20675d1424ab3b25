/* evidx.h — the field index: every field of every record, in pieces of at
 * most IDX_PIECE rows. Inside the store module only.
 *
 * A piece covers rows [first_row, first_row + n_rows) of one team. For each
 * field name (case-insensitive) it holds the field's distinct values (each
 * exact spelling once, the text kept) and, per value, the rows that carry
 * it (relative to first_row): a list of u16, ascending, a row listed once
 * per occurrence, or, when that would be bigger, a bitmap of the piece's
 * rows (a value in more than 1 row of 16: a channel, a protocol, an event
 * id). That answers, without reading a record:
 *  - field:value, field:*glob*, ranges: the field's values are checked
 *    with the query's own matcher (sw_qnode_value_matches), the postings of
 *    those that match are the rows; a value, or a glob's longest literal,
 *    is first found in the field's text by a SIMD scan;
 *  - free text and wildcards over every value: the value text is scanned
 *    (SIMD, case-insensitive) for the term's longest literal; values made
 *    only of digits and time punctuation lie in a region of their own that
 *    a literal with a letter skips, front-coded (idx_field_t), decoded
 *    when a term must scan it;
 *  - count, count by, top: postings counted against the rows that match.
 * A value is matched once per piece however many rows carry it, which is
 * what makes the index small and fast on log records: most values repeat.
 *
 * The piece file idx.<first_row> (written whole to a temporary name and
 * renamed, so it is complete or absent) is block-structured:
 *   header (64 bytes): magic "SWIDX", kind, format, team id, store id (0
 *     in pieces written before stores had one), first_row, n_rows, counts, the stamp of its
 *     last row's log frame (a piece of rows that were cut and written again
 *     does not match), checksum of the header;
 *   a table of IDX_NSEC sections (offset, length, checksum);
 *   sections: fields, names, values, value text (per field: the letter
 *     values' bytes, each NUL-ended, then the digit values front-coded,
 *     idx_field_t), postings, has-time bitmap, values' hashes (of the
 *     decoded text).
 * A section's checksum is checked the first time a process uses it. A
 * damaged, foreign or stale piece is dropped and its rows indexed again
 * from the log (the log is the record of truth; the index is derived from
 * it), and the rebuilt piece is written back. So damage costs time, never
 * a wrong answer.
 *
 * Pieces are written by the appending process: a full piece as soon as it
 * fills, the piece being filled on every durable flush (replaced as it
 * grows). A reader maps the files and indexes in memory only the rows past
 * the last one: a query never waits for more than one piece's rows. */
#ifndef SW_EVIDX_H
#define SW_EVIDX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "detect/event.h"

#define IDX_PIECE 65536u /* rows a piece holds at most (postings are u16) */
#define IDX_KIND 0x50
#define IDX_FORMAT 6      /* 5: digit values as they are; 4 12-byte values; 3 no bitmaps; ... */
#define IDX_FC_RESTART 16 /* a digit value of every 16 is written whole (note in idx_field_t) */
#define IDX_HDR 64

enum {
    IDX_S_FIELDS,
    IDX_S_NAMES,
    IDX_S_VALUES,
    IDX_S_TEXT,
    IDX_S_POST,
    IDX_S_TIME,
    IDX_S_HASH, /* per value, 16 bits of the hash of its text (idx_hash16) */
    IDX_NSEC
};

/* A field of the piece. Its values are [v0, v1): first those with a byte
 * other than digits and time punctuation ([v0, vb)), then the others; its
 * text is [text0, text1) of the value text, in value order. Its values,
 * text and postings carry checksums of their own, checked the first time a
 * process reads them (idx_field_check): a query pays for what it reads.
 *
 * The letter values' text is the value's bytes and a NUL. The digit
 * values (timestamps, record ids, ports: almost all of them in one row
 * only, in the order they came, so a value shares a long start with the
 * one before it) are front-coded: [u8 bytes shared with the previous
 * value][the rest of its bytes][NUL]; value vb + i with i a multiple of
 * IDX_FC_RESTART shares nothing (a restart), so a value is decoded by
 * walking from its restart (idx_value_text), and a field's whole digit
 * region in one pass when a query scans it (idx_digits_decode). On the
 * telemetry mix that takes the digit text from 48.6 to 27.2 bytes a
 * record. A field whose digit values share little (byte counts, ports:
 * the coding would save under a quarter of their bytes, or add) keeps
 * them as its letter values are (dcoded 0): scanned in place. */
typedef struct idx_field {
    uint64_t name_hash; /* sw_field_hash */
    uint32_t name_off, name_len;
    uint32_t v0, vb, v1;
    uint32_t text0, text1;
    uint32_t sum_values, sum_text, sum_post; /* sum_values: idx_values_sum */
    uint32_t dcoded; /* 1: the digit values front-coded; 0: as the letter values */
    uint32_t pad;
} idx_field_t;

/* A value: its text (coded, for a digit value) runs from text_off to the
 * next value's text_off (the field's text1 for its last), a NUL last
 * (idx_value_len). 8 bytes, and 2
 * of hash in their own section (an equality compares those first): the
 * index holds about 3.9 values a telemetry record. */
typedef struct idx_value {
    uint32_t text_off; /* in the value text */
    /* postings [previous post_end, post_end), in u16; IDX_POST_BM set: a bitmap */
    uint32_t post_end;
} idx_value_t;

/* In post_end: the value's rows are a bitmap of (n_rows + 63) / 64 words,
 * at the first 8-byte boundary of its postings (a list would be bigger:
 * 2 bytes a row). */
#define IDX_POST_BM 0x80000000u

/* A piece, mapped or in memory: pointers into its bytes. */
typedef struct idx_piece {
    const uint8_t *p;
    size_t len;
    void *mem; /* owned: malloc'd (map_len 0) or mapped */
    size_t map_len;
    uint64_t first_row, stamp;
    uint32_t n_rows, n_fields, n_values, n_post;
    const idx_field_t *fields;
    const char *names;
    const idx_value_t *values;
    const char *text;
    size_t text_len;
    const uint16_t *post;
    const uint64_t *hastime; /* rows that carry their own time */
    const uint16_t *hash;    /* per value: idx_hash16 of its text */
    uint64_t sec_off[IDX_NSEC], sec_len[IDX_NSEC];
    uint32_t sec_sum[IDX_NSEC];
    uint8_t *fchecked; /* per field: 1 values and text checked, 2 postings */
} idx_piece_t;

/* Value v's postings [start, end) in u16 (its field checked). */
static inline uint32_t idx_post_end(const idx_piece_t *p, uint32_t v)
{
    return p->values[v].post_end & ~IDX_POST_BM;
}

static inline uint32_t idx_post_start(const idx_piece_t *p, uint32_t v)
{
    return v ? idx_post_end(p, v - 1) : 0;
}

/* Value v's rows as a bitmap of the piece's rows, or NULL when they are
 * the u16 list post[start, end) (its field's postings checked). */
static inline const uint64_t *idx_post_bitmap(const idx_piece_t *p, uint32_t v)
{
    if (!(p->values[v].post_end & IDX_POST_BM))
        return NULL;
    return (const uint64_t *)(const void *)(p->post + ((idx_post_start(p, v) + 3) & ~3u));
}

/* The length of value v of field x (v in [x->v0, x->v1), x checked),
 * decoded: a digit value's shared bytes and the rest. */
static inline uint32_t idx_value_len(const idx_piece_t *p, const idx_field_t *x, uint32_t v)
{
    uint32_t e = (v + 1 < x->v1 ? p->values[v + 1].text_off : x->text1) - p->values[v].text_off - 1;
    return v < x->vb || !x->dcoded ? e : e - 1 + (uint8_t)p->text[p->values[v].text_off];
}

/* Where digit values are decoded: a reader's own, grown as needed. */
typedef struct idx_scratch {
    char *buf;
    size_t cap;
    uint32_t *off; /* idx_digits_decode: value vb + i at buf + off[i] */
    size_t off_cap;
} idx_scratch_t;

void idx_scratch_free(idx_scratch_t *s);
/* Value v of field x (checked) as text: *s (NUL-ended: in the piece, or
 * decoded into sc->buf, valid until sc is used again) and *n its length.
 * SW_EIO when its coded bytes are unsound, SW_ENOMEM. Cost: a digit value
 * decodes up to IDX_FC_RESTART - 1 values before it. */
int idx_value_text(const idx_piece_t *p, const idx_field_t *x, uint32_t v, idx_scratch_t *sc,
                   const char **s, uint32_t *n);
/* Field x's digit values [vb, v1) decoded into sc: value vb + i at
 * sc->buf + sc->off[i], NUL-ended, and sc->off[v1 - vb] the bytes in all
 * (the letter region's layout). SW_EIO, SW_ENOMEM. Cost: O(bytes out). */
int idx_digits_decode(const idx_piece_t *p, const idx_field_t *x, idx_scratch_t *sc);

/* Point p at a piece's bytes (mapped or malloc'd, header included) and
 * check the header, the sections' bounds and the checksums of the small
 * sections (fields, names, has-time); SW_EINVAL if it is not a sound piece
 * of team_id in store store_id (or of no store: written before ids). Cost: O(fields), not O(rows).
 */
int idx_piece_open(idx_piece_t *p, const uint8_t *b, size_t len, uint64_t team_id,
                   uint64_t store_id);
/* Check field f's values and text (once a process); SW_EIO when damaged.
 * Then its postings (idx_post_check, once): a free-text scan reads every
 * field's text but only the postings of the values it finds. */
int idx_field_check(idx_piece_t *p, uint32_t f);
int idx_post_check(idx_piece_t *p, uint32_t f);
/* The checksum of every part of a piece: four lanes, ~3x seg_sum's speed,
 * which the first query of a process pays over what it reads. */
uint32_t idx_sum(const void *p, size_t len);
/* A field's sum_values: of its values [v0, v1) and their hashes. */
uint32_t idx_values_sum(const idx_value_t *values, const uint16_t *hash, uint32_t v0, uint32_t v1);
/* 16 bits of the case-folded hash of a value's text. */
uint16_t idx_hash16(const char *s, size_t n);
void idx_piece_free(idx_piece_t *p);

/* ---- building a piece ------------------------------------------------------- */

typedef struct idx_build idx_build_t;

idx_build_t *idx_build_new(uint64_t first_row);
void idx_build_free(idx_build_t *b);
void idx_build_reset(idx_build_t *b, uint64_t first_row);
uint64_t idx_build_first(const idx_build_t *b);
uint32_t idx_build_rows(const idx_build_t *b);
/* Add the next row: its fields (name, name_len, name_hash, value,
 * value_len are read) and whether it has a time of its own. SW_ENOMEM, or
 * SW_ETOOBIG when the piece is full. */
int idx_build_add(idx_build_t *b, const sw_field_t *fields, size_t n_fields, int has_time);
/* The same with each field's id given (fids[i], from idx_build_field):
 * only value and value_len of fields are read, and the values are looked
 * up when the next row is added or at idx_build_flush (so that a row's
 * memory fetches overlap the next's): they must stay readable until
 * then. */
int idx_build_add_ids(idx_build_t *b, const uint32_t *fids, const sw_field_t *fields,
                      size_t n_fields, int has_time);
/* Finish the row idx_build_add_ids left pending (sealing does it too).
 * SW_ENOMEM. */
int idx_build_flush(idx_build_t *b);
/* The id in b of the field named name[0..len) (case-insensitive; hash:
 * sw_field_hash of it), added when new. Ids hold until b is reset
 * (idx_build_gen changes). */
int idx_build_field(idx_build_t *b, const char *name, uint32_t len, uint64_t hash, uint32_t *id);
/* b's generation: 1 when new, one more at each reset (a caller that keeps
 * field ids across calls keeps them for one build and one generation). */
uint64_t idx_build_gen(const idx_build_t *b);
/* The piece so far as bytes (malloc'd into *out, *out_len): what is
 * written to idx.<first_row>, or opened in memory. stamp: of the last row. */
int idx_build_seal(idx_build_t *b, uint64_t team_id, uint64_t store_id, uint64_t stamp,
                   uint8_t **out, size_t *out_len);

#endif
