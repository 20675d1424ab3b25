/* query.h — the hunt language: what SOC analysts type into Kibana (Lucene /
 * KQL style), parsed once and evaluated over sw_event_t records. Pure: no I/O,
 * no clock (relative times take "now" from the caller), no globals.
 *
 *   CommandLine:*ntdsutil* AND NOT User:SYSTEM | count by Computer
 *
 * Terms: field:value, field:"quoted phrase", wildcards * and ?, free text,
 * _exists_:field and field:*, ranges [a TO b] / {a TO b} / field:>=n, times
 * (ISO 8601, "now-15m"), AND / OR / NOT / -term, parentheses, implicit AND.
 * Pipeline after '|': sort, limit/head, count, count by, top N, histogram.
 * docs/search.md is the user's reference; the matching rules are:
 *  - field names compare case-insensitively (as sw_event_get does);
 *  - values compare case-insensitively (ASCII), everywhere: Windows paths,
 *    users and hosts are case-insensitive and analysts expect it;
 *  - field:value matches the whole value; wildcards give substrings;
 *  - free text matches a substring of any field's value;
 *  - a multi-valued field matches when any of its values does.
 *
 * Results of a pipeline are computed by sw_qrun_t: feed it the matching
 * events in time order, then read its rows. */
#ifndef SW_QUERY_H
#define SW_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "detect/event.h"

/* Limits on outside input. */
#define SW_QUERY_MAX_LEN 8192   /* bytes of query text */
#define SW_QUERY_MAX_DEPTH 64   /* nested parentheses / NOTs */
#define SW_QUERY_MAX_NODES 1024 /* terms and operators */
#define SW_QUERY_MAX_STAGES 16  /* pipeline stages */

typedef enum {
    SW_QN_ALL = 0, /* "*" alone, or an empty query */
    SW_QN_AND,
    SW_QN_OR,
    SW_QN_NOT,
    SW_QN_TERM,   /* field:value, field:"phrase", free text */
    SW_QN_WILD,   /* a value with * or ? */
    SW_QN_EXISTS, /* _exists_:field, field:* */
    SW_QN_RANGE,
} sw_qnode_kind_t;

enum { SW_QR_NUMBER = 0, SW_QR_TIME = 1, SW_QR_STRING = 2 };

typedef struct sw_qnode sw_qnode_t;
struct sw_qnode {
    sw_qnode_kind_t kind;
    sw_qnode_t **kids; /* AND, OR: n_kids >= 2; NOT: 1 */
    size_t n_kids;
    const char *field;   /* NULL: free text over every field */
    uint64_t field_hash; /* sw_field_hash(field) */
    int field_is_time;   /* "@timestamp": the record's time (sw_query_event_time) */
    const char *value;   /* TERM, WILD: the value, unescaped, lower-cased */
    size_t value_len;
    /* RANGE */
    int range_type; /* SW_QR_* */
    int has_lo, has_hi, lo_incl, hi_incl;
    double lo_num, hi_num;       /* NUMBER */
    int64_t lo_ms, hi_ms;        /* TIME */
    const char *lo_str, *hi_str; /* STRING, lower-cased */
    int column;                  /* 1-based column of the term in the query, for messages */
};

typedef enum {
    SW_QS_SORT = 0,
    SW_QS_LIMIT,     /* limit N, head N */
    SW_QS_COUNT,     /* count */
    SW_QS_COUNT_BY,  /* count by field */
    SW_QS_TOP,       /* top N field */
    SW_QS_HISTOGRAM, /* histogram 5m */
} sw_qstage_kind_t;

typedef struct sw_qstage {
    sw_qstage_kind_t kind;
    const char *field; /* SORT, COUNT_BY, TOP */
    uint64_t field_hash;
    int field_is_time;
    int desc;          /* SORT */
    uint64_t n;        /* LIMIT, TOP */
    int64_t bucket_ms; /* HISTOGRAM */
} sw_qstage_t;

typedef struct sw_query {
    sw_qnode_t *root;
    sw_qstage_t stages[SW_QUERY_MAX_STAGES];
    size_t n_stages;
    sw_arena_t arena; /* nodes and strings */
} sw_query_t;

typedef struct sw_query_opts {
    int64_t now_ms; /* what "now" means in relative times (caller's clock) */
} sw_query_opts_t;

/* Parse text[0..len) into q (which the caller then frees with
 * sw_query_free, on success or failure). On error err says
 * "column N: expected X ..." and the result is SW_EINVAL or SW_ETOOBIG.
 * Cost: O(len). */
