/* test_exercise.c — the exercise runtime (src/exercise/): commands checked
 * and resolved as players name things, the clock's state machine on a fake
 * wall clock, acts journaled at the exercise time they take effect, and
 * the promise everything else stands on: an exercise is a pure function of
 * (scenario, seed, journal) — chunked any way, stopped and resumed, or
 * replayed to a moment, it ends in the same state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "exercise/control.h"
#include "exercise/exercise.h"
#include "sim_fixture.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

/* ---- a fake wall clock ------------------------------------------------------ */

static int64_t fake_now(void *ud)
{
    return *(int64_t *)ud;
}

static sw_exercise_t *open_world(const sw_world_t *w, int64_t *wall)
{
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.world = w;
    o.telemetry = 0;
    o.now = fake_now;
    o.now_ud = wall;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    assert_int_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
    return ex;
}

static int act(sw_exercise_t *ex, const char *team, const char *action, const char *host,
               const char *value, sw_ex_reply_t *rp)
{
    sw_ex_action_t a = {"tester", team, action, host, value, NULL, NULL, 0};
    return sw_exercise_action(ex, &a, rp);
}

/* ---- names as players give them ----------------------------------------------- */

static void hosts_are_named_as_the_logs_name_them(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    /* hostname in any case, an FQDN, the IP */
    assert_int_equal(act(ex, "blue", "isolate", "WS01", NULL, &rp), SW_OK);
    assert_non_null(strstr(rp.msg, "isolate ws01 for blue"));
    assert_int_equal(act(ex, "BLUE", "release", "ws01.gov.example", NULL, &rp), SW_OK);
    assert_int_equal(act(ex, "blue", "enhanced-logging", "10.0.1.11", NULL, &rp), SW_OK);
    /* a typo gets the right name */
    assert_int_equal(act(ex, "blue", "isolate", "WS011", NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "did you mean ws01?"));
    /* another team's host is not the acting team's to touch */
    assert_int_equal(act(ex, "green", "isolate", "ws01", NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "belongs to blue, not to green"));
    /* an unknown team, with the teams there are */
    assert_int_equal(act(ex, "blu", "isolate", "ws01", NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "did you mean blue?"));
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

static void accounts_in_every_form_the_logs_show(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    assert_int_equal(act(ex, "blue", "reset-password", NULL, "GOV\\alice", &rp), SW_OK);
    assert_non_null(strstr(rp.msg, "reset-password alice"));
    assert_int_equal(act(ex, "blue", "disable-account", NULL, "Carol.Adm@gov.example", &rp), SW_OK);
    assert_non_null(strstr(rp.msg, "carol.adm"));
    /* reset-password of an account nobody has was "applied" before */
    assert_int_equal(act(ex, "blue", "reset-password", NULL, "alcie", &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "did you mean alice?"));
    assert_int_equal(act(ex, "blue", "reset-password", NULL, "krbtgt", &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "reset-krbtgt"));
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

static void values_are_checked_before_anything_is_journaled(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    assert_int_equal(act(ex, "blue", "block-ip", NULL, "10.0.0", &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "not an IP address"));
    assert_int_equal(act(ex, "blue", "block-ip", NULL, NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "needs an IP address"));
    assert_int_equal(act(ex, "blue", "block-domain", NULL, "not a domain", &rp), SW_EINVAL);
    assert_int_equal(act(ex, "blue", "patch", "vpn01", "CVE-2020-0001", &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "its known ones: CVE-2023-46805"));
    assert_int_equal(act(ex, "blue", "patch", "vpn01", "cve-2023-46805", &rp), SW_OK);
    assert_int_equal(act(ex, "blue", "isolate", NULL, NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "needs a host"));
    assert_int_equal(act(ex, "blue", "block-ip", "ws01", "1.2.3.4", &rp), SW_EINVAL);
    assert_int_equal(act(ex, "blue", "teleport", "ws01", NULL, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "unknown action 'teleport'; one of: isolate"));
    sw_ex_action_t port = {"t", "blue", "block-port", NULL, NULL, NULL, NULL, 70000};
    assert_int_equal(sw_exercise_action(ex, &port, &rp), SW_EINVAL);
    port.port = 8443;
    assert_int_equal(sw_exercise_action(ex, &port, &rp), SW_OK);
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

/* An isolation says what it takes down, as the confirmation a player sees. */
static void an_isolation_names_its_cost(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    assert_int_equal(act(ex, "blue", "isolate", "mail01", NULL, &rp), SW_OK);
    assert_non_null(strstr(rp.msg, "takes down: "));
    assert_non_null(strstr(rp.msg, w->business[0].name ? w->business[0].name : "email"));
    assert_int_equal(rp.effect_ms - rp.at_ms, 2 * MIN);
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

/* An incident report names real techniques and the team's own hosts. */
static void reports_are_checked_against_attck_and_the_network(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    const char *tech[] = {"T1003.003", "T1505.003"};
    const char *hosts[] = {"DC01", "vpn01.gov.example"};
    sw_ex_indicator_t ind[] = {{"ipv4-addr", "203.0.113.45"}};
    sw_ex_report_t r = {
        "NTDS copied from the DC", "narrative", "INC-1", tech, 2, hosts, 2, ind, 1, NULL, 0};
    assert_int_equal(sw_exercise_report(ex, "lead", "blue", &r, &rp), SW_OK);
    assert_non_null(strstr(rp.msg, "2 techniques, 2 hosts, 1 indicators"));
    const char *bad_tech[] = {"T9999"};
    r.techniques = bad_tech;
    r.n_techniques = 1;
    assert_int_equal(sw_exercise_report(ex, "lead", "blue", &r, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "'T9999' is not an ATT&CK technique id"));
    r.techniques = tech;
    const char *bad_host[] = {"DC1"};
    r.hosts = bad_host;
    r.n_hosts = 1;
    assert_int_equal(sw_exercise_report(ex, "lead", "blue", &r, &rp), SW_EINVAL);
    assert_non_null(strstr(rp.msg, "did you mean dc01?"));
    r.hosts = hosts;
    r.title = "";
    assert_int_equal(sw_exercise_report(ex, "lead", "blue", &r, &rp), SW_EINVAL);
    assert_int_equal(sw_exercise_message(ex, "wc", NULL, "", &rp), SW_EINVAL);
    assert_int_equal(sw_exercise_message(ex, "wc", NULL, "lunch", &rp), SW_OK);
    assert_int_equal(sw_exercise_hint(ex, "wc", "green", "look at the VPN", &rp), SW_OK);
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

/* ---- the clock ----------------------------------------------------------------- */

static void the_clock_follows_the_wall_at_its_speed(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 1000000;
    sw_exercise_t *ex = open_world(w, &wall);
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    assert_int_equal(sw_exercise_state(ex), SW_EX_NOT_STARTED);
    /* not started: the clock does not move */
    wall += 60000;
    assert_int_equal(sw_exercise_tick(ex, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 0);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_PAUSE, 0, &rp), SW_ESTATE);
    assert_non_null(strstr(rp.msg, "not started"));
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp), SW_OK);
    /* 30 wall seconds at 60x: 30 exercise minutes */
    wall += 30000;
    assert_int_equal(sw_exercise_tick(ex, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 30 * MIN);
    /* a pause lands where the clock is, then nothing moves */
    wall += 1000;
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_PAUSE, 0, &rp), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 31 * MIN);
    wall += 600000;
    assert_int_equal(sw_exercise_tick(ex, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 31 * MIN);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_RESUME, 0, &rp), SW_OK);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_SPEED, 0, &rp), SW_EINVAL);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_SPEED, 3600, &rp), SW_OK);
    wall += 2000;
    assert_int_equal(sw_exercise_tick(ex, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 31 * MIN + 2 * HOUR);
    /* the end of the exercise ends the clock, and then nothing is done */
    wall += 3600000;
    assert_int_equal(sw_exercise_tick(ex, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), sw_exercise_until(ex));
    assert_int_equal(sw_exercise_state(ex), SW_EX_ENDED);
    assert_int_equal(act(ex, "blue", "isolate", "ws01", NULL, &rp), SW_ESTATE);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_RESUME, 0, &rp), SW_ESTATE);
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

