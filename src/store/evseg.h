/* evseg.h — one team's segment files: the append-only on-disk form of its
 * records. Inside the store module only (evstore.c writes, the field
 * index's files read); other modules use evstore.h.
 *
 * A team's directory FILE.seg/<team id>/ holds five files, each starting
 * with a 16-byte header and then growing only at its end:
 *
 *   log      the records, in blocks (note "The log's blocks" below): the
 *            record of truth; everything else here is derived from it
 *   lidx     u64 per block unit: where the block starting at that unit
 *            begins in log; SEG_NO_BLOCK for the units a big block spans
 *   ts       i64 per row: the record's time in ms (its own, else the row
 *            before's, else 0)
 *   roff     u64 per row: where its frame starts in the log's unpacked
 *            byte stream (unit = roff >> SEG_UNIT_BITS, see below)
 *   sums     one 64-byte entry per batch the writer wrote (seg_sument_t):
 *            its rows, units and log bytes and the checksums of its ts,
 *            roff and lidx entries, with a checksum of its own
 *
 * and beside them the field index's pieces idx.<first row> (evidx.h),
 * derived from the log and rebuilt from it when damaged.
 *
 * The header: magic "SWSEG1", the file's kind (byte 6), the format (byte
 * 7), then in formats 4 and 5 the team id (u16) and the store id (48 bits, the
 * one in the store's SQLite file, evstore.c): a file is bound to its team
 * and to its database, so a segment folder copied, linked or left beside
 * another database is refused, naming both (invariant 3). Format 3 had
 * the first four files and the team id alone in bytes 8-15; format 2 had
 * eleven fixed columns and a dictionary beside them. A format-2 or -3 team
 * is read as it is (without the checks of the sums and of the commit
 * point) and its first writer upgrades it in place (seg_writer_begin: the
 * old files removed, sums made from the columns, the headers rewritten),
 * so a seawall that expects an older format refuses the team instead of
 * cutting it back. Format 5 differs from 4 only by the LZ4D blocks it may
 * hold: a writer brings a format-4 team to 5 by rewriting its log's header
 * before it appends, so a seawall of format 4 refuses the team rather than
 * call blocks it cannot unpack damaged and cut them. Format 1 (an
 * uncompressed log) is refused.
 *
 * The commit point: the store keeps, per team, the rows and file lengths
 * its last durable flush made durable (SQLite table seg_commit, written in
 * the flush's transaction after the files' fdatasync). Rows up to it were
 * acknowledged: they are never cut, and what is missing of them is damage.
 * Rows past it are an interrupted write when incomplete.
 *
 * Invariants:
 *  1. Row r is complete when a sound sums entry covers it (its own checksum
 *     and those of its ts, roff and lidx entries match, and, past the
 *     commit point, its log blocks' checksums too). The writer writes a
 *     batch to log, lidx, roff, ts and then sums, so completeness is a
 *     prefix property; after a crash the files end at different rows, and
 *     the team has its committed rows plus the longest complete prefix past
 *     them (seg_view_check). The next writer cuts the rest
 *     [seg_writer_begin]. Open costs a stat and a map per file and one pass
 *     over the ts a process has not seen (8 bytes a row; roff and lidx of
 *     a committed batch are checked when one of its records is read,
 *     seg_view_verify): no rebuild unless something is damaged.
 *  2. A value read from a file is never trusted as an index: every offset
 *     and length is bounds-checked where it is used, and a bad one is
 *     SW_EIO "damaged", not a crash (fuzz/fuzz_segment.c).
 *  3. A log whose header names another team or store, or has no seawall
 *     header, is refused: a team handle reads only its own segment. A
 *     derived file (ts, roff, lidx, sums) that is damaged, cut short or
 *     foreign is rebuilt from the log: in memory by a reader (which says
 *     so: seg_view_t.note), on disk by the next writer.
 *  4. Committed rows the log no longer holds (cut short, a damaged block
 *     where the columns had to be rebuilt) are lost: counted (the team
 *     keeps its committed size), reported by every search (lost_lo,
 *     lost_hi) and never cut: a writer refuses to append to such a team.
 *
 * The log's blocks. Records (frames of [u32 len][u32 checksum][JSON]) are
 * gathered into blocks of at most SEG_BLOCK (32 KB) unpacked bytes (a
 * bigger record gets a block of its own) and each block is written
 * LZ4-compressed:
 *   [u32 packed length][u32 unpacked length][u32 checksum][u32 kind] data
 * kind SEG_BLK_LZ4, SEG_BLK_STORED (data as is, when LZ4 does not shrink
 * it) or, in format 5, SEG_BLK_LZ4D: LZ4 with a dictionary, the last
 * SEG_DICT_MAX unpacked bytes of an earlier block of kind LZ4 or STORED
 * (never another LZ4D: a block needs at most one other to unpack), which
 * lies kind >> 8 bytes before it in the log (under SEG_DICT_REACH). A 32 KB
 * block alone starts with an empty window, so its first records, and each
 * of a shape it has not seen, pack poorly; a near block of the same
 * records as its dictionary packs the telemetry mix (frames included)
 * 6.8:1 instead of 5.6:1 grouped by source, 5.3:1 instead of 3.5:1
 * interleaved by time as a live exercise writes it. The writer makes a
 * block at least half full (a flush's small one is a poor dictionary) the
 * next dictionary every SEG_DICT_EVERY bytes of log, so the dictionary
 * follows the mix as an exercise moves on, and stores it as is: a reader
 * pays its checksum, once a process, and no unpacking (a hunt's scattered
 * records meet many). Blocks lie back to back from the start of the log. The unpacked
 * stream is counted in units of SEG_UNIT (16 KB); every block starts a new
 * unit and spans as many as it needs, lidx naming its first and
 * SEG_NO_BLOCK the others. A row's roff is its block's first unit <<
 * SEG_UNIT_BITS plus its place in the block, so its block is the unit roff
 * >> SEG_UNIT_BITS names or, when that one is SEG_NO_BLOCK, the nearest
 * before it (seg_row_place: at most SEG_BLK_SPAN back), and its frame is at
 * roff minus the block's start: no search. So lidx, roff and ts follow
 * from walking the log (seg_check.c rebuilds them that way). A flush seals
 * the block being filled (the rest of its last unit stays unused), so
 * everything a reader is told about is on disk. Telemetry packs 6.6:1 in
 * blocks of 32 KB against 5.4:1 in 16 KB (LZ4 acceleration 2 and 4) and
 * 7.3:1 in 64 KB; a hunt's scattered rows unpack half a block each on
 * average, so 64 KB made a hunt returning 100,000 rows twice as slow as
 * 32 KB.
 *
 * The writer works on a thread of its own (seg_t.wr) and owns the files
 * while it runs: the appending thread fills a batch of blocks, with each
 * row's time and place beside them, and hands it over (at most SEG_NBLK -
 * 1 wait). The writer packs the blocks and writes log, lidx, roff, ts and
 * the batch's sums entry, then hands the batch's rows to the on_batch
 * callback (the store's field index): that work overlaps parsing the next
 * records on a second core, and every batch written is visible to other
 * processes at once (a batch is at most SEG_BATCH blocks: a few hundred
 * records). seg_flush (which every search does first) hands over the
 * batch being filled and waits for the writer to finish what it was
 * handed; what the callback builds is the appending thread's to read only
 * after that.
 *
 * Files are opened under the team's directory (openat on a descriptor
 * opened O_NOFOLLOW), never through a symbolic link, and created O_EXCL:
 * a link planted in a team's folder is refused, its target untouched.
 *
 * States of a team's segment in one process:
 *   CLOSED -> READING [seg_open] -> WRITING [seg_writer_begin: flock,
 *   repair what was rebuilt, cut the tail, upgrade an older team] ->
 *   CLOSED [seg_close]; WRITING -> BROKEN [a failed write: no more
 *   appends; reopening recovers what was committed]. */
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
#define SEG_BLK_LZ4D 2      /* kind's low byte; its upper 24 bits: the dictionary's distance */
#define SEG_DICT_MAX 65536u /* LZ4's window: the dictionary's most bytes */
#define SEG_DICT_REACH (1u << 24) /* a dictionary lies less than this before its block */
#define SEG_DICT_EVERY (1u << 20) /* log bytes between dictionary blocks */
#define SEG_NDSUM 512             /* dictionary blocks a view remembers as checked */
#define SEG_NO_BLOCK UINT64_MAX
#define SEG_NBLK 4                      /* batch buffers: one filled, the rest with the writer */
#define SEG_WRITEBACK ((size_t)1 << 20) /* the log's writeback started this much at a time */
#define SEG_FORMAT                                                                                 \
    5                     /* header byte 7; 4 had no LZ4D blocks, 3 no sums nor store id, 2 fixed  \
                             columns, 1 no packing */
