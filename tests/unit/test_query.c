/* test_query.c — detect/query: the parser (every construct, every error with
 * its column), the evaluator over the data-driven cases in
 * tests/data/search/, the pipeline, and the time functions. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/event.h"
#include "detect/query.h"
#include "search_cases.h"

static sw_query_opts_t opts(void)
{
    sw_query_opts_t o = {0};
    sw_query_parse_time(CASES_NOW, strlen(CASES_NOW), &o.now_ms);
    return o;
}

static int parse(sw_query_t *q, const char *text, sw_errbuf_t *err)
{
    sw_query_opts_t o = opts();
    return sw_query_parse(q, text, strlen(text), &o, err);
}

/* ---- parser: constructs --------------------------------------------------------- */

static void parses_field_value_and_lowercases(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "Image:C:\\Windows\\System32\\CMD.exe", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_TERM);
    assert_string_equal(q.root->field, "Image");
    assert_string_equal(q.root->value, "c:\\windows\\system32\\cmd.exe");
    sw_query_free(&q);
}

static void parses_wildcards_phrases_and_escapes(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "CommandLine:*ntdsutil*", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_WILD);
    assert_string_equal(q.root->value, "*ntdsutil*");
    sw_query_free(&q);
    /* a quoted phrase keeps * literal */
    assert_int_equal(parse(&q, "CommandLine:\"a *b\"", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_TERM);
    assert_string_equal(q.root->value, "a *b");
    sw_query_free(&q);
    /* an escaped * in a wildcard is kept escaped for the glob */
    assert_int_equal(parse(&q, "x:a\\*b*", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_WILD);
    assert_string_equal(q.root->value, "a\\*b*");
    assert_true(sw_query_glob(q.root->value, q.root->value_len, "A*Bcd", 5));
    assert_false(sw_query_glob(q.root->value, q.root->value_len, "AxBcd", 5));
    sw_query_free(&q);
    /* escaped space joins words */
    assert_int_equal(parse(&q, "User:NT\\ AUTHORITY", &err), SW_OK);
    assert_string_equal(q.root->value, "nt authority");
    sw_query_free(&q);
}

static void parses_boolean_precedence(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    /* a OR b AND NOT c == a OR (b AND (NOT c)) */
    assert_int_equal(parse(&q, "a:1 OR b:2 AND NOT c:3", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_OR);
    assert_int_equal(q.root->n_kids, 2);
    assert_int_equal(q.root->kids[1]->kind, SW_QN_AND);
    assert_int_equal(q.root->kids[1]->kids[1]->kind, SW_QN_NOT);
    sw_query_free(&q);
    /* implicit AND, lower-case keywords, -term */
    assert_int_equal(parse(&q, "a:1 b:2 and c:3 -d:4", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_AND);
    assert_int_equal(q.root->n_kids, 4);
    assert_int_equal(q.root->kids[3]->kind, SW_QN_NOT);
    sw_query_free(&q);
    /* parentheses and field groups */
    assert_int_equal(parse(&q, "(a:1 OR a:2) AND EventID:(4624 OR 4625)", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_AND);
    assert_int_equal(q.root->kids[1]->kind, SW_QN_OR);
    assert_string_equal(q.root->kids[1]->kids[1]->field, "EventID");
    sw_query_free(&q);
}

static void parses_ranges_exists_and_times(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "EventID:[4624 TO 4625}", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_RANGE);
    assert_int_equal(q.root->range_type, SW_QR_NUMBER);
    assert_true(q.root->lo_incl);
    assert_false(q.root->hi_incl);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "@timestamp:[2026-02-10T09:00 TO now-15m]", &err), SW_OK);
    assert_int_equal(q.root->range_type, SW_QR_TIME);
    assert_int_equal(q.root->hi_ms - q.root->lo_ms, 45 * 60000);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "User:[a TO m]", &err), SW_OK);
    assert_int_equal(q.root->range_type, SW_QR_STRING);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "size:>=10", &err), SW_OK);
    assert_true(q.root->has_lo && q.root->lo_incl && !q.root->has_hi);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "_exists_:Image", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_EXISTS);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "Image:*", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_EXISTS);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "  ", &err), SW_OK);
    assert_int_equal(q.root->kind, SW_QN_ALL);
    sw_query_free(&q);
}