/* ---- a pure function of (scenario, seed, journal) --------------------------------- */

static char *tmpdb(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", getenv("SW_TEST_TMP") ? getenv("SW_TEST_TMP") : "/tmp", name);
    sw_errbuf_t err;
    sw_store_remove(buf, &err);
    return buf;
}

typedef struct seen {
    uint64_t alerts, acts, replayed;
} seen_t;

static void count_note(const sw_ex_note_t *n, void *ud)
{
    seen_t *s = ud;
    s->alerts += n->kind == SW_EXN_ALERT;
    s->acts += n->kind == SW_EXN_ACT;
    s->replayed += n->replaying;
}

static sw_exercise_t *open_db(const char *db, sw_ex_how_t how, int64_t *wall, seen_t *seen)
{
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = how;
    o.db = db;
    o.scenario = "tutorial";
    o.now = fake_now;
    o.now_ud = wall;
    o.on_note = count_note;
    o.note_ud = seen;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    int rc = sw_exercise_open(&o, &ex, NULL, &err);
    if (rc)
        fail_msg("open %s: %s", db, err.msg);
    return ex;
}

static const char *const tutorial_isolate = "NSO-WS03";

/* The tutorial played with two acts, advanced in the steps given (ms; 0
 * ends the list), then to the end; returns the state hash. */
