/* ex_int.h — what the exercise runtime's own files share (not for other
 * layers): the exercise struct, the scripted defenders it plays, and the
 * functions one file of the layer calls in another.
 *
 *   exercise.c     open (create, resume), close, defaults, reading
 *   ex_pipeline.c  the loop: advance, the sim and record callbacks, flush,
 *                  publish
 *   ex_acts.c      acts: validate, journal, apply; the journal's replay
 *   ex_names.c     names as players give them: hosts, accounts, teams
 *   ex_defender.c  scripted defenders: timed actions and rule reactions
 *   control.c      the local control socket (`seawall act` to `play`)
 */
#ifndef SW_EX_INT_H
#define SW_EX_INT_H

#include <jansson.h>

#include "exercise/exercise.h"
#include "scenario/defender.h"
#include "scenario/scenario.h"
#include "telemetry/sim_bridge.h"

#define EX_MAX_DEFENDERS 16
#define EX_MAX_REACTIONS 4096 /* reactions waiting for a step's end */

/* A command a scripted defender wants issued, and what names it (so a
 * resumed exercise does not issue it twice). */
typedef struct ex_reaction {
    sw_cmd_t cmd;
    char arg[256];
    uint32_t defender;
    int timed;       /* a timed action (index) or a rule's reaction */
    uint32_t index;  /* action or rule index */
    uint64_t ev_seq; /* the sim event it reacts to (rules) */
} ex_reaction_t;

/* One scripted defender being played. */
typedef struct ex_defender {
    char *name;
    sw_defender_t spec;
    uint8_t *fired;  /* [rule * n_hosts + host] */
    uint8_t *issued; /* [action]: a timed action was journaled */
    uint32_t n_hosts;
} ex_defender_t;

/* Per team: records produced, and where the store already was. */
typedef struct ex_team {
    uint64_t produced;  /* records the pipeline produced for the team (this run, from 0) */
    uint64_t stored;    /* records the store held when the exercise was opened */
    uint64_t attack;    /* produced with ground truth */
    uint64_t alerts;    /* raised since open */
    uint64_t hash;      /* sw_hash64_bulk over the records' text */
    int64_t last_alert; /* the last alert id published */
    uint64_t listed;    /* the alerter's raised count when its alerts were last listed */
    char **accounts;    /* accounts seen in the team's sim events (for names) */
    uint32_t n_accounts, cap_accounts;
} ex_team_t;

/* A journaled key of a defender's command: issued already (replay). */
typedef struct ex_key {
    uint32_t defender;
    int timed;
    uint32_t index;
    uint32_t host;
    uint64_t ev_seq;
} ex_key_t;

/* A response action issued, and what became of it (the sim says later). */
typedef enum { EX_ACT_PENDING, EX_ACT_DONE, EX_ACT_FAILED } ex_act_state_t;
typedef struct ex_action {
    int64_t seq; /* its journal entry */
    uint32_t team, host;
    int action; /* sw_action_t */
    int64_t issued_ms, done_ms;
    ex_act_state_t state;
    char *detail; /* the sim's word on it */
} ex_action_t;

struct sw_exercise {
    sw_exercise_opts_t o;
    char *db;
    char *scenario; /* as created: name or path */
    sw_scenario_files_t files;
    const sw_world_t *w; /* &own, or the caller's (opts.world) */
    sw_world_t own;
    int have_world; /* own holds a loaded world */
    uint64_t seed;
    int64_t until_ms;
    int resumed;
    int lock_fd;

    /* clock */
    sw_ex_state_t state;
    double speed;
    int64_t base_at_ms;   /* exercise time at the last clock act */
    int64_t base_wall_ms; /* ... and the wall time then */
    int64_t now_ms;       /* where the pipeline is */
    int64_t progress_ms;  /* the progress written last */
    int64_t flushed_wall; /* when sw_exercise_advance last flushed (opts.flush_ms) */

    /* the pipeline */
    sw_sim_t *sim;
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    sw_tel_bridge_t *br;
    sw_store_t *store;
    sw_store_team_t **stores; /* by team index */
    sw_alerter_t **alerters;
    sw_journal_t *j;
    sw_deploy_t *deploy;
    ex_team_t *teams;
    sw_score_t *score; /* fed every note (ex_note) */
    int sb_hidden;     /* the scoreboard hidden from players and observers */
    json_t *sb_frozen; /* what they see of it since it was frozen (NULL: live) */
    uint64_t sim_hash;
    uint64_t n_sim_events;
    char **causes;        /* by business service: why it is down or degraded now, or NULL */
    ex_action_t *actions; /* every action issued, in order */
    size_t n_actions, cap_actions;

    /* scripted defenders and their reactions waiting for the step's end */
    ex_defender_t defs[EX_MAX_DEFENDERS];
    uint32_t n_defs;
    ex_reaction_t *pending;
    uint32_t n_pending;
    ex_key_t *keys; /* defenders' commands already journaled (from the journal) */
    uint32_t n_keys, cap_keys;

    /* a database of records only (seawall ingest): no world, no clock; its
     * teams' handles are opened by name as acts need them */
    int bare;
    sw_store_team_t **bare_stores;
    uint32_t n_bare;

