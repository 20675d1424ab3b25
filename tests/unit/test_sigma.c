/* test_sigma.c — detect/sigma: the data-driven cases under tests/data/sigma/cases
 * (one rule and events marked "_expect" per feature), the SigmaHQ regression
 * pairs, the whole-corpus load, pre-filter equivalence, and located errors;
 * a regular expression neither matcher decides within its budget leaves
 * its rule undecided (counted, reported, never a silent miss), through
 * and, or, not and counts as three-valued logic.
 *
 * Reference data is read from $SW_SHARED/data/sigma (SW_SHARED defaults to
 * ../shared, relative to the repository root where tests run). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerts/sigma_load.h"
#include "detect/event.h"
#include "detect/sigma.h"

#define LOADED_FLOOR 3250 /* rules of the SigmaHQ corpus that must load */

static const char *sigma_dir(void)
{
    static char path[1024];
    const char *shared = getenv("SW_SHARED");
    snprintf(path, sizeof path, "%s/data/sigma", shared && *shared ? shared : "../shared");
    return path;
}

static char *slurp(const char *path, size_t *len)
{
    char *text;
    size_t n;
    sw_errbuf_t err;
    if (sw_read_file(path, (size_t)1 << 30, &text, &n, &err)) {
        print_error("cannot read %s: %s\n", path, err.msg);
        return NULL;
    }
    if (len)
        *len = n;
    return text;
}

typedef struct hits {
    size_t n;
    char log[8192];
    size_t log_len;
} hits_t;

static void count_cb(const sw_sigma_alert_t *a, void *ud)
{
    hits_t *h = ud;
    h->n++;
    if (h->log_len < sizeof h->log - 64)
        h->log_len +=
            (size_t)snprintf(h->log + h->log_len, sizeof h->log - h->log_len, "%s;", a->rule->id);
}

/* Run every record of text through s; returns the number of matches. */
static long match_text(sw_sigma_set_t *s, const char *text, size_t len, sw_sigma_alert_cb cb,
                       void *ud)
{
    sw_event_t ev;
    sw_event_init(&ev);
    size_t pos = 0, start, rec_len;
    long total = 0;
    int got;
    while ((got = sw_event_split(text, len, &pos, &start, &rec_len)) == 1) {
        sw_errbuf_t err;
        if (sw_event_parse_json(&ev, text + start, rec_len, &err)) {
            print_error("bad record: %s\n", err.msg);
            total = -1;
            break;
        }
        total += sw_sigma_set_match(s, &ev, cb, ud);
    }
    sw_event_free(&ev);
    return got < 0 ? -1 : total;
}

/* ---- data-driven cases ------------------------------------------------------- */

static void each_case_rule_matches_exactly_its_expected_events(void **state)
{
    (void)state;
    const char *dir = "tests/data/sigma/cases";
    DIR *d = opendir(dir);
    assert_non_null(d);
    const char *admins[] = {"alice", "bob"};
    sw_sigma_var_t vars[] = {{"admins", admins, 2}};
    struct dirent *de;
    int n_cases = 0, n_events = 0, failures = 0;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".yml"))
            continue;
        char path[1024], evpath[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(evpath, sizeof evpath, "%s/%.*s.jsonl", dir, (int)(nl - 4), de->d_name);
        size_t rlen = 0, elen = 0;
        char *rule = slurp(path, &rlen), *events = slurp(evpath, &elen);
        assert_non_null(rule);
        assert_non_null(events);
        sw_sigma_set_t *s = sw_sigma_set_new(vars, 1);
        sw_sigma_error_t err;
        int rc = sw_sigma_set_add(s, rule, rlen, path, &err);
        if (rc) {
            print_error("%s:%d:%d: %s\n", path, err.line, err.col, err.msg);
            failures++;
        }
        assert_int_equal(sw_sigma_set_build(s), SW_OK);
        for (int pf = 0; pf < 2 && !rc; pf++) {
            sw_sigma_set_prefilter(s, pf);
            sw_event_t ev;
            sw_event_init(&ev);
            size_t pos = 0, start, len;
            int line = 0;
            while (sw_event_split(events, elen, &pos, &start, &len) == 1) {
                line++;
                assert_int_equal(sw_event_parse_json(&ev, events + start, len, NULL), SW_OK);
                const sw_field_t *want = sw_event_get(&ev, "_expect");
                assert_non_null(want);
                int expect = !strcmp(want->value, "true");
                int got = sw_sigma_set_match(s, &ev, NULL, NULL);
                if (got != expect) {
                    print_error("%s line %d (prefilter %s): expected %s, got %d matches\n", evpath,
                                line, pf ? "on" : "off", expect ? "a match" : "none", got);
                    failures++;
                }
                n_events += pf;
            }
            sw_event_free(&ev);
        }
        n_cases++;
        sw_sigma_set_free(s);
        free(rule);
        free(events);
    }
    closedir(d);
    print_message("%d cases, %d events\n", n_cases, n_events);
    assert_true(n_cases >= 40);
    assert_int_equal(failures, 0);
}

