/* deploy.h — Sigma rules a team deploys in an exercise, and the alerts they
 * raise on the team's new records.
 *
 * A team tests a rule on its history (sw_deploy_test: "would have fired 37
 * times, here they are"), deploys it (sw_deploy_rule), and from then on every
 * record appended to the team through an alerter (sw_alerter_append — the
 * ingest path) is matched against the team's deployed rules; each match is
 * stored as an alert carrying the rule's title, id, level and author (the
 * Detection Rule License requires the author wherever a match is shown), the
 * record's host, time, id and JSON. sw_deploy_withdraw stops a rule.
 *
 * Invariants:
 *  1. Deploying and withdrawing are journaled acts (journal/journal.h kinds
 *     rule.deploy, rule.withdraw); the deployed_rules row is written in the
 *     same transaction as the journal entry, so the table is always what the
 *     journal says. A refused rule writes nothing anywhere.
 *  2. A rule is accepted only if the Sigma engine (detect/sigma.h) can
 *     evaluate all of it, and it must have an id (withdrawing names it). A
 *     team has at most one live deployment per rule id.
 *  3. Team-private: every call takes a team handle of the event store, and
 *     every statement is bound to that team's name. No call reads another
 *     team's rules or alerts.
 *  4. A deployment applies to the team's records numbered from_record + 1
 *     up to until_record: the team's record counts when it was deployed
 *     and when it was withdrawn (none while live). Records that arrived
 *     before it are what sw_deploy_test is for.
 *  5. Alerts are matched on the record as the store keeps it: the top-level
 *     "_truth" member is cut out first, so ground truth can neither fire a
 *     rule nor show in an alert.
 *  6. No alert is lost or stored twice, whatever process dies when. Each
 *     deployment has a mark (alert_marks.matched): every record numbered
 *     up to it has been matched against the deployment and its alerts are
 *     stored. The mark starts at from_record (in the deploy's transaction)
 *     and moves only in the transaction that stores the alerts of the
 *     records it passes, and only from a value the writer matched on from.
 *     Records are committed (sw_store_flush) before their alerts, so a mark
 *     never passes a record that is not on disk; a crash in between leaves
 *     the mark behind, and the next alerter on the team catches up (see
 *     sw_alerter_open). An alert is unique per (deployment, record)
 *     (alerts_once), so a record matched twice, by a catch-up racing a
 *     writer, still alerts once.
 *
 * Deployment life: (none) -> LIVE [sw_deploy_rule] -> WITHDRAWN
 * [sw_deploy_withdraw]; a withdrawn rule id may be deployed again (a new
 * deployment). Tables (in the event store's SQLite file, own connection):
 * deployed_rules, alerts, alert_marks. docs/sigma.md "Deploying rules in an
 * exercise". */
#ifndef SW_DEPLOY_H
#define SW_DEPLOY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "detect/sigma.h"
#include "journal/journal.h"
#include "store/evstore.h"

#define SW_DEPLOY_MAX_ID 128       /* bytes of a rule id */
#define SW_ALERTER_MAX_QUEUE 4096  /* alerts held before the alerter flushes */
#define SW_ALERTER_KNOCK_EVERY 256 /* appends between looks for a waiting deployer */

typedef struct sw_deploy sw_deploy_t;

/* Who acts, and when (journal entry fields). */
typedef struct sw_act {
    const char *actor;
    int64_t at_ms;   /* exercise time, or SW_JOURNAL_NO_TIME */
    int64_t wall_ms; /* ms since the Unix epoch */
} sw_act_t;

/* One deployment, as listed. Strings live until the callback returns. */
typedef struct sw_deployed_rule {
    int64_t deployment;  /* journal seq of its rule.deploy */
    int64_t withdrawn;   /* journal seq of its rule.withdraw; 0 while live */
    int64_t from_record; /* it applies to the team's records after this many */
    int64_t wall_ms;     /* when it was deployed */
    const char *rule_id, *title, *level, *author, *file, *actor, *yaml;
} sw_deployed_rule_t;

typedef int (*sw_deployed_rule_cb)(const sw_deployed_rule_t *r, void *ud);

