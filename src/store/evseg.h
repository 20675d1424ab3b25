/* evseg.h — one team's segment files: the append-only on-disk form of its
 * records and of the columns a hunt reads. Inside the store module only
 * (evstore.c writes, evhot.c reads); other modules use evstore.h.
 *
 * A team's directory FILE.seg/<team id>/ holds one file per column. Every
 * file starts with a 16-byte header (magic "SWSEG1", the file's kind, the
 * team id) and then grows only at its end:
 *
 *   log      the records, in blocks (note "The log's blocks" below)
 *   lidx     u64 per block unit: where the block starting at that unit
 *            begins in log; SEG_NO_BLOCK for the units a big block spans
 *   ts       i64 per row: the record's time in ms
 *   roff     u64 per row: where its frame starts in the log's unpacked
 *            byte stream (unit = roff >> SEG_UNIT_BITS, see below)
 *   cend     u64 per row: where its CommandLine ends in cmd (after its NUL)
 *   cmd      every row's CommandLine, lower-cased, each followed by NUL
 *   eid      i64 per row: EventID, INT64_MIN when absent or not an integer
 *   multi    u32 row numbers of irregular rows, ascending (see evstore.c)
 *   mcnt     u32 per row: irregular rows up to and including this one, so a
 *            row is complete only when `multi` lists all of them
 *   c<k>     u32 per row: dictionary id of text column k's value (0: absent)
 *   dkeys    every text column's distinct values (first spelling seen), back
 *            to back, in the order rows brought them
 *   dends    u64 per key: its column (top byte) and where it ends in dkeys;
 *            key id = index + 1, one id space for all columns
 *   kcnt     u32 per row: keys brought by the rows up to and including
 *            this one, so a row is complete only when its keys are
 *
 * Invariants:
 *  1. Row r of the team is complete when every per-row file holds r, its log
 *     block is whole (lidx names it, its checksum matches, it unpacks) and
 *     its frame lies inside the block with a matching checksum, its
 *     CommandLine inside
 *     cmd, the keys up to it are complete (kcnt) and `multi` holds the
 *     irregular rows up to it (mcnt). The counts make completeness a prefix
 *     property: if row r is complete, so is every row before it. Files are
 *     appended in no particular order, so after a crash they end at
 *     different rows; the team has the longest prefix of complete rows
 *     (seg_view_check) and everything past it is cut by the next writer
 *     [seg_writer_begin]. Open costs a stat and a map per file plus the
 *     check of the rows that are incomplete: no rebuild.
 *  2. A value read from a file is never trusted as an index: every offset,
 *     length and dictionary id is bounds-checked where it is used, and a bad
 *     one is SW_EIO "damaged", not a crash (fuzz/fuzz_segment.c).
 *  3. A file whose header names another team, or that has no seawall
 *     header, is refused: a team handle reads only its own segment.
 *
 * The log's blocks. Records (frames of [u32 len][u32 checksum][JSON]) are
 * gathered into blocks of at most SEG_UNIT unpacked bytes (a bigger record
 * gets a block of its own) and each block is written LZ4-compressed:
 *   [u32 packed length][u32 unpacked length][u32 checksum][u32 kind] data
 * kind SEG_BLK_LZ4 or SEG_BLK_STORED (data as is, when LZ4 does not shrink
 * it). Every block starts a new unit of the unpacked stream, so a row's
 * block is lidx[roff >> SEG_UNIT_BITS] and its frame is at roff's low bits
 * inside it: no search. A flush seals the block being filled (the rest of
 * its unit stays unused), so everything a reader is told about is on disk.
 * The bench's records pack 3.2:1 at the acceleration used (4.7:1 at the
 * slowest): the log was 355 of the 472 bytes a record cost on disk, and
 * the disk was the ingest's limit; now ~114 of ~227.
 *
 * The writer works on a thread of its own (seg_t.wr): the appending thread
 * fills a batch of blocks, with each row's dictionary values beside them,
 * and hands it over (at most SEG_NBLK - 1 wait). The writer looks the
 * values up in the dictionaries (adding new keys), appends the ids and key
 * counts, packs the blocks and writes the log: that work overlaps parsing
 * the next records on a second core. The files are split between the two
 * threads: the writer owns log, lidx, the c<k>, dkeys, dends and kcnt (and
 * the dictionaries and n_keys) while it runs; the appending thread owns
 * the rest. seg_flush (which every search does first) waits for the writer
 * to finish what it was handed, and only then touches its files, so after a
 * flush every file is written up to the same row and the dictionaries are
 * the appender's to read.
 *
 * States of a team's segment in one process:
 *   CLOSED -> READING [seg_open] -> WRITING [seg_writer_begin: flock, cut the
 *   tail, load the dictionaries] -> CLOSED [seg_close]. */
