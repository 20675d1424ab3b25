/* test_sim_bridge.c — the sim bridge: adversary steps become the records a
 * host's sensors would write, with truth = gt + 1 beside them and never in
 * them; a session-hiding router implant shows only as reloads; a whole sim
 * run through the bridge is deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "sim/sim.h"
#include "sim_fixture.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/telemetry.h"

typedef struct coll {
    uint64_t n, n_truth, hash;
    uint32_t max_truth;
    int truth_in_json;
    int eid1102_truth; /* truth of the 1102 record, 0: none */
    int cmdline_seen;  /* the procedure's command line in a Sysmon 1 */
    int device_login;  /* a device login record */
    int device_records;
} coll_t;

static int collect(void *ud, const sw_tel_record_t *r)
{
    coll_t *c = ud;
    c->n++;
    c->hash = sw_hash64(r->json, r->json_len, c->hash ? c->hash : SW_HASH64_INIT);
    c->hash = sw_hash64(&r->truth, sizeof r->truth, c->hash);
    if (r->truth) {
        c->n_truth++;
        if (r->truth > c->max_truth)
            c->max_truth = r->truth;
    }
    if (strstr(r->json, "truth") || strstr(r->json, "\"gt\""))
        c->truth_in_json = 1;
    if (r->event_id == 1102)
        c->eid1102_truth = (int)r->truth;
    if (r->source == SW_TEL_SYSMON && r->event_id == 1 && strstr(r->json, "wevtutil cl Security"))
        c->cmdline_seen = 1;
    if (r->source == SW_TEL_DEVICE) {
        c->device_records++;
        if (strstr(r->json, "LOGIN"))
            c->device_login = 1;
    }
    return 0;
}

static sw_tel_t *new_tel(const sw_world_t *w, coll_t *c)
{
    sw_tel_config_t cfg = {0};
    cfg.seed = 7;
    cfg.epoch_ms = 1700000000000LL;
    cfg.cb = collect;
    cfg.ud = c;
    sw_tel_t *tel = NULL;
    assert_int_equal(sw_tel_new(&tel, w, &cfg), 0);
    return tel;
}

static sw_sim_event_t step(uint32_t host, uint32_t src_host, const char *tech, const char *proc,
                           const char *tool, uint32_t gt, int64_t at_ms)
{
    sw_sim_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_SEV_STEP;
    ev.at_ms = at_ms;
    ev.host = host;
    ev.src_host = src_host;
    ev.adversary = 0;
    ev.gt = gt;
    ev.cause = SW_NONE;
    ev.outcome = SW_OUT_SUCCESS;
    ev.technique = tech;
    ev.procedure = proc;
    ev.tool = tool;
    return ev;
}

static void log_clear_writes_1102_under_the_attackers_process(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    w->hosts[FX_DC].sensors.sysmon = 1;
    coll_t c = {0};
    sw_tel_t *tel = new_tel(w, &c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t ev = step(FX_DC, FX_WS1, "T1070.001", "wevtutil cl Security", "wevtutil.exe",
                             6, 60000);
    ev.account = "alice";
    ev.src_ip = w->hosts[FX_WS1].ip_text;
    ev.dst_ip = w->hosts[FX_DC].ip_text;
    ev.dst_port = 445;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_int_equal(c.eid1102_truth, 7); /* gt + 1 */
    assert_true(c.cmdline_seen);
    assert_false(c.truth_in_json);
    assert_int_equal(sw_tel_bridge_steps(b), 1);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

static void router_implant_hides_its_logins(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    w->hosts[FX_RTR].sensors.syslog = 1;
    coll_t c = {0};
    sw_tel_t *tel = new_tel(w, &c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t ev = step(FX_RTR, SW_NONE, "T1542.005", "copy tftp: flash:", "ssh", 0, 60000);
    ev.account = "admin";
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_false(c.device_login);
    assert_true(c.device_records > 0); /* the odd reload */
    assert_int_equal(c.max_truth, 1);
    int before = c.device_records;
    ev = step(FX_RTR, FX_RTR, "T1562", "no logging host 10.0.0.5", "ssh", 1, 120000);
    ev.account = "admin";
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_int_equal(c.device_records, before); /* hidden: nothing more */
    assert_false(c.device_login);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

static uint64_t sim_run(coll_t *c, uint32_t *n_gt)
{
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    for (uint32_t h = 0; h < w->n_hosts; h++)
        w->hosts[h].sensors.sysmon = w->hosts[h].os_family == SW_OSF_WINDOWS;
    sw_tel_t *tel = new_tel(w, c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_t *sim = sw_sim_new(w, 42, sw_tel_bridge_sim_cb, b);
    assert_non_null(sim);
    for (int64_t t = 60000; t <= w->exercise.duration_ms; t += 60000)
        assert_int_equal(sw_sim_run_until(sim, t), 0);
    assert_int_equal(sw_tel_bridge_error(b), 0);
    *n_gt = sw_sim_gt_count(sim);
    assert_true(sw_tel_bridge_steps(b) > 0);
    sw_sim_free(sim);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
    return c->hash;
}

static void a_sim_run_through_the_bridge_is_deterministic_and_truthful(void **state)
{
    (void)state;
    coll_t a = {0}, b = {0};
    uint32_t n_gt = 0;
    uint64_t h1 = sim_run(&a, &n_gt);
    uint64_t h2 = sim_run(&b, &n_gt);
    assert_int_equal(h1, h2);
    assert_int_equal(a.n, b.n);
    assert_true(a.n_truth > 0);
    assert_true(a.max_truth >= 1 && a.max_truth <= n_gt); /* gt + 1, in range */
    assert_false(a.truth_in_json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_clear_writes_1102_under_the_attackers_process),
        cmocka_unit_test(router_implant_hides_its_logins),
        cmocka_unit_test(a_sim_run_through_the_bridge_is_deterministic_and_truthful),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
