/* server.c — the exercise server's life: start (the exercise, the accounts,
 * the first administrator, the daemon), the world thread, and shutdown.
 *
 * The world thread is the only one that touches the exercise. Its loop:
 *   1. take the acts handlers queued (srv_world_call) and `seawall act`'s
 *      (the control socket), apply each (sw_control_handle: validated,
 *      journaled, applied) and hand the answer back;
 *   2. advance the exercise to where its clock says (sw_exercise_tick);
 *   3. publish: the clock's and every team's snapshot for readers, the new
 *      events to the streams (the notes of steps 1-2, through sse.c).
 * It waits at most SRV_TICK_MS between rounds, so the clock stays smooth and
 * an act is applied within one round of arriving. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "detect/sigma.h"
#include "exercise/report_model.h"
#include "exercise/control.h"
#include "server/srv_int.h"

#define SRV_TICK_MS 100
#define SRV_FLUSH_MS 1000 /* records and alerts reach readers within a second */
#define SRV_BOARD_MS 1000 /* the scoreboard is recomputed at most this often, acts aside */

typedef struct srv_call {
    json_t *req;
    json_t *reply;
    int done;
    pthread_cond_t cond;
    struct srv_call *next;
} srv_call_t;

int64_t srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t srv_exercise_unix_ms(srv_t *s)
{
    pthread_mutex_lock(&s->ev_lock);
    int64_t at = s->clock_ms;
    pthread_mutex_unlock(&s->ev_lock);
    return sw_world_epoch_ms(s->w) + at;
}

json_t *srv_world_call(srv_t *s, json_t *req)
{
    srv_call_t c = {.req = req};
    pthread_cond_init(&c.cond, NULL);
    pthread_mutex_lock(&s->q_lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->q_lock);
        pthread_cond_destroy(&c.cond);
        json_decref(req);
        return json_pack("{s:b, s:i, s:s}", "ok", 0, "code", SW_ESTATE, "msg",
                         "the server is stopping");
    }
    if (s->q_tail)
        s->q_tail->next = &c;
    else
        s->q_head = &c;
    s->q_tail = &c;
    pthread_cond_broadcast(&s->q_cond);
    while (!c.done)
        pthread_cond_wait(&c.cond, &s->q_lock);
    pthread_mutex_unlock(&s->q_lock);
    pthread_cond_destroy(&c.cond);
    json_decref(req);
    return c.reply;
}

/* ---- snapshots ------------------------------------------------------------------ */

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* The scoreboard, recomputed at most once a second (a computation of every
 * team's score: milliseconds, but the world thread has acts waiting); a
 * change goes out on the stream (world thread). */
static void publish_board(srv_t *s, int acts)
{
    int64_t now = srv_now_ms();
    int settings = sw_exercise_scoreboard_settings(s->ex);
    if (s->snap_board && settings == s->board_settings &&
        now - s->board_wall < (acts ? SRV_BOARD_MS / 4 : SRV_BOARD_MS))
        return; /* a new setting (hidden, frozen) shows at once */
    s->board_wall = now;
    s->board_settings = settings;
    json_t *live = sw_exercise_scoreboard(s->ex, 1);
    /* what players see is the same board unless it is hidden or frozen */
    int same = live && !json_is_true(json_object_get(live, "hidden")) &&
               !json_is_true(json_object_get(live, "frozen"));
    char *board = dump(live);
    char *pub = same ? (board ? strdup(board) : NULL) : dump(sw_exercise_scoreboard(s->ex, 0));
    if (!board || !pub) {
        free(board);
        free(pub);
        return;
    }
    /* "at_ms" moves every time: compare what follows it */
    int changed = !s->snap_board || strcmp(strchr(board, ','), strchr(s->snap_board, ',')) ||
                  strcmp(strchr(pub, ','), strchr(s->snap_board_public, ','));
    pthread_mutex_lock(&s->snap_lock);
    char *ob = s->snap_board, *op = s->snap_board_public;
    s->snap_board = board;
    s->snap_board_public = pub;
    pthread_mutex_unlock(&s->snap_lock);
    free(ob);
    free(op);
    if (changed)
        srv_event_score(s, board, pub);
}

/* Rebuild every snapshot from the exercise (world thread). */
static void publish_snapshots(srv_t *s, int acts)
{
    publish_board(s, acts);
    const sw_world_t *w = s->w;
    char *clock = dump(sw_exercise_clock_json(s->ex));
    char **teams = calloc(w->n_teams ? w->n_teams : 1, sizeof *teams);
    char **truth = calloc(w->n_teams ? w->n_teams : 1, sizeof *truth);
    for (uint32_t t = 0; teams && truth && t < w->n_teams; t++)
        if (w->teams[t].kind == SW_TEAM_PLAYER) {
            teams[t] = dump(sw_exercise_team_view(s->ex, t));
            truth[t] = dump(sw_exercise_truth_json(s->ex, t));
        }
    pthread_mutex_lock(&s->ev_lock);
    s->clock_ms = sw_exercise_now(s->ex);
    pthread_mutex_unlock(&s->ev_lock);
    s->ended = sw_exercise_state(s->ex) == SW_EX_ENDED;
    pthread_mutex_lock(&s->snap_lock);
    char *old_clock = s->snap_clock;
    char **old_teams = s->snap_team, **old_truth = s->snap_truth;
    s->snap_clock = clock;
    s->snap_team = teams;
    s->snap_truth = truth;
    pthread_mutex_unlock(&s->snap_lock);
    free(old_clock);
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (old_teams)
            free(old_teams[t]);
        if (old_truth)
            free(old_truth[t]);
    }
    free(old_teams);
    free(old_truth);
}

