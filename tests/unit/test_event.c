/* test_event.c — detect/event: JSON records of each shape to flat fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/event.h"

static void evtx_shape_gives_sigma_names(void **state)
{
    (void)state;
    const char *j = "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":"
                    "\"Microsoft-Windows-Sysmon\"}},\"EventID\":1,\"Channel\":"
                    "\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":\"dc01\","
                    "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2025-10-25T13:44:33Z\"}}},"
                    "\"EventData\":{\"Image\":\"C:\\\\Windows\\\\System32\\\\reg.exe\","
                    "\"ProcessId\":7112,\"CommandLine\":\"reg query x\"}}}";
    sw_event_t ev;
    sw_event_init(&ev);
    sw_errbuf_t err;
    assert_int_equal(sw_event_parse_json(&ev, j, strlen(j), &err), SW_OK);
    assert_string_equal(sw_event_get(&ev, "EventID")->value, "1");
    assert_int_equal(sw_event_get(&ev, "EventID")->type, SW_FV_NUMBER);
    assert_string_equal(sw_event_get(&ev, "Provider_Name")->value, "Microsoft-Windows-Sysmon");
    assert_string_equal(sw_event_get(&ev, "commandline")->value, "reg query x");
    assert_string_equal(sw_event_get(&ev, "Image")->value, "C:\\Windows\\System32\\reg.exe");
    assert_string_equal(sw_event_get(&ev, "TimeCreated")->value, "2025-10-25T13:44:33Z");
    assert_null(sw_event_get(&ev, "System.EventID"));
    sw_event_free(&ev);
}

static void nested_ecs_flattens_with_dots_and_arrays_multivalue(void **state)
{
    (void)state;
    const char *j = "{\"source\":{\"ip\":\"10.0.0.5\",\"port\":443},\"tags\":[\"a\",\"b\"],"
                    "\"ok\":true,\"none\":null}";
    sw_event_t ev;
    sw_event_init(&ev);
    assert_int_equal(sw_event_parse_json(&ev, j, strlen(j), NULL), SW_OK);
    assert_string_equal(sw_event_get(&ev, "source.ip")->value, "10.0.0.5");
    assert_string_equal(sw_event_get(&ev, "source.port")->value, "443");
    const sw_field_t *t = sw_event_get(&ev, "tags");
    assert_string_equal(t->value, "a");
    t = sw_event_next(&ev, t);
    assert_non_null(t);
    assert_string_equal(t->value, "b");
    assert_null(sw_event_next(&ev, t));
    assert_int_equal(sw_event_get(&ev, "ok")->type, SW_FV_BOOL);
    assert_int_equal(sw_event_get(&ev, "none")->type, SW_FV_NULL);
    sw_event_free(&ev);
}

static void bad_json_says_where_and_leaves_event_empty(void **state)
{
    (void)state;
    sw_event_t ev;
    sw_event_init(&ev);
    sw_errbuf_t err;
    const char *ok = "{\"a\":1}";
    assert_int_equal(sw_event_parse_json(&ev, ok, strlen(ok), &err), SW_OK);
    const char *bad = "{\"a\": }";
    assert_int_equal(sw_event_parse_json(&ev, bad, strlen(bad), &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "column"));
    assert_int_equal(ev.n_fields, 0);
    const char *arr = "[1,2]";
    assert_int_equal(sw_event_parse_json(&ev, arr, strlen(arr), &err), SW_EINVAL);
    sw_event_free(&ev);
}

static void nesting_past_the_limit_is_refused(void **state)
{
    (void)state;
    char j[512];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(j + n, sizeof j - n, "{\"a\":");
    n += (size_t)snprintf(j + n, sizeof j - n, "1");
    for (int i = 0; i < 40; i++)
        j[n++] = '}';
    j[n] = '\0';
    sw_event_t ev;
    sw_event_init(&ev);
    assert_int_equal(sw_event_parse_json(&ev, j, n, NULL), SW_ETOOBIG);
    sw_event_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evtx_shape_gives_sigma_names),
        cmocka_unit_test(nested_ecs_flattens_with_dots_and_arrays_multivalue),
        cmocka_unit_test(bad_json_says_where_and_leaves_event_empty),
        cmocka_unit_test(nesting_past_the_limit_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
