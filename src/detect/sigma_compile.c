/* sigma_compile.c — a rule's detection section to a matcher tree.
 *
 * Each search identifier (selection) compiles to a node: a map is the AND of
 * its fields, a list of maps the OR of them, a list of plain values (or one
 * value) a keyword search over every field. A field's values are ORed (ANDed
 * with |all). Each value goes through its modifiers in the order written:
 *
 *   raw text --expand--> texts --Sigma string (wildcards, escapes)--> symbols
 *     --base64 / base64offset / utf16* / wide / windash--> symbol strings
 *     --contains / startswith / endswith, cased--> patterns (sigma_pat_t)
 *
 * and re / cidr / lt..gte / exists / fieldref make their own pattern kinds.
 * Then the condition is parsed (and, or, not, parentheses, N of / all of
 * x* / them) over the compiled selections. Anything not understood refuses
 * the whole rule with the position of the offending key or value. */
#include "detect/sigma_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- symbol strings ------------------------------------------------------ */

typedef struct sym {
    uint16_t *s;
    size_t n;
} sym_t;

typedef struct symlist {
    sym_t *v;
    size_t n;
} symlist_t;

static int sym_new(sigma_cctx_t *cx, sym_t *out, size_t cap)
{
    out->s = sw_arena_alloc(cx->arena, (cap ? cap : 1) * sizeof(uint16_t));
    out->n = 0;
    return out->s ? SW_OK : SW_ENOMEM;
}

/* Sigma string rules (as pySigma reads them): '*' and '?' are wildcards;
 * a backslash before '*', '?' or '\' makes that character literal; any other
 * backslash is itself literal. */
static int sym_parse(sigma_cctx_t *cx, const char *t, size_t len, sym_t *out)
{
    if (sym_new(cx, out, len))
        return SW_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\\' && i + 1 < len && (t[i + 1] == '*' || t[i + 1] == '?' || t[i + 1] == '\\')) {
            out->s[out->n++] = (unsigned char)t[++i];
        } else if (c == '*') {
            out->s[out->n++] = SYM_STAR;
        } else if (c == '?') {
            out->s[out->n++] = SYM_ONE;
        } else {
            out->s[out->n++] = c;
        }
    }
    return SW_OK;
}

static int sym_has_wild(const sym_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->s[i] > 255)
            return 1;
    return 0;
}

/* UTF-8 literal runs to UTF-16 (LE or BE), wildcards kept. Invalid UTF-8
 * bytes are taken as Latin-1. */
static int sym_utf16(sigma_cctx_t *cx, const sym_t *in, sym_t *out, int be, int bom)
{
    if (sym_new(cx, out, in->n * 4 + 2))
        return SW_ENOMEM;
    if (bom) {
        out->s[out->n++] = be ? 0xFE : 0xFF;
        out->s[out->n++] = be ? 0xFF : 0xFE;
    }
    for (size_t i = 0; i < in->n;) {
        uint32_t cp = in->s[i];
        if (cp > 255) {
            out->s[out->n++] = (uint16_t)cp;
            i++;
            continue;
        }
        size_t need = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        size_t k = 1;
        if (need) {
            uint32_t v = cp & (0x3F >> need);
            for (k = 1; k <= need && i + k < in->n; k++) {
                uint16_t b = in->s[i + k];
                if (b > 255 || (b & 0xC0) != 0x80)
                    break;
                v = (v << 6) | (b & 0x3F);
            }
            if (k == need + 1)
                cp = v;
            else
                k = 1;
        }
        i += k;
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 | (cp >> 10));
            units[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int u = 0; u < nu; u++) {
            uint8_t lo = (uint8_t)(units[u] & 0xFF), hi = (uint8_t)(units[u] >> 8);
            out->s[out->n++] = be ? hi : lo;
            out->s[out->n++] = be ? lo : hi;
        }
    }
    return SW_OK;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of the bytes in[0..n) (with padding) into out. */
static int b64_encode(sigma_cctx_t *cx, const uint8_t *in, size_t n, sym_t *out)
{
    if (sym_new(cx, out, (n + 2) / 3 * 4))
        return SW_ENOMEM;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out->s[out->n++] = (unsigned char)b64chars[(v >> 18) & 63];
        out->s[out->n++] = (unsigned char)b64chars[(v >> 12) & 63];
        out->s[out->n++] = i + 1 < n ? (unsigned char)b64chars[(v >> 6) & 63] : '=';
        out->s[out->n++] = i + 2 < n ? (unsigned char)b64chars[v & 63] : '=';
    }
    return SW_OK;
}

/* base64 (offset == 0: one plain encoding) or base64offset (the three
 * encodings of the value at byte offsets 0, 1, 2 inside a longer text, with
 * the characters that depend on the unknown neighbours cut off, as pySigma
 * does). */
static int sym_base64(sigma_cctx_t *cx, const sym_t *in, int offsets, symlist_t *out,
                      const sy_node_t *at)
{
    if (sym_has_wild(in))
        return sigma_fail(cx->err, at, "unsupported modifier combination",
                          "wildcards cannot be base64-encoded; escape them or drop the base64 "
                          "modifier");
    uint8_t *bytes = sw_arena_alloc(cx->arena, in->n + 3);
    if (!bytes)
        return SW_ENOMEM;
    if (!offsets) {
        for (size_t i = 0; i < in->n; i++)
            bytes[i] = (uint8_t)in->s[i];
        out->v = sw_arena_alloc(cx->arena, sizeof *out->v);
        if (!out->v)
            return SW_ENOMEM;
        out->n = 1;
        return b64_encode(cx, bytes, in->n, &out->v[0]);
    }
    static const size_t start[3] = {0, 2, 3};
    static const int end_cut[3] = {0, 3, 2};
    out->v = sw_arena_alloc(cx->arena, 3 * sizeof *out->v);
    if (!out->v)
        return SW_ENOMEM;
    out->n = 0;
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < k; i++)
            bytes[i] = ' ';
        for (size_t i = 0; i < in->n; i++)
            bytes[k + i] = (uint8_t)in->s[i];
        sym_t enc;
        if (b64_encode(cx, bytes, in->n + k, &enc))
            return SW_ENOMEM;
        size_t cut = (size_t)end_cut[(in->n + k) % 3];
        size_t s0 = start[k];
        size_t e0 = enc.n >= cut ? enc.n - cut : 0;
        if (e0 <= s0)
            continue;
        out->v[out->n].s = enc.s + s0;
        out->v[out->n].n = e0 - s0;
        out->n++;
    }
    return SW_OK;
}