/* One stored alert. Strings live until the callback returns. */
typedef struct sw_alert {
    int64_t id;         /* 1, 2, ... across the exercise */
    int64_t deployment; /* which deployment raised it */
    int64_t record;     /* the store's record id */
    int64_t ts_ms;      /* the record's time (0 when it has none) */
    const char *rule_id, *title, *level, *author;
    const char *host, *time;         /* as the record gives them, "" when absent */
    const char *event;               /* the record's JSON, without ground truth */
    const char *status;              /* the team's triage: "new", or sw_alerts_triage's */
    const char *assignee, *incident; /* "" when none */
} sw_alert_t;

typedef int (*sw_alert_cb)(const sw_alert_t *a, void *ud);

/* One match of sw_deploy_test: the Sigma alert, the record id and its JSON. */
typedef void (*sw_deploy_match_cb)(const sw_sigma_alert_t *a, int64_t record, const char *json,
                                   size_t json_len, void *ud);

/* Open the rule and alert tables in the database file path (the event
 * store's), journaling acts to j (which must outlive d). */
int sw_deploy_open(const char *path, sw_journal_t *j, sw_deploy_t **out, sw_errbuf_t *err);
void sw_deploy_close(sw_deploy_t *d);

/* Run the rule in yaml[0..len) over every record of team t, in time order,
 * calling cb (may be NULL) per match; *n_matches gets the count. Nothing is
 * stored. A rule the engine refuses is SW_EINVAL/SW_ETOOBIG with err (line,
 * column, reason) filled. Cost: one compile, one pass over the team. */
int sw_deploy_test(sw_store_team_t *t, const char *yaml, size_t len, const char *file,
                   sw_deploy_match_cb cb, void *ud, uint64_t *n_matches, sw_sigma_error_t *err);

/* Deploy the rule in yaml[0..len) (file names it in messages) for team t.
 * On success *out (may be NULL) describes the deployment (its strings are
 * valid until the next call on d). Refusals change nothing: SW_EINVAL /
 * SW_ETOOBIG (the engine's reason, or "no rule id"), SW_EEXIST (the id is
 * already live for t), with err filled. Cost: a compile, a count of the
 * team's records, one journal append (an fsync). Deploy and withdraw take
 * the database's write lock: with appends pending in the store's open
 * transaction (this process's), flush it first (sw_alerter_flush or
 * sw_store_flush), or they wait out the 5 s busy timeout and fail. An
 * alerter in another process lets them in within SW_ALERTER_KNOCK_EVERY
 * appends: they wait for it at FILE-deploy (an flock beside the file). */
int sw_deploy_rule(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act, const char *yaml,
                   size_t len, const char *file, sw_deployed_rule_t *out, sw_sigma_error_t *err);

/* Everything sw_deploy_rule checks, without deploying: SW_OK when it would
 * be accepted now. For callers deploying several rules all or none. */
int sw_deploy_check(sw_deploy_t *d, sw_store_team_t *t, const char *yaml, size_t len,
                    const char *file, sw_sigma_error_t *err);

/* Withdraw t's live deployment of rule_id (ids compare case-insensitively):
 * it keeps alerting on the records t has now (until_record, journaled) and
 * on none after. *deployment (may be NULL) gets the withdrawn deployment.
 * SW_ENOENT when t has no live rule with that id; nothing changes then. */
int sw_deploy_withdraw(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act, const char *rule_id,
                       int64_t *deployment, sw_errbuf_t *err);

/* t's deployments in deployment order: live ones, or all with all != 0. */
int sw_deploy_list(sw_deploy_t *d, sw_store_team_t *t, int all, sw_deployed_rule_cb cb, void *ud,
                   sw_errbuf_t *err);

/* t's alerts with id > after_id, in id order. */
int sw_alerts_list(sw_deploy_t *d, sw_store_team_t *t, int64_t after_id, sw_alert_cb cb, void *ud,
                   sw_errbuf_t *err);
int sw_alerts_count(sw_deploy_t *d, sw_store_team_t *t, int64_t *n, sw_errbuf_t *err);

/* ---- triage ---------------------------------------------------------------- */

/* "new" (none yet), "acknowledged", "true-positive", "false-positive",
 * "escalated"; NULL-terminated. */
extern const char *const sw_alert_status_names[];

typedef struct sw_alert_triage {
    int64_t alert;
    const char *status;   /* one of sw_alert_status_names but "new" */
    const char *assignee; /* who works it (may be NULL) */
    const char *incident; /* the incident it belongs to (may be NULL) */
    const char *note;     /* free text (may be NULL) */
} sw_alert_triage_t;