static void parses_pipeline(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "EventID:1 | sort @timestamp desc | head 5", &err), SW_OK);
    assert_int_equal(q.n_stages, 2);
    assert_int_equal(q.stages[0].kind, SW_QS_SORT);
    assert_true(q.stages[0].desc && q.stages[0].field_is_time);
    assert_int_equal(q.stages[1].kind, SW_QS_LIMIT);
    assert_int_equal(q.stages[1].n, 5);
    assert_false(sw_query_is_aggregate(&q));
    sw_query_free(&q);
    assert_int_equal(parse(&q, "* | top 3 Image", &err), SW_OK);
    assert_int_equal(q.stages[0].kind, SW_QS_TOP);
    assert_int_equal(q.stages[0].n, 3);
    assert_true(sw_query_is_aggregate(&q));
    sw_query_free(&q);
    assert_int_equal(parse(&q, "* | top Image", &err), SW_OK);
    assert_int_equal(q.stages[0].n, 10);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "| histogram 5m", &err), SW_OK);
    assert_int_equal(q.stages[0].bucket_ms, 300000);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "x:1 | count by User", &err), SW_OK);
    assert_int_equal(q.stages[0].kind, SW_QS_COUNT_BY);
    sw_query_free(&q);
}

/* ---- parser: errors name the column ------------------------------------------- */

static const struct {
    const char *query;
    const char *msg; /* expected err.msg prefix */
} bad[] = {
    {"(CommandLine:*x* OR a:b", "column 24: expected ')' after 'a:b'"},
    {"a:1 AND (CommandLine:*x*", "column 25: expected ')' after 'CommandLine:*x*'"},
    {"a:1 AND", "column 8: expected a term after 'AND'"},
    {"a:1 OR", "column 7: expected a term after 'OR'"},
    {"NOT", "column 4: expected a term after 'NOT'"},
    {"a:1)", "column 4: unexpected ')' after 'a:1'"},
    {"Image:", "column 7: expected a value after 'Image:'"},
    {"Image: x", "column 7: expected a value after 'Image:'"},
    {"CommandLine:\"abc", "column 13: expected a closing '\"'"},
    {"EventID:[1 4]", "column 12: expected 'TO' in the range after '['"},
    {"EventID:[1 TO 4", "column 16: expected ']' or '}' to close the range"},
    {"@timestamp:[yesterday TO now]", "column 13: expected a time such as"},
    {"_exists_:", "column 10: expected a field name after '_exists_:'"},
    {"a:1 |", "column 6: expected an operation after '|'"},
    {"a:1 | frobnicate", "column 7: expected an operation after '|'"},
    {"a:1 | limit x", "column 13: expected a number of records, got 'x'"},
    {"a:1 | limit 0", "column 13: expected a number of records greater than 0"},
    {"a:1 | sort", "column 11: expected a field name after 'sort'"},
    {"a:1 | sort x up", "column 14: expected 'asc', 'desc' or '|' after 'sort x'"},
    {"a:1 | count User", "column 13: expected 'by FIELD' or '|' after 'count'"},
    {"a:1 | histogram 5x", "column 17: expected an interval such as 1m"},
    {"a:1 | count | limit 3", "column 15: expected the end of the query"},
    {"a:1 | top 3", "column 12: expected a field name after 'top N'"},
    {"()", "column 2: expected a term before ')'"},
};

static void errors_name_the_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sw_query_t q;
        sw_errbuf_t err = {{0}};
        int rc = parse(&q, bad[i].query, &err);
        if (rc == SW_OK || strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
            fail_msg("query %s\n  expected: %s\n  got (%d): %s", bad[i].query, bad[i].msg, rc,
                     err.msg);
        assert_null(q.root);
        sw_query_free(&q);
    }
}

