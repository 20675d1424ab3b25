/* test_defender.c — the scripted defender: parsing (names resolved, errors
 * located, a key given twice refused), and played by the exercise runtime:
 * timed actions issued, rules reacting to what is seen, once per host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exercise/exercise.h"
#include "scenario/defender.h"
#include "sim/sim.h"
#include "sim_fixture.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

typedef struct ctx {
    int isolated_ws, actions, first_isolate_after_phish_ok;
    int64_t phish_at, first_isolate_at;
} ctx_t;

static void on_note(const sw_ex_note_t *n, void *ud)
{
    ctx_t *c = ud;
    if (n->kind != SW_EXN_SIM)
        return;
    const sw_sim_event_t *ev = n->ev;
    if (ev->type == SW_SEV_STEP && ev->outcome == SW_OUT_SUCCESS && ev->technique &&
        !strcmp(ev->technique, "T1566.001") && c->phish_at < 0)
        c->phish_at = ev->at_ms;
    if (ev->type == SW_SEV_ACTION) {
        c->actions++;
        if (ev->action == SW_ACT_ISOLATE && (ev->host == FX_WS1 || ev->host == FX_WS2)) {
            /* 10 minutes after the lure was seen, plus the isolation delay */
            if (c->isolated_ws++ == 0) {
                c->first_isolate_at = ev->at_ms;
                c->first_isolate_after_phish_ok =
                    c->phish_at >= 0 && ev->at_ms == c->phish_at + 10 * MIN + 2 * MIN;
            }
        }
    }
}

/* The fixture world played by the exercise runtime (no database, no
 * telemetry) with the defender text attached, to until. */
static sw_exercise_t *play(const sw_world_t *w, const char *text, uint64_t seed, int64_t until,
                           ctx_t *c)
{
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.world = w;
    o.telemetry = 0;
    o.seed = seed;
    o.has_seed = 1;
    o.until_ms = until;
    o.has_until = 1;
    o.on_note = on_note;
    o.note_ud = c;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    assert_int_equal(sw_exercise_open(&o, &ex, NULL, &err), SW_OK);
    sw_diags_t d;
    sw_diags_init(&d);
    sw_ex_reply_t rp;
    assert_int_equal(sw_exercise_attach_defender(ex, "def", "def.yaml", text, strlen(text), &d, &rp),
                     SW_OK);
    sw_diags_free(&d);
    assert_int_equal(sw_exercise_clock(ex, "test", SW_CLOCK_START, 0, &rp), SW_OK);
    assert_int_equal(sw_exercise_advance(ex, until, &err), SW_OK);
    return ex;
}

static int parse(sw_defender_t *d, const sw_world_t *w, const char *text, sw_diags_t *diags)
{
    sw_diags_init(diags);
    return sw_defender_parse(d, w, "def.yaml", text, strlen(text), diags);
}

static void parses_and_resolves_names(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    sw_defender_t d;
    sw_diags_t diags;
    const char *text = "team: blue\n"
                       "actions:\n"
                       "  - {at: 1h30m, action: patch, host: vpn01, value: CVE-2023-46805}\n"
                       "  - {at: 5m, action: block-port, port: 443}\n"
                       "rules:\n"
                       "  - when: {technique: T1003, min_visibility: 0.4}\n"
                       "    action: isolate\n"
                       "    after: 10m\n";
    assert_int_equal(parse(&d, w, text, &diags), 0);
    assert_int_equal(d.n_actions, 2);
    assert_int_equal(d.actions[0].at_ms, 90 * MIN);
    assert_int_equal(d.actions[0].action, SW_ACT_PATCH);
    assert_int_equal(d.actions[0].host, FX_VPN);
    assert_int_equal(d.actions[0].team, 0);
    assert_string_equal(d.actions[0].arg, "CVE-2023-46805");
    assert_int_equal(d.actions[1].port, 443);
    assert_int_equal(d.n_rules, 1);
    assert_string_equal(d.rules[0].technique, "T1003");
    assert_true(d.rules[0].min_visibility == 0.4);
    assert_int_equal(d.rules[0].cmd.at_ms, 10 * MIN);
    sw_defender_free(&d);
    sw_diags_free(&diags);
    fx_free(w);
}