int sw_query_parse(sw_query_t *q, const char *text, size_t len, const sw_query_opts_t *opts,
                   sw_errbuf_t *err);
void sw_query_free(sw_query_t *q);

/* 1 when ev matches the query's filter (its stages are not applied), else 0.
 * Cost: O(terms x fields) per event; no allocation. */
int sw_query_match(const sw_query_t *q, const sw_event_t *ev);
int sw_qnode_match(const sw_qnode_t *n, const sw_event_t *ev);
/* Does the value v[0..vl) satisfy the term n (TERM, WILD or RANGE; with
 * free_text a TERM matches a substring)? What sw_qnode_match asks of each
 * value of n's field: an index that matches each distinct value once with
 * it answers exactly as the evaluator would. */
int sw_qnode_value_matches(const sw_qnode_t *n, const char *v, size_t vl, int free_text);

/* The record's time in ms since the Unix epoch, from the first of
 * @timestamp, TimeCreated, UtcTime, timestamp, EventTime, time that parses
 * as ISO 8601, else Zeek's ts (a number of seconds since the epoch, with a
 * fraction); 0 and SW_ENOENT when none does. */
int sw_query_event_time(const sw_event_t *ev, int64_t *ms);
/* ISO 8601 (2026-02-10, 2026-02-10T09:00[:05[.123]][Z|+hh:mm], a space in
 * place of the T) to ms since the epoch (UTC unless an offset is given). */
int sw_query_parse_time(const char *s, size_t len, int64_t *ms);

/* Case-insensitive glob: * any run, ? one byte; pat is lower-cased. */
int sw_query_glob(const char *pat, size_t pat_len, const char *s, size_t len);

/* ---- pipeline results ---------------------------------------------------- */

/* One output row. For record rows json/len is the record; for aggregate rows
 * key is the group (a value, a bucket start as ISO time, or "" for count). */
typedef struct sw_qrow {
    int is_record;
    int64_t ts_ms;
    int64_t id; /* the store's record id (caller's, passed through) */
    const char *json;
    size_t json_len;
    const char *key;
    uint64_t count;
} sw_qrow_t;

typedef int (*sw_qrow_cb)(const sw_qrow_t *row, void *ud);

#define SW_QRUN_MAX_RETAINED ((size_t)2000000) /* records a sort may hold */
#define SW_QRUN_MAX_GROUPS ((size_t)1000000)   /* distinct keys of count by */

typedef struct sw_qrun sw_qrun_t;

/* A run of q's pipeline; rows go to cb (streamed for plain filters, at
 * sw_qrun_finish for sort and aggregates). */
int sw_qrun_new(sw_qrun_t **out, const sw_query_t *q, sw_qrow_cb cb, void *ud);
void sw_qrun_free(sw_qrun_t *r);
/* The most bytes of records and keys the run may hold (a sort, the groups
 * of a count by): past it sw_qrun_feed fails with SW_ETOOBIG saying so.
 * 0: no limit but the counts above (the default). A sort followed by a
 * limit of k holds only its best k records (and at most k more between
 * trims) whatever it is fed. */
void sw_qrun_budget(sw_qrun_t *r, size_t bytes);
/* Feed one matching event. Returns 0, 1 when no more input is needed (a
 * limit was reached), or a negative SW_E* (a limit on retained data; err
 * says which). The json is copied when it must be kept. */
int sw_qrun_feed(sw_qrun_t *r, int64_t id, int64_t ts_ms, const sw_event_t *ev, const char *json,
                 size_t json_len, sw_errbuf_t *err);
/* Pre-aggregated input, for callers that counted without events (the
 * store's in-memory columns). Only for a pipeline that is exactly one
 * aggregate stage (SW_ESTATE otherwise): count adds n; count by / top add n
 * to key's group; histogram adds n at ts_ms. */
int sw_qrun_add(sw_qrun_t *r, const char *key, size_t key_len, int64_t ts_ms, uint64_t n,
                sw_errbuf_t *err);
/* Emit what is left (sorted records, aggregate rows). */
int sw_qrun_finish(sw_qrun_t *r, sw_errbuf_t *err);
/* 1 when the pipeline outputs aggregate rows rather than records. */
int sw_query_is_aggregate(const sw_query_t *q);

/* Format ms since the epoch as 2026-02-10T09:00:00.000Z into out. */
void sw_query_format_time(int64_t ms, char out[64]);

#endif
