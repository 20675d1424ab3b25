/* test_event.c — detect/event: JSON records of each shape to flat fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/event.h"
#include "detect/event_flat.h"

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

/* The splitter as a byte loop (what sw_event_split did before it looked at
 * 16 bytes at a time): the fast one must agree with it on every input. */
static int split_ref(const char *text, size_t len, size_t *pos, size_t *start, size_t *rec_len)
{
    size_t i = *pos;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    *pos = i;
    if (i >= len)
        return 0;
    if (text[i] != '{')
        return SW_EINVAL;
    size_t depth = 0;
    int in_str = 0;
    for (size_t j = i; j < len; j++) {
        char c = text[j];
        if (in_str) {
            if (c == '\\')
                j++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                *start = i;
                *rec_len = j + 1 - i;
                *pos = j + 1;
                return 1;
            }
        }
    }
    return SW_EINVAL;
}

/* sw_event_split and the byte loop over buf, record after record (at most
 * max), agreeing on each one and on where they stop: the records. */
static unsigned split_both(const char *buf, size_t len, unsigned max)
{
    size_t p1 = 0, p2 = 0, s1 = 0, s2 = 0, l1 = 0, l2 = 0;
    unsigned n = 0;
    for (; n < max; n++) {
        int g1 = sw_event_split(buf, len, &p1, &s1, &l1);
        int g2 = split_ref(buf, len, &p2, &s2, &l2);
        assert_int_equal(g1, g2);
        assert_int_equal(p1, p2);
        if (g1 != 1)
            break;
        assert_int_equal(s1, s2);
        assert_int_equal(l1, l2);
    }
    return n;
}

/* Random streams over the bytes that matter (quotes, runs of backslashes
 * across 16-byte boundaries, braces inside and outside strings, {/[ and
 * their bit-5 twins): the fast splitter finds the same records, the same
 * errors at the same places, as the byte loop. */
static void split_agrees_with_the_byte_loop(void **state)
{
    (void)state;
    static const char alphabet[] = "{}[]\"\\\\\\ a\n;=]{\"\"{}x\x7b\x5b\x7d\x5d\x7e\x5c";
    uint64_t r = 0x9e3779b97f4a7c15ULL;
    char buf[700];
    for (int n = 0; n < 200000; n++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        size_t len = (size_t)(r % sizeof buf);
        size_t k = 0;
        if (len > 0 && (r >> 20) % 4 != 0) /* mostly streams that start right */
            buf[k++] = '{';
        for (; k < len; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            buf[k] = (r >> 33) % 3 == 0 ? alphabet[(r >> 40) % (sizeof alphabet - 1)]
                                        : (char)('a' + (r >> 45) % 26);
        }
        split_both(buf, len, 64);
    }
    /* a backslash as the 16th byte of a run escapes the next run's first */
    const char *t = "{\"abcdefghijklm\\\"}\"}";
    size_t pos = 0, start, len;
    assert_int_equal(sw_event_split(t, strlen(t), &pos, &start, &len), 1);
    assert_int_equal(len, strlen(t));
}

/* Streams of JSON-shaped records (strings full of escaped quotes, runs of
 * backslashes and brackets, objects and arrays nested, 64-byte blocks
 * crossed anywhere), so that the 64-byte block splitter's own path is
 * taken, not the byte loop it falls back to when a backslash is outside a
 * string: the same records as the byte loop, and a record cut short is
 * the same error. */
static size_t gen_value(uint64_t *r, char *out, size_t cap, int depth)
{
    size_t k = 0;
    *r ^= *r << 13, *r ^= *r >> 7, *r ^= *r << 17;
    int kind = depth > 3 ? 0 : (int)(*r % 4);
    if (kind == 0 || k + 40 > cap) { /* a string */
        out[k++] = '"';
        size_t n = (size_t)(*r >> 8) % 90;
        for (size_t i = 0; i < n && k + 4 < cap; i++) {
            *r ^= *r << 13, *r ^= *r >> 7, *r ^= *r << 17;
            switch (*r % 7) {
            case 0:
                out[k++] = '\\', out[k++] = '"';
                break;
            case 1:
                out[k++] = '\\', out[k++] = '\\';
                break;
            case 2:
                out[k++] = "{}[]"[(*r >> 8) % 4];
                break;
            default:
                out[k++] = (char)('a' + (*r >> 9) % 26);
            }
        }
        out[k++] = '"';
        return k;
    }
    out[k++] = kind == 1 ? '[' : '{';
    size_t n = (size_t)(*r >> 12) % 5;
    for (size_t i = 0; i < n && k + 60 < cap; i++) {
        if (i)
            out[k++] = ',';
        if (kind != 1)
            k += (size_t)snprintf(out + k, cap - k, "\"k%zu\":", i);
        k += gen_value(r, out + k, cap - k - 2, depth + 1);
    }
    out[k++] = kind == 1 ? ']' : '}';
    return k;
}