json_t *srv_snapshot_clock(srv_t *s)
{
    pthread_mutex_lock(&s->snap_lock);
    json_t *j = s->snap_clock ? json_loads(s->snap_clock, 0, NULL) : NULL;
    pthread_mutex_unlock(&s->snap_lock);
    return j;
}

/* A copy of one team's snapshot text (truth: the ground truth's). */
static char *snap_copy(srv_t *s, int truth, uint32_t team)
{
    pthread_mutex_lock(&s->snap_lock);
    char **v = truth ? s->snap_truth : s->snap_team;
    char *t = v && team < s->w->n_teams && v[team] ? strdup(v[team]) : NULL;
    pthread_mutex_unlock(&s->snap_lock);
    return t;
}

char *srv_snapshot_team_text(srv_t *s, uint32_t team)
{
    return snap_copy(s, 0, team);
}

char *srv_snapshot_truth_text(srv_t *s, uint32_t team)
{
    return snap_copy(s, 1, team);
}

char *srv_snapshot_board_text(srv_t *s, int white)
{
    pthread_mutex_lock(&s->snap_lock);
    const char *b = white ? s->snap_board : s->snap_board_public;
    char *t = b ? strdup(b) : NULL;
    pthread_mutex_unlock(&s->snap_lock);
    return t;
}

json_t *srv_snapshot_team(srv_t *s, uint32_t team)
{
    pthread_mutex_lock(&s->snap_lock);
    json_t *j = s->snap_team && team < s->w->n_teams && s->snap_team[team]
                    ? json_loads(s->snap_team[team], 0, NULL)
                    : NULL;
    pthread_mutex_unlock(&s->snap_lock);
    return j;
}

/* ---- the world thread ------------------------------------------------------------- */

static void *world_main(void *arg)
{
    srv_t *s = arg;
    sw_errbuf_t err;
    int64_t stalled_since = 0, stalled_said = 0; /* wall ms: the exercise cannot advance */
    for (;;) {
        pthread_mutex_lock(&s->q_lock);
        if (!s->q_head && !s->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += SRV_TICK_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&s->q_cond, &s->q_lock, &until);
        }
        srv_call_t *calls = s->q_head;
        s->q_head = s->q_tail = NULL;
        int stopping = s->stopping;
        pthread_mutex_unlock(&s->q_lock);
        /* 1. acts */
        for (srv_call_t *c = calls; c;) {
            srv_call_t *next = c->next;
            char *text = json_dumps(c->req, JSON_COMPACT);
            char *ans = text ? sw_control_handle(s->ex, text, strlen(text)) : NULL;
            json_t *reply = ans ? json_loads(ans, 0, NULL) : NULL;
            free(text);
            free(ans);
            /* a new scoreboard setting is what its author reads next */
            if (sw_exercise_scoreboard_settings(s->ex) != s->board_settings)
                publish_board(s, 1);
            pthread_mutex_lock(&s->q_lock);
            c->reply = reply ? reply
                             : json_pack("{s:b, s:i, s:s}", "ok", 0, "code", SW_ENOMEM, "msg",
                                         "out of memory");
            c->done = 1;
            pthread_cond_signal(&c->cond);
            pthread_mutex_unlock(&s->q_lock);
            c = next;
        }
        if (s->control)
            sw_control_serve(s->control, s->ex);
        if (calls)
            srv_events_wake(s); /* the acts' events go out before the clock's work */
        if (stopping)
            break;
        /* 2. the clock */
        int rc =
            s->o.fast && sw_exercise_state(s->ex) == SW_EX_RUNNING
                ? sw_exercise_advance(s->ex, sw_exercise_now(s->ex) + SW_EXERCISE_STEP_MS, &err)
                : sw_exercise_tick(s->ex, &err);
        /* said once when it stops (a full disk fails every round, ten a
         * second), again each minute it stays stopped, and when it goes on */
        int64_t wall = srv_now_ms();
        if (rc && (!stalled_since || wall - stalled_said >= 60000)) {
            fprintf(stderr, "seawall serve: the exercise stopped advancing%s: %s\n",
                    stalled_since ? " (still)" : "", err.msg);
            stalled_said = wall;
            if (!stalled_since)
                stalled_since = wall;
        } else if (!rc && stalled_since) {
            fprintf(stderr, "seawall serve: the exercise advances again (stopped for %lld s)\n",
                    (long long)((wall - stalled_since) / 1000));
            stalled_since = 0;
        }
        /* 3. publish */
        publish_snapshots(s, calls != NULL);
        srv_events_wake(s);
    }
    return NULL;
}

