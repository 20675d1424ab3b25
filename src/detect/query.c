/* query.c — parser and evaluator of the hunt language. See query.h for the
 * language and docs/search.md for the user's view.
 *
 * Design notes:
 *  1. Recursive descent over the bytes, tracking the byte offset so every
 *     error names a 1-based column. Grammar (NOT binds tighter than AND,
 *     AND — written or implicit — tighter than OR):
 *        query  := [or] ('|' stage)*
 *        or     := and ('OR' and)*
 *        and    := unary (['AND'] unary)*
 *        unary  := ('NOT' | '-') unary | '(' or ')' | term
 *        term   := [field ':'] (value | '"' phrase '"' | range | cmp | '(' or ')')
 *     A field followed by '(' makes that field the default for the group:
 *     EventID:(4624 OR 4625).
 *  2. Values are stored lower-cased and unescaped, so matching lower-cases
 *     only the record side. Wildcard patterns keep '\' before a literal
 *     '*', '?' or '\' so the glob can tell them from wildcards.
 *  3. Everything the parser allocates lives in the query's arena; a failed
 *     parse leaves a query that sw_query_free releases.
 *  4. The evaluator never allocates; sw_qrun_t (at the end) holds pipeline
 *     state and bounds what it keeps (SW_QRUN_MAX_*). */
#include "detect/query.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/calendar.h"

/* ---- time ------------------------------------------------------------------ */

static int read_digits(const char *s, size_t len, size_t *i, int n, int64_t *out)
{
    int64_t v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || !isdigit((unsigned char)s[*i]))
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return 0;
}

int sw_query_parse_time(const char *s, size_t len, int64_t *ms)
{
    size_t i = 0;
    int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
    if (read_digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
        read_digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
        read_digits(s, len, &i, 2, &d))
        return SW_EINVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return SW_EINVAL;
    int64_t off_min = 0;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (read_digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
            read_digits(s, len, &i, 2, &mi))
            return SW_EINVAL;
        if (i < len && s[i] == ':') {
            i++;
            if (read_digits(s, len, &i, 2, &sec))
                return SW_EINVAL;
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                i++;
                int nd = 0;
                int64_t scale = 100;
                while (i < len && isdigit((unsigned char)s[i])) {
                    if (nd < 3)
                        frac += (s[i] - '0') * scale;
                    scale /= 10;
                    nd++;
                    i++;
                }
                if (nd == 0)
                    return SW_EINVAL;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return SW_EINVAL;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1;
            int64_t oh, om = 0;
            if (read_digits(s, len, &i, 2, &oh))
                return SW_EINVAL;
            if (i < len && s[i] == ':')
                i++;
            if (i < len && read_digits(s, len, &i, 2, &om))
                return SW_EINVAL;
            off_min = sign * (oh * 60 + om);
        }
    }
    if (i != len)
        return SW_EINVAL;
    int64_t days = sw_days_from_civil(y, mo, d);
    *ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - off_min * 60) * 1000 + frac;
    return SW_OK;
}

void sw_query_format_time(int64_t ms, char out[64])
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t msr = ms - secs * 1000;
    int64_t z = (secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400));
    int64_t sod = secs - z * 86400;
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (int)msr);
}

static const char *const time_fields[] = {"@timestamp", "TimeCreated", "UtcTime",
                                          "timestamp",  "EventTime",   "time"};

/* Zeek's ts: seconds since the epoch with a fraction (1773097203.635),
 * between 1973 and 5138; to the nearest ms. */
static int epoch_seconds(const char *s, size_t len, int64_t *ms)
{
    size_t i = 0, dot = len;
    if (len == 0 || len > 40)
        return SW_EINVAL;
    for (; i < len; i++) {
        if (s[i] == '.' && dot == len && i > 0 && i + 1 < len)
            dot = i;
        else if (!isdigit((unsigned char)s[i]))
            return SW_EINVAL;
    }
    if (dot < 9 || dot > 11)
        return SW_EINVAL;
    char tmp[48];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    double d = strtod(tmp, NULL);
    if (d < 1e8 || d >= 1e11)
        return SW_EINVAL;
    *ms = llround(d * 1000.0);
    return SW_OK;
}

/* The field that holds the record's time, or NULL. */
static const sw_field_t *event_time_field(const sw_event_t *ev, int64_t *ms)
{
    for (size_t i = 0; i < sizeof time_fields / sizeof time_fields[0]; i++) {
        const sw_field_t *f = sw_event_get(ev, time_fields[i]);
        if (f && sw_query_parse_time(f->value, f->value_len, ms) == SW_OK)
            return f;
    }
    const sw_field_t *f = sw_event_get(ev, "ts");
    if (f && f->type == SW_FV_NUMBER && epoch_seconds(f->value, f->value_len, ms) == SW_OK)
        return f;
    return NULL;
}

int sw_query_event_time(const sw_event_t *ev, int64_t *ms)
{
    *ms = 0;
    return event_time_field(ev, ms) ? SW_OK : SW_ENOENT;
}

/* ---- the parser -------------------------------------------------------------- */

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    int depth;
    size_t n_nodes;
    sw_query_t *q;
    const sw_query_opts_t *opts;
    sw_errbuf_t *err;
    int rc;
    size_t last_start, last_end; /* source span of the last term, for messages */
} parser_t;

static int perr(parser_t *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(parser_t *p, size_t at, const char *fmt, ...)
{
    if (p->rc)
        return p->rc; /* keep the first error */
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->rc = sw_seterr(p->err, SW_EINVAL, "column %zu: %s", at + 1, msg);
    return p->rc;
}

/* "after 'X'" where X is the last term, shortened. */
static void last_term(const parser_t *p, char *out, size_t n)
{
    size_t l = p->last_end > p->last_start ? p->last_end - p->last_start : 0;
    if (l == 0) {
        snprintf(out, n, "the start");
        return;
    }
    if (l > 40)
        snprintf(out, n, "'%.37s...'", p->s + p->last_start);
    else
        snprintf(out, n, "'%.*s'", (int)l, p->s + p->last_start);
}

static void skip_ws(parser_t *p)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

static int at_end(parser_t *p)
{
    skip_ws(p);
    return p->pos >= p->len;
}

static sw_qnode_t *new_node(parser_t *p, sw_qnode_kind_t kind, size_t at)
{
    if (++p->n_nodes > SW_QUERY_MAX_NODES) {
        perr(p, at, "too many terms (the limit is %d)", SW_QUERY_MAX_NODES);
        p->rc = SW_ETOOBIG;
        return NULL;
    }
    sw_qnode_t *n = sw_arena_zalloc(&p->q->arena, sizeof *n);
    if (!n) {
        p->rc = sw_seterr(p->err, SW_ENOMEM, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->column = (int)at + 1;
    return n;
}

static int is_field_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '@' || c == '-' || c == '#' ||
           c == '/';
}

/* Characters that end an unquoted value. ':' does not (C:\Windows). */
static int ends_word(char c)
{
    return isspace((unsigned char)c) || c == '(' || c == ')' || c == '"' || c == '|';
}

/* An unquoted word starting at p->pos: raw span [*start, *end). Escapes (\x)
 * are kept in the span. stop_range also ends at ']' and '}'. */
static void scan_word(parser_t *p, int stop_range, size_t *start, size_t *end)
{
    *start = p->pos;
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\\' && p->pos + 1 < p->len) {
            p->pos += 2;
            continue;
        }
        if (ends_word(c) || (stop_range && (c == ']' || c == '}')))
            break;
        p->pos++;
    }
    *end = p->pos;
}