static int is_word(uint16_t c)
{
    return c < 256 && (isalnum(c) || c == '_');
}

/* windash: every '-' or '/' that starts an option (not preceded by a word
 * character, followed by one) becomes each of - / en-dash em-dash
 * horizontal-bar; all combinations. Past 4 such positions the rule is
 * refused (5^4 variants per value). */
static int sym_windash(sigma_cctx_t *cx, const sym_t *in, symlist_t *out, const sy_node_t *at)
{
    static const char *const dashes[5] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
    size_t pos[4], np = 0;
    for (size_t i = 0; i < in->n; i++) {
        if ((in->s[i] == '-' || in->s[i] == '/') && (i == 0 || !is_word(in->s[i - 1])) &&
            i + 1 < in->n && is_word(in->s[i + 1])) {
            if (np == 4)
                return sigma_fail(cx->err, at, "too many values",
                                  "windash on a value with more than 4 option dashes");
            pos[np++] = i;
        }
    }
    size_t total = 1;
    for (size_t i = 0; i < np; i++)
        total *= 5;
    out->v = sw_arena_alloc(cx->arena, total * sizeof *out->v);
    if (!out->v)
        return SW_ENOMEM;
    out->n = total;
    for (size_t combo = 0; combo < total; combo++) {
        sym_t *o = &out->v[combo];
        if (sym_new(cx, o, in->n + 2 * np))
            return SW_ENOMEM;
        size_t c = combo, k = 0;
        for (size_t i = 0; i < in->n; i++) {
            if (k < np && pos[k] == i) {
                const char *d = dashes[c % 5];
                c /= 5;
                k++;
                for (; *d; d++)
                    o->s[o->n++] = (unsigned char)*d;
            } else {
                o->s[o->n++] = in->s[i];
            }
        }
    }
    return SW_OK;
}

/* ---- patterns from symbol strings ----------------------------------------- */

enum { MODE_EQ, MODE_CONTAINS, MODE_PREFIX, MODE_SUFFIX };

static int sym_to_pat(sigma_cctx_t *cx, const sym_t *in, int mode, int cased, sigma_pat_t *p)
{
    sym_t s;
    if (sym_new(cx, &s, in->n + 2))
        return SW_ENOMEM;
    if (mode == MODE_CONTAINS || mode == MODE_SUFFIX)
        s.s[s.n++] = SYM_STAR;
    for (size_t i = 0; i < in->n; i++) {
        uint16_t c = in->s[i];
        if (c == SYM_STAR && s.n && s.s[s.n - 1] == SYM_STAR)
            continue; /* ** is * */
        s.s[s.n++] = (c < 256 && !cased) ? sigma_fold[c] : c;
    }
    if ((mode == MODE_CONTAINS || mode == MODE_PREFIX) && !(s.n && s.s[s.n - 1] == SYM_STAR))
        s.s[s.n++] = SYM_STAR;
    memset(p, 0, sizeof *p);
    p->cased = (uint8_t)cased;
    int lead = s.n && s.s[0] == SYM_STAR;
    int trail = s.n > (size_t)lead && s.s[s.n - 1] == SYM_STAR;
    size_t a = (size_t)lead, b = s.n - (size_t)trail;
    int inner_wild = 0;
    for (size_t i = a; i < b; i++)
        if (s.s[i] > 255)
            inner_wild = 1;
    if (inner_wild) {
        p->kind = PM_GLOB;
        p->sym = s.s;
        p->sym_len = (uint32_t)s.n;
        return SW_OK;
    }
    uint8_t *lit = sw_arena_alloc(cx->arena, b - a + 1);
    if (!lit)
        return SW_ENOMEM;
    for (size_t i = a; i < b; i++)
        lit[i - a] = (uint8_t)s.s[i];
    lit[b - a] = 0;
    p->lit = lit;
    p->lit_len = (uint32_t)(b - a);
    p->kind = lead && trail ? PM_CONTAINS : lead ? PM_SUFFIX : trail ? PM_PREFIX : PM_EQ;
    return SW_OK;
}

/* ---- regular expressions --------------------------------------------------- */

/* Index of the ']' closing the class that opens at re[i] ('['), or len-1.
 * A ']' right after '[' or '[^' is a member, as in PCRE2. */
static size_t class_end(const char *re, size_t len, size_t i)
{
    i++;
    if (i < len && re[i] == '^')
        i++;
    if (i < len && re[i] == ']')
        i++;
    for (; i < len; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == ']')
            return i;
    }
    return len - 1;
}

/* A literal every match of the regex must contain (folded), for the
 * memmem/Aho-Corasick pre-filter; len 0 when none is evident. Conservative:
 * gives up on an alternation outside groups and takes runs of plain
 * characters at group depth 0 that no quantifier can make optional; group
 * contents never count. Cost: O(len). */