static void limits_are_enforced(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    char deep[200];
    memset(deep, '(', 100);
    strcpy(deep + 100, "a:1");
    assert_int_equal(parse(&q, deep, &err), SW_ETOOBIG);
    assert_non_null(strstr(err.msg, "nested"));
    sw_query_free(&q);
    static char big[SW_QUERY_MAX_LEN + 2];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(parse(&q, big, &err), SW_ETOOBIG);
    sw_query_free(&q);
    sw_query_opts_t o = opts();
    assert_int_equal(sw_query_parse(&q, "a:1\0b", 5, &o, &err), SW_EINVAL);
    assert_string_equal(err.msg, "column 4: unexpected NUL byte");
    sw_query_free(&q);
}

/* ---- evaluator: the data-driven cases --------------------------------------------- */

static void data_driven_cases_match(void **state)
{
    (void)state;
    size_t n_ev, n_q;
    char **evs = cases_lines(CASES_EVENTS, &n_ev);
    char **qs = cases_lines(CASES_QUERIES, &n_q);
    assert_non_null(evs);
    assert_non_null(qs);
    sw_event_t *parsed = calloc(n_ev, sizeof *parsed);
    for (size_t i = 0; i < n_ev; i++) {
        sw_event_init(&parsed[i]);
        sw_errbuf_t err;
        if (sw_event_parse_json(&parsed[i], evs[i], strlen(evs[i]), &err))
            fail_msg("event %zu: %s", i + 1, err.msg);
    }
    size_t n_cases = 0, n_failed = 0;
    for (size_t i = 0; i < n_q; i++) {
        if (qs[i][0] == '#' || !strchr(qs[i], '\t'))
            continue;
        char *tab = strrchr(qs[i], '\t');
        *tab = '\0';
        const char *want = tab + 1;
        sw_query_t q;
        sw_errbuf_t err;
        if (parse(&q, qs[i], &err)) {
            print_error("%s: does not parse: %s\n", qs[i], err.msg);
            n_failed++;
            sw_query_free(&q);
            continue;
        }
        cases_out_t out = {0};
        sw_buf_init(&out.agg, 0);
        sw_qrun_t *run;
        assert_int_equal(sw_qrun_new(&run, &q, cases_row, &out), SW_OK);
        for (size_t e = 0; e < n_ev; e++) {
            if (!sw_query_match(&q, &parsed[e]))
                continue;
            int64_t ts;
            sw_query_event_time(&parsed[e], &ts);
            if (sw_qrun_feed(run, (int64_t)e + 1, ts, &parsed[e], evs[e], strlen(evs[e]), &err))
                break;
        }
        assert_int_equal(sw_qrun_finish(run, &err), SW_OK);
        char got[512];
        cases_render(&q, &out, got, sizeof got);
        if (strcmp(got, want) != 0) {
            print_error("%s\n  expected: %s\n  got:      %s\n", qs[i], want, got);
            n_failed++;
        }
        n_cases++;
        sw_qrun_free(run);
        sw_buf_free(&out.agg);
        sw_query_free(&q);
    }
    for (size_t i = 0; i < n_ev; i++)
        sw_event_free(&parsed[i]);
    free(parsed);
    cases_free(evs, n_ev);
    cases_free(qs, n_q);
    assert_true(n_cases >= 60);
    assert_int_equal(n_failed, 0);
}

/* ---- pipeline: sort order, limits ------------------------------------------------- */

