/* test_sigma_ac.c — the Sigma pre-filter's literal scanner (sigma_ac.c) never
 * misses a literal that occurs, whatever its length (2-3 bytes: automaton;
 * 4+: 4-gram filter), case or position. Random literals and texts from a
 * small alphabet (so literals really occur and overlap), checked against a
 * naive case-insensitive search. A missed literal would make a rule silently
 * not fire, so this is the property that matters; extra marks only cost time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "detect/sigma_int.h"

static const char alphabet[] = "abcAB\\.-e x\xd0\x90";

static int occurs(const uint8_t *t, size_t tn, const uint8_t *lit, size_t n)
{
    for (size_t i = 0; i + n <= tn; i++) {
        size_t k = 0;
        while (k < n && sigma_fold[t[i + k]] == sigma_fold[lit[k]])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

/* Random rounds of literals of min_len..max_len bytes from alpha, each
 * scanned over texts with some literal planted (case flipped); returns how
 * many literal occurrences were checked. */
static size_t check_rounds(const char *alpha, size_t min_len, size_t max_len, uint64_t seed)
{
    sw_rng_t r;
    sw_rng_init(&r, seed, "test_sigma_ac", 0);
    size_t n_alpha = strlen(alpha), present = 0;
    for (int round = 0; round < 300; round++) {
        enum { NL = 40 };
        uint8_t lits[NL][12];
        size_t lens[NL];
        sigma_ac_t *ac = sigma_ac_new();
        assert_non_null(ac);
        size_t n_lits = 1 + sw_rng_below(&r, NL);
        for (size_t i = 0; i < n_lits; i++) {
            lens[i] = min_len + sw_rng_below(&r, max_len - min_len + 1);
            for (size_t k = 0; k < lens[i]; k++)
                lits[i][k] = (uint8_t)alpha[sw_rng_below(&r, n_alpha)];
            assert_int_equal(sigma_ac_add(ac, lits[i], lens[i], (uint32_t)i), SW_OK);
        }
        assert_int_equal(sigma_ac_build(ac), SW_OK);
        for (int t = 0; t < 20; t++) {
            uint8_t text[400];
            size_t tn = sw_rng_below(&r, 300);
            for (size_t k = 0; k < tn; k++)
                text[k] = (uint8_t)alpha[sw_rng_below(&r, n_alpha)];
            if (tn && sw_rng_chance(&r, 0.7)) { /* plant a literal, case flipped */
                size_t i = sw_rng_below(&r, n_lits), at = sw_rng_below(&r, tn + 1);
                if (at + lens[i] <= sizeof text) {
                    for (size_t k = 0; k < lens[i]; k++) {
                        uint8_t c = lits[i][k];
                        text[at + k] = (c >= 'a' && c <= 'z' && sw_rng_chance(&r, 0.5))
                                           ? (uint8_t)(c - 32)
                                           : c;
                    }
                    if (at + lens[i] > tn)
                        tn = at + lens[i];
                }
            }
            uint64_t marks[1] = {0};
            sigma_ac_scan(ac, text, tn, marks);
            for (size_t i = 0; i < n_lits; i++) {
                if (!occurs(text, tn, lits[i], lens[i]))
                    continue;
                present++;
                if (!(marks[0] >> i & 1))
                    fail_msg("round %d: literal %zu (%.*s, %zu bytes) occurs in a %zu-byte "
                             "text but was not marked",
                             round, i, (int)lens[i], (const char *)lits[i], lens[i], tn);
            }
        }
        sigma_ac_free(ac);
    }
    return present;
}

static void scanner_never_misses_a_literal(void **state)
{
    (void)state;
    size_t present = check_rounds(alphabet, 2, 10, 7);
    print_message("%zu literals present\n", present);
    assert_true(present > 1000);
}

/* Only literals of 5+ (7+) bytes: the 4-gram filter looks at every 2nd
 * (4th) window only, so a literal must be found from whichever of its
 * windows lands on the stride. The alphabet holds the bytes around the
 * A-Z fold's edges ('@' '[' '`' '{', and the same with the high bit set),
 * which the filter's case bit merges with others: that may only ever add
 * marks. */
static void strided_scan_never_misses_a_literal(void **state)
{
    (void)state;
    static const char edges[] = "aZz@[`{\xc0\xc1\xda\xdb\xe1";
    size_t present = check_rounds(edges, 5, 6, 11) + check_rounds(edges, 7, 12, 13) +
                     check_rounds(alphabet, 7, 12, 17);
    print_message("%zu literals present\n", present);
    assert_true(present > 3000);
}

static void empty_and_short_texts_are_safe(void **state)
{
    (void)state;
    sigma_ac_t *ac = sigma_ac_new();
    assert_int_equal(sigma_ac_add(ac, (const uint8_t *)"ab", 2, 0), SW_OK);
    assert_int_equal(sigma_ac_add(ac, (const uint8_t *)"abcd", 4, 1), SW_OK);
    assert_int_equal(sigma_ac_add(ac, (const uint8_t *)"x", 0, 2), SW_EINVAL);
    assert_int_equal(sigma_ac_build(ac), SW_OK);
    uint64_t m = 0;
    sigma_ac_scan(ac, (const uint8_t *)"", 0, &m);
    sigma_ac_scan(ac, (const uint8_t *)"A", 1, &m);
    assert_true(m == 0);
    sigma_ac_scan(ac, (const uint8_t *)"xAB", 3, &m);
    assert_true(m == 1);
    sigma_ac_scan(ac, (const uint8_t *)"ABCD", 4, &m);
    assert_true(m == 3);
    sigma_ac_free(ac);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scanner_never_misses_a_literal),
        cmocka_unit_test(strided_scan_never_misses_a_literal),
        cmocka_unit_test(empty_and_short_texts_are_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
