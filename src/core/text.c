/* text.c — edit distance, the "did you mean" pick, UTF-8 (text.h). */
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

size_t sw_edit_distance(const char *a, const char *b, int fold)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    /* optimal string alignment: insertions, deletions, substitutions and
     * swaps of two neighbours (the commonest typo) cost one each */
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            unsigned char x = (unsigned char)a[i - 1], y = (unsigned char)b[j - 1];
            if (fold) {
                x = (unsigned char)tolower(x);
                y = (unsigned char)tolower(y);
            }
            size_t best = d[i - 1][j - 1] + (x != y);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1) {
                unsigned char px = (unsigned char)a[i - 2], py = (unsigned char)b[j - 2];
                if (fold) {
                    px = (unsigned char)tolower(px);
                    py = (unsigned char)tolower(py);
                }
                if (x == py && px == y && d[i - 2][j - 2] + 1 < best)
                    best = d[i - 2][j - 2] + 1;
            }
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *sw_closest(const char *word, const char *const *cands, size_t n, int fold)
{
    size_t limit = strlen(word) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = sw_edit_distance(word, cands[i], fold);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

const char *sw_format_ex_time(int64_t ms, char *buf, size_t len)
{
    if (ms < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    int64_t s = ms / 1000;
    if (s % 60)
        snprintf(buf, len, "T+%02lld:%02lld:%02lld", (long long)(s / 3600),
                 (long long)(s / 60 % 60), (long long)(s % 60));
    else
        snprintf(buf, len, "T+%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60));
    return buf;
}

size_t sw_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    uint32_t c = b & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (cp)
        *cp = c;
    return len;
}

size_t sw_utf8_scrub(char *s)
{
    unsigned char *u = (unsigned char *)s;
    size_t n = strlen(s), bad = 0;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = sw_utf8_seq(u + i, n - i, NULL);
        if (len) {
            i += len;
        } else {
            u[i++] = '?';
            bad++;
        }
    }
    return bad;
}
