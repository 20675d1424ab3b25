/* test_term_text.c — cli/term_text: every control a terminal acts on comes
 * out escaped (C0, DEL, C1, bidi overrides, line separators, bytes that are
 * not UTF-8), printable text and well-formed UTF-8 come out as they went in,
 * and sw_term_format prints everything but %s arguments exactly as
 * snprintf does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/term_text.h"

static void check_escape(const char *in, size_t n, const char *want)
{
    sw_buf_t b;
    sw_buf_init(&b, 0);
    assert_int_equal(sw_term_escape(&b, in, n), 0);
    if (strcmp(sw_buf_str(&b), want))
        fail_msg("escaped to '%s', wanted '%s'", sw_buf_str(&b), want);
    sw_buf_free(&b);
}
#define ESC(lit, want) check_escape(lit, sizeof lit - 1, want)

static void test_controls_escaped(void **state)
{
    (void)state;
    ESC("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");          /* set the window title */
    ESC("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H");                /* clear the screen */
    ESC("ok\rFORGED\n2nd\tcol", "ok\\rFORGED\\n2nd\\tcol"); /* lines and columns */
    ESC("a\bb\x7f\x01", "a\\x08b\\x7f\\x01");
    ESC("a\0b", "a\\x00b");
    ESC("\xc2\x9b"
        "31m",
        "\\u009b31m"); /* C1 CSI */
    ESC("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
    ESC("\xe2\x80\xae"
        "exe.gnp",
        "\\u202eexe.gnp");                               /* right-to-left override */
    ESC("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069"); /* isolates */
    ESC("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c");
    ESC("a\xe2\x80\xa8"
        "b",
        "a\\u2028b"); /* line separator */
}

static void test_not_utf8_escaped(void **state)
{
    (void)state;
    ESC("\xff\xfe", "\\xff\\xfe");
    ESC("\xc0\x80", "\\xc0\\x80");                   /* overlong NUL */
    ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* a surrogate */
    ESC("\xe2\x80", "\\xe2\\x80");                   /* cut short */
    ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
    ESC("\xe2\x1b", "\\xe2\\x1b");
}

static void test_text_kept(void **state)
{
    (void)state;
    ESC("C:\\Windows\\System32\\cmd.exe /c \"x\"", "C:\\Windows\\System32\\cmd.exe /c \"x\"");
    ESC("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
    ESC("\xc2\xa0\xe2\x80\x8b", "\xc2\xa0\xe2\x80\x8b"); /* no-break and zero-width spaces */
    ESC("", "");
}

static void check_format(const char *want, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check_format(const char *want, const char *fmt, ...)
{
    sw_buf_t b;
    sw_buf_init(&b, 0);
    va_list ap;
    va_start(ap, fmt);
    assert_int_equal(sw_term_vformat(&b, fmt, ap), 0);
    va_end(ap);
    if (strcmp(sw_buf_str(&b), want))
        fail_msg("'%s' gave '%s', wanted '%s'", fmt, sw_buf_str(&b), want);
    sw_buf_free(&b);
}

/* Every conversion but %s as snprintf prints it. */
#define SAME(fmt, ...)                                                                             \
    do {                                                                                           \
        char want[256];                                                                            \
        snprintf(want, sizeof want, fmt, __VA_ARGS__);                                             \
        check_format(want, fmt, __VA_ARGS__);                                                      \
    } while (0)

static void test_format_like_printf(void **state)
{
    (void)state;
    SAME("%d|%5d|%-5d|%05d|%+d|% d", -42, 42, 42, 42, 42, 42);
    SAME("%lld %llu %ld %lu", -(1LL << 40), (unsigned long long)-1, -7L, 7UL);
    SAME("%zu %zd %jd %td", (size_t)12345, (ssize_t)-3, (intmax_t)-9, (ptrdiff_t)5);
    SAME("%hhd %hd %hhu", (signed char)-5, (short)-700, (unsigned char)200);
    SAME("%x %X %#x %o %08x", 255u, 255u, 255u, 8u, 0xbeefu);
    SAME("%f %.2f %8.3f %-8.1f| %e %g %G %a", 3.14159, 2.5, -1.0, 9.99, 12345.678, 0.0001, 1e20,
         1.0);
    SAME("%Lf", 1.5L);
    SAME("%c%c %5c|%-3c|", 'o', 'k', 'x', 'y');
    SAME("%*d|%-*d|%.*f|%*.*f", 6, 1, 6, 2, 3, 1.23456, 9, 2, 3.14159);
    SAME("100%% sure %d%%", 5);
    SAME("%s", "plain");
    SAME("a%5s|%-5s|%.2s|%5.1s|", "ab", "ab", "abc", "xyz");
    SAME("%-19s  %-16.16s %-6.6s", "2026-01-01T00:00:00", "a-very-long-host-name.example", "4688");
}

static void test_format_escapes_strings_only(void **state)
{
    (void)state;
    check_format("1\tws01\\x1b]0;x\\x07\thigh\n", "%d\t%s\t%s\n", 1, "ws01\x1b]0;x\a", "high");
    check_format("author: a\\r\\nb|", "author: %s|", "a\r\nb");
    /* precision counts bytes of the argument; width pads what is shown */
    check_format("a\\x1b|", "%.2s|", "a\x1bzzz");
    check_format("\\x1b  |", "%-6s|", "\x1b");
    check_format("  \\x1b|", "%6s|", "\x1b");
    check_format("[\\x01]", "[%.*s]", 1, "\x01\x02");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_escaped),
        cmocka_unit_test(test_not_utf8_escaped),
        cmocka_unit_test(test_text_kept),
        cmocka_unit_test(test_format_like_printf),
        cmocka_unit_test(test_format_escapes_strings_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
