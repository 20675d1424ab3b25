/* test_deploy.c — alerts/deploy: a deployed rule raises alerts on the team's
 * new records only (not its history), with title, id, level, author, host,
 * time and record, and without ground truth; withdrawing stops it; testing
 * on history counts what the Sigma engine counts over the same records and
 * stores nothing; teams never see each other's rules or alerts; a refused
 * rule changes neither the journal nor the rule table; the alerter picks up
 * another process's deploy at flush and flushes by itself past its queue;
 * records committed without their alerts (a process killed in between, for
 * real in a child, or records appended straight to the store) get exactly
 * the missing alerts from the next alerter, and a second one adds none; a
 * deploy from another process during an ingest gets in promptly and the
 * ingest applies the rule to every record after its from_record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "alerts/deploy.h"
#include "alerts/sigma_load.h"
#include "detect/event.h"
#include "journal/journal.h"
#include "store/evstore.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    sw_store_t *s;
    sw_journal_t *j;
    sw_deploy_t *d;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sw_deploy_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/ex.db", f->dir);
    sw_errbuf_t err;
    if (sw_store_open(f->path, &f->s, &err) || sw_journal_open(f->path, &f->j, &err) ||
        sw_deploy_open(f->path, f->j, &f->d, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sw_deploy_close(f->d);
    sw_journal_close(f->j);
    sw_store_close(f->s);
    char p[128];
    const char *suffix[] = {"", "-wal", "-shm", "-deploy"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static const char rule_ntds[] = "title: ntdsutil run\n"
                                "id: 11111111-2222-3333-4444-555555555555\n"
                                "author: Test Author\n"
                                "level: high\n"
                                "logsource:\n"
                                "  product: windows\n"
                                "  category: process_creation\n"
                                "detection:\n"
                                "  sel:\n"
                                "    Image|endswith: '\\ntdsutil.exe'\n"
                                "  condition: sel\n";

/* a Sysmon process creation; image is the file name under System32 */
static void proc(char *out, size_t n, const char *host, const char *image, int minute,
                 const char *extra)
{
    snprintf(out, n,
             "{\"@timestamp\":\"2026-02-10T09:%02d:00.000Z\",\"EventID\":1,"
             "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":\"%s\","
             "\"Image\":\"C:\\\\Windows\\\\System32\\\\%s\"%s}",
             minute, host, image, extra ? extra : "");
}

static sw_store_team_t *team(fixture_t *f, const char *name)
{
    sw_store_team_t *t;
    sw_errbuf_t err;
    if (sw_store_team_open(f->s, name, 1, &t, &err))
        fail_msg("team %s: %s", name, err.msg);
    return t;
}

static const sw_act_t act = {"alice", SW_JOURNAL_NO_TIME, 1770714000000};

static int64_t deploy(fixture_t *f, sw_store_team_t *t, const char *yaml)
{
    sw_sigma_error_t e;
    sw_deployed_rule_t r;
    int rc = sw_deploy_rule(f->d, t, &act, yaml, strlen(yaml), "rule.yml", &r, &e);
    if (rc)
        fail_msg("deploy: %d %s [%s]", rc, e.msg, e.reason);
    return r.deployment;
}

/* Append records through an alerter on t, flush, close. Returns alerts
 * raised; ids (may be NULL) gets the records' ids. */
static uint64_t ingest_ids(fixture_t *f, sw_store_team_t *t, const char *const *recs, size_t n,
                           int64_t *ids)
{
    sw_alerter_t *a;
    sw_errbuf_t err;
    if (sw_alerter_open(f->d, f->s, t, &a, &err))
        fail_msg("alerter: %s", err.msg);
    for (size_t i = 0; i < n; i++)
        if (sw_alerter_append(a, recs[i], strlen(recs[i]), ids ? &ids[i] : NULL, &err))
            fail_msg("append: %s", err.msg);
    if (sw_alerter_flush(a, &err))
        fail_msg("flush: %s", err.msg);
    uint64_t raised = sw_alerter_raised(a);
    sw_alerter_close(a);
    return raised;
}

static uint64_t ingest(fixture_t *f, sw_store_team_t *t, const char *const *recs, size_t n)
{
    return ingest_ids(f, t, recs, n, NULL);
}

static int64_t n_alerts(fixture_t *f, sw_store_team_t *t)
{
    int64_t n = -1;
    sw_errbuf_t err;
    assert_int_equal(sw_alerts_count(f->d, t, &n, &err), SW_OK);
    return n;
}

static int64_t n_journal(fixture_t *f)
{
    int64_t n = -1;
    sw_errbuf_t err;
    assert_int_equal(sw_journal_count(f->j, &n, &err), SW_OK);
    return n;
}

typedef struct alerts_seen {
    int n;
    sw_alert_t a[8];
    char *strs[8][7];
} alerts_seen_t;