static int is_special(char c)
{
    return strchr("\\+-!(){}[]^\"~*?:/| ", c) != NULL;
}

/* Unescape and lower-case raw[0..n) into the arena. keep_glob_escapes keeps
 * "\*", "\?" and "\\" escaped (for the glob); *has_wild says whether an
 * unescaped * or ? was seen. A '\' before an ordinary character is a literal
 * backslash, so Windows paths need no doubling. */
static char *cook(parser_t *p, const char *raw, size_t n, int quoted, int keep_glob_escapes,
                  int *has_wild, size_t *out_len)
{
    char *o = sw_arena_alloc(&p->q->arena, 2 * n + 1);
    if (!o) {
        p->rc = sw_seterr(p->err, SW_ENOMEM, "out of memory");
        return NULL;
    }
    size_t k = 0;
    *has_wild = 0;
    for (size_t i = 0; i < n; i++) {
        char c = raw[i];
        if (c == '\\' && i + 1 < n &&
            (quoted ? (raw[i + 1] == '"' || raw[i + 1] == '\\') : is_special(raw[i + 1]))) {
            char e = raw[++i];
            if (keep_glob_escapes && (e == '*' || e == '?' || e == '\\'))
                o[k++] = '\\';
            o[k++] = (char)tolower((unsigned char)e);
            continue;
        }
        if (!quoted && (c == '*' || c == '?'))
            *has_wild = 1;
        if (keep_glob_escapes && c == '\\') /* a literal backslash in a glob */
            o[k++] = '\\';
        o[k++] = (char)tolower((unsigned char)c);
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

static int word_is(const char *s, size_t n, const char *kw)
{
    return strlen(kw) == n && strncasecmp(s, kw, n) == 0;
}

/* Is the next word the keyword kw (followed by a word boundary)? */
static int peek_kw(parser_t *p, const char *kw)
{
    skip_ws(p);
    size_t n = strlen(kw);
    if (p->len - p->pos < n || strncasecmp(p->s + p->pos, kw, n) != 0)
        return 0;
    return p->pos + n == p->len || ends_word(p->s[p->pos + n]);
}

/* s[0, n) as a plain integer of 1 to 15 digits, a '-' before them or
 * not: exact in a double, as strtod gives it, without strtod's cost (a
 * range over a field meets such values, ports and byte counts, one after
 * another). 0 when s is something else. */
static inline int parse_plain_int(const char *s, size_t n, double *out)
{
    size_t i = n && s[0] == '-';
    if (n <= i || n - i > 15)
        return 0;
    uint64_t v = 0;
    for (size_t k = i; k < n; k++) {
        unsigned d = (unsigned)(unsigned char)s[k] - '0';
        if (d > 9)
            return 0;
        v = v * 10 + d;
    }
    *out = i ? -(double)v : (double)v;
    return 1;
}

static int parse_number(const char *s, size_t n, double *out)
{
    if (parse_plain_int(s, n, out))
        return 0;
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* now, now-15m, now+1h (s m h d w) relative to opts->now_ms. */
static int parse_relative(parser_t *p, const char *s, size_t n, int64_t *ms)
{
    if (n < 3 || strncasecmp(s, "now", 3) != 0)
        return -1;
    int64_t t = p->opts ? p->opts->now_ms : 0;
    if (n == 3) {
        *ms = t;
        return 0;
    }
    if (s[3] != '-' && s[3] != '+')
        return -1;
    size_t i = 4;
    int64_t v = 0;
    if (i >= n || !isdigit((unsigned char)s[i]))
        return -1;
    while (i < n && isdigit((unsigned char)s[i])) {
        v = v * 10 + (s[i++] - '0');
        if (v > 100000000)
            return -1;
    }
    if (i + 1 != n)
        return -1;
    int64_t unit;
    switch (s[i]) {
    case 's':
        unit = 1000;
        break;
    case 'm':
        unit = 60000;
        break;
    case 'h':
        unit = 3600000;
        break;
    case 'd':
        unit = 86400000;
        break;
    case 'w':
        unit = 7 * 86400000LL;
        break;
    default:
        return -1;
    }
    *ms = s[3] == '-' ? t - v * unit : t + v * unit;
    return 0;
}

static int parse_time_bound(parser_t *p, const char *s, size_t n, int64_t *ms)
{
    if (parse_relative(p, s, n, ms) == 0 || sw_query_parse_time(s, n, ms) == SW_OK)
        return 0;
    double d;
    if (parse_number(s, n, &d) == 0 && d >= -9e15 && d <= 9e15) { /* epoch ms */
        *ms = (int64_t)d;
        return 0;
    }
    return -1;
}

static void set_field(parser_t *p, sw_qnode_t *n, const char *field)
{
    (void)p;
    n->field = field;
    if (field) {
        n->field_hash = sw_field_hash(field, strlen(field));
        n->field_is_time = strcasecmp(field, "@timestamp") == 0;
    }
}

/* Decide how a range compares and convert its bounds. lo/hi are cooked
 * (lower-cased, unescaped) text; NULL for an open end. */
static int finish_range(parser_t *p, sw_qnode_t *n, const char *lo, const char *hi, size_t lo_at,
                        size_t hi_at)
{
    n->has_lo = lo != NULL;
    n->has_hi = hi != NULL;
    double dl = 0, dh = 0;
    int num = (!lo || parse_number(lo, strlen(lo), &dl) == 0) &&
              (!hi || parse_number(hi, strlen(hi), &dh) == 0);
    if (num && !n->field_is_time) {
        n->range_type = SW_QR_NUMBER;
        n->lo_num = dl;
        n->hi_num = dh;
        return 0;
    }
    int64_t tl = 0, th = 0;
    int tm = (!lo || parse_time_bound(p, lo, strlen(lo), &tl) == 0) &&
             (!hi || parse_time_bound(p, hi, strlen(hi), &th) == 0);
    if (tm) {
        n->range_type = SW_QR_TIME;
        n->lo_ms = tl;
        n->hi_ms = th;
        return 0;
    }
    if (n->field_is_time)
        return perr(p, lo && parse_time_bound(p, lo, strlen(lo), &tl) ? lo_at : hi_at,
                    "expected a time such as 2026-02-10T09:00, now-1h or epoch ms");
    n->range_type = SW_QR_STRING;
    n->lo_str = lo;
    n->hi_str = hi;
    return 0;
}

/* A range bound: a quoted string or a word ending at whitespace, ']' or '}'.
 * Returns the cooked text, NULL for '*' (open) with *open set. */
static const char *range_bound(parser_t *p, int *open)
{
    skip_ws(p);
    *open = 0;
    int wild;
    size_t ol;
    if (p->pos < p->len && p->s[p->pos] == '"') {
        size_t st = ++p->pos;
        while (p->pos < p->len && p->s[p->pos] != '"')
            p->pos += (p->s[p->pos] == '\\' && p->pos + 1 < p->len) ? 2 : 1;
        if (p->pos >= p->len) {
            perr(p, st - 1, "expected a closing '\"'");
            return NULL;
        }
        const char *v = cook(p, p->s + st, p->pos - st, 1, 0, &wild, &ol);
        p->pos++;
        return v;
    }
    size_t st, en;
    scan_word(p, 1, &st, &en);
    if (en == st) {
        perr(p, st, "expected a range bound (a value or *)");
        return NULL;
    }
    if (en - st == 1 && p->s[st] == '*') {
        *open = 1;
        return NULL;
    }
    return cook(p, p->s + st, en - st, 0, 0, &wild, &ol);
}

static sw_qnode_t *parse_or(parser_t *p, const char *dfield);

/* [lo TO hi] with [ ] inclusive and { } exclusive, on field. */
static sw_qnode_t *parse_range(parser_t *p, const char *field, size_t at)
{
    sw_qnode_t *n = new_node(p, SW_QN_RANGE, at);
    if (!n)
        return NULL;
    set_field(p, n, field);
    char open_c = p->s[p->pos++];
    n->lo_incl = open_c == '[';
    int lo_open, hi_open;
    skip_ws(p);
    size_t lo_at = p->pos;
    const char *lo = range_bound(p, &lo_open);
    if (p->rc)
        return NULL;
    if (!peek_kw(p, "TO")) {
        perr(p, p->pos, "expected 'TO' in the range after '%c'", open_c);
        return NULL;
    }
    p->pos += 2;
    skip_ws(p);
    size_t hi_at = p->pos;
    const char *hi = range_bound(p, &hi_open);
    if (p->rc)
        return NULL;
    skip_ws(p);
    if (p->pos >= p->len || (p->s[p->pos] != ']' && p->s[p->pos] != '}')) {
        perr(p, p->pos, "expected ']' or '}' to close the range");
        return NULL;
    }
    n->hi_incl = p->s[p->pos++] == ']';
    if (finish_range(p, n, lo_open ? NULL : lo, hi_open ? NULL : hi, lo_at, hi_at))
        return NULL;
    return n;
}

/* A parenthesized group at p->pos (the '('), its terms defaulting to dfield
 * (field:(a OR b) or a bare (...)); depth errors are reported at err_at. */
static sw_qnode_t *parse_group(parser_t *p, const char *dfield, size_t err_at)
{
    p->pos++;
    if (++p->depth > SW_QUERY_MAX_DEPTH) {
        perr(p, err_at, "too deeply nested (the limit is %d)", SW_QUERY_MAX_DEPTH);
        p->rc = SW_ETOOBIG;
        return NULL;
    }
    sw_qnode_t *n = parse_or(p, dfield);
    p->depth--;
    if (!n)
        return NULL;
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ')') {
        char lt[64];
        last_term(p, lt, sizeof lt);
        perr(p, p->pos, "expected ')' after %s", lt);
        return NULL;
    }
    p->pos++;
    return n;
}

/* A value after "field:" (field NULL: free text). */
static sw_qnode_t *parse_value(parser_t *p, const char *field, size_t at)
{
    if (p->pos >= p->len || isspace((unsigned char)p->s[p->pos])) {
        perr(p, p->pos, "expected a value after '%s:'", field ? field : "");
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == '(' && field)
        return parse_group(p, field, p->pos + 1);
    if ((c == '[' || c == '{') && field)
        return parse_range(p, field, at);
    if ((c == '>' || c == '<') && field) {
        int gt = c == '>';
        p->pos++;
        int incl = 0;
        if (p->pos < p->len && p->s[p->pos] == '=') {
            incl = 1;
            p->pos++;
        }
        size_t st, en;
        int wild;
        size_t ol;
        scan_word(p, 0, &st, &en);
        if (en == st) {
            perr(p, st, "expected a value after '%c%s'", c, incl ? "=" : "");
            return NULL;
        }
        const char *v = cook(p, p->s + st, en - st, 0, 0, &wild, &ol);
        sw_qnode_t *n = new_node(p, SW_QN_RANGE, at);
        if (!v || !n)
            return NULL;
        set_field(p, n, field);
        if (gt)
            n->lo_incl = incl;
        else
            n->hi_incl = incl;
        if (finish_range(p, n, gt ? v : NULL, gt ? NULL : v, st, st))
            return NULL;
        return n;
    }
    int quoted = c == '"';
    size_t st, en;
    if (quoted) {
        st = ++p->pos;
        while (p->pos < p->len && p->s[p->pos] != '"')
            p->pos += (p->s[p->pos] == '\\' && p->pos + 1 < p->len) ? 2 : 1;
        if (p->pos >= p->len) {
            perr(p, st - 1, "expected a closing '\"' for the phrase starting here");
            return NULL;
        }
        en = p->pos++;
    } else {
        scan_word(p, 0, &st, &en);
        if (en == st) {
            perr(p, st, "expected a value%s", field ? " after the field" : "");
            return NULL;
        }
    }
    int wild;
    size_t vlen;
    /* first pass: is it a wildcard? */
    char *v = cook(p, p->s + st, en - st, quoted, 0, &wild, &vlen);
    if (!v)
        return NULL;
    sw_qnode_t *n;
    if (wild && vlen == 1 && v[0] == '*') {
        n = new_node(p, field ? SW_QN_EXISTS : SW_QN_ALL, at);
    } else if (wild) {
        n = new_node(p, SW_QN_WILD, at);
        if (n)
            v = cook(p, p->s + st, en - st, 0, 1, &wild, &vlen);
    } else {
        n = new_node(p, SW_QN_TERM, at);
    }
    if (!n || !v)
        return NULL;
    set_field(p, n, field);
    n->value = v;
    n->value_len = vlen;
    return n;
}

/* A term: [field:]value, _exists_:field, or a parenthesized group. */
static sw_qnode_t *parse_primary(parser_t *p, const char *dfield)
{
    skip_ws(p);
    size_t at = p->pos;
    if (p->pos >= p->len) {
        char lt[64];
        last_term(p, lt, sizeof lt);
        perr(p, p->pos, "expected a term after %s", lt);
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == '(')
        return parse_group(p, dfield, at);
    if (c == ')' || c == '|') {
        perr(p, at, "expected a term before '%c'", c);
        return NULL;
    }
    /* field: a run of field characters right before ':' */
    size_t i = p->pos;
    while (i < p->len && is_field_char(p->s[i]))
        i++;
    sw_qnode_t *n;
    if (i > p->pos && i < p->len && p->s[i] == ':') {
        size_t flen = i - p->pos;
        char *field = sw_arena_strndup(&p->q->arena, p->s + p->pos, flen);
        if (!field) {
            p->rc = sw_seterr(p->err, SW_ENOMEM, "out of memory");
            return NULL;
        }
        p->pos = i + 1;
        if (word_is(field, flen, "_exists_")) {
            size_t st = p->pos;
            while (p->pos < p->len && is_field_char(p->s[p->pos]))
                p->pos++;
            if (p->pos == st) {
                perr(p, st, "expected a field name after '_exists_:'");
                return NULL;
            }
            n = new_node(p, SW_QN_EXISTS, at);
            if (!n)
                return NULL;
            char *f = sw_arena_strndup(&p->q->arena, p->s + st, p->pos - st);
            if (!f)
                return NULL;
            set_field(p, n, f);
        } else {
            n = parse_value(p, field, at);
        }
    } else {
        n = parse_value(p, dfield, at);
    }
    if (n && n->kind != SW_QN_AND && n->kind != SW_QN_OR && n->kind != SW_QN_NOT) {
        p->last_start = at;
        p->last_end = p->pos;
    }
    return n;
}

static sw_qnode_t *parse_unary(parser_t *p, const char *dfield)
{
    skip_ws(p);
    size_t at = p->pos;
    int neg = 0;
    if (peek_kw(p, "NOT")) {
        p->pos += 3;
        neg = 1;
    } else if (p->pos < p->len && p->s[p->pos] == '-' && p->pos + 1 < p->len &&
               !isspace((unsigned char)p->s[p->pos + 1]) &&
               !isdigit((unsigned char)p->s[p->pos + 1])) {
        p->pos++;
        neg = 1;
    }
    if (!neg)
        return parse_primary(p, dfield);
    if (++p->depth > SW_QUERY_MAX_DEPTH) {
        perr(p, at, "too deeply nested (the limit is %d)", SW_QUERY_MAX_DEPTH);
        p->rc = SW_ETOOBIG;
        return NULL;
    }
    if (at_end(p)) {
        p->depth--;
        perr(p, p->pos, "expected a term after 'NOT'");
        return NULL;
    }
    sw_qnode_t *k = parse_unary(p, dfield);
    p->depth--;
    if (!k)
        return NULL;
    sw_qnode_t *n = new_node(p, SW_QN_NOT, at);
    if (!n)
        return NULL;
    n->kids = sw_arena_alloc(&p->q->arena, sizeof *n->kids);
    if (!n->kids)
        return NULL;
    n->kids[0] = k;
    n->n_kids = 1;
    return n;
}

/* Append kid to an AND/OR node's list (arena, doubling). */
static int add_kid(parser_t *p, sw_qnode_t *n, sw_qnode_t *kid, size_t *cap)
{
    if (n->n_kids == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        sw_qnode_t **k = sw_arena_alloc(&p->q->arena, nc * sizeof *k);
        if (!k) {
            p->rc = sw_seterr(p->err, SW_ENOMEM, "out of memory");
            return -1;
        }
        if (n->n_kids)
            memcpy(k, n->kids, n->n_kids * sizeof *k);
        n->kids = k;
        *cap = nc;
    }
    n->kids[n->n_kids++] = kid;
    return 0;
}

static int starts_unary(parser_t *p)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return 0;
    char c = p->s[p->pos];
    if (c == ')' || c == '|')
        return 0;
    return !peek_kw(p, "OR") && !peek_kw(p, "AND");
}

/* Add k to the n-ary node *n of kind, made at the second term (with first
 * as its first kid). k NULL: its parse failed. Non-zero on failure. */
static int join(parser_t *p, sw_qnode_t **n, sw_qnode_kind_t kind, size_t at, sw_qnode_t *first,
                sw_qnode_t *k, size_t *cap)
{
    if (!k)
        return -1;
    if (!*n) {
        *n = new_node(p, kind, at);
        if (!*n || add_kid(p, *n, first, cap))
            return -1;
    }
    return add_kid(p, *n, k, cap) ? -1 : 0;
}

static sw_qnode_t *parse_and(parser_t *p, const char *dfield)
{
    size_t at = p->pos;
    sw_qnode_t *first = parse_unary(p, dfield);
    if (!first)
        return NULL;
    sw_qnode_t *n = NULL;
    size_t cap = 0;
    for (;;) {
        int explicit_and = 0;
        if (peek_kw(p, "AND")) {
            p->pos += 3;
            explicit_and = 1;
        } else if (!starts_unary(p)) {
            break;
        }
        if (explicit_and && (at_end(p) || p->s[p->pos] == ')' || p->s[p->pos] == '|')) {
            perr(p, p->pos, "expected a term after 'AND'");
            return NULL;
        }
        if (join(p, &n, SW_QN_AND, at, first, parse_unary(p, dfield), &cap))
            return NULL;
    }
    return n ? n : first;
}

static sw_qnode_t *parse_or(parser_t *p, const char *dfield)
{
    size_t at = p->pos;
    sw_qnode_t *first = parse_and(p, dfield);
    if (!first)
        return NULL;
    sw_qnode_t *n = NULL;
    size_t cap = 0;
    while (peek_kw(p, "OR")) {
        p->pos += 2;
        if (at_end(p) || p->s[p->pos] == ')' || p->s[p->pos] == '|') {
            perr(p, p->pos, "expected a term after 'OR'");
            return NULL;
        }
        if (join(p, &n, SW_QN_OR, at, first, parse_and(p, dfield), &cap))
            return NULL;
    }
    return n ? n : first;
}

/* A word of the pipeline (stage name, field, number): [*st, *en). */
static int stage_word(parser_t *p, size_t *st, size_t *en)
{
    skip_ws(p);
    *st = p->pos;
    while (p->pos < p->len && !isspace((unsigned char)p->s[p->pos]) && p->s[p->pos] != '|')
        p->pos++;
    *en = p->pos;
    return *en > *st;
}

static int stage_number(parser_t *p, const char *what, uint64_t *out)
{
    size_t st, en;
    if (!stage_word(p, &st, &en)) {
        return perr(p, st, "expected %s", what);
    }
    uint64_t v = 0;
    for (size_t i = st; i < en; i++) {
        if (!isdigit((unsigned char)p->s[i]) || v > 1000000000000ULL)
            return perr(p, st, "expected %s, got '%.*s'", what, (int)(en - st), p->s + st);
        v = v * 10 + (uint64_t)(p->s[i] - '0');
    }
    if (v == 0)
        return perr(p, st, "expected %s greater than 0", what);
    *out = v;
    return 0;
}

static int stage_field(parser_t *p, sw_qstage_t *s, const char *after)
{
    size_t st, en;
    if (!stage_word(p, &st, &en))
        return perr(p, st, "expected a field name after '%s'", after);
    for (size_t i = st; i < en; i++)
        if (!is_field_char(p->s[i]))
            return perr(p, i, "expected a field name after '%s'", after);
    char *f = sw_arena_strndup(&p->q->arena, p->s + st, en - st);
    if (!f)
        return p->rc = sw_seterr(p->err, SW_ENOMEM, "out of memory");
    s->field = f;
    s->field_hash = sw_field_hash(f, en - st);
    s->field_is_time = strcasecmp(f, "@timestamp") == 0;
    return 0;
}

static int parse_stage(parser_t *p)
{
    sw_query_t *q = p->q;
    size_t st, en;
    if (!stage_word(p, &st, &en))
        return perr(p, st,
                    "expected an operation after '|' (sort, limit, head, count, top, "
                    "histogram)");
    if (q->n_stages >= SW_QUERY_MAX_STAGES)
        return perr(p, st, "too many pipeline stages (the limit is %d)", SW_QUERY_MAX_STAGES);
    if (q->n_stages > 0) {
        sw_qstage_kind_t prev = q->stages[q->n_stages - 1].kind;
        if (prev != SW_QS_SORT && prev != SW_QS_LIMIT)
            return perr(p, st,
                        "expected the end of the query: count, top and histogram must "
                        "be the last operation");
    }
    sw_qstage_t *s = &q->stages[q->n_stages];
    memset(s, 0, sizeof *s);
    const char *w = p->s + st;
    size_t wl = en - st;
    if (word_is(w, wl, "sort")) {
        s->kind = SW_QS_SORT;
        if (stage_field(p, s, "sort"))
            return p->rc;
        size_t a, b;
        size_t save = p->pos;
        if (stage_word(p, &a, &b)) {
            if (word_is(p->s + a, b - a, "desc"))
                s->desc = 1;
            else if (!word_is(p->s + a, b - a, "asc"))
                return perr(p, a, "expected 'asc', 'desc' or '|' after 'sort %s'", s->field);
        } else {
            p->pos = save;
        }
    } else if (word_is(w, wl, "limit") || word_is(w, wl, "head")) {
        s->kind = SW_QS_LIMIT;
        if (stage_number(p, "a number of records", &s->n))
            return p->rc;
    } else if (word_is(w, wl, "count")) {
        s->kind = SW_QS_COUNT;
        size_t save = p->pos;
        size_t a, b;
        if (stage_word(p, &a, &b)) {
            if (!word_is(p->s + a, b - a, "by"))
                return perr(p, a, "expected 'by FIELD' or '|' after 'count'");
            s->kind = SW_QS_COUNT_BY;
            if (stage_field(p, s, "count by"))
                return p->rc;
        } else {
            p->pos = save;
        }
    } else if (word_is(w, wl, "top")) {
        s->kind = SW_QS_TOP;
        skip_ws(p);
        s->n = 10;
        if (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]) &&
            stage_number(p, "a number of values", &s->n))
            return p->rc;
        if (stage_field(p, s, "top N"))
            return p->rc;
    } else if (word_is(w, wl, "histogram")) {
        s->kind = SW_QS_HISTOGRAM;
        size_t a, b;
        if (!stage_word(p, &a, &b))
            return perr(p, a, "expected an interval such as 1m, 5m or 1h after 'histogram'");
        int64_t v = 0;
        size_t i = a;
        while (i < b && isdigit((unsigned char)p->s[i]) && v < 100000000)
            v = v * 10 + (p->s[i++] - '0');
        int64_t unit = 0;
        if (i + 1 == b) {
            switch (p->s[i]) {
            case 's':
                unit = 1000;
                break;
            case 'm':
                unit = 60000;
                break;
            case 'h':
                unit = 3600000;
                break;
            case 'd':
                unit = 86400000;
                break;
            default:
                break;
            }
        }
        if (v <= 0 || unit == 0)
            return perr(p, a, "expected an interval such as 1m, 5m or 1h after 'histogram'");
        s->bucket_ms = v * unit;
    } else {
        return perr(p, st,
                    "expected an operation after '|' (sort, limit, head, count, top, "
                    "histogram), got '%.*s'",
                    (int)(wl > 40 ? 40 : wl), w);
    }
    q->n_stages++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] != '|')
        return perr(p, p->pos, "expected '|' or the end of the query, got '%c'", p->s[p->pos]);
    return 0;
}

