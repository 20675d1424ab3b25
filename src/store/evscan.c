/* evscan.c — the ingest fast path. See evscan.h for what it accepts and
 * promises.
 *
 * One pass over the record: strings are skipped 16 bytes at a time (SSE2:
 * a quote, a backslash, or a byte outside 0x20-0x7f stops the skip); only
 * the values of the 17 names it knows (11 columns, 6 time fields) are kept,
 * and only those with escapes are copied. Cost: ~1 ns a byte plus a few
 * compares per member, against ~3 us for parse + lookups. */
#include "store/evscan.h"

#include <string.h>

#include "core/err.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "store/evstore_int.h"

#define SCAN_MAX_MEMBERS 256
#define SCAN_N_TIME 6

/* Names with a meaning here: a column (col >= 0) or a time field (tf >= 0),
 * compared case-insensitively (so spelled in lower case here); or a key the
 * fast path declines (compared exactly). Must match store_cols (evstore.c)
 * and time_fields (query.c), in their order. */
static const struct {
    const char *name;
    unsigned char len;
    signed char col, tf, decline;
} names[] = {
    {"computer", 8, 0, -1, 0},
    {"eventid", 7, 1, -1, 0},
    {"channel", 7, 2, -1, 0},
    {"image", 5, 3, -1, 0},
    {"commandline", 11, 4, -1, 0},
    {"parentimage", 11, 5, -1, 0},
    {"user", 4, 6, -1, 0},
    {"targetusername", 14, 7, -1, 0},
    {"ipaddress", 9, 8, -1, 0},
    {"sourceip", 8, 9, -1, 0},
    {"destinationip", 13, 10, -1, 0},
    {"@timestamp", 10, -1, 0, 0},
    {"timecreated", 11, -1, 1, 0},
    {"utctime", 7, -1, 2, 0},
    {"timestamp", 9, -1, 3, 0},
    {"eventtime", 9, -1, 4, 0},
    {"time", 4, -1, 5, 0},
    {"Event", 5, -1, -1, 1},
    {"#attributes", 11, -1, -1, 1},
    {"_truth", 6, -1, -1, 1},
};

/* The names of each length 4..14, as indexes into names[], -1 ended. */
static const signed char by_len[11][5] = {
    {6, 16, -1},        /* 4: user, time */
    {3, 17, -1},        /* 5: image, Event */
    {19, -1},           /* 6: _truth */
    {1, 2, 13, -1},     /* 7: eventid, channel, utctime */
    {0, 9, -1},         /* 8: computer, sourceip */
    {8, 14, 15, -1},    /* 9: ipaddress, timestamp, eventtime */
    {11, -1},           /* 10: @timestamp */
    {4, 5, 12, 18, -1}, /* 11: commandline, parentimage, timecreated, #attributes */
    {-1},               /* 12 */
    {10, -1},           /* 13: destinationip */
    {7, -1},            /* 14: targetusername */
};

/* a[0..n) equals the lower-case name b[0..n), ASCII case-insensitively */
static int name_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)b[i])
            return 0;
    }
    return 1;
}

/* A string at s[i] == '"': *v and *vl its value (into json when it has no
 * escape; unescaped into *out when keep, else not copied). Returns the
 * index after the closing quote, or 0 to decline. */
static size_t scan_str(const char *s, size_t len, size_t i, int keep, char **out, const char **v,
                       size_t *vl, int *esc)
{
    size_t st = ++i;
    *esc = 0;
    i = sw_flat_next_special(s, len, i);
    if (i < len && s[i] == '"') { /* the common case: no escape */
        *v = s + st;
        *vl = i - st;
        return i + 1;
    }
    char *o = *out, *o0 = o;
    if (keep) {
        memcpy(o, s + st, i - st);
        o += i - st;
    }
    *esc = 1;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            if (keep) {
                *v = o0;
                *vl = (size_t)(o - o0);
                *out = o;
            }
            return i + 1;
        }
        if (c != '\\')
            return 0; /* a control byte or non-ASCII: the full parser decides */
        if (++i >= len)
            return 0;
        char e;
        switch (s[i]) {
        case '"':
            e = '"';
            break;
        case '\\':
            e = '\\';
            break;
        case '/':
            e = '/';
            break;
        case 'b':
            e = '\b';
            break;
        case 'f':
            e = '\f';
            break;
        case 'n':
            e = '\n';
            break;
        case 'r':
            e = '\r';
            break;
        case 't':
            e = '\t';
            break;
        default:
            return 0; /* \u and invalid escapes */
        }
        if (keep)
            *o++ = e;
        size_t j = sw_flat_next_special(s, len, ++i);
        if (keep) {
            memcpy(o, s + i, j - i);
            o += j - i;
        }
        i = j;
    }
    return 0;
}

/* A hash of the key k[0..n) for the duplicate check; end: the end of the
 * record. A key is followed by at least `":` and a value, so its first 8
 * bytes can nearly always be loaded whole and masked: a short memcpy into
 * a word stalls on store forwarding, and this ran for every key. */
