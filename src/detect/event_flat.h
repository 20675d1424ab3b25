/* event_flat.h — the fast reader of JSON records: every shape event.c
 * reads (the Windows Event.System / EventData shape, flat and nested ECS
 * records, arrays, reals, booleans, \u escapes, UTF-8), without jansson.
 * It builds exactly the sw_event_t that sw_event_parse_json (event.c) would,
 * about 10x faster, and declines (SW_ENOENT) what it cannot vouch for so the
 * caller falls back to the full parser: malformed JSON, duplicate keys,
 * integers of more than 18 digits, records past a limit.
 *
 * fuzz/fuzz_event_flat.c checks the "exactly" differentially. */
#ifndef SW_EVENT_FLAT_H
#define SW_EVENT_FLAT_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "detect/event.h"

/* SW_OK: ev holds the record. SW_ENOENT: declined (ev is cleared; use
 * sw_event_parse_json). Cost: one pass over json into a tape of nodes, one
 * over the tape; duplicate keys by pairwise compare (small objects) or
 * sorted hashes. */
int sw_event_parse_flat(sw_event_t *ev, const char *json, size_t len);

/* Parse a record of any shape: the flat path when it takes it (~10x
 * faster; the same fields, fuzz/fuzz_event_flat.c holds it to that), else
 * sw_event_parse_json, whose message says where the record is bad. What
 * every reader of stored or ingested records calls. */
int sw_event_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err);

/* Lexing shared with the store's ingest scanner (store/evscan.c), inline
 * because both are on per-byte paths. */

/* The index of the first byte at or after i that is not JSON whitespace. */
/* The next byte at or after i that is a quote, a backslash or outside
 * 0x20-0x7f; len if none. */
static inline size_t sw_flat_next_special(const char *s, size_t len, size_t i)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), b = _mm_set1_epi8('\\'), lo = _mm_set1_epi8(0x20);
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed compare: bytes >= 0x80 are negative, so below 0x20 too */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, b)),
                                 _mm_cmplt_epi8(x, lo));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (unsigned)__builtin_ctz(bits);
    }
#endif
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
    }
    return len;
}

static inline size_t sw_flat_skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* A plain integer at s[i] ('-' or a digit), spelled as jansson prints one
 * (no -0, no leading zeros, at most 18 characters, no fraction or
 * exponent): the index after it, or 0 for anything else. */
static inline size_t sw_flat_int_end(const char *s, size_t len, size_t i)
{
    size_t st = i;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || s[i] < '0' || s[i] > '9')
        return 0;
    if (s[i] == '0' && (i + 1 - st > 1 || (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')))
        return 0; /* -0, 01 */
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i - st > 18 || (i < len && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')))
        return 0;
    return i;
}

/* After a member's value at *i: 1 when a comma follows (*i at the next
 * key), 0 when the object closes (*i after the brace), -1 otherwise (the
 * caller declines). */
static inline int sw_flat_next_member(const char *s, size_t len, size_t *i)
{
    size_t j = sw_flat_skip_ws(s, len, *i);
    if (j < len && s[j] == ',') {
        *i = sw_flat_skip_ws(s, len, j + 1);
        return 1;
    }
    if (j < len && s[j] == '}') {
        *i = j + 1;
        return 0;
    }
    return -1;
}

#endif