static void errors_say_where(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    sw_defender_t d;
    sw_diags_t diags;
    const char *text = "actions:\n"
                       "  - {at: 5m, action: isolate, host: nowhere, team: blue}\n"
                       "  - {at: soon, action: explode, team: blue}\n"
                       "rules:\n"
                       "  - {action: isolate}\n";
    assert_int_not_equal(parse(&d, w, text, &diags), 0);
    assert_true(diags.n_errors >= 4);
    assert_int_equal(diags.items[0].loc.line, 2);
    assert_int_equal(diags.items[0].loc.col, 37);
    assert_non_null(strstr(diags.items[0].msg, "no host 'nowhere'"));
    int saw_duration = 0, saw_action = 0, saw_when = 0;
    for (size_t i = 0; i < diags.n; i++) {
        saw_duration |= diags.items[i].loc.line == 3 && strstr(diags.items[i].msg, "'soon'") != NULL;
        saw_action |= strstr(diags.items[i].msg, "unknown action 'explode'") != NULL;
        saw_when |= diags.items[i].loc.line == 5 && strstr(diags.items[i].msg, "'when'") != NULL;
    }
    assert_true(saw_duration && saw_action && saw_when);
    assert_int_equal(d.n_actions, 0); /* nothing half-loaded */
    sw_defender_free(&d);
    sw_diags_free(&diags);
    fx_free(w);
}

static void rule_isolates_once_after_delay_and_stops_the_attack(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    const char *text = "actions:\n"
                       "  - {at: 0m, team: blue, action: patch, host: vpn01, value: CVE-2023-46805}\n"
                       "rules:\n"
                       "  - when: {technique: T1566, outcome: success}\n"
                       "    action: isolate\n"
                       "    after: 10m\n";
    ctx_t c = {0, 0, 0, -1, -1};
    sw_exercise_t *ex = play(w, text, 5, 8 * HOUR, &c);
    const sw_sim_t *sim = sw_exercise_sim(ex);
    assert_true(c.phish_at >= 0);
    assert_true(c.isolated_ws >= 1 && c.isolated_ws <= 2); /* once per host */
    assert_true(c.first_isolate_after_phish_ok);
    assert_true(sw_sim_vuln_patched(sim, FX_VPN, 0));
    assert_true(sw_sim_objective_reached(sim, 0, 0) < 0); /* nothing stolen */
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

/* A reaction with no delay is issued at the end of the pipeline's step (a
 * minute boundary), not in the middle of the event that caused it: a
 * journal replayed in any chunking gives the same run. */
static void reactions_land_on_step_ends(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    const char *text = "rules:\n"
                       "  - when: {technique: T1566, outcome: success}\n"
                       "    action: isolate\n";
    ctx_t c = {0, 0, 0, -1, -1};
    sw_exercise_t *ex = play(w, text, 5, 8 * HOUR, &c);
    assert_true(c.phish_at >= 0);
    assert_true(c.isolated_ws >= 1);
    sw_exercise_close(ex, NULL);
    /* issued at the first step end after the lure, applied 2 minutes later */
    int64_t step = SW_EXERCISE_STEP_MS;
    assert_int_equal(c.first_isolate_at, (c.phish_at / step + 1) * step + 2 * MIN);
    /* the same seed and file: the same run */
    ctx_t c2 = {0, 0, 0, -1, -1};
    ex = play(w, text, 5, 8 * HOUR, &c2);
    assert_int_equal(c2.phish_at, c.phish_at);
    assert_int_equal(c2.first_isolate_at, c.first_isolate_at);
    sw_exercise_close(ex, NULL);
    fx_free(w);
}

static void a_key_given_twice_is_refused(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    sw_defender_t d;
    sw_diags_t diags;
    const char *text = "team: blue\n"
                       "actions:\n"
                       "  - {at: 5m, action: isolate, host: ws01, host: vpn01}\n";
    assert_int_not_equal(parse(&d, w, text, &diags), 0);
    int saw = 0;
    for (size_t i = 0; i < diags.n; i++)
        saw |= diags.items[i].loc.line == 3 && strstr(diags.items[i].msg, "'host' is given twice");
    assert_true(saw);
    sw_defender_free(&d);
    sw_diags_free(&diags);
    fx_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_resolves_names),
        cmocka_unit_test(errors_say_where),
        cmocka_unit_test(rule_isolates_once_after_delay_and_stops_the_attack),
        cmocka_unit_test(reactions_land_on_step_ends),
        cmocka_unit_test(a_key_given_twice_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
