/* test_stix.c — exercise/stix: the bundles teams share. Patterns another
 * tool wrote are read (comparisons joined by OR and AND, quoted property
 * names, escapes), what seawall cannot use is counted and never guessed,
 * bad JSON and bad bundles are refused with where, a bundle seawall writes
 * reads back to the same indicators, ids are derived from content (the
 * same indicator twice is one object), TLP is the strictest marking seen,
 * and the sharer's note rides on the indicators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exercise/stix.h"

static int parse(const char *text, sw_stix_read_t *rd, sw_errbuf_t *err)
{
    memset(rd, 0, sizeof *rd);
    return sw_stix_parse(text, strlen(text), rd, err);
}

static int has(const sw_stix_read_t *rd, const char *type, const char *value)
{
    for (size_t i = 0; i < rd->n; i++)
        if (!strcmp(rd->ind[i].type, type) && !strcmp(rd->ind[i].value, value))
            return 1;
    return 0;
}

static void test_patterns_of_other_tools(void **state)
{
    (void)state;
    const char *b =
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
        "\"[ipv4-addr:value = '198.51.100.17'] OR [domain-name:value = 'Bad.Example']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
        "\"[file:hashes.'SHA-256' = "
        "'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
        "\"[url:value = 'http://x.example/it\\\\'s']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
        "\"[email-message:subject MATCHES '^Invoice']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"snort\",\"pattern\":\"alert tcp any\"},"
        "{\"type\":\"malware\",\"name\":\"x\"}]}";
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse(b, &rd, &err), SW_OK);
    assert_true(has(&rd, "ipv4-addr", "198.51.100.17"));
    assert_true(has(&rd, "domain-name", "bad.example")); /* domains lowercased */
    assert_true(has(&rd, "file:hashes.SHA-256",
                    "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"));
    assert_true(has(&rd, "url", "http://x.example/it's"));
    assert_int_equal(rd.n, 4);
    /* MATCHES on a subject and a snort pattern: counted, not guessed */
    assert_true(rd.skipped >= 2);
    sw_stix_read_free(&rd);
}

static void test_observed_data(void **state)
{
    (void)state;
    const char *b = "{\"type\":\"bundle\",\"id\":\"bundle--2\",\"objects\":["
                    "{\"type\":\"observed-data\",\"object_refs\":[\"ipv4-addr--a\"]},"
                    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--a\",\"value\":\"192.0.2.66\"}]}";
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse(b, &rd, &err), SW_OK);
    assert_int_equal(rd.n, 1);
    assert_true(has(&rd, "ipv4-addr", "192.0.2.66"));
    sw_stix_read_free(&rd);
}

static void test_refusals_say_what(void **state)
{
    (void)state;
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse("{\"type\":\"bundle\",", &rd, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "line"));
    assert_int_equal(parse("[1,2]", &rd, &err), SW_EINVAL);
    assert_int_equal(parse("{\"type\":\"bundle\",\"objects\":3}", &rd, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "objects"));
    assert_int_equal(parse("{\"type\":\"bundle\",\"objects\":[{\"id\":\"x\"}]}", &rd, &err),
                     SW_EINVAL);
    assert_non_null(strstr(err.msg, "type"));
    assert_int_equal(rd.n, 0);
    assert_null(rd.ind);
}

static void test_check_values(void **state)
{
    (void)state;
    char why[256];
    sw_stix_ind_t a = {"ipv4-addr", "999.1.1.1"};
    assert_int_not_equal(sw_stix_check(&a, why, sizeof why), 0);
    assert_non_null(strstr(why, "999.1.1.1"));
    sw_stix_ind_t b = {"ipv4-addr", "2001:db8::1"};
    assert_int_not_equal(sw_stix_check(&b, why, sizeof why), 0);
    sw_stix_ind_t c = {"ipv6-addr", "2001:db8::1"};
    assert_int_equal(sw_stix_check(&c, why, sizeof why), 0);
    sw_stix_ind_t d = {"domain-name", "Update-CDN.Reefnet.Example"};
    assert_int_equal(sw_stix_check(&d, why, sizeof why), 0);
    assert_string_equal(d.value, "update-cdn.reefnet.example");
    sw_stix_ind_t e = {"domain-name", "no spaces.example"};
    assert_int_not_equal(sw_stix_check(&e, why, sizeof why), 0);
    sw_stix_ind_t f = {"mutex", "Global\\x"};
    assert_int_not_equal(sw_stix_check(&f, why, sizeof why), 0);
    assert_non_null(strstr(why, "mutex"));
}

