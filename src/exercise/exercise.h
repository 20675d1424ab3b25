/* exercise.h — the exercise runtime: the one place the exercise's pipeline
 * lives. An sw_exercise_t owns the world, the simulation, the telemetry
 * (background and the sim bridge), the event store with one alerter per
 * team, the journal, and the scripted defenders; the CLI (`run`, `play`,
 * `act`, `replay`, `simulate`, `telemetry`) and the server are its clients
 * and own no pipeline logic.
 *
 * An exercise is a pure function of (scenario, seed, journal): the journal's
 * first entry (exercise.create) holds the scenario's files, the seed and the
 * end time; every later act (a response action, a rule deployed, records
 * shared, an inject released, a clock change, a scripted defender attached)
 * is journaled with the exercise time at which it takes effect, and only
 * then acknowledged. Opening an existing database replays the journal to
 * rebuild the state, so a crash loses nothing acknowledged and the teams'
 * stores end exactly as an uninterrupted run's.
 *
 * The main loop reads as its phases (sw_exercise_advance), one exercise
 * minute at a time:
 *   1. acts_due      journaled acts and scripted timed actions due in the step
 *   2. sim_run       the simulation to the step's end; its events go to the
 *                    telemetry bridge (records, through each team's alerter,
 *                    into its store) and to the scripted defenders' rules
 *   3. background    the rest of the step's background activity
 *   4. reactions     the defenders' commands, journaled at the step's end
 * then, once per call: flush (records durable, alerts stored, progress
 * written) and publish (notes to the caller: sim events, alerts, acts).
 *
 * Clock (journaled as clock.* acts; the state is rebuilt from them):
 *   NOT_STARTED -> RUNNING  [sw_exercise_clock(START)]
 *   RUNNING -> PAUSED       [sw_exercise_clock(PAUSE)]
 *   PAUSED -> RUNNING       [sw_exercise_clock(RESUME)]
 *   RUNNING|PAUSED|NOT_STARTED -> ENDED
 *                           [sw_exercise_clock(END), or the clock reaching until]
 * While RUNNING, exercise time follows the wall clock at `speed` exercise
 * seconds per wall second from the last clock act (sw_exercise_tick); a
 * resumed exercise that was running goes on from where its pipeline
 * stopped, journaling clock.resume with reason "recovered".
 *
 * Invariants
 *  1. Every act is journaled before it is applied or acknowledged; a
 *     refused act writes nothing.
 *  2. Exercise time never goes back: an act takes effect at now or later.
 *  3. Each team's store holds a prefix of the records the pipeline produces
 *     for it (telemetry and shared copies, in pipeline order); on resume the
 *     first records the replay produces are matched to it by count and not
 *     appended again, so there is no gap and no duplicate.
 *  4. Nothing here reads a clock but through opts.now (the caller's), and the
 *     sim, telemetry and defenders stay pure.
 */
#ifndef SW_EXERCISE_H
#define SW_EXERCISE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/deploy.h"
#include "core/err.h"
#include "journal/journal.h"
#include "model/world.h"
#include "scenario/diag.h"
#include "score/score.h"
#include "sim/sim.h"
#include "store/evstore.h"
#include "telemetry/telemetry.h"

/* Every default is decided here, once. */
#define SW_EXERCISE_DEFAULT_SCENARIO "pacific-cable"
#define SW_EXERCISE_DEFAULT_DB "seawall.db"
#define SW_EXERCISE_DEFAULT_DURATION_MS (4 * 3600 * 1000LL) /* a scenario without one */
#define SW_EXERCISE_STEP_MS 60000 /* the pipeline's step: reactions land on its ends */
#define SW_EXERCISE_MAX_SPEED 3600.0

typedef struct sw_exercise sw_exercise_t;

typedef enum {
    SW_EX_NOT_STARTED,
    SW_EX_RUNNING,
    SW_EX_PAUSED,
    SW_EX_ENDED,
} sw_ex_state_t;

extern const char *const sw_ex_state_names[]; /* "not started", "running", ... */

typedef enum {
    SW_EXO_OPEN,    /* resume the exercise in db, or create one if db does not exist */
    SW_EXO_CREATE,  /* a new exercise; refused when db exists */
    SW_EXO_RESUME,  /* the exercise in db; refused when db does not exist */
    SW_EXO_REPLACE, /* a new exercise, replacing the seawall database at db */
    SW_EXO_REPLAY,  /* read-only: rebuild the state of db's exercise in memory */
} sw_ex_how_t;

