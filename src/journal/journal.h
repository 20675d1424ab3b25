/* journal.h — the exercise journal: an append-only, ordered record of every
 * act that changes an exercise (a rule deployed or withdrawn, a record
 * shared, later a player's action, an instructor's inject, a clock change).
 * Scoring, the after-action report and crash recovery read it; the live
 * state is meant to be a pure function of (scenario, seed, journal).
 *
 * Invariants:
 *  1. Entries are never updated or deleted (SQLite triggers refuse both), and
 *     seq only grows: it is the order of the acts.
 *  2. An entry is on disk when sw_journal_append returns SW_OK (its own
 *     connection runs with synchronous=FULL): acknowledge an act only then.
 *  3. An act and the state it derives are committed together: a caller that
 *     keeps derived tables (deploy.c's rules) writes them from the tx
 *     callback of sw_journal_append, inside the same transaction, so a
 *     failure leaves neither.
 *
 * Storage: table `journal` in the exercise database, the same SQLite file as
 * the event store (store/evstore.h), through its own connection (WAL lets the
 * two coexist; only one writes at a time, so a caller holding appends in the
 * store's open transaction flushes them first).
 *
 * Kinds written so far (payload is a JSON object):
 *   rule.deploy    {"rule_id","title","level","author","from_record","yaml"}
 *   rule.withdraw  {"rule_id","deployment","until_record"}  (deployment: seq
 *                  of its deploy; until_record: the team's records then)
 *   record.share   {"from","to","query","ids":[...]} — sw_store_share does
 *                  not journal; cli/cmd_share.c appends this entry (team:
 *                  from) before it makes the copies.
 */
#ifndef SW_JOURNAL_H
#define SW_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct sqlite3;

#define SW_JOURNAL_NO_TIME INT64_MIN      /* at_ms when no exercise clock runs */
#define SW_JOURNAL_MAX_NAME 64            /* bytes of actor, team, kind */
#define SW_JOURNAL_MAX_PAYLOAD (4u << 20) /* bytes of one payload */

typedef struct sw_journal sw_journal_t;

/* One act. In callbacks the strings live until the callback returns. */
typedef struct sw_journal_entry {
    int64_t seq;         /* set by the journal: 1, 2, 3, ... in commit order */
    int64_t at_ms;       /* exercise time (ms since its start), or SW_JOURNAL_NO_TIME */
    int64_t wall_ms;     /* wall-clock time, ms since the Unix epoch */
    const char *actor;   /* who: a player, an instructor, "system" */
    const char *team;    /* the team it concerns, "" for none */
    const char *kind;    /* what: "rule.deploy", ... ([a-z0-9_.-]) */
    const char *payload; /* JSON object text */
} sw_journal_entry_t;

/* Open (creating the table if needed) the journal in the database file path. */
int sw_journal_open(const char *path, sw_journal_t **out, sw_errbuf_t *err);
void sw_journal_close(sw_journal_t *j);

/* Work done inside the append's transaction, after the entry is inserted
 * (seq is its number). Non-zero rolls everything back and is returned. */
typedef int (*sw_journal_tx_cb)(struct sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err);

/* Append e (its seq is ignored) and run tx (may be NULL) in one transaction.
 * *seq (may be NULL) gets the new entry's number. SW_EINVAL when a name is
 * empty or too long, or the payload is not a JSON object; nothing is written
 * then. Cost: one insert and a synchronous commit (an fsync). */
int sw_journal_append(sw_journal_t *j, const sw_journal_entry_t *e, sw_journal_tx_cb tx, void *ud,
                      int64_t *seq, sw_errbuf_t *err);

/* Which entries sw_journal_list returns; NULL or "" fields match anything. */
typedef struct sw_journal_filter {
    const char *team; /* case-insensitive, as team names are */
    const char *kind;
    int64_t after_seq; /* only entries with seq > after_seq */
} sw_journal_filter_t;

typedef int (*sw_journal_entry_cb)(const sw_journal_entry_t *e, void *ud);

/* Call cb on each entry matching f (may be NULL), in seq order. A non-zero
 * return stops the listing and is returned. Cost: a scan of the table, by
 * the (team, seq) index when f->team is given. */
int sw_journal_list(sw_journal_t *j, const sw_journal_filter_t *f, sw_journal_entry_cb cb, void *ud,
                    sw_errbuf_t *err);

/* Number of entries (all teams). */
int sw_journal_count(sw_journal_t *j, int64_t *n, sw_errbuf_t *err);

/* Progress: the exercise time a live exercise's pipeline has reached (its
 * records flushed up to there), kept beside the journal so a resumed
 * exercise continues from the same moment. Not an act: it is overwritten,
 * and may lag the records (a crash between a flush and this write), never
 * lead them. 0 until first set. */
int sw_journal_progress_set(sw_journal_t *j, int64_t at_ms, int64_t wall_ms, sw_errbuf_t *err);
int sw_journal_progress_get(sw_journal_t *j, int64_t *at_ms, sw_errbuf_t *err);

#endif