static uint64_t play_in_steps(const char *db, const int64_t *steps)
{
    int64_t wall = 0;
    seen_t seen = {0};
    sw_exercise_t *ex = open_db(db, SW_EXO_CREATE, &wall, &seen);
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_START, 0, &rp), SW_OK);
    int64_t t = 0;
    for (int i = 0; steps[i]; i++) {
        t += steps[i];
        assert_int_equal(sw_exercise_advance(ex, t, &err), SW_OK);
        if (t >= 6 * MIN && t - steps[i] < 6 * MIN) {
            sw_ex_action_t a = {"analyst", "trainee", "isolate", tutorial_isolate,
                                NULL,      NULL,      NULL,      0};
            sw_exercise_action(ex, &a, &rp);
        }
    }
    assert_int_equal(sw_exercise_advance(ex, sw_exercise_until(ex), &err), SW_OK);
    uint64_t h = sw_exercise_state_hash(ex);
    sw_exercise_close(ex, NULL);
    return h;
}

static void chunking_does_not_change_the_exercise(void **state)
{
    (void)state;
    char a[512], b[512];
    const int64_t coarse[] = {6 * MIN, 0};
    const int64_t fine[] = {2 * MIN, 4 * MIN, 1, 59999, 7 * MIN + 17, 0};
    uint64_t h1 = play_in_steps(tmpdb(a, sizeof a, "ex_chunk_a.db"), coarse);
    uint64_t h2 = play_in_steps(tmpdb(b, sizeof b, "ex_chunk_b.db"), fine);
    assert_int_equal(h1, h2);
    sw_errbuf_t err;
    sw_store_remove(a, &err);
    sw_store_remove(b, &err);
}