typedef int64_t (*sw_ex_now_fn)(void *ud); /* wall-clock ms since the Unix epoch */

/* What happened, as the exercise publishes it. Pointers live during the
 * callback only. */
typedef enum {
    SW_EXN_SIM,      /* a simulation event (ev) */
    SW_EXN_ALERT,    /* an alert a deployed rule raised (alert, team) */
    SW_EXN_ACT,      /* an act was journaled (act) */
    SW_EXN_CLOCK,    /* the clock changed state or speed */
    SW_EXN_PROGRESS, /* exercise time reached at_ms (once per advance) */
} sw_ex_note_kind_t;

typedef struct sw_ex_note {
    sw_ex_note_kind_t kind;
    int64_t at_ms;
    uint32_t team; /* world team index, or SW_NONE */
    const sw_sim_event_t *ev;
    const sw_alert_t *alert;
    const sw_journal_entry_t *act;
    int replaying;           /* rebuilt from the journal while opening, not new */
    const sw_world_t *world; /* names for the indices above */
} sw_ex_note_t;

typedef void (*sw_ex_note_cb)(const sw_ex_note_t *n, void *ud);

typedef struct sw_exercise_opts {
    sw_ex_how_t how;
    const char *db;       /* NULL: nothing journaled or stored (simulate, telemetry) */
    const char *scenario; /* a new exercise: a file or built-in name (NULL: the default) */
    uint64_t seed;        /* a new exercise: with has_seed, else the scenario's */
    int has_seed;
    int64_t until_ms; /* a new exercise: its end (with has_until), else the scenario's */
    int has_until;
    int bare_ok;       /* a database of records only (made by `seawall ingest`, no exercise) opens
                          as a bare store: rules and shares work on its teams, nothing else */
    double speed;      /* a new exercise's clock speed (0: the scenario's, else 1) */
    int telemetry;     /* produce records; 0: the simulation alone */
    int64_t replay_ms; /* SW_EXO_REPLAY: stop there (< 0: where the exercise stopped) */
    /* with telemetry and no db: where the records go */
    sw_tel_record_cb records;
    void *records_ud;
    const sw_world_t *world; /* a world built in memory (tests, fuzzing, benchmarks), used
                                as is and not owned, instead of the scenario; with a db
                                the exercise is journaled but cannot be resumed (its
                                world is in no file) */
    const char *actor;       /* who opens it (journal); NULL: "system" */
    sw_ex_now_fn now;        /* the wall clock (NULL: the system's) */
    void *now_ud;
    sw_ex_note_cb on_note; /* may be NULL */
    void *note_ud;
    int64_t flush_ms; /* while the clock runs, flush records and alerts (durably) at most this
                         often, in wall ms; 0: at every advance. The journal is written at
                         every act regardless: a crash loses no act, only records that are
                         made again on resume. A server sets 1000 (one flush a second) */
} sw_exercise_opts_t;

void sw_exercise_opts_init(sw_exercise_opts_t *o);

/* Open an exercise as o says. A scenario with errors fills diags (may be
 * NULL) and is SW_EINVAL with a summary in err. A db that exists but is not
 * a seawall database is refused (SW_EEXIST) and never touched; one that
 * holds an exercise is resumed (SW_EXO_OPEN/RESUME): the journal replayed,
 * the stores caught up, the clock where it was. Cost: a new exercise loads
 * the scenario; a resumed one replays the pipeline to where it stopped
 * (about 1 s for the Pacific exercise's four hours). */
int sw_exercise_open(const sw_exercise_opts_t *o, sw_exercise_t **out, sw_diags_t *diags,
                     sw_errbuf_t *err);
/* Flush (records, alerts, progress) and free. */
int sw_exercise_close(sw_exercise_t *ex, sw_errbuf_t *err);

/* ---- the loop --------------------------------------------------------------- */

/* Run everything up to exercise time to_ms (capped at the end): the phases
 * above, then flush and publish. A no-op when already there. Reaching the
 * end journals clock.end. */
int sw_exercise_advance(sw_exercise_t *ex, int64_t to_ms, sw_errbuf_t *err);
/* Advance to where the clock says exercise time is now (opts.now; nothing
 * unless RUNNING). */
int sw_exercise_tick(sw_exercise_t *ex, sw_errbuf_t *err);
/* Commit what is pending: records durable, alerts stored, progress. */
int sw_exercise_flush(sw_exercise_t *ex, sw_errbuf_t *err);

