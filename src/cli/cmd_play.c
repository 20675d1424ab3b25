/* cmd_play.c — `seawall play`: a live exercise in the foreground, for a
 * tabletop with one laptop, and the test driver of everything live.
 *
 * It opens the exercise in the database (a new one, or the one there,
 * resumed exactly where it stopped), starts the clock unless --paused, and
 * then loops: answer `seawall act` requests waiting on the control socket,
 * advance the exercise to where its clock says, print what happened. The
 * loop's wait is bounded so the clock stays smooth at any speed; --fast
 * runs the clock as fast as the machine can (rehearsals, tests). Ctrl-C
 * (SIGINT) or SIGTERM stops it cleanly; a SIGKILL loses nothing
 * acknowledged either: the next `play` resumes from the journal. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/term_text.h"
#include "core/text.h"
#include "exercise/control.h"

#define PLAY_TICK_MS 200 /* the longest the loop waits */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct console {
    const sw_world_t *w;
    int verbose; /* the white cell's view: adversary steps too */
    int quiet;
    uint64_t replayed;
    int64_t last_status_ms;  /* exercise time of the last status line */
    double last_status_wall; /* and the monotonic clock then */
} console_t;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *team_id(const sw_world_t *w, uint32_t t)
{
    return t < w->n_teams ? w->teams[t].id : "all";
}

static const char *host_name(const sw_world_t *w, uint32_t h)
{
    return h < w->n_hosts ? w->hosts[h].hostname : "-";
}

static void on_note(const sw_ex_note_t *n, void *ud)
{
    console_t *c = ud;
    if (n->replaying) {
        c->replayed++;
        return;
    }
    if (c->quiet)
        return;
    const sw_world_t *w = c->w;
    char t[32];
    sw_format_ex_time(n->at_ms, t, sizeof t);
    switch (n->kind) {
    case SW_EXN_ACT:
        /* the payload can quote players (chat, reports, queries): escaped */
        sw_term_printf(stdout, "%s  #%lld %s %s by %s%s%s\n", t, (long long)n->act->seq,
                       n->act->kind,
                       n->act->payload && strlen(n->act->payload) < 160 ? n->act->payload : "",
                       n->act->actor, *n->act->team ? " for " : "", n->act->team);
        break;
    case SW_EXN_ALERT:
        sw_term_printf(stdout, "%s  %s alert: %s \"%s\" on %s (rule %s, author %s)\n", t,
                       team_id(w, n->team), *n->alert->level ? n->alert->level : "-",
                       n->alert->title, *n->alert->host ? n->alert->host : "-", n->alert->rule_id,
                       *n->alert->author ? n->alert->author : "unknown");
        break;
    case SW_EXN_SIM: {
        const sw_sim_event_t *ev = n->ev;
        switch (ev->type) {
        case SW_SEV_INJECT:
            printf("%s  inject %s to %s: %s\n", t, w->injects[ev->inject].id, team_id(w, ev->team),
                   ev->detail ? ev->detail : "");
            break;
        case SW_SEV_ACTION:
            printf("%s  %s: %s %s done\n", t, team_id(w, ev->team), sw_action_names[ev->action],
                   ev->host < w->n_hosts ? host_name(w, ev->host) : (ev->detail ? ev->detail : ""));
            break;
        case SW_SEV_ACTION_FAILED:
            printf("%s  %s: %s %s failed: %s\n", t, team_id(w, ev->team),
                   ev->action >= 0 ? sw_action_names[ev->action] : "action", host_name(w, ev->host),
                   ev->detail ? ev->detail : "");
            break;
        case SW_SEV_BUSINESS_DOWN:
        case SW_SEV_BUSINESS_DEGRADED:
        case SW_SEV_BUSINESS_UP:
            printf("%s  %s: %s is %s%s%s\n", t, team_id(w, ev->team),
                   ev->business < w->n_business ? w->business[ev->business].name : "a service",
                   ev->type == SW_SEV_BUSINESS_UP     ? "up"
                   : ev->type == SW_SEV_BUSINESS_DOWN ? "DOWN"
                                                      : "degraded",
                   ev->detail && ev->type != SW_SEV_BUSINESS_UP ? ": " : "",
                   ev->detail && ev->type != SW_SEV_BUSINESS_UP ? ev->detail : "");
            break;
        case SW_SEV_LINK_DOWN:
        case SW_SEV_LINK_UP:
            printf("%s  link %s is %s%s%s\n", t,
                   ev->link < w->n_links ? w->links[ev->link].name : "?",
                   ev->type == SW_SEV_LINK_UP ? "up" : "DOWN", ev->detail ? ": " : "",
                   ev->detail ? ev->detail : "");
            break;
        case SW_SEV_OBJECTIVE:
            if (c->verbose)
                printf("%s  [white cell] %s reached objective %s\n", t,
                       w->adversaries[ev->adversary].id,
                       w->adversaries[ev->adversary].objectives[ev->objective].id);
            break;
        case SW_SEV_STEP:
            if (c->verbose && ev->outcome == SW_OUT_SUCCESS)
                printf("%s  [white cell] %s %s on %s: %s\n", t, w->adversaries[ev->adversary].id,
                       ev->technique ? ev->technique : "", host_name(w, ev->host),
                       ev->procedure ? ev->procedure : "");
            break;
        default:
            break;
        }
        break;
    }
    case SW_EXN_CLOCK:
    case SW_EXN_PROGRESS:
        break;
    }
}