static void re_required_literal(sigma_cctx_t *cx, const char *re, size_t len, sigma_pat_t *p)
{
    uint8_t *best = NULL, *cur = sw_arena_alloc(cx->arena, len + 1);
    size_t best_n = 0, cur_n = 0;
    if (!cur)
        return;
    /* an alternation at depth 0 makes every run optional: no safe literal */
    for (size_t i = 0, d = 0; i < len; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = class_end(re, len, i);
        else if (re[i] == '(')
            d++;
        else if (re[i] == ')' && d)
            d--;
        else if (re[i] == '|' && d == 0)
            return;
    }
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = re[i];
        int lit = -1;   /* literal byte at this position, or -1 for a run break */
        if (c == '[') { /* a class is one character, not a literal: break the run */
            i = class_end(re, len, i);
            c = ']';
        } else if (c == '\\' && i + 1 < len) {
            char d = re[++i];
            if (!isalnum((unsigned char)d))
                lit = (unsigned char)d;
            else if (d == 'Q' || d == 'x' || d == 'p' || d == 'P' || d == 'c')
                return; /* quoting and escapes we do not decode: give up */
        } else if (c == ']') {
            /* the end of a class (from above) or a literal ']': break either way */
        } else if (c == '{') { /* a counted quantifier: its digits are not literals */
            while (i + 1 < len && re[i] != '}')
                i++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (!strchr(".^$*+?}", c) && !((unsigned char)c & 0x80)) {
            lit = (unsigned char)c; /* non-ASCII bytes break runs: a quantifier
                                     * after a multibyte character covers all of it */
        }
        /* a quantifier after this atom that allows zero drops it */
        char q = i + 1 < len ? re[i + 1] : 0;
        int optional = q == '?' || q == '*' || (q == '{' && i + 2 < len && re[i + 2] == '0');
        int ends = optional || q == '+' || q == '{';
        if (lit >= 0 && depth == 0 && !optional) {
            cur[cur_n++] = sigma_fold[lit];
        } else {
            if (cur_n > best_n) {
                best = cur;
                best_n = cur_n;
                cur = sw_arena_alloc(cx->arena, len + 1);
                if (!cur)
                    return;
            }
            cur_n = 0;
        }
        if (ends && cur_n) {
            if (cur_n > best_n) {
                best = cur;
                best_n = cur_n;
                cur = sw_arena_alloc(cx->arena, len + 1);
                if (!cur)
                    return;
            }
            cur_n = 0;
        }
    }
    if (cur_n > best_n) {
        best = cur;
        best_n = cur_n;
    }
    if (best_n >= 3) {
        p->lit = best;
        p->lit_len = (uint32_t)best_n;
    }
}

/* What in re (if anything) only a backtracking matcher evaluates, PCRE2's
 * DFA matcher refusing it: a backtracking control verb or a conditional
 * group, found outside classes, escapes and \Q..\E quoting; NULL when
 * none. Back references and \C are asked of PCRE2 itself (compile_re).
 * Start-of-pattern options such as (*UCP) are not verbs. O(len). */
static const char *re_needs_backtracking(const char *re, size_t len)
{
    static const char *const verbs[] = {"ACCEPT", "FAIL", "F",    "COMMIT", "PRUNE",
                                        "SKIP",   "THEN", "MARK", ""};
    for (size_t i = 0; i < len; i++) {
        if (re[i] == '\\') {
            if (i + 1 < len && re[i + 1] == 'Q') {
                const char *e = NULL;
                for (size_t k = i + 2; k + 1 < len && !e; k++)
                    if (re[k] == '\\' && re[k + 1] == 'E')
                        e = re + k;
                if (!e)
                    return NULL; /* quoted to the end */
                i = (size_t)(e - re) + 1;
            } else {
                i++;
            }
        } else if (re[i] == '[') {
            i = class_end(re, len, i);
        } else if (re[i] == '(' && i + 2 < len && re[i + 1] == '?' && re[i + 2] == '(') {
            return "a conditional group (?(...)...)";
        } else if (re[i] == '(' && i + 1 < len && re[i + 1] == '*') {
            for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++) {
                size_t vl = strlen(verbs[v]), at = i + 2 + vl;
                if (at < len && !strncmp(re + i + 2, verbs[v], vl) &&
                    (re[at] == ')' || re[at] == ':'))
                    return "a backtracking control verb such as (*SKIP) or (*PRUNE)";
            }
        }
    }
    return NULL;
}

/* The regex for the fallback matcher: re after a lazy any-character loop,
 * anchored, so one DFA pass tries every start at once (a DFA run per start
 * would cost the square of the value's length). NULL when it does not
 * compile (start-of-pattern options cannot follow \A): no fallback then. */
static pcre2_code *compile_dfa(const char *re, size_t len, uint32_t flags)
{
    static const char head[] = "\\A(?s:.)*?(?:", tail[] = ")";
    if (len >= 2 && re[0] == '(' && re[1] == '*')
        return NULL;
    char *w = malloc(sizeof head + len + sizeof tail);
    if (!w)
        return NULL;
    memcpy(w, head, sizeof head - 1);
    memcpy(w + sizeof head - 1, re, len);
    memcpy(w + sizeof head - 1 + len, tail, sizeof tail);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *c =
        pcre2_compile((PCRE2_SPTR)w, PCRE2_ZERO_TERMINATED, flags | PCRE2_UTF, &ec, &eo, NULL);
    free(w);
    return c;
}

/* Keep code c in the rule's list (freed with the set, or when the rule is
 * refused); frees c when the list cannot grow. */
static int keep_code(sigma_cctx_t *cx, pcre2_code *c)
{
    if (cx->n_res == cx->cap_res) {
        size_t cap = cx->cap_res ? cx->cap_res * 2 : 8;
        pcre2_code **r = realloc(cx->res, cap * sizeof *r);
        if (!r) {
            pcre2_code_free(c);
            return SW_ENOMEM;
        }
        cx->res = r;
        cx->cap_res = cap;
    }
    cx->res[cx->n_res++] = c;
    return SW_OK;
}