#ifndef SW_EVSEG_H
#define SW_EVSEG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

#define SEG_N_COLS 11
#define SEG_COL_EVENTID 1
#define SEG_COL_CMDLINE 4
#define SEG_HDR 16
#define SEG_ABSENT_INT INT64_MIN
#define SEG_MAX_RECORD (4u << 20)
#define SEG_UNIT_BITS 14
#define SEG_UNIT ((uint64_t)1 << SEG_UNIT_BITS) /* unpacked bytes a block holds */
#define SEG_BLK_HDR 16
#define SEG_BLK_MAX (SEG_UNIT + SEG_MAX_RECORD + 8) /* the most a block unpacks to */
#define SEG_BLK_LZ4 0
#define SEG_BLK_STORED 1
#define SEG_NO_BLOCK UINT64_MAX
#define SEG_NBLK 4   /* batch buffers: one filled, the rest with the writer */
#define SEG_FORMAT 2 /* header byte 7; 1 had an uncompressed log */

enum {
    SF_LOG,
    SF_TS,
    SF_ROFF,
    SF_CEND,
    SF_CMD,
    SF_EID,
    SF_MULTI,
    SF_MCNT,
    SF_COL,                        /* + column: dictionary ids */
    SF_DTXT = SF_COL + SEG_N_COLS, /* dictionary keys */
    SF_DEND,                       /* their columns and ends */
    SF_KCNT,                       /* keys so far, per row */
    SF_LIDX,                       /* the log's blocks */
    SF_N
};

#define SEG_KEY_END(e) ((e) & (((uint64_t)1 << 56) - 1))
#define SEG_KEY_COL(e) ((int)((e) >> 56))

/* Is column c dictionary-encoded (all but EventID and CommandLine)? */
static inline int seg_is_dict(int c)
{
    return c != SEG_COL_EVENTID && c != SEG_COL_CMDLINE;
}

/* Is file f one the segment has (c<k> files only for dictionary columns)? */
int seg_file_used(int f);
/* File f's name in the team directory ("log", "ts", "c0", ...). */
void seg_file_name(int f, char *out, size_t cap);

/* What is readable of a team's files: data after each header. Files are
 * mapped (or, in the fuzzer, plain buffers); d[f] is never NULL. */
typedef struct seg_view {
    const uint8_t *d[SF_N];
    size_t dl[SF_N];
    uint64_t team_id;
    size_t n_rows;  /* complete rows (invariant 1) */
    size_t n_keys;  /* complete dictionary keys */
    size_t n_multi; /* irregular rows below n_rows */
    /* the block seg_record unpacked last; kept across calls, reset when the
     * files change (seg_view_set). Zero the view before its first set. */
    uint8_t *blk;
    size_t blk_cap, blk_len, blk_full; /* unpacked so far, and in all */
    uint64_t blk_unit;                 /* SEG_NO_BLOCK: none */
    const uint8_t *blk_at;             /* stored blocks: the data in the map */
} seg_view_t;

/* Fill d/dl of v from whole files (header included) and check the headers:
 * SW_EINVAL with the file's name for a foreign or damaged header. A file
 * shorter than a header is empty. v must be zeroed or set before. */
int seg_view_set(seg_view_t *v, const uint8_t *const file[SF_N], const size_t len[SF_N],
                 uint64_t team_id, sw_errbuf_t *err);