static void test_round_trip_and_ids(void **state)
{
    (void)state;
    sw_stix_ind_t ind[3] = {{"ipv4-addr", "203.0.113.45"},
                            {"domain-name", "update-cdn.reefnet.example"},
                            {"user-account", "svc_backup"}};
    json_t *b = sw_stix_bundle("palau", "Palau", ind, 3, "amber", "seen on our VPN", 1770854400000LL);
    assert_non_null(b);
    char *text = json_dumps(b, JSON_COMPACT);
    /* the same share a minute later: the same indicator objects */
    json_t *b2 =
        sw_stix_bundle("palau", "Palau", ind, 1, "amber", "seen on our VPN", 1770854460000LL);
    const char *id1 = NULL, *id2 = NULL;
    size_t i;
    json_t *o;
    int markings = 0, identities = 0;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        const char *t = json_string_value(json_object_get(o, "type"));
        if (!strcmp(t, "indicator") && !id1)
            id1 = json_string_value(json_object_get(o, "id"));
        if (!strcmp(t, "indicator"))
            assert_string_equal(json_string_value(json_object_get(o, "description")),
                                "seen on our VPN");
        markings += !strcmp(t, "marking-definition");
        identities += !strcmp(t, "identity");
        assert_null(strstr(t, "note")); /* see stix.h: no note objects */
    }
    json_array_foreach(json_object_get(b2, "objects"), i, o)
    if (!strcmp(json_string_value(json_object_get(o, "type")), "indicator"))
        id2 = json_string_value(json_object_get(o, "id"));
    assert_non_null(id1);
    assert_string_equal(id1, id2);
    assert_int_equal(strncmp(id1, "indicator--", 11), 0);
    assert_int_equal(markings, 1);
    assert_int_equal(identities, 1);
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse(text, &rd, &err), SW_OK);
    assert_int_equal(rd.n, 3);
    for (int k = 0; k < 3; k++)
        assert_true(has(&rd, ind[k].type, ind[k].value));
    assert_string_equal(rd.tlp, "amber");
    assert_string_equal(rd.note, "seen on our VPN"); /* once, not once per indicator */
    sw_stix_read_free(&rd);
    free(text);
    json_decref(b);
    json_decref(b2);
}

static void test_strictest_tlp(void **state)
{
    (void)state;
    /* TLP:GREEN and TLP:RED markings (the OASIS marking-definition ids) */
    const char *b =
        "{\"type\":\"bundle\",\"id\":\"bundle--3\",\"objects\":["
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":\"[ipv4-addr:value = "
        "'192.0.2.1']\",\"object_marking_refs\":"
        "[\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\"]},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":\"[ipv4-addr:value = "
        "'192.0.2.2']\",\"object_marking_refs\":"
        "[\"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed\"]}]}";
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse(b, &rd, &err), SW_OK);
    assert_string_equal(rd.tlp, "red");
    sw_stix_read_free(&rd);
}

static void test_duplicates_once(void **state)
{
    (void)state;
    const char *b = "{\"type\":\"bundle\",\"id\":\"bundle--4\",\"objects\":["
                    "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
                    "\"[domain-name:value = 'a.example'] OR [domain-name:value = 'A.example']\"}]}";
    sw_stix_read_t rd;
    sw_errbuf_t err;
    assert_int_equal(parse(b, &rd, &err), SW_OK);
    assert_int_equal(rd.n, 1);
    sw_stix_read_free(&rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns_of_other_tools),
        cmocka_unit_test(test_observed_data),
        cmocka_unit_test(test_refusals_say_what),
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_round_trip_and_ids),
        cmocka_unit_test(test_strictest_tlp),
        cmocka_unit_test(test_duplicates_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