static int collect_alert(const sw_alert_t *a, void *ud)
{
    alerts_seen_t *s = ud;
    if (s->n == 8)
        return 0;
    sw_alert_t *c = &s->a[s->n];
    *c = *a;
    const char *src[7] = {a->rule_id, a->title, a->level, a->author, a->host, a->time, a->event};
    for (int i = 0; i < 7; i++)
        s->strs[s->n][i] = strdup(src[i]);
    c->rule_id = s->strs[s->n][0];
    c->title = s->strs[s->n][1];
    c->level = s->strs[s->n][2];
    c->author = s->strs[s->n][3];
    c->host = s->strs[s->n][4];
    c->time = s->strs[s->n][5];
    c->event = s->strs[s->n][6];
    s->n++;
    return 0;
}

static void alerts_free(alerts_seen_t *s)
{
    for (int i = 0; i < s->n; i++)
        for (int k = 0; k < 7; k++)
            free(s->strs[i][k]);
}

static void test_deploy_then_ingest_alerts(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char r[6][512];
    proc(r[0], sizeof r[0], "ws01", "ntdsutil.exe", 0, NULL); /* history: no alert */
    proc(r[1], sizeof r[1], "ws01", "cmd.exe", 1, NULL);
    const char *hist[] = {r[0], r[1]};
    assert_int_equal(ingest(f, blue, hist, 2), 0);

    int64_t dep = deploy(f, blue, rule_ntds);
    assert_true(dep > 0);
    assert_int_equal(n_alerts(f, blue), 0); /* deploying does not alert on history */

    proc(r[2], sizeof r[2], "DC01.moh.pw", "ntdsutil.exe", 5, ",\"_truth\":\"step:secret-7\"");
    proc(r[3], sizeof r[3], "ws02", "whoami.exe", 6, NULL);
    proc(r[4], sizeof r[4], "ws03", "NTDSUTIL.EXE", 7, NULL);
    const char *fresh[] = {r[2], r[3], r[4]};
    int64_t ids[3];
    assert_int_equal(ingest_ids(f, blue, fresh, 3, ids), 2);
    assert_int_equal(n_alerts(f, blue), 2);

    alerts_seen_t s = {0};
    sw_errbuf_t err;
    assert_int_equal(sw_alerts_list(f->d, blue, 0, collect_alert, &s, &err), SW_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.a[0].title, "ntdsutil run");
    assert_string_equal(s.a[0].rule_id, "11111111-2222-3333-4444-555555555555");
    assert_string_equal(s.a[0].level, "high");
    assert_string_equal(s.a[0].author, "Test Author");
    assert_string_equal(s.a[0].host, "DC01.moh.pw");
    assert_string_equal(s.a[0].time, "2026-02-10T09:05:00.000Z");
    assert_int_equal(s.a[0].ts_ms, 1770714000000 + 5 * 60000);
    assert_int_equal(s.a[0].deployment, dep);
    assert_int_equal(s.a[0].record, ids[0]);
    assert_null(strstr(s.a[0].event, "_truth"));
    assert_null(strstr(s.a[0].event, "secret-7"));
    assert_non_null(strstr(s.a[0].event, "DC01.moh.pw"));
    assert_string_equal(s.a[1].host, "ws03");
    assert_int_equal(s.a[1].record, ids[2]);
    alerts_free(&s);

    /* the act is journaled with the rule text and where it applies from */
    int64_t n = 0;
    assert_int_equal(sw_journal_count(f->j, &n, &err), SW_OK);
    assert_int_equal(n, 1);
    sw_sigma_error_t e;
    sw_deployed_rule_t dr;
    assert_int_equal(sw_deploy_rule(f->d, blue, &act, rule_ntds, strlen(rule_ntds), "x", &dr, &e),
                     SW_EEXIST);
    sw_store_team_close(blue);
}

static int first_payload(const sw_journal_entry_t *e, void *ud)
{
    snprintf(ud, 1024, "%s|%s|%s|%s", e->kind, e->team, e->actor, e->payload);
    return 1;
}

