/* tel_json.h — hand-written JSON appenders for the telemetry formatters
 * (internal to src/telemetry/; not a public interface).
 *
 * Formatting is the hot path of telemetry (millions of records per second),
 * so records are written with inline appenders into one reusable buffer, not
 * built as a jansson tree. The output is always valid JSON: strings are
 * escaped per RFC 8259 (", \, control characters), bytes >= 0x80 pass
 * through (inputs are UTF-8).
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
#define TEL_ESC_MAX(n) ((n) * 6)

extern const unsigned char tel_esc_class[256]; /* 0: copy, 1: \X, 2: \u00XX */

static inline int tel_room(tel_out_t *o, size_t n)
{
    if (o->over || (size_t)(o->end - o->p) < n) {
        o->over = 1;
        return 0;
    }
    return 1;
}

static inline void tel_raw(tel_out_t *o, const char *s, size_t n)
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

static inline void tel_rawz(tel_out_t *o, const char *s) { tel_raw(o, s, strlen(s)); }

static inline void tel_ch(tel_out_t *o, char c)
{
    if (!tel_room(o, 1))
        return;
    *o->p++ = c;
}

/* Escape s[0..n) as the inside of a JSON string (no quotes). */
static inline void tel_esc(tel_out_t *o, const char *s, size_t n)
{
    if (!tel_room(o, TEL_ESC_MAX(n)))
        return;
    char *d = o->p;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !tel_esc_class[(unsigned char)s[run]])
            run++;
        memcpy(d, s + i, run - i);
        d += run - i;
        if (run == n)
            break;
        unsigned char c = (unsigned char)s[run];
        *d++ = '\\';
        if (tel_esc_class[c] == 1) {
            *d++ = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
        }
        i = run + 1;
    }
    o->p = d;
}

static inline void tel_escz(tel_out_t *o, const char *s) { tel_esc(o, s, s ? strlen(s) : 0); }

/* "value" (quoted, escaped). */
static inline void tel_str(tel_out_t *o, const char *s)
{
    tel_ch(o, '"');
    tel_escz(o, s);
    tel_ch(o, '"');
}

static inline void tel_u64(tel_out_t *o, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (!tel_room(o, (size_t)n))
        return;
    while (n)
        *o->p++ = tmp[--n];
}

static inline void tel_i64(tel_out_t *o, int64_t v)
{
    if (v < 0) {
        tel_ch(o, '-');
        tel_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        tel_u64(o, (uint64_t)v);
    }
}

/* Fixed-width zero-padded decimal (width <= 9). */
static inline void tel_dec(tel_out_t *o, unsigned v, int width)
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
static inline void tel_hex(tel_out_t *o, uint64_t v, int digits, int upper)
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
static inline void tel_hex0x(tel_out_t *o, uint64_t v)
{
    int digits = 1;
    for (uint64_t x = v >> 4; x; x >>= 4)
        digits++;
    TEL_LIT(o, "0x");
    tel_hex(o, v, digits, 0);
}

#endif