static int compile_re(sigma_cctx_t *cx, const sy_node_t *v, uint32_t flags, sigma_pat_t *p)
{
    int ec;
    PCRE2_SIZE eo;
    memset(p, 0, sizeof *p);
    p->kind = PM_RE;
    p->re = pcre2_compile((PCRE2_SPTR)v->str, v->len, flags | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                          &ec, &eo, NULL);
    if (!p->re) {
        char msg[160];
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
        return sigma_fail(cx->err, v, "invalid regular expression",
                          "regular expression error at offset %zu: %s", (size_t)eo, msg);
    }
    if (keep_code(cx, p->re))
        return SW_ENOMEM;
    uint32_t backrefs = 0, backslash_c = 0;
    pcre2_pattern_info(p->re, PCRE2_INFO_BACKREFMAX, &backrefs);
    pcre2_pattern_info(p->re, PCRE2_INFO_HASBACKSLASHC, &backslash_c);
    const char *what = backrefs      ? "a back reference (\\1, \\k<name>, ...)"
                       : backslash_c ? "\\C (one code unit)"
                                     : re_needs_backtracking(v->str, v->len);
    if (what)
        return sigma_fail(cx->err, v, "regex needs backtracking",
                          "the regular expression uses %s, which only a backtracking matcher "
                          "evaluates; seawall matches regular expressions within a budget with a "
                          "linear-time fallback (docs/sigma.md): rewrite it without",
                          what);
    pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE); /* best effort: interpreted otherwise */
    if ((p->dfa = compile_dfa(v->str, v->len, flags)) && keep_code(cx, p->dfa))
        return SW_ENOMEM;
    re_required_literal(cx, v->str, v->len, p);
    return SW_OK;
}

/* ---- one selection field ---------------------------------------------------- */

enum {
    T_BASE64 = 1,
    T_BASE64OFF,
    T_UTF16LE,
    T_UTF16BE,
    T_UTF16,
    T_WINDASH,
};

typedef struct mods {
    int mode; /* MODE_* */
    int all, cased, expand;
    int re, re_flags;
    int cidr, num_cmp, exists, fieldref;
    int transforms[8];
    int n_transforms;
} mods_t;

static int parse_mods(sigma_cctx_t *cx, const sy_node_t *key, const char *mods_text, mods_t *m)
{
    memset(m, 0, sizeof *m);
    m->num_cmp = -1;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", mods_text);
    int mode_set = 0;
    for (char *save = NULL, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
        int tr = 0;
        if (!strcmp(t, "contains") || !strcmp(t, "startswith") || !strcmp(t, "endswith")) {
            if (mode_set++)
                return sigma_fail(cx->err, key, "unsupported modifier combination",
                                  "more than one of contains/startswith/endswith");
            m->mode = t[0] == 'c' ? MODE_CONTAINS : t[0] == 's' ? MODE_PREFIX : MODE_SUFFIX;
        } else if (!strcmp(t, "all")) {
            m->all = 1;
        } else if (!strcmp(t, "cased")) {
            m->cased = 1;
        } else if (!strcmp(t, "expand")) {
            m->expand = 1;
        } else if (!strcmp(t, "re")) {
            m->re = 1;
        } else if (m->re && (!strcmp(t, "i") || !strcmp(t, "ignorecase"))) {
            m->re_flags |= PCRE2_CASELESS;
        } else if (m->re && (!strcmp(t, "m") || !strcmp(t, "multiline"))) {
            m->re_flags |= PCRE2_MULTILINE;
        } else if (m->re && (!strcmp(t, "s") || !strcmp(t, "dotall"))) {
            m->re_flags |= PCRE2_DOTALL;
        } else if (!strcmp(t, "cidr")) {
            m->cidr = 1;
        } else if (!strcmp(t, "lt") || !strcmp(t, "lte") || !strcmp(t, "gt") || !strcmp(t, "gte")) {
            m->num_cmp = !strcmp(t, "lt")    ? CMP_LT
                         : !strcmp(t, "lte") ? CMP_LTE
                         : !strcmp(t, "gt")  ? CMP_GT
                                             : CMP_GTE;
        } else if (!strcmp(t, "exists")) {
            m->exists = 1;
        } else if (!strcmp(t, "fieldref")) {
            m->fieldref = 1;
        } else if (!strcmp(t, "base64")) {
            tr = T_BASE64;
        } else if (!strcmp(t, "base64offset")) {
            tr = T_BASE64OFF;
        } else if (!strcmp(t, "utf16le") || !strcmp(t, "wide")) {
            tr = T_UTF16LE;
        } else if (!strcmp(t, "utf16be")) {
            tr = T_UTF16BE;
        } else if (!strcmp(t, "utf16")) {
            tr = T_UTF16;
        } else if (!strcmp(t, "windash")) {
            tr = T_WINDASH;
        } else {
            return sigma_fail(cx->err, key, "unknown modifier", "unknown value modifier '%s'", t);
        }
        if (tr) {
            if (m->n_transforms == 8)
                return sigma_fail(cx->err, key, "unsupported modifier combination",
                                  "more than 8 transforming modifiers");
            m->transforms[m->n_transforms++] = tr;
        }
    }
    int special = m->re + m->cidr + (m->num_cmp >= 0) + m->exists + m->fieldref;
    if (special > 1 || (special && m->n_transforms) || (special && mode_set && !m->fieldref) ||
        (m->re && m->cased))
        return sigma_fail(cx->err, key, "unsupported modifier combination",
                          "modifiers '%s' cannot be combined", mods_text);
    return SW_OK;
}

/* Substitute %name% placeholders from the caller's table: every combination
 * of values. Unknown names refuse the rule. */