static void test_deploy_is_journaled(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char r[512];
    proc(r, sizeof r, "ws01", "cmd.exe", 0, NULL);
    const char *hist[] = {r, r, r};
    ingest(f, blue, hist, 3);
    int64_t dep = deploy(f, blue, rule_ntds);
    char got[1024] = "";
    sw_errbuf_t err;
    sw_journal_filter_t flt = {"blue", "rule.deploy", 0};
    assert_int_equal(sw_journal_list(f->j, &flt, first_payload, got, &err), 1);
    assert_non_null(strstr(got, "rule.deploy|blue|alice|{"));
    assert_non_null(strstr(got, "\"rule_id\":\"11111111-2222-3333-4444-555555555555\""));
    assert_non_null(strstr(got, "\"from_record\":3"));
    assert_non_null(strstr(got, "\"author\":\"Test Author\""));
    assert_non_null(strstr(got, "\"yaml\":\"title: ntdsutil run\\n"));

    int64_t wd = 0;
    assert_int_equal(
        sw_deploy_withdraw(f->d, blue, &act, "11111111-2222-3333-4444-555555555555", &wd, &err),
        SW_OK);
    assert_int_equal(wd, dep);
    sw_journal_filter_t flt2 = {"blue", "rule.withdraw", 0};
    assert_int_equal(sw_journal_list(f->j, &flt2, first_payload, got, &err), 1);
    char want[128];
    snprintf(want, sizeof want, "\"deployment\":%lld", (long long)dep);
    assert_non_null(strstr(got, want));
    assert_non_null(strstr(got, "\"rule_id\":\"11111111-2222-3333-4444-555555555555\""));

    /* ids compare case-insensitively; the journal keeps the rule's spelling */
    static const char mixed[] = "title: m\nid: Mixed-Case-Id\n"
                                "logsource: {product: windows, category: process_creation}\n"
                                "detection: {sel: {Image: x}, condition: sel}\n";
    deploy(f, blue, mixed);
    assert_int_equal(sw_deploy_withdraw(f->d, blue, &act, "mixed-case-ID", NULL, &err), SW_OK);
    assert_int_equal(sw_journal_list(f->j, &flt2, first_payload, got, &err), 1);
    assert_non_null(strstr(got, "\"rule_id\":\"11111111")); /* the first withdraw */
    sw_journal_filter_t flt3 = {"blue", "rule.withdraw", n_journal(f) - 1};
    assert_int_equal(sw_journal_list(f->j, &flt3, first_payload, got, &err), 1);
    assert_non_null(strstr(got, "\"rule_id\":\"Mixed-Case-Id\""));
    sw_store_team_close(blue);
}

typedef struct list_seen {
    int n;
    int64_t withdrawn[8], deployment[8], from[8];
} list_seen_t;

static int collect_rule(const sw_deployed_rule_t *r, void *ud)
{
    list_seen_t *s = ud;
    if (s->n < 8) {
        s->withdrawn[s->n] = r->withdrawn;
        s->deployment[s->n] = r->deployment;
        s->from[s->n] = r->from_record;
        s->n++;
    }
    return 0;
}

static list_seen_t rules_of(fixture_t *f, sw_store_team_t *t, int all)
{
    list_seen_t s = {0};
    sw_errbuf_t err;
    assert_int_equal(sw_deploy_list(f->d, t, all, collect_rule, &s, &err), SW_OK);
    return s;
}

static void test_withdraw_stops_alerts(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    deploy(f, blue, rule_ntds);

    /* one alerter across the withdraw: it must notice in-process changes */
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    assert_int_equal(sw_alerter_rules(a), 1);
    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(n_alerts(f, blue), 1);
    assert_int_equal(
        sw_deploy_withdraw(f->d, blue, &act, "11111111-2222-3333-4444-555555555555", NULL, &err),
        SW_OK);
    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_rules(a), 0);
    sw_alerter_close(a);
    assert_int_equal(n_alerts(f, blue), 1);
    const char *more[] = {hit, hit};
    assert_int_equal(ingest(f, blue, more, 2), 0);
    assert_int_equal(n_alerts(f, blue), 1);

    assert_int_equal(rules_of(f, blue, 0).n, 0);
    list_seen_t all = rules_of(f, blue, 1);
    assert_int_equal(all.n, 1);
    assert_true(all.withdrawn[0] > all.deployment[0]);

    /* withdrawing again, or an unknown id: refused, nothing journaled */
    int64_t before = n_journal(f);
    assert_int_equal(
        sw_deploy_withdraw(f->d, blue, &act, "11111111-2222-3333-4444-555555555555", NULL, &err),
        SW_ENOENT);
    assert_non_null(strstr(err.msg, "no deployed rule"));
    assert_int_equal(sw_deploy_withdraw(f->d, blue, &act, "nope", NULL, &err), SW_ENOENT);
    assert_int_equal(n_journal(f), before);

    /* deployed again: a new deployment, applying from the current count */
    int64_t dep2 = deploy(f, blue, rule_ntds);
    assert_true(dep2 > all.withdrawn[0]);
    list_seen_t live = rules_of(f, blue, 0);
    assert_int_equal(live.n, 1);
    assert_int_equal(live.from[0], 4);
    assert_int_equal(ingest(f, blue, more, 1), 1);
    sw_store_team_close(blue);
}