int sw_query_parse(sw_query_t *q, const char *text, size_t len, const sw_query_opts_t *opts,
                   sw_errbuf_t *err)
{
    memset(q, 0, sizeof *q);
    sw_arena_init(&q->arena, 64 * (size_t)SW_QUERY_MAX_LEN + 65536);
    if (len > SW_QUERY_MAX_LEN)
        return sw_seterr(err, SW_ETOOBIG, "column %d: the query is longer than %d bytes",
                         SW_QUERY_MAX_LEN + 1, SW_QUERY_MAX_LEN);
    if (memchr(text, '\0', len))
        return sw_seterr(err, SW_EINVAL, "column %zu: unexpected NUL byte",
                         (size_t)((const char *)memchr(text, '\0', len) - text) + 1);
    parser_t p = {.s = text, .len = len, .q = q, .opts = opts, .err = err};
    if (at_end(&p) || p.s[p.pos] == '|') {
        q->root = new_node(&p, SW_QN_ALL, p.pos);
    } else {
        q->root = parse_or(&p, NULL);
        if (q->root && !p.rc) {
            skip_ws(&p);
            if (p.pos < p.len && p.s[p.pos] != '|') {
                char lt[64];
                last_term(&p, lt, sizeof lt);
                if (p.s[p.pos] == ')')
                    perr(&p, p.pos, "unexpected ')' after %s (no '(' to close)", lt);
                else
                    perr(&p, p.pos, "expected an operator or '|' after %s", lt);
            }
        }
    }
    while (!p.rc && p.pos < p.len && p.s[p.pos] == '|') {
        p.pos++;
        if (parse_stage(&p))
            break;
    }
    if (!p.rc && !q->root)
        p.rc = sw_seterr(err, SW_ENOMEM, "out of memory");
    if (p.rc)
        q->root = NULL;
    return p.rc;
}

