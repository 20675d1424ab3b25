/* srv_int.h — what the server's own files share (not for other layers).
 *
 *   server.c   the daemon, the world thread that owns the exercise, the
 *              queue of acts, the snapshots readers use
 *   http.c     requests and answers: bodies, JSON, errors, cookies
 *   routes.c   the route table and the one place authorisation happens
 *   auth.c     login, logout, who am I; accounts for the administrator
 *   sse.c      the event log and the live stream
 *   api_*.c    one file per resource: parse, call the exercise, answer
 *   static.c   the browser interface's files (embedded web/)
 *   work.c     slow requests (searches) on worker threads of their own
 *
 * Threads: libmicrohttpd's pool runs the handlers; only the world thread
 * touches the exercise (acts reach it through srv_world_call, which waits
 * for the act to be journaled); readers use snapshots (under snap_lock)
 * and their own store, alert and journal handles. */
#ifndef SW_SRV_INT_H
#define SW_SRV_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

#include "exercise/exercise.h"
#include "server/server.h"
#include "store/accounts.h"
#include "store/evstore.h"

#define SRV_MAX_BODY ((size_t)1 << 20)          /* bytes of a request body */
#define SRV_MAX_BODY_LARGE ((size_t)8 << 20)    /* a rule file, a STIX bundle */
#define SRV_MAX_CONNS 4000                      /* connections at once (streams count) */
#define SRV_MAX_CONNS_PER_IP 1500               /* ... from one address */
#define SRV_WORKERS 2                           /* threads for slow requests (work.c) */
#define SRV_WORK_QUEUE 64                       /* ... and how many may wait */
#define SRV_WORK_PER_ACCOUNT 8                  /* ... of them one account's */
#define SRV_MAX_DROPPED ((size_t)16 << 20)      /* bytes past the limit read before closing */
#define SRV_SESSION_TTL_MS (12 * 3600 * 1000LL) /* a day of exercise */
#define SRV_EVENTS 65536                        /* events the stream keeps */
#define SRV_SESSION_CACHE_MS 2000 /* a session checked this recently is not checked again */

/* Roles a route admits (bits). */
enum {
    SRV_ANON = 1 << 0,
    SRV_ADMIN = 1 << 1,
    SRV_INSTRUCTOR = 1 << 2,
    SRV_PLAYER = 1 << 3,
    SRV_OBSERVER = 1 << 4,
    SRV_ANY = SRV_ADMIN | SRV_INSTRUCTOR | SRV_PLAYER | SRV_OBSERVER,
    SRV_WHITE = SRV_ADMIN | SRV_INSTRUCTOR,
};

/* Route flags. */
enum {
    SRV_F_LARGE = 1 << 0,    /* accepts a body up to SRV_MAX_BODY_LARGE */
    SRV_F_NO_CSRF = 1 << 1,  /* login: no session yet */
    SRV_F_ONE_TIME = 1 << 2, /* open to an account whose password must change */
};

/* What a route's {team} means for authorisation. */
typedef enum {
    SRV_SCOPE_NONE,       /* no team in the path */
    SRV_SCOPE_TEAM_READ,  /* a team's data: its players, the white cell, observers as allowed */
    SRV_SCOPE_TEAM_WRITE, /* acting as a team: its players (and the white cell) */
    SRV_SCOPE_TRUTH,      /* ground truth: the white cell, observers with "everything" */
    SRV_SCOPE_SCOREBOARD, /* the scoreboard: everyone but observers with "nothing" */
    SRV_SCOPE_REPORT,     /* the after-action report (ground truth in it): the white cell,
                             observers with "everything", and a team's players their own
                             team's once the exercise has ended */
} srv_scope_t;

typedef struct srv srv_t;
typedef struct srv_req srv_req_t;

typedef int (*srv_handler_fn)(srv_req_t *r);
/* The slow part of a request, on a worker thread: it answers r. */
typedef void (*srv_work_fn)(srv_req_t *r, void *arg);

typedef struct srv_route {
    const char *method;
    const char *path; /* "/api/v1/teams/{team}/alerts/{id}" */
    unsigned roles;
    srv_scope_t scope;
    srv_handler_fn fn;
    unsigned flags; /* SRV_F_* */
    const char *summary;
} srv_route_t;