/* Expected matches of yaml over file's records, by the engine alone. */
static uint64_t engine_count(const char *yaml, const char *file)
{
    sw_sigma_set_t *set = sw_sigma_set_new(NULL, 0);
    sw_sigma_error_t e;
    assert_int_equal(sw_sigma_set_add(set, yaml, strlen(yaml), "r", &e), SW_OK);
    assert_int_equal(sw_sigma_set_build(set), SW_OK);
    char *text;
    size_t len, pos = 0, start, rec_len;
    sw_errbuf_t err;
    assert_int_equal(sw_read_file(file, 1 << 24, &text, &len, &err), SW_OK);
    sw_event_t ev;
    sw_event_init(&ev);
    uint64_t n = 0;
    while (sw_event_split(text, len, &pos, &start, &rec_len) > 0) {
        assert_int_equal(sw_event_parse_json(&ev, text + start, rec_len, &err), SW_OK);
        n += (uint64_t)sw_sigma_set_match(set, &ev, NULL, NULL);
    }
    sw_event_free(&ev);
    free(text);
    sw_sigma_set_free(set);
    return n;
}

static void ingest_file(fixture_t *f, sw_store_team_t *t, const char *file)
{
    char *text;
    size_t len, pos = 0, start, rec_len;
    sw_errbuf_t err;
    assert_int_equal(sw_read_file(file, 1 << 24, &text, &len, &err), SW_OK);
    while (sw_event_split(text, len, &pos, &start, &rec_len) > 0)
        assert_int_equal(sw_store_append(t, text + start, rec_len, NULL, &err), SW_OK);
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    free(text);
}

typedef struct test_seen {
    uint64_t n;
    int64_t last_record;
    int ordered;
    int author_ok;
} test_seen_t;

static void on_match(const sw_sigma_alert_t *a, int64_t record, const char *json, size_t len,
                     void *ud)
{
    test_seen_t *s = ud;
    s->n++;
    s->author_ok += a->rule->author[0] != '\0';
    s->ordered &= record > s->last_record && len > 0 && json[0] == '{';
    s->last_record = record;
}

static void test_history_matches_engine(void **state)
{
    fixture_t *f = *state;
    const char *events = "tests/data/search/events.jsonl";
    const char *rule_file =
        "../shared/data/sigma/rules/windows/process_creation/proc_creation_win_ntdsutil_usage.yml";
    static const char any_exe[] = "title: any process\nid: any-exe\nauthor: T\n"
                                  "logsource: {product: windows, category: process_creation}\n"
                                  "detection:\n  sel:\n    Image|endswith: '.exe'\n"
                                  "  condition: sel\n";
    sw_store_team_t *blue = team(f, "blue");
    ingest_file(f, blue, events);
    char *sigmahq;
    size_t sigmahq_len;
    sw_errbuf_t err;
    assert_int_equal(sw_read_file(rule_file, 1 << 20, &sigmahq, &sigmahq_len, &err), SW_OK);

    const char *rules[] = {sigmahq, any_exe};
    for (int i = 0; i < 2; i++) {
        uint64_t want = engine_count(rules[i], events);
        assert_true(want > 0);
        test_seen_t s = {.ordered = 1};
        uint64_t n = 0;
        sw_sigma_error_t e;
        assert_int_equal(
            sw_deploy_test(blue, rules[i], strlen(rules[i]), "r.yml", on_match, &s, &n, &e), SW_OK);
        assert_int_equal(n, want);
        assert_int_equal(s.n, want);
        assert_int_equal(s.author_ok, want);
        if (i == 1)
            assert_true(want >= 5); /* several, in record order */
    }
    assert_int_equal(n_journal(f), 0); /* testing deploys nothing */
    assert_int_equal(rules_of(f, blue, 1).n, 0);

    /* a refused rule is refused by test too, with the engine's reason */
    sw_sigma_error_t e;
    uint64_t n = 99;
    const char bad[] = "title: x\nlogsource: {product: windows, category: nope}\n"
                       "detection: {sel: {a: b}, condition: sel}\n";
    assert_int_equal(sw_deploy_test(blue, bad, strlen(bad), "bad.yml", NULL, NULL, &n, &e),
                     SW_EINVAL);
    assert_string_equal(e.reason, "unmapped logsource");
    assert_int_equal(n, 0);
    free(sigmahq);
    sw_store_team_close(blue);
}