static int expand_text(sigma_cctx_t *cx, const sy_node_t *v, char ***out, size_t *n_out)
{
    size_t cap = 1;
    char **cur = sw_arena_alloc(cx->arena, sizeof *cur);
    if (!cur)
        return SW_ENOMEM;
    cur[0] = sw_arena_strdup(cx->arena, v->str);
    size_t n = 1;
    for (;;) {
        /* find the first placeholder in cur[0] (all share the same shape) */
        char *s = cur[0], *a = strchr(s, '%'), *b = a ? strchr(a + 1, '%') : NULL;
        if (!a || !b)
            break;
        size_t name_len = (size_t)(b - a - 1);
        const sw_sigma_var_t *var = NULL;
        for (size_t i = 0; i < cx->n_vars; i++)
            if (strlen(cx->vars[i].name) == name_len && !strncmp(cx->vars[i].name, a + 1, name_len))
                var = &cx->vars[i];
        if (!var || !var->n_values)
            return sigma_fail(cx->err, v, "unresolved placeholder",
                              "placeholder %.*s has no value in this exercise (expand)",
                              (int)name_len + 2, a);
        if (n * var->n_values > SW_SIGMA_MAX_VALUES)
            return sigma_fail(cx->err, v, "too many values", "expand gives over %d values",
                              SW_SIGMA_MAX_VALUES);
        cap = n * var->n_values;
        char **next = sw_arena_alloc(cx->arena, cap * sizeof *next);
        if (!next)
            return SW_ENOMEM;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            char *t = cur[i], *pa = strchr(t, '%'), *pb = strchr(pa + 1, '%');
            for (size_t j = 0; j < var->n_values; j++) {
                size_t l1 = (size_t)(pa - t), l2 = strlen(var->values[j]), l3 = strlen(pb + 1);
                char *r = sw_arena_alloc(cx->arena, l1 + l2 + l3 + 1);
                if (!r)
                    return SW_ENOMEM;
                memcpy(r, t, l1);
                memcpy(r + l1, var->values[j], l2);
                memcpy(r + l1 + l2, pb + 1, l3 + 1);
                next[k++] = r;
            }
        }
        cur = next;
        n = k;
    }
    *out = cur;
    *n_out = n;
    return SW_OK;
}

/* Growable pattern list in plain memory; copied to the arena at the end. */
typedef struct patlist {
    sigma_pat_t *v;
    size_t n, cap;
} patlist_t;

static sigma_pat_t *patlist_push(patlist_t *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        sigma_pat_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    return &l->v[l->n++];
}