/* Count the complete rows, keys and irregular rows of v (invariant 1).
 * Cost: O(per-file length / width) for nothing, plus O(incomplete rows). */
void seg_view_check(seg_view_t *v);
/* Free what seg_record kept (the unpacked block). */
void seg_view_free(seg_view_t *v);

static inline const int64_t *seg_ts(const seg_view_t *v)
{
    return (const int64_t *)(const void *)v->d[SF_TS];
}
static inline const int64_t *seg_eid(const seg_view_t *v)
{
    return (const int64_t *)(const void *)v->d[SF_EID];
}
static inline const uint32_t *seg_col(const seg_view_t *v, int c)
{
    return (const uint32_t *)(const void *)v->d[SF_COL + c];
}
static inline const uint32_t *seg_multi(const seg_view_t *v)
{
    return (const uint32_t *)(const void *)v->d[SF_MULTI];
}

/* The record of row r (r < n_rows): SW_EIO if its block or frame is
 * damaged. *json stays valid until the next seg_record, seg_row_stamp or
 * seg_view_set on v (it may point into v's unpacked block). Reading rows in
 * order unpacks each block once. */
int seg_record(seg_view_t *v, size_t r, const char **json, size_t *len);
/* Row r's lower-cased CommandLine ("" when absent): [*start, *end) in
 * d[SF_CMD], *end at its NUL. SW_EIO if damaged. */
int seg_cmd(const seg_view_t *v, size_t r, size_t *start, size_t *end);
/* Key id (1..n_keys), a key of column c; SW_EIO if damaged. */
int seg_key(const seg_view_t *v, int c, uint32_t id, const char **key, size_t *len);
/* The checksum of a log frame. */
uint32_t seg_sum(const void *p, size_t len);

/* ---- the CommandLine token index, persisted in chunks ---------------------------
 *
 * tok.<k> holds the token index (evhot.c note 6) of rows [k*C, (k+1)*C),
 * written once by the first search that needs it, then only mapped:
 *   header (kind SEG_TOK_KIND), u64 first_row, n_rows, n_toks, text_len,
 *   n_post, last (the length and checksum of the last row's log frame: a
 *   chunk of rows that were cut and written again does not match, and is
 *   built again); u32 tok_end[n_toks] (ends in text, after each NUL);
 *   text, padded to 4 bytes; u32 post_end[n_toks]; u32 post[n_post] (rows).
 * A chunk is written whole to a temporary name and renamed, so it is there
 * complete or not at all; a damaged or foreign one is refused. */
#define SEG_TOK_KIND 0x40

typedef struct seg_tok {
    uint64_t first_row, n_rows, last;
    const char *text;
    size_t text_len, n_toks, n_post;
    const uint32_t *tok_end, *post_end, *post;
} seg_tok_t;

/* Check and point into a chunk file p[0..len) (4-byte aligned) of team. */
/* The `last` stamp of row r (r < n_rows): its log frame's length and
 * checksum; 0 when the frame is damaged. */
uint64_t seg_row_stamp(seg_view_t *v, size_t r);
int seg_tok_parse(const uint8_t *p, size_t len, uint64_t team_id, seg_tok_t *out);

/* ---- one team's files in a process ------------------------------------------ */

/* A dictionary in memory: key -> id, case-insensitive, for appends and for
 * equality conditions. Filled from d<k>/e<k> on first use. */
typedef struct seg_dict_slot {
    const char *key; /* NUL-ended, in the arena after its u32 length; NULL: empty */
    uint32_t id;
    uint32_t h32; /* the hash's low 32 bits: the slot, and most misses end here */
} seg_dict_slot_t;

typedef struct seg_dict {
    seg_dict_slot_t *slots; /* open addressing, at most half full */
    size_t cap_slots;
    size_t n_in;     /* keys in slots */
    size_t n_loaded; /* keys 1..n_loaded have been looked at */
    sw_arena_t arena;
} seg_dict_t;

