/* evstore_int.h — what evstore.c (SQLite) and evhot.c (in-memory columns)
 * share inside the store module. Not for other modules: they use evstore.h. */
#ifndef SW_EVSTORE_INT_H
#define SW_EVSTORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/buf.h"
#include "detect/event.h"
#include "detect/query.h"
#include "store/evstore.h"

/* An indexed column: the first value of exactly one field. */
typedef struct store_col {
    const char *col;   /* SQL column */
    const char *field; /* record field (case-insensitive) */
    int is_int;        /* EventID: an integer column */
} store_col_t;

#define STORE_N_COLS 11
#define STORE_COL_EVENTID 1
#define STORE_COL_CMDLINE 4
extern const store_col_t store_cols[STORE_N_COLS];

struct sw_store {
    sqlite3 *db;
    int in_txn;
    size_t n_pending;
};

typedef struct store_hot store_hot_t;

struct sw_store_team {
    sw_store_t *s;
    int64_t id; /* teams.id: bound into every statement */
    char name[SW_STORE_MAX_TEAM_NAME + 1];
    sqlite3_stmt *ins_event, *ins_record, *ins_truth;
    sw_event_t ev;    /* reused for every parse */
    int64_t last_ts;  /* time given to records without one */
    store_hot_t *hot; /* in-memory columns, built on first need */
};

typedef struct store_bind {
    int is_int, is_real;
    int64_t i;
    double d;
    const char *s;
} store_bind_t;

#define STORE_MAX_BINDS 64

/* How a query runs: SQL conditions from its top-level AND, and what is left. */
typedef struct store_plan {
    sw_buf_t where; /* " AND col = ?" ... */
    store_bind_t binds[STORE_MAX_BINDS];
    size_t n_binds;
    int covered;           /* every conjunct is in `where`, exactly */
    int multi;             /* team has irregular rows (1), none (0), not asked (-1) */
    const sw_qnode_t *cmd; /* a CommandLine term or wildcard not in `where` */
    size_t n_left;         /* conjuncts not in `where` */
} store_plan_t;

int store_plan(sw_store_team_t *t, const sw_query_t *q, store_plan_t *pl);
void store_plan_free(store_plan_t *pl);
int store_col_of(const char *field);
/* 1 when the team holds irregular rows (see evstore.c note 3). */
int store_team_multi(sw_store_team_t *t);
void store_bind_all(sqlite3_stmt *st, int first, const store_bind_t *b, size_t n);
/* A record into ev: the flat fast path, else the full parser. */
int store_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err);
/* Parse json, check q, feed run: 0, 1 (run wants no more) or SW_E*. */
int store_check_feed(sw_store_team_t *t, const sw_query_t *q, sw_qrun_t *run, int64_t id,
                     int64_t ts, const char *json, size_t len, sw_errbuf_t *err);

/* evhot.c. SW_ENOENT: the query is not one the columns help with. */
int store_hot_search(sw_store_team_t *t, const sw_query_t *q, const store_plan_t *pl,
                     sw_qrun_t *run, sw_errbuf_t *err);
void store_hot_free(store_hot_t *h);

/* EventID text that is a canonical integer (what the column can hold
 * without changing what equality means); 1 and *out set, or 0. */
int store_canonical_int(const char *v, size_t len, int64_t *out);

#endif