#define SEG_STORE_BITS 48 /* a store id is a random number of 48 bits, not 0 */
#define SEG_SUMENT 64     /* bytes of a sums entry */

enum { SF_LOG, SF_TS, SF_ROFF, SF_LIDX, SF_SUMS, SF_N };

/* File f's name in the team directory ("log", "ts", "roff", "lidx", "sums"). */
void seg_file_name(int f, char *out, size_t cap);
/* File f's kind (header byte 6; the numbers format 2 gave the first four). */
int seg_file_kind(int f);
/* The 16-byte header of file f of a team in SEG_FORMAT. */
void seg_header(int f, uint64_t team_id, uint64_t store_id, uint8_t out[SEG_HDR]);

/* A sums entry: one batch as the writer wrote it. Offsets in log are after
 * its header. sum is seg_sum of the 60 bytes before it; the others are
 * idx_sum (evidx.h) of the batch's entries in each column. */
typedef struct seg_sument {
    uint64_t first_row, first_unit;
    uint64_t log_off, log_end; /* its blocks: [log_off, log_end) */
    uint32_t rows, units;
    uint32_t sum_ts, sum_roff, sum_lidx;
    uint32_t zero[2];
    uint32_t sum;
} seg_sument_t;

/* The commit point the store recorded for the team (evstore.c). */
typedef struct seg_commit {
    int known;          /* 0: none (a team written before commit points) */
    uint64_t rows;      /* rows a durable flush made durable */
    uint64_t len[SF_N]; /* each file's length then, header included */
} seg_commit_t;