static void split_blocks_agree_with_the_byte_loop_on_json(void **state)
{
    (void)state;
    uint64_t r = 0x2545f4914f6cdd1dULL;
    static char buf[8192];
    unsigned records = 0;
    for (int n = 0; n < 20000; n++) {
        size_t len = 0;
        while (len + 1200 < sizeof buf) {
            buf[len++] = '{';
            buf[len++] = '"', buf[len++] = 'a', buf[len++] = '"', buf[len++] = ':';
            len += gen_value(&r, buf + len, 1000, 1);
            buf[len++] = '}';
            buf[len++] = '\n';
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            if (r % 5 == 0)
                break;
        }
        if (n % 3 == 0 && len > 2) /* cut short */
            len -= 1 + (size_t)(r >> 20) % (len - 1);
        records += split_both(buf, len, UINT32_MAX);
    }
    assert_true(records > 30000);
}

/* The fast reader's reals (its own decimal reading and %.17g where that
 * is exact) against jansson's strtod and printf: random decimals of every
 * length and scale, Zeek-like times, ties of 18 digits, powers of ten and
 * their neighbours, exponents. Every value must read and spell alike. */
static void flat_reals_spell_as_jansson(void **state)
{
    (void)state;
    static const char *fixed[] = {"1125899906842624.5",
                                  "1125899906842625.5",
                                  "4503599627370495.5",
                                  "0.1",
                                  "0.5",
                                  "1.0",
                                  "-0.0",
                                  "0.0",
                                  "9.999999999999999999",
                                  "99999999999999999.0",
                                  "0.00009999999999999999",
                                  "0.0001",
                                  "0.00010000000000000001",
                                  "1e22",
                                  "1e-22",
                                  "9007199254740993.0",
                                  "9007199254740992.0",
                                  "1.7976931348623157e308",
                                  "5e-324",
                                  "1700000000.123456",
                                  "-1700000000.123456",
                                  "123456789012345678.5",
                                  "1E+05",
                                  "2.5e-3",
                                  "0.30000000000000004",
                                  "100000000000000000000.0",
                                  "1e16",
                                  "1e17",
                                  "12345678901234567e-5"};
    sw_event_t a, b;
    sw_event_init(&a);
    sw_event_init(&b);
    char j[128], num[64];
    uint64_t r = 0x9e3779b97f4a7c15ULL;
    size_t n_fixed = sizeof fixed / sizeof fixed[0];
    for (size_t i = 0; i < n_fixed + 300000; i++) {
        if (i < n_fixed) {
            snprintf(num, sizeof num, "%s", fixed[i]);
        } else {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            int digits = 1 + (int)(r % 19), point = (int)((r >> 8) % (unsigned)(digits + 6));
            size_t k = 0;
            if ((r >> 16) & 1)
                num[k++] = '-';
            uint64_t x = r * 0xff51afd7ed558ccdULL;
            for (int d = 0; d < digits; d++) {
                if (d == point && d)
                    num[k++] = '.';
                num[k++] = (char)('1' + (x >> (4 * (d % 16))) % 9);
                if ((r >> (20 + d)) % 4 == 0)
                    num[k - 1] = '0';
            }
            if (num[k - 1] == '.' || point >= digits || point == 0)
                num[k++] = '.', num[k++] = '5';
            if ((r >> 40) % 5 == 0)
                k += (size_t)snprintf(num + k, sizeof num - k, "e%d", (int)((r >> 44) % 41) - 20);
            num[k] = '\0';
            if (num[0] == '0' || (num[0] == '-' && num[1] == '0'))
                continue;
        }
        int n = snprintf(j, sizeof j, "{\"ts\":%s}", num);
        sw_errbuf_t err;
        int fr = sw_event_parse_flat(&a, j, (size_t)n);
        assert_int_equal(sw_event_parse_json(&b, j, (size_t)n, &err), SW_OK);
        if (fr != SW_OK)
            continue; /* declined: the full parser's answer counts */
        assert_int_equal(a.n_fields, 1);
        if (strcmp(a.fields[0].value, b.fields[0].value) != 0)
            fail_msg("%s: fast %s, jansson %s", num, a.fields[0].value, b.fields[0].value);
    }
    sw_event_free(&a);
    sw_event_free(&b);
}