/* Record t's triage of one of its alerts: journaled (kind alert.triage:
 * alert, status, assignee, incident, rule_id, record, note) with the
 * alert's state in the same transaction; the latest act wins. SW_ENOENT
 * for an alert that is not t's, SW_EINVAL for a bad status. */
int sw_alerts_triage(sw_deploy_t *d, sw_store_team_t *t, const sw_act_t *act,
                     const sw_alert_triage_t *tr, int64_t *seq, sw_errbuf_t *err);

/* ---- the ingest path: append and alert ------------------------------------ */

/* An alerter appends records to one team and matches each against the
 * team's live rules. Rules deployed or withdrawn through the same d take
 * effect from the next append (compiled once for all of them there, or at
 * sw_alerter_ready); changes made by another process are picked up at the
 * next commit (or with such a reload, when one is pending), and the
 * records appended before it that the new rule should have seen are
 * caught up then. Alerts are held in memory and
 * written, with the live rules' marks, after the store commits the records
 * they point to (the store's connection may hold the write lock while
 * appends are pending): at sw_alerter_flush, and by the alerter itself past
 * SW_ALERTER_MAX_QUEUE alerts or when a deployer in another process waits
 * for the write lock (it lets the deployer in, then goes on with the new
 * rule). */
typedef struct sw_alerter sw_alerter_t;

/* s and t (t opened on s) must outlive the alerter. Before it returns, the
 * alerter commits what the store holds and catches up: every deployment of
 * t whose mark is behind t's records (a process killed between committing
 * records and their alerts; records appended without an alerter, as
 * sw_store_share's copies) is matched over the records it missed, and the
 * alerts are stored with its mark. Cost: one query when nothing lags;
 * else one pass over t's records. */
int sw_alerter_open(sw_deploy_t *d, sw_store_t *s, sw_store_team_t *t, sw_alerter_t **out,
                    sw_errbuf_t *err);
/* Free a; alerts not yet written are dropped (if the store commits their
 * records later, the next alerter on t catches them up). */
void sw_alerter_close(sw_alerter_t *a);

/* sw_store_append, then match the record. *id (may be NULL) gets its id.
 * Cost without live rules: the append. With rules: plus one event parse
 * and one sw_sigma_set_match. */
int sw_alerter_append(sw_alerter_t *a, const char *json, size_t len, int64_t *id, sw_errbuf_t *err);
/* The same with the record's ground truth beside it (sw_store_append_truth). */
int sw_alerter_append_truth(sw_alerter_t *a, const char *json, size_t len, const char *truth,
                            int64_t *id, sw_errbuf_t *err);
/* Copy record id of team `from` into the alerter's team (sw_store_share:
 * journaled by the caller, ground truth left behind) and match the copy
 * like an appended record, so a shared record can raise the receiving
 * team's alerts at once. */
int sw_alerter_share(sw_alerter_t *a, sw_store_team_t *from, int64_t id, int64_t *new_id,
                     sw_errbuf_t *err);
/* sw_store_flush, then store the alerts held and move the marks (one
 * transaction); then pick up another process's rule acts. */
int sw_alerter_flush(sw_alerter_t *a, sw_errbuf_t *err);
/* Compile the team's live rules now if a deploy or withdraw through d
 * changed them (the next append would): a caller about to stream records
 * pays for the compile before, not in the first records' time. */
int sw_alerter_ready(sw_alerter_t *a, sw_errbuf_t *err);

/* Alerts stored since open; of those, the ones catching up stored (records
 * committed without their alerts: an ingest killed in between, records
 * appended without an alerter, a rule another process deployed during this
 * ingest); live rules in use. */
uint64_t sw_alerter_raised(const sw_alerter_t *a);
uint64_t sw_alerter_recovered(const sw_alerter_t *a);
size_t sw_alerter_rules(const sw_alerter_t *a);
/* Live rules that no longer compile (skipped; a newer engine refusing an
 * old rule). */
size_t sw_alerter_broken(const sw_alerter_t *a);
/* Records since open on which a live rule was undecided: a regular
 * expression ran past its budget (detect/sigma.h), so the record was
 * neither alerted on nor cleared by that rule. */
uint64_t sw_alerter_undecided(const sw_alerter_t *a);
/* Times the alerter compiled its team's live rules (at open, then once per
 * batch of rule acts it picked up). */
uint64_t sw_alerter_compiles(const sw_alerter_t *a);

#endif