void sw_query_free(sw_query_t *q)
{
    sw_arena_free(&q->arena);
    memset(q, 0, sizeof *q);
}

/* ---- matching ----------------------------------------------------------- */

/* Case-insensitive glob; pat lower-cased, '\' escapes the next byte.
 * Iterative with one backtrack point: O(len x pat_len) worst case. */
/* ASCII lower case: what tolower does in the C locale seawall runs in,
 * without its call per byte (the index matches every value with this). */
static inline char fold_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

int sw_query_glob(const char *pat, size_t pat_len, const char *s, size_t len)
{
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    while (si < len) {
        if (pi < pat_len && pat[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pat_len && pi == star_p && pat[pi] != '?' && pat[pi] != '\\') {
            /* after a star, a literal: skip to its next place at once (each
             * place skipped would fail it and move the star on by one) */
            char pc = pat[pi];
            while (si < len && fold_ascii(s[si]) != pc)
                si++;
            star_s = si;
            if (si == len)
                break;
        }
        if (pi < pat_len) {
            char pc = pat[pi];
            size_t adv = 1;
            int any = pc == '?';
            if (pc == '\\' && pi + 1 < pat_len) {
                pc = pat[pi + 1];
                adv = 2;
            }
            if (any || pc == fold_ascii(s[si])) {
                pi += adv;
                si++;
                continue;
            }
        }
        if (star_p == (size_t)-1)
            return 0;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < pat_len && pat[pi] == '*')
        pi++;
    return pi == pat_len;
}

/* Case-insensitive substring (needle lower-cased). */
static int contains_ci(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return 1;
    if (nl > hl)
        return 0;
    char first = n[0];
    char up = (char)toupper((unsigned char)first);
    for (size_t i = 0; i + nl <= hl; i++) {
        if (h[i] != first && h[i] != up)
            continue;
        if (strncasecmp(h + i, n, nl) == 0)
            return 1;
    }
    return 0;
}

int sw_qnode_value_matches(const sw_qnode_t *n, const char *v, size_t vl, int free_text)
{
    switch (n->kind) {
    case SW_QN_TERM:
        if (free_text)
            return contains_ci(v, vl, n->value, n->value_len);
        return vl == n->value_len && strncasecmp(v, n->value, vl) == 0;
    case SW_QN_WILD:
        return sw_query_glob(n->value, n->value_len, v, vl);
    case SW_QN_RANGE: {
        int lo_ok, hi_ok;
        if (n->range_type == SW_QR_NUMBER) {
            double d;
            if (!parse_plain_int(v, vl, &d) && parse_number(v, vl, &d))
                return 0;
            lo_ok = !n->has_lo || (n->lo_incl ? d >= n->lo_num : d > n->lo_num);
            hi_ok = !n->has_hi || (n->hi_incl ? d <= n->hi_num : d < n->hi_num);
        } else if (n->range_type == SW_QR_TIME) {
            int64_t t;
            if (sw_query_parse_time(v, vl, &t)) {
                double d;
                if (parse_number(v, vl, &d))
                    return 0;
                t = (int64_t)d;
            }
            lo_ok = !n->has_lo || (n->lo_incl ? t >= n->lo_ms : t > n->lo_ms);
            hi_ok = !n->has_hi || (n->hi_incl ? t <= n->hi_ms : t < n->hi_ms);
        } else {
            int cl = n->has_lo ? strcasecmp(v, n->lo_str) : 1;
            int ch = n->has_hi ? strcasecmp(v, n->hi_str) : -1;
            lo_ok = !n->has_lo || (n->lo_incl ? cl >= 0 : cl > 0);
            hi_ok = !n->has_hi || (n->hi_incl ? ch <= 0 : ch < 0);
        }
        return lo_ok && hi_ok;
    }
    default:
        return 0;
    }
}

static int term_match(const sw_qnode_t *n, const sw_event_t *ev)
{
    if (!n->field) { /* free text: any field's value */
        for (size_t i = 0; i < ev->n_fields; i++)
            if (sw_qnode_value_matches(n, ev->fields[i].value, ev->fields[i].value_len, 1))
                return 1;
        return 0;
    }
    if (n->field_is_time) {
        int64_t ms;
        const sw_field_t *f = event_time_field(ev, &ms);
        if (!f)
            return 0;
        if (n->kind == SW_QN_EXISTS)
            return 1;
        if (n->kind == SW_QN_RANGE && n->range_type == SW_QR_TIME) {
            int lo_ok = !n->has_lo || (n->lo_incl ? ms >= n->lo_ms : ms > n->lo_ms);
            int hi_ok = !n->has_hi || (n->hi_incl ? ms <= n->hi_ms : ms < n->hi_ms);
            return lo_ok && hi_ok;
        }
        return sw_qnode_value_matches(n, f->value, f->value_len, 0);
    }
    for (const sw_field_t *f = sw_event_get_h(ev, n->field, n->field_hash); f;
         f = sw_event_next(ev, f)) {
        if (n->kind == SW_QN_EXISTS)
            return 1;
        if (sw_qnode_value_matches(n, f->value, f->value_len, 0))
            return 1;
    }
    return 0;
}

int sw_qnode_match(const sw_qnode_t *n, const sw_event_t *ev)
{
    switch (n->kind) {
    case SW_QN_ALL:
        return 1;
    case SW_QN_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (!sw_qnode_match(n->kids[i], ev))
                return 0;
        return 1;
    case SW_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (sw_qnode_match(n->kids[i], ev))
                return 1;
        return 0;
    case SW_QN_NOT:
        return !sw_qnode_match(n->kids[0], ev);
    default:
        return term_match(n, ev);
    }
}

int sw_query_match(const sw_query_t *q, const sw_event_t *ev)
{
    return q->root ? sw_qnode_match(q->root, ev) : 0;
}

int sw_query_is_aggregate(const sw_query_t *q)
{
    if (q->n_stages == 0)
        return 0;
    sw_qstage_kind_t k = q->stages[q->n_stages - 1].kind;
    return k != SW_QS_SORT && k != SW_QS_LIMIT;
}

/* ---- pipeline ------------------------------------------------------------- */

typedef struct kept {
    int64_t id;
    int64_t ts_ms;
    size_t seq;
    char *json;
    size_t json_len;
    char **keys; /* one per field-using stage after the streaming prefix */
} kept_t;

typedef struct group {
    char *key;
    uint64_t hash;
    uint64_t count;
} group_t;

struct sw_qrun {
    const sw_query_t *q;
    sw_qrow_cb cb;
    void *ud;
    uint64_t prefix_limit; /* LIMIT stages before any SORT: streamed */
    size_t first_retained; /* index of the first stage applied at finish */
    int retain;            /* a SORT exists: keep records */
    int agg;               /* index of the aggregate stage, or -1 */
    uint64_t n_in;
    kept_t *kept;
    size_t n_kept, cap_kept;
    size_t n_keys;
    size_t key_stage[SW_QUERY_MAX_STAGES];
    /* aggregate state */
    uint64_t count;
    group_t *groups; /* open addressing */
    size_t n_groups, cap_groups;
    int64_t hmin, hmax;
    int has_h;
    sw_arena_t arena;
    /* memory: what kept records and groups hold, and the most they may */
    size_t bytes, budget;
    /* sort | limit k as the first retained stages: only the best k kept
     * (trimmed when 2k are), their keys malloc'd so a trim frees them */
    size_t topk;
};

int sw_qrun_new(sw_qrun_t **out, const sw_query_t *q, sw_qrow_cb cb, void *ud)
{
    sw_qrun_t *r = calloc(1, sizeof *r);
    if (!r)
        return SW_ENOMEM;
    r->q = q;
    r->cb = cb;
    r->ud = ud;
    r->agg = -1;
    r->prefix_limit = UINT64_MAX;
    sw_arena_init(&r->arena, 0);
    size_t i = 0;
    for (; i < q->n_stages && q->stages[i].kind == SW_QS_LIMIT; i++)
        if (q->stages[i].n < r->prefix_limit)
            r->prefix_limit = q->stages[i].n;
    r->first_retained = i;
    for (size_t k = i; k < q->n_stages; k++) {
        if (q->stages[k].kind == SW_QS_SORT)
            r->retain = 1;
        if (q->stages[k].field)
            r->key_stage[r->n_keys++] = k;
    }
    if (sw_query_is_aggregate(q))
        r->agg = (int)q->n_stages - 1;
    if (r->retain && i + 1 < q->n_stages && q->stages[i].kind == SW_QS_SORT &&
        q->stages[i + 1].kind == SW_QS_LIMIT && q->stages[i + 1].n <= SW_QRUN_MAX_RETAINED / 2)
        r->topk = (size_t)q->stages[i + 1].n;
    *out = r;
    return SW_OK;
}

void sw_qrun_budget(sw_qrun_t *r, size_t bytes)
{
    r->budget = bytes;
}

/* Over the memory budget after adding n bytes? (SW_ETOOBIG, err set) */
static int over_budget(sw_qrun_t *r, size_t n, sw_errbuf_t *err)
{
    r->bytes += n;
    if (!r->budget || r->bytes <= r->budget)
        return SW_OK;
    return sw_seterr(err, SW_ETOOBIG,
                     "query stopped: it would hold more than %zu MB of records or groups; "
                     "narrow it, or put a limit before the sort",
                     r->budget >> 20);
}

static void kept_free(sw_qrun_t *r, kept_t *k)
{
    r->bytes -= k->json_len + sizeof *k;
    free(k->json);
    k->json = NULL;
    if (r->topk && k->keys) {
        for (size_t i = 0; i < r->n_keys; i++) {
            if (k->keys[i])
                r->bytes -= strlen(k->keys[i]);
            free(k->keys[i]);
        }
        free(k->keys);
        k->keys = NULL;
    }
}

void sw_qrun_free(sw_qrun_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_kept; i++)
        kept_free(r, &r->kept[i]);
    free(r->kept);
    free(r->groups);
    sw_arena_free(&r->arena);
    free(r);
}