/* ---- acts ------------------------------------------------------------------- */

/* Every act's answer: what was done, or why not (a sentence a person reads,
 * naming the right name when a name was wrong). */
typedef struct sw_ex_reply {
    int64_t seq;       /* journal entry; 0 when refused or without a journal */
    int64_t at_ms;     /* exercise time it was journaled at */
    int64_t effect_ms; /* when it takes effect (actions: at_ms + their delay) */
    char msg[768];
} sw_ex_reply_t;

/* A response action as a person gives it: names as players see them. */
typedef struct sw_ex_action {
    const char *actor;
    const char *team;   /* the acting team's id (case-insensitive) */
    const char *action; /* an action's name (model/action.h) */
    const char *host;   /* a host: id, hostname as the logs show it, FQDN or IP */
    const char *value;  /* ip, domain, account (DOMAIN\user, user@domain), CVE, text */
    const char *org;    /* limit a block, failover, reset to one organisation */
    const char *to;     /* share-indicator: one recipient team */
    long port;          /* block-port */
} sw_ex_action_t;

/* Validate (names resolved, the team's own target, the value it needs),
 * journal at now, and queue an action for the sim. SW_EINVAL (reply.msg
 * says why and suggests the right name), SW_ESTATE (the exercise ended),
 * SW_EIO (the journal). */
int sw_exercise_action(sw_exercise_t *ex, const sw_ex_action_t *a, sw_ex_reply_t *rp);

typedef enum {
    SW_CLOCK_START,
    SW_CLOCK_PAUSE,
    SW_CLOCK_RESUME,
    SW_CLOCK_SPEED,
    SW_CLOCK_END
} sw_ex_clock_op_t;

extern const char *const sw_ex_clock_op_names[]; /* "start", "pause", ... */

/* Change the clock (instructors), at the wall time opts.now gives.
 * SW_ESTATE when the change does not apply to the state (pause a paused
 * clock), SW_EINVAL for a speed outside (0, SW_EXERCISE_MAX_SPEED]. */
int sw_exercise_clock(sw_exercise_t *ex, const char *actor, sw_ex_clock_op_t op, double speed,
                      sw_ex_reply_t *rp);

/* Release the scenario's inject `id` now, ahead of its trigger (instructors). */
int sw_exercise_release_inject(sw_exercise_t *ex, const char *actor, const char *id,
                               sw_ex_reply_t *rp);

/* Deploy the Sigma rule yaml[0..len) (file names it) for team, journaled at
 * now: it alerts on what the team receives from now on. Rules and shares
 * are accepted after the end too (teams practise on what they have);
 * actions and injects are not. A refused rule is
 * SW_EINVAL with serr (line, column, reason) filled. */
int sw_exercise_deploy(sw_exercise_t *ex, const char *actor, const char *team, const char *yaml,
                       size_t len, const char *file, sw_ex_reply_t *rp, sw_sigma_error_t *serr);
/* Everything sw_exercise_deploy checks, deploying nothing. */
int sw_exercise_deploy_check(sw_exercise_t *ex, const char *team, const char *yaml, size_t len,
                             const char *file, sw_ex_reply_t *rp, sw_sigma_error_t *serr);
int sw_exercise_withdraw(sw_exercise_t *ex, const char *actor, const char *team,
                         const char *rule_id, sw_ex_reply_t *rp);

/* Copy the records query finds in team from's store into team to's, as one
 * journaled act at now. Records `to` already received from `from` are not
 * copied again. Refused when more than max match, or none. now_ms is what
 * relative times in the query count from. */
int sw_exercise_share_records(sw_exercise_t *ex, const char *actor, const char *from,
                              const char *to, const char *query, long max, int64_t now_ms,
                              sw_ex_reply_t *rp);

/* Attach a scripted defender (YAML text named name) from now on: its timed
 * actions and rule reactions become journaled acts like a player's (actor
 * "defender:<name>"). Problems go to diags (located) and are SW_EINVAL. */
int sw_exercise_attach_defender(sw_exercise_t *ex, const char *actor, const char *name,
                                const char *text, size_t len, sw_diags_t *diags, sw_ex_reply_t *rp);

/* ---- a team's other acts (ex_team.c) ------------------------------------------ */

/* Triage one of team's alerts (acknowledge, true-positive, false-positive,
 * escalate; assign; link to an incident): journaled alert.triage. */