static int parse_bool(const sy_node_t *v, int *out)
{
    if (!strcasecmp(v->str, "true") || !strcasecmp(v->str, "yes"))
        *out = 1;
    else if (!strcasecmp(v->str, "false") || !strcasecmp(v->str, "no"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int parse_cidr(const char *s, sigma_pat_t *p)
{
    char buf[80];
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    if (alen >= sizeof buf)
        return -1;
    memcpy(buf, s, alen);
    buf[alen] = 0;
    int bits;
    if (inet_pton(AF_INET, buf, p->addr) == 1) {
        p->family = 4;
        bits = 32;
    } else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
        p->family = 6;
        bits = 128;
    } else {
        return -1;
    }
    if (slash) {
        char *end;
        long v = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || v < 0 || v > bits)
            return -1;
        bits = (int)v;
    }
    p->prefix = (uint8_t)bits;
    return 0;
}

/* Compile one value (scalar node v) under modifiers m into patterns. */
static int compile_value(sigma_cctx_t *cx, const sy_node_t *key, const sy_node_t *v,
                         const mods_t *m, int keyword, patlist_t *out)
{
    if (v->kind != SY_SCALAR)
        return sigma_fail(cx->err, v, "YAML structure", "expected a value, found a %s",
                          v->kind == SY_MAP ? "mapping" : "list");
    sigma_pat_t *p;
    if (m->exists) {
        int want;
        if (parse_bool(v, &want))
            return sigma_fail(cx->err, v, "invalid value", "exists takes true or false");
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        memset(p, 0, sizeof *p);
        p->kind = PM_EXISTS;
        p->want = (uint8_t)want;
        return SW_OK;
    }
    if (v->is_null) {
        if (m->re || m->cidr || m->num_cmp >= 0 || m->fieldref || m->n_transforms || keyword)
            return sigma_fail(cx->err, v, "invalid value", "null cannot take modifiers");
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        memset(p, 0, sizeof *p);
        p->kind = PM_NULL;
        return SW_OK;
    }
    if (m->re) {
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        return compile_re(cx, v, (uint32_t)m->re_flags, p);
    }
    if (m->cidr) {
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        memset(p, 0, sizeof *p);
        p->kind = PM_CIDR;
        if (parse_cidr(v->str, p))
            return sigma_fail(cx->err, v, "invalid value", "'%s' is not an IPv4 or IPv6 network",
                              v->str);
        return SW_OK;
    }
    if (m->num_cmp >= 0) {
        char *end;
        double d = strtod(v->str, &end);
        if (end == v->str || *end || !isfinite(d))
            return sigma_fail(cx->err, v, "invalid value", "'%s' is not a number", v->str);
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        memset(p, 0, sizeof *p);
        p->kind = PM_NUM;
        p->cmp = (uint8_t)m->num_cmp;
        p->num = d;
        return SW_OK;
    }
    if (m->fieldref) {
        int64_t id = sigma_field_intern(cx->set, v->str, v->len);
        if (id < 0)
            return (int)id;
        if (!(p = patlist_push(out)))
            return SW_ENOMEM;
        memset(p, 0, sizeof *p);
        p->kind = PM_FIELDREF;
        p->ref_field = (uint32_t)id;
        p->cmp = (uint8_t)m->mode;
        p->cased = (uint8_t)m->cased;
        return SW_OK;
    }
    (void)key;
    char **texts;
    size_t n_texts = 1;
    char *one = (char *)v->str;
    texts = &one;
    if (m->expand) {
        int rc = expand_text(cx, v, &texts, &n_texts);
        if (rc)
            return rc;
    }
    for (size_t t = 0; t < n_texts; t++) {
        symlist_t cur;
        cur.v = sw_arena_alloc(cx->arena, sizeof *cur.v);
        if (!cur.v)
            return SW_ENOMEM;
        cur.n = 1;
        if (sym_parse(cx, texts[t], strlen(texts[t]), &cur.v[0]))
            return SW_ENOMEM;
        for (int k = 0; k < m->n_transforms; k++) {
            symlist_t next = {0};
            size_t cap = 0;
            for (size_t i = 0; i < cur.n; i++) {
                symlist_t part = {0};
                int rc;
                sym_t one_sym;
                switch (m->transforms[k]) {
                case T_BASE64:
                case T_BASE64OFF:
                    rc = sym_base64(cx, &cur.v[i], m->transforms[k] == T_BASE64OFF, &part, v);
                    break;
                case T_WINDASH:
                    rc = sym_windash(cx, &cur.v[i], &part, v);
                    break;
                default:
                    rc = sym_utf16(cx, &cur.v[i], &one_sym, m->transforms[k] == T_UTF16BE,
                                   m->transforms[k] == T_UTF16);
                    part.v = &one_sym;
                    part.n = 1;
                    break;
                }
                if (rc)
                    return rc;
                if (next.n + part.n > cap) {
                    size_t ncap = (next.n + part.n) * 2;
                    if (ncap > SW_SIGMA_MAX_VALUES)
                        return sigma_fail(cx->err, v, "too many values",
                                          "modifiers give over %d values", SW_SIGMA_MAX_VALUES);
                    sym_t *nv = sw_arena_alloc(cx->arena, ncap * sizeof *nv);
                    if (!nv)
                        return SW_ENOMEM;
                    if (next.n)
                        memcpy(nv, next.v, next.n * sizeof *nv);
                    next.v = nv;
                    cap = ncap;
                }
                if (part.n)
                    memcpy(next.v + next.n, part.v, part.n * sizeof *part.v);
                next.n += part.n;
            }
            cur = next;
            if (!cur.n)
                return sigma_fail(cx->err, v, "invalid value",
                                  "'%s' is too short for base64offset: no encoding of it is "
                                  "certain",
                                  texts[t]);
        }
        int mode = m->mode;
        if (keyword && mode == MODE_EQ)
            mode = MODE_CONTAINS; /* a keyword is searched for inside the text */
        for (size_t i = 0; i < cur.n; i++) {
            if (out->n >= SW_SIGMA_MAX_VALUES)
                return sigma_fail(cx->err, v, "too many values", "over %d values in one field",
                                  SW_SIGMA_MAX_VALUES);
            cx->pattern_bytes += cur.v[i].n + 2;
            if (cx->pattern_bytes > SW_SIGMA_MAX_PATTERN_BYTES)
                return sigma_fail(cx->err, v, "too many values",
                                  "values expand to more than %u bytes of patterns",
                                  SW_SIGMA_MAX_PATTERN_BYTES);
            if (!(p = patlist_push(out)))
                return SW_ENOMEM;
            int rc = sym_to_pat(cx, &cur.v[i], mode, m->cased, p);
            if (rc)
                return rc;
        }
    }
    return SW_OK;
}

static sigma_node_t *node_new(sigma_cctx_t *cx, int type)
{
    sigma_node_t *n = sw_arena_zalloc(cx->arena, sizeof *n);
    if (n)
        n->type = (uint8_t)type;
    return n;
}

/* key: 'Field|mods' (or '|mods' for keywords); val: scalar or list. */
static int compile_field(sigma_cctx_t *cx, const sy_node_t *key, const sy_node_t *val, int keyword,
                         sigma_node_t **out)
{
    const char *bar = strchr(key->str, '|');
    size_t name_len = bar ? (size_t)(bar - key->str) : key->len;
    mods_t m;
    int rc = parse_mods(cx, key, bar ? bar + 1 : "", &m);
    if (rc)
        return rc;
    if (!keyword && name_len == 0)
        keyword = 1;
    patlist_t pl = {0};
    if (val->kind == SY_SEQ) {
        for (size_t i = 0; i < val->n && !rc; i++)
            rc = compile_value(cx, key, val->vals[i], &m, keyword, &pl);
        if (!rc && val->n == 0)
            rc = sigma_fail(cx->err, val, "invalid value", "empty list of values");
    } else {
        rc = compile_value(cx, key, val, &m, keyword, &pl);
    }
    if (rc)
        goto fail;
    sigma_node_t *n = node_new(cx, keyword ? SN_KEYWORD : SN_FIELD);
    if (!n) {
        rc = SW_ENOMEM;
        goto fail;
    }
    n->all = (uint8_t)m.all;
    if (!keyword) {
        int64_t id = sigma_field_intern(cx->set, key->str, name_len);
        if (id < 0) {
            rc = (int)id;
            goto fail;
        }
        n->field = (uint32_t)id;
    }
    n->pats = sw_arena_alloc(cx->arena, pl.n * sizeof *n->pats);
    if (!n->pats) {
        rc = SW_ENOMEM;
        goto fail;
    }
    memcpy(n->pats, pl.v, pl.n * sizeof *n->pats);
    n->n_pats = (uint32_t)pl.n;
    free(pl.v);
    *out = n;
    return SW_OK;
fail:
    free(pl.v);
    return rc;
}

static int compile_map(sigma_cctx_t *cx, const sy_node_t *map, sigma_node_t **out)
{
    sigma_node_t *n = node_new(cx, SN_AND);
    if (!n)
        return SW_ENOMEM;
    if (map->n == 0)
        return sigma_fail(cx->err, map, "invalid selection", "empty selection");
    n->kids = sw_arena_alloc(cx->arena, map->n * sizeof *n->kids);
    if (!n->kids)
        return SW_ENOMEM;
    for (size_t i = 0; i < map->n; i++) {
        int rc = compile_field(cx, map->keys[i], map->vals[i], 0, &n->kids[i]);
        if (rc)
            return rc;
    }
    n->n_kids = (uint32_t)map->n;
    *out = n->n_kids == 1 ? n->kids[0] : n;
    return SW_OK;
}

/* A search identifier's definition to a node. */
static int compile_selection(sigma_cctx_t *cx, const sy_node_t *key, const sy_node_t *def,
                             sigma_node_t **out)
{
    if (def->kind == SY_MAP)
        return compile_map(cx, def, out);
    if (def->kind == SY_SCALAR)
        return compile_field(cx, key, def, 1, out); /* one keyword (key has no |) */
    if (def->n == 0)
        return sigma_fail(cx->err, def, "invalid selection", "empty list");
    int maps = 0;
    for (size_t i = 0; i < def->n; i++)
        maps += def->vals[i]->kind == SY_MAP;
    if (maps == 0) {
        sy_node_t plain = *key;
        plain.str = "";
        plain.len = 0;
        return compile_field(cx, &plain, def, 1, out); /* keyword list */
    }
    if (maps != (int)def->n)
        return sigma_fail(cx->err, def, "invalid selection",
                          "a selection list mixes maps and plain values");
    sigma_node_t *n = node_new(cx, SN_OR);
    if (!n)
        return SW_ENOMEM;
    n->kids = sw_arena_alloc(cx->arena, def->n * sizeof *n->kids);
    if (!n->kids)
        return SW_ENOMEM;
    for (size_t i = 0; i < def->n; i++) {
        int rc = compile_map(cx, def->vals[i], &n->kids[i]);
        if (rc)
            return rc;
    }
    n->n_kids = (uint32_t)def->n;
    *out = n;
    return SW_OK;
}

/* ---- condition ----------------------------------------------------------- */

typedef struct cparse {
    sigma_cctx_t *cx;
    const sy_node_t *at; /* the condition scalar, for positions */
    const char *s;
    size_t pos, len;
    const sy_node_t *det;
    sigma_node_t **sel; /* compiled selections, parallel to det->keys */
    int depth;
} cparse_t;

static int cfail(cparse_t *p, size_t pos, const char *reason, const char *fmt, const char *arg)
{
    sy_node_t at = *p->at;
    if (!memchr(p->s, '\n', pos))
        at.col += (int)pos + (p->at->quoted ? 1 : 0);
    return sigma_fail(p->cx->err, &at, reason, fmt, arg);
}

/* Next token: sets *tok, *tlen; returns 0 at the end. */
static int ctok(cparse_t *p, const char **tok, size_t *tlen, size_t *at)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
    *at = p->pos;
    if (p->pos >= p->len)
        return 0;
    const char *s = p->s + p->pos;
    if (*s == '(' || *s == ')' || *s == '|') {
        *tok = s;
        *tlen = 1;
        p->pos++;
        return 1;
    }
    size_t n = 0;
    while (p->pos + n < p->len && !isspace((unsigned char)s[n]) && s[n] != '(' && s[n] != ')' &&
           s[n] != '|')
        n++;
    *tok = s;
    *tlen = n;
    p->pos += n;
    return 1;
}