/* ---- SigmaHQ regression pairs --------------------------------------------------- */

static long override_for(const char *overrides, const char *id)
{
    if (!overrides)
        return -1;
    const char *p = strstr(overrides, id);
    while (p && p != overrides && p[-1] != '\n')
        p = strstr(p + 1, id);
    return p ? strtol(p + strlen(id) + 1, NULL, 10) : -1;
}

static void regression_pairs_match_their_count(void **state)
{
    (void)state;
    char path[2048];
    snprintf(path, sizeof path, "%s/regression/manifest.tsv", sigma_dir());
    char *manifest = slurp(path, NULL);
    assert_non_null(manifest);
    char *overrides = slurp("tests/data/sigma/regression-overrides.tsv", NULL);
    int n = 0, agree = 0, overridden = 0, failures = 0;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char id[128], rule[1024], evf[512];
        long want;
        if (sscanf(line, "%127[^\t]\t%1023[^\t]\t%511[^\t]\t%ld", id, rule, evf, &want) != 4)
            continue; /* header */
        n++;
        char rpath[2048], epath[2048];
        snprintf(rpath, sizeof rpath, "%s/%s", sigma_dir(), rule);
        snprintf(epath, sizeof epath, "%s/regression/%s", sigma_dir(), evf);
        size_t rlen = 0, elen = 0;
        char *rt = slurp(rpath, &rlen), *et = slurp(epath, &elen);
        assert_non_null(rt);
        assert_non_null(et);
        sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
        sw_sigma_error_t err;
        long got = -1;
        if (sw_sigma_set_add(s, rt, rlen, rpath, &err) == SW_OK && sw_sigma_set_build(s) == SW_OK)
            got = match_text(s, et, elen, NULL, NULL);
        else
            print_error("%s:%d:%d: %s\n", rpath, err.line, err.col, err.msg);
        long ov = override_for(overrides, id);
        if (got == want)
            agree++;
        if (ov >= 0) {
            overridden++;
            if (got != ov) {
                print_error("%s: expected %ld (documented override; manifest says %ld), got %ld\n",
                            rule, ov, want, got);
                failures++;
            }
        } else if (got != want) {
            print_error("%s: expected %ld matches, got %ld\n", rule, want, got);
            failures++;
        }
        sw_sigma_set_free(s);
        free(rt);
        free(et);
    }
    print_message("regression: %d pairs, %d agree with the manifest, %d documented overrides\n", n,
                  agree, overridden);
    free(manifest);
    free(overrides);
    assert_int_equal(n, 96);
    assert_int_equal(failures, 0);
}

/* ---- the whole corpus -------------------------------------------------------------- */

typedef struct seq {
    uint64_t h; /* order-sensitive hash of (event, rule id) pairs */
    size_t n;
} seq_t;

static void seq_cb(const sw_sigma_alert_t *a, void *ud)
{
    seq_t *q = ud;
    q->n++;
    for (const char *p = a->rule->id; *p; p++)
        q->h = (q->h ^ (unsigned char)*p) * 0x100000001b3ULL;
    q->h = (q->h ^ q->n) * 0x100000001b3ULL;
}