static void on_note(const sw_ex_note_t *n, void *ud)
{
    srv_event_note(ud, n);
}

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    (void)sig;
    signalled = 1;
}

/* Room for the daemon's connections: a desktop's soft limit of 1,024 file
 * descriptors would stop accepting long before SRV_MAX_CONNS (the kernel's
 * backlog then holds everyone who connects, the bystander too). */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    rlim_t want = SRV_MAX_CONNS + 256; /* stores, journal, logs */
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
        return;
    rlim_t had = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < want)
        fprintf(stderr,
                "seawall serve: warning: %llu file descriptors allowed (ulimit -n; %llu wanted): "
                "fewer than %d people can be connected at once\n",
                (unsigned long long)(rl.rlim_cur > had ? rl.rlim_cur : had),
                (unsigned long long)want, SRV_MAX_CONNS);
}

/* The daemon, over TLS when a certificate and key are given. */
static int start_daemon(srv_t *s, sw_errbuf_t *err)
{
    raise_fd_limit();
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
    char *cert = NULL, *key = NULL;
    if (s->o.tls_cert || s->o.tls_key) {
        FILE *f;
        size_t n;
        char buf[65536];
        const char *paths[2] = {s->o.tls_cert, s->o.tls_key};
        char **dst[2] = {&cert, &key};
        for (int i = 0; i < 2; i++) {
            if (!paths[i] || !(f = fopen(paths[i], "rb")))
                return sw_seterr(err, SW_ENOENT,
                                 "TLS needs both --tls-cert and --tls-key "
                                 "(readable PEM files)");
            n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = '\0';
            *dst[i] = strdup(buf);
        }
        flags |= MHD_USE_TLS;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(s->o.port);
    if (inet_pton(AF_INET, s->o.addr, &sa.sin_addr) != 1) {
        free(cert);
        free(key);
        return sw_seterr(err, SW_EINVAL, "'%s' is not an IPv4 address to listen on", s->o.addr);
    }
    if (cert)
        s->mhd = MHD_start_daemon(
            flags, s->o.port, NULL, NULL, srv_access, s, MHD_OPTION_SOCK_ADDR, &sa,
            MHD_OPTION_THREAD_POOL_SIZE, s->o.threads, MHD_OPTION_CONNECTION_LIMIT, SRV_MAX_CONNS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, SRV_MAX_CONNS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
            120, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
            srv_completed, s, MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
            MHD_OPTION_END);
    else
        s->mhd = MHD_start_daemon(
            flags, s->o.port, NULL, NULL, srv_access, s, MHD_OPTION_SOCK_ADDR, &sa,
            MHD_OPTION_THREAD_POOL_SIZE, s->o.threads, MHD_OPTION_CONNECTION_LIMIT, SRV_MAX_CONNS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, SRV_MAX_CONNS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
            120, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
            srv_completed, s, MHD_OPTION_END);
    free(cert);
    free(key);
    if (!s->mhd)
        return sw_seterr(err, SW_EIO, "cannot listen on %s:%u (in use, or not allowed)", s->o.addr,
                         s->o.port);
    return SW_OK;
}

int sw_server_run(const sw_server_opts_t *o, volatile int *stop)
{
    srv_t *s = calloc(1, sizeof *s);
    if (!s)
        return 1;
    s->o = *o;
    if (!s->o.addr)
        s->o.addr = SW_SERVER_DEFAULT_ADDR;
    if (!s->o.port)
        s->o.port = SW_SERVER_DEFAULT_PORT;
    if (!s->o.threads)
        s->o.threads = 4;
    pthread_mutex_init(&s->q_lock, NULL);
    pthread_cond_init(&s->q_cond, NULL);
    pthread_mutex_init(&s->snap_lock, NULL);
    pthread_mutex_init(&s->accounts_lock, NULL);
    pthread_mutex_init(&s->rl_lock, NULL);
    pthread_mutex_init(&s->sess_lock, NULL);
    pthread_mutex_init(&s->report_lock, NULL);
    pthread_mutex_init(&s->kept_lock, NULL);
    srv_events_init(s);
    int status = 1, world_started = 0;
    sw_errbuf_t err;
    sw_diags_t d;
    sw_diags_init(&d);
    s->o.ex.on_note = on_note;
    s->o.ex.note_ud = s;
    if (!s->o.ex.flush_ms)
        s->o.ex.flush_ms = SRV_FLUSH_MS;
    int rc = sw_exercise_open(&s->o.ex, &s->ex, &d, &err);
    sw_diags_print(&d, stderr);
    sw_diags_free(&d);
    if (rc) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        goto done;
    }
    s->w = sw_exercise_world(s->ex);
    if (sw_exercise_read_info(s->o.ex.db, &s->info, &err)) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        goto done;
    }
    if (sw_accounts_open(s->o.ex.db, &s->accounts, &err)) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        goto done;
    }
    char pw[64] = "";
    if (srv_first_admin(s, pw, sizeof pw, &err)) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        goto done;
    }
    if (sw_control_open(s->o.ex.db, (sw_control_t **)&s->control, &err) && !s->o.quiet)
        fprintf(stderr, "seawall serve: %s (seawall act will not reach this server)\n", err.msg);
    sw_ex_reply_t rp;
    if (sw_exercise_state(s->ex) == SW_EX_NOT_STARTED && !s->o.paused &&
        sw_exercise_clock(s->ex, "system", SW_CLOCK_START, 0, &rp))
        fprintf(stderr, "seawall serve: %s\n", rp.msg);
    publish_snapshots(s, 1);
    if (srv_work_start(s)) {
        fprintf(stderr, "seawall serve: cannot start the worker threads\n");
        goto done;
    }
    if (start_daemon(s, &err)) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        goto done;
    }
    if (pthread_create(&s->world, NULL, world_main, s)) {
        fprintf(stderr, "seawall serve: cannot start the world thread\n");
        goto done;
    }
    world_started = 1;
    char t[32], u[32];
    printf("seawall serve: %s (%s, seed %llu) %s at %s of %s\n", s->o.ex.db,
           sw_exercise_scenario(s->ex), (unsigned long long)sw_exercise_seed(s->ex),
           sw_exercise_resumed(s->ex) ? "resumed" : "new",
           sw_format_ex_time(sw_exercise_now(s->ex), t, sizeof t),
           sw_format_ex_time(sw_exercise_until(s->ex), u, sizeof u));
    if (*pw)
        printf("first start: administrator 'admin', password %s (shown once; change it)\n", pw);
    printf("open http%s://%s:%u/ in a browser (Ctrl-C stops; the exercise resumes next time)\n",
           s->o.tls_cert ? "s" : "", s->o.addr, s->o.port);
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!signalled && !(stop && *stop))
        usleep(100000);
    status = 0;
done:
    pthread_mutex_lock(&s->q_lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->q_cond);
    pthread_mutex_unlock(&s->q_lock);
    srv_events_wake(s);
    if (world_started)
        pthread_join(s->world, NULL);
    srv_work_stop(s);
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    srv_readers_close(s); /* no thread takes one any more */
    sw_control_close(s->control);
    free(s->snap_clock);
    for (uint32_t i = 0; s->w && i < s->w->n_teams; i++) {
        if (s->snap_team)
            free(s->snap_team[i]);
        if (s->snap_truth)
            free(s->snap_truth[i]);
    }
    free(s->snap_team);
    free(s->snap_truth);
    free(s->snap_board);
    free(s->snap_board_public);
    if (s->ex && sw_exercise_close(s->ex, &err) && !status) {
        fprintf(stderr, "seawall serve: %s\n", err.msg);
        status = 1;
    }
    sw_accounts_close(s->accounts);
    srv_events_free(s);
    srv_sessions_free(s);
    sw_sigma_set_free(s->rules);
    free(s->rl);
    free(s);
    return status;
}