static void a_resumed_exercise_is_where_it_stopped(void **state)
{
    (void)state;
    char db[512], ref[512];
    tmpdb(db, sizeof db, "ex_resume.db");
    tmpdb(ref, sizeof ref, "ex_resume_ref.db");
    int64_t wall = 0;
    seen_t seen = {0};
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    /* played to T+00:45 with an act, then stopped */
    sw_exercise_t *ex = open_db(db, SW_EXO_CREATE, &wall, &seen);
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp), SW_OK);
    assert_int_equal(sw_exercise_advance(ex, 7 * MIN, &err), SW_OK);
    sw_ex_action_t a = {"analyst", "trainee", "isolate", tutorial_isolate, NULL, NULL, NULL, 0};
    assert_int_equal(sw_exercise_action(ex, &a, &rp), SW_OK);
    assert_int_equal(rp.at_ms, 7 * MIN);
    assert_int_equal(sw_exercise_advance(ex, 19 * MIN, &err), SW_OK);
    uint64_t h19 = sw_exercise_state_hash(ex);
    assert_int_equal(sw_exercise_close(ex, &err), SW_OK);
    /* resumed: same moment, same state, same clock */
    seen_t s2 = {0};
    ex = open_db(db, SW_EXO_OPEN, &wall, &s2);
    assert_true(sw_exercise_resumed(ex));
    assert_int_equal(sw_exercise_now(ex), 19 * MIN);
    assert_int_equal(sw_exercise_state(ex), SW_EX_RUNNING);
    assert_true(sw_exercise_speed(ex) == 60);
    assert_int_equal(sw_exercise_state_hash(ex), h19);
    assert_true(s2.replayed > 0);
    /* a second start is refused: it is running */
    assert_int_equal(sw_exercise_clock(ex, "wc", SW_CLOCK_START, 0, &rp), SW_ESTATE);
    assert_int_equal(sw_exercise_advance(ex, sw_exercise_until(ex), &err), SW_OK);
    uint64_t resumed = sw_exercise_state_hash(ex);
    sw_ex_team_stats_t st_resumed;
    sw_exercise_team_stats(ex, 0, &st_resumed);
    sw_exercise_close(ex, NULL);
    /* the same acts without a stop */
    seen_t s3 = {0};
    ex = open_db(ref, SW_EXO_CREATE, &wall, &s3);
    sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp);
    sw_exercise_advance(ex, 7 * MIN, &err);
    sw_exercise_action(ex, &a, &rp);
    sw_exercise_advance(ex, sw_exercise_until(ex), &err);
    assert_int_equal(sw_exercise_state_hash(ex), resumed);
    sw_ex_team_stats_t st_ref;
    sw_exercise_team_stats(ex, 0, &st_ref);
    assert_int_equal(st_ref.records, st_resumed.records);
    assert_int_equal(st_ref.record_hash, st_resumed.record_hash);
    /* and the stores hold the same number of records */
    int64_t n_ref = 0, n_res = 0;
    sw_store_count(sw_exercise_team_store(ex, 0), &n_ref, &err);
    sw_exercise_close(ex, NULL);
    ex = open_db(db, SW_EXO_RESUME, &wall, &s3);
    sw_store_count(sw_exercise_team_store(ex, 0), &n_res, &err);
    assert_int_equal(n_res, n_ref);
    assert_int_equal((uint64_t)n_ref, st_ref.records);
    sw_exercise_close(ex, NULL);
    sw_store_remove(db, &err);
    sw_store_remove(ref, &err);
}

/* A crash between flushes: the act was journaled (and acknowledged) after
 * the progress written last. On resume it is applied, at its time, not
 * dropped; the clock goes on from it; and acts made after the resume can
 * be replayed again (the journal's times never go back). */