/* The value a stage reads from ev: the first value of its field, or the
 * record's time for @timestamp. NULL when absent. */
static const char *stage_value(const sw_qstage_t *s, const sw_event_t *ev, size_t *len,
                               char tbuf[64])
{
    if (s->field_is_time) {
        int64_t ms;
        if (sw_query_event_time(ev, &ms))
            return NULL;
        sw_query_format_time(ms, tbuf);
        *len = strlen(tbuf);
        return tbuf;
    }
    const sw_field_t *f = sw_event_get_h(ev, s->field, s->field_hash);
    if (!f)
        return NULL;
    *len = f->value_len;
    return f->value;
}

static int group_add(sw_qrun_t *r, const char *key, size_t len, uint64_t add, sw_errbuf_t *err)
{
    uint64_t h = sw_field_hash(key, len);
    if ((r->n_groups + 1) * 2 > r->cap_groups) {
        if (r->n_groups >= SW_QRUN_MAX_GROUPS)
            return sw_seterr(err, SW_ETOOBIG,
                             "more than %zu distinct values to count; narrow the query",
                             SW_QRUN_MAX_GROUPS);
        size_t nc = r->cap_groups ? r->cap_groups * 2 : 64;
        group_t *g = calloc(nc, sizeof *g);
        if (!g)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        for (size_t i = 0; i < r->cap_groups; i++) {
            if (!r->groups[i].key)
                continue;
            size_t j = r->groups[i].hash & (nc - 1);
            while (g[j].key)
                j = (j + 1) & (nc - 1);
            g[j] = r->groups[i];
        }
        free(r->groups);
        r->groups = g;
        r->cap_groups = nc;
    }
    size_t j = h & (r->cap_groups - 1);
    while (r->groups[j].key) {
        if (r->groups[j].hash == h && strlen(r->groups[j].key) == len &&
            strncasecmp(r->groups[j].key, key, len) == 0) {
            r->groups[j].count += add;
            return SW_OK;
        }
        j = (j + 1) & (r->cap_groups - 1);
    }
    int rc = over_budget(r, len + 1 + sizeof(group_t) * 2, err);
    if (rc)
        return rc;
    char *k = sw_arena_strndup(&r->arena, key, len);
    if (!k)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    r->groups[j] = (group_t){k, h, add};
    r->n_groups++;
    return SW_OK;
}

