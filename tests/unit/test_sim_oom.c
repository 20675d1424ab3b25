/* test_sim_oom.c — the engine under allocation failure (curl torture mode):
 * run a defended exercise once to count its allocations, then again failing
 * the 1st, the 2nd, ... the Nth. Every run must end without a crash and with
 * every byte given back; a failure at creation must return NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "sim/sim.h"
#include "sim_fixture.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

typedef struct tort {
    long n;       /* allocations and reallocations so far */
    long fail_at; /* this one fails (0: none) */
    long live;    /* blocks not yet freed */
} tort_t;

static void *tort_fn(void *ud, void *p, size_t size)
{
    tort_t *t = ud;
    if (size == 0) {
        if (p)
            t->live--;
        free(p);
        return NULL;
    }
    if (++t->n == t->fail_at)
        return NULL;
    void *q = realloc(p, size);
    if (q && !p)
        t->live++;
    return q;
}

static void run(const sw_world_t *w, tort_t *t)
{
    sw_alloc_t a = {tort_fn, t};
    sw_sim_t *sim = sw_sim_new_alloc(w, 9, NULL, NULL, &a);
    if (!sim) {
        assert_int_equal(t->live, 0);
        return;
    }
    sw_cmd_t c;
    sw_cmd_init(&c);
    c.team = 0;
    c.at_ms = 2 * HOUR;
    c.action = SW_ACT_BLOCK_DOMAIN;
    c.arg = "cdn-update.example";
    sw_sim_command(sim, &c);
    c.action = SW_ACT_RESET_PASSWORD;
    c.arg = "carol.adm";
    sw_sim_command(sim, &c);
    c.action = SW_ACT_REIMAGE;
    c.host = FX_WS1;
    c.arg = NULL;
    sw_sim_command(sim, &c);
    sw_sim_run_until(sim, 8 * HOUR);
    sw_sim_finish(sim);
    sw_sim_free(sim);
    assert_int_equal(t->live, 0);
}

static void every_allocation_failure_is_survived_without_leaks(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    fx_add_ransomware(w);
    fx_add_implant(w);
    tort_t count = {0, 0, 0};
    run(w, &count);
    assert_true(count.n > 20); /* creation, growth of the queue, records, credentials... */
    for (long k = 1; k <= count.n; k++) {
        tort_t t = {0, k, 0};
        run(w, &t);
    }
    fx_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_failure_is_survived_without_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
