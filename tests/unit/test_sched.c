/* test_sched.c — the event queue: time order, stable ties, priorities, the
 * clock never going back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/rng.h"
#include "core/sched.h"

static sw_sched_item_t item(int64_t at, uint32_t a, uint8_t prio)
{
    sw_sched_item_t it = {0};
    it.at_ms = at;
    it.a = a;
    it.prio = prio;
    return it;
}

static void pops_in_time_order_with_stable_ties(void **state)
{
    (void)state;
    sw_sched_t s;
    sw_sched_init(&s, 0);
    sw_rng_t r;
    sw_rng_init(&r, 3, "sched", 0);
    for (uint32_t i = 0; i < 5000; i++) {
        sw_sched_item_t it = item(sw_rng_range(&r, 0, 50), i, 0);
        assert_int_equal(sw_sched_push(&s, &it), SW_OK);
    }
    sw_sched_item_t prev = {0}, cur;
    int first = 1;
    size_t n = 0;
    while (sw_sched_pop(&s, &cur)) {
        if (!first) {
            assert_true(cur.at_ms >= prev.at_ms);
            if (cur.at_ms == prev.at_ms)
                assert_true(cur.a > prev.a); /* pushed later, popped later */
        }
        assert_int_equal(sw_sched_now(&s), cur.at_ms);
        prev = cur;
        first = 0;
        n++;
    }
    assert_int_equal(n, 5000);
    sw_sched_free(&s);
}

static void priority_goes_first_at_the_same_time(void **state)
{
    (void)state;
    sw_sched_t s;
    sw_sched_init(&s, 0);
    sw_sched_item_t a = item(10, 1, 1), b = item(10, 2, 0), c = item(9, 3, 1);
    sw_sched_push(&s, &a);
    sw_sched_push(&s, &b);
    sw_sched_push(&s, &c);
    sw_sched_item_t o;
    assert_true(sw_sched_pop(&s, &o));
    assert_int_equal(o.a, 3);
    assert_true(sw_sched_pop(&s, &o));
    assert_int_equal(o.a, 2);
    assert_true(sw_sched_pop(&s, &o));
    assert_int_equal(o.a, 1);
    assert_false(sw_sched_pop(&s, &o));
    sw_sched_free(&s);
}

static void refuses_the_past_and_clock_only_advances(void **state)
{
    (void)state;
    sw_sched_t s;
    sw_sched_init(&s, 100);
    sw_sched_item_t past = item(99, 0, 0), now = item(100, 0, 0);
    assert_int_equal(sw_sched_push(&s, &past), SW_EINVAL);
    assert_int_equal(sw_sched_push(&s, &now), SW_OK);
    sw_sched_advance(&s, 50);
    assert_int_equal(sw_sched_now(&s), 100);
    sw_sched_advance(&s, 150);
    assert_int_equal(sw_sched_now(&s), 150);
    sw_sched_item_t o;
    assert_true(sw_sched_peek(&s, &o));
    assert_int_equal(o.at_ms, 100);
    sw_sched_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pops_in_time_order_with_stable_ties),
        cmocka_unit_test(priority_goes_first_at_the_same_time),
        cmocka_unit_test(refuses_the_past_and_clock_only_advances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