static void test_teams_are_isolated(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue"), *red = team(f, "red");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    deploy(f, blue, rule_ntds);
    const char *recs[] = {hit};
    assert_int_equal(ingest(f, red, recs, 1), 0); /* blue's rule does not run on red */
    assert_int_equal(n_alerts(f, red), 0);
    assert_int_equal(ingest(f, blue, recs, 1), 1);
    assert_int_equal(n_alerts(f, blue), 1);
    assert_int_equal(n_alerts(f, red), 0); /* nor does red see blue's alert */
    alerts_seen_t s = {0};
    sw_errbuf_t err;
    assert_int_equal(sw_alerts_list(f->d, red, 0, collect_alert, &s, &err), SW_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(rules_of(f, red, 1).n, 0);
    /* red cannot withdraw blue's rule, and may deploy the same id itself */
    assert_int_equal(
        sw_deploy_withdraw(f->d, red, &act, "11111111-2222-3333-4444-555555555555", NULL, &err),
        SW_ENOENT);
    assert_int_equal(rules_of(f, blue, 0).n, 1);
    deploy(f, red, rule_ntds);
    assert_int_equal(ingest(f, red, recs, 1), 1);
    assert_int_equal(n_alerts(f, red), 1);
    assert_int_equal(n_alerts(f, blue), 1);
    /* team names are case-insensitive, as in the store */
    sw_store_team_t *blue2 = team(f, "BLUE");
    assert_int_equal(n_alerts(f, blue2), 1);
    sw_store_team_close(blue2);
    sw_store_team_close(red);
    sw_store_team_close(blue);
}

/* Rows of a table, read through a connection of our own. */
static int64_t rows(fixture_t *f, const char *table)
{
    sqlite3 *db;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_refused_rule_changes_nothing(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    deploy(f, blue, rule_ntds);
    int64_t j0 = rows(f, "journal"), r0 = rows(f, "deployed_rules");
    assert_int_equal(j0, 1);
    assert_int_equal(r0, 1);
    struct {
        const char *yaml, *reason, *msg;
        int rc;
    } bad[] = {
        {"title: x\n  bad: [\n", "YAML syntax", "", SW_EINVAL},
        {"title: x\nid: y\nlogsource: {product: windows, category: nope}\n"
         "detection: {sel: {a: b}, condition: sel}\n",
         "unmapped logsource", "", SW_EINVAL},
        {"title: x\nid: y\nlogsource: {product: windows, category: process_creation}\n"
         "detection: {sel: {a: b}, condition: sel and other}\n",
         "invalid condition", "", SW_EINVAL},
        {"title: x\nlogsource: {product: windows, category: process_creation}\n"
         "detection: {sel: {a: b}, condition: sel}\n",
         "no rule id", "id: <UUID>", SW_EINVAL},
        {rule_ntds, "already deployed", "withdraw it first", SW_EEXIST},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sw_sigma_error_t e;
        sw_deployed_rule_t r;
        int rc =
            sw_deploy_rule(f->d, blue, &act, bad[i].yaml, strlen(bad[i].yaml), "bad.yml", &r, &e);
        if (rc != bad[i].rc || strcmp(e.reason, bad[i].reason) || !strstr(e.msg, bad[i].msg))
            fail_msg("case %zu: rc %d reason '%s' msg '%s'; wanted %d '%s' '%s'", i, rc, e.reason,
                     e.msg, bad[i].rc, bad[i].reason, bad[i].msg);
        assert_int_equal(rows(f, "journal"), j0);
        assert_int_equal(rows(f, "deployed_rules"), r0);
        assert_int_equal(
            sw_deploy_check(f->d, blue, bad[i].yaml, strlen(bad[i].yaml), "bad.yml", &e), rc);
    }
    /* check accepts what deploy would, and writes nothing either */
    static const char other[] = "title: y\nid: other-rule\n"
                                "logsource: {product: windows, category: process_creation}\n"
                                "detection: {sel: {Image: x}, condition: sel}\n";
    sw_sigma_error_t ce;
    assert_int_equal(sw_deploy_check(f->d, blue, other, strlen(other), "o.yml", &ce), SW_OK);
    assert_int_equal(rows(f, "journal"), j0);
    assert_int_equal(rows(f, "deployed_rules"), r0);
    /* the engine's refusals are located */
    sw_sigma_error_t e;
    sw_deployed_rule_t r;
    const char *cond = bad[2].yaml;
    sw_deploy_rule(f->d, blue, &act, cond, strlen(cond), "bad.yml", &r, &e);
    assert_true(e.line == 4);
    sw_store_team_close(blue);
}

static void test_other_process_deploy_seen_at_flush(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);

    /* "another process": its own journal and deploy handles on the file */
    sw_journal_t *j2;
    sw_deploy_t *d2;
    assert_int_equal(sw_journal_open(f->path, &j2, &err), SW_OK);
    assert_int_equal(sw_deploy_open(f->path, j2, &d2, &err), SW_OK);
    sw_sigma_error_t e;
    assert_int_equal(
        sw_deploy_rule(d2, blue, &act, rule_ntds, strlen(rule_ntds), "r.yml", NULL, &e), SW_OK);
    sw_deploy_close(d2);
    sw_journal_close(j2);

    assert_int_equal(sw_alerter_rules(a), 0);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_rules(a), 1);
    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    sw_alerter_close(a);
    assert_int_equal(n_alerts(f, blue), 1);
    sw_store_team_close(blue);
}