static void sort_orders_numbers_then_text_and_keeps_ties(void **state)
{
    (void)state;
    const char *recs[] = {"{\"n\":10,\"k\":\"b\"}", "{\"n\":9,\"k\":\"a\"}",
                          "{\"n\":10,\"k\":\"c\"}", "{\"k\":\"d\"}", "{\"n\":\"x\",\"k\":\"e\"}"};
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "* | sort n desc", &err), SW_OK);
    cases_out_t out = {0};
    sw_buf_init(&out.agg, 0);
    sw_qrun_t *run;
    assert_int_equal(sw_qrun_new(&run, &q, cases_row, &out), SW_OK);
    sw_event_t ev;
    sw_event_init(&ev);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sw_event_parse_json(&ev, recs[i], strlen(recs[i]), &err), SW_OK);
        assert_int_equal(sw_qrun_feed(run, i + 1, i, &ev, recs[i], strlen(recs[i]), &err), 0);
    }
    assert_int_equal(sw_qrun_finish(run, &err), SW_OK);
    /* desc: text after numbers reversed -> "x" first, then 10 (b, c in
     * arrival order), 9; missing last */
    int64_t want[] = {5, 1, 3, 2, 4};
    assert_int_equal(out.n_ids, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out.ids[i], want[i]);
    sw_qrun_free(run);
    sw_event_free(&ev);
    sw_buf_free(&out.agg);
    sw_query_free(&q);
}

static void limit_stops_the_feed(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "* | limit 2", &err), SW_OK);
    cases_out_t out = {0};
    sw_buf_init(&out.agg, 0);
    sw_qrun_t *run;
    assert_int_equal(sw_qrun_new(&run, &q, cases_row, &out), SW_OK);
    sw_event_t ev;
    sw_event_init(&ev);
    assert_int_equal(sw_qrun_feed(run, 1, 0, &ev, "{}", 2, &err), 0);
    assert_int_equal(sw_qrun_feed(run, 2, 0, &ev, "{}", 2, &err), 1); /* enough */
    assert_int_equal(sw_qrun_feed(run, 3, 0, &ev, "{}", 2, &err), 1);
    assert_int_equal(sw_qrun_finish(run, &err), SW_OK);
    assert_int_equal(out.n_records, 2);
    sw_qrun_free(run);
    sw_event_free(&ev);
    sw_buf_free(&out.agg);
    sw_query_free(&q);
}

static void pre_aggregated_input_needs_one_stage(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "* | top 1 x", &err), SW_OK);
    cases_out_t out = {0};
    sw_buf_init(&out.agg, 0);
    sw_qrun_t *run;
    assert_int_equal(sw_qrun_new(&run, &q, cases_row, &out), SW_OK);
    assert_int_equal(sw_qrun_add(run, "A", 1, 0, 2, &err), SW_OK);
    assert_int_equal(sw_qrun_add(run, "a", 1, 0, 2, &err), SW_OK); /* same group */
    assert_int_equal(sw_qrun_add(run, "b", 1, 0, 3, &err), SW_OK);
    assert_int_equal(sw_qrun_finish(run, &err), SW_OK);
    assert_string_equal(sw_buf_str(&out.agg), "A=4");
    sw_qrun_free(run);
    sw_buf_free(&out.agg);
    sw_query_free(&q);
    assert_int_equal(parse(&q, "* | limit 1 | count", &err), SW_OK);
    assert_int_equal(sw_qrun_new(&run, &q, cases_row, &out), SW_OK);
    assert_int_equal(sw_qrun_add(run, "", 0, 0, 1, &err), SW_ESTATE);
    sw_qrun_free(run);
    sw_query_free(&q);
}

/* A histogram's buckets, added in any order (a store adds them piece by
 * piece), come out every one from the first to the last in time order,
 * the empty ones with 0, each with the sum of its adds: 60,000 buckets,
 * 40,000 of them not empty (finding each bucket's group was a search of
 * all groups: 2.4 billion compares here). */
static int hist_row(const sw_qrow_t *row, void *ud)
{
    int64_t *st = ud; /* [rows, sum of counts, last ts, out of order, wrong] */
    if (st[0] && row->ts_ms != st[2] + 60000)
        st[3]++;
    int64_t k = (row->ts_ms - 1770000000000LL) / 60000;
    int64_t want = k % 3 == 2 ? 0 : (k % 3) + 1 + (k % 7 == 0 ? 5 : 0);
    if ((int64_t)row->count != want)
        st[4]++;
    st[0]++;
    st[1] += (int64_t)row->count;
    st[2] = row->ts_ms;
    return 0;
}

