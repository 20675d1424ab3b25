/* term_text.c — escaping outside text for a terminal. See term_text.h. */
#include "cli/term_text.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/text.h"

/* Code points a terminal acts on or that reorder or break what is shown. */
static int cp_is_control(uint32_t c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

int sw_term_escape(sw_buf_t *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i; /* printable ASCII, copied in one go */
        while (run < n && u[run] >= 0x20 && u[run] < 0x7F)
            run++;
        int rc = run > i ? sw_buf_append(out, s + i, run - i) : SW_OK;
        if (rc)
            return rc;
        i = run;
        if (i == n)
            break;
        unsigned char b = u[i];
        uint32_t cp = 0;
        size_t len = b >= 0x80 ? sw_utf8_seq(u + i, n - i, &cp) : 0;
        if (b == '\t')
            rc = sw_buf_puts(out, "\\t");
        else if (b == '\n')
            rc = sw_buf_puts(out, "\\n");
        else if (b == '\r')
            rc = sw_buf_puts(out, "\\r");
        else if (len == 0)
            rc = sw_buf_printf(out, "\\x%02x", b); /* C0, DEL, or not UTF-8 */
        else if (cp_is_control(cp))
            rc = sw_buf_printf(out, "\\u%04" PRIx32, cp);
        else
            rc = sw_buf_append(out, s + i, len);
        if (rc)
            return rc;
        i += len ? len : 1;
    }
    return SW_OK;
}

/* One %s: s[0..prec) (prec < 0: to its NUL) escaped, padded to width. */
static int put_str(sw_buf_t *out, const char *s, int width, int prec, int left)
{
    if (!s)
        s = "(null)";
    size_t n = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
    size_t at = out->len;
    int rc = sw_term_escape(out, s, n);
    size_t shown = out->len - at; /* bytes, as printf pads */
    for (size_t k = shown; rc == SW_OK && width > 0 && k < (size_t)width; k++)
        rc = sw_buf_putc(out, ' ');
    if (rc == SW_OK && !left && width > 0 && shown < (size_t)width) {
        /* right-justified: move the padding in front */
        size_t pad = (size_t)width - shown;
        memmove(out->data + at + pad, out->data + at, shown);
        memset(out->data + at, ' ', pad);
    }
    return rc;
}

int sw_term_vformat(sw_buf_t *out, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int rc = SW_OK;
    const char *p = fmt;
    while (*p && rc == SW_OK) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            rc = sw_buf_puts(out, p);
            break;
        }
        if (pct > p && (rc = sw_buf_append(out, p, (size_t)(pct - p))))
            break;
        /* %[flags][width][.prec][length]conv, * taken from the arguments */
        const char *q = pct + 1;
        char spec[48];
        size_t sl = 0;
        spec[sl++] = '%';
        int left = 0, width = -1, prec = -1;
        for (; *q && strchr("-+ #0", *q); q++) {
            left |= *q == '-';
            if (sl < 8)
                spec[sl++] = *q;
        }
        if (*q == '*') {
            width = va_arg(aq, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            q++;
        } else {
            for (width = 0; *q >= '0' && *q <= '9'; q++)
                width = width * 10 + (*q - '0');
        }
        if (*q == '.') {
            q++;
            if (*q == '*') {
                prec = va_arg(aq, int);
                q++;
            } else {
                for (prec = 0; *q >= '0' && *q <= '9'; q++)
                    prec = prec * 10 + (*q - '0');
            }
        }
        char len[3] = {0};
        for (size_t k = 0; k < 2 && *q && strchr("hlzjtL", *q); k++)
            len[k] = *q++;
        char conv = *q;
        if (!conv)
            break;
        p = q + 1;
        if (conv == '%') {
            rc = sw_buf_putc(out, '%');
            continue;
        }
        if (conv == 's') {
            rc = put_str(out, va_arg(aq, const char *), width, prec, left);
            continue;
        }
        if (left && !memchr(spec, '-', sl))
            spec[sl++] = '-';
        if (width > 0)
            sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", width);
        if (prec >= 0)
            sl += (size_t)snprintf(spec + sl, sizeof spec - sl, ".%d", prec);
        snprintf(spec + sl, sizeof spec - sl, "%s%c", len, conv);
        int big = len[0] == 'l' && len[1] == 'l';
        switch (conv) {
        case 'd':
        case 'i':
            if (big)
                rc = sw_buf_printf(out, spec, va_arg(aq, long long));
            else if (len[0] == 'l')
                rc = sw_buf_printf(out, spec, va_arg(aq, long));
            else if (len[0] == 'z')
                rc = sw_buf_printf(out, spec, va_arg(aq, ssize_t));
            else if (len[0] == 'j')
                rc = sw_buf_printf(out, spec, va_arg(aq, intmax_t));
            else if (len[0] == 't')
                rc = sw_buf_printf(out, spec, va_arg(aq, ptrdiff_t));
            else
                rc = sw_buf_printf(out, spec, va_arg(aq, int));
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (big)
                rc = sw_buf_printf(out, spec, va_arg(aq, unsigned long long));
            else if (len[0] == 'l')
                rc = sw_buf_printf(out, spec, va_arg(aq, unsigned long));
            else if (len[0] == 'z')
                rc = sw_buf_printf(out, spec, va_arg(aq, size_t));
            else if (len[0] == 'j')
                rc = sw_buf_printf(out, spec, va_arg(aq, uintmax_t));
            else if (len[0] == 't')
                rc = sw_buf_printf(out, spec, va_arg(aq, ptrdiff_t));
            else
                rc = sw_buf_printf(out, spec, va_arg(aq, unsigned));
            break;
        case 'c':
            rc = sw_buf_printf(out, spec, va_arg(aq, int));
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (len[0] == 'L')
                rc = sw_buf_printf(out, spec, va_arg(aq, long double));
            else
                rc = sw_buf_printf(out, spec, va_arg(aq, double));
            break;
        case 'p':
            rc = sw_buf_printf(out, "%p", va_arg(aq, void *));
            break;
        default: /* %n and unknown conversions: nothing is read or written */
            break;
        }
    }
    va_end(aq);
    return rc;
}

int sw_term_format(sw_buf_t *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sw_term_vformat(out, fmt, ap);
    va_end(ap);
    return rc;
}

void sw_term_printf(FILE *f, const char *fmt, ...)
{
    sw_buf_t b;
    sw_buf_init(&b, 0);
    va_list ap;
    va_start(ap, fmt);
    int rc = sw_term_vformat(&b, fmt, ap);
    va_end(ap);
    if (rc == SW_OK && b.len)
        fwrite(b.data, 1, b.len, f);
    sw_buf_free(&b);
}