static void an_act_after_the_last_flush_survives_a_crash(void **state)
{
    (void)state;
    char db[512], ref[512];
    tmpdb(db, sizeof db, "ex_crash.db");
    tmpdb(ref, sizeof ref, "ex_crash_ref.db");
    sw_ex_action_t a = {"analyst", "trainee", "isolate", tutorial_isolate, NULL, NULL, NULL, 0};
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    pid_t pid = fork();
    if (pid == 0) { /* played with a flush at most once a minute, then killed */
        int64_t wall = 0;
        seen_t seen = {0};
        sw_exercise_opts_t o;
        sw_exercise_opts_init(&o);
        o.how = SW_EXO_CREATE;
        o.db = db;
        o.scenario = "tutorial";
        o.now = fake_now;
        o.now_ud = &wall;
        o.on_note = count_note;
        o.note_ud = &seen;
        o.flush_ms = 60000;
        sw_exercise_t *ex = NULL;
        if (sw_exercise_open(&o, &ex, NULL, &err) ||
            sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp) ||
            sw_exercise_advance(ex, 7 * MIN, &err) || sw_exercise_action(ex, &a, &rp) ||
            sw_exercise_advance(ex, 8 * MIN, &err))
            _exit(1);
        _exit(0); /* no close: nothing flushed since the start */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int64_t wall = 0;
    seen_t s1 = {0};
    sw_exercise_t *ex = open_db(db, SW_EXO_OPEN, &wall, &s1);
    assert_true(sw_exercise_now(ex) >= 7 * MIN); /* not before the act */
    int64_t resumed_at = sw_exercise_now(ex);
    uint64_t h = sw_exercise_state_hash(ex);
    /* a new act now, then stop and resume again: it replays */
    sw_ex_action_t b = {"analyst", "trainee", "block-domain", NULL, "survey-results.example",
                        NULL, NULL, 0};
    assert_int_equal(sw_exercise_action(ex, &b, &rp), SW_OK);
    assert_true(rp.at_ms >= 7 * MIN);
    assert_int_equal(sw_exercise_close(ex, &err), SW_OK);
    seen_t s2 = {0};
    ex = open_db(db, SW_EXO_OPEN, &wall, &s2);
    assert_int_equal(sw_exercise_advance(ex, sw_exercise_until(ex), &err), SW_OK);
    uint64_t end = sw_exercise_state_hash(ex);
    sw_exercise_close(ex, NULL);
    /* the same acts at the same times, without a crash */
    seen_t s3 = {0};
    ex = open_db(ref, SW_EXO_CREATE, &wall, &s3);
    sw_exercise_clock(ex, "wc", SW_CLOCK_START, 60, &rp);
    sw_exercise_advance(ex, 7 * MIN, &err);
    assert_int_equal(sw_exercise_action(ex, &a, &rp), SW_OK);
    assert_int_equal(sw_exercise_advance(ex, resumed_at, &err), SW_OK);
    assert_int_equal(sw_exercise_state_hash(ex), h);
    assert_int_equal(sw_exercise_action(ex, &b, &rp), SW_OK);
    sw_exercise_advance(ex, sw_exercise_until(ex), &err);
    assert_int_equal(sw_exercise_state_hash(ex), end);
    sw_exercise_close(ex, NULL);
    sw_store_remove(db, &err);
    sw_store_remove(ref, &err);
}

static void replay_until_is_the_live_state_then(void **state)
{
    (void)state;
    char db[512];
    tmpdb(db, sizeof db, "ex_replay.db");
    int64_t wall = 0;
    seen_t seen = {0};
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    sw_exercise_t *ex = open_db(db, SW_EXO_CREATE, &wall, &seen);
    sw_exercise_clock(ex, "wc", SW_CLOCK_START, 0, &rp);
    sw_exercise_advance(ex, 5 * MIN, &err);
    sw_ex_action_t a = {"analyst", "trainee", "isolate", tutorial_isolate, NULL, NULL, NULL, 0};
    assert_int_equal(sw_exercise_action(ex, &a, &rp), SW_OK);
    assert_int_equal(sw_exercise_advance(ex, 17 * MIN + 30000, &err), SW_OK);
    uint64_t at17 = sw_exercise_state_hash(ex);
    sw_exercise_advance(ex, sw_exercise_until(ex), &err);
    sw_exercise_close(ex, NULL);
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_REPLAY;
    o.db = db;
    o.replay_ms = 17 * MIN + 30000;
    ex = NULL;
    assert_int_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
    assert_int_equal(sw_exercise_now(ex), 17 * MIN + 30000);
    assert_int_equal(sw_exercise_state_hash(ex), at17);
    sw_exercise_close(ex, NULL);
    sw_store_remove(db, &err);
}

/* What is not a seawall database is never used or replaced. */
static void another_file_is_never_replaced(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/ex_notes.txt",
             getenv("SW_TEST_TMP") ? getenv("SW_TEST_TMP") : "/tmp");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("minister's notes\n", f);
    fclose(f);
    int64_t wall = 0;
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.db = p;
    o.scenario = "tutorial";
    o.now = fake_now;
    o.now_ud = &wall;
    sw_errbuf_t err;
    for (int how = SW_EXO_OPEN; how <= SW_EXO_REPLACE; how++) {
        o.how = (sw_ex_how_t)how;
        sw_exercise_t *ex = NULL;
        assert_int_not_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
        assert_null(ex);
    }
    assert_non_null(strstr(err.msg, "not a seawall database"));
    char buf[64] = "";
    f = fopen(p, "r");
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "minister's notes\n");
    unlink(p);
}

