/* test_scenario_i18n.c — scenario/scenario_i18n: translations beside a
 * scenario. The built-in Pacific exercise has Japanese texts and they are
 * found, listed and looked up (what is not translated is NULL, so the
 * caller shows the scenario's own); a translation from memory is checked
 * against the world (unknown ids, fields, shapes, language) with the place
 * of each problem; the briefings come in a language or not at all; a
 * scenario read from memory has no translations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "scenario/scenario.h"
#include "scenario/scenario_i18n.h"

static sw_world_t pacific;

static int setup(void **state)
{
    (void)state;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load("pacific-cable", &pacific, &d);
    sw_diags_print(&d, stderr);
    sw_diags_free(&d);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    sw_world_free(&pacific);
    return 0;
}

static void test_builtin_japanese(void **state)
{
    (void)state;
    char langs[SW_I18N_MAX_LANGS][16];
    size_t n = sw_i18n_languages(&pacific, langs, SW_I18N_MAX_LANGS);
    assert_int_equal(n, 1);
    assert_string_equal(langs[0], "ja");
    sw_diags_t d;
    sw_diags_init(&d);
    sw_i18n_t *t = NULL;
    assert_int_equal(sw_i18n_load(&pacific, "ja", &t, &d), SW_OK);
    assert_non_null(t);
    assert_int_equal(d.n_errors, 0);
    assert_string_equal(sw_i18n_get(t, "exercise", NULL, "name"), "パシフィック・ケーブル");
    assert_string_equal(sw_i18n_get(t, "injects", "MSEL-005", "title"),
                        "パラオ〜グアム間ケーブルの光断");
    assert_string_equal(sw_i18n_get(t, "business", "pw-transit", "name"),
                        "国際トランジット（パラオ）");
    /* what the file does not carry is NULL: the caller shows its own */
    assert_null(sw_i18n_get(t, "injects", "MSEL-005", "nothing"));
    assert_null(sw_i18n_get(t, "injects", "MSEL-999", "title"));
    assert_null(sw_i18n_get(t, "exercise", "x", "name"));
    sw_i18n_free(t);
    /* no such language, or no language at all: nothing, and no error */
    assert_int_equal(sw_i18n_load(&pacific, "fr", &t, &d), SW_OK);
    assert_null(t);
    assert_int_equal(sw_i18n_load(&pacific, "../x", &t, &d), SW_OK);
    assert_null(t);
    assert_int_equal(d.n_errors, 0);
    sw_diags_free(&d);
}

static void test_checked_against_the_world(void **state)
{
    (void)state;
    const char *text = "language: ja\n"
                       "injects:\n"
                       "  MSEL-001: {title: ok}\n"
                       "  MSEL-404: {title: none}\n"
                       "  MSEL-002: {colour: blue}\n"
                       "business:\n"
                       "  pw-transit: {name: [x]}\n"
                       "teams: {}\n";
    sw_diags_t d;
    sw_diags_init(&d);
    sw_i18n_t *t = NULL;
    assert_int_equal(sw_i18n_parse(&pacific, "mem/ja.yaml", text, strlen(text), "ja", &t, &d),
                     SW_EINVAL);
    assert_null(t);
    assert_int_equal(d.n_errors, 4);
    assert_int_equal(d.items[0].loc.line, 4); /* MSEL-404 */
    assert_int_equal(d.items[0].loc.col, 3);
    assert_non_null(strstr(d.items[0].msg, "no inject 'MSEL-404'"));
    assert_int_equal(d.items[1].loc.line, 5); /* colour */
    assert_non_null(strstr(d.items[1].msg, "unknown field 'colour'"));
    assert_int_equal(d.items[2].loc.line, 7); /* a list for a name */
    assert_int_equal(d.items[3].loc.line, 8); /* teams */
    assert_string_equal(d.items[3].loc.file, "mem/ja.yaml");
    sw_diags_free(&d);

    /* a file named for one language that says another */
    sw_diags_init(&d);
    const char *fr = "language: fr\n";
    assert_int_equal(sw_i18n_parse(&pacific, "ja.yaml", fr, strlen(fr), "ja", &t, &d), SW_EINVAL);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.items[0].loc.col, 11);
    sw_diags_free(&d);

    /* good text in memory loads */
    sw_diags_init(&d);
    const char *good = "language: ja\ninjects: {MSEL-008: {subject: 取材}}\n";
    assert_int_equal(sw_i18n_parse(&pacific, "ja.yaml", good, strlen(good), "ja", &t, &d), SW_OK);
    assert_string_equal(sw_i18n_get(t, "injects", "MSEL-008", "subject"), "取材");
    sw_i18n_free(t);
    sw_diags_free(&d);
}

static void test_briefings(void **state)
{
    (void)state;
    size_t len = 0;
    char *ja = sw_i18n_briefing(&pacific, "instructors", "ja", &len);
    assert_non_null(ja);
    assert_int_equal(strlen(ja), len);
    assert_non_null(strstr(ja, "インストラクター向けブリーフィング"));
    free(ja);
    char *en = sw_i18n_briefing(&pacific, "instructors", NULL, &len);
    assert_non_null(en);
    assert_non_null(strstr(en, "instructor briefing"));
    free(en);
    /* not translated: NULL (the server then serves the English one) */
    assert_null(sw_i18n_briefing(&pacific, "players", "ja", &len));
    /* only the two audiences */
    assert_null(sw_i18n_briefing(&pacific, "../scenario", NULL, &len));
}

static void test_scenario_from_memory_has_none(void **state)
{
    (void)state;
    const char *y = "exercise: {name: M, duration: 1h}\nteams: [{id: blue, name: Blue}]\n";
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("mem.yaml", y, strlen(y), &w, &d), SW_OK);
    char langs[SW_I18N_MAX_LANGS][16];
    assert_int_equal(sw_i18n_languages(&w, langs, SW_I18N_MAX_LANGS), 0);
    assert_null(sw_i18n_briefing(&w, "players", NULL, NULL));
    sw_world_free(&w);
    sw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_japanese),
        cmocka_unit_test(test_checked_against_the_world),
        cmocka_unit_test(test_briefings),
        cmocka_unit_test(test_scenario_from_memory_has_none),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
