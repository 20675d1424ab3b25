/* evstore_int.h — what evstore.c (teams, appends, SQLite), evseg.c (the
 * segment files) and the field index (evquery.c, evmatch.c, evsearch.c)
 * share inside the store module. Not for other modules: they use evstore.h. */
#ifndef SW_EVSTORE_INT_H
#define SW_EVSTORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "detect/event.h"
#include "detect/query.h"
#include "store/evseg.h"
#include "store/evstore.h"

/* Record ids: the team id above bit 40, the row + 1 below, so an id names
 * its team (sw_store_truth and sw_store_share need no lookup) and stays
 * exact in a JSON number for team ids below 2^13. */
#define STORE_ID_SHIFT 40
#define STORE_MAX_TEAM_ID ((1 << 13) - 1)

struct sw_store {
    sqlite3 *db;
    uint64_t store_id;  /* the random id every segment file's header carries (evseg.h) */
    char path[4096];    /* FILE */
    char seg_dir[4096]; /* FILE.seg */
    int in_txn;
    size_t n_pending;
    sw_store_team_t *teams; /* open handles, for sw_store_flush */
};

typedef struct store_idx store_idx_t;

struct sw_store_team {
    sw_store_t *s;
    sw_store_team_t *next;
    int64_t id; /* teams.id: names the segment directory and every file's header */
    char name[SW_STORE_MAX_TEAM_NAME + 1];
    sqlite3_stmt *ins_truth;
    seg_t seg;         /* the team's records */
    sw_event_t ev;     /* reused for every parse */
    sw_event_t cev;    /* the segment check's (a time for a rebuilt ts) */
    char notice[800];  /* sw_store_team_notice's */
    int64_t search_ms; /* sw_store_search_limits' */
    size_t search_mem;
    int64_t last_ts; /* time given to records without one */
    int have_last_ts;
    store_idx_t *idx; /* the field index (evidx.h, evquery_int.h) */
    size_t idx_piece; /* rows an index piece holds; 0: IDX_PIECE (tests shrink it) */
    int lanes;        /* a search's second thread: 0 when a piece is dear, -1 never, k > 0
                       * after the k-th piece (1: always; tests compare them) */
};

static inline int64_t store_id(const sw_store_team_t *t, size_t row)
{
    return (t->id << STORE_ID_SHIFT) | (int64_t)(row + 1);
}

/* evquery.c, evsearch.c: the field index of a team. begin: when the team starts being
 * written (after seg_writer_begin): the pieces on disk, the rows past them
 * indexed again from the log, and the log's writer thread set to index each
 * batch it writes. append: after each seg_append, the record's fields (ev
 * parsed, has_time: its own time) packed beside it for the writer thread.
 * flush: write the piece being filled (a durable flush, after seg_flush).
 * search: run q. */
int store_idx_begin(sw_store_team_t *t, sw_errbuf_t *err);
int store_idx_append(sw_store_team_t *t, const sw_event_t *ev, int has_time, sw_errbuf_t *err);
int store_idx_flush(sw_store_team_t *t, uint64_t stamp);
/* Run q's matches into run; past timeout_ms (0: none) SW_ETOOBIG "query
 * stopped after N s; narrow it". */
int store_idx_search(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, int64_t timeout_ms,
                     sw_errbuf_t *err);
/* Did the last store_idx_search stop at its deadline? */
int store_idx_late(const sw_store_team_t *t);
/* After a search: SW_EIO saying which records it had to leave out (lost
 * from the log, or unreadable), or SW_OK. */
int store_idx_damage(sw_store_team_t *t, sw_errbuf_t *err);
void store_idx_free(store_idx_t *x);

#endif