/* Sharing the same records twice copies them once. */
static void a_share_is_not_copied_twice(void **state)
{
    (void)state;
    char db[512];
    tmpdb(db, sizeof db, "ex_share.db");
    int64_t wall = 0;
    seen_t seen = {0};
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.db = db;
    o.scenario = "pacific-cable";
    o.now = fake_now;
    o.now_ud = &wall;
    o.on_note = count_note;
    o.note_ud = &seen;
    sw_exercise_t *ex = NULL;
    assert_int_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
    sw_exercise_clock(ex, "wc", SW_CLOCK_START, 0, &rp);
    sw_exercise_advance(ex, 30 * MIN, &err);
    int64_t before = 0, after1 = 0, after2 = 0;
    uint32_t palau = sw_exercise_find_team(ex, "palau", NULL, 0);
    sw_store_count(sw_exercise_team_store(ex, palau), &before, &err);
    assert_int_equal(sw_exercise_share_records(ex, "a", "nauru", "palau",
                                               "EventID:4624 | count by Computer", 10, 0, &rp),
                     SW_EINVAL); /* an aggregate names no records */
    assert_int_equal(
        sw_exercise_share_records(ex, "a", "nauru", "palau", "EventID:4624", 100000, 0, &rp),
        SW_OK);
    sw_store_count(sw_exercise_team_store(ex, palau), &after1, &err);
    assert_true(after1 > before);
    assert_int_equal(
        sw_exercise_share_records(ex, "a", "nauru", "palau", "EventID:4624", 100000, 0, &rp),
        SW_EINVAL);
    assert_non_null(strstr(rp.msg, "already shared"));
    sw_store_count(sw_exercise_team_store(ex, palau), &after2, &err);
    assert_int_equal(after2, after1);
    sw_exercise_close(ex, NULL);
    sw_store_remove(db, &err);
}

/* ---- the control channel's requests ------------------------------------------------ */

static void requests_are_answered_and_bad_ones_refused_by_name(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    int64_t wall = 0;
    sw_exercise_t *ex = open_world(w, &wall);
    const char *reqs[][2] = {
        {"{\"op\":\"action\",\"team\":\"blue\",\"action\":\"isolate\",\"host\":\"WS02\"}",
         "\"ok\":true"},
        {"{\"op\":\"action\",\"team\":\"blue\",\"action\":\"isolate\",\"hots\":\"WS02\"}",
         "unknown field \\\"hots\\\""},
        {"{\"op\":\"clock\",\"what\":\"start\"}", "\"ok\":true"},
        {"{\"op\":\"clock\",\"what\":\"stop\"}", "clock what?"},
        {"{\"op\":\"inject\",\"id\":\"nope\"}", "no inject 'nope'"},
        {"{\"op\":\"launch\"}", "unknown op 'launch'"},
        {"[1,2]", "not a JSON object"},
        {"{\"op\":\"action\",\"op\":\"clock\"}", "not a JSON object"},
        {"{\"op\":\"deploy\",\"team\":\"blue\",\"yaml\":\"title: x\"}",
         "need an exercise database"},
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        char *ans = sw_control_handle(ex, reqs[i][0], strlen(reqs[i][0]));
        if (!ans)
            fail_msg("request %s: no answer", reqs[i][0]);
        if (!strstr(ans, reqs[i][1]))
            fail_msg("request %s: answer %s has no %s", reqs[i][0], ans, reqs[i][1]);
        free(ans);
    }
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hosts_are_named_as_the_logs_name_them),
        cmocka_unit_test(accounts_in_every_form_the_logs_show),
        cmocka_unit_test(values_are_checked_before_anything_is_journaled),
        cmocka_unit_test(an_isolation_names_its_cost),
        cmocka_unit_test(reports_are_checked_against_attck_and_the_network),
        cmocka_unit_test(the_clock_follows_the_wall_at_its_speed),
        cmocka_unit_test(chunking_does_not_change_the_exercise),
        cmocka_unit_test(a_resumed_exercise_is_where_it_stopped),
        cmocka_unit_test(an_act_after_the_last_flush_survives_a_crash),
        cmocka_unit_test(replay_until_is_the_live_state_then),
        cmocka_unit_test(another_file_is_never_replaced),
        cmocka_unit_test(a_share_is_not_copied_twice),
        cmocka_unit_test(requests_are_answered_and_bad_ones_refused_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