static void corpus_loads_and_prefilter_changes_nothing(void **state)
{
    (void)state;
    static const char *const dirs[] = {"rules", "rules-emerging-threats", "rules-threat-hunting"};
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    sw_sigma_report_t rep;
    sw_sigma_report_init(&rep);
    for (size_t i = 0; i < 3; i++) {
        char p[2048];
        sw_errbuf_t err;
        snprintf(p, sizeof p, "%s/%s", sigma_dir(), dirs[i]);
        assert_int_equal(sw_sigma_load_path(s, p, &rep, &err), SW_OK);
    }
    print_message("corpus: %zu files, %zu loaded, %zu rejected\n", rep.n_files, rep.n_loaded,
                  rep.n_rejects);
    assert_true(rep.n_files >= 3700);
    assert_true(rep.n_loaded >= LOADED_FLOOR);
    assert_int_equal(rep.n_loaded + rep.n_rejects, rep.n_files);
    for (size_t i = 0; i < rep.n_rejects; i++) /* every refusal says why and where */
        assert_true(rep.rejects[i].err.reason[0] && rep.rejects[i].err.msg[0]);
    assert_int_equal(sw_sigma_set_build(s), SW_OK);

    /* every regression event through every loaded rule, pre-filter on and off */
    char path[2048];
    snprintf(path, sizeof path, "%s/regression", sigma_dir());
    DIR *d = opendir(path);
    assert_non_null(d);
    seq_t on = {0xcbf29ce484222325ULL, 0}, off = on;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 5, ".json"))
            continue;
        char ep[4096];
        size_t len = 0;
        snprintf(ep, sizeof ep, "%s/%s", path, de->d_name);
        char *t = slurp(ep, &len);
        assert_non_null(t);
        sw_sigma_set_prefilter(s, 1);
        assert_true(match_text(s, t, len, seq_cb, &on) >= 0);
        sw_sigma_set_prefilter(s, 0);
        assert_true(match_text(s, t, len, seq_cb, &off) >= 0);
        free(t);
    }
    closedir(d);
    print_message("corpus over regression events: %zu matches\n", on.n);
    assert_true(on.n >= 96);
    assert_int_equal(on.n, off.n);
    assert_true(on.h == off.h);
    sw_sigma_report_free(&rep);
    sw_sigma_set_free(s);
}

/* ---- refusals with positions ------------------------------------------------------------ */

typedef struct bad_rule {
    const char *yaml;
    int line, col;
    const char *reason;
} bad_rule_t;

#define HEAD "title: t\nlogsource:\n    product: windows\n    category: process_creation\n"