    int replaying; /* opening: rebuilding from the journal */
    int cb_rc;     /* the first error inside a callback */
    sw_errbuf_t cb_err;
};

/* ---- exercise.c ---------------------------------------------------------- */
void ex_note(sw_exercise_t *ex, sw_ex_note_t *n);
int64_t ex_wall(sw_exercise_t *ex);
const char *ex_actor(const sw_exercise_t *ex, const char *actor);

/* ---- ex_pipeline.c ------------------------------------------------------- */
int ex_pipeline_start(sw_exercise_t *ex, sw_errbuf_t *err);
void ex_pipeline_stop(sw_exercise_t *ex);
/* Run the pipeline to to_ms (no flush, no end check). */
int ex_run_to(sw_exercise_t *ex, int64_t to_ms, sw_errbuf_t *err);
/* Records produced outside the sim: a share's copies, in pipeline order
 * (skipped while the store already holds them). */
int ex_share_copies(sw_exercise_t *ex, uint32_t from, uint32_t to, const int64_t *ids, size_t n,
                    sw_errbuf_t *err);
/* Flush the alerters' pending work before an act that needs the write lock. */
int ex_flush_records(sw_exercise_t *ex, sw_errbuf_t *err);
/* Compile each team's rules deployed or withdrawn since its last records
 * (sw_alerter_ready): before the clock runs, so play does not pay for it. */
int ex_rules_ready(sw_exercise_t *ex, sw_errbuf_t *err);

/* ---- ex_status.c --------------------------------------------------------- */
/* Give the sim a command journaled as seq (an action), remembering it so its
 * result can be shown; sw_sim_command's answer. */
int ex_command(sw_exercise_t *ex, const sw_cmd_t *c, int64_t seq);
/* A sim event that may be an action's result. */
void ex_action_result(sw_exercise_t *ex, const sw_sim_event_t *ev);
void ex_actions_free(sw_exercise_t *ex);

/* ---- ex_report.c --------------------------------------------------------- */
/* The scoreboard's settings as a scoreboard.set entry says (act and replay). */
void ex_scoreboard_apply(sw_exercise_t *ex, int hidden, int frozen);

/* ---- ex_acts.c ----------------------------------------------------------- */
/* Journal an act (nothing without a journal: *seq = 0), publishing it. */
int ex_journal(sw_exercise_t *ex, const char *actor, const char *team, const char *kind,
               int64_t at_ms, json_t *payload, sw_journal_tx_cb tx, void *ud, int64_t *seq,
               sw_errbuf_t *err);
/* Issue a defender's reaction: journal it (unless the journal has it) and submit. */
int ex_issue_reaction(sw_exercise_t *ex, const ex_reaction_t *r, sw_errbuf_t *err);
/* Rebuild the state from the journal. A rewind (seawall replay --until)
 * stops at until_ms; a resume (until_ms < 0) applies every entry and goes
 * on to the progress written last, whichever is later: an act journaled
 * after the last progress (a crash between flushes) is never dropped. */
int ex_replay(sw_exercise_t *ex, int64_t until_ms, sw_errbuf_t *err);
/* The exercise.create payload of ex, and reading one back. */
json_t *ex_create_payload(const sw_exercise_t *ex);
int ex_read_create(sw_exercise_t *ex, const sw_journal_entry_t *e, sw_diags_t *diags,
                   sw_errbuf_t *err);
/* Clock state at wall time, from the clock fields. */
int64_t ex_clock_at(const sw_exercise_t *ex, int64_t wall_ms);
/* Remember that a defender's command is in the journal. */
int ex_key_add(sw_exercise_t *ex, const ex_key_t *k);
int ex_key_has(const sw_exercise_t *ex, const ex_key_t *k);

/* ---- ex_names.c ---------------------------------------------------------- */
/* The canonical account name for what a player typed, among team's known
 * accounts; NULL with why filled. */
const char *ex_find_account(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                            size_t why_len);
void ex_team_saw_account(sw_exercise_t *ex, uint32_t team, const char *account);
uint32_t ex_find_org(const sw_exercise_t *ex, uint32_t team, const char *name, char *why,
                     size_t why_len);

/* ---- ex_defender.c ------------------------------------------------------- */
int ex_defender_add(sw_exercise_t *ex, const char *name, const char *text, size_t len,
                    sw_diags_t *diags, uint32_t *index);
void ex_defenders_free(sw_exercise_t *ex);
/* The earliest timed action not yet issued at or after from_ms (INT64_MAX: none). */
int64_t ex_defenders_next_timed(const sw_exercise_t *ex);
/* Issue every timed action due at or before now. */
int ex_defenders_timed(sw_exercise_t *ex, sw_errbuf_t *err);
/* A sim event for the defenders' rules: reactions are queued. */
void ex_defenders_react(sw_exercise_t *ex, const sw_sim_event_t *ev);
/* Issue the queued reactions (at a step's end). */
int ex_defenders_flush(sw_exercise_t *ex, sw_errbuf_t *err);

#endif