typedef struct seg_file {
    int fd;
    const uint8_t *map;
    size_t map_len;  /* bytes mapped (whole file, header included) */
    size_t disk_len; /* bytes written to the file */
    uint8_t *buf;    /* pending appends, written out at SEG_BUF or flush */
    size_t buf_len;
    int dirty; /* written since the last fdatasync */
} seg_file_t;

/* A batch of blocks being filled, or waiting for the writer thread: their
 * frames back to back in raw, block i from start[i] to start[i + 1] (the
 * last to len). Handing blocks over in batches keeps the thread switches
 * and the writes per record few. */
#define SEG_BATCH 16
typedef struct seg_blk {
    uint8_t *raw; /* frames, checksums included */
    size_t len, cap;
    size_t n;                 /* blocks */
    size_t start[SEG_BATCH];  /* where each starts in raw */
    uint64_t unit[SEG_BATCH]; /* the unit each starts */
    /* the rows' dictionary values, for the writer to look up: per row,
     * per dictionary column in order, u32 length + 1 (0: absent), then when
     * present the u64 hash and the bytes */
    uint8_t *vals;
    size_t vals_len, vals_cap;
    size_t rows;
} seg_blk_t;

/* The log's writer thread and what it shares with the appending thread.
 * blk[fill] is the appender's; blk[next .. next + queued) (mod SEG_NBLK)
 * are the writer's, oldest first. Everything below mu is read by the
 * appender only when queued is 0 (seg_flush waits for that). */
typedef struct seg_writer {
    int started, stop;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* queued changed, or stop */
    seg_blk_t blk[SEG_NBLK];
    size_t fill, next, queued;
    /* the writer's own */
    uint8_t *out;
    size_t out_cap;
    size_t log_len, lidx_len; /* bytes in the files, headers included */
    int failed;               /* errno of a failed write, stops the writer */
    int failed_file;
    int dirty; /* wrote since the last fdatasync */
} seg_writer_t;

typedef struct seg {
    char dir[4096];
    uint64_t team_id;
    seg_file_t f[SF_N];
    seg_view_t v;        /* what is on disk and mapped */
    int writing;         /* WRITING: lock held, n_rows exact */
    int broken;          /* a write failed: no more appends (reopen recovers) */
    size_t n_rows;       /* rows appended, pending included (WRITING) */
    size_t n_multi;      /* irregular rows among them */
    size_t n_keys;       /* dictionary keys, pending included (WRITING) */
    uint64_t log_unit;   /* the unit the next block starts (WRITING) */
    uint64_t last_stamp; /* seg_row_stamp of the last row appended (WRITING) */
    seg_dict_t dict[SEG_N_COLS];
    seg_writer_t wr;
} seg_t;

/* The values of one row to append. */
typedef struct seg_row {
    int64_t ts, eid;
    const char *val[SEG_N_COLS]; /* text columns; NULL: absent */
    size_t val_len[SEG_N_COLS];
    int multi;
} seg_row_t;

/* Open the team's directory (created when create is set) and map what is
 * there. SW_ENOENT: no directory and !create. */
int seg_open(seg_t *s, const char *dir, uint64_t team_id, int create, sw_errbuf_t *err);
void seg_close(seg_t *s);
/* Take the team's write lock, cut an unfinished tail, load the
 * dictionaries. Called by the first append. */
int seg_writer_begin(seg_t *s, sw_errbuf_t *err);
/* Append one record; *row gets its row number. Buffered: readers see it
 * after seg_flush. */
int seg_append(seg_t *s, const char *json, size_t len, const seg_row_t *row, size_t *row_out,
               sw_errbuf_t *err);
/* Write pending appends out (durable: and fdatasync them), remap, and bring
 * the view up to date (another process may have appended). */
int seg_flush(seg_t *s, int durable, sw_errbuf_t *err);
/* The id of key in dictionary column c, UINT32_MAX if absent (and err set
 * when the dictionary could not be loaded). While WRITING, only after
 * seg_flush: the writer thread owns the dictionaries while it runs. */
uint32_t seg_dict_id(seg_t *s, int c, const char *key, size_t len, sw_errbuf_t *err);

#endif
