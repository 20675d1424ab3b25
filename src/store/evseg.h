/* evseg.h — one team's segment files: the append-only on-disk form of its
 * records. Inside the store module only (evstore.c writes, evquery.c and
 * evidx.c read); other modules use evstore.h.
 *
 * A team's directory FILE.seg/<team id>/ holds four files, each starting
 * with a 16-byte header (magic "SWSEG1", the file's kind, the format, the
 * team id) and then growing only at its end:
 *
 *   log      the records, in blocks (note "The log's blocks" below)
 *   lidx     u64 per block unit: where the block starting at that unit
 *            begins in log; SEG_NO_BLOCK for the units a big block spans
 *   ts       i64 per row: the record's time in ms
 *   roff     u64 per row: where its frame starts in the log's unpacked
 *            byte stream (unit = roff >> SEG_UNIT_BITS, see below)
 *
 * and beside them the field index's pieces idx.<first row> (evidx.h),
 * derived from the log and rebuilt from it when damaged.
 *
 * Format 3 is these four files. Format 2 had eleven fixed columns and a
 * dictionary beside them (cend, cmd, eid, multi, mcnt, c<k>, dkeys,
 * dends, kcnt, and tok.<k> token index files); its four files above have
 * the same layout, so a format-2 team is read as it is, and its first
 * writer upgrades it (seg_writer_begin: the old files removed, the four
 * headers marked format 3, so a seawall that still wants the old columns
 * refuses the team instead of cutting it back to them). Format 1 (an
 * uncompressed log) is refused with a message.
 *
 * Invariants:
 *  1. Row r of the team is complete when ts and roff hold r and its log
 *     block is whole (lidx names it, its checksum matches, it unpacks) with
 *     its frame inside and the frame's checksum matching. The writer
 *     writes a batch's blocks to log, then lidx, then the rows' roff and
 *     ts, so completeness is a prefix property: if row r is complete, so
 *     is every row before it. After a crash the files end at different
 *     rows; the team has the longest prefix of complete rows
 *     (seg_view_check) and everything past it is cut by the next writer
 *     [seg_writer_begin]. Open costs a stat and a map per file plus the
 *     check of the rows that are incomplete: no rebuild.
 *  2. A value read from a file is never trusted as an index: every offset
 *     and length is bounds-checked where it is used, and a bad one is
 *     SW_EIO "damaged", not a crash (fuzz/fuzz_segment.c).
 *  3. A file whose header names another team, or that has no seawall
 *     header, is refused: a team handle reads only its own segment.
 *
 * The log's blocks. Records (frames of [u32 len][u32 checksum][JSON]) are
 * gathered into blocks of at most SEG_BLOCK (32 KB) unpacked bytes (a
 * bigger record gets a block of its own) and each block is written
 * LZ4-compressed:
 *   [u32 packed length][u32 unpacked length][u32 checksum][u32 kind] data
 * kind SEG_BLK_LZ4 or SEG_BLK_STORED (data as is, when LZ4 does not shrink
 * it). The unpacked stream is counted in units of SEG_UNIT (16 KB); every
 * block starts a new unit and spans as many as it needs, lidx naming its
 * first and SEG_NO_BLOCK the others. A row's roff is its block's first
 * unit << SEG_UNIT_BITS plus its place in the block, so its block is the
 * unit roff >> SEG_UNIT_BITS names or, when that one is SEG_NO_BLOCK, the
 * nearest before it (seg_row_place: at most SEG_BLK_SPAN back), and its
 * frame is at roff minus the block's start: no search. (Format 2 wrote
 * blocks of one unit, which read the same way.) A flush seals the block
 * being filled (the rest of its last unit stays unused), so everything a
 * reader is told about is on disk. Telemetry packs 6.6:1 in blocks of
 * 32 KB against 5.4:1 in 16 KB (LZ4 acceleration 2 and 4) and 7.3:1 in
 * 64 KB; a hunt's scattered rows unpack half a block each on average, so
 * 64 KB made a hunt returning 100,000 rows twice as slow as 32 KB.
 *
 * The writer works on a thread of its own (seg_t.wr) and owns the four
 * files while it runs: the appending thread fills a batch of blocks, with
 * each row's time and place beside them, and hands it over (at most
 * SEG_NBLK - 1 wait). The writer packs the blocks and writes log, lidx,
 * roff and ts, then hands the batch's rows to the on_batch callback (the
 * store's field index): that work overlaps parsing the next records on a
 * second core, and every batch written is visible to other processes at
 * once (a batch is at most SEG_BATCH blocks: a few hundred records).
 * seg_flush (which every search does first) hands over the batch being
 * filled and waits for the writer to finish what it was handed; what the
 * callback builds is the appending thread's to read only after that.
 *
 * States of a team's segment in one process:
 *   CLOSED -> READING [seg_open] -> WRITING [seg_writer_begin: flock, cut the
 *   tail, upgrade a format-2 team] -> CLOSED [seg_close]. */
