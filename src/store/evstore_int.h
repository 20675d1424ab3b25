/* evstore_int.h — what evstore.c (teams, appends, SQLite), evseg.c (the
 * segment files) and evhot.c (searching the columns) share inside the store
 * module. Not for other modules: they use evstore.h. */
#ifndef SW_EVSTORE_INT_H
#define SW_EVSTORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "detect/event.h"
#include "detect/query.h"
#include "store/evseg.h"
#include "store/evstore.h"

/* An indexed column: the first value of exactly one field. */
typedef struct store_col {
    const char *field; /* record field (case-insensitive) */
    int is_int;        /* EventID: an integer column */
} store_col_t;

#define STORE_N_COLS SEG_N_COLS
#define STORE_COL_EVENTID SEG_COL_EVENTID
#define STORE_COL_CMDLINE SEG_COL_CMDLINE
extern const store_col_t store_cols[STORE_N_COLS];

/* Record ids: the team id above bit 40, the row + 1 below, so an id names
 * its team (sw_store_truth and sw_store_share need no lookup) and stays
 * exact in a JSON number for team ids below 2^13. */
#define STORE_ID_SHIFT 40
#define STORE_MAX_TEAM_ID ((1 << 13) - 1)

struct sw_store {
    sqlite3 *db;
    char seg_dir[4096]; /* FILE.seg */
    int in_txn;
    size_t n_pending;
    sw_store_team_t *teams; /* open handles, for sw_store_flush */
};

typedef struct store_hot store_hot_t;
typedef struct store_idx store_idx_t;

struct sw_store_team {
    sw_store_t *s;
    sw_store_team_t *next;
    int64_t id; /* teams.id: names the segment directory and every file's header */
    char name[SW_STORE_MAX_TEAM_NAME + 1];
    sqlite3_stmt *ins_truth;
    seg_t seg;     /* the team's records and columns */
    sw_event_t ev; /* reused for every parse */
    char *scratch; /* the ingest fast path's unescaped values */
    size_t scratch_cap;
    int64_t last_ts; /* time given to records without one */
    int have_last_ts;
    store_hot_t *hot; /* time zones and the CommandLine token index */
    size_t tok_chunk; /* rows a token index file covers; 0: the default (tests shrink it) */
    store_idx_t *idx; /* the field index (evidx.h, evquery.c) */
    size_t idx_piece; /* rows an index piece holds; 0: IDX_PIECE (tests shrink it) */
};

/* A record into ev: the flat fast path, else the full parser. */
int store_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err);
int store_col_of(const char *field);
/* EventID text that is a canonical integer (what the column can hold
 * without changing what equality means); 1 and *out set, or 0. */
int store_canonical_int(const char *v, size_t len, int64_t *out);
static inline int64_t store_id(const sw_store_team_t *t, size_t row)
{
    return (t->id << STORE_ID_SHIFT) | (int64_t)(row + 1);
}

/* evhot.c: run q over the team's columns and records (everything after the
 * flush). */
int store_hot_search(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, sw_errbuf_t *err);
void store_hot_free(store_hot_t *h);

/* evquery.c: the field index of a team. begin: when the team starts being
 * written (after seg_writer_begin): the pieces on disk, the rows past them
 * indexed again from the log. append: each appended record (ev parsed,
 * has_time: its own time; stamp: its log frame's, seg_t.last_stamp).
 * flush: write the piece being filled (a durable flush). search: run q. */
int store_idx_begin(sw_store_team_t *t, sw_errbuf_t *err);
int store_idx_append(sw_store_team_t *t, const sw_event_t *ev, int has_time, uint64_t stamp,
                     sw_errbuf_t *err);
int store_idx_flush(sw_store_team_t *t, uint64_t stamp);
int store_idx_search(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, sw_errbuf_t *err);
void store_idx_free(store_idx_t *x);

#endif
