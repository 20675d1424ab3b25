/* evstore.h — the event store: every team's telemetry of one exercise,
 * append-only, read in time order, searched with the hunt language
 * (detect/query.h).
 *
 * Isolation by construction: everything that reads or writes records takes a
 * team handle (sw_store_team_t) and every statement it runs is bound to that
 * team's id. There is no call that reads records without one. A record
 * reaches another team only through sw_store_share, which copies it and
 * returns what the caller must journal.
 *
 * Ground truth: a record's top-level "_truth" member (the link from a log
 * line to the simulation step that caused it) is cut out at ingest and kept
 * in a separate table that only sw_store_truth (which takes the store, an
 * instructor's handle, not a team) reads. No team-facing call returns it.
 *
 * Files: FILE (SQLite, WAL mode) holds the tables teams, truth and shares.
 * FILE.seg/<team id>/ holds each team's records: an append-only log of the
 * JSON text, each record's time and place, and the field index over every
 * field in pieces (store/evidx.h); searches map them, so a new process
 * reads them in place. A tail left by a process killed mid-append is
 * ignored on open and cut by the next writer. A new FILE removes an old
 * FILE.seg. See store/evseg.h and docs/search.md. */
#ifndef SW_EVSTORE_H
#define SW_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "detect/query.h"

typedef struct sw_store sw_store_t;
typedef struct sw_store_team sw_store_team_t;

#define SW_STORE_MAX_TEAM_NAME 64
#define SW_STORE_MAX_TRUTH 4096 /* bytes of a ground-truth link */

/* Open (creating if needed) the store at path. */
int sw_store_open(const char *path, sw_store_t **out, sw_errbuf_t *err);
/* Commit what is pending and close. Team handles must be closed first. */
void sw_store_close(sw_store_t *s);

/* A handle on one team's records. create: add the team if it is new
 * (otherwise an unknown team is SW_ENOENT). Names: 1-64 bytes of
 * [A-Za-z0-9_.-], compared case-insensitively. */
int sw_store_team_open(sw_store_t *s, const char *name, int create, sw_store_team_t **out,
                       sw_errbuf_t *err);
void sw_store_team_close(sw_store_team_t *t);
const char *sw_store_team_name(const sw_store_team_t *t);
/* What the handle found damaged in the team's segment files and rebuilt
 * from its log (a reader in memory, a writer on disk), as a warning for
 * the user; NULL when nothing was. Lost records are not a notice: every
 * search reports them as an error (sw_store_search). */
const char *sw_store_team_notice(sw_store_team_t *t);

/* The limits of every search through t (issue 15: no query runs
 * unbounded, on a server or at the command line): a search past timeout_ms
 * stops with SW_ETOOBIG "query stopped after N s; narrow it", one that
 * would hold more than mem_bytes of records or groups (a sort, a count
 * by) with SW_ETOOBIG saying so; rows already handed to the callback stay
 * handed. 0 keeps a limit as it is. A new handle has SW_STORE_SEARCH_MS
 * and SW_STORE_SEARCH_MEM. */
#define SW_STORE_SEARCH_MS ((int64_t)60000)
#define SW_STORE_SEARCH_MEM ((size_t)512 << 20)
void sw_store_search_limits(sw_store_team_t *t, int64_t timeout_ms, size_t mem_bytes);
/* Did the last search through t stop at its deadline (its SW_ETOOBIG)? */
int sw_store_search_timed_out(const sw_store_team_t *t);

/* Append one JSON record (any shape detect/event.h reads) to the team.
 * Appends are batched; searches through this handle see them, other
 * processes once their batch is written (a few hundred records later) and
 * after sw_store_flush, which also makes them durable. *id (may be NULL)
 * gets the record id (the team id above bit 40, the row below). A record
 * without a time takes the time of the one before it. One process at a
 * time appends to a team (an flock; another gets SW_ESTATE). Cost: one
 * parse (detect/event_flat.c) and one field-index insert per field, plus
 * its bytes packed and written once (docs/search.md has the figures). */