#ifndef SW_EVSEG_H
#define SW_EVSEG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SEG_HDR 16
#define SEG_MAX_RECORD (4u << 20)
#define SEG_UNIT_BITS 14
#define SEG_UNIT ((uint64_t)1 << SEG_UNIT_BITS) /* lidx's granularity */
#define SEG_BLOCK (2 * SEG_UNIT)                /* unpacked bytes a block of small records holds */
#define SEG_BLK_HDR 16
#define SEG_BLK_MAX (SEG_BLOCK + SEG_MAX_RECORD + 8)      /* the most a block unpacks to */
#define SEG_BLK_SPAN ((SEG_BLK_MAX >> SEG_UNIT_BITS) + 1) /* the most units one spans */
#define SEG_BLK_LZ4 0
#define SEG_BLK_STORED 1
#define SEG_NO_BLOCK UINT64_MAX
#define SEG_NBLK 4   /* batch buffers: one filled, the rest with the writer */
#define SEG_FORMAT 3 /* header byte 7; 2 had the fixed columns, 1 an uncompressed log */

enum { SF_LOG, SF_TS, SF_ROFF, SF_LIDX, SF_N };

/* File f's name in the team directory ("log", "ts", "roff", "lidx"). */
void seg_file_name(int f, char *out, size_t cap);
/* File f's kind (header byte 6; the numbers format 2 gave them). */
int seg_file_kind(int f);

/* An unpacked block a view keeps. Records come back in time order, and a
 * team's sources (each in time order, written in batches) interleave in
 * the log: a few blocks kept means each is unpacked about once. */
#define SEG_NCACHE 8
typedef struct seg_cblk {
    uint8_t *buf;
    size_t cap, len, full; /* unpacked so far, and in all */
    uint64_t unit;         /* SEG_NO_BLOCK: none */
    const uint8_t *at;     /* buf, or a stored block's data in the map */
    uint64_t used;         /* the view's tick when last asked for */
} seg_cblk_t;

/* What is readable of a team's files: data after each header. Files are
 * mapped (or, in the fuzzer, plain buffers); d[f] is never NULL. */
typedef struct seg_view {
    const uint8_t *d[SF_N];
    size_t dl[SF_N];
    uint64_t team_id;
    int format;    /* the oldest format among the headers (2 or 3; 3 when empty) */
    size_t n_rows; /* complete rows (invariant 1) */
    /* the blocks seg_record unpacked last; kept across calls, reset when
     * the files change (seg_view_set). Zero the view before its first set. */
    seg_cblk_t cache[SEG_NCACHE];
    uint64_t tick; /* for the least recently used */
} seg_view_t;

/* Fill d/dl of v from whole files (header included) and check the headers:
 * SW_EINVAL with the file's name for a foreign or damaged header. A file
 * shorter than a header is empty. v must be zeroed or set before. */
int seg_view_set(seg_view_t *v, const uint8_t *const file[SF_N], const size_t len[SF_N],
                 uint64_t team_id, sw_errbuf_t *err);
/* Count the complete rows of v (invariant 1). Cost: O(1) for nothing, plus
 * O(incomplete rows). */
void seg_view_check(seg_view_t *v);
/* Free what seg_record kept (the unpacked block). */
void seg_view_free(seg_view_t *v);

static inline const int64_t *seg_ts(const seg_view_t *v)
{
    return (const int64_t *)(const void *)v->d[SF_TS];
}

/* Where row r's frame is: its block's first unit and its place inside
 * the block. SW_EIO if roff or lidx is damaged. */
int seg_row_place(const seg_view_t *v, size_t r, uint64_t *unit, size_t *in);
/* The record of row r (r < n_rows): SW_EIO if its block or frame is
 * damaged. *json stays valid until the next seg_record, seg_row_stamp or
 * seg_view_set on v (it may point into v's unpacked block). Reading rows in
 * order unpacks each block once. */
int seg_record(seg_view_t *v, size_t r, const char **json, size_t *len);
/* The checksum of a log frame. */
uint32_t seg_sum(const void *p, size_t len);
/* The stamp of row r (r < n_rows): its log frame's length and checksum
 * (what an index piece records of its last row, so that a piece of rows
 * that were cut and written again does not match); 0 when the frame is
 * damaged. */