static int tok_is(const char *t, size_t n, const char *word)
{
    return strlen(word) == n && !strncasecmp(t, word, n);
}

static int glob_ident(const char *pat, size_t pn, const char *s)
{
    size_t sn = strlen(s), i = 0, j = 0, star = (size_t)-1, mark = 0;
    while (j < sn) {
        if (i < pn && pat[i] == '*') {
            star = i++;
            mark = j;
        } else if (i < pn && pat[i] == s[j]) {
            i++;
            j++;
        } else if (star != (size_t)-1) {
            i = star + 1;
            j = ++mark;
        } else {
            return 0;
        }
    }
    while (i < pn && pat[i] == '*')
        i++;
    return i == pn;
}

static int cexpr(cparse_t *p, sigma_node_t **out);

static int cprimary(cparse_t *p, sigma_node_t **out)
{
    const char *t;
    size_t n, at;
    if (!ctok(p, &t, &n, &at))
        return cfail(p, at, "invalid condition", "condition ends where a selection was expected%s",
                     "");
    if (tok_is(t, n, "(")) {
        if (++p->depth > 64)
            return cfail(p, at, "invalid condition", "parentheses nested too deep%s", "");
        int rc = cexpr(p, out);
        if (rc)
            return rc;
        p->depth--;
        if (!ctok(p, &t, &n, &at) || !tok_is(t, n, ")"))
            return cfail(p, at, "invalid condition", "expected ')'%s", "");
        return SW_OK;
    }
    if (tok_is(t, n, "not")) {
        sigma_node_t *k;
        if (++p->depth > 64)
            return cfail(p, at, "invalid condition", "conditions nested too deep%s", "");
        int rc = cprimary(p, &k);
        p->depth--;
        if (rc)
            return rc;
        sigma_node_t *nn = node_new(p->cx, SN_NOT);
        if (!nn || !(nn->kids = sw_arena_alloc(p->cx->arena, sizeof *nn->kids)))
            return SW_ENOMEM;
        nn->kids[0] = k;
        nn->n_kids = 1;
        *out = nn;
        return SW_OK;
    }
    long count = -1; /* N of ...; 0 means all */
    if (tok_is(t, n, "all") || tok_is(t, n, "any") || (n < 6 && isdigit((unsigned char)t[0]))) {
        if (tok_is(t, n, "all"))
            count = 0;
        else if (tok_is(t, n, "any"))
            count = 1;
        else {
            char num[8];
            memcpy(num, t, n);
            num[n] = 0;
            char *end;
            count = strtol(num, &end, 10);
            if (*end || count < 1)
                return cfail(p, at, "invalid condition", "bad count in '%s of'", num);
        }
        size_t save = p->pos;
        const char *t2;
        size_t n2, at2;
        if (!ctok(p, &t2, &n2, &at2) || !tok_is(t2, n2, "of")) {
            if (count == 0 || !isdigit((unsigned char)t[0]))
                return cfail(p, at2, "invalid condition", "expected 'of'%s", "");
            p->pos = save;
            count = -1; /* a selection whose name is a number */
        } else {
            if (!ctok(p, &t2, &n2, &at2))
                return cfail(p, at2, "invalid condition",
                             "expected a selection pattern or 'them'%s", "");
            int them = tok_is(t2, n2, "them");
            sigma_node_t *nn = node_new(p->cx, count == 0 ? SN_AND : count == 1 ? SN_OR : SN_COUNT);
            if (!nn ||
                !(nn->kids = sw_arena_alloc(p->cx->arena, (p->det->n + 1) * sizeof *nn->kids)))
                return SW_ENOMEM;
            for (size_t i = 0; i < p->det->n; i++) {
                const char *name = p->det->keys[i]->str;
                if (!p->sel[i])
                    continue;
                if (them ? name[0] != '_' : glob_ident(t2, n2, name))
                    nn->kids[nn->n_kids++] = p->sel[i];
            }
            if (nn->n_kids == 0) {
                char pat[128];
                snprintf(pat, sizeof pat, "%.*s", (int)(n2 < 100 ? n2 : 100), t2);
                return cfail(p, at2, "invalid condition", "no selection matches '%s'", pat);
            }
            nn->min = (uint32_t)count;
            if (count > (long)nn->n_kids)
                nn->type = SN_FALSE;
            *out = nn;
            return SW_OK;
        }
    }
    if (tok_is(t, n, ")") || tok_is(t, n, "and") || tok_is(t, n, "or") || tok_is(t, n, "of") ||
        tok_is(t, n, "them"))
        return cfail(p, at, "invalid condition", "unexpected '%s'",
                     tok_is(t, n, ")") ? ")" : "operator");
    if (tok_is(t, n, "|"))
        return cfail(p, at, "aggregation in condition",
                     "aggregations after '|' (count(), near) are deprecated Sigma; use a "
                     "correlation rule%s",
                     "");
    for (size_t i = 0; i < p->det->n; i++) {
        const char *name = p->det->keys[i]->str;
        if (strlen(name) == n && !strncmp(name, t, n) && p->sel[i]) {
            *out = p->sel[i];
            return SW_OK;
        }
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(n < 100 ? n : 100), t);
    return cfail(p, at, "invalid condition", "condition names '%s', which is not a selection",
                 name);
}