static uint64_t key_hash(const char *k, size_t n, const char *end)
{
    uint64_t a = 0, b = 0;
    if (end - k >= 8) {
        memcpy(&a, k, 8);
        if (n < 8)
            a &= ((uint64_t)1 << (8 * n)) - 1;
    } else {
        memcpy(&a, k, n < 8 ? n : 8);
    }
    if (n > 8)
        memcpy(&b, k + n - 8, 8); /* the last 8, inside the key */
    return (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ n;
}

int store_scan(const char *json, size_t len, char *scratch, seg_row_t *row, int *has_ts)
{
    struct {
        const char *k;
        size_t n;
        uint64_t h;
    } seen[SCAN_MAX_MEMBERS];
    size_t n_seen = 0;
    uint64_t seen_bits = 0; /* bit h >> 58 of every key seen: most keys skip the loop */
    const char *tv[SCAN_N_TIME] = {0};
    size_t tl[SCAN_N_TIME] = {0};
    int have_eid = 0;
    const char *eid = NULL;
    size_t eid_len = 0;
    char *out = scratch;
    memset(row->val, 0, sizeof row->val);
    row->multi = 0;
    row->eid = SEG_ABSENT_INT;
    *has_ts = 0;
    size_t i = sw_flat_skip_ws(json, len, 0);
    if (i >= len || json[i] != '{')
        return SW_ENOENT;
    i = sw_flat_skip_ws(json, len, i + 1);
    if (i < len && json[i] == '}') {
        i++;
        goto end;
    }
    for (;;) {
        if (i >= len || json[i] != '"' || n_seen == SCAN_MAX_MEMBERS)
            return SW_ENOENT;
        const char *k;
        size_t kl;
        int esc;
        if (!(i = scan_str(json, len, i, 0, &out, &k, &kl, &esc)) || esc)
            return SW_ENOENT; /* a key with escapes: rare, the full path */
        uint64_t h = key_hash(k, kl, json + len), bit = (uint64_t)1 << (h >> 58);
        if (seen_bits & bit)
            for (size_t a = 0; a < n_seen; a++)
                if (seen[a].h == h && seen[a].n == kl && !memcmp(seen[a].k, k, kl))
                    return SW_ENOENT; /* duplicate key: the full parser decides */
        seen_bits |= bit;
        seen[n_seen].k = k;
        seen[n_seen].n = kl;
        seen[n_seen++].h = h;
        int col = -1, tf = -1;
        /* candidates by length, then by first letter: most keys meet no
         * name at all */
        if (kl >= 4 && kl <= 14) {
            unsigned char c0 = (unsigned char)k[0];
            c0 = (unsigned char)(c0 >= 'A' && c0 <= 'Z' ? c0 + 32 : c0);
            for (const signed char *a = by_len[kl - 4]; *a >= 0; a++) {
                if ((unsigned char)names[*a].name[0] != c0 &&
                    (unsigned char)names[*a].name[0] != (unsigned char)k[0])
                    continue;
                if (names[*a].decline) {
                    if (!memcmp(names[*a].name, k, kl))
                        return SW_ENOENT;
                } else if (name_eq(k, names[*a].name, kl)) {
                    col = names[*a].col;
                    tf = names[*a].tf;
                    break;
                }
            }
        }
        int keep = col >= 0 || tf >= 0;
        i = sw_flat_skip_ws(json, len, i);
        if (i >= len || json[i] != ':')
            return SW_ENOENT;
        i = sw_flat_skip_ws(json, len, i + 1);
        if (i >= len)
            return SW_ENOENT;
        const char *v = NULL;
        size_t vl = 0;
        char c = json[i];
        if (c == '"') {
            if (!(i = scan_str(json, len, i, keep, &out, &v, &vl, &esc)))
                return SW_ENOENT;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t st = i;
            if (!(i = sw_flat_int_end(json, len, i)))
                return SW_ENOENT;
            v = json + st;
            vl = i - st;
        } else if (len - i >= 4 && !memcmp(json + i, "true", 4)) {
            v = "true";
            vl = 4;
            i += 4;
        } else if (len - i >= 5 && !memcmp(json + i, "false", 5)) {
            v = "false";
            vl = 5;
            i += 5;
        } else if (len - i >= 4 && !memcmp(json + i, "null", 4)) {
            v = "";
            vl = 0;
            i += 4;
        } else {
            return SW_ENOENT; /* objects, arrays, garbage */
        }
        if (col == SEG_COL_EVENTID) {
            if (have_eid) {
                row->multi = 1;
            } else {
                have_eid = 1;
                eid = v;
                eid_len = vl;
            }
        } else if (col >= 0) {
            if (row->val[col]) {
                row->multi = 1;
            } else {
                row->val[col] = v;
                row->val_len[col] = vl;
            }
        } else if (tf >= 0 && !tv[tf]) {
            tv[tf] = v;
            tl[tf] = vl;
        }
        int more = sw_flat_next_member(json, len, &i);
        if (more < 0)
            return SW_ENOENT;
        if (!more)
            break;
    }
end:
    if (sw_flat_skip_ws(json, len, i) != len)
        return SW_ENOENT; /* trailing bytes */
    if (have_eid) {
        if (!store_canonical_int(eid, eid_len, &row->eid)) {
            row->eid = SEG_ABSENT_INT;
            row->multi = 1;
        }
    }
    for (int k = 0; k < SCAN_N_TIME; k++)
        if (tv[k] && sw_query_parse_time(tv[k], tl[k], &row->ts) == SW_OK) {
            *has_ts = 1;
            break;
        }
    return SW_OK;
}