/* The record's own time, in ms (1), or none (0): what the store gave the
 * row when it was appended, so that a rebuilt ts is the one written. */
typedef int (*seg_time_fn)(void *ud, const char *json, size_t len, int64_t *ms);

/* An unpacked block a view keeps. Records come back in time order, and a
 * team's sources (each in time order, written in batches) interleave in
 * the log: a few blocks kept means each is unpacked about once. */
#define SEG_NCACHE 8
typedef struct seg_cblk {
    uint8_t *buf;
    size_t cap, len, full; /* unpacked so far, and in all */
    uint64_t unit;         /* SEG_NO_BLOCK: none */
    const uint8_t *at;     /* buf + SEG_DICT_MAX, or a stored block's data in the map */
    uint64_t before;       /* the dictionary held before at (seg_unpack) */
    uint64_t used;         /* the view's tick when last asked for */
} seg_cblk_t;

/* What is readable of a team's files. d/dl: each file's data after its
 * header (never NULL; files are mapped, or in the fuzzer plain buffers).
 * col/ncol: the derived columns ts, roff and lidx (u64 entries) as read:
 * the mapped files, or copies of the view's own where something had to be
 * rebuilt from the log (invariant 3). Zero a view, set team_id, store_id,
 * commit and time_of, then seg_view_set and seg_view_check it; both keep
 * what the view checked before while the files only grow. */
typedef struct seg_view {
    const uint8_t *d[SF_N];
    size_t dl[SF_N];
    /* the owner's */
    uint64_t team_id, store_id;
    seg_commit_t commit;
    seg_time_fn time_of; /* NULL: rebuilt rows take the time before them */
    void *time_ud;
    /* what seg_view_set read */
    int format;    /* the log's: 2 to 5 (SEG_FORMAT when there is none) */
    int hdr_bad;   /* derived files (bit f) whose header was damaged or foreign: ignored */
    size_t n_rows; /* complete rows (invariant 1), lost ones included */
    const uint64_t *col[SF_N];
    size_t ncol[SF_N];
    /* seg_view_check's, kept across seg_view_set while the files grow */
    uint64_t *own[SF_N]; /* the columns rebuilt (col points here when owned) */
    size_t own_cap[SF_N];
    int owned;
    size_t ok_ent; /* sums entries checked */
    uint8_t *vchk; /* committed entries whose roff and lidx were checked
                    * too (seg_view_verify) */
    size_t vchk_cap;
    uint64_t ok_rows, ok_units, ok_log; /* what they cover */
    int sums_bad;                       /* sums does not describe the columns */
    int repaired;                       /* files (bit f) rebuilt from the log */
    uint64_t lost_lo, lost_hi;          /* committed rows the log does not hold */
    size_t seen[SF_N];                  /* dl at the last check */
    char note[256];                     /* what was rebuilt or lost, for a warning */
    /* the blocks seg_record unpacked last; kept across calls, reset when
     * the files change (seg_view_set). */
    seg_cblk_t cache[SEG_NCACHE];
    uint64_t tick; /* for the least recently used */
    /* committed blocks (bit: the block's first unit) whose checksum was
     * checked once already: a hunt's scattered records unpack a block
     * each, and checking it again on every hunt was a fifth of the work
     * (committed bytes never change; a record's own checksum is checked
     * on every read) */
    uint64_t *bsum;
    size_t bsum_words;
    /* committed dictionary blocks whose checksum was checked (their data
     * offset + 1, by offset / 4 KB: a miss only checks one again) */
    uint64_t dsum[SEG_NDSUM];
} seg_view_t;