static void test_queue_overflow_flushes(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    deploy(f, blue, rule_ntds);
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    const int n = SW_ALERTER_MAX_QUEUE * 2 + 7;
    for (int i = 0; i < n; i++)
        assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(n_alerts(f, blue), SW_ALERTER_MAX_QUEUE * 2); /* two automatic flushes */
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_raised(a), n);
    sw_alerter_close(a);
    assert_int_equal(n_alerts(f, blue), n);
    sw_store_team_close(blue);
}

/* ---- no alert lost or doubled (deploy.h invariant 6) --------------------- */

/* Append recs to t straight into the store and commit them: what a process
 * killed after the store's commit and before its alerts' leaves behind. */
static void append_without_alerts(fixture_t *f, sw_store_team_t *t, const char *const *recs,
                                  size_t n, int64_t *ids)
{
    sw_errbuf_t err;
    for (size_t i = 0; i < n; i++)
        if (sw_store_append(t, recs[i], strlen(recs[i]), ids ? &ids[i] : NULL, &err))
            fail_msg("append: %s", err.msg);
    if (sw_store_flush(f->s, &err))
        fail_msg("flush: %s", err.msg);
}

/* Open an alerter on t and close it; returns what it caught up. */
static uint64_t open_alerter(fixture_t *f, sw_store_team_t *t)
{
    sw_alerter_t *a;
    sw_errbuf_t err;
    if (sw_alerter_open(f->d, f->s, t, &a, &err))
        fail_msg("alerter: %s", err.msg);
    uint64_t n = sw_alerter_recovered(a);
    assert_int_equal(sw_alerter_raised(a), n);
    sw_alerter_close(a);
    return n;
}

static void test_catch_up_after_crash_window(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char r[6][512];
    proc(r[0], sizeof r[0], "ws01", "ntdsutil.exe", 0, NULL); /* history */
    proc(r[1], sizeof r[1], "ws01", "ntdsutil.exe", 1, ",\"_truth\":\"step:3\"");
    proc(r[2], sizeof r[2], "ws02", "cmd.exe", 2, NULL);
    proc(r[3], sizeof r[3], "ws03", "ntdsutil.exe", 3, NULL);
    proc(r[4], sizeof r[4], "ws04", "ntdsutil.exe", 4, NULL);
    const char *hist[] = {r[0]};
    append_without_alerts(f, blue, hist, 1, NULL);
    int64_t dep = deploy(f, blue, rule_ntds);

    /* two through an alerter (alerts stored), then three committed without */
    const char *live[] = {r[1], r[2]};
    assert_int_equal(ingest(f, blue, live, 2), 1);
    const char *lost[] = {r[3], r[4], r[2]};
    int64_t ids[3];
    append_without_alerts(f, blue, lost, 3, ids);
    assert_int_equal(n_alerts(f, blue), 1);

    /* the next alerter stores exactly the two missing ones */
    assert_int_equal(open_alerter(f, blue), 2);
    alerts_seen_t s = {0};
    sw_errbuf_t err;
    assert_int_equal(sw_alerts_list(f->d, blue, 0, collect_alert, &s, &err), SW_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.a[0].host, "ws01");
    assert_null(strstr(s.a[0].event, "_truth"));
    assert_string_equal(s.a[1].host, "ws03");
    assert_int_equal(s.a[1].record, ids[0]);
    assert_int_equal(s.a[1].deployment, dep);
    assert_string_equal(s.a[1].author, "Test Author");
    assert_string_equal(s.a[1].time, "2026-02-10T09:03:00.000Z");
    assert_int_equal(s.a[1].ts_ms, 1770714000000 + 3 * 60000);
    assert_string_equal(s.a[2].host, "ws04");
    assert_int_equal(s.a[2].record, ids[1]);
    alerts_free(&s);

    /* caught up: a second alerter adds nothing, and new records alert once */
    assert_int_equal(open_alerter(f, blue), 0);
    assert_int_equal(n_alerts(f, blue), 3);
    const char *more[] = {r[4]};
    assert_int_equal(ingest(f, blue, more, 1), 1);
    assert_int_equal(n_alerts(f, blue), 4);
    assert_int_equal(open_alerter(f, blue), 0);
    sw_store_team_close(blue);
}

/* A real crash: a child process ingests through an alerter and is killed
 * (SIGKILL) right after the store's commit of its second write, before the
 * alerts of that write; the next alerter finds exactly what is missing. */