static void a_histogram_walks_its_buckets_in_order(void **state)
{
    (void)state;
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(parse(&q, "* | histogram 1m", &err), SW_OK);
    int64_t st[5] = {0};
    sw_qrun_t *run;
    assert_int_equal(sw_qrun_new(&run, &q, hist_row, st), SW_OK);
    const int64_t base = 1770000000000LL; /* a minute's start */
    int64_t sum = 0;
    for (int64_t i = 0; i < 60000; i++) {
        int64_t k = (i * 7919) % 60000; /* every bucket once, out of order */
        if (k % 3 == 2)
            continue;
        assert_int_equal(
            sw_qrun_add(run, NULL, 0, base + k * 60000 + 1234, (uint64_t)(k % 3 + 1), &err), SW_OK);
        sum += k % 3 + 1;
        if (k % 7 == 0) { /* a second add to the same bucket, later */
            assert_int_equal(sw_qrun_add(run, NULL, 0, base + k * 60000, 5, &err), SW_OK);
            sum += 5;
        }
    }
    assert_int_equal(sw_qrun_finish(run, &err), SW_OK);
    assert_int_equal(st[0], 60000 - 1); /* the last bucket, k = 59999, is empty */
    assert_int_equal(st[1], sum);
    assert_int_equal(st[3], 0);
    assert_int_equal(st[4], 0);
    sw_qrun_free(run);
    sw_query_free(&q);
}

/* ---- times ---------------------------------------------------------------------- */