static void refused_rules_say_where_and_why(void **state)
{
    (void)state;
    static const bad_rule_t cases[] = {
        {HEAD "detection:\n    sel:\n        Image|nosuch: x\n    condition: sel\n", 7, 9,
         "unknown modifier"},
        {HEAD "detection:\n    sel:\n        Image: x\n    condition: sel and nope\n", 8, 24,
         "invalid condition"},
        {HEAD "detection:\n    sel:\n        Image: [a\n    condition: sel\n", 8, 14,
         "YAML syntax"},
        {HEAD "detection:\n    sel:\n        Image|re: 'a(b'\n    condition: sel\n", 7, 19,
         "invalid regular expression"},
        {HEAD "detection:\n    sel:\n        Image|cidr: 'x/99'\n    condition: sel\n", 7, 21,
         "invalid value"},
        {HEAD "detection:\n    sel:\n        User|expand: '%nobody%'\n    condition: sel\n", 7, 22,
         "unresolved placeholder"},
        {HEAD "detection:\n    sel:\n        Image: x\n    condition: sel | count() > 5\n", 8, 20,
         "aggregation in condition"},
        {HEAD "detection:\n    sel:\n        Image: x\n        Image: y\n    condition: sel\n", 8,
         9, "YAML structure"},
        {"title: t\nlogsource:\n    product: linux\n    service: cron\ndetection:\n    sel:\n"
         "        a: b\n    condition: sel\n",
         3, 5, "unmapped logsource"},
        {"title: t\ncorrelation:\n    type: event_count\n", 3, 5, "correlation rule"},
        {HEAD "detection:\n    sel:\n        Image: x\n", 6, 5, "invalid detection"},
        {"logsource:\n    product: windows\n", 1, 1, "not a rule"},
        {HEAD "detection:\n    sel:\n        Image|contains|startswith: x\n    condition: sel\n", 7,
         9, "unsupported modifier combination"},
        {HEAD "detection:\n    sel:\n        Image|re: '(a+)\\1'\n    condition: sel\n", 7, 19,
         "regex needs backtracking"},
        {HEAD "detection:\n    sel:\n        Image|re: 'a+(*SKIP)b'\n    condition: sel\n", 7, 19,
         "regex needs backtracking"},
        {HEAD "detection:\n    sel:\n        Image|re: '(a)?(?(1)b|c)'\n    condition: sel\n", 7,
         19, "regex needs backtracking"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
        sw_sigma_error_t err;
        int rc = sw_sigma_set_add(s, cases[i].yaml, strlen(cases[i].yaml), "bad.yml", &err);
        if (rc != SW_EINVAL || err.line != cases[i].line || err.col != cases[i].col ||
            strcmp(err.reason, cases[i].reason))
            print_error("case %zu: rc %d at %d:%d [%s] %s; wanted %d:%d [%s]\n", i, rc, err.line,
                        err.col, err.reason, err.msg, cases[i].line, cases[i].col, cases[i].reason);
        assert_int_equal(rc, SW_EINVAL);
        assert_string_equal(err.reason, cases[i].reason);
        assert_int_equal(err.line, cases[i].line);
        assert_int_equal(err.col, cases[i].col);
        assert_int_equal(sw_sigma_set_count(s), 0);
        sw_sigma_set_free(s);
    }
}

static void alert_carries_rule_author_host_and_time(void **state)
{
    (void)state;
    const char *rule = "title: Whoami\nid: abc\nlevel: high\nauthor: Jane Doe\n"
                       "logsource:\n    product: windows\n    category: process_creation\n"
                       "detection:\n    sel:\n        Image|endswith: '\\whoami.exe'\n"
                       "    condition: sel\n";
    const char *evj =
        "{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":"
        "\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":\"dc01\","
        "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2026-01-02T03:04:05Z\"}}},"
        "\"EventData\":{\"Image\":\"C:\\\\Windows\\\\whoami.exe\"}}}";
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    assert_int_equal(sw_sigma_set_match(s, NULL, NULL, NULL), SW_ESTATE);
    assert_int_equal(sw_sigma_set_add(s, rule, strlen(rule), "w.yml", NULL), SW_OK);
    assert_int_equal(sw_sigma_set_build(s), SW_OK);
    assert_int_equal(sw_sigma_set_add(s, rule, strlen(rule), "w.yml", NULL), SW_ESTATE);
    sw_event_t ev;
    sw_event_init(&ev);
    assert_int_equal(sw_event_parse_json(&ev, evj, strlen(evj), NULL), SW_OK);
    hits_t h = {0};
    assert_int_equal(sw_sigma_set_match(s, &ev, count_cb, &h), 1);
    assert_string_equal(h.log, "abc;");
    const sw_sigma_rule_info_t *ri = sw_sigma_set_rule(s, 0);
    assert_string_equal(ri->author, "Jane Doe");
    assert_string_equal(ri->level, "high");
    assert_string_equal(sw_sigma_event_host(&ev), "dc01");
    assert_string_equal(sw_sigma_event_time(&ev), "2026-01-02T03:04:05Z");
    sw_event_free(&ev);
    sw_sigma_set_free(s);
}

static void event_split_reads_concatenated_objects(void **state)
{
    (void)state;
    const char *t = " {\"a\":\"}\\\"{\"}\n{\"b\":[1,{\"c\":2}]}\n\n{\"x\":";
    size_t pos = 0, start, len;
    assert_int_equal(sw_event_split(t, strlen(t), &pos, &start, &len), 1);
    assert_int_equal(start, 1);
    assert_int_equal(len, 12);
    assert_int_equal(sw_event_split(t, strlen(t), &pos, &start, &len), 1);
    assert_memory_equal(t + start, "{\"b\":[1,{\"c\":2}]}", len);
    assert_int_equal(sw_event_split(t, strlen(t), &pos, &start, &len), SW_EINVAL);
    pos = 0;
    assert_int_equal(sw_event_split("  \n", 3, &pos, &start, &len), 0);
    pos = 0;
    assert_int_equal(sw_event_split("[1]", 3, &pos, &start, &len), SW_EINVAL);
}

/* ---- regular expressions over their budget -------------------------------------- */

typedef struct undecided {
    size_t n;
    char last[64];
} undecided_t;

static void undecided_cb(const sw_sigma_alert_t *a, void *ud)
{
    undecided_t *u = ud;
    u->n++;
    snprintf(u->last, sizeof u->last, "%s@%s", a->rule->id, a->host);
}

#define PS1_RULE(id, cond)                                                                         \
    "title: t\nid: " id "\nlogsource:\n    product: windows\n    category: process_creation\n"     \
    "detection:\n    sel:\n        CommandLine|re: '(\\w+\\s?)+\\.ps1'\n"                          \
    "    yes:\n        Computer: ws01\n    no:\n        Computer: nobody\n"                        \
    "    condition: " cond "\n"

static void regex_over_budget_is_undecided_not_a_miss(void **state)
{
    (void)state;
    /* one rule per condition shape; their results on the padded record */
    static const struct {
        const char *yaml;
        int match, undecided;
    } rules[] = {
        {PS1_RULE("r-sel", "sel"), 0, 1},
        {PS1_RULE("r-not", "not sel"), 0, 1},    /* unknown stays unknown */
        {PS1_RULE("r-or", "sel or yes"), 1, 0},  /* true either way */
        {PS1_RULE("r-and", "sel and no"), 0, 0}, /* false either way */
        {PS1_RULE("r-andyes", "sel and yes"), 0, 1},
        {PS1_RULE("r-1of", "1 of them"), 1, 0},
        {PS1_RULE("r-allof", "all of them"), 0, 0},
    };
    size_t n_rules = sizeof rules / sizeof rules[0];
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    for (size_t i = 0; i < n_rules; i++) {
        sw_sigma_error_t err;
        if (sw_sigma_set_add(s, rules[i].yaml, strlen(rules[i].yaml), "u.yml", &err))
            fail_msg("rule %zu: %d:%d %s", i, err.line, err.col, err.msg);
    }
    assert_int_equal(sw_sigma_set_build(s), SW_OK);
    undecided_t u = {0};
    sw_sigma_set_on_undecided(s, undecided_cb, &u);
    /* the JIT matcher runs past its budget on the padding, and the linear
     * fallback runs out of room: nobody can say */
    char rec[4096];
    int n = snprintf(rec, sizeof rec,
                     "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
                     "\"Computer\":\"ws01\",\"CommandLine\":\"powershell -f ");
    memset(rec + n, 'a', 2000);
    snprintf(rec + n + 2000, sizeof rec - (size_t)n - 2000, "!x.ps1\"}");
    for (int pf = 0; pf < 2; pf++) {
        sw_sigma_set_prefilter(s, pf);
        hits_t h = {0};
        memset(&u, 0, sizeof u);
        assert_int_equal(match_text(s, rec, strlen(rec), count_cb, &h), 2);
        assert_string_equal(h.log, "r-or;r-1of;");
        assert_int_equal(u.n, 3);
        assert_string_equal(u.last, "r-andyes@ws01");
    }
    for (size_t i = 0; i < n_rules; i++)
        if (sw_sigma_set_undecided(s, i) != 2 * (uint64_t)rules[i].undecided)
            fail_msg("rule %zu: %llu undecided, wanted %d", i,
                     (unsigned long long)sw_sigma_set_undecided(s, i), 2 * rules[i].undecided);
    /* a short padding: over the JIT budget, but the fallback decides */
    const char *shortpad =
        "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
        "\"Computer\":\"ws01\",\"CommandLine\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!x.ps1\"}";
    hits_t h = {0};
    memset(&u, 0, sizeof u);
    assert_int_equal(match_text(s, shortpad, strlen(shortpad), count_cb, &h), 4);
    assert_string_equal(h.log, "r-sel;r-or;r-andyes;r-1of;");
    assert_int_equal(u.n, 0);
    sw_sigma_set_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_case_rule_matches_exactly_its_expected_events),
        cmocka_unit_test(regression_pairs_match_their_count),
        cmocka_unit_test(corpus_loads_and_prefilter_changes_nothing),
        cmocka_unit_test(refused_rules_say_where_and_why),
        cmocka_unit_test(alert_carries_rule_author_host_and_time),
        cmocka_unit_test(event_split_reads_concatenated_objects),
        cmocka_unit_test(regex_over_budget_is_undecided_not_a_miss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