static int agg_feed(sw_qrun_t *r, const sw_qstage_t *s, int64_t ts_ms, const sw_event_t *ev,
                    const char *kept_key, sw_errbuf_t *err)
{
    switch (s->kind) {
    case SW_QS_COUNT:
        r->count++;
        return SW_OK;
    case SW_QS_HISTOGRAM: {
        int64_t b = ts_ms - ((ts_ms % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
        if (!r->has_h || b < r->hmin)
            r->hmin = b;
        if (!r->has_h || b > r->hmax)
            r->hmax = b;
        r->has_h = 1;
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)b);
        return group_add(r, key, strlen(key), 1, err);
    }
    default: /* COUNT_BY, TOP: every value of a multi-valued field */
        if (kept_key)
            return group_add(r, kept_key, strlen(kept_key), 1, err);
        if (ev && !s->field_is_time) {
            for (const sw_field_t *f = sw_event_get_h(ev, s->field, s->field_hash); f;
                 f = sw_event_next(ev, f)) {
                int rc = group_add(r, f->value, f->value_len, 1, err);
                if (rc)
                    return rc;
            }
            return SW_OK;
        }
        if (ev) {
            char tb[64];
            size_t l;
            const char *v = stage_value(s, ev, &l, tb);
            return v ? group_add(r, v, l, 1, err) : SW_OK;
        }
        return SW_OK;
    }
}

