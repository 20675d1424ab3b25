/* event_flat.c — JSON records without jansson, any shape. See event_flat.h.
 *
 * Two steps, both in one pass each and without an allocation per value:
 *  1. The record is read into a tape of nodes (objects, arrays, scalars),
 *     strings unescaped into one scratch buffer, numbers checked against the
 *     JSON grammar; what jansson (json_loadb with JSON_REJECT_DUPLICATES |
 *     JSON_ALLOW_NUL) would reject or read differently is declined.
 *  2. The tape is flattened exactly as event.c flattens jansson's tree:
 *     the Windows shape (Event.System / EventData / UserData) by the same
 *     map, everything else with dotted names, arrays as multi-valued fields.
 * Values take jansson's spelling: integers as printed by %lld ("-0" is
 * "0"), reals as %.17g of strtod, both done here where that is exact
 * (real_text: Zeek's times and durations, a few a record; libc's were 7%
 * of the appending thread) and by libc otherwise. Declining is always safe: the caller then runs
 * the full parser, whose result (or error) is the one that counts. */
#include "detect/event_flat.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/text.h"

#define FAST_MAX_DEPTH (SW_EVENT_MAX_DEPTH + 4) /* deeper: event.c's error */
#define FAST_MAX_NAME 4000                      /* event.c's prefix buffer holds 4096 */

/* The next byte at or after i that is a quote, a backslash or outside
 * 0x20-0x7f; len if none. */
static size_t flat_next_special(const char *s, size_t len, size_t i)
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

/* The index of the first byte at or after i that is not JSON whitespace. */
static __attribute__((noinline)) size_t flat_skip_ws_loop(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static inline size_t flat_skip_ws(const char *s, size_t len, size_t i)
{
    if (i < len && (unsigned char)s[i] > ' ')
        return i; /* compact JSON: no whitespace at all */
    return flat_skip_ws_loop(s, len, i);
}

enum { JN_OBJ, JN_ARR, JN_STR, JN_INT, JN_REAL, JN_TRUE, JN_FALSE, JN_NULL };

typedef struct jnode {
    const char *key, *val; /* key: object members; val: scalars (not NUL-ended) */
    uint32_t key_len, val_len;
    uint32_t end; /* the node after this one's subtree */
    uint8_t type;
} jnode_t;

typedef struct jtape {
    const char *s;
    size_t len, i;
    jnode_t *n;
    size_t n_nodes, cap_nodes;
    char *out; /* unescaped strings */
    size_t out_len;
    int heap; /* n was malloc'd */
} jtape_t;

/* Room for another node (the tape on the heap past its stack nodes).
 * 0 or -1. */
static __attribute__((noinline)) int tape_grow(jtape_t *t)
{
    if (t->n_nodes == t->cap_nodes) {
        if (t->n_nodes >= SW_EVENT_MAX_FIELDS * 2)
            return -1;
        size_t nc = t->cap_nodes * 2;
        jnode_t *p = t->heap ? realloc(t->n, nc * sizeof *p) : malloc(nc * sizeof *p);
        if (!p)
            return -1;
        if (!t->heap)
            memcpy(p, t->n, t->n_nodes * sizeof *p);
        t->n = p;
        t->cap_nodes = nc;
        t->heap = 1;
    }
    return 0;
}

static inline int tape_node(jtape_t *t, uint8_t type)
{
    if (t->n_nodes == t->cap_nodes && tape_grow(t))
        return -1;
    jnode_t *x = &t->n[t->n_nodes];
    x->type = type;
    x->key = NULL;
    x->key_len = 0;
    return (int)t->n_nodes++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_u16(const char *s, size_t len, size_t i, uint32_t *v)
{
    if (len - i < 4)
        return -1;
    uint32_t x = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s[i + (size_t)k]);
        if (h < 0)
            return -1;
        x = x << 4 | (uint32_t)h;
    }
    *v = x;
    return 0;
}

/* A string at s[i] == '"': *v, *vl its unescaped value (into s when it has
 * no escape, else into t->out). is_key: no NUL allowed (jansson refuses
 * one in a key). Returns 0, or -1 to decline. */