/* Objects of every size up to 300 members, with and without one key
 * twice: the fast reader declines exactly those jansson refuses. */
static void flat_duplicate_keys_are_declined(void **state)
{
    (void)state;
    sw_event_t ev;
    sw_event_init(&ev);
    static char j[16384];
    for (int m = 1; m <= 300; m++)
        for (int dup = 0; dup < 2; dup++) {
            size_t n = 0;
            j[n++] = '{';
            for (int i = 0; i < m; i++) {
                /* keys alike at both ends, apart in the middle */
                int k = dup && i == m - 1 && m > 1 ? (m * 7) % (m - 1) : i;
                n += (size_t)snprintf(j + n, sizeof j - n, "%s\"key_%d_name_tail\":%d",
                                      i ? "," : "", k, i);
            }
            j[n++] = '}';
            int rc = sw_event_parse_flat(&ev, j, n);
            if (rc != (dup && m > 1 ? SW_ENOENT : SW_OK))
                fail_msg("%d members, %s: rc %d", m, dup ? "a key twice" : "no key twice", rc);
        }
    sw_event_free(&ev);
}

/* The hashes of names the event remembers (event.c's memo) are the names'
 * own: names of every length from 0 to 40 and of every case, many landing
 * in the same memo slot, added again and again in another order. */
static void remembered_name_hashes_are_the_names(void **state)
{
    (void)state;
    sw_event_t ev;
    sw_event_init(&ev);
    char name[64];
    uint64_t r = 7;
    for (int round = 0; round < 40; round++) {
        sw_event_clear(&ev);
        for (int i = 0; i < 2000; i++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            size_t len = (size_t)(r % 41);
            for (size_t k = 0; k < len; k++) /* few letters: many names alike */
                name[k] = "aAbB.c"[(r >> (k % 50)) % 6];
            if (ev.n_fields == SW_EVENT_MAX_FIELDS)
                sw_event_clear(&ev);
            assert_int_equal(sw_event_add(&ev, name, len, "v", 1, SW_FV_STRING), SW_OK);
            const sw_field_t *f = &ev.fields[ev.n_fields - 1];
            assert_int_equal(f->name_len, len);
            assert_memory_equal(f->name, name, len);
            assert_int_equal(f->name[len], '\0');
            assert_string_equal(f->value, "v");
            if (f->name_hash != sw_field_hash(name, len))
                fail_msg("name '%.*s': hash %llx, not %llx", (int)len, name,
                         (unsigned long long)f->name_hash,
                         (unsigned long long)sw_field_hash(name, len));
        }
    }
    sw_event_free(&ev);
}

/* sw_field_hash4 is sw_field_hash of each of its four texts, whatever
 * their lengths (0 to 40, unequal) and case. */
static void four_hashes_at_once_are_each_ones_hash(void **state)
{
    (void)state;
    char buf[4][48];
    uint64_t r = 99;
    for (int round = 0; round < 20000; round++) {
        const char *s[4];
        size_t n[4];
        uint64_t h[4];
        for (int l = 0; l < 4; l++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            n[l] = (size_t)(r % 41);
            for (size_t k = 0; k < n[l]; k++)
                buf[l][k] = (char)(' ' + (r >> (k % 56)) % 95);
            s[l] = buf[l];
        }
        sw_field_hash4(s, n, h);
        for (int l = 0; l < 4; l++)
            if (h[l] != sw_field_hash(s[l], n[l]))
                fail_msg("lane %d, '%.*s': %llx, not %llx", l, (int)n[l], s[l],
                         (unsigned long long)h[l], (unsigned long long)sw_field_hash(s[l], n[l]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evtx_shape_gives_sigma_names),
        cmocka_unit_test(nested_ecs_flattens_with_dots_and_arrays_multivalue),
        cmocka_unit_test(bad_json_says_where_and_leaves_event_empty),
        cmocka_unit_test(nesting_past_the_limit_is_refused),
        cmocka_unit_test(split_agrees_with_the_byte_loop),
        cmocka_unit_test(split_blocks_agree_with_the_byte_loop_on_json),
        cmocka_unit_test(flat_reals_spell_as_jansson),
        cmocka_unit_test(flat_duplicate_keys_are_declined),
        cmocka_unit_test(remembered_name_hashes_are_the_names),
        cmocka_unit_test(four_hashes_at_once_are_each_ones_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
