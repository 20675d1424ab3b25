/* test_defender.c — the scripted defender: parsing (names resolved, errors
 * located), timed actions submitted, rules reacting to what is seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/defender.h"
#include "sim/sim.h"
#include "sim_fixture.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

typedef struct ctx {
    sw_defender_t *d;
    sw_sim_t *sim;
    const sw_world_t *w;
    int isolated_ws, actions, first_isolate_after_phish_ok;
    int64_t phish_at;
} ctx_t;

static void on_event(const sw_sim_event_t *ev, void *ud)
{
    ctx_t *c = ud;
    if (c->sim)
        sw_defender_on_event(c->d, c->sim, c->w, ev);
    if (ev->type == SW_SEV_STEP && ev->outcome == SW_OUT_SUCCESS && ev->technique &&
        !strcmp(ev->technique, "T1566.001") && c->phish_at < 0)
        c->phish_at = ev->at_ms;
    if (ev->type == SW_SEV_ACTION) {
        c->actions++;
        if (ev->action == SW_ACT_ISOLATE && (ev->host == FX_WS1 || ev->host == FX_WS2)) {
            /* 10 minutes after the lure was seen, plus the isolation delay */
            if (c->isolated_ws++ == 0)
                c->first_isolate_after_phish_ok =
                c->phish_at >= 0 && ev->at_ms == c->phish_at + 10 * MIN + 2 * MIN;
        }
    }
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
    sw_defender_t d;
    sw_diags_t diags;
    const char *text = "actions:\n"
                       "  - {at: 0m, team: blue, action: patch, host: vpn01, value: CVE-2023-46805}\n"
                       "rules:\n"
                       "  - when: {technique: T1566, outcome: success}\n"
                       "    action: isolate\n"
                       "    after: 10m\n";
    assert_int_equal(parse(&d, w, text, &diags), 0);
    ctx_t c = {&d, NULL, w, 0, 0, 0, -1};
    c.sim = sw_sim_new(w, 5, on_event, &c);
    sw_defender_start(&d, c.sim);
    sw_sim_run_until(c.sim, 8 * HOUR);
    assert_true(c.phish_at >= 0);
    assert_true(c.isolated_ws >= 1 && c.isolated_ws <= 2); /* once per host */
    assert_true(c.first_isolate_after_phish_ok);
    assert_true(sw_sim_vuln_patched(c.sim, FX_VPN, 0));
    assert_true(sw_sim_objective_reached(c.sim, 0, 0) < 0); /* nothing stolen */
    sw_sim_free(c.sim);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