static int tape_string(jtape_t *t, int is_key, const char **v, uint32_t *vl)
{
    const char *s = t->s;
    size_t len = t->len, i = t->i + 1, st = i;
    const unsigned char *u = (const unsigned char *)s;
    char *o = NULL;
    for (;;) {
        size_t j = flat_next_special(s, len, i);
        if (o) {
            memcpy(o, s + i, j - i);
            o += j - i;
        }
        i = j;
        if (i >= len)
            return -1;
        unsigned c = u[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return -1;
        if (c >= 0x80) {
            size_t n = sw_utf8_seq(u + i, len - i, NULL);
            if (!n)
                return -1;
            if (o) {
                memcpy(o, s + i, n);
                o += n;
            }
            i += n;
            continue;
        }
        /* a backslash: from here the value is copied */
        if (!o) {
            o = t->out + t->out_len;
            memcpy(o, s + st, i - st);
            o += i - st;
        }
        if (++i >= len)
            return -1;
        char e = s[i++];
        switch (e) {
        case '"':
        case '\\':
        case '/':
            *o++ = e;
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            uint32_t cp;
            if (read_u16(s, len, i, &cp))
                return -1;
            i += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return -1; /* a lone low surrogate */
            if (cp >= 0xd800 && cp <= 0xdbff) {
                uint32_t lo;
                if (len - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
                    read_u16(s, len, i + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return -1;
                i += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            if (cp == 0 && is_key)
                return -1;
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xc0 | cp >> 6);
                *o++ = (char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                *o++ = (char)(0xe0 | cp >> 12);
                *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
                *o++ = (char)(0x80 | (cp & 0x3f));
            } else {
                *o++ = (char)(0xf0 | cp >> 18);
                *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
                *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
                *o++ = (char)(0x80 | (cp & 0x3f));
            }
            break;
        }
        default:
            return -1;
        }
    }
    if (o) {
        *v = t->out + t->out_len;
        *vl = (uint32_t)(o - *v);
        t->out_len += *vl;
    } else {
        *v = s + st;
        *vl = (uint32_t)(i - st);
    }
    t->i = i + 1;
    return 0;
}

/* A number at s[i]: JSON's grammar; integers of at most 18 digits. */
static int tape_number(jtape_t *t, int k)
{
    const char *s = t->s;
    size_t len = t->len, i = t->i, st = i;
    if (s[i] == '-')
        i++;
    if (i >= len || s[i] < '0' || s[i] > '9')
        return -1;
    if (s[i] == '0') {
        i++;
        if (i < len && s[i] >= '0' && s[i] <= '9')
            return -1;
    } else {
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    int real = 0;
    if (i < len && s[i] == '.') {
        real = 1;
        i++;
        if (i >= len || s[i] < '0' || s[i] > '9')
            return -1;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        real = 1;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || s[i] < '0' || s[i] > '9')
            return -1;
        size_t e0 = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        /* a large exponent may overflow, which jansson refuses for the
         * whole record, even where this reader would skip the value
         * (an #attributes member): leave such a record to jansson */
        if (i - e0 > 2)
            return -1;
    }
    jnode_t *x = &t->n[k];
    x->val = s + st;
    x->val_len = (uint32_t)(i - st);
    if (real) {
        x->type = JN_REAL;
    } else {
        x->type = JN_INT;
        if (i - st > 18)
            return -1; /* near int64's end: jansson's strtoll decides */
        if (i - st == 2 && s[st] == '-' && s[st + 1] == '0') {
            x->val = "0";
            x->val_len = 1;
        }
    }
    t->i = i;
    return 0;
}

/* A cheap hash of a key for the duplicate check: its length and its
 * first and last bytes, by loads that may overlap (equal keys hash equal;
 * the check compares the keys). */
static uint64_t key_hash(const char *k, size_t n)
{
    uint64_t a, b;
    if (n >= 8) {
        memcpy(&a, k, 8);
        memcpy(&b, k + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, k, 4);
        memcpy(&y, k + n - 4, 4);
        a = x, b = y;
    } else {
        a = n ? (unsigned char)k[0] | (unsigned)(unsigned char)k[n / 2] << 8 : 0;
        b = n ? (unsigned char)k[n - 1] : 0;
    }
    return ((a ^ (b << 7) ^ (b >> 13) ^ n) * 0x9e3779b97f4a7c15ULL) >> 32;
}

/* Do two members of object o (node index) share a key? jansson refuses.
 * Each key goes into a small open-addressed table of member indexes (on
 * the stack up to 128 members); keys whose hashes land together are
 * compared. O(members). */
static int has_dup_keys(const jtape_t *t, uint32_t o)
{
    const jnode_t *n = t->n;
    uint32_t m = 0;
    for (uint32_t c = o + 1; c < n[o].end; c = n[c].end)
        m++;
    if (m < 2)
        return 0;
    if (m <= 4) { /* pairwise is cheaper than a table */
        for (uint32_t a = o + 1; a < n[o].end; a = n[a].end)
            for (uint32_t b = n[a].end; b < n[o].end; b = n[b].end)
                if (n[a].key_len == n[b].key_len && sw_mem_eq(n[a].key, n[b].key, n[a].key_len))
                    return 1;
        return 0;
    }
    uint32_t stack_slots[256], *slot = stack_slots;
    size_t cap = 16;
    while (cap < (size_t)m * 2)
        cap *= 2;
    if (cap > sizeof stack_slots / sizeof stack_slots[0] && !(slot = malloc(cap * sizeof *slot)))
        return 1; /* decline */
    memset(slot, 0, cap * sizeof *slot);
    int dup = 0;
    for (uint32_t c = o + 1; c < n[o].end && !dup; c = n[c].end) {
        size_t j = key_hash(n[c].key, n[c].key_len) & (cap - 1);
        for (; slot[j]; j = (j + 1) & (cap - 1)) {
            const jnode_t *x = &n[slot[j]];
            if (x->key_len == n[c].key_len && sw_mem_eq(x->key, n[c].key, x->key_len)) {
                dup = 1;
                break;
            }
        }
        slot[j] = c; /* c > o >= 0: never 0 */
    }
    if (slot != stack_slots)
        free(slot);
    return dup;
}

static int tape_value(jtape_t *t, int depth);

static int tape_container(jtape_t *t, int depth, int obj)
{
    int k = tape_node(t, obj ? JN_OBJ : JN_ARR);
    if (k < 0 || depth > FAST_MAX_DEPTH)
        return -1;
    t->i = flat_skip_ws(t->s, t->len, t->i + 1);
    char close = obj ? '}' : ']';
    if (t->i < t->len && t->s[t->i] == close) {
        t->i++;
    } else {
        for (;;) {
            const char *key = NULL;
            uint32_t key_len = 0;
            if (obj) {
                if (t->i >= t->len || t->s[t->i] != '"' || tape_string(t, 1, &key, &key_len))
                    return -1;
                t->i = flat_skip_ws(t->s, t->len, t->i);
                if (t->i >= t->len || t->s[t->i] != ':')
                    return -1;
                t->i = flat_skip_ws(t->s, t->len, t->i + 1);
            }
            size_t at = t->n_nodes;
            if (tape_value(t, depth + 1))
                return -1;
            t->n[at].key = key;
            t->n[at].key_len = key_len;
            t->i = flat_skip_ws(t->s, t->len, t->i);
            if (t->i < t->len && t->s[t->i] == ',') {
                t->i = flat_skip_ws(t->s, t->len, t->i + 1);
                continue;
            }
            if (t->i < t->len && t->s[t->i] == close) {
                t->i++;
                break;
            }
            return -1;
        }
    }
    t->n[k].end = (uint32_t)t->n_nodes;
    if (obj && has_dup_keys(t, (uint32_t)k))
        return -1;
    return 0;
}

static int tape_value(jtape_t *t, int depth)
{
    if (t->i >= t->len)
        return -1;
    char c = t->s[t->i];
    if (c == '{' || c == '[')
        return tape_container(t, depth, c == '{');
    int k = tape_node(t, JN_STR);
    if (k < 0)
        return -1;
    jnode_t *x = &t->n[k];
    x->end = (uint32_t)k + 1;
    size_t rest = t->len - t->i;
    if (c == '"') {
        const char *v;
        uint32_t vl;
        if (tape_string(t, 0, &v, &vl))
            return -1;
        x = &t->n[k];
        x->val = v;
        x->val_len = vl;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return tape_number(t, k);
    if (rest >= 4 && !memcmp(t->s + t->i, "true", 4)) {
        x->type = JN_TRUE;
        x->val = "true";
        x->val_len = 4;
        t->i += 4;
    } else if (rest >= 5 && !memcmp(t->s + t->i, "false", 5)) {
        x->type = JN_FALSE;
        x->val = "false";
        x->val_len = 5;
        t->i += 5;
    } else if (rest >= 4 && !memcmp(t->s + t->i, "null", 4)) {
        x->type = JN_NULL;
        x->val = "";
        x->val_len = 0;
        t->i += 4;
    } else {
        return -1;
    }
    return 0;
}

/* ---- flattening, as event.c does it over jansson's tree ---------------------- */

typedef struct flat {
    const jtape_t *t;
    sw_event_t *ev;
    char name[FAST_MAX_NAME + 64];
    size_t name_len;
} flat_t;

static int key_is(const jnode_t *x, const char *k)
{
    size_t n = strlen(k);
    return x->key_len == n && sw_mem_eq(x->key, k, n);
}

/* json_object_get: the member of object o named k, or 0 (node 0 is the root,
 * never a member). */
static uint32_t member(const jtape_t *t, uint32_t o, const char *k)
{
    if (t->n[o].type != JN_OBJ)
        return 0;
    for (uint32_t c = o + 1; c < t->n[o].end; c = t->n[c].end)
        if (key_is(&t->n[c], k))
            return c;
    return 0;
}

/* ---- reals in jansson's spelling ------------------------------------------------ */

__extension__ typedef unsigned __int128 u128;

static const double pow10_d[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The decimal s[0..n) (JSON's grammar, checked by tape_number) as the
 * double strtod gives, when that is one exact operation (Clinger's fast
 * path: a significand of at most 2^53 and a power of ten of at most 22,
 * both exact doubles, so one IEEE multiply or divide rounds correctly):
 * 0, or -1 when it is not. *digits: the significand's digits, *e10 the
 * power of ten it is scaled by (value = sig * 10^e10). */
static int real_fast_parse(const char *s, size_t n, double *out, int *digits, int *e10)
{
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    size_t i = 0;
    int neg = s[0] == '-', nd = 0, ex = 0;
    uint64_t sig = 0;
    i += (size_t)neg;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (sig || s[i] != '0') {
            if (++nd > 19)
                return -1;
            sig = sig * 10 + (uint64_t)(s[i] - '0');
        }
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            ex--;
            if (sig || s[i] != '0') {
                if (++nd > 19)
                    return -1;
                sig = sig * 10 + (uint64_t)(s[i] - '0');
            }
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0, e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        for (; i < n && s[i] >= '0' && s[i] <= '9' && e < 1000; i++)
            e = e * 10 + (s[i] - '0');
        ex += eneg ? -e : e;
    }
    if (i != n || !sig || sig > ((uint64_t)1 << 53) || ex < -22 || ex > 22)
        return -1;
    double d = (double)sig;
    d = ex < 0 ? d / pow10_d[-ex] : d * pow10_d[ex];
    *out = neg ? -d : d;
    *digits = nd;
    *e10 = ex;
    return 0;
#else
    (void)s, (void)n, (void)out, (void)digits, (void)e10;
    return -1;
#endif
}

/* d printed as %.17g would (17 significant digits, correctly rounded,
 * ties to even as glibc's printf rounds, trailing zeros cut) into out, for
 * a normal d whose %g takes the fixed form, 1e-4 <= |d| < 2^52: its
 * length, or -1 for printf. x10: floor(log10(|d|)) or one off it. The
 * digits are exact: |d| = m * 2^-s, and m * 10^k (k <= 20) fits in 128 bits. */
static int real_fast_print(double d, int x10, char *out)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    int be = (int)(bits >> 52 & 0x7ff);
    if (be == 0 || be == 0x7ff)
        return -1; /* zero, subnormal, inf, nan */
    uint64_t m = (bits & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52;
    int s = 1075 - be; /* |d| = m / 2^s */
    if (s < 1 || s > 120)
        return -1;
    static const uint64_t p10[20] = {1ull,
                                     10ull,
                                     100ull,
                                     1000ull,
                                     10000ull,
                                     100000ull,
                                     1000000ull,
                                     10000000ull,
                                     100000000ull,
                                     1000000000ull,
                                     10000000000ull,
                                     100000000000ull,
                                     1000000000000ull,
                                     10000000000000ull,
                                     100000000000000ull,
                                     1000000000000000ull,
                                     10000000000000000ull,
                                     100000000000000000ull,
                                     1000000000000000000ull,
                                     10000000000000000000ull};
    uint64_t q = 0;
    for (int tries = 0;; tries++) {
        int k = 16 - x10; /* N = round(|d| * 10^k) has 17 digits */
        if (tries > 2 || x10 < -4 || k < 0 || k > 20)
            return -1;
        u128 num = (u128)m * (k == 20 ? p10[19] : p10[k]);
        if (k == 20)
            num *= 10;
        u128 qq = num >> s, r = num & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
        if (r > half || (r == half && (qq & 1)))
            qq++;
        if (qq >= p10[17])
            x10++;
        else if (qq < p10[16])
            x10--;
        else {
            q = (uint64_t)qq;
            break;
        }
    }
    if (x10 < -4 || x10 > 16)
        return -1; /* %g's exponent form */
    char dg[17];
    for (int i = 16; i >= 0; i--, q /= 10)
        dg[i] = (char)('0' + q % 10);
    int nd = 17;
    while (nd > 1 && dg[nd - 1] == '0')
        nd--;
    char *o = out;
    if (bits >> 63)
        *o++ = '-';
    if (x10 >= 0) {
        memcpy(o, dg, (size_t)x10 + 1);
        o += x10 + 1;
        if (nd > x10 + 1) {
            *o++ = '.';
            memcpy(o, dg + x10 + 1, (size_t)(nd - x10 - 1));
            o += nd - x10 - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x10 - 1; i++)
            *o++ = '0';
        memcpy(o, dg, (size_t)nd);
        o += nd;
    }
    *o = '\0';
    return (int)(o - out);
}

/* A real's value as jansson gives it: strtod of the text, printed %.17g
 * (out holds 64). Both without libc where that is exact (the common
 * case: Zeek's times and durations); -1 for a real jansson refuses
 * (overflow). */
static int real_text(const char *v, size_t n, char *out)
{
    double d;
    int nd, e10;
    if (real_fast_parse(v, n, &d, &nd, &e10) == 0) {
        int len = real_fast_print(d, nd - 1 + e10, out);
        if (len >= 0)
            return len;
    } else {
        char tmp[64];
        if (n >= sizeof tmp)
            return -1;
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        d = strtod(tmp, NULL);
        if (isinf(d))
            return -1; /* jansson: real number overflow */
    }
    return snprintf(out, 64, "%.17g", d);
}

/* add_scalar: 0, SW_E* from sw_event_add, or 1 to decline. */
static int add_scalar(flat_t *f, const char *name, size_t name_len, const jnode_t *x)
{
    switch (x->type) {
    case JN_STR:
        return sw_event_add(f->ev, name, name_len, x->val, x->val_len, SW_FV_STRING);
    case JN_INT:
        return sw_event_add(f->ev, name, name_len, x->val, x->val_len, SW_FV_NUMBER);
    case JN_REAL: {
        char num[64];
        int n = real_text(x->val, x->val_len, num);
        if (n < 0)
            return 1;
        return sw_event_add(f->ev, name, name_len, num, (size_t)n, SW_FV_NUMBER);
    }
    case JN_TRUE:
        return sw_event_add(f->ev, name, name_len, "true", 4, SW_FV_BOOL);
    case JN_FALSE:
        return sw_event_add(f->ev, name, name_len, "false", 5, SW_FV_BOOL);
    case JN_NULL:
        return sw_event_add(f->ev, name, name_len, "", 0, SW_FV_NULL);
    default:
        return 1;
    }
}

static int flatten(flat_t *f, uint32_t v, int depth)
{
    const jtape_t *t = f->t;
    const jnode_t *x = &t->n[v];
    if (depth > SW_EVENT_MAX_DEPTH)
        return 1;
    if (x->type == JN_OBJ) {
        size_t keep = f->name_len;
        for (uint32_t c = v + 1; c < x->end; c = t->n[c].end) {
            const jnode_t *m = &t->n[c];
            int attrs = key_is(m, "#attributes");
            if (!attrs) {
                if (keep + 1 + m->key_len > FAST_MAX_NAME)
                    return 1;
                if (keep)
                    f->name[f->name_len++] = '.';
                memcpy(f->name + f->name_len, m->key, m->key_len);
                f->name_len += m->key_len;
            }
            int rc = flatten(f, c, depth + 1);
            f->name_len = keep;
            if (rc)
                return rc;
        }
        return 0;
    }
    if (x->type == JN_ARR) {
        for (uint32_t c = v + 1; c < x->end; c = t->n[c].end) {
            int rc = flatten(f, c, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    return add_scalar(f, f->name, f->name_len, x);
}

static int add_system(flat_t *f, uint32_t sys)
{
    static const struct {
        const char *path[3];
        const char *name;
    } map[] = {
        {{"EventID"}, "EventID"},
        {{"Channel"}, "Channel"},
        {{"Computer"}, "Computer"},
        {{"Level"}, "Level"},
        {{"Task"}, "Task"},
        {{"Opcode"}, "Opcode"},
        {{"Keywords"}, "Keywords"},
        {{"Version"}, "Version"},
        {{"EventRecordID"}, "EventRecordID"},
        {{"Provider", "#attributes", "Name"}, "Provider_Name"},
        {{"Provider", "#attributes", "Guid"}, "Provider_Guid"},
        {{"TimeCreated", "#attributes", "SystemTime"}, "TimeCreated"},
        {{"Execution", "#attributes", "ProcessID"}, "ProcessID"},
        {{"Execution", "#attributes", "ThreadID"}, "ThreadID"},
        {{"Security", "#attributes", "UserID"}, "UserID"},
    };
    const jtape_t *t = f->t;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        uint32_t cur = sys;
        for (int k = 0; k < 3 && map[i].path[k] && cur; k++)
            cur = member(t, cur, map[i].path[k]);
        if (!cur)
            continue;
        if (t->n[cur].type == JN_OBJ) { /* {"#text": 4688, "#attributes": ...} */
            uint32_t tx = member(t, cur, "#text");
            if (tx)
                cur = tx;
        }
        if (t->n[cur].type == JN_OBJ || t->n[cur].type == JN_ARR)
            continue;
        int rc = add_scalar(f, map[i].name, strlen(map[i].name), &t->n[cur]);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_data(flat_t *f, uint32_t data, int unwrap)
{
    const jtape_t *t = f->t;
    if (!data || t->n[data].type != JN_OBJ)
        return 0;
    for (uint32_t c = data + 1; c < t->n[data].end; c = t->n[c].end) {
        const jnode_t *m = &t->n[c];
        if (key_is(m, "#attributes"))
            continue;
        int rc;
        if (unwrap && m->type == JN_OBJ) {
            if ((rc = add_data(f, c, 0)))
                return rc;
            continue;
        }
        if (m->key_len > FAST_MAX_NAME)
            return 1;
        memcpy(f->name, m->key, m->key_len);
        f->name_len = m->key_len;
        if ((rc = flatten(f, c, 2)))
            return rc;
    }
    return 0;
}

int sw_event_parse_flat(sw_event_t *ev, const char *json, size_t len)
{
    sw_event_clear(ev);
    if (len > SW_EVENT_MAX_BYTES)
        return SW_ENOENT;
    jnode_t stack_nodes[256];
    char stack_out[8192];
    jtape_t t = {.s = json, .len = len, .n = stack_nodes, .cap_nodes = 256, .out = stack_out};
    int rc = SW_ENOENT;
    if (len > sizeof stack_out && !(t.out = malloc(len)))
        return SW_ENOENT;
    t.i = flat_skip_ws(json, len, 0);
    if (t.i >= len || json[t.i] != '{' || tape_value(&t, 0) || flat_skip_ws(json, len, t.i) != len)
        goto done;
    flat_t *f = malloc(sizeof *f);
    if (!f)
        goto done;
    f->t = &t;
    f->ev = ev;
    f->name_len = 0;
    uint32_t evt = member(&t, 0, "Event");
    uint32_t sys = evt ? member(&t, evt, "System") : 0;
    int r;
    if (sys && t.n[sys].type == JN_OBJ) {
        r = add_system(f, sys);
        if (!r)
            r = add_data(f, member(&t, evt, "EventData"), 0);
        if (!r)
            r = add_data(f, member(&t, evt, "UserData"), 1);
    } else {
        r = flatten(f, 0, 0);
    }
    free(f);
    rc = r == 0 ? SW_OK : SW_ENOENT; /* a limit or a doubt: the full parser says */
done:
    if (rc)
        sw_event_clear(ev);
    if (t.heap)
        free(t.n);
    if (t.out != stack_out)
        free(t.out);
    return rc;
}

int sw_event_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err)
{
    int rc = sw_event_parse_flat(ev, json, len);
    if (rc == SW_ENOENT)
        return sw_event_parse_json(ev, json, len, err);
    return rc ? sw_seterr(err, rc, "record too large") : SW_OK;
}