static void times_parse_and_format(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(sw_query_parse_time("1970-01-01T00:00:00Z", 20, &ms), SW_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(sw_query_parse_time("2026-02-10T09:00", 16, &ms), SW_OK);
    assert_int_equal(ms, 1770714000000LL);
    assert_int_equal(sw_query_parse_time("2026-02-10 09:00:00.5", 21, &ms), SW_OK);
    assert_int_equal(ms, 1770714000500LL);
    assert_int_equal(sw_query_parse_time("2026-02-10T19:00:00+10:00", 25, &ms), SW_OK);
    assert_int_equal(ms, 1770714000000LL);
    assert_int_equal(sw_query_parse_time("2026-02-10", 10, &ms), SW_OK);
    assert_int_equal(ms, 1770681600000LL);
    assert_int_equal(sw_query_parse_time("2026-13-10", 10, &ms), SW_EINVAL);
    assert_int_equal(sw_query_parse_time("2026-02-10T09", 13, &ms), SW_EINVAL);
    char out[64];
    sw_query_format_time(1770714000500LL, out);
    assert_string_equal(out, "2026-02-10T09:00:00.500Z");
    sw_query_format_time(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
}

/* The plain recursive glob: what sw_query_glob's fast loop (a star's
 * literal found by a forward scan, no recursion) must agree with. */
static int glob_oracle(const char *p, size_t pl, const char *s, size_t sl)
{
    if (pl == 0)
        return sl == 0;
    if (p[0] == '*') {
        for (size_t k = 0; k <= sl; k++)
            if (glob_oracle(p + 1, pl - 1, s + k, sl - k))
                return 1;
        return 0;
    }
    if (sl == 0)
        return 0;
    char c = s[0] >= 'A' && s[0] <= 'Z' ? (char)(s[0] | 0x20) : s[0];
    if (p[0] == '?')
        return glob_oracle(p + 1, pl - 1, s + 1, sl - 1);
    if (p[0] == '\\' && pl > 1)
        return p[1] == c && glob_oracle(p + 2, pl - 2, s + 1, sl - 1);
    return p[0] == c && glob_oracle(p + 1, pl - 1, s + 1, sl - 1);
}

static void the_glob_agrees_with_the_recursive_one(void **state)
{
    (void)state;
    static const char pa[] = "ab*?\\.", sa[] = "abAB*?\\.x";
    uint64_t x = 42;
    char pat[12], str[16];
    unsigned yes = 0;
    for (int i = 0; i < 300000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t pl = (size_t)(x >> 60) % 10, sl = (size_t)(x >> 56) % 14;
        for (size_t k = 0; k < pl; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            pat[k] = pa[(x >> 33) % (sizeof pa - 1)];
        }
        for (size_t k = 0; k < sl; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            str[k] = sa[(x >> 33) % (sizeof sa - 1)];
        }
        int want = glob_oracle(pat, pl, str, sl), got = sw_query_glob(pat, pl, str, sl);
        if (want != got)
            fail_msg("glob '%.*s' over '%.*s': %d, the recursive glob says %d", (int)pl, pat,
                     (int)sl, str, got, want);
        yes += (unsigned)want;
    }
    assert_true(yes > 10000); /* both answers were tried, many times */
}

/* A number range's value as strtod reads it (the oracle of the integer
 * fast path): the whole of v a finite number. */
static int range_oracle(const sw_qnode_t *n, const char *v, size_t vl)
{
    char tmp[64], *end;
    if (vl == 0 || vl >= sizeof tmp)
        return 0;
    memcpy(tmp, v, vl);
    tmp[vl] = '\0';
    errno = 0;
    double d = strtod(tmp, &end);
    if (*end || errno || !isfinite(d))
        return 0;
    return (!n->has_lo || (n->lo_incl ? d >= n->lo_num : d > n->lo_num)) &&
           (!n->has_hi || (n->hi_incl ? d <= n->hi_num : d < n->hi_num));
}

/* Plain integers are compared without strtod (ports, byte counts): the
 * same answer as strtod's on 200,000 random values of digits, signs,
 * points, spaces and letters, up to 18 characters (past 15 digits the
 * fast path hands over to strtod), against ranges open and closed. */
static void a_number_range_agrees_with_strtod(void **state)
{
    (void)state;
    static const char *const ranges[] = {"f:>60000", "f:[-5 TO 120]",       "f:{0 TO 99999}",
                                         "f:<=-0",   "f:>=123456789012345", "f:<1e3"};
    static const char al[] = "0123456789000-+. ex";
    uint64_t x = 7;
    unsigned yes = 0, no = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        sw_query_t q;
        sw_errbuf_t err;
        if (parse(&q, ranges[r], &err))
            fail_msg("%s: %s", ranges[r], err.msg);
        const sw_qnode_t *n = q.root;
        assert_int_equal(n->kind, SW_QN_RANGE);
        assert_int_equal(n->range_type, SW_QR_NUMBER);
        char v[24];
        for (int i = 0; i < 200000 / 6; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t vl = (size_t)(x >> 59) % 19;
            int digits = (x >> 40) & 1; /* half of them digits only, maybe a '-' */
            for (size_t k = 0; k < vl; k++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                v[k] = digits ? (char)('0' + (x >> 33) % 10) : al[(x >> 33) % (sizeof al - 1)];
            }
            if (digits && vl && (x >> 20) % 3 == 0)
                v[0] = '-';
            int want = range_oracle(n, v, vl), got = sw_qnode_value_matches(n, v, vl, 0);
            if (want != got)
                fail_msg("%s over '%.*s': %d, strtod says %d", ranges[r], (int)vl, v, got, want);
            yes += (unsigned)want;
            no += (unsigned)!want;
        }
        sw_query_free(&q);
    }
    assert_true(yes > 20000 && no > 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_field_value_and_lowercases),
        cmocka_unit_test(parses_wildcards_phrases_and_escapes),
        cmocka_unit_test(parses_boolean_precedence),
        cmocka_unit_test(parses_ranges_exists_and_times),
        cmocka_unit_test(parses_pipeline),
        cmocka_unit_test(errors_name_the_column),
        cmocka_unit_test(limits_are_enforced),
        cmocka_unit_test(data_driven_cases_match),
        cmocka_unit_test(sort_orders_numbers_then_text_and_keeps_ties),
        cmocka_unit_test(limit_stops_the_feed),
        cmocka_unit_test(pre_aggregated_input_needs_one_stage),
        cmocka_unit_test(times_parse_and_format),
        cmocka_unit_test(the_glob_agrees_with_the_recursive_one),
        cmocka_unit_test(a_number_range_agrees_with_strtod),
        cmocka_unit_test(a_histogram_walks_its_buckets_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
