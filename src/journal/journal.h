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
 *  4. Tamper evidence: the entries form a hash chain. Each carries `prev`,
 *     the hash of the entry before it (32 zero bytes for the first), and
 *     `hash`, the hash of prev and its own fields (sw_journal_entry_hash).
 *     seq runs 1, 2, 3, ... without gaps, and an entry is not dated more
 *     than SW_JOURNAL_BACKDATE_SLACK_MS before the one it follows (wall_ms
 *     is stored as the caller gave it, since a replay reads clock acts'
 *     wall times; two processes whose clock reads and appends cross, or a
 *     clock stepped back a little, stay within the slack). So an edit, a
 *     deletion, an insertion, a hidden entry (seq 0 or less, which listings
 *     skip) or one appended later but dated back breaks the chain, and
 *     sw_journal_verify names the first entry where it breaks. What the
 *     chain cannot show by itself: someone who can write the file and
 *     rewrites every hash after an edit, or cuts the tail off, leaves a
 *     chain that holds. The head (the last entry's hash) noted outside the
 *     file (printed by `seawall journal --verify` and meant for the
 *     after-action report) catches both: an earlier head must still be the
 *     hash of one of the entries (sw_journal_verify's noted head).
 *
 * Hash: BLAKE2b-256 (libsodium crypto_generichash, no key) over, in order:
 * the 18 bytes "seawall journal v1"; prev (32 bytes); seq (8 bytes,
 * big-endian two's complement); a byte 1 and at_ms (8 bytes, big-endian),
 * or a byte 0 and 8 zero bytes when the entry has no exercise time;
 * wall_ms (8 bytes, big-endian); then actor, team, kind and payload, each
 * as its length (4 bytes, big-endian) and its bytes. Anyone can recompute
 * it (tests/integration/journal_verify.sh does, in Python).
 *
 * A database whose journal predates the chain is refused by
 * sw_journal_open with a message naming `seawall journal --db F
 * --upgrade` (sw_journal_upgrade), which chains the entries as they are
 * then and journals that it did (kind journal.chain): it cannot vouch for
 * what happened to them before. An empty journal of the old shape is
 * upgraded silently: there is nothing to vouch for.
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
 *   journal.chain  {"chained":N,"head":"HEX"} — sw_journal_upgrade sealed
 *                  the N entries before it, whose chain ends in HEX.
 */
#ifndef SW_JOURNAL_H
#define SW_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct sqlite3;

#define SW_JOURNAL_NO_TIME INT64_MIN                 /* at_ms when no exercise clock runs */
#define SW_JOURNAL_MAX_NAME 64                       /* bytes of actor, team, kind */
#define SW_JOURNAL_MAX_PAYLOAD (4u << 20)            /* bytes of one payload */
#define SW_JOURNAL_HASH_LEN 32                       /* BLAKE2b-256 */
#define SW_JOURNAL_BACKDATE_SLACK_MS (5 * 60 * 1000) /* invariant 4 */

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

/* Open (creating the table if needed) the journal in the database file path.
 * SW_ESTATE, with a message saying how to upgrade, when the journal holds
 * entries written before the hash chain (invariant 4). */
int sw_journal_open(const char *path, sw_journal_t **out, sw_errbuf_t *err);
void sw_journal_close(sw_journal_t *j);

/* Work done inside the append's transaction, after the entry is inserted
 * (seq is its number). Non-zero rolls everything back and is returned. */
typedef int (*sw_journal_tx_cb)(struct sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err);

/* Append e (its seq is ignored) and run tx (may be NULL) in one transaction.
 * *seq (may be NULL) gets the new entry's number. SW_EINVAL when a name is
 * empty or too long, or the payload is not a JSON object; nothing is written
 * then. The entry is chained to the last one (invariant 4). Cost: a lookup
 * of the last entry, one hash, one insert and a synchronous commit (an
 * fsync). */
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

/* The hash of e (its seq, at_ms, wall_ms, actor, team, kind, payload)
 * chained after prev, as the header above defines it. */
void sw_journal_entry_hash(const uint8_t prev[SW_JOURNAL_HASH_LEN], const sw_journal_entry_t *e,
                           uint8_t out[SW_JOURNAL_HASH_LEN]);

/* What sw_journal_verify found. */
typedef struct sw_journal_check {
    int intact;                        /* 1: every entry holds its place in the chain */
    int64_t n_entries;                 /* entries read, hidden ones included */
    int64_t head_seq;                  /* the last entry of the intact part (0: none) */
    uint8_t head[SW_JOURNAL_HASH_LEN]; /* its hash (zeros when none) */
    int64_t bad_seq;                   /* !intact: the first entry that breaks the chain */
    char why[160];                     /* !intact: what is wrong with it, for a person */
    int64_t noted_seq; /* the entry whose hash is the noted head; 0: none (or no head given) */
} sw_journal_check_t;

/* Check the whole chain, in seq order (invariant 4), and, when noted is
 * not NULL, whether it is the hash of an entry of the intact part: a head
 * noted earlier. Returns SW_OK with *out filled, tampered or not; SW_EIO
 * when the table cannot be read. Cost: one scan of the table, one hash
 * per entry. */
int sw_journal_verify(sw_journal_t *j, const uint8_t *noted, sw_journal_check_t *out,
                      sw_errbuf_t *err);

/* Chain the entries of a journal written before the hash chain (see the
 * header), then append a journal.chain entry by actor at wall_ms, all in
 * one transaction. *n_chained gets the number of entries chained: 0 when
 * the journal already had its chain (nothing changes then). Cost: one
 * update and one hash per entry, one synchronous commit. */
int sw_journal_upgrade(const char *path, const char *actor, int64_t wall_ms, int64_t *n_chained,
                       sw_errbuf_t *err);

/* Progress: the exercise time a live exercise's pipeline has reached (its
 * records flushed up to there), kept beside the journal so a resumed
 * exercise continues from the same moment. Not an act: it is overwritten,
 * and may lag the records (a crash between a flush and this write), never
 * lead them. 0 until first set. */
int sw_journal_progress_set(sw_journal_t *j, int64_t at_ms, int64_t wall_ms, sw_errbuf_t *err);
int sw_journal_progress_get(sw_journal_t *j, int64_t *at_ms, sw_errbuf_t *err);

#endif