int sw_store_append(sw_store_team_t *t, const char *json, size_t len, int64_t *id,
                    sw_errbuf_t *err);
/* sw_store_append with the record's ground-truth link given beside it
 * (truth, NUL-ended, may be NULL: none) instead of inside the text: what an
 * in-process producer (the exercise's telemetry) uses, so ground truth is
 * never spliced into, or parsed out of, a record's text. json must then
 * carry no "_truth" member of its own (it would be kept as a field). */
int sw_store_append_truth(sw_store_team_t *t, const char *json, size_t len, const char *truth,
                          int64_t *id, sw_errbuf_t *err);
/* The fields of the record the last successful append to t parsed (ground
 * truth cut out, as the store keeps it), valid until the next call on t:
 * the alerter matches rules on them instead of parsing the text again. */
const sw_event_t *sw_store_appended(const sw_store_team_t *t);
/* Write pending appends of every open team out and fdatasync them, commit
 * ground truth and shares (durable on return). */
int sw_store_flush(sw_store_t *s, sw_errbuf_t *err);

/* Records of the team. */
int sw_store_count(sw_store_team_t *t, int64_t *n, sw_errbuf_t *err);

/* Run q over the team's records in time order; rows (records or aggregate
 * rows, see sw_qrow_t) go to cb. A callback returning non-zero stops the
 * search (negative: an error to return). Sees this handle's appends and,
 * once written, other processes'. A damaged segment is SW_EIO naming the
 * record. Cost: see docs/search.md "How a hunt runs" — the field index
 * answers the query piece by piece without reading records; only the
 * records returned are read. */
int sw_store_search(sw_store_team_t *t, const sw_query_t *q, sw_qrow_cb cb, void *ud,
                    sw_errbuf_t *err);

/* The team's records with ordinals (row + 1, the low bits of their ids)
 * in (after, upto], in arrival order, to cb as records (is_record, id,
 * ts_ms, json). A callback returning non-zero stops (negative: an error to
 * return). For consumers that keep their place by record count (the
 * alerter's catch-up): the cost is the rows asked for, not the team's size.
 * A damaged record is SW_EIO naming it. */
int sw_store_scan(sw_store_team_t *t, int64_t after, int64_t upto, sw_qrow_cb cb, void *ud,
                  sw_errbuf_t *err);

/* Copy the record id of team `from` into team `to` (its ground truth stays
 * behind). *new_id gets the copy's id. The caller journals the act
 * (from, to, id, new_id); the store also keeps it in the shares table. */
int sw_store_share(sw_store_team_t *from, int64_t id, sw_store_team_t *to, int64_t *new_id,
                   sw_errbuf_t *err);

/* The ground truth of the team's record number ordinal (1-based, as
 * sw_store_scan counts) is link, unless it already has one: a resumed
 * exercise restores truth a crash lost between its record's commit and its
 * own (committed with the next flush). */
int sw_store_truth_ensure(sw_store_team_t *t, int64_t ordinal, const char *link, sw_errbuf_t *err);

/* What is at path: 1 a seawall database (an SQLite file with seawall's
 * tables), 0 something else (another file, a directory, an empty file), -1
 * nothing. */
int sw_store_probe(const char *path);
/* Remove the seawall database at path with everything seawall keeps beside
 * it (its WAL, the segments folder, never following a link out of it).
 * Refused (SW_EEXIST) when path is not a seawall database; nothing at path
 * is SW_OK. */
int sw_store_remove(const char *path, sw_errbuf_t *err);

/* Instructor-side: the ground-truth link of record id into out (NUL-ended),
 * SW_ENOENT when it has none. Takes the store, not a team handle: no
 * player-facing path calls it. */
int sw_store_truth(sw_store_t *s, int64_t id, char *out, size_t out_len, sw_errbuf_t *err);

#endif