int sw_exercise_triage(sw_exercise_t *ex, const char *actor, const char *team,
                       const sw_alert_triage_t *tr, sw_ex_reply_t *rp);

typedef struct sw_ex_indicator {
    const char *type; /* "ipv4-addr", "domain-name", "file:hashes.SHA-256", "user-account", ... */
    const char *value;
} sw_ex_indicator_t;

/* An incident report as a team files it. */
typedef struct sw_ex_report {
    const char *title;
    const char *narrative;
    const char *incident;          /* the team's own incident id, may be NULL */
    const char *const *techniques; /* ATT&CK ids, checked against the table */
    uint32_t n_techniques;
    const char *const *hosts; /* names as players give them */
    uint32_t n_hosts;
    const sw_ex_indicator_t *indicators;
    uint32_t n_indicators;
    const int64_t *alerts; /* the team's alerts it rests on */
    uint32_t n_alerts;
} sw_ex_report_t;

/* File an incident report: journaled report.submit (hosts resolved to their
 * ids) and a report event in the simulation. */
int sw_exercise_report(sw_exercise_t *ex, const char *actor, const char *team,
                       const sw_ex_report_t *r, sw_ex_reply_t *rp);
/* A message to team's chat, or to everyone (team NULL: the white cell's
 * broadcast). */
int sw_exercise_message(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                        sw_ex_reply_t *rp);
/* A hint for team (it costs the scenario's hint_cost when scored). */
int sw_exercise_hint(sw_exercise_t *ex, const char *actor, const char *team, const char *text,
                     sw_ex_reply_t *rp);
/* A rule of the exercise that team broke, in the white cell's words (it
 * costs the scenario's rule_broken cost when scored): journaled rule.broken. */
int sw_exercise_rule_broken(sw_exercise_t *ex, const char *actor, const char *team,
                            const char *text, sw_ex_reply_t *rp);
/* An inject written on the day, to one team or (to NULL or "all") every team. */
int sw_exercise_compose_inject(sw_exercise_t *ex, const char *actor, const char *to,
                               const char *subject, const char *body, sw_ex_reply_t *rp);

/* Share indicators (type, value pairs: exercise/stix.h) with team `to` (NULL
 * or "all": every other player team) under a TLP (NULL: green), with a note:
 * journaled indicator.share with the STIX 2.1 bundle the recipients get.
 * Indicators the team already shared with the same recipient are left out
 * (the same indicator twice is one); SW_EEXIST when none is new. */
struct sw_stix_ind;
int sw_exercise_share_indicators(sw_exercise_t *ex, const char *actor, const char *team,
                                 const char *to, const struct sw_stix_ind *ind, size_t n,
                                 const char *tlp, const char *note, sw_ex_reply_t *rp);

/* ---- reading ---------------------------------------------------------------- */

const sw_world_t *sw_exercise_world(const sw_exercise_t *ex);
const sw_sim_t *sw_exercise_sim(const sw_exercise_t *ex);
int64_t sw_exercise_now(const sw_exercise_t *ex);   /* exercise time reached */
int64_t sw_exercise_until(const sw_exercise_t *ex); /* its end */
uint64_t sw_exercise_seed(const sw_exercise_t *ex);
double sw_exercise_speed(const sw_exercise_t *ex);
sw_ex_state_t sw_exercise_state(const sw_exercise_t *ex);
const char *sw_exercise_scenario(const sw_exercise_t *ex); /* as created: name or file */
int sw_exercise_resumed(const sw_exercise_t *ex);          /* opened an existing one */
int sw_exercise_bare(const sw_exercise_t *ex); /* a database of records only (bare_ok) */
/* Exercise time the clock gives at wall_ms (now when not running). */
int64_t sw_exercise_clock_at(const sw_exercise_t *ex, int64_t wall_ms);
/* Wall-clock milliseconds until the clock reaches exercise time at_ms (-1
 * when it is not running). */
int64_t sw_exercise_wall_until(sw_exercise_t *ex, int64_t at_ms);

/* The clock as JSON: state, now_ms, until_ms, speed, scenario, seed. */
json_t *sw_exercise_clock_json(const sw_exercise_t *ex);
/* A team's network as its players see it now: organisations, hosts (state,
 * isolated), business services (state, availability, the cause of an
 * outage), the links its international traffic rides on. NULL for an
 * unknown team. The caller owns the result. */