static void test_catch_up_after_kill(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    deploy(f, blue, rule_ntds);
    sw_store_team_close(blue);
    char hit[512], miss[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    proc(miss, sizeof miss, "ws02", "cmd.exe", 2, NULL);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* its own handles on the file; commit 1 is the alerter's open */
        setenv("SW_TEST_CRASH_AFTER_COMMITS", "3", 1);
        sw_store_t *s;
        sw_store_team_t *t;
        sw_journal_t *j;
        sw_deploy_t *d;
        sw_alerter_t *a;
        sw_errbuf_t err;
        if (sw_store_open(f->path, &s, &err) || sw_store_team_open(s, "blue", 0, &t, &err) ||
            sw_journal_open(f->path, &j, &err) || sw_deploy_open(f->path, j, &d, &err) ||
            sw_alerter_open(d, s, t, &a, &err))
            _exit(3);
        for (int w = 0; w < 2; w++) { /* write 1 stored, write 2 killed in the window */
            for (int i = 0; i < 5; i++) {
                const char *rec = i % 2 ? miss : hit;
                if (sw_alerter_append(a, rec, strlen(rec), NULL, &err))
                    _exit(4);
            }
            sw_alerter_flush(a, &err);
        }
        _exit(5); /* not killed: the hook did not fire */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status))
        fail_msg("the child was not killed: exit %d", WEXITSTATUS(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);

    blue = team(f, "blue");
    int64_t n = 0;
    sw_errbuf_t err;
    assert_int_equal(sw_store_count(blue, &n, &err), SW_OK);
    assert_int_equal(n, 10);                /* both writes' records are on disk */
    assert_int_equal(n_alerts(f, blue), 3); /* the first write's alerts only */
    assert_int_equal(open_alerter(f, blue), 3);
    assert_int_equal(n_alerts(f, blue), 6);
    assert_int_equal(open_alerter(f, blue), 0);
    assert_int_equal(n_alerts(f, blue), 6);
    sw_store_team_close(blue);
}

static void test_withdrawn_rule_catches_up_to_its_end(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    deploy(f, blue, rule_ntds);
    const char *recs[] = {hit, hit};
    append_without_alerts(f, blue, recs, 2, NULL); /* killed before their alerts */
    sw_errbuf_t err;
    int64_t dep = 0;
    assert_int_equal(
        sw_deploy_withdraw(f->d, blue, &act, "11111111-2222-3333-4444-555555555555", &dep, &err),
        SW_OK);
    append_without_alerts(f, blue, recs, 2, NULL); /* after the withdraw: never alert */
    assert_int_equal(open_alerter(f, blue), 2);
    assert_int_equal(n_alerts(f, blue), 2);
    assert_int_equal(open_alerter(f, blue), 0);
    /* the withdraw says where the rule stopped */
    char payload[1024] = "";
    sw_journal_filter_t jf = {.kind = "rule.withdraw"};
    assert_int_equal(sw_journal_list(f->j, &jf, first_payload, payload, &err), 1);
    assert_non_null(strstr(payload, "\"until_record\":2"));
    sw_store_team_close(blue);
}

/* Another process deploys while an alerter has records it has not
 * committed: the rule applies from the count that process saw, so the
 * alerter catches up the records between that and the flush where it sees
 * the deploy. */
static void test_other_process_deploy_catches_up_gap(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, NULL);
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    for (int i = 0; i < 2; i++) /* appended, not committed */
        assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);

    /* "another process": its own store, journal and deploy handles */
    sw_store_t *s2;
    sw_store_team_t *blue2;
    sw_journal_t *j2;
    sw_deploy_t *d2;
    assert_int_equal(sw_store_open(f->path, &s2, &err), SW_OK);
    assert_int_equal(sw_store_team_open(s2, "blue", 0, &blue2, &err), SW_OK);
    assert_int_equal(sw_journal_open(f->path, &j2, &err), SW_OK);
    assert_int_equal(sw_deploy_open(f->path, j2, &d2, &err), SW_OK);
    sw_sigma_error_t e;
    sw_deployed_rule_t r;
    assert_int_equal(sw_deploy_rule(d2, blue2, &act, rule_ntds, strlen(rule_ntds), "r.yml", &r, &e),
                     SW_OK);
    assert_int_equal(r.from_record, 3); /* what it could see */
    sw_deploy_close(d2);
    sw_journal_close(j2);
    sw_store_team_close(blue2);
    sw_store_close(s2);

    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK); /* record 6 */
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_rules(a), 1);
    assert_int_equal(n_alerts(f, blue), 3); /* records 4, 5 and 6 */
    assert_int_equal(sw_alerter_recovered(a), 3);
    assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    sw_alerter_close(a);
    assert_int_equal(n_alerts(f, blue), 4);
    assert_int_equal(open_alerter(f, blue), 0);
    sw_store_team_close(blue);
}

/* ---- a deploy during an ingest (design note 6 of deploy.c) ------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int from_of(const sw_deployed_rule_t *r, void *ud)
{
    *(int64_t *)ud = r->from_record;
    return 0;
}

/* A child process deploys while this one appends records with ground
 * truth through an alerter (the store's transaction holds the write lock
 * between commits, and with no rule live nothing else commits). The deploy
 * must succeed well inside the 5 s busy timeout, and the alerter must apply
 * the rule to every record after from_record. */