extern const srv_route_t srv_routes[];
extern const size_t srv_n_routes;

/* One request being handled. */
struct srv_req {
    srv_t *srv;
    struct MHD_Connection *conn;
    const srv_route_t *route;
    char method[8];
    char path[512];
    char params[4][128]; /* {team}, {id}, ... in path order */
    int n_params;
    char *body;
    size_t body_len, body_cap;
    int too_big;
    size_t dropped; /* bytes of a too large body read and thrown away */
    json_t *json;   /* the body parsed (POST/PUT/PATCH with a body) */
    sw_account_info_t who;
    int authed;
    uint32_t team; /* the {team} of the path, resolved (SW_NONE: none) */
    const char *team_id;
    /* the answer */
    unsigned status;
    json_t *answer;
    char *answer_text;        /* or the answer as JSON text already (a snapshot) */
    const char *content_type; /* NULL: JSON */
    const char *set_cookie;
    char cookie_buf[256];
    int suspended; /* the stream */
    int deferred;  /* work.c: 1 waiting or running on a worker, 2 answered */
    void *stream;
};

/* An idle pair of store and team handles the server keeps (readers.c). */
typedef struct srv_kept {
    sw_store_t *store;
    sw_store_team_t *t;
    uint32_t team;
} srv_kept_t;

struct srv {
    sw_server_opts_t o;
    struct MHD_Daemon *mhd;
    sw_accounts_t *accounts;
    pthread_mutex_t accounts_lock; /* one SQLite connection, one user at a time */

    /* the world: only the world thread touches ex */
    sw_exercise_t *ex;
    pthread_t world;
    pthread_mutex_t q_lock;
    pthread_cond_t q_cond;
    struct srv_call *q_head, *q_tail;
    int stopping;
    void *control; /* the exercise's local control socket (seawall act) */

    /* snapshots the world publishes for readers */
    pthread_mutex_t snap_lock;
    char *snap_clock;        /* JSON */
    char **snap_team;        /* by team index: the team's view */
    char **snap_truth;       /* by team index: the ground truth on it (white cell) */
    char *snap_teams;        /* the list of teams */
    char *snap_board;        /* the scoreboard: live, for the white cell */
    char *snap_board_public; /* ... as players and observers may see it */
    int64_t board_wall;      /* when it was computed (wall ms) */
    int board_settings;      /* ... and the settings then (hidden, frozen) */
    sw_exercise_info_t info;
    const sw_world_t *w; /* read-only after start: ids, kinds, names */

    /* the stream */
    pthread_mutex_t ev_lock;    /* the event log, the inbox, the streams' list */
    struct srv_event *events;   /* ring */
    uint64_t ev_first, ev_next; /* ids in the ring: [first, next) */
    uint32_t ev_epoch;          /* this process's prefix of event ids */
    int ev_quiet;               /* the note being published is a replayed one */
    int64_t clock_ms;           /* the exercise time last published */
    struct srv_stream *streams;
    /* the injects that reached teams, in full (scenario's and written on the day) */
    char **inbox;         /* JSON objects */
    uint32_t *inbox_team; /* SW_NONE: every team */
    size_t n_inbox;
    int64_t last_ping_ms;

    /* the after-action report (api_report.c): one at a time */
    pthread_mutex_t report_lock;
    struct sw_sigma_set *rules; /* loaded by the first report */
    const char *rules_from;
    int rules_tried;
    volatile int ended; /* the exercise's clock has ended (world thread) */

    /* sessions recently looked up (auth.c) */
    pthread_mutex_t sess_lock;
    struct srv_sess *sess;

    /* login rate limiting */
    pthread_mutex_t rl_lock;
    struct srv_rl *rl;
    size_t n_rl;

    /* slow requests' workers (work.c) */
    pthread_mutex_t work_lock;
    pthread_cond_t work_cond;
    pthread_t workers[SRV_WORKERS];
    int n_workers, work_started;
    struct srv_job *work_head, *work_tail;
    struct srv_job *work_running[SRV_WORKERS];