typedef struct sort_ctx {
    size_t key;
    int desc;
} sort_ctx_t;
static int merge_sort(kept_t *a, size_t n, sort_ctx_t c);

/* sort | limit k: sort what is kept and drop all but the best k. The sort
 * is stable and what is kept stays in its sorted order, so later records
 * tie after it as they would have: the same answer as sorting everything. */
static int topk_trim(sw_qrun_t *r, sw_errbuf_t *err)
{
    sort_ctx_t c = {0, r->q->stages[r->first_retained].desc};
    if (merge_sort(r->kept, r->n_kept, c))
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    for (size_t i = r->topk; i < r->n_kept; i++)
        kept_free(r, &r->kept[i]);
    r->n_kept = r->topk;
    return SW_OK;
}

int sw_qrun_feed(sw_qrun_t *r, int64_t id, int64_t ts_ms, const sw_event_t *ev, const char *json,
                 size_t json_len, sw_errbuf_t *err)
{
    if (r->n_in >= r->prefix_limit)
        return 1;
    r->n_in++;
    if (r->retain) {
        if (r->n_kept >= SW_QRUN_MAX_RETAINED)
            return sw_seterr(err, SW_ETOOBIG,
                             "sort over more than %zu records; narrow the query or add a limit "
                             "before the sort",
                             SW_QRUN_MAX_RETAINED);
        if (r->n_kept == r->cap_kept) {
            size_t nc = r->cap_kept ? r->cap_kept * 2 : 256;
            kept_t *k = realloc(r->kept, nc * sizeof *k);
            if (!k)
                return sw_seterr(err, SW_ENOMEM, "out of memory");
            r->kept = k;
            r->cap_kept = nc;
        }
        kept_t *k = &r->kept[r->n_kept];
        memset(k, 0, sizeof *k);
        k->id = id;
        k->ts_ms = ts_ms;
        k->seq = r->n_kept;
        r->n_kept++; /* freed by sw_qrun_free from here on */
        if (r->agg < 0) {
            k->json = malloc(json_len + 1);
            if (!k->json)
                return sw_seterr(err, SW_ENOMEM, "out of memory");
            memcpy(k->json, json, json_len);
            k->json[json_len] = '\0';
            k->json_len = json_len;
        }
        if (r->n_keys) {
            k->keys = r->topk ? calloc(r->n_keys, sizeof *k->keys)
                              : sw_arena_zalloc(&r->arena, r->n_keys * sizeof *k->keys);
            if (!k->keys)
                return sw_seterr(err, SW_ENOMEM, "out of memory");
            for (size_t i = 0; i < r->n_keys; i++) {
                char tb[64];
                size_t l;
                const char *v = stage_value(&r->q->stages[r->key_stage[i]], ev, &l, tb);
                if (!v)
                    continue;
                k->keys[i] = r->topk ? strndup(v, l) : sw_arena_strndup(&r->arena, v, l);
                if (!k->keys[i])
                    return sw_seterr(err, SW_ENOMEM, "out of memory");
                r->bytes += l; /* freed by a trim (topk), else with the arena */
            }
        }
        int rc = over_budget(r, json_len + sizeof *k, err);
        if (rc)
            return rc;
        if (r->topk && r->n_kept >= 2 * r->topk + 256 && (rc = topk_trim(r, err)))
            return rc;
        return 0;
    }
    if (r->agg >= 0)
        return agg_feed(r, &r->q->stages[r->agg], ts_ms, ev, NULL, err);
    sw_qrow_t row = {.is_record = 1, .ts_ms = ts_ms, .id = id, .json = json, .json_len = json_len};
    int rc = r->cb(&row, r->ud);
    if (rc)
        return rc < 0 ? rc : 1;
    return r->n_in >= r->prefix_limit ? 1 : 0;
}