static void status_line(sw_exercise_t *ex, const console_t *c)
{
    char t[32], u[32];
    printf("%s  clock: %s, %gx, ends at %s\n", sw_format_ex_time(sw_exercise_now(ex), t, sizeof t),
           sw_ex_state_names[sw_exercise_state(ex)], sw_exercise_speed(ex),
           sw_format_ex_time(sw_exercise_until(ex), u, sizeof u));
    (void)c;
    fflush(stdout);
}

int cmd_play(sw_cli_t *a)
{
    const char *db = sw_cli_db(a);
    console_t con = {.verbose = a->verbose, .quiet = a->quiet, .last_status_ms = -1};
    sw_exercise_t *ex = NULL;
    sw_control_t *ctl = NULL;
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    int status = sw_cli_open(a, db, a->replace ? SW_EXO_REPLACE : SW_EXO_OPEN, SW_CLI_TELEMETRY,
                             on_note, &con, &ex);
    if (status)
        return status;
    status = 1;
    con.w = sw_exercise_world(ex);
    char t[32];
    if (sw_exercise_resumed(ex)) {
        printf("resumed %s: %s, seed %llu, at %s (%s; %llu events replayed from the journal)\n", db,
               sw_exercise_scenario(ex), (unsigned long long)sw_exercise_seed(ex),
               sw_format_ex_time(sw_exercise_now(ex), t, sizeof t),
               sw_ex_state_names[sw_exercise_state(ex)], (unsigned long long)con.replayed);
        if (a->scenario || a->has_seed)
            fprintf(stderr,
                    "seawall play: --scenario and --seed apply to a new exercise; %s "
                    "keeps its own\n",
                    db);
    } else {
        printf("new exercise %s: %s, seed %llu, %s long\n", db, sw_exercise_scenario(ex),
               (unsigned long long)sw_exercise_seed(ex),
               sw_format_ex_time(sw_exercise_until(ex), t, sizeof t));
    }
    if (sw_cli_attach_defenders(a, ex))
        goto done;
    if (sw_control_open(db, &ctl, &err)) {
        fprintf(stderr, "seawall play: %s\n", err.msg);
        goto done;
    }
    if (sw_exercise_state(ex) == SW_EX_ENDED) {
        printf("the exercise has ended: see `seawall replay --db %s`, hunt in its records, or "
               "start a new one with another --db\n",
               db);
        status = 0;
        goto done;
    }
    if (a->has_speed && sw_exercise_clock(ex, sw_cli_actor(a), SW_CLOCK_SPEED, a->speed, &rp))
        fprintf(stderr, "seawall play: %s\n", rp.msg);
    if (sw_exercise_state(ex) == SW_EX_NOT_STARTED && !a->paused &&
        sw_exercise_clock(ex, sw_cli_actor(a), SW_CLOCK_START, 0, &rp)) {
        fprintf(stderr, "seawall play: %s\n", rp.msg);
        goto done;
    }
    printf("act from another shell: seawall act --db %s --team TEAM isolate HOST "
           "(seawall act --help)\n",
           db);
    status_line(ex, &con);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!stop_requested && sw_exercise_state(ex) != SW_EX_ENDED) {
        int wait = a->fast && sw_exercise_state(ex) == SW_EX_RUNNING ? 0 : PLAY_TICK_MS;
        struct pollfd p = {sw_control_fd(ctl), POLLIN, 0};
        poll(&p, 1, wait);
        sw_control_serve(ctl, ex);
        int rc;
        if (a->fast && sw_exercise_state(ex) == SW_EX_RUNNING)
            rc = sw_exercise_advance(ex, sw_exercise_now(ex) + SW_EXERCISE_STEP_MS, &err);
        else
            rc = sw_exercise_tick(ex, &err);
        if (rc) {
            fprintf(stderr, "seawall play: %s\n", err.msg);
            goto done;
        }
        /* a status line every quarter of an exercise hour, at most every 5 s */
        int64_t now = sw_exercise_now(ex);
        if (!a->quiet && now / (15 * 60000) != con.last_status_ms / (15 * 60000) &&
            mono_s() - con.last_status_wall >= 5 && sw_exercise_state(ex) != SW_EX_ENDED) {
            con.last_status_ms = now;
            con.last_status_wall = mono_s();
            status_line(ex, &con);
        }
        fflush(stdout);
    }
    status_line(ex, &con);
    if (stop_requested)
        printf("stopped; `seawall play --db %s` resumes the exercise where it is\n", db);
    status = 0;
done:
    sw_control_close(ctl);
    if (sw_exercise_close(ex, &err) && !status) {
        fprintf(stderr, "seawall play: %s\n", err.msg);
        status = 1;
    }
    return status;
}