static void test_deploy_during_ingest(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    char hit[512];
    proc(hit, sizeof hit, "ws01", "ntdsutil.exe", 1, ",\"_truth\":\"step:1\"");
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    /* fork holding no SQLite lock: a child inherits the library's idea of
     * the locks its parent holds, and would wait on them for ever */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        usleep(200000); /* the parent is appending by then */
        sw_store_t *s;
        sw_store_team_t *t;
        sw_journal_t *j;
        sw_deploy_t *d;
        sw_sigma_error_t e;
        if (sw_store_open(f->path, &s, &err) || sw_store_team_open(s, "blue", 0, &t, &err) ||
            sw_journal_open(f->path, &j, &err) || sw_deploy_open(f->path, j, &d, &err))
            _exit(3);
        double t0 = now_s();
        if (sw_deploy_rule(d, t, &act, rule_ntds, strlen(rule_ntds), "r.yml", NULL, &e)) {
            fprintf(stderr, "child: deploy: %s\n", e.msg);
            _exit(1);
        }
        double took = now_s() - t0;
        fprintf(stderr, "child: deployed in %.0f ms during the ingest\n", took * 1000);
        _exit(took < 2.0 ? 0 : 2);
    }
    int status = 0;
    double t0 = now_s();
    pid_t done = 0;
    int64_t n = 0;
    while (done == 0 && now_s() - t0 < 20) {
        assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
        if (++n % 64 == 0)
            done = waitpid(pid, &status, WNOHANG);
    }
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fail_msg("the deployer did not finish in 20 s");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the deploy during the ingest failed or was slow (child status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    for (int i = 0; i < 100; i++, n++)
        assert_int_equal(sw_alerter_append(a, hit, strlen(hit), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_rules(a), 1);
    sw_alerter_close(a);
    int64_t from = -1;
    assert_int_equal(sw_deploy_list(f->d, blue, 0, from_of, &from, &err), SW_OK);
    assert_true(from >= 0 && from < n - 100);      /* what the deployer could see */
    assert_int_equal(n_alerts(f, blue), n - from); /* every record after it, once */
    assert_int_equal(open_alerter(f, blue), 0);
    sw_store_team_close(blue);
}

/* Deploying n rules, each followed by a flush as the exercise does, compiles
 * the team's set once when records next arrive (or at sw_alerter_ready), not
 * once per rule: the reload at every deploy's flush made deploying a folder
 * quadratic. Every rule is live afterwards and alerts. */
static void test_deploys_compile_once(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    sw_alerter_t *a;
    sw_errbuf_t err;
    assert_int_equal(sw_alerter_open(f->d, f->s, blue, &a, &err), SW_OK);
    assert_int_equal(sw_alerter_compiles(a), 1);
    enum { N = 12 };
    for (int i = 0; i < N; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "title: tool %d run\n"
                 "id: 11111111-2222-3333-4444-%012d\n"
                 "level: high\n"
                 "logsource:\n"
                 "  product: windows\n"
                 "  category: process_creation\n"
                 "detection:\n"
                 "  sel:\n"
                 "    Image|endswith: '\\tool%d.exe'\n"
                 "  condition: sel\n",
                 i, i, i);
        deploy(f, blue, yaml);
        assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    }
    assert_int_equal(sw_alerter_compiles(a), 1);
    assert_int_equal(sw_alerter_ready(a, &err), SW_OK);
    assert_int_equal(sw_alerter_compiles(a), 2);
    assert_int_equal(sw_alerter_rules(a), N);
    char rec[512];
    for (int i = 0; i < N; i++) {
        char image[32];
        snprintf(image, sizeof image, "tool%d.exe", i);
        proc(rec, sizeof rec, "ws01", image, i, NULL);
        assert_int_equal(sw_alerter_append(a, rec, strlen(rec), NULL, &err), SW_OK);
    }
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_compiles(a), 2);
    assert_int_equal(sw_alerter_raised(a), N);
    /* a deploy with no flush after it is live for the next append */
    deploy(f, blue, rule_ntds);
    proc(rec, sizeof rec, "ws01", "ntdsutil.exe", 30, NULL);
    assert_int_equal(sw_alerter_append(a, rec, strlen(rec), NULL, &err), SW_OK);
    assert_int_equal(sw_alerter_flush(a, &err), SW_OK);
    assert_int_equal(sw_alerter_raised(a), N + 1);
    assert_int_equal(sw_alerter_compiles(a), 3);
    sw_alerter_close(a);
    assert_int_equal(n_alerts(f, blue), N + 1);
    sw_store_team_close(blue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deploy_then_ingest_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deploy_is_journaled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdraw_stops_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_matches_engine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teams_are_isolated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_rule_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_process_deploy_seen_at_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow_flushes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catch_up_after_crash_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catch_up_after_kill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdrawn_rule_catches_up_to_its_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_process_deploy_catches_up_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deploy_during_ingest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deploys_compile_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