int sw_qrun_add(sw_qrun_t *r, const char *key, size_t key_len, int64_t ts_ms, uint64_t n,
                sw_errbuf_t *err)
{
    if (r->q->n_stages != 1 || r->agg != 0)
        return sw_seterr(err, SW_ESTATE, "pre-aggregated input needs a one-stage aggregate");
    const sw_qstage_t *s = &r->q->stages[0];
    if (s->kind == SW_QS_COUNT) {
        r->count += n;
        return SW_OK;
    }
    if (s->kind == SW_QS_HISTOGRAM) {
        int64_t b = ts_ms - ((ts_ms % s->bucket_ms) + s->bucket_ms) % s->bucket_ms;
        if (!r->has_h || b < r->hmin)
            r->hmin = b;
        if (!r->has_h || b > r->hmax)
            r->hmax = b;
        r->has_h = 1;
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)b);
        return group_add(r, k, strlen(k), n, err);
    }
    return group_add(r, key, key_len, n, err);
}

/* A histogram's group: its bucket's start, its count. */
typedef struct hbucket {
    int64_t start;
    uint64_t count;
} hbucket_t;

static int cmp_hbucket(const void *a, const void *b)
{
    const hbucket_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Sort keys: numbers numerically, before text; text case-insensitively;
 * missing values last. Ties keep time order (seq). */
static int cmp_keys(const char *a, const char *b)
{
    if (!a || !b)
        return a ? -1 : b ? 1 : 0;
    double x, y;
    int na = parse_number(a, strlen(a), &x) == 0, nb = parse_number(b, strlen(b), &y) == 0;
    if (na && nb)
        return x < y ? -1 : x > y;
    if (na != nb)
        return na ? -1 : 1;
    return strcasecmp(a, b);
}

/* qsort has no context argument in C11: a small insertion-merge sort instead.
 * Bottom-up merge sort, stable, O(n log n), one scratch array. */
static int merge_sort(kept_t *a, size_t n, sort_ctx_t c)
{
    kept_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return SW_ENOMEM;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int d = cmp_keys(a[j].keys[c.key], a[i].keys[c.key]);
                if (c.desc && a[j].keys[c.key] && a[i].keys[c.key])
                    d = -d;
                tmp[k++] = d < 0 ? a[j++] : a[i++];
            }
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
    return SW_OK;
}

static int cmp_group(const void *x, const void *y)
{
    const group_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcasecmp(a->key, b->key);
}

static int emit_aggregate(sw_qrun_t *r, const sw_qstage_t *s, sw_errbuf_t *err)
{
    (void)err;
    sw_qrow_t row = {0};
    if (s->kind == SW_QS_COUNT) {
        row.key = "";
        row.count = r->count;
        return r->cb(&row, r->ud) < 0 ? SW_EIO : SW_OK;
    }
    /* compact the groups */
    size_t n = 0;
    for (size_t i = 0; i < r->cap_groups; i++)
        if (r->groups[i].key)
            r->groups[n++] = r->groups[i];
    if (s->kind == SW_QS_HISTOGRAM) {
        if (!r->has_h)
            return SW_OK;
        if ((r->hmax - r->hmin) / s->bucket_ms > 100000)
            return sw_seterr(err, SW_ETOOBIG,
                             "histogram of more than 100000 buckets; use a larger interval");
        /* the groups by their bucket (their key is its start), then every
         * bucket from the first to the last, empty ones too: a walk, not a
         * search of the groups per bucket (that was O(buckets^2)) */
        hbucket_t *hb = malloc((n ? n : 1) * sizeof *hb);
        if (!hb)
            return sw_seterr(err, SW_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            hb[i].start = strtoll(r->groups[i].key, NULL, 10);
            hb[i].count = r->groups[i].count;
        }
        if (n > 1)
            qsort(hb, n, sizeof *hb, cmp_hbucket);
        size_t at = 0;
        int rc = SW_OK;
        for (int64_t b = r->hmin; b <= r->hmax && !rc; b += s->bucket_ms) {
            char iso[64];
            uint64_t c = 0;
            while (at < n && hb[at].start < b)
                at++;
            if (at < n && hb[at].start == b)
                c = hb[at].count;
            sw_query_format_time(b, iso);
            row.key = iso;
            row.ts_ms = b;
            row.count = c;
            if (r->cb(&row, r->ud) < 0)
                rc = SW_EIO;
        }
        free(hb);
        return rc;
    }
    if (n > 1)
        qsort(r->groups, n, sizeof *r->groups, cmp_group);
    size_t lim = s->kind == SW_QS_TOP && s->n < n ? (size_t)s->n : n;
    for (size_t i = 0; i < lim; i++) {
        row.key = r->groups[i].key;
        row.count = r->groups[i].count;
        if (r->cb(&row, r->ud) < 0)
            return SW_EIO;
    }
    return SW_OK;
}

int sw_qrun_finish(sw_qrun_t *r, sw_errbuf_t *err)
{
    const sw_query_t *q = r->q;
    if (r->retain) {
        size_t n = r->n_kept;
        size_t ki = 0;
        for (size_t i = r->first_retained; i < q->n_stages; i++) {
            const sw_qstage_t *s = &q->stages[i];
            if (s->kind == SW_QS_SORT) {
                sort_ctx_t c = {ki, s->desc};
                if (merge_sort(r->kept, n, c))
                    return sw_seterr(err, SW_ENOMEM, "out of memory");
            } else if (s->kind == SW_QS_LIMIT) {
                if (s->n < n)
                    n = (size_t)s->n;
            } else { /* the aggregate, last */
                for (size_t j = 0; j < n; j++) {
                    int rc = agg_feed(r, s, r->kept[j].ts_ms, NULL,
                                      s->field ? r->kept[j].keys[ki] : NULL, err);
                    if (rc)
                        return rc;
                }
                return emit_aggregate(r, s, err);
            }
            if (s->field)
                ki++;
        }
        for (size_t j = 0; j < n; j++) {
            sw_qrow_t row = {.is_record = 1,
                             .ts_ms = r->kept[j].ts_ms,
                             .id = r->kept[j].id,
                             .json = r->kept[j].json,
                             .json_len = r->kept[j].json_len};
            if (r->cb(&row, r->ud) < 0)
                return SW_EIO;
        }
        return SW_OK;
    }
    if (r->agg >= 0)
        return emit_aggregate(r, &q->stages[r->agg], err);
    return SW_OK;
}
