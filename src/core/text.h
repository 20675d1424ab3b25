/* text.h — small text helpers shared by every layer that answers a person:
 * how far apart two words are, the "did you mean" pick, and UTF-8's
 * well-formedness (one judge for the terminal, the telemetry writers, the
 * event parser and the server's messages). Pure. */
#ifndef SW_TEXT_H
#define SW_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Edit distance between a and b (ASCII case folded when fold): insertions,
 * deletions, substitutions and swaps of neighbours cost one (optimal string
 * alignment); words longer than 63 bytes are never close (99).
 * O(len(a) * len(b)). */
size_t sw_edit_distance(const char *a, const char *b, int fold);

/* The candidate closest to word, if close enough to be a likely typo:
 * distance <= max(1, min(3, len(word) / 3)); ties go to the earlier
 * candidate. cands has n entries (NULL ones skipped). NULL when none is. */
const char *sw_closest(const char *word, const char *const *cands, size_t n, int fold);

/* Exercise time as the exercise clock shows it: "T+01:23" on a whole
 * minute, else "T+01:23:45"; "-" for a negative time. Returns buf. */
const char *sw_format_ex_time(int64_t ms, char *buf, size_t len);

/* The length of the well-formed UTF-8 sequence at s[0..n) (2-4, for a
 * first byte >= 0x80) and its code point in *cp (may be NULL), or 0 when s
 * does not start one (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF). */
size_t sw_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/* Make the NUL-terminated s well-formed UTF-8 in place: every byte that
 * starts no well-formed sequence becomes '?'. Returns how many did. */
size_t sw_utf8_scrub(char *s);

/* Are a[0..n) and b[0..n) the same bytes? Inline for the short names,
 * keys and values compared a field at a time on ingest (memcmp is a call
 * and a dispatch on the length); up to 32 bytes by loads that may overlap,
 * never outside either range; memcmp past that. */
static inline int sw_mem_eq(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    if (n >= 8) {
        uint64_t p, q, r, s;
        if (n > 32)
            return memcmp(x, y, n) == 0;
        if (n > 16) {
            uint64_t u, v, w, z;
            memcpy(&u, x + 8, 8);
            memcpy(&v, y + 8, 8);
            memcpy(&w, x + n - 16, 8);
            memcpy(&z, y + n - 16, 8);
            if ((u ^ v) | (w ^ z))
                return 0;
        }
        memcpy(&p, x, 8);
        memcpy(&q, y, 8);
        memcpy(&r, x + n - 8, 8);
        memcpy(&s, y + n - 8, 8);
        return ((p ^ q) | (r ^ s)) == 0;
    }
    if (n >= 4) {
        uint32_t p, q, r, s;
        memcpy(&p, x, 4);
        memcpy(&q, y, 4);
        memcpy(&r, x + n - 4, 4);
        memcpy(&s, y + n - 4, 4);
        return ((p ^ q) | (r ^ s)) == 0;
    }
    return !n || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
}

#endif