/* Point v at whole files (header included) and check the headers against
 * v->team_id and v->store_id: SW_EINVAL naming the file for a log that is
 * not this team's (another team, another store, no seawall header, format
 * 1, or an older format when the team has a commit point). A derived file
 * with a bad header is ignored (hdr_bad) for seg_view_check to rebuild,
 * except in an older format, where it is refused too. A file shorter than
 * a header is empty. */
int seg_view_set(seg_view_t *v, const uint8_t *const file[SF_N], const size_t len[SF_N],
                 sw_errbuf_t *err);
/* Count the complete rows of v (invariant 1), checking the derived columns
 * it has not checked yet against sums and rebuilding, in v's own copies,
 * what is damaged (seg_check.c): all three past the commit point, ts
 * before it (roff and lidx there: seg_view_verify). Cost: O(1) for nothing
 * new; O(8 bytes) a new committed row, O(24) one past the commit point; a
 * rebuild unpacks and parses the log it covers. */
void seg_view_check(seg_view_t *v);
/* Check the roff and lidx entries of the committed batch holding row r
 * against sums, rebuilding them from the log when damaged (once a batch;
 * seg_record does it before it reads a row). seg_view_check checks only
 * ts of committed batches: every search reads all of ts, but only the
 * roff and lidx of the records it returns, and checking them all cost a
 * process's first search 16 bytes a row. */
void seg_view_verify(seg_view_t *v, size_t r);
/* seg_view_verify for every committed batch (a writer, before it writes
 * back what was rebuilt). */
void seg_view_verify_all(seg_view_t *v);
/* Free what the view holds (unpacked blocks, own columns). */
void seg_view_free(seg_view_t *v);

static inline const int64_t *seg_ts(const seg_view_t *v)
{
    return (const int64_t *)(const void *)v->col[SF_TS];
}

/* Is row r one the log has lost (invariant 4)? */
static inline int seg_row_lost(const seg_view_t *v, size_t r)
{
    return r >= v->lost_lo && r < v->lost_hi;
}

/* Where row r's frame is: its block's first unit and its place inside
 * the block. SW_EIO if roff or lidx is damaged. */
int seg_row_place(const seg_view_t *v, size_t r, uint64_t *unit, size_t *in);
/* The record of row r (r < n_rows): SW_EIO if its block or frame is
 * damaged. *json stays valid until the next seg_record, seg_row_stamp or
 * seg_view_set on v (it may point into v's unpacked block). Reading rows in
 * order unpacks each block once. */
int seg_record(seg_view_t *v, size_t r, const char **json, size_t *len);
/* The checksum of a log frame, a block, a sums entry. */
uint32_t seg_sum(const void *p, size_t len);
/* The block at data offset off of the log: its header, checked against the
 * log's bounds (not its data's checksum). SW_EIO if it does not fit. */
int seg_block_head(const seg_view_t *v, uint64_t off, uint32_t h[4]);
/* The checksum a block header carries: of its data, unpacked length and kind. */
uint32_t seg_block_sum(const void *data, uint32_t clen, uint32_t rawlen, uint32_t kind);
/* Unpack the LZ4 or LZ4D block at data offset off (header h, checked, and
 * its checksum) into dst (h[1] bytes of room, and SEG_DICT_MAX before it
 * that an LZ4D block's dictionary is copied to) at least up to `want` bytes
 * (all of it when want >= h[1]): *got, the bytes unpacked. An LZ4D block's
 * dictionary block is checked and kept in v->dict. *before: the offset of
 * the dictionary the bytes before dst hold (SEG_NO_BLOCK: none), updated.
 * SW_EIO if either block is damaged, of another kind, or out of place. */