    /* store handles kept for reading (readers.c) */
    pthread_mutex_t kept_lock;
    srv_kept_t *kept;
    size_t n_kept, cap_kept;
    int work_waiting;
    volatile int work_stopping; /* running jobs stop early (a search checks it) */
};

/* ---- server.c ----------------------------------------------------------------- */

/* An act for the world thread: req is a control request (control.h) the
 * handler built, its actor set from the session; it is taken. Blocks until
 * it is done; returns the answer (the caller decrefs). */
json_t *srv_world_call(srv_t *s, json_t *req);
/* A team's snapshot as a new JSON value (NULL for an unknown team). */
json_t *srv_snapshot_team(srv_t *s, uint32_t team);
json_t *srv_snapshot_clock(srv_t *s);
/* The same as JSON text (the caller frees it): answered as it is. */
char *srv_snapshot_team_text(srv_t *s, uint32_t team);
char *srv_snapshot_truth_text(srv_t *s, uint32_t team);
/* The scoreboard: live (white non-zero) or as players and observers see it. */
char *srv_snapshot_board_text(srv_t *s, int white);
int64_t srv_now_ms(void);
/* The exercise's present as a Unix time in ms (what its records say). */
int64_t srv_exercise_unix_ms(srv_t *s);

/* ---- http.c ------------------------------------------------------------------- */

enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **con_cls);
void srv_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                   enum MHD_RequestTerminationCode toe);
/* An error answer: {"error":{"code","message"}}. Returns 0. */
int srv_error(srv_req_t *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A JSON answer (takes ownership). Returns 0. */
int srv_ok(srv_req_t *r, unsigned status, json_t *answer);
/* A JSON answer already as text (takes ownership of text). Returns 0. */
int srv_ok_text(srv_req_t *r, unsigned status, char *text);
/* Answer with an exercise act's reply (control.h's answer object). */
int srv_act_answer(srv_req_t *r, json_t *reply);
/* The body's string member key (NULL when absent or not a string). */
const char *srv_str(srv_req_t *r, const char *key);
/* Refuse members of the body not in allowed (NULL-terminated): 1 refused. */
int srv_only(srv_req_t *r, const char *const *allowed);
/* A query-string argument (NULL when absent). */
const char *srv_arg(srv_req_t *r, const char *key);

/* ---- readers.c --------------------------------------------------------------- */

#define SRV_KEPT_PER_TEAM 4 /* idle (store, team) handle pairs kept a team */

/* A store handle and its handle of team (index; team_id its id) for one
 * request: an idle pair the server kept, or a new one. Give it back. */
int srv_team_take(srv_t *s, uint32_t team, const char *team_id, sw_store_t **store,
                  sw_store_team_t **t, sw_errbuf_t *err);
/* Back to the pool for the next request; ok 0 (after an error that may
 * come from the handle: damage, say) closes it instead. */
void srv_team_give(srv_t *s, uint32_t team, sw_store_t *store, sw_store_team_t *t, int ok);
/* At shutdown, after the workers stopped: close every kept pair. */
void srv_readers_close(srv_t *s);

/* ---- work.c ------------------------------------------------------------------ */

/* Run fn(r, arg) on a worker thread, the connection suspended meanwhile;
 * the answer fn leaves in r is sent when it returns; free_arg(arg) after.
 * An account's jobs run one at a time; SRV_WORK_PER_ACCOUNT of them may
 * wait (429 past it), SRV_WORK_QUEUE in all (503). Returns 0: the caller
 * returns at once, answered or not. */
int srv_defer(srv_req_t *r, srv_work_fn fn, void *arg, void (*free_arg)(void *));
int srv_work_start(srv_t *s);

/* Waiting jobs answered 503, running ones told to stop and joined. */
void srv_work_stop(srv_t *s);

/* ---- static.c ----------------------------------------------------------------- */

/* Is url outside the API (a file of the browser interface)? */
int srv_is_static(const char *url);
/* Answer a request for the browser interface's files (embedded web/). */
enum MHD_Result srv_static(struct MHD_Connection *conn, const char *url, const char *method);

/* ---- routes.c ----------------------------------------------------------------- */

/* Find the route for method and path into r (params filled); 404/405 answered
 * when none. Returns the route or NULL. */
const srv_route_t *srv_route_find(srv_req_t *r);
/* May r's account use its route (and the {team} of its path)? 0 yes; else
 * the 401/403/404 answer is set and it returns -1. */
int srv_authorise(srv_req_t *r);

/* ---- auth.c ------------------------------------------------------------------- */

/* Who the request's session cookie says; 0 with r->who filled, -1 none.
 * Lookups are remembered for SRV_SESSION_CACHE_MS; the server's own changes
 * to accounts and sessions forget them at once (srv_sessions_forget). */
int srv_session(srv_req_t *r, char *csrf);
void srv_sessions_forget(srv_t *s);
void srv_sessions_free(srv_t *s);
int srv_first_admin(srv_t *s, char *password_out, size_t len, sw_errbuf_t *err);

/* ---- sse.c -------------------------------------------------------------------- */

void srv_events_init(srv_t *s);
void srv_events_free(srv_t *s);
/* From the world thread: a note becomes an event for those it concerns. */
void srv_event_note(srv_t *s, const sw_ex_note_t *n);
/* From the world thread: the scoreboard changed (texts: the white cell's,
 * and the one players and observers may see). */
void srv_event_score(srv_t *s, const char *board, const char *board_public);
/* Wake every stream (new events). */
void srv_events_wake(srv_t *s);
int srv_stream_start(srv_req_t *r);
/* The inbox of team as a JSON array (the caller owns it). */
json_t *srv_inbox(srv_t *s, uint32_t team);

/* ---- handlers ------------------------------------------------------------------ */

int api_login(srv_req_t *r);
int api_logout(srv_req_t *r);
int api_me(srv_req_t *r);
int api_password(srv_req_t *r);
int api_exercise_get(srv_req_t *r);
int api_clock_post(srv_req_t *r);
int api_teams_get(srv_req_t *r);
int api_team_network(srv_req_t *r);
int api_truth_get(srv_req_t *r);
int api_hunt(srv_req_t *r);
int api_alerts_get(srv_req_t *r);
int api_alert_triage(srv_req_t *r);
int api_rules_get(srv_req_t *r);
int api_rule_validate(srv_req_t *r);
int api_rule_test(srv_req_t *r);
int api_rule_deploy(srv_req_t *r);
int api_rule_withdraw(srv_req_t *r);
int api_actions_get(srv_req_t *r);
int api_action_post(srv_req_t *r);
int api_reports_get(srv_req_t *r);
int api_report_post(srv_req_t *r);
int api_messages_get(srv_req_t *r);
int api_message_post(srv_req_t *r);
int api_inbox_get(srv_req_t *r);
int api_injects_get(srv_req_t *r);
int api_inject_post(srv_req_t *r);
int api_hint_post(srv_req_t *r);
int api_penalty_post(srv_req_t *r);
int api_journal_get(srv_req_t *r);
int api_users_get(srv_req_t *r);
int api_user_post(srv_req_t *r);
int api_user_patch(srv_req_t *r);
int api_users_import(srv_req_t *r);
int api_stream(srv_req_t *r);
int api_shares_get(srv_req_t *r);
int api_scoreboard_get(srv_req_t *r);
int api_report_get(srv_req_t *r);
int api_scoreboard_post(srv_req_t *r);
int api_share_post(srv_req_t *r);
int api_share_use(srv_req_t *r);
int api_fields_get(srv_req_t *r);
int api_hints_get(srv_req_t *r);
int api_truth_plan(srv_req_t *r);
int api_actions_catalogue(srv_req_t *r);
int api_attack_get(srv_req_t *r);
int api_scenario_text(srv_req_t *r);
int api_briefing_players(srv_req_t *r);
int api_briefing_instructors(srv_req_t *r);

/* ---- api_fields.c, api_scenario.c ------------------------------------------------ */

struct sw_event;
/* The source a record comes from ("sysmon", "security", "zeek.conn",
 * "suricata.alert", an ECS event.dataset, ...), from its flat view. */
void srv_record_source(const struct sw_event *ev, char *out, size_t len);
/* Translate the scenario injects in the array (objects with "id") into the
 * request's ?lang=, where the scenario has a translation. */
void srv_translate_injects(srv_req_t *r, json_t *injects);

#endif