static int cbinary(cparse_t *p, sigma_node_t **out, int level)
{
    const char *op = level ? "and" : "or";
    sigma_node_t *first;
    int rc = level ? cprimary(p, &first) : cbinary(p, &first, 1);
    if (rc)
        return rc;
    sigma_node_t *kids[256];
    uint32_t nk = 0;
    kids[nk++] = first;
    for (;;) {
        size_t save = p->pos, at;
        const char *t;
        size_t n;
        if (!ctok(p, &t, &n, &at) || !tok_is(t, n, op)) {
            p->pos = save;
            break;
        }
        if (nk == 256)
            return cfail(p, at, "invalid condition", "more than 256 terms in a row%s", "");
        rc = level ? cprimary(p, &kids[nk]) : cbinary(p, &kids[nk], 1);
        if (rc)
            return rc;
        nk++;
    }
    if (nk == 1) {
        *out = first;
        return SW_OK;
    }
    sigma_node_t *nn = node_new(p->cx, level ? SN_AND : SN_OR);
    if (!nn || !(nn->kids = sw_arena_alloc(p->cx->arena, nk * sizeof *nn->kids)))
        return SW_ENOMEM;
    memcpy(nn->kids, kids, nk * sizeof *kids);
    nn->n_kids = nk;
    *out = nn;
    return SW_OK;
}

static int cexpr(cparse_t *p, sigma_node_t **out)
{
    return cbinary(p, out, 0);
}

static int compile_condition(sigma_cctx_t *cx, const sy_node_t *cond, const sy_node_t *det,
                             sigma_node_t **sel, sigma_node_t **out)
{
    if (cond->kind != SY_SCALAR || cond->is_null)
        return sigma_fail(cx->err, cond, "invalid condition", "condition must be text");
    if (cond->len > SW_SIGMA_MAX_COND_BYTES)
        return sigma_fail(cx->err, cond, "too large", "condition longer than %d bytes",
                          SW_SIGMA_MAX_COND_BYTES);
    cparse_t p = {.cx = cx, .at = cond, .s = cond->str, .len = cond->len, .det = det, .sel = sel};
    int rc = cexpr(&p, out);
    if (rc)
        return rc;
    const char *t;
    size_t n, at;
    if (ctok(&p, &t, &n, &at)) {
        if (tok_is(t, n, "|"))
            return cfail(&p, at, "aggregation in condition",
                         "aggregations after '|' (count(), near) are deprecated Sigma; use a "
                         "correlation rule%s",
                         "");
        char tk[64];
        snprintf(tk, sizeof tk, "%.*s", (int)(n < 40 ? n : 40), t);
        return cfail(&p, at, "invalid condition", "unexpected '%s' (expected and/or)", tk);
    }
    return SW_OK;
}

int sigma_compile(sigma_cctx_t *cx, const sy_node_t *det, sigma_node_t **out)
{
    if (!det || det->kind != SY_MAP)
        return sigma_fail(cx->err, det, "invalid detection", "detection must be a mapping");
    sigma_node_t **sel = sw_arena_zalloc(cx->arena, (det->n + 1) * sizeof *sel);
    if (!sel)
        return SW_ENOMEM;
    const sy_node_t *cond = NULL;
    for (size_t i = 0; i < det->n; i++) {
        const char *k = det->keys[i]->str;
        if (!strcmp(k, "condition")) {
            cond = det->vals[i];
            continue;
        }
        if (!strcmp(k, "timeframe"))
            continue; /* only meaningful for aggregations, which are refused */
        int rc = compile_selection(cx, det->keys[i], det->vals[i], &sel[i]);
        if (rc)
            return rc;
    }
    if (!cond)
        return sigma_fail(cx->err, det, "invalid detection", "detection has no condition");
    if (cond->kind == SY_SEQ) {
        sigma_node_t *nn = node_new(cx, SN_OR);
        if (!nn || !(nn->kids = sw_arena_alloc(cx->arena, (cond->n + 1) * sizeof *nn->kids)))
            return SW_ENOMEM;
        for (size_t i = 0; i < cond->n; i++) {
            int rc = compile_condition(cx, cond->vals[i], det, sel, &nn->kids[i]);
            if (rc)
                return rc;
        }
        nn->n_kids = (uint32_t)cond->n;
        if (!nn->n_kids)
            return sigma_fail(cx->err, cond, "invalid condition", "empty condition list");
        *out = nn;
        return SW_OK;
    }
    return compile_condition(cx, cond, det, sel, out);
}