int seg_unpack(seg_view_t *v, uint64_t off, const uint32_t h[4], uint8_t *dst, size_t want,
               size_t *got, uint64_t *before);
/* The stamp of row r (r < n_rows): its log frame's length and checksum
 * (what an index piece records of its last row, so that a piece of rows
 * that were cut and written again does not match); 0 when the frame is
 * damaged. */
uint64_t seg_row_stamp(seg_view_t *v, size_t r);
static inline uint64_t seg_stamp(uint32_t len, uint32_t sum)
{
    return (uint64_t)len << 32 | sum | (uint64_t)1 << 63;
}

/* seg_check.c: sums for rows [0, n_rows) of v made from its columns (a team
 * upgraded from format 3, or whose sums was rebuilt): entries of at most
 * SEG_BATCH blocks, malloc'd into *out. SW_EIO when the columns or the
 * log's block headers do not hold together. */
int seg_sums_build(const seg_view_t *v, uint8_t **out, size_t *out_len);
/* An entry's bytes, its own checksum set. */
void seg_sument_seal(seg_sument_t *e);

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
    /* the dictionary blocks are packed with: a copy of its last bytes
     * loaded into lz_dict, copied into lz_work for each block (LZ4's way
     * to reuse a loaded dictionary); dict_off SEG_NO_BLOCK: none yet */
    uint8_t *dict;
    size_t dict_len;
    uint64_t dict_off;
    void *lz_dict, *lz_work; /* LZ4_stream_t */
    int failed;              /* errno of a failed write, stops the writer */
    int failed_file;
    int dirty;             /* wrote since the last fdatasync */
    size_t wb_from;        /* the log's writeback not yet started from here */
    seg_batch_cb on_batch; /* may be NULL */
    void *on_batch_ud;
} seg_writer_t;

typedef struct seg {
    char dir[4096];
    int dirfd; /* the team's directory, opened O_NOFOLLOW; -1: none yet */
    seg_file_t f[SF_N];
    seg_view_t v;               /* what is on disk and mapped */
    int writing;                /* WRITING: lock held, n_rows exact */
    int broken;                 /* a write failed: no more appends (reopen recovers) */
    size_t n_rows;              /* rows appended, pending included (WRITING) */
    uint64_t log_unit;          /* the unit the next block starts (WRITING) */
    uint64_t last_stamp;        /* seg_row_stamp of the last row appended (WRITING) */
    uint64_t wr_rows, wr_units; /* what the files hold (the writer's, WRITING) */
    char note[320];             /* what the writer repaired when it began, for a warning */
    seg_writer_t wr;
} seg_t;

/* Open the team's directory and map what is there (no directory: an
 * empty team until a writer makes it). The owner sets s->v.team_id,
 * store_id, commit and time_of first. SW_EINVAL: a file that is not the
 * team's, or a directory or file that is a symbolic link. */
int seg_open(seg_t *s, const char *dir, sw_errbuf_t *err);
void seg_close(seg_t *s);
/* Take the team's write lock, refuse when committed rows are lost
 * (invariant 4), upgrade an older team, write back what a reader would
 * rebuild, cut an unfinished tail. Called by the first append. */
int seg_writer_begin(seg_t *s, sw_errbuf_t *err);
/* Append one record of time ts; *row gets its row number. Buffered:
 * readers see it once its batch is written (at most SEG_BATCH blocks
 * later) or after seg_flush. */
int seg_append(seg_t *s, const char *json, size_t len, int64_t ts, size_t *row_out,
               sw_errbuf_t *err);
/* Room for n more extra bytes of the row appended last, in its batch (the
 * writer hands them to its on_batch callback); NULL when out of memory. */
uint8_t *seg_row_extra(seg_t *s, size_t n, sw_errbuf_t *err);
/* Give back the last n bytes seg_row_extra gave (the row used fewer). */
void seg_row_extra_unused(seg_t *s, size_t n);
/* Set what the writer thread does with each batch (before the first append). */
void seg_on_batch(seg_t *s, seg_batch_cb cb, void *ud);
/* Write pending appends out (durable: and fdatasync them), remap, and bring
 * the view up to date (another process may have appended). */
int seg_flush(seg_t *s, int durable, sw_errbuf_t *err);
/* What a durable flush of a writing segment made durable: the commit point
 * the store records (evstore.c). */
void seg_commit_point(const seg_t *s, seg_commit_t *out);

#endif
