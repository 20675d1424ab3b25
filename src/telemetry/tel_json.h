/* tel_json.h — hand-written JSON appenders for the telemetry formatters
 * (internal to src/telemetry/; not a public interface).
 *
 * Formatting is the hot path of telemetry (millions of records per second),
 * so records are written with inline appenders into one reusable buffer, not
 * built as a jansson tree. The output is always valid JSON: strings are
 * escaped per RFC 8259 (", \, control characters); bytes >= 0x80 pass
 * through when they form well-formed UTF-8 and become U+FFFD otherwise, so
 * whatever bytes a caller passes (or a length limit cuts), the record is
 * valid UTF-8 JSON.
 *
 * Design notes
 *  1. A tel_out is a window [p, end) on a caller-owned buffer. Every append
 *     checks the room it needs once; past the end it sets `over` and writes
 *     nothing more, so a record that does not fit is dropped whole by the
 *     caller (tel_emit), never truncated mid-token.
 *  2. Strings that are formatted many times (image paths, command lines, host
 *     and user names) are escaped once and kept escaped (tel_out_raw); only
 *     values that arrive fresh with each call go through tel_out_esc.
 */
#ifndef SW_TEL_JSON_H
#define SW_TEL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct tel_out {
    char *p;
    char *end;
    int over;
} tel_out_t;

/* Escaped length of s[0..n) worst case is 6n (\u00XX). */
#define TEL_ESC_MAX(n) ((n)*6)

extern const unsigned char tel_esc_class[256]; /* 0 copy, 1 \X, 2 \u00XX, 3 UTF-8 check */

/* The appenders are tiny and called a few dozen times per record: they must
 * inline, whatever the compiler's size heuristics think. */
#define TEL_INLINE static inline __attribute__((always_inline))

TEL_INLINE int tel_room(tel_out_t *o, size_t n)
{
    if (o->over || (size_t)(o->end - o->p) < n) {
        o->over = 1;
        return 0;
    }
    return 1;
}

TEL_INLINE void tel_raw(tel_out_t *o, const char *s, size_t n)
{
    if (!tel_room(o, n))
        return;
    memcpy(o->p, s, n);
    o->p += n;
}

/* A string literal, length known at compile time. The "" pastes make any
 * non-literal argument (a pointer, a ?: expression) a compile error instead
 * of a silent sizeof(pointer). */
#define TEL_LIT(o, lit) tel_raw((o), "" lit "", sizeof("" lit "") - 1)

TEL_INLINE void tel_rawz(tel_out_t *o, const char *s)
{
    tel_raw(o, s, strlen(s));
}

TEL_INLINE void tel_ch(tel_out_t *o, char c)
{
    if (!tel_room(o, 1))
        return;
    *o->p++ = c;
}

/* Escape s[0..n) as the inside of a JSON string (no quotes). Scans eight
 * bytes at a time for the three things that need escaping ('"', '\\',
 * bytes below 0x20) and copies clean runs with memcpy. (telemetry.c) */
void tel_esc(tel_out_t *o, const char *s, size_t n);

TEL_INLINE void tel_escz(tel_out_t *o, const char *s)
{
    tel_esc(o, s, s ? strlen(s) : 0);
}

/* "value" (quoted, escaped). Short clean strings (names, addresses) are
 * copied in one pass; the first byte that needs escaping hands the rest to
 * tel_esc. */
TEL_INLINE void tel_str(tel_out_t *o, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!tel_room(o, n + 2))
        return;
    char *d = o->p;
    *d++ = '"';
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (tel_esc_class[c])
            break;
        d[i] = (char)c;
    }
    o->p = d + i;
    if (i < n)
        tel_esc(o, s + i, n - i);
    tel_ch(o, '"');
}

extern const char tel_digits2[200]; /* "00".."99" */

TEL_INLINE void tel_u64(tel_out_t *o, uint64_t v)
{
    char tmp[24];
    char *e = tmp + sizeof tmp, *d = e;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        d -= 2;
        d[0] = tel_digits2[k];
        d[1] = tel_digits2[k + 1];
    }
    if (v >= 10) {
        d -= 2;
        d[0] = tel_digits2[v * 2];
        d[1] = tel_digits2[v * 2 + 1];
    } else {
        *--d = (char)('0' + v);
    }
    tel_raw(o, d, (size_t)(e - d));
}

TEL_INLINE void tel_i64(tel_out_t *o, int64_t v)
{
    if (v < 0) {
        tel_ch(o, '-');
        tel_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        tel_u64(o, (uint64_t)v);
    }
}

/* Fixed-width zero-padded decimal (width <= 9). */
TEL_INLINE void tel_dec(tel_out_t *o, unsigned v, int width)
{
    if (!tel_room(o, (size_t)width))
        return;
    for (int i = width - 1; i >= 0; i--) {
        o->p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->p += width;
}

/* Lower/upper-case hex of v, exactly `digits` digits. */
TEL_INLINE void tel_hex(tel_out_t *o, uint64_t v, int digits, int upper)
{
    const char *hx = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (!tel_room(o, (size_t)digits))
        return;
    for (int i = digits - 1; i >= 0; i--) {
        o->p[i] = hx[v & 15];
        v >>= 4;
    }
    o->p += digits;
}

/* 0x-prefixed minimal lower-case hex, as Windows writes LogonId. */
TEL_INLINE void tel_hex0x(tel_out_t *o, uint64_t v)
{
    int digits = 1;
    for (uint64_t x = v >> 4; x; x >>= 4)
        digits++;
    TEL_LIT(o, "0x");
    tel_hex(o, v, digits, 0);
}

#endif