uint64_t seg_row_stamp(seg_view_t *v, size_t r);
static inline uint64_t seg_stamp(uint32_t len, uint32_t sum)
{
    return (uint64_t)len << 32 | sum | (uint64_t)1 << 63;
}

/* ---- one team's files in a process ------------------------------------------ */

typedef struct seg_file {
    int fd;
    const uint8_t *map;
    size_t map_len;  /* bytes mapped (whole file, header included) */
    size_t disk_len; /* bytes written to the file (the writer's, while WRITING) */
} seg_file_t;

/* A batch of blocks being filled, or waiting for the writer thread: their
 * frames back to back in raw, block i from start[i] to start[i + 1] (the
 * last to len), and each row's time and place. Handing blocks over in
 * batches keeps the thread switches and the writes per record few. */
#define SEG_BATCH 8
typedef struct seg_blk {
    uint8_t *raw; /* frames, checksums included */
    size_t len, cap;
    size_t n;                 /* blocks */
    size_t start[SEG_BATCH];  /* where each starts in raw */
    uint64_t unit[SEG_BATCH]; /* the unit each starts */
    int64_t *ts;              /* per row of the batch */
    uint64_t *roff;
    uint64_t *stamp; /* seg_row_stamp of each row */
    size_t rows, rows_cap;
    uint8_t *extra; /* the rows' extra bytes (seg_row_extra), back to back */
    size_t extra_len, extra_cap;
} seg_blk_t;

/* What the writer thread does with each batch after writing it: first_row
 * and rows name its rows; extra[0..extra_len) is what seg_row_extra added
 * for them, in order; stamp[i] is row first_row + i's seg_row_stamp. 0 or
 * an errno (the writer then fails as on a failed write). The store builds
 * the field index here, off the appending thread. */
typedef int (*seg_batch_cb)(void *ud, size_t first_row, size_t rows, const uint8_t *extra,
                            size_t extra_len, const uint64_t *stamp);

/* The log's writer thread and what it shares with the appending thread.
 * blk[fill] is the appender's; blk[next .. next + queued) (mod SEG_NBLK)
 * are the writer's, oldest first. The files' disk_len and dirty are the
 * writer's while queued is not 0 (seg_flush waits for that). */
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
    uint64_t *ent; /* lidx entries of a batch */
    size_t ent_cap;
    int failed; /* errno of a failed write, stops the writer */
    int failed_file;
    int dirty;             /* wrote since the last fdatasync */
    seg_batch_cb on_batch; /* may be NULL */
    void *on_batch_ud;
} seg_writer_t;

typedef struct seg {
    char dir[4096];
    uint64_t team_id;
    seg_file_t f[SF_N];
    seg_view_t v;        /* what is on disk and mapped */
    int writing;         /* WRITING: lock held, n_rows exact */
    int broken;          /* a write failed: no more appends (reopen recovers) */
    size_t n_rows;       /* rows appended, pending included (WRITING) */
    uint64_t log_unit;   /* the unit the next block starts (WRITING) */
    uint64_t last_stamp; /* seg_row_stamp of the last row appended (WRITING) */
    seg_writer_t wr;
} seg_t;

/* Open the team's directory (created when create is set) and map what is
 * there. SW_ENOENT: no directory and !create. */
int seg_open(seg_t *s, const char *dir, uint64_t team_id, int create, sw_errbuf_t *err);
void seg_close(seg_t *s);
/* Take the team's write lock, cut an unfinished tail, upgrade a format-2
 * team. Called by the first append. */
int seg_writer_begin(seg_t *s, sw_errbuf_t *err);
/* Append one record of time ts; *row gets its row number. Buffered:
 * readers see it once its batch is written (at most SEG_BATCH blocks
 * later) or after seg_flush. */
int seg_append(seg_t *s, const char *json, size_t len, int64_t ts, size_t *row_out,
               sw_errbuf_t *err);
/* Room for n more extra bytes of the row appended last, in its batch (the
 * writer hands them to its on_batch callback); NULL when out of memory. */
uint8_t *seg_row_extra(seg_t *s, size_t n, sw_errbuf_t *err);
/* Set what the writer thread does with each batch (before the first append). */
void seg_on_batch(seg_t *s, seg_batch_cb cb, void *ud);
/* Write pending appends out (durable: and fdatasync them), remap, and bring
 * the view up to date (another process may have appended). */
int seg_flush(seg_t *s, int durable, sw_errbuf_t *err);

#endif