json_t *sw_exercise_team_view(const sw_exercise_t *ex, uint32_t team);
/* The white cell's ground truth: each adversary aiming at team (SW_NONE:
 * all) with its footholds, persistence, C2, objectives, and the steps of
 * its playbook tried against the team so far ("steps": first tried,
 * first success, attempts, successes, hosts). */
json_t *sw_exercise_truth_json(const sw_exercise_t *ex, uint32_t team);

/* A team's store handle (NULL without a db, or for an unknown team): for
 * reads; records are appended only by the pipeline. */
sw_store_team_t *sw_exercise_team_store(sw_exercise_t *ex, uint32_t team);
sw_deploy_t *sw_exercise_deploys(sw_exercise_t *ex);
sw_journal_t *sw_exercise_journal(sw_exercise_t *ex);
/* The exercise's own score (score/score.h), fed every note as it is
 * published (and every record with ground truth as it is produced), live
 * and while replaying alike, so a recomputed score is the live one:
 * sw_score_compute(sw_exercise_score(ex), sw_exercise_now(ex), ...). NULL for a database of records
 * only. */
sw_score_t *sw_exercise_score(sw_exercise_t *ex);
/* Hide the scoreboard from players and observers, or freeze what they see
 * of it at this moment (both off: they see it live; -1: as it is). Journaled
 * (scoreboard.set); the white cell always sees it live. The board itself:
 * exercise/report_model.h. */
int sw_exercise_scoreboard_set(sw_exercise_t *ex, const char *actor, int hidden, int frozen,
                               sw_ex_reply_t *rp);
/* The scoreboard's settings now: SW_SB_HIDDEN | SW_SB_FROZEN. */
enum { SW_SB_HIDDEN = 1, SW_SB_FROZEN = 2 };
int sw_exercise_scoreboard_settings(const sw_exercise_t *ex);

typedef struct sw_ex_team_stats {
    uint64_t records;     /* produced for the team so far (telemetry and shared copies) */
    uint64_t attack;      /* of them, with a ground-truth step behind */
    uint64_t alerts;      /* raised by this process (not counting earlier runs) */
    uint64_t record_hash; /* sw_hash64_bulk over every record's text in order */
} sw_ex_team_stats_t;

void sw_exercise_team_stats(const sw_exercise_t *ex, uint32_t team, sw_ex_team_stats_t *out);
/* Hash of everything that happened: every sim event, and each team's
 * records. Same scenario, seed and journal, same hash. */
uint64_t sw_exercise_state_hash(const sw_exercise_t *ex);
uint64_t sw_exercise_sim_hash(const sw_exercise_t *ex);
uint64_t sw_exercise_attack_steps(const sw_exercise_t *ex);

/* Resolve a name a player gives for team's host (id, hostname as logged,
 * FQDN, IP; case-insensitive). SW_NONE with why filled (and the closest
 * right name suggested) when there is none. */
uint32_t sw_exercise_find_host(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                               size_t why_len);
/* A team by id (case-insensitive), with why filled when unknown. */
uint32_t sw_exercise_find_team(const sw_exercise_t *ex, const char *name, char *why,
                               size_t why_len);

/* What an exercise's database says about it without replaying it: for
 * commands that read a team's records (who may look at whose). */
#define SW_EX_INFO_MAX_TEAMS 64
typedef struct sw_exercise_info {
    char scenario[256];
    uint64_t seed;
    int64_t until_ms;
    int observers_see; /* sw_observer_view_t */
    uint32_t n_teams;
    struct {
        char id[SW_JOURNAL_MAX_NAME + 1];
        int observer;
    } teams[SW_EX_INFO_MAX_TEAMS];
} sw_exercise_info_t;

/* Read info from db's journal. SW_ENOENT when db holds no exercise. */
int sw_exercise_read_info(const char *db, sw_exercise_info_t *info, sw_errbuf_t *err);

/* May team viewer look at team target's records (truth: and its ground
 * truth)? A player only at its own; an observer delegation at any player
 * team's as the exercise's observers_see allows. 1 yes, 0 no with why. */
int sw_exercise_info_may_read(const sw_exercise_info_t *info, const char *viewer,
                              const char *target, int truth, char *why, size_t why_len);

/* Does the database at path hold an exercise (its journal begins with
 * exercise.create)? 1 yes, 0 no (records only, or no database). */
int sw_exercise_in_db(const char *path);

/* Is path a seawall database (an SQLite file with seawall's tables)? 1 yes,
 * 0 it is something else, -1 it does not exist. */
int sw_exercise_db_kind(const char *path);

#endif
