/* evquery_int.h — what the field index's three files share inside the
 * store module: evquery.c keeps a team's pieces current as records arrive,
 * evmatch.c evaluates a query on one piece, evsearch.c runs a search over
 * all of them. Not for other modules: they use evstore.h.
 *
 * The index of a team (store_idx_t): its pieces (mapped files, each
 * covering IDX_PIECE rows, evidx.h) cover rows [0, covered) contiguously;
 * the rows after them are in `tail`, a piece being built in memory, sealed
 * as `tail_p` for searches. A search evaluates q piece by piece into a
 * bitmap of the piece's rows (qctx_t), and hands the bitmaps, in order, to
 * what it answers (an aggregate, or the rows to read). */
#ifndef SW_EVQUERY_INT_H
#define SW_EVQUERY_INT_H

#include <stdint.h>
#include <time.h>

#include "detect/query.h"
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
    sw_field_t *wf; /* the writer thread's fields of one row (idx_batch) */
    uint32_t *wfid; /* and their ids in the tail */
    size_t wf_cap;
    /* Field names by number (note 3 in evquery.c): the appending thread's
     * table of each exact spelling's number (an, by hash in an_slot), and
     * the writer thread's copy of each (wn) with its field in the tail
     * as of the tail's generation wn_gen */
    struct aname *an;
    size_t n_an, cap_an;
    uint32_t *an_slot; /* number + 1, by hash; 0: empty */
    size_t cap_an_slot;
    char *an_text;
    size_t an_text_len, an_text_cap;
    struct wname *wn;
    size_t n_wn, cap_wn;
    char *wn_text;
    size_t wn_text_len, wn_text_cap;
    uint64_t wn_gen;
    uint64_t *pool;  /* MAX_DEPTH bitmaps */
    uint64_t *pool2; /* and the second lane's (pieces_each), made when first used */
    /* where digit values are decoded: [0] this thread's (pool's, and the
     * aggregates'), [1] the second lane's (pool2's) */
    idx_scratch_t scr[2];
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
static inline int idx_late(store_idx_t *x)
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

/* The pieces of a search: the team's, then the tail. */
static inline ipiece_t *idx_piece_at(store_idx_t *x, size_t i)
{
    return i < x->n_pieces ? &x->pieces[i] : &x->tail_p;
}

/* An OR of free-text terms, scanned for all its literals at once. */
#define OR_AC_MIN 4   /* terms: fewer are scanned one by one */
#define OR_AC_MAX 256 /* terms an automaton takes */
typedef struct or_scan {
    const sw_qnode_t *node; /* the OR */
    sigma_ac_t *ac;         /* tag i: the node's i-th free-text kid in kid[] */
    const sw_qnode_t *kid[OR_AC_MAX];
    size_t n_kid;
    char *lits; /* kid i's literal (lower case): lit_len[i] bytes at lit_off[i] */
    uint32_t lit_off[OR_AC_MAX];
    uint16_t lit_len[OR_AC_MAX];
    size_t max_lit; /* the longest */
    int letters;    /* every literal has a letter: the digit values need no scan */
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
    idx_scratch_t *scr; /* the lane's: digit values decoded */
    qplan_t *plan;
    int damaged; /* a field's checksums failed */
} qctx_t;

static inline void idx_dmg_add(uint64_t *n, uint64_t *lo, uint64_t *hi, uint64_t r)
{
    if (!*n || r < *lo)
        *lo = r;
    if (!*n || r > *hi)
        *hi = r;
    (*n)++;
}

/* ---- evquery.c: keeping the index current ------------------------------------- */

/* The team's index, made on first use (SW_ENOMEM). */
int store_idx_get(sw_store_team_t *t, sw_errbuf_t *err);
/* Index rows [covered, n_rows): the pieces on disk, then the log (writer:
 * this process appends, and writes the pieces it fills). */
int store_idx_catch_up(sw_store_team_t *t, size_t n_rows, int writer, sw_errbuf_t *err);
/* The tail sealed as a piece for a search (again only when it grew). */
int store_idx_tail(sw_store_team_t *t, sw_errbuf_t *err);
/* Build piece ip again from the log (its checksums failed) and write it
 * back. */
int store_idx_rebuild(sw_store_team_t *t, ipiece_t *ip, sw_errbuf_t *err);

/* ---- evmatch.c: a query on one piece ------------------------------------------ */

/* Build every OR's automaton before the pieces are evaluated (depth 0 at
 * the root): a search's two threads then only read the plan. */
void store_idx_plan(qplan_t *pl, const sw_qnode_t *n, int depth);
void store_idx_plan_free(qplan_t *pl);
/* Can the bitmaps answer n exactly (depth 0 at the root)? Only a text term
 * on @timestamp (its text, not its time) cannot. */
int store_idx_exact(const sw_qnode_t *n, int depth);
/* Evaluate q on piece i into b with the bitmaps of pool, as it is: 0
 * exact, 1 superset, negative when damaged or late. Either of a search's
 * threads may call it; it changes nothing but the piece's checked flags. */
int store_idx_eval_once(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b, qctx_t *c,
                        uint64_t *pool);
/* The same, rebuilding the piece when damaged (this thread only): 0 exact,
 * 1 superset, or SW_E*. */
int store_idx_eval(sw_store_team_t *t, size_t i, const sw_query_t *q, uint64_t *b, qctx_t *c,
                   sw_errbuf_t *err);
/* A piece's histogram: its rows' counts by bucket, in the order met. */
typedef struct idx_hist {
    int64_t *bk; /* the buckets' starts */
    uint64_t *n;
    size_t len, cap;
} idx_hist_t;
/* The rows of b by buckets of bucket_ms into h (emptied first): SW_OK or
 * SW_ENOMEM. Either of a search's threads may call it. */
int store_idx_histogram(const qctx_t *c, const uint64_t *b, int64_t bucket_ms, idx_hist_t *h);
void store_idx_hist_free(idx_hist_t *h);
/* The aggregate stage s over the piece's exact bitmap b into run (pre: a
 * histogram stage's buckets, made already, or NULL): SW_OK, 2 when the
 * postings it read are damaged, or SW_E*. */
int store_idx_aggregate(qctx_t *c, const sw_qstage_t *s, const uint64_t *b, const idx_hist_t *pre,
                        sw_qrun_t *run, sw_errbuf_t *err);

#endif
